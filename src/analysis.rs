//! Analyzers: how text becomes index terms, the same way for documents and queries.
//!
//! Everything starts from [`units`]: the text, width- and case-folded (NFKC +
//! lowercase), cut into matching units — one unit per CJK character, one per run of
//! other letters and digits. White space and punctuation make no unit. Unit indexes
//! are the token positions of every field, so phrase queries line up across fields.
//!
//! * `exact` fields ([`GRAMS`], a registered tantivy tokenizer): each CJK character as
//!   a unigram and, with the next CJK unit, a bigram; each other unit as a word. Any
//!   run of CJK characters is a phrase of bigrams, so every substring is found —
//!   jieba never produces `间碎` or `员国`, the bigram field does.
//! * `words` fields (pre-tokenized by [`word_tokens`]): jieba words in search mode for
//!   Chinese runs (sub-words become terms too), and stemmed words for other scripts,
//!   prefixed with the document's language (`en:launch`) so that stems of different
//!   languages never meet. They give the ranking, and stem matches for Latin terms.

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// Name of the tokenizer of the exact (bigram + unigram + word) fields.
pub const GRAMS: &str = "unspace_grams";

/// Languages whose words are stemmed in the words fields; any other language's words
/// are kept as they are, under their own prefix.
pub const LANGUAGES: [&str; 6] = ["en", "fr", "es", "ru", "ar", "zh"];

/// True for characters matched one by one: Han ideographs, kana, hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}' | '\u{3005}' | '\u{3007}')
}

/// A matching unit: one CJK character or one run of other letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The folded form (NFKC, lowercase).
    pub norm: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    pub cjk: bool,
}

/// Cuts `text` into matching units (see the module documentation).
pub fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut word_start = 0;
    let mut word_end = 0;
    let flush = |out: &mut Vec<Unit>, word: &mut String, start: usize, end: usize| {
        if !word.is_empty() {
            let norm: String = word.nfkc().collect::<String>().to_lowercase();
            out.push(Unit {
                norm,
                start,
                end,
                cjk: false,
            });
            word.clear();
        }
    };
    let mut folded = String::new();
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                if word.is_empty() {
                    word_start = at;
                }
                word.push(c);
                word_end = end;
            } else {
                flush(&mut out, &mut word, word_start, word_end);
            }
            continue;
        }
        folded.clear();
        folded.extend(std::iter::once(c).nfkc());
        for f in folded.chars() {
            if is_cjk(f) {
                flush(&mut out, &mut word, word_start, word_end);
                out.push(Unit {
                    norm: f.to_string(),
                    start: at,
                    end,
                    cjk: true,
                });
            } else if f.is_alphanumeric()
                || (!word.is_empty() && unicode_normalization::char::is_combining_mark(f))
            {
                if word.is_empty() {
                    word_start = at;
                }
                word.push(f);
                word_end = end;
            } else {
                flush(&mut out, &mut word, word_start, word_end);
            }
        }
    }
    flush(&mut out, &mut word, word_start, word_end);
    out
}

/// The terms of the exact field for `units`, as (position, text, byte range).
fn gram_terms(units: &[Unit]) -> Vec<(usize, String, usize, usize)> {
    let mut out = Vec::with_capacity(units.len() * 2);
    for (i, u) in units.iter().enumerate() {
        out.push((i, u.norm.clone(), u.start, u.end));
        if u.cjk
            && let Some(next) = units.get(i + 1).filter(|n| n.cjk)
        {
            out.push((i, format!("{}{}", u.norm, next.norm), u.start, next.end));
        }
    }
    out
}

/// The exact-field terms a query's units must match, with their offsets: a phrase of
/// bigrams over each CJK run (a unigram for a lone CJK character), words elsewhere.
/// Matching all of them at these relative positions is the same as containing the
/// units in a row.
pub fn exact_query_terms(units: &[Unit]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let next_cjk = units.get(i + 1).is_some_and(|n| n.cjk);
        let prev_cjk = i > 0 && units[i - 1].cjk;
        if !u.cjk {
            out.push((i, u.norm.clone()));
        } else if next_cjk {
            out.push((i, format!("{}{}", u.norm, units[i + 1].norm)));
        } else if !prev_cjk {
            out.push((i, u.norm.clone()));
        }
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

/// Tokens of a words field: jieba words (search mode) over CJK runs and stemmed,
/// language-prefixed words elsewhere; positions are unit indexes.
pub fn word_tokens(text: &str, language: &str, jieba: &Jieba) -> Vec<Token> {
    let units = units(text);
    let stemmer = stemmer(language);
    let mut tokens = Vec::with_capacity(units.len() * 2);
    let mut i = 0;
    while i < units.len() {
        if !units[i].cjk {
            let u = &units[i];
            let stemmed = stemmer
                .as_ref()
                .map_or_else(|| u.norm.clone(), |s| s.stem(&u.norm).into_owned());
            tokens.push(token(i, format!("{language}:{stemmed}"), u.start, u.end));
            i += 1;
            continue;
        }
        let run_end = (i..units.len())
            .find(|&k| !units[k].cjk)
            .unwrap_or(units.len());
        let run: String = units[i..run_end].iter().map(|u| u.norm.as_str()).collect();
        for w in jieba.cut_for_search(&run, false) {
            let (first, last) = (i + w.start, i + w.end - 1);
            tokens.push(token(
                first,
                w.word.to_owned(),
                units[first].start,
                units[last].end,
            ));
        }
        i = run_end;
    }
    tokens
}

fn stemmer(language: &str) -> Option<Stemmer> {
    let algorithm = match language {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "es" => Algorithm::Spanish,
        "ru" => Algorithm::Russian,
        "ar" => Algorithm::Arabic,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

fn token(position: usize, text: String, offset_from: usize, offset_to: usize) -> Token {
    Token {
        offset_from,
        offset_to,
        position,
        text,
        position_length: 1,
    }
}

/// The tokenizer of the exact fields, in tantivy's shape.
#[derive(Clone, Default)]
pub struct GramTokenizer;

/// Token stream of [`GramTokenizer`]: the terms of one text, handed out in order.
pub struct GramTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramTokenStream {
        let tokens = gram_terms(&units(text))
            .into_iter()
            .map(|(position, text, from, to)| token(position, text, from, to))
            .collect();
        GramTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for GramTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers the custom tokenizers with an index. Every code path that opens an
/// index calls this: tantivy does not remember custom tokenizers.
pub fn register(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(GRAMS, TextAnalyzer::from(GramTokenizer));
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
            let sliced: String = text[t.offset_from..t.offset_to]
                .nfkc()
                .collect::<String>()
                .to_lowercase();
            let sliced: String = sliced.chars().filter(|c| c.is_alphanumeric()).collect();
            assert_eq!(sliced, t.text, "token {t:?}");
            count += 1;
        }
        assert!(count > 20);
        let jieba = Jieba::new();
        for t in word_tokens(text, "zh", &jieba) {
            let sliced: String = text[t.offset_from..t.offset_to]
                .nfkc()
                .collect::<String>()
                .to_lowercase();
            let sliced: String = sliced.chars().filter(|c| c.is_alphanumeric()).collect();
            let word = t.text.strip_prefix("zh:").unwrap_or(&t.text);
            assert_eq!(sliced, word, "token {t:?}");
        }
    }

    #[test]
    fn query_terms_are_bigram_phrases() {
        let q = exact_query_terms(&units("空间碎片"));
        assert_eq!(
            q,
            vec![(0, "空间".into()), (1, "间碎".into()), (2, "碎片".into())]
        );
        let q = exact_query_terms(&units("2021年"));
        assert_eq!(q, vec![(0, "2021".into()), (1, "年".into())]);
        assert_eq!(exact_query_terms(&units("碎")), vec![(0, "碎".into())]);
    }

    #[test]
    fn stems_by_language() {
        assert_eq!(word_term("en", "launching"), word_term("en", "launch"));
        assert_ne!(word_term("en", "launch"), word_term("fr", "launch"));
    }
}
