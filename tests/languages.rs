//! Search in five languages, against an oracle written apart from the engine, over
//! the 90 handbook instrument files and A/RES/76/76 (zh, en): a word matches its
//! inflections in its own language only; a query without diacritics finds words
//! with or without them, one with them finds them as typed; traditional characters
//! find simplified text; punctuation ends a Chinese run, white space does not; words
//! typed together rank first where they stand together; words the extractor split
//! are found repaired.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};

use common::{Workspace, corpus, resolution};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unspace::document::{Document, Kind};
use unspace::index::Library;
use unspace::parse::parse_file;
use unspace::search::{Filters, search};

type Key = (String, String, Kind, u32, String);

struct Fixture {
    _ws: Workspace,
    library: Library,
    docs: Vec<Document>,
    /// Every paragraph: its key, language, and the words of its text, heading and
    /// cited footnotes (one list per piece), computed once.
    paragraphs: Vec<(Key, String, Vec<Vec<Word>>)>,
}

/// A word of the texts, with what the oracle compares: the word, without its
/// diacritics, and both stemmed in the paragraph's language.
struct Word {
    word: String,
    plain: String,
    stem: String,
    plain_stem: String,
}

/// Built once, shared by every test of this file (indexing 92 files takes a while).
fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(build)
}

fn build() -> Fixture {
    // A static is never dropped: its folder goes under target/, not /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let ws = Workspace { dir };
    for entry in std::fs::read_dir(corpus().join("handbook/instruments"))
        .unwrap()
        .flatten()
    {
        ws.copy(&entry.path(), entry.file_name().to_str().unwrap());
    }
    for name in ["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"] {
        ws.copy(&resolution(name), name);
    }
    let library = ws.indexed();
    let mut docs: Vec<Document> = std::fs::read_dir(ws.data())
        .unwrap()
        .flatten()
        .map(|e| parse_file(&e.path()).unwrap().document)
        .collect();
    // The texts as the index stores them: words broken in print joined.
    common::repair_broken_words(&mut docs);
    docs.sort_by(|a, b| (&a.symbol, &a.language).cmp(&(&b.symbol, &b.language)));
    let mut paragraphs = Vec::new();
    for doc in &docs {
        for p in &doc.paragraphs {
            let notes = p
                .footnotes
                .iter()
                .filter_map(|n| doc.footnote(*n))
                .map(|n| n.text.as_str());
            let stem = stemmer(&doc.language);
            let stemmed = |x: &str| {
                stem.as_ref()
                    .map_or(x.to_owned(), |s| s.stem(x).into_owned())
            };
            let word = |w: String| {
                let plain = plain(&w);
                Word {
                    stem: stemmed(&w),
                    plain_stem: stemmed(&plain),
                    word: w,
                    plain,
                }
            };
            let pieces = std::iter::once(p.text.as_str())
                .chain(notes)
                .chain(p.heading.as_deref())
                .map(|t| words(t).into_iter().map(word).collect())
                .collect();
            let key = (
                doc.symbol.clone(),
                doc.language.clone(),
                p.kind,
                p.number,
                p.r#ref.clone(),
            );
            paragraphs.push((key, doc.language.clone(), pieces));
        }
    }
    Fixture {
        _ws: ws,
        library,
        docs,
        paragraphs,
    }
}

impl Fixture {
    fn hits(&self, query: &str) -> Vec<Key> {
        let parsed = unspace::query::parse(query).unwrap_or_else(|e| panic!("{e}"));
        let results = search(&self.library, query, &parsed, &Filters::default(), 100_000).unwrap();
        assert_eq!(results.total, results.hits.len(), "{query}");
        results
            .hits
            .into_iter()
            .map(|h| (h.symbol, h.language, h.kind, h.number, h.r#ref))
            .collect()
    }

    fn found(&self, query: &str) -> BTreeSet<Key> {
        self.hits(query).into_iter().collect()
    }

    /// Paragraphs (with the footnotes they cite) whose words satisfy `test`.
    fn oracle(&self, test: impl Fn(&str, &[Word]) -> bool) -> BTreeSet<Key> {
        self.paragraphs
            .iter()
            .filter(|(_, language, pieces)| pieces.iter().any(|ws| test(language, ws)))
            .map(|(key, _, _)| key.clone())
            .collect()
    }

    /// Every word of every document, by language.
    fn vocabulary(&self) -> HashMap<String, HashSet<String>> {
        let mut out: HashMap<String, HashSet<String>> = HashMap::new();
        for doc in &self.docs {
            let set = out.entry(doc.language.clone()).or_default();
            for p in &doc.paragraphs {
                set.extend(words(&p.text));
            }
            for n in &doc.footnotes {
                set.extend(words(&n.text));
            }
        }
        out
    }
}

/// The oracle's words: NFKC, lowercase, runs of letters and digits (not CJK).
fn words(text: &str) -> Vec<String> {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded
        .split(|c: char| !c.is_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A Latin word without its diacritics.
fn plain(word: &str) -> String {
    word.chars()
        .flat_map(|c| {
            let latin = matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF);
            let decomposed: Vec<char> = std::iter::once(c).nfd().collect();
            if latin {
                decomposed
                    .into_iter()
                    .filter(|d| !unicode_normalization::char::is_combining_mark(*d))
                    .collect()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn stemmer(language: &str) -> Option<Stemmer> {
    Some(Stemmer::create(match language {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "es" => Algorithm::Spanish,
        "ru" => Algorithm::Russian,
        _ => return None,
    }))
}

/// The rule for one unquoted word `q`, written from README's matching rules.
fn word_oracle(
    f: &Fixture,
    vocabulary: &HashMap<String, HashSet<String>>,
    q: &str,
) -> BTreeSet<Key> {
    let q = q.to_lowercase();
    let unaccented = plain(&q) == q;
    let mut own: Vec<&str> = ["en", "fr", "es", "ru", "zh"]
        .into_iter()
        .filter(|l| {
            vocabulary
                .get(*l)
                .is_some_and(|v| v.contains(&q) || (unaccented && v.iter().any(|w| plain(w) == q)))
        })
        .collect();
    if own.is_empty() {
        own = vec!["en", "fr", "es", "ru", "zh"];
    }
    let targets: HashMap<&str, String> = ["en", "fr", "es", "ru"]
        .into_iter()
        .filter_map(|l| Some((l, stemmer(l)?.stem(&q).into_owned())))
        .collect();
    f.oracle(|language, ws| {
        ws.iter().any(|w| {
            let as_typed = w.word == q || (unaccented && w.plain == q);
            let by_stem = own.contains(&language)
                && targets
                    .get(language)
                    .is_some_and(|t| w.stem == *t || (unaccented && w.plain_stem == *t));
            as_typed || by_stem
        })
    })
}

#[test]
fn a_word_matches_its_inflections_in_its_own_language_only() {
    let f = fixture();
    let vocabulary = f.vocabulary();
    let registration = f.found("registration");
    assert!(!registration.is_empty());
    assert!(
        registration.iter().all(|k| k.1 == "en"),
        "French registre is not English registration: {:?}",
        registration
            .iter()
            .filter(|k| k.1 != "en")
            .collect::<Vec<_>>()
    );
    // Words drawn from every language's texts, and some chosen ones.
    let mut queries: Vec<String> = [
        "registration",
        "launching",
        "lancement",
        "lanzamiento",
        "запуска",
        "nations",
        "objets",
        "объекты",
        "débris",
        "espacio",
        "Официальные",
        "utilisation",
        // Typed with its accent, `podrá` (stem `podr`) is not `podrán` (`podran`),
        // whose stem without the accent is `podr`; typed without, it is.
        "podrá",
        "podran",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut seed = 0x5eed_u64;
    for language in ["en", "fr", "es", "ru"] {
        let mut pool: Vec<&String> = vocabulary[language]
            .iter()
            .filter(|w| w.chars().count() > 3 && !w.chars().any(|c| c.is_ascii_digit()))
            .collect();
        pool.sort();
        for _ in 0..15 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            queries.push(pool[(seed >> 33) as usize % pool.len()].clone());
        }
    }
    for q in &queries {
        let expected = word_oracle(f, &vocabulary, q);
        assert!(!expected.is_empty(), "{q}");
        assert_eq!(f.found(q), expected, "{q}");
    }
}

#[test]
fn diacritics_are_optional_when_not_typed_and_kept_when_typed() {
    let f = fixture();
    let vocabulary = f.vocabulary();
    let phrase = |typed: &str| {
        let qs = words(typed);
        f.oracle(move |_, ws| {
            ws.windows(qs.len()).any(|win| {
                win.iter()
                    .zip(&qs)
                    .all(|(w, q)| w.word == *q || (plain(q) == *q && w.plain == *q))
            })
        })
    };
    for q in [
        "etat",
        "État",
        "debris",
        "etats",
        "Estados",
        "ejecución",
        "ejecucion",
    ] {
        assert_eq!(f.found(q), word_oracle(f, &vocabulary, q), "{q}");
    }
    let etat = f.found("etat");
    assert!(
        etat.len() >= 100 && etat.iter().all(|k| k.1 == "fr"),
        "{}",
        etat.len()
    );
    assert!(
        f.found("debris").iter().any(|k| k.1 == "fr"),
        "débris found as debris"
    );
    for typed in [
        "\"Etat de lancement\"",
        "\"État de lancement\"",
        "\"etat\"",
        "\"État\"",
    ] {
        let expected = phrase(typed.trim_matches('"'));
        assert!(!expected.is_empty(), "{typed}");
        assert_eq!(f.found(typed), expected, "{typed}");
    }
    assert!(f.found("\"Etat de lancement\"").len() >= f.found("\"État de lancement\"").len());
}

#[test]
fn traditional_characters_find_simplified_text() {
    let f = fixture();
    for (traditional, simplified) in [
        ("空間碎片", "空间碎片"),
        ("外層空間", "外层空间"),
        ("聯合國", "联合国"),
        ("發射國", "发射国"),
    ] {
        let found = f.found(simplified);
        assert!(!found.is_empty(), "{simplified}");
        assert_eq!(f.found(traditional), found, "{traditional}");
    }
}

#[test]
fn punctuation_ends_a_chinese_run_and_layout_does_not() {
    let f = fixture();
    // White space is layout: gone; any run of punctuation is one break, `|`.
    let squeeze = |text: &str| {
        let mut out = String::new();
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('|') {
                out.push('|');
            }
        }
        out
    };
    let contains = |text: &str, needle: &str| squeeze(text).contains(&squeeze(needle));
    let oracle = |needle: &'static str| {
        let mut out = BTreeSet::new();
        for doc in f.docs.iter().filter(|d| d.language == "zh") {
            for p in &doc.paragraphs {
                let notes = p
                    .footnotes
                    .iter()
                    .filter_map(|n| doc.footnote(*n))
                    .map(|n| n.text.as_str());
                if std::iter::once(p.text.as_str())
                    .chain(notes)
                    .chain(p.heading.as_deref())
                    .any(|t| contains(t, needle))
                {
                    out.insert((
                        doc.symbol.clone(),
                        doc.language.clone(),
                        p.kind,
                        p.number,
                        p.r#ref.clone(),
                    ));
                }
            }
        }
        out
    };
    let found = f.found("科学技术");
    assert_eq!(found, oracle("科学技术"));
    assert!(
        !found.iter().any(|k| k.0 == "A/RES/76/76" && k.3 == 21),
        "¶21 has 科学、技术"
    );
    let with_comma = f.found("科学、技术");
    assert!(with_comma.iter().any(|k| k.0 == "A/RES/76/76" && k.3 == 21));
    assert_eq!(with_comma, oracle("科学、技术"));
    for needle in ["外层空间", "和平利用外层空间委员会", "空间碎片"] {
        assert_eq!(f.found(needle), oracle(needle), "{needle}");
    }
}

#[test]
fn words_typed_together_rank_first_where_they_stand_together() {
    let f = fixture();
    let en = stemmer("en").unwrap();
    let (first, second) = (
        en.stem("launching").into_owned(),
        en.stem("state").into_owned(),
    );
    let together = |ws: &[Word]| {
        ws.windows(2)
            .any(|w| w[0].stem == first && w[1].stem == second)
    };
    let adjacent = f.oracle(|language, ws| language == "en" && together(ws));
    let hits = f.hits("launching State");
    assert!(adjacent.len() >= 10, "{}", adjacent.len());
    assert!(
        hits.len() > adjacent.len(),
        "all words must appear, together or not"
    );
    // Issue #28: a paragraph holding more of the words as typed ranks first; among
    // those holding as many, the paragraphs with the phrase come first. (Before,
    // the phrase alone decided: a paragraph with "launching States" came before one
    // holding "launching" and "State" as typed, apart.)
    let typed = |key: &Key| -> usize {
        let doc = f
            .docs
            .iter()
            .find(|d| d.symbol == key.0 && d.language == key.1)
            .unwrap();
        let p = doc.paragraphs.iter().find(|p| p.r#ref == key.4).unwrap();
        let held: Vec<String> = words(&p.text)
            .into_iter()
            .chain(p.heading.as_deref().map(words).unwrap_or_default())
            .collect();
        ["launching", "state"]
            .iter()
            .filter(|w| held.iter().any(|h| h == *w))
            .count()
    };
    let keys: Vec<(usize, bool)> = hits
        .iter()
        .map(|k| (typed(k), adjacent.contains(k)))
        .collect();
    for (i, pair) in keys.windows(2).enumerate() {
        assert!(
            pair[0] >= pair[1],
            "hit {} {:?} ranks above hit {} {:?}",
            i + 2,
            pair[1],
            i + 1,
            pair[0]
        );
    }
    // The paragraphs with the phrase still come first among those holding both
    // words as typed.
    let both: Vec<&Key> = hits.iter().filter(|k| typed(k) == 2).collect();
    let phrase_first = both.iter().take_while(|k| adjacent.contains(**k)).count();
    assert!(
        phrase_first >= 10,
        "{phrase_first} paragraphs with the phrase lead"
    );
    // With a limit, as a user searches: the best few are paragraphs with the phrase,
    // in the order of the full ranking.
    let parsed = unspace::query::parse("launching State").unwrap();
    let best = search(
        &f.library,
        "launching State",
        &parsed,
        &Filters::default(),
        5,
    )
    .unwrap();
    assert_eq!(best.total, hits.len());
    let best: Vec<Key> = best
        .hits
        .into_iter()
        .map(|h| (h.symbol, h.language, h.kind, h.number, h.r#ref))
        .collect();
    assert_eq!(best, hits[..5], "the first five, limited or not");
}
