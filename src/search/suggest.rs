//! "Did you mean": for a query that found nothing, the same query with each word
//! the index does not hold replaced by the indexed word one edit away that most
//! paragraphs hold (Latin and Cyrillic words: a letter deleted, inserted, replaced
//! or two swapped), and each Chinese run whose characters do not stand together
//! anywhere mended by one character after its first (the character that makes its
//! neighbours' pairs ones the index holds). Only a suggestion that finds something
//! is offered, and it is never searched for in the user's place.

use anyhow::Result;
use tantivy::{Searcher, Term as IndexTerm};

use crate::analysis::{Atom, is_cjk};
use crate::index::Fields;
use crate::query::Query;

/// Letters tried in an edit, by script.
const LATIN: &str = "abcdefghijklmnopqrstuvwxyzàâäáãçéèêëíìîïñóòôöõúùûüœæß";
const CYRILLIC: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяі";
/// Words longer than this are not corrected (a pasted passage, a code).
const LONGEST: usize = 30;
/// Chinese characters considered for one position.
const MOST_CANDIDATES: usize = 2000;

/// How many paragraphs hold `value` in the exact field.
fn held(searcher: &Searcher, f: &Fields, value: &str) -> Result<u64> {
    Ok(searcher.doc_freq(&IndexTerm::from_field_text(f.body_exact, value))?)
}

/// Every string one edit away from `word`, in its script's letters.
fn edits(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let alphabet: Vec<char> = if chars.iter().any(|c| ('\u{400}'..='\u{4ff}').contains(c)) {
        CYRILLIC.chars().collect()
    } else {
        LATIN.chars().collect()
    };
    let mut out = Vec::new();
    let join = |v: &[char]| v.iter().collect::<String>();
    for i in 0..chars.len() {
        let mut v = chars.clone();
        v.remove(i);
        out.push(join(&v));
        if i + 1 < chars.len() {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            out.push(join(&v));
        }
        for &c in &alphabet {
            if c != chars[i] {
                let mut v = chars.clone();
                v[i] = c;
                out.push(join(&v));
            }
        }
    }
    for i in 0..=chars.len() {
        for &c in &alphabet {
            let mut v = chars.clone();
            v.insert(i, c);
            out.push(join(&v));
        }
    }
    out.sort();
    out.dedup();
    out.retain(|w| w != word);
    out
}

/// The indexed word one edit from `word` that most paragraphs hold.
fn nearest_word(searcher: &Searcher, f: &Fields, word: &str) -> Result<Option<String>> {
    if word.chars().count() > LONGEST || word.chars().count() < 3 {
        return Ok(None);
    }
    let mut best: Option<(u64, String)> = None;
    for candidate in edits(word) {
        let n = held(searcher, f, &candidate)?;
        if n > 0
            && best
                .as_ref()
                .is_none_or(|(m, w)| n > *m || (n == *m && candidate < *w))
        {
            best = Some((n, candidate));
        }
    }
    Ok(best.map(|(_, w)| w))
}

/// The indexed pairs of characters that begin with `first`.
fn pairs_after(searcher: &Searcher, f: &Fields, first: char) -> Result<Vec<char>> {
    let mut out = Vec::new();
    let prefix = first.to_string();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(f.body_exact)?;
        let mut stream = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !key.starts_with(first) {
                break;
            }
            let mut chars = key.chars();
            chars.next();
            if let (Some(second), None) = (chars.next(), chars.next())
                && is_cjk(second)
                && !out.contains(&second)
            {
                out.push(second);
                if out.len() >= MOST_CANDIDATES {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

/// A run of Chinese characters mended by one character so that every pair of
/// neighbours in it is one the index holds: the few best, by the pair fewest
/// paragraphs hold (the caller tries them in order; the run as typed found nothing
/// even when each of its pairs is held somewhere).
fn mended_runs(searcher: &Searcher, f: &Fields, run: &[char]) -> Result<Vec<String>> {
    if run.len() < 2 {
        return Ok(Vec::new());
    }
    let pair_held = |a: char, b: char| held(searcher, f, &format!("{a}{b}"));
    let mut found: Vec<(u64, String)> = Vec::new();
    for i in 1..run.len() {
        for x in pairs_after(searcher, f, run[i - 1])? {
            if x == run[i] {
                continue;
            }
            let mut mended = run.to_vec();
            mended[i] = x;
            let mut weakest = u64::MAX;
            for w in mended.windows(2) {
                weakest = weakest.min(pair_held(w[0], w[1])?);
                if weakest == 0 {
                    break;
                }
            }
            if weakest > 0 {
                found.push((weakest, mended.iter().collect()));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(found
        .into_iter()
        .take(ALTERNATIVES)
        .map(|(_, s)| s)
        .collect())
}

/// How many mended forms of a query are offered to be tried.
const ALTERNATIVES: usize = 20;

/// A word written as the user wrote its first letter or all its letters.
fn cased_as(typed: &str, word: &str) -> String {
    let mut letters = typed.chars().filter(|c| c.is_alphabetic());
    if typed.chars().count() > 1 && letters.clone().all(char::is_uppercase) {
        return word.to_uppercase();
    }
    match letters.next() {
        Some(first) if first.is_uppercase() => {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        _ => word.to_owned(),
    }
}

/// The query text with its unknown words and unfound Chinese runs mended, best
/// first (at most [`ALTERNATIVES`]); empty when nothing could be mended.
pub fn corrected(
    searcher: &Searcher,
    f: &Fields,
    text: &str,
    query: &Query,
) -> Result<Vec<String>> {
    // Each replacement: (what was typed, the forms to put instead, best first).
    let mut replacements: Vec<(String, Vec<String>)> = Vec::new();
    for term in query.positive_terms() {
        let atoms: &[Atom] = &term.units;
        let mut i = 0;
        while i < atoms.len() {
            if atoms[i].cjk {
                let end = (i + 1..atoms.len())
                    .find(|&k| !atoms[k].cjk || atoms[k].pos != atoms[k - 1].pos + 1)
                    .unwrap_or(atoms.len());
                let run: Vec<char> = atoms[i..end]
                    .iter()
                    .filter_map(|a| a.norm.chars().next())
                    .collect();
                let forms = mended_runs(searcher, f, &run)?;
                if !forms.is_empty() {
                    let typed = term.text[atoms[i].start..atoms[end - 1].end].to_owned();
                    replacements.push((typed, forms));
                }
                i = end;
                continue;
            }
            let atom = &atoms[i];
            let letters = atom.norm.chars().all(char::is_alphabetic);
            if letters
                && held(searcher, f, &atom.norm)? == 0
                && let Some(word) = nearest_word(searcher, f, &atom.norm)?
            {
                let typed = term.text[atom.start..atom.end].to_owned();
                let word = cased_as(&typed, &word);
                replacements.push((typed, vec![word]));
            }
            i += 1;
        }
    }
    if replacements.is_empty() {
        return Ok(Vec::new());
    }
    // The best form of every part; then the other forms of the first part that has
    // several.
    let with = |choice: &[usize]| {
        let mut out = text.to_owned();
        for ((typed, forms), &k) in replacements.iter().zip(choice) {
            out = out.replacen(typed.as_str(), &forms[k], 1);
        }
        out
    };
    let mut choice = vec![0; replacements.len()];
    let mut out = vec![with(&choice)];
    if let Some(p) = replacements.iter().position(|(_, forms)| forms.len() > 1) {
        for k in 1..replacements[p].1.len() {
            choice[p] = k;
            out.push(with(&choice));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_one_letter_away() {
        let e = edits("debirs");
        assert!(e.contains(&"debris".to_owned()), "two letters swapped");
        assert!(
            !e.contains(&"debirs".to_owned()),
            "the word itself is no edit"
        );
        assert!(
            edits("sate").contains(&"state".to_owned()),
            "a letter inserted"
        );
        assert!(
            edits("spacce").contains(&"space".to_owned()),
            "a letter deleted"
        );
        assert!(
            edits("spice").contains(&"space".to_owned()),
            "a letter replaced"
        );
        assert!(edits("космичиский").contains(&"космический".to_owned()));
        assert!(!edits("debirs").contains(&"debrs".to_owned().repeat(2)));
    }
}
