//! Agreed language: where a paragraph's wording came from and how it changed.
//!
//! `trace` takes one paragraph from the index and finds the paragraphs of other
//! documents that carry the same or nearly the same wording, through the index,
//! never by comparing all pairs:
//!
//! 1. **Candidates.** The traced text's exact-field terms (words, folded; CJK
//!    bigrams) are looked up for their document frequencies; the
//!    [`RARE_TERMS`](candidates::RARE_TERMS) rarest informative ones make one BM25
//!    query in the paragraph's language, of which the best
//!    [`CANDIDATES`](candidates::CANDIDATES) are read.
//! 2. **Similarity.** Each candidate is compared with the traced text token by token
//!    (words case-folded, punctuation apart; Chinese by character): the score is the
//!    Dice ratio of their longest common token sequence, 2·common / (a + b), from a
//!    Myers diff, the same diff that is shown. A paragraph carries the wording when
//!    the score reaches [`THRESHOLD`], or when one text, [`MIN_QUOTE`] words or more,
//!    lies nearly whole inside the other ([`CONTAINED`]: a principle repeated in a
//!    treaty article). A cheap bound (shared tokens as multisets) skips the diff for
//!    candidates that can do neither.
//! 3. **Across languages.** The same unit in every other language the index holds
//!    (same symbol and ref) is traced too; a paragraph found in any language is shown
//!    in the traced language wherever that text exists
//!    ([`crate::search::counterpart`]), else in the language it matched in.
//! 4. **History.** The traced paragraph and, per document, its closest paragraph, in
//!    date order, each compared with the step before, in the language that covers
//!    most of them.
//!
//! Plain data only: [`crate::render`] prints it.
//!
//! One concern a file: `candidates.rs` (the index lookups: a document's units, the
//! candidates of a text), `similarity.rs` (the comparison of two texts, no index),
//! `history.rs` (the wording's steps in date order); this file traces a unit and
//! holds the answer.

mod candidates;
mod history;
mod similarity;

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::document::Kind;
use crate::error::Error;
use crate::index::Library;
use crate::model::{Language, language};
use crate::search;

use candidates::{candidates, find_unit, units_of};
use history::history;
use similarity::compare_screened;

pub use history::{Change, Step};
pub use similarity::{CONTAINED, Comparison, MIN_QUOTE, Op, Piece, THRESHOLD, compare};

/// A unit of a document, as the index stores it.
#[derive(Debug, Clone)]
pub struct Passage {
    pub symbol: String,
    pub language: String,
    pub kind: Kind,
    pub number: u32,
    pub r#ref: String,
    /// The label as printed (`Article IV`), for the citation.
    pub label: Option<String>,
    /// Adoption date, `YYYY-MM-DD`; empty when the document states none.
    pub date: String,
    pub year: Option<u32>,
    pub text: String,
}

impl Passage {
    /// How the UN cites the unit, in its language.
    pub fn citation(&self) -> String {
        crate::model::citation::cite(
            &self.symbol,
            &self.language,
            self.kind,
            self.number,
            &self.r#ref,
            self.label.as_deref(),
        )
    }
}

/// As JSON, a unit carries its citation.
impl Serialize for Passage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            symbol: &'a str,
            language: &'a str,
            citation: String,
            kind: Kind,
            number: u32,
            #[serde(rename = "ref")]
            r#ref: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            label: Option<&'a str>,
            date: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            year: Option<u32>,
            text: &'a str,
        }
        View {
            symbol: &self.symbol,
            language: &self.language,
            citation: self.citation(),
            kind: self.kind,
            number: self.number,
            r#ref: &self.r#ref,
            label: self.label.as_deref(),
            date: &self.date,
            year: self.year,
            text: &self.text,
        }
        .serialize(s)
    }
}

/// A paragraph of another document with the same or nearly the same wording.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    #[serde(flatten)]
    pub unit: Passage,
    /// The best similarity in any language it matched in (0–1, 1 = same wording).
    pub score: f32,
    /// The similarity of the texts shown (`unit.language`) when it differs from
    /// `score`: the wording matched in another language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_score: Option<f32>,
    /// How much of the shorter of the two texts shown the longer carries, in order
    /// (0–1): near 1 when one quotes the other.
    pub contained: f32,
    /// The languages in which its text reached the threshold, with their scores.
    pub matched_in: Vec<Matched>,
    /// The traced text (in `unit.language`) turned into this one: `delete` is
    /// wording of the traced paragraph that this one lacks, `insert` wording this one
    /// adds.
    pub diff: Vec<Piece>,
    /// Words (for Chinese, characters) changed.
    pub changed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matched {
    pub language: String,
    pub score: f32,
}

/// The answer to `trace`.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub paragraph: Passage,
    /// Every language the unit was traced in: the traced one first.
    pub languages: Vec<String>,
    pub threshold: f32,
    /// How many paragraphs reached the threshold (`similar` may show fewer).
    pub total: usize,
    pub similar: Vec<Similar>,
    /// The language the history's steps are compared in.
    pub history_language: String,
    pub history: Vec<Step>,
    /// What the user should know (which language was chosen).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// Traces unit `spec` (`16`, `p8`, `art. IV`, `article:4`) of document `symbol`, in
/// `language` (a code or name) or, when none is given, the first of zh, en, fr, es,
/// ru, ar the document is in. Shows at most `limit` similar paragraphs.
pub fn trace(
    library: &Library,
    symbol: &str,
    spec: &str,
    language: Option<&str>,
    limit: usize,
) -> Result<Trace> {
    let searcher = library.searcher()?;
    let f = &library.fields;
    let mut notes = Vec::new();

    // The document's units in every language it is in.
    let symbol = match search::indexed_symbol(&searcher, f, symbol)? {
        Some(found) => found,
        None => {
            return Err(Error::UnknownDocument {
                wanted: symbol.trim().to_owned(),
                known: search::symbols(&searcher, f)?,
            }
            .into());
        }
    };
    let all = units_of(&searcher, f, &symbol)?;
    let mut present: Vec<String> = Vec::new();
    for u in &all {
        if !present.contains(&u.language) {
            present.push(u.language.clone());
        }
    }
    language::sort_codes(&mut present);
    let language = match language {
        Some(name) => {
            let code = Language::parse(name)
                .ok_or_else(|| Error::UnknownLanguage {
                    wanted: name.trim().to_owned(),
                    known: present.clone(),
                })?
                .code();
            if !present.iter().any(|l| l == code) {
                return Err(Error::NotInLanguage {
                    document: symbol.clone(),
                    language: code.to_owned(),
                    available: present,
                }
                .into());
            }
            code.to_owned()
        }
        None => {
            let chosen = present
                .first()
                .cloned()
                .ok_or_else(|| anyhow!("no document {symbol} in the index"))?;
            if present.len() > 1 {
                notes.push(format!(
                    "tracing the {chosen} text; also in {} (--lang {})",
                    present[1..].join(", "),
                    present[1]
                ));
            }
            chosen
        }
    };
    let own: Vec<&Passage> = all.iter().filter(|u| u.language == language).collect();
    let traced = find_unit(&own, spec, &symbol, &language, &mut notes)?.clone();

    // The seeds: the traced unit, then the same unit in each other language.
    let mut seeds: Vec<Passage> = vec![traced.clone()];
    for l in present.iter().filter(|l| **l != language) {
        if let Some(u) = all
            .iter()
            .find(|u| &u.language == l && u.r#ref == traced.r#ref)
        {
            seeds.push(u.clone());
        }
    }

    // Every paragraph of another document that reaches the threshold in some
    // language, by (symbol, ref): its matches, in seed order.
    let mut found: Found = BTreeMap::new();
    for seed in &seeds {
        for candidate in candidates(&searcher, f, seed)? {
            if candidate.symbol == symbol {
                continue;
            }
            let comparison = compare_screened(&seed.text, &candidate.text, true);
            if comparison.carries() {
                found
                    .entry((candidate.symbol.clone(), candidate.r#ref.clone()))
                    .or_default()
                    .push((candidate, comparison.score));
            }
        }
    }

    // Ranked by their best score (then date): only the ones shown are looked up in
    // the traced language and diffed.
    let mut ranked: Vec<(&UnitKey, &Matches, f32)> = found
        .iter()
        .map(|(key, matches)| {
            let score = matches.iter().map(|(_, s)| *s).fold(0.0, f32::max);
            (key, matches, score)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| date_key(&a.1[0].0).cmp(&date_key(&b.1[0].0)))
            .then_with(|| a.0.cmp(b.0))
    });
    let total = ranked.len();
    let mut similar = Vec::new();
    for ((other, r), matches, score) in ranked.into_iter().take(limit) {
        // Shown in the traced language wherever that text exists.
        let shown = match matches.iter().find(|(u, _)| u.language == language) {
            Some((u, _)) => Some(u.clone()),
            None => {
                let c = search::counterpart(&searcher, f, other, r, &language)?;
                let date_of = &matches[0].0;
                c.text.map(|text| Passage {
                    symbol: other.clone(),
                    language: language.clone(),
                    kind: c.kind.unwrap_or(date_of.kind),
                    number: c.number,
                    r#ref: r.clone(),
                    label: c.label,
                    date: date_of.date.clone(),
                    year: date_of.year,
                    text,
                })
            }
        };
        let shown = shown.unwrap_or_else(|| matches[0].0.clone());
        let seed = seeds
            .iter()
            .find(|s| s.language == shown.language)
            .unwrap_or(&traced);
        let comparison = compare(&seed.text, &shown.text);
        similar.push(Similar {
            shown_score: ((comparison.score - score).abs() > 0.005).then_some(comparison.score),
            score,
            matched_in: matches
                .iter()
                .map(|(u, s)| Matched {
                    language: u.language.clone(),
                    score: *s,
                })
                .collect(),
            contained: comparison.contained,
            diff: comparison.diff,
            changed: comparison.changed,
            unit: shown,
        });
    }

    let (history_language, history) = history(&searcher, f, &seeds, &found, &traced)?;
    Ok(Trace {
        paragraph: traced,
        languages: seeds.iter().map(|s| s.language.clone()).collect(),
        threshold: THRESHOLD,
        total,
        similar,
        history_language,
        history,
        notes,
    })
}

/// A unit of a document: (symbol, ref).
type UnitKey = (String, String);

/// The paragraphs found, by unit: each language's text that reached the threshold,
/// with its score, in the order of the seeds.
type Found = BTreeMap<UnitKey, Matches>;

/// A unit's texts that reached the threshold, with their scores.
type Matches = Vec<(Passage, f32)>;

/// Sorts undated units after dated ones.
fn date_key(u: &Passage) -> (bool, &str) {
    (u.date.is_empty(), u.date.as_str())
}
