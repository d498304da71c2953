//! Analyzers: how text becomes index terms, the same way for documents and queries.
//!
//! Everything starts from [`scan`] (and [`units`], the same scan collected): the
//! text, width- and case-folded (NFKC + lowercase), cut into matching units — one
//! unit per CJK character, one per run of other letters and digits. White space and
//! punctuation make no unit. Atom indexes (a unit of matching is an [`Atom`]) are the token positions of every field, so
//! phrase queries line up across fields.
//!
//! * `exact` fields ([`GRAMS`]): each CJK character as a unigram and, with the next
//!   CJK unit, a bigram; each other unit as a word. Any run of CJK characters is a
//!   phrase of bigrams, so every substring is found — jieba never produces `间碎` or
//!   `员国`, the bigram field does.
//! * `words` fields ([`WORDS`]): jieba words in search mode for Chinese runs
//!   (sub-words become terms too), and stemmed words for other scripts, prefixed
//!   with the document's language (`en:launch`) so that stems of different languages
//!   never meet. They give the ranking, and stem matches for Latin terms. The
//!   language travels in front of the text ([`words_value`]) because a tantivy
//!   tokenizer sees nothing but the text.
//!
//! Both run inside tantivy's indexing threads, so analysis uses every core. jieba's
//! dictionary is loaded the first time a words field is tokenized, never by a search.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use jieba_rs::Jieba;
use rust_stemmers::Stemmer;
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// Name of the tokenizer of the exact (bigram + unigram + word) fields.
pub const GRAMS: &str = "unspace_grams";

/// The exact-field token for punctuation between two CJK characters: never a unit.
pub const BREAK: &str = "|";

/// Name of the tokenizer of the words (jieba + stems) fields.
pub const WORDS: &str = "unspace_words";

/// Languages whose words are stemmed in the words fields; any other language's words
/// are kept as they are, under their own prefix.
pub const LANGUAGES: [&str; 6] = ["en", "fr", "es", "ru", "ar", "zh"];

/// Opens and closes the language tag in front of a words-field value.
const TAG_OPEN: char = '\u{E010}';
const TAG_CLOSE: char = '\u{E011}';

/// True for characters matched one by one: Han ideographs, kana, hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}' | '\u{3005}' | '\u{3007}')
}

/// A matching unit: one CJK character or one run of other letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// The folded form (NFKC, lowercase).
    pub norm: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    pub cjk: bool,
    /// Token position in every field: the unit's index, plus one for every break
    /// before it (punctuation between two CJK characters).
    pub pos: usize,
}

/// Cuts `text` into matching units (see the module documentation).
pub fn units(text: &str) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    scan(text, &mut |norm, start, end, cjk, brk| {
        let pos = out.last().map_or(0, |u| u.pos + 1 + usize::from(brk));
        out.push(Atom {
            norm: norm.to_owned(),
            start,
            end,
            cjk,
            pos,
        })
    });
    out
}

/// The signature of [`scan`]'s callback: `(norm, start, end, cjk, break_before)`.
pub type Emit<'a> = dyn FnMut(&str, usize, usize, bool, bool) + 'a;

/// Latin letters with diacritics folded to their base letters (`État` → `Etat`,
/// `débris` → `debris`); `None` when there is none. Other scripts keep theirs: a
/// Russian `й` is a letter of its own.
pub fn strip_diacritics(word: &str) -> Option<String> {
    let latin = |c: char| matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}');
    // An ASCII word (most) has no character in those ranges: told without decoding.
    if word.is_ascii() || !word.chars().any(latin) {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if latin(c) {
            out.extend(
                std::iter::once(c)
                    .nfd()
                    .filter(|d| !unicode_normalization::char::is_combining_mark(*d)),
            );
        } else {
            out.push(c);
        }
    }
    (out != word).then_some(out)
}

/// Calls `emit(norm, start, end, cjk, break_before)` for every matching unit of
/// `text`, in order, without allocating per unit: the indexing path.
/// `break_before` is true for a CJK character separated from the CJK character
/// before it by punctuation (`科学、技术`): a Chinese run ends at punctuation, never at
/// white space or a line break, which are layout.
pub fn scan(text: &str, emit: &mut Emit) {
    scan_folding(text, emit, Table::Folds);
}

/// One text's scan, kept for the next tokenizer of the same text on this thread.
#[derive(Default)]
struct Scanned {
    text: String,
    norms: String,
    /// Per unit: (end of its norm in `norms`, start, end, cjk, break_before).
    units: Vec<(usize, usize, usize, bool, bool)>,
}

thread_local! {
    /// The last two texts scanned by the tokenizers on this thread, the newest
    /// last. tantivy gives a paragraph's field values to its tokenizers one field
    /// after another on one thread — the exact fields' text and heading, then the
    /// words fields' (the text after the language tag) — so each text is scanned
    /// once for both.
    static SCANNED: std::cell::RefCell<[Scanned; 2]> = std::cell::RefCell::default();
}

/// [`scan`], or the replay of the last scan of the same text on this thread.
fn scan_shared(text: &str, emit: &mut Emit) {
    SCANNED.with_borrow_mut(|scans| {
        if let Some(kept) = scans.iter().find(|s| s.text == text) {
            let mut from = 0;
            for &(to, start, end, cjk, brk) in &kept.units {
                emit(&kept.norms[from..to], start, end, cjk, brk);
                from = to;
            }
            return;
        }
        let [oldest, _] = scans;
        oldest.text.clear();
        oldest.text.push_str(text);
        oldest.norms.clear();
        oldest.units.clear();
        scan(text, &mut |norm, start, end, cjk, brk| {
            oldest.norms.push_str(norm);
            let to = oldest.norms.len();
            oldest.units.push((to, start, end, cjk, brk));
            emit(norm, start, end, cjk, brk);
        });
        scans.swap(0, 1);
    });
}

/// [`scan`] reading the characters of `table` from it (an empty table: every
/// character through the Unicode path).
fn scan_folding(text: &str, emit: &mut Emit, table: Table) {
    // Whether the last unit was CJK, and whether punctuation has come since.
    let last_cjk = std::cell::Cell::new(false);
    let punct = std::cell::Cell::new(false);
    let mut out = |norm: &str, start: usize, end: usize, cjk: bool| {
        let brk = cjk && last_cjk.get() && punct.get();
        last_cjk.set(cjk);
        punct.set(false);
        emit(norm, start, end, cjk, brk);
    };
    let mut word = Word::default();
    let bytes = text.as_bytes();
    let mut next = 0;
    while next < bytes.len() {
        let at = next;
        if bytes[at].is_ascii_alphanumeric() {
            // A run of ASCII letters and digits, pushed at once: each would be pushed
            // lowercased, one by one, with nothing else happening between them.
            let run = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| at + n);
            word.push_ascii(&text[at..run], at, run);
            next = run;
            continue;
        }
        let c = text[at..].chars().next().expect("a char at a boundary");
        let end = at + c.len_utf8();
        next = end;
        if c.is_ascii() {
            // Not a letter or digit: white space, or punctuation.
            word.flush(table, &mut out);
            if !c.is_ascii_whitespace() {
                punct.set(true);
            }
            continue;
        }
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            // Unified ideographs: NFKC and lowercase leave them as they are.
            word.flush(table, &mut out);
            out(&text[at..end], at, end, true);
            continue;
        }
        match lookup(table, c) {
            Some(Fold {
                kind: Kind::Letter,
                push,
                lower,
            }) => {
                word.push(push, at, end);
                word.ascii &= push.is_ascii();
                word.lower |= lower != push;
            }
            Some(Fold {
                kind: Kind::Space, ..
            }) => word.flush(table, &mut out),
            Some(Fold {
                kind: Kind::Punct, ..
            }) => {
                word.flush(table, &mut out);
                punct.set(true);
            }
            _ => scan_char(c, (at, end), &mut word, &punct, table, &mut out),
        }
    }
    word.flush(table, &mut out);
}

/// [`scan`]'s path for a character the table does not settle: NFKC, then each
/// character of the result by its Unicode properties.
fn scan_char(
    c: char,
    (at, end): (usize, usize),
    word: &mut Word,
    punct: &std::cell::Cell<bool>,
    table: Table,
    out: &mut dyn FnMut(&str, usize, usize, bool),
) {
    let mut folded = String::new();
    // Most letters (`é`, `д`) are their own NFKC form: a table lookup says so
    // without running the normaliser.
    if unicode_normalization::is_nfkc_quick(std::iter::once(c))
        == unicode_normalization::IsNormalized::Yes
    {
        folded.push(c);
    } else {
        folded.extend(std::iter::once(c).nfkc());
    }
    for f in folded.chars() {
        if is_cjk(f) {
            word.flush(table, out);
            let mut buf = [0; 4];
            out(f.encode_utf8(&mut buf), at, end, true);
        } else if f.is_alphanumeric()
            || (!word.text.is_empty() && unicode_normalization::char::is_combining_mark(f))
        {
            word.push(f.to_ascii_lowercase(), at, end);
            word.ascii &= f.is_ascii();
            word.check = true;
        } else {
            word.flush(table, out);
            if !f.is_whitespace() && f != '\u{AD}' {
                punct.set(true);
            }
        }
    }
}

/// The word [`scan`] is collecting: its characters after NFKC (ASCII ones
/// lowercased), and what folding it still needs.
#[derive(Default)]
struct Word {
    text: String,
    start: usize,
    end: usize,
    /// Some character is not ASCII.
    ascii: bool,
    /// Every character is NFKC-stable and one of them has another lowercase.
    lower: bool,
    /// Some character came through the Unicode path: check NFKC and case whole.
    check: bool,
    /// The lowercase form, built here when `lower`.
    lowered: String,
}

impl Word {
    /// Pushes a run of ASCII letters and digits lowercased, spanning `at..end`: the
    /// same as pushing each of its characters lowercased.
    fn push_ascii(&mut self, run: &str, at: usize, end: usize) {
        if self.text.is_empty() {
            self.start = at;
            self.ascii = true;
        }
        let from = self.text.len();
        self.text.push_str(run);
        // Lowercasing ASCII bytes in place keeps the string UTF-8.
        self.text[from..].make_ascii_lowercase();
        self.end = end;
    }

    fn push(&mut self, c: char, at: usize, end: usize) {
        if self.text.is_empty() {
            self.start = at;
            self.ascii = true;
        }
        self.text.push(c);
        self.end = end;
    }

    /// Emits the word collected so far, folded, and empties it.
    fn flush(&mut self, table: Table, emit: &mut dyn FnMut(&str, usize, usize, bool)) {
        if self.text.is_empty() {
            return;
        }
        let (word, start, end) = (&self.text, self.start, self.end);
        if self.ascii || !(self.lower || self.check) {
            emit(word, start, end, false); // already folded: NFKC and lowercase
        } else if !self.check {
            // NFKC-stable, one character each: the lowercase character by character
            // is the lowercase of the word (`Σ`, whose lowercase depends on where it
            // stands, is never in the table).
            self.lowered.clear();
            self.lowered
                .extend(word.chars().map(|c| lowercase(table, c)));
            emit(&self.lowered, start, end, false);
        } else if unicode_normalization::is_nfkc_quick(word.chars())
            == unicode_normalization::IsNormalized::Yes
            && word
                .chars()
                .all(|c| c.to_lowercase().eq(std::iter::once(c)))
        {
            emit(word, start, end, false); // already folded: NFKC and lowercase
        } else {
            let norm: String = word.nfkc().collect::<String>().to_lowercase();
            emit(&norm, start, end, false);
        }
        self.text.clear();
        self.lower = false;
        self.check = false;
    }
}

/// The lowercase of a character collected from the table (one character).
fn lowercase(table: Table, c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    lookup(table, c).map_or_else(|| c.to_lowercase().next().unwrap_or(c), |f| f.lower)
}

/// What [`scan`] does with a character, decided once per character of the
/// common blocks ([`FOLD_BLOCKS`]) by the same Unicode functions it would run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Not settled by the table: the Unicode path ([`scan_char`]).
    Other,
    /// A letter or digit whose NFKC form is one character that is its own NFKC
    /// form on its own and anywhere in a word (quick check Yes, combining class 0),
    /// with a lowercase of one character that does not depend on its neighbours.
    Letter,
    /// White space or a soft hyphen after NFKC: ends a word, and is not
    /// punctuation.
    Space,
    /// One character after NFKC that is no unit and no combining mark:
    /// punctuation.
    Punct,
}

/// A table entry: the character's [`Kind`], the character a word collects for it
/// (NFKC, ASCII lowercased) and that character's lowercase.
#[derive(Clone, Copy, Debug)]
struct Fold {
    kind: Kind,
    push: char,
    lower: char,
}

/// Blocks read from the table (half-open code point ranges, ascending): Latin-1,
/// Latin Extended, IPA, Greek and Cyrillic; general punctuation; CJK punctuation;
/// full- and half-width forms.
const FOLD_BLOCKS: [(u32, u32); 4] = [
    (0x80, 0x530),
    (0x2000, 0x2070),
    (0x3000, 0x3040),
    (0xFF00, 0xFFF0),
];

/// How many characters [`FOLD_BLOCKS`] hold.
const TABLE_LEN: usize = {
    let mut n = 0;
    let mut k = 0;
    while k < FOLD_BLOCKS.len() {
        n += (FOLD_BLOCKS[k].1 - FOLD_BLOCKS[k].0) as usize;
        k += 1;
    }
    n
};

/// The entries of [`FOLD_BLOCKS`], each decided by [`classify`] the first time its
/// character is met and kept packed ([`pack`]); 0 for one not met yet. A search
/// meets a few characters, and deciding all 1,520 cost it a fifth of a millisecond.
/// Two threads deciding one entry at once store the same value.
static TABLE: [AtomicU64; TABLE_LEN] = [const { AtomicU64::new(0) }; TABLE_LEN];

/// Where a scan reads the characters of [`FOLD_BLOCKS`] from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Table {
    /// The table ([`TABLE`]).
    Folds,
    /// None: every character through the Unicode path (what the table is checked
    /// against).
    Unicode,
}

/// An entry as [`TABLE`] keeps it: bit 63 set, the kind in bits 42–43, the pushed
/// character in bits 21–41 and its lowercase in bits 0–20.
fn pack(f: Fold) -> u64 {
    let kind = match f.kind {
        Kind::Other => 0,
        Kind::Letter => 1,
        Kind::Space => 2,
        Kind::Punct => 3,
    };
    1 << 63 | kind << 42 | u64::from(f.push) << 21 | u64::from(f.lower)
}

fn unpack(v: u64) -> Fold {
    let ch = |bits: u64| char::from_u32((bits & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
    Fold {
        kind: match v >> 42 & 3 {
            1 => Kind::Letter,
            2 => Kind::Space,
            3 => Kind::Punct,
            _ => Kind::Other,
        },
        push: ch(v >> 21),
        lower: ch(v),
    }
}

/// The table's entry for `c`; `None` outside [`FOLD_BLOCKS`] or without a table.
fn lookup(table: Table, c: char) -> Option<Fold> {
    if table == Table::Unicode {
        return None;
    }
    let code = c as u32;
    let mut base = 0;
    for (from, to) in FOLD_BLOCKS {
        if code < to {
            if code < from {
                return None;
            }
            let cell = &TABLE[(base + code - from) as usize];
            let packed = cell.load(Ordering::Relaxed);
            if packed != 0 {
                return Some(unpack(packed));
            }
            let fold = classify(c);
            cell.store(pack(fold), Ordering::Relaxed);
            return Some(fold);
        }
        base += to - from;
    }
    None
}

/// The table entry of `c`, from the functions [`scan_char`] runs.
fn classify(c: char) -> Fold {
    use unicode_normalization::{IsNormalized, char::canonical_combining_class, is_nfkc_quick};
    let other = Fold {
        kind: Kind::Other,
        push: c,
        lower: c,
    };
    let stable = |f: char| {
        is_nfkc_quick(std::iter::once(f)) == IsNormalized::Yes && canonical_combining_class(f) == 0
    };
    let folded: String = if stable(c) {
        c.into()
    } else {
        std::iter::once(c).nfkc().collect()
    };
    let mut chars = folded.chars();
    let (Some(f), None) = (chars.next(), chars.next()) else {
        return other;
    };
    if is_cjk(f) || unicode_normalization::char::is_combining_mark(f) {
        return other;
    }
    if f.is_alphanumeric() {
        let mut lower = f.to_lowercase();
        return match (lower.next(), lower.next()) {
            (Some(lower), None) if stable(f) && f != 'Σ' => Fold {
                kind: Kind::Letter,
                push: f.to_ascii_lowercase(),
                lower,
            },
            _ => other,
        };
    }
    let kind = if f.is_whitespace() || f == '\u{AD}' {
        Kind::Space
    } else {
        Kind::Punct
    };
    Fold {
        kind,
        push: f,
        lower: f,
    }
}

/// The exact-field terms a query's units must match, with their offsets: over each
/// run of CJK characters, bigrams that cover it — one every two characters, plus one
/// ending at the run's last character when the run's length is odd (a unigram for a
/// lone character); words elsewhere. Matching all of them at these relative
/// positions is the same as containing the units in a row, and the fewer terms a
/// phrase has, the fewer positions a search reads.
pub fn exact_query_terms(units: &[Atom]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let Some(first) = units.first() else {
        return out;
    };
    let at = |k: usize| units[k].pos - first.pos;
    let mut i = 0;
    while i < units.len() {
        if !units[i].cjk {
            out.push((at(i), units[i].norm.clone()));
            i += 1;
            continue;
        }
        // A run ends at a unit that is not CJK, or at punctuation.
        let end = (i + 1..units.len())
            .find(|&k| !units[k].cjk || units[k].pos != units[k - 1].pos + 1)
            .unwrap_or(units.len());
        if i > 0 && units[i - 1].cjk && units[i].pos > units[i - 1].pos + 1 {
            out.push((at(i) - 1, BREAK.to_owned()));
        }
        if end - i == 1 {
            out.push((at(i), units[i].norm.clone()));
        }
        let bigram = |k: usize| (at(k), format!("{}{}", units[k].norm, units[k + 1].norm));
        let mut k = i;
        while k + 1 < end {
            out.push(bigram(k));
            k += 2;
        }
        if (end - i) % 2 == 1 && end - i > 1 {
            out.push(bigram(end - 2));
        }
        i = end;
    }
    out
}

/// Stems a word of `language`; languages without a stemmer keep the word.
pub fn stem(language: &str, word: &str) -> String {
    stemmer(language).map_or_else(|| word.to_owned(), |s| s.stem(word).into_owned())
}

/// The words-field term of a non-CJK word in a text of `language`.
pub fn word_term(language: &str, word: &str) -> String {
    format!("{language}:{}", stem(language, word))
}

/// The words-field term that says `word` occurs in a text of `language`
/// (`en=registration`): a query word is matched through the stems of the languages
/// it is a word of, never through another language's stem that happens to be the
/// same (`registration` is not French `registre`).
pub fn surface_term(language: &str, word: &str) -> String {
    format!("{language}={word}")
}

/// Every words-field term of a non-CJK word, joined by line feeds: its stem and
/// surface, and for a Latin word with diacritics also those of the word without
/// them (so that `etat` finds `État`).
fn word_terms(language: &str, word: &str) -> String {
    let mut out = format!(
        "{}\n{}",
        word_term(language, word),
        surface_term(language, word)
    );
    if let Some(plain) = strip_diacritics(word) {
        // The stem of the word without its diacritics, for queries typed without
        // them, apart from the stems of words as written: `podrá` (stem `podr`) does
        // not find `podrán` (`podran`) through the stem of `podran` (`podr`).
        let folded = stem(language, &plain);
        if folded != stem(language, word) {
            out.push('\n');
            out.push_str(&folded_word_term(language, &folded));
        }
        out.push('\n');
        out.push_str(&folded_surface_term(language, &plain));
    }
    out
}

/// The words-field term of a stem that a word has only without its diacritics
/// (`fr~:etat` for `État`, whose own stem is `fr:état`): matched by query words typed
/// without diacritics only.
pub fn folded_word_term(language: &str, folded_stem: &str) -> String {
    format!("{language}~:{folded_stem}")
}

/// The words-field term that says `word` occurs in a text of `language` only with
/// diacritics the query left out (`fr~debris` for `débris`): apart from the surface
/// as written ([`surface_term`]), so that a paragraph holding a word as typed can
/// rank above one that holds it only through folding.
pub fn folded_surface_term(language: &str, word: &str) -> String {
    format!("{language}~{word}")
}

/// The value given to a words field: `text` with its language in front, in a tag
/// that makes no unit, so positions and offsets after it are those of `text`
/// shifted by the tag's length.
pub fn words_value(language: &str, text: &str) -> String {
    format!("{TAG_OPEN}{language}{TAG_CLOSE}{text}")
}

fn stemmer(language: &str) -> Option<Stemmer> {
    crate::model::Language::from_code(language)?
        .stemmer()
        .map(Stemmer::create)
}

/// Tokens of one text, their texts packed into one string; handed out through one
/// reused [`Token`].
#[derive(Default)]
pub struct Tokens {
    texts: String,
    /// (end of the token's text in `texts`, position, byte range in the source).
    items: Vec<(usize, usize, usize, usize)>,
    next: usize,
    token: Token,
}

/// The buffers of a [`Tokens`] let go on this thread: its texts, items and token.
type Buffers = (String, Vec<(usize, usize, usize, usize)>, Token);

thread_local! {
    /// Buffers of dropped [`Tokens`], cleared, for the next ones on this thread: a
    /// text's tokens are read and dropped before the next text is tokenized, so one
    /// set of buffers, grown once to the size of a paragraph, serves them all instead
    /// of growing new ones from nothing for every field value.
    static SPARE: std::cell::RefCell<Vec<Buffers>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The largest texts buffer kept for reuse: a huge value's buffers are let go.
const SPARE_BYTES: usize = 1 << 20;

impl Tokens {
    /// Empty tokens, in buffers let go by earlier ones on this thread where there
    /// are some.
    fn new() -> Self {
        match SPARE.with_borrow_mut(Vec::pop) {
            Some((texts, items, token)) => Tokens {
                texts,
                items,
                next: 0,
                token,
            },
            None => Tokens::default(),
        }
    }

    fn push(&mut self, text: &str, position: usize, from: usize, to: usize) {
        self.texts.push_str(text);
        self.items.push((self.texts.len(), position, from, to));
    }

    fn push_pair(&mut self, a: &str, b: &str, position: usize, from: usize, to: usize) {
        self.texts.push_str(a);
        self.push(b, position, from, to);
    }
}

impl Drop for Tokens {
    /// Keeps the buffers, emptied, for the next [`Tokens::new`] on this thread.
    fn drop(&mut self) {
        if self.texts.capacity() > SPARE_BYTES {
            return;
        }
        let mut texts = std::mem::take(&mut self.texts);
        let mut items = std::mem::take(&mut self.items);
        let mut token = std::mem::take(&mut self.token);
        texts.clear();
        items.clear();
        token.reset();
        // Nothing to keep while the thread ends, or past a few sets.
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut()
                && spare.len() < 4
            {
                spare.push((texts, items, token));
            }
        });
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        let Some(&(end, position, from, to)) = self.items.get(self.next) else {
            return false;
        };
        let start = match self.next {
            0 => 0,
            k => self.items[k - 1].0,
        };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.texts[start..end]);
        self.token.position = position;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The tokenizer of the exact fields: unigrams, bigrams and words.
#[derive(Clone, Default)]
pub struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Tokens::new();
        let mut position = 0;
        // The previous unit when it was a CJK character: (its UTF-8, length, start).
        let mut prev: Option<([u8; 4], usize, usize)> = None;
        scan_shared(text, &mut |norm, start, end, cjk, brk| {
            if brk {
                // Punctuation ends the run: no bigram across it, and a break token
                // in its place, so that a query with the punctuation needs it there
                // (and one without it never spans it).
                tokens.push(BREAK, position, start, start);
                position += 1;
                prev = None;
            }
            if cjk {
                if let Some((buf, len, prev_start)) = &prev {
                    let before = std::str::from_utf8(&buf[..*len]).expect("a char");
                    tokens.push_pair(before, norm, position - 1, *prev_start, end);
                }
                let mut buf = [0; 4];
                buf[..norm.len()].copy_from_slice(norm.as_bytes());
                prev = Some((buf, norm.len(), start));
            } else {
                prev = None;
                // A word with diacritics is also found without them.
                if let Some(plain) = strip_diacritics(norm) {
                    tokens.push(&plain, position, start, end);
                }
            }
            tokens.push(norm, position, start, end);
            position += 1;
        });
        tokens
    }
}

/// jieba, loaded once per process, the first time a words field is tokenized (a
/// search never loads it). Loading takes longer than indexing a few documents, so an
/// update starts it early on a thread of its own ([`preload_jieba`]).
static JIEBA: OnceLock<Jieba> = OnceLock::new();

fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(Jieba::new)
}

/// Starts loading jieba's dictionary in the background, once.
pub fn preload_jieba() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(jieba);
    });
}

/// The most terms of a word the cache keeps: its stem, surface, folded stem and
/// folded surface.
const CACHED_TERMS: usize = 4;

/// A word and its words-field terms ([`word_terms`]) as the cache of
/// [`WordTokenizer`] keeps them: packed in one string, so that the look-up that
/// finds the word has its terms at hand, in the same allocation, ready to be copied
/// into the tokens at once. It is its word to the hash set ([`Borrow`]).
///
/// [`Borrow`]: std::borrow::Borrow
#[derive(Clone)]
struct Cached {
    /// The word, then its terms one after another.
    packed: Box<str>,
    /// Where the word ends in `packed`, then where each term ends; `len` of them
    /// are used.
    ends: [u32; CACHED_TERMS + 1],
    len: u8,
}

impl Cached {
    /// The entry of `word`, whose terms are `terms` joined by line feeds; `None` for
    /// more than [`CACHED_TERMS`] terms (none has: [`word_terms`] gives four at most).
    fn new(word: &str, terms: &str) -> Option<Self> {
        let mut packed = String::with_capacity(word.len() + terms.len());
        packed.push_str(word);
        let mut ends = [0; CACHED_TERMS + 1];
        let mut len = 1;
        ends[0] = word.len() as u32;
        for term in terms.split('\n') {
            packed.push_str(term);
            *ends.get_mut(len)? = packed.len() as u32;
            len += 1;
        }
        Some(Cached {
            packed: packed.into(),
            ends,
            len: len as u8,
        })
    }

    fn word(&self) -> &str {
        &self.packed[..self.ends[0] as usize]
    }

    /// Pushes the terms, each at `position` over `from..to`.
    fn push_to(&self, tokens: &mut Tokens, position: usize, from: usize, to: usize) {
        let word = self.ends[0] as usize;
        let base = tokens.texts.len();
        tokens.texts.push_str(&self.packed[word..]);
        for &end in &self.ends[1..usize::from(self.len)] {
            tokens
                .items
                .push((base + (end as usize - word), position, from, to));
        }
    }
}

impl std::borrow::Borrow<str> for Cached {
    fn borrow(&self) -> &str {
        self.word()
    }
}

impl std::hash::Hash for Cached {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.word().hash(state);
    }
}

impl PartialEq for Cached {
    fn eq(&self, other: &Self) -> bool {
        self.word() == other.word()
    }
}

impl Eq for Cached {}

/// jieba's words of one run of CJK units, as [`WordTokenizer`] keeps them: their
/// texts packed in one string and, per word, (end of its text there, first unit,
/// unit after the last).
#[derive(Clone)]
struct Cut {
    words: Box<str>,
    spans: Box<[(u32, u32, u32)]>,
}

impl Cut {
    /// jieba's words of `run` in search mode, without HMM: a function of the run's
    /// text alone (the dictionary never changes once loaded), so a run met again is
    /// given the words it was given before.
    fn new(run: &str) -> Self {
        let mut words = String::new();
        let mut spans = Vec::new();
        for w in jieba().cut_for_search(run, false) {
            words.push_str(w.word);
            spans.push((words.len() as u32, w.start as u32, w.end as u32));
        }
        Cut {
            words: words.into(),
            spans: spans.into(),
        }
    }
}

/// The most runs a [`WordTokenizer`] keeps cut before it starts afresh.
const CUTS_KEPT: usize = 50_000;

/// The tokenizer of the words fields: jieba over CJK runs, stems elsewhere. Each
/// clone keeps its own cache of stems and of cut runs.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    /// Words-field terms by language and folded word.
    stems: HashMap<String, FxHashSet<Cached>>,
    /// jieba's words by run: UN texts say the same things in the same phrases.
    cuts: FxHashMap<Box<str>, Cut>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Tokens::new();
        let (language, body, shift) = match text
            .strip_prefix(TAG_OPEN)
            .and_then(|rest| rest.split_once(TAG_CLOSE))
        {
            Some((language, body)) => (language, body, text.len() - body.len()),
            None => ("", text, 0),
        };
        if !self.stems.contains_key(language) {
            self.stems.insert(language.to_owned(), FxHashSet::default());
        }
        let stems = self.stems.get_mut(language).expect("inserted");
        if stems.len() > 100_000 {
            stems.clear();
        }
        // The current run of CJK units: their text and byte ranges.
        let mut run = String::new();
        let mut run_units: Vec<(usize, usize)> = Vec::new();
        let mut position = 0;
        let cuts = &mut self.cuts;
        if cuts.len() > CUTS_KEPT {
            cuts.clear();
        }
        let mut cut = |run: &mut String,
                       run_units: &mut Vec<(usize, usize)>,
                       tokens: &mut Tokens,
                       position: usize| {
            if run.is_empty() {
                return;
            }
            let first = position - run_units.len();
            if !cuts.contains_key(run.as_str()) {
                cuts.insert(run.as_str().into(), Cut::new(run));
            }
            let Cut { words, spans } = &cuts[run.as_str()];
            let mut from_text = 0;
            for &(to_text, start, end) in spans.iter() {
                let (start, end) = (start as usize, end as usize);
                let (from, to) = (run_units[start].0, run_units[end - 1].1);
                let word = &words[from_text..to_text as usize];
                tokens.push(word, first + start, from + shift, to + shift);
                from_text = to_text as usize;
            }
            run.clear();
            run_units.clear();
        };
        scan_shared(body, &mut |norm, start, end, cjk, brk| {
            if brk {
                cut(&mut run, &mut run_units, &mut tokens, position);
                position += 1;
            }
            if cjk {
                run.push_str(norm);
                run_units.push((start, end));
            } else {
                cut(&mut run, &mut run_units, &mut tokens, position);
                let (from, to) = (start + shift, end + shift);
                // One look in the cache for a word met before (most are).
                if let Some(cached) = stems.get(norm) {
                    cached.push_to(&mut tokens, position, from, to);
                } else {
                    let terms = word_terms(language, norm);
                    match Cached::new(norm, &terms) {
                        Some(cached) => {
                            cached.push_to(&mut tokens, position, from, to);
                            stems.insert(cached);
                        }
                        None => {
                            for term in terms.split('\n') {
                                tokens.push(term, position, from, to);
                            }
                        }
                    }
                }
            }
            position += 1;
        });
        cut(&mut run, &mut run_units, &mut tokens, position);
        tokens
    }
}

/// Registers the custom tokenizers with an index. Every code path that opens an
/// index calls this: tantivy does not remember custom tokenizers.
pub fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(GRAMS, TextAnalyzer::from(GramTokenizer));
    tokenizers.register(WORDS, TextAnalyzer::from(WordTokenizer::default()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        units(text).into_iter().map(|u| u.norm).collect()
    }

    #[test]
    fn folds_width_case_space_and_punctuation() {
        assert_eq!(norms("2021 年"), norms("2021年"));
        assert_eq!(norms("２０３０"), vec!["2030"]);
        assert_eq!(norms("COVID-19"), vec!["covid", "19"]);
        assert_eq!(norms("covid-19"), norms("COVID-19"));
        assert_eq!(norms("A/AC.105/1240"), vec!["a", "ac", "105", "1240"]);
        assert_eq!(norms("空间碎片，"), vec!["空", "间", "碎", "片"]);
        assert_eq!(norms("Assemblée générale"), vec!["assemblée", "générale"]);
        assert_eq!(
            norms("Asamblea ge\u{301}ne\u{301}rale"),
            vec!["asamblea", "générale"]
        );
    }

    #[test]
    fn every_token_slices_back_to_its_text() {
        let text =
            "深为关切空间碎片的撞击，COVID-19 大流行 ４月 of space-based Ｓｅｎｄａｉ 2015–2030";
        let mut tok = GramTokenizer;
        let mut stream = tok.token_stream(text);
        let mut count = 0;
        while stream.advance() {
            let t = stream.token();
            if t.text == BREAK {
                continue; // punctuation, an empty range before the next unit
            }
            let sliced: String = text[t.offset_from..t.offset_to]
                .nfkc()
                .collect::<String>()
                .to_lowercase();
            let sliced: String = sliced.chars().filter(|c| c.is_alphanumeric()).collect();
            if let Some(plain) = strip_diacritics(&sliced)
                && plain == t.text
            {
                count += 1;
                continue; // the word again without its diacritics
            }
            assert_eq!(sliced, t.text, "token {t:?}");
            count += 1;
        }
        assert!(count > 20);
        let value = words_value("zh", text);
        let mut tok = WordTokenizer::default();
        let mut stream = tok.token_stream(&value);
        let mut words = 0;
        while stream.advance() {
            let t = stream.token();
            words += 1;
            let text = &value;
            let sliced: String = text[t.offset_from..t.offset_to]
                .nfkc()
                .collect::<String>()
                .to_lowercase();
            let sliced: String = sliced.chars().filter(|c| c.is_alphanumeric()).collect();
            let word = t
                .text
                .strip_prefix("zh:")
                .or_else(|| t.text.strip_prefix("zh="))
                .unwrap_or(&t.text);
            assert_eq!(sliced, word, "token {t:?}");
        }
        assert!(words > 15, "{words} word tokens");
    }

    #[test]
    fn words_fields_stem_under_the_language_tag() {
        let value = words_value("en", "Launching 2 satellites, launched");
        let mut tok = WordTokenizer::default();
        let mut stream = tok.token_stream(&value);
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((
                t.text.clone(),
                t.position,
                value[t.offset_from..t.offset_to].to_owned(),
            ));
        }
        // Each word: its stem, and the word itself (which tells the languages a
        // query word belongs to).
        let want = [
            ("en:launch", 0, "Launching"),
            ("en=launching", 0, "Launching"),
            ("en:2", 1, "2"),
            ("en=2", 1, "2"),
            ("en:satellit", 2, "satellites"),
            ("en=satellites", 2, "satellites"),
            ("en:launch", 3, "launched"),
            ("en=launched", 3, "launched"),
        ];
        let want: Vec<(String, usize, String)> = want
            .iter()
            .map(|&(t, p, s)| (t.to_owned(), p, s.to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn punctuation_ends_a_chinese_run_and_white_space_does_not() {
        let positions = |text: &str| units(text).iter().map(|u| u.pos).collect::<Vec<_>>();
        assert_eq!(positions("科学、技术"), vec![0, 1, 3, 4]);
        assert_eq!(positions("科学 技\n术"), vec![0, 1, 2, 3]);
        assert_eq!(positions("space, debris"), vec![0, 1]);
        let mut tok = GramTokenizer;
        let mut stream = tok.token_stream("科学、技术");
        let mut texts = Vec::new();
        while stream.advance() {
            texts.push(stream.token().text.clone());
        }
        assert!(!texts.contains(&"学技".to_owned()), "{texts:?}");
        assert_eq!(
            exact_query_terms(&units("科学技术")),
            vec![(0, "科学".into()), (2, "技术".into())]
        );
        assert_eq!(
            exact_query_terms(&units("科学、技术")),
            vec![(0, "科学".into()), (2, BREAK.into()), (3, "技术".into())]
        );
    }

    #[test]
    fn latin_diacritics_fold_only_for_queries_without_them() {
        assert_eq!(strip_diacritics("état").as_deref(), Some("etat"));
        assert_eq!(strip_diacritics("débris").as_deref(), Some("debris"));
        assert_eq!(strip_diacritics("debris"), None);
        assert_eq!(strip_diacritics("объект"), None);
        assert_eq!(
            strip_diacritics("й"),
            None,
            "Cyrillic letters keep their marks"
        );
        let mut tok = GramTokenizer;
        let mut stream = tok.token_stream("État de lancement");
        let mut got = Vec::new();
        while stream.advance() {
            got.push((stream.token().text.clone(), stream.token().position));
        }
        assert_eq!(got[..2], [("etat".to_owned(), 0), ("état".to_owned(), 0)]);
    }

    #[test]
    fn query_terms_are_bigram_phrases() {
        let q = exact_query_terms(&units("空间碎片"));
        assert_eq!(q, vec![(0, "空间".into()), (2, "碎片".into())]);
        let q = exact_query_terms(&units("外层空间委员会"));
        assert_eq!(
            q,
            vec![
                (0, "外层".into()),
                (2, "空间".into()),
                (4, "委员".into()),
                (5, "员会".into())
            ]
        );
        let q = exact_query_terms(&units("第75/92号决议"));
        assert_eq!(
            q,
            vec![
                (0, "第".into()),
                (1, "75".into()),
                (2, "92".into()),
                (3, "号决".into()),
                (4, "决议".into())
            ]
        );
        let q = exact_query_terms(&units("2021年"));
        assert_eq!(q, vec![(0, "2021".into()), (1, "年".into())]);
        assert_eq!(exact_query_terms(&units("碎")), vec![(0, "碎".into())]);
    }

    /// Every unit of `text` with its range and break, scanned with `table`.
    fn scanned(text: &str, table: Table) -> Vec<(String, usize, usize, bool, bool)> {
        let mut out = Vec::new();
        scan_folding(
            text,
            &mut |norm, start, end, cjk, brk| out.push((norm.to_owned(), start, end, cjk, brk)),
            table,
        );
        out
    }

    #[test]
    fn the_fold_table_gives_what_the_unicode_path_gives_for_every_character() {
        let table = Table::Folds;
        let folds: Vec<Fold> = FOLD_BLOCKS
            .iter()
            .flat_map(|&(from, to)| from..to)
            .filter_map(|c| lookup(table, char::from_u32(c)?))
            .collect();
        assert_eq!(folds.len(), TABLE_LEN);
        let kinds = |k: Kind| folds.iter().filter(|f| f.kind == k).count();
        // Most of the blocks are settled by the table: letters, spaces, punctuation.
        assert!(
            kinds(Kind::Letter) > 1000,
            "{} letters",
            kinds(Kind::Letter)
        );
        assert!(kinds(Kind::Space) >= 15 && kinds(Kind::Punct) > 150);
        // Each character alone and beside letters of every script, a combining
        // mark, a final sigma, white space and punctuation.
        let neighbours = [
            "a", "É", "é", "Д", "д", "Σ", "σ", "科", " ", ",", "\u{301}", "\u{A0}", "ǅ", "Ａ", "1",
        ];
        for &(from, to) in &FOLD_BLOCKS {
            for c in (from..to).filter_map(char::from_u32) {
                for n in neighbours {
                    for text in [
                        format!("{c}"),
                        format!("{n}{c}"),
                        format!("{c}{n}"),
                        format!("{n}{c}{n}{n}"),
                    ] {
                        assert_eq!(
                            scanned(&text, table),
                            scanned(&text, Table::Unicode),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_fold_table_keeps_the_units_of_the_handbook_in_five_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/handbook");
        for language in ["zh", "en", "fr", "es", "ru"] {
            let path = dir.join(format!("ST-SPACE-61-Rev3.{language}.txt"));
            let text = std::fs::read_to_string(&path).expect("the handbook's text");
            let fast = scanned(&text, Table::Folds);
            assert!(fast.len() > 20_000, "{language}: {} units", fast.len());
            assert_eq!(fast, scanned(&text, Table::Unicode), "{language}");
        }
        // Capitals lowercased by the table, as the Unicode path does.
        let norms: Vec<String> = scanned("ГОСУДАРСТВА Éтат ΟΔΟΣ", Table::Folds)
            .into_iter()
            .map(|u| u.0)
            .collect();
        assert_eq!(norms, ["государства", "éтат", "οδος"]);
    }

    #[test]
    fn a_scan_kept_for_the_next_tokenizer_replays_the_same_units() {
        let texts = [
            "Государства-участники",
            "科学、技术 COVID-19",
            "",
            "État de lancement",
            "Государства",
        ];
        // As tantivy goes: a text and a heading, then both again, then notes; and
        // texts seen once, and one seen three times in a row.
        for k in [0, 1, 0, 1, 2, 2, 3, 4, 3, 0, 4, 4, 4, 1] {
            let mut got = Vec::new();
            scan_shared(texts[k], &mut |norm, start, end, cjk, brk| {
                got.push((norm.to_owned(), start, end, cjk, brk))
            });
            assert_eq!(got, scanned(texts[k], Table::Folds), "{:?}", texts[k]);
        }
    }

    /// Every token of `text` from `tokenizer`: (text, position, from, to).
    fn tokens(tokenizer: &mut impl Tokenizer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn a_cached_word_gives_its_terms_and_more_than_four_are_not_cached() {
        let cached = Cached::new("état", "fr:état\nfr=état\nfr~:etat\nfr~etat").unwrap();
        assert_eq!(cached.word(), "état");
        let mut tokens = Tokens::new();
        cached.push_to(&mut tokens, 3, 10, 15);
        let mut got = Vec::new();
        while tokens.advance() {
            let t = tokens.token();
            got.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        let want: Vec<_> = ["fr:état", "fr=état", "fr~:etat", "fr~etat"]
            .iter()
            .map(|t| (t.to_string(), 3, 10, 15))
            .collect();
        assert_eq!(got, want);
        assert!(Cached::new("a", "b\nc\nd\ne\nf").is_none());
    }

    #[test]
    fn words_and_runs_met_again_give_the_tokens_they_gave_first() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/handbook");
        for language in ["zh", "fr"] {
            let path = dir.join(format!("ST-SPACE-61-Rev3.{language}.txt"));
            let text = std::fs::read_to_string(&path).expect("the handbook's text");
            let lines: Vec<String> = text
                .lines()
                .take(400)
                .map(|line| words_value(language, line))
                .collect();
            // The first time through, words and runs are mostly new to the caches;
            // the second time, all of them are kept, and the token buffers reused.
            let mut warm = WordTokenizer::default();
            let first: Vec<_> = lines.iter().map(|l| tokens(&mut warm, l)).collect();
            for (line, cold) in lines.iter().zip(&first) {
                assert_eq!(&tokens(&mut warm, line), cold, "{line:?}");
                let fresh = tokens(&mut WordTokenizer::default(), line);
                assert_eq!(&fresh, cold, "{line:?}");
            }
            assert!(!warm.cuts.is_empty() || language != "zh");
        }
    }

    #[test]
    fn an_ascii_run_folds_as_its_characters_do_one_by_one() {
        // Each ASCII character alone, between letters of other scripts, and in
        // runs: the units are the text's letters and digits, NFKC-folded and
        // lowercased, the same with or without the table — what pushing the run's
        // characters one at a time gave.
        for c in (0u8..0x80).map(char::from) {
            for text in [
                format!("{c}"),
                format!("é{c}д"),
                format!("Ab{c}Cd"),
                format!("{c}{c}É{c}"),
            ] {
                let mut got = Vec::new();
                scan(&text, &mut |norm, start, end, cjk, brk| {
                    got.push((norm.to_owned(), start, end, cjk, brk))
                });
                assert_eq!(got, scanned(&text, Table::Unicode), "{text:?}");
                let lowered: String = text.nfkc().collect::<String>().to_lowercase();
                let norms: String = got.iter().map(|u| u.0.as_str()).collect();
                let kept: String = lowered.chars().filter(|c| c.is_alphanumeric()).collect();
                assert_eq!(norms, kept, "{text:?}");
            }
        }
    }

    #[test]
    fn stems_by_language() {
        assert_eq!(word_term("en", "launching"), word_term("en", "launch"));
        assert_ne!(word_term("en", "launch"), word_term("fr", "launch"));
    }
}
