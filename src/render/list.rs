//! The documents of the index (`unspace list`), as text or JSON.

use std::io::{self, Write};

use super::{CITE, DIM, Painter, Style, printable, wrap_into, write_json};

/// The documents of the index as JSON: an array of `{id, symbol, title,
/// full_title, kind, date, languages, units}`.
pub fn list_json(w: &mut impl Write, documents: &[crate::engine::DocumentInfo]) -> io::Result<()> {
    write_json(w, &documents, true)
}

/// The documents of the index, one block each: id (and UN symbol where it differs),
/// date, languages and units, then the short title.
pub fn list_text(
    w: &mut impl Write,
    documents: &[crate::engine::DocumentInfo],
    style: Style,
) -> io::Result<()> {
    let p = Painter { color: style.color };
    for d in documents {
        let date = d.date.as_deref().unwrap_or("undated");
        let name = match &d.symbol {
            Some(symbol) if *symbol != d.id => format!("{} ({symbol})", d.id),
            _ => d.id.clone(),
        };
        writeln!(
            w,
            "{}  {}",
            p.paint(CITE, &printable(&name)),
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
