//! The same unit in other languages: a hit's counterparts (same document id, same
//! ref), looked up on the index.

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term as IndexTerm};

use crate::document::{Footnote, Kind};
use crate::index::{Fields, Library, StoredUnit};

use super::{Hit, Results};

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
                    "no {language} text of {} in the index",
                    unit_name(hit)
                ));
            }
            hit.parallel.push(other);
        }
    }
    Ok(())
}

/// A hit's unit as an English citation names it (`resolution 76/76, para. 15`,
/// `Outer Space Treaty, art. IV`), for messages.
fn unit_name(hit: &Hit) -> String {
    crate::model::citation::cite(
        &hit.symbol,
        "en",
        hit.kind,
        hit.number,
        &hit.r#ref,
        hit.label.as_deref(),
    )
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
