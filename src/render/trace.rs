//! The answer to `trace`: the traced paragraph, the similar paragraphs with their
//! diffs, and the history as a timeline; or as JSON.

use std::io::{self, Write};

use super::{BOLD, CITE, DIM, Painter, Style, printable, wrap_into, write_json};

const INSERTED: &str = "\x1b[32m";
/// Red and struck through: readable beside the green insert that replaces it.
const DELETED: &str = "\x1b[31;9m";

/// How many words (Chinese: characters) of unchanged text a compact diff keeps on
/// each side of a change.
const DIFF_CONTEXT: usize = 6;

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

/// `changed (1 word)`, `changed (3 characters)`: the terminal and the web page say
/// a step's change alike.
pub fn changed_phrase(n: usize, language: &str) -> String {
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
        p.paint(CITE, &u.citation()),
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
            p.paint(CITE, &s.unit.citation()),
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
                p.paint(CITE, &step.unit.citation())
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
