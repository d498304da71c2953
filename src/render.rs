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

/// Search results for a terminal.
pub fn results_text(w: &mut impl Write, results: &Results, color: bool) -> io::Result<()> {
    let p = Painter { color };
    for hit in &results.hits {
        write_hit(w, &p, hit)?;
    }
    let shown = results.hits.len();
    let noun = if results.total == 1 {
        "paragraph"
    } else {
        "paragraphs"
    };
    let line = if shown < results.total {
        format!(
            "{} {noun} match `{}` (showing {shown}; --limit N for more)",
            results.total, results.query
        )
    } else {
        format!("{} {noun} match `{}`", results.total, results.query)
    };
    writeln!(w, "{}", p.paint(DIM, &line))
}

fn write_hit(w: &mut impl Write, p: &Painter, hit: &Hit) -> io::Result<()> {
    let cite = citation(&hit.symbol, &hit.language, hit.kind, hit.number);
    let date = if hit.date.is_empty() {
        String::new()
    } else {
        format!(", {}", hit.date)
    };
    writeln!(
        w,
        "{}  {}",
        p.paint(CITE, &cite),
        p.paint(DIM, &format!("{} ({}{date})", hit.title, hit.language))
    )?;
    for line in p.marked(&hit.text, &hit.highlights).split('\n') {
        writeln!(w, "    {line}")?;
    }
    for note in &hit.footnotes {
        let text = p.marked(&note.text, &note.highlights);
        writeln!(
            w,
            "    {} {text}",
            p.paint(DIM, &format!("[{}]", note.number))
        )?;
    }
    writeln!(w)
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

fn shown<'a>(doc: &'a Document, only: Option<&'a Paragraph>) -> Shown<'a> {
    let paragraphs: Vec<&Paragraph> = match only {
        Some(p) => vec![p],
        None => doc.paragraphs.iter().collect(),
    };
    let footnotes = match only {
        Some(p) => p
            .footnotes
            .iter()
            .filter_map(|n| doc.footnote(*n))
            .collect(),
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

/// A document (or one paragraph) as JSON.
pub fn document_json(
    w: &mut impl Write,
    doc: &Document,
    only: Option<&Paragraph>,
) -> io::Result<()> {
    write_json(w, &shown(doc, only), true)
}

/// A document (or one paragraph) for a terminal: each paragraph with the footnotes
/// it cites beneath it.
pub fn document_text(
    w: &mut impl Write,
    doc: &Document,
    only: Option<&Paragraph>,
    color: bool,
) -> io::Result<()> {
    let p = Painter { color };
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
                &citation(s.symbol, s.language, para.kind, para.number)
            )
        )?;
        for line in para.text.lines() {
            writeln!(w, "    {}", printable(line))?;
        }
        for note in para.footnotes.iter().filter_map(|n| doc.footnote(*n)) {
            writeln!(
                w,
                "    {} {}",
                p.paint(DIM, &format!("[{}]", note.number)),
                printable(&note.text)
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}
