//! The UN page vocabulary, in one place: the marks a printed UN document carries
//! that are not its text — job numbers, month names and dates in the five languages
//! — which the page model ([`super::page`]), the resolution reader, the instrument
//! reader and the PDF layer all recognise the same way.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// A UN job number alone on a line, as printed under each page: `21-18622`,
/// `V.24-22756`, `21-18622 (E)`.
pub static JOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:V\.)?\d{2}-\d{5}(?:\s*\([A-Z]\))?$").unwrap());

/// The first word of a recital in a Latin script: a participle or an adjective of
/// attitude (`Recognizing`, `Convinced`, `Considérant`, `Désireux`, `Reconociendo`,
/// `Convencidos`). A treaty's opening formula (`The States Parties to this Treaty,`)
/// does not open so.
pub static RECITAL_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}\p{Ll}+(?:ing|ed|ant|ants|ante|antes|ando|endo|iendo|ido|idos|ados|us|ux|euses)(?:\s|,|$)")
        .unwrap()
});

/// Words a number follows as part of the text, not as a footnote marker (`статьи 3,`,
/// `в принципе 3.`, `paragraph 4,`): the start of each word, lower case, in the five
/// languages' Latin and Cyrillic scripts.
pub const NUMBERED_WORDS: [&str; 34] = [
    "article",
    "artículo",
    "paragraph",
    "paragraphe",
    "párrafo",
    "principle",
    "principe",
    "principio",
    "guideline",
    "directriz",
    "directrice",
    "section",
    "sección",
    "part",
    "chapter",
    "chapitre",
    "capítulo",
    "resolution",
    "résolution",
    "resolución",
    "annex",
    "anexo",
    "page",
    "página",
    "rule",
    "règle",
    "regla",
    "стать",
    "пункт",
    "принцип",
    "руководящ",
    "раздел",
    "част",
    "резолюц",
];

/// Is `word` one of [`NUMBERED_WORDS`] (any ending, any case)?
pub fn numbers_follow(word: &str) -> bool {
    let word = word.to_lowercase();
    NUMBERED_WORDS.iter().any(|w| word.starts_with(w))
}

/// English month names, as dates are printed.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month names in French, Spanish and Russian (genitive), as dates are printed.
pub const MONTH_NAMES: [[&str; 12]; 3] = [
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
];

static DATE_ZH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").unwrap());

/// Day, month name, year in English, French, Spanish and Russian, in that order of
/// preference (the month names of [`MONTHS`] and [`MONTH_NAMES`]).
static DATES: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        Regex::new(r"(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})").unwrap(),
        Regex::new(r"(\d{1,2})(?:er)?\s+(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\s+(\d{4})").unwrap(),
        Regex::new(r"(\d{1,2})\s+de\s+(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\s+de\s+(\d{4})").unwrap(),
        Regex::new(r"(\d{1,2})\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)\s+(\d{4})").unwrap(),
    ]
});

/// The first date in `text`, in any of the five languages, as ISO `YYYY-MM-DD`:
/// `9 December 2021`, `2021 年 12 月 9 日` (full-width digits too), `1er décembre
/// 2021`, `9 de diciembre de 2021`, `9 декабря 2021`. Chinese is looked for first,
/// then English, French, Spanish and Russian.
pub fn date(text: &str) -> Option<String> {
    let text: String = text.nfkc().collect();
    if let Some(c) = DATE_ZH.captures(&text) {
        return iso(&c[1], &c[2], &c[3]);
    }
    for re in DATES.iter() {
        if let Some(c) = re.captures(&text) {
            let month = month_number(&c[2])?;
            return iso(&c[3], &month.to_string(), &c[1]);
        }
    }
    None
}

/// True when the whole of `text` is one date (a meeting line's `9 December 2021`).
pub fn is_date(text: &str) -> bool {
    let text: String = text.nfkc().collect();
    let text = text.trim();
    std::iter::once(&*DATE_ZH).chain(DATES.iter()).any(|re| {
        re.find(text)
            .is_some_and(|m| m.start() == 0 && m.end() == text.len())
    })
}

/// The number (1–12) of a month named in English, French, Spanish or Russian.
pub fn month_number(name: &str) -> Option<usize> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .or_else(|| {
            MONTH_NAMES
                .iter()
                .find_map(|names| names.iter().position(|m| *m == name))
        })
        .map(|i| i + 1)
}

fn iso(year: &str, month: &str, day: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Whether a paragraph opens as an operative paragraph does, with a verb
/// (`Adopts`, `Solemnly declares`, `Approuve`, `Aprueba`, `Принимает`, `通过`), not
/// as a recital does, with a participle or an adjective (`Recalling`, `Convinced`,
/// `Mindful`, `Rappelant`, `Convaincue`, `Recordando`, `признавая`); an adverb
/// before the word (`Deeply`, `Profondément`) is passed over.
pub fn opens_operative(text: &str) -> bool {
    let mut words = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase());
    let mut word = words.next().unwrap_or_default();
    if ["ly", "ment", "mente"].iter().any(|e| word.ends_with(e))
        || ["further", "also"].contains(&word.as_str())
    {
        word = words.next().unwrap_or_default();
    }
    const RECITAL_ENDINGS: [&str; 13] = [
        "ing", "ed", "ful", "ant", "ée", "cue", "euse", "ente", "ando", "iendo", "endo", "я", "в",
    ];
    const ADJECTIVES: [&str; 5] = ["aware", "cognizant", "conscious", "desirous", "consciente"];
    let recital = word.chars().count() > 4 && RECITAL_ENDINGS.iter().any(|e| word.ends_with(e))
        || ADJECTIVES.contains(&word.as_str());
    !word.is_empty() && !recital
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operative_verbs_are_told_from_recitals() {
        for yes in [
            "Adopts the following",
            "Solemnly declares",
            "Approuve le texte",
            "Aprueba",
            "Принимает",
            "通过下列宣言：",
        ] {
            assert!(opens_operative(yes), "{yes}");
        }
        for no in [
            "Recalling its",
            "Having considered",
            "Mindful of",
            "Convinced that",
            "Rappelant",
            "Recordando",
            "признавая",
        ] {
            assert!(!opens_operative(no), "{no}");
        }
    }

    #[test]
    fn dates_read_in_the_five_languages() {
        assert_eq!(date("on 9 December 2021").as_deref(), Some("2021-12-09"));
        assert_eq!(date("2021 年 12 月 9 日").as_deref(), Some("2021-12-09"));
        assert_eq!(date("２０１１年４月７日").as_deref(), Some("2011-04-07"));
        assert_eq!(date("du 1er décembre 1966").as_deref(), Some("1966-12-01"));
        assert_eq!(
            date("de 19 de diciembre de 1966").as_deref(),
            Some("1966-12-19")
        );
        assert_eq!(
            date("от 19 декабря 1966 года").as_deref(),
            Some("1966-12-19")
        );
        assert_eq!(date("no date here"), None);
        assert!(JOB.is_match("V.24-22756") && JOB.is_match("21-18622 (E)"));
    }
}
