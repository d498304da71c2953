//! Hits and documents → terminal text or JSON, written to any `impl Write`.
//! Rendering never searches and never probes the terminal: whether to colour is
//! decided once by the caller and handed in as a bool.

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
    let resolution_style = r.is_empty()
        || r == crate::parse::refs::resolution_ref(kind, number);
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
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// `text` with the byte ranges marked.
    fn marked(&self, text: &str, ranges: &[(usize, usize)]) -> String {
        if !self.color {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() + ranges.len() * 12);
        let mut at = 0;
        for &(s, e) in ranges {
            if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(MATCH);
            out.push_str(&text[s..e]);
            out.push_str(RESET);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }
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
    let cite = unit_citation(
        &hit.symbol,
        &hit.language,
        hit.kind,
        hit.number,
        &hit.r#ref,
        hit.label.as_deref(),
    );
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
    if let Some(heading) = &hit.heading {
        writeln!(w, "    {}", p.paint(BOLD, heading))?;
    }
    for line in p.marked(&hit.text, &hit.highlights).lines() {
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
    serde_json::to_writer(&mut *w, results)?;
    writeln!(w)
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
            let mut numbers: Vec<u32> = ps.iter().flat_map(|p| p.footnotes.iter().copied()).collect();
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
    serde_json::to_writer_pretty(&mut *w, &shown(doc, only))?;
    writeln!(w)
}

/// A document (or one paragraph) for a terminal: each paragraph with the footnotes
/// it cites beneath it.
pub fn document_text(
    w: &mut impl Write,
    doc: &Document,
    only: Option<&[&Paragraph]>,
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
            writeln!(w, "    {}", p.paint(BOLD, heading))?;
        }
        for line in para.text.lines() {
            writeln!(w, "    {line}")?;
        }
        for note in para.footnotes.iter().filter_map(|n| doc.footnote(*n)) {
            writeln!(
                w,
                "    {} {}",
                p.paint(DIM, &format!("[{}]", note.number)),
                note.text
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}
