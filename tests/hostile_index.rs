//! Faults of the index folder and of the terminal: the user's own folders beside
//! the index, garbled or damaged index files, a full disk, a read-only index, first
//! searches racing, a closed stderr, escape sequences in documents and names, huge
//! limits. No panic reaches the user; every failure says what to do.

mod common;

use std::fs;
use std::process::Stdio;

use common::{Workspace, resolution, stderr, stdout, total};

fn seed_and_75_92() -> Workspace {
    Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-75-92.en.txt"])
}

fn version_dir(ws: &Workspace) -> std::path::PathBuf {
    unspace::index::version_dir(&ws.index())
}

fn no_panic(out: &std::process::Output) {
    assert_ne!(out.status.code(), Some(101), "{}", stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

#[test]
fn only_unspaces_own_older_index_folders_are_removed() {
    let ws = seed_and_75_92();
    let photos = ws.index().join("unspace-vacation-photos");
    let mine = ws.index().join("unspace-v1");
    let older = ws.index().join("unspace-v0");
    for dir in [&photos, &mine, &older] {
        fs::create_dir_all(dir).unwrap();
    }
    fs::write(photos.join("beach.jpg"), b"jpeg").unwrap();
    fs::write(mine.join("meta.json"), b"{}").unwrap();
    fs::write(mine.join("thesis.docx"), b"my own file").unwrap();
    fs::write(older.join("meta.json"), b"{}").unwrap();
    fs::write(older.join(".managed.json"), b"[]").unwrap();
    let out = ws.run(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(photos.join("beach.jpg").exists());
    assert!(mine.join("thesis.docx").exists(), "not provably an index");
    assert!(
        !older.exists(),
        "an older index of unspace's own is removed"
    );
}

#[test]
fn escape_sequences_in_documents_and_names_never_reach_the_terminal_raw() {
    let ws = Workspace::new();
    let text = fs::read_to_string(resolution("A-RES-75-92.en.txt")).unwrap();
    let evil = text.replacen(
        "Continuity",
        "Continuity\x1b[2J\x1b]52;c;aGVsbG8=\x07\u{9b}31m\x1b]0;pwned\x07",
        1,
    );
    ws.write("A-RES-75-92.en.txt", evil);
    ws.write("bad\x1b[31mname.en.txt", b"\x00\x00binary");
    for color in ["never", "always"] {
        let out = ws.run(&["--color", color, "search", "Continuity"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let shown = stdout(&out);
        let ours = shown.replace("\x1b[1;31m", "").replace("\x1b[1;36m", "");
        let ours = ours
            .replace("\x1b[2m", "")
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", "");
        for (name, stream) in [("stdout", ours.as_str()), ("stderr", &stderr(&out))] {
            assert!(
                !stream.chars().any(|c| c.is_control() && c != '\n'),
                "{color} {name}: {stream:?}"
            );
        }
        assert!(
            shown.contains("Continuity\\x1b[2J"),
            "made visible: {shown}"
        );
    }
    let out = ws.run(&["search", "Continuity", "--json"]);
    let json = stdout(&out);
    assert!(
        !json.chars().any(|c| c.is_control() && c != '\n'),
        "{json:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["hits"][0]["title"]
            .as_str()
            .unwrap()
            .contains("\x1b[2J\x1b]52;")
    );
    let out = ws.run(&["show", "A/RES/75/92", "--color", "never"]);
    assert!(!stdout(&out).contains('\x1b'));
}

#[test]
fn huge_limits_mean_all_without_allocating_by_the_limit() {
    let ws = seed_and_75_92();
    let all = total(&ws, "空间");
    for limit in ["18446744073709551615", "4294967296", "1000000"] {
        let out = ws.run(&["search", "空间", "--json", "--limit", limit]);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{limit}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["hits"].as_array().unwrap().len() as u64, all.1, "{limit}");
    }
}

#[test]
fn garbled_index_metadata_is_named_and_rebuild_always_repairs_it() {
    for file in ["meta.json"] {
        let ws = seed_and_75_92();
        assert_eq!(ws.run(&["index"]).status.code(), Some(0));
        fs::write(version_dir(&ws).join(file), b"\x00garbage{{{").unwrap();
        for args in [
            &["search", "空间碎片"][..],
            &["index"],
            &["search", "--no-refresh", "空间"],
        ] {
            let out = ws.run(args);
            no_panic(&out);
            assert_eq!(out.status.code(), Some(2), "{file} {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains("the index is damaged") && err.contains("unspace index --rebuild"),
                "{file} {args:?}: {err}"
            );
        }
        let out = ws.run(&["index", "--rebuild"]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        assert_eq!(total(&ws, "空间碎片"), (0, 3));
    }
}

/// tantivy's list of the files it manages, garbled (a truncated write), is written
/// anew, as a damaged manifest is: searches answer, `--no-refresh` included, and
/// `index --rebuild` still works (issue #24).
#[test]
fn a_garbled_list_of_managed_files_is_repaired_like_the_manifest() {
    let ws = seed_and_75_92();
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    let managed = version_dir(&ws).join(".managed.json");
    fs::write(&managed, b"\x00garbage{{{").unwrap();
    for args in [
        &["search", "--no-refresh", "空间碎片"][..],
        &["search", "空间碎片"],
        &["index"],
    ] {
        let out = ws.run(args);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("damaged"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let list: Vec<String> = serde_json::from_slice(&fs::read(&managed).unwrap()).unwrap();
    assert!(list.iter().any(|f| f == "meta.json"), "{list:?}");
    assert!(list.len() > 1, "the segment files are listed: {list:?}");
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
    let out = ws.run(&["index", "--rebuild"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
}

#[test]
fn a_damaged_segment_is_detected_and_index_repairs_it() {
    let ws = seed_and_75_92();
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    let expected = total(&ws, "空间碎片");
    for entry in fs::read_dir(version_dir(&ws)).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if [".idx", ".term", ".pos", ".store"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            let mut bytes = fs::read(entry.path()).unwrap();
            let (from, to) = (bytes.len() / 4, bytes.len() * 3 / 4);
            bytes[from..to].iter_mut().for_each(|b| *b = 0xFF);
            fs::write(entry.path(), bytes).unwrap();
        }
    }
    let out = ws.run(&["search", "空间碎片"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("the index is damaged"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("unspace index --rebuild"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the index was damaged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(total(&ws, "空间碎片"), expected);
    let out = ws.run(&["index"]);
    assert!(stderr(&out).contains("0 added, 0 updated, 0 removed, 2 unchanged"));
}

/// Runs `script` with `sh` in a private mount namespace (for a small tmpfs), in the
/// workspace, with the binary as `$UNSPACE`.
fn in_mount_namespace(ws: &Workspace, script: &str) -> std::process::Output {
    std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script])
        .current_dir(ws.dir.path())
        .env("UNSPACE", env!("CARGO_BIN_EXE_unspace"))
        .output()
        .expect("unshare (util-linux) runs")
}

#[test]
fn on_a_full_disk_a_search_warns_and_answers_from_the_last_commit() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    let out = in_mount_namespace(
        &ws,
        r#"set -e
mkdir -p index && mount -t tmpfs -o size=8m tmpfs index
"$UNSPACE" index 2>/dev/null
cp data/A-RES-76-76.zh.txt data/A-RES-76-76-copy.zh.txt
dd if=/dev/zero of=index/filler bs=64k 2>/dev/null || true
code=0; "$UNSPACE" search 空间碎片 --json || code=$?; echo "exit $code" >&2
"#,
    );
    let err = stderr(&out);
    assert!(err.contains("exit 0"), "{err}");
    assert!(
        err.contains("answering from the index as last built"),
        "{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["total"], 3, "the last commit's answer");
}

#[test]
fn a_read_only_index_is_searchable_and_permission_errors_say_so() {
    let ws = seed_and_75_92();
    assert_eq!(ws.run(&["index"]).status.code(), Some(0));
    // Readable by all, writable by its owner only (tantivy writes some files 0600).
    let status = std::process::Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(ws.dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let as_nobody = |args: &[&str]| {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_unspace"))
            .args(args)
            .current_dir(ws.dir.path())
            .env_clear()
            .output()
            .expect("setpriv (util-linux) runs");
        no_panic(&out);
        out
    };
    let out = as_nobody(&["search", "--no-refresh", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = as_nobody(&["search", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    ws.copy(&resolution("A-RES-76-22.en.txt"), "A-RES-76-22.en.txt");
    let out = as_nobody(&["search", "空间碎片"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("cannot write to the index folder"), "{err}");
    assert!(
        err.contains("answering from the index as last built"),
        "{err}"
    );
    assert!(!err.contains("another unspace"), "{err}");
    let out = as_nobody(&["index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Permission denied"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("another unspace"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn first_searches_racing_to_build_the_index_all_answer() {
    let ws = Workspace::with_resolutions(&[
        "A-RES-76-76.zh.txt",
        "A-RES-76-76.en.txt",
        "A-RES-74-82.en.txt",
        "A-RES-78-72.en.txt",
    ]);
    let children: Vec<_> = (0..4)
        .map(|_| {
            ws.command(&["search", "空间碎片", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["total"], 3);
    }
}

#[test]
fn a_full_or_closed_stderr_is_no_panic() {
    let ws = seed_and_75_92();
    for (args, code) in [
        (&["search", "空间碎片"][..], 0),
        (&["show", "A/RES/1/1"], 2),
        (&["index"], 0),
    ] {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = ws.command(args).stderr(full).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let out = ws.command(args).stderr(Stdio::null()).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}
