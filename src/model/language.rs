//! The languages unspace knows: one list, with each language's code, the names a
//! user may type for it, its name in the five UN languages of the corpus, and its
//! stemmer. Every other module asks here (filters, `--lang`, parallel views, the
//! order in which languages are shown, the analyzers' stemmers).

use rust_stemmers::Algorithm;
use serde::Serialize;

/// A language of the UN's six, in the order UN documents list them for display
/// (Chinese first, as the project's users expect, then English, French, Spanish,
/// Russian, Arabic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Language {
    Zh,
    En,
    Fr,
    Es,
    Ru,
    Ar,
}

/// Every language, in display order.
pub const ALL: [Language; 6] = [
    Language::Zh,
    Language::En,
    Language::Fr,
    Language::Es,
    Language::Ru,
    Language::Ar,
];

impl Language {
    /// The ISO 639-1 code the index stores: `zh`, `en`, …
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::Ru => "ru",
            Language::Ar => "ar",
        }
    }

    /// The language of a code as the index stores it.
    pub fn from_code(code: &str) -> Option<Language> {
        ALL.into_iter().find(|l| l.code() == code)
    }

    /// A language given by code or name, in any case: `zh`, `Chinese`, `中文`,
    /// `français`, `русский`, ISO 639-2 (`fra`, `fre`).
    pub fn parse(name: &str) -> Option<Language> {
        let folded = name.trim().to_lowercase();
        ALL.into_iter()
            .find(|l| l.code() == folded || l.names().contains(&folded.as_str()))
    }

    /// Names a user may type for the language (lower case), besides its code.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Language::Zh => &[
                "chinese",
                "中文",
                "汉语",
                "zho",
                "chi",
                "chinois",
                "chino",
                "китайский",
            ],
            Language::En => &[
                "english",
                "eng",
                "anglais",
                "inglés",
                "ingles",
                "английский",
                "英文",
                "英语",
            ],
            Language::Fr => &[
                "french",
                "français",
                "francais",
                "fra",
                "fre",
                "francés",
                "frances",
                "французский",
                "法文",
                "法语",
            ],
            Language::Es => &[
                "spanish",
                "español",
                "espanol",
                "spa",
                "espagnol",
                "испанский",
                "西班牙文",
                "西班牙语",
            ],
            Language::Ru => &["russian", "русский", "rus", "russe", "ruso", "俄文", "俄语"],
            Language::Ar => &[
                "arabic",
                "العربية",
                "ara",
                "arabe",
                "árabe",
                "арабский",
                "阿拉伯文",
                "阿拉伯语",
            ],
        }
    }

    /// The language's own name for itself (`中文`, `English`, `français`).
    pub fn native_name(self) -> &'static str {
        match self {
            Language::Zh => "中文",
            Language::En => "English",
            Language::Fr => "français",
            Language::Es => "español",
            Language::Ru => "русский",
            Language::Ar => "العربية",
        }
    }

    /// The Snowball stemmer of the language; `None` where words are not stemmed
    /// (Chinese is matched by characters and segmented words).
    pub fn stemmer(self) -> Option<Algorithm> {
        match self {
            Language::En => Some(Algorithm::English),
            Language::Fr => Some(Algorithm::French),
            Language::Es => Some(Algorithm::Spanish),
            Language::Ru => Some(Algorithm::Russian),
            Language::Ar => Some(Algorithm::Arabic),
            Language::Zh => None,
        }
    }

    /// Where the language comes in display order (unknown codes last).
    pub fn rank(code: &str) -> usize {
        Language::from_code(code).map_or(ALL.len(), |l| l as usize)
    }
}

impl From<Language> for &'static str {
    fn from(language: Language) -> &'static str {
        language.code()
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The codes of every language, comma-separated, for messages: `zh, en, fr, es, ru, ar`.
pub fn known_codes() -> String {
    ALL.map(Language::code).join(", ")
}

/// Sorts language codes into display order.
pub fn sort_codes(codes: &mut [String]) {
    codes.sort_by_key(|c| Language::rank(c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_give_the_language() {
        assert_eq!(Language::parse("zh"), Some(Language::Zh));
        assert_eq!(Language::parse(" Chinese "), Some(Language::Zh));
        assert_eq!(Language::parse("中文"), Some(Language::Zh));
        assert_eq!(Language::parse("Français"), Some(Language::Fr));
        assert_eq!(Language::parse("РУССКИЙ"), Some(Language::Ru));
        assert_eq!(Language::parse("klingon"), None);
        for l in ALL {
            assert_eq!(Language::from_code(l.code()), Some(l));
            assert_eq!(Language::parse(l.code()), Some(l));
        }
        let mut codes = vec![
            "ru".to_owned(),
            "en".to_owned(),
            "zh".to_owned(),
            "xx".to_owned(),
        ];
        sort_codes(&mut codes);
        assert_eq!(codes, ["zh", "en", "ru", "xx"]);
    }
}
