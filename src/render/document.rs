//! What `show` prints: a document (or some of its units) with its footnotes, and the
//! parallel view of one document's units in several languages, side by side when
//! the terminal is wide enough.

use std::io::{self, Write};

use serde::Serialize;

use crate::document::{Document, Footnote, Paragraph};

use super::{BOLD, CITE, DIM, Painter, RESET, Style, columns, printable, wrap_into, write_json};

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
                return crate::model::citation::of_paragraph(doc, p);
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
            p.paint(CITE, &crate::model::citation::of_paragraph(doc, para))
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
                &crate::model::citation::cite(
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
