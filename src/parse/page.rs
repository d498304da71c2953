//! The page model of a text that comes in pages (form feeds from pdftotext now, PDF
//! pages next): each page's lines classified as body, running head or footer, page
//! number, footnote rule or footnote text, and the footnotes themselves.
//!
//! Furniture is learned from the document: a line that recurs, digits aside, at the
//! top or the foot of two or more pages (`ST/SPACE/61/Rev.3`, `V.24-22756`, `7/85`,
//! a bare page number) is a running head or footer wherever it stands at a page edge,
//! and a learned head that is a symbol-like string is also cut out of a body line the
//! extractor ran it into (`在地 ST/SPACE/61/Rev.3 球`). Footnotes are read under a
//! rule (`_____`), with their number on the same line (`1 联合国`), on a line of its
//! own (`1` then the text, or `9` `10` then both texts), or, without a rule, glued
//! to the note at the foot of the page (`9Adopted by…`) when the page cites it.
//!
//! The structure readers get [`BodyLine`]s with footnote markers already replaced by
//! sentinels; they know nothing of pages.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::JOB;

use super::layout::{self, BodyLine};
use crate::document::Footnote;

/// How a line of a page was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    Body,
    Blank,
    /// A running head or footer: learned by repetition, or a job number or `n/m`.
    Furniture,
    PageNumber,
    /// The rule above the footnotes.
    Rule,
    Footnote,
    /// A line of a table of contents (a page of entries whose leader dots run to
    /// their page numbers): not text.
    Contents,
}

/// One line of a page.
#[derive(Debug, Clone)]
pub struct Line {
    /// Index of the line in the file (0-based).
    pub line_no: usize,
    /// The line, control characters removed.
    pub text: String,
    pub class: LineClass,
}

/// A document read into pages.
#[derive(Debug, Default)]
pub struct Pages {
    pub pages: Vec<Vec<Line>>,
    pub footnotes: Vec<Footnote>,
    /// Footnote numbers defined on each page.
    pub defined: Vec<Vec<u32>>,
    /// Page-layer decisions a reader could get wrong, for tests to count.
    pub warnings: Vec<String>,
}

static PAGE_OF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}\s*/\s*\d{1,4}$").unwrap());
static BARE_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}$").unwrap());
static RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^_{5,}$").unwrap());
/// The last line of a contents entry: leader dots (or ellipses) running to the end of
/// the line or to a page number (`Space Objects. . . . . 14`, `Foreword. . . . iii`).
static LEADERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:(?:\.\s?){4,}|…{3,})\s*(?:\d{1,3}|[ivxlc]{1,6})?$").unwrap());
/// A note whose number stands before its text: `1 联合国`, `32 The Guidelines`,
/// `9Adopted by` (glued, as the English edition prints them).
static NOTE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})\s?([^\d\s./,:;)\-].*)$").unwrap());
/// A symbol-like running head (`ST/SPACE/61/Rev.3`, `A/RES/76/76`).
static SYMBOL_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{1,3}(?:/[A-Za-z0-9.\-]+)+$").unwrap());

/// How many non-blank lines at each edge of a page may hold furniture.
const EDGE: usize = 4;

/// Splits text at form feeds into pages of raw lines (control characters removed,
/// tabs made spaces).
fn split_pages(text: &str) -> Vec<Vec<(usize, String)>> {
    let mut pages = vec![Vec::new()];
    for (line_no, raw) in text.split('\n').enumerate() {
        // Most lines hold no control character (a form feed among them) and no tab:
        // they are kept as they are, without a pass character by character.
        if !has_control_or_tab(raw) {
            if let Some(page) = pages.last_mut() {
                page.push((line_no, raw.trim_end().to_owned()));
            }
            continue;
        }
        let breaks = raw.matches('\u{C}').count();
        for _ in 0..breaks {
            if pages.last().is_some_and(|p: &Vec<_>| !p.is_empty()) {
                pages.push(Vec::new());
            }
        }
        let clean: String = raw
            .chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        if let Some(page) = pages.last_mut() {
            page.push((line_no, clean.trim_end().to_owned()));
        }
    }
    if let [page] = pages.as_slice() {
        let lines: Vec<&str> = page.iter().map(|(_, l)| l.as_str()).collect();
        let breaks = inferred_breaks(&lines);
        if !breaks.is_empty() {
            let page = pages.pop().expect("one page");
            let mut cut = 0;
            for at in breaks {
                pages.push(page[cut..at].to_vec());
                cut = at;
            }
            pages.push(page[cut..].to_vec());
        }
    }
    pages
}

/// Whether `line` holds a control character (U+0000–U+001F, U+007F–U+009F; a tab is
/// one) as `char::is_control` has it.
fn has_control_or_tab(line: &str) -> bool {
    let b = line.as_bytes();
    (0..b.len()).any(|i| {
        b[i] < 0x20 || b[i] == 0x7F || (b[i] == 0xC2 && b.get(i + 1).is_some_and(|&n| n < 0xA0))
    })
}

/// Whether `text` comes in pages: form feeds, or page numbers where they stood
/// (the pages [`read`] would cut).
pub fn paged(text: &str) -> bool {
    text.contains('\u{C}') || split_pages(text).len() > 1
}

/// The fewest non-blank lines a printed page holds between two page numbers.
const MIN_PAGE_LINES: usize = 15;

/// Where the pages of a text that lost its form feeds end (the index of the line
/// that opens the next page): after its page numbers, each on a line of its own
/// before a blank one, as an extractor prints them. A page-of-pages number
/// (`66/106`) is one wherever it stands. Bare numbers (`67`) are taken when they
/// count up one by one a page's worth of lines apart, the longest such run, two at
/// least: numbers of notes or paragraphs on a line of their own stand closer or out
/// of sequence.
fn inferred_breaks(page: &[&str]) -> Vec<usize> {
    let blank = |i: usize| page.get(i).is_none_or(|l| l.trim().is_empty());
    let mut breaks = Vec::new();
    // Bare numbers: (line index, number, non-blank lines before it).
    let mut bare: Vec<(usize, u32, usize)> = Vec::new();
    let mut filled = 0;
    for (i, line) in page.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        filled += 1;
        if !blank(i + 1) {
            continue;
        }
        if is_page_of(t) {
            breaks.push(i + 1);
        } else if is_bare_number(t)
            && let Ok(n) = t.parse()
        {
            bare.push((i, n, filled));
        }
    }
    // chain[k]: the length of the longest run ending at bare number k, and the one
    // before it.
    let mut chain: Vec<(usize, Option<usize>)> = Vec::with_capacity(bare.len());
    for (k, &(_, n, at)) in bare.iter().enumerate() {
        let best = (0..k)
            .filter(|&j| {
                let (_, m, before) = bare[j];
                m.checked_add(1) == Some(n) && at - before >= MIN_PAGE_LINES
            })
            .max_by_key(|&j| chain[j].0);
        chain.push(best.map_or((1, None), |j| (chain[j].0 + 1, Some(j))));
    }
    if let Some(last) = (0..chain.len()).max_by_key(|&k| (chain[k].0, std::cmp::Reverse(k)))
        && chain[last].0 >= 2
    {
        let mut k = Some(last);
        while let Some(at) = k {
            breaks.push(bare[at].0 + 1);
            k = chain[at].1;
        }
    }
    // The next page opens with its running head where the book prints one (a symbol
    // on two pages or more): the job number and the foot's notes that an extractor
    // may put after the page number stay on the page they belong to.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for line in page {
        let t = line.trim();
        if is_symbol_like(t) {
            *seen.entry(t).or_default() += 1;
        }
    }
    for at in &mut breaks {
        let head = (*at..page.len())
            .filter(|&j| !blank(j))
            .take(HEAD_WITHIN)
            .find(|&j| seen.get(page[j].trim()).is_some_and(|&n| n >= 2));
        if let Some(j) = head {
            *at = j;
        }
    }
    breaks.sort_unstable();
    breaks.dedup();
    breaks.retain(|&at| at < page.len());
    breaks
}

/// How many lines after a page number the next page's running head may stand.
const HEAD_WITHIN: usize = 4;

/// The shape of a line for learning furniture: digits as `#`, spaces squashed.
fn shape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for w in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            let c = if c.is_ascii_digit() { '#' } else { c };
            // "#/#", "##/###": page-of-pages numbers of any length are one shape.
            if !(c == '#' && out.ends_with('#')) {
                out.push(c);
            }
        }
    }
    out
}

/// The indices of the non-blank lines at the top and foot of a page.
fn edges(page: &[(usize, String)]) -> Vec<usize> {
    let filled: Vec<usize> = (0..page.len())
        .filter(|&i| !page[i].1.trim().is_empty())
        .collect();
    let mut out: Vec<usize> = filled.iter().take(EDGE).copied().collect();
    out.extend(filled.iter().rev().take(EDGE).copied());
    out.sort_unstable();
    out.dedup();
    out
}

/// Could this line be furniture at all? Prose, labels and numbered paragraphs are not.
fn furniture_shaped(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    if t.is_empty() || words > 6 || super::refs::unit_label(t).is_some() {
        return false;
    }
    let end = t.chars().last().unwrap_or(' ');
    // Sub-paragraph letters (`b)`) stand alone at the top of a page as often as
    // furniture does.
    !(",;:，；：。、.)）".contains(end))
        && !t
            .chars()
            .any(|c| super::text::is_cjk_punct(c) || crate::analysis::is_cjk(c))
}

/// Shapes that recur at the edges of two or more pages.
fn learn_furniture(pages: &[Vec<(usize, String)>]) -> HashSet<String> {
    let mut seen: HashMap<String, HashSet<usize>> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for i in edges(page) {
            let line = &page[i].1;
            if furniture_shaped(line) {
                seen.entry(shape(line)).or_default().insert(p);
            }
        }
    }
    // A head with a number in it (a symbol, a job or page number) is furniture from
    // its second page; words alone must recur on three, since a title can start two
    // pages too.
    seen.into_iter()
        .filter(|(s, pages)| pages.len() >= if s.contains('#') { 2 } else { 3 })
        .map(|(s, _)| s)
        .collect()
}

/// Reads a paged text into classified lines and footnotes.
pub fn read(text: &str) -> Pages {
    read_with(text, true)
}

/// [`read`], learning running heads from repetition only when `learn` is set: a
/// source that has taken its furniture off by position (a PDF) passes `false`, so
/// that a body line that happens to open two pages is not taken for a head.
pub fn read_with(text: &str, learn: bool) -> Pages {
    classify_with(&split_pages(text), learn)
}

/// Classifies pages of lines, whatever source cut them (form feeds in extracted
/// text; a PDF reader's pages): each line is `(line number, text)`.
pub fn classify(raw: &[Vec<(usize, String)>]) -> Pages {
    classify_with(raw, true)
}

fn classify_with(raw: &[Vec<(usize, String)>], learn: bool) -> Pages {
    let learned = if learn {
        learn_furniture(raw)
    } else {
        HashSet::new()
    };
    // Learned heads that an extractor may run into a body line.
    let inline_heads: HashSet<String> = raw
        .iter()
        .flat_map(|p| p.iter())
        .map(|(_, l)| l.trim())
        .filter(|l| is_symbol_like(l) && learned.contains(&shape(l)))
        .map(str::to_owned)
        .collect();
    let mut out = Pages::default();
    for page in raw {
        let edge: HashSet<usize> = edges(page).into_iter().collect();
        let mut lines: Vec<Line> = Vec::with_capacity(page.len());
        for (i, (line_no, text)) in page.iter().enumerate() {
            let t = text.trim();
            let class = if t.is_empty() {
                LineClass::Blank
            } else if is_rule(t) {
                LineClass::Rule
            } else if is_page_of(t) || is_job(t) {
                LineClass::Furniture
            } else if edge.contains(&i) && learned.contains(&shape(t)) && furniture_shaped(t) {
                if is_bare_number(t) {
                    LineClass::PageNumber
                } else {
                    LineClass::Furniture
                }
            } else if is_symbol_like(t)
                && edge.contains(&i)
                && (inline_heads.contains(t)
                    // `A/AC.105/C.2/101.`: a note that is a symbol ends with a full stop.
                    || !t.ends_with('.') && (near_furniture(page, i) || outermost(page, i)))
            {
                // A symbol alone at a page edge beside a job number or page number:
                // a running head seen once in this slice of a book.
                LineClass::Furniture
            } else {
                LineClass::Body
            };
            let mut text = text.clone();
            if class == LineClass::Body {
                for head in &inline_heads {
                    if text.contains(head.as_str()) {
                        text = text.replace(head.as_str(), " ");
                    }
                }
            }
            lines.push(Line {
                line_no: *line_no,
                text,
                class,
            });
        }
        let after_contents = out.pages.last().is_some_and(|p| contents_page(p));
        mark_contents(&mut lines, after_contents);
        out.pages.push(lines);
    }
    read_footnotes(&mut out);
    out
}

/// A page of a table of contents: at least three entries whose leader dots run to
/// their page numbers (one, on the page after a page of contents), one line in five
/// or more of the page's text (an entry wraps over a line or two; the page numbers
/// may stand on lines of their own). Its lines are [`LineClass::Contents`], not text.
fn mark_contents(lines: &mut [Line], after_contents: bool) {
    let body = || {
        lines
            .iter()
            .filter(|l| l.class == LineClass::Body && !is_bare_number(l.text.trim()))
    };
    let leaders = body()
        .filter(|l| ends_contents_entry(l.text.trim()))
        .count();
    let least = if after_contents { 1 } else { 3 };
    if leaders < least || leaders * 5 < body().count() {
        return;
    }
    for l in lines.iter_mut().filter(|l| l.class == LineClass::Body) {
        l.class = LineClass::Contents;
    }
}

fn contents_page(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.class == LineClass::Contents)
}

/// Line `i` is the first or the last non-blank line of its page.
fn outermost(page: &[(usize, String)], i: usize) -> bool {
    let filled = |k: &usize| !page[*k].1.trim().is_empty();
    (0..page.len()).find(filled) == Some(i) || (0..page.len()).rev().find(filled) == Some(i)
}

/// A job number or a page-of number within four lines of line `i`.
fn near_furniture(page: &[(usize, String)], i: usize) -> bool {
    (i.saturating_sub(4)..(i + 5).min(page.len()))
        .filter(|&k| k != i)
        .any(|k| {
            let t = page[k].1.trim();
            is_page_of(t) || is_job(t)
        })
}

/// Marker candidates glued or spaced in the body of a page, by number.
fn cited_numbers(lines: &[Line]) -> HashSet<u32> {
    lines
        .iter()
        .filter(|l| l.class == LineClass::Body)
        .flat_map(|l| {
            let mut found: Vec<u32> = CITED
                .captures_iter(&l.text)
                .filter_map(|c| c[1].parse().ok())
                .collect();
            // `сессии 1 9`, `сессии2 1`: a two-digit marker split by the extractor.
            found.extend(
                CITED_SPLIT
                    .captures_iter(&l.text)
                    .filter_map(|c| format!("{}{}", &c[1], &c[2]).parse::<u32>().ok()),
            );
            found
        })
        .collect()
}

static CITED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{P}]\s?(\d{1,3})(?:\s|$|\p{Han}|[,.;:])").unwrap());
static CITED_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{P}]\s?(\d)\s(\d)(?:\s|$|[,.;:])").unwrap());

/// Finds each page's footnotes: under a rule, or glued at the foot of the page.
fn read_footnotes(out: &mut Pages) {
    let mut last: Option<u32> = None;
    for p in 0..out.pages.len() {
        let mut here = Vec::new();
        let rule = out.pages[p].iter().position(|l| l.class == LineClass::Rule);
        let start = match rule {
            Some(r) => Some(r + 1),
            None => foot_block(&out.pages[p], last),
        };
        if let Some(start) = start {
            let cited = cited_numbers(&out.pages[p][..start]);
            read_block(
                &mut out.pages[p][start..],
                &cited,
                &mut last,
                &mut out.footnotes,
                &mut here,
            );
            if here.is_empty() && rule.is_some() {
                out.warnings.push(format!(
                    "page {}: a footnote rule with no note under it",
                    p + 1
                ));
            }
        }
        out.defined.push(here);
    }
    for note in &mut out.footnotes {
        note.text = super::text::normalise_spaces(&note.text);
    }
}

/// Without a rule: the first line of a run of notes at the foot of the page, each
/// number glued or spaced before its text and cited in the body above.
fn foot_block(page: &[Line], last: Option<u32>) -> Option<usize> {
    let body: Vec<usize> = (0..page.len())
        .filter(|&i| page[i].class == LineClass::Body)
        .collect();
    let mut best = None;
    for (k, &i) in body.iter().enumerate().rev().take(12) {
        let Some(c) = NOTE_START.captures(page[i].text.trim()) else {
            continue;
        };
        let Ok(n) = c[1].parse::<u32>() else { continue };
        let first_char = c[2].chars().next().unwrap_or(' ');
        if !(first_char.is_uppercase() || "“\"«(".contains(first_char)) {
            continue;
        }
        if last.is_some_and(|l| n <= l) {
            continue;
        }
        let cited = cited_numbers(&page[..i]);
        if !cited.contains(&n) || k == 0 {
            continue;
        }
        best = Some(i);
    }
    best
}

/// Reads the notes of one block. A number may stand before its text (`1 联合国`), or
/// on a line of its own, several before or after their texts (`9`, `10`, then both
/// texts; pdftotext sometimes prints a number after its text): bare numbers and
/// texts (runs of lines between blank lines) are then paired in order. A bare
/// number left without a text is a page number.
fn read_block(
    lines: &mut [Line],
    cited: &HashSet<u32>,
    last: &mut Option<u32>,
    notes: &mut Vec<Footnote>,
    here: &mut Vec<u32>,
) {
    let mut numbers: Vec<(usize, u32)> = Vec::new();
    let mut texts: Vec<(Vec<usize>, String)> = Vec::new();
    let mut numbered: Vec<(u32, String)> = Vec::new();
    let mut open_numbered = false;
    let mut after_blank = true;
    // Bare numbers neither cited (as the body prints them) nor next after the last
    // note: a page number, or a note whose marker the body prints in a way not read
    // as a citation (`1999 27,`, `ambiente 30)`).
    let mut unsure: Vec<(usize, u32)> = Vec::new();
    for (k, line) in lines.iter_mut().enumerate() {
        let t = line.text.trim().to_owned();
        match line.class {
            LineClass::Blank => {
                after_blank = true;
                continue;
            }
            LineClass::Body | LineClass::PageNumber => {}
            _ => continue,
        }
        if is_bare_number(&t) {
            let n: u32 = t.parse().unwrap_or(0);
            let plausible = cited.contains(&n) || last.is_some_and(|l| n == l + 1);
            if plausible && !numbers.iter().any(|x| x.1 == n) {
                numbers.push((k, n));
            } else if !plausible {
                unsure.push((k, n));
            }
            line.class = LineClass::PageNumber;
            after_blank = true;
            continue;
        }
        if line.class == LineClass::PageNumber {
            continue;
        }
        line.class = LineClass::Footnote;
        let start = NOTE_START
            .captures(&t)
            .and_then(|c| Some((c[1].parse::<u32>().ok()?, c[2].to_owned())))
            .filter(|(n, _)| {
                cited.contains(n)
                    || last.is_some_and(|l| *n == l + 1)
                    // The next after a note of this block (`29 …` then `30 …`).
                    || numbered.last().is_some_and(|(l, _)| *n == l + 1)
            });
        if let Some((n, text)) = start {
            numbered.push((n, text));
            open_numbered = true;
        } else if open_numbered && !after_blank {
            if let Some(note) = numbered.last_mut() {
                super::text::join_line(&mut note.1, &t);
            }
        } else if after_blank || texts.is_empty() {
            open_numbered = false;
            texts.push((vec![k], t));
        } else {
            // Two notes' texts with no blank between: a sentence ends, and numbers
            // are still waiting for their texts.
            let waiting = numbers.len() > texts.len();
            match texts.last_mut() {
                Some(text) if !(waiting && text.1.trim_end().ends_with(['.', '。'])) => {
                    text.0.push(k);
                    super::text::join_line(&mut text.1, &t);
                }
                _ => texts.push((vec![k], t)),
            }
        }
        after_blank = false;
    }
    // A text still without a number takes an unsure number next to a note's of this
    // block (`27` printed beside note 26), not a page number far from them.
    loop {
        let known: Vec<u32> = numbers
            .iter()
            .map(|x| x.1)
            .chain(numbered.iter().map(|x| x.0))
            .collect();
        let Some(at) = unsure.iter().position(|&(_, n)| {
            !known.contains(&n) && known.iter().any(|&m| n == m + 1 || n + 1 == m)
        }) else {
            break;
        };
        if numbers.len() >= texts.len() {
            break;
        }
        numbers.push(unsure.remove(at));
    }
    let mut bare: Vec<(usize, u32)> = numbers;
    bare.sort_by_key(|x| x.1);
    // More numbers than texts: two notes' texts ran together with no blank between
    // (`…du 14 décembre 1992.` / `Documents officiels…`, their numbers printed after
    // them). Split at sentence ends, first to last, until each number has a text.
    let mut t = 0;
    while bare.len() > texts.len() && t < texts.len() {
        let ks = texts[t].0.clone();
        let cut = (1..ks.len()).find(|&j| {
            let before = lines[ks[j - 1]].text.trim_end();
            let after = lines[ks[j]].text.trim_start();
            before.ends_with(['.', '。'])
                && after.starts_with(|c: char| c.is_uppercase() || c == '(' || c == '《')
        });
        let Some(j) = cut else {
            t += 1;
            continue;
        };
        let join = |ks: &[usize]| {
            let mut s = String::new();
            for &k in ks {
                super::text::join_line(&mut s, lines[k].text.trim());
            }
            s
        };
        let (head, tail) = ks.split_at(j);
        let (head_text, tail_text) = (join(head), join(tail));
        texts[t] = (head.to_vec(), head_text);
        texts.insert(t + 1, (tail.to_vec(), tail_text));
        t += 1;
    }
    for ((k, n), (_, text)) in bare.iter().zip(texts.iter()) {
        lines[*k].class = LineClass::Footnote;
        numbered.push((*n, text.clone()));
    }
    // Texts with no number left: a continuation of the last note.
    for (_, text) in texts.iter().skip(bare.len()) {
        if let Some(note) = numbered.last_mut() {
            super::text::join_line(&mut note.1, text);
        } else if let Some(note) = notes.last_mut() {
            super::text::join_line(&mut note.text, text);
        }
    }
    numbered.sort_by_key(|x| x.0);
    for (n, text) in numbered {
        notes.push(Footnote { number: n, text });
        here.push(n);
        *last = Some(n);
    }
}

/// The body lines of all pages, footnote markers replaced by sentinels, with the
/// footnotes and what the page layer noticed.
pub fn body_lines(pages: &mut Pages) -> Vec<BodyLine> {
    let mut body = Vec::new();
    let mut segments = Vec::new();
    for (p, page) in pages.pages.iter().enumerate() {
        let mut after_break = true;
        let mut after_blank = false;
        for line in page {
            match line.class {
                // A marker the extractor put on a line of its own, after the
                // punctuation it follows: glued back to it.
                LineClass::Body
                    if is_bare_number(line.text.trim())
                        && body.last().is_some_and(|b: &BodyLine| {
                            b.text.ends_with(|c: char| {
                                ",;:.”’)，。；：、）》".contains(c) || crate::analysis::is_cjk(c)
                            })
                        }) =>
                {
                    if let Some(b) = body.last_mut() {
                        b.text.push_str(line.text.trim());
                    }
                }
                LineClass::Body => {
                    body.push(BodyLine {
                        line_no: line.line_no,
                        text: line.text.trim().to_owned(),
                        indented: false,
                        after_blank,
                        after_break,
                    });
                    segments.push(p);
                    after_break = false;
                    after_blank = false;
                }
                LineClass::Blank => after_blank = true,
                _ => {}
            }
        }
    }
    join_word_runs(&mut body, &mut segments);
    // `пространстве 1 1`, `сессии2 1`: a two-digit marker the extractor split, its
    // first digit spaced from the word or glued to it.
    // Both repairs below look for the digits of a note's number: a line without a
    // digit (most lines) has nothing for them.
    // Counted with no branch (a branch a byte, and most lines have no digit to stop
    // the scan early, cost more than the count).
    let has_digit = |t: &str| {
        t.bytes()
            .fold(0u32, |n, b| n + u32::from(b.wrapping_sub(b'0') < 10))
            != 0
    };
    for (line, &p) in body.iter_mut().zip(&segments) {
        if !has_digit(&line.text) {
            continue;
        }
        for n in pages.defined[p].iter().filter(|&&n| (10..100).contains(&n)) {
            let digits = n.to_string();
            let glued = format!("{} {}", &digits[..1], &digits[1..]);
            let split = format!(" {glued}");
            let found = line
                .text
                .find(&split)
                .map(|at| (at, split.len()))
                .or_else(|| line.text.find(&glued).map(|at| (at, glued.len())));
            if let Some((at, len)) = found
                && line.text[..at].ends_with(|c: char| c.is_alphabetic() || ")»”’".contains(c))
                && line.text[at + len..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_digit())
            {
                line.text.replace_range(at..at + len, &format!(" {digits}"));
            }
        }
    }
    // `Naciones Unidas 6, aprobada`, `en 1999 27,`: a spaced marker before
    // punctuation, spaced after too so that the marker reader sees a number standing
    // alone.
    for (line, &p) in body.iter_mut().zip(&segments) {
        if !has_digit(&line.text) {
            continue;
        }
        for n in &pages.defined[p] {
            let spaced = format!(" {n}");
            let mut from = 0;
            while let Some(at) = line.text[from..].find(&spaced).map(|k| k + from) {
                let end = at + spaced.len();
                from = end;
                let before_letter = line.text[..at]
                    .ends_with(|c: char| c.is_alphabetic() || ")»”’".contains(c))
                    || layout::ends_with_year(&line.text[..at]);
                let punct_after = line.text[end..].starts_with([',', '.', ';', ':', ')']);
                if before_letter && punct_after {
                    line.text.insert(end, ' ');
                    break;
                }
            }
        }
    }
    layout::place_markers(&mut body, &segments, &pages.defined, &mut pages.warnings);
    let notes: Vec<u32> = pages.footnotes.iter().map(|n| n.number).collect();
    let mut stray = 0;
    for line in &mut body {
        stray += spaced_markers(&mut line.text, &notes);
        stray += strip_stray_markers(&mut line.text);
    }
    if stray > 0 {
        pages.warnings.push(format!(
            "{stray} markers of notes printed elsewhere in the book taken out of the text"
        ));
    }
    // The texts are lent to the rejoining and given back, not copied.
    let mut texts: Vec<String> = body
        .iter_mut()
        .map(|l| std::mem::take(&mut l.text))
        .collect();
    let rejoined = super::text::rejoin_split_words(&mut texts);
    for (line, text) in body.iter_mut().zip(texts) {
        line.text = text;
    }
    if rejoined > 0 {
        pages
            .warnings
            .push(format!("{rejoined} words split by a stray space rejoined"));
    }
    body
}

/// A justified line the extractor cut into one word per line (`Considérant`,
/// `internationaux,`, `l’expérience`, …) is one line again, its punctuation at its
/// end, where the word order it lost puts it back.
fn join_word_runs(body: &mut Vec<BodyLine>, segments: &mut Vec<usize>) {
    const RUN: usize = 4;
    let one_word = |l: &BodyLine| {
        let t = l.text.as_str();
        !t.contains(char::is_whitespace)
            && t.chars().count() < 25
            && t.chars().any(char::is_alphabetic)
            && !t
                .chars()
                .any(|c| c.is_ascii_digit() || crate::analysis::is_cjk(c) || c >= '\u{3000}')
            && !t.ends_with(['.', ')', ':'])
    };
    let mut k = 0;
    while k < body.len() {
        let run = body[k..].iter().take_while(|l| one_word(l)).count();
        if run < RUN {
            k += 1;
            continue;
        }
        let words: Vec<String> = body[k..k + run].iter().map(|l| l.text.clone()).collect();
        let mut punct = None;
        let mut clean: Vec<String> = Vec::new();
        for (n, w) in words.iter().enumerate() {
            match w.strip_suffix([',', ';']) {
                Some(stem) if n + 1 < words.len() && punct.is_none() => {
                    punct = w.chars().last();
                    clean.push(stem.to_owned());
                }
                _ => clean.push(w.clone()),
            }
        }
        let mut text = clean.join(" ");
        if let Some(p) = punct {
            text.push(p);
        }
        body[k].text = text;
        body.drain(k + 1..k + run);
        segments.drain(k + 1..k + run);
        k += 1;
    }
}

/// A number spaced after a word and before punctuation (`объектами 3, от`).
static SPACED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{L}+)[ \u{a0}]([1-9][0-9]?)[ \u{a0}]?[,;:.](?:\s|$)").unwrap()
});

/// A marker spaced from the word it follows and left in the text, its note printed
/// on another page: judged by the document's own footnotes. A note the document
/// prints elsewhere is cited again (the number becomes its marker); a number below
/// the first note the document prints is a note of an earlier part of the book (the
/// book numbers its notes through), taken out like [`strip_stray_markers`] takes out
/// glued ones. A word that numbers (`статьи 3,`, `paragraph 4,`) keeps its number,
/// and so does a short word (`and 3,`). Returns how many were taken out.
fn spaced_markers(text: &mut String, notes: &[u32]) -> usize {
    let Some(&first) = notes.iter().min() else {
        return 0;
    };
    // The regex needs a digit 1 to 9; most lines hold none, and a look for one costs
    // far less than the regex's scan.
    if !text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        return 0;
    }
    let mut found: Vec<(std::ops::Range<usize>, u32)> = Vec::new();
    for c in SPACED.captures_iter(text) {
        let (word, number) = (&c[1], &c[2]);
        let lower = word.chars().last().is_some_and(char::is_lowercase);
        if word.chars().count() < 4 || !lower || super::vocabulary::numbers_follow(word) {
            continue;
        }
        let Ok(n) = number.parse::<u32>() else {
            continue;
        };
        if n < first || notes.contains(&n) {
            let m = c.get(2).unwrap_or_else(|| unreachable!());
            found.push((c.get(1).map_or(m.start(), |w| w.end())..m.end(), n));
        }
    }
    for (range, n) in found.iter().rev() {
        let keep = if notes.contains(n) {
            super::text::marker(*n)
        } else {
            String::new()
        };
        text.replace_range(range.clone(), &keep);
    }
    found.len()
}

/// Whether `text` is a rule of underscores, as [`RULE`] has it.
///
/// Asked of every line: a match starts with an underscore, so a text that does not
/// is answered without running the regex.
fn is_rule(text: &str) -> bool {
    text.starts_with('_') && RULE.is_match(text)
}

/// Whether `text` is a page-of number (`66/106`), as [`PAGE_OF`] has it.
///
/// Asked of every line: a match starts with a decimal digit (an ASCII one, or a
/// character from U+0080 on: its first byte is from 0x80 on) and holds a slash, so a
/// text without both is answered without running the regex.
fn is_page_of(text: &str) -> bool {
    text.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_digit() || b >= 0x80)
        && text.contains('/')
        && PAGE_OF.is_match(text)
}

/// Whether `text` is a job number, as [`JOB`] has it.
///
/// Asked of every line: a match starts with `V` or a decimal digit (an ASCII one, or a
/// character from U+0080 on) and holds a hyphen, so a text without both is answered
/// without running the regex.
fn is_job(text: &str) -> bool {
    text.as_bytes()
        .first()
        .is_some_and(|&b| b == b'V' || b.is_ascii_digit() || b >= 0x80)
        && text.contains('-')
        && JOB.is_match(text)
}

/// Whether `text` is shaped like a document symbol, as [`SYMBOL_LIKE`] has it.
///
/// Asked of every line: a match starts with one to three ASCII capitals and then a
/// slash, so a slash is among its second to fourth bytes; a text without one there is
/// answered without running the regex.
fn is_symbol_like(text: &str) -> bool {
    let b = text.as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b[1..b.len().min(4)].contains(&b'/')
        && SYMBOL_LIKE.is_match(text)
}

/// Whether `text` ends a contents entry, as [`LEADERS`] has it.
///
/// A match holds four full stops or three ellipses (each has the byte A6, E2 80 A6 in
/// UTF-8): a text with fewer of both, counted in one pass with no branch, is answered
/// without running the regex, which has to look at the whole line.
fn ends_contents_entry(text: &str) -> bool {
    let (dots, a6) = text.bytes().fold((0u32, 0u32), |(d, e), b| {
        (d + u32::from(b == b'.'), e + u32::from(b == 0xA6))
    });
    (dots >= 4 || a6 >= 3) && LEADERS.is_match(text)
}

/// Whether `text` is one to four decimal digits, as [`BARE_NUMBER`] has it.
///
/// Asked of every body line: a text longer than sixteen bytes (four characters of at
/// most four bytes each) cannot match, and is answered without running the regex.
fn is_bare_number(text: &str) -> bool {
    text.len() <= 16 && BARE_NUMBER.is_match(text)
}

/// Whether `text` may hold a decimal digit of any script (what `\d` matches), so that
/// a regex that needs one is run only on the lines that may hold one: an ASCII digit,
/// or a character outside the blocks that UN texts are written in (Latin, Cyrillic,
/// general and CJK punctuation, CJK ideographs), none of which holds a digit.
///
/// Told from the bytes in one pass, without decoding a character: a byte from 0xD4 on
/// is the first byte of a character from U+0500 on (every later byte of a character
/// is below it), and only its next byte or two say whether the character falls in one
/// of the blocks (U+2000–U+206F is E2 80 xx or E2 81 80–AF; U+3000–U+303F is E3 80 xx;
/// U+4E00–U+9FFF is E4 B8–BF xx or E5–E9 xx xx).
fn may_hold_digit(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
        match b[i] {
            b'0'..=b'9' => true,
            ..0xD4 => false,
            0xE2 => !(next(1) == 0x80 || (next(1) == 0x81 && next(2) <= 0xAF)),
            0xE3 => next(1) != 0x80,
            0xE4 => next(1) < 0xB8,
            0xE5..=0xE9 => false,
            _ => true,
        }
    })
}

static STRAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Ll}{3}|\p{Ll}[,;:”’»)]|\p{Ll}\.|[\p{Han}》）”」][，。；：、）》”]?|^[，。；：、）》”,;:)])(\d{1,3})(\s|$)").unwrap()
});

/// Takes out a marker glued to a word (`Objects3`, `тела1`, `Space,4`) whose note is
/// not printed on the page: the book numbers its notes through all its instruments,
/// so a note cited again is printed only once, pages or chapters away. Returns how
/// many were taken out.
fn strip_stray_markers(text: &mut String) -> usize {
    if !may_hold_digit(text) {
        return 0;
    }
    let mut count = 0;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in STRAY.captures_iter(text) {
        let (Some(word), Some(digits)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if digits.as_str().starts_with('0') {
            continue;
        }
        out.push_str(&text[last..word.end()]);
        last = digits.end();
        count += 1;
    }
    out.push_str(&text[last..]);
    *text = out;
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_checks_answer_as_their_regexes() {
        // Lines drawn from the characters the regexes look for, with some of their
        // matches among them, by a fixed linear congruential sequence.
        let alphabet: Vec<char> = "0129٣०V.-/_ ()EAZRSa\t…….:xivc٣Ж中’".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut lines: Vec<String> = [
            "66/106",
            "٣/٣",
            "1 / 2",
            "_____",
            "____",
            "21-18622",
            "V.24-22756",
            "21-18622 (E)",
            "٣٣-٣٣٣٣٣",
            "A/RES/76/76",
            "ST/SPACE/61/Rev.3",
            "ABCD/1",
            "Foreword. . . . iii",
            "Objects. . . . . 14",
            "Titre………12",
            "……",
            "12",
            "٣",
        ]
        .map(String::from)
        .into();
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 60) as usize + 1;
            lines.push(
                (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect(),
            );
        }
        for t in &lines {
            assert_eq!(is_rule(t), RULE.is_match(t), "{t:?}");
            assert_eq!(is_page_of(t), PAGE_OF.is_match(t), "{t:?}");
            assert_eq!(is_job(t), JOB.is_match(t), "{t:?}");
            assert_eq!(is_symbol_like(t), SYMBOL_LIKE.is_match(t), "{t:?}");
            assert_eq!(ends_contents_entry(t), LEADERS.is_match(t), "{t:?}");
            assert_eq!(is_bare_number(t), BARE_NUMBER.is_match(t), "{t:?}");
        }
    }

    #[test]
    fn may_hold_digit_reads_the_bytes_as_the_blocks_have_it() {
        let in_blocks = |c: char| matches!(c, '\0'..='\u{4FF}' | '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}');
        for c in ('\0'..='\u{FFFF}').chain(['\u{10000}', '\u{1D7CE}', '\u{10FFFF}']) {
            let text = format!("ab{c}");
            let expected = c.is_ascii_digit() || !in_blocks(c);
            assert_eq!(may_hold_digit(&text), expected, "{:X}", u32::from(c));
        }
    }

    #[test]
    fn learns_heads_and_reads_notes_numbered_on_their_own_line() {
        let text = "ST/SPACE/61/Rev.3\nTitle 1\nFirst line of body\nmore body.\n\n__________________\n1\n\n8/106\n\nNations Unies, Recueil des Traités, vol. 610.\n\nV.24-22756\n\u{C}ST/SPACE/61/Rev.3\n\nNext page text\nthat ends.\n\n9/106\n";
        let mut pages = read(text);
        assert_eq!(pages.footnotes.len(), 1, "{pages:?}");
        assert_eq!(pages.footnotes[0].number, 1);
        assert!(pages.footnotes[0].text.starts_with("Nations Unies"));
        let body = body_lines(&mut pages);
        let texts: Vec<&str> = body.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("ST/SPACE")));
    }

    #[test]
    fn reads_notes_glued_at_the_foot_of_a_page_without_a_rule() {
        let text = "C. Principles of Outer Space9\nThe General Assembly,\nHaving considered its session10 and more,\n9Adopted by the General Assembly.\n10Official Records of the General Assembly (A/41/20\nand Corr.1).\n\n49\n\u{C}Next page\n\n50\n";
        let mut pages = read(text);
        let numbers: Vec<u32> = pages.footnotes.iter().map(|f| f.number).collect();
        assert_eq!(numbers, vec![9, 10], "{pages:?}");
        assert!(pages.footnotes[1].text.ends_with("and Corr.1)."));
        let body = body_lines(&mut pages);
        assert!(body.iter().all(|l| !l.text.contains("Adopted")));
    }

    #[test]
    fn reads_notes_whose_texts_ran_together_and_whose_numbers_follow_them() {
        // Notes 11 and 12 with no blank between, note 13's number before its text,
        // 11 and 12 printed after all three; a symbol with a full stop is a note.
        let text = "Principes 11\nL’Assemblée générale,\nAyant examiné les travaux 12, et son rapport 13,\nPrenant note du rapport 14,\n__________________\n\nAdoptés par l’Assemblée générale en 1992.\nDocuments officiels, Supplément nº 20\n(A/47/20).\n13\nIbid., annexe.\n14\nA/AC.105/C.2/101.\n11\n12\n\n46/106\n\nV.24-22756\n";
        let pages = read(text);
        let notes: Vec<(u32, &str)> = pages
            .footnotes
            .iter()
            .map(|f| (f.number, f.text.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                (11, "Adoptés par l’Assemblée générale en 1992."),
                (12, "Documents officiels, Supplément nº 20 (A/47/20)."),
                (13, "Ibid., annexe."),
                (14, "A/AC.105/C.2/101."),
            ],
            "{pages:?}"
        );
    }

    #[test]
    fn a_note_cited_after_a_year_or_before_a_bracket_is_read_and_placed() {
        // `27` is printed before note 26 and cited after a year, which the
        // citation scan does not take for a marker: it is next to note 26.
        let text = "Directives 26\nLe Comité a publié son rapport en 1999 27, puis d’autres.\n__________________\n\nApprouvées par le Comité.\n27\nPublication des Nations Unies.\n26\n\n70/106\n";
        let mut pages = read(text);
        let numbers: Vec<u32> = pages.footnotes.iter().map(|f| f.number).collect();
        assert_eq!(numbers, [26, 27], "{pages:?}");
        let body = body_lines(&mut pages);
        let all: String = body.iter().map(|l| l.text.as_str()).collect();
        let marker = |n: u32| format!("{}{n}", super::super::text::MARK_OPEN);
        assert!(all.contains(&format!("1999 {}", marker(27))), "{all}");
        let zh = "框架28\n安全（即保护人与环境30）应当侧重于应用。\n__________________\n28 已获核可。\n29 此处所用一词。\n30 此处所用另一词。\n\n62/85\n";
        let mut pages = read(zh);
        let numbers: Vec<u32> = pages.footnotes.iter().map(|f| f.number).collect();
        assert_eq!(numbers, [28, 29, 30], "{pages:?}");
        let body = body_lines(&mut pages);
        assert!(
            body[1].text.contains(&format!("环境{}", marker(30))),
            "{body:?}"
        );
    }
}
