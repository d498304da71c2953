//! Realistic resolutions made from the real ones, for benchmarks at scale.
//!
//! The real texts in `../shared/corpus` are read with unspace's own parser into
//! pools of recitals and operative paragraphs (with the footnotes they cite), one
//! pool per language (Chinese and English). A generated resolution gets a new
//! symbol, a title, a date and a random draw of recitals and operative paragraphs
//! from its language's pool, so paragraphs are recombined across documents and
//! years. It is then laid out the way the UN's PDFs come out of the extractors the
//! corpus was made with: pdftotext's double-spaced pages for Chinese, PyMuPDF's
//! masthead, running heads and page numbers for English, with the footnotes at the
//! foot of the page that cites them and markers glued to the text.
//!
//! Each generated document carries what it contains, so a test can check that the
//! parser reads every one back exactly.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use anyhow::{Context, Result, bail};
use unspace::document::{Document, Kind};
use unspace::parse;

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

/// The pools of both languages.
pub struct Pools {
    pub zh: Pool,
    pub en: Pool,
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
    /// Reads the real documents of `corpus` (the shared corpus folder).
    pub fn read(corpus: &Path) -> Result<Pools> {
        let mut zh = Pool {
            language: "zh".into(),
            ..Pool::default()
        };
        let mut en = Pool {
            language: "en".into(),
            ..Pool::default()
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
            let pool = if name.ends_with(".zh.txt") {
                &mut zh
            } else if name.ends_with(".en.txt") {
                &mut en
            } else {
                continue;
            };
            let parsed = parse::parse_file(&path)?;
            let resolution = path.parent().is_some_and(|d| d.ends_with("resolutions"));
            add_document(pool, &parsed.document, resolution);
        }
        for pool in [&zh, &en] {
            if pool.recitals.is_empty() || pool.operative.is_empty() || pool.titles.is_empty() {
                bail!(
                    "{}: too few {} paragraphs to generate from",
                    corpus.display(),
                    pool.language
                );
            }
        }
        Ok(Pools { zh, en })
    }

    /// Generates document `i` of a corpus: even ones in Chinese, odd ones in English.
    pub fn generate(&self, i: usize, rng: &mut Rng) -> Generated {
        let pool = if i.is_multiple_of(2) {
            &self.zh
        } else {
            &self.en
        };
        // Sessions from the eightieth on, 250 symbols each, every symbol once in
        // Chinese and once in English (separate draws, not translations of each
        // other): symbols never clash with the real documents.
        let session = 80 + i / 500;
        let number = (i % 500) / 2 + 1;
        let year = 1945 + session;
        let title = &pool.titles[rng.range(0, pool.titles.len() - 1)];
        let recitals = draw(&pool.recitals, rng.range(3, 18), rng);
        let operative = draw(&pool.operative, rng.range(4, 40), rng);
        let day = rng.range(1, 20);
        let doc = Draft::new(session, number, year, day, title, &recitals, &operative);
        let (text, file_name) = match pool.language.as_str() {
            "zh" => (doc.pdftotext_zh(), doc.file_name("zh")),
            _ => (doc.pymupdf_en(rng), doc.file_name("en")),
        };
        Generated {
            file_name,
            text,
            expected: doc.expected(&pool.language),
        }
    }
}

/// A footnote number left glued in a paragraph's text (`条约1`, `session15`): the
/// handbook's footnotes are not always found by the parser, and a stray marker
/// would be taken for one of the new document's.
static STRAY_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{Han}，；。、”》）][0-9]|[a-z][,;.”)]?[0-9]").unwrap());

/// Takes the paragraphs of one real document that can stand in a new one: whole
/// sentences ending as a paragraph of a resolution ends, not headings or list items.
fn add_document(pool: &mut Pool, doc: &Document, resolution: bool) {
    let has_operative = doc.paragraphs.iter().any(|p| p.kind == Kind::Operative);
    if resolution && has_operative && doc.title.chars().count() > 8 {
        let title = doc.title.trim().to_owned();
        if !pool.titles.contains(&title) {
            pool.titles.push(title);
        }
    }
    for p in &doc.paragraphs {
        let text = p.text.trim();
        let usable = text.chars().count() >= 30
            && text.chars().count() <= 1200
            && !text.contains('\n')
            && !text.starts_with(|c: char| c.is_ascii_digit() || "(（[“\"".contains(c))
            && text.ends_with(|c: char| ",;.，；。".contains(c))
            && !text.contains(['_', '\u{FFFD}'])
            && !text.split_whitespace().any(|w| w.starts_with("http"))
            && !STRAY_MARKER.is_match(text);
        if !usable {
            continue;
        }
        let notes = p
            .footnotes
            .iter()
            .filter_map(|n| doc.footnote(*n))
            .map(|n| n.text.clone())
            .collect();
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
