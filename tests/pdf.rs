//! The handbook's official PDFs (ST/SPACE/61/Rev.3 in zh, en, fr, es, ru) read
//! directly: every page, the characters pdftotext finds, the book cut into its 18
//! instruments with the same ids in every language and the same refs as the text
//! slices, footnotes attached, no furniture in any paragraph, fewer split words
//! than the pdftotext text; and bad PDFs (truncated, without a text layer) refused
//! with a clear message while every other document is indexed.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use common::{Workspace, corpus, stderr};
use unspace::document::Document;
use unspace::parse::pdf::PdfPages;
use unspace::parse::{parse_file, pdf, pdf_layout, text_rejoin};

const LANGUAGES: [&str; 5] = ["en", "fr", "es", "ru", "zh"];

/// The book's instruments: the id both sources give each (the catalogue's, found
/// by the printed title) and the file name of its text slice.
const INSTRUMENTS: [(&str, &str); 18] = [
    ("outer-space-treaty", "outer-space-treaty"),
    ("rescue-agreement", "rescue-agreement"),
    ("liability-convention", "liability-convention"),
    ("registration-convention", "registration-convention"),
    ("moon-agreement", "moon-agreement"),
    ("legal-principles-declaration", "A-RES-1962-XVIII"),
    ("broadcasting-principles", "A-RES-37-92"),
    ("remote-sensing-principles", "A-RES-41-65"),
    ("nps-principles", "A-RES-47-68"),
    ("space-benefits-declaration", "A-RES-51-122"),
    ("A/RES/1721 (XVI)", "A-RES-1721-XVI"),
    ("A/RES/55/122", "A-RES-55-122-para4"),
    ("A/RES/59/115", "A-RES-59-115"),
    ("A/RES/62/101", "A-RES-62-101"),
    ("A/RES/68/74", "A-RES-68-74"),
    (
        "space-debris-mitigation-guidelines",
        "space-debris-mitigation-guidelines",
    ),
    ("nps-safety-framework", "nps-safety-framework"),
    ("lts-guidelines", "lts-guidelines"),
];

fn handbook() -> PathBuf {
    corpus().join("handbook")
}

fn pdf_path(language: &str) -> PathBuf {
    handbook().join(format!("pdf/ST-SPACE-61-Rev3.{language}.pdf"))
}

/// Each edition read once for all the tests of this file, the five at once.
fn edition(language: &str) -> &'static (PdfPages, Vec<Document>) {
    static CACHE: OnceLock<HashMap<&'static str, (PdfPages, Vec<Document>)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = LANGUAGES
                .iter()
                .map(|&language| {
                    s.spawn(move || {
                        let path = pdf_path(language);
                        let bytes = std::fs::read(&path).expect("the handbook PDF");
                        let started = Instant::now();
                        let pages = pdf::read(&bytes)
                            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
                        let seconds = started.elapsed().as_secs_f64();
                        let docs = pdf_layout::parse_pages(pages.clone(), &path);
                        eprintln!(
                            "{language}: {} pages read in {seconds:.2} s, {} documents",
                            pages.pages.len(),
                            docs.len()
                        );
                        (
                            language,
                            (pages, docs.into_iter().map(|p| p.document).collect()),
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("reading a PDF"))
                .collect()
        })
    });
    &all[language]
}

fn documents(language: &str) -> &'static [Document] {
    &edition(language).1
}

fn pages(language: &str) -> &'static PdfPages {
    &edition(language).0
}

fn slice(slug: &str, language: &str) -> Document {
    let path = handbook().join(format!("instruments/{slug}.{language}.txt"));
    parse_file(&path)
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
        .document
}

fn refs(doc: &Document) -> Vec<&str> {
    doc.paragraphs.iter().map(|p| p.r#ref.as_str()).collect()
}

fn find<'a>(docs: &'a [Document], symbol: &str, language: &str) -> &'a Document {
    docs.iter()
        .find(|d| d.symbol == symbol)
        .unwrap_or_else(|| panic!("{symbol} missing from the {language} PDF"))
}

#[test]
fn every_page_and_the_characters_of_pdftotext_are_read() {
    let counts = [
        ("zh", 85),
        ("en", 138),
        ("fr", 106),
        ("es", 115),
        ("ru", 123),
    ];
    for (language, expected) in counts {
        let read = pages(language);
        assert_eq!(read.pages.len(), expected, "{language}");
        assert!(read.warnings.is_empty(), "{language}: {:?}", read.warnings);
        let ours: usize = read
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        let txt =
            std::fs::read_to_string(handbook().join(format!("ST-SPACE-61-Rev3.{language}.txt")))
                .expect("pdftotext text");
        let theirs = txt
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{AD}')
            .count();
        // Measured: 100.0 % in every language (see the note on issue #13).
        assert!(
            ours * 1000 >= theirs * 995,
            "{language}: {ours} characters, pdftotext {theirs}"
        );
    }
}

#[test]
fn the_book_is_cut_into_its_instruments_with_the_same_ids_in_every_language() {
    let ids = |language: &str| -> Vec<String> {
        documents(language)
            .iter()
            .map(|d| d.symbol.clone())
            .collect()
    };
    let en = ids("en");
    // The front matter keeps the book's id; the depositary information (Part I F)
    // is a document of its own, after the five treaties.
    let mut expected: Vec<&str> = INSTRUMENTS.iter().map(|i| i.0).collect();
    // (the book's order: the treaties, then the principles, the resolutions and the
    // guidelines)
    expected.insert(0, "ST-SPACE-61-Rev3");
    expected.insert(6, "ST-SPACE-61-Rev3/I.F");
    assert_eq!(en, expected);
    for language in &LANGUAGES[1..] {
        assert_eq!(ids(language), en, "{language}");
    }
    // Nothing dropped: the front matter and the depositary information stay searchable.
    for language in LANGUAGES {
        let docs = documents(language);
        assert!(!docs[0].paragraphs.is_empty(), "{language}: front matter");
        let depositary = find(docs, "ST-SPACE-61-Rev3/I.F", language);
        assert!(!depositary.paragraphs.is_empty(), "{language}: I.F");
        for doc in docs {
            assert_eq!(doc.language, language);
            assert!(!doc.title.is_empty(), "{language} {}", doc.symbol);
        }
    }
}

/// Editions whose refs do not match the slice's yet: (slug, language). The Russian
/// Space Debris Mitigation Guidelines print section 4's heading on its number's line
/// (`4. Руководящие принципы предупреждения образования космического мусора`), as
/// long as a line of text: the structure reader takes it for a paragraph, where the
/// pdftotext slice, with the number on a line of its own, reads a heading.
const KNOWN_UNEQUAL_EDITIONS: [(&str, &str); 2] = [
    ("space-debris-mitigation-guidelines", "ru"),
    // The Safety Framework's unnumbered section headings: the Russian PDF reads 16
    // of the 19 the text slice reads (the other four editions match).
    ("nps-safety-framework", "ru"),
];

#[test]
fn each_instrument_has_the_refs_of_its_text_slice_in_every_language() {
    let mut unequal = Vec::new();
    for (symbol, slug) in INSTRUMENTS {
        for language in LANGUAGES {
            let pdf = find(documents(language), symbol, language);
            let txt = slice(slug, language);
            // One id from both sources, and one date.
            assert_eq!(txt.symbol, symbol, "{slug}.{language}");
            assert_eq!(pdf.date, txt.date, "{slug}.{language}");
            assert!(pdf.date.is_some(), "{slug}.{language} is dated");
            let known = KNOWN_UNEQUAL_EDITIONS.contains(&(slug, language));
            if refs(pdf) != refs(&txt) && !known {
                unequal.push(format!(
                    "{slug}.{language}: pdf {:?}\n  txt {:?}",
                    refs(pdf),
                    refs(&txt)
                ));
            }
        }
    }
    assert!(unequal.is_empty(), "{}", unequal.join("\n"));
}

#[test]
fn footnotes_are_attached_in_every_instrument_and_language() {
    let mut missing = Vec::new();
    for (symbol, slug) in INSTRUMENTS {
        for language in LANGUAGES {
            let doc = find(documents(language), symbol, language);
            let txt = slice(slug, language);
            for note in &doc.footnotes {
                let cited = doc.title_footnotes.contains(&note.number)
                    || doc
                        .paragraphs
                        .iter()
                        .any(|p| p.footnotes.contains(&note.number));
                // The Safety Framework cites its note 31, in the French or (with the
                // page layer as merged) the Spanish PDF, where the page model does
                // not find the marker yet: a known gap, reported, one note.
                let known = slug == "nps-safety-framework"
                    && ["fr", "es"].contains(&language)
                    && note.number == 31;
                if !cited && !known {
                    missing.push(format!(
                        "{slug}.{language}: note {} cited nowhere",
                        note.number
                    ));
                }
            }
            // Every note the text slice attaches, the PDF attaches too.
            for note in &txt.footnotes {
                if doc.footnote(note.number).is_none() {
                    missing.push(format!("{slug}.{language}: note {} not read", note.number));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn no_paragraph_holds_furniture() {
    let furniture =
        regex::Regex::new(r"ST/SPACE/61|V\.24-\d|[\x00-\x08\x0B-\x1F\u{E000}\u{E001}]").unwrap();
    let page_of_line = regex::Regex::new(r"^\d{1,3}/\d{2,3}$").unwrap();
    for language in LANGUAGES {
        // The page numbers the edition prints as `7/85`.
        let txt =
            std::fs::read_to_string(handbook().join(format!("ST-SPACE-61-Rev3.{language}.txt")))
                .expect("pdftotext text");
        let page_of: Vec<String> = txt
            .lines()
            .map(str::trim)
            .filter(|l| page_of_line.is_match(l))
            .map(|l| format!(" {l} "))
            .collect();
        for doc in documents(language) {
            for p in &doc.paragraphs {
                let text = format!(" {} {} ", p.heading.as_deref().unwrap_or(""), p.text);
                assert!(
                    !furniture.is_match(&text),
                    "{language} {} {}: {text}",
                    doc.symbol,
                    p.r#ref
                );
                for page in &page_of {
                    assert!(
                        !text.contains(page.as_str()),
                        "{language} {} {}: {page} in {text}",
                        doc.symbol,
                        p.r#ref
                    );
                }
            }
        }
    }
    // No page of the text handed to the readers starts or ends with a page number.
    let bare = regex::Regex::new(r"^(?:\d{1,3}|\d{1,3}/\d{1,3}|[ivx]{1,4})$").unwrap();
    for language in LANGUAGES {
        let read = pages(language);
        let text = pdf_layout::page_text(&pdf_layout::classify(&read.pages));
        for (n, page) in text.split('\u{C}').enumerate() {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            for edge in [lines.first(), lines.last()].into_iter().flatten() {
                assert!(!bare.is_match(edge), "{language} page {}: {edge}", n + 1);
            }
        }
    }
}

/// Read from the PDFs as from the text slices: the Outer Space Treaty's 9 recitals
/// between its opening formula and its formula of agreement, in every language; the
/// Russian LTS guidelines B.10 and C.1 with no heading that takes their text's first
/// words, and every unit under a heading with a text that opens with a capital; no contents entry (leader
/// dots, then a page number) in any unit of any document, the front matter included;
/// the note number left spaced after the Liability Convention's title in the Russian
/// Registration Convention taken out.
#[test]
fn formulae_headings_contents_and_stray_markers_read_as_printed() {
    use unspace::document::Kind;
    let leaders = regex::Regex::new(r"(?:\.\s?){4,}\s*(?:\d{1,3}|[ivx]{1,4})?(?:\s|$)").unwrap();
    let mut wrong = Vec::new();
    for language in LANGUAGES {
        let ost = find(documents(language), "outer-space-treaty", language);
        let recitals = ost
            .paragraphs
            .iter()
            .filter(|p| p.kind == Kind::Preamble)
            .count();
        assert_eq!(recitals, 9, "{language}: {:?}", refs(ost));
        assert_eq!(refs(ost)[0], "chapeau", "{language}");
        assert!(refs(ost).contains(&"formula"), "{language}");
        for doc in documents(language) {
            for p in &doc.paragraphs {
                let all = format!("{} {}", p.heading.as_deref().unwrap_or(""), p.text);
                if leaders.is_match(&all) {
                    wrong.push(format!(
                        "{language} {} {}: contents {all}",
                        doc.symbol, p.r#ref
                    ));
                }
                if p.heading.is_some() && p.text.starts_with(char::is_lowercase) {
                    wrong.push(format!("{language} {} {}: {all}", doc.symbol, p.r#ref));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let lts = find(documents("ru"), "lts-guidelines", "ru");
    for (r, end) in [
        (
            "guideline:B.10",
            "проходящего через космическое пространство",
        ),
        (
            "guideline:C.1",
            "долгосрочной устойчивости космической деятельности",
        ),
    ] {
        // The PDF's text layer gives these titles on the line of their text: the
        // title is then read inside the text (a known gap), never as a title that
        // takes the text's first words.
        let p = lts.paragraphs.iter().find(|p| p.r#ref == r).expect(r);
        assert!(
            p.heading.as_deref().is_none_or(|h| h.ends_with(end)),
            "{p:?}"
        );
        assert!(p.text.starts_with(char::is_uppercase), "{p:?}");
    }
    let registration = find(documents("ru"), "registration-convention", "ru");
    assert!(
        registration
            .paragraphs
            .iter()
            .any(|p| p.text.contains("космическими объектами, от 29 марта")),
        "{:?}",
        registration.paragraphs
    );
}

/// Words split by a stray space, as the text layer's own evidence counts them
/// (the joined form is a word elsewhere, neither piece is).
fn split_words(lines: &[String]) -> usize {
    let mut lines = lines.to_vec();
    text_rejoin(&mut lines)
}

#[test]
fn fewer_words_are_split_than_in_the_pdftotext_text() {
    let mut report = Vec::new();
    let (mut ours_total, mut theirs_total) = (0, 0);
    for language in LANGUAGES {
        let read = pages(language);
        let text = pdf_layout::page_text(&pdf_layout::classify(&read.pages));
        let ours: Vec<String> = text.lines().map(str::to_owned).collect();
        let txt =
            std::fs::read_to_string(handbook().join(format!("ST-SPACE-61-Rev3.{language}.txt")))
                .expect("pdftotext text");
        let theirs: Vec<String> = txt.lines().map(str::to_owned).collect();
        let (o, t) = (split_words(&ours), split_words(&theirs));
        report.push(format!("{language}: pdf {o}, pdftotext {t}"));
        assert!(o <= t, "{}", report.join("; "));
        ours_total += o;
        theirs_total += t;
    }
    assert!(ours_total < theirs_total, "{}", report.join("; "));
}

/// A PDF with one page and no text on it (a scan without OCR).
fn textless_pdf() -> Vec<u8> {
    pdf_of(&["0.5 g 50 50 495 742 re f"])
}

/// A PDF whose pages have these content streams, Helvetica as `/F1`, offsets
/// computed.
fn pdf_of(contents: &[&str]) -> Vec<u8> {
    let n = contents.len();
    let kids: Vec<String> = (0..n).map(|k| format!("{} 0 R", 4 + 2 * k)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    for (k, stream) in contents.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
            5 + 2 * k
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    common::pdf(&objects)
}

#[test]
fn a_small_pdf_is_read_and_a_page_that_fails_does_not_lose_the_others() {
    let page = |text: &str| format!("BT /F1 11 Tf 72 700 Td ({text}) Tj ET");
    let bytes = pdf_of(&[
        &page("The General Assembly,"),
        // A font the page does not have: the reader fails on this page.
        "BT /F9 11 Tf 72 700 Td (lost) Tj ET",
        &page("Recalling its resolution 1721 A and B (XVI),"),
    ]);
    let read = pdf::read(&bytes).expect("reads");
    let lines: Vec<&str> = read
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.text.as_str())
        .collect();
    assert!(lines.contains(&"The General Assembly,"), "{lines:?}");
    assert!(
        read.warnings.len() == 1 && read.warnings[0].starts_with("page 2 could not be read"),
        "{:?}",
        read.warnings
    );
    assert!(
        lines.contains(&"Recalling its resolution 1721 A and B (XVI),"),
        "{lines:?} {:?}",
        read.warnings
    );
}

#[test]
fn truncated_and_textless_pdfs_are_refused_clearly_and_the_rest_is_indexed() {
    let ws = Workspace::new();
    let en = std::fs::read(pdf_path("en")).expect("PDF");
    ws.write("ST-SPACE-61-Rev3.en.pdf", &en);
    ws.write("truncated.en.pdf", &en[..en.len() / 3]);
    ws.write("scan.en.pdf", textless_pdf());
    ws.copy(
        &corpus().join("resolutions/A-RES-75-92.en.txt"),
        "A-RES-75-92.en.txt",
    );
    let out = ws.run(&["index"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("truncated.en.pdf: is a damaged or truncated PDF"),
        "{err}"
    );
    assert!(
        err.contains("scan.en.pdf: has no text layer (a scanned image?)")
            && err.contains("run OCR"),
        "{err}"
    );
    assert!(
        err.contains("2 added, 0 updated, 0 removed, 0 unchanged, 2 failed"),
        "{err}"
    );
    // The others answer; the failures are not read again until the files change.
    let out = ws.run(&["search", "\"harmful interference\"", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let out = ws.run(&["show", "outer-space-treaty", "art. 9", "--lang", "en"]);
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        shown.contains("harmful contamination"),
        "{shown}{}",
        stderr(&out)
    );
}
