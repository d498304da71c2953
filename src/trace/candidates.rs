//! What `trace` reads from the index: a document's units, the one a spec names, and
//! the candidates for a text (the paragraphs in its language that share its rarest
//! terms, best by BM25).

use std::collections::HashSet;

use anyhow::Result;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::units;
use crate::document::Kind;
use crate::index::{Fields, StoredUnit};
use crate::model::unit_ref;

use super::Passage;

/// How many of the traced text's rarest terms make the candidate query.
const RARE_TERMS: usize = 16;
/// How many candidates, best by BM25, are compared with the traced text.
const CANDIDATES: usize = 200;

/// Every unit of a document, in every language, from the index.
pub(super) fn units_of(searcher: &Searcher, f: &Fields, symbol: &str) -> Result<Vec<Passage>> {
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

fn read_unit(searcher: &Searcher, f: &Fields, address: DocAddress) -> Result<Passage> {
    let u = StoredUnit::read(searcher, f, address)?;
    Ok(Passage {
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
pub(super) fn find_unit<'a>(
    units: &[&'a Passage],
    spec: &str,
    symbol: &str,
    language: &str,
    notes: &mut Vec<String>,
) -> Result<&'a Passage> {
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

impl unit_ref::Addressed for Passage {
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
pub(super) fn candidates(searcher: &Searcher, f: &Fields, seed: &Passage) -> Result<Vec<Passage>> {
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
