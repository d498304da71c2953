//! Refs: the language-independent address of a unit (`article:4`,
//! `guideline:B.8/para:1`, `operative:16`), computed in one place from the labels a
//! text prints, whatever its language and numerals: `Article IV`, `Artículo 4`,
//! `Статья IV` (with a Cyrillic `І` or `Х`), `第四条` all give `article:4`.
//!
//! The structure readers call [`unit_label`] on each line and [`join`] to build refs;
//! `show SYMBOL REF` calls [`parse_spec`] on what the user typed; the renderer calls
//! [`cited_label`] to print a unit the way its language prints it.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::document::Kind;

/// The ref of a resolution's paragraph.
pub fn resolution_ref(kind: Kind, number: u32) -> String {
    match kind {
        Kind::Preamble => format!("preamble:{number}"),
        Kind::Operative => format!("operative:{number}"),
        Kind::Paragraph => format!("para:{number}"),
    }
}

/// The refs of a treaty's opening formula (`The States Parties to this Treaty,`)
/// and of the formula that closes its preamble (`Have agreed on the following:`):
/// units of their own, outside the recitals' numbering.
pub const FORMULAE: [&str; 2] = ["chapeau", "formula"];

/// Joins `kind:label` segments into a ref.
pub fn join<'a>(segments: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    segments
        .into_iter()
        .map(|(k, l)| {
            if l.is_empty() {
                k.to_owned()
            } else {
                format!("{k}:{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Cyrillic letters that print like Latin ones, as the Latin letter: label words and
/// numerals are compared after this (`Статья Х` with a Cyrillic Х is article 10,
/// `А.1` with a Cyrillic А is guideline A.1).
pub fn fold_lookalikes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'А' => 'A',
            'В' => 'B',
            'С' => 'C',
            'Д' => 'D',
            'Е' => 'E',
            'Н' => 'H',
            'І' | 'Ӏ' => 'I',
            'К' => 'K',
            'М' => 'M',
            'О' => 'O',
            'Р' => 'P',
            'Т' => 'T',
            'Х' => 'X',
            'Ѵ' => 'V',
            'а' => 'a',
            'с' => 'c',
            'е' => 'e',
            'о' => 'o',
            'р' => 'p',
            'х' => 'x',
            'у' => 'y',
            'і' => 'i',
            c => c,
        })
        .collect()
}

/// A Roman numeral (I–CCC), Arabic digits (also full-width) or a Chinese numeral.
pub fn number_value(s: &str) -> Option<u32> {
    let s: String = fold_lookalikes(s.trim()).nfkc().collect();
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok().filter(|&n| n > 0);
    }
    roman(&s).or_else(|| chinese(&s))
}

fn roman(s: &str) -> Option<u32> {
    let value = |c: char| match c.to_ascii_uppercase() {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        _ => None,
    };
    let digits: Vec<u32> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            total -= d as i64;
        } else {
            total += d as i64;
        }
    }
    let n = u32::try_from(total).ok().filter(|&n| n > 0)?;
    // Only the canonical spelling: "IIII" or "VX" are not numbers in a label.
    (to_roman(n) == s.to_ascii_uppercase()).then_some(n)
}

/// `14` → `XIV`.
pub fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 9] = [
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

fn chinese(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    let mut total = 0;
    let mut current = None;
    for c in s.chars() {
        match c {
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            '零' => {}
            _ => current = Some(digit(c)?),
        }
    }
    Some(total + current.unwrap_or(0)).filter(|&n| n > 0)
}

/// `14` → `十四`.
pub fn to_chinese(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "〇".into(),
        1..=9 => D[n as usize].into(),
        10..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// The kinds of labelled unit the readers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Article,
    Principle,
    Guideline,
}

impl UnitKind {
    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Article => "article",
            UnitKind::Principle => "principle",
            UnitKind::Guideline => "guideline",
        }
    }
}

/// A label that opens a unit: its kind, the normalised label (`4`, `B.8`), the label
/// as printed, and any text printed after it on the same line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitLabel {
    pub kind: UnitKind,
    pub label: String,
    pub printed: String,
    pub rest: String,
}

/// Label words, compared after [`fold_lookalikes`] and lower-casing.
const WORDS: [(&str, UnitKind); 11] = [
    ("руководящий принцип", UnitKind::Guideline),
    ("article", UnitKind::Article),
    ("artículo", UnitKind::Article),
    ("статья", UnitKind::Article),
    ("principle", UnitKind::Principle),
    ("principe", UnitKind::Principle),
    ("principio", UnitKind::Principle),
    ("принцип", UnitKind::Principle),
    ("guideline", UnitKind::Guideline),
    ("directriz", UnitKind::Guideline),
    ("ligne directrice", UnitKind::Guideline),
];

static LATIN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{L}+(?:\s+\p{L}+)?)\s+([0-9]{1,3}|[IVXLCІХ]{1,8}|[A-HА-Д]\.[0-9]{1,2})\s*[.:]?(?:\s+(\S.*))?$").unwrap()
});
static ZH_ARTICLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第\s*([一二三四五六七八九十百]+|[0-9]+)\s*条\s*(.*)$").unwrap());
static ZH_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(原则|准则)\s*([一二三四五六七八九十]+|[0-9]{1,2}|[A-H]\.[0-9]{1,2})\s*[.．:：]?\s*(.*)$").unwrap()
});
/// `Руководящий принцип А.1`: the Russian word for a guideline is "guiding principle".
static GUIDELINE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-H])\.([0-9]{1,2})$").unwrap());

/// Reads a line that opens a unit: `Article IV`, `Статья 4`, `第四条`, `Principle 10.`,
/// `原则十`, `Guideline B.8`, `准则 B.8`, `Руководящий принцип В.8`. `None` for any
/// other line, including prose that mentions an article ("article IV of the Treaty").
pub fn unit_label(line: &str) -> Option<UnitLabel> {
    let t = line.trim();
    // (A line of 120 bytes or fewer holds 120 characters or fewer, without a count.)
    if t.len() > 120 && t.chars().count() > 120 {
        return None;
    }
    // Each regex is tried only on a line that starts as it must: most lines are no
    // label, and this look costs far less than a regex's captures.
    if t.starts_with('第')
        && let Some(c) = ZH_ARTICLE.captures(t)
        && c[2].trim().is_empty()
    {
        let n = number_value(&c[1])?;
        return Some(UnitLabel {
            kind: UnitKind::Article,
            label: n.to_string(),
            printed: format!("第{}条", &c[1]),
            rest: c[2].trim().to_owned(),
        });
    }
    if ["原则", "准则"].iter().any(|u| t.starts_with(u))
        && let Some(c) = ZH_UNIT.captures(t)
    {
        let kind = if &c[1] == "原则" {
            UnitKind::Principle
        } else {
            UnitKind::Guideline
        };
        let label = normal_label(&c[2])?;
        return Some(UnitLabel {
            kind,
            label,
            printed: format!("{}{}", &c[1], &c[2]),
            rest: c[3].trim().to_owned(),
        });
    }
    // A letter (`\p{L}`) is alphabetic.
    if !t.starts_with(char::is_alphabetic) {
        return None;
    }
    // [`LATIN_LABEL`]'s label word is the line's first word (letters up to white
    // space) or its first two, so that its number opens the second word or the third:
    // a line whose second and third words open with no digit and no capital a number
    // may open with (most lines) is no label, told without the regex's captures.
    let opens_number =
        |w: &str| w.starts_with(|c: char| c.is_ascii_digit() || "IVXLCІХABCDEFGHАБВГД".contains(c));
    let mut words = t.split_whitespace().skip(1);
    if !words.next().is_some_and(opens_number) && !words.next().is_some_and(opens_number) {
        return None;
    }
    let c = LATIN_LABEL.captures(t)?;
    let word = fold_lookalikes(&c[1]).to_lowercase();
    let word = squash(&word);
    let number = fold_lookalikes(&c[2]);
    let kind = WORDS
        .iter()
        .find(|(w, _)| fold_lookalikes(w) == word)
        .map(|(_, k)| *k)
        .or_else(|| {
            // "Руководящий принцип A.1": a principle word with a guideline number.
            (word.ends_with(&fold_lookalikes("принцип")) && GUIDELINE_NUMBER.is_match(&number))
                .then_some(UnitKind::Guideline)
        })?;
    // Labels begin with a capital: "article IV of the Treaty" is prose.
    if !c[1].starts_with(char::is_uppercase) {
        return None;
    }
    let kind = if GUIDELINE_NUMBER.is_match(&number) {
        UnitKind::Guideline
    } else {
        kind
    };
    let label = normal_label(&number)?;
    let rest = c.get(3).map_or("", |m| m.as_str()).trim().to_owned();
    // A label stands alone or before a title; "Article 4 of the Treaty shall…" is prose.
    if rest.starts_with(|c: char| c.is_lowercase()) {
        return None;
    }
    Some(UnitLabel {
        kind,
        label,
        printed: format!("{} {}", c[1].trim(), c[2].trim()),
        rest,
    })
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The label as it goes into a ref: numbers in Arabic digits, guideline numbers as
/// `B.8` in Latin letters.
fn normal_label(printed: &str) -> Option<String> {
    let folded = fold_lookalikes(printed.trim());
    if let Some(c) = GUIDELINE_NUMBER.captures(&folded) {
        return Some(format!("{}.{}", &c[1], c[2].parse::<u32>().ok()?));
    }
    number_value(&folded).map(|n| n.to_string())
}

static SPEC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(art(?:icle|ículo|\.)?|arts?\.|статья|ст\.?|principle|principe|principio|принцип|princ\.?|guideline|directriz|ligne\s+directrice|руководящий\s+принцип|gl\.?|sect(?:ion)?\.?|secc(?:ión)?\.?|разд(?:ел)?\.?|p|para(?:graph)?\.?|op|operative|preamble|pp)\s*([a-hа-д]\.[0-9]+|[0-9]+|[ivxlcіх]+)(?:[.,]\s*(?:(?:para|par|párr|п)\.?\s*)?([0-9]+))?$").unwrap()
});

/// What a user types after `show SYMBOL`, as a ref: `art. 4`, `article IV`,
/// `artículo IV`, `статья IV`, `ст. 4` → `article:4`; `art. 14.2` or
/// `art. XIV, para. 2` → `article:14/para:2`; `principle X`, `principe 10` →
/// `principle:10`; `guideline B.8`, `directriz B.8` → `guideline:B.8`; `sect. 2` →
/// `section:2`; `16` → `operative:16`; `p8` → `preamble:8`; a ref (`article:4`) as
/// it is.
pub fn parse_spec(spec: &str) -> Option<String> {
    let spec = spec.trim();
    if spec.contains(':') || FORMULAE.contains(&spec) {
        return Some(spec.to_owned());
    }
    if let Ok(n) = spec.parse::<u32>() {
        return Some(format!("operative:{n}"));
    }
    if let Some(label) = unit_label(spec) {
        return Some(join([(label.kind.name(), label.label.as_str())]));
    }
    let c = SPEC.captures(spec)?;
    let word = squash(&c[1].to_lowercase());
    let word = word.trim_end_matches('.');
    let kind = match word {
        "art" | "arts" | "article" | "artículo" | "статья" | "ст" => "article",
        "principle" | "principe" | "principio" | "принцип" | "princ" => "principle",
        "guideline" | "directriz" | "ligne directrice" | "руководящий принцип" | "gl" => {
            "guideline"
        }
        "sect" | "section" | "secc" | "sección" | "разд" | "раздел" => "section",
        "p" | "pp" | "preamble" => "preamble",
        "op" | "operative" => "operative",
        _ => "para",
    };
    let typed = fold_lookalikes(&c[2]).to_uppercase();
    let label = if kind == "section" {
        typed
    } else if kind == "guideline" || typed.contains('.') {
        normal_label(&typed)?
    } else {
        number_value(&typed)?.to_string()
    };
    let mut r = join([(kind, label.as_str())]);
    if let Some(sub) = c.get(3) {
        r.push_str(&format!("/para:{}", sub.as_str()));
    }
    Some(r)
}

/// A unit as its language cites it: `art. IV`, `第四条`, `principle X`,
/// `guideline B.8`, `ст. IV`; with `/para:2` as `, para. 2` (`第 2 款`).
/// `printed` is the label as the text prints it, which gives the numeral style.
pub fn cited_label(r: &str, printed: Option<&str>, language: &str) -> Option<String> {
    let mut segments = r.split('/').filter_map(|s| s.split_once(':'));
    let (kind, label) =
        segments.find(|(k, _)| ["article", "principle", "guideline"].contains(k))?;
    let roman = printed.is_some_and(|p| {
        p.split_whitespace()
            .last()
            .is_some_and(|n| roman(&fold_lookalikes(n.trim_end_matches('.'))).is_some())
    });
    let n: Option<u32> = label.parse().ok();
    let numeral = match n {
        Some(n) if roman => to_roman(n),
        _ => label.to_owned(),
    };
    let unit = match (language, kind) {
        ("zh", "article") => format!("第{}条", n.map_or(label.to_owned(), to_chinese)),
        ("zh", "principle") => printed.map_or_else(|| format!("原则{label}"), str::to_owned),
        ("zh", _) => format!("准则 {label}"),
        ("ru", "article") => format!("ст. {numeral}"),
        ("ru", "principle") => format!("принцип {numeral}"),
        ("ru", _) => format!("руководящий принцип {label}"),
        ("fr", "article") | ("en", "article") => format!("art. {numeral}"),
        ("es", "article") => format!("art. {numeral}"),
        ("fr", "principle") => format!("principe {numeral}"),
        ("es", "principle") => format!("principio {numeral}"),
        ("fr", _) => format!("ligne directrice {label}"),
        ("es", _) => format!("directriz {label}"),
        (_, "principle") => format!("principle {numeral}"),
        _ => format!("guideline {label}"),
    };
    let para = r
        .split('/')
        .filter_map(|s| s.split_once(':'))
        .skip_while(|(k, _)| *k != kind)
        .find(|(k, _)| *k == "para")
        .map(|(_, p)| p);
    Some(match (para, language) {
        (Some(p), "zh") => format!("{unit}第 {p} 款"),
        (Some(p), _) => format!("{unit}, para. {p}"),
        (None, _) => unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(s: &str) -> Option<(UnitKind, String)> {
        unit_label(s).map(|l| (l.kind, l.label))
    }

    #[test]
    fn every_print_of_a_label_gives_the_same_ref() {
        for line in [
            "Article IV",
            "Artículo IV",
            "Статья IV",
            "Статья 4",
            "第四条",
            "Article 4",
        ] {
            assert_eq!(label(line), Some((UnitKind::Article, "4".into())), "{line}");
        }
        // Cyrillic Х and Latin C in a Russian label.
        assert_eq!(label("Статья Х"), Some((UnitKind::Article, "10".into())));
        assert_eq!(label("Cтатья XIV"), Some((UnitKind::Article, "14".into())));
        assert_eq!(label("第十四条"), Some((UnitKind::Article, "14".into())));
        assert_eq!(label("原则十"), Some((UnitKind::Principle, "10".into())));
        assert_eq!(
            label("Principle 10."),
            Some((UnitKind::Principle, "10".into()))
        );
        assert_eq!(
            label("Principe X"),
            Some((UnitKind::Principle, "10".into()))
        );
        assert_eq!(
            label("Guideline B.8"),
            Some((UnitKind::Guideline, "B.8".into()))
        );
        assert_eq!(label("准则 B.8"), Some((UnitKind::Guideline, "B.8".into())));
        assert_eq!(
            label("Руководящий принцип А.1"),
            Some((UnitKind::Guideline, "A.1".into()))
        );
        assert_eq!(label("article IV of the Treaty"), None);
        assert_eq!(label("Article 4 of the Treaty shall apply"), None);
    }

    #[test]
    fn specs_typed_by_users_become_refs() {
        let spec = |s| parse_spec(s);
        assert_eq!(spec("art. 4").as_deref(), Some("article:4"));
        assert_eq!(spec("article IV").as_deref(), Some("article:4"));
        assert_eq!(spec("art. 14.2").as_deref(), Some("article:14/para:2"));
        assert_eq!(spec("principle X").as_deref(), Some("principle:10"));
        assert_eq!(spec("guideline B.8").as_deref(), Some("guideline:B.8"));
        assert_eq!(spec("16").as_deref(), Some("operative:16"));
        assert_eq!(spec("p8").as_deref(), Some("preamble:8"));
        assert_eq!(spec("article:4").as_deref(), Some("article:4"));
        assert_eq!(spec("guideline C.1").as_deref(), Some("guideline:C.1"));
        assert_eq!(spec("artículo IV").as_deref(), Some("article:4"));
        assert_eq!(spec("статья IV").as_deref(), Some("article:4"));
        assert_eq!(spec("ст. 4").as_deref(), Some("article:4"));
        assert_eq!(
            spec("art. IX, para. 1").as_deref(),
            Some("article:9/para:1")
        );
        assert_eq!(spec("directriz B.8").as_deref(), Some("guideline:B.8"));
        assert_eq!(spec("sect. 2").as_deref(), Some("section:2"));
    }

    #[test]
    fn citations_print_the_unit_as_the_language_does() {
        assert_eq!(
            cited_label("article:4", Some("Article IV"), "en").as_deref(),
            Some("art. IV")
        );
        assert_eq!(
            cited_label("article:4", Some("第四条"), "zh").as_deref(),
            Some("第四条")
        );
        assert_eq!(
            cited_label("guideline:B.8/para:1", Some("Guideline B.8"), "en").as_deref(),
            Some("guideline B.8, para. 1")
        );
        assert_eq!(to_chinese(14), "十四");
        assert_eq!(number_value("XIV"), Some(14));
        assert_eq!(number_value("二十一"), Some(21));
    }
}
