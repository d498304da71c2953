//! The structure of a General Assembly resolution: masthead (symbol, title,
//! adoption), the chapeau "The General Assembly," / "大会，", preambular paragraphs
//! up to operative paragraph 1, operative paragraphs numbered as printed with their
//! sub-paragraphs, and the closing formula (meeting and date).
//!
//! Works on the body lines the layout layer hands over; knows nothing of pages.

use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::date;
use unicode_normalization::UnicodeNormalization;

use super::layout::BodyLine;
use super::text::{join_line, take_markers, visible_end};
use crate::document::{Kind, Paragraph};

/// The chapeau that opens the body of a resolution, in the six official languages.
const CHAPEAUX: [&str; 8] = [
    "The General Assembly,",
    "The General Assembly",
    "大会，",
    "大会,",
    "L'Assemblée générale,",
    "L’Assemblée générale,",
    "La Asamblea General,",
    "Генеральная Ассамблея,",
];

static SYMBOL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Z]{1,3}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+)$").unwrap());
static RESOLUTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}/\d{1,4})\s*[.．]\s*(\S.*)?$").unwrap());
static MEETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary\s+meeting",
        r"|第\s*\d+\s*次(?:续会)?全体会议",
        r"|\d+e\s+séance\s+plénière",
        r"|\d+a\.?\s+sesión\s+plenaria",
        r"|\d+-[ея]\s+пленарное\s+заседание)"
    ))
    .unwrap()
});
/// `(a)`, `(iv)`, `（b）`: a sub-paragraph's label (the annex reader's too).
pub(super) static SUBPARAGRAPH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（](?:[a-z]{1,2}|[ivxl]+)[)）]").unwrap());

/// What the masthead says.
#[derive(Debug, Default)]
pub struct Masthead {
    pub symbol: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    /// The line that holds the chapeau; the body starts after it.
    pub chapeau: Option<usize>,
}

/// Reads the masthead: everything above the chapeau (or, without one, the first lines).
pub fn read_masthead(lines: &[&str], double_spaced: bool) -> Masthead {
    let chapeau = lines.iter().position(|l| CHAPEAUX.contains(&l.trim()));
    let head = &lines[..chapeau.unwrap_or(lines.len().min(40))];
    let mut masthead = Masthead {
        chapeau,
        ..Masthead::default()
    };
    masthead.symbol = head
        .iter()
        .find_map(|l| SYMBOL.captures(l.trim()).map(|c| c[1].to_owned()));
    if let Some((i, caps)) = head
        .iter()
        .enumerate()
        .find_map(|(i, l)| RESOLUTION_NUMBER.captures(l.trim()).map(|c| (i, c)))
    {
        // `76/112.` alone on its line: the title follows on the next ones.
        let mut title = caps.get(2).map_or("", |t| t.as_str().trim()).to_owned();
        let mut blanks = 0;
        for line in &head[i + 1..] {
            if line.trim().is_empty() {
                blanks += 1;
                if title.is_empty() {
                    continue;
                }
                if !double_spaced || blanks > 2 {
                    break;
                }
                continue;
            }
            if double_spaced && line.starts_with(char::is_whitespace) {
                break;
            }
            blanks = 0;
            join_line(&mut title, line);
        }
        masthead.title = (!title.is_empty()).then_some(title);
        masthead
            .symbol
            .get_or_insert_with(|| format!("A/RES/{}", &caps[1]));
    }
    let adopted = head
        .iter()
        .position(|l| l.contains("adopted by the General Assembly"));
    if let Some(i) = adopted {
        let text = head[i..(i + 3).min(head.len())].join(" ");
        masthead.date = date(&text);
    }
    masthead
}

/// The body of a resolution, assembled.
#[derive(Debug, Default)]
pub struct Body {
    pub paragraphs: Vec<Paragraph>,
    pub date: Option<String>,
    pub meeting: Option<String>,
}

/// Assembles the body lines after the chapeau into paragraphs. Without a chapeau
/// (`chapeau == None`) every line is read as plain paragraphs.
pub fn assemble(lines: &[BodyLine], chapeau: Option<usize>, double_spaced: bool) -> Body {
    let start = chapeau.map_or(0, |c| {
        lines
            .iter()
            .position(|l| l.line_no > c)
            .unwrap_or(lines.len())
    });
    let lines = &lines[start..];
    let mut body = Body::default();
    let closing = chapeau.and_then(|_| closing_formula(lines));
    let (main, after) = match closing {
        Some((at, len)) => {
            let closing = &lines[at..at + len];
            body.meeting = closing
                .iter()
                .find(|l| MEETING.is_match(&l.text))
                .map(|l| take_markers(&l.text).0);
            body.date = closing.iter().find_map(|l| date(&l.text));
            (&lines[..at], &lines[at + len..])
        }
        None => (lines, &lines[lines.len()..]),
    };
    let resolution = chapeau.is_some();
    // "Adopts the following document:": the text it adopts is printed before the
    // closing formula and read as an annex.
    let (main, adopted) = match resolution.then(|| adopting_line(main)).flatten() {
        Some(k) => (&main[..=k], &main[k + 1..]),
        None => (main, &main[main.len()..]),
    };
    let mut paragraphs = paragraphs(main, double_spaced, resolution);
    if !adopted.is_empty() && !paragraphs.iter().any(|p| p.kind == Kind::Operative) {
        // The adopting paragraph is the resolution's one (unnumbered) operative paragraph.
        if let Some(last) = paragraphs.last_mut() {
            last.kind = Kind::Operative;
            last.number = 1;
            last.r#ref = super::refs::resolution_ref(Kind::Operative, 1);
        }
    }
    for text in [adopted, after] {
        let plain = paragraphs
            .iter()
            .filter(|p| p.kind == Kind::Paragraph)
            .count();
        paragraphs.extend(super::annex::read(text, double_spaced, plain as u32));
    }
    body.paragraphs = paragraphs;
    body
}

/// The line that ends a resolution's unnumbered adopting paragraph ("Adopts the
/// following declaration:", "Approves the text annexed …:"): a line ending with a
/// colon, before any numbered operative paragraph, in a paragraph that opens with a
/// verb (not a recital's participle), followed by text that is not its (a) items.
fn adopting_line(lines: &[BodyLine]) -> Option<usize> {
    let mut start = 0;
    for (k, line) in lines.iter().enumerate() {
        if operative_number(&line.text).is_some() {
            return None;
        }
        if k > 0 && (line.after_blank || line.indented) && ends_paragraph(&lines[k - 1].text) {
            start = k;
        }
        let text = take_markers(&line.text).0;
        if !text.trim_end().ends_with([':', '：']) {
            continue;
        }
        let next = lines.get(k + 1).map(|l| l.text.as_str()).unwrap_or("");
        let opens_items = SUBPARAGRAPH.is_match(&super::text::nfkc_prefix(next, 8));
        if !opens_items
            && !next.is_empty()
            && super::vocabulary::opens_operative(&lines[start].text)
        {
            return Some(k);
        }
    }
    None
}

/// Where the closing formula starts and how many lines it takes: the meeting line,
/// with the date line before it (Chinese) or after it (English).
fn closing_formula(lines: &[BodyLine]) -> Option<(usize, usize)> {
    let meeting = lines
        .iter()
        .position(|l| MEETING.is_match(&take_markers(&l.text).0))?;
    let date_before = meeting > 0 && crate::parse::vocabulary::is_date(&lines[meeting - 1].text);
    let date_after = lines
        .get(meeting + 1)
        .is_some_and(|l| crate::parse::vocabulary::is_date(&l.text));
    let at = if date_before { meeting - 1 } else { meeting };
    Some((at, meeting + 1 + usize::from(date_after) - at))
}

/// The printed operative number that opens `line` (`1.`, `2．`, `10. Notes`), and the
/// text after it.
fn operative_number(line: &str) -> Option<(u32, &str)> {
    let digits_end = line.find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))?;
    if digits_end == 0 {
        return None;
    }
    let number: String = line[..digits_end].nfkc().collect();
    let rest = line[digits_end..].trim_start();
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix('．'))?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None; // "2.5", not an operative number
    }
    Some((number.parse().ok()?, rest.trim_start()))
}

/// Punctuation that ends a paragraph of a resolution: preambular paragraphs end with
/// a comma, operative ones with a semicolon or full stop.
fn ends_paragraph(text: &str) -> bool {
    visible_end(text).is_some_and(|c| ",;:.，；：。".contains(c))
}

/// Splits lines into paragraphs. In a resolution, numbered paragraphs are operative
/// and unnumbered ones before operative paragraph 1 are preambular; elsewhere every
/// paragraph is plain.
fn paragraphs(lines: &[BodyLine], double_spaced: bool, resolution: bool) -> Vec<Paragraph> {
    // (kind, number, text, the ref of a paragraph of an adopted text).
    let mut out: Vec<(Kind, u32, String, Option<String>)> = Vec::new();
    let mut next_operative = 1;
    let mut preamble = 0;
    // A text the resolution adopts in an operative paragraph ending with a colon
    // ("Adopts the following declaration:"), numbered anew: (operative, next number).
    let mut adopted: Option<(u32, u32)> = None;
    for line in lines {
        let current = out.last().map(|p| p.2.as_str());
        if resolution && let Some((n, rest)) = operative_number(&line.text) {
            let opens_adopted = n == 1
                && adopted.is_none()
                && out
                    .last()
                    .is_some_and(|p| p.0 == Kind::Operative && visible_end(&p.2) == Some(':'));
            let op = match (adopted, out.last()) {
                (Some((op, next)), _) if n == next => Some(op),
                (None, Some(last)) if opens_adopted => Some(last.1),
                _ => None,
            };
            if let Some(op) = op {
                adopted = Some((op, n + 1));
                let plain = out.iter().filter(|p| p.0 == Kind::Paragraph).count() as u32 + 1;
                let r = format!("operative:{op}/para:{n}");
                out.push((Kind::Paragraph, plain, rest.to_owned(), Some(r)));
                continue;
            }
            if n == next_operative {
                adopted = None;
                next_operative += 1;
                out.push((Kind::Operative, n, rest.to_owned(), None));
                continue;
            }
        }
        let sub = SUBPARAGRAPH.is_match(&super::text::nfkc_prefix(&line.text, 8));
        let starts_new = match current {
            None => true,
            Some(text) if line.after_break => {
                ends_paragraph(text) && !line.text.starts_with(|c: char| c.is_lowercase())
            }
            Some(_) => {
                sub || if double_spaced {
                    line.indented
                } else {
                    line.after_blank
                }
            }
        };
        let last = out.last_mut();
        match last {
            Some(p) if sub && starts_new => {
                p.2.push('\n');
                p.2.push_str(&line.text);
            }
            Some(p) if !starts_new || (resolution && next_operative > 1) => {
                join_line(&mut p.2, &line.text)
            }
            _ => {
                let kind = if resolution {
                    Kind::Preamble
                } else {
                    Kind::Paragraph
                };
                preamble += 1;
                out.push((kind, preamble, line.text.clone(), None));
            }
        }
    }
    out.into_iter()
        .filter_map(|(kind, number, text, r)| {
            let (text, footnotes) = take_markers(&text);
            (!text.is_empty()).then(|| Paragraph {
                kind,
                number,
                text,
                footnotes,
                r#ref: r.unwrap_or_else(|| super::refs::resolution_ref(kind, number)),
                heading: None,
                label: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operative_numbers() {
        assert_eq!(operative_number("1. 核可"), Some((1, "核可")));
        assert_eq!(operative_number("2． 同意"), Some((2, "同意")));
        assert_eq!(operative_number("10. Notes that"), Some((10, "Notes that")));
        assert_eq!(operative_number("１２．宣布"), Some((12, "宣布")));
        assert_eq!(operative_number("1."), Some((1, "")));
        assert_eq!(operative_number("2.5 per cent"), None);
        assert_eq!(operative_number("2021 年"), None);
    }

    #[test]
    fn reads_dates() {
        assert_eq!(date("on 9 December 2021").as_deref(), Some("2021-12-09"));
        assert_eq!(date("2021 年 12 月 9 日").as_deref(), Some("2021-12-09"));
        assert_eq!(date("２０１１年４月７日").as_deref(), Some("2011-04-07"));
        assert!(crate::parse::vocabulary::is_date("7 December 2023 "));
        assert!(!crate::parse::vocabulary::is_date(
            "on 7 December 2023, the Committee"
        ));
    }
}
