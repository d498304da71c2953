//! Search against a substring oracle: for a single term, the paragraphs returned are
//! exactly those whose normalised text, or cited footnotes, contain the normalised
//! term. Also ranking, the footnote tier and highlights.

mod common;

use std::collections::BTreeSet;

use common::{Workspace, resolution};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unspace::document::{Document, Kind};
use unspace::index::{self, Library, Quiet};
use unspace::parse::parse_file;
use unspace::search::{Filters, Results, search};

type Key = (String, String, Kind, u32);

/// The oracle's normalisation, written apart from the engine's: NFKC, lowercase,
/// each CJK character a unit, each other run of letters and digits a unit, white
/// space nothing, punctuation nothing — except between two CJK characters, where it
/// ends the Chinese run: a `¦` unit stands for it.
fn oracle_units(text: &str) -> Vec<String> {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut punct = false;
    for c in folded.chars() {
        let cjk = ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
        if cjk || !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
                punct = false;
            }
            if cjk {
                let after_cjk = out.last().is_some_and(|u| {
                    u.chars().all(|c| {
                        ('\u{4E00}'..='\u{9FFF}').contains(&c)
                            || ('\u{3400}'..='\u{4DBF}').contains(&c)
                    })
                });
                if punct && after_cjk {
                    out.push("¦".to_owned());
                }
                out.push(c.to_string());
                punct = false;
            } else if !c.is_whitespace() && c != '\u{AD}' {
                punct = true;
            }
        } else {
            if word.is_empty() {
                punct = false;
            }
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn contains_run(hay: &[String], needle: &[String], same: impl Fn(&str, &str) -> bool) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.iter().zip(needle).all(|(a, b)| same(a, b)))
}

struct Fixture {
    _ws: Workspace,
    library: Library,
    docs: Vec<Document>,
}

fn fixture() -> Fixture {
    let files = ["A-RES-76-76.zh.txt", "A-RES-76-76.en.txt"];
    let ws = Workspace::with_resolutions(&files);
    let report = index::update(
        &ws.index(),
        &ws.data(),
        index::Options::default(),
        &mut Quiet,
    )
    .expect("index builds");
    assert_eq!((report.added, report.failed.len()), (2, 0));
    let library = Library::open(&ws.index()).unwrap().expect("index opens");
    let docs = files
        .iter()
        .map(|f| parse_file(&resolution(f)).unwrap().document)
        .collect();
    Fixture {
        _ws: ws,
        library,
        docs,
    }
}

impl Fixture {
    fn run(&self, query: &str) -> Results {
        let parsed = unspace::query::parse(query).unwrap_or_else(|e| panic!("{e}"));
        search(&self.library, query, &parsed, &Filters::default(), 10_000).unwrap()
    }

    fn found(&self, query: &str) -> BTreeSet<Key> {
        let results = self.run(query);
        assert_eq!(results.total, results.hits.len(), "{query}: total");
        results
            .hits
            .into_iter()
            .map(|h| (h.symbol, h.language, h.kind, h.number))
            .collect()
    }

    /// Paragraphs whose text or cited footnotes contain the term's units in a row,
    /// compared with `same`.
    fn oracle(&self, term: &str, same: impl Fn(&str, &str, &str) -> bool) -> BTreeSet<Key> {
        let needle = oracle_units(term);
        let mut out = BTreeSet::new();
        for doc in &self.docs {
            for p in &doc.paragraphs {
                let notes = p
                    .footnotes
                    .iter()
                    .map(|n| doc.footnote(*n).unwrap().text.as_str());
                let hit = std::iter::once(p.text.as_str()).chain(notes).any(|t| {
                    contains_run(&oracle_units(t), &needle, |a, b| same(&doc.language, a, b))
                });
                if hit {
                    out.insert((doc.symbol.clone(), doc.language.clone(), p.kind, p.number));
                }
            }
        }
        out
    }

    fn exact(&self, term: &str) -> BTreeSet<Key> {
        self.oracle(term, |_, a, b| a == b)
    }
}

/// A small deterministic generator, so that failures repeat.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Quotes a drawn substring so that it is one term whatever it holds.
fn as_term(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(['"', '“', '”']) || oracle_units(s).is_empty() {
        return None;
    }
    Some(format!("\"{s}\""))
}

#[test]
fn hundreds_of_chinese_substrings_find_exactly_the_paragraphs_that_contain_them() {
    let f = fixture();
    let zh = &f.docs[0];
    let mut texts: Vec<&str> = zh.paragraphs.iter().map(|p| p.text.as_str()).collect();
    texts.extend(zh.footnotes.iter().map(|n| n.text.as_str()));
    let mut rng = Lcg(76_76);
    let mut checked = 0;
    let mut nonempty = 0;
    while checked < 400 {
        let chars: Vec<char> = texts[rng.below(texts.len())].chars().collect();
        let start = rng.below(chars.len());
        let len = 1 + rng.below(8);
        let piece: String = chars[start..(start + len).min(chars.len())]
            .iter()
            .collect();
        let Some(term) = as_term(&piece) else {
            continue;
        };
        let expected = f.exact(&term);
        assert_eq!(f.found(&term), expected, "query {term}");
        nonempty += usize::from(!expected.is_empty());
        checked += 1;
    }
    assert!(nonempty > 350, "most drawn substrings occur: {nonempty}");
}

#[test]
fn width_space_case_and_reference_variants_match_as_written() {
    let f = fixture();
    let cases = [
        ("2021年", "2021 年"),
        ("２０３０", "2030"),
        ("covid-19", "COVID-19"),
        ("４月", "4月"),
        ("75/92", "75 / 92"),
        ("A/76/20", "a/76/20"),
        ("A/AC.105/1240", "A/AC.105/1240"),
        ("2015-2030", "2015–2030"),
        ("空间碎片", "空间 碎片"),
    ];
    for (a, b) in cases {
        let term_a = as_term(a).unwrap();
        let found = f.found(&term_a);
        assert!(!found.is_empty(), "{a} finds something");
        assert_eq!(found, f.exact(a), "{a}");
        assert_eq!(
            found,
            f.found(&as_term(b).unwrap()),
            "{a} and {b} find the same"
        );
    }
    // Whole words and numbers: 2 月 is not 12 月, 124 is not 1240.
    assert!(f.found("A/AC.105/124").is_empty());
    assert!(!f.found("1240").is_empty());
}

#[test]
fn english_terms_find_their_paragraphs_and_inflections_and_nothing_else() {
    let f = fixture();
    let en = &f.docs[1];
    let stemmer = Stemmer::create(Algorithm::English);
    let stems = |lang: &str, a: &str, b: &str| {
        a == b || (lang == "en" && stemmer.stem(a) == stemmer.stem(b))
    };
    let mut rng = Lcg(2021);
    let mut checked = 0;
    while checked < 200 {
        let p = &en.paragraphs[rng.below(en.paragraphs.len())];
        let words: Vec<&str> = p.text.split_whitespace().collect();
        let start = rng.below(words.len());
        let len = 1 + rng.below(3);
        let piece = words[start..(start + len).min(words.len())].join(" ");
        let Some(term) = as_term(&piece) else {
            continue;
        };
        // Quoted, the words exactly as typed; a single word unquoted, with its
        // inflections too.
        let found = f.found(&term);
        let exact = f.exact(&term);
        assert_eq!(found, exact, "{term}");
        let word = term.trim_matches('"');
        if !word.contains(' ')
            && oracle_units(word).len() == 1
            && word.chars().all(char::is_alphanumeric)
        {
            let inflected = f.found(word);
            assert!(
                inflected.is_superset(&exact),
                "{word}: misses {:?}",
                exact.difference(&inflected).collect::<Vec<_>>()
            );
            assert_eq!(inflected, f.oracle(word, stems), "{word}");
        }
        checked += 1;
    }
    // "Objects Launched into Outer Space" (footnote 10, cited by operative paragraph 6).
    let launching = f.found("launching");
    assert!(f.exact("launching").is_empty());
    assert!(
        launching.contains(&("A/RES/76/76".into(), "en".into(), Kind::Operative, 6)),
        "{launching:?}"
    );
    assert_eq!(launching, f.found("launched"));
    assert_eq!(f.found("debris"), f.found("Debris"));
}

#[test]
fn queries_combine_terms_with_and_or_and_not() {
    let f = fixture();
    let both: BTreeSet<Key> = f
        .exact("空间碎片")
        .intersection(&f.exact("核动力源"))
        .cloned()
        .collect();
    assert_eq!(f.found("空间碎片 核动力源"), both);
    let either: BTreeSet<Key> = f
        .exact("空间碎片")
        .union(&f.exact("近地天体"))
        .cloned()
        .collect();
    assert_eq!(f.found("空间碎片 OR 近地天体"), either);
    let without: BTreeSet<Key> = f
        .exact("空间碎片")
        .difference(&f.exact("核动力源"))
        .cloned()
        .collect();
    assert_eq!(f.found("空间碎片 -核动力源"), without);
    assert_eq!(f.found("空间碎片 NOT 核动力源"), without);
    // A run of Chinese characters is a contiguous string, never loose words.
    assert!(f.found("碎片空间").is_empty());
}

#[test]
fn space_debris_ranks_the_two_operative_paragraphs_above_the_recital() {
    let f = fixture();
    let results = f.run("空间碎片");
    let order: Vec<(Kind, u32)> = results
        .hits
        .iter()
        .filter(|h| h.language == "zh")
        .map(|h| (h.kind, h.number))
        .collect();
    assert_eq!(order.len(), 3);
    let top: BTreeSet<_> = order[..2].iter().copied().collect();
    assert_eq!(
        top,
        BTreeSet::from([(Kind::Operative, 15), (Kind::Operative, 16)])
    );
    assert_eq!(order[2], (Kind::Preamble, 8));
    let sixteen = results.hits.iter().find(|h| h.number == 16).unwrap();
    assert_eq!(sixteen.highlights.len(), 5);
    for &(s, e) in &sixteen.highlights {
        assert_eq!(&sixteen.text[s..e], "空间碎片");
    }
}

#[test]
fn a_match_only_in_footnotes_ranks_below_every_match_in_paragraph_text() {
    let f = fixture();
    for query in [
        "75/92",
        "70/1",
        "61/110",
        "大会正式记录 OR 空间",
        "条约汇编 OR 外层空间",
    ] {
        let results = f.run(query);
        let in_text: Vec<bool> = results
            .hits
            .iter()
            .map(|h| !h.highlights.is_empty())
            .collect();
        assert!(
            in_text.contains(&true) && in_text.contains(&false),
            "{query}: both tiers present"
        );
        let first_note_only = in_text.iter().position(|t| !t).unwrap();
        assert!(
            in_text[first_note_only..].iter().all(|t| !t),
            "{query}: a footnote-only hit ranks above a text hit"
        );
        for h in &results.hits[first_note_only..] {
            assert!(
                h.footnotes.iter().any(|n| !n.highlights.is_empty()),
                "{query}: matched through a footnote"
            );
        }
    }
}

#[test]
fn filters_restrict_by_document_language_kind_and_year() {
    let f = fixture();
    let q = unspace::query::parse("space").unwrap();
    let run = |filters: Filters| search(&f.library, "space", &q, &filters, 1000).unwrap();
    let en = run(Filters {
        language: Some("en".into()),
        ..Filters::default()
    });
    assert!(en.total > 0 && en.hits.iter().all(|h| h.language == "en"));
    let pre = run(Filters {
        kind: Some(Kind::Preamble),
        ..Filters::default()
    });
    assert!(pre.total > 0 && pre.hits.iter().all(|h| h.kind == Kind::Preamble));
    assert_eq!(
        run(Filters {
            year: Some(2021),
            ..Filters::default()
        })
        .total,
        f.found("space").len()
    );
    assert_eq!(
        run(Filters {
            year: Some(2020),
            ..Filters::default()
        })
        .total,
        0
    );
    // A symbol in no document is an error that says what there is.
    let missing = Filters {
        symbol: Some("A/RES/75/92".into()),
        ..Filters::default()
    };
    let err = search(&f.library, "space", &q, &missing, 1000).unwrap_err();
    assert!(
        format!("{err:#}").contains("it holds: A/RES/76/76"),
        "{err:#}"
    );
}

#[test]
fn a_reference_cited_only_in_footnotes_is_found_through_them() {
    let f = fixture();
    let results = f.run("A/76/20");
    assert_eq!(results.total, f.exact("A/76/20").len());
    assert!(results.total > 0);
    for h in &results.hits {
        assert!(
            h.highlights.is_empty(),
            "A/76/20 is not in the text of {} {}",
            h.symbol,
            h.number
        );
        assert!(h.footnotes.iter().any(|n| n.text.contains("A/76/20")));
    }
}

#[test]
fn several_terms_match_where_each_is_in_the_text_or_in_a_cited_footnote() {
    // Pairs of quoted terms, one drawn from a paragraph's text and one from a
    // footnote it cites (so that many paragraphs match only through the footnote
    // for one of the two), checked against the oracle: every term in the text or
    // in a cited footnote.
    let f = fixture();
    let mut rng = Lcg(2021);
    let (mut checked, mut through_notes) = (0, 0);
    let cited: Vec<(&Document, &unspace::document::Paragraph)> = f
        .docs
        .iter()
        .flat_map(|d| d.paragraphs.iter().map(move |p| (d, p)))
        .filter(|(_, p)| !p.footnotes.is_empty())
        .collect();
    assert!(
        cited.len() >= 20,
        "{} paragraphs cite footnotes",
        cited.len()
    );
    let draw = |rng: &mut Lcg, text: &str| -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let chars: Vec<char> = text.chars().collect();
        let piece: String = if words.len() > 3 {
            let at = rng.below(words.len() - 1);
            words[at..at + 1 + rng.below(2)].join(" ")
        } else {
            let at = rng.below(chars.len());
            chars[at..(at + 2 + rng.below(4)).min(chars.len())]
                .iter()
                .collect()
        };
        as_term(&piece)
    };
    while checked < 150 {
        let (doc, p) = cited[rng.below(cited.len())];
        let note = doc
            .footnote(p.footnotes[rng.below(p.footnotes.len())])
            .unwrap();
        let (Some(a), Some(b)) = (draw(&mut rng, &p.text), draw(&mut rng, &note.text)) else {
            continue;
        };
        let expected: BTreeSet<Key> = f.exact(&a).intersection(&f.exact(&b)).cloned().collect();
        let query = format!("{a} {b}");
        assert_eq!(f.found(&query), expected, "query {query}");
        let in_text_only: BTreeSet<Key> = f
            .oracle(&b, |_, x, y| x == y)
            .into_iter()
            .filter(|k| {
                let doc = f
                    .docs
                    .iter()
                    .find(|d| d.symbol == k.0 && d.language == k.1)
                    .unwrap();
                let p = doc
                    .paragraphs
                    .iter()
                    .find(|p| p.kind == k.2 && p.number == k.3)
                    .unwrap();
                contains_run(&oracle_units(&p.text), &oracle_units(&b), |x, y| x == y)
            })
            .collect();
        through_notes += expected.difference(&in_text_only).count();
        checked += 1;
    }
    assert!(
        through_notes >= 50,
        "paragraphs matched through a footnote: {through_notes}"
    );
}
