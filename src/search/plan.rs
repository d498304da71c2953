//! The tantivy queries a search runs: which paragraphs match (a term's units in a
//! row in the exact field, or its stems in a row in the words field), which rank
//! higher (words-field terms, the words standing together), and the [`Lexicon`] of
//! the query's words in the index they are built with.

use anyhow::Result;
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term as IndexTerm};

use crate::analysis::{self, Atom, LANGUAGES, exact_query_terms, word_term};
use crate::index::Fields;
use crate::query::{Query, Term};

use super::Filters;
use super::word_phrase::WordPhraseQuery;

/// How much more a words-field match weighs than an exact-field match.
const WORDS_BOOST: f32 = 2.0;
/// Longest Chinese sub-word looked up in the words field for ranking.
const MAX_WORD_CHARS: usize = 6;

#[derive(Clone, Copy)]
pub(super) enum Scope {
    Text,
    Notes,
}

impl Scope {
    /// The scope's exact and words fields.
    fn fields(self, f: &Fields) -> (Field, Field) {
        match self {
            Scope::Text => (f.body_exact, f.body_words),
            Scope::Notes => (f.notes_exact, f.notes_words),
        }
    }
}

/// The query that decides which paragraphs match, over the given scopes.
pub(super) fn build_match(
    f: &Fields,
    query: &Query,
    filters: &Filters,
    scopes: &[Scope],
    languages: &Lexicon,
) -> Box<dyn TantivyQuery> {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    for group in &query.groups {
        let alternatives = group
            .iter()
            .flat_map(|t| scopes.iter().map(move |&s| term_match(f, t, s, languages)))
            .collect();
        clauses.push((Occur::Must, union(alternatives)));
    }
    let exact = |field: Field, value: &str| -> Box<dyn TantivyQuery> {
        Box::new(TermQuery::new(
            IndexTerm::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    };
    if let Some(symbol) = &filters.symbol {
        clauses.push((Occur::Must, exact(f.symbol, symbol)));
    }
    if let Some(language) = &filters.language {
        clauses.push((Occur::Must, exact(f.language, language)));
    }
    if let Some(kind) = filters.kind {
        clauses.push((Occur::Must, exact(f.kind, kind.as_str())));
    }
    if !filters.units.is_empty() {
        let any = filters
            .units
            .iter()
            .map(|k| (Occur::Should, exact(f.unit_kinds, k)))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if let Some(year) = filters.year {
        let term = IndexTerm::from_field_u64(f.year, u64::from(year));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A term in one scope: its units in a row in the exact field, or — for terms without
/// Chinese characters — its stems in a row in the words field.
///
/// Stems alone find every paragraph the words as typed would: a document's words
/// field holds, at each word's position, the word as written (`fr=débris`) beside
/// its stem, both under the document's language, and every document's language is
/// one the [`Lexicon`] looks words up in. So a paragraph holding the words in a row
/// is in a language where each of them occurs ([`Lexicon::languages_of_all`]), and
/// holds their stems in a row there.
///
/// A term of the query's groups is looked for only in the languages a paragraph
/// matching the whole query can be in ([`Lexicon::possible_languages`]): a paragraph
/// in another language fails some other group, so the match is the same.
pub(super) fn term_match(
    f: &Fields,
    term: &Term,
    scope: Scope,
    lexicon: &Lexicon,
) -> Box<dyn TantivyQuery> {
    stems_or_exact(f, term, scope, lexicon, lexicon.possible.as_deref())
}

/// [`term_match`] in every language of its words: for an excluded term, which takes
/// out paragraphs whatever the rest of the query matches.
pub(super) fn excluded_match(
    f: &Fields,
    term: &Term,
    scope: Scope,
    lexicon: &Lexicon,
) -> Box<dyn TantivyQuery> {
    stems_or_exact(f, term, scope, lexicon, None)
}

fn stems_or_exact(
    f: &Fields,
    term: &Term,
    scope: Scope,
    lexicon: &Lexicon,
    within: Option<&[&'static str]>,
) -> Box<dyn TantivyQuery> {
    let (exact, words) = scope.fields(f);
    if term.prefix {
        return prefix_match(exact, &term.units);
    }
    if term.has_cjk() || term.exact {
        return exact_match(exact, words, &term.units, lexicon);
    }
    union(
        lexicon
            .languages_of_all(&term.units)
            .iter()
            .filter(|l| within.is_none_or(|w| w.contains(l)))
            .flat_map(|language| stem_variants(&term.units, language, lexicon))
            .map(|terms| phrase(words, terms))
            .collect(),
    )
}

/// `units` in a row in the exact field, the last one as the beginning of a word
/// (`debri*`, `space debri*`): every word it begins, as written. Every expansion is
/// kept (a paragraph that holds the term is never missed for a cap).
fn prefix_match(exact: Field, units: &[Atom]) -> Box<dyn TantivyQuery> {
    let mut terms: Vec<(usize, IndexTerm)> = exact_query_terms(units)
        .into_iter()
        .map(|(at, text)| (at, IndexTerm::from_field_text(exact, &text)))
        .collect();
    if terms.len() == 1 {
        let (_, last) = terms.remove(0);
        let pattern = format!("{}.*", regex::escape(last.value().as_str().unwrap_or("")));
        return match tantivy::query::RegexQuery::from_pattern(&pattern, exact) {
            Ok(query) => Box::new(query),
            Err(_) => Box::new(tantivy::query::EmptyQuery),
        };
    }
    let mut query = tantivy::query::PhrasePrefixQuery::new_with_offset(terms);
    query.set_max_expansions(MAX_EXPANSIONS as u32);
    Box::new(query)
}

/// The most words a phrase's last word may begin (`space d*`): tantivy reads no
/// more, so a query past it is refused ([`check_prefixes`]) rather than miss
/// paragraphs.
pub(super) const MAX_EXPANSIONS: usize = 20_000;

/// Refuses a phrase whose last word, ending in `*`, begins more words than
/// [`MAX_EXPANSIONS`] in some part of the index.
pub(super) fn check_prefixes(
    searcher: &tantivy::Searcher,
    f: &Fields,
    query: &Query,
) -> anyhow::Result<()> {
    for term in query.positive_terms().chain(&query.excluded) {
        if !term.prefix || term.units.len() < 2 {
            continue;
        }
        let Some(last) = term.units.last() else {
            continue;
        };
        for scope in [Scope::Text, Scope::Notes] {
            let (exact, _) = scope.fields(f);
            for segment in searcher.segment_readers() {
                let index = segment.inverted_index(exact)?;
                let mut stream = index
                    .terms()
                    .range()
                    .ge(last.norm.as_bytes())
                    .into_stream()?;
                let mut begun = 0;
                while stream.advance() && stream.key().starts_with(last.norm.as_bytes()) {
                    begun += 1;
                    if begun > MAX_EXPANSIONS {
                        return Err(crate::error::Error::BadQuery(format!(
                            "`{}*`: more than {MAX_EXPANSIONS} different words begin with `{}`; give more of the word",
                            term.text, last.norm
                        ))
                        .into());
                    }
                }
            }
        }
    }
    Ok(())
}

/// `units` in a row in the exact field. A run of three CJK characters or more (a
/// phrase of bigrams) is read without positions wherever jieba made it a word, and
/// with fewer where jieba made it words that the index holds ([`WordPhraseQuery`]).
fn exact_match(
    exact: Field,
    words: Field,
    units: &[Atom],
    lexicon: &Lexicon,
) -> Box<dyn TantivyQuery> {
    let terms = exact_query_terms(units);
    let one_run = units.len() >= 3
        && units.iter().all(|u| u.cjk)
        && units.windows(2).all(|w| w[1].pos == w[0].pos + 1);
    if !one_run || terms.len() < 2 {
        return phrase(exact, terms);
    }
    let term = |text: &str| IndexTerm::from_field_text(words, text);
    Box::new(WordPhraseQuery::new(
        lexicon
            .cover(units)
            .into_iter()
            .map(|(at, word)| (at, term(&word)))
            .collect(),
        terms
            .into_iter()
            .map(|(at, text)| (at, IndexTerm::from_field_text(exact, &text)))
            .collect(),
    ))
}

/// The words-field terms of `units` in `language`, at their relative positions: one
/// list, or several where a word typed without diacritics is also the stem of words
/// that have them (`etat` → `fr:etat` and `fr~:etat`, the stem of `État` without its
/// accent): every combination, at most [`MAX_VARIANTS`] (the words' own stems first).
fn stem_variants(units: &[Atom], language: &str, lexicon: &Lexicon) -> Vec<Vec<(usize, String)>> {
    let first = units.first().map_or(0, |u| u.pos);
    let mut variants: Vec<Vec<(usize, String)>> = vec![Vec::new()];
    for u in units {
        let at = u.pos - first;
        let own = (at, word_term(language, &u.norm));
        let folded = lexicon.folded_stem(language, &u.norm);
        let mut next = Vec::with_capacity(variants.len() * 2);
        for v in &variants {
            let mut with_own = v.clone();
            with_own.push(own.clone());
            next.push(with_own);
        }
        if let Some(folded) = folded {
            for v in &variants {
                if next.len() >= MAX_VARIANTS {
                    break;
                }
                let mut with_folded = v.clone();
                with_folded.push((at, folded.clone()));
                next.push(with_folded);
            }
        }
        variants = next;
    }
    variants
}

/// How many combinations of stems a run of words is looked for under; a query of
/// that many words typed without diacritics, each also a stem of accented words, is
/// not met in practice.
const MAX_VARIANTS: usize = 64;

/// For each word of a query (not Chinese, not quoted), the languages through whose
/// stems it matches: those of the languages searched in which it occurs as a word
/// (`registration` is English, so French `registre` does not match it even though
/// the French stems are the same). A word that occurs in none of them (a misspelling,
/// an inflection the corpus lacks) is stemmed in all of them.
pub struct Lexicon {
    by_word: std::collections::HashMap<String, Vec<&'static str>>,
    searched: Vec<&'static str>,
    /// Chinese words of the query (of two to [`MAX_WORD_CHARS`] characters) that
    /// the words fields hold.
    cjk_words: std::collections::HashSet<String>,
    /// For a word typed without diacritics, in a language: the term of its stem as
    /// the stem of words that have diacritics, where the index holds it.
    folded_stems: std::collections::HashMap<String, Vec<(&'static str, String)>>,
    /// The languages a paragraph matching the query can be in; `None`: any
    /// ([`Lexicon::possible_languages`]).
    pub(super) possible: Option<Vec<&'static str>>,
}

impl Lexicon {
    pub(super) fn new(
        searcher: &Searcher,
        f: &Fields,
        query: &Query,
        languages: &[&str],
    ) -> Result<Lexicon> {
        let searched: Vec<&'static str> = LANGUAGES
            .iter()
            .copied()
            .filter(|l| languages.contains(l))
            .collect();
        let mut by_word = std::collections::HashMap::new();
        let mut folded_stems: std::collections::HashMap<String, Vec<(&'static str, String)>> =
            std::collections::HashMap::new();
        let words = query
            .groups
            .iter()
            .flatten()
            .chain(&query.excluded)
            .filter(|t| !t.exact && !t.prefix)
            .flat_map(|t| t.units.iter().filter(|u| !u.cjk));
        for unit in words {
            if by_word.contains_key(&unit.norm) {
                continue;
            }
            let mut found = Vec::new();
            for &language in &searched {
                let surfaces = [
                    analysis::surface_term(language, &unit.norm),
                    analysis::folded_surface_term(language, &unit.norm),
                ];
                if held(searcher, f, &surfaces[0])? | held(searcher, f, &surfaces[1])? {
                    found.push(language);
                }
            }
            if found.is_empty() {
                found = searched.clone();
            }
            if analysis::strip_diacritics(&unit.norm).is_none() {
                for &language in &found {
                    let term =
                        analysis::folded_word_term(language, &analysis::stem(language, &unit.norm));
                    if held(searcher, f, &term)? {
                        folded_stems
                            .entry(unit.norm.clone())
                            .or_default()
                            .push((language, term));
                    }
                }
            }
            by_word.insert(unit.norm.clone(), found);
        }
        // The Chinese words of the query that the index holds, for the ranking.
        let mut cjk_words = std::collections::HashSet::new();
        for term in query.groups.iter().flatten() {
            for run in cjk_runs(&term.units) {
                for len in 2..=run.len().min(MAX_WORD_CHARS) {
                    for start in 0..=run.len() - len {
                        let word = folded(&run[start..start + len]);
                        if cjk_words.contains(&word) {
                            continue;
                        }
                        if held(searcher, f, &word)? {
                            cjk_words.insert(word);
                        }
                    }
                }
            }
        }
        let mut lexicon = Lexicon {
            by_word,
            searched,
            cjk_words,
            folded_stems,
            possible: None,
        };
        lexicon.possible = lexicon.possible_languages(query);
        Ok(lexicon)
    }

    /// The term of the stem that `word`, typed without diacritics, has as words with
    /// diacritics do without them (`fr~:etat` for `etat`), when the index holds it.
    fn folded_stem(&self, language: &str, word: &str) -> Option<String> {
        self.folded_stems
            .get(word)?
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, term)| term.clone())
    }

    /// Words that make up a run of Chinese characters, with their offsets: the run
    /// itself, or the fewest words the index holds that cover it end to end
    /// (`和平利用外层空间委员会`: `和平利用` `外层空间` `委员会`); the run itself when
    /// no such words cover it.
    fn cover(&self, run: &[Atom]) -> Vec<(usize, String)> {
        let text = |from: usize, to: usize| folded(&run[from..to]);
        let whole = vec![(0, text(0, run.len()))];
        if run.len() <= MAX_WORD_CHARS {
            return whole;
        }
        // fewest[i]: the fewest words covering run[..i], and where the last starts.
        let mut fewest: Vec<Option<(usize, usize)>> = vec![None; run.len() + 1];
        fewest[0] = Some((0, 0));
        for end in 2..=run.len() {
            for len in 2..=end.min(MAX_WORD_CHARS) {
                let start = end - len;
                if let Some((n, _)) = fewest[start]
                    && self.cjk_words.contains(&text(start, end))
                    && fewest[end].is_none_or(|(m, _)| n + 1 < m)
                {
                    fewest[end] = Some((n + 1, start));
                }
            }
        }
        if fewest[run.len()].is_none() {
            return whole;
        }
        let mut out = Vec::new();
        let mut end = run.len();
        while end > 0 {
            let (_, start) = fewest[end].expect("a cover");
            out.push((start, text(start, end)));
            end = start;
        }
        out.reverse();
        out
    }

    /// The words of a run of Chinese characters that rank its matches: those the
    /// index holds, less any inside a longer one (`外层空间` ranks, not `空间` in it,
    /// whose paragraphs are many times more and say less about the query).
    fn ranking_words(&self, run: &[Atom]) -> Vec<String> {
        let mut found: Vec<(usize, usize, String)> = Vec::new();
        for len in (2..=run.len().min(MAX_WORD_CHARS)).rev() {
            for start in 0..=run.len() - len {
                let word = folded(&run[start..start + len]);
                let inside = found
                    .iter()
                    .any(|&(s, l, _)| s <= start && start + len <= s + l);
                if !inside && self.cjk_words.contains(&word) {
                    found.push((start, len, word));
                }
            }
        }
        found.into_iter().map(|(_, _, word)| word).collect()
    }

    /// The languages whose stems `word` matches through.
    fn languages_of(&self, word: &str) -> &[&'static str] {
        self.by_word.get(word).map_or(&self.searched, Vec::as_slice)
    }

    /// The languages a paragraph that matches `query` can be in, when its words
    /// decide it (`None`: any). A term matched through stems matches only paragraphs
    /// in a language of [`Lexicon::languages_of_all`] its words (the words fields
    /// hold each word under its document's language); a quoted, prefix or Chinese
    /// term, matched in the exact fields, in any language. Every group must match.
    fn possible_languages(&self, query: &Query) -> Option<Vec<&'static str>> {
        let mut possible: Option<Vec<&'static str>> = None;
        for group in &query.groups {
            let mut languages: Vec<&'static str> = Vec::new();
            let mut anywhere = false;
            for term in group {
                if term.exact || term.prefix || term.has_cjk() {
                    anywhere = true;
                    break;
                }
                for language in self.languages_of_all(&term.units) {
                    if !languages.contains(&language) {
                        languages.push(language);
                    }
                }
            }
            if anywhere {
                continue;
            }
            possible = Some(match possible {
                None => languages,
                Some(before) => before
                    .into_iter()
                    .filter(|l| languages.contains(l))
                    .collect(),
            });
        }
        possible
    }

    /// The languages of which every word of `units` is a word.
    pub(super) fn languages_of_all(&self, units: &[Atom]) -> Vec<&'static str> {
        self.searched
            .iter()
            .copied()
            .filter(|l| {
                units
                    .iter()
                    .filter(|u| !u.cjk)
                    .all(|u| self.languages_of(&u.norm).contains(l))
            })
            .collect()
    }
}

/// Whether a words field (of the paragraphs or of their notes) holds `term`: the
/// first segment that holds it answers, the others are not looked in (a common word
/// is in every segment, and each look walks a term dictionary).
fn held(searcher: &Searcher, f: &Fields, term: &str) -> Result<bool> {
    for field in [f.body_words, f.notes_words] {
        let term = IndexTerm::from_field_text(field, term);
        for segment in searcher.segment_readers() {
            if segment.inverted_index(field)?.doc_freq(&term)? > 0 {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Scoring clauses: words-field terms for the longest Chinese words of the query that
/// the index holds ([`Lexicon::ranking_words`]: the index knows its own vocabulary,
/// so no dictionary is loaded here) and stems.
pub(super) fn ranking(
    f: &Fields,
    query: &Query,
    scope: Scope,
    lexicon: &Lexicon,
) -> Vec<Box<dyn TantivyQuery>> {
    let (_, words) = scope.fields(f);
    // A word's stems in a language no paragraph can match the whole query in score
    // nothing: they are left out rather than looked for in every match.
    let possible = &lexicon.possible;
    let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
    let mut typed_tier: Vec<Box<dyn TantivyQuery>> = Vec::new();
    let mut add = |term: String| {
        let q = TermQuery::new(
            IndexTerm::from_field_text(words, &term),
            IndexRecordOption::WithFreqs,
        );
        out.push(Box::new(BoostQuery::new(Box::new(q), WORDS_BOOST)));
    };
    for term in query.positive_terms() {
        for run in cjk_runs(&term.units) {
            for word in lexicon.ranking_words(run) {
                add(word);
            }
        }
        if term.exact || term.prefix {
            continue;
        }
        for unit in term.units.iter().filter(|u| !u.cjk) {
            let languages = lexicon
                .languages_of(&unit.norm)
                .iter()
                .filter(|l| possible.as_ref().is_none_or(|p| p.contains(l)));
            for language in languages {
                add(word_term(language, &unit.norm));
                if let Some(folded) = lexicon.folded_stem(language, &unit.norm) {
                    add(folded);
                }
                // The word as typed (same script, same accents) ranks a paragraph
                // above every one that holds it only through folding or stems:
                // `debris` puts the English `debris` before the French `débris`.
                // A constant for each word held as typed: a tier, which the phrase
                // and the words' own scores order within.
                let typed = TermQuery::new(
                    IndexTerm::from_field_text(
                        words,
                        &analysis::surface_term(language, &unit.norm),
                    ),
                    IndexRecordOption::WithFreqs,
                );
                typed_tier.push(Box::new(tantivy::query::ConstScoreQuery::new(
                    Box::new(typed),
                    TYPED_BOOST,
                )));
            }
        }
    }
    out.append(&mut typed_tier);
    out
}

/// How much a paragraph gains for each word it holds as typed: more than the words
/// standing together ([`TOGETHER_BOOST`]) and the words' own scores can give, so
/// that the form typed decides first and the phrase within it.
const TYPED_BOOST: f32 = 10_000.0;

/// Scoring clauses for words typed one after the other, which rank first where they
/// stand together, in that order (`launching State`): the whole query as one
/// phrase, as written and through stems, weighs more than any scatter of its words.
pub(super) fn together_ranking(
    f: &Fields,
    query: &Query,
    scope: Scope,
    lexicon: &Lexicon,
) -> Vec<Box<dyn TantivyQuery>> {
    let (exact, words) = scope.fields(f);
    let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
    if let Some(units) = together(query) {
        if units.iter().all(|u| !u.cjk) {
            // As in `term_match`: the stems in a row find the words in a row.
            for language in lexicon.languages_of_all(&units) {
                for terms in stem_variants(&units, language, lexicon) {
                    out.push(Box::new(BoostQuery::new(
                        phrase(words, terms),
                        TOGETHER_BOOST,
                    )));
                }
            }
        } else {
            out.push(Box::new(BoostQuery::new(
                phrase(exact, exact_query_terms(&units)),
                TOGETHER_BOOST,
            )));
        }
    }
    out
}

/// How much a paragraph where the query's words stand together gains.
const TOGETHER_BOOST: f32 = 50.0;

/// Scoring clauses for words typed one after the other that stand near each other
/// (within [`NEAR`] words, in any order) without standing together: proximity,
/// which ranks below the phrase ([`together_ranking`]).
pub(super) fn near_ranking(
    f: &Fields,
    query: &Query,
    scope: Scope,
    lexicon: &Lexicon,
) -> Vec<Box<dyn TantivyQuery>> {
    let (_, words) = scope.fields(f);
    let Some(units) = together(query) else {
        return Vec::new();
    };
    if units.iter().any(|u| u.cjk) {
        return Vec::new();
    }
    lexicon
        .languages_of_all(&units)
        .into_iter()
        .flat_map(|language| stem_variants(&units, language, lexicon))
        .map(|terms| {
            let terms = terms
                .into_iter()
                .map(|(at, text)| (at, IndexTerm::from_field_text(words, &text)))
                .collect();
            let mut near = PhraseQuery::new_with_offset(terms);
            near.set_slop(NEAR);
            Box::new(BoostQuery::new(Box::new(near), NEAR_BOOST)) as Box<dyn TantivyQuery>
        })
        .collect()
}

/// How many positions apart words may stand and still count as near.
const NEAR: u32 = 8;
/// How much a paragraph where the words stand near each other gains.
const NEAR_BOOST: f32 = 5.0;

/// The units of a query of several unquoted terms, each its own group (no OR), as
/// one run in the order typed; `None` for any other query.
fn together(query: &Query) -> Option<Vec<Atom>> {
    if query.groups.len() < 2 {
        return None;
    }
    let mut units: Vec<Atom> = Vec::new();
    for group in &query.groups {
        let [term] = group.as_slice() else {
            return None;
        };
        if term.exact || term.prefix {
            return None;
        }
        let next = units.last().map_or(0, |u| u.pos + 1);
        let first = term.units.first()?.pos;
        units.extend(term.units.iter().map(|u| Atom {
            pos: u.pos - first + next,
            ..u.clone()
        }));
    }
    Some(units)
}

/// The query's words as one term standing together (`launching State`), for marking
/// the phrase where a paragraph holds it; `None` where [`together`] is.
pub(super) fn together_term(query: &Query) -> Option<Term> {
    let units = together(query)?;
    let text = query
        .groups
        .iter()
        .flatten()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Term {
        text,
        units,
        exact: false,
        prefix: false,
    })
}

/// The folded text of `units` written together (a Chinese run: `外层空间`).
fn folded(units: &[Atom]) -> String {
    units.iter().map(|u| u.norm.as_str()).collect()
}

fn cjk_runs(units: &[Atom]) -> Vec<&[Atom]> {
    units
        .split(|u| !u.cjk)
        .filter(|run| !run.is_empty())
        .collect()
}

fn phrase(field: Field, terms: Vec<(usize, String)>) -> Box<dyn TantivyQuery> {
    let mut terms: Vec<(usize, IndexTerm)> = terms
        .into_iter()
        .map(|(at, text)| (at, IndexTerm::from_field_text(field, &text)))
        .collect();
    if terms.len() == 1 {
        let (_, term) = terms.pop().expect("one term");
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    } else {
        Box::new(PhraseQuery::new_with_offset(terms))
    }
}

pub(super) fn union(alternatives: Vec<Box<dyn TantivyQuery>>) -> Box<dyn TantivyQuery> {
    Box::new(BooleanQuery::new(
        alternatives
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lexicon whose words are in the given languages.
    fn lexicon(words: &[(&str, &[&'static str])]) -> Lexicon {
        Lexicon {
            by_word: words
                .iter()
                .map(|(w, ls)| ((*w).to_owned(), ls.to_vec()))
                .collect(),
            searched: LANGUAGES.to_vec(),
            cjk_words: Default::default(),
            folded_stems: Default::default(),
            possible: None,
        }
    }

    #[test]
    fn a_query_matches_only_in_the_languages_every_group_can_match_in() {
        let l = lexicon(&[
            ("estado", &["es"]),
            ("de", &["fr", "es"]),
            ("lanzamiento", &["es"]),
            ("debris", &["en", "fr"]),
            ("space", &["en"]),
        ]);
        let q = |s: &str| crate::query::parse(s).expect("a query");
        // Every word a group of its own: the languages all of them are words of.
        assert_eq!(
            l.possible_languages(&q("Estado de lanzamiento")),
            Some(vec!["es"])
        );
        // Alternatives: any language of any of them, in the order met.
        assert_eq!(
            l.possible_languages(&q("de OR debris")),
            Some(vec!["fr", "es", "en"])
        );
        assert_eq!(
            l.possible_languages(&q("space (de OR debris)")),
            Some(vec!["en"])
        );
        // No language in common: nothing can match.
        assert_eq!(l.possible_languages(&q("space lanzamiento")), Some(vec![]));
        // A quoted or Chinese term matches in the exact fields, in any language;
        // the other groups still decide.
        assert_eq!(
            l.possible_languages(&q("\"Estado de\" lanzamiento")),
            Some(vec!["es"])
        );
        assert_eq!(l.possible_languages(&q("空间 de")), Some(vec!["fr", "es"]));
        assert_eq!(l.possible_languages(&q("空间碎片")), None);
        assert_eq!(l.possible_languages(&q("debri*")), None);
        // An exclusion leaves the languages as they are.
        assert_eq!(
            l.possible_languages(&q("de -space")),
            Some(vec!["fr", "es"])
        );
    }
}
