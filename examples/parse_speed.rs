//! Text parser throughput: every `.txt` file under a folder parsed on one thread, as
//! the indexer parses it.
//!
//! ```text
//! cargo run --release --locked --example parse_speed -- FOLDER          # MB/s
//! cargo run --release --locked --example parse_speed -- FOLDER --hash   # + a hash
//! ```
//!
//! The files are read into memory first, so that only the parser is timed; each
//! language (from the file name, `X.<lang>.txt`) and then all of them are parsed best
//! of 3, in wall time and in the thread's CPU time (steadier on a busy machine). MB are
//! of the files' bytes. `--hash` also prints, per language, a hash of everything the
//! parser returns (documents and warnings, in their `Debug` form), so that a change
//! that claims to keep the parser's output identical can be checked beyond the tokens
//! that `token_census` sees.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use common::{list_txt, thread_cpu_seconds};
use xxhash_rust::xxh3::Xxh3;

/// One file read into memory, with its language.
struct File {
    path: PathBuf,
    language: String,
    bytes: Vec<u8>,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().context("usage: parse_speed FOLDER [--hash]")?);
    let hash = args.next().as_deref() == Some("--hash");
    let mut paths = Vec::new();
    list_txt(&dir, &mut paths)?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
        files.push(File {
            language: language_of(&path),
            path,
            bytes,
        });
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "{}: {} files, {:.2} MB",
        dir.display(),
        files.len(),
        total as f64 / 1e6
    );
    let mut languages: Vec<&str> = files.iter().map(|f| f.language.as_str()).collect();
    languages.sort();
    languages.dedup();
    languages.push("all");
    for language in languages {
        let mine: Vec<&File> = files
            .iter()
            .filter(|f| language == "all" || f.language == language)
            .collect();
        if hash {
            println!("  {language:<4} hash {:016x}", output_hash(&mine)?);
        }
        let bytes: usize = mine.iter().map(|f| f.bytes.len()).sum();
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        let mut documents = 0;
        for _ in 0..3 {
            let (started, cpu) = (Instant::now(), thread_cpu_seconds());
            documents = 0;
            for f in &mine {
                let parsed = unspace::parse::parse_bytes_many(&f.bytes, &f.path)?;
                documents += parsed.len();
                std::hint::black_box(parsed);
            }
            best_cpu = best_cpu.min(thread_cpu_seconds() - cpu);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let mb = bytes as f64 / 1e6;
        println!(
            "  {language:<4} {mb:>7.2} MB {documents:>6} documents  wall {:>8.1} ms {:>6.1} MB/s  \
             cpu {:>8.1} ms {:>6.1} MB/s",
            best * 1e3,
            mb / best,
            best_cpu * 1e3,
            mb / best_cpu
        );
    }
    Ok(())
}

/// `X.zh.txt` → `zh`; a name with no language part counts as `?`.
fn language_of(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() >= 3 {
        parts[parts.len() - 2].to_ascii_lowercase()
    } else {
        "?".to_owned()
    }
}

/// A hash of everything the parser returns for `files`, in order.
fn output_hash(files: &[&File]) -> Result<u64> {
    let mut hash = Xxh3::new();
    for f in files {
        for parsed in unspace::parse::parse_bytes_many(&f.bytes, &f.path)? {
            hash.update(format!("{:?}\u{FFFF}", parsed).as_bytes());
        }
    }
    Ok(hash.digest())
}
