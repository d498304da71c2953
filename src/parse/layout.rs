//! The page layer of text extracted from UN PDFs: which lines are page furniture
//! (running heads, page numbers `2/8`, job numbers, barcodes, `https://undocs.org/…`
//! links), where pages break, which lines form the footnote block at the foot of a
//! page, and where in the body each footnote is cited.
//!
//! It knows two extractors' habits without being told which one made a file:
//! pdftotext-style "double-spaced" text (every printed line followed by a blank line,
//! a page break shown as two non-blank lines in a row, new paragraphs indented) and
//! PyMuPDF-style single-spaced text (paragraphs separated by blank lines, a running
//! head and page number between pages). Form feeds are page breaks in both.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::text::marker;
use super::vocabulary::{MONTH_NAMES, MONTHS};
use crate::document::Footnote;

/// One line of body text, furniture and footnotes taken out.
#[derive(Debug, Clone)]
pub struct BodyLine {
    /// Index of the line in the file (0-based).
    pub line_no: usize,
    /// The line, trimmed, with footnote markers replaced by sentinels.
    pub text: String,
    /// Began with white space (a paragraph indent in double-spaced text).
    pub indented: bool,
    /// A blank line stood before it on the same page.
    pub after_blank: bool,
    /// The first body line after a page break or a footnote block: its indent and
    /// the blank before it say nothing about paragraphs.
    pub after_break: bool,
}

/// The page layer of a file.
#[derive(Debug)]
pub struct Layout {
    pub body: Vec<BodyLine>,
    pub footnotes: Vec<Footnote>,
    pub double_spaced: bool,
    pub warnings: Vec<String>,
}

/// What the caller knows of the document that helps recognise its running heads.
#[derive(Debug, Default)]
pub struct Hints<'a> {
    pub symbol: Option<&'a str>,
    pub title: Option<&'a str>,
}

static PAGE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})\s*/\s*(\d{1,3})$").unwrap());
static JOB_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:V\.)?\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})?$").unwrap());
static BARCODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\*\d{5,}\*$").unwrap());
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^https?://\S+$").unwrap());
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^_{5,}$").unwrap());
static FOOTNOTE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,4})\s+(\S.*)$").unwrap());

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    Text(usize),
    Blank,
    Separator,
    PageBreak,
}

/// Reads the page layer of `lines`.
pub fn read(lines: &[&str], hints: &Hints, double_spaced: bool) -> Layout {
    let blank: Vec<bool> = lines.iter().map(|l| l.trim().is_empty()).collect();
    let mut furniture = vec![false; lines.len()];
    let mut break_before = vec![false; lines.len() + 1];

    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if LINK.is_match(t)
            || BARCODE.is_match(t)
            || JOB_NUMBER.is_match(t)
            || Some(t) == hints.symbol
        {
            furniture[i] = true;
        }
        if line.contains('\u{C}') {
            break_before[i] = true;
        }
    }
    for (start, end) in page_head_blocks(lines, &blank, hints) {
        furniture[start..end].iter_mut().for_each(|f| *f = true);
        break_before[start] = true;
    }
    if double_spaced {
        for i in 1..lines.len() {
            if !blank[i] && !blank[i - 1] {
                break_before[i] = true;
            }
        }
    }

    let mut events = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if break_before[i] {
            events.push(Event::PageBreak);
        }
        if furniture[i] {
            continue;
        }
        let t = line.trim();
        events.push(if t.is_empty() {
            Event::Blank
        } else if SEPARATOR.is_match(t) {
            Event::Separator
        } else {
            Event::Text(i)
        });
    }

    let mut warnings = Vec::new();
    let (mut body, segments, blocks) = split_body_and_notes(lines, &events, double_spaced);
    let (footnotes, defined) = parse_footnote_blocks(lines, &blocks, double_spaced, &mut warnings);
    place_markers(&mut body, &segments, &defined, &mut warnings);
    Layout {
        body,
        footnotes,
        double_spaced,
        warnings,
    }
}

/// pdftotext's habit: (almost) every printed line is followed by a blank line.
pub fn is_double_spaced(lines: &[&str]) -> bool {
    let blank: Vec<bool> = lines.iter().map(|l| l.trim().is_empty()).collect();
    let text_lines = blank.iter().filter(|b| !**b).count();
    let followed = blank.windows(2).filter(|w| !w[0] && w[1]).count();
    text_lines > 0 && followed * 10 >= text_lines * 6
}

/// The running head and page number between two pages of single-spaced text: a
/// page number `n/m`, with the symbol, the short title and the job number around it.
fn page_head_blocks(lines: &[&str], blank: &[bool], hints: &Hints) -> Vec<(usize, usize)> {
    let candidates: Vec<(usize, u32)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let caps = PAGE_NUMBER.captures(l.trim())?;
            let (n, m): (u32, u32) = (caps[1].parse().ok()?, caps[2].parse().ok()?);
            (n >= 1 && n <= m).then_some((i, m))
        })
        .collect();
    let mut totals: HashMap<u32, usize> = HashMap::new();
    for &(_, m) in &candidates {
        *totals.entry(m).or_default() += 1;
    }
    let title = hints.title.map(squash).unwrap_or_default();
    let is_head = |i: usize| {
        let t = lines[i].trim();
        blank[i] || Some(t) == hints.symbol || JOB_NUMBER.is_match(t) || BARCODE.is_match(t)
    };
    let is_title = |i: usize| {
        let t = squash(lines[i]);
        t.chars().count() >= 6 && !title.is_empty() && title.contains(&t)
    };
    let mut blocks = Vec::new();
    for (p, m) in candidates {
        let near_furniture = (p.saturating_sub(4)..(p + 5).min(lines.len()))
            .any(|i| i != p && !blank[i] && is_head(i));
        if totals[&m] < 2 && !near_furniture {
            continue;
        }
        let mut start = p;
        while start > 0 && p - start < 8 && (is_head(start - 1) || is_title(start - 1)) {
            start -= 1;
            if lines[start].is_empty() {
                break; // PyMuPDF's page boundary: nothing above it belongs to this head
            }
        }
        let mut end = p + 1;
        while end < lines.len() && end - p < 6 && is_head(end) {
            end += 1;
        }
        blocks.push((start, end));
    }
    blocks
}

/// Whitespace-collapsed text, for comparing running heads with the title.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A footnote block: its lines, each with "a blank line stood before it".
type Block = Vec<(usize, bool)>;

/// Separates body lines from footnote blocks. `segments[k]` is the index of the
/// footnote block that follows body line `k` on its page.
fn split_body_and_notes(
    lines: &[&str],
    events: &[Event],
    double_spaced: bool,
) -> (Vec<BodyLine>, Vec<usize>, Vec<Block>) {
    let mut body = Vec::new();
    let mut segments = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut in_notes = false;
    let (mut after_blank, mut after_break) = (false, false);
    for &event in events {
        match event {
            Event::PageBreak => {
                in_notes = false;
                after_break = true;
                after_blank = false;
            }
            Event::Blank => after_blank = true,
            Event::Separator => {
                if !in_notes {
                    blocks.push(Vec::new());
                    in_notes = true;
                }
                after_blank = false;
            }
            Event::Text(i) => {
                let line = lines[i];
                let t = line.trim();
                if in_notes {
                    let block = blocks.last_mut().expect("a separator opened the block");
                    // In single-spaced text a footnote's continuation lines follow it
                    // directly; an unnumbered line after a blank is body text whose page
                    // break went unrecognised.
                    let orphan = !double_spaced && after_blank && !FOOTNOTE_START.is_match(t);
                    if !orphan {
                        block.push((i, after_blank));
                        after_blank = false;
                        continue;
                    }
                    in_notes = false;
                    after_break = true;
                }
                body.push(BodyLine {
                    line_no: i,
                    text: t.to_owned(),
                    indented: line.starts_with(char::is_whitespace),
                    after_blank,
                    after_break,
                });
                segments.push(blocks.len());
                after_blank = false;
                after_break = false;
            }
        }
    }
    (body, segments, blocks)
}

/// Footnotes are numbered in sequence; a block may begin with the end of a footnote
/// from the page before.
/// Returns the footnotes and, for each block, the numbers of the footnotes it defines.
fn parse_footnote_blocks(
    lines: &[&str],
    blocks: &[Block],
    double_spaced: bool,
    warnings: &mut Vec<String>,
) -> (Vec<Footnote>, Vec<Vec<u32>>) {
    let mut notes: Vec<Footnote> = Vec::new();
    let mut defined = Vec::with_capacity(blocks.len());
    for block in blocks {
        let mut here = Vec::new();
        for (k, &(i, after_blank)) in block.iter().enumerate() {
            let line = lines[i];
            let t = line.trim();
            let expected = notes.last().map(|n| n.number + 1);
            let at_start = k == 0
                || if double_spaced {
                    line.starts_with(char::is_whitespace)
                } else {
                    after_blank
                };
            let start = FOOTNOTE_START
                .captures(t)
                .filter(|_| at_start)
                .and_then(|c| Some((c[1].parse::<u32>().ok()?, c.get(2)?.as_str())))
                .filter(|&(n, _)| expected.is_none_or(|e| n == e));
            match (start, notes.last_mut()) {
                (Some((number, text)), _) => {
                    here.push(number);
                    notes.push(Footnote {
                        number,
                        text: text.to_owned(),
                    });
                }
                (None, Some(last)) => super::text::join_line(&mut last.text, t),
                (None, None) => warnings.push(format!(
                    "line {}: text under a footnote rule that is not a numbered footnote: {t}",
                    i + 1
                )),
            }
        }
        defined.push(here);
    }
    for note in &mut notes {
        note.text = super::text::normalise_spaces(&note.text);
    }
    (notes, defined)
}

/// How sure we are that a number in the body is a footnote marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    /// Between words with spaces on both sides: `space 10 to`, `阿波罗 11 号`.
    Spaced,
    /// Glued to the end of a year: `in 200617 with`.
    AfterYear,
    /// After punctuation and a space: `Group; 14`.
    AfterPunct,
    /// Glued to the word or punctuation before: `Development,2`, `会员国10`.
    Glued,
}

/// A possible marker: body line, byte range of the digits, number, evidence.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    line: usize,
    start: usize,
    end: usize,
    number: u32,
    evidence: Evidence,
    /// Glued straight to punctuation (`session;5`) or to a word (`Goals2`): the form
    /// of a footnote cited again.
    repeat_shape: bool,
}

/// Counters and units that follow a real number in Chinese text (`21 项准则`,
/// `阿波罗 11 号`): a number before one of them is never a marker.
const COUNTERS: &str = "年月日号段卷条项次届个章节款%";

const ABBREVIATIONS: [&str; 14] = [
    "no", "nos", "rev", "vol", "para", "paras", "add", "corr", "chap", "sect", "art", "p", "pp",
    "sess",
];

/// Whether `rest` (what follows a number) begins with a month's name, in any of the
/// languages dates are printed in, or in Spanish after `de`.
fn month_follows(rest: &str) -> bool {
    let mut words = rest
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.']));
    let mut next = words.next().unwrap_or("");
    if next == "de" {
        next = words.next().unwrap_or("");
    }
    let lower = next.to_lowercase();
    MONTHS.contains(&next)
        || MONTH_NAMES
            .iter()
            .any(|names| names.contains(&lower.as_str()))
}

fn candidates(line_index: usize, text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let end = i;
        let next = text[end..].chars().next();
        // `环境30）`, `》31。`: in Chinese a marker stands before closing punctuation.
        let after_cjk = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| crate::analysis::is_cjk(c) || super::text::is_cjk_punct(c));
        let ends = |c: char| {
            c.is_whitespace()
                || crate::analysis::is_cjk(c)
                || after_cjk && super::text::is_cjk_punct(c)
        };
        if start == 0 || !next.is_none_or(ends) {
            continue;
        }
        if text[end..]
            .trim_start()
            .starts_with(|c| COUNTERS.contains(c))
        {
            continue;
        }
        // `2015, 12 October`, `du 8 décembre`, `de 1 de diciembre`, `от 9 декабря`:
        // a day before its month is a date, not a marker.
        if text[end..].starts_with(char::is_whitespace) && month_follows(&text[end..]) {
            continue;
        }
        let digits = &text[start..end];
        let before = &text[..start];
        let prev = before.chars().next_back().unwrap_or(' ');
        let evidence = if prev.is_whitespace() {
            match before.trim_end().chars().next_back() {
                Some(c) if ",;:.)”’\"》」），；：。".contains(c) => {
                    Some(Evidence::AfterPunct)
                }
                Some(c) if c.is_alphabetic() => Some(Evidence::Spaced),
                // `en 1999 27,`: a spaced marker after a year.
                _ if ends_with_year(before.trim_end()) => Some(Evidence::AfterYear),
                _ => None,
            }
        } else if prev == '.' {
            let word: String = before[..before.len() - 1]
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            // `A.1`, `B.8`: a guideline's number, not a marker after a full stop.
            let reference = word.len() == 1 && word.starts_with(|c: char| c.is_ascii_uppercase());
            // `4.3`: a decimal number, not a marker after a full stop.
            // (`in 2021.9` is a year before a marker.)
            let int_digits = before[..before.len() - 1]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .count();
            let decimal = (1..=2).contains(&int_digits);
            (!reference && !decimal && !ABBREVIATIONS.contains(&word.to_lowercase().as_str()))
                .then_some(Evidence::Glued)
        } else if prev.is_alphabetic() || ",;:)”’\"》」）】，；：。、!?！？".contains(prev)
        {
            Some(Evidence::Glued)
        } else {
            None
        };
        // A note cited again is glued to punctuation (`session;5`) or to the end of
        // a word in lower case (`Goals2`, never `G20`).
        let word_end = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .count()
            >= 3
            && prev.is_lowercase();
        let repeat_shape = ",;:)”’》」），；：。".contains(prev) || word_end;
        if let Some(evidence) = evidence
            && let Ok(number) = digits.parse()
            && !digits.starts_with('0')
        {
            out.push(Candidate {
                line: line_index,
                start,
                end,
                number,
                evidence,
                repeat_shape,
            });
        }
        // `200617`: footnote 17 printed straight after the year 2006.
        if digits.len() > 4
            && (digits.starts_with("19") || digits.starts_with("20"))
            && !digits[4..].starts_with('0')
            && let Ok(number) = digits[4..].parse()
        {
            out.push(Candidate {
                line: line_index,
                start: start + 4,
                end,
                number,
                evidence: Evidence::AfterYear,
                repeat_shape: false,
            });
        }
    }
}

/// Whether a candidate stands apart from what precedes it (`2013 3`), not glued to
/// it (`20152`).
fn text_spaced(body: &[BodyLine], c: &Candidate) -> bool {
    body[c.line].text[..c.start].ends_with(char::is_whitespace)
}

/// `… en 1999`: the text ends with a year (19xx or 20xx) standing as a word.
pub(super) fn ends_with_year(text: &str) -> bool {
    let digits = text.chars().rev().take_while(char::is_ascii_digit).count();
    let head = &text[..text.len() - digits];
    digits == 4
        && (text[head.len()..].starts_with("19") || text[head.len()..].starts_with("20"))
        && head.ends_with(char::is_whitespace)
}

/// Finds, for each footnote, the marker that cites it in the body of its page, and
/// replaces the marker with a sentinel. Footnotes are cited in order, so each search
/// starts after the previous marker; among the numbers that could be the marker, the
/// first one glued to its word or punctuation wins over spaced numbers (`21 项准则`).
pub(super) fn place_markers(
    body: &mut [BodyLine],
    segments: &[usize],
    defined: &[Vec<u32>],
    warnings: &mut Vec<String>,
) {
    let mut all = Vec::new();
    for (k, line) in body.iter().enumerate() {
        candidates(k, &line.text, &mut all);
    }
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut cursor = (0usize, 0usize);
    for (b, numbers) in defined.iter().enumerate() {
        for &number in numbers {
            let on_page = |c: &&Candidate| {
                segments[c.line] == b && c.number == number && (c.line, c.start) >= cursor
            };
            let best = [Evidence::Glued, Evidence::AfterYear, Evidence::Spaced]
                .iter()
                .find_map(|&level| {
                    all.iter().filter(on_page).find(|c| match level {
                        Evidence::Glued => c.evidence >= Evidence::AfterPunct,
                        other => c.evidence == other,
                    })
                });
            match best {
                Some(c) => {
                    cursor = (c.line, c.end);
                    chosen.push(*c);
                }
                None => warnings.push(format!(
                    "footnote {number}: no marker citing it was found on its page"
                )),
            }
        }
    }
    // A footnote cited again later in the text keeps its number and is not printed
    // again: `…sixty-second session,5` then `…session;5` pages later.
    let first: HashMap<u32, (usize, usize)> = chosen
        .iter()
        .map(|c| (c.number, (c.line, c.start)))
        .collect();
    let again: Vec<Candidate> = all
        .iter()
        .filter(|c| {
            c.evidence == Evidence::Glued && c.repeat_shape
                || c.evidence == Evidence::AfterYear && !text_spaced(body, c)
        })
        .filter(|c| {
            first
                .get(&c.number)
                .is_some_and(|&at| at < (c.line, c.start))
        })
        .filter(|c| {
            !chosen
                .iter()
                .any(|k| k.line == c.line && k.start < c.end && c.start < k.end)
        })
        .copied()
        .collect();
    chosen.extend(again);
    chosen.sort_by_key(|c| std::cmp::Reverse((c.line, c.start)));
    for c in chosen {
        body[c.line]
            .text
            .replace_range(c.start..c.end, &marker(c.number));
    }
}
