//! The engine driven directly, as the web server and any program using the library
//! would: no process, no printing. Search, show, trace, list and refresh; typed
//! errors; `show` from the index alone; searches from two threads while a third
//! updates the index.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::{Workspace, resolution};
use unspace::engine::{Engine, Event, Freshness, SearchRequest, quiet};
use unspace::error::Error;

fn engine(ws: &Workspace) -> Engine {
    Engine::open(&ws.data(), &ws.index()).expect("the engine opens")
}

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.to_owned(),
        limit: 10,
        ..SearchRequest::default()
    }
}

#[test]
fn the_engine_builds_on_first_use_and_reports_through_events() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let engine = engine(&ws);
    // Before any build there is no index to answer from.
    assert!(matches!(
        engine.search(&request("空间碎片")),
        Err(Error::NoIndex { .. })
    ));
    let mut events = Vec::new();
    let results = engine
        .fresh(
            Freshness::Fresh,
            &mut |e| {
                events.push(match e {
                    Event::Updating { first_build } => format!("updating {first_build}"),
                    Event::Files(n) => format!("files {n}"),
                    Event::FileDone(key) => format!("done {key}"),
                    Event::FilesDone => "files done".to_owned(),
                    Event::Updated(report) => format!("updated {}", report.added),
                    Event::Warning(w) => format!("warning {w}"),
                })
            },
            |engine| engine.search(&request("空间碎片")),
        )
        .unwrap();
    assert_eq!(results.total, 3);
    assert_eq!(results.hits[0].symbol, "A/RES/76/76");
    assert_eq!(events.first().map(String::as_str), Some("updating true"));
    assert!(events.contains(&"files 2".to_owned()), "{events:?}");
    assert!(
        events.contains(&"done A-RES-76-76.zh.txt".to_owned()),
        "{events:?}"
    );
    assert_eq!(events.last().map(String::as_str), Some("updated 2"));
    // Unchanged data: no update, no event.
    let mut again = 0;
    engine.refresh(&mut |_| again += 1).unwrap();
    assert_eq!(again, 0);
    // A new file is taken in by refresh.
    ws.copy(&resolution("A-RES-75-92.en.txt"), "A-RES-75-92.en.txt");
    assert!(engine.refresh(&mut quiet).unwrap());
    let found = engine.search(&request("continuity")).unwrap();
    assert!(found.hits.iter().any(|h| h.symbol == "A/RES/75/92"));
    let listed = engine.list(None, None).unwrap();
    let symbols: Vec<&str> = listed.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(symbols, ["A/RES/75/92", "A/RES/76/76"]);
    let seed = &listed[1];
    assert_eq!(seed.languages, ["zh", "en"]);
    assert_eq!(seed.units, 60, "15 preambular + 45 operative paragraphs");
    assert_eq!(seed.date.as_deref(), Some("2021-12-09"));
}

#[test]
fn show_answers_from_the_index_alone_exactly_as_the_file_reads() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let engine = engine(&ws);
    engine.update(Default::default(), &mut quiet).unwrap();
    let parsed = unspace::parse::parse_file(&ws.data().join("A-RES-76-76.en.txt"))
        .unwrap()
        .document;
    // The data folder is gone: show still answers, from the index.
    std::fs::remove_dir_all(ws.data()).unwrap();
    let shown = engine.show("a/res/76/76", None, Some("english")).unwrap();
    assert_eq!(shown.documents.len(), 1);
    let doc = &shown.documents[0];
    assert_eq!(doc.paragraphs, parsed.paragraphs, "every unit as parsed");
    assert_eq!(doc.footnotes, parsed.footnotes, "every footnote as parsed");
    assert_eq!(
        (&doc.symbol, &doc.title, &doc.date, &doc.meeting, doc.kind),
        (
            &parsed.symbol,
            &parsed.title,
            &parsed.date,
            &parsed.meeting,
            parsed.kind
        )
    );
    // One unit, and the same unit in two languages.
    let one = engine.show("A/RES/76/76", Some("16"), Some("zh")).unwrap();
    assert_eq!(one.refs.as_deref(), Some(&["operative:16".to_owned()][..]));
    let both = engine
        .show("A/RES/76/76", Some("p8"), Some("zh,en"))
        .unwrap();
    assert!(both.parallel);
    assert_eq!(both.languages, ["zh", "en"]);
    assert_eq!(both.documents.len(), 2);
    // No language asked: the first held, and the others named.
    let default = engine.show("A/RES/76/76", Some("16"), None).unwrap();
    assert_eq!(default.documents.len(), 1);
    assert_eq!(default.also_in.len(), 1);
}

#[test]
fn errors_are_typed_and_say_what_exists() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let engine = engine(&ws);
    engine.update(Default::default(), &mut quiet).unwrap();
    match engine.show("A/RES/1/1", None, None) {
        Err(Error::UnknownDocument { wanted, known }) => {
            assert_eq!(wanted, "A/RES/1/1");
            assert_eq!(known, ["A/RES/76/76"]);
        }
        other => panic!("{other:?}"),
    }
    match engine.show("A/RES/76/76", Some("99"), Some("en")) {
        Err(e @ Error::NoSuchUnit { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("no operative paragraph 99 (it has 45)"),
                "{text}"
            );
            let Error::NoSuchUnit { units, .. } = e else {
                unreachable!()
            };
            assert_eq!(units.len(), 60);
            assert_eq!(units[0], "p1");
            assert!(units.contains(&"45".to_owned()));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        engine.show("A/RES/76/76", Some("??"), Some("en")),
        Err(Error::BadUnit { .. })
    ));
    assert!(matches!(
        engine.show("A/RES/76/76", None, Some("fr")),
        Err(Error::NotInLanguage { .. })
    ));
    assert!(matches!(
        engine.trace("A/RES/76/76", "16", Some("klingon"), 5),
        Err(Error::UnknownLanguage { .. })
    ));
    assert!(matches!(
        engine.search(&request("\"unclosed")),
        Err(Error::BadQuery(_))
    ));
    let mut filtered = request("space");
    filtered.filters.symbol = Some("A/RES/9/9".to_owned());
    assert!(matches!(
        engine.search(&filtered),
        Err(Error::UnknownDocument { .. })
    ));
    // No library message names a command-line flag.
    for e in [
        engine.show("A/RES/1/1", None, None).unwrap_err(),
        engine.show("A/RES/76/76", None, Some("xx")).unwrap_err(),
        engine.search(&filtered).unwrap_err(),
    ] {
        let text = e.to_string();
        assert!(!text.contains("--") && !text.contains("unspace "), "{text}");
    }
    // Errors in what was asked are told apart from the index's.
    assert!(
        engine
            .show("A/RES/1/1", None, None)
            .unwrap_err()
            .is_request_error()
    );
}

#[test]
fn trace_through_the_engine_finds_the_history() {
    let ws = Workspace::with_resolutions(&[
        "A-RES-76-76.en.txt",
        "A-RES-74-82.en.txt",
        "A-RES-78-72.en.txt",
    ]);
    let engine = engine(&ws);
    engine.update(Default::default(), &mut quiet).unwrap();
    let trace = engine.trace("A/RES/76/76", "16", None, 10).unwrap();
    assert!(trace.total >= 2, "74/82 and 78/72 carry ¶16's wording");
    let years: Vec<Option<u32>> = trace.history.iter().map(|s| s.unit.year).collect();
    assert_eq!(years, [Some(2019), Some(2021), Some(2023)]);
}

#[test]
fn two_threads_search_while_a_third_updates() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let engine = engine(&ws);
    engine.update(Default::default(), &mut quiet).unwrap();
    let before = engine.search(&request("space")).unwrap().total;
    for name in [
        "A-RES-74-82.en.txt",
        "A-RES-78-72.en.txt",
        "A-RES-75-92.en.txt",
        "A-RES-76-22.en.txt",
    ] {
        ws.copy(&resolution(name), name);
    }
    let done = AtomicBool::new(false);
    let (searches, after) = std::thread::scope(|scope| {
        let searcher = || {
            let mut seen = Vec::new();
            while !done.load(Ordering::SeqCst) || seen.is_empty() {
                // Every search answers, from the last commit: the old or the new.
                let results = engine.search(&request("space")).expect("search answers");
                seen.push(results.total);
            }
            seen
        };
        let a = scope.spawn(searcher);
        let b = scope.spawn(searcher);
        let updater = scope.spawn(|| {
            let report = engine.update(Default::default(), &mut quiet).unwrap();
            done.store(true, Ordering::SeqCst);
            report
        });
        let report = updater.join().unwrap();
        assert_eq!(report.added, 4);
        let mut seen = a.join().unwrap();
        seen.extend(b.join().unwrap());
        (seen, engine.search(&request("space")).unwrap().total)
    });
    assert!(after > before, "{before} → {after}");
    assert!(
        searches.iter().all(|&t| t == before || t == after),
        "every answer is one commit's: {before} or {after}, got {searches:?}"
    );
}

/// A search reads the query terms' postings and positions into memory it gives back,
/// rather than mapping those files: after searches, none of them is mapped in the
/// process, while the term dictionaries the searches looked words up in are. A
/// serving engine keeps them mapped instead, for the searches after.
#[cfg(target_os = "linux")]
#[test]
fn searches_leave_no_postings_or_positions_mapped_unless_serving() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let index = |engine: &Engine| -> Vec<String> {
        for query in ["空间碎片", "\"space debris\"", "launch*"] {
            let results = engine
                .fresh(Freshness::Fresh, &mut quiet, |engine| {
                    engine.search(&request(query))
                })
                .unwrap();
            assert!(results.total > 0, "{query}");
        }
        let root = ws.index().canonicalize().unwrap();
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        maps.lines()
            .filter_map(|line| line.split_whitespace().nth(5))
            .filter(|path| std::path::Path::new(path).starts_with(&root))
            .map(str::to_owned)
            .collect()
    };
    let postings = |path: &String| path.ends_with(".idx") || path.ends_with(".pos");
    let mapped = index(&engine(&ws));
    assert!(
        mapped.iter().any(|path| path.ends_with(".term")),
        "the index's term dictionaries are mapped: {mapped:?}"
    );
    assert!(
        !mapped.iter().any(postings),
        "postings or positions mapped: {mapped:?}"
    );
    let mapped = index(&engine(&ws).serving());
    assert!(
        mapped.iter().filter(|path| postings(path)).count() >= 2,
        "a serving engine maps postings and positions: {mapped:?}"
    );
}
