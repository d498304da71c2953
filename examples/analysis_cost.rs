//! Where indexing time goes before tantivy: parsing, and each analyzer, timed on one
//! thread over a folder of documents, with the number of tokens each one makes.
//!
//! ```text
//! cargo run --release --example analysis_cost -- FOLDER
//! ```
//!
//! `python3 bench/run.py` measures the whole build; this splits off the part that
//! is unspace's own (the rest is tantivy's postings, store and merges).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tantivy::tokenizer::{TokenStream, Tokenizer};
use unspace::analysis::{GramTokenizer, WordTokenizer, words_value};
use unspace::document::Document;

fn main() -> Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: analysis_cost FOLDER")?,
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("{}: could not list", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();

    let started = Instant::now();
    let mut bytes = 0;
    let mut docs: Vec<Document> = Vec::new();
    for path in &files {
        bytes += std::fs::metadata(path)?.len();
        docs.push(unspace::parse::parse_file(path)?.document);
    }
    let parse = started.elapsed();

    // Every text the words and exact fields get: each paragraph and its footnotes.
    let texts: Vec<(&str, String)> = docs
        .iter()
        .flat_map(|d| {
            d.paragraphs.iter().flat_map(move |p| {
                let notes: Vec<&str> = p
                    .footnotes
                    .iter()
                    .filter_map(|n| d.footnote(*n))
                    .map(|n| n.text.as_str())
                    .collect();
                [
                    (d.language.as_str(), p.text.clone()),
                    (d.language.as_str(), notes.join("\n")),
                ]
            })
        })
        .collect();

    let mut words = WordTokenizer::default();
    count(&mut words, &words_value("zh", "加载词典")); // jieba's dictionary, loaded once
    let (grams_time, grams) = timed(|| {
        texts
            .iter()
            .map(|(_, t)| count(&mut GramTokenizer, t))
            .sum()
    });
    let (words_time, word_tokens) = timed(|| {
        texts
            .iter()
            .map(|(language, t)| count(&mut words, &words_value(language, t)))
            .sum()
    });
    let mb = bytes as f64 / 1e6;
    println!("{}: {} documents, {mb:.1} MB", dir.display(), docs.len());
    println!("  parse:          {:>7.0} ms", ms(parse));
    println!(
        "  exact fields:   {:>7.0} ms, {grams} tokens",
        ms(grams_time)
    );
    println!(
        "  words fields:   {:>7.0} ms, {word_tokens} tokens",
        ms(words_time)
    );
    Ok(())
}

fn count(tokenizer: &mut impl Tokenizer, text: &str) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}

fn timed(f: impl FnOnce() -> usize) -> (Duration, usize) {
    let started = Instant::now();
    let n = f();
    (started.elapsed(), n)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
