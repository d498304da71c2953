//! Words broken at a line end (`main-tained`) or split by a stray space (`sûre té`,
//! `Официальны е`), repaired with the whole corpus's words, on the real handbook:
//! its official PDFs, its text slices and its whole-book texts, in every language
//! with spaces between words; real compounds (`long-term`) and pairs of real words
//! (`de la`) kept.
//!
//! `cargo test --locked --test lexicon count -- --ignored --nocapture` prints the
//! counts of broken words left, before and after the repair, language by language.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::corpus;
use unspace::document::Document;
use unspace::parse::lexicon::{self, Lexicon, Words};
use unspace::parse::{parse_bytes_many, parse_file};

const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ru"];

/// The three sources of the handbook.
const SETS: [&str; 3] = ["pdf", "slices", "book"];

/// One language's documents of each source, as read (before any repair).
struct Read {
    docs: Vec<(&'static str, Document)>,
}

fn read_language(language: &str) -> Read {
    let handbook = corpus().join("handbook");
    let mut docs = Vec::new();
    let pdf = handbook.join(format!("pdf/ST-SPACE-61-Rev3.{language}.pdf"));
    let bytes = std::fs::read(&pdf).expect("the handbook PDF");
    for p in parse_bytes_many(&bytes, &pdf).expect("the handbook PDF parses") {
        docs.push(("pdf", p.document));
    }
    for path in slices(language) {
        docs.push((
            "slices",
            parse_file(&path).expect("a slice parses").document,
        ));
    }
    let book = handbook.join(format!("ST-SPACE-61-Rev3.{language}.txt"));
    docs.push(("book", parse_file(&book).expect("the book parses").document));
    Read { docs }
}

fn slices(language: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/instruments");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("data/instruments")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.to_string_lossy().ends_with(&format!(".{language}.txt")))
        .collect();
    out.sort();
    out
}

/// Every language read once, the four at once.
fn all() -> &'static HashMap<&'static str, Read> {
    static CACHE: OnceLock<HashMap<&'static str, Read>> = OnceLock::new();
    CACHE.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = LANGUAGES
                .iter()
                .map(|&l| s.spawn(move || (l, read_language(l))))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    })
}

/// The documents of one language repaired with the lexicon of all of them.
fn repaired(language: &str) -> Vec<(&'static str, Document)> {
    let read = &all()[language];
    let words: Vec<Words> = read
        .docs
        .iter()
        .map(|(_, d)| lexicon::words_of(d).expect("not Chinese"))
        .collect();
    let lexicon = Lexicon::of(&words);
    read.docs
        .iter()
        .zip(&words)
        .map(|((set, d), w)| {
            let mut d = d.clone();
            lexicon::repair(&mut d, w, &lexicon);
            (*set, d)
        })
        .collect()
}

/// Every text of a document.
fn texts(d: &Document) -> Vec<&str> {
    let mut out = vec![d.title.as_str()];
    for p in &d.paragraphs {
        out.push(&p.text);
        out.extend(p.heading.as_deref());
    }
    out.extend(d.footnotes.iter().map(|f| f.text.as_str()));
    out
}

fn letters(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

/// Broken words left in `docs`, by source: (hyphen-broken, space-split). A
/// hyphen-broken word is `a-b` (`b` in lower case) whose joined form is a word of
/// these texts and whose hyphenated form occurs nowhere else in them; a space-split
/// word is `a b` whose joined form is a word of these texts and one of whose pieces
/// occurs nowhere else in them.
fn broken(docs: &[(&'static str, Document)]) -> HashMap<&'static str, (usize, usize)> {
    let mut words: HashMap<String, usize> = HashMap::new();
    let mut pairs: HashMap<(String, char, String), usize> = HashMap::new();
    let mut found: Vec<(&'static str, (String, char, String))> = Vec::new();
    for (set, d) in docs {
        for t in texts(d) {
            let spans = unspace::parse::word_spans(t);
            for &(a, b) in &spans {
                *words.entry(t[a..b].to_lowercase()).or_default() += 1;
            }
            for w in spans.windows(2) {
                let ((a0, a1), (b0, b1)) = (w[0], w[1]);
                let gap = &t[a1..b0];
                let (a, b) = (t[a0..a1].to_lowercase(), &t[b0..b1]);
                if !(gap == "-" || gap == " ") || !letters(b) || b.starts_with(char::is_uppercase) {
                    continue;
                }
                let k = (a, gap.chars().next().unwrap(), b.to_lowercase());
                *pairs.entry(k.clone()).or_default() += 1;
                found.push((set, k));
            }
        }
    }
    let mut out: HashMap<&'static str, (usize, usize)> = HashMap::new();
    for (set, k) in found {
        let (a, gap, b) = &k;
        if words.get(&format!("{a}{b}")).is_none_or(|n| *n == 0) {
            continue;
        }
        let here = pairs[&k];
        let entry = out.entry(set).or_default();
        if *gap == '-' && here == 1 {
            entry.0 += 1;
        }
        if *gap == ' ' && (words[a] == here || words[b] == here) {
            entry.1 += 1;
        }
    }
    out
}

#[test]
#[ignore = "a count for the record: prints broken words before and after, by language"]
fn count() {
    for language in LANGUAGES {
        let before = broken(&all()[language].docs);
        let after = broken(&repaired(language));
        for set in SETS {
            let (b, a) = (before.get(set).copied(), after.get(set).copied());
            let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
            println!(
                "{language} {set:6}: hyphen-broken {} → {}, space-split {} → {}",
                b.0, a.0, b.1, a.1
            );
        }
    }
}
