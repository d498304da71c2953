//! Agreed language: where a paragraph's wording came from and how it changed.
//!
//! `trace` takes one paragraph from the index and finds the paragraphs of other
//! documents that carry the same or nearly the same wording, through the index,
//! never by comparing all pairs:
//!
//! 1. **Candidates.** The traced text's exact-field terms (words, folded; CJK
//!    bigrams) are looked up for their document frequencies; the [`RARE_TERMS`]
//!    rarest informative ones make one BM25 query in the paragraph's language, of
//!    which the best [`CANDIDATES`] are read.
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

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Result, anyhow};
use serde::Serialize;
use similar::{Algorithm, DiffTag};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::units;
use crate::document::Kind;
use crate::error::Error;
use crate::index::{Fields, Library, StoredUnit};
use crate::model::{Language, language, unit_ref};
use crate::search;

/// The least similarity (Dice ratio of shared tokens, 0–1) for a paragraph to carry
/// "nearly the same wording": a paragraph keeps at least two thirds of its tokens
/// in order. Below it, two resolution paragraphs share formulas but not a text.
pub const THRESHOLD: f32 = 0.66;
/// The least share of the shorter text that the longer one must carry, in order,
/// for a paragraph that quotes another (or is quoted) to count when the two are
/// not similar as wholes.
pub const CONTAINED: f32 = 0.85;
/// Words the shorter text needs for [`CONTAINED`] to apply (two Chinese characters
/// count one word):
/// a short formula ("Endorses the report of the Committee") is inside too many
/// paragraphs to say where wording came from.
pub const MIN_QUOTE: usize = 25;
/// How many of the traced text's rarest terms make the candidate query.
const RARE_TERMS: usize = 16;
/// How many candidates, best by BM25, are compared with the traced text.
const CANDIDATES: usize = 200;
/// At most this many history steps are looked up in the traced language.
const COUNTERPART_LOOKUPS: usize = 100;

/// A unit of a document, as the index stores it.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub symbol: String,
    pub language: String,
    pub kind: Kind,
    pub number: u32,
    #[serde(rename = "ref")]
    pub r#ref: String,
    /// The label as printed (`Article IV`), for the citation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Adoption date, `YYYY-MM-DD`; empty when the document states none.
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    pub text: String,
}

/// What a diff op does to the traced text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Insert,
    Delete,
}

/// One piece of a diff: text both have, text only the new one has (`insert`), text
/// only the old one has (`delete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub op: Op,
    pub text: String,
}

/// A paragraph of another document with the same or nearly the same wording.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    #[serde(flatten)]
    pub unit: Unit,
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

/// How a step of the history differs from the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The earliest step: where the wording is first seen.
    First,
    Unchanged,
    Changed,
}

/// One step of the wording's history.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    #[serde(flatten)]
    pub unit: Unit,
    pub change: Change,
    /// Words (for Chinese, characters) changed since the step before.
    pub changed: usize,
    /// The step before turned into this one.
    pub diff: Vec<Piece>,
    /// True for the traced paragraph itself.
    pub traced: bool,
    /// The same unit in the traced language, when the history is compared in
    /// another language and the text exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<Unit>,
}

/// The answer to `trace`.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub paragraph: Unit,
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
    let own: Vec<&Unit> = all.iter().filter(|u| u.language == language).collect();
    let traced = find_unit(&own, spec, &symbol, &language, &mut notes)?.clone();

    // The seeds: the traced unit, then the same unit in each other language.
    let mut seeds: Vec<Unit> = vec![traced.clone()];
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
                c.text.map(|text| Unit {
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
type Matches = Vec<(Unit, f32)>;

/// Sorts undated units after dated ones.
fn date_key(u: &Unit) -> (bool, &str) {
    (u.date.is_empty(), u.date.as_str())
}

/// The history: the traced unit and, per other document, its best match, in the
/// language that covers most of them, in date order; each step compared with the
/// one before.
fn history(
    searcher: &Searcher,
    f: &Fields,
    seeds: &[Unit],
    found: &Found,
    traced: &Unit,
) -> Result<(String, Vec<Step>)> {
    let coverage = |language: &str| {
        found
            .values()
            .filter(|m| m.iter().any(|(u, _)| u.language == language))
            .count()
    };
    // Seeds are in preference order (the traced language first): ties keep it.
    let most = seeds.iter().map(|s| coverage(&s.language)).max();
    let Some(pivot) = seeds.iter().find(|s| Some(coverage(&s.language)) == most) else {
        return Ok((traced.language.clone(), Vec::new()));
    };
    let language = pivot.language.clone();
    // The best match per document in the pivot language.
    let mut best: BTreeMap<&str, (&Unit, f32)> = BTreeMap::new();
    for matches in found.values() {
        for (u, score) in matches.iter().filter(|(u, _)| u.language == language) {
            let entry = best.entry(u.symbol.as_str()).or_insert((u, *score));
            if *score > entry.1 {
                *entry = (u, *score);
            }
        }
    }
    let mut steps: Vec<(&Unit, bool)> = best.values().map(|(u, _)| (*u, false)).collect();
    steps.push((pivot, true));
    steps.sort_by(|a, b| {
        date_key(a.0)
            .cmp(&date_key(b.0))
            .then_with(|| a.0.symbol.cmp(&b.0.symbol))
    });
    // The traced language's text of each step, when the history is in another: the
    // one that matched, else looked up on the index (for the first
    // [`COUNTERPART_LOOKUPS`] steps, which keeps a long history fast).
    let mut lookups = 0;
    let mut in_traced_language = |u: &Unit| -> Result<Option<Unit>> {
        if language == traced.language {
            return Ok(None);
        }
        if u.symbol == traced.symbol {
            return Ok(Some(traced.clone()));
        }
        let matched = found
            .get(&(u.symbol.clone(), u.r#ref.clone()))
            .and_then(|m| m.iter().find(|(m, _)| m.language == traced.language));
        if let Some((m, _)) = matched {
            return Ok(Some(m.clone()));
        }
        if lookups >= COUNTERPART_LOOKUPS {
            return Ok(None);
        }
        lookups += 1;
        let c = search::counterpart(searcher, f, &u.symbol, &u.r#ref, &traced.language)?;
        Ok(c.text.map(|text| Unit {
            symbol: u.symbol.clone(),
            language: traced.language.clone(),
            kind: c.kind.unwrap_or(u.kind),
            number: c.number,
            r#ref: u.r#ref.clone(),
            label: c.label,
            date: u.date.clone(),
            year: u.year,
            text,
        }))
    };
    let mut out: Vec<Step> = Vec::new();
    let mut previous: Option<&Unit> = None;
    for (unit, is_traced) in steps {
        let (change, changed, diff) = match previous {
            None => (Change::First, 0, Vec::new()),
            Some(before) => {
                let c = compare(&before.text, &unit.text);
                let change = if c.changed == 0 {
                    Change::Unchanged
                } else {
                    Change::Changed
                };
                (change, c.changed, c.diff)
            }
        };
        out.push(Step {
            unit: unit.clone(),
            change,
            changed,
            diff,
            traced: is_traced,
            counterpart: in_traced_language(unit)?,
        });
        previous = Some(unit);
    }
    Ok((language, out))
}

/// Every unit of a document, in every language, from the index.
fn units_of(searcher: &Searcher, f: &Fields, symbol: &str) -> Result<Vec<Unit>> {
    let query = TermQuery::new(
        Term::from_field_text(f.symbol, symbol),
        IndexRecordOption::Basic,
    );
    let mut addresses: Vec<DocAddress> = searcher
        .search(&query, &DocSetCollector)?
        .into_iter()
        .collect();
    addresses.sort();
    let mut out = Vec::with_capacity(addresses.len());
    for address in addresses {
        out.push(read_unit(searcher, f, address)?);
    }
    Ok(out)
}

fn read_unit(searcher: &Searcher, f: &Fields, address: DocAddress) -> Result<Unit> {
    let u = StoredUnit::read(searcher, f, address)?;
    Ok(Unit {
        symbol: u.symbol,
        language: u.language,
        kind: u.paragraph.kind,
        number: u.paragraph.number,
        r#ref: u.paragraph.r#ref,
        label: u.paragraph.label,
        date: u.date,
        year: u.year,
        text: u.paragraph.text,
    })
}

/// The unit `spec` names among one language's units of a document (see
/// [`unit_ref::resolve`]). A unit with several paragraphs (`art. 14`) gives its
/// first, with a note.
fn find_unit<'a>(
    units: &[&'a Unit],
    spec: &str,
    symbol: &str,
    language: &str,
    notes: &mut Vec<String>,
) -> Result<&'a Unit> {
    let found = unit_ref::resolve(units, spec, symbol, language)?;
    if let [first, second, ..] = found.as_slice() {
        notes.push(format!(
            "{} has {} paragraphs; tracing {} (give {} for the next)",
            spec.trim(),
            found.len(),
            first.r#ref,
            second.r#ref
        ));
    }
    Ok(found[0])
}

impl unit_ref::Addressed for Unit {
    fn kind(&self) -> Kind {
        self.kind
    }
    fn number(&self) -> u32 {
        self.number
    }
    fn unit_ref(&self) -> &str {
        &self.r#ref
    }
    fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

/// The candidates for `seed`: paragraphs in its language that share its rarest
/// terms, best by BM25.
fn candidates(searcher: &Searcher, f: &Fields, seed: &Unit) -> Result<Vec<Unit>> {
    let terms = rare_terms(searcher, f.body_exact, &seed.text)?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let any: Vec<(Occur, Box<dyn TantivyQuery>)> = terms
        .into_iter()
        .map(|t| {
            let q: Box<dyn TantivyQuery> =
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
            (Occur::Should, q)
        })
        .collect();
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.language, &seed.language),
                IndexRecordOption::Basic,
            )),
        ),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
    top.into_iter()
        .map(|(_, address)| read_unit(searcher, f, address))
        .collect()
}

/// The exact-field terms of `text` that fewest paragraphs have (but some do):
/// words of two letters or more and CJK bigrams; numbers left out, since they are
/// what changes from year to year (sessions, dates).
fn rare_terms(searcher: &Searcher, field: Field, text: &str) -> Result<Vec<Term>> {
    let units = units(text);
    let mut seen = HashSet::new();
    let mut terms: Vec<(u64, Term)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let value = if u.cjk {
            match units.get(i + 1) {
                Some(next) if next.cjk => format!("{}{}", u.norm, next.norm),
                _ => continue,
            }
        } else {
            if u.norm.chars().count() < 2 || u.norm.chars().all(|c| c.is_numeric()) {
                continue;
            }
            u.norm.clone()
        };
        if !seen.insert(value.clone()) {
            continue;
        }
        let term = Term::from_field_text(field, &value);
        let df = searcher.doc_freq(&term)?;
        if df > 0 {
            terms.push((df, term));
        }
    }
    terms.sort_by_key(|(df, _)| *df);
    Ok(terms.into_iter().take(RARE_TERMS).map(|(_, t)| t).collect())
}

/// Two texts compared: their similarity and the diff from the first to the second.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// 2·common tokens / (tokens of a + tokens of b), white space not counted.
    pub score: f32,
    pub diff: Vec<Piece>,
    /// Tokens changed: per change, the larger of what went and what came.
    pub changed: usize,
    /// Common tokens / tokens of the shorter text: how much of the shorter text the
    /// longer one carries, in order (a principle repeated inside a treaty article).
    pub contained: f32,
    /// Words of the shorter text, two Chinese characters counting one.
    pub shorter: usize,
}

impl Comparison {
    /// True when the second text carries the first's wording: similar as a whole
    /// ([`THRESHOLD`]), or one of them, long enough to be a text of its own, nearly
    /// whole inside the other ([`CONTAINED`], [`MIN_QUOTE`]).
    pub fn carries(&self) -> bool {
        self.score >= THRESHOLD || (self.contained >= CONTAINED && self.shorter >= MIN_QUOTE)
    }
}

/// What a token of a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    /// A word (a run of letters and digits, with the hyphens and apostrophes inside
    /// it) or one CJK character: what similarity and changes count.
    Word,
    /// One punctuation mark or other symbol: shown in diffs, not counted.
    Mark,
    /// A run of white space: its key is one space, so layout never counts as change.
    Space,
}

/// A token of a text with its comparison key (case-folded).
struct Token<'a> {
    text: &'a str,
    key: Cow<'a, str>,
    kind: TokenKind,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
    let word_char = |c: char| c.is_alphanumeric() && !crate::analysis::is_cjk(c);
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        let mut next = k + 1;
        let kind = if crate::analysis::is_cjk(c) {
            TokenKind::Word
        } else if c.is_whitespace() {
            while next < chars.len() && chars[next].1.is_whitespace() {
                next += 1;
            }
            TokenKind::Space
        } else if word_char(c) {
            // Letters and digits, joined by single hyphens and apostrophes.
            loop {
                match chars.get(next) {
                    Some(&(_, d)) if word_char(d) => next += 1,
                    Some(&(_, '-' | '\'' | '’'))
                        if chars.get(next + 1).is_some_and(|&(_, d)| word_char(d)) =>
                    {
                        next += 2
                    }
                    _ => break,
                }
            }
            TokenKind::Word
        } else {
            TokenKind::Mark
        };
        let piece = &text[start..end_of(next)];
        out.push(Token {
            text: piece,
            key: if kind == TokenKind::Space {
                Cow::Borrowed(" ")
            } else if piece.chars().any(char::is_uppercase) {
                Cow::Owned(piece.to_lowercase())
            } else {
                Cow::Borrowed(piece)
            },
            kind,
        });
        k = next;
    }
    out
}

/// Words of a text, two CJK characters counting one (a Chinese word is about two
/// characters).
fn weight(tokens: &[Token]) -> usize {
    let (mut words, mut cjk) = (0, 0);
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
        if t.text.chars().next().is_some_and(crate::analysis::is_cjk) {
            cjk += 1;
        } else {
            words += 1;
        }
    }
    words + cjk / 2
}

/// Compares `old` with `new` (the traced text with another, or a history step with
/// the next): word by word, case-folded, Chinese character by character.
pub fn compare(old: &str, new: &str) -> Comparison {
    compare_screened(old, new, false)
}

/// [`compare`]; with `screen`, a pair whose shared words cannot make it
/// [`Comparison::carries`] gets only its bounds as scores and the whole texts as its
/// diff (no diff is computed).
fn compare_screened(old: &str, new: &str, screen: bool) -> Comparison {
    // Agreed language is mostly carried unchanged.
    if old == new {
        return Comparison {
            score: 1.0,
            diff: vec![Piece {
                op: Op::Equal,
                text: new.to_owned(),
            }]
            .into_iter()
            .filter(|p| !p.text.is_empty())
            .collect(),
            changed: 0,
            contained: 1.0,
            shorter: weight(&tokens(new)),
        };
    }
    let a = tokens(old);
    let b = tokens(new);
    let words = |t: &[Token]| t.iter().filter(|t| t.kind == TokenKind::Word).count();
    let (na, nb) = (words(&a), words(&b));
    if na + nb == 0 {
        return Comparison {
            score: 1.0,
            diff: Vec::new(),
            changed: 0,
            contained: 1.0,
            shorter: 0,
        };
    }
    let share = |common: usize| common as f32 / na.min(nb).max(1) as f32;
    let shorter = weight(&a).min(weight(&b));
    // Shared tokens as multisets bound the common sequence: most candidates stop here.
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in a.iter().filter(|t| t.kind == TokenKind::Word) {
        *counts.entry(t.key.as_ref()).or_default() += 1;
    }
    let mut shared = 0;
    for t in b.iter().filter(|t| t.kind == TokenKind::Word) {
        if let Some(c) = counts.get_mut(t.key.as_ref())
            && *c > 0
        {
            *c -= 1;
            shared += 1;
        }
    }
    let bound = Comparison {
        score: 2.0 * shared as f32 / (na + nb) as f32,
        diff: Vec::new(),
        changed: 0,
        contained: share(shared),
        shorter,
    };
    if screen && !bound.carries() {
        return Comparison {
            score: bound.score,
            contained: bound.contained,
            shorter,
            diff: vec![
                Piece {
                    op: Op::Delete,
                    text: old.to_owned(),
                },
                Piece {
                    op: Op::Insert,
                    text: new.to_owned(),
                },
            ],
            changed: na.max(nb),
        };
    }
    let ka: Vec<&str> = a.iter().map(|t| t.key.as_ref()).collect();
    let kb: Vec<&str> = b.iter().map(|t| t.key.as_ref()).collect();
    // No deadline, so that a score never depends on the machine's speed: Myers with
    // its heuristics bounds the work on a difficult pair by itself.
    let ops = similar::capture_diff_slices(Algorithm::Myers, &ka, &kb);
    let mut diff: Vec<Piece> = Vec::new();
    let mut push = |op: Op, text: String| {
        if text.is_empty() {
            return;
        }
        match diff.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => diff.push(Piece { op, text }),
        }
    };
    let (mut common, mut changed) = (0, 0);
    let join = |t: &[Token]| t.iter().map(|t| t.text).collect::<String>();
    for op in &ops {
        let (tag, ra, rb) = op.as_tag_tuple();
        let (wa, wb) = (words(&a[ra.clone()]), words(&b[rb.clone()]));
        match tag {
            DiffTag::Equal => {
                common += wb;
                push(Op::Equal, join(&b[rb]));
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                // A change of white space alone is no change of wording; one of
                // punctuation alone counts as one change.
                let layout = |t: &[Token]| t.iter().all(|t| t.kind == TokenKind::Space);
                if layout(&a[ra.clone()]) && layout(&b[rb.clone()]) {
                    push(Op::Equal, join(&b[rb]));
                    continue;
                }
                changed += wa.max(wb).max(1);
                push(Op::Delete, join(&a[ra]));
                push(Op::Insert, join(&b[rb]));
            }
        }
    }
    Comparison {
        score: 2.0 * common as f32 / (na + nb) as f32,
        diff,
        changed,
        contained: share(common),
        shorter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuilt(diff: &[Piece], op: Op) -> String {
        diff.iter()
            .filter(|p| p.op == Op::Equal || p.op == op)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn a_diff_rebuilds_both_texts() {
        let old = "data on space debris, also considers that, to the extent possible,";
        let new = "data on space  debris, considers that, to the Extent possible, thereon";
        let c = compare(old, new);
        let words = |s: &str| {
            s.to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&rebuilt(&c.diff, Op::Delete)), words(old));
        assert_eq!(rebuilt(&c.diff, Op::Insert), new);
        assert_eq!(c.changed, 2, "{:?}", c.diff);
    }

    #[test]
    fn identical_texts_score_one_and_change_nothing() {
        let c = compare("认为会员国必须更加关注", "认为会员国必须更加关注");
        assert_eq!(c.score, 1.0);
        assert_eq!(c.changed, 0);
        assert!(c.diff.iter().all(|p| p.op == Op::Equal));
    }

    #[test]
    fn chinese_is_compared_by_character() {
        let c = compare("并认为应尽可能", "并还认为应尽可能");
        assert_eq!(c.changed, 1);
        assert_eq!(
            c.diff
                .iter()
                .find(|p| p.op == Op::Insert)
                .map(|p| p.text.as_str()),
            Some("还")
        );
    }

    #[test]
    fn a_short_formula_inside_a_paragraph_is_not_a_quote() {
        let formula = "Endorses the report of the Committee on its session;";
        let c = compare(
            formula,
            "Endorses the report of the Committee on its session; decides also that the Committee shall review its working methods and report on them to the Assembly at its next session under the item on space.",
        );
        assert!(c.contained > 0.99 && c.score < THRESHOLD);
        assert!(!c.carries());
    }

    #[test]
    fn unrelated_texts_fall_below_the_threshold() {
        let c = compare(
            "Declares 20 July International Moon Day",
            "Urges all Member States to contribute actively",
        );
        assert!(c.score < THRESHOLD);
    }
}
