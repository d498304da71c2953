//! Names and citations as users give them: every citation the tool prints, in every
//! language, is accepted back by `show` and gives that very unit — on the default
//! corpus (the handbook's text slices and the resolutions) and on the handbook's
//! official PDFs; documents are named by their UN symbols in common spellings and
//! by their titles; every instrument is dated.

mod common;

use common::{Workspace, copy_tree, corpus, stderr, stdout};
use unspace::engine::{Engine, Freshness, SearchRequest, quiet};

fn built(data: &std::path::Path) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(data, &dir.path().join("index")).unwrap();
    engine.update(Default::default(), &mut quiet).unwrap();
    (dir, engine)
}

/// Gives every unit's printed citation, in its language, back to `show` as one
/// argument; returns how many were checked.
fn round_trip(engine: &Engine) -> usize {
    let mut checked = 0;
    let mut failures = Vec::new();
    for info in engine.list(None, None).unwrap() {
        for language in &info.languages {
            let shown = engine.show(&info.id, None, Some(language)).unwrap();
            let doc = &shown.documents[0];
            for p in &doc.paragraphs {
                let cited = unspace::model::citation::cite(
                    &doc.symbol,
                    &doc.language,
                    p.kind,
                    p.number,
                    &p.r#ref,
                    p.label.as_deref(),
                );
                checked += 1;
                match engine.show(&cited, None, None) {
                    Ok(back) => {
                        let same = back.documents[0].symbol == doc.symbol
                            && back.refs.as_deref() == Some(std::slice::from_ref(&p.r#ref));
                        if !same {
                            failures.push(format!(
                                "{cited} ({} {}) gave {} {:?}",
                                doc.symbol, p.r#ref, back.symbol, back.refs
                            ));
                        }
                    }
                    Err(e) => failures.push(format!("{cited} ({} {}): {e}", doc.symbol, p.r#ref)),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} citations not given back:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
    checked
}

#[test]
fn every_citation_of_the_default_corpus_is_given_back() {
    let (_dir, engine) = built(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
    let checked = round_trip(&engine);
    assert!(checked > 3000, "{checked} citations");
    // Every instrument is dated, and filed under its year.
    for info in engine.list(None, None).unwrap() {
        assert!(info.date.is_some(), "{} is dated", info.id);
    }
    let ost = engine.list(Some("en"), Some(1967)).unwrap();
    assert_eq!(
        ost.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["outer-space-treaty"]
    );
    assert_eq!(ost[0].symbol.as_deref(), Some("A/RES/2222 (XXI)"));
    assert_eq!(ost[0].title, "Outer Space Treaty");
}

#[test]
fn every_citation_of_the_handbook_pdfs_is_given_back() {
    let ws = Workspace::new();
    copy_tree(&corpus().join("handbook/pdf"), &ws.data());
    let (_dir, engine) = built(&ws.data());
    assert!(round_trip(&engine) > 2500);
}

#[test]
fn citations_are_printed_in_un_style_in_each_language() {
    let (_dir, engine) = built(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
    let cite = |doc: &str, unit: &str, language: &str| {
        let shown = engine.show(doc, Some(unit), Some(language)).unwrap();
        let d = &shown.documents[0];
        let p = d
            .paragraphs
            .iter()
            .find(|p| shown.refs.as_ref().unwrap().contains(&p.r#ref))
            .unwrap();
        unspace::model::citation::cite(
            &d.symbol,
            language,
            p.kind,
            p.number,
            &p.r#ref,
            p.label.as_deref(),
        )
    };
    assert_eq!(
        cite("A/RES/76/76", "16", "en"),
        "resolution 76/76, para. 16"
    );
    assert_eq!(cite("A/RES/76/76", "16", "zh"), "第76/76号决议第16段");
    assert_eq!(
        cite("A/RES/76/76", "p8", "zh"),
        "第76/76号决议序言部分第8段"
    );
    assert_eq!(
        cite("outer-space-treaty", "art. 4", "en"),
        "Outer Space Treaty, art. IV"
    );
    assert_eq!(
        cite("outer-space-treaty", "art. 4", "zh"),
        "《外层空间条约》第四条"
    );
    assert_eq!(
        cite("outer-space-treaty", "art. 4", "ru"),
        "Договор по космосу, ст. IV"
    );
    assert!(cite("moon-agreement", "art. 1", "zh").starts_with("《月球协定》第1条"));
    assert_eq!(
        cite("1962 (XVIII)", "principle 6", "en"),
        "resolution 1962 (XVIII), principle 6"
    );
    assert_eq!(
        cite("A/RES/1721 (XVI)", "part:A/operative:2", "en"),
        "resolution 1721 A (XVI), para. 2"
    );
    assert!(cite("lts-guidelines", "guideline B.8", "en").ends_with(", guideline B.8, para. 1"));
    assert_eq!(
        cite("liability-convention", "art. IX", "fr"),
        "Convention sur la responsabilité, art. IX".replace(
            "Convention sur la responsabilité",
            &engine
                .show("liability-convention", Some("art. IX"), Some("fr"))
                .map(|_| unspace::model::catalogue::by_id("liability-convention")
                    .unwrap()
                    .cite["fr"]
                    .clone())
                .unwrap()
        )
    );
}

#[test]
fn documents_and_units_are_named_as_users_write_them() {
    let (_dir, engine) = built(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
    for name in [
        "A/RES/1962 (XVIII)",
        "A/RES/1962(XVIII)",
        "1962 (xviii)",
        "a/res/1962/XVIII",
        "Declaration of Legal Principles",
        "legal-principles-declaration",
    ] {
        let shown = engine.show(name, Some("principle 6"), Some("en")).unwrap();
        assert_eq!(shown.symbol, "legal-principles-declaration", "{name}");
        assert_eq!(shown.refs.unwrap(), ["operative:1/para:6"], "{name}");
    }
    for name in [
        "76/76",
        "A/RES/76/76",
        "a/res/76/76",
        "resolution 76/76",
        "第76/76号决议",
    ] {
        assert_eq!(
            engine.show(name, Some("¶16"), None).unwrap().symbol,
            "A/RES/76/76",
            "{name}"
        );
    }
    for name in [
        "Outer Space Treaty",
        "外层空间条约",
        "traité sur l'espace extra-atmospherique",
        "Tratado sobre el Espacio Ultraterrestre",
        "Договор по космосу",
    ] {
        assert_eq!(
            engine.show(name, None, None).unwrap().symbol,
            "outer-space-treaty",
            "{name}"
        );
    }
    // Unit labels in the five languages, as printed or as cited.
    for unit in [
        "art. 4",
        "Article IV",
        "第四条",
        "ст. 4",
        "статья IV",
        "artículo IV",
        "art. IV",
        "article:4",
    ] {
        let shown = engine
            .show("outer-space-treaty", Some(unit), Some("en"))
            .unwrap();
        assert_eq!(shown.refs.unwrap(), ["article:4"], "{unit}");
    }
    for unit in [
        "¶16",
        "para. 16",
        "par. 16",
        "párr. 16",
        "п. 16",
        "第16段",
        "16",
    ] {
        let shown = engine.show("A/RES/76/76", Some(unit), Some("en")).unwrap();
        assert_eq!(shown.refs.unwrap(), ["operative:16"], "{unit}");
    }
    let shown = engine
        .show("A/RES/76/76", Some("preambular para. 8"), Some("en"))
        .unwrap();
    assert_eq!(shown.refs.unwrap(), ["preamble:8"]);
    let c1 = engine
        .show("lts-guidelines", Some("guideline C.1"), Some("en"))
        .unwrap();
    let c1 = c1.refs.unwrap();
    assert!(
        !c1.is_empty()
            && c1
                .iter()
                .all(|r| r == "guideline:C.1" || r.starts_with("guideline:C.1/")),
        "{c1:?}"
    );
    // A wrong unit lists the units that exist.
    let err = engine
        .show("outer-space-treaty", Some("art. 40"), Some("en"))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("has no unit article:40") && text.contains("art. XVII"),
        "{text}"
    );
    // --doc takes the same names.
    let mut request = SearchRequest {
        query: "launching State".to_owned(),
        limit: 100,
        ..SearchRequest::default()
    };
    request.filters.symbol = Some("Liability Convention".to_owned());
    let found = engine
        .fresh(Freshness::AsIs, &mut quiet, |e| e.search(&request))
        .unwrap();
    assert!(found.total > 5);
    assert!(
        found
            .hits
            .iter()
            .all(|h| h.symbol == "liability-convention")
    );
    assert!(
        found
            .hits
            .iter()
            .all(|h| h.citation.starts_with("Liability Convention, "))
    );
    // --kind article, repeated with principle.
    request.filters.symbol = None;
    request.filters.units = vec!["article".to_owned()];
    let articles = engine.search(&request).unwrap();
    assert!(
        articles.total > 0
            && articles
                .hits
                .iter()
                .all(|h| h.r#ref.starts_with("article:"))
    );
    request.filters.units.push("principle".to_owned());
    let both = engine.search(&request).unwrap();
    assert!(both.total > articles.total);
}

#[test]
fn the_command_line_takes_a_whole_citation_and_lists_documents() {
    let ws = Workspace::default_corpus();
    let out = ws.run(&["show", "Liability Convention, art. IX"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Liability Convention, art. IX"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["show", "《外层空间条约》第四条"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("outer-space-treaty — 关于各国探索"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 32, "18 instruments and 14 resolutions");
    let text = stdout(&ws.run(&["list", "--lang", "fr"]));
    assert!(
        text.contains("outer-space-treaty (A/RES/2222 (XXI))  1967-01-27"),
        "{text}"
    );
    let out = ws.run(&[
        "search",
        "launching State",
        "--kind",
        "article",
        "--kind",
        "principle",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
