//! Shared helpers of the integration tests: where the real corpus is, a temporary
//! workspace with its own data/ and index/, and running the binary in it with a
//! clean environment.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The shared corpus: `UNSPACE_CORPUS`, or `../shared/corpus` from the project root.
/// Tests that need it fail (never skip) when it is missing.
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("UNSPACE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        dir.join("resolutions").is_dir(),
        "the shared corpus is missing at {}: set UNSPACE_CORPUS or put it at ../shared/corpus",
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
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 on stdout")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 on stderr")
}
