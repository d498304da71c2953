//! Hits and documents → terminal text or JSON, written to any `impl Write`.
//! Rendering never searches and never probes the terminal: whether to colour is
//! decided once by the caller and handed in as a bool.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::document::{Document, Footnote, Kind, Paragraph};
use crate::search::{Hit, Results};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const CITE: &str = "\x1b[1;36m";
const RESET: &str = "\x1b[0m";

/// The citation a user can paste: `A/RES/76/76 ¶16`, `A/RES/76/76 序言 8`,
/// `A/RES/76/76 preamble 8`.
pub fn citation(symbol: &str, language: &str, kind: Kind, number: u32) -> String {
    match kind {
        Kind::Operative => format!("{symbol} ¶{number}"),
        Kind::Preamble if language == "zh" => format!("{symbol} 序言 {number}"),
        Kind::Preamble => format!("{symbol} preamble {number}"),
        Kind::Paragraph => format!("{symbol} para. {number}"),
    }
}

/// Characters a terminal would act on rather than show: C0 and C1 controls (escape
/// sequences, bells, carriage returns), DEL, and the bidirectional overrides that
/// reorder what is shown. Line feeds are layout and stay.
fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a document, a file name or a query, safe to write to a terminal: every
/// character it could act on is shown as an escape (`\x1b`, `\u{202e}`) instead.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            c if is_unprintable(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unprintable(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The citation of a unit: a resolution's paragraph as [`citation`] prints it; an
/// instrument's unit with its label as the language prints it (`outer-space-treaty,
/// art. IV`, `outer-space-treaty 第四条`, `A/RES/41/65, principle X`); any other unit
/// by its ref.
pub fn unit_citation(
    symbol: &str,
    language: &str,
    kind: Kind,
    number: u32,
    r: &str,
    label: Option<&str>,
) -> String {
    let resolution_style = r.is_empty() || r == crate::parse::refs::resolution_ref(kind, number);
    if resolution_style {
        return citation(symbol, language, kind, number);
    }
    match crate::parse::refs::cited_label(r, label, language) {
        Some(unit) if language == "zh" => format!("{symbol} {unit}"),
        Some(unit) => format!("{symbol}, {unit}"),
        None => format!("{symbol} {r}"),
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        let text = printable(text);
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.into_owned()
        }
    }

    /// `text` with the byte ranges marked.
    fn marked(&self, text: &str, ranges: &[(usize, usize)]) -> String {
        if !self.color {
            return printable(text).into_owned();
        }
        let mut out = String::with_capacity(text.len() + ranges.len() * 12);
        let mut at = 0;
        for &(s, e) in ranges {
            if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            out.push_str(&printable(&text[at..s]));
            out.push_str(MATCH);
            out.push_str(&printable(&text[s..e]));
            out.push_str(RESET);
            at = e;
        }
        out.push_str(&printable(&text[at..]));
        out
    }
}

/// Writes a value as JSON. serde_json escapes C0 controls; DEL, the C1 controls and
/// the bidirectional overrides are escaped too, so that JSON shown in a terminal
/// cannot drive it either. (Outside strings JSON is ASCII, so only strings change.)
fn write_json(w: &mut impl Write, value: &impl Serialize, pretty: bool) -> io::Result<()> {
    let json = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    if json.chars().any(is_unprintable) {
        let mut out = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            if is_unprintable(c) && c != '\n' {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
        w.write_all(out.as_bytes())?;
    } else {
        w.write_all(json.as_bytes())?;
    }
    writeln!(w)
}

/// How terminal text is laid out, decided once by the caller from the options and
/// the terminal: rendering never probes the terminal itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// Wrap to this many columns (a terminal's width); `None` writes each paragraph
    /// on one line (for pipes and files).
    pub width: Option<usize>,
    /// One line per hit: citation and a snippet around the match.
    pub list: bool,
}

/// Wraps `text` (which may hold our own colour codes, which take no columns) to the
/// style's width: the first line after `first`, the others after `rest`. CJK
/// characters count two columns; words are never cut unless longer than a line.
fn wrap_into(
    w: &mut impl Write,
    text: &str,
    first: &str,
    rest: &str,
    width: Option<usize>,
) -> io::Result<()> {
    let Some(width) = width else {
        return writeln!(w, "{first}{text}");
    };
    let options = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest);
    for line in textwrap::wrap(text, options) {
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// Display columns of a text (CJK two, escapes none).
fn columns(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// `N paragraphs match` / `1 paragraph matches`.
fn matches_phrase(n: usize) -> String {
    if n == 1 {
        "1 paragraph matches".to_owned()
    } else {
        format!("{n} paragraphs match")
    }
}

/// Search results for a terminal.
pub fn results_text(w: &mut impl Write, results: &Results, style: Style) -> io::Result<()> {
    let p = Painter { color: style.color };
    for hit in &results.hits {
        if style.list {
            write_hit_line(w, &p, hit, style.width)?;
        } else {
            write_hit(w, &p, hit, style.width)?;
        }
    }
    let shown = results.hits.len();
    let summary = matches_phrase(results.total);
    let line = if shown < results.total {
        format!(
            "{summary} `{}` (showing {shown}; --limit N for more)",
            results.query
        )
    } else {
        format!("{summary} `{}`", results.query)
    };
    if style.list && !results.hits.is_empty() {
        writeln!(w)?;
    }
    writeln!(w, "{}", p.paint(DIM, &line))
}

fn hit_citation(hit: &Hit) -> String {
    unit_citation(
        &hit.symbol,
        &hit.language,
        hit.kind,
        hit.number,
        &hit.r#ref,
        hit.label.as_deref(),
    )
}

fn write_hit(w: &mut impl Write, p: &Painter, hit: &Hit, width: Option<usize>) -> io::Result<()> {
    let cite = hit_citation(hit);
    let date = if hit.date.is_empty() {
        String::new()
    } else {
        format!(", {}", hit.date)
    };
    let head = format!(
        "{}  {}",
        p.paint(CITE, &cite),
        p.paint(DIM, &format!("{} ({}{date})", hit.title, hit.language))
    );
    wrap_into(w, &head, "", "    ", width)?;
    if let Some(heading) = &hit.heading {
        wrap_into(w, &p.paint(BOLD, heading), "    ", "    ", width)?;
    }
    for line in p.marked(&hit.text, &hit.highlights).split('\n') {
        wrap_into(w, line, "    ", "    ", width)?;
    }
    for note in &hit.footnotes {
        let mark = format!("[{}] ", note.number);
        let hang = " ".repeat(4 + columns(&mark));
        let text = format!(
            "{}{}",
            p.paint(DIM, &mark),
            p.marked(&note.text, &note.highlights)
        );
        wrap_into(w, &text, "    ", &hang, width)?;
    }
    for other in &hit.parallel {
        let cite = match other.kind {
            Some(kind) => unit_citation(
                &hit.symbol,
                &other.language,
                kind,
                other.number,
                &other.r#ref,
                other.label.as_deref(),
            ),
            None => hit.symbol.clone(),
        };
        let head = format!(
            "  {} {}",
            p.paint(DIM, &format!("[{}]", other.language)),
            p.paint(CITE, &cite)
        );
        let Some(text) = &other.text else {
            let why = other.missing.as_deref().unwrap_or("not found");
            wrap_into(
                w,
                &p.paint(DIM, &format!("[{}] {why}", other.language)),
                "  ",
                "      ",
                width,
            )?;
            continue;
        };
        wrap_into(w, &head, "", "      ", width)?;
        if let Some(heading) = &other.heading {
            wrap_into(w, &p.paint(BOLD, heading), "    ", "    ", width)?;
        }
        for line in text.split('\n') {
            wrap_into(w, &printable(line), "    ", "    ", width)?;
        }
        for note in &other.footnotes {
            let mark = format!("[{}] ", note.number);
            let hang = " ".repeat(4 + columns(&mark));
            let text = format!("{}{}", p.paint(DIM, &mark), printable(&note.text));
            wrap_into(w, &text, "    ", &hang, width)?;
        }
    }
    writeln!(w)
}

/// A document in one language of a parallel view; `None` when data/ has none.
pub struct Version<'a> {
    pub language: &'a str,
    pub document: Option<&'a Document>,
}

/// The same units of one document in several languages, aligned by ref.
pub struct ParallelView<'a> {
    pub symbol: &'a str,
    /// The unit asked for as typed (`art. IV`), or `None` for the whole document.
    pub spec: Option<&'a str>,
    /// The refs to show, in order.
    pub refs: &'a [String],
    pub versions: &'a [Version<'a>],
    /// The data folder, for "no fr text … in data/".
    pub data: &'a str,
}

/// One paragraph of a parallel view as JSON.
#[derive(Serialize)]
struct ParallelParagraph<'a> {
    #[serde(rename = "ref")]
    r#ref: &'a str,
    heading: Option<&'a str>,
    text: &'a str,
    footnotes: Vec<&'a Footnote>,
}

#[derive(Serialize)]
struct ParallelVersion<'a> {
    language: &'a str,
    title: Option<&'a str>,
    paragraphs: Vec<ParallelParagraph<'a>>,
    /// One message per ref this language lacks (or for the whole document).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing: Vec<String>,
}

#[derive(Serialize)]
struct ParallelJson<'a> {
    symbol: &'a str,
    #[serde(rename = "ref")]
    r#ref: Option<String>,
    versions: Vec<ParallelVersion<'a>>,
}

impl<'a> ParallelView<'a> {
    /// The paragraphs of `version` at `r`.
    fn at(&self, version: &Version<'a>, r: &str) -> Vec<&'a Paragraph> {
        version.document.map_or_else(Vec::new, |d| {
            d.paragraphs.iter().filter(|p| p.r#ref == r).collect()
        })
    }

    /// How the unit at `r` is cited in the first language that has it.
    fn unit(&self, r: &str) -> String {
        for version in self.versions {
            if let (Some(doc), Some(p)) = (version.document, self.at(version, r).first()) {
                return paragraph_citation(doc, p);
            }
        }
        format!("{} {r}", self.symbol)
    }

    fn missing(&self, version: &Version, r: &str) -> String {
        match version.document {
            None => format!(
                "no {} text of {} in {}",
                version.language, self.symbol, self.data
            ),
            Some(_) => format!(
                "no {} text of {} in {}",
                version.language,
                self.unit(r),
                self.data
            ),
        }
    }
}

fn paragraph_citation(doc: &Document, p: &Paragraph) -> String {
    unit_citation(
        &doc.symbol,
        &doc.language,
        p.kind,
        p.number,
        &p.r#ref,
        p.label.as_deref(),
    )
}

/// A parallel view as JSON: `{"symbol", "ref", "versions": [{"language", "title",
/// "paragraphs": [{"ref", "heading", "text", "footnotes"}], "missing"}]}`.
pub fn parallel_json(w: &mut impl Write, view: &ParallelView) -> io::Result<()> {
    let r = view.spec.map(|spec| match view.refs {
        [one] => one.clone(),
        _ => crate::parse::refs::parse_spec(spec).unwrap_or_else(|| view.refs.join(",")),
    });
    let versions = view
        .versions
        .iter()
        .map(|version| {
            let mut paragraphs = Vec::new();
            let mut missing = Vec::new();
            if version.document.is_none() {
                missing.push(view.missing(version, ""));
            }
            for r in view.refs {
                let found = view.at(version, r);
                if found.is_empty() && version.document.is_some() {
                    missing.push(view.missing(version, r));
                }
                for p in found {
                    let doc = version.document.expect("found in it");
                    paragraphs.push(ParallelParagraph {
                        r#ref: &p.r#ref,
                        heading: p.heading.as_deref(),
                        text: &p.text,
                        footnotes: p
                            .footnotes
                            .iter()
                            .filter_map(|n| doc.footnote(*n))
                            .collect(),
                    });
                }
            }
            ParallelVersion {
                language: version.language,
                title: version.document.map(|d| d.title.as_str()),
                paragraphs,
                missing,
            }
        })
        .collect();
    write_json(
        w,
        &ParallelJson {
            symbol: view.symbol,
            r#ref: r,
            versions,
        },
        true,
    )
}

/// The narrowest column worth reading side by side.
const MIN_COLUMN: usize = 28;
const GUTTER: &str = " │ ";

/// A parallel view for a terminal: unit by unit, the languages side by side when the
/// terminal is wide enough for a column each, else one after the other.
pub fn parallel_text(w: &mut impl Write, view: &ParallelView, style: Style) -> io::Result<()> {
    let p = Painter { color: style.color };
    writeln!(w, "{}", p.paint(BOLD, view.symbol))?;
    for version in view.versions {
        let line = match version.document {
            Some(doc) => format!("  {}  {}", version.language, doc.title),
            None => format!("  {}  {}", version.language, view.missing(version, "")),
        };
        wrap_into(w, &p.paint(DIM, &line), "", "      ", style.width)?;
    }
    writeln!(w)?;
    let n = view.versions.len();
    let column = style
        .width
        .map(|w| w.saturating_sub(columns(GUTTER) * n.saturating_sub(1)) / n.max(1))
        .filter(|&c| c >= MIN_COLUMN && n > 1);
    for r in view.refs {
        let blocks: Vec<Vec<String>> = view
            .versions
            .iter()
            .map(|version| unit_lines(view, version, r, &p, column.or(style.width)))
            .collect();
        match column {
            Some(width) => {
                let rows = blocks.iter().map(Vec::len).max().unwrap_or(0);
                for row in 0..rows {
                    let cells: Vec<String> = blocks
                        .iter()
                        .map(|b| {
                            let cell = b.get(row).map_or("", String::as_str);
                            let pad = width.saturating_sub(columns(cell));
                            // A colour that wrapped with its text stops at the column.
                            let reset = if p.color { RESET } else { "" };
                            format!("{cell}{reset}{}", " ".repeat(pad))
                        })
                        .collect();
                    writeln!(w, "{}", cells.join(GUTTER).trim_end())?;
                }
            }
            None => {
                for block in &blocks {
                    for line in block {
                        writeln!(w, "{line}")?;
                    }
                }
            }
        }
        writeln!(w)?;
    }
    Ok(())
}

/// One language's lines for the unit at `r`: its citation and language, heading,
/// text and footnotes, wrapped to `width`.
fn unit_lines(
    view: &ParallelView,
    version: &Version,
    r: &str,
    p: &Painter,
    width: Option<usize>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |text: &str, first: &str, rest: &str| match width {
        Some(width) => {
            let options = textwrap::Options::new(width.max(10))
                .initial_indent(first)
                .subsequent_indent(rest);
            out.extend(
                textwrap::wrap(text, options)
                    .into_iter()
                    .map(|l| l.into_owned()),
            );
        }
        None => out.push(format!("{first}{text}")),
    };
    let found = view.at(version, r);
    let Some(doc) = version.document.filter(|_| !found.is_empty()) else {
        push(&p.paint(CITE, &format!("[{}]", version.language)), "", "");
        push(&p.paint(DIM, &view.missing(version, r)), "  ", "  ");
        return out;
    };
    for para in found {
        let head = format!(
            "{} {}",
            p.paint(DIM, &format!("[{}]", version.language)),
            p.paint(CITE, &paragraph_citation(doc, para))
        );
        push(&head, "", "  ");
        if let Some(heading) = &para.heading {
            push(&p.paint(BOLD, heading), "  ", "  ");
        }
        for line in para.text.lines() {
            push(&printable(line), "  ", "  ");
        }
        for note in para.footnotes.iter().filter_map(|n| doc.footnote(*n)) {
            let mark = format!("[{}] ", note.number);
            let hang = " ".repeat(2 + columns(&mark));
            push(
                &format!("{}{}", p.paint(DIM, &mark), printable(&note.text)),
                "  ",
                &hang,
            );
        }
    }
    out
}

/// One line: the citation, then the text around the first match, cut to the width
/// (or to about a hundred columns when there is no terminal).
fn write_hit_line(
    w: &mut impl Write,
    p: &Painter,
    hit: &Hit,
    width: Option<usize>,
) -> io::Result<()> {
    let cite = hit_citation(hit);
    let room = width
        .unwrap_or(120)
        .saturating_sub(columns(&cite) + 2)
        .max(20);
    let (text, ranges) = match (
        hit.highlights.first(),
        hit.footnotes.iter().find(|n| !n.highlights.is_empty()),
    ) {
        (Some(_), _) | (None, None) => (hit.text.as_str(), hit.highlights.as_slice()),
        (None, Some(note)) => (note.text.as_str(), note.highlights.as_slice()),
    };
    let (start, end, ranges) = snippet(text, ranges, room);
    let mut piece = String::new();
    if start > 0 {
        piece.push('…');
    }
    piece.push_str(&p.marked(&text[start..end].replace('\n', " "), &ranges));
    if end < text.len() {
        piece.push('…');
    }
    writeln!(w, "{}  {piece}", p.paint(CITE, &cite))
}

/// The match to show: the one that starts the window of `room` columns holding the
/// most different matched words (where the query's words stand together), the
/// first such.
fn densest(text: &str, ranges: &[(usize, usize)], room: usize) -> (usize, usize) {
    let mut best = (0, ranges.first().copied().unwrap_or((0, 0)));
    for (i, &(start, end)) in ranges.iter().enumerate() {
        let mut words = std::collections::HashSet::new();
        for &(s, e) in &ranges[i..] {
            if columns(text.get(start..e).unwrap_or("")) > room * 2 / 3 {
                break;
            }
            words.insert(text.get(s..e).unwrap_or("").to_lowercase());
        }
        if words.len() > best.0 {
            best = (words.len(), (start, end));
        }
    }
    best.1
}

/// The byte range of `text` to show in `room` columns around the best range, and
/// the ranges inside it, shifted.
fn snippet(
    text: &str,
    ranges: &[(usize, usize)],
    room: usize,
) -> (usize, usize, Vec<(usize, usize)>) {
    let room = room.saturating_sub(2);
    let (first_start, first_end) = densest(text, ranges, room);
    // About a third of the room before the match, the rest after it.
    let mut start = first_start;
    let mut used = columns(&text[first_start..first_end.min(text.len())]);
    for (i, c) in text[..first_start].char_indices().rev() {
        let cw = columns(c.encode_utf8(&mut [0; 4]));
        if used + cw > room / 3 {
            break;
        }
        used += cw;
        start = i;
    }
    // Start at a word where there is one near.
    if start > 0
        && let Some(space) = text[start..first_start].find(' ')
    {
        start += space + 1;
    }
    let mut end = first_end.min(text.len());
    let mut used = columns(&text[start..end]);
    for (i, c) in text[end..].char_indices() {
        let cw = columns(c.encode_utf8(&mut [0; 4]));
        if used + cw > room {
            break;
        }
        used += cw;
        end = first_end + i + c.len_utf8();
    }
    let inside = ranges
        .iter()
        .filter(|&&(s, e)| s >= start && e <= end)
        .map(|&(s, e)| (s - start, e - start))
        .collect();
    (start, end, inside)
}

/// Search results as JSON (one object, then a newline).
pub fn results_json(w: &mut impl Write, results: &Results) -> io::Result<()> {
    write_json(w, results, false)
}

/// A document, or some of its paragraphs, as shown by `unspace show`.
#[derive(Serialize)]
struct Shown<'a> {
    symbol: &'a str,
    language: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    meeting: Option<&'a str>,
    source: &'a str,
    paragraphs: Vec<&'a Paragraph>,
    footnotes: Vec<&'a Footnote>,
}

fn shown<'a>(doc: &'a Document, only: Option<&[&'a Paragraph]>) -> Shown<'a> {
    let paragraphs: Vec<&Paragraph> = match only {
        Some(ps) => ps.to_vec(),
        None => doc.paragraphs.iter().collect(),
    };
    let footnotes = match only {
        Some(ps) => {
            let mut numbers: Vec<u32> = ps
                .iter()
                .flat_map(|p| p.footnotes.iter().copied())
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            numbers.iter().filter_map(|n| doc.footnote(*n)).collect()
        }
        None => doc.footnotes.iter().collect(),
    };
    Shown {
        symbol: &doc.symbol,
        language: &doc.language,
        title: &doc.title,
        date: doc.date.as_deref(),
        meeting: doc.meeting.as_deref(),
        source: &doc.source,
        paragraphs,
        footnotes,
    }
}

/// A document (or some of its units) as JSON.
pub fn document_json(
    w: &mut impl Write,
    doc: &Document,
    only: Option<&[&Paragraph]>,
) -> io::Result<()> {
    write_json(w, &shown(doc, only), true)
}

/// A document (or one paragraph) for a terminal: each paragraph with the footnotes
/// it cites beneath it.
pub fn document_text(
    w: &mut impl Write,
    doc: &Document,
    only: Option<&[&Paragraph]>,
    style: Style,
) -> io::Result<()> {
    let p = Painter { color: style.color };
    let s = shown(doc, only);
    writeln!(
        w,
        "{}",
        p.paint(BOLD, &format!("{} — {}", s.symbol, s.title))
    )?;
    let adopted: Vec<&str> = [s.date, s.meeting].into_iter().flatten().collect();
    if !adopted.is_empty() {
        writeln!(
            w,
            "{}",
            p.paint(DIM, &format!("{} · {}", s.language, adopted.join(", ")))
        )?;
    }
    writeln!(w)?;
    for para in &s.paragraphs {
        writeln!(
            w,
            "{}",
            p.paint(
                CITE,
                &unit_citation(
                    s.symbol,
                    s.language,
                    para.kind,
                    para.number,
                    &para.r#ref,
                    para.label.as_deref()
                )
            )
        )?;
        if let Some(heading) = &para.heading {
            wrap_into(w, &p.paint(BOLD, heading), "    ", "    ", style.width)?;
        }
        for line in para.text.lines() {
            wrap_into(w, &printable(line), "    ", "    ", style.width)?;
        }
        for note in para.footnotes.iter().filter_map(|n| doc.footnote(*n)) {
            let mark = format!("[{}] ", note.number);
            let hang = " ".repeat(4 + columns(&mark));
            let text = format!("{}{}", p.paint(DIM, &mark), printable(&note.text));
            wrap_into(w, &text, "    ", &hang, style.width)?;
        }
        writeln!(w)?;
    }
    Ok(())
}

const INSERTED: &str = "\x1b[32m";
/// Red and struck through: readable beside the green insert that replaces it.
const DELETED: &str = "\x1b[31;9m";

/// How many words (Chinese: characters) of unchanged text a compact diff keeps on
/// each side of a change.
const DIFF_CONTEXT: usize = 6;

fn trace_unit_citation(u: &crate::trace::Unit) -> String {
    unit_citation(
        &u.symbol,
        &u.language,
        u.kind,
        u.number,
        &u.r#ref,
        u.label.as_deref(),
    )
}

/// Where `text` may be cut between words: before each CJK character and each word
/// that follows white space.
fn word_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut after_space = true;
    for (i, c) in text.char_indices() {
        let cjk = crate::analysis::is_cjk(c);
        if (cjk || after_space) && !c.is_whitespace() {
            out.push(i);
        }
        after_space = c.is_whitespace() || cjk;
    }
    out
}

/// A diff as one text: inserts green and deletes red, or, without colour, marked
/// `{+new+}` and `[-old-]`. `compact` keeps only a few words of unchanged text
/// around each change. Each line of a piece is painted on its own, so that colour
/// never runs across a line break.
fn diff_text(p: &Painter, diff: &[crate::trace::Piece], compact: bool) -> String {
    use crate::trace::Op;
    let mut out = String::new();
    let paint = |out: &mut String, style: &str, open: &str, close: &str, text: &str| {
        let lines: Vec<String> = text
            .split('\n')
            .map(|line| {
                // White space at the edges stays outside the marks.
                let core = line.trim();
                if core.is_empty() {
                    return line.to_owned();
                }
                let at = line.len() - line.trim_start().len();
                let (before, after) = (&line[..at], &line[at + core.len()..]);
                if p.color {
                    format!("{before}{}{after}", p.paint(style, core))
                } else {
                    format!("{before}{open}{}{close}{after}", printable(core))
                }
            })
            .collect();
        out.push_str(&lines.join("\n"));
    };
    for (i, piece) in diff.iter().enumerate() {
        match piece.op {
            Op::Insert => paint(&mut out, INSERTED, "{+", "+}", &piece.text),
            Op::Delete => paint(&mut out, DELETED, "[-", "-]", &piece.text),
            Op::Equal if !compact => out.push_str(&printable(&piece.text)),
            Op::Equal => {
                let text = piece.text.replace('\n', " ");
                let starts = word_starts(&text);
                let (first, last) = (i == 0, i + 1 == diff.len());
                let head = |n: usize| starts.get(n).map_or(text.len(), |&s| s);
                let tail = |n: usize| {
                    starts
                        .len()
                        .checked_sub(n)
                        .and_then(|k| starts.get(k))
                        .map_or(0, |&s| s)
                };
                let kept = if first && last {
                    text.clone()
                } else if first && starts.len() > DIFF_CONTEXT {
                    format!("…{}", &text[tail(DIFF_CONTEXT)..])
                } else if last && starts.len() > DIFF_CONTEXT {
                    format!("{}…", text[..head(DIFF_CONTEXT)].trim_end())
                } else if !first && !last && starts.len() > 2 * DIFF_CONTEXT {
                    format!(
                        "{} … {}",
                        text[..head(DIFF_CONTEXT)].trim_end(),
                        &text[tail(DIFF_CONTEXT)..]
                    )
                } else {
                    text.clone()
                };
                out.push_str(&printable(&kept));
            }
        }
    }
    out
}

/// A similarity with two decimals, rounded down: 1.00 only for the same wording.
fn figure(score: f32) -> String {
    format!("{:.2}", (score * 100.0).floor() / 100.0)
}

/// `changed (1 word)`, `changed (3 characters)`.
fn changed_phrase(n: usize, language: &str) -> String {
    let unit = match (language == "zh", n == 1) {
        (true, true) => "character",
        (true, false) => "characters",
        (false, true) => "word",
        (false, false) => "words",
    };
    format!("changed ({n} {unit})")
}

/// The answer to `trace` for a terminal: the traced paragraph, the similar
/// paragraphs with their diffs, then the history as a timeline.
pub fn trace_text(w: &mut impl Write, t: &crate::trace::Trace, style: Style) -> io::Result<()> {
    use crate::trace::Change;
    let p = Painter { color: style.color };
    let u = &t.paragraph;
    let date = if u.date.is_empty() {
        String::new()
    } else {
        format!(", {}", u.date)
    };
    let through = if t.languages.len() > 1 {
        format!("; traced in {}", t.languages.join(", "))
    } else {
        String::new()
    };
    let head = format!(
        "{}  {}",
        p.paint(CITE, &trace_unit_citation(u)),
        p.paint(DIM, &format!("({}{date}{through})", u.language))
    );
    wrap_into(w, &head, "", "    ", style.width)?;
    for line in u.text.split('\n') {
        wrap_into(w, &printable(line), "    ", "    ", style.width)?;
    }
    writeln!(w)?;
    if t.similar.is_empty() {
        let line = format!(
            "No paragraph of another document carries this wording (similarity ≥ {:.2}).",
            t.threshold
        );
        return writeln!(w, "{}", p.paint(DIM, &line));
    }
    let shown = if t.similar.len() < t.total {
        format!(" (showing {}; -n N for more)", t.similar.len())
    } else {
        String::new()
    };
    let count = if t.total == 1 {
        "1 paragraph carries".to_owned()
    } else {
        format!("{} paragraphs carry", t.total)
    };
    let line = format!(
        "{count} the same or nearly the same wording (similarity ≥ {:.2}), most similar first{shown}:",
        t.threshold
    );
    wrap_into(w, &p.paint(BOLD, &line), "", "", style.width)?;
    writeln!(w)?;
    for s in &t.similar {
        let matched: Vec<String> = s.matched_in.iter().map(|m| m.language.clone()).collect();
        let mut facts = vec![s.unit.language.clone()];
        if !s.unit.date.is_empty() {
            facts.push(s.unit.date.clone());
        }
        facts.push(format!("similarity {}", figure(s.score)));
        if let Some(shown) = s.shown_score {
            facts.push(format!("{} in {}", figure(shown), s.unit.language));
        }
        if s.score < t.threshold {
            facts.push(format!(
                "{:.0}% of the shorter text inside the other",
                (s.contained * 100.0).floor()
            ));
        }
        facts.push(format!("matched in {}", matched.join(", ")));
        facts.push(if s.changed == 0 {
            "same wording".to_owned()
        } else {
            changed_phrase(s.changed, &s.unit.language)
        });
        let head = format!(
            "{}  {}",
            p.paint(CITE, &trace_unit_citation(&s.unit)),
            p.paint(DIM, &facts.join(" · "))
        );
        wrap_into(w, &head, "", "    ", style.width)?;
        for line in diff_text(&p, &s.diff, false).split('\n') {
            wrap_into(w, line, "    ", "    ", style.width)?;
        }
        writeln!(w)?;
    }
    if t.history.len() > 1 {
        let line = format!("History, compared in {}:", t.history_language);
        writeln!(w, "{}", p.paint(BOLD, &line))?;
        for step in &t.history {
            let when = if step.unit.date.is_empty() {
                "undated   ".to_owned()
            } else {
                format!("{:<10}", step.unit.date)
            };
            let what = match step.change {
                Change::First => "first seen".to_owned(),
                Change::Unchanged => "unchanged".to_owned(),
                Change::Changed => changed_phrase(step.changed, &t.history_language),
            };
            let traced = if step.traced { "  ← traced" } else { "" };
            let line = format!(
                "{}  {}  {what}{traced}",
                p.paint(DIM, &when),
                p.paint(CITE, &trace_unit_citation(&step.unit))
            );
            wrap_into(w, &line, "  ", "      ", style.width)?;
            if step.change == Change::Changed {
                let diff = diff_text(&p, &step.diff, true);
                wrap_into(w, &diff, "      ", "      ", style.width)?;
            }
            if let Some(other) = &step.counterpart {
                let text = format!(
                    "{} {}",
                    p.paint(DIM, &format!("[{}]", other.language)),
                    printable(&other.text.replace('\n', " "))
                );
                wrap_into(w, &text, "      ", "      ", style.width)?;
            }
        }
    }
    Ok(())
}

/// The answer to `trace` as JSON (one object, then a newline).
pub fn trace_json(w: &mut impl Write, t: &crate::trace::Trace) -> io::Result<()> {
    write_json(w, t, false)
}

/// The documents of the index as JSON: an array of `{symbol, title, date,
/// languages, units}`.
pub fn list_json(w: &mut impl Write, documents: &[crate::engine::DocumentInfo]) -> io::Result<()> {
    write_json(w, &documents, true)
}

/// The documents of the index, one block each: symbol, date and languages, then the
/// title.
pub fn list_text(
    w: &mut impl Write,
    documents: &[crate::engine::DocumentInfo],
    style: Style,
) -> io::Result<()> {
    let p = Painter { color: style.color };
    for d in documents {
        let date = d.date.as_deref().unwrap_or("undated");
        writeln!(
            w,
            "{}  {}",
            p.paint(CITE, &printable(&d.symbol)),
            p.paint(
                DIM,
                &format!("{date} · {} · {} units", d.languages.join(" "), d.units)
            )
        )?;
        wrap_into(w, &printable(&d.title), "    ", "    ", style.width)?;
    }
    let n = documents.len();
    writeln!(w, "{n} document{}", if n == 1 { "" } else { "s" })
}
