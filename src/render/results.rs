//! Search results: each hit whole (citation, heading, text, footnotes, parallel
//! texts) or as one line around its best match, then the count; or as JSON.

use std::io::{self, Write};

use crate::search::{Hit, Results};

use super::{BOLD, CITE, DIM, Painter, Style, columns, printable, wrap_into, write_json};

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
    writeln!(w, "{}", p.paint(DIM, &line))?;
    // The count explained: how many hold the words standing together.
    if let Some(together) = results.phrase_total.filter(|&n| n < results.total) {
        writeln!(
            w,
            "{}",
            p.paint(
                DIM,
                &format!(
                    "{together} of them hold `{}` as a phrase; {} hold the words apart",
                    results.query,
                    results.total - together
                )
            )
        )?;
    }
    for s in &results.suggestions {
        writeln!(
            w,
            "Did you mean `{}`? ({} paragraph{})",
            printable(&s.query),
            s.total,
            if s.total == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

fn write_hit(w: &mut impl Write, p: &Painter, hit: &Hit, width: Option<usize>) -> io::Result<()> {
    let cite = hit.citation.clone();
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
            Some(kind) => crate::model::citation::cite(
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

/// One line: the citation, then the text around the first match, cut to the width
/// (or to about a hundred columns when there is no terminal).
fn write_hit_line(
    w: &mut impl Write,
    p: &Painter,
    hit: &Hit,
    width: Option<usize>,
) -> io::Result<()> {
    let cite = hit.citation.clone();
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
