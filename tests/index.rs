//! Keeping the index up to date with data/: add, edit, remove; the refresh a search
//! makes by itself; a bad file among good ones; rebuilds killed with SIGKILL,
//! concurrent rebuilds, and searches while a rebuild runs.

mod common;

use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::{Workspace, resolution, stderr, stdout, total};

const FILES: [&str; 8] = [
    "A-RES-76-76.zh.txt",
    "A-RES-76-76.en.txt",
    "A-RES-74-82.en.txt",
    "A-RES-75-92.en.txt",
    "A-RES-78-72.en.txt",
    "A-RES-76-22.en.txt",
    "A-RES-76-55.en.txt",
    "A-RES-76-231.en.txt",
];

fn index(ws: &Workspace, args: &[&str]) -> (i32, String) {
    let mut all = vec!["index"];
    all.extend_from_slice(args);
    let out = ws.run(&all);
    (out.status.code().unwrap_or(-1), stderr(&out))
}

#[test]
fn index_adds_updates_and_removes_only_what_changed() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 added, 0 updated, 0 removed, 0 unchanged, 0 failed; 60 paragraphs"),
        "{err}"
    );

    ws.copy(&resolution("A-RES-76-76.en.txt"), "A-RES-76-76.en.txt");
    let (_, err) = index(&ws, &[]);
    assert!(
        err.contains("1 added, 0 updated, 0 removed, 1 unchanged, 0 failed; 60 paragraphs"),
        "{err}"
    );
    assert_eq!(total(&ws, "\"orbital junk\""), (1, 0));
    let debris = total(&ws, "\"space debris\"").1;
    assert!(debris > 0);

    let text = std::fs::read_to_string(resolution("A-RES-76-76.en.txt")).unwrap();
    ws.write(
        "A-RES-76-76.en.txt",
        text.replacen("space debris", "orbital junk", 1),
    );
    let (_, err) = index(&ws, &[]);
    assert!(
        err.contains("0 added, 1 updated, 0 removed, 1 unchanged"),
        "{err}"
    );
    assert_eq!(total(&ws, "\"orbital junk\""), (0, 1));

    let (_, err) = index(&ws, &[]);
    assert!(
        err.contains("0 added, 0 updated, 0 removed, 2 unchanged, 0 failed; 0 paragraphs"),
        "{err}"
    );

    std::fs::remove_file(ws.data().join("A-RES-76-76.en.txt")).unwrap();
    let (_, err) = index(&ws, &[]);
    assert!(
        err.contains("0 added, 0 updated, 1 removed, 1 unchanged"),
        "{err}"
    );
    assert_eq!(total(&ws, "\"orbital junk\""), (1, 0));
    assert_eq!(total(&ws, "空间碎片"), (0, 3));

    let (code, err) = index(&ws, &["--rebuild"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("1 added, 0 updated, 0 removed, 0 unchanged, 0 failed; 60 paragraphs"),
        "{err}"
    );
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
}

#[test]
fn a_search_notices_that_data_changed_and_updates_the_index_first() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    assert_eq!(total(&ws, "debris"), (1, 0));
    ws.copy(&resolution("A-RES-76-76.en.txt"), "A-RES-76-76.en.txt");
    let out = ws.run(&["search", "debris"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("data folder changed") && err.contains("1 added"),
        "{err}"
    );
    assert!(stdout(&out).contains("resolution 76/76, para. 16"));
    // Touching a file without changing it re-reads it but indexes nothing.
    let path = ws.data().join("A-RES-76-76.en.txt");
    let bytes = std::fs::read(&path).unwrap();
    sleep(Duration::from_millis(20));
    std::fs::write(&path, bytes).unwrap();
    let out = ws.run(&["search", "debris"]);
    assert!(
        stderr(&out).contains("0 added, 0 updated, 0 removed, 2 unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&ws.run(&["search", "debris"])), "");
}

#[test]
fn a_bad_file_is_reported_and_every_other_file_is_indexed() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-75-92.en.txt"]);
    ws.write("scan.pdf", b"%PDF-1.7\n\x00\x00\x01binary");
    ws.write("empty.txt", b"");
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("scan.pdf: is a damaged or truncated PDF"),
        "{err}"
    );
    assert!(err.contains("empty.txt: is empty"), "{err}");
    assert!(
        err.contains("2 added, 0 updated, 0 removed, 0 unchanged, 2 failed"),
        "{err}"
    );
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
    assert!(total(&ws, "Continuity").1 > 0);
    // Fixing the file gets it indexed; nothing else is touched.
    std::fs::remove_file(ws.data().join("scan.pdf")).unwrap();
    ws.write("empty.txt", "The Subcommittee met on orbital junk.\n");
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(total(&ws, "\"orbital junk\""), (0, 1));
}

/// data/ with many documents, so that a rebuild takes a while.
fn big_workspace(copies: usize) -> Workspace {
    let ws = Workspace::new();
    for i in 0..copies {
        for name in FILES {
            ws.copy(&resolution(name), &format!("c{i:02}-{name}"));
        }
    }
    ws
}

fn spawn_index(ws: &Workspace, args: &[&str]) -> Child {
    let mut all = vec!["index"];
    all.extend_from_slice(args);
    ws.command(&all)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn unspace index")
}

#[test]
fn a_rebuild_killed_at_any_moment_leaves_an_index_that_answers_correctly() {
    let ws = big_workspace(4);
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    let expected = [
        total(&ws, "空间碎片").1,
        total(&ws, "\"space debris\"").1,
        total(&ws, "75/92").1,
    ];
    assert!(expected.iter().all(|&n| n > 0));
    let started = Instant::now();
    let full = ws.run(&["index", "--rebuild"]);
    assert_eq!(full.status.code(), Some(0));
    let rebuild_ms = started.elapsed().as_millis() as u64;

    let mut rng = 0x5eed_u64;
    for round in 0..8 {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = 20 + (rng >> 33) % rebuild_ms.max(40);
        // Alternate full rebuilds and updates after a change to data/.
        let mut child = if round % 2 == 0 {
            spawn_index(&ws, &["--rebuild"])
        } else {
            let name = format!("c00-{}", FILES[round % FILES.len()]);
            let path = ws.data().join(&name);
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend_from_slice(b"\n");
            std::fs::write(&path, bytes).unwrap();
            spawn_index(&ws, &[])
        };
        sleep(Duration::from_millis(delay));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        let now = [
            total(&ws, "空间碎片").1,
            total(&ws, "\"space debris\"").1,
            total(&ws, "75/92").1,
        ];
        assert_eq!(now, expected, "round {round}, killed after {delay} ms");
    }
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(total(&ws, "空间碎片").1, expected[0]);
}

#[test]
fn two_rebuilds_at_once_never_corrupt_the_index_and_searches_answer_meanwhile() {
    let ws = big_workspace(3);
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    let expected = total(&ws, "空间碎片").1;

    let first = spawn_index(&ws, &["--rebuild"]);
    let second = spawn_index(&ws, &["--rebuild"]);
    // Searches during the rebuilds answer from the last complete state.
    let mut searched = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut children = vec![first, second];
    while Instant::now() < deadline {
        assert_eq!(total(&ws, "空间碎片").1, expected);
        searched += 1;
        if children.iter_mut().all(|c| c.try_wait().unwrap().is_some()) {
            break;
        }
    }
    assert!(searched > 0);
    let outcomes: Vec<(i32, String)> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect();
    assert!(outcomes.iter().any(|(code, _)| *code == 0), "{outcomes:?}");
    for (code, err) in &outcomes {
        assert!(
            *code == 0 || (*code == 2 && err.contains("another unspace is updating this index")),
            "{code}: {err}"
        );
    }
    assert_eq!(total(&ws, "空间碎片").1, expected);
    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 added, 0 updated, 0 removed"), "{err}");
}

#[test]
fn an_index_of_an_older_schema_is_replaced_by_a_fresh_build() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt"]);
    let old = ws.index().join("unspace-v0");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("meta.json"), b"{\"an\": \"older format\"}").unwrap();
    let out = ws.run(&["search", "空间碎片"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("building the index"));
    assert!(
        !old.exists(),
        "the older index is removed once the new one is committed"
    );
    assert!(
        unspace::index::version_dir(&ws.index())
            .join("meta.json")
            .exists()
    );
}

#[test]
fn a_lost_manifest_means_a_rebuild_not_a_loss() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-75-92.en.txt"]);
    assert_eq!(index(&ws, &[]).0, 0);
    assert_eq!(total(&ws, "Committee").0, 0);
    let dir = unspace::index::version_dir(&ws.index());
    let manifests: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("manifest-"))
        .collect();
    assert_eq!(manifests.len(), 1, "one manifest, the committed one");
    std::fs::remove_file(manifests[0].path()).unwrap();
    std::fs::remove_file(ws.data().join("A-RES-75-92.en.txt")).unwrap();

    let (code, err) = index(&ws, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("could not read the index's manifest"), "{err}");
    assert!(err.contains("rebuilding the index"), "{err}");
    // The removed file's paragraphs are gone, the other file's are all there.
    assert_eq!(total(&ws, "Committee"), (1, 0));
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
}

#[test]
fn no_refresh_answers_from_the_index_as_built() {
    let ws = Workspace::new();
    let out = ws.run(&["search", "--no-refresh", "空间碎片"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no index yet"), "{}", stderr(&out));

    ws.copy(&resolution("A-RES-75-92.en.txt"), "A-RES-75-92.en.txt");
    assert_eq!(index(&ws, &[]).0, 0);
    ws.copy(&resolution("A-RES-76-76.zh.txt"), "A-RES-76-76.zh.txt");
    let out = ws.run(&["search", "--no-refresh", "空间碎片"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the new file is not indexed yet"
    );
    assert_eq!(stderr(&out), "");
    // Without the flag the search notices the new file.
    assert_eq!(total(&ws, "空间碎片"), (0, 3));
}
