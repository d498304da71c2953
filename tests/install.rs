//! unspace as installed: run from a folder with no `data/`, it makes the user's
//! library from the bundled corpus and says so once; a `--data` given without
//! `--index` keeps its index in the user's cache; nothing is ever written into the
//! folder the user stands in.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{stderr, stdout};

/// The binary run in `cwd` with a clean environment whose home is `home`.
fn run(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unspace"))
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .args(args)
        .output()
        .expect("run unspace")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn from_an_empty_folder_the_bundled_corpus_answers_and_is_said_once() {
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let out = run(cwd.path(), home.path(), &["search", "空间碎片", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let library = home.path().join(".local/share/unspace/data");
    assert!(
        err.contains("using your library at") && err.contains(&library.display().to_string()),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        v["total"].as_u64().unwrap() >= 10,
        "the whole corpus answers"
    );
    // The library holds the bundled corpus, file for file.
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for folder in ["resolutions", "instruments"] {
        assert_eq!(
            entries(&library.join(folder)),
            entries(&bundled.join(folder))
        );
    }
    assert_eq!(
        fs::read(library.join("resolutions/A-RES-76-76.zh.txt")).unwrap(),
        fs::read(bundled.join("resolutions/A-RES-76-76.zh.txt")).unwrap()
    );
    assert!(
        entries(cwd.path()).is_empty(),
        "nothing written where the user stands"
    );
    // Said once: the second search is quiet.
    let again = run(cwd.path(), home.path(), &["search", "发射国", "--list"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stderr(&again).is_empty(), "{}", stderr(&again));
    let show = run(
        cwd.path(),
        home.path(),
        &[
            "show",
            "outer-space-treaty",
            "art. IV",
            "--lang",
            "all",
            "--json",
        ],
    );
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
}

#[test]
fn data_given_without_index_keeps_its_index_in_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    fs::copy(
        common::resolution("A-RES-76-76.zh.txt"),
        docs.path().join("A-RES-76-76.zh.txt"),
    )
    .unwrap();
    let data = docs.path().display().to_string();
    let out = run(
        cwd.path(),
        home.path(),
        &["--data", &data, "search", "空间碎片"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        entries(cwd.path()).is_empty(),
        "no ./index: {:?}",
        entries(cwd.path())
    );
    assert_eq!(
        entries(docs.path()),
        ["A-RES-76-76.zh.txt"],
        "nothing in the data folder"
    );
    let cache = home.path().join(".cache/unspace");
    let indexes = entries(&cache);
    assert_eq!(indexes.len(), 1, "{indexes:?}");
    assert!(indexes[0].starts_with("index-"), "{indexes:?}");
    // The same data folder, named another way, finds the same index.
    let relative = run(
        docs.path(),
        home.path(),
        &["--data", ".", "search", "空间碎片"],
    );
    assert_eq!(relative.status.code(), Some(0), "{}", stderr(&relative));
    assert!(
        !stderr(&relative).contains("building"),
        "{}",
        stderr(&relative)
    );
    assert_eq!(entries(&cache).len(), 1);
}
