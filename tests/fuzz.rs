//! Fuzzing, in bounded time: thousands of random and mutated inputs made from the
//! real documents go through the reader (decode + parse), and random queries made
//! of the query language's pieces go through the parser and the search. Each must
//! end in a result or a clean error — never a panic, never a hang.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use common::{Rng, Workspace, corpus};
use unspace::{parse, query, search};

/// Pieces that stress the reader: markers, furniture, controls, odd bytes.
const SPLICES: [&[u8]; 16] = [
    b"\n\n",
    b"\x0c",
    b"\r",
    b"_______\n1 ",
    b"\n12. ",
    b"2/8\n",
    b"A/RES/76/76\n",
    b"The General Assembly,\n",
    "大会，\n".as_bytes(),
    "第四条\n".as_bytes(),
    b"\xE9",
    b"\xFF\xFE",
    b"\x00",
    b"\x1b[2J",
    "\u{AD}".as_bytes(),
    b"(a) ",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    // A window of the document, so that the inputs stay small and many.
    let len = seed.len();
    let start = rng.below(len);
    let end = (start + 200 + rng.below(6000)).min(len);
    let mut bytes = seed[start..end].to_vec();
    for _ in 0..1 + rng.below(12) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 => {
                let piece = *rng.pick(&SPLICES);
                bytes.splice(at..at, piece.iter().copied()).for_each(drop)
            }
            1 if at < bytes.len() => bytes[at] = rng.next() as u8,
            2 => bytes.truncate(at),
            3 => {
                let from = rng.below(len);
                let piece = &seed[from..(from + rng.below(300)).min(len)];
                bytes.splice(at..at, piece.iter().copied()).for_each(drop);
            }
            _ => {
                let n = rng.below(64);
                bytes
                    .splice(at..at, (0..n).map(|_| rng.next() as u8))
                    .for_each(drop);
            }
        }
    }
    bytes
}

/// Runs `work` on its own thread; fails if it panics or takes longer than `limit`.
fn bounded(name: &str, limit: Duration, work: impl FnOnce() -> usize + Send + 'static) -> usize {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(work)));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(count)) => count,
        Ok(Err(_)) => panic!("{name}: an input made the code panic (see the message above)"),
        Err(_) => panic!("{name}: did not finish within {limit:?}: a hang"),
    }
}

#[test]
fn the_reader_ends_every_mutated_document_with_a_result_or_a_clean_error() {
    let mut seeds = Vec::new();
    for folder in ["resolutions", "handbook/instruments", "clean"] {
        let mut paths: Vec<_> = std::fs::read_dir(corpus().join(folder))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for path in paths.into_iter().step_by(3) {
            seeds.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    assert!(seeds.len() >= 30, "{} seed documents", seeds.len());
    let read = bounded("reader", Duration::from_secs(240), move || {
        let mut rng = Rng(0x5EED);
        let mut parsed = 0;
        for i in 0..3000 {
            let (path, seed) = &seeds[i % seeds.len()];
            let bytes = if i % 10 == 0 {
                (0..rng.below(2000)).map(|_| rng.next() as u8).collect()
            } else {
                mutate(&mut rng, seed)
            };
            let name = path.file_name().unwrap();
            let outcome = catch_unwind(|| parse::parse_bytes(&bytes, Path::new(name)));
            match outcome {
                Ok(Ok(_)) => parsed += 1,
                Ok(Err(e)) => assert!(!e.to_string().is_empty()),
                Err(_) => panic!(
                    "input {i} (from {}) panicked: {:?}",
                    path.display(),
                    String::from_utf8_lossy(&bytes)
                ),
            }
        }
        parsed
    });
    assert!(read > 1000, "most mutated documents still read: {read}");
}

#[test]
fn the_query_parser_and_search_end_every_random_query_cleanly() {
    let ws = Workspace::with_resolutions(&["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"]);
    let library = ws.indexed();
    const PIECES: [&str; 30] = [
        "空间碎片",
        "外层",
        "\"",
        "\"space debris\"",
        "OR",
        "NOT",
        "-",
        "--",
        "-空间",
        "space",
        "debris",
        "75/92",
        "A/AC.105/1240",
        "(",
        ")",
        "２０３０",
        "2021 年",
        "*",
        "\\",
        "'",
        "“",
        "”",
        "、",
        " ",
        "\u{AD}",
        "\x1b",
        "ǅ",
        "ß",
        "İ",
        "e\u{301}",
    ];
    let answered = bounded("queries", Duration::from_secs(240), move || {
        let mut rng = Rng(0xC0FFEE);
        let mut answered = 0;
        for i in 0..1500 {
            let mut text = String::new();
            for _ in 0..1 + rng.below(6) {
                if rng.below(8) == 0 {
                    text.push(char::from_u32(rng.next() as u32 % 0x3_0000).unwrap_or('x'));
                } else {
                    let piece: &&str = rng.pick(&PIECES);
                    text.push_str(piece);
                }
                if rng.below(2) == 0 {
                    text.push(' ');
                }
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| match query::parse(&text) {
                Ok(q) => {
                    let filters = search::Filters::default();
                    search::search(&library, &text, &q, &filters, 1 + i % 20).map(|_| true)
                }
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    Ok(false)
                }
            }));
            match outcome {
                Ok(Ok(true)) => answered += 1,
                Ok(Ok(false)) => {}
                Ok(Err(e)) => panic!("query {text:?}: the search failed: {e:#}"),
                Err(_) => panic!("query {text:?} panicked"),
            }
        }
        answered
    });
    assert!(
        answered > 500,
        "most random queries parse and answer: {answered}"
    );
}

/// Pieces that stress a PDF's structure: references that point back, lengths that
/// lie, page-tree and form keys, stream markers.
const PDF_SPLICES: [&[u8]; 14] = [
    b" /Parent 3 0 R ",
    b" /Parent 2 0 R ",
    b" /Kids [2 0 R 3 0 R] ",
    b" 2 0 R ",
    b" /Length 999999999 ",
    b" /Length 7 0 R ",
    b"stream\n",
    b"\nendstream",
    b"endobj\n",
    b" /Filter /FlateDecode ",
    b" /XObject << /X 6 0 R >> ",
    b" /X Do ",
    b" /Contents [5 0 R 5 0 R 5 0 R] ",
    b"xref\n0 1\n",
];

/// A small PDF with a page tree, a font, a content stream and a form.
fn seed_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R 7 0 R] /Count 2 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /Length 60 >>\nstream\nBT /F1 12 Tf 72 712 Td (Outer space debris text) Tj ET /X Do\nendstream".to_owned(),
        "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 12 >>\nstream\n0 0 1 1 re f\nendstream".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
    ];
    common::pdf(&objects)
}

/// The PDF path (the isolated reader, the structure checks, the page model) ends
/// every mutated PDF — a small one of every part, and the handbook's own front pages
/// cut short — with documents or a clean error, never a panic or a hang.
#[test]
fn the_pdf_reader_ends_every_mutated_pdf_with_a_result_or_a_clean_error() {
    let small = seed_pdf();
    let unmutated =
        parse::parse_bytes_many(&small, Path::new("seed.en.pdf")).expect("the seed reads");
    assert!(
        unmutated[0].document.paragraphs[0]
            .text
            .contains("Outer space debris")
    );
    let handbook = std::fs::read(corpus().join("handbook/pdf/ST-SPACE-61-Rev3.en.pdf")).unwrap();
    let read = bounded("pdf reader", Duration::from_secs(240), move || {
        let mut rng = Rng(0x0DF);
        let mut parsed = 0;
        for i in 0..150 {
            let mut bytes = if i % 15 == 0 {
                // The handbook cut anywhere (a truncated download).
                handbook[..rng.below(handbook.len())].to_vec()
            } else {
                small.clone()
            };
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 => {
                        let piece = *rng.pick(&PDF_SPLICES);
                        bytes.splice(at..at, piece.iter().copied()).for_each(drop);
                    }
                    1 if at < bytes.len() => bytes[at] = rng.next() as u8,
                    _ => {
                        let end = (at + rng.below(40)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
            }
            match parse::parse_bytes_many(&bytes, Path::new("fuzzed.en.pdf")) {
                Ok(_) => parsed += 1,
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.starts_with("is "), "input {i}: {message}");
                }
            }
        }
        parsed
    });
    assert!(read >= 5, "some mutated PDFs still read: {read}");
}
