//! Parallel view: the same unit in the other languages, found on the index by
//! document id and ref; `show … --lang zh,en,fr` and `search … --parallel` as a
//! user drives them, in a terminal and as JSON; missing languages and units said.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{Workspace, corpus, resolution, stderr, stdout};
use serde_json::Value;
use unspace::parse::parse_file;

const LANGUAGES: [&str; 5] = ["zh", "en", "fr", "es", "ru"];

fn instruments() -> PathBuf {
    corpus().join("handbook/instruments")
}

/// The 18 instruments in five languages and A/RES/76/76 in zh and en, indexed.
fn everything() -> Workspace {
    let ws = Workspace::new();
    for entry in std::fs::read_dir(instruments()).unwrap().flatten() {
        ws.copy(&entry.path(), entry.file_name().to_str().unwrap());
    }
    for name in ["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"] {
        ws.copy(&resolution(name), name);
    }
    ws.indexed();
    ws
}

#[test]
fn every_unit_has_its_counterpart_in_every_other_language_present() {
    let ws = everything();
    let library = unspace::index::Library::open(&ws.index()).unwrap().unwrap();
    let reader: tantivy::IndexReader = library.index.reader().unwrap();
    let searcher = reader.searcher();
    // Documents by id, each with its languages' refs, read by the parser.
    let mut documents: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for entry in std::fs::read_dir(ws.data()).unwrap().flatten() {
        let doc = parse_file(&entry.path()).unwrap().document;
        let refs = doc.paragraphs.iter().map(|p| p.r#ref.clone()).collect();
        documents
            .entry(doc.symbol)
            .or_default()
            .push((doc.language, refs));
    }
    assert_eq!(
        documents.len(),
        19,
        "{:?}",
        documents.keys().collect::<Vec<_>>()
    );
    let mut checked = 0;
    for (symbol, versions) in &documents {
        let expected = if symbol == "A/RES/76/76" { 2 } else { 5 };
        assert_eq!(
            versions.len(),
            expected,
            "{symbol}: one id in every language"
        );
        for (language, refs) in versions {
            for r in refs {
                for (other, _) in versions.iter().filter(|(l, _)| l != language) {
                    let found =
                        unspace::search::counterpart(&searcher, &library.fields, symbol, r, other)
                            .unwrap();
                    assert!(
                        found.text.is_some(),
                        "{symbol} {r}: {language} has it, {other} not"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked} counterparts checked");

    // The counterpart is the right unit: its first words, read off the texts.
    let samples: [(&str, &str, [&str; 5]); 5] = [
        (
            "outer-space-treaty",
            "article:4",
            [
                "各缔约国保证",
                "States Parties to the Treaty undertake",
                "Les États parties au Traité s’engagent",
                "Los Estados Partes en el Tratado se comp",
                "Государства — участники Договора обязуют",
            ],
        ),
        (
            "lts-guidelines",
            "guideline:B.8/para:1",
            [
                "鼓励各国和政府间国际组织",
                "States and international inter",
                "Les États et les organisations",
                "Se alienta a los Estados",
                "Государствам и международным",
            ],
        ),
        (
            "remote-sensing-principles",
            "principle:10",
            [
                "遥感应促进地球自然环境的保护",
                "Remote sensing shall promote",
                "La télédétection doit promouvo",
                "La teleobservación deberá prom",
                "Дистанционное зондирование дол",
            ],
        ),
        (
            "liability-convention",
            "article:2",
            [
                "发射国对其外空物体",
                "A launching State shall be abs",
                "Un État de lancement a la resp",
                "Un Estado de lanzamiento tendr",
                "Запускающее государство несет",
            ],
        ),
        (
            "A/RES/76/76",
            "operative:16",
            [
                "认为会员国必须更加关注空间物体",
                "Considers that it is essential",
                "",
                "",
                "",
            ],
        ),
    ];
    for (symbol, r, starts) in samples {
        for (language, start) in LANGUAGES.iter().zip(starts).filter(|(_, s)| !s.is_empty()) {
            let found =
                unspace::search::counterpart(&searcher, &library.fields, symbol, r, language)
                    .unwrap();
            let text = found.text.unwrap_or_default();
            assert!(text.starts_with(start), "{symbol} {r} {language}: {text}");
        }
    }
}

fn treaty_workspace() -> Workspace {
    let ws = Workspace::new();
    for language in LANGUAGES {
        let name = format!("outer-space-treaty.{language}.txt");
        ws.copy(&instruments().join(&name), &name);
    }
    for name in ["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"] {
        ws.copy(&resolution(name), name);
    }
    ws
}

#[test]
fn show_prints_a_unit_in_several_languages_as_json_and_side_by_side() {
    let ws = treaty_workspace();
    let out = ws.run(&[
        "show",
        "outer-space-treaty",
        "art. IV",
        "--lang",
        "zh,en,fr",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["symbol"], "outer-space-treaty");
    assert_eq!(v["ref"], "article:4");
    let versions = v["versions"].as_array().unwrap();
    let languages: Vec<&str> = versions
        .iter()
        .map(|x| x["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["zh", "en", "fr"]);
    for version in versions {
        let paragraph = &version["paragraphs"][0];
        assert_eq!(paragraph["ref"], "article:4");
        assert!(version["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(paragraph["footnotes"].is_array() && paragraph.get("heading").is_some());
    }
    assert!(
        versions[2]["paragraphs"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Les États parties")
    );

    // A terminal of 120 columns: three columns, each line within the width.
    let inner = format!(
        "stty cols 120 rows 40; {} --color never show outer-space-treaty 'article IV' --lang zh,en,fr",
        env!("CARGO_BIN_EXE_unspace")
    );
    let shown = std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(ws.dir.path())
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout).replace("\r\n", "\n");
    let head = shown.lines().find(|l| l.contains("第四条")).expect(&shown);
    assert!(
        head.contains("[zh]") && head.contains("[en]") && head.contains("[fr]"),
        "{head}"
    );
    assert!(
        head.contains("art. IV") && head.matches('│').count() == 2,
        "{head}"
    );
    // Piped (no width): one language after the other, each headed by its citation.
    let out = ws.run(&["show", "outer-space-treaty", "art. 4", "--lang", "all"]);
    let text = stdout(&out);
    let heads: Vec<&str> = text.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(heads.len(), 5, "{text}");
    assert!(
        heads[0].starts_with("[zh] 《外层空间条约》第四条"),
        "{heads:?}"
    );
    assert!(
        heads[4].starts_with("[ru] Договор по космосу, ст. IV"),
        "{heads:?}"
    );
}

#[test]
fn search_shows_each_hit_in_the_other_languages() {
    let ws = treaty_workspace();
    let out = ws.run(&["search", "空间碎片", "--parallel", "en", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for hit in v["hits"].as_array().unwrap() {
        let parallel = hit["parallel"].as_array().unwrap();
        assert_eq!(parallel.len(), 1);
        assert_eq!(parallel[0]["language"], "en");
        assert_eq!(parallel[0]["ref"], hit["ref"]);
        assert!(
            parallel[0]["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("debris")
        );
    }
    let out = ws.run(&[
        "search",
        "weapons of mass destruction",
        "--parallel",
        "zh,ru",
    ]);
    let text = stdout(&out);
    assert!(text.contains("  [zh] 《外层空间条约》第四条"), "{text}");
    assert!(text.contains("各缔约国保证"), "{text}");
    assert!(text.contains("  [ru] Договор по космосу, ст. IV"), "{text}");
}

#[test]
fn a_missing_language_or_unit_is_said_never_dropped() {
    let ws = treaty_workspace();
    std::fs::remove_file(ws.data().join("outer-space-treaty.fr.txt")).unwrap();
    let out = ws.run(&[
        "search",
        "\"weapons of mass destruction\"",
        "--parallel",
        "fr,zh",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let parallel = v["hits"][0]["parallel"].as_array().unwrap();
    assert_eq!(parallel[0]["language"], "fr");
    assert!(parallel[0]["text"].is_null());
    assert!(
        parallel[0]["missing"]
            .as_str()
            .unwrap()
            .starts_with("no fr text of Outer Space Treaty, "),
        "{parallel:?}"
    );
    assert!(parallel[1]["text"].is_string());
    let out = ws.run(&["search", "空间碎片", "--parallel", "fr", "-n", "1"]);
    assert!(
        stdout(&out).contains("[fr] no fr text of resolution 76/76, para. 15"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["show", "outer-space-treaty", "art. IV", "--lang", "en,fr"]);
    assert!(
        stdout(&out).contains("no fr text of outer-space-treaty in data"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["show", "A/RES/76/76", "16", "--lang", "zh,en,es", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        v["versions"][2]["missing"][0]
            .as_str()
            .unwrap()
            .contains("no es text of A/RES/76/76")
    );
}
