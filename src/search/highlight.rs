//! Where a hit's text matched: the byte ranges of every occurrence of the query's
//! terms (as typed, without diacritics, or by stem), and the same in characters.

use crate::analysis::{self, units};
use crate::query::Term;

use super::Lexicon;

/// Byte ranges of every occurrence of the terms in `text`: the whole matched run of
/// units, from its first byte to its last, merged where they overlap.
pub fn highlights(
    text: &str,
    terms: &[&Term],
    language: &str,
    lexicon: &Lexicon,
) -> Vec<(usize, usize)> {
    let text_units = units(text);
    // A text word as a query word without diacritics sees it (`État` for `etat`).
    let plain: Vec<Option<String>> = text_units
        .iter()
        .map(|u| analysis::strip_diacritics(&u.norm))
        .collect();
    // Stems of the text's words, computed once and only when some term matches by stem.
    let stems_wanted = terms.iter().any(|t| !t.has_cjk() && !t.exact);
    let text_stems: Vec<(String, Option<String>)> = if stems_wanted {
        text_units
            .iter()
            .zip(&plain)
            .map(|(u, p)| {
                let stemmed = stem(language, &u.norm);
                (stemmed, p.as_deref().map(|p| stem(language, p)))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut ranges = Vec::new();
    for term in terms {
        let k = term.units.len();
        let stemmed = !term.has_cjk()
            && !term.exact
            && !term.prefix
            && lexicon.languages_of_all(&term.units).contains(&language);
        let term_stems: Vec<String> = if stemmed {
            term.units.iter().map(|u| stem(language, &u.norm)).collect()
        } else {
            Vec::new()
        };
        let first = term.units.first().map_or(0, |u| u.pos);
        for i in 0..text_units.len().saturating_sub(k - 1) {
            let window = &text_units[i..i + k];
            let same = window.iter().enumerate().all(|(j, a)| {
                let t = &term.units[j];
                let in_row = a.pos - window[0].pos == t.pos - first;
                let unaccented = analysis::strip_diacritics(&t.norm).is_none();
                // The last word of a `debri*` term: any word it begins, as written.
                let begun = term.prefix && j + 1 == k && a.norm.starts_with(t.norm.as_str());
                let as_typed = a.norm == t.norm
                    || begun
                    || (unaccented && plain[i + j].as_deref() == Some(t.norm.as_str()));
                let by_stem = !term_stems.is_empty()
                    && !a.cjk
                    && (text_stems[i + j].0 == term_stems[j]
                        || (unaccented
                            && text_stems[i + j].1.as_deref() == Some(term_stems[j].as_str())));
                in_row && (as_typed || by_stem)
            });
            if same {
                ranges.push((window[0].start, window[k - 1].end));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// How many stems a thread keeps for [`stem`] before it starts again.
const STEMS_KEPT: usize = 20_000;

thread_local! {
    /// Stems of the words of hits shown on this thread, by language and word: the
    /// hits of one search share most of their words, and a paragraph repeats its own.
    static STEMS: std::cell::RefCell<Vec<(String, rustc_hash::FxHashMap<String, String>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`analysis::stem`], remembered.
fn stem(language: &str, word: &str) -> String {
    STEMS.with(|kept| {
        let mut kept = kept.borrow_mut();
        let at = match kept.iter().position(|(l, _)| l == language) {
            Some(at) => at,
            None => {
                kept.push((language.to_owned(), Default::default()));
                kept.len() - 1
            }
        };
        let stems = &mut kept[at].1;
        if let Some(found) = stems.get(word) {
            return found.clone();
        }
        let stemmed = analysis::stem(language, word);
        if stems.len() >= STEMS_KEPT {
            stems.clear();
        }
        stems.insert(word.to_owned(), stemmed.clone());
        stemmed
    })
}

/// Byte ranges → character ranges in `text`, in one pass over the text (the ranges
/// are ascending, as [`highlights`] gives them): a paragraph of megabytes with
/// thousands of matches costs one walk, not one walk per match.
pub(super) fn char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut bytes: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    bytes.sort_unstable();
    bytes.dedup();
    let mut chars_at = std::collections::HashMap::with_capacity(bytes.len());
    let (mut byte, mut chars) = (0, 0);
    let mut wanted = bytes.iter().copied().peekable();
    for c in text.chars() {
        while let Some(&b) = wanted.peek() {
            if b > byte {
                break;
            }
            chars_at.insert(b, chars);
            wanted.next();
        }
        byte += c.len_utf8();
        chars += 1;
    }
    for b in wanted {
        chars_at.insert(b, chars);
    }
    ranges
        .iter()
        .map(|&(s, e)| (chars_at[&s], chars_at[&e]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_ranges_count_characters_in_one_pass() {
        let text = "空间碎片 and débris";
        let ranges = [(0, 6), (17, 24)];
        assert_eq!(char_ranges(text, &ranges), [(0, 2), (9, 15)]);
        // Unordered and overlapping ranges give the same as counting each alone.
        let each = |b: usize| text[..b].chars().count();
        let odd = [(13, 20), (0, 12), (3, 6)];
        let expected: Vec<_> = odd.iter().map(|&(s, e)| (each(s), each(e))).collect();
        assert_eq!(char_ranges(text, &odd), expected);
    }
}
