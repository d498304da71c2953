//! Citations in UN style, in the unit's language — the one formatter every face
//! prints: `resolution 76/76, para. 16`, `第76/76号决议第16段`,
//! `résolution 76/76, par. 16`, `Outer Space Treaty, art. IV`, `《外层空间条约》第四条`,
//! `LTS Guidelines, guideline B.8, para. 1`, `resolution 1962 (XVIII), principle 6`.
//! The words come from the catalogue's templates (`instruments.json`), the numerals
//! from the label the text prints (Roman where the treaty prints Roman figures,
//! Chinese numerals where the Chinese text does).
//!
//! Every citation printed is accepted back: [`unit_keys`] gives the folded forms a
//! unit is known by, which [`crate::model::unit_ref::resolve`] compares with what the
//! user typed.

use unicode_normalization::UnicodeNormalization;

use crate::document::Kind;
use crate::model::catalogue::{self, Instrument};
use crate::parse::refs;

/// The languages citations are written in (others take English).
pub const CITATION_LANGUAGES: [&str; 5] = ["zh", "en", "fr", "es", "ru"];

/// A unit-label template of `language` (`para` → `para. {n}`), else English's.
fn template(language: &str, key: &str) -> String {
    let c = &catalogue::catalogue().citation;
    let of = |l: &str| c.get(l)?.get(key)?.as_str().map(str::to_owned);
    of(language)
        .or_else(|| of("en"))
        .or_else(|| fallback(language, key))
        .unwrap_or_else(|| format!("{key} {{n}}"))
}

/// Words the catalogue's templates do not hold.
fn fallback(language: &str, key: &str) -> Option<String> {
    let word = match (key, language) {
        ("part", "fr") => "partie {n}",
        ("part", "es") => "parte {n}",
        ("part", "ru") => "часть {n}",
        ("part", "zh") => "{n}部分",
        ("part", _) => "part {n}",
        _ => return None,
    };
    Some(word.to_owned())
}

fn fill(template: &str, n: &str) -> String {
    template.replace("{n}", n).replace("{symbol}", n)
}

/// True when a printed label uses Chinese numerals (`第四条`, `原则十二`).
fn chinese_numerals(label: Option<&str>) -> bool {
    label.is_some_and(|l| l.chars().any(|c| "一二三四五六七八九十百".contains(c)))
}

/// True when a printed label ends in a Roman figure (`Article IV`, `Principle XII`).
fn roman_numerals(label: Option<&str>) -> bool {
    label.is_some_and(|l| {
        l.split_whitespace().last().is_some_and(|n| {
            let n = refs::fold_lookalikes(n.trim_end_matches('.'));
            !n.is_empty()
                && n.chars().all(|c| "IVXLC".contains(c))
                && refs::number_value(&n).is_some()
        })
    })
}

/// A number as the printed label writes it.
fn numeral(value: &str, label: Option<&str>, language: &str) -> String {
    let Ok(n) = value.parse::<u32>() else {
        return value.to_owned();
    };
    if language == "zh" && chinese_numerals(label) {
        refs::to_chinese(n)
    } else if roman_numerals(label) {
        refs::to_roman(n)
    } else {
        value.to_owned()
    }
}

/// What a citation puts before the unit: the instrument's citation name, a
/// resolution's `resolution 76/76` (with its part letter, `resolution 1721 A (XVI)`),
/// or the document's id.
fn document_part(id: &str, language: &str, part: Option<&str>) -> String {
    if let Some(instrument) = catalogue::by_id(id)
        && let Some(name) = instrument.cited_as(language)
    {
        if let (Some(letter), "resolution") = (part, instrument.kind.as_str())
            && let Some(number) = instrument
                .symbol
                .as_deref()
                .and_then(catalogue::resolution_number)
        {
            return fill(
                &template(language, "resolution"),
                &with_part(&number, letter, language),
            );
        }
        return name.to_owned();
    }
    match catalogue::resolution_number(id) {
        Some(number) => {
            let number = match part {
                Some(letter) => with_part(&number, letter, language),
                None => number,
            };
            let number = if language == "zh" {
                number.replace(' ', "")
            } else {
                number
            };
            fill(&template(language, "resolution"), &number)
        }
        None => id.to_owned(),
    }
}

/// `1721 (XVI)` with part `A` → `1721 A (XVI)`.
fn with_part(number: &str, letter: &str, language: &str) -> String {
    let joined = match number.split_once(' ') {
        Some((n, session)) => format!("{n} {letter} {session}"),
        None => format!("{number} {letter}"),
    };
    if language == "zh" {
        joined.replace(' ', "")
    } else {
        joined
    }
}

/// The unit's own part of a citation (`para. 16`, `art. IV`, `第四条`,
/// `guideline B.8, para. 1`), in `language`.
pub fn unit_part(
    id: &str,
    language: &str,
    kind: Kind,
    number: u32,
    r: &str,
    label: Option<&str>,
) -> String {
    unit_pieces(catalogue::by_id(id), language, kind, number, r, label).join(separator(language))
}

fn separator(language: &str) -> &'static str {
    if language == "zh" { "" } else { ", " }
}

/// The pieces of a unit's label, outermost first; a leading resolution part
/// (`part:A`) is left to the document part.
fn unit_pieces(
    instrument: Option<&Instrument>,
    language: &str,
    kind: Kind,
    number: u32,
    r: &str,
    label: Option<&str>,
) -> Vec<String> {
    let segments: Vec<(&str, &str)> = if r.is_empty() {
        vec![(
            match kind {
                Kind::Preamble => "preamble",
                Kind::Operative => "operative",
                Kind::Paragraph => "para",
            },
            "",
        )]
    } else {
        r.split('/')
            .map(|s| s.split_once(':').unwrap_or((s, "")))
            .collect()
    };
    let declaration = instrument.is_some_and(|i| i.kind == "declaration");
    let mut out = Vec::new();
    for (i, &(segment, value)) in segments.iter().enumerate() {
        let value = if value.is_empty() && r.is_empty() {
            number.to_string()
        } else {
            value.to_owned()
        };
        let piece = match segment {
            "part" if i == 0 => continue,
            // A declaration proclaimed in an operative paragraph: its numbered
            // paragraphs are its principles.
            "operative" if declaration && segments.get(i + 1).is_some_and(|s| s.0 == "para") => {
                continue;
            }
            "para" if declaration && i > 0 && segments[i - 1].0 == "operative" => {
                fill(&template(language, "principle"), &value)
            }
            "preamble" => fill(&template(language, "preamble"), &value),
            "operative" | "para" => fill(&template(language, "para"), &value),
            "article" => fill(
                &template(language, "article"),
                &numeral(&value, label, language),
            ),
            "principle" => fill(
                &template(language, "principle"),
                &numeral(&value, label, language),
            ),
            "guideline" => fill(&template(language, "guideline"), &value),
            "section" => fill(&template(language, "section"), &value),
            "annex" if value.is_empty() => template(language, "annex"),
            // `annex:II` of a resolution with several annexes: `annex II`.
            "annex" => format!("{} {value}", template(language, "annex")),
            "chapeau" | "formula" => template(language, segment),
            "part" => fill(&template(language, "part"), &value),
            other if value.is_empty() => other.to_owned(),
            other => format!("{other} {value}"),
        };
        out.push(piece);
    }
    out
}

/// The whole citation of a unit of document `id`, in `language`.
pub fn cite(
    id: &str,
    language: &str,
    kind: Kind,
    number: u32,
    r: &str,
    label: Option<&str>,
) -> String {
    let part = r.split('/').next().and_then(|s| s.strip_prefix("part:"));
    let document = document_part(id, language, part);
    let unit = unit_part(id, language, kind, number, r, label);
    if unit.is_empty() {
        document
    } else {
        format!("{document}{}{unit}", separator(language))
    }
}

/// How paragraph `p` of `doc` is cited, in the document's language.
pub fn of_paragraph(doc: &crate::document::Document, p: &crate::document::Paragraph) -> String {
    cite(
        &doc.symbol,
        &doc.language,
        p.kind,
        p.number,
        &p.r#ref,
        p.label.as_deref(),
    )
}

/// A citation or unit label folded for comparison: compatibility forms, case,
/// Cyrillic look-alikes of Latin letters, spaces and the punctuation between the
/// pieces dropped (a full stop between digits kept: `1.1` is not `11`); `¶` read as
/// `para`.
pub fn key(text: &str) -> String {
    let text: String = text.nfkc().collect();
    let text = refs::fold_lookalikes(&text)
        .to_lowercase()
        .replace('¶', "para");
    let chars: Vec<char> = text.chars().collect();
    // A full stop between digits is a decimal point (`para. 1.1` is not `para. 11`).
    let decimal = |i: usize| {
        i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !c.is_whitespace()
                && !matches!(c, ',' | '《' | '》' | '«' | '»' | '"' | '“' | '”')
                && (c != '.' || decimal(i))
        })
        .map(|(_, &c)| c)
        .collect()
}

/// Every folded form a unit is cited by: its unit part and its whole citation, in
/// each language.
pub fn unit_keys(id: &str, kind: Kind, number: u32, r: &str, label: Option<&str>) -> Vec<String> {
    let mut keys = Vec::new();
    for language in CITATION_LANGUAGES {
        keys.push(key(&unit_part(id, language, kind, number, r, label)));
        keys.push(key(&cite(id, language, kind, number, r, label)));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The folded forms of what a citation puts before a unit, in each language (for
/// reading a whole citation back: `Liability Convention, art. IX`).
pub fn document_keys(id: &str) -> Vec<String> {
    let mut keys: Vec<String> = CITATION_LANGUAGES
        .iter()
        .map(|l| key(&document_part(id, l, None)))
        .collect();
    // A resolution in parts is cited with the part's letter: `resolution 1721 B (XVI)`.
    let resolution = catalogue::resolution_number(id).is_some()
        || catalogue::by_id(id).is_some_and(|i| i.kind == "resolution");
    if resolution {
        for letter in ["A", "B", "C", "D"] {
            keys.extend(
                CITATION_LANGUAGES
                    .iter()
                    .map(|l| key(&document_part(id, l, Some(letter)))),
            );
        }
    }
    keys.push(key(id));
    if let Some(i) = catalogue::by_id(id) {
        keys.extend(
            i.short
                .values()
                .chain(i.full.values())
                .chain(&i.aliases)
                .map(|n| key(n)),
        );
    }
    keys.retain(|k| !k.is_empty());
    keys.sort();
    keys.dedup();
    keys
}

/// The language a document name is written in, when it is one of the names a
/// citation or the catalogue gives the document in one language only
/// (`Договор по космосу` → `ru`, `第76/76号决议` → `zh`; `76/76` → none).
pub fn language_of_name(id: &str, name: &str) -> Option<&'static str> {
    let wanted = key(name);
    let mut found = CITATION_LANGUAGES.iter().copied().filter(|l| {
        key(&document_part(id, l, None)) == wanted
            || catalogue::by_id(id).is_some_and(|i| {
                [&i.short, &i.full, &i.cite]
                    .iter()
                    .any(|names| names.get(*l).is_some_and(|n| key(n) == wanted))
            })
    });
    let first = found.next()?;
    // A name several languages share (a French and Spanish "art.") says nothing.
    found.next().is_none().then_some(first)
}

/// Serialises an empty string as `null` (an undated document's date).
pub fn empty_as_null<S: serde::Serializer>(value: &str, s: S) -> Result<S::Ok, S::Error> {
    if value.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_are_cited_as_the_un_cites_them() {
        let c = |l, k, n, r: &str| cite("A/RES/76/76", l, k, n, r, None);
        assert_eq!(
            c("en", Kind::Operative, 16, "operative:16"),
            "resolution 76/76, para. 16"
        );
        assert_eq!(
            c("zh", Kind::Operative, 16, "operative:16"),
            "第76/76号决议第16段"
        );
        assert_eq!(
            c("fr", Kind::Operative, 16, "operative:16"),
            "résolution 76/76, par. 16"
        );
        assert_eq!(
            c("es", Kind::Operative, 16, "operative:16"),
            "resolución 76/76, párr. 16"
        );
        assert_eq!(
            c("ru", Kind::Operative, 16, "operative:16"),
            "резолюция 76/76, п. 16"
        );
        assert_eq!(
            c("zh", Kind::Preamble, 8, "preamble:8"),
            "第76/76号决议序言部分第8段"
        );
        assert_eq!(
            cite(
                "A/RES/1721 (XVI)",
                "en",
                Kind::Operative,
                2,
                "part:A/operative:2",
                None
            ),
            "resolution 1721 A (XVI), para. 2"
        );
        // A resolution's annexed text: its own units under the annex.
        let annexed = |l, r: &str| cite("A/RES/76/3", l, Kind::Paragraph, 7, r, None);
        assert_eq!(
            annexed("en", "annex/para:7"),
            "resolution 76/3, annex, para. 7"
        );
        assert_eq!(
            annexed("fr", "annex/para:7"),
            "résolution 76/3, annexe, par. 7"
        );
        assert_eq!(
            annexed("en", "annex:II/guideline:9/para:2"),
            "resolution 76/3, annex II, guideline 9, para. 2"
        );
    }

    #[test]
    fn instruments_are_cited_by_their_names_and_printed_numerals() {
        assert_eq!(
            cite(
                "outer-space-treaty",
                "en",
                Kind::Paragraph,
                0,
                "article:4",
                Some("Article IV")
            ),
            "Outer Space Treaty, art. IV"
        );
        assert_eq!(
            cite(
                "outer-space-treaty",
                "zh",
                Kind::Paragraph,
                0,
                "article:4",
                Some("第四条")
            ),
            "《外层空间条约》第四条"
        );
        assert_eq!(
            cite(
                "moon-agreement",
                "zh",
                Kind::Paragraph,
                0,
                "article:1",
                Some("第1条")
            ),
            "《月球协定》第1条"
        );
        assert_eq!(
            cite(
                "legal-principles-declaration",
                "en",
                Kind::Paragraph,
                6,
                "operative:1/para:6",
                None
            ),
            "resolution 1962 (XVIII), principle 6"
        );
        let lts = cite(
            "lts-guidelines",
            "en",
            Kind::Paragraph,
            1,
            "guideline:B.8/para:1",
            Some("Guideline B.8"),
        );
        assert!(lts.ends_with(", guideline B.8, para. 1"), "{lts}");
        assert_eq!(key("¶16"), key("para. 16"));
        assert_eq!(key("Ст. IV"), key("ст. IV"));
    }
}
