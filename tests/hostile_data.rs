//! Hostile and odd entries in data/: links to nothing, loops, FIFOs, devices, huge
//! files, files that come and go, stray bytes, odd encodings and line ends, names
//! that are not UTF-8, files that always fail, two files of one document, an index
//! folder inside data/. One odd entry never stops the others, nothing hangs, and
//! each gets a message that names it.

mod common;

use std::fs;
use std::time::Duration;

use common::{Workspace, resolution, run_within, shown_paragraphs, stderr, stdout, total};

const LIMIT: Duration = Duration::from_secs(120);

fn seed_and_75_92() -> Workspace {
    Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-75-92.en.txt"])
}

#[test]
fn dangling_links_and_link_loops_are_skipped_with_a_warning() {
    let ws = seed_and_75_92();
    let data = ws.data();
    std::os::unix::fs::symlink(
        "/nonexistent/A-RES-1-1.en.txt",
        data.join("dangling.en.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("loop.en.txt", data.join("loop.en.txt")).unwrap();
    std::os::unix::fs::symlink("..", data.join("parent")).unwrap();
    std::os::unix::fs::symlink(".", data.join("itself")).unwrap();
    let out = run_within(ws.command(&["index"]), LIMIT);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("dangling.en.txt: skipped: a symbolic link to nothing"),
        "{err}"
    );
    assert!(
        err.contains("loop.en.txt: skipped: a symbolic link that leads back to itself"),
        "{err}"
    );
    assert!(err.contains("2 added"), "{err}");
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
    assert!(total(&ws, "Continuity").1 > 0);
}

#[test]
fn a_file_that_comes_and_goes_during_searches_fails_none_of_them() {
    let ws = seed_and_75_92();
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    let text = fs::read(resolution("A-RES-76-22.en.txt")).unwrap();
    let path = ws.data().join("A-RES-76-22.en.txt");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let outcomes: Vec<(Option<i32>, String)> = std::thread::scope(|scope| {
        scope.spawn(|| {
            // Whole or absent: written under a hidden name, then renamed into place.
            let hidden = ws.data().join(".A-RES-76-22.en.txt.part");
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = fs::write(&hidden, &text);
                let _ = fs::rename(&hidden, &path);
                let _ = fs::remove_file(&path);
            }
        });
        let outcomes = (0..25)
            .map(|_| {
                let out = ws.run(&["search", "空间碎片", "--json"]);
                (out.status.code(), stderr(&out))
            })
            .collect();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        outcomes
    });
    for (code, err) in outcomes {
        assert_eq!(code, Some(0), "{err}");
        assert!(!err.contains("error"), "{err}");
    }
    let _ = fs::remove_file(&path);
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
}

#[test]
fn a_stray_byte_in_utf8_is_replaced_and_reported_not_read_as_gb18030() {
    let ws = Workspace::new();
    for (name, word) in [
        ("A-RES-76-76.en.txt", "Decides"),
        ("A-RES-76-76.zh.txt", "决定"),
    ] {
        let mut bytes = fs::read(resolution(name)).unwrap();
        let at = bytes
            .windows(word.len())
            .position(|w| w == word.as_bytes())
            .unwrap()
            + word.len();
        bytes.insert(at, 0xE9);
        ws.write(name, &bytes);
        let out = ws.run(&["index"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            err.contains(&format!("{name}: not valid UTF-8 at byte {at}")),
            "{err}"
        );
    }
    for lang in ["en", "zh"] {
        let paragraphs = shown_paragraphs(&ws, "A/RES/76/76", lang);
        assert_eq!(paragraphs.len(), 60, "{lang}: every paragraph read");
        let text: String = paragraphs
            .iter()
            .map(|p| p["text"].as_str().unwrap())
            .collect();
        assert!(text.contains('\u{FFFD}'), "{lang}: the bad byte is marked");
        assert!(!text.contains("茅"), "{lang}: not decoded as GB18030");
    }
    assert!(total(&ws, "\"space debris\"").1 >= 3);
    assert_eq!(total(&ws, "空间碎片").1, 3);
}

#[test]
fn names_that_differ_only_in_bytes_that_are_not_utf8_are_two_files() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    let a = ws
        .data()
        .join(std::ffi::OsStr::from_bytes(b"r\xe9s.en.txt"));
    let b = ws
        .data()
        .join(std::ffi::OsStr::from_bytes(b"r\xe8s.en.txt"));
    fs::copy(resolution("A-RES-75-92.en.txt"), &a).unwrap();
    fs::copy(resolution("A-RES-76-22.en.txt"), &b).unwrap();
    let out = ws.run(&["index"]);
    assert!(stderr(&out).contains("2 added"), "{}", stderr(&out));
    let out = ws.run(&["search", "Continuity", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "nothing re-indexed by a search");
    assert!(total(&ws, "\"arms race\"").1 > 0);
    fs::remove_file(&b).unwrap();
    let out = ws.run(&["index"]);
    assert!(
        stderr(&out).contains("1 removed, 1 unchanged"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fifos_devices_and_huge_files_are_refused_without_hanging() {
    let ws = seed_and_75_92();
    let fifo = ws.data().join("pipe.en.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", ws.data().join("zero.en.txt")).unwrap();
    let big = fs::File::create(ws.data().join("big.en.txt")).unwrap();
    big.set_len(unspace::data::MAX_DOCUMENT_BYTES + 1).unwrap();
    let out = run_within(ws.command(&["index"]), LIMIT);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "the huge file failed: {err}");
    assert!(
        err.contains("pipe.en.txt: skipped: not a regular file (a FIFO)"),
        "{err}"
    );
    assert!(
        err.contains("zero.en.txt: skipped: not a regular file (a character device)"),
        "{err}"
    );
    assert!(
        err.contains("big.en.txt: is 257 MB, larger than the 256 MB"),
        "{err}"
    );
    assert!(err.contains("2 added"), "{err}");
    let out = run_within(ws.command(&["search", "空间碎片"]), LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "the failure is not repeated by a search");
}

#[test]
fn a_file_that_always_fails_is_reported_once_and_listed_by_index() {
    let ws = seed_and_75_92();
    ws.write("scan.pdf", b"%PDF-1.7\n%binary\n");
    for name in ["README", ".DS_Store", "A-RES-76-76.zh.txt~", "notes.md"] {
        ws.write(name, b"\x00\x01 not a document");
    }
    let out = ws.run(&["search", "空间碎片"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        err.matches("scan.pdf: is a damaged or truncated PDF")
            .count(),
        1,
        "{err}"
    );
    for name in ["README", "DS_Store", "zh.txt~", "notes.md"] {
        assert!(!err.contains(name), "{name} is not a document: {err}");
    }
    for _ in 0..3 {
        let out = ws.run(&["search", "空间碎片"]);
        assert_eq!(stderr(&out), "", "not read again, not reported again");
    }
    let out = ws.run(&["index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("scan.pdf: is a damaged or truncated PDF"),
        "{}",
        stderr(&out)
    );
    // Changed, it is read again and reported again.
    ws.write("scan.pdf", b"%PDF-1.7\n%another binary\n");
    let out = ws.run(&["search", "空间碎片"]);
    assert_eq!(
        stderr(&out)
            .matches("scan.pdf: is a damaged or truncated PDF")
            .count(),
        1
    );
    let help = stdout(&ws.run(&["--help"]));
    assert!(help.contains("*.txt") && help.contains("backups"), "{help}");
}

#[test]
fn cr_line_ends_utf16_and_utf32_without_bom_read_like_utf8() {
    let ws = Workspace::new();
    let en = fs::read_to_string(resolution("A-RES-76-76.en.txt")).unwrap();
    ws.write("A-RES-76-76.en.txt", en.replace('\n', "\r"));
    let zh = fs::read_to_string(resolution("A-RES-76-76.zh.txt")).unwrap();
    let utf16: Vec<u8> = zh.encode_utf16().flat_map(u16::to_le_bytes).collect();
    ws.write("A-RES-76-76.zh.txt", utf16);
    let utf32: Vec<u8> = zh.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
    let other = ws.dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("A-RES-76-76.zh.txt"), utf32).unwrap();
    let out = ws.run(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(shown_paragraphs(&ws, "A/RES/76/76", "en").len(), 60);
    assert_eq!(shown_paragraphs(&ws, "A/RES/76/76", "zh").len(), 60);
    let out = ws.run(&["--data", "other", "show", "A/RES/76/76", "16", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("空间碎片"));
}

#[test]
fn two_files_of_one_document_are_named_in_a_warning() {
    let ws = seed_and_75_92();
    ws.copy(&resolution("A-RES-76-76.zh.txt"), "copy of the seed.zh.txt");
    let out = ws.run(&["index"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("A/RES/76/76 (zh) is in 2 files")
            && err.contains("A-RES-76-76.zh.txt")
            && err.contains("copy of the seed.zh.txt"),
        "{err}"
    );
}

#[test]
fn an_index_folder_inside_the_data_folder_is_refused() {
    let ws = seed_and_75_92();
    for index in ["data", "data/index", "./data/sub/idx"] {
        let out = ws.run(&["--index", index, "search", "空间碎片"]);
        assert_eq!(out.status.code(), Some(2), "{index}");
        assert!(
            stderr(&out).contains("is inside the data folder"),
            "{index}: {}",
            stderr(&out)
        );
    }
    let out = ws.run(&["--index", "data/index", "index"]);
    assert_eq!(out.status.code(), Some(2));
    let names: Vec<_> = fs::read_dir(ws.data())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "nothing written into data/: {names:?}");
}

/// One stray byte is read as a stray byte, in a short file as in a long one: the
/// byte is replaced and named, the rest of the file indexed.
#[test]
fn one_stray_byte_in_a_short_file_is_replaced_not_refused() {
    let ws = Workspace::new();
    ws.write("short.en.txt", b"The zirconium note on outer space\xff.\n");
    let out = ws.run(&["index"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("short.en.txt: not valid UTF-8 at byte 33"),
        "{err}"
    );
    assert!(err.contains("1 added"), "{err}");
    let (code, total) = common::total(&ws, "zirconium");
    assert_eq!((code, total), (0, 1));
    // Bytes that are mostly not text are still refused.
    ws.write("noise.en.txt", b"\xff\xff\xc0\xc1 ab \xf5\xf8\xff");
    let out = ws.run(&["index"]);
    assert!(
        stderr(&out).contains("noise.en.txt: is neither UTF-8"),
        "{}",
        stderr(&out)
    );
}
