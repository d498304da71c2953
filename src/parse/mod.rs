//! Files in `data/` → [`Document`]s.
//!
//! `decode` turns bytes into text. Two paths then read it:
//! - a General Assembly resolution with its UN masthead: `layout` takes its page
//!   layer apart (furniture, footnote blocks, markers) and `resolution` assembles
//!   recitals and operative paragraphs;
//! - everything else with structure — the handbook's treaties, principles,
//!   guidelines and the resolutions that adopt them, paged by form feeds or one
//!   paragraph per line: `page` reads the page model (running heads learned from
//!   repetition, page numbers, footnotes, markers, split words) and `structure` turns
//!   its body lines into units whose refs `refs` computes.
//!
//! `text` holds the clean-up all share. Nothing here is specific to one document: the
//! same code reads any resolution or instrument dropped into `data/`.

mod annex;
mod decode;
mod layout;
pub mod lexicon;
pub mod page;
pub mod pdf;
pub mod pdf_guard;
pub mod pdf_layout;
pub mod pdf_worker;
pub mod refs;
mod resolution;
pub mod structure;
mod text;
pub mod vocabulary;

use std::path::Path;

use anyhow::{Context, Result};

pub use decode::{Decoded, decode};
pub use text::rejoin_split_words as text_rejoin;
pub use text::word_spans;
pub use vocabulary::date as parse_date;

use crate::document::{Document, DocumentKind};

/// A parsed document, with what the reader noticed on the way.
#[derive(Debug)]
pub struct Parsed {
    pub document: Document,
    /// Things a user may want to know: structure not recognised, a footnote whose
    /// marker was not found. Never fatal.
    pub warnings: Vec<String>,
}

/// Reads and parses one file. Fails only when the file cannot be read or decoded;
/// the error names the file and says why.
pub fn parse_file(path: &Path) -> Result<Parsed> {
    let bytes =
        std::fs::read(path).with_context(|| format!("{}: could not read", path.display()))?;
    parse_bytes(&bytes, path).map_err(|e| anyhow::anyhow!("{}: {e:#}", path.display()))
}

/// Decodes and parses a document's bytes; the error says why they are not a text
/// (without the file's name, which the caller adds). Decoding repairs (stray bytes
/// replaced) come first among the warnings.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Parsed> {
    if pdf::is_pdf(bytes, path) {
        return pdf_layout::parse_whole(bytes, path);
    }
    let decoded = decode(bytes)?;
    let mut parsed = parse_text(&decoded.text, path);
    let mut warnings = decoded.warnings;
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    Ok(parsed)
}

/// Parses a document's bytes into the documents it holds: one for a text, one or
/// more for a PDF (a compilation of instruments gives its front matter and each
/// instrument). Fails as [`parse_bytes`] does.
pub fn parse_bytes_many(bytes: &[u8], path: &Path) -> Result<Vec<Parsed>> {
    if pdf::is_pdf(bytes, path) {
        return pdf_layout::parse(bytes, path);
    }
    parse_bytes(bytes, path).map(|p| vec![p])
}

/// Parses a decoded text; `path` names the source and supplies the language and a
/// fallback symbol (`A-RES-76-76.zh.txt` → `A/RES/76/76`, `zh`).
pub fn parse_text(text: &str, path: &Path) -> Parsed {
    named(parse_text_with(text, path, true))
}

/// A parsed document named as its users name it: an instrument of the catalogue
/// takes its id and date, any other resolution its symbol in the UN's spelling
/// ([`crate::model::catalogue::name_document`]).
pub(crate) fn named(mut parsed: Parsed) -> Parsed {
    crate::model::catalogue::name_document(&mut parsed.document);
    if let Some(warning) = bounded(&mut parsed.document) {
        parsed.warnings.push(warning);
    }
    parsed
}

/// The most blank lines kept in a row: more say nothing a layout needs (a page break
/// is a form feed or one or two blank lines), and each line costs the page model
/// memory (50 MB of line breaks would take gigabytes).
const MAX_BLANK_RUN: usize = 8;

/// `text` with runs of more than [`MAX_BLANK_RUN`] blank lines (nothing but spaces
/// and tabs: a form feed is a page break and stays) cut to that many.
fn fewer_blank_lines(text: &str) -> std::borrow::Cow<'_, str> {
    let blank = |line: &str| line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
    let mut run = 0;
    let mut long = false;
    for line in text.lines() {
        if blank(line) {
            run += 1;
            if run > MAX_BLANK_RUN {
                long = true;
                break;
            }
        } else {
            run = 0;
        }
    }
    if !long {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(1 << 20));
    let mut run = 0;
    for line in text.lines() {
        if blank(line) {
            run += 1;
            if run > MAX_BLANK_RUN {
                continue;
            }
        } else {
            run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// The most characters one unit holds: a UN paragraph runs to a few thousand; text
/// with no paragraph breaks (a whole file on one line, or wrapped with no blank
/// line) is cut into units of at most this size, so that a hit shows a readable
/// passage and memory and highlighting stay bounded.
pub const MAX_UNIT_CHARS: usize = 20_000;

/// Cuts every unit longer than [`MAX_UNIT_CHARS`] into pieces (at a line break, else
/// after a sentence, else at a space), each a unit of its own whose ref adds
/// `/piece:N` to the unit's; a warning says how many were cut.
fn bounded(doc: &mut Document) -> Option<String> {
    if doc
        .paragraphs
        .iter()
        .all(|p| p.text.len() <= MAX_UNIT_CHARS)
    {
        return None;
    }
    let mut cut = 0;
    let mut out = Vec::with_capacity(doc.paragraphs.len());
    for p in std::mem::take(&mut doc.paragraphs) {
        if p.text.chars().count() <= MAX_UNIT_CHARS {
            out.push(p);
            continue;
        }
        cut += 1;
        for (i, piece) in pieces(&p.text, MAX_UNIT_CHARS).into_iter().enumerate() {
            let mut unit = p.clone();
            unit.r#ref = format!("{}/piece:{}", p.r#ref, i + 1);
            unit.text = piece.to_owned();
            if i > 0 {
                unit.heading = None;
                unit.footnotes.clear();
            }
            out.push(unit);
        }
    }
    doc.paragraphs = out;
    Some(format!(
        "{cut} unit{} longer than {MAX_UNIT_CHARS} characters (no paragraph breaks) cut into pieces",
        if cut == 1 { "" } else { "s" }
    ))
}

/// `text` cut into pieces of at most `most` characters.
fn pieces(text: &str, most: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while rest.chars().count() > most {
        let limit = rest.char_indices().nth(most).map_or(rest.len(), |(b, _)| b);
        let window = &rest[..limit];
        let at = window
            .rfind('\n')
            .or_else(|| window.rfind(". ").map(|i| i + 1))
            .or_else(|| window.rfind(['。', '；']).map(|i| i + 3))
            .or_else(|| window.rfind(' '))
            .filter(|&i| i > limit / 2)
            .unwrap_or(limit);
        out.push(rest[..at].trim());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// [`parse_text`] of a text whose page furniture its source has already taken off
/// (`learn_furniture` false: the page model learns no running heads).
pub(crate) fn parse_text_with(text: &str, path: &Path, learn_furniture: bool) -> Parsed {
    let text = &*fewer_blank_lines(text);
    let lines: Vec<&str> = text.lines().collect();
    let double_spaced = layout::is_double_spaced(&lines);
    let masthead = resolution::read_masthead(&lines, double_spaced);
    // A resolution with its UN masthead ("76/76. Title") is read by the resolution
    // reader; anything else that shows structure (a paged book text, a treaty, a set
    // of principles or guidelines, a resolution under the book's heading, with its
    // form feeds or without) by the page layer and the instrument reader.
    let dated_heading = || {
        masthead
            .chapeau
            .is_some_and(|c| vocabulary::date(&lines[..c].join(" ")).is_some())
    };
    if masthead.title.is_none()
        && (masthead.chapeau.is_none() || dated_heading() || page::paged(text))
        && let Some(parsed) = parse_instrument(text, path, learn_furniture)
    {
        return parsed;
    }
    let symbol = masthead
        .symbol
        .clone()
        .unwrap_or_else(|| symbol_from_file_name(path));
    let hints = layout::Hints {
        symbol: Some(&symbol),
        title: masthead.title.as_deref(),
    };
    let layout = layout::read(&lines, &hints, double_spaced);
    let body = resolution::assemble(&layout.body, masthead.chapeau, layout.double_spaced);

    let mut warnings = layout.warnings;
    if masthead.chapeau.is_none() {
        let n = body.paragraphs.len();
        warnings.push(format!(
            "not recognised as a resolution (no \"The General Assembly,\" or \"大会，\"): read as {n} plain paragraph{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    let language = language_of(path, text);
    let title = masthead.title.unwrap_or_else(|| file_stem(path).to_owned());
    let document = Document {
        symbol,
        language,
        title,
        kind: DocumentKind::Resolution,
        date: body.date.or(masthead.date),
        meeting: body.meeting,
        source: path.display().to_string(),
        paragraphs: body.paragraphs,
        footnotes: layout.footnotes,
        title_footnotes: Vec::new(),
    };
    for note in &document.footnotes {
        if !document
            .paragraphs
            .iter()
            .any(|p| p.footnotes.contains(&note.number))
        {
            warnings.push(format!("footnote {} is cited by no paragraph", note.number));
        }
    }
    if document.paragraphs.is_empty() {
        warnings.push("no paragraphs found".to_owned());
    }
    Parsed { document, warnings }
}

/// Reads an instrument through the page model and the structure reader; `None` when
/// the text shows no structure.
fn parse_instrument(text: &str, path: &Path, learn_furniture: bool) -> Option<Parsed> {
    let mut pages = page::read_with(text, learn_furniture);
    let body = page::body_lines(&mut pages);
    let read = structure::read(&body, pages.pages.len() > 1)?;
    let mut warnings = pages.warnings;
    warnings.extend(read.warnings);
    let title_notes: Vec<&str> = pages
        .footnotes
        .iter()
        .filter(|f| read.title_notes.contains(&f.number))
        .map(|f| f.text.as_str())
        .collect();
    let date = read
        .title
        .as_deref()
        .and_then(vocabulary::date)
        .or_else(|| title_notes.iter().find_map(|n| vocabulary::date(n)));
    let document = Document {
        symbol: symbol_from_file_name(path),
        language: language_of(path, text),
        title: read.title.unwrap_or_else(|| file_stem(path).to_owned()),
        kind: read.kind,
        date,
        meeting: None,
        source: path.display().to_string(),
        paragraphs: read.paragraphs,
        footnotes: pages.footnotes,
        title_footnotes: read.title_notes.clone(),
    };
    for note in &document.footnotes {
        let cited = read.title_notes.contains(&note.number)
            || document
                .paragraphs
                .iter()
                .any(|p| p.footnotes.contains(&note.number));
        if !cited {
            warnings.push(format!("footnote {} is cited by no paragraph", note.number));
        }
    }
    Some(Parsed { document, warnings })
}

/// `A-RES-76-76.zh.txt` → `A-RES-76-76`.
/// The file's name up to its first dot; a name that is not UTF-8 is read with its
/// odd bytes shown as `\xNN` (the data folder's own spelling of it), never empty.
fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(crate::data::key_of)
        .unwrap_or_default();
    name.split('.').next().unwrap_or(&name).to_owned()
}

/// A UN symbol written with dashes in a file name (`A-RES-76-76`) → `A/RES/76/76`;
/// any other name is kept as it is.
pub(crate) fn symbol_from_file_name(path: &Path) -> String {
    let stem = file_stem(path);
    let looks_like_symbol = stem.starts_with(|c: char| c.is_ascii_uppercase())
        && stem.contains('-')
        && stem
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if looks_like_symbol {
        stem.replace('-', "/")
    } else {
        stem.to_owned()
    }
}

/// The language: from the file name (`*.zh.txt`), else from the script.
fn language_of(path: &Path, text: &str) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some(lang) = name
        .split('.')
        .skip(1)
        .find_map(|part| crate::model::Language::from_code(&part.to_ascii_lowercase()))
    {
        return lang.code().to_owned();
    }
    let (mut han, mut cyrillic, mut arabic, mut latin) = (0, 0, 0, 0);
    for c in text.chars().take(20_000) {
        match c {
            _ if crate::analysis::is_cjk(c) => han += 1,
            '\u{0400}'..='\u{04FF}' => cyrillic += 1,
            '\u{0600}'..='\u{06FF}' => arabic += 1,
            'a'..='z' | 'A'..='Z' => latin += 1,
            _ => {}
        }
    }
    let best = [(han, "zh"), (cyrillic, "ru"), (arabic, "ar"), (latin, "en")]
        .into_iter()
        .max_by_key(|p| p.0);
    let lang = best.map_or("en", |p| p.1);
    if lang == "en" {
        if text.contains("Assemblée générale") {
            return "fr".into();
        }
        if text.contains("Asamblea General") {
            return "es".into();
        }
    }
    lang.into()
}
