//! The documents of the index (`unspace list`), as text or JSON.

use std::io::{self, Write};

use super::{CITE, DIM, Painter, Style, printable, wrap_into, write_json};

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
