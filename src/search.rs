//! Query → ranked hits, as plain data (rendering is [`crate::render`]'s job).
//!
//! Matching is decided by the exact fields: a term matches a paragraph when its
//! units occur in a row in the paragraph's text or in the footnotes it cites (Latin
//! terms also through their stems). Ranking is BM25, with the words fields (jieba
//! words, stems) weighted above the exact fields. Two tiers: every paragraph that
//! matches in its own text ranks above every paragraph that matches only through its
//! footnotes.

use anyhow::{Context, Result};
use serde::Serialize;

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term as IndexTerm,
};

use crate::analysis::{self, LANGUAGES, Unit, exact_query_terms, units, word_term};
use crate::document::{Footnote, Kind};
use crate::error::{Error, listed};
use crate::index::{Fields, Library, StoredUnit};
use crate::model::Language;
use crate::query::{Query, Term};
use crate::ranked::{self, RankedQuery};
use crate::word_phrase::WordPhraseQuery;

/// How much more a words-field match weighs than an exact-field match.
const WORDS_BOOST: f32 = 2.0;
/// Longest Chinese sub-word looked up in the words field for ranking.
const MAX_WORD_CHARS: usize = 6;

/// Restrictions given as options.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub symbol: Option<String>,
    pub language: Option<String>,
    pub kind: Option<Kind>,
    pub year: Option<u32>,
}

/// A footnote shown under a hit, with the matches inside it.
#[derive(Debug, Clone, Serialize)]
pub struct NoteHit {
    pub number: u32,
    pub text: String,
    #[serde(skip)]
    pub highlights: Vec<(usize, usize)>,
}

/// One matching paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub symbol: String,
    pub language: String,
    pub title: String,
    pub kind: Kind,
    pub number: u32,
    /// The unit's ref (`article:4`, `operative:16`) and printed heading.
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub heading: Option<String>,
    /// The unit's label as printed (`Article IV`), for citations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub score: f32,
    pub text: String,
    /// Where the query matched: in the paragraph's own text, or only in the
    /// footnotes it cites.
    pub matched_in: MatchedIn,
    /// UTF-8 byte ranges `[start, end)` of the matched strings in `text`, ascending,
    /// not overlapping (Rust, Go, C slice by these).
    pub highlights: Vec<(usize, usize)>,
    /// The same ranges in Unicode characters (code points), for Python, JavaScript
    /// (outside the BMP, count UTF-16 units yourself) and jq.
    pub highlights_chars: Vec<(usize, usize)>,
    pub footnotes: Vec<NoteHit>,
    /// The same unit in the other languages asked for (`--parallel`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parallel: Vec<Counterpart>,
    #[serde(skip)]
    pub date: String,
}

/// The symbols (document ids) of the index.
pub fn symbols(searcher: &Searcher, f: &Fields) -> Result<Vec<String>> {
    Ok(values(searcher, f.symbol)?
        .into_iter()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .collect())
}

/// The index's spelling of a symbol typed in any case (`a/res/76/76`), if some
/// document has it.
pub fn indexed_symbol(searcher: &Searcher, f: &Fields, wanted: &str) -> Result<Option<String>> {
    let wanted = wanted.trim();
    if searcher.doc_freq(&IndexTerm::from_field_text(f.symbol, wanted))? > 0 {
        return Ok(Some(wanted.to_owned()));
    }
    Ok(symbols(searcher, f)?
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(wanted)))
}

/// The distinct values of a field of the index (symbols, languages, years), for
/// checking filters and saying what exists.
fn values(searcher: &Searcher, field: Field) -> Result<std::collections::BTreeSet<Vec<u8>>> {
    let mut out = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment
            .inverted_index(field)
            .context("could not read the index's terms")?;
        let mut stream = index
            .terms()
            .stream()
            .context("could not read the index's terms")?;
        while stream.advance() {
            out.insert(stream.key().to_vec());
        }
    }
    Ok(out)
}

/// The code of a language given by code or name (`zh`, `Chinese`, `中文`).
pub fn language_code(name: &str) -> Option<&'static str> {
    Language::parse(name).map(Language::code)
}

/// The languages the index holds documents in.
pub fn languages(library: &Library) -> Result<Vec<String>> {
    Ok(values(&library.searcher()?, library.fields.language)?
        .into_iter()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .collect())
}

/// Checks the filters against what the index holds: a symbol in any case is the
/// index's spelling of it; a language may be named. A symbol in no document, a
/// language or year that cannot be, are errors that say what there is; a real
/// language or year that no document has gives a note saying what there is — never a
/// silent "0 found".
fn resolve_filters(
    searcher: &Searcher,
    f: &Fields,
    filters: &Filters,
) -> Result<(Filters, Vec<String>)> {
    let mut out = filters.clone();
    let mut notes = Vec::new();
    if let Some(wanted) = &filters.symbol {
        match indexed_symbol(searcher, f, wanted)? {
            Some(symbol) => out.symbol = Some(symbol),
            None => {
                return Err(Error::UnknownDocument {
                    wanted: wanted.trim().to_owned(),
                    known: symbols(searcher, f)?,
                }
                .into());
            }
        }
    }
    if let Some(wanted) = &filters.language {
        let language = Language::parse(wanted);
        let languages: Vec<String> = values(searcher, f.language)?
            .into_iter()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .collect();
        let Some(language) = language else {
            return Err(Error::UnknownLanguage {
                wanted: wanted.trim().to_owned(),
                known: languages,
            }
            .into());
        };
        let code = language.code().to_owned();
        if !languages.contains(&code) {
            notes.push(format!(
                "language {wanted}: no documents in that language; the index has: {}",
                listed(&languages)
            ));
        }
        out.language = Some(code);
    }
    if let Some(year) = filters.year {
        let years: Vec<u64> = values(searcher, f.year)?
            .into_iter()
            .filter_map(|v| Some(u64::from_be_bytes(v.try_into().ok()?)))
            .filter(|&y| y > 0)
            .collect();
        if !years.contains(&u64::from(year)) {
            let message = format!(
                "year {year}: no document of that year in the index; it has documents of: {}",
                listed(&years.iter().map(u64::to_string).collect::<Vec<_>>())
            );
            // The United Nations adopts texts since 1946: a year outside that is a
            // typing slip (21 for 2021), not a question.
            if !(1945..=2200).contains(&year) {
                return Err(Error::BadFilter(message).into());
            }
            notes.push(message);
        }
    }
    Ok((out, notes))
}

/// A unit in another language: the paragraph with the same document id and ref.
#[derive(Debug, Clone, Serialize)]
pub struct Counterpart {
    pub language: String,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub heading: Option<String>,
    /// `None` when the data folder has no such unit in this language.
    pub text: Option<String>,
    pub footnotes: Vec<Footnote>,
    /// Why there is no text (`no fr text of A/RES/76/76 ¶16 in the index`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// The label as this language prints it, for the citation.
    #[serde(skip)]
    pub label: Option<String>,
    #[serde(skip)]
    pub kind: Option<Kind>,
    #[serde(skip)]
    pub number: u32,
}

/// Fills each hit's [`Hit::parallel`] with the same unit (same document id, same
/// ref) in each of `languages` but the hit's own: a few term lookups per hit on the
/// index, no file is read. A language without the unit gets an entry that says so.
pub fn add_parallel(library: &Library, results: &mut Results, languages: &[String]) -> Result<()> {
    if languages.is_empty() || results.hits.is_empty() {
        return Ok(());
    }
    let searcher = library.searcher()?;
    let f = &library.fields;
    for hit in &mut results.hits {
        for language in languages.iter().filter(|l| **l != hit.language) {
            let mut other = counterpart(&searcher, f, &hit.symbol, &hit.r#ref, language)?;
            if other.text.is_none() {
                other.missing = Some(format!(
                    "no {language} text of {} {} in the index",
                    hit.symbol,
                    unit_name(hit)
                ));
            }
            hit.parallel.push(other);
        }
    }
    Ok(())
}

/// A hit's unit as its language cites it (`art. IV`, `¶16`), else its ref.
fn unit_name(hit: &Hit) -> String {
    match hit.kind {
        Kind::Operative => format!("¶{}", hit.number),
        Kind::Preamble => format!("preamble {}", hit.number),
        Kind::Paragraph => {
            crate::parse::refs::cited_label(&hit.r#ref, hit.label.as_deref(), &hit.language)
                .unwrap_or_else(|| hit.r#ref.clone())
        }
    }
}

/// The unit `r` of document `symbol` in `language`, from the index (`text` is `None`
/// when there is none).
pub fn counterpart(
    searcher: &Searcher,
    f: &Fields,
    symbol: &str,
    r: &str,
    language: &str,
) -> Result<Counterpart> {
    let term = |field: Field, value: &str| -> (Occur, Box<dyn TantivyQuery>) {
        (
            Occur::Must,
            Box::new(TermQuery::new(
                IndexTerm::from_field_text(field, value),
                IndexRecordOption::Basic,
            )),
        )
    };
    let query = BooleanQuery::new(vec![
        term(f.symbol, symbol),
        term(f.r#ref, r),
        term(f.language, language),
    ]);
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, address)) = found.first() else {
        return Ok(Counterpart {
            language: language.to_owned(),
            r#ref: r.to_owned(),
            heading: None,
            text: None,
            footnotes: Vec::new(),
            missing: None,
            label: None,
            kind: None,
            number: 0,
        });
    };
    let unit = StoredUnit::read(searcher, f, *address)?;
    Ok(Counterpart {
        language: language.to_owned(),
        r#ref: r.to_owned(),
        heading: unit.paragraph.heading,
        text: Some(unit.paragraph.text),
        footnotes: unit.notes,
        missing: None,
        label: unit.paragraph.label,
        kind: Some(unit.paragraph.kind),
        number: unit.paragraph.number,
    })
}

/// Where a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedIn {
    Text,
    Footnote,
}

/// Byte ranges → character ranges in `text`.
fn char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let at = |byte: usize| text.get(..byte).map_or(0, |t| t.chars().count());
    ranges.iter().map(|&(s, e)| (at(s), at(e))).collect()
}

/// The answer to a query.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    /// How many paragraphs match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// What the user should know about the filters (a language no document has).
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Clone, Copy)]
enum Scope {
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

/// Runs a parsed query.
pub fn search(
    library: &Library,
    text: &str,
    query: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<Results> {
    let searcher = library.searcher()?;
    let (filters, notes) = resolve_filters(&searcher, &library.fields, filters)?;
    let filters = &filters;
    // A limit beyond the number of paragraphs means "all": never allocate by it.
    let limit = limit.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX));
    let f = &library.fields;
    let languages: Vec<&str> = match &filters.language {
        Some(l) => vec![l.as_str()],
        None => LANGUAGES.to_vec(),
    };
    let lexicon = Lexicon::new(&searcher, f, query, &languages)?;
    let languages = &lexicon;
    let matching = |scopes: &[Scope]| build_match(f, query, filters, scopes, languages);
    let in_text = matching(&[Scope::Text]);
    // Exclusions are applied here rather than as tantivy MustNot clauses: tantivy
    // 0.27 mis-seeks phrase scorers used as exclusion sets.
    let excluded = if query.excluded.is_empty() {
        Matches::default()
    } else {
        let any = query
            .excluded
            .iter()
            .flat_map(|t| [Scope::Text, Scope::Notes].map(|s| term_match(f, t, s, languages)))
            .collect();
        searcher.search(&union(any), &AllMatches)?
    };

    // Tier 1, matches in the paragraph's own text: every one of them (to count them
    // and to keep them out of tier 2) and the best, in one pass — phrase matching is
    // most of a search's time, so each phrase is checked once per paragraph.
    // The words standing together are looked for (positions read) only in the best
    // paragraphs by their words, a window of RESCORE_WINDOW or the limit: a common
    // query's matches are too many to read every one's positions, and a paragraph
    // that holds the words together ranks high by its words as well.
    let ranked_text = RankedQuery::new(
        in_text.box_clone(),
        ranking(f, query, Scope::Text, languages),
    );
    let window = limit.saturating_add(excluded.len()).max(RESCORE_WINDOW);
    let (mut text_hits, best) = searcher.search(
        &ranked_text,
        &(AllMatches, TopDocs::with_limit(window).order_by_score()),
    )?;
    text_hits.remove(&excluded);
    let best = rescored(
        &searcher,
        &together_ranking(f, query, Scope::Text, languages),
        best,
    )?;
    let mut found: Vec<(f32, DocAddress)> = best
        .into_iter()
        .filter(|(_, d)| !excluded.contains(*d))
        .take(limit)
        .collect();

    // Tier 2, matches only through footnotes. With one group of alternatives, a
    // paragraph matches anywhere when it matches in its text or in its footnotes, so
    // the footnotes alone need checking; with several groups, each group may match
    // in a different place, so the whole query is run over both.
    // A paragraph that needs tier 2 has some group matching in its footnotes (were
    // every group in its text, it would be in tier 1): that small set leads the
    // intersection, so the text's phrases are checked only on its paragraphs.
    let elsewhere = if query.groups.len() == 1 {
        matching(&[Scope::Notes])
    } else {
        let in_notes = query
            .groups
            .iter()
            .flatten()
            .map(|t| term_match(f, t, Scope::Notes, languages))
            .collect();
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, matching(&[Scope::Text, Scope::Notes])),
            (Occur::Must, union(in_notes)),
        ]))
    };
    let in_own_text = found.len();
    let mut notes_only = searcher.search(&elsewhere, &AllMatches)?;
    notes_only.remove(&text_hits);
    notes_only.remove(&excluded);
    let total = text_hits.len() + notes_only.len();
    if found.len() < limit && !notes_only.is_empty() {
        let mut scoring = ranking(f, query, Scope::Notes, languages);
        scoring.extend(together_ranking(f, query, Scope::Notes, languages));
        let ranked_notes = RankedQuery::new(elsewhere, scoring);
        let wanted = (limit - found.len()).min(notes_only.len());
        let skip = text_hits.len() + excluded.len();
        let hits: Vec<(f32, DocAddress)> = searcher.search(
            &ranked_notes,
            &TopDocs::with_limit(wanted.saturating_add(skip).max(1)).order_by_score(),
        )?;
        found.extend(
            hits.into_iter()
                .filter(|(_, d)| notes_only.contains(*d))
                .take(wanted),
        );
    }
    let terms: Vec<&Term> = query.positive_terms().collect();
    let hits = found
        .into_iter()
        .enumerate()
        .map(|(i, (score, address))| {
            let place = if i < in_own_text {
                MatchedIn::Text
            } else {
                MatchedIn::Footnote
            };
            hit(&searcher, f, address, score, &terms, place, languages)
        })
        .collect::<Result<_>>()?;
    Ok(Results {
        query: text.to_owned(),
        total,
        hits,
        notes,
    })
}

/// Every matching paragraph, one bit per document of each segment: a search's
/// counts and tiers are set operations over these.
#[derive(Debug, Default, Clone)]
struct Matches {
    /// Indexed by segment ordinal.
    segments: Vec<Vec<u64>>,
}

impl Matches {
    fn contains(&self, d: DocAddress) -> bool {
        let doc = d.doc_id as usize;
        self.segments
            .get(d.segment_ord as usize)
            .and_then(|bits| bits.get(doc / 64))
            .is_some_and(|word| word >> (doc % 64) & 1 == 1)
    }

    fn len(&self) -> usize {
        self.segments
            .iter()
            .flatten()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes out every paragraph of `other`.
    fn remove(&mut self, other: &Matches) {
        for (mine, theirs) in self.segments.iter_mut().zip(&other.segments) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a &= !b;
            }
        }
    }
}

/// Collects [`Matches`].
struct AllMatches;

struct SegmentMatches {
    ordinal: SegmentOrdinal,
    bits: Vec<u64>,
}

impl Collector for AllMatches {
    type Fruit = Matches;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            ordinal,
            bits: vec![0; (segment.max_doc() as usize).div_ceil(64)],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(SegmentOrdinal, Vec<u64>)>) -> tantivy::Result<Matches> {
        let mut segments =
            vec![Vec::new(); fruits.iter().map(|f| f.0 as usize + 1).max().unwrap_or(0)];
        for (ordinal, bits) in fruits {
            segments[ordinal as usize] = bits;
        }
        Ok(Matches { segments })
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (SegmentOrdinal, Vec<u64>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.bits[doc as usize / 64] |= 1 << (doc % 64);
    }

    fn harvest(self) -> Self::Fruit {
        (self.ordinal, self.bits)
    }
}

/// The query that decides which paragraphs match, over the given scopes.
fn build_match(
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
fn term_match(f: &Fields, term: &Term, scope: Scope, lexicon: &Lexicon) -> Box<dyn TantivyQuery> {
    let (exact, words) = scope.fields(f);
    if term.has_cjk() || term.exact {
        return exact_match(exact, words, &term.units, lexicon);
    }
    union(
        lexicon
            .languages_of_all(&term.units)
            .iter()
            .map(|language| phrase(words, stem_terms(&term.units, language)))
            .collect(),
    )
}

/// `units` in a row in the exact field. A run of three CJK characters or more (a
/// phrase of bigrams) is read without positions wherever jieba made it a word, and
/// with fewer where jieba made it words that the index holds ([`WordPhraseQuery`]).
fn exact_match(
    exact: Field,
    words: Field,
    units: &[Unit],
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

/// The words-field terms of `units` in `language`, at their relative positions.
fn stem_terms(units: &[Unit], language: &str) -> Vec<(usize, String)> {
    let first = units.first().map_or(0, |u| u.pos);
    units
        .iter()
        .map(|u| (u.pos - first, word_term(language, &u.norm)))
        .collect()
}

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
}

impl Lexicon {
    fn new(searcher: &Searcher, f: &Fields, query: &Query, languages: &[&str]) -> Result<Lexicon> {
        let searched: Vec<&'static str> = LANGUAGES
            .iter()
            .copied()
            .filter(|l| languages.contains(l))
            .collect();
        let mut by_word = std::collections::HashMap::new();
        let words = query
            .groups
            .iter()
            .flatten()
            .chain(&query.excluded)
            .filter(|t| !t.exact)
            .flat_map(|t| t.units.iter().filter(|u| !u.cjk));
        for unit in words {
            if by_word.contains_key(&unit.norm) {
                continue;
            }
            let mut found = Vec::new();
            for &language in &searched {
                let surface = analysis::surface_term(language, &unit.norm);
                let mut n = 0;
                for field in [f.body_words, f.notes_words] {
                    n += searcher.doc_freq(&IndexTerm::from_field_text(field, &surface))?;
                }
                if n > 0 {
                    found.push(language);
                }
            }
            if found.is_empty() {
                found = searched.clone();
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
                        let mut n = 0;
                        for field in [f.body_words, f.notes_words] {
                            n += searcher.doc_freq(&IndexTerm::from_field_text(field, &word))?;
                        }
                        if n > 0 {
                            cjk_words.insert(word);
                        }
                    }
                }
            }
        }
        Ok(Lexicon {
            by_word,
            searched,
            cjk_words,
        })
    }

    /// Words that make up a run of Chinese characters, with their offsets: the run
    /// itself, or the fewest words the index holds that cover it end to end
    /// (`和平利用外层空间委员会`: `和平利用` `外层空间` `委员会`); the run itself when
    /// no such words cover it.
    fn cover(&self, run: &[Unit]) -> Vec<(usize, String)> {
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
    fn ranking_words(&self, run: &[Unit]) -> Vec<String> {
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

    /// The languages of which every word of `units` is a word.
    fn languages_of_all(&self, units: &[Unit]) -> Vec<&'static str> {
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

/// Scoring clauses: words-field terms for the longest Chinese words of the query that
/// the index holds ([`Lexicon::ranking_words`]: the index knows its own vocabulary,
/// so no dictionary is loaded here) and stems.
fn ranking(
    f: &Fields,
    query: &Query,
    scope: Scope,
    lexicon: &Lexicon,
) -> Vec<Box<dyn TantivyQuery>> {
    let (_, words) = scope.fields(f);
    let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
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
        for unit in term.units.iter().filter(|u| !u.cjk && !term.exact) {
            for language in lexicon.languages_of(&unit.norm) {
                add(word_term(language, &unit.norm));
            }
        }
    }
    out
}

/// Scoring clauses for words typed one after the other, which rank first where they
/// stand together, in that order (`launching State`): the whole query as one
/// phrase, as written and through stems, weighs more than any scatter of its words.
fn together_ranking(
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
                out.push(Box::new(BoostQuery::new(
                    phrase(words, stem_terms(&units, language)),
                    TOGETHER_BOOST,
                )));
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

/// How many of the best paragraphs by their words are ranked again by the words
/// standing together ([`together_ranking`]); all of them when there are fewer.
const RESCORE_WINDOW: usize = 1000;

/// `candidates` with the score of each of `boosts` that matches them added (each
/// looked up once, in document order), best first.
fn rescored(
    searcher: &Searcher,
    boosts: &[Box<dyn TantivyQuery>],
    mut candidates: Vec<(f32, DocAddress)>,
) -> Result<Vec<(f32, DocAddress)>> {
    if boosts.is_empty() {
        return Ok(candidates);
    }
    let weights = boosts
        .iter()
        .map(|q| {
            q.weight(tantivy::query::EnableScoring::enabled_from_searcher(
                searcher,
            ))
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| candidates[i].1);
    let mut segment = None;
    let mut scorers = Vec::new();
    for i in order {
        let address = candidates[i].1;
        if segment != Some(address.segment_ord) {
            let reader = searcher.segment_reader(address.segment_ord);
            scorers = weights
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            segment = Some(address.segment_ord);
        }
        candidates[i].0 += ranked::score_at(&mut scorers, address.doc_id);
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(candidates)
}

/// How much a paragraph where the query's words stand together gains.
const TOGETHER_BOOST: f32 = 50.0;

/// The units of a query of several unquoted terms, each its own group (no OR), as
/// one run in the order typed; `None` for any other query.
fn together(query: &Query) -> Option<Vec<Unit>> {
    if query.groups.len() < 2 {
        return None;
    }
    let mut units: Vec<Unit> = Vec::new();
    for group in &query.groups {
        let [term] = group.as_slice() else {
            return None;
        };
        if term.exact {
            return None;
        }
        let next = units.last().map_or(0, |u| u.pos + 1);
        let first = term.units.first()?.pos;
        units.extend(term.units.iter().map(|u| Unit {
            pos: u.pos - first + next,
            ..u.clone()
        }));
    }
    Some(units)
}

/// The folded text of `units` written together (a Chinese run: `外层空间`).
fn folded(units: &[Unit]) -> String {
    units.iter().map(|u| u.norm.as_str()).collect()
}

fn cjk_runs(units: &[Unit]) -> Vec<&[Unit]> {
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

fn union(alternatives: Vec<Box<dyn TantivyQuery>>) -> Box<dyn TantivyQuery> {
    Box::new(BooleanQuery::new(
        alternatives
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect(),
    ))
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    address: DocAddress,
    score: f32,
    terms: &[&Term],
    matched_in: MatchedIn,
    lexicon: &Lexicon,
) -> Result<Hit> {
    let unit = StoredUnit::read(searcher, f, address)?;
    let language = unit.language;
    let p = unit.paragraph;
    let text = p.text;
    let footnotes = unit
        .notes
        .into_iter()
        .map(|n| NoteHit {
            highlights: highlights(&n.text, terms, &language, lexicon),
            number: n.number,
            text: n.text,
        })
        .collect();
    let marks = highlights(&text, terms, &language, lexicon);
    Ok(Hit {
        symbol: unit.symbol,
        title: unit.title,
        kind: p.kind,
        number: p.number,
        r#ref: p.r#ref,
        heading: p.heading,
        label: p.label,
        score,
        highlights_chars: char_ranges(&text, &marks),
        highlights: marks,
        matched_in,
        parallel: Vec::new(),
        text,
        footnotes,
        date: unit.date,
        language,
    })
}

/// Byte ranges of every occurrence of the terms in `text`: the whole matched run of
/// units, from its first byte to its last, merged where they overlap.
pub fn highlights(
    text: &str,
    terms: &[&Term],
    language: &str,
    lexicon: &Lexicon,
) -> Vec<(usize, usize)> {
    let text_units = units(text);
    // A text word as a query word without diacritics sees it (`État` for `etat`).
    let plain: Vec<Option<String>> = text_units
        .iter()
        .map(|u| analysis::strip_diacritics(&u.norm))
        .collect();
    // Stems of the text's words, computed once and only when some term matches by stem.
    let stems_wanted = terms.iter().any(|t| !t.has_cjk() && !t.exact);
    let text_stems: Vec<(String, Option<String>)> = if stems_wanted {
        text_units
            .iter()
            .zip(&plain)
            .map(|(u, p)| {
                let stemmed = analysis::stem(language, &u.norm);
                (stemmed, p.as_deref().map(|p| analysis::stem(language, p)))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut ranges = Vec::new();
    for term in terms {
        let k = term.units.len();
        let stemmed = !term.has_cjk()
            && !term.exact
            && lexicon.languages_of_all(&term.units).contains(&language);
        let term_stems: Vec<String> = if stemmed {
            term.units
                .iter()
                .map(|u| analysis::stem(language, &u.norm))
                .collect()
        } else {
            Vec::new()
        };
        let first = term.units.first().map_or(0, |u| u.pos);
        for i in 0..text_units.len().saturating_sub(k - 1) {
            let window = &text_units[i..i + k];
            let same = window.iter().enumerate().all(|(j, a)| {
                let t = &term.units[j];
                let in_row = a.pos - window[0].pos == t.pos - first;
                let unaccented = analysis::strip_diacritics(&t.norm).is_none();
                let as_typed = a.norm == t.norm
                    || (unaccented && plain[i + j].as_deref() == Some(t.norm.as_str()));
                let by_stem = !term_stems.is_empty()
                    && !a.cjk
                    && (text_stems[i + j].0 == term_stems[j]
                        || (unaccented
                            && text_stems[i + j].1.as_deref() == Some(term_stems[j].as_str())));
                in_row && (as_typed || by_stem)
            });
            if same {
                ranges.push((window[0].start, window[k - 1].end));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}
