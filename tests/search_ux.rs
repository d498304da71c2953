//! Search as people expect it (issue #28). "Did you mean": typos drawn at random
//! from the default corpus's own words (one edit each) get a suggestion that finds
//! paragraphs, most often the very word; Chinese runs with one character wrong are
//! mended; a query that finds something gets no suggestion; a suggestion is offered,
//! never searched for instead. Prefixes (`debri*`) against an oracle. Words typed
//! together: the phrase marked, and counted.

mod common;

use std::collections::BTreeSet;

use common::{Rng, Workspace, stderr, stdout};
use unspace::engine::{Engine, SearchRequest, quiet};

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let engine = Engine::open(&data, &dir.path().join("index")).unwrap();
    engine.update(Default::default(), &mut quiet).unwrap();
    (dir, engine)
}

fn search(engine: &Engine, query: &str) -> unspace::search::Results {
    engine
        .search(&SearchRequest {
            query: query.to_owned(),
            limit: 3,
            ..SearchRequest::default()
        })
        .unwrap()
}

/// Lower-case English words of seven letters or more, read off the corpus's files.
fn english_words() -> Vec<String> {
    let mut words = BTreeSet::new();
    for name in [
        "A-RES-76-76.en.txt",
        "A-RES-78-72.en.txt",
        "A-RES-73-91.en.txt",
    ] {
        let text = std::fs::read_to_string(common::resolution(name)).unwrap();
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 7 && word.chars().all(|c| c.is_ascii_lowercase()) {
                words.insert(word.to_owned());
            }
        }
    }
    words.into_iter().collect()
}

#[test]
fn one_edit_typos_of_indexed_words_get_a_suggestion_that_finds_paragraphs() {
    let (_dir, engine) = engine();
    let words = english_words();
    assert!(words.len() > 300, "{} words", words.len());
    let mut rng = Rng(0x7E57);
    let (mut tried, mut same) = (0, 0);
    while tried < 40 {
        let word = &words[rng.below(words.len())];
        let mut chars: Vec<char> = word.chars().collect();
        let at = rng.below(chars.len() - 1);
        match rng.below(3) {
            0 => chars.swap(at, at + 1),
            1 => {
                chars.remove(at);
            }
            _ => chars[at] = (b'a' + rng.below(26) as u8) as char,
        }
        let typo: String = chars.iter().collect();
        if search(&engine, &typo).total > 0 {
            continue; // the edit made another real word
        }
        tried += 1;
        let results = search(&engine, &typo);
        assert_eq!(results.total, 0);
        assert!(
            results.hits.is_empty(),
            "never searched for in the user's place"
        );
        let suggestion = results
            .suggestions
            .first()
            .unwrap_or_else(|| panic!("no suggestion for `{typo}` (from `{word}`)"));
        assert!(suggestion.total > 0);
        assert_eq!(search(&engine, &suggestion.query).total, suggestion.total);
        if suggestion.query == *word {
            same += 1;
        }
    }
    assert!(same >= 30, "{same} of 40 typos suggest the very word");
}

#[test]
fn chinese_runs_with_one_character_wrong_are_mended() {
    let (_dir, engine) = engine();
    let text = std::fs::read_to_string(common::resolution("A-RES-76-76.zh.txt")).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut rng = Rng(0xC4);
    let mut tried = 0;
    let mut attempts = 0;
    while tried < 12 && attempts < 500 {
        attempts += 1;
        let at = rng.below(chars.len() - 4);
        let run: Vec<char> = chars[at..at + 4].to_vec();
        if !run.iter().all(|&c| unspace::analysis::is_cjk(c)) {
            continue;
        }
        let mut wrong = run.clone();
        wrong[1 + rng.below(3)] = '鑫';
        let typo: String = wrong.iter().collect();
        if search(&engine, &typo).total > 0 {
            continue;
        }
        tried += 1;
        let results = search(&engine, &typo);
        let suggestion = results
            .suggestions
            .first()
            .unwrap_or_else(|| panic!("no suggestion for `{typo}`"));
        assert!(suggestion.total > 0, "{typo}");
        assert_eq!(
            suggestion.query.chars().count(),
            4,
            "one character changed: {typo}"
        );
    }
    assert_eq!(tried, 12);
}

#[test]
fn found_queries_get_no_suggestion_and_the_command_line_prints_it() {
    let (_dir, engine) = engine();
    assert!(search(&engine, "space debris").suggestions.is_empty());
    let ws = Workspace::with_resolutions(&["A-RES-76-76.en.txt"]);
    let out = ws.run(&["search", "debirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Did you mean `debris`?"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["search", "debirs", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["suggestions"][0]["query"], "debris");
    assert_eq!(v["total"], 0);
}

/// Every paragraph of the default corpus with its heading and the footnotes it
/// cites, read through `show` (language, text).
fn all_paragraphs(engine: &Engine) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for info in engine.list(None, None).unwrap() {
        for language in &info.languages {
            let shown = engine.show(&info.id, None, Some(language)).unwrap();
            let doc = &shown.documents[0];
            for p in &doc.paragraphs {
                // A unit's heading is searched as its text is.
                let mut text = p.heading.clone().unwrap_or_default();
                text.push('\n');
                text.push_str(&p.text);
                for n in &p.footnotes {
                    if let Some(note) = doc.footnotes.iter().find(|f| f.number == *n) {
                        text.push('\n');
                        text.push_str(&note.text);
                    }
                }
                out.push((language.clone(), text));
            }
        }
    }
    out
}

#[test]
fn a_word_ending_in_a_star_finds_every_paragraph_with_a_word_it_begins() {
    let (_dir, engine) = engine();
    let paragraphs = all_paragraphs(&engine);
    for prefix in ["debri", "sustainab", "космическ", "lanz", "régl"] {
        // The oracle: a word of the paragraph (or of a footnote it cites), in lower
        // case, begins with the prefix as typed — or, for a prefix typed without
        // diacritics, with them taken off (as every unaccented word matches).
        let unaccented = bare(prefix) == prefix;
        let expected = paragraphs
            .iter()
            .filter(|(_, text)| {
                text.split(|c: char| !c.is_alphanumeric()).any(|w| {
                    let w = w.to_lowercase();
                    w.starts_with(prefix) || (unaccented && bare(&w).starts_with(prefix))
                })
            })
            .count();
        let query = format!("{prefix}*");
        let results = engine
            .search(&SearchRequest {
                query: query.clone(),
                limit: 5,
                ..SearchRequest::default()
            })
            .unwrap();
        assert!(expected > 0, "{prefix}");
        assert_eq!(results.total, expected, "{query}");
        for hit in &results.hits {
            for &(s, e) in &hit.highlights {
                let marked = bare(&hit.text[s..e].to_lowercase());
                assert!(marked.starts_with(&bare(prefix)), "{query}: {marked}");
            }
        }
    }
    // A phrase that ends in a word's beginning.
    let phrase = engine
        .search(&SearchRequest {
            query: "space debri*".to_owned(),
            limit: 1,
            ..SearchRequest::default()
        })
        .unwrap();
    assert!(phrase.total > 0);
    // A `*` anywhere else, or after one letter, says so.
    for bad in ["de*bris", "*debris", "d*"] {
        let err = engine
            .search(&SearchRequest {
                query: bad.to_owned(),
                limit: 1,
                ..SearchRequest::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains('*'), "{bad}: {err}");
    }
}

/// A word without its diacritics.
fn bare(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

#[test]
fn words_typed_together_are_marked_as_a_phrase_and_counted() {
    let (_dir, engine) = engine();
    for query in [
        "launching State",
        "space debris",
        "outer space",
        "Estado de lanzamiento",
    ] {
        let all = engine
            .search(&SearchRequest {
                query: query.to_owned(),
                limit: 10_000,
                ..SearchRequest::default()
            })
            .unwrap();
        let together = all.phrase_total.expect("counted");
        assert!(together > 0 && together <= all.total, "{query}");
        // The highlighter, which reads the texts, finds the phrase in as many of
        // the paragraphs that match in their own text as the index's phrase query
        // counts; where it marks the phrase, it marks nothing else.
        let mut marked_together = 0;
        for hit in all
            .hits
            .iter()
            .filter(|h| h.matched_in == unspace::search::MatchedIn::Text)
        {
            let marks: Vec<&str> = hit
                .highlights
                .iter()
                .map(|&(s, e)| &hit.text[s..e])
                .collect();
            let phrase = marks
                .iter()
                .filter(|m| m.split_whitespace().count() > 1)
                .count();
            let in_heading = hit
                .heading
                .as_deref()
                .is_some_and(|h| h.to_lowercase().contains(&query.to_lowercase()));
            if phrase > 0 {
                marked_together += 1;
                assert_eq!(
                    phrase,
                    marks.len(),
                    "{query}: only the phrase marked: {marks:?}"
                );
            } else if in_heading {
                // The phrase stands in its heading (searched as its text is).
                marked_together += 1;
            } else {
                // Marked apart in its text, or matched in its heading (which the
                // text's marks do not cover).
                assert!(
                    !marks.is_empty() || hit.heading.is_some(),
                    "{query}: the words marked apart"
                );
            }
        }
        assert_eq!(marked_together, together, "{query}");
        // Paragraphs holding more of the words as typed come first; within those
        // holding as many, the ones that hold the phrase.
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let keys: Vec<(usize, bool)> = all
            .hits
            .iter()
            .filter(|h| h.matched_in == unspace::search::MatchedIn::Text)
            .take(1000)
            .map(|h| {
                let text =
                    format!("{} {}", h.heading.as_deref().unwrap_or(""), h.text).to_lowercase();
                let held: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
                let typed = words.iter().filter(|w| held.contains(&w.as_str())).count();
                let phrase = h
                    .highlights
                    .iter()
                    .any(|&(s, e)| h.text[s..e].contains(' '))
                    || h.heading
                        .as_deref()
                        .is_some_and(|t| t.to_lowercase().contains(&query.to_lowercase()));
                (typed, phrase)
            })
            .collect();
        for (k, pair) in keys.windows(2).enumerate() {
            assert!(
                pair[0] >= pair[1],
                "{query}: hit {} {:?} ranks above {:?}",
                k + 1,
                pair[1],
                pair[0]
            );
        }
    }
    // One word: nothing to count.
    assert_eq!(search(&engine, "debris").phrase_total, None);
    // The terminal says it.
    let ws = Workspace::default_corpus();
    let out = ws.run(&["search", "launching State", "-n", "1"]);
    let text = stdout(&out);
    assert!(
        text.lines().any(
            |l| l.contains("of them hold `launching State` as a phrase;")
                && l.ends_with("hold the words apart")
        ),
        "{text}"
    );
}

#[test]
fn paragraphs_holding_the_words_as_typed_rank_first() {
    let (_dir, engine) = engine();
    for query in ["debris", "space debris", "regime", "Etat"] {
        let results = engine
            .search(&SearchRequest {
                query: query.to_owned(),
                limit: 10_000,
                ..SearchRequest::default()
            })
            .unwrap();
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        // The oracle: the paragraph's heading or text holds every word as typed
        // (case aside, diacritics and all), read off the hit's own text.
        let typed: Vec<bool> = results
            .hits
            .iter()
            .filter(|h| h.matched_in == unspace::search::MatchedIn::Text)
            .map(|h| {
                let text =
                    format!("{} {}", h.heading.as_deref().unwrap_or(""), h.text).to_lowercase();
                let held: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
                words.iter().all(|w| held.contains(&w.as_str()))
            })
            .collect();
        assert!(!typed.is_empty(), "{query}");
        if let Some(first_folded) = typed.iter().position(|t| !t) {
            assert!(
                typed[first_folded..].iter().all(|t| !t),
                "{query}: a paragraph holding the words as typed ranks below one that holds them only folded or stemmed: {typed:?}"
            );
        }
    }
    // `debris` finds the French `débris` too, after every English `debris`.
    let debris = search(&engine, "debris");
    assert_eq!(debris.hits[0].language, "en");
    // Equal scores (the same paragraph in the resolutions of several years): the
    // newest year first.
    let all = engine
        .search(&SearchRequest {
            query: "debris".to_owned(),
            limit: 10_000,
            ..SearchRequest::default()
        })
        .unwrap();
    let mut ties = 0;
    for pair in all.hits.windows(2) {
        if pair[0].score == pair[1].score && pair[0].matched_in == pair[1].matched_in {
            ties += 1;
            assert!(
                pair[0].date.get(..4) >= pair[1].date.get(..4),
                "{} before {}",
                pair[0].citation,
                pair[1].citation
            );
        }
    }
    assert!(ties >= 3, "{ties} ties");
}
