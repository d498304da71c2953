//! The benchmark corpus generator (examples/gen_corpus) against the parser: every
//! generated document, in each of the five languages and its layout, must read back
//! exactly as it was made — symbol, language, date, every paragraph's kind, number,
//! text and footnotes, every footnote's text.

mod common;
#[path = "../examples/gen_corpus/generator.rs"]
#[allow(dead_code)]
mod generator;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use unspace::analysis::units;
use unspace::parse;

/// Text as the matching units see it: what search depends on. Line wrapping may
/// change white space, never a unit.
fn folded(text: &str) -> Vec<String> {
    units(text).into_iter().map(|u| u.norm).collect()
}

/// Pool sizes a little under what the corpus gives (zh 84 recitals + 395 operative
/// and other paragraphs, en 204 + 538, fr 95 + 320, es 98 + 345, ru 87 + 352), so
/// that a pool that collapses fails the test.
const RECITALS_ZH: usize = 80;
const OPERATIVE_ZH: usize = 370;
const RECITALS_EN: usize = 195;
const OPERATIVE_EN: usize = 510;
const RECITALS_FR: usize = 90;
const OPERATIVE_FR: usize = 300;
const RECITALS_ES: usize = 92;
const OPERATIVE_ES: usize = 325;
const RECITALS_RU: usize = 82;
const OPERATIVE_RU: usize = 330;

#[test]
fn every_generated_document_parses_back_exactly() {
    let pools = generator::Pools::read(&common::corpus()).expect("pools from the real corpus");
    assert!(pools.zh.recitals.len() >= 10 && pools.zh.operative.len() >= 60);
    assert!(pools.en.recitals.len() >= 80 && pools.en.operative.len() >= 200);
    // Every text of the resolutions and of the handbook's instruments: recitals,
    // operative paragraphs, articles, principles and guideline paragraphs.
    for (pool, recitals, operative) in [
        (&pools.zh, RECITALS_ZH, OPERATIVE_ZH),
        (&pools.en, RECITALS_EN, OPERATIVE_EN),
        (&pools.fr, RECITALS_FR, OPERATIVE_FR),
        (&pools.es, RECITALS_ES, OPERATIVE_ES),
        (&pools.ru, RECITALS_RU, OPERATIVE_RU),
    ] {
        let language = &pool.language;
        assert!(
            pool.recitals.len() >= recitals,
            "{language}: {} recitals",
            pool.recitals.len()
        );
        assert!(
            pool.operative.len() >= operative,
            "{language}: {} operative",
            pool.operative.len()
        );
        assert!(
            pool.titles.len() >= 10,
            "{language}: {} titles",
            pool.titles.len()
        );
    }

    let mut rng = generator::Rng::new(7);
    let mut symbols = HashSet::new();
    let mut per_language: HashMap<String, usize> = HashMap::new();
    let (mut checked, mut paragraphs, mut notes) = (0, 0, 0);
    for i in 0..400 {
        let doc = pools.generate(i, &mut rng);
        let want = &doc.expected;
        assert!(
            symbols.insert((want.symbol.clone(), want.language.clone())),
            "{} generated twice",
            doc.file_name
        );
        let parsed = parse::parse_text(&doc.text, Path::new(&doc.file_name));
        let got = &parsed.document;
        let name = &doc.file_name;
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        assert_eq!(got.symbol, want.symbol, "{name}");
        assert_eq!(got.language, want.language, "{name}");
        assert_eq!(got.date.as_deref(), Some(want.date.as_str()), "{name}");
        assert_eq!(got.paragraphs.len(), want.paragraphs.len(), "{name}");
        for (p, (kind, number, text, footnotes)) in got.paragraphs.iter().zip(&want.paragraphs) {
            let at = format!("{name} {kind:?} {number}");
            assert_eq!((p.kind, p.number), (*kind, *number), "{at}");
            assert_eq!(folded(&p.text), folded(text), "{at}");
            assert_eq!(&p.footnotes, footnotes, "{at}");
        }
        assert_eq!(got.footnotes.len(), want.footnotes.len(), "{name}");
        for (k, (note, text)) in got.footnotes.iter().zip(&want.footnotes).enumerate() {
            assert_eq!(note.number as usize, k + 1, "{name}");
            assert_eq!(
                folded(&note.text),
                folded(text),
                "{name} footnote {}",
                k + 1
            );
        }
        checked += 1;
        *per_language.entry(want.language.clone()).or_default() += 1;
        paragraphs += want.paragraphs.len();
        notes += want.footnotes.len();
    }
    assert_eq!(checked, 400);
    for language in generator::LANGUAGES {
        let n = per_language.get(language).copied().unwrap_or(0);
        assert!(n >= 80, "{language}: {n} documents checked");
    }
    // The draw is wide enough to exercise footnotes and long documents.
    assert!(paragraphs > 400 * 20, "{paragraphs} paragraphs");
    assert!(notes > 400, "{notes} footnotes");
}

#[test]
fn the_same_seed_gives_the_same_corpus() {
    let pools = generator::Pools::read(&common::corpus()).expect("pools");
    let run = |seed| {
        let mut rng = generator::Rng::new(seed);
        (0..20)
            .map(|i| pools.generate(i, &mut rng).text)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}
