//! The catalogue of the space-law instruments, kept as data
//! (`src/model/instruments.json`): for each, one stable id (`outer-space-treaty`;
//! for a GA resolution that is itself the instrument, its symbol), the UN symbol of
//! the resolution that adopted, commended or endorsed it, its short and full titles
//! and the name UN documents cite it by in the five languages, and its dates. The
//! JSON also holds how each language writes unit labels in citations
//! ([`crate::model::citation`]).
//!
//! An instrument read from any source (a part of the handbook's PDF, a text slice, a
//! PDF of its own) is recognised by the title it prints ([`recognise`]) and takes
//! the catalogue's id and date, so every source names it alike; a document the
//! catalogue does not know keeps the symbol it prints, in the UN's spelling
//! ([`un_symbol`]). [`name_keys`] gives every name a user may type for a document.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::document::{Document, DocumentKind};

/// One instrument of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub kind: String,
    /// The resolution that adopted, commended or endorsed it (`A/RES/2222 (XXI)`).
    pub symbol: Option<String>,
    pub adopted: Option<String>,
    pub opened_for_signature: Option<String>,
    pub entry_into_force: Option<String>,
    /// The date it is filed under: a treaty's opening for signature, else its
    /// adoption (or endorsement).
    pub date: Option<String>,
    /// Short and full titles, and the name a citation puts before a unit, by
    /// language code.
    pub short: BTreeMap<String, String>,
    pub full: BTreeMap<String, String>,
    pub cite: BTreeMap<String, String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Instrument {
    /// A name in `language`, else in English.
    fn in_language<'a>(names: &'a BTreeMap<String, String>, language: &str) -> Option<&'a str> {
        names
            .get(language)
            .or_else(|| names.get("en"))
            .map(String::as_str)
    }

    pub fn short_title(&self, language: &str) -> Option<&str> {
        Instrument::in_language(&self.short, language)
    }

    pub fn cited_as(&self, language: &str) -> Option<&str> {
        Instrument::in_language(&self.cite, language)
    }

    /// The document kind the instrument is.
    pub fn document_kind(&self) -> DocumentKind {
        match self.kind.as_str() {
            "treaty" => DocumentKind::Treaty,
            "principles" => DocumentKind::Principles,
            "declaration" => DocumentKind::Declaration,
            "guidelines" => DocumentKind::Guidelines,
            _ => DocumentKind::Resolution,
        }
    }
}

/// The catalogue file's shape.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    pub instruments: Vec<Instrument>,
    /// Unit-label templates by language (see [`crate::model::citation`]).
    pub citation: BTreeMap<String, serde_json::Value>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("instruments.json"))
        .expect("src/model/instruments.json is valid (a unit test reads it)")
});

/// The catalogue (read once).
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// The instrument with this id.
pub fn by_id(id: &str) -> Option<&'static Instrument> {
    catalogue().instruments.iter().find(|i| i.id == id)
}

/// A name folded for comparison: compatibility forms, case, accents and everything
/// but letters and digits dropped (`Traité sur l’espace` = `traite sur l'espace`).
pub fn name_key(name: &str) -> String {
    name.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A GA resolution symbol as the UN writes it: `A/RES/76/76`; for the sessions
/// numbered in Roman figures `A/RES/1962 (XVIII)` (from `A/RES/1962/XVIII`,
/// `a/res/1962(xviii)`, `1962 (XVIII)`, `1721 A (XVI)`). `None` for anything else.
///
/// Read by hand rather than by a regular expression: every search cites its hits
/// with it, and compiling the expressions cost a short search a few per cent.
pub fn un_symbol(symbol: &str) -> Option<String> {
    let s: String = symbol.trim().nfkc().collect();
    let s = s.to_uppercase();
    let compact: String = s.split_whitespace().collect();
    let rest = compact.strip_prefix("A/RES/").unwrap_or(&compact);
    // A session in Arabic figures: `76/76`.
    if let Some((session, tail)) = digits(rest, 2, 3)
        && let Some(tail) = tail.strip_prefix('/')
        && let Some((number, "")) = digits(tail, 1, 4)
    {
        return Some(format!("A/RES/{session}/{number}"));
    }
    // In Roman figures: `1962 (XVIII)`, `1721 A (XVI)`, `1962/XVIII`.
    let (number, tail) = digits(rest, 1, 4)?;
    let (part, tail) = match tail.as_bytes().first() {
        Some(b @ b'A'..=b'D') => (format!(" {}", char::from(*b)), &tail[1..]),
        _ => (String::new(), tail),
    };
    let tail = tail.strip_prefix(['/', '('])?;
    let session = tail.strip_suffix(')').unwrap_or(tail);
    let roman = (1..=8).contains(&session.len()) && session.bytes().all(|b| b"IVXLC".contains(&b));
    roman.then(|| format!("A/RES/{number}{part} ({session})"))
}

/// The run of `min`..=`max` ASCII digits `s` opens with, and what follows it.
fn digits(s: &str, min: usize, max: usize) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (min..=max).contains(&n).then(|| s.split_at(n))
}

/// A resolution's number as cited in running text: `76/76`, `1962 (XVIII)`.
pub fn resolution_number(symbol: &str) -> Option<String> {
    un_symbol(symbol).map(|s| s.trim_start_matches("A/RES/").to_owned())
}

/// Recognises a document as an instrument of the catalogue by its printed title (in
/// any of the five languages, as the catalogue has it in full or as an alias), or,
/// for a resolution that is itself an instrument, by its symbol or by a heading that
/// opens with one of the catalogue's headings naming its number.
pub fn recognise(doc: &Document) -> Option<&'static Instrument> {
    let title = name_key(&doc.title);
    let symbol = un_symbol(&doc.symbol);
    catalogue()
        .instruments
        .iter()
        .zip(keys())
        .find(|(i, keys)| {
            // A document that prints a resolution symbol of its own is that resolution,
            // whatever its title: only the resolution that adopted the instrument is it.
            if let Some(printed) = &symbol
                && keys.symbol.as_ref() != Some(printed)
            {
                return false;
            }
            if i.kind != "resolution" {
                return !title.is_empty() && keys.names.contains(&title);
            }
            // A resolution's own title is no name: the annual resolutions share theirs
            // ("International cooperation in the peaceful uses of outer space").
            if i.symbol.is_none() {
                return false;
            }
            if symbol == keys.symbol && symbol.is_some() {
                return true;
            }
            // A heading such as "Paragraph 4 of resolution 55/122 of 8 December 2000 …"
            // or "2000 年 12 月 8 日第 55/122 号决议第 4 段…": an alias that names the
            // resolution's number, which the title opens with.
            let number = &keys.number;
            keys.aliases.iter().any(|a| {
                !number.is_empty() && a.contains(number.as_str()) && title.starts_with(a.as_str())
            })
        })
        .map(|(i, _)| i)
}

/// What [`recognise`] compares a document with, for one instrument of the catalogue.
struct Keys {
    /// The adopting resolution's symbol in the UN's spelling.
    symbol: Option<String>,
    /// The name keys of its full titles, then of its aliases.
    names: Vec<String>,
    /// The name keys of its aliases.
    aliases: Vec<String>,
    /// The name key of its resolution's number (empty when it has none).
    number: String,
}

/// The keys of every instrument, in the catalogue's order, made once: every parsed
/// document is compared with the whole catalogue, and folding its names anew for each
/// document cost a few per cent of parsing a small one.
fn keys() -> &'static [Keys] {
    static KEYS: LazyLock<Vec<Keys>> = LazyLock::new(|| {
        catalogue()
            .instruments
            .iter()
            .map(|i| Keys {
                symbol: i.symbol.as_deref().and_then(un_symbol),
                names: i
                    .full
                    .values()
                    .chain(&i.aliases)
                    .map(|n| name_key(n))
                    .collect(),
                aliases: i.aliases.iter().map(|a| name_key(a)).collect(),
                number: i
                    .symbol
                    .as_deref()
                    .and_then(resolution_number)
                    .map(|n| name_key(&n))
                    .unwrap_or_default(),
            })
            .collect()
    });
    &KEYS
}

/// Gives a parsed document the catalogue's name and date when it is an instrument
/// of the catalogue, else its symbol in the UN's spelling.
pub fn name_document(doc: &mut Document) {
    if let Some(instrument) = recognise(doc) {
        doc.symbol = instrument.id.clone();
        if let Some(date) = &instrument.date {
            doc.date = Some(date.clone());
        }
        doc.kind = instrument.document_kind();
    } else if let Some(symbol) = un_symbol(&doc.symbol) {
        doc.symbol = symbol;
    }
}

/// Every name of the document with id `id` that a user may type, folded with
/// [`name_key`] (and symbols also by their number alone): the id, the UN symbol in
/// any spelling (`76/76`, `1962(XVIII)`), and for an instrument its short and full
/// titles, its citation name and its aliases in every language.
pub fn name_keys(id: &str) -> Vec<String> {
    let mut keys = vec![name_key(id)];
    if let Some(number) = resolution_number(id) {
        keys.push(name_key(&number));
    }
    if let Some(i) = by_id(id) {
        let names = i
            .short
            .values()
            .chain(i.full.values())
            .chain(i.cite.values())
            .chain(&i.aliases);
        keys.extend(names.map(|n| name_key(n)));
        if let Some(number) = i.symbol.as_deref().and_then(resolution_number)
            && i.kind != "guidelines"
        {
            keys.push(name_key(&number));
        }
    }
    keys.retain(|k| !k.is_empty());
    keys.sort();
    keys.dedup();
    keys
}

/// True when `wanted` names the document with id `id`: its id or UN symbol in any
/// spelling, with or without `A/RES/`; for an instrument, any of its titles, its
/// citation name or aliases in any of the five languages; for a resolution,
/// `resolution 76/76` or `第76/76号决议` as citations print it. Case, accents, spaces
/// and punctuation do not matter.
pub fn names_document(id: &str, wanted: &str) -> bool {
    let keys = name_keys(id);
    let mut forms = vec![name_key(wanted)];
    if let Some(number) = resolution_number(wanted) {
        forms.push(name_key(&number));
    }
    forms.iter().any(|f| !f.is_empty() && keys.contains(f))
        || crate::model::citation::document_keys(id).contains(&crate::model::citation::key(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_reads_and_every_instrument_is_complete() {
        let c = catalogue();
        assert_eq!(c.instruments.len(), 18);
        for i in &c.instruments {
            for l in ["zh", "en", "fr", "es", "ru"] {
                assert!(i.short.contains_key(l), "{} short {l}", i.id);
                assert!(i.full.contains_key(l), "{} full {l}", i.id);
                assert!(i.cite.contains_key(l), "{} cite {l}", i.id);
            }
            assert!(i.date.is_some(), "{} is dated", i.id);
        }
        for l in ["zh", "en", "fr", "es", "ru"] {
            assert!(c.citation.contains_key(l), "templates in {l}");
        }
    }

    /// The reader of symbols against the regular expressions it replaced, over
    /// every combination of the pieces a symbol is typed with.
    #[test]
    fn symbols_read_as_the_regular_expressions_read_them() {
        let old = regex::Regex::new(
            r"^(?i:A/RES/)?(\d{1,4})\s*(?:([A-D])\s*)?(?:/|\(\s*)([IVXLC]{1,8})\)?$",
        )
        .unwrap();
        let new = regex::Regex::new(r"^(?i:A/RES/)?(\d{2,3})/(\d{1,4})$").unwrap();
        let expected = |symbol: &str| -> Option<String> {
            let s: String = symbol.trim().nfkc().collect();
            let compact: String = s.to_uppercase().split_whitespace().collect();
            if let Some(c) = new.captures(&compact) {
                return Some(format!("A/RES/{}/{}", &c[1], &c[2]));
            }
            let c = old.captures(&compact)?;
            let part = c
                .get(2)
                .map_or(String::new(), |p| format!(" {}", p.as_str()));
            Some(format!("A/RES/{}{part} ({})", &c[1], &c[3]))
        };
        let mut tried = 0;
        for prefix in ["", "A/RES/", "a/res/", "A/RES", "A/ RES/", "RES/"] {
            for number in ["", "1", "76", "１９６２", "123", "1962", "12345"] {
                for part in ["", "A", "b", " D ", "E"] {
                    for sep in ["", "/", "(", "( ", " /", ")", "//"] {
                        for tail in [
                            "",
                            "76",
                            "1",
                            "12345",
                            "XVI",
                            "xviii",
                            "IVXLCIVX",
                            "IVXLCIVXL",
                            "M",
                            "C)",
                            "XVI))",
                            "XVI )",
                            "XVI)x",
                            "76)",
                        ] {
                            let symbol = format!("{prefix}{number}{part}{sep}{tail}");
                            assert_eq!(un_symbol(&symbol), expected(&symbol), "{symbol:?}");
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(tried, 6 * 7 * 5 * 7 * 14);
    }

    #[test]
    fn symbols_are_written_as_the_un_writes_them() {
        assert_eq!(
            un_symbol("A/RES/1962/XVIII").as_deref(),
            Some("A/RES/1962 (XVIII)")
        );
        assert_eq!(
            un_symbol("a/res/1721(xvi)").as_deref(),
            Some("A/RES/1721 (XVI)")
        );
        assert_eq!(
            un_symbol("1962 (XVIII)").as_deref(),
            Some("A/RES/1962 (XVIII)")
        );
        assert_eq!(
            un_symbol("1721 B (XVI)").as_deref(),
            Some("A/RES/1721 B (XVI)")
        );
        assert_eq!(un_symbol("76/76").as_deref(), Some("A/RES/76/76"));
        assert_eq!(un_symbol("A/RES/76/76").as_deref(), Some("A/RES/76/76"));
        assert_eq!(un_symbol("A/AC.105/1240"), None);
        assert_eq!(un_symbol("outer-space-treaty"), None);
        assert_eq!(
            resolution_number("A/RES/1962/XVIII").as_deref(),
            Some("1962 (XVIII)")
        );
    }

    #[test]
    fn names_fold_case_accents_and_punctuation() {
        assert_eq!(
            name_key("Traité sur l’espace"),
            name_key("traite sur l'espace")
        );
        assert_eq!(name_key("《外空条约》"), name_key("外空条约"));
        let keys = name_keys("outer-space-treaty");
        assert!(keys.contains(&name_key("Outer Space Treaty")));
        assert!(keys.contains(&name_key("Договор по космосу")));
        assert!(name_keys("A/RES/76/76").contains(&name_key("76/76")));
        for typed in [
            "A/RES/1962 (XVIII)",
            "1962(XVIII)",
            "a/res/1962/xviii",
            "1963 Declaration",
        ] {
            assert!(
                names_document("legal-principles-declaration", typed),
                "{typed}"
            );
        }
        for typed in [
            "76/76",
            "A/RES/76/76",
            "resolution 76/76",
            "第76/76号决议",
            "résolution 76/76",
        ] {
            assert!(names_document("A/RES/76/76", typed), "{typed}");
        }
        for typed in [
            "Outer Space Treaty",
            "外层空间条约",
            "《外空条约》",
            "traité sur l'espace extra-atmosphérique",
            "OST",
        ] {
            assert!(names_document("outer-space-treaty", typed), "{typed}");
        }
        assert!(!names_document("A/RES/76/76", "76/7"));
        assert!(
            !names_document("lts-guidelines", "A/RES/74/82"),
            "74/82 is a document of its own"
        );
    }
}
