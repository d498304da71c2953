//! `trace`: agreed language on the real resolutions. The pairs below were read off
//! the texts: the collisions-and-space-debris paragraph is A/RES/74/82 ¶13, A/RES/76/76
//! ¶16 and A/RES/78/72 ¶17 (2021 dropped "also" before "considers"; 2023 kept 2021's
//! wording); International Moon Day (A/RES/76/76 ¶13) and the Gagarin anniversary
//! (¶12) are new in 2021; the COVID-19 recital (preamble 13) grew in 2021 and stayed.

mod common;

use common::{Workspace, corpus, stderr, stdout};
use serde_json::Value;
use unspace::trace::{CONTAINED, Op, THRESHOLD, trace};

/// The three annual resolutions in English, A/RES/76/76 in Chinese too, and the
/// other resolutions of the corpus as distractors.
fn resolutions() -> Workspace {
    Workspace::with_resolutions(&[
        "A-RES-74-82.en.txt",
        "A-RES-76-76.en.txt",
        "A-RES-76-76.zh.txt",
        "A-RES-78-72.en.txt",
        "A-RES-75-92.en.txt",
        "A-RES-76-22.en.txt",
        "A-RES-76-55.en.txt",
        "A-RES-76-231.en.txt",
    ])
}

fn json(ws: &Workspace, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["trace"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = ws.run(&all);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{args:?}: exit {code}: {}",
        stderr(&out)
    );
    (code, serde_json::from_str(&stdout(&out)).expect("JSON"))
}

/// (symbol, number) of each similar paragraph, in order.
fn similar(v: &Value) -> Vec<(String, u64)> {
    v["similar"]
        .as_array()
        .expect("similar")
        .iter()
        .map(|s| {
            (
                s["symbol"].as_str().unwrap().to_owned(),
                s["number"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn find<'a>(v: &'a Value, symbol: &str) -> &'a Value {
    v["similar"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["symbol"] == symbol)
        .unwrap_or_else(|| panic!("{symbol} not among {:?}", similar(v)))
}

/// Case and white space folded: equal pieces of a diff carry the new text's.
fn folded(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text a diff turns the traced paragraph into, and the one it starts from.
fn sides(diff: &Value) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    for piece in diff.as_array().expect("diff") {
        let text = piece["text"].as_str().unwrap();
        match piece["op"].as_str().unwrap() {
            "equal" => {
                old.push_str(text);
                new.push_str(text);
            }
            "delete" => old.push_str(text),
            "insert" => new.push_str(text),
            other => panic!("op {other}"),
        }
    }
    (old, new)
}

#[test]
fn the_debris_paragraph_links_three_years_in_english() {
    let ws = resolutions();
    let (code, v) = json(&ws, &["A/RES/76/76", "16", "--lang", "en"]);
    assert_eq!(code, 0);
    assert_eq!(v["paragraph"]["symbol"], "A/RES/76/76");
    assert_eq!(v["paragraph"]["language"], "en");
    assert_eq!(v["paragraph"]["number"], 16);
    // 2023 kept the wording: first; 2019 differs by one word.
    assert_eq!(
        similar(&v),
        [
            ("A/RES/78/72".to_owned(), 17),
            ("A/RES/74/82".to_owned(), 13)
        ]
    );
    let later = find(&v, "A/RES/78/72");
    assert_eq!(later["score"], 1.0);
    assert_eq!(later["changed"], 0);
    assert_eq!(later["language"], "en");
    assert_eq!(later["kind"], "operative");
    assert_eq!(later["ref"], "operative:17");
    assert_eq!(later["date"], "2023-12-07");
    let earlier = find(&v, "A/RES/74/82");
    assert_eq!(earlier["changed"], 1);
    let score = earlier["score"].as_f64().unwrap();
    assert!(score > 0.98 && score < 1.0, "{score}");
    // The diff turns the traced text into 2019's: "also" is what 2019 had more.
    let inserted: Vec<&str> = earlier["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] == "insert")
        .map(|p| p["text"].as_str().unwrap().trim())
        .collect();
    assert_eq!(inserted, ["also"]);
    let (old, new) = sides(&earlier["diff"]);
    assert_eq!(
        folded(&old),
        folded(v["paragraph"]["text"].as_str().unwrap())
    );
    assert_eq!(new, earlier["text"].as_str().unwrap());

    // History: first seen in 2019, changed by one word in 2021, unchanged in 2023.
    let history = v["history"].as_array().unwrap();
    let steps: Vec<(&str, u64, &str, u64, bool)> = history
        .iter()
        .map(|s| {
            (
                s["symbol"].as_str().unwrap(),
                s["number"].as_u64().unwrap(),
                s["change"].as_str().unwrap(),
                s["changed"].as_u64().unwrap(),
                s["traced"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("A/RES/74/82", 13, "first", 0, false),
            ("A/RES/76/76", 16, "changed", 1, true),
            ("A/RES/78/72", 17, "unchanged", 0, false),
        ]
    );
    assert_eq!(v["history_language"], "en");
    let deleted: Vec<&str> = history[1]["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] == "delete")
        .map(|p| p["text"].as_str().unwrap().trim())
        .collect();
    assert_eq!(deleted, ["also"]);
}

#[test]
fn the_same_pairs_are_found_from_either_end() {
    let ws = resolutions();
    let (_, v) = json(&ws, &["A/RES/74/82", "13"]);
    assert_eq!(v["paragraph"]["language"], "en", "74/82 is only in English");
    let found = similar(&v);
    assert!(found.contains(&("A/RES/76/76".to_owned(), 16)), "{found:?}");
    assert!(found.contains(&("A/RES/78/72".to_owned(), 17)), "{found:?}");
    let (_, v) = json(&ws, &["a/res/78/72", "17"]);
    let found = similar(&v);
    assert_eq!(found[0], ("A/RES/76/76".to_owned(), 16), "{found:?}");
    assert!(found.contains(&("A/RES/74/82".to_owned(), 13)), "{found:?}");
}

#[test]
fn a_paragraph_new_in_2021_has_no_predecessor_in_either_language() {
    let ws = resolutions();
    for lang in ["en", "zh"] {
        for number in ["13", "12"] {
            let (code, v) = json(&ws, &["A/RES/76/76", number, "--lang", lang]);
            assert_eq!(code, 1, "¶{number} in {lang}: {:?}", similar(&v));
            assert_eq!(v["total"], 0);
            assert!(similar(&v).is_empty());
            assert_eq!(v["paragraph"]["language"], lang);
        }
    }
    let out = ws.run(&[
        "trace",
        "A/RES/76/76",
        "13",
        "--lang",
        "en",
        "--color",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("International Moon Day"), "{text}");
    assert!(
        text.contains("No paragraph of another document carries this wording"),
        "{text}"
    );
}

#[test]
fn the_chinese_seed_is_traced_through_its_english_counterpart() {
    let ws = resolutions();
    let out = ws.run(&["trace", "A/RES/76/76", "16", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Without --lang the Chinese text is traced, and the choice is said.
    assert!(
        stderr(&out).contains("tracing the zh text"),
        "{}",
        stderr(&out)
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["paragraph"]["language"], "zh");
    assert!(
        v["paragraph"]["text"]
            .as_str()
            .unwrap()
            .contains("空间碎片")
    );
    assert_eq!(v["languages"], serde_json::json!(["zh", "en"]));
    // 2019 and 2023 exist only in English: found there, shown there.
    let found = similar(&v);
    assert!(found.contains(&("A/RES/74/82".to_owned(), 13)), "{found:?}");
    assert!(found.contains(&("A/RES/78/72".to_owned(), 17)), "{found:?}");
    for s in v["similar"].as_array().unwrap() {
        assert_eq!(s["language"], "en");
        assert_eq!(s["matched_in"][0]["language"], "en");
    }
    // The history is compared in English, with the Chinese text where it exists.
    assert_eq!(v["history_language"], "en");
    let history = v["history"].as_array().unwrap();
    let order: Vec<&str> = history
        .iter()
        .map(|s| s["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["A/RES/74/82", "A/RES/76/76", "A/RES/78/72"]);
    assert_eq!(history[1]["counterpart"]["language"], "zh");
    assert!(
        history[1]["counterpart"]["text"]
            .as_str()
            .unwrap()
            .contains("还同意需要通过国际合作")
    );
    assert!(history[0].get("counterpart").is_none());
    assert_eq!(history[2]["change"], "unchanged");

    // In a terminal: the Chinese text under its step of the timeline.
    let out = ws.run(&["trace", "A/RES/76/76", "16", "--color", "never"]);
    let text = stdout(&out);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in {text}"));
    assert!(
        at("History, compared in en") < at("2019-12-13  resolution 74/82, para. 13  first seen")
    );
    assert!(at("first seen") < at("resolution 76/76, para. 16  changed (1 word)  ← traced"));
    assert!(at("← traced") < at("[zh] 认为会员国必须更加关注"));
    assert!(at("[zh] 认为会员国") < at("2023-12-07  resolution 78/72, para. 17  unchanged"));
    assert!(text.contains("[-also-]"), "{text}");
}

#[test]
fn a_found_paragraph_is_shown_in_the_traced_language_where_it_exists() {
    // The Outer Space Treaty's article IX repeats principle 6 of the 1963
    // Declaration of Legal Principles; in Chinese the two are worded apart, in
    // English they match. (Read off the texts.)
    let ws = Workspace::new();
    let instruments = corpus().join("handbook/instruments");
    for slug in ["outer-space-treaty", "A-RES-1962-XVIII"] {
        for lang in ["zh", "en"] {
            let name = format!("{slug}.{lang}.txt");
            ws.copy(&instruments.join(&name), &name);
        }
    }
    let (code, v) = json(&ws, &["outer-space-treaty", "art. IX", "--lang", "zh"]);
    assert_eq!(code, 0, "{v}");
    let s = &v["similar"][0];
    assert_eq!(s["symbol"], "legal-principles-declaration");
    assert_eq!(s["language"], "zh");
    assert!(s["text"].as_str().unwrap().contains("合作和互助"), "{s}");
    let matched: Vec<&str> = s["matched_in"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["language"].as_str().unwrap())
        .collect();
    assert!(matched.contains(&"en"), "{matched:?}");
    // The diff is of the Chinese texts, character by character.
    let (old, new) = sides(&s["diff"]);
    assert_eq!(
        folded(&old),
        folded(v["paragraph"]["text"].as_str().unwrap())
    );
    assert_eq!(new, s["text"].as_str().unwrap());
    // Article I repeats principle 2 inside a longer text: not similar as wholes, but
    // the principle lies nearly whole inside the article.
    let (_, v) = json(&ws, &["outer-space-treaty", "art. I", "--lang", "en"]);
    let s = find(&v, "legal-principles-declaration");
    assert_eq!(s["ref"], "operative:1/para:2", "{s}");
    assert!(s["score"].as_f64().unwrap() < THRESHOLD as f64, "{s}");
    assert!(s["contained"].as_f64().unwrap() >= 0.85, "{s}");
    // The same pair from the other end, in English.
    let (_, v) = json(
        &ws,
        &[
            "legal-principles-declaration",
            "operative:1/para:6",
            "--lang",
            "en",
        ],
    );
    assert!(
        similar(&v).iter().any(|(s, _)| s == "outer-space-treaty"),
        "{:?}",
        similar(&v)
    );
}

#[test]
fn terminal_output_marks_the_changes() {
    let ws = resolutions();
    let out = ws.run(&[
        "trace",
        "A/RES/76/76",
        "p13",
        "--lang",
        "en",
        "--color",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\x1b'));
    // 2019's recital lacked COVID-19: the diff from the traced text deletes it.
    assert!(
        text.contains("[-the coronavirus disease (COVID-19) pandemic and-]"),
        "{text}"
    );
    assert!(
        text.contains("resolution 74/82, preambular para. 13"),
        "{text}"
    );
    let out = ws.run(&[
        "trace",
        "A/RES/76/76",
        "p13",
        "--lang",
        "en",
        "--color",
        "always",
    ]);
    let text = stdout(&out);
    assert!(text.contains("\x1b[31;9mthe coronavirus disease"), "{text}");
    assert!(!text.contains("[-"));
}

#[test]
fn wrong_paragraphs_and_documents_are_errors_that_say_why() {
    let ws = resolutions();
    let out = ws.run(&["trace", "A/RES/76/76", "99", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has no operative paragraph 99"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["trace", "A/RES/1/1", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no document A/RES/1/1"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["trace", "A/RES/74/82", "1", "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it is in: en"), "{}", stderr(&out));
}

/// Over every paragraph of A/RES/76/76 in both languages: never the paragraph's own
/// document, scores up to 1 in descending order, each paragraph similar or quoted, diffs that
/// rebuild both texts, a history in date order with the traced paragraph once.
#[test]
fn every_paragraph_traces_consistently() {
    let ws = resolutions();
    let library = ws.indexed();
    let mut linked = 0;
    for lang in ["en", "zh"] {
        for spec in (1..=15)
            .map(|n| format!("p{n}"))
            .chain((1..=45).map(|n| n.to_string()))
        {
            let t = trace(&library, "A/RES/76/76", &spec, Some(lang), 100).unwrap();
            let mut last = 1.0;
            for s in &t.similar {
                assert_ne!(s.unit.symbol, "A/RES/76/76");
                assert!((s.score >= THRESHOLD || s.contained >= CONTAINED) && s.score <= 1.0);
                assert!(s.score <= last);
                last = s.score;
                let old: String = s
                    .diff
                    .iter()
                    .filter(|p| p.op != Op::Insert)
                    .map(|p| p.text.as_str())
                    .collect();
                let new: String = s
                    .diff
                    .iter()
                    .filter(|p| p.op != Op::Delete)
                    .map(|p| p.text.as_str())
                    .collect();
                assert_eq!(new, s.unit.text, "{spec} {lang}");
                if s.unit.language == lang {
                    assert_eq!(folded(&old), folded(&t.paragraph.text), "{spec} {lang}");
                }
            }
            let dates: Vec<&str> = t.history.iter().map(|s| s.unit.date.as_str()).collect();
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{spec}: {dates:?}");
            if !t.similar.is_empty() {
                assert_eq!(t.history.iter().filter(|s| s.traced).count(), 1);
                linked += 1;
            }
        }
    }
    // Most of the annual resolution is agreed language from earlier years.
    assert!(linked > 60, "{linked} of 120 paragraphs linked");
}
