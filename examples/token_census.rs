//! Token census and analysis throughput: every analyzer the index uses, run over
//! every paragraph of a corpus as the indexer reads it.
//!
//! ```text
//! cargo run --release --locked --example token_census -- FOLDER          # census
//! cargo run --release --locked --example token_census -- FOLDER --time   # + MB/s
//! ```
//!
//! The census prints, per field, the number of tokens and a hash of the whole token
//! stream (text, position, byte offsets, in order), so that a change to the
//! analyzers that claims to keep tokens identical can be checked on the real texts.
//! `--time` then times the analyzers alone on one thread, per language, best of 5
//! (MB of the text handed to the analyzers: paragraphs, headings and footnotes), in
//! wall time and in the thread's CPU time (steadier on a busy machine).
//! Every `.txt` file under FOLDER is parsed as the indexer parses it.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use common::{list_txt, thread_cpu_seconds};
use tantivy::tokenizer::{TokenStream, Tokenizer};
use unspace::analysis::{GramTokenizer, WordTokenizer, words_value};
use xxhash_rust::xxh3::Xxh3;

/// One value given to an analyzed field: (language, field, text).
struct Value {
    language: String,
    field: usize,
    text: String,
}

const FIELDS: [&str; 4] = ["body_exact", "body_words", "notes_exact", "notes_words"];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().context("usage: token_census FOLDER [--time]")?);
    let time = args.next().as_deref() == Some("--time");
    let mut files = Vec::new();
    list_txt(&dir, &mut files)?;
    files.sort();
    let values = field_values(&files)?;
    let bytes: usize = values.iter().map(|v| v.text.len()).sum();
    println!(
        "{}: {} files, {} field values, {bytes} bytes of text",
        dir.display(),
        files.len(),
        values.len()
    );
    census(&values);
    if time {
        throughput(&values);
    }
    Ok(())
}

/// The analyzed field values of every paragraph, as `index::schema` adds them: the
/// text (and heading) to the body fields, the joined footnotes to the notes fields.
fn field_values(files: &[PathBuf]) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for path in files {
        let bytes = std::fs::read(path)?;
        for parsed in unspace::parse::parse_bytes_many(&bytes, path)? {
            let d = parsed.document;
            for p in &d.paragraphs {
                let notes: Vec<&str> = p
                    .footnotes
                    .iter()
                    .filter_map(|n| d.footnote(*n))
                    .map(|n| n.text.as_str())
                    .collect();
                let notes = notes.join("\n");
                let mut push = |field: usize, text: &str| {
                    out.push(Value {
                        language: d.language.clone(),
                        field,
                        text: text.to_owned(),
                    })
                };
                push(0, &p.text);
                if let Some(heading) = &p.heading {
                    push(0, heading);
                }
                push(2, &notes);
            }
        }
    }
    Ok(out)
}

/// Prints the token count and stream hash of each field.
fn census(values: &[Value]) {
    let mut words = WordTokenizer::default();
    let mut counts = [0usize; 4];
    let mut hashes: Vec<Xxh3> = (0..4).map(|_| Xxh3::new()).collect();
    for v in values {
        let exact = v.field;
        let word = v.field + 1;
        counts[exact] += hash_stream(&mut GramTokenizer, &v.text, &mut hashes[exact]);
        let value = words_value(&v.language, &v.text);
        counts[word] += hash_stream(&mut words, &value, &mut hashes[word]);
    }
    let mut total = 0;
    for (k, name) in FIELDS.iter().enumerate() {
        total += counts[k];
        println!(
            "  {name:<12} {:>10} tokens  hash {:016x}",
            counts[k],
            hashes[k].digest()
        );
    }
    println!("  {:<12} {total:>10} tokens", "all");
}

fn hash_stream(tokenizer: &mut impl Tokenizer, text: &str, hash: &mut Xxh3) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        let t = stream.token();
        hash.update(t.text.as_bytes());
        hash.update(&[0xFF]); // never in UTF-8: ends the text
        for x in [t.position, t.offset_from, t.offset_to, t.position_length] {
            hash.update(&(x as u64).to_le_bytes());
        }
        n += 1;
    }
    hash.update(b"\xFEend of value");
    n
}

/// Times both analyzers over each language's values, one thread, best of 5.
fn throughput(values: &[Value]) {
    let mut words = WordTokenizer::default();
    count(&mut words, &words_value("zh", "加载词典")); // jieba's dictionary, loaded once
    let mut languages: Vec<&str> = values.iter().map(|v| v.language.as_str()).collect();
    languages.sort();
    languages.dedup();
    languages.push("all");
    for language in languages {
        let mine: Vec<&Value> = values
            .iter()
            .filter(|v| language == "all" || v.language == language)
            .collect();
        let bytes: usize = mine.iter().map(|v| v.text.len()).sum();
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        let mut tokens = 0;
        for _ in 0..5 {
            let (started, cpu) = (Instant::now(), thread_cpu_seconds());
            let mut words = WordTokenizer::default(); // a fresh stem cache each round
            tokens = mine
                .iter()
                .map(|v| {
                    count(&mut GramTokenizer, &v.text)
                        + count(&mut words, &words_value(&v.language, &v.text))
                })
                .sum::<usize>();
            best_cpu = best_cpu.min(thread_cpu_seconds() - cpu);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let mb = bytes as f64 / 1e6;
        println!(
            "  {language:<4} {mb:>6.2} MB {tokens:>9} tokens  wall {:>6.1} ms {:>6.1} MB/s  \
             cpu {:>6.1} ms {:>6.1} MB/s",
            best * 1e3,
            mb / best,
            best_cpu * 1e3,
            mb / best_cpu
        );
    }
}

fn count(tokenizer: &mut impl Tokenizer, text: &str) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}
