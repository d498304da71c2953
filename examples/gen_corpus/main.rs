//! Writes a corpus of realistic resolutions for the benchmarks.
//!
//! ```text
//! cargo run --release --example gen_corpus -- OUT_DIR MEGABYTES [--seed N] [--corpus PATH]
//! ```
//!
//! The documents are made from the real ones in the repository's test corpus
//! (`tests/corpus`, or `--corpus DIR`): see `generator.rs`. The same seed gives the same files.

// `Expected` is read by tests/generator.rs, not here.
#[allow(dead_code)]
mod generator;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut seed = 2021_u64;
    let mut corpus = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => seed = args.next().context("--seed needs a number")?.parse()?,
            "--corpus" => corpus = args.next().context("--corpus needs a path")?.into(),
            _ => positional.push(arg),
        }
    }
    let [out, megabytes] = positional.as_slice() else {
        bail!("usage: gen_corpus OUT_DIR MEGABYTES [--seed N] [--corpus PATH]");
    };
    let out = PathBuf::from(out);
    let target: f64 = megabytes
        .parse()
        .with_context(|| format!("{megabytes}: not a number of megabytes"))?;
    let target = (target * 1_000_000.0) as u64;

    let pools = generator::Pools::read(&corpus)?;
    std::fs::create_dir_all(&out)
        .with_context(|| format!("{}: could not create the folder", out.display()))?;
    let mut rng = generator::Rng::new(seed);
    let (mut written, mut files, mut paragraphs) = (0_u64, 0_usize, 0_usize);
    while written < target {
        let doc = pools.generate(files, &mut rng);
        let path = out.join(&doc.file_name);
        std::fs::write(&path, &doc.text)
            .with_context(|| format!("{}: could not write", path.display()))?;
        written += doc.text.len() as u64;
        paragraphs += doc.expected.paragraphs.len();
        files += 1;
    }
    let sizes: Vec<String> = pools
        .all()
        .iter()
        .map(|p| format!("{} {}+{}", p.language, p.recitals.len(), p.operative.len()))
        .collect();
    println!(
        "{}: {files} documents, {paragraphs} paragraphs, {:.1} MB (pools: {} paragraphs)",
        out.display(),
        written as f64 / 1e6,
        sizes.join(", "),
    );
    Ok(())
}
