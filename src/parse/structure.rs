//! The structure reader for instruments: treaties (a preamble, then articles),
//! principles and guidelines (labelled units, numbered paragraphs inside them,
//! sections), and the resolutions that adopt them (recitals, operative paragraphs,
//! parts A and B, an annexed text). It turns the body lines of the page layer into
//! units with refs; it knows nothing of pages.
//!
//! One reader covers every instrument layout because they are all built from the
//! same few pieces, recognised line by line:
//! - a chapeau (`The General Assembly,`) opens a resolution; a lone `A`/`B` before
//!   it names a part; its recitals run until its operative paragraphs;
//! - a unit label ([`refs::unit_label`]: `Article IV`, `第四条`, `Guideline B.8`)
//!   opens a unit, with the short lines after it as its heading;
//! - a section label (`I.`, `一.`, a numbered heading `1. Background`) opens a section;
//! - a number (`1.`, `2．`) that continues the numbering of the container opens a
//!   numbered paragraph (`article:14/para:2`, `guideline:B.8/para:1`);
//! - short unpunctuated lines between closed paragraphs are headings.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::layout::BodyLine;
use super::refs::{self, UnitKind};
use super::text::{join_line, take_markers, visible_end, visible_text};
use crate::document::{DocumentKind, Kind, Paragraph};

/// The chapeau of a resolution, with or without its comma.
static CHAPEAU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:The General Assembly|大会|L[’']Assemblée générale|La Asamblea General|Генеральная Ассамблея)\s*[,，]?$").unwrap()
});
static PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-H])$").unwrap());
static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Annex|Annexe|Anexo|Приложение|附件)(?:[.\s:]+(.*))?$").unwrap()
});
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([IVX]{1,5}|[一二三四五六七八九十]{1,3})\s*[.．]\s*(.*)$").unwrap()
});
/// The Chinese digits of [`SECTION`] and [`ZH_NUMBERED`].
const ZH_DIGITS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/// The characters a [`SECTION`] label starts with.
const SECTION_FIRST: [char; 13] = [
    'I', 'V', 'X', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十',
];
/// `3.`, `3．`, and `3)` as some editions print it.
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9０-９]{1,3})\s*[.．)](\s*)(.*)$").unwrap());
static GROUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-H]\s*[.．](?:\s+(\S.*))?$").unwrap());
static ZH_NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.*)$").unwrap());
/// The handbook's enumeration of its chapters before a title (`A.`, `C.\tPrinciples`).
static ENUMERATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-H]\s*[.．](?:\s+|$)").unwrap());
static SUBPARAGRAPH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（]?(?:[a-z]{1,2}|[ivxl]+|[а-я])[)）]").unwrap());
static LONE_SUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（]?(?:[a-z]{1,2}|[ivxl]+|[а-я])[)）]$").unwrap());
static ELLIPSIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:\.\s*){3}$|^…+$").unwrap());
/// Russian recitals open with a gerund or participle, in lower case
/// (`признавая`, `с удовлетворением отмечая`, `будучи убежденными`).
static RU_RECITAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:с|со|вновь|далее|будучи|глубоко|твердо|особо|торжественно|настоятельно)\s+\p{Ll}*\s*)?\p{Ll}+(?:ая|яя|ясь|вшись|ав|ив|ев|ыв|ные|ые|ие|учи|ись|ает|яет|ует|ит)(?:\s|,|$)").unwrap()
});
/// Gerunds that are prepositions in practice ("включая Луну"): not recital openers.
const RU_NOT_OPENERS: [&str; 6] = ["включая", "начиная", "исходя", "касаясь", "будет", "может"];

/// Words that open a Chinese recital or unnumbered operative paragraph: a line that
/// begins with one after a line ending in punctuation at the margin opens a new one.
const ZH_OPENERS: [&str; 39] = [
    "现郑重",
    "郑重",
    "覆按",
    "复按",
    "念及",
    "表示",
    "察悉",
    "深知",
    "申明",
    "鉴于",
    "确认",
    "深信",
    "希望",
    "回顾",
    "考虑到",
    "确信",
    "相信",
    "认识到",
    "意识到",
    "注意到",
    "重申",
    "欢迎",
    "强调",
    "认为",
    "承认",
    "铭记",
    "忆及",
    "满意地",
    "关切地",
    "赞赏地",
    "决心",
    "审议了",
    "还回顾",
    "又回顾",
    "进一步",
    "通过",
    "庄严宣告",
    "宣布",
    "兹",
];

/// What the reader found.
#[derive(Debug, Default)]
pub struct Read {
    pub title: Option<String>,
    /// Footnotes cited in the title (the instrument's source note).
    pub title_notes: Vec<u32>,
    pub kind: DocumentKind,
    pub paragraphs: Vec<Paragraph>,
    pub warnings: Vec<String>,
}

/// One unit being assembled (a draft, until it becomes a [`Paragraph`]).
#[derive(Debug)]
struct Draft {
    r#ref: String,
    kind: Kind,
    number: u32,
    heading: Option<String>,
    /// The unit's label as printed (`Article IV`), for citations.
    label: Option<String>,
    text: String,
}

/// Where the reader stands.
#[derive(Debug, Default)]
struct State {
    /// `part:A` of a resolution printed in parts.
    part: Option<String>,
    /// Inside a resolution's body (after its chapeau).
    resolution: bool,
    /// The resolution's operative paragraphs have begun.
    operative: bool,
    recitals: u32,
    next_operative: u32,
    /// The container numbered paragraphs go under (`article:14`, `section:I`, `annex`).
    container: Option<String>,
    next_para: u32,
    /// The printed label of the labelled unit numbered paragraphs go under.
    container_label: Option<String>,
    /// Top-level numbered sections (`1. Background`).
    next_section: u32,
    unlabelled_sections: u32,
    pending_heading: Vec<String>,
}

/// Reads the body lines of an instrument. `None` when no structure is found (no
/// chapeau, no labelled unit): the caller then reads plain paragraphs.
/// `paged`: the text came in pages (a book or PDF extract), so that even without a
/// label it is read as headed sections rather than plain paragraphs.
pub fn read(lines: &[BodyLine], paged: bool) -> Option<Read> {
    let texts: Vec<&str> = lines.iter().map(|l| l.text.trim()).collect();
    // Each line's visible text, made once: the reader looks at most lines several
    // times (as the line, as the line after, as a heading's), and a text with one
    // paragraph per line makes each look cost a whole paragraph.
    let visibles: Vec<Cow<'_, str>> = texts.iter().map(|t| visible_text(t)).collect();
    let has_structure = visibles
        .iter()
        .any(|t| CHAPEAU.is_match(t) || refs::unit_label(t).is_some());
    if !has_structure && !paged {
        return None;
    }
    let widths = line_widths(&texts);
    let width = typical_width(&widths);
    let column = column_width(&widths).map_or(width, |c| c.min(width));
    let (title, start) = title(&texts);
    let mut read = Read::default();
    if let Some(title) = &title {
        let (clean, notes) = take_markers(title);
        read.title = Some(clean);
        read.title_notes = notes;
    }
    let mut units: Vec<Draft> = Vec::new();
    let mut st = State {
        next_operative: 1,
        next_section: 1,
        ..State::default()
    };
    let mut i = start;
    while i < texts.len() {
        let raw = texts[i];
        let t = &*visibles[i];
        i += 1;
        if t.is_empty() || ELLIPSIS.is_match(t) {
            if ELLIPSIS.is_match(t) && st.resolution && !st.operative {
                st.operative = true; // "…" stands for the recitals left out
                st.next_operative = 0;
            }
            continue;
        }
        if CHAPEAU.is_match(t) {
            if st.resolution && st.part.is_none() {
                st.part = Some("A".into());
            }
            st.resolution = true;
            st.operative = false;
            st.recitals = 0;
            st.next_operative = 1;
            st.container = None;
            st.pending_heading.clear();
            continue;
        }
        // Each regex below is tried only on a line that starts as it must (the first
        // thing each matches), a look that costs far less than a regex's captures,
        // since most lines are none of these.
        if t.chars().nth(1).is_none()
            && let Some(c) = PART.captures(&refs::fold_lookalikes(t))
            && visibles.get(i).is_some_and(|n| CHAPEAU.is_match(n))
        {
            st.part = Some(c[1].to_owned());
            continue;
        }
        if ["Annex", "Anexo", "Приложение", "附件"]
            .iter()
            .any(|a| t.starts_with(a))
            && let Some(c) = ANNEX.captures(t)
        {
            if st.resolution && !st.operative {
                close_preamble_as_operative(&mut units, &st);
            }
            st.resolution = false;
            st.container = Some("annex".into());
            st.container_label = None;
            st.next_para = 1;
            st.pending_heading = c
                .get(1)
                .map(|m| m.as_str().to_owned())
                .into_iter()
                .collect();
            // The annexed text's title runs to its first group, label or number.
            let title: Vec<String> = visibles[i..]
                .iter()
                .take(9)
                .map(|l| l.to_string())
                .take_while(|l| {
                    numbered(l).is_none()
                        && !GROUP.is_match(l)
                        && refs::unit_label(l).is_none()
                        && !l.ends_with(['.', '。', ';', '；'])
                })
                .collect();
            let closed = visibles.get(i + title.len()).is_some_and(|n| {
                numbered(n).is_some() || GROUP.is_match(n) || refs::unit_label(n).is_some()
            });
            if title.len() < 9 && closed {
                i += title.len();
                st.pending_heading.extend(title);
            }
            continue;
        }
        if let Some(label) = refs::unit_label(t) {
            if st.resolution && !st.operative {
                close_preamble_as_operative(&mut units, &st);
            } else if !st.resolution {
                take_formulae(&mut units, width);
            }
            st.resolution = false;
            let r = refs::join([(label.kind.name(), label.label.as_str())]);
            let mut heading: Vec<String> = Vec::new();
            if !label.rest.is_empty() {
                heading.push(label.rest.clone());
            }
            i += take_heading(&visibles[i..], label.kind, width, &mut heading);
            st.container = Some(r.clone());
            st.next_para = 1;
            st.pending_heading.clear();
            units.push(Draft {
                r#ref: r,
                kind: Kind::Paragraph,
                number: 0,
                heading: (!heading.is_empty()).then(|| heading.join(" ")),
                label: None,
                text: String::new(),
            });
            st.container_label = Some(label.printed.clone());
            if let Some(u) = units.last_mut() {
                u.label = Some(label.printed.clone());
            }
            continue;
        }
        let in_unit = st.container.as_deref().is_some_and(|c| {
            ["article:", "principle:", "guideline:"]
                .iter()
                .any(|k| c.starts_with(k))
        });
        if !st.resolution
            && !in_unit
            && t.starts_with(SECTION_FIRST)
            && let Some(c) = SECTION.captures(t)
            && let Some(n) = refs::number_value(&c[1])
        {
            st.container = Some(format!("section:{}", refs::to_roman(n)));
            st.container_label = None;
            st.next_para = 1;
            let mut heading: Vec<String> = Vec::new();
            if !c[2].trim().is_empty() {
                heading.push(c[2].trim().to_owned());
            }
            i += take_heading(&visibles[i..], UnitKind::Guideline, width, &mut heading);
            st.pending_heading = heading;
            continue;
        }
        // `A. Policy and regulatory framework`: a group heading over labelled units.
        if !st.resolution
            && t.starts_with(|c: char| ('A'..='H').contains(&c))
            && let Some(c) = GROUP.captures(t)
        {
            st.pending_heading.clear();
            if let Some(h) = c
                .get(1)
                .map(|m| m.as_str().trim())
                .filter(|h| !h.is_empty())
            {
                st.pending_heading.push(h.to_owned());
            }
            continue;
        }
        if let Some((n, rest)) = numbered(raw) {
            // A declaration's numbered paragraphs after "…the following principles:".
            if st.resolution && n == 1 && !st.operative && ends_with_colon(units.last()) {
                close_preamble_as_operative(&mut units, &st);
                st.operative = true;
                st.resolution = false;
                st.container = units.last().map(|u| u.r#ref.clone());
                st.container_label = None;
                st.next_para = 1;
            }
            // A resolution's own operative paragraphs.
            if st.resolution && (n == st.next_operative || (st.next_operative == 0 && st.operative))
            {
                st.operative = true;
                st.next_operative = n + 1;
                let r = prefixed(&st, &format!("operative:{n}"));
                units.push(Draft {
                    r#ref: r,
                    kind: Kind::Operative,
                    number: n,
                    heading: None,
                    label: None,
                    text: rest,
                });
                continue;
            }
            // A text adopted by the resolution and printed after it, numbered anew.
            if st.resolution && n == 1 && (!st.pending_heading.is_empty() || st.next_operative > 2)
            {
                st.resolution = false;
                st.container = Some("annex".into());
                st.next_para = 1;
            }
            if !st.resolution && n == st.next_para && st.container.is_some() {
                st.next_para += 1;
                let container = st.container.clone().unwrap_or_default();
                let heading = take_pending(&mut st);
                // A unit whose text has not begun yet gives way to its paragraphs.
                let heading = match units.last_mut() {
                    Some(u) if u.r#ref == container && u.text.is_empty() => {
                        let h = u.heading.take();
                        units.pop();
                        heading.or(h)
                    }
                    _ => heading,
                };
                units.push(Draft {
                    r#ref: format!("{container}/para:{n}"),
                    kind: Kind::Paragraph,
                    number: n,
                    heading,
                    label: st.container_label.clone(),
                    text: rest,
                });
                continue;
            }
            // A numbered section heading at the top level (`1.` then `Background`).
            if !st.resolution
                && n == st.next_section
                && is_heading_text(&rest, width, &visibles[i..])
            {
                st.next_section += 1;
                let mut heading = vec![];
                if !rest.is_empty() {
                    heading.push(rest);
                }
                i += take_heading(&visibles[i..], UnitKind::Guideline, width, &mut heading);
                st.container = Some(format!("section:{n}"));
                st.next_para = 1;
                units.push(Draft {
                    r#ref: format!("section:{n}"),
                    kind: Kind::Paragraph,
                    number: n,
                    heading: (!heading.is_empty()).then(|| heading.join(" ")),
                    label: None,
                    text: String::new(),
                });
                continue;
            }
        }
        // A heading that wraps: "C. International cooperation, capacity-building" /
        // "and awareness".
        if !st.pending_heading.is_empty()
            && t.starts_with(|c: char| c.is_lowercase())
            && display_width(t) * 2 < width
            && units.last().is_none_or(|u| closes(&u.text))
        {
            if let Some(h) = st.pending_heading.last_mut() {
                join_line(h, t);
            }
            continue;
        }
        let sub = SUBPARAGRAPH.is_match(&super::text::nfkc_prefix(t, 6));
        // `a)` on a line of its own, its text on the next.
        let (joined, joined_visible);
        let (raw, t) = if sub && LONE_SUB.is_match(t) && i < texts.len() {
            i += 1;
            joined = format!("{t} {}", texts[i - 1]);
            joined_visible = visible(&joined);
            (joined.as_str(), joined_visible.as_str())
        } else {
            (raw, t)
        };
        let closed = units
            .last()
            .is_none_or(|u| closes(&u.text) && !(u.text.is_empty() && u.label.is_some()))
            || units.last().is_some_and(|u| !u.text.is_empty())
                && after_fragment(lines, &texts, i - 1, column);
        // A heading is followed by a paragraph, not by the short end of a sentence
        // (short against the printed column, which lines run together do not widen).
        let next_opens = visibles.get(i).is_some_and(|n| {
            let short_end =
                n.ends_with(['.', ';', '。', '；']) && display_width(n) * 10 < column * 6;
            // `ЯИЭ — это…`, `ЯИЭ, независимо…`: an acronym carries the sentence on, it
            // does not open one.
            // (Looked at last, on the word as it stands: most lines are settled before.)
            let acronym = || {
                let first = n
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(|c: char| !c.is_alphanumeric());
                first.chars().nth(1).is_some()
                    && first.chars().all(|c| c.is_uppercase() && c.is_alphabetic())
            };
            !n.starts_with(|c: char| c.is_lowercase()) && !short_end && !acronym()
        });
        // A short unpunctuated line after a closed paragraph, before a new sentence: a heading.
        if closed
            && next_opens
            && !sub
            && (is_heading_line(t, width)
                // Among unnumbered sections already found by their shorter headings.
                || st.container.is_none()
                    && st.unlabelled_sections > 0
                    && is_long_heading_line(t, visibles.get(i).map(|v| &**v), column))
            && (!st.resolution || st.operative)
        {
            st.pending_heading.push(t.to_owned());
            continue;
        }
        // Text after headings outside any numbered container: an unnumbered section.
        if !st.pending_heading.is_empty() && !st.resolution {
            st.unlabelled_sections += 1;
            let r = match &st.container {
                Some(c) if c.starts_with("section:") || c == "annex" => {
                    format!("{c}/part:{}", st.unlabelled_sections)
                }
                _ => format!("section:{}", st.unlabelled_sections),
            };
            let heading = take_pending(&mut st);
            units.push(Draft {
                r#ref: r,
                kind: Kind::Paragraph,
                number: st.unlabelled_sections,
                heading,
                label: None,
                text: raw.to_owned(),
            });
            continue;
        }
        let current_is_recital = units.last().is_some_and(|u| u.kind == Kind::Preamble);
        let in_preamble = (st.resolution && !st.operative)
            || (units.is_empty() || current_is_recital) && st.container.is_none();
        if in_preamble {
            let new = match units.last() {
                Some(u) if u.kind == Kind::Preamble && same_part(u, &st) => {
                    // The line before this one (`i` has moved past it).
                    let prev = i.checked_sub(2).and_then(|k| texts.get(k));
                    prev.is_some_and(|prev| starts_recital(prev, t, width))
                }
                _ => true,
            };
            if new {
                st.recitals += 1;
                let r = prefixed(&st, &format!("preamble:{}", st.recitals));
                units.push(Draft {
                    r#ref: r,
                    kind: Kind::Preamble,
                    number: st.recitals,
                    heading: None,
                    label: None,
                    text: raw.to_owned(),
                });
                continue;
            }
        }
        match units.last_mut() {
            Some(u) if sub && !u.text.is_empty() => {
                u.text.push('\n');
                u.text.push_str(raw);
            }
            Some(u) => join_line(&mut u.text, raw),
            None => {
                read.warnings.push(format!(
                    "line {}: text before any unit: {t}",
                    lines[i - 1].line_no + 1
                ));
            }
        }
    }
    if st.resolution && !st.operative {
        close_preamble_as_operative(&mut units, &st);
    }
    read.kind = document_kind(&units, read.title.as_deref());
    read.paragraphs = finish(units, &mut read.warnings);
    Some(read)
}

fn take_pending(st: &mut State) -> Option<String> {
    let h = std::mem::take(&mut st.pending_heading);
    (!h.is_empty()).then(|| h.join(" "))
}

fn prefixed(st: &State, r: &str) -> String {
    match &st.part {
        Some(p) => format!("part:{p}/{r}"),
        None => r.to_owned(),
    }
}

fn same_part(u: &Draft, st: &State) -> bool {
    match &st.part {
        Some(p) => u.r#ref.starts_with(&format!("part:{p}/")),
        None => !u.r#ref.starts_with("part:"),
    }
}

/// A resolution without numbered operative paragraphs ("Adopts the principles set
/// forth in the annex."): its last paragraph, ending with a full stop or a colon, is
/// its operative paragraph.
fn close_preamble_as_operative(units: &mut [Draft], st: &State) {
    let Some(last) = units.last_mut() else { return };
    if last.kind != Kind::Preamble || !same_part(last, st) {
        return;
    }
    if visible_end(&last.text).is_some_and(|c| ".:。：".contains(c)) {
        last.kind = Kind::Operative;
        last.number = 1;
        last.r#ref = prefixed(st, "operative:1");
    }
}

/// A treaty's preamble, read up to its first article: its opening formula naming
/// the parties (`The States Parties to this Treaty,`, `本条约缔约国，`) and its
/// closing formula (`Have agreed on the following:`, `兹议定条款如下：`) are units of
/// their own, `chapeau` and `formula`, not recitals; the recitals between them are
/// numbered from 1. Told by shape: the opening is one line ending with a comma, before
/// a recital, that does not open as a recital does; the closing is one line ending
/// with a colon, right before the first article.
fn take_formulae(units: &mut [Draft], width: usize) {
    let preamble = !units.is_empty()
        && units
            .iter()
            .all(|u| u.kind == Kind::Preamble && !u.r#ref.starts_with("part:"));
    if !preamble {
        return;
    }
    let one_line = |u: &Draft| display_width(&visible(&u.text)) * 10 < width * 9;
    let ends = |u: &Draft, marks: &str| visible_end(&u.text).is_some_and(|c| marks.contains(c));
    let n = units.len();
    if n >= 2 && one_line(&units[0]) && ends(&units[0], ",，") && !opens_recital(&units[0].text) {
        formula(&mut units[0], refs::FORMULAE[0]);
    }
    if n >= 2 && one_line(&units[n - 1]) && ends(&units[n - 1], ":：") {
        formula(&mut units[n - 1], refs::FORMULAE[1]);
    }
    let mut recital = 0;
    for u in units.iter_mut().filter(|u| u.kind == Kind::Preamble) {
        recital += 1;
        u.number = recital;
        u.r#ref = format!("preamble:{recital}");
    }
}

fn formula(u: &mut Draft, r: &str) {
    u.kind = Kind::Paragraph;
    u.number = 0;
    r.clone_into(&mut u.r#ref);
}

/// Does a line open as a recital does: a Russian participle or gerund in lower case,
/// a Chinese opening word, a Latin participle?
fn opens_recital(text: &str) -> bool {
    let line = visible(text);
    line.starts_with(char::is_lowercase)
        || ZH_OPENERS.iter().any(|o| line.starts_with(o))
        || super::vocabulary::RECITAL_OPENER.is_match(&line)
}

fn ends_with_colon(unit: Option<&Draft>) -> bool {
    unit.is_some_and(|u| visible_end(&u.text).is_some_and(|c| ":：".contains(c)))
}

/// A paragraph that ends a sentence: what follows it may be a heading.
fn closes(text: &str) -> bool {
    text.is_empty() || visible_end(text).is_some_and(|c| ".;。；!?".contains(c))
}

/// The text of a line with marker sentinels left out.
pub(super) fn visible(text: &str) -> String {
    take_markers(text).0
}

/// `3. Text` → (3, "Text"); full-width digits too, and the Chinese `三、`.
fn numbered(raw: &str) -> Option<(u32, String)> {
    // Both regexes start with a digit: a line that does not is not tried.
    if !raw.starts_with(|c: char| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || ZH_DIGITS.contains(&c)
    }) {
        return None;
    }
    if let Some(c) = ZH_NUMBERED.captures(raw) {
        return Some((refs::number_value(&c[1])?, c[2].to_owned()));
    }
    let c = NUMBERED.captures(raw)?;
    let n: String = c[1].nfkc().collect();
    let rest = c[3].to_owned();
    if c[2].is_empty() && rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None; // "2.5 per cent"
    }
    Some((n.parse().ok()?, rest))
}

/// The widths of the lines that are not empty, in characters (Chinese characters
/// count double), shortest first: what [`typical_width`] and [`column_width`] read.
fn line_widths(texts: &[impl AsRef<str>]) -> Vec<usize> {
    let mut widths: Vec<usize> = texts
        .iter()
        .map(|t| display_width(t.as_ref()))
        .filter(|&w| w > 0)
        .collect();
    widths.sort_unstable();
    widths
}

/// The width of a full line: the 90th percentile of line lengths (`widths` from
/// [`line_widths`]).
fn typical_width(widths: &[usize]) -> usize {
    widths.get(widths.len() * 9 / 10).copied().unwrap_or(80)
}

/// The width of the printed column, in characters (Chinese characters count
/// double): the widest line of the densest band of line lengths (a band 15 % wide),
/// where the lines of justified text crowd. Unlike [`typical_width`] it is not
/// widened by an extractor that runs two or three printed lines into one, as some
/// Russian pages come. `None` when no band holds enough lines to tell.
fn column_width(widths: &[usize]) -> Option<usize> {
    let mut best = (0, 0);
    let mut lo = 0;
    for (hi, &w) in widths.iter().enumerate() {
        while widths[lo] * 100 < w * 85 {
            lo += 1;
        }
        if hi + 1 - lo >= best.0 {
            best = (hi + 1 - lo, w);
        }
    }
    (best.0 >= 20).then_some(best.1)
}

/// A heading as long as a line of text (`Justification des applications de sources
/// d’énergie nucléaire dans l’espace`): shaped like a heading, the line after it
/// would have lent it its first word had the line not been broken on purpose, and
/// it ends on a word that can end a phrase: neither a short word that leads into the
/// next (`con`, `by`, `des`) nor a capitalised one that a name may carry on
/// (`del Espacio` / `Ultraterrestre`).
fn is_long_heading_line(t: &str, next: Option<&str>, column: usize) -> bool {
    let Some(next) = next else { return false };
    let Some(word) = next.split_whitespace().next() else {
        return false;
    };
    let last: Vec<char> = t.split_whitespace().last().unwrap_or("").chars().collect();
    let ends_phrase = last.len() > 3 && last.iter().all(|c| c.is_lowercase() || !c.is_alphabetic());
    // A clause (`Historically, the primary sources…`) is no heading; a heading is
    // followed by a sentence that opens with a capital, not by a dash or a list.
    ends_phrase
        && !t.contains([',', '，'])
        && word.starts_with(|c: char| c.is_uppercase())
        && is_heading_line(t, usize::MAX / 10)
        && display_width(t) + 1 + display_width(word) <= column
}

/// Lines standing alone between blank lines after a closed paragraph are a fragment
/// the extractor moved out of its sentence (a sub-paragraph's words printed beside
/// its letter): the line after them may open a heading though the fragment does not
/// close. `k` is the index of the line in question.
fn after_fragment(lines: &[BodyLine], texts: &[&str], k: usize, column: usize) -> bool {
    k >= 2
        && lines[k].after_blank
        && lines[k - 1].after_blank
        && display_width(texts[k - 1]) * 2 > column
        && visible_end(texts[k - 2]).is_some_and(|c| ".;。；".contains(c))
}

/// The width of a line's visible text, in columns (Chinese characters count double).
///
/// Counted on the line as it stands, without building its visible text: marker
/// sentinels count nothing, a run of white space one column, none at either end. (The
/// visible text also drops a space between two Chinese characters or before a comma,
/// one column that no comparison against a column's width turns on.)
fn display_width(t: &str) -> usize {
    let t = t.trim();
    // A line of ASCII and of two-byte characters from U+00C0 on (no first byte 0xC2,
    // none from 0xE0: no marker, no soft hyphen, no Chinese, no white space but
    // ASCII's), as most Latin and Cyrillic lines are, is one column a character but
    // for the white space, and one column a run of white space: each run ends before
    // a character, the line being trimmed. Counted in one pass over the bytes without
    // a branch, which the compiler turns into vector code; a line with any other
    // character is counted again below, with the punctuation of French and Russian
    // lines, or else character by character. (The counts are
    // `u32`s, of which vector code adds twice as many at once as of `usize`s, over
    // chunks short enough for them.)
    let space = |b: u8| (b == b' ') | (b'\t'..=b'\r').contains(&b);
    let (mut width, mut other, mut after_space) = (0, false, false);
    for chunk in t.as_bytes().chunks(1 << 16) {
        let (mut shown, mut runs) = (0u32, 0u32);
        for &b in chunk {
            other |= (b == 0xC2) | (b >= 0xE0);
            let is_space = space(b);
            // A byte 0x80–0xBF goes on a character begun before it.
            shown += u32::from(!is_space & (b & 0xC0 != 0x80));
            runs += u32::from(after_space & !is_space);
            after_space = is_space;
        }
        width += (shown + runs) as usize;
    }
    if !other {
        return width;
    }
    display_width_punct(t).unwrap_or_else(|| display_width_by_char(t))
}

/// [`display_width`] of a trimmed line of ASCII, of two-byte characters from U+00C0
/// on, of the Latin-1 signs U+00A1–U+00BF but the soft hyphen and the middle dot (C2
/// A1–BF), and of the general punctuation U+2010–U+2027 (E2 80 90–A7: dashes, quotes,
/// the ellipsis), as most French and Russian lines are (no marker, no Chinese, no
/// white space but ASCII's); `None` for any other line.
///
/// Such a line is one column a character but for the white space, and one column a
/// run of white space; the quotes ‘ ’ “ ”, the ellipsis and the em dash count a column
/// more, being wide punctuation. Counted in one pass over the bytes without a branch,
/// each byte told with the two before it (a character's later bytes say which it is).
fn display_width_punct(t: &str) -> Option<usize> {
    let space = |b: u8| (b == b' ') | (b'\t'..=b'\r').contains(&b);
    let (mut width, mut other, mut after_space) = (0, false, false);
    let (mut p1, mut p2) = (0u8, 0u8);
    for chunk in t.as_bytes().chunks(1 << 16) {
        let (mut shown, mut runs) = (0u32, 0u32);
        for &b in chunk {
            let latin1_sign = (0xA1..=0xBF).contains(&b) & (b != 0xAD) & (b != 0xB7);
            other |= (p1 == 0xC2) & !latin1_sign;
            let general = (p2 == 0xE2) & (p1 == 0x80);
            other |= (p2 >= 0xE0) & !(general & (0x90..=0xA7).contains(&b));
            let wide = general & matches!(b, 0x94 | 0x98 | 0x99 | 0x9C | 0x9D | 0xA6);
            let is_space = space(b);
            // A byte 0x80–0xBF goes on a character begun before it.
            shown += u32::from(!is_space & (b & 0xC0 != 0x80)) + u32::from(wide);
            runs += u32::from(after_space & !is_space);
            after_space = is_space;
            (p2, p1) = (p1, b);
        }
        width += (shown + runs) as usize;
    }
    (!other).then_some(width)
}

/// [`display_width`] of a trimmed line, character by character.
fn display_width_by_char(t: &str) -> usize {
    use super::text::{MARK_CLOSE, MARK_OPEN};
    let (mut width, mut in_marker, mut space, mut soft) = (0, false, false, false);
    let mut at = 0;
    while let Some(&b) = t.as_bytes().get(at) {
        // An ASCII character outside a marker is one column or white space, and so is
        // a two-byte character from U+00C0 on (accented Latin, Greek, Cyrillic: one
        // column): told from its first byte, without decoding a character (this is
        // asked of every line, often several times).
        if (b.is_ascii() || (0xC3..=0xDF).contains(&b)) && !in_marker {
            if matches!(b, b'\t'..=b'\r' | b' ') {
                space = !soft;
            } else {
                width += usize::from(space) + 1;
                (space, soft) = (false, false);
            }
            at += if b.is_ascii() { 1 } else { 2 };
            continue;
        }
        // A character from U+5000 to U+9FFF (three bytes, the first 0xE5 to 0xE9) is a
        // Chinese character: two columns.
        if (0xE5..=0xE9).contains(&b) && !in_marker {
            width += usize::from(space) + 2;
            (space, soft) = (false, false);
            at += 3;
            continue;
        }
        let Some(c) = t[at..].chars().next() else {
            break;
        };
        at += c.len_utf8();
        match c {
            MARK_OPEN => in_marker = true,
            MARK_CLOSE => in_marker = false,
            _ if in_marker => {}
            // A soft hyphen is invisible, and so is the space an extractor left after it.
            '\u{AD}' => soft = true,
            _ if c.is_whitespace() => space = !soft,
            _ => {
                width += usize::from(space);
                (space, soft) = (false, false);
                width += if crate::analysis::is_cjk(c) || super::text::is_cjk_punct(c) {
                    2
                } else {
                    1
                };
            }
        }
    }
    width
}

/// A line that could be a heading: short, no closing punctuation, not a continuation.
fn is_heading_line(t: &str, width: usize) -> bool {
    let end = t.chars().last().unwrap_or(' ');
    let letters: Vec<char> = t
        .chars()
        .filter(|&c| super::text::is_letter_not_cjk(c))
        .collect();
    let first_word: Vec<char> = t.split_whitespace().next().unwrap_or("").chars().collect();
    // "End-of-service: the period…", "寿终阶段：…": a glossary entry, not a heading.
    let inner_colon = t.trim_end_matches([':', '：']).contains([':', '：']) || t.contains(" — ");
    if inner_colon
        || (letters.len() > 3 && letters.iter().all(|c| c.is_uppercase()))
        || (first_word.len() > 2 && first_word.iter().all(|c| c.is_uppercase()))
    {
        return false; // "IN WITNESS WHEREOF": the closing formula, not a heading
    }
    display_width(t) * 10 < width * 7
        && !",;:.，；：。、)）".contains(end)
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || crate::analysis::is_cjk(c) || c == '“' || c == '(')
}

/// The text after a number is a heading (`1.` `Background`), not a paragraph.
/// `next`: the visible text of the lines after it.
fn is_heading_text(rest: &str, width: usize, next: &[Cow<'_, str>]) -> bool {
    let candidate = if rest.is_empty() {
        next.first().map(|l| l.to_string()).unwrap_or_default()
    } else {
        rest.to_owned()
    };
    let following = if rest.is_empty() {
        next.get(1)
    } else {
        next.first()
    };
    let end = candidate.chars().last().unwrap_or(' ');
    !candidate.is_empty()
        && display_width(&candidate) * 10 < width * 8
        && !",;:.，；：。、".contains(end)
        && candidate.starts_with(|c: char| c.is_uppercase() || crate::analysis::is_cjk(c))
        && following.is_none_or(|f| !f.starts_with(|c: char| c.is_lowercase()))
}

/// Takes the heading lines after a label into `heading`; returns how many lines were
/// taken. A guideline's title runs to its first numbered paragraph (at most four
/// lines, none ending a sentence); an article's or a principle's is a short line.
/// The heading may also run on in lower case over lines as long as the text's (a
/// guideline's title that wraps); it is always followed by a line that does not
/// carry on its sentence (`державы, могли…` after a Russian title that took the
/// text's first lines), which is why one line more than a title may hold is read.
/// `next`: the visible text of the lines after the label.
fn take_heading(
    next: &[Cow<'_, str>],
    kind: UnitKind,
    width: usize,
    heading: &mut Vec<String>,
) -> usize {
    const MOST: usize = 5;
    let lines = &next[..next.len().min(MOST + 1)];
    // No numbered paragraph follows a guideline's title: only short lines are the title.
    if kind == UnitKind::Guideline
        && let Some(k) = lines.iter().position(|l| {
            numbered(l).is_some() || refs::unit_label(l).is_some() || GROUP.is_match(l)
        })
    {
        let candidates = &lines[..k];
        let ok = candidates
            .iter()
            .all(|l| !l.ends_with(['.', '。', ';', '；', ':', '：']))
            && candidates.len() <= 4;
        if ok {
            heading.extend(candidates.iter().map(|l| l.to_string()));
            return k;
        }
    }
    let mut taken = 0;
    let short = |l: &str| match kind {
        UnitKind::Guideline => is_heading_line(l, width),
        // An article's or a principle's title is a few words ("Definitions").
        _ => is_heading_line(l, width) && display_width(l) * 2 < width && display_width(l) <= 48,
    };
    for l in lines.iter().take(MOST) {
        // A heading may wrap onto a line that starts in lower case.
        let continues = (taken > 0 || !heading.is_empty())
            && l.starts_with(|c: char| c.is_lowercase())
            && (kind == UnitKind::Guideline || display_width(l) * 10 < width * 8)
            && !l.ends_with(['.', '。', ';', '；', ':', '：', ',', '，']);
        if short(l) || continues {
            heading.push(l.to_string());
            taken += 1;
        } else {
            break;
        }
    }
    // A heading is followed by text; a short first line followed by more words of the
    // same sentence is the text itself.
    while taken > 0
        && lines
            .get(taken)
            .is_some_and(|n| n.starts_with(|c: char| c.is_lowercase()))
    {
        heading.pop();
        taken -= 1;
    }
    taken
}

/// Does `line` open a new recital after `prev`? Recitals end with a comma (or a
/// semicolon, colon or full stop) and open with a capital in Latin script, with a
/// gerund or participle in Russian; Chinese lines run to the margin, so one that
/// stops short at punctuation ends its recital. `line` is the line's visible text.
fn starts_recital(prev: &str, line: &str, width: usize) -> bool {
    let Some(end) = visible_end(prev) else {
        return false;
    };
    if !",;:.，；：。".contains(end) {
        return false;
    }
    let first = line.chars().next().unwrap_or(' ');
    if crate::analysis::is_cjk(first) || super::text::is_cjk_punct(first) {
        return display_width(prev) * 100 < width * 93
            || ZH_OPENERS.iter().any(|o| line.starts_with(o));
    }
    if first.is_uppercase() {
        return true;
    }
    let word = line.split_whitespace().next().unwrap_or("");
    let word = word.trim_end_matches(',');
    // Nouns in -ние, -тие (`расширение`) end like participles but open no recital.
    let noun = ["ние", "тие", "вие"].iter().any(|e| word.ends_with(e));
    RU_RECITAL.is_match(line) && !RU_NOT_OPENERS.contains(&word) && !noun
}

/// The title: the lines before the content, the handbook's enumerator left out. It
/// ends at the line carrying its source note, else before the chapeau, else at the
/// first line that ends with punctuation.
fn title(texts: &[&str]) -> (Option<String>, usize) {
    let limit = texts.len().min(8);
    let starts_content = |t: &str| {
        let v = visible(t);
        CHAPEAU.is_match(&v)
            || refs::unit_label(&v).is_some()
            || SECTION.is_match(&v)
            || numbered(&v).is_some()
    };
    let mut end = None;
    for (k, t) in texts[..limit].iter().enumerate() {
        if k > 0 && starts_content(t) {
            end = Some(k);
            break;
        }
        if t.contains(super::text::MARK_OPEN) {
            end = Some(k + 1);
            break;
        }
        if PART.is_match(&refs::fold_lookalikes(&visible(t)))
            && texts
                .get(k + 1)
                .is_some_and(|n| CHAPEAU.is_match(&visible(n)))
        {
            end = Some(k);
            break;
        }
    }
    // No note and no chapeau: the lines before the first that ends with punctuation
    // (a text with one paragraph per line starts with its title on a line of its own).
    let end = end.unwrap_or_else(|| {
        texts[..limit]
            .iter()
            .position(|t| visible_end(t).is_some_and(|c| ",;:.，；：。".contains(c)))
            .filter(|&k| k <= 4)
            .unwrap_or(0)
    });
    let mut title = String::new();
    for (k, t) in texts[..end].iter().enumerate() {
        let t = if k == 0 && ENUMERATOR.is_match(&refs::fold_lookalikes(t)) {
            // `C.` or a Cyrillic `С.`: the book's enumeration, not the title.
            let folded = refs::fold_lookalikes(t);
            let cut = ENUMERATOR.find(&folded).map_or(0, |m| m.end());
            t.chars().skip(folded[..cut].chars().count()).collect()
        } else {
            t.to_string()
        };
        join_line(&mut title, &t);
    }
    ((!title.trim().is_empty()).then_some(title), end)
}

fn document_kind(units: &[Draft], title: Option<&str>) -> DocumentKind {
    let has = |k: &str| {
        units
            .iter()
            .any(|u| u.r#ref.split('/').any(|s| s.starts_with(k)))
    };
    let title = title.unwrap_or("").to_lowercase();
    let named = |words: &[&str]| words.iter().any(|w| title.contains(w));
    if named(&[
        "declaration",
        "déclaration",
        "declaración",
        "декларация",
        "宣言",
    ]) {
        DocumentKind::Declaration
    } else if has("article:") {
        DocumentKind::Treaty
    } else if has("principle:")
        || named(&["principles", "principes", "principios", "принципы", "原则"])
            && !named(&["руководящие"])
    {
        DocumentKind::Principles
    } else if has("guideline:")
        || has("section:")
        || named(&[
            "guidelines",
            "lignes directrices",
            "directrices",
            "руководящие",
            "准则",
            "framework",
            "cadre",
            "marco",
            "рамки",
            "框架",
        ])
    {
        DocumentKind::Guidelines
    } else {
        DocumentKind::Resolution
    }
}

/// Units → paragraphs: markers lifted out, empty units dropped, refs made unique.
fn finish(units: Vec<Draft>, warnings: &mut Vec<String>) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut plain = 0;
    for u in units {
        let (text, footnotes) = take_markers(&u.text);
        if text.is_empty() && u.heading.is_none() {
            continue;
        }
        if out.iter().any(|p| p.r#ref == u.r#ref) {
            warnings.push(format!(
                "{}: the same ref twice; the second is read as a plain paragraph",
                u.r#ref
            ));
        }
        let number = match u.kind {
            // A treaty's formulae stand outside the numbering.
            Kind::Paragraph if refs::FORMULAE.contains(&u.r#ref.as_str()) => 0,
            Kind::Paragraph => {
                plain += 1;
                plain
            }
            _ => u.number,
        };
        out.push(Paragraph {
            kind: u.kind,
            number,
            text,
            footnotes,
            r#ref: u.r#ref,
            heading: u.heading.map(|h| take_markers(&h).0),
            label: u.label,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_width_counts_plain_lines_as_it_counts_by_character() {
        for line in [
            "Considérant  que\tla Convention ,",
            "Официальные   отчеты Генеральной Ассамблеи",
            "a",
            "x \u{b} y",
            "Œuvre × ÷ Ω ß",
            "\u{1}ctrl\u{1f} chars",
            "l’Assemblée « générale » — “texte” ‘a’ … – § 3 ° · ¿sí? ¡no! \u{AD} x\u{A0}y",
            "Официальные «отчеты» ‐ ‑ ‒ ― ‖ ‗ ‚ ‛ „ ‟ † ‡ • ‣ ․ ‥ ‧ ‰ ′ ″ €",
            "a\u{2028}b\u{2029}c\u{202F}d\u{200B}e\u{2009}f\u{E000}1\u{E001} 中文，。",
        ] {
            assert_eq!(display_width(line), display_width_by_char(line), "{line}");
        }
        assert_eq!(display_width("  deux   mots  "), 9);
        // Every character from U+0080 to U+30FF (and a Chinese one, a marker) beside
        // plain text and spaces.
        for c in ('\u{80}'..='\u{30FF}').chain(['中', '\u{E000}', '\u{1F600}']) {
            for line in [
                format!("{c}"),
                format!("ab {c} cd"),
                format!("x{c}y  {c}{c}\t“z”"),
            ] {
                assert_eq!(
                    display_width(&line),
                    display_width_by_char(&line),
                    "{line:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_heading_is_broken_on_purpose_and_ends_a_phrase() {
        let heading = "Justification des applications de sources d’énergie nucléaire dans l’espace";
        let next = Some;
        assert!(is_long_heading_line(
            heading,
            next("La procédure gouvernementale"),
            86
        ));
        // The next word would not have fitted: a full line of text.
        assert!(!is_long_heading_line(heading, next("Conformément"), 80));
        // A clause, a line that leads into the next, a name carried on, a dash.
        for (line, following) in [
            (
                "Historically, the primary sources of space debris have been",
                "Accidental",
            ),
            (
                "These Principles shall be reopened for revision by",
                "The Committee",
            ),
            (
                "Recomienda a la Comisión sobre la Utilización del Espacio",
                "Ultraterrestre",
            ),
            (
                "The independent safety evaluation should consider the application",
                "– including",
            ),
        ] {
            assert!(!is_long_heading_line(line, next(following), 90), "{line}");
        }
    }

    #[test]
    fn the_column_is_not_widened_by_lines_run_together() {
        let mut texts: Vec<String> = (0..40).map(|i| "x".repeat(70 + i % 6)).collect();
        texts.extend((0..12).map(|_| "y".repeat(210)));
        texts.extend((0..10).map(|_| "z".repeat(20)));
        let widths = line_widths(&texts);
        assert_eq!(column_width(&widths), Some(75));
        assert!(typical_width(&widths) > 200);
    }
}
