//! What the index holds, read from its terms: the symbols (document ids), the
//! languages, the distinct values of a field; and the filters checked against them.

use crate::model::catalogue;
use anyhow::{Context, Result};
use tantivy::schema::Field;
use tantivy::{Searcher, Term as IndexTerm};

use crate::error::{Error, listed};
use crate::index::{Fields, Library};
use crate::model::Language;

use super::Filters;

/// The symbols (document ids) of the index.
pub fn symbols(searcher: &Searcher, f: &Fields) -> Result<Vec<String>> {
    Ok(values(searcher, f.symbol)?
        .into_iter()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .collect())
}

/// The id of the document `wanted` names, if the index holds it: its id as stored,
/// or any name [`catalogue::names_document`] accepts (the UN symbol in any spelling,
/// with or without `A/RES/`; an instrument's titles, citation name or aliases in any
/// of the five languages; `resolution 76/76`), ignoring case, accents and spacing.
pub fn indexed_symbol(searcher: &Searcher, f: &Fields, wanted: &str) -> Result<Option<String>> {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return Ok(None);
    }
    if searcher.doc_freq(&IndexTerm::from_field_text(f.symbol, wanted))? > 0 {
        return Ok(Some(wanted.to_owned()));
    }
    let symbols = symbols(searcher, f)?;
    if let Some(s) = symbols.iter().find(|s| s.eq_ignore_ascii_case(wanted)) {
        return Ok(Some(s.clone()));
    }
    Ok(symbols
        .into_iter()
        .find(|s| catalogue::names_document(s, wanted)))
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
pub(super) fn resolve_filters(
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
