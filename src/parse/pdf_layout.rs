//! The PDF's placed lines → the page text the page model reads, and a compilation
//! cut into its instruments.
//!
//! Geometry decides what a text extract can only guess:
//! - **furniture**: a line in the top or bottom margin of the page, no larger than
//!   the body text, that is a page number (`7`, `7/85`, `iv`), a job number
//!   (`V.24-22756`), or whose shape (digits aside) recurs in that margin on other
//!   pages (`ST/SPACE/61/Rev.3`) — learned from the document, no list of strings;
//! - **footnotes**: the lines under a short rule (drawn, or typed as `_____`), or, on
//!   a page without one, the run of smaller lines at its foot that opens with a
//!   number;
//! - **hyphens**: a word broken at a line end (`technologi-` / `cal`) is joined
//!   where the document prints the whole word elsewhere and never the hyphenated
//!   form; `space-` / `based` stays a compound.
//!
//! The text handed on is what the text-slice path already reads: body lines, a rule
//! and the notes, a form feed between pages. A **compilation** (a book of
//! instruments in parts, each instrument under an enumerated heading `A.`, `B.` set
//! larger than the text) is cut at those headings; each instrument's id is its
//! place in the book (`I.A`: the part counted by the letters starting again at `A`),
//! which is the same in every language edition, or the resolution symbol its
//! heading prints.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use anyhow::Result;
use regex::Regex;

use super::vocabulary::JOB;

use super::Parsed;
use super::pdf::{PdfLine, PdfPage, PdfPages};

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,4}(?:\s*/\s*\d{1,4})?|[ivxlc]{1,6}|[IVXLC]{1,6}|-\s*\d{1,4}\s*-)$")
        .unwrap()
});
static TYPED_RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[_‗]{5,}$").unwrap());
static NOTE_OPENS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}\s?\S").unwrap());
/// An instrument's enumerator in a compilation: `A.`, `B．`.
static ENUMERATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-H])\s*[.．]\s*\S").unwrap());
static RESOLUTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\d/])(\d{1,3})\s*/\s*(\d{1,3})(?:[^\d/]|$)").unwrap());
static OLD_RESOLUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{3,4})(?:\s*[A-Z](?:\s*\S{1,3}\s*[A-Z])?)?\s*\(([IVXL]{1,6})\)")
        .unwrap()
});
static HYPHEN_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\p{L}+)-$").unwrap());
static WORD_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\p{Ll}+)").unwrap());
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}\-]+").unwrap());

/// How a line of a PDF page is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    Furniture,
    Note,
}

/// A page's lines with their roles, top to bottom.
#[derive(Debug, Clone, Default)]
pub struct Classified {
    pub lines: Vec<(Role, PdfLine)>,
}

/// The size most of the document's characters are set in.
pub fn body_size(pages: &[PdfPage]) -> f64 {
    let mut weight: HashMap<i64, usize> = HashMap::new();
    for line in pages.iter().flat_map(|p| &p.lines) {
        *weight.entry((line.size * 10.0).round() as i64).or_default() += line.text.chars().count();
    }
    weight
        .into_iter()
        .max_by_key(|&(size, n)| (n, size))
        .map_or(10.0, |(size, _)| size as f64 / 10.0)
}

/// The shape of a line for learning furniture: digits as `#`, runs of them as one.
fn shape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let c = if c.is_ascii_digit() { '#' } else { c };
        if !(c == '#' && out.ends_with('#')) {
            out.push(c);
        }
    }
    out
}

/// Which margin a line stands in: top, bottom, or neither.
fn margin(page: &PdfPage, line: &PdfLine) -> Option<bool> {
    if line.y < page.height * 0.1 {
        Some(true)
    } else if line.y > page.height * 0.92 {
        Some(false)
    } else {
        None
    }
}

/// Classifies the lines of every page: furniture, body, notes.
pub fn classify(pages: &[PdfPage]) -> Vec<Classified> {
    let body = body_size(pages);
    // Shapes seen in each margin, with the pages they are seen on.
    let mut seen: HashMap<(bool, String), HashSet<usize>> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for line in &page.lines {
            // A running head is a few words; a footnote that recurs with other
            // numbers (`Treaty Series, vol. 610`) is not one.
            // Nor is a unit's label that happens to stand at the top of pages
            // (`Artículo 3`, `Artículo 7`).
            let short = line.text.split_whitespace().count() <= 5
                && line.text.chars().count() <= 40
                && super::refs::unit_label(line.text.trim()).is_none();
            if let Some(top) = margin(page, line).filter(|_| short) {
                seen.entry((top, shape(&line.text))).or_default().insert(p);
            }
        }
    }
    let learned: HashSet<(bool, String)> = seen
        .into_iter()
        .filter(|((_, s), pages)| pages.len() >= if s.contains('#') { 2 } else { 3 })
        .map(|(k, _)| k)
        .collect();
    pages
        .iter()
        .map(|page| classify_page(page, body, &learned))
        .collect()
}

fn classify_page(page: &PdfPage, body: f64, learned: &HashSet<(bool, String)>) -> Classified {
    let mut lines: Vec<(Role, PdfLine)> = page
        .lines
        .iter()
        .map(|line| {
            let t = line.text.trim();
            let furniture = margin(page, line).is_some_and(|top| {
                line.size < body * 1.05
                    && (PAGE_NUMBER.is_match(t)
                        || JOB.is_match(t)
                        || learned.contains(&(top, shape(t))))
            });
            let role = if furniture {
                Role::Furniture
            } else {
                Role::Body
            };
            (role, line.clone())
        })
        .collect();
    // The footnote rule: typed, or drawn short in the lower part of the page.
    let typed = lines
        .iter()
        .position(|(r, l)| *r == Role::Body && TYPED_RULE.is_match(l.text.trim()));
    let drawn = page
        .rules
        .iter()
        .filter(|r| r.y > page.height * 0.4 && r.x1 - r.x0 < page.width * 0.5)
        .map(|r| r.y)
        .fold(None, |acc: Option<f64>, y| {
            Some(acc.map_or(y, |a| a.min(y)))
        });
    let rule_y = match (typed, drawn) {
        (Some(k), _) => Some(lines[k].1.y),
        (None, Some(y)) => Some(y),
        (None, None) => small_run_at_foot(&lines, body),
    };
    if let Some(y) = rule_y {
        for (role, line) in &mut lines {
            if *role == Role::Body && line.y > y - 0.5 && !TYPED_RULE.is_match(line.text.trim()) {
                *role = Role::Note;
            }
        }
        if let Some(k) = typed {
            lines[k].0 = Role::Furniture;
        }
    }
    Classified { lines }
}

/// Without a rule: the baseline just above a run of smaller lines at the foot of the
/// page whose first line opens with a note number.
fn small_run_at_foot(lines: &[(Role, PdfLine)], body: f64) -> Option<f64> {
    let body_lines: Vec<&PdfLine> = lines
        .iter()
        .filter(|(r, _)| *r == Role::Body)
        .map(|(_, l)| l)
        .collect();
    let run = body_lines
        .iter()
        .rev()
        .take_while(|l| l.size < body * 0.92)
        .count();
    if run == 0 || run == body_lines.len() {
        return None;
    }
    let first = body_lines[body_lines.len() - run..]
        .iter()
        .position(|l| NOTE_OPENS.is_match(&l.text))?;
    Some(body_lines[body_lines.len() - run + first].y - 0.1)
}

/// The text of a run of classified pages, as the page model reads it: each page's
/// body lines, then a rule and its notes; a form feed between pages.
/// A blank line stands where the space between two body lines is wider than the
/// document's usual line spacing (a heading set apart, a new block), as a text
/// extract shows it.
pub fn page_text(pages: &[Classified]) -> String {
    let pitch = line_pitch(pages);
    let mut texts: Vec<Vec<String>> = Vec::new();
    for page in pages {
        let mut lines: Vec<String> = Vec::new();
        let mut ruled = false;
        let mut above: Option<f64> = None;
        for (role, line) in &page.lines {
            match role {
                Role::Furniture => {}
                Role::Body => {
                    if above.is_some_and(|y| line.y - y > pitch * 1.4) {
                        lines.push(String::new());
                    }
                    above = Some(line.y);
                    lines.push(line.text.clone());
                }
                Role::Note => {
                    if !ruled {
                        lines.push("__________".to_owned());
                        ruled = true;
                    }
                    lines.push(line.text.clone());
                }
            }
        }
        texts.push(lines);
    }
    join_hyphenated(&mut texts);
    texts
        .iter()
        .map(|lines| lines.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\u{C}")
}

/// The usual distance between the baselines of two body lines that follow each
/// other.
fn line_pitch(pages: &[Classified]) -> f64 {
    let mut gaps: Vec<f64> = Vec::new();
    for page in pages {
        let body: Vec<&PdfLine> = page
            .lines
            .iter()
            .filter(|(r, _)| *r == Role::Body)
            .map(|(_, l)| l)
            .collect();
        gaps.extend(
            body.windows(2)
                .map(|w| w[1].y - w[0].y)
                .filter(|g| *g > 0.0),
        );
    }
    gaps.sort_by(f64::total_cmp);
    gaps.get(gaps.len() / 2).copied().unwrap_or(f64::INFINITY)
}

/// A word broken by a hyphen at a line end whose whole form the document prints and
/// whose hyphenated form it never does: the hyphen is made soft, so that joining
/// the lines joins the word. Returns how many.
fn join_hyphenated(pages: &mut [Vec<String>]) -> usize {
    let flat: Vec<(usize, usize)> = pages
        .iter()
        .enumerate()
        .flat_map(|(p, lines)| (0..lines.len()).map(move |k| (p, k)))
        .collect();
    let (words, breaks) = line_words(pages, &flat);
    let mut joined = 0;
    for pair in flat.windows(2) {
        let ((p, k), (q, j)) = (pair[0], pair[1]);
        let Some(head) = HYPHEN_END.captures(&pages[p][k]).map(|c| c[1].to_owned()) else {
            continue;
        };
        let Some(tail) = WORD_START.captures(&pages[q][j]).map(|c| c[1].to_owned()) else {
            continue;
        };
        let whole = format!("{head}{tail}").to_lowercase();
        let compound = format!("{head}-{tail}").to_lowercase();
        // `необходи-` / `мых`: a tail that is no word of its own anywhere else ends
        // a broken word, unless the same break comes twice (`space-` / `based`):
        // a compound, as printed.
        let elsewhere = words.contains_key(&tail.to_lowercase());
        let once = breaks.get(&compound).is_none_or(|n| *n == 1);
        let evidence = words.contains_key(&whole) || (!elsewhere && once);
        if evidence && !words.contains_key(&compound) {
            let line = &mut pages[p][k];
            line.pop();
            line.push('\u{AD}');
            joined += 1;
        }
    }
    joined
}

/// Words in lower case, with how often each occurs.
type Counts = HashMap<String, usize>;

/// The words of the lines, in lower case, with how often each occurs; the first word
/// of a line that follows a line ending with a hyphen is left out (`tion` after
/// `opera-` is no word, however often a line starts with it) and counted, with the
/// word before the hyphen, among the breaks (`opera-tion`).
fn line_words(pages: &[Vec<String>], flat: &[(usize, usize)]) -> (Counts, Counts) {
    let mut words = Counts::new();
    let mut breaks = Counts::new();
    let mut head: Option<String> = None;
    for &(p, k) in flat {
        let line = &pages[p][k];
        for (i, w) in WORD.find_iter(line).enumerate() {
            if i == 0
                && let (Some(head), Some(tail)) = (head.as_deref(), WORD_START.captures(line))
            {
                let compound = format!("{head}-{}", &tail[1]);
                *breaks.entry(compound.to_lowercase()).or_default() += 1;
                continue;
            }
            let w = w.as_str().to_lowercase();
            // The parts of a compound are words too (`ракет` in `ракет-носителей`).
            if w.contains('-') {
                for part in w.split('-').filter(|p| !p.is_empty()) {
                    *words.entry(part.to_owned()).or_default() += 1;
                }
            }
            *words.entry(w).or_default() += 1;
        }
        head = HYPHEN_END.captures(line).map(|c| c[1].to_owned());
    }
    (words, breaks)
}

/// One part of a compilation: the pages (and, on the first, the line) it starts at,
/// and its id (`None` for the front matter).
#[derive(Debug, Clone)]
pub struct Piece {
    pub id: Option<String>,
    pub text: String,
}

/// Cuts a compilation into its instruments; `None` when the document is not one
/// (fewer than two parts of enumerated headings set larger than the text).
pub fn split(pages: &[PdfPage], classified: &[Classified]) -> Option<Vec<Piece>> {
    let body = body_size(pages);
    // Candidate headings: the first line of a run of large lines that opens with an
    // enumerator, set larger than the text.
    let mut candidates: Vec<(usize, usize, char, f64)> = Vec::new();
    for (p, page) in classified.iter().enumerate() {
        for (k, (role, line)) in page.lines.iter().enumerate() {
            if *role != Role::Body || line.size <= body * 1.03 {
                continue;
            }
            let folded = super::refs::fold_lookalikes(line.text.trim());
            if let Some(c) = ENUMERATOR.captures(&folded)
                && let Some(letter) = c[1].chars().next()
            {
                candidates.push((p, k, letter, line.size));
            }
        }
    }
    if candidates.len() < 2 {
        return None;
    }
    // The instruments' headings are the common size; smaller enumerated headings
    // (groups inside an instrument) are not.
    let mut sizes: Vec<f64> = candidates.iter().map(|c| c.3).collect();
    sizes.sort_by(f64::total_cmp);
    let typical = sizes[sizes.len() / 2];
    // Where the book has title pages for its parts, a part begins only after one:
    // letters starting again at `A` without one are the groups of the instrument
    // being read (`A. Policy and regulatory framework`), and so are the letters
    // after them, until the next part's title page.
    let dividers = divider_pages(classified, body);
    let mut starts: Vec<(usize, usize, String)> = Vec::new();
    let mut part = 0usize;
    let mut last: Option<char> = None;
    let mut nested = false;
    let mut last_page = 0usize;
    for &(p, k, letter, size) in &candidates {
        if size < typical * 0.9 {
            continue;
        }
        let divider_between = dividers.iter().any(|&d| d >= last_page && d < p);
        if divider_between {
            nested = false;
        }
        let next = last.and_then(|l| char::from_u32(l as u32 + 1));
        if letter == 'A' {
            if !dividers.is_empty() && part > 0 && !divider_between {
                nested = true;
                continue;
            }
            part += 1;
        } else if nested || Some(letter) != next {
            continue;
        }
        last = Some(letter);
        last_page = p;
        starts.push((
            p,
            k,
            format!("{}.{letter}", super::refs::to_roman(part as u32)),
        ));
    }
    if part < 2 {
        return None;
    }
    let mut pieces = Vec::new();
    // The front matter: everything before the first instrument, with the parts'
    // title pages.
    let mut front: Vec<Classified> = classified[..starts[0].0].to_vec();
    front.push(Classified {
        lines: classified[starts[0].0].lines[..starts[0].1].to_vec(),
    });
    for (n, (p, k, id)) in starts.iter().enumerate() {
        let (end_p, end_k) = starts
            .get(n + 1)
            .map_or((classified.len(), 0), |s| (s.0, s.1));
        let mut run: Vec<Classified> = Vec::new();
        for (q, page) in classified.iter().enumerate().take(end_p + 1).skip(*p) {
            if dividers.contains(&q) {
                front.push(page.clone());
                continue;
            }
            let from = if q == *p { *k } else { 0 };
            let to = if q == end_p { end_k } else { page.lines.len() };
            if q == end_p && q != *p && to == 0 {
                break;
            }
            let mut lines: Vec<(Role, PdfLine)> = page.lines[from..to.max(from)].to_vec();
            // The notes at the foot of a page shared with the next instrument.
            let shared = page.lines[..to].iter().any(|(r, _)| *r == Role::Body);
            if q == end_p && shared && to < page.lines.len() {
                lines.extend(
                    page.lines[to..]
                        .iter()
                        .filter(|(r, _)| *r == Role::Note)
                        .cloned(),
                );
            }
            run.push(Classified { lines });
        }
        let text = page_text(&run);
        let id = resolution_symbol(&super::refs::fold_lookalikes(&heading_lines(
            &classified[*p],
            *k,
        )))
        .unwrap_or_else(|| id.clone());
        pieces.push(Piece { id: Some(id), text });
    }
    pieces.insert(
        0,
        Piece {
            id: None,
            text: page_text(&front),
        },
    );
    Some(pieces)
}

/// A heading's lines: the line at `k` and the lines after it in the same size.
fn heading_lines(page: &Classified, k: usize) -> String {
    let size = page.lines[k].1.size;
    let mut out = String::new();
    for (role, line) in &page.lines[k..] {
        if *role != Role::Body || (line.size - size).abs() > 0.3 {
            break;
        }
        out.push_str(&line.text);
        out.push(' ');
    }
    out
}

/// Pages that hold only a few lines set well above the text size: a part's title
/// page (`Part two` / `Principles adopted by the General Assembly`).
fn divider_pages(pages: &[Classified], body: f64) -> HashSet<usize> {
    pages
        .iter()
        .enumerate()
        .filter(|(_, page)| {
            let body_lines: Vec<&PdfLine> = page
                .lines
                .iter()
                .filter(|(r, _)| *r != Role::Furniture)
                .map(|(_, l)| l)
                .collect();
            !body_lines.is_empty()
                && body_lines.len() <= 6
                && body_lines.iter().all(|l| l.size > body * 1.2)
                && !body_lines
                    .iter()
                    .any(|l| ENUMERATOR.is_match(&super::refs::fold_lookalikes(&l.text)))
        })
        .map(|(p, _)| p)
        .collect()
}

/// The symbol of the resolution an instrument's heading names (`Resolution 59/115
/// of …` → `A/RES/59/115`, `1721 A and B (XVI)` → `A/RES/1721(XVI)`).
fn resolution_symbol(heading: &str) -> Option<String> {
    if let Some(c) = OLD_RESOLUTION.captures(heading) {
        return Some(format!("A/RES/{}({})", &c[1], &c[2]));
    }
    let c = RESOLUTION_NUMBER.captures(heading)?;
    Some(format!("A/RES/{}/{}", &c[1], &c[2]))
}

/// Reads a PDF into its documents: one, or a compilation's instruments after its
/// front matter. Each instrument's symbol is the file's symbol and the
/// instrument's id (`ST-SPACE-61-Rev3/I.A`), or the resolution symbol its heading
/// prints; the front matter keeps the file's symbol.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Vec<Parsed>> {
    Ok(parse_pages(super::pdf_worker::read(bytes)?, path))
}

/// [`parse`] of pages already read.
pub fn parse_pages(pages: PdfPages, path: &Path) -> Vec<Parsed> {
    let classified = classify(&pages.pages);
    let file_symbol = super::symbol_from_file_name(path);
    let pieces = split(&pages.pages, &classified).unwrap_or_else(|| {
        vec![Piece {
            id: None,
            text: page_text(&classified),
        }]
    });
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let mut parsed = super::parse_text_with(&piece.text, path, false);
        match &piece.id {
            Some(id) if id.starts_with("A/RES/") => parsed.document.symbol = id.clone(),
            Some(id) => parsed.document.symbol = format!("{file_symbol}/{id}"),
            None => parsed.document.symbol = file_symbol.clone(),
        }
        let mut parsed = super::named(parsed);
        if let Some(id) = &piece.id {
            for w in &mut parsed.warnings {
                *w = format!("{id}: {w}");
            }
        }
        out.push(parsed);
    }
    if let Some(first) = out.first_mut() {
        let mut warnings = pages.warnings;
        warnings.append(&mut first.warnings);
        first.warnings = warnings;
    }
    out
}

/// The whole PDF as one document, uncut.
pub fn parse_whole(bytes: &[u8], path: &Path) -> Result<Parsed> {
    let pages = super::pdf_worker::read(bytes)?;
    let classified = classify(&pages.pages);
    let mut parsed = super::named(super::parse_text_with(&page_text(&classified), path, false));
    let mut warnings = pages.warnings;
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resolution_symbols_from_headings_in_any_language() {
        let cases = [
            (
                "E. Resolution 68/74 of 11 December 2013",
                Some("A/RES/68/74"),
            ),
            (
                "C. 2004 年 12 月 10 日第 59/115 号决议",
                Some("A/RES/59/115"),
            ),
            (
                "A. Resolution 1721 A and B (XVI) of 20 December 1961",
                Some("A/RES/1721(XVI)"),
            ),
            (
                "A. 1961 年 12 月 20 日第 1721 A 和 B (XVI)号决议",
                Some("A/RES/1721(XVI)"),
            ),
            ("A. Treaty on Principles Governing", None),
        ];
        for (heading, symbol) in cases {
            assert_eq!(resolution_symbol(heading).as_deref(), symbol, "{heading}");
        }
    }

    fn line(y: f64, size: f64, text: &str) -> PdfLine {
        PdfLine {
            y,
            x0: 50.0,
            x1: 400.0,
            size,
            text: text.to_owned(),
        }
    }

    fn page(lines: Vec<PdfLine>) -> PdfPage {
        PdfPage {
            width: 450.0,
            height: 680.0,
            lines,
            rules: Vec::new(),
        }
    }

    #[test]
    fn furniture_is_learned_from_the_margins_and_notes_from_their_size() {
        let pages: Vec<PdfPage> = (1..=3)
            .map(|n| {
                page(vec![
                    line(40.0, 8.0, "ST/SPACE/61/Rev.3"),
                    line(100.0, 11.0, "Article 3"),
                    line(
                        120.0,
                        11.0,
                        "States shall cooperate in the exploration of outer",
                    ),
                    line(133.0, 11.0, &format!("space, including the Moon.{n}")),
                    line(
                        600.0,
                        8.0,
                        &format!("{n} United Nations, Treaty Series, vol. 610."),
                    ),
                    line(650.0, 10.0, &format!("{n}/85")),
                ])
            })
            .collect();
        let classified = classify(&pages);
        let roles: Vec<Role> = classified[1].lines.iter().map(|l| l.0).collect();
        use Role::*;
        assert_eq!(roles, [Furniture, Body, Body, Body, Note, Furniture]);
        let text = page_text(&classified);
        assert!(
            !text.contains("ST/SPACE") && !text.contains("/85"),
            "{text}"
        );
        assert!(text.contains("__________\n2 United Nations"), "{text}");
        assert_eq!(text.matches('\u{C}').count(), 2);
    }

    #[test]
    fn a_hyphen_at_a_line_end_joins_a_word_but_not_a_compound() {
        let mut pages = vec![vec![
            "and technologi-".to_owned(),
            "cal development, space-".to_owned(),
            "based systems".to_owned(),
            "необходи-".to_owned(),
            "мых средств".to_owned(),
            "activities based on".to_owned(),
        ]];
        assert_eq!(join_hyphenated(&mut pages), 2);
        assert_eq!(pages[0][0], "and technologi\u{AD}");
        assert_eq!(pages[0][1], "cal development, space-");
        assert_eq!(pages[0][3], "необходи\u{AD}");
    }

    #[test]
    fn a_tail_that_only_ever_follows_a_break_is_no_word() {
        // `tion` starts two lines after a break, and is no word of the text; the
        // same break twice with a tail that is no word is a compound as printed.
        let mut pages = vec![vec![
            "the opera-".to_owned(),
            "tion of the station and informa-".to_owned(),
            "tion on its space-".to_owned(),
            "borne parts, space-".to_owned(),
            "borne again".to_owned(),
        ]];
        assert_eq!(join_hyphenated(&mut pages), 2);
        assert_eq!(pages[0][0], "the opera\u{AD}");
        assert_eq!(pages[0][1], "tion of the station and informa\u{AD}");
        assert!(pages[0][2].ends_with("space-") && pages[0][3].ends_with("space-"));
    }

    #[test]
    fn shapes_ignore_digits_and_spaces() {
        assert_eq!(shape("7/85"), shape("12 /85"));
        assert_eq!(shape("ST/SPACE/61/Rev.3"), "ST/SPACE/#/Rev.#");
    }
}
