//! The wording's history: the traced paragraph and, per document, its closest
//! match, in date order, each step compared with the one before.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;
use tantivy::Searcher;

use crate::index::Fields;
use crate::search;

use super::similarity::{Piece, compare};
use super::{Found, Passage, date_key};

/// At most this many history steps are looked up in the traced language.
const COUNTERPART_LOOKUPS: usize = 100;

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
    pub unit: Passage,
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
    pub counterpart: Option<Passage>,
}

/// The history: the traced unit and, per other document, its best match, in the
/// language that covers most of them, in date order; each step compared with the
/// one before.
pub(super) fn history(
    searcher: &Searcher,
    f: &Fields,
    seeds: &[Passage],
    found: &Found,
    traced: &Passage,
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
    let mut best: BTreeMap<&str, (&Passage, f32)> = BTreeMap::new();
    for matches in found.values() {
        for (u, score) in matches.iter().filter(|(u, _)| u.language == language) {
            let entry = best.entry(u.symbol.as_str()).or_insert((u, *score));
            if *score > entry.1 {
                *entry = (u, *score);
            }
        }
    }
    let mut steps: Vec<(&Passage, bool)> = best.values().map(|(u, _)| (*u, false)).collect();
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
    let mut in_traced_language = |u: &Passage| -> Result<Option<Passage>> {
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
        Ok(c.text.map(|text| Passage {
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
    let mut previous: Option<&Passage> = None;
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
