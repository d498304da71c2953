//! How a search notices changes to the data folder at scale: from 1,000 documents on
//! it looks at folders, not files, and behaves as README and `--help` state.

mod common;

use std::fs;

use common::{Workspace, stderr, total};

/// A data folder of `n` small documents in two sub-folders.
fn many(n: usize) -> Workspace {
    let ws = Workspace::new();
    for part in ["a", "b"] {
        fs::create_dir(ws.data().join(part)).unwrap();
    }
    for i in 0..n {
        let part = if i % 2 == 0 { "a" } else { "b" };
        ws.write(
            &format!("{part}/note-{i:04}.en.txt"),
            format!("Note {i} of the Subcommittee on the object numbered item{i}.\n"),
        );
    }
    ws
}

/// Replaces a file the way editors save: a new file renamed over the old.
fn save_by_rename(path: &std::path::Path, text: &str) {
    let temp = path.with_extension("tmp~");
    fs::write(&temp, text).unwrap();
    fs::rename(&temp, path).unwrap();
}

#[test]
fn from_a_thousand_documents_a_search_checks_folders_as_the_rule_says() {
    let ws = many(unspace::index::FOLDER_CHECK_FROM);
    let out = ws.run(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(total(&ws, "item17"), (0, 1));
    // Unchanged: nothing to do, nothing said.
    assert_eq!(stderr(&ws.run(&["search", "item17"])), "");

    // Added in a sub-folder: noticed.
    ws.write("b/added.en.txt", "A note on the zircon mission.\n");
    let out = ws.run(&["search", "zircon"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 added"), "{}", stderr(&out));

    // Saved by rename: noticed.
    save_by_rename(&ws.data().join("a/note-0000.en.txt"), "Now about basalt.\n");
    assert_eq!(total(&ws, "basalt"), (0, 1));
    assert_eq!(total(&ws, "item0"), (1, 0));

    // Changed in place: as stated, not seen by a search, seen by `unspace index`.
    fs::write(ws.data().join("a/note-0002.en.txt"), "Now about granite.\n").unwrap();
    assert_eq!(total(&ws, "granite"), (1, 0));
    let out = ws.run(&["index"]);
    assert!(stderr(&out).contains("1 updated"), "{}", stderr(&out));
    assert_eq!(total(&ws, "granite"), (0, 1));

    // Removed: noticed.
    fs::remove_file(ws.data().join("b/added.en.txt")).unwrap();
    assert_eq!(total(&ws, "zircon"), (1, 0));
    // A hidden file come and gone changes a folder but no document: the next search
    // records the folders, and the one after is quiet again.
    fs::write(ws.data().join("a/.lock"), "x").unwrap();
    fs::remove_file(ws.data().join("a/.lock")).unwrap();
    let out = ws.run(&["search", "item17"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&ws.run(&["search", "item17"])), "");
}

#[test]
fn below_a_thousand_documents_every_file_is_checked() {
    let ws = many(20);
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    fs::write(ws.data().join("a/note-0002.en.txt"), "Now about granite.\n").unwrap();
    assert_eq!(total(&ws, "granite"), (0, 1), "an edit in place is seen");
}
