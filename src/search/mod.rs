//! Query → ranked hits, as plain data (rendering is [`crate::render`]'s job).
//!
//! Matching is decided by the exact fields: a term matches a paragraph when its
//! units occur in a row in the paragraph's text or in the footnotes it cites (Latin
//! terms also through their stems). Ranking is BM25, with the words fields (jieba
//! words, stems) weighted above the exact fields. Two tiers: every paragraph that
//! matches in its own text ranks above every paragraph that matches only through its
//! footnotes.
//!
//! One concern a file: `catalog.rs` (what the index holds: symbols, languages, and
//! the filters checked against them), `plan.rs` (the tantivy queries a search runs
//! and the [`Lexicon`] they are built with), `collect.rs` (the set of every match),
//! `highlight.rs` (where a hit's text matched), `parallel.rs` (the same unit in
//! other languages), `ranked.rs` and `word_phrase.rs` (the two query types of our
//! own); this file runs a search and holds its answer.

mod catalog;
mod collect;
mod highlight;
mod parallel;
mod plan;
mod ranked;
pub mod suggest;
mod word_phrase;

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery};
use tantivy::{DocAddress, Searcher};

use crate::analysis::LANGUAGES;
use crate::document::Kind;
use crate::index::{Fields, Library, StoredUnit};
use crate::query::{Query, Term};

use catalog::resolve_filters;
use collect::{AllMatches, Matches};
use highlight::char_ranges;
use plan::{
    Scope, build_match, excluded_match, near_ranking, ranking, term_match, together_ranking,
    together_term, union,
};
use ranked::RankedQuery;

pub use catalog::{indexed_symbol, language_code, languages, symbols};
pub use highlight::highlights;
pub use parallel::{Counterpart, add_parallel, counterpart};
pub use plan::Lexicon;

/// Restrictions given as options.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub symbol: Option<String>,
    pub language: Option<String>,
    pub kind: Option<Kind>,
    /// Only units of any of these kinds (`article`, `principle`, `guideline`,
    /// `section`, `annex`, `preamble`, `operative`, `paragraph`).
    pub units: Vec<String>,
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
    /// The document's id (an instrument's catalogue id, or a resolution's symbol).
    pub symbol: String,
    pub language: String,
    pub title: String,
    /// How the UN cites the unit, in its language: `resolution 76/76, para. 16`,
    /// `《外层空间条约》第四条` ([`crate::model::citation::cite`]).
    pub citation: String,
    /// The document's date (`YYYY-MM-DD`; a treaty's opening for signature), or
    /// `null`.
    #[serde(serialize_with = "crate::model::citation::empty_as_null")]
    pub date: String,
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
}

/// Where a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedIn {
    Text,
    Footnote,
}

/// The answer to a query.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    /// How many paragraphs match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// For words typed one after another (`launching State`): how many of the
    /// paragraphs that match in their own text hold them standing together, in that
    /// order (the rest hold them apart). `None` for other queries, and past
    /// [`PHRASES_COUNTED_UP_TO`] matches, where counting would read every match's
    /// positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase_total: Option<usize>,
    /// When nothing was found: the query with its unknown words mended, and how
    /// many paragraphs that finds (never searched for in the user's place).
    pub suggestions: Vec<Suggestion>,
    /// What the user should know about the filters (a language no document has).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// A query to try instead, and how many paragraphs it finds.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub query: String,
    pub total: usize,
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
    plan::check_prefixes(&searcher, f, query)?;
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
            .flat_map(|t| [Scope::Text, Scope::Notes].map(|s| excluded_match(f, t, s, languages)))
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
    // The words standing together, then near each other, rank a paragraph up.
    let phrases = together_ranking(f, query, Scope::Text, languages);
    let mut closeness: Vec<Box<dyn TantivyQuery>> = phrases.iter().map(|q| q.box_clone()).collect();
    closeness.extend(near_ranking(f, query, Scope::Text, languages));
    let alongside = !closeness.is_empty() && best.len() >= ALONGSIDE_FROM;
    let rank_best = || -> Result<Vec<(f32, DocAddress)>> {
        let mut best = rescored(&searcher, &closeness, best)?;
        newest_first_on_ties(&searcher, &mut best)?;
        Ok(best)
    };

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
    let count = || -> Result<(Option<usize>, Matches)> {
        // How many of the text's matches hold the words standing together: the
        // phrases alone, kept to the text's matches (filters and exclusions applied
        // there) — the same set as both together, without running the words'
        // alternatives a second time.
        let phrase_total = if phrases.is_empty() || text_hits.len() > PHRASES_COUNTED_UP_TO {
            None
        } else {
            let together = searcher.search(&union(phrases), &AllMatches)?;
            Some(together.count_within(&text_hits))
        };
        let mut notes_only = searcher.search(&elsewhere, &AllMatches)?;
        notes_only.remove(&text_hits);
        notes_only.remove(&excluded);
        Ok((phrase_total, notes_only))
    };
    // Ranking the best again reads their positions on one thread: the counts run
    // beside it rather than after it, where a second core would wait.
    let (best, counted) = if alongside {
        std::thread::scope(|scope| {
            let ranking = scope.spawn(rank_best);
            let counted = count();
            let best = ranking
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("ranking the best matches failed")));
            (best, counted)
        })
    } else {
        (rank_best(), count())
    };
    let (phrase_total, notes_only) = counted?;
    let mut found: Vec<(f32, DocAddress)> = best?
        .into_iter()
        .filter(|(_, d)| !excluded.contains(*d))
        .take(limit)
        .collect();
    let in_own_text = found.len();
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
    let phrase = together_term(query);
    let marking = Marking {
        terms: &terms,
        phrase: phrase.as_ref(),
        lexicon: languages,
    };
    let hits = found
        .into_iter()
        .enumerate()
        .map(|(i, (score, address))| {
            let place = if i < in_own_text {
                MatchedIn::Text
            } else {
                MatchedIn::Footnote
            };
            hit(&searcher, f, address, score, &marking, place)
        })
        .collect::<Result<_>>()?;
    Ok(Results {
        query: text.to_owned(),
        total,
        hits,
        phrase_total,
        suggestions: Vec::new(),
        notes,
    })
}

/// Up to how many matches the paragraphs holding the words as a phrase are counted.
pub const PHRASES_COUNTED_UP_TO: usize = 20_000;

/// From this many best paragraphs on, they are ranked again on a thread of their
/// own while the counts run (below it, a thread's start costs more than it saves).
const ALONGSIDE_FROM: usize = 200;

/// How many of the best paragraphs by their words are ranked again by the words
/// standing together ([`together_ranking`]); all of them when there are fewer.
const RESCORE_WINDOW: usize = 1000;

/// Candidates of equal score (the same wording in the resolutions of several years)
/// in the order of their documents' years, newest first.
fn newest_first_on_ties(searcher: &Searcher, candidates: &mut [(f32, DocAddress)]) -> Result<()> {
    let mut columns = std::collections::HashMap::new();
    let mut keyed = Vec::with_capacity(candidates.len());
    for &(score, address) in candidates.iter() {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("year")?,
            ),
        };
        keyed.push((score, column.first(address.doc_id).unwrap_or(0), address));
    }
    keyed.sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    for (slot, (score, _, address)) in candidates.iter_mut().zip(keyed) {
        *slot = (score, address);
    }
    Ok(())
}

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

/// What a hit's text is marked with: the query's terms, the phrase they make when
/// typed one after another, and the lexicon their stems come from.
struct Marking<'a> {
    terms: &'a [&'a Term],
    phrase: Option<&'a Term>,
    lexicon: &'a Lexicon,
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    address: DocAddress,
    score: f32,
    marking: &Marking,
    matched_in: MatchedIn,
) -> Result<Hit> {
    let Marking {
        terms,
        phrase,
        lexicon,
    } = *marking;
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
    // Where the words stand together, the phrase is marked; lone words only in a
    // paragraph that does not hold it.
    let phrase_marks =
        phrase.map_or_else(Vec::new, |p| highlights(&text, &[p], &language, lexicon));
    let marks = if phrase_marks.is_empty() {
        highlights(&text, terms, &language, lexicon)
    } else {
        phrase_marks
    };
    let citation = crate::model::citation::cite(
        &unit.symbol,
        &language,
        p.kind,
        p.number,
        &p.r#ref,
        p.label.as_deref(),
    );
    Ok(Hit {
        citation,
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
