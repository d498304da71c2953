//! Words broken by the print or the extractor, repaired with the whole corpus's
//! words: a word hyphenated at a line end (`main-tained`) and a word cut by a stray
//! space (`sûre té`, `Официальны е`).
//!
//! Each document gives its [`Words`] (counted on its text as read, before any repair
//! here, so that a repair never feeds the evidence it was made on); a [`Lexicon`] is
//! their sum, language by language; [`repair`] rewrites a document's texts with it.
//! A sum does not depend on the order documents were read in, and [`decisions`] tells
//! whether a document already written would be repaired differently under another
//! lexicon. Chinese has no spaces between words and is left as it is.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::text::word_spans;
use crate::document::Document;

/// A piece found this many times or fewer in its own document may be a fragment:
/// the pairs it makes are kept as candidates.
const RARE: u32 = 4;

/// What one document gives the lexicon: its words, its hyphenated forms and its
/// candidate pairs (`a b` where a piece is rare in the document), all in lower case,
/// with how often each occurs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Words {
    pub language: String,
    pub words: BTreeMap<String, u32>,
    /// `a-b`: two letter runs around one hyphen, the second in lower case.
    pub hyphens: BTreeMap<String, u32>,
    /// `a b`: two letter runs around one space, the second in lower case and not an
    /// elided word.
    pub pairs: BTreeMap<String, u32>,
}

/// Where two letter runs meet: a hyphen or a space.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    Hyphen,
    Space,
}

/// The texts of a document that are read as text: title, headings, paragraphs, notes.
fn texts(doc: &Document) -> impl Iterator<Item = &str> {
    std::iter::once(doc.title.as_str())
        .chain(
            doc.paragraphs
                .iter()
                .flat_map(|p| std::iter::once(p.text.as_str()).chain(p.heading.as_deref())),
        )
        .chain(doc.footnotes.iter().map(|f| f.text.as_str()))
}

/// The places in `text` where two letter runs meet across one hyphen or one space
/// and could be one word: (byte offset of the gap, gap, first piece, second piece).
fn joints(text: &str) -> Vec<(usize, Gap, &str, &str)> {
    let spans = word_spans(text);
    let mut out = Vec::new();
    for w in spans.windows(2) {
        let ((a0, a1), (b0, b1)) = (w[0], w[1]);
        let gap = match &text[a1..b0] {
            "-" => Gap::Hyphen,
            " " => Gap::Space,
            _ => continue,
        };
        let (a, b) = (&text[a0..a1], &text[b0..b1]);
        // A capital starts a word (`near-Earth`); an elided word before an
        // apostrophe is a word of its own (`disposition s’applique`).
        // A list label (`a), b) et c)`) is no piece of a word either.
        let elided = text[b1..].starts_with(['’', '\'']);
        let label = not_a_word(text, a0, a1) || not_a_word(text, b0, b1);
        if b.starts_with(char::is_uppercase) || (gap == Gap::Space && (elided || label)) {
            continue;
        }
        out.push((a1, gap, a, b));
    }
    out
}

/// A letter run that stands for no word of its own: an elided article or pronoun
/// (`l’`, `qu’`), an abbreviation of one letter (`т. е.`), a list label (`(е)`).
fn not_a_word(text: &str, a: usize, b: usize) -> bool {
    let letters = text[a..b].chars().count();
    let after = text[b..].chars().next();
    let before = text[..a].chars().next_back();
    (letters <= 2 && matches!(after, Some('’' | '\'')))
        || (letters == 1 && (matches!(after, Some('.' | ')')) || before == Some('(')))
}

fn key(gap: Gap, a: &str, b: &str) -> String {
    let sep = if gap == Gap::Hyphen { "-" } else { " " };
    format!("{a}{sep}{b}").to_lowercase()
}

/// The words a document gives the lexicon; `None` for Chinese.
pub fn words_of(doc: &Document) -> Option<Words> {
    if doc.language == "zh" {
        return None;
    }
    let mut out = Words {
        language: doc.language.clone(),
        ..Words::default()
    };
    for text in texts(doc) {
        for (a, b) in word_spans(text) {
            if !not_a_word(text, a, b) {
                *out.words.entry(text[a..b].to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut pairs: BTreeMap<String, u32> = BTreeMap::new();
    for text in texts(doc) {
        for (_, gap, a, b) in joints(text) {
            match gap {
                Gap::Hyphen => *out.hyphens.entry(key(gap, a, b)).or_default() += 1,
                Gap::Space => *pairs.entry(key(gap, a, b)).or_default() += 1,
            }
        }
    }
    let rare = |w: &str| out.words.get(w).copied().unwrap_or(0) <= RARE;
    out.pairs = pairs
        .into_iter()
        .filter(|(k, _)| k.split_once(' ').is_some_and(|(a, b)| rare(a) || rare(b)))
        .collect();
    Some(out)
}

/// The corpus's words, language by language: the sum of its documents' [`Words`].
#[derive(Debug, Default)]
pub struct Lexicon {
    languages: FxHashMap<String, Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    words: FxHashMap<String, u32>,
    hyphens: FxHashMap<String, u32>,
    /// Candidate pairs, as [`Words::pairs`].
    pairs: FxHashMap<String, u32>,
    /// How often a word occurs as a piece of a candidate pair whose joined form is
    /// a word: occurrences that may be fragments, not the word.
    bound: FxHashMap<String, u32>,
}

impl Lexicon {
    /// The sum of these documents' words (in any order: the sum is the same).
    pub fn of<'a>(all: impl IntoIterator<Item = &'a Words>) -> Lexicon {
        let mut languages: FxHashMap<String, Counts> = FxHashMap::default();
        let mut pairs: FxHashMap<&str, FxHashMap<&'a str, u32>> = FxHashMap::default();
        for w in all {
            let counts = languages.entry(w.language.clone()).or_default();
            for (k, n) in &w.words {
                *counts.words.entry(k.clone()).or_default() += n;
            }
            for (k, n) in &w.hyphens {
                *counts.hyphens.entry(k.clone()).or_default() += n;
            }
            let lang = pairs.entry(w.language.as_str()).or_default();
            for (k, n) in &w.pairs {
                *lang.entry(k.as_str()).or_default() += n;
            }
        }
        for (lang, pairs) in pairs {
            let counts = languages.get_mut(lang).expect("counted above");
            for (k, n) in pairs {
                let (a, b) = k.split_once(' ').expect("a pair");
                if counts.count(&format!("{a}{b}")) > 0 {
                    *counts.bound.entry(a.to_owned()).or_default() += n;
                    *counts.bound.entry(b.to_owned()).or_default() += n;
                }
                counts.pairs.insert(k.to_owned(), n);
            }
        }
        Lexicon { languages }
    }

    /// Whether the pieces `a`, `b` around `gap` are one word in `language`.
    fn joins(&self, language: &str, gap: Gap, a: &str, b: &str) -> bool {
        let Some(counts) = self.languages.get(language) else {
            return false;
        };
        let joined = counts.count(&format!("{a}{b}").to_lowercase());
        match gap {
            // The whole form printed more often than the hyphenated one: a word
            // broken at a line end (`main-tained`), not a compound (`long-term`).
            Gap::Hyphen => joined > counts.hyphens.get(&key(gap, a, b)).copied().unwrap_or(0),
            Gap::Space => {
                let pair = counts.pairs.get(&key(gap, a, b)).copied().unwrap_or(0);
                joined > 0 && counts.fragment(a, b, joined, pair)
            }
        }
    }
}

impl Counts {
    fn count(&self, word: &str) -> u32 {
        self.words.get(word).copied().unwrap_or(0)
    }

    /// Whether one of the pieces `a b` is a fragment of the word `joined`, printed
    /// `n` times, where the pair is printed `pair` times: never two words (`de la`,
    /// `так же`). When one piece is a word, the joined word is printed at least as
    /// often as the pair (`air space` stays) and either that word is the longer
    /// piece (`sûre té`) or it stands alone less often than the joined word is
    /// printed (`Официальны е`) — never a common short word before or after a word the
    /// corpus happens to print only there (`научным и`, `que dan`).
    fn fragment(&self, a: &str, b: &str, n: u32, pair: u32) -> bool {
        let len = |s: &str| s.chars().count();
        let weak = |w: &str, other: &str| n >= pair && (len(w) > len(other) || self.free(w) < n);
        match (self.is_word(a), self.is_word(b)) {
            (true, true) => false,
            (true, false) => weak(a, b),
            (false, true) => weak(b, a),
            (false, false) => true,
        }
    }

    /// How often `piece` occurs other than as a piece of a pair that joins into a
    /// word.
    fn free(&self, piece: &str) -> u32 {
        let piece = piece.to_lowercase();
        let bound = self.bound.get(&piece).copied().unwrap_or(0);
        self.count(&piece).saturating_sub(bound)
    }

    /// A word of its own: found in the corpus other than as a piece of a pair that
    /// joins into a word.
    fn is_word(&self, piece: &str) -> bool {
        self.free(piece) > 0
    }
}

/// How many words a repair joined.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Repairs {
    pub hyphenated: usize,
    pub split: usize,
}

/// Joins, in every text of `doc`, the words the lexicon says were broken; `words`
/// are the document's own ([`words_of`], taken before any repair), whose candidates
/// alone are looked at.
pub fn repair(doc: &mut Document, words: &Words, lexicon: &Lexicon) -> Repairs {
    let mut done = Repairs::default();
    let language = words.language.as_str();
    let candidate = |gap: Gap, a: &str, b: &str| match gap {
        Gap::Hyphen => true,
        Gap::Space => words.pairs.contains_key(&key(gap, a, b)),
    };
    let mut fix = |text: &mut String| {
        let cuts: Vec<(usize, Gap)> = joints(text)
            .into_iter()
            .filter(|(_, gap, a, b)| candidate(*gap, a, b) && lexicon.joins(language, *gap, a, b))
            .map(|(at, gap, _, _)| (at, gap))
            .collect();
        for (at, gap) in cuts.iter().rev() {
            text.remove(*at);
            match gap {
                Gap::Hyphen => done.hyphenated += 1,
                Gap::Space => done.split += 1,
            }
        }
    };
    fix(&mut doc.title);
    for p in &mut doc.paragraphs {
        fix(&mut p.text);
        if let Some(h) = p.heading.as_mut() {
            fix(h);
        }
    }
    for f in &mut doc.footnotes {
        fix(&mut f.text);
    }
    done
}

/// The counts a document's candidates are judged on ([`Lexicon::joins`]), each
/// named by its language and what it counts: `w` a word, `h` a hyphenated form, `p`
/// a pair, `b` how often a piece stands in pairs that join into a word.
pub fn decided_by(words: &Words) -> Vec<String> {
    let tag = |what: char, s: &str| format!("{}\u{1}{what}{s}", words.language);
    let mut out = Vec::new();
    for k in words.hyphens.keys() {
        let (a, b) = k.split_once('-').unwrap_or((k, ""));
        out.push(tag('w', &format!("{a}{b}")));
        out.push(tag('h', k));
    }
    for k in words.pairs.keys() {
        let (a, b) = k.split_once(' ').unwrap_or((k, ""));
        out.push(tag('w', &format!("{a}{b}")));
        out.push(tag('p', k));
        for piece in [a, b] {
            out.push(tag('w', piece));
            out.push(tag('b', piece));
        }
    }
    out
}

/// The counts, named as in [`decided_by`], that documents `changed` (added, removed
/// or read anew) move: their words, hyphenated forms and pairs, the pieces of their
/// pairs, and the pieces of every pair of the corpus whose joined form is one of
/// their words (a word that comes or goes can make such a pair join or not).
pub fn touched(changed: &[&Words], lexicon: &Lexicon) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut by_language: FxHashMap<&str, ByJoined> = FxHashMap::default();
    for words in changed {
        let language = words.language.as_str();
        let tag = |what: char, s: &str| format!("{language}\u{1}{what}{s}");
        let joined = by_language
            .entry(language)
            .or_insert_with(|| lexicon.pairs_by_joined(language));
        for w in words.words.keys() {
            out.insert(tag('w', w));
            for (a, b) in joined.get(w.as_str()).into_iter().flatten() {
                out.insert(tag('b', a));
                out.insert(tag('b', b));
            }
        }
        for k in words.hyphens.keys() {
            out.insert(tag('h', k));
        }
        for k in words.pairs.keys() {
            out.insert(tag('p', k));
            let (a, b) = k.split_once(' ').unwrap_or((k, ""));
            out.insert(tag('b', a));
            out.insert(tag('b', b));
        }
    }
    out
}

/// Candidate pairs by their joined form: `sûreté` → [(`sûre`, `té`)].
type ByJoined = FxHashMap<String, Vec<(String, String)>>;

impl Lexicon {
    /// The corpus's candidate pairs of `language` by their joined form.
    fn pairs_by_joined(&self, language: &str) -> ByJoined {
        let mut out = ByJoined::default();
        for k in self
            .languages
            .get(language)
            .map(|c| c.pairs.keys())
            .into_iter()
            .flatten()
        {
            if let Some((a, b)) = k.split_once(' ') {
                out.entry(format!("{a}{b}"))
                    .or_default()
                    .push((a.to_owned(), b.to_owned()));
            }
        }
        out
    }
}

/// What the lexicon decides for each candidate of one document's words, in a fixed
/// order: equal lists mean the document is repaired the same way under both
/// lexicons.
pub fn decisions(words: &Words, lexicon: &Lexicon) -> Vec<bool> {
    fn split(k: &str, sep: char) -> (&str, &str) {
        k.split_once(sep).unwrap_or((k, ""))
    }
    let hyphens = words.hyphens.keys().map(|k| {
        let (a, b) = split(k, '-');
        lexicon.joins(&words.language, Gap::Hyphen, a, b)
    });
    let pairs = words.pairs.keys().map(|k| {
        let (a, b) = split(k, ' ');
        lexicon.joins(&words.language, Gap::Space, a, b)
    });
    hyphens.chain(pairs).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, DocumentKind, Kind, Paragraph};

    fn doc(language: &str, texts: &[&str]) -> Document {
        let paragraphs = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Paragraph {
                kind: Kind::Paragraph,
                number: i as u32 + 1,
                text: (*t).to_owned(),
                footnotes: Vec::new(),
                r#ref: format!("para:{}", i + 1),
                heading: None,
                label: None,
            })
            .collect();
        Document {
            symbol: "X".into(),
            language: language.into(),
            title: String::new(),
            kind: DocumentKind::Resolution,
            date: None,
            meeting: None,
            source: String::new(),
            paragraphs,
            footnotes: Vec::new(),
            title_footnotes: Vec::new(),
        }
    }

    fn repaired(language: &str, texts: &[&str]) -> Vec<String> {
        let mut d = doc(language, texts);
        let words = words_of(&d).expect("not Chinese");
        let lexicon = Lexicon::of([&words]);
        repair(&mut d, &words, &lexicon);
        d.paragraphs.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn joins_fragments_never_words_labels_or_elisions() {
        let out = repaired(
            "fr",
            &[
                "la sûreté de la station, la sûre té, le main-tained",
                "de la Lune; alinéas a), b) et c), etc.; l’utilisation, l’u tilisation",
                "maintained and maintained, long-term",
            ],
        );
        assert_eq!(out[0], "la sûreté de la station, la sûreté, le maintained");
        assert_eq!(
            out[1],
            "de la Lune; alinéas a), b) et c), etc.; l’utilisation, l’utilisation"
        );
        assert_eq!(out[2], "maintained and maintained, long-term");
    }

    #[test]
    fn chinese_gives_no_words() {
        assert!(words_of(&doc("zh", &["外层空间"])).is_none());
    }
}
