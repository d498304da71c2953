//! Export for translators: the agreed wording of the units the index holds in
//! several languages, aligned, as a translation memory (TMX 1.4b), a spreadsheet
//! (CSV, RFC 4180) or JSON lines — what CAT tools (OmegaT, Trados, memoQ) and
//! scripts read.
//!
//! Two halves, kept apart: [`collect`] asks the [`Engine`] for the rows (one per
//! unit — same document id, same `ref` — held in at least two of the languages asked
//! for; a language that lacks the unit leaves its place empty, never shifted), and
//! [`write_tmx`], [`write_csv`] and [`write_jsonl`] render rows to any writer.
//! Nothing here reads the data folder or prints.
//!
//! A segment is the unit's text as the index holds it: footnote markers are never in
//! it (the parser takes them out; the footnotes are kept apart). TMX gives each
//! footnote the unit cites as a `<note>` of its language's `<tuv>`; CSV and JSON lines
//! carry the text alone.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::document::{Document, Footnote, Paragraph};
use crate::engine::{Engine, Result, SearchRequest, language_list};
use crate::error::Error;
use crate::model::citation;
use crate::search::Filters;

/// The formats an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TMX 1.4b, a translation memory.
    Tmx,
    /// CSV (RFC 4180): `id,ref,citation,date` and a column per language.
    Csv,
    /// One JSON object per line: `{"id","ref","citation","date","texts":{…}}`.
    Jsonl,
}

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// The languages, in the order wanted (the first is the TMX source language and
    /// the citations'): codes or names as a comma list (`zh,en`), or `all`; at least
    /// two.
    pub languages: String,
    /// Only this document (id, symbol or title in any spelling `show` takes; a whole
    /// citation names one unit).
    pub document: Option<String>,
    /// Only the units this query finds (every one of them), in any language.
    pub query: Option<String>,
    /// Only units of these kinds (`article`, `principle`, `guideline`, `section`,
    /// `annex`, `preamble`, `operative`, `paragraph`), any of them.
    pub kinds: Vec<String>,
    /// Only documents adopted (treaties: opened for signature) in this year.
    pub year: Option<u32>,
}

/// The unit kinds the kind filter knows (as search's `--kind` names them).
pub const KINDS: [&str; 8] = [
    "preamble",
    "operative",
    "paragraph",
    "article",
    "principle",
    "guideline",
    "section",
    "annex",
];

/// An export's rows, ready to render.
#[derive(Debug, Clone)]
pub struct Export {
    /// The languages, in the order asked (the columns; the first is the source).
    pub languages: Vec<String>,
    pub rows: Vec<Row>,
    /// When there are no rows: why, in words (no flag named).
    pub note: Option<String>,
}

/// One unit in the languages asked for.
#[derive(Debug, Clone)]
pub struct Row {
    /// The document's id (`outer-space-treaty`, `A/RES/76/76`).
    pub id: String,
    /// The unit's language-independent address (`article:4`, `operative:16`).
    pub r#ref: String,
    /// 1 for the first unit of the document with this ref; a later one with the same
    /// ref (which a well-read document never has) counts on, so that it is aligned
    /// with the same later one in the other languages.
    pub occurrence: usize,
    /// How the UN cites the unit, in the first language asked for.
    pub citation: String,
    /// The document's date (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// The unit in each language asked for, in that order; `None` where the
    /// language does not hold it.
    pub segments: Vec<Option<Segment>>,
}

impl Row {
    /// The TMX `tuid`: `ID/REF` (`#N` added for a ref's later occurrence).
    pub fn tuid(&self) -> String {
        format!("{}/{}", self.id, self.ref_key())
    }

    /// The ref as the CSV and JSON lines write it (`#N` added for a later
    /// occurrence, as in the `tuid`).
    pub fn ref_key(&self) -> String {
        match self.occurrence {
            1 => self.r#ref.clone(),
            n => format!("{}#{n}", self.r#ref),
        }
    }
}

/// A unit's text in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text (no footnote markers; sub-paragraphs on lines of their own).
    pub text: String,
    /// The footnotes it cites, in order of citation.
    pub footnotes: Vec<Footnote>,
}

/// How many hits a query's export asks for first; a search that finds more is run
/// again with its total as the limit.
const FIRST_PAGE: usize = 1000;

/// The rows `request` asks for, from the index as it is (the caller decides
/// freshness through [`Engine::fresh`]).
pub fn collect(engine: &Engine, request: &ExportRequest) -> Result<Export> {
    let available = engine.languages()?;
    let languages = language_list(&request.languages, &available)?;
    if languages.len() < 2 {
        return Err(Error::BadFilter(format!(
            "lang {}: an export pairs languages; give two or more (zh,en), or all",
            request.languages.trim()
        )));
    }
    if let Some(kind) = request.kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
        return Err(Error::BadFilter(format!(
            "kind {kind}: not a kind of unit; the kinds are {}",
            KINDS.join(", ")
        )));
    }
    let (rows, why) = match request.query.as_deref() {
        Some(query) => found_rows(engine, request, query, &languages)?,
        None => all_rows(engine, request, &languages)?,
    };
    let note = rows.is_empty().then(|| why(&languages.join(", ")));
    Ok(Export {
        languages,
        rows,
        note,
    })
}

/// A reason for an empty export, given the languages asked for.
type Why = Box<dyn Fn(&str) -> String>;

/// Every unit of every document (or of `request.document`) held in two of
/// `languages` or more.
fn all_rows(
    engine: &Engine,
    request: &ExportRequest,
    languages: &[String],
) -> Result<(Vec<Row>, Why)> {
    let spec = languages.join(",");
    let mut rows = Vec::new();
    if let Some(name) = &request.document {
        let shown = engine.show(name, None, Some(&spec))?;
        let year_ok = request
            .year
            .is_none_or(|y| shown.documents.iter().any(|d| d.year() == Some(y)));
        if year_ok {
            rows = aligned(&shown.documents, languages, &request.kinds);
            if let Some(refs) = &shown.refs {
                rows.retain(|r| refs.contains(&r.r#ref));
            }
        }
        // The languages it is held in, for the note of an empty export.
        let held = if rows.is_empty() {
            engine
                .list(None, None)?
                .into_iter()
                .find(|d| d.id == shown.symbol)
                .map(|d| d.languages.join(", "))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let (symbol, year) = (shown.symbol, request.year);
        let why: Why = Box::new(move |asked| match year {
            Some(y) if !year_ok => format!("{symbol} is not of {y}"),
            _ => format!("no unit of {symbol} is held in two of {asked} (it is in: {held})"),
        });
        return Ok((rows, why));
    }
    for info in engine.list(None, request.year)? {
        let held = languages
            .iter()
            .filter(|l| info.languages.contains(l))
            .count();
        if held < 2 {
            continue;
        }
        let shown = engine.show(&info.id, None, Some(&spec))?;
        rows.extend(aligned(&shown.documents, languages, &request.kinds));
    }
    let in_index = available_note(engine);
    let year = request.year;
    let why: Why = Box::new(move |asked| {
        let of_year = year.map_or_else(String::new, |y| format!(" of {y}"));
        format!("no unit of a document{of_year} is held in two of {asked}{in_index}")
    });
    Ok((rows, why))
}

/// `; the index holds: zh, en, …` (nothing when the languages cannot be read).
fn available_note(engine: &Engine) -> String {
    engine
        .languages()
        .map(|l| format!("; the index holds: {}", l.join(", ")))
        .unwrap_or_default()
}

/// The units `query` finds (all of them, in any language), best first, each in the
/// languages asked for where two or more hold it.
fn found_rows(
    engine: &Engine,
    request: &ExportRequest,
    query: &str,
    languages: &[String],
) -> Result<(Vec<Row>, Why)> {
    let mut search = SearchRequest {
        query: query.to_owned(),
        filters: Filters {
            symbol: request.document.clone(),
            language: None,
            kind: None,
            units: request.kinds.clone(),
            year: request.year,
        },
        limit: FIRST_PAGE,
        parallel: None,
    };
    let mut results = engine.search(&search)?;
    if results.total > results.hits.len() {
        search.limit = results.total;
        results = engine.search(&search)?;
    }
    let spec = languages.join(",");
    // The rows of each document a hit is in, made once.
    let mut documents: HashMap<String, Vec<Row>> = HashMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut rows = Vec::new();
    for hit in &results.hits {
        if !seen.insert((hit.symbol.clone(), hit.r#ref.clone())) {
            continue;
        }
        if !documents.contains_key(&hit.symbol) {
            let shown = engine.show(&hit.symbol, None, Some(&spec))?;
            documents.insert(
                hit.symbol.clone(),
                aligned(&shown.documents, languages, &[]),
            );
        }
        rows.extend(
            documents[&hit.symbol]
                .iter()
                .filter(|r| r.r#ref == hit.r#ref)
                .cloned(),
        );
    }
    let units = seen.len();
    let why: Why = Box::new(move |asked| match units {
        0 => "the query found nothing".to_owned(),
        n => format!(
            "the query found {n} unit{}, none held in two of {asked}",
            if n == 1 { "" } else { "s" }
        ),
    });
    Ok((rows, why))
}

/// The rows of one document: its versions in the languages asked for aligned by
/// ref, in document order, each unit held in two of them or more (and of one of
/// `kinds`, when given).
fn aligned(documents: &[Document], languages: &[String], kinds: &[String]) -> Vec<Row> {
    let versions: Vec<Option<&Document>> = languages
        .iter()
        .map(|l| documents.iter().find(|d| &d.language == l))
        .collect();
    if versions.iter().flatten().count() < 2 {
        return Vec::new();
    }
    // Each version's units by (ref, occurrence).
    let units: Vec<HashMap<(&str, usize), &Paragraph>> = versions
        .iter()
        .map(|v| v.map_or_else(HashMap::new, |d| keyed(d).into_iter().collect()))
        .collect();
    // The units in document order: the first version's, with each other version's
    // units that it lacks put after the unit they follow there.
    let mut order: Vec<(&str, usize)> = Vec::new();
    for doc in versions.iter().flatten() {
        let mut at = 0;
        for (key, _) in keyed(doc) {
            match order.iter().position(|k| *k == key) {
                Some(i) => at = i + 1,
                None => {
                    order.insert(at, key);
                    at += 1;
                }
            }
        }
    }
    let mut rows = Vec::new();
    for key in order {
        let held: Vec<Option<(&Document, &Paragraph)>> = versions
            .iter()
            .zip(&units)
            .map(|(v, u)| Some(((*v)?, *u.get(&key)?)))
            .collect();
        let present: Vec<(&Document, &Paragraph)> = held.iter().flatten().copied().collect();
        if present.len() < 2 {
            continue;
        }
        let (doc, unit) = present[0];
        if !kinds.is_empty()
            && !crate::index::unit_kinds(doc, unit)
                .iter()
                .any(|k| kinds.iter().any(|w| w == k))
        {
            continue;
        }
        // Cited in the first language asked for; its own label (Roman or Chinese
        // numerals as printed) when it holds the unit.
        let source = &languages[0];
        let label = match held[0] {
            Some((_, p)) => p.label.as_deref(),
            None => None,
        };
        let citation = citation::cite(
            &doc.symbol,
            source,
            unit.kind,
            unit.number,
            &unit.r#ref,
            label,
        );
        rows.push(Row {
            id: doc.symbol.clone(),
            r#ref: key.0.to_owned(),
            occurrence: key.1,
            citation,
            date: present.iter().find_map(|(d, _)| d.date.clone()),
            segments: held
                .iter()
                .map(|h| {
                    h.map(|(d, p)| Segment {
                        text: p.text.clone(),
                        footnotes: p
                            .footnotes
                            .iter()
                            .filter_map(|n| d.footnote(*n).cloned())
                            .collect(),
                    })
                })
                .collect(),
        });
    }
    rows
}

/// A document's units with their keys: the ref and how many units up to this one
/// had it.
fn keyed(doc: &Document) -> Vec<((&str, usize), &Paragraph)> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    doc.paragraphs
        .iter()
        .map(|p| {
            let n = count.entry(p.r#ref.as_str()).or_insert(0);
            *n += 1;
            ((p.r#ref.as_str(), *n), p)
        })
        .collect()
}

/// Writes `export` in `format`; `created` is the TMX header's creation date.
pub fn write(
    format: Format,
    out: impl Write,
    export: &Export,
    created: SystemTime,
) -> io::Result<()> {
    match format {
        Format::Tmx => write_tmx(out, export, created),
        Format::Csv => write_csv(out, export),
        Format::Jsonl => write_jsonl(out, export),
    }
}

// TMX is written by hand rather than with an XML crate: the document is one fixed
// shape (a header, then tu/prop/tuv/note/seg), and the one thing that needs care —
// text that XML 1.0 cannot carry (control characters) besides the five escapes —
// an XML writer such as quick-xml's leaves to the caller anyway. So every piece of
// text, attribute or content, goes through the one function `xml_text`.

/// Writes `export` as TMX 1.4b: the header (source language the first asked for,
/// segment type `paragraph`, created `created`), then one `<tu tuid="ID/REF">` per
/// row with its document id, ref, citation and date as `<prop>`s (`x-document`,
/// `x-ref`, `x-citation`, `x-date`: an id may hold slashes) and a `<tuv xml:lang>` per language
/// that holds the unit (the footnotes it cites as `<note>`s, then the `<seg>`).
pub fn write_tmx(mut out: impl Write, export: &Export, created: SystemTime) -> io::Result<()> {
    let source = export.languages.first().map_or("en", String::as_str);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<tmx version="1.4">"#)?;
    writeln!(
        out,
        r#"  <header creationtool="unspace" creationtoolversion="{}" segtype="paragraph" o-tmf="unspace" adminlang="en" srclang="{}" datatype="plaintext" creationdate="{}"/>"#,
        xml_text(env!("CARGO_PKG_VERSION")),
        xml_text(source),
        tmx_date(created)
    )?;
    writeln!(out, "  <body>")?;
    for row in &export.rows {
        writeln!(out, r#"    <tu tuid="{}">"#, xml_text(&row.tuid()))?;
        writeln!(
            out,
            r#"      <prop type="x-document">{}</prop>"#,
            xml_text(&row.id)
        )?;
        writeln!(
            out,
            r#"      <prop type="x-ref">{}</prop>"#,
            xml_text(&row.ref_key())
        )?;
        writeln!(
            out,
            r#"      <prop type="x-citation">{}</prop>"#,
            xml_text(&row.citation)
        )?;
        if let Some(date) = &row.date {
            writeln!(
                out,
                r#"      <prop type="x-date">{}</prop>"#,
                xml_text(date)
            )?;
        }
        for (language, segment) in export.languages.iter().zip(&row.segments) {
            let Some(segment) = segment else { continue };
            writeln!(out, r#"      <tuv xml:lang="{}">"#, xml_text(language))?;
            for note in &segment.footnotes {
                writeln!(
                    out,
                    "        <note>{}</note>",
                    xml_text(&format!("{} {}", note.number, note.text))
                )?;
            }
            writeln!(out, "        <seg>{}</seg>", xml_text(&segment.text))?;
            writeln!(out, "      </tuv>")?;
        }
        writeln!(out, "    </tu>")?;
    }
    writeln!(out, "  </body>")?;
    writeln!(out, "</tmx>")?;
    out.flush()
}

/// Text as XML 1.0 content or attribute value: `& < > " '` escaped; tab, line feed
/// and carriage return written as character references (so that neither an
/// attribute's normalisation nor a reader's line-end handling changes them); every
/// other character XML 1.0 does not allow (C0 controls, U+FFFE, U+FFFF) dropped.
pub fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A time as TMX writes dates: `YYYYMMDDThhmmssZ`, UTC.
pub fn tmx_date(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (y, m, d) = civil(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// Writes `export` as CSV (RFC 4180: UTF-8, CRLF line ends, fields quoted when they
/// hold a comma, a quote or a line break): `id,ref,citation,date` and one column per
/// language, empty where the language does not hold the unit.
pub fn write_csv(out: impl Write, export: &Export) -> io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    let mut header = vec!["id", "ref", "citation", "date"];
    header.extend(export.languages.iter().map(String::as_str));
    csv.write_record(&header).map_err(csv_io)?;
    for row in &export.rows {
        let mut record = vec![
            row.id.clone(),
            row.ref_key(),
            row.citation.clone(),
            row.date.clone().unwrap_or_default(),
        ];
        record.extend(
            row.segments
                .iter()
                .map(|s| s.as_ref().map_or_else(String::new, |s| s.text.clone())),
        );
        csv.write_record(&record).map_err(csv_io)?;
    }
    csv.flush()
}

/// A CSV writer's error as the I/O error it is (so that a closed pipe stays a
/// closed pipe).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes `export` as JSON lines: one object a row, `{"id", "ref", "citation",
/// "date", "texts": {"zh": …, "en": …}}`, the texts in the languages' order, a
/// language that does not hold the unit left out.
pub fn write_jsonl(mut out: impl Write, export: &Export) -> io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        id: &'a str,
        #[serde(rename = "ref")]
        r#ref: String,
        citation: &'a str,
        date: Option<&'a str>,
        texts: Texts<'a>,
    }
    for row in &export.rows {
        let line = Line {
            id: &row.id,
            r#ref: row.ref_key(),
            citation: &row.citation,
            date: row.date.as_deref(),
            texts: Texts {
                languages: &export.languages,
                segments: &row.segments,
            },
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A row's texts as a JSON object in the languages' order.
struct Texts<'a> {
    languages: &'a [String],
    segments: &'a [Option<Segment>],
}

impl Serialize for Texts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (language, segment) in self.languages.iter().zip(self.segments) {
            if let Some(segment) = segment {
                map.serialize_entry(language, &segment.text)?;
            }
        }
        map.end()
    }
}
