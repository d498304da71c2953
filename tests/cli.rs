//! The command line as a user drives it: output, JSON, colour, exit codes, errors.

mod common;

use common::{Workspace, stderr, stdout};
use serde_json::Value;

fn seed() -> Workspace {
    Workspace::with_resolutions(&["A-RES-76-76.zh.txt"])
}

#[test]
fn the_first_search_builds_the_index_and_lists_every_paragraph_best_first() {
    let ws = seed();
    let out = ws.run(&["search", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let p15 = text.find("第76/76号决议第15段").expect("¶15 listed");
    let p16 = text.find("第76/76号决议第16段").expect("¶16 listed");
    let p8 = text
        .find("第76/76号决议序言部分第8段")
        .expect("recital 8 listed");
    assert!(p15.max(p16) < p8, "operative paragraphs first:\n{text}");
    assert!(
        text.contains("和平利用外层空间方面的国际合作"),
        "the title is shown"
    );
    assert!(
        text.contains("[15] 《大会正式记录，第六十二届会议"),
        "footnotes under the paragraph:\n{text}"
    );
    assert!(text.contains("3 paragraphs match `空间碎片`"));
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(stderr(&out).contains("building the index"));
    assert!(
        unspace::index::version_dir(&ws.index())
            .join("meta.json")
            .exists()
    );

    let again = ws.run(&["search", "空间碎片"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stderr(&again), "", "an up-to-date index is used as it is");
    assert_eq!(stdout(&again), text);
}

#[test]
fn json_output_has_the_documented_shape() {
    let ws = seed();
    let out = ws.run(&["search", "空间碎片", "--json", "--limit", "2"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(v["query"], "空间碎片");
    assert_eq!(v["total"], 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for hit in hits {
        for key in [
            "symbol",
            "language",
            "title",
            "kind",
            "number",
            "score",
            "text",
            "highlights",
            "footnotes",
        ] {
            assert!(hit.get(key).is_some(), "hit has {key}");
        }
        assert_eq!(hit["symbol"], "A/RES/76/76");
        assert_eq!(hit["kind"], "operative");
        let text = hit["text"].as_str().unwrap();
        for range in hit["highlights"].as_array().unwrap() {
            let (s, e) = (
                range[0].as_u64().unwrap() as usize,
                range[1].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..e], "空间碎片");
        }
    }
    let with_note = hits.iter().find(|h| h["number"] == 15).unwrap();
    assert_eq!(with_note["footnotes"][0]["number"], 15);
}

#[test]
fn exit_codes_say_found_not_found_and_error() {
    let ws = seed();
    assert_eq!(ws.run(&["search", "近地天体"]).status.code(), Some(0));
    let none = ws.run(&["search", "火星基地"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stdout(&none).contains("0 paragraphs match"));
    let none_json = ws.run(&["search", "火星基地", "--json"]);
    assert_eq!(none_json.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&none_json)).unwrap();
    assert_eq!(v["total"], 0);

    for (query, reason) in [
        ("\"空间碎片", "unclosed quote"),
        ("OR 空间", "OR needs"),
        ("-空间", "nothing to search for"),
    ] {
        // After `--`, a query may start with `-` (else it is an unknown option).
        let bad = ws.run(&["search", "--", query]);
        assert_eq!(bad.status.code(), Some(2), "{query}");
        let err = stderr(&bad);
        assert!(
            err.contains(query.trim_start_matches('-')) && err.contains(reason),
            "{query}: {err}"
        );
        assert!(!err.contains("panicked"));
    }
    let missing = ws.run(&["--data", "nowhere", "search", "空间"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere"));
}

#[test]
fn colour_is_decided_by_the_flag_and_no_color() {
    let ws = seed();
    let always = stdout(&ws.run(&["--color", "always", "search", "空间碎片"]));
    assert!(
        always.contains("\x1b[1;31m空间碎片\x1b[0m"),
        "the whole phrase is highlighted"
    );
    let never = stdout(&ws.run(&["--color", "never", "search", "空间碎片"]));
    assert!(!never.contains('\x1b'));
    let no_color = ws
        .command(&["search", "空间碎片"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\x1b'));
}

#[test]
fn filters_and_limit_narrow_the_hits() {
    let ws = seed();
    let json = |args: &[&str]| -> Value {
        let out = ws.run(args);
        serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null)
    };
    let pre = json(&["search", "空间碎片", "--kind", "preamble", "--json"]);
    assert_eq!(pre["total"], 1);
    assert_eq!(pre["hits"][0]["number"], 8);
    assert_eq!(
        json(&["search", "空间碎片", "--year", "2021", "--json"])["total"],
        3
    );
    assert_eq!(
        ws.run(&["search", "空间碎片", "--year", "2020"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        ws.run(&["search", "空间碎片", "--lang", "en"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        json(&["search", "空间碎片", "--doc", "A/RES/76/76", "--json"])["total"],
        3
    );
    let limited = stdout(&ws.run(&["search", "空间", "--limit", "2"]));
    assert_eq!(limited.matches("第76/76号决议").count(), 2);
    assert!(limited.contains("(showing 2; --limit N for more)"));
}

#[test]
fn show_prints_a_document_or_one_paragraph_with_its_footnotes() {
    let ws = seed();
    let out = ws.run(&["show", "A/RES/76/76", "6", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["symbol"], "A/RES/76/76");
    assert_eq!(v["language"], "zh");
    assert_eq!(v["date"], "2021-12-09");
    assert_eq!(v["meeting"], "第 49 次全体会议");
    assert_eq!(v["paragraphs"].as_array().unwrap().len(), 1);
    assert_eq!(v["paragraphs"][0]["kind"], "operative");
    assert_eq!(v["paragraphs"][0]["footnotes"], serde_json::json!([10]));
    assert_eq!(v["footnotes"][0]["number"], 10);

    let whole: Value =
        serde_json::from_str(&stdout(&ws.run(&["show", "A/RES/76/76", "--json"]))).unwrap();
    assert_eq!(whole["paragraphs"].as_array().unwrap().len(), 60);
    assert_eq!(whole["footnotes"].as_array().unwrap().len(), 23);

    let text = stdout(&ws.run(&["show", "A/RES/76/76", "p8"]));
    assert!(text.contains("第76/76号决议序言部分第8段") && text.contains("空间碎片的撞击"));

    let missing = ws.run(&["show", "A/RES/76/76", "99"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no operative paragraph 99 (it has 45)"));
    let unknown = ws.run(&["show", "A/RES/1/1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no document A/RES/1/1"));
}

#[test]
fn help_has_examples() {
    let ws = Workspace::new();
    let out = ws.run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("Examples:") && help.contains("unspace search 空间碎片"));
    assert!(stdout(&ws.run(&["search", "--help"])).contains("--json"));
}

#[test]
fn the_readme_search_runs_on_a_fresh_clone_of_the_default_corpus() {
    let ws = Workspace::new();
    ws.copy(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/resolutions/A-RES-76-76.zh.txt"),
        "A-RES-76-76.zh.txt",
    );
    let out = ws.run(&["search", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    assert!(readme.contains("cargo run --release -- search 空间碎片"));
    assert!(readme.contains("cargo test --locked"));
}

#[test]
fn an_excluded_term_is_written_inside_the_query_and_unknown_options_are_errors() {
    let ws = seed();
    let out = ws.run(&["search", "空间碎片 -核动力源", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["total"], 2,
        "paragraph 16 mentions 核动力源 and is excluded"
    );
    assert!(
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["number"] != 16)
    );
    // An argument that looks like an option is one; an unknown one is an error.
    for args in [
        &["search", "空间碎片", "-核动力源"][..],
        &["search", "外层空间", "-i"],
        &["search", "外层空间", "--limit", "-1"],
    ] {
        let out = ws.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("unexpected argument"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = ws.run(&["search", "外层空间", "-n", "3", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 3);
}

#[test]
fn one_is_singular_in_every_message() {
    let ws = seed();
    ws.write(
        "one.en.txt",
        "Just one line of notes on the zircon mission.\n",
    );
    let out = ws.run(&["index"]);
    assert!(
        stderr(&out).contains("read as 1 plain paragraph\n"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["search", "zircon"]);
    assert!(
        stdout(&out).ends_with("1 paragraph matches `zircon`\n"),
        "{}",
        stdout(&out)
    );
}
