//! Hostile PDFs and pathological inputs, each a few kilobytes written here: a page
//! tree that loops, a form that draws itself, a stream listed a thousand times,
//! forms nested nine deep ten times over, a flate bomb, ten thousand pages, a page
//! listed twice; a paragraph of megabytes; a query of repeated words. None may hang,
//! crash or exhaust unspace: each run is bounded in time (a hang fails the test),
//! the hostile file is named with what is wrong, the good documents beside it are
//! indexed, and later searches answer without reading it again.

mod common;

use std::io::Write;
use std::time::Duration;

use common::{Workspace, pdf, run_within, stderr, stdout};

fn obj(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream");
    out
}

fn deflated(content: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(content).unwrap();
    encoder.finish().unwrap()
}

const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
const TEXT: &[u8] = b"BT /F1 12 Tf 72 712 Td (Hostile document text) Tj ET";

/// A workspace with a good document beside `name`.
fn beside_a_good_document(name: &str, bytes: &[u8]) -> Workspace {
    let ws = Workspace::with_resolutions(&["A-RES-75-92.en.txt"]);
    ws.write(name, bytes);
    ws
}

/// `unspace index` ends within `limit`, names the hostile file with `what`, and
/// the good document is indexed; a search then answers at once and does not read
/// the file again.
fn refused(ws: &Workspace, name: &str, what: &str, limit: Duration) {
    let out = run_within(ws.command(&["index"]), limit);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(name) && err.contains(what), "{name}: {err}");
    assert!(err.contains("1 added") && err.contains("1 failed"), "{err}");
    let out = run_within(
        ws.command(&["search", "Continuity"]),
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(name),
        "not read again: {}",
        stderr(&out)
    );
}

#[test]
fn a_page_tree_that_loops_is_refused_at_once() {
    // The page is its own parent and has no MediaBox: pdf-extract's lookup of an
    // inherited attribute would climb forever.
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream("", TEXT),
    ]);
    assert!(bytes.len() < 1024);
    let ws = beside_a_good_document("loop.en.pdf", &bytes);
    refused(
        &ws,
        "loop.en.pdf",
        "page tree loops",
        Duration::from_secs(30),
    );
    // A first build with it (a search that builds the index) indexes the good one.
    let fresh = beside_a_good_document("loop.en.pdf", &bytes);
    let out = run_within(
        fresh.command(&["search", "Continuity"]),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_form_that_draws_itself_is_refused_without_a_crash() {
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream("", b"BT /F1 12 Tf 72 712 Td (Text) Tj ET /X Do"),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X 6 0 R >> >>",
            b"/X Do",
        ),
    ]);
    let ws = beside_a_good_document("self.en.pdf", &bytes);
    refused(&ws, "self.en.pdf", "draws itself", Duration::from_secs(30));
}

#[test]
fn content_that_inflates_past_the_page_budget_is_refused() {
    // One 10 MB stream listed 1,000 times (10 GB to draw), in a file of kilobytes.
    let big = deflated(&vec![b' '; 10 << 20]);
    let contents: String = (0..1000).map(|_| "6 0 R ").collect();
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R {contents}] >>"
        )),
        obj(FONT),
        stream("", TEXT),
        stream("/Filter /FlateDecode", &big),
    ]);
    assert!(bytes.len() < 64 << 10, "{} bytes", bytes.len());
    let ws = beside_a_good_document("repeat.en.pdf", &bytes);
    refused(
        &ws,
        "repeat.en.pdf",
        "MB of content once inflated",
        Duration::from_secs(30),
    );
}

#[test]
fn a_flate_bomb_is_refused_before_it_inflates() {
    // 96 MB of zeros in one stream, past the 64 MB a page may hold.
    let bomb = deflated(&vec![0u8; 96 << 20]);
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R 6 0 R] >>",
        ),
        obj(FONT),
        stream("", TEXT),
        stream("/Filter /FlateDecode", &bomb),
    ]);
    let ws = beside_a_good_document("bomb.en.pdf", &bytes);
    refused(
        &ws,
        "bomb.en.pdf",
        "inflates past 64 MB",
        Duration::from_secs(30),
    );
}

#[test]
fn forms_nested_nine_deep_ten_times_over_are_refused() {
    // Form k draws form k+1 ten times: 10^9 drawings from a 3 KB file.
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream("", b"BT /F1 12 Tf 72 712 Td (Text) Tj ET /X Do"),
    ];
    for level in 0..9 {
        let next = 7 + level;
        let draws: Vec<u8> = b"/X Do ".repeat(10);
        let resources = if level < 8 {
            format!("/Resources << /XObject << /X {next} 0 R >> >>")
        } else {
            String::new()
        };
        objects.push(stream(
            &format!("/Type /XObject /Subtype /Form /BBox [0 0 10 10] {resources}"),
            if level < 8 { &draws } else { b"0 0 1 1 re f" },
        ));
    }
    let bytes = pdf(&objects);
    assert!(bytes.len() < 4096);
    let ws = beside_a_good_document("nested.en.pdf", &bytes);
    refused(
        &ws,
        "nested.en.pdf",
        "draws more than",
        Duration::from_secs(30),
    );
}

#[test]
fn ten_thousand_pages_read_in_linear_time_and_a_page_listed_twice_reads_once() {
    let pages = 10_000;
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj(&format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R ", 5 + i))
                .collect::<String>()
        )),
        obj(FONT),
        stream(
            "",
            b"BT /F1 12 Tf 72 712 Td (Tenthousand pages of zircon) Tj ET",
        ),
    ];
    for _ in 0..pages {
        objects.push(obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
        ));
    }
    let ws = Workspace::new();
    ws.write("many.en.pdf", pdf(&objects));
    let out = run_within(ws.command(&["index"]), Duration::from_secs(120));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A /Kids array that holds its own Pages node: the page is read once.
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 3 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream(
            "",
            b"BT /F1 12 Tf 72 712 Td (The unique zirconium page) Tj ET",
        ),
    ]);
    let ws = Workspace::new();
    ws.write("twice.en.pdf", bytes);
    let out = run_within(
        ws.command(&["search", "zirconium", "--json"]),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["total"], 1, "{v}");
}

#[test]
fn a_pdf_reader_that_hangs_or_crashes_is_stopped_and_named() {
    // The reader process is replaced by scripts that hang, or die as an allocation
    // failure does: the limit and the message are unspace's, whatever the cause.
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let hang = script("hang.sh", "sleep 60");
    let oom = script(
        "oom.sh",
        "echo 'memory allocation of 4294967296 bytes failed' >&2; kill -ABRT $$",
    );
    let good = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream("", TEXT),
    ]);
    for (reader, what) in [
        (&hang, "could not be read within 1 s"),
        (&oom, "needs more than 2 GB of memory"),
    ] {
        let ws = beside_a_good_document("odd.en.pdf", &good);
        let mut index = ws.command(&["index"]);
        index
            .env("UNSPACE_PDF_READER", reader)
            .env("UNSPACE_PDF_SECONDS", "1");
        let out = run_within(index, Duration::from_secs(30));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("odd.en.pdf") && err.contains(what), "{err}");
        assert!(err.contains("1 added"), "{err}");
    }
    // The real reader reads the same file.
    let ws = beside_a_good_document("odd.en.pdf", &good);
    let out = run_within(ws.command(&["search", "Hostile"]), Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_paragraph_of_megabytes_is_cut_and_searched_in_bounded_time() {
    // 4 MB of text wrapped at 80 columns with no blank line, and 2 MB on one line.
    let sentence = "Space debris mitigation measures are reviewed by the committee. ";
    let wrapped: String = sentence
        .repeat(4 << 20 >> 6)
        .as_bytes()
        .chunks(80)
        .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
        .collect();
    let one_line = sentence.repeat(2 << 20 >> 6);
    let ws = Workspace::new();
    ws.write("wrapped.en.txt", wrapped);
    ws.write("oneline.en.txt", one_line);
    let out = run_within(
        ws.command(&["search", "space debris", "--json", "-n", "5"]),
        Duration::from_secs(120),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        v["total"].as_u64().unwrap() > 200,
        "cut into many units: {}",
        v["total"]
    );
    for hit in v["hits"].as_array().unwrap() {
        let chars = hit["text"].as_str().unwrap().chars().count();
        assert!(
            chars <= unspace::parse::MAX_UNIT_CHARS,
            "{chars} characters in one hit"
        );
    }
}

#[test]
fn repeated_and_endless_query_terms_are_collapsed_or_refused() {
    let ws = Workspace::with_resolutions(&["A-RES-75-92.en.txt"]);
    let once = common::total(&ws, "space");
    let thrice = common::total(&ws, "space space space SPACE");
    assert_eq!(once, thrice);
    let long = "space ".repeat(16_666);
    let out = run_within(ws.command(&["search", &long]), Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a query may have at most"),
        "{}",
        stderr(&out)
    );
    let many: String = (0..100).map(|i| format!("word{i} ")).collect();
    let out = run_within(ws.command(&["search", &many]), Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("different terms"), "{}", stderr(&out));
}

#[test]
fn fifty_megabytes_of_blank_lines_take_little_memory() {
    // Kept to a few blank lines in a row before the page model sees them.
    let mut text = String::from("Space debris is discussed here.\n");
    text.push_str(&"\n".repeat(50 << 20));
    text.push_str("And the zirconium committee reviews it.\n");
    let ws = Workspace::new();
    ws.write("blank.en.txt", text);
    let out = run_within(
        ws.command(&["search", "zirconium", "--json"]),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["total"], 1);
    // Memory: the peak of the whole run, from the kernel (GNU time's %M reads the
    // same rusage), well under what 50 million lines' structures would take.
    let peak_kb = peak_rss_of(&ws, &["index", "--rebuild"]);
    assert!(peak_kb < 1_000_000, "peak {peak_kb} KB");
}

/// The peak resident memory of unspace running `args`, in KB (getrusage of the
/// waited-for children, which includes the PDF reader's).
fn peak_rss_of(ws: &Workspace, args: &[&str]) -> i64 {
    let before = children_peak();
    let out = ws.command(args).output().unwrap();
    assert!(out.status.code().is_some());
    let after = children_peak();
    assert!(after >= before);
    after
}

fn children_peak() -> i64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

#[test]
fn a_file_name_that_is_not_utf8_still_gives_a_citation() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    let name = std::ffi::OsStr::from_bytes(b"notes-\xff\xfe.en.txt");
    std::fs::write(
        ws.data().join(name),
        "The zirconium paragraph of a stray file.\n",
    )
    .unwrap();
    let out = run_within(
        ws.command(&["search", "zirconium", "--json"]),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let hit = &v["hits"][0];
    assert_eq!(hit["symbol"], "notes-\\xFF\\xFE", "{hit}");
    assert!(
        hit["citation"]
            .as_str()
            .unwrap()
            .starts_with("notes-\\xFF\\xFE"),
        "{hit}"
    );
}

#[test]
fn links_into_proc_are_skipped_and_do_not_make_every_search_update() {
    let ws = Workspace::with_resolutions(&["A-RES-75-92.en.txt"]);
    std::os::unix::fs::symlink("/proc/self", ws.data().join("self")).unwrap();
    std::os::unix::fs::symlink("/proc/self/status", ws.data().join("status.en.txt")).unwrap();
    let out = run_within(ws.command(&["index"]), Duration::from_secs(30));
    let err = stderr(&out);
    assert!(err.contains("skipped: a symbolic link into /proc"), "{err}");
    assert!(err.contains("1 added"), "{err}");
    for _ in 0..2 {
        let out = run_within(
            ws.command(&["search", "Continuity"]),
            Duration::from_secs(30),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stderr(&out).contains("changed"), "{}", stderr(&out));
    }
}

#[test]
fn a_pdf_set_in_type3_fonts_is_called_what_it_is() {
    // Glyphs drawn as pictures with no encoding or ToUnicode map: no characters.
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 10 10] /FontMatrix [0.1 0 0 0.1 0 0] /CharProcs << /g1 6 0 R >> /FirstChar 1 /LastChar 1 /Widths [10] >>",
        ),
        stream("", b"BT /F1 12 Tf 72 712 Td (\\001\\001\\001) Tj ET"),
        stream("", b"0 0 0 0 10 10 d1 0 0 10 10 re f"),
    ]);
    let ws = beside_a_good_document("type3.en.pdf", &bytes);
    refused(&ws, "type3.en.pdf", "Type3 fonts", Duration::from_secs(30));
}

#[test]
fn a_stream_whose_length_refers_to_itself_is_called_damaged_not_textless() {
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        {
            let mut s = b"<< /Length 6 0 R >>\nstream\n".to_vec();
            s.extend_from_slice(TEXT);
            s.extend_from_slice(b"\nendstream");
            s
        },
        obj("7 0 R"),
        obj("6 0 R"),
    ]);
    let ws = beside_a_good_document("length.en.pdf", &bytes);
    refused(
        &ws,
        "length.en.pdf",
        "is a damaged PDF: the content of page 1 cannot be read",
        Duration::from_secs(30),
    );
    assert!(!stderr(&ws.run(&["index"])).contains("run OCR"));
}

#[test]
fn a_page_that_draws_hundreds_of_thousands_of_characters_is_cut() {
    let content = [&b"BT /F1 1 Tf "[..], &b"(x) Tj ".repeat(150_000), b"ET"].concat();
    let bytes = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        ),
        obj(FONT),
        stream("/Filter /FlateDecode", &deflated(&content)),
    ]);
    let ws = Workspace::new();
    ws.write("glyphs.en.pdf", bytes);
    let out = run_within(ws.command(&["index"]), Duration::from_secs(120));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("page 1 draws more than 100000 characters"),
        "{err}"
    );
}
