//! Realistic resolutions made from the real ones, for benchmarks at scale.
//!
//! Every text of `tests/corpus` (its resolutions and the handbook's eighteen
//! instruments, in Chinese, English, French, Spanish and Russian) is read with
//! unspace's own parser into pools of recitals and of operative paragraphs (with the
//! footnotes they cite), one pool per language. Operative paragraphs include the
//! instruments' articles, principles and guideline paragraphs, so that the pools,
//! and the term dictionaries of an index built on the generated corpus, are as large
//! as the corpus allows. A generated resolution gets a new symbol, a title, a date
//! and a random draw of recitals and operative paragraphs from its language's pool,
//! so paragraphs are recombined across documents, instruments and years.
//!
//! It is then laid out the way its language's real texts are, in a layout the
//! parser reads in that language:
//! - Chinese: pdftotext's double-spaced pages of a UN resolution;
//! - English: PyMuPDF's masthead, running heads and page numbers;
//! - French, Spanish and Russian: the handbook's pages as pdftotext gives them (the
//!   slices in `handbook/instruments/`): a heading with the symbol and the date
//!   (`Resolución 80/3 de la Asamblea General, de 7 de diciembre de 2025`), the
//!   title, the chapeau, operative numbers alone on their line, markers spaced after
//!   their word (or glued to it), notes under a rule with their numbers on lines of
//!   their own, form feeds. The UN masthead layout is read by the resolution reader, which knows
//!   only English and Chinese; the handbook's is read by the page model and the
//!   instrument reader in all five languages, date included (from the heading).
//!
//! In every layout the footnotes stand at the foot of the page that cites them.
//! Where the handbook's layout would let the reader take one thing for another (a
//! number in the text for a marker, a line for a new recital or a heading), the
//! generator keeps such paragraphs out or lays the lines out otherwise, and says why
//! where it does.
//!
//! Each generated document carries what it contains, so a test can check that the
//! parser reads every one back exactly.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use anyhow::{Context, Result, bail};
use unspace::document::{Document, Kind};
use unspace::parse;

/// The languages of the pools, in the order the generated documents take them.
pub const LANGUAGES: [&str; 5] = ["zh", "en", "fr", "es", "ru"];

/// Characters in a line of the handbook's text.
const HANDBOOK_WIDTH: usize = 84;

/// How a language's documents are laid out: the way its real texts came out of the
/// extractors the corpus was made with, or the way the handbook prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// pdftotext's double-spaced pages of a UN resolution (Chinese).
    Pdftotext,
    /// PyMuPDF's pages of a UN resolution with its masthead (English).
    Pymupdf,
    /// The handbook's pages as pdftotext gives them (French, Spanish, Russian).
    Handbook,
}

impl Layout {
    pub fn of(language: &str) -> Layout {
        match language {
            "zh" => Layout::Pdftotext,
            "en" => Layout::Pymupdf,
            _ => Layout::Handbook,
        }
    }
}

/// A paragraph of a real document with the texts of the footnotes it cites.
#[derive(Debug, Clone)]
pub struct Piece {
    pub text: String,
    pub notes: Vec<String>,
}

/// Everything a language's documents are drawn from.
#[derive(Debug, Default)]
pub struct Pool {
    pub language: String,
    pub titles: Vec<String>,
    pub recitals: Vec<Piece>,
    pub operative: Vec<Piece>,
}

impl Pool {
    fn new(language: &str) -> Pool {
        Pool {
            language: language.to_owned(),
            ..Pool::default()
        }
    }
}

/// The pools of the five languages.
pub struct Pools {
    pub zh: Pool,
    pub en: Pool,
    pub fr: Pool,
    pub es: Pool,
    pub ru: Pool,
}

/// What a generated document holds, for checking the parser against it.
#[derive(Debug, Clone)]
pub struct Expected {
    pub symbol: String,
    pub language: String,
    pub date: String,
    /// (kind, number, text, footnote numbers) of every paragraph, in order.
    pub paragraphs: Vec<(Kind, u32, String, Vec<u32>)>,
    /// Footnote texts by number (index 0 is footnote 1).
    pub footnotes: Vec<String>,
}

/// One generated file.
pub struct Generated {
    pub file_name: String,
    pub text: String,
    pub expected: Expected,
}

/// A small deterministic generator (splitmix64): the same seed gives the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

impl Pools {
    /// Reads the real documents of `corpus` (the test corpus folder): every text
    /// of its resolutions and of the handbook's instruments, in the five languages.
    pub fn read(corpus: &Path) -> Result<Pools> {
        let mut pools = Pools {
            zh: Pool::new("zh"),
            en: Pool::new("en"),
            fr: Pool::new("fr"),
            es: Pool::new("es"),
            ru: Pool::new("ru"),
        };
        let mut files = Vec::new();
        for dir in ["resolutions", "handbook/instruments"] {
            let dir = corpus.join(dir);
            let entries = std::fs::read_dir(&dir)
                .with_context(|| format!("{}: could not list the corpus", dir.display()))?;
            for entry in entries {
                files.push(entry?.path());
            }
        }
        files.sort();
        for path in files {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Some(language) = LANGUAGES
                .iter()
                .find(|l| name.ends_with(&format!(".{l}.txt")))
            else {
                continue;
            };
            let parsed = parse::parse_file(&path)?;
            add_document(pools.get_mut(language), &parsed.document);
        }
        for pool in [&mut pools.fr, &mut pools.es, &mut pools.ru] {
            drop_split_words(pool);
        }
        for pool in pools.all() {
            if pool.recitals.is_empty() || pool.operative.is_empty() || pool.titles.is_empty() {
                bail!(
                    "{}: too few {} paragraphs to generate from",
                    corpus.display(),
                    pool.language
                );
            }
        }
        Ok(pools)
    }

    /// The pools in the order of [`LANGUAGES`].
    pub fn all(&self) -> [&Pool; 5] {
        [&self.zh, &self.en, &self.fr, &self.es, &self.ru]
    }

    fn get_mut(&mut self, language: &str) -> &mut Pool {
        match language {
            "zh" => &mut self.zh,
            "en" => &mut self.en,
            "fr" => &mut self.fr,
            "es" => &mut self.es,
            _ => &mut self.ru,
        }
    }

    /// Generates document `i` of a corpus, in the languages of [`LANGUAGES`] in turn.
    pub fn generate(&self, i: usize, rng: &mut Rng) -> Generated {
        let languages = LANGUAGES.len();
        let pool = self.all()[i % languages];
        // Sessions from the eightieth on, 250 symbols each, every symbol once in each
        // language (separate draws, not translations of each other): symbols never
        // clash with the real documents, nor with each other.
        let session = 80 + i / (250 * languages);
        let number = (i % (250 * languages)) / languages + 1;
        let year = 1945 + session;
        let title = &pool.titles[rng.range(0, pool.titles.len() - 1)];
        let recitals = draw(&pool.recitals, rng.range(3, 18), rng);
        let operative = draw(&pool.operative, rng.range(4, 40), rng);
        let day = rng.range(1, 20);
        let doc = Draft::new(session, number, year, day, title, &recitals, &operative);
        let language = pool.language.as_str();
        let text = match Layout::of(language) {
            Layout::Pdftotext => doc.pdftotext_zh(),
            Layout::Pymupdf => doc.pymupdf_en(rng),
            Layout::Handbook => doc.handbook(language, rng),
        };
        Generated {
            file_name: doc.file_name(language),
            text,
            expected: doc.expected(language),
        }
    }
}

/// A footnote number left glued in a paragraph's text (`条约1`, `session15`,
/// `пространства1`): the handbook's footnotes are not always found by the parser,
/// and a stray marker would be taken for one of the new document's.
static STRAY_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{Han}，；。、”》）][0-9]|\p{Ll}[,;.”»)]?[0-9]").unwrap());

/// A number the marker reader would take for a marker glued to its word or
/// punctuation (`para.3 `, `196.2 `, `(XVI) 2`, `1, 2 y 3`), which it prefers to any
/// other: a paragraph that prints one cannot stand in the handbook layout.
static GLUED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:[^\d\s]\.|\d{3,}\.|[\p{L},;:)”’"»!?]|[,;:.)”’"»]\s+)(\d{1,3})(?:$|[\s,.;:)])"#)
        .unwrap()
});

/// A number the marker reader could take for a marker spaced after its word or a
/// year (`article 4 of`, `en 1999 27,`), as the handbook prints markers: where a
/// document prints one, the marker of the note with that number is glued to its
/// word (`Espaciales3 y`, `объектами3 ,`, as the book also prints them), which the
/// reader prefers.
static SPACED_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\p{L}\s|(?:19|20)\d\d\s?)(\d{1,3})(?:$|[\s,.;:)])").unwrap());

/// The heading's date and what follows it in a handbook resolution's title, which
/// the reader runs into the heading (`Résolution 59/115 du 10 décembre 2004
/// Application…`, `…от 10 декабря 2004 года Применение…`): the title proper opens
/// with the first capital after the year.
static AFTER_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^.*?\b(?:19|20)\d\d\b(?:\s+\p{Ll}+)*\s+(\p{Lu}.*)$").unwrap());

/// A document's title without the heading the handbook prints before a resolution's
/// (a title that states a date has one; `…号决议` ends a Chinese heading).
fn title_proper(title: &str) -> &str {
    if parse::vocabulary::date(title).is_none() {
        return title;
    }
    if let Some(at) = title.rfind("号决议") {
        return title[at + "号决议".len()..].trim();
    }
    AFTER_HEADING
        .captures(title)
        .and_then(|c| c.get(1))
        .map_or(title, |m| m.as_str().trim())
}

/// A title fit for a new document: no date (the reader of the new document would
/// take it), no number (it could be read as a footnote marker), short enough to
/// stand in a running head.
fn usable_title(title: &str) -> bool {
    let chars = title.chars().count();
    chars > 8
        && chars <= 150
        && !title.contains(|c: char| c.is_ascii_digit() || c == '\n')
        && parse::vocabulary::date(title).is_none()
}

/// Takes the paragraphs of one real document that can stand in a new one: whole
/// sentences ending as a paragraph of a resolution ends, not headings or list items,
/// from its recitals and operative paragraphs or from its articles, principles or
/// guidelines alike.
fn add_document(pool: &mut Pool, doc: &Document) {
    let title = title_proper(doc.title.trim());
    if usable_title(title) && !pool.titles.iter().any(|t| t == title) {
        pool.titles.push(title.to_owned());
    }
    let handbook = Layout::of(&pool.language) == Layout::Handbook;
    for (k, p) in doc.paragraphs.iter().enumerate() {
        let text = p.text.trim();
        let usable = text.chars().count() >= 30
            && text.chars().count() <= 1200
            && !text.contains('\n')
            && !text.starts_with(|c: char| c.is_ascii_digit() || "(（[“\"«".contains(c))
            && text.ends_with(|c: char| ",;.，；。".contains(c))
            && !text.contains(['_', '\u{FFFD}'])
            && !text.split_whitespace().any(|w| w.starts_with("http"))
            && !STRAY_MARKER.is_match(text);
        if !usable {
            continue;
        }
        // A recital is told from the one before it by how it opens: with a capital,
        // or (Russian) with a participle the reader knows. One that opens in lower
        // case is taken only where the reader told it from a recital before it, or
        // from a treaty's opening formula (`Государства — участники…,`), which ends
        // as a recital does.
        let follows_recital = k > 0
            && (doc.paragraphs[k - 1].kind == Kind::Preamble
                || doc.paragraphs[k - 1].r#ref == unspace::parse::refs::FORMULAE[0]);
        if p.kind == Kind::Preamble && text.starts_with(char::is_lowercase) && !follows_recital {
            continue;
        }
        let notes: Vec<String> = p
            .footnotes
            .iter()
            .filter_map(|n| doc.footnote(*n))
            .map(|n| n.text.clone())
            .collect();
        // In the handbook layout a number in the text could pass for a marker, a
        // first line could open something new, every marker needs a word to follow,
        // and a note's number stands on a line of its own before its text, so a
        // note that opens with a number would read as another note.
        if handbook
            && (GLUED_NUMBER.is_match(text)
                || opens_something(first_line(text, HANDBOOK_WIDTH))
                || marker_words(text).len() < notes.len()
                || notes
                    .iter()
                    .any(|n| n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit())))
        {
            continue;
        }
        let piece = Piece {
            text: text.to_owned(),
            notes,
        };
        if p.kind == Kind::Preamble {
            pool.recitals.push(piece);
        } else {
            pool.operative.push(piece);
        }
    }
}

/// Leaves out the pieces with a word the extractor split by a space (`l’espac e`,
/// `межправительственн ым`) that the reader did not rejoin in its own document: the
/// page model rejoins such a word where the document is its evidence (the whole word
/// printed elsewhere, each piece only once), which in a new document it may be. A
/// pair of words is suspect when, joined, it is a word of the language's pool, and
/// neither is so common (in a quarter of the pieces: `и`, `y`, `las`) that every
/// document prints it more than once.
fn drop_split_words(pool: &mut Pool) {
    // The parser's own words: the pairs it would rejoin.
    let words = unspace::parse::word_spans;
    let pieces = pool.recitals.len() + pool.operative.len();
    let mut pieces_with: HashMap<String, usize> = HashMap::new();
    let texts = pool
        .recitals
        .iter()
        .chain(&pool.operative)
        .map(|p| p.text.as_str())
        .chain(pool.titles.iter().map(String::as_str))
        .chain([chapeau(&pool.language)]);
    for text in texts {
        let mut here = HashSet::new();
        for (a, b) in words(text) {
            here.insert(text[a..b].to_lowercase());
        }
        for w in here {
            *pieces_with.entry(w).or_default() += 1;
        }
    }
    let common = |w: &str| pieces_with.get(&w.to_lowercase()).copied().unwrap_or(0) * 4 >= pieces;
    let split = |text: &str| {
        words(text).windows(2).any(|w| {
            let ((a0, a1), (b0, b1)) = (w[0], w[1]);
            let (a, b) = (&text[a0..a1], &text[b0..b1]);
            &text[a1..b0] == " "
                && !b.starts_with(char::is_uppercase)
                && !text[b1..].starts_with(['’', '\''])
                && pieces_with.contains_key(&format!("{a}{b}").to_lowercase())
                && !common(a)
                && !common(b)
        })
    };
    pool.recitals.retain(|p| !split(&p.text));
    pool.operative.retain(|p| !split(&p.text));
}

/// `n` distinct pieces of `pool` (or all of them when it is smaller), in pool order
/// shuffled.
fn draw<'a>(pool: &'a [Piece], n: usize, rng: &mut Rng) -> Vec<&'a Piece> {
    let mut picked: Vec<usize> = Vec::with_capacity(n);
    while picked.len() < n.min(pool.len()) {
        let k = rng.range(0, pool.len() - 1);
        if !picked.contains(&k) {
            picked.push(k);
        }
    }
    picked.into_iter().map(|k| &pool[k]).collect()
}

/// A paragraph of the new document with its markers in place.
struct Para {
    kind: Kind,
    number: u32,
    text: String,
    /// Footnote numbers and the byte offsets in `text` after which their markers go.
    markers: Vec<(u32, usize)>,
}

/// A generated resolution before layout.
struct Draft {
    session: usize,
    number: usize,
    year: usize,
    day: usize,
    title: String,
    paragraphs: Vec<Para>,
    footnotes: Vec<String>,
}

impl Draft {
    fn new(
        session: usize,
        number: usize,
        year: usize,
        day: usize,
        title: &str,
        recitals: &[&Piece],
        operative: &[&Piece],
    ) -> Draft {
        let mut footnotes = Vec::new();
        let mut paragraphs = Vec::new();
        let kinds = recitals
            .iter()
            .map(|p| (Kind::Preamble, p))
            .chain(operative.iter().map(|p| (Kind::Operative, p)));
        let (mut recital_no, mut operative_no) = (0, 0);
        for (kind, piece) in kinds {
            let number = if kind == Kind::Preamble {
                recital_no += 1;
                recital_no
            } else {
                operative_no += 1;
                operative_no
            };
            let spots = marker_spots(&piece.text, piece.notes.len());
            let markers = piece
                .notes
                .iter()
                .zip(spots)
                .map(|(note, at)| {
                    footnotes.push(note.clone());
                    (footnotes.len() as u32, at)
                })
                .collect();
            paragraphs.push(Para {
                kind,
                number,
                text: piece.text.clone(),
                markers,
            });
        }
        Draft {
            session,
            number,
            year,
            day,
            title: title.to_owned(),
            paragraphs,
            footnotes,
        }
    }

    fn symbol(&self) -> String {
        format!("A/RES/{}/{}", self.session, self.number)
    }

    fn file_name(&self, language: &str) -> String {
        format!("A-RES-{}-{}.{language}.txt", self.session, self.number)
    }

    fn expected(&self, language: &str) -> Expected {
        Expected {
            symbol: self.symbol(),
            language: language.to_owned(),
            date: format!("{}-12-{:02}", self.year, self.day),
            paragraphs: self
                .paragraphs
                .iter()
                .map(|p| {
                    let notes = p.markers.iter().map(|m| m.0).collect();
                    (p.kind, p.number, p.text.clone(), notes)
                })
                .collect(),
            footnotes: self.footnotes.clone(),
        }
    }

    /// The body as atoms (the unbreakable pieces a line is made of), one list per
    /// paragraph, markers glued to the atom before them.
    fn atoms(&self, cjk_lines: bool) -> Vec<Vec<Atom>> {
        self.paragraphs
            .iter()
            .map(|p| {
                let mut atoms = Vec::new();
                let mut markers = p.markers.iter().peekable();
                let mut push_notes = |atoms: &mut Vec<Atom>, end: usize| {
                    while let Some(&&(n, at)) = markers.peek() {
                        if at > end {
                            break;
                        }
                        let last: &mut Atom = atoms.last_mut().expect("a marker follows text");
                        let glued = last.text.trim_end().len();
                        last.text.insert_str(glued, &n.to_string());
                        last.notes.push(n);
                        markers.next();
                    }
                };
                for (start, piece) in split_atoms(&p.text, cjk_lines) {
                    atoms.push(Atom {
                        text: piece.to_owned(),
                        notes: Vec::new(),
                    });
                    push_notes(&mut atoms, start + piece.len());
                }
                push_notes(&mut atoms, usize::MAX);
                atoms
            })
            .collect()
    }

    /// pdftotext's rendering of a Chinese resolution: every printed line followed by
    /// a blank line, paragraphs indented, a page break shown as two non-blank lines
    /// in a row, the page's footnotes under a rule at its foot.
    fn pdftotext_zh(&self) -> String {
        const WIDTH: usize = 76; // half-width cells per printed line
        const PAGE: usize = 22; // printed lines of body per page
        let mut body: Vec<Line> = Vec::new();
        for (p, atoms) in self.paragraphs.iter().zip(self.atoms(true)) {
            let lead = match p.kind {
                Kind::Operative => format!(" {}. ", p.number),
                _ => " ".to_owned(),
            };
            body.extend(wrap(&lead, &atoms, WIDTH, cell_width));
        }
        let mut out = String::new();
        out.push_str(&format!(
            "  {}/{}.  {} \n \n\n \n\n 大会， \n\n",
            self.session, self.number, self.title
        ));
        let pages = paginate(&body, PAGE, |n| self.note_lines_zh(n, WIDTH).len());
        for (k, page) in pages.iter().enumerate() {
            let mut lines: Vec<String> = Vec::new();
            for line in &body[page.clone()] {
                lines.push(line.text.clone());
                lines.push(String::new());
            }
            let notes: Vec<u32> = body[page.clone()]
                .iter()
                .flat_map(|l| l.notes.iter().copied())
                .collect();
            let last_page = k + 1 == pages.len();
            if last_page {
                lines.push(" ".into());
                lines.push(String::new());
                lines.push(format!("{} 年 12 月 {} 日 ", self.year, self.day));
                lines.push(String::new());
                lines.push(format!("第 {} 次全体会议 ", 40 + self.day));
                lines.push(String::new());
                lines.push(" ".into());
                lines.push(String::new());
            }
            if !notes.is_empty() {
                lines.push("__________________ ".into());
                lines.push(String::new());
                for n in &notes {
                    for line in self.note_lines_zh(*n, WIDTH) {
                        lines.push(line);
                        lines.push(String::new());
                    }
                }
            }
            if !last_page {
                // A page break: the next page's first line follows without a blank.
                while lines.last().is_some_and(|l| l.is_empty()) {
                    lines.pop();
                }
            }
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// PyMuPDF's rendering of an English resolution: the UN masthead, paragraphs
    /// separated by blank lines, operative numbers 1–9 alone on their line, running
    /// heads with `n/m` page numbers, footnotes under a rule.
    fn pymupdf_en(&self, rng: &mut Rng) -> String {
        const WIDTH: usize = 86;
        const PAGE: usize = 40;
        let job = format!("{:02}-{:05}", self.year % 100, rng.range(10000, 99999));
        let mut body: Vec<Line> = Vec::new();
        for (p, atoms) in self.paragraphs.iter().zip(self.atoms(false)) {
            if !body.is_empty() {
                body.push(Line::blank());
            }
            let lead = match p.kind {
                Kind::Operative if p.number < 10 => {
                    body.push(Line::text(format!("{}. ", p.number)));
                    String::new()
                }
                Kind::Operative => format!("{}. ", p.number),
                _ => String::new(),
            };
            body.extend(wrap(&lead, &atoms, WIDTH, char_count));
        }
        let mut out = format!(
            "United Nations \n{symbol}\n \n \nGeneral Assembly \nDistr.: General \n{day} December {year} \n \n\
             {job} (E)    {stamp:02}1221 \n*{bar}* \n \n \n{ordinal} session \nAgenda item {item} \n{title} \n \n \n \n \n \
             Resolution adopted by the General Assembly \non {day} December {year} \n \n \n \n \n\
             [on the report of the Special Political and Decolonization Committee \n(Fourth Committee) (A/{session}/{report}, para. 9)] \n \n \n \n\
             {session}/{number}. {title} \n \n \n \nThe General Assembly, \n \n",
            symbol = self.symbol(),
            day = self.day,
            year = self.year,
            stamp = self.day + 8,
            bar = job.replace('-', ""),
            ordinal = session_ordinal(self.session),
            item = rng.range(40, 120),
            title = self.title,
            session = self.session,
            number = self.number,
            report = rng.range(400, 499),
        );
        let pages = paginate(&body, PAGE, |n| self.note_lines_en(n, WIDTH).len() + 1);
        let total = pages.len() + 1;
        for (k, page) in pages.iter().enumerate() {
            for line in &body[page.clone()] {
                out.push_str(&line.text);
                out.push_str(" \n");
            }
            let notes: Vec<u32> = body[page.clone()]
                .iter()
                .flat_map(|l| l.notes.iter().copied())
                .collect();
            if k + 1 == pages.len() {
                out.push_str(&format!(
                    " \n{} plenary meeting \n{} December {} \n",
                    ordinal_number(40 + self.day),
                    self.day,
                    self.year
                ));
            }
            if !notes.is_empty() {
                out.push_str("__________________ \n");
                for n in notes {
                    out.push_str(" \n");
                    for line in self.note_lines_en(n, WIDTH) {
                        out.push_str(&line);
                        out.push_str(" \n");
                    }
                }
            }
            if k + 1 < pages.len() {
                let page_no = k + 2;
                let symbol = self.symbol();
                out.push('\n');
                if page_no % 2 == 0 {
                    out.push_str(&format!(
                        "{symbol} \n{}\n \n{job}\n{page_no}/{total} \n \n",
                        self.title
                    ));
                } else {
                    out.push_str(&format!(
                        "{} \n{symbol}\n \n{page_no}/{total}\n{job} \n \n",
                        self.title
                    ));
                }
            }
        }
        out
    }

    /// The handbook's rendering of a resolution (French, Spanish, Russian), as
    /// pdftotext gives its pages: a heading with the symbol and the date, the title,
    /// the chapeau, recitals and operative paragraphs in wrapped lines, operative
    /// numbers alone on their line, markers spaced after their word (`spatiaux 3,`)
    /// or glued to it ([`SPACED_NUMBER`]),
    /// each page's footnotes under a rule with their numbers on lines of their own,
    /// a form feed after every page. French and Russian pages carry the symbol as a
    /// running head, `n/m` and a job number at their foot; Spanish ones a bare page
    /// number, as the book's editions do.
    fn handbook(&self, language: &str, rng: &mut Rng) -> String {
        let pages = self.handbook_pages(language);
        self.handbook_text(language, &pages, rng)
    }

    /// The lines of the heading, the title and the chapeau.
    fn handbook_head(&self, language: &str) -> Vec<Line> {
        const WIDTH: usize = 70; // the heading's larger type
        let (s, n, d, y) = (self.session, self.number, self.day, self.year);
        let heading = match language {
            "fr" if d == 1 => format!("Résolution {s}/{n} du 1er décembre {y}"),
            "fr" => format!("Résolution {s}/{n} du {d} décembre {y}"),
            "es" => {
                format!("Resolución {s}/{n} de la Asamblea General, de {d} de diciembre de {y}")
            }
            _ => format!("Резолюция {s}/{n} от {d} декабря {y} года"),
        };
        let mut lines = Vec::new();
        for text in [heading.as_str(), self.title.as_str()] {
            let atoms: Vec<Atom> = split_atoms(text, false)
                .map(|(_, a)| Atom {
                    text: a.to_owned(),
                    notes: Vec::new(),
                })
                .collect();
            lines.extend(wrap_handbook(&atoms, WIDTH, false));
        }
        lines.push(Line::text(chapeau(language).to_owned()));
        lines
    }

    /// The heading and the body laid out in pages.
    fn handbook_pages(&self, language: &str) -> Vec<Page> {
        const PAGE: usize = 44; // lines of a page, notes included
        let mut body = self.handbook_head(language);
        // The numbers printed spaced after a word, the day of the heading among them
        // (`du 7 décembre`: the reader knows only English month names).
        let spaced: HashSet<u32> = body
            .iter()
            .map(|l| l.text.as_str())
            .chain(self.paragraphs.iter().map(|p| p.text.as_str()))
            .flat_map(|t| SPACED_NUMBER.captures_iter(t))
            .filter_map(|c| c[1].parse().ok())
            .collect();
        for p in &self.paragraphs {
            let atoms = handbook_atoms(p, &spaced);
            if p.kind == Kind::Operative {
                body.push(Line::text(format!("{}.", p.number)));
            }
            body.extend(wrap_handbook(
                &atoms,
                HANDBOOK_WIDTH,
                p.kind == Kind::Preamble,
            ));
        }
        let note_lines = |n: u32| 1 + self.handbook_note_lines(n, HANDBOOK_WIDTH).len();
        let mut pages: Vec<Page> = Vec::new();
        let mut lines: Vec<Line> = Vec::new();
        let mut notes: Vec<u32> = Vec::new();
        let mut used = 0;
        for line in body {
            // The first note of a page brings the rule and the blank lines about it.
            let cost = |notes: &[u32]| {
                let rule = if notes.is_empty() && !line.notes.is_empty() {
                    3
                } else {
                    0
                };
                1 + rule + line.notes.iter().map(|&n| note_lines(n)).sum::<usize>()
            };
            if !lines.is_empty() && used + cost(&notes) > PAGE {
                pages.push(Page {
                    lines: std::mem::take(&mut lines),
                    notes: std::mem::take(&mut notes),
                });
                used = 0;
            }
            used += cost(&notes);
            notes.extend(&line.notes);
            lines.push(line);
        }
        pages.push(Page { lines, notes });
        pages
    }

    /// The pages printed: running head, text, notes under their rule, page numbers.
    fn handbook_text(&self, language: &str, pages: &[Page], rng: &mut Rng) -> String {
        let total = pages.len();
        let furniture = language != "es";
        let job = format!("V.{:02}-{:05}", self.year % 100, rng.range(10000, 99999));
        // The book's page numbers: none that the text prints too, where the reader
        // could take one for the number of a note.
        let printed = self.numbers_printed();
        let mut first_page = rng.range(100, 899);
        while (first_page..first_page + total).any(|n| printed.contains(&n)) {
            first_page = rng.range(100, 899);
        }
        let mut out = String::new();
        for (k, Page { lines, notes }) in pages.iter().enumerate() {
            if k > 0 && furniture {
                out.push_str(&format!("{}\n\n", self.symbol()));
            }
            for line in lines {
                out.push_str(&line.text);
                out.push('\n');
            }
            if !notes.is_empty() {
                out.push_str("\n__________________\n\n");
                for &n in notes {
                    out.push_str(&format!("{n}\n"));
                    for line in self.handbook_note_lines(n, HANDBOOK_WIDTH) {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            }
            out.push('\n');
            let page_of = format!("{}/{total}", k + 1);
            match (furniture, k % 2) {
                (true, 0) => out.push_str(&format!("{page_of}\n\n{job}\n")),
                (true, _) => out.push_str(&format!("{job}\n\n{page_of}\n")),
                // A single page would leave its number alone under the text, where
                // nothing tells it from a marker glued to the last paragraph: the
                // reader learns bare page numbers from their repetition.
                (false, _) if total > 1 => out.push_str(&format!("{}\n", first_page + k)),
                (false, _) => {}
            }
            // pdftotext ends every page with a form feed, the last one too: the
            // reader takes a text in pages for a book's, whatever its masthead.
            out.push('\u{C}');
        }
        out
    }

    /// The numbers the text prints, notes and title included.
    fn numbers_printed(&self) -> std::collections::HashSet<usize> {
        let texts = self
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .chain(self.footnotes.iter().map(String::as_str))
            .chain([self.title.as_str()]);
        let mut out = std::collections::HashSet::new();
        for text in texts {
            for run in text.split(|c: char| !c.is_ascii_digit()) {
                if let Ok(n) = run.parse() {
                    out.insert(n);
                }
            }
        }
        out
    }

    /// The printed lines of footnote `n`'s text (its number stands on the line above).
    fn handbook_note_lines(&self, n: u32, width: usize) -> Vec<String> {
        let atoms: Vec<Atom> = split_atoms(&self.footnotes[n as usize - 1], false)
            .map(|(_, a)| Atom {
                text: a.to_owned(),
                notes: Vec::new(),
            })
            .collect();
        wrap_handbook(&atoms, width, false)
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    /// The printed lines of footnote `n`, opening with `lead` (its number).
    fn note_lines(&self, lead: &str, n: u32, width: usize, cjk_lines: bool) -> Vec<String> {
        let atoms: Vec<Atom> = split_atoms(&self.footnotes[n as usize - 1], cjk_lines)
            .map(|(_, a)| Atom {
                text: a.to_owned(),
                notes: Vec::new(),
            })
            .collect();
        let measure = if cjk_lines { cell_width } else { char_count };
        wrap(lead, &atoms, width, measure)
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    fn note_lines_zh(&self, n: u32, width: usize) -> Vec<String> {
        self.note_lines(&format!(" {n} "), n, width, true)
    }

    fn note_lines_en(&self, n: u32, width: usize) -> Vec<String> {
        self.note_lines(&format!("{n}  "), n, width, false)
    }
}

/// The chapeau of a resolution as the handbook prints it.
fn chapeau(language: &str) -> &'static str {
    match language {
        "fr" => "L’Assemblée générale,",
        "es" => "La Asamblea General,",
        _ => "Генеральная Ассамблея,",
    }
}

/// What the instrument reader takes a line opening with it for: an annex, a section
/// (`IV.`), a group (`B.`), a sub-paragraph (`(a)`, `b)`), an ellipsis, a chapeau.
static OPENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:Annex|Annexe|Anexo|Приложение)\b|[IVX]{1,5}\s*\.|[A-H]\s*\.|\(?(?:[a-z]{1,2}|[ivxl]+|[а-я])\)|(?:\.\s*){3}|…|(?:L[’']Assemblée générale|La Asamblea General|Генеральная Ассамблея)\s*,?$)")
        .unwrap()
});

/// Would a line beginning with `line` open something new for the instrument reader
/// (a number, a unit label such as `Article IV`, an annex, a section…) rather than
/// carry on the paragraph before it?
fn opens_something(line: &str) -> bool {
    let t = line.trim();
    t.starts_with(|c: char| c.is_ascii_digit())
        || parse::refs::unit_label(t).is_some()
        || OPENS.is_match(t)
}

/// The start of `text` as its first printed line would show it.
fn first_line(text: &str, width: usize) -> &str {
    let (mut end, mut used) = (0, 0);
    for (start, atom) in split_atoms(text, false) {
        let word = char_count(atom.trim_end());
        if start > 0 && used + word > width {
            break;
        }
        used += char_count(atom);
        end = start + atom.len();
    }
    &text[..end]
}

/// The atoms (words) of `text` after which the handbook layout may print a marker:
/// a word ending with a letter, maybe before punctuation, not before a number.
fn marker_words(text: &str) -> Vec<usize> {
    let atoms: Vec<&str> = split_atoms(text, false).map(|(_, a)| a).collect();
    (0..atoms.len())
        .filter(|&k| {
            let core = atoms[k].trim_end().trim_end_matches([',', ';', ':', '.']);
            core.ends_with(char::is_alphabetic)
                && atoms
                    .get(k + 1)
                    .is_none_or(|next| !next.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect()
}

/// A paragraph's atoms for the handbook layout, each marker spaced after its word
/// and before the punctuation that follows it (`spatiaux 3,`), or glued to it where
/// the document prints the same number spaced after a word (`spatiaux3 ,`); the
/// markers spread through the paragraph, the last on its last word that can carry
/// one.
fn handbook_atoms(p: &Para, spaced: &HashSet<u32>) -> Vec<Atom> {
    let mut atoms: Vec<Atom> = split_atoms(&p.text, false)
        .map(|(_, a)| Atom {
            text: a.to_owned(),
            notes: Vec::new(),
        })
        .collect();
    let words = marker_words(&p.text);
    // Preferably after words that close a clause (`spatiaux 3,`), as notes are cited.
    let last = words.last().copied();
    let mut spots: Vec<usize> = words
        .iter()
        .copied()
        .filter(|&k| atoms[k].text.trim_end().ends_with([',', ';']) && Some(k) != last)
        .chain(last)
        .collect();
    let count = p.markers.len();
    if spots.len() < count {
        spots = words;
    }
    for (k, &(n, _)) in p.markers.iter().enumerate() {
        let at = spots[(spots.len() - 1) * (k + 1) / count];
        let atom = &mut atoms[at];
        let core = atom
            .text
            .trim_end()
            .trim_end_matches([',', ';', ':', '.'])
            .len();
        let marker = if spaced.contains(&n) {
            format!("{n} ")
        } else {
            format!(" {n}")
        };
        atom.text.insert_str(core, &marker);
        // Glued before a space alone, the marker does not leave two.
        if atom.text.ends_with("  ") {
            atom.text.pop();
        }
        atom.notes.push(n);
    }
    atoms
}

/// Lays `atoms` out in lines of at most `width` characters, breaking only where the
/// instrument reader reads the next line as carrying on the paragraph: never before
/// a line that would open something ([`opens_something`]), and, in a recital, never
/// after punctuation, where a line that opens with a capital (or a Russian
/// participle) begins the next recital. Nor does a line stop short, at six words or
/// fewer without punctuation: the page model would take it for a running head where
/// the same words stand at the edges of pages (`Государствам и международным
/// межправительственным организациям рекомендуется`, which opens many guidelines).
/// A line that cannot be broken runs long.
fn wrap_handbook(atoms: &[Atom], width: usize, recital: bool) -> Vec<Line> {
    let joined = |from: usize, to: usize| -> String {
        atoms[from..to].iter().map(|a| a.text.as_str()).collect()
    };
    let may_break = |start: usize, b: usize| {
        let end = atoms[b - 1].text.trim_end();
        let after_punct = end.ends_with([',', ';', ':', '.']);
        if (recital && after_punct) || (b - start <= 6 && !after_punct && !end.ends_with(')')) {
            return false;
        }
        // The line that would begin at `b`, as far as it matters.
        let mut next = String::new();
        for a in &atoms[b..] {
            if !next.is_empty() && char_count(&next) + char_count(a.text.trim_end()) > width {
                break;
            }
            next.push_str(&a.text);
        }
        !opens_something(&next)
    };
    let mut starts = vec![0];
    let mut start = 0;
    let mut k = 0;
    while k < atoms.len() {
        let long = char_count(joined(start, k + 1).trim_end()) > width;
        if long
            && k > start
            && let Some(b) = (start + 1..=k).rev().find(|&b| may_break(start, b))
        {
            starts.push(b);
            start = b;
            continue;
        }
        k += 1;
    }
    starts.push(atoms.len());
    starts
        .windows(2)
        .map(|w| Line {
            text: joined(w[0], w[1]).trim_end().to_owned(),
            notes: atoms[w[0]..w[1]]
                .iter()
                .flat_map(|a| a.notes.iter().copied())
                .collect(),
            starts: w[0] == 0,
        })
        .collect()
}

/// Where the markers of up to `count` footnotes go in `text`, as distinct byte
/// offsets: after commas or semicolons spread through the paragraph (never before a
/// digit, which would read as part of the marker), the last at its end.
fn marker_spots(text: &str, count: usize) -> Vec<usize> {
    if count == 0 {
        return Vec::new();
    }
    let commas: Vec<usize> = text
        .char_indices()
        .filter(|&(_, c)| ",;，；".contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|&end| {
            let rest = text[end..].trim_start();
            !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    let mut spots: Vec<usize> = (1..count)
        .filter_map(|k| commas.get(commas.len() * k / count).copied())
        .collect();
    spots.dedup();
    spots.push(text.len());
    spots
}

/// The unbreakable pieces of `text` with their byte offsets: each CJK character
/// (with the punctuation after it) or each word with its trailing space.
fn split_atoms(text: &str, cjk_lines: bool) -> impl Iterator<Item = (usize, &str)> {
    let mut cuts = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let cut = match prev {
            None => false,
            Some(p) if cjk_lines => {
                // Break before a CJK character or after a space; keep closing
                // punctuation with what it follows and digits with digits.
                (unspace::analysis::is_cjk(c) && !p.is_ascii_alphanumeric() || p == ' ')
                    && !"，。；：、）》”".contains(c)
                    && c != ' '
            }
            Some(p) => p == ' ' && c != ' ',
        };
        if cut {
            cuts.push(i);
        }
        prev = Some(c);
    }
    cuts.push(text.len());
    let mut start = 0;
    cuts.into_iter().map(move |end| {
        let piece = (start, &text[start..end]);
        start = end;
        piece
    })
}

/// A printed page: its lines of text and the footnotes they cite, printed at its foot.
struct Page {
    lines: Vec<Line>,
    notes: Vec<u32>,
}

/// An unbreakable piece of a line and the footnotes whose markers it carries.
struct Atom {
    text: String,
    notes: Vec<u32>,
}

/// A printed line and the footnotes cited on it.
#[derive(Clone)]
struct Line {
    text: String,
    notes: Vec<u32>,
    /// True for the first line of a paragraph (a page may begin with it whatever
    /// the line before ended with).
    starts: bool,
}

impl Line {
    fn blank() -> Line {
        Line {
            text: String::new(),
            notes: Vec::new(),
            starts: true,
        }
    }

    fn text(text: String) -> Line {
        Line {
            text,
            notes: Vec::new(),
            starts: true,
        }
    }
}

/// Lays `atoms` out in lines of at most `width`, the first one opening with `lead`.
/// A line never begins with what a reader would take for a paragraph or footnote
/// number (`12.` or `12 `): such an atom stays on the line before.
fn wrap(lead: &str, atoms: &[Atom], width: usize, measure: impl Fn(&str) -> usize) -> Vec<Line> {
    let mut lines = vec![Line {
        text: lead.to_owned(),
        notes: Vec::new(),
        starts: true,
    }];
    for atom in atoms {
        let line = lines.last_mut().expect("one line at least");
        let fits = measure(&line.text) + measure(atom.text.trim_end()) <= width;
        let numeric = atom.text.starts_with(|c: char| c.is_ascii_digit());
        if !fits && !numeric && !line.text.trim().is_empty() {
            let done = line.text.trim_end().to_owned();
            line.text = done;
            lines.push(Line {
                text: String::new(),
                notes: Vec::new(),
                starts: false,
            });
        }
        let line = lines.last_mut().expect("one line at least");
        line.text.push_str(&atom.text);
        line.notes.extend(&atom.notes);
    }
    for line in &mut lines {
        line.text = line.text.trim_end().to_owned();
    }
    lines
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

fn cell_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Splits body lines into pages of about `capacity` lines, footnote lines included
/// (`note_lines(n)` tells how many lines footnote `n` takes). A page never ends where
/// the break would look like the end of a paragraph when it is not: before a
/// continuation line that begins with a capital, after a line ending in punctuation.
fn paginate(
    body: &[Line],
    capacity: usize,
    note_lines: impl Fn(u32) -> usize,
) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let mut used = 0;
        let mut end = start;
        while end < body.len() {
            let cost = 1 + body[end]
                .notes
                .iter()
                .map(|&n| note_lines(n))
                .sum::<usize>();
            if end > start && used + cost > capacity {
                break;
            }
            used += cost;
            end += 1;
        }
        while end < body.len() && end > start && ambiguous_break(&body[end - 1], &body[end]) {
            end += 1;
        }
        // A page does not end on a blank line or on an operative number alone.
        while end < body.len() && (body[end - 1].text.is_empty() || body[end].text.is_empty()) {
            end += 1;
        }
        while end < body.len() && body[end - 1].text.ends_with(". ") {
            end += 1;
        }
        pages.push(start..end);
        start = end;
    }
    pages
}

fn ambiguous_break(before: &Line, after: &Line) -> bool {
    if after.starts {
        return false;
    }
    let ends = before
        .text
        .trim_end()
        .ends_with(|c: char| ",;:.，；：。".contains(c) || c.is_ascii_digit());
    ends && !after.text.starts_with(|c: char| c.is_lowercase())
}

fn session_ordinal(session: usize) -> String {
    const TENS: [&str; 10] = [
        "", "", "Twent", "Thirt", "Fort", "Fift", "Sixt", "Sevent", "Eight", "Ninet",
    ];
    const UNITS: [&str; 10] = [
        "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    ];
    let (tens, units) = (session / 10 % 10, session % 10);
    if units == 0 {
        format!("{}ieth", TENS[tens])
    } else {
        format!("{}y-{}", TENS[tens], UNITS[units])
    }
}

/// `41` → `41st`.
fn ordinal_number(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
