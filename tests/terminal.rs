//! The terminal experience, driven as a user would: in a pseudo-terminal of 80×24
//! (`script`), through a pager, piped, as a compact list; exact words in quotes;
//! filters that say what exists; JSON offsets; the README's examples on the default
//! corpus.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Workspace, corpus, stderr, stdout};
use serde_json::Value;

/// The seed resolution, A/RES/76/76 in Chinese and English, in a fresh workspace.
fn seed_corpus() -> Workspace {
    Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"])
}

/// Runs unspace with `args` in a pseudo-terminal of `cols` columns (stdin, stdout and
/// stderr all a terminal), with `env` set; returns what the terminal showed.
fn in_terminal(ws: &Workspace, cols: u32, env: &[(&str, &str)], args: &str) -> String {
    let inner = format!(
        "stty cols {cols} rows 24; {} {args}",
        env!("CARGO_BIN_EXE_unspace")
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &inner, "/dev/null"])
        .current_dir(ws.dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

/// Removes SGR colour codes.
fn plain(text: &str) -> String {
    let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    re.replace_all(text, "").into_owned()
}

/// Display columns, written apart from the engine: CJK ideographs and full-width
/// punctuation take two.
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| match c {
            '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FF60}' => 2,
            '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–' => 1,
            _ => 1,
        })
        .sum()
}

#[test]
fn output_wraps_to_the_terminal_with_a_hanging_indent() {
    let ws = seed_corpus();
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    for query in ["'space debris'", "空间碎片"] {
        let shown = plain(&in_terminal(
            &ws,
            80,
            &[("PAGER", "cat")],
            &format!("search {query}"),
        ));
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines.len() > 10, "{shown}");
        for line in &lines {
            assert!(
                columns(line) <= 80,
                "{query}: {} columns: {line}",
                columns(line)
            );
        }
        // Every line of a hit but its citation is indented; the words come back whole.
        let json: Value = serde_json::from_str(&stdout(&ws.run(&[
            "search",
            query.trim_matches('\''),
            "--json",
        ])))
        .unwrap();
        let first = json["hits"][0]["text"].as_str().unwrap();
        // The citation line, and the title and date wrapped under it.
        let start = lines
            .iter()
            .position(|l| l.contains("2021-12-09)"))
            .unwrap();
        let body: Vec<&str> = lines[start + 1..]
            .iter()
            .take_while(|l| !l.is_empty() && !l.trim_start().starts_with('['))
            .copied()
            .collect();
        assert!(body.iter().all(|l| l.starts_with("    ")), "{body:?}");
        let sep = if query.contains('空') { "" } else { " " };
        let rejoined: Vec<&str> = body.iter().map(|l| l.trim()).collect();
        let rejoined = rejoined.join(sep);
        assert!(
            first.starts_with(&rejoined) || rejoined.starts_with(first),
            "{rejoined}\n{first}"
        );
    }
}

#[test]
fn long_output_is_paged_in_a_terminal_and_never_when_piped() {
    let ws = seed_corpus();
    let pager = [("PAGER", "echo PAGED-BY-PAGER; cat")];
    let shown = in_terminal(&ws, 80, &pager, "search 外层空间");
    assert!(shown.contains("PAGED-BY-PAGER"), "{shown}");
    assert!(shown.contains("第76/76号决议"));
    let shown = in_terminal(&ws, 80, &pager, "search 外层空间 --no-pager");
    assert!(!shown.contains("PAGED-BY-PAGER") && shown.contains("第76/76号决议"));
    let out = ws
        .command(&["search", "外层空间"])
        .env("PAGER", pager[0].1)
        .output()
        .unwrap();
    assert!(
        !stdout(&out).contains("PAGED-BY-PAGER"),
        "piped output is not paged"
    );
    // TERM=dumb: no colour, no pager.
    let shown = in_terminal(
        &ws,
        80,
        &[("PAGER", pager[0].1), ("TERM", "dumb")],
        "search 外层空间",
    );
    assert!(
        !shown.contains('\x1b') && !shown.contains("PAGED-BY-PAGER"),
        "{shown:?}"
    );
    let shown = in_terminal(&ws, 80, &[("PAGER", "cat")], "search 外层空间");
    assert!(shown.contains("\x1b[1;31m"), "colour in a terminal");
    let shown = in_terminal(
        &ws,
        80,
        &[("PAGER", "cat"), ("NO_COLOR", "1")],
        "search 外层空间",
    );
    assert!(!shown.contains("\x1b[1;31m"));
}

#[test]
fn the_list_shows_one_line_per_paragraph_with_the_match() {
    let ws = seed_corpus();
    let out = ws.run(&["search", "space debris", "--list", "-n", "50"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let json: Value = serde_json::from_str(&stdout(&ws.run(&[
        "search",
        "space debris",
        "--json",
        "-n",
        "50",
    ])))
    .unwrap();
    let hits = json["hits"].as_array().unwrap().len();
    assert_eq!(lines.len(), hits + 2, "{text}");
    for line in &lines[..hits] {
        assert!(line.starts_with("resolution 76/76, "), "{line}");
        assert!(line.to_lowercase().contains("debris"), "{line}");
        assert!(columns(line) <= 130, "{line}");
    }
    assert_eq!(
        lines[hits + 1],
        format!("{hits} paragraphs match `space debris`")
    );
    let shown = plain(&in_terminal(
        &ws,
        80,
        &[("PAGER", "cat")],
        "search 空间碎片 -l",
    ));
    for line in shown.lines().filter(|l| l.starts_with("A/RES")) {
        assert!(columns(line) <= 80 && line.contains("空间碎片"), "{line}");
    }
}

#[test]
fn quotes_mean_the_words_exactly_as_typed() {
    let ws = seed_corpus();
    let found = |q: &str| -> Vec<String> {
        let out = ws.run(&["search", q, "--json", "-n", "1000", "--lang", "en"]);
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let word = |w: &str| regex::Regex::new(&format!(r"(?i)\b{w}\b")).unwrap();
    for (term, inflected) in [("national", "nations"), ("appropriate", "appropriation")] {
        let exact = found(&format!("\"{term}\""));
        assert!(!exact.is_empty(), "{term}");
        let oracle = found(term);
        for text in &exact {
            assert!(word(term).is_match(text), "{term}: {text}");
        }
        let with_word = oracle.iter().filter(|t| word(term).is_match(t)).count();
        assert_eq!(
            exact.len(),
            with_word,
            "{term}: every paragraph with the word"
        );
        assert!(
            oracle.len() >= exact.len(),
            "{term}: unquoted also finds {inflected} and other inflections"
        );
    }
    let unquoted = found("national");
    assert!(
        unquoted.iter().any(|t| !word("national").is_match(t)),
        "inflections without quotes"
    );
}

#[test]
fn filters_that_match_nothing_say_what_exists() {
    let ws = seed_corpus();
    let total = |args: &[&str]| -> u64 {
        let mut all = vec!["search", "空间碎片", "--json"];
        all.extend_from_slice(args);
        let out = ws.run(&all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(total(&["--doc", "a/res/76/76"]), 3);
    assert_eq!(total(&["--lang", "chinese"]), 3);
    assert_eq!(total(&["--lang", "ZH", "--year", "2021"]), 3);
    for (args, says) in [
        (&["--lang", "klingon"][..], "the index has: en, zh"),
        (&["--year", "21"], "documents of: 2021"),
        (&["--doc", "A/RES/1/1"], "it holds: A/RES/76/76"),
    ] {
        let mut all = vec!["search", "空间碎片"];
        all.extend_from_slice(args);
        let out = ws.run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // A real language or year that no document has: nothing found, and a note.
    for (args, says) in [
        (
            &["--lang", "fr"][..],
            "no documents in that language; the index has: en, zh",
        ),
        (
            &["--year", "2020"],
            "no document of that year in the index; it has documents of: 2021",
        ),
    ] {
        let mut all = vec!["search", "空间碎片"];
        all.extend_from_slice(args);
        let out = ws.run(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = ws.run(&["show", "A/RES/76/76", "16"]);
    assert!(
        stderr(&out).contains("showing the en text; also in zh (--lang zh)"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["search", "asteroid"]);
    assert!(
        stdout(&out).ends_with("1 paragraph matches `asteroid`\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_says_where_it_matched_and_gives_character_offsets() {
    let ws = seed_corpus();
    let out = ws.run(&["search", "空间碎片", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for hit in v["hits"].as_array().unwrap() {
        assert_eq!(hit["matched_in"], "text");
        let chars: Vec<char> = hit["text"].as_str().unwrap().chars().collect();
        for pair in hit["highlights_chars"].as_array().unwrap() {
            let (s, e) = (
                pair[0].as_u64().unwrap() as usize,
                pair[1].as_u64().unwrap() as usize,
            );
            assert_eq!(chars[s..e].iter().collect::<String>(), "空间碎片");
        }
    }
    // A/62/20 is cited only in a footnote.
    let out = ws.run(&["search", "A/62/20", "--json", "-n", "100"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let places: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["matched_in"].as_str().unwrap())
        .collect();
    assert!(places.contains(&"footnote"), "{places:?}");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("highlights_chars") && readme.contains("matched_in"));
}

#[test]
fn every_readme_example_answers_on_a_fresh_clone() {
    let ws = Workspace::default_corpus();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut ran = Vec::new();
    for line in readme.lines() {
        let Some(command) = line.trim().strip_prefix("unspace ") else {
            continue;
        };
        // The example as the README's reader would type it into sh (a comment
        // follows two spaces or more).
        let command = command.split("  ").next().unwrap().trim();
        let script = format!("{} {command}", env!("CARGO_BIN_EXE_unspace"));
        let out = Command::new("sh")
            .args(["-c", &script])
            .current_dir(ws.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "README: unspace {command}: {}",
            stderr(&out)
        );
        ran.push(command.split(' ').next().unwrap().to_owned());
    }
    for verb in ["search", "show", "trace", "list", "index"] {
        assert!(
            ran.iter().any(|v| v == verb),
            "README has a `{verb}` example: {ran:?}"
        );
    }
    assert!(ran.len() >= 20, "{} README examples", ran.len());
}

/// On clean official data a search's first build says in one line how documents
/// were read; `unspace index` lists every note.
#[test]
fn notes_on_reading_are_summed_up_by_a_search_and_listed_by_index() {
    let ws = Workspace::default_corpus();
    let out = ws.run(&["search", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings = err.lines().filter(|l| l.contains("warning")).count();
    assert_eq!(warnings, 0, "{err}");
    assert!(
        err.contains("notes on how") && err.contains("`unspace index --rebuild` lists them"),
        "{err}"
    );
    assert!(err.lines().count() <= 3, "{err}");
    let out = ws.run(&["index", "--rebuild"]);
    let err = stderr(&out);
    assert!(
        err.lines().filter(|l| l.contains("warning:")).count() > 20,
        "{err}"
    );
}

/// Reading a PDF takes seconds: in a terminal the index shows that it is reading,
/// with a clock; piped, nothing of the bar is printed.
#[test]
fn progress_shows_while_a_pdf_is_read_and_only_in_a_terminal() {
    let ws = Workspace::new();
    ws.copy(
        &corpus().join("handbook/pdf/ST-SPACE-61-Rev3.en.pdf"),
        "ST-SPACE-61-Rev3.en.pdf",
    );
    let shown = plain(&in_terminal(&ws, 120, &[], "index"));
    assert!(shown.contains("reading 1 file"), "{shown}");
    assert!(shown.contains("0/1"), "{shown}");
    let out = ws.run(&["index", "--rebuild"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("reading 1 file"), "{}", stderr(&out));
}
