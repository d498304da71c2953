//! The text a resolution adopts: printed after "Adopts the following document:" or
//! after the closing formula under `Annex`. It has a structure of its own — a title,
//! parts and sections that are headings only, its own preamble, labelled units
//! (`Guideline 1`, `Article 3`) and paragraphs numbered anew (`1.`, `1.1.`) with
//! their (a), (b) items — and every unit's ref lies under `annex/`
//! (`annex/preamble:2`, `annex/para:7`, `annex/guideline:9/para:2`).
//!
//! Works on the body lines of the layout layer; knows nothing of pages.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::layout::BodyLine;
use super::refs;
use super::resolution::SUBPARAGRAPH;
use super::text::{join_line, take_markers, visible_end};
use crate::document::{Kind, Paragraph};

/// `Annex`, `Annex II`, `Annexe`, `Anexo`, `Приложение`, `附件`.
static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Annex|Annexe|Anexo|Приложение|附件)(?:\s+([IVX]{1,4}|[0-9]{1,2}|[一二三四五六七八九十]{1,3}))?\s*$").unwrap()
});
/// The heading of an instrument's preamble.
static PREAMBLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Preamble|Préambule|Preámbulo|Преамбула|序言)\s*$").unwrap());
/// `I.`, `II. Strategic vision`, `Part A. Agenda`, `Part B`, `一、`: headings over
/// paragraphs whose numbering runs on across them.
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:Part|Partie|Parte|Часть)\s+[A-H0-9IVX]{1,4}\b|[IVX]{1,5}\s*[.．]|[A-H]\s*[.．]|[一二三四五六七八九十]{1,3}\s*[、.．])(?:\s+\S.*)?\s*$").unwrap()
});
/// `12.`, `1.1.`, `2.10.`: a numbered paragraph, and the text after the number.
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3}(?:\.[0-9]{1,2})?)\s*[.．](?:\s+(.*))?$").unwrap());

/// One unit being read.
struct Draft {
    r#ref: String,
    heading: Option<String>,
    label: Option<String>,
    text: String,
}

/// Where the reader stands.
#[derive(Default)]
struct State {
    /// `annex`, or `annex:II` when the resolution has several.
    root: String,
    /// The labelled unit numbered paragraphs go under (`annex/guideline:9`).
    container: Option<(String, String)>,
    /// The number the next numbered paragraph at this level must have.
    next: u32,
    /// Inside the text's preamble: unnumbered paragraphs are its recitals.
    preamble: bool,
    recitals: u32,
    unnumbered: u32,
    headings: Vec<String>,
}

/// Reads the lines of an adopted or annexed text into units. `first` is the number
/// the first of them takes among the document's plain paragraphs.
pub fn read(lines: &[BodyLine], double_spaced: bool, first: u32) -> Vec<Paragraph> {
    let texts: Vec<String> = lines.iter().map(|l| visible(&l.text)).collect();
    let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let mut st = State {
        root: "annex".to_owned(),
        next: 1,
        preamble: true,
        ..State::default()
    };
    let mut units: Vec<Draft> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (raw, t) = (&lines[i].text, &texts[i]);
        i += 1;
        if t.is_empty() {
            continue;
        }
        if let Some(c) = ANNEX.captures(t) {
            st.root = match c.get(1) {
                Some(n) => format!(
                    "annex:{}",
                    refs::to_roman(refs::number_value(n.as_str()).unwrap_or(1))
                ),
                None => "annex".to_owned(),
            };
            st.container = None;
            st.next = 1;
            st.preamble = true;
            st.headings.clear();
            continue;
        }
        let closed = units.last().is_none_or(|u| closes(&u.text));
        if closed && PREAMBLE.is_match(t) {
            st.preamble = true;
            st.headings.push(t.clone());
            continue;
        }
        if closed && let Some(label) = refs::unit_label(t) {
            let r = format!(
                "{}/{}",
                st.root,
                refs::join([(label.kind.name(), label.label.as_str())])
            );
            // The headings above the label (a part, a section), then its own title.
            let mut heading: Vec<String> = take_headings(&mut st).into_iter().collect();
            let mut title: Vec<String> = (!label.rest.is_empty())
                .then(|| label.rest.clone())
                .into_iter()
                .collect();
            i += heading_run(&texts[i..], &lines[i..], width, &mut title);
            if !title.is_empty() {
                heading.push(title.join(" "));
            }
            let heading = (!heading.is_empty()).then(|| heading.join(" — "));
            st.container = Some((r.clone(), label.printed.clone()));
            st.next = 1;
            st.preamble = false;
            units.push(Draft {
                r#ref: r,
                heading,
                label: Some(label.printed),
                text: String::new(),
            });
            continue;
        }
        // Numbering that starts again under a section heading (`II.` … `1.`): the
        // section's paragraphs go under it (`annex/section:II/para:1`).
        if st.next > 1
            && st.container.as_ref().is_none_or(|c| c.1.is_empty())
            && let Some(section) = st.headings.iter().rev().find_map(|h| section_label(h))
            && NUMBERED.captures(t).is_some_and(|c| &c[1] == "1")
        {
            let r = format!("{}/section:{section}", st.root);
            st.container = Some((r, String::new()));
            st.next = 1;
        }
        if let Some((number, rest)) = numbered(t, raw, &st) {
            st.preamble = false;
            if !number.contains('.') {
                st.next += 1;
            }
            let mut heading = take_headings(&mut st);
            let (parent, label) = match &st.container {
                Some((r, printed)) => (r.clone(), Some(printed.clone()).filter(|p| !p.is_empty())),
                None => (st.root.clone(), None),
            };
            // A labelled unit whose text has not begun gives way to its paragraphs.
            if units
                .last()
                .is_some_and(|u| u.r#ref == parent && u.text.is_empty())
            {
                heading = units.pop().and_then(|u| u.heading).or(heading);
            }
            units.push(Draft {
                r#ref: format!("{parent}/para:{number}"),
                heading,
                label,
                text: rest,
            });
            continue;
        }
        let open = units.last().is_none_or(|u| !u.text.is_empty());
        if closed && open && !SUBPARAGRAPH.is_match(&t.nfkc().take(6).collect::<String>()) {
            let run = heading_lines(&texts[i - 1..], &lines[i - 1..], units.is_empty());
            if run > 0 {
                push_heading(&mut st, &texts[i - 1..i - 1 + run]);
                i += run - 1;
                continue;
            }
        }
        let sub = SUBPARAGRAPH.is_match(&t.nfkc().take(6).collect::<String>());
        let line = &lines[i - 1];
        let starts_new = units.last().is_none_or(|u| {
            !u.text.is_empty()
                && closes(&u.text)
                && !sub
                && if line.after_break {
                    !t.starts_with(char::is_lowercase)
                } else if double_spaced {
                    line.indented
                } else {
                    line.after_blank
                }
        }) || !st.headings.is_empty();
        match units.last_mut() {
            Some(u) if !starts_new => {
                if sub && !u.text.is_empty() {
                    u.text.push('\n');
                    u.text.push_str(raw);
                } else {
                    join_line(&mut u.text, raw);
                }
            }
            _ => {
                let r = if st.preamble {
                    st.recitals += 1;
                    format!("{}/preamble:{}", st.root, st.recitals)
                } else {
                    st.unnumbered += 1;
                    match &st.container {
                        Some((c, _)) => format!("{c}/part:{}", st.unnumbered),
                        None => format!("{}/part:{}", st.root, st.unnumbered),
                    }
                };
                let label = st
                    .container
                    .as_ref()
                    .map(|c| c.1.clone())
                    .filter(|p| !p.is_empty());
                units.push(Draft {
                    r#ref: r,
                    heading: take_headings(&mut st),
                    label,
                    text: raw.clone(),
                });
            }
        }
    }
    finish(units, first)
}

/// A numbered paragraph that continues the numbering where it stands: `N.` when N
/// is the number expected, `N.M.` under paragraph N-1 (decimal items).
fn numbered(t: &str, raw: &str, st: &State) -> Option<(String, String)> {
    let c = NUMBERED.captures(t)?;
    let number = c[1].to_owned();
    let fits = match number.split_once('.') {
        Some((whole, _)) => whole.parse::<u32>().ok()? >= 1 && st.next > 1,
        None => number.parse::<u32>().ok()? == st.next,
    };
    if !fits {
        return None;
    }
    // The text after the number, with its markers (taken from the raw line).
    let rest = raw
        .trim_start()
        .get(c[1].len()..)
        .map(|r| r.trim_start().trim_start_matches(['.', '．']).trim_start())
        .unwrap_or("");
    Some((number, rest.to_owned()))
}

/// How many lines from the first of `texts` make a heading: a run of at most four
/// lines without closing punctuation (and no blank line inside it), followed by a
/// numbered paragraph, a label, another heading, or (`at_start`, the text's title)
/// any text.
fn heading_lines(texts: &[String], lines: &[BodyLine], at_start: bool) -> usize {
    let run = texts
        .iter()
        .zip(lines)
        .take(5)
        .enumerate()
        .take_while(|(k, (t, line))| {
            (*k == 0 || !line.after_blank)
                && !t.is_empty()
                && !closes_line(t)
                && NUMBERED.captures(t).is_none()
                && refs::unit_label(t).is_none()
                && !PREAMBLE.is_match(t)
                && !SUBPARAGRAPH.is_match(t)
        })
        .count();
    if run == 0 || run > 4 {
        // A section label ends with its full stop: `I.`, `II. Strategic vision`.
        return usize::from(texts.first().is_some_and(|t| SECTION.is_match(t)));
    }
    let after = texts.get(run).map(String::as_str).unwrap_or("");
    let opens = NUMBERED.is_match(after)
        || refs::unit_label(after).is_some()
        || PREAMBLE.is_match(after)
        || SECTION.is_match(after)
        || ANNEX.is_match(after)
        || lines.get(run).is_some_and(|l| l.after_blank) && at_start;
    if opens || SECTION.is_match(&texts[0]) {
        run
    } else {
        0
    }
}

/// Lines of a heading under a label: at most two lines without closing punctuation,
/// each shorter than the text's lines run (`width`), before the text (a wrapped line
/// of text runs to the margin) or a numbered paragraph.
fn heading_run(
    texts: &[String],
    lines: &[BodyLine],
    width: usize,
    heading: &mut Vec<String>,
) -> usize {
    let short = |t: &String| t.chars().count() * 10 < width * 8;
    let run = match heading_lines(texts, lines, false) {
        0 => texts
            .iter()
            .take(3)
            .take_while(|t| short(t) && !closes_line(t) && NUMBERED.captures(t).is_none())
            .count(),
        n => n,
    };
    let run = if run <= 2
        && texts
            .get(run)
            .is_some_and(|t| t.starts_with(char::is_uppercase) || NUMBERED.is_match(t))
    {
        run
    } else {
        0
    };
    heading.extend(texts[..run].iter().cloned());
    run
}

fn closes_line(t: &str) -> bool {
    t.ends_with(['.', ';', ',', '。', '；', '，', ':', '：'])
}

/// The lines of one heading, joined; a section label alone on its line takes the
/// heading after it as its title (`I.` + `Introduction` → `I. Introduction`).
fn push_heading(st: &mut State, lines: &[String]) {
    let mut heading = String::new();
    for line in lines {
        join_line(&mut heading, line);
    }
    match st.headings.last_mut() {
        Some(h) if h.ends_with(['.', '．', '、']) && SECTION.is_match(h) && h.len() <= 8 => {
            h.push(' ');
            h.push_str(&heading);
        }
        _ => st.headings.push(heading),
    }
}

/// The Roman numeral of a section heading (`II. Tools` → `II`).
fn section_label(heading: &str) -> Option<String> {
    let label = heading.split(['.', '．']).next()?.trim();
    (!label.is_empty() && label.len() <= 5 && label.chars().all(|c| "IVX".contains(c)))
        .then(|| label.to_owned())
}

fn take_headings(st: &mut State) -> Option<String> {
    let h = std::mem::take(&mut st.headings);
    (!h.is_empty()).then(|| h.join(" — "))
}

/// A paragraph that ends a sentence or a clause: what follows may open another.
fn closes(text: &str) -> bool {
    text.is_empty() || visible_end(text).is_some_and(|c| ".;:,。；：，!?".contains(c))
}

fn visible(text: &str) -> String {
    super::structure::visible(text.trim())
}

fn finish(units: Vec<Draft>, first: u32) -> Vec<Paragraph> {
    let mut number = first;
    units
        .into_iter()
        .filter_map(|u| {
            let (text, footnotes) = take_markers(&u.text);
            if text.is_empty() && u.heading.is_none() {
                return None;
            }
            number += 1;
            Some(Paragraph {
                kind: Kind::Paragraph,
                number,
                text,
                footnotes,
                r#ref: u.r#ref,
                heading: u.heading,
                label: u.label,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Body lines from a text: a blank line sets `after_blank` on the next one.
    fn lines(text: &str) -> Vec<BodyLine> {
        let mut out = Vec::new();
        let mut blank = false;
        for (line_no, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                blank = true;
                continue;
            }
            out.push(BodyLine {
                line_no,
                text: line.trim().to_owned(),
                indented: false,
                after_blank: std::mem::take(&mut blank),
                after_break: false,
            });
        }
        out
    }

    fn refs(text: &str) -> Vec<(String, Option<String>)> {
        read(&lines(text), false, 0)
            .into_iter()
            .map(|p| (p.r#ref, p.heading))
            .collect()
    }

    #[test]
    fn numbering_that_starts_again_under_a_section_goes_under_the_section() {
        let text = "Annex\n\nI.\nGeneral\n\n1. One.\n2. Two.\n\nII.\nTools\n\n1. Again one.\n2. Again two.\n";
        let got = refs(text);
        let want = [
            ("annex/para:1", Some("I. General")),
            ("annex/para:2", None),
            ("annex/section:II/para:1", Some("II. Tools")),
            ("annex/section:II/para:2", None),
        ];
        assert_eq!(got, want.map(|(r, h)| (r.to_owned(), h.map(str::to_owned))));
    }

    #[test]
    fn numbering_that_runs_on_across_sections_stays_under_the_annex() {
        let text = "I.\nGeneral\n\n1. One.\n\nII. Tools\n\n2. Two.\n3. Three.\n";
        let got: Vec<String> = refs(text).into_iter().map(|(r, _)| r).collect();
        assert_eq!(got, ["annex/para:1", "annex/para:2", "annex/para:3"]);
    }

    #[test]
    fn a_guideline_title_printed_without_blank_lines_is_its_heading() {
        let text = "Guideline 1\nUse of terms\nFor the purposes of the present guidelines:\n(a) one;\n(b) two.\nGuideline 2\nScope\n1. The present guidelines concern the protection of the atmosphere from\natmospheric pollution.\n2. They do not deal with outer space.\n";
        let got = read(&lines(text), false, 0);
        let units: Vec<(&str, Option<&str>)> = got
            .iter()
            .map(|p| (p.r#ref.as_str(), p.heading.as_deref()))
            .collect();
        assert_eq!(
            units,
            [
                ("annex/guideline:1", Some("Use of terms")),
                ("annex/guideline:2/para:1", Some("Scope")),
                ("annex/guideline:2/para:2", None),
            ]
        );
        assert_eq!(
            got[0].text,
            "For the purposes of the present guidelines:\n(a) one;\n(b) two."
        );
    }

    #[test]
    fn several_annexes_have_refs_of_their_own() {
        let text =
            "Annex I\nFirst text\n\n1. One.\n2. Two.\n\nAnnex II\nSecond text\n\n1. Again one.\n";
        let got: Vec<String> = refs(text).into_iter().map(|(r, _)| r).collect();
        assert_eq!(got, ["annex:I/para:1", "annex:I/para:2", "annex:II/para:1"]);
    }

    #[test]
    fn a_guideline_under_a_section_heading_keeps_both_headings() {
        let text = "II.\nPrinciples\n\nGuideline 1\nScope\n\n1. The guidelines apply.\n";
        assert_eq!(
            refs(text),
            [(
                "annex/guideline:1/para:1".to_owned(),
                Some("II. Principles — Scope".to_owned())
            )]
        );
    }
}
