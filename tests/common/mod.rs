//! Shared helpers of the integration tests: where the real corpus is, a temporary
//! workspace with its own data/ and index/, and running the binary in it with a
//! clean environment.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The real corpus that ships with the repository (`tests/corpus`, a copy of the
/// project's source corpus with its SHA-256 sums). Tests that need it fail (never
/// skip) when it is missing.
pub fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    assert!(
        dir.join("resolutions").is_dir(),
        "the test corpus is missing at {}",
        dir.display()
    );
    dir
}

/// A file of `corpus/resolutions`.
pub fn resolution(name: &str) -> PathBuf {
    corpus().join("resolutions").join(name)
}

/// A temporary folder with `data/` (and room for `index/`), deleted at the end.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temporary folder");
        fs::create_dir(dir.path().join("data")).expect("data folder");
        Workspace { dir }
    }

    /// A workspace whose data/ holds these files of corpus/resolutions.
    pub fn with_resolutions(names: &[&str]) -> Workspace {
        let ws = Workspace::new();
        for name in names {
            ws.copy(&resolution(name), name);
        }
        ws
    }

    /// A workspace whose data/ is a copy of the project's default corpus (`data/`),
    /// as a fresh clone has it.
    pub fn default_corpus() -> Workspace {
        let ws = Workspace::new();
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
            &ws.data(),
        );
        ws
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn copy(&self, from: &Path, name: &str) {
        fs::copy(from, self.data().join(name)).expect("copy into data/");
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        fs::write(self.data().join(name), bytes).expect("write into data/");
    }

    /// The binary, run in the workspace with a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspace"));
        cmd.current_dir(self.dir.path()).env_clear().args(args);
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run unspace")
    }

    /// Brings the index up to date with data/ through the library (as `unspace
    /// index` does) and opens it.
    pub fn indexed(&self) -> unspace::index::Library {
        use unspace::index::{self, Library, Quiet};
        index::update(
            &self.index(),
            &self.data(),
            index::Options::default(),
            &mut Quiet,
        )
        .expect("the index builds");
        Library::open(&self.index())
            .expect("the index opens")
            .expect("the index was committed")
    }
}

/// Copies the folder `from` into `to` (made if missing), recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("make folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A PDF made of these objects (numbered from 1; object 1 the catalog), with its
/// cross-reference table and trailer: hand-made PDFs of known shape for the tests.
pub fn pdf(objects: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body.as_ref());
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A small deterministic generator (SplitMix64): the same inputs on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 on stdout")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 on stderr")
}

/// Runs the command, killing it if it has not finished within `limit`: a hang is a
/// test failure, not a stuck test run. Its output is drained as it comes, so a long
/// answer never blocks it.
pub fn run_within(mut cmd: Command, limit: std::time::Duration) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn unspace");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = pipe.read_to_end(&mut out);
            out
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "unspace did not finish within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&stderr.join().unwrap_or_default())
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The `total` of a JSON search, and its exit code (0 or 1; anything else fails).
pub fn total(ws: &Workspace, query: &str) -> (i32, u64) {
    let out = ws.run(&["search", query, "--json", "--limit", "1"]);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "search {query}: exit {code}: {}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    (code, v["total"].as_u64().expect("total"))
}

/// The paragraphs `show --json` prints of a document.
pub fn shown_paragraphs(ws: &Workspace, symbol: &str, lang: &str) -> Vec<serde_json::Value> {
    let out = ws.run(&["show", symbol, "--lang", lang, "--json"]);
    assert_eq!(out.status.code(), Some(0), "show: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    v["paragraphs"].as_array().expect("paragraphs").clone()
}

/// Joins in `docs` the words broken in print, on the evidence of all of them, as an
/// index of exactly these documents stores them ([`unspace::parse::lexicon`]).
pub fn repair_broken_words<'a>(
    docs: impl IntoIterator<Item = &'a mut unspace::document::Document>,
) {
    use unspace::parse::lexicon;
    let mut docs: Vec<&mut unspace::document::Document> = docs.into_iter().collect();
    let words: Vec<_> = docs.iter().map(|d| lexicon::words_of(d)).collect();
    let corpus = lexicon::Lexicon::of(words.iter().flatten());
    for (doc, words) in docs.iter_mut().zip(&words) {
        if let Some(w) = words {
            lexicon::repair(doc, w, &corpus);
        }
    }
}
