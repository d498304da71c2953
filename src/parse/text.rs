//! Shared text clean-up for extracted UN text: joining wrapped lines the way each
//! script wants, footnote-marker sentinels, and whitespace normalisation.

use crate::analysis::is_cjk;

/// Footnote markers found in a line are replaced by `MARK_OPEN number MARK_CLOSE`
/// (private-use characters that never occur in UN text), so that the paragraph
/// assembler can carry them along and [`take_markers`] can lift them out at the end.
pub const MARK_OPEN: char = '\u{E000}';
pub const MARK_CLOSE: char = '\u{E001}';

/// The first byte of [`MARK_OPEN`] in UTF-8.
const MARK_OPEN_LEAD: u8 = 0xEE;

/// The sentinel that stands for a footnote marker.
pub fn marker(number: u32) -> String {
    format!("{MARK_OPEN}{number}{MARK_CLOSE}")
}

/// Full-width and ideographic punctuation, as used in Chinese text.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

fn is_wide(c: char) -> bool {
    is_cjk(c) || is_cjk_punct(c)
}

/// Appends a wrapped line to the text before it.
///
/// Chinese joins without a space; Latin script joins with one; a word hyphenated at
/// the end of a line rejoins as the hyphenated compound it was (`space-` + `based`);
/// a soft hyphen at the end of a line disappears.
pub fn join_line(acc: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    let trimmed_len = acc.trim_end().len();
    acc.truncate(trimmed_len);
    if acc.is_empty() {
        acc.push_str(line);
        return;
    }
    if acc.ends_with('\u{AD}') {
        acc.pop();
        acc.push_str(line);
        return;
    }
    // A soft hyphen at the start of a line belongs to the word the line above ends
    // with ("station such w" + "\u{AD} eapons").
    if let Some(rest) = line.strip_prefix('\u{AD}') {
        acc.push_str(rest.trim_start());
        return;
    }
    let last = last_visible(acc);
    let first = line.chars().find(|&c| c != MARK_OPEN).unwrap_or(' ');
    let hyphenated = acc.ends_with('-') && {
        let mut rev = acc.chars().rev();
        rev.next();
        rev.next().is_some_and(char::is_alphabetic) && first.is_alphabetic()
    };
    // Curly quotes are shared with Latin text: an opening quote that starts a line
    // after a Latin word, or a closing quote that ends one before it, is not glued
    // ("entitled" + "“Prevention").
    let latin_quote = (matches!(first, '“' | '‘') && !is_wide(last))
        || (matches!(last, '”' | '’') && !is_wide(first));
    let glue = hyphenated
        || (is_wide(last) && is_wide(first))
        || (!latin_quote
            && ((is_cjk_punct(last) && !first.is_whitespace())
                || (is_cjk_punct(first) && !last.is_whitespace())));
    if !glue {
        acc.push(' ');
    }
    acc.push_str(line);
}

/// The last character of `s` that is not inside a marker sentinel.
fn last_visible(s: &str) -> char {
    let mut in_marker = false;
    for c in s.chars().rev() {
        match c {
            MARK_CLOSE => in_marker = true,
            MARK_OPEN => in_marker = false,
            _ if !in_marker => return c,
            _ => {}
        }
    }
    ' '
}

/// The text with marker sentinels and surrounding spaces left out, for tests on how a
/// paragraph ends.
pub fn visible_end(s: &str) -> Option<char> {
    let mut in_marker = false;
    for c in s.chars().rev() {
        match c {
            MARK_CLOSE => in_marker = true,
            MARK_OPEN => in_marker = false,
            _ if in_marker || c.is_whitespace() => {}
            _ => return Some(c),
        }
    }
    None
}

/// Lifts the footnote markers out of assembled text, returning the clean text and
/// the cited footnote numbers in order. Whitespace is normalised: runs of spaces
/// collapse to one, spaces between two Chinese characters disappear, line breaks
/// (between sub-paragraphs) are kept.
pub fn take_markers(text: &str) -> (String, Vec<u32>) {
    // Most texts hold no marker: a text without the sentinel's first byte (a byte that
    // only characters of the private-use area start with) is normalised as it is. The
    // search for that byte is much quicker than one for the whole sentinel, whose last
    // byte is common in Cyrillic and Chinese text.
    if !text.as_bytes().contains(&MARK_OPEN_LEAD) {
        return (normalise_spaces(text), Vec::new());
    }
    let mut numbers = Vec::new();
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(MARK_OPEN) {
        plain.push_str(&rest[..open]);
        let after = &rest[open + MARK_OPEN.len_utf8()..];
        let close = after.find(MARK_CLOSE).unwrap_or(after.len());
        if let Ok(n) = after[..close].parse() {
            numbers.push(n);
        }
        rest = after.get(close + MARK_CLOSE.len_utf8()..).unwrap_or("");
    }
    plain.push_str(rest);
    (normalise_spaces(&plain), numbers)
}

/// Whether a single space before the character that starts with byte `b` is kept
/// whatever came before it ([`normalise_spaces`]): `b` is ASCII that is neither white
/// space nor punctuation a space is dropped before (`,;:.)`), or the first byte of a
/// two-byte character from U+00C0 on (accented Latin, Greek, Cyrillic; no Chinese).
fn kept_after_space(b: u8) -> bool {
    (b < 0x80 && !matches!(b, b'\t'..=b'\r' | b' ' | b',' | b';' | b':' | b'.' | b')'))
        | (0xC3..=0xDF).contains(&b)
}

/// `text` as [`take_markers`] leaves it, borrowed where that is `text` itself: a text
/// with no white space at either end, no marker, no white space but single spaces and
/// no soft hyphen, each space before a character it is kept before (ASCII that is
/// neither white space nor `,;:.)`, or a two-byte character from U+00C0 on), as most
/// lines of Latin and Cyrillic text are. Told in one pass over the bytes without a
/// branch, three at a time (the first two or three bytes of a character say whether
/// it is white space or a soft hyphen): the text is copied only when it changes.
pub fn visible_text(text: &str) -> std::borrow::Cow<'_, str> {
    // Whether the bytes `x y z` at a place in the text may change it.
    fn changes(x: u8, y: u8, z: u8) -> bool {
        // ASCII white space but a space; U+1680 (E1 ..); a marker (EE ..); U+0085,
        // U+00A0 and the soft hyphen U+00AD (C2 85, C2 A0, C2 AD); U+2000–U+200A,
        // U+2028, U+2029, U+202F (E2 80 ..) and U+205F (E2 81 9F); U+3000 (E3 80 80).
        (b'\t'..=b'\r').contains(&x)
            | (x == 0xE1)
            | (x == MARK_OPEN_LEAD)
            | ((x == 0xC2) & matches!(y, 0x85 | 0xA0 | 0xAD))
            | ((x == 0xE2)
                & (((y == 0x80) & matches!(z, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF))
                    | ((y == 0x81) & (z == 0x9F))))
            | ((x == 0xE3) & (y == 0x80) & (z == 0x80))
            | ((x == b' ') & !kept_after_space(y))
    }
    let b = text.as_bytes();
    let n = b.len();
    let mut changed = text.trim().len() != n;
    changed |= b
        .windows(3)
        .fold(false, |changed, w| changed | changes(w[0], w[1], w[2]));
    if n >= 2 {
        changed |= changes(b[n - 2], b[n - 1], 0);
    }
    if n >= 1 {
        changed |= changes(b[n - 1], 0, 0);
    }
    if changed {
        std::borrow::Cow::Owned(take_markers(text).0)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The bytes that may start a white space character or a soft hyphen in UTF-8: ASCII
/// white space as `char::is_whitespace` has it (vertical tab too), and the first bytes
/// of U+0080–U+00BF (no-break space, soft hyphen), U+1000–U+1FFF (ogham space),
/// U+2000–U+2FFF (the typographic spaces) and U+3000–U+3FFF (ideographic space). Any
/// other byte is copied without a look.
static MAY_START_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    table
};

/// Collapses spaces as described in [`take_markers`].
///
/// Runs of characters that are neither white space nor a soft hyphen are copied whole
/// (most of a text is such runs): only the characters that can be dropped are looked
/// at one by one.
pub fn normalise_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim();
        let mut last = '\n';
        // The start of the run of kept characters not yet copied, and the scan's place.
        let (mut run, mut at) = (0, 0);
        while let Some(k) = line.as_bytes()[at..]
            .iter()
            .position(|&b| MAY_START_SPACE[usize::from(b)])
        {
            at += k;
            // A single space before a character that is neither white space, nor
            // punctuation a space is dropped before, nor wide (ASCII, or a two-byte
            // character from U+00C0 on: accented Latin, Greek, Cyrillic) is kept
            // whatever came before it, as part of the run: the usual case in Latin
            // and Cyrillic text.
            if line.as_bytes()[at] == b' '
                && line
                    .as_bytes()
                    .get(at + 1)
                    .is_some_and(|&n| kept_after_space(n))
            {
                at += 1;
                continue;
            }
            let Some(c) = line[at..].chars().next() else {
                break;
            };
            if !c.is_whitespace() && c != '\u{AD}' {
                at += c.len_utf8();
                continue;
            }
            if run < at {
                out.push_str(&line[run..at]);
                last = line[..at].chars().next_back().unwrap_or(last);
            }
            at += c.len_utf8();
            // White space after a space or a soft hyphen is skipped.
            at = line.len() - line[at..].trim_start().len();
            run = at;
            if c == '\u{AD}' {
                // A soft hyphen is invisible: the word goes on after it, whatever
                // spacing the extractor left ("j\u{AD} urisdiction").
                continue;
            }
            let after = line[at..].chars().next().unwrap_or(' ');
            // Spaces between two Chinese characters, and a space left before
            // punctuation where a marker was lifted out ("Space 10 ," → "Space,"),
            // are artefacts of extraction, not text.
            let drop = (is_wide(last) && is_wide(after))
                || (is_cjk_punct(after)
                    && (is_wide(last) || !last.is_alphanumeric() && !matches!(after, '“' | '‘')))
                || (matches!(after, ',' | ';' | ':' | '.' | ')') && last.is_alphanumeric());
            if !drop {
                out.push(' ');
                last = ' ';
            }
        }
        out.push_str(&line[run..]);
    }
    out
}

/// The first `n` characters of `text` in NFKC, as `text.nfkc().take(n)` gives them.
///
/// ASCII and the basic Cyrillic letters are their own NFKC and compose with none of
/// their kind: when the first `n + 1` characters of `text` are such (no mark follows
/// the `n`th to compose with it), the answer is the first `n` as they stand, borrowed.
/// This is asked of every line, to see whether it opens a sub-paragraph.
pub fn nfkc_prefix(text: &str, n: usize) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    let stable = |c: char| c.is_ascii() || ('\u{410}'..='\u{44F}').contains(&c);
    let mut chars = text.char_indices();
    let mut end = text.len();
    for k in 0..=n {
        let Some((at, c)) = chars.next() else {
            break;
        };
        if !stable(c) {
            return std::borrow::Cow::Owned(text.nfkc().take(n).collect());
        }
        if k == n {
            end = at;
        }
    }
    std::borrow::Cow::Borrowed(&text[..end])
}

/// Byte ranges of the words of `text`: runs of letters that are not CJK.
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    // About one word in eight bytes of text: room made once rather than grown.
    let mut out = Vec::with_capacity(text.len() / 8);
    push_word_spans(text, &mut out);
    out
}

/// [`word_spans`], pushed onto `out`.
fn push_word_spans(text: &str, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let at = i;
        // ASCII, the accented Latin letters (U+00C0–U+00FF: C3 xx, × and ÷ not
        // letters) and the Cyrillic letters (U+0400–U+047F: D0 xx and D1 xx) are told
        // from their bytes, without decoding a character.
        let letter = match b {
            b'a'..=b'z' | b'A'..=b'Z' => {
                i += 1;
                true
            }
            ..0x80 => {
                i += 1;
                false
            }
            0xC3 => {
                i += 2;
                !matches!(bytes.get(at + 1), Some(0x97 | 0xB7))
            }
            0xD0 | 0xD1 => {
                i += 2;
                true
            }
            _ => {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                is_letter_not_cjk(c)
            }
        };
        match (letter, start) {
            (true, None) => start = Some(at),
            (false, Some(st)) => {
                out.push((st, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, text.len()));
    }
}

/// A letter that is not CJK, as `c.is_alphabetic() && !is_cjk(c)` has it, with the
/// answer for the accented Latin and the Cyrillic letters and for the typographic
/// punctuation of UN texts known without a look in Unicode's tables (which costs more
/// than the rest of [`word_spans`] on a Russian text).
pub(super) fn is_letter_not_cjk(c: char) -> bool {
    match c {
        '×' | '÷' => false,
        'À'..='ÿ' | '\u{400}'..='\u{45F}' => true,
        '\u{2000}'..='\u{206F}' => false,
        // CJK first: a Chinese character is answered without the table.
        _ => !is_cjk(c) && c.is_alphabetic(),
    }
}

/// Whether `c` is its own lower case, as `c.to_lowercase()` has it, with the answer
/// for the common lower-case letters known without a look in Unicode's tables.
fn is_own_lowercase(c: char) -> bool {
    match c {
        'a'..='z' | 'ß'..='ÿ' | '\u{430}'..='\u{45F}' => true,
        'A'..='Z' => false,
        _ => c.to_lowercase().eq(std::iter::once(c)),
    }
}

/// Rejoins words the extractor split with a stray space (`Официальны е`,
/// `l’u tilisation`, `spatia ux`) when the text itself is the evidence: the joined
/// form occurs as a word elsewhere in the same texts, and neither piece occurs
/// anywhere else (`по этому` stays: `по` is a word). Words are compared in lower case; a piece that starts with a
/// capital starts a new word and is never joined. Returns how many were rejoined.
pub fn rejoin_split_words(texts: &mut [String]) -> usize {
    use rustc_hash::FxHashMap;
    use std::borrow::Cow;
    let cuts: Vec<Vec<usize>> = {
        // The words of all the texts in one list (no list a text): those of text `k`
        // end at `ends[k]`.
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut words = Vec::with_capacity(bytes / 8);
        let mut ends = Vec::with_capacity(texts.len());
        for t in texts.iter() {
            push_word_spans(t, &mut words);
            ends.push(words.len());
        }
        // Each lowercase form gets a number, and each word the number of its form, so
        // that the pieces' counts below are read without lowercasing and hashing the
        // words a second time. A form is looked up borrowed (the word itself, or its
        // lower case made in `buf`) and copied only when it is new.
        let mut form: FxHashMap<Cow<'_, str>, usize> =
            FxHashMap::with_capacity_and_hasher(words.len() / 4, Default::default());
        let mut count: Vec<usize> = Vec::new();
        let mut forms: Vec<usize> = Vec::with_capacity(words.len());
        let mut buf = String::new();
        let mut k = 0;
        for (n, &(a, b)) in words.iter().enumerate() {
            while ends[k] <= n {
                k += 1;
            }
            let word = &texts[k][a..b];
            let lowered = lower_into(word, &mut buf);
            let key = if lowered { buf.as_str() } else { word };
            let f = match form.get(key) {
                Some(&f) => f,
                None => {
                    let key = if lowered {
                        Cow::Owned(buf.clone())
                    } else {
                        Cow::Borrowed(word)
                    };
                    form.insert(key, count.len());
                    count.push(0);
                    count.len() - 1
                }
            };
            count[f] += 1;
            forms.push(f);
        }
        let mut here = |w: &str| {
            let key = if lower_into(w, &mut buf) {
                buf.as_str()
            } else {
                w
            };
            form.get(key).map_or(0, |&f| count[f])
        };
        let mut first = 0;
        texts
            .iter()
            .zip(&ends)
            .map(|(t, &end)| {
                let mut cuts = Vec::new(); // byte offsets of spaces to remove
                for n in first..end.saturating_sub(1).max(first) {
                    // Most words occur more than once: their counts, read first,
                    // settle most pairs.
                    if count[forms[n]] != 1 || count[forms[n + 1]] != 1 {
                        continue;
                    }
                    let ((a0, a1), (b0, b1)) = (words[n], words[n + 1]);
                    if b0 != a1 + 1 || &t[a1..b0] != " " {
                        continue;
                    }
                    let (a, b) = (&t[a0..a1], &t[b0..b1]);
                    // `disposition s’applique`: an elided word before an apostrophe
                    // is a word of its own.
                    let elided = t[b1..].starts_with(['’', '\'']);
                    if b.starts_with(char::is_uppercase) || elided {
                        continue;
                    }
                    if here(&format!("{a}{b}")) >= 1 {
                        cuts.push(a1);
                    }
                }
                first = end;
                cuts
            })
            .collect()
    };
    let mut joined = 0;
    for (t, cuts) in texts.iter_mut().zip(cuts) {
        for at in cuts.iter().rev() {
            t.remove(*at);
        }
        joined += cuts.len();
    }
    joined
}

/// Words are counted by lowercase form: a word that is its own lower case is taken as
/// it is (`false`); any other is lowercased into `buf` (`true`), as `str::to_lowercase`
/// has it. (That is each character's lower case but for a capital sigma, which
/// depends on its place in the word: a word with one is left to `to_lowercase`.)
fn lower_into(word: &str, buf: &mut String) -> bool {
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return false;
        }
        buf.clear();
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return true;
    }
    if word.chars().all(is_own_lowercase) {
        return false;
    }
    buf.clear();
    if word.contains('Σ') {
        buf.push_str(&word.to_lowercase());
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_is_borrowed_only_where_take_markers_keeps_the_text() {
        let mut texts: Vec<String> = [
            "Considérant que la Convention",
            "Официальные отчеты «Генеральной» ассамблеи",
            "l’Assemblée “générale” — 2025…",
            "deux  espaces",
            "avant , virgule",
            " bord",
            "bord ",
            "a\u{a0}b",
            "soft\u{ad}hyphen",
            "会员国 考虑",
            "会员国、考虑。",
            "x\u{2009}y",
            "x\u{205f}y",
            "x\u{3000}y",
            "x\u{1680}y",
            "x\u{85}y",
            "a\tb",
            "",
            "é",
        ]
        .map(str::to_owned)
        .to_vec();
        texts.push(format!("Space{} and", marker(3)));
        for c in [
            '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}',
        ] {
            texts.push(format!("x{c}y"));
        }
        for text in &texts {
            assert_eq!(visible_text(text), take_markers(text).0, "{text:?}");
        }
        for plain in [
            "Considérant que la Convention",
            "Официальные отчеты Генеральной Ассамблеи",
            "l’Assemblée générale («2025»)",
        ] {
            assert!(
                matches!(visible_text(plain), std::borrow::Cow::Borrowed(_)),
                "{plain}"
            );
        }
    }

    #[test]
    fn word_spans_tell_letters_from_bytes_as_from_characters() {
        for c in '\u{80}'..='\u{500}' {
            let text = format!("a{c}b");
            let expected = if is_letter_not_cjk(c) {
                vec![(0, text.len())]
            } else {
                vec![(0, 1), (text.len() - 1, text.len())]
            };
            assert_eq!(word_spans(&text), expected, "{:X}", u32::from(c));
        }
    }

    #[test]
    fn words_are_lowered_as_to_lowercase_lowers_them() {
        let mut buf = String::new();
        for word in [
            "mot",
            "Mot",
            "ÉTAT",
            "état",
            "Генеральной",
            "ΟΔΟΣ",
            "ΣΑΣ",
            "İstanbul",
        ] {
            let lowered = lower_into(word, &mut buf);
            let lower = if lowered { buf.as_str() } else { word };
            assert_eq!(lower, word.to_lowercase(), "{word}");
            assert_eq!(lowered, word != word.to_lowercase(), "{word}");
        }
    }

    fn joined(lines: &[&str]) -> String {
        let mut acc = String::new();
        for l in lines {
            join_line(&mut acc, l);
        }
        acc
    }

    #[test]
    fn joins_lines_by_script() {
        assert_eq!(joined(&["利用天基", "服务和地理"]), "利用天基服务和地理");
        assert_eq!(
            joined(&["第 51/122 号、2004", "年 10 月"]),
            "第 51/122 号、2004 年 10 月"
        );
        assert_eq!(
            joined(&["use of space-", "based services"]),
            "use of space-based services"
        );
        assert_eq!(
            joined(&["facilitating capacity-", "building and"]),
            "facilitating capacity-building and"
        );
        assert_eq!(
            joined(&["of the Inter-", "Agency Space"]),
            "of the Inter-Agency Space"
        );
        assert_eq!(
            joined(&["the international ", "community"]),
            "the international community"
        );
        assert_eq!(joined(&["soft\u{AD}", "hyphen"]), "softhyphen");
        assert_eq!(
            normalise_spaces("under the j\u{AD} urisdiction of"),
            "under the jurisdiction of"
        );
        assert_eq!(joined(&["《条约汇", "编》，第"]), "《条约汇编》，第");
        assert_eq!(
            joined(&["station such w", "\u{AD} eapons"]),
            "station such weapons"
        );
        assert_eq!(
            joined(&["a resolution entitled", "“Prevention of an arms race”"]),
            "a resolution entitled “Prevention of an arms race”"
        );
        assert_eq!(joined(&["题为", "“各国探索”的"]), "题为“各国探索”的");
    }

    #[test]
    fn rejoins_words_split_by_a_stray_space_on_evidence_only() {
        let mut texts = vec![
            "Официальны е отчеты".to_owned(),
            "Официальные отчеты Генеральной Ассамблеи".to_owned(),
            "go in to the room, into the room in time to eat".to_owned(),
        ];
        assert_eq!(rejoin_split_words(&mut texts), 1);
        assert_eq!(texts[0], "Официальные отчеты");
        assert_eq!(texts[2], "go in to the room, into the room in time to eat");
    }

    #[test]
    fn lifts_markers_out() {
        let text = format!(
            "Development,{} and the space {} to 2006{} with",
            marker(2),
            marker(10),
            marker(17)
        );
        let (plain, numbers) = take_markers(&text);
        assert_eq!(plain, "Development, and the space to 2006 with");
        assert_eq!(numbers, vec![2, 10, 17]);
        let (plain, numbers) = take_markers(&format!("会员国{}  考虑", marker(10)));
        assert_eq!(plain, "会员国考虑");
        assert_eq!(numbers, vec![10]);
        let (plain, _) = take_markers(&format!("Committee; {} ", marker(23)));
        assert_eq!(plain, "Committee;");
        assert_eq!(take_markers("2021 年 12 月").0, "2021 年 12 月");
    }
}
