//! Counts reading defects on the handbook (issue #26), the same way each time, in
//! the three forms the book comes in: the official PDFs (cut into instruments), the
//! text slices (one file per instrument and language) and the whole-book texts read
//! as one document each.
//!
//! ```text
//! cargo run --example reading_audit -- tests/corpus/handbook
//! ```
//!
//! Figures printed, per source and in total:
//! - `recitals`: the preambular units of the five treaties (9+…);
//! - `formulae`: the units that are a treaty's opening or closing formula;
//! - `lower-under-heading`: units with a heading whose text opens with a lower-case
//!   letter (a heading that took the first words of its text);
//! - `contents`: contents entries (leader dots, then the page number if printed
//!   there) inside any unit's text or heading (a table of contents read as text);
//! - `lone-heading`: units with a heading and no text;
//! - `stray-marker`: numbers standing alone in a text (`объектами 3, от`) that are the
//!   number of one of the document's footnotes the unit does not cite, or of a note
//!   below the document's first (see [`stray_markers`]).
//!
//! With `-v`, each unit counted is printed; with `--dump`, every unit instead (source,
//! language, document, ref, heading, text, notes), to compare two builds.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;
use unspace::document::{Document, Kind, Paragraph};
use unspace::parse::{parse_file, pdf, pdf_layout};

const LANGUAGES: [&str; 5] = ["zh", "en", "fr", "es", "ru"];
const TREATIES: [&str; 5] = [
    "outer-space-treaty",
    "rescue-agreement",
    "liability-convention",
    "registration-convention",
    "moon-agreement",
];

/// A contents entry's leader dots and the page number after them, if printed there.
static LEADERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:\.\s?){4,}|…{3,})\s*(?:\d{1,3}|[ivxlc]{1,6})?(?:\s|$)").unwrap()
});
static BARE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{L}+)[ \u{a0}]+([0-9]{1,2})[ \u{a0}]*[,.;:](?:\s|$)").unwrap()
});

#[derive(Default)]
struct Counts {
    recitals: usize,
    formulae: usize,
    lower: usize,
    contents: usize,
    lone: usize,
    stray: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.recitals += o.recitals;
        self.formulae += o.formulae;
        self.lower += o.lower;
        self.contents += o.contents;
        self.lone += o.lone;
        self.stray += o.stray;
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<10} recitals {:>3}  formulae {:>3}  lower-under-heading {:>3}  contents {:>3}  lone-heading {:>3}  stray-marker {:>3}",
            self.recitals, self.formulae, self.lower, self.contents, self.lone, self.stray
        )
    }
}

fn is_treaty(doc: &Document) -> bool {
    TREATIES.iter().any(|t| doc.symbol == *t)
}

/// Words a number follows as text (`статьи 3,`), not as a marker: written apart
/// from the parser's list, so that the count does not follow the parser.
const NUMBERING: [&str; 20] = [
    "articl",
    "artícul",
    "paragraph",
    "párraf",
    "princip",
    "guideline",
    "directri",
    "section",
    "secci",
    "part",
    "chap",
    "capítul",
    "resol",
    "annex",
    "anex",
    "стать",
    "пункт",
    "принцип",
    "руководящ",
    "раздел",
];

fn numbers_follow(word: &str) -> bool {
    let word = word.to_lowercase();
    NUMBERING.iter().any(|w| word.starts_with(w))
}

/// Numbers standing alone after a word (of four letters or more, not one that
/// numbers: `статьи 3,`) and before punctuation that are the number of a note of the
/// document the unit does not cite, or of a note below the document's first (printed
/// earlier in the book).
fn stray_markers(doc: &Document, p: &Paragraph) -> usize {
    let first = doc.footnotes.iter().map(|f| f.number).min().unwrap_or(0);
    BARE_NUMBER
        .captures_iter(&p.text)
        .filter(|c| {
            let word = &c[1];
            word.chars().count() >= 4
                && word.chars().last().is_some_and(char::is_lowercase)
                && !numbers_follow(word)
        })
        .filter_map(|c| c[2].parse::<u32>().ok())
        .filter(|n| *n < first || doc.footnote(*n).is_some() && !p.footnotes.contains(n))
        .count()
}

fn audit(doc: &Document, source: &str, verbose: bool) -> Counts {
    let mut c = Counts::default();
    let say = |what: &str, p: &Paragraph| {
        if verbose {
            let head: String = p
                .text
                .chars()
                .take(70)
                .map(|c| if c == '\n' { '⏎' } else { c })
                .collect();
            println!(
                "  {source} {} {} {} [{what}] {:?} | {head}",
                doc.language,
                doc.symbol,
                p.r#ref,
                p.heading.as_deref().unwrap_or("")
            );
        }
    };
    for p in &doc.paragraphs {
        if is_treaty(doc) && p.kind == Kind::Preamble {
            c.recitals += 1;
        }
        if is_treaty(doc) && ["chapeau", "formula"].contains(&p.r#ref.as_str()) {
            c.formulae += 1;
        }
        if p.heading.is_some() && p.text.starts_with(char::is_lowercase) {
            c.lower += 1;
            say("lower", p);
        }
        let leaders = LEADERS.find_iter(&p.text).count()
            + p.heading
                .as_deref()
                .map_or(0, |h| LEADERS.find_iter(h).count());
        if leaders > 0 {
            c.contents += leaders;
            say("contents", p);
        }
        if p.heading.is_some() && p.text.trim().is_empty() {
            c.lone += 1;
            say("lone", p);
        }
        let stray = stray_markers(doc, p);
        if stray > 0 {
            c.stray += stray;
            say("stray", p);
        }
    }
    c
}

/// Every unit on a line of its own (`--dump`), to compare two builds with `diff`.
fn dump(docs: &[Document], source: &str) {
    for d in docs {
        for p in &d.paragraphs {
            println!(
                "{source}\t{}\t{}\t{}\t{:?}\t{}\t{:?}",
                d.language,
                d.symbol,
                p.r#ref,
                p.heading.as_deref().unwrap_or(""),
                p.text.replace('\n', " ⏎ "),
                p.footnotes
            );
        }
    }
}

fn audit_all(docs: &[Document], source: &str, verbose: bool) -> Counts {
    let mut total = Counts::default();
    for d in docs {
        total.add(&audit(d, source, verbose));
    }
    total
}

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let dumping = args.iter().any(|a| a == "--dump");
    args.retain(|a| a != "-v" && a != "--dump");
    let book = PathBuf::from(
        args.first()
            .context("usage: reading_audit HANDBOOK_DIR [-v | --dump]")?,
    );
    let mut grand = Counts::default();
    for (name, docs) in [
        ("pdf", pdf_documents(&book)?),
        ("slices", slice_documents(&book)?),
        ("book-txt", book_texts(&book)?),
    ] {
        if dumping {
            dump(&docs, name);
            continue;
        }
        let c = audit_all(&docs, name, verbose);
        println!("{}", c.line(name));
        grand.add(&c);
    }
    if !dumping {
        println!("{}", grand.line("total"));
    }
    Ok(())
}

fn pdf_documents(book: &Path) -> Result<Vec<Document>> {
    let mut out = Vec::new();
    for language in LANGUAGES {
        let path = book.join(format!("pdf/ST-SPACE-61-Rev3.{language}.pdf"));
        let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
        let pages = pdf::read(&bytes)?;
        out.extend(
            pdf_layout::parse_pages(pages, &path)
                .into_iter()
                .map(|p| p.document),
        );
    }
    Ok(out)
}

fn slice_documents(book: &Path) -> Result<Vec<Document>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(book.join("instruments"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    files.iter().map(|f| Ok(parse_file(f)?.document)).collect()
}

fn book_texts(book: &Path) -> Result<Vec<Document>> {
    LANGUAGES
        .iter()
        .map(|l| Ok(parse_file(&book.join(format!("ST-SPACE-61-Rev3.{l}.txt")))?.document))
        .collect()
}
