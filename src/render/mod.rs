//! Hits and documents → terminal text or JSON, written to any `impl Write`.
//! Rendering never searches and never probes the terminal: whether to colour is
//! decided once by the caller and handed in as a bool.
//!
//! One concern a file: `results.rs` (search results), `document.rs` (`show`: a
//! document, and the parallel view of several languages), `trace.rs` (the answer to
//! `trace`), `list.rs` (the documents of the index); this file holds the style, the
//! painter, citations and what keeps text safe for a terminal.

mod document;
mod list;
mod results;
mod trace;

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

pub use document::{
    ParallelView, Version, document_json, document_text, parallel_json, parallel_text,
};
pub use list::{list_json, list_text};
pub use results::{results_json, results_text};
pub use trace::{changed_phrase, trace_json, trace_text};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const CITE: &str = "\x1b[1;36m";
const RESET: &str = "\x1b[0m";

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
