//! The document model every other module speaks: a UN document read into its
//! paragraphs (recitals, operative paragraphs or plain paragraphs) and footnotes.
//!
//! The parser produces it, the indexer stores one entry per paragraph, and the
//! renderer shows it. It is plain data with serde derives so that `--json`
//! output and the index's stored fields come from the same structs.

use serde::{Deserialize, Serialize};

/// What role a paragraph plays in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A preambular paragraph (recital): "Recalling …", "回顾…".
    Preamble,
    /// An operative paragraph, numbered as printed.
    Operative,
    /// A paragraph of a text whose structure was not recognised as a resolution,
    /// or text that follows the closing formula (annexes).
    Paragraph,
}

impl Kind {
    /// The name used in JSON, in the index and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Preamble => "preamble",
            Kind::Operative => "operative",
            Kind::Paragraph => "paragraph",
        }
    }

    /// Parses the name used on the command line and in the index.
    pub fn from_name(name: &str) -> Option<Kind> {
        match name {
            "preamble" => Some(Kind::Preamble),
            "operative" => Some(Kind::Operative),
            "paragraph" => Some(Kind::Paragraph),
            _ => None,
        }
    }
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub kind: Kind,
    /// 1-based within its kind; for operative paragraphs the printed number; 0 for a
    /// treaty's opening and closing formulae (refs `chapeau` and `formula`), which
    /// stand outside the numbering.
    pub number: u32,
    /// Clean, readable text: lines joined, footnote markers and page furniture removed.
    /// Sub-paragraphs ((a), (b), …) stay inside their paragraph on lines of their own.
    pub text: String,
    /// The numbers of the footnotes this paragraph cites, in order of citation.
    pub footnotes: Vec<u32>,
    /// The unit's language-independent address: `kind:label` segments joined by `/`
    /// (`preamble:3`, `operative:16`, `article:4`, `guideline:B.8/para:1`); the same
    /// unit has the same ref in every language. See [`crate::parse::refs`].
    #[serde(rename = "ref")]
    pub r#ref: String,
    /// The unit's printed title (an LTS guideline's, a treaty article's), kept out of
    /// its text.
    pub heading: Option<String>,
    /// The unit's label as the text prints it (`Article IV`, `第四条`, `Guideline B.8`),
    /// which citations follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Paragraph {
    /// The segments of the ref: `("guideline", "B.8"), ("para", "1")`.
    pub fn ref_segments(&self) -> impl Iterator<Item = (&str, &str)> {
        self.r#ref
            .split('/')
            .map(|s| s.split_once(':').unwrap_or((s, "")))
    }
}

/// What kind of text a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    #[default]
    Resolution,
    Treaty,
    Principles,
    Guidelines,
    Declaration,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Resolution => "resolution",
            DocumentKind::Treaty => "treaty",
            DocumentKind::Principles => "principles",
            DocumentKind::Guidelines => "guidelines",
            DocumentKind::Declaration => "declaration",
        }
    }
}

/// A footnote, as printed at the foot of the page that cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u32,
    pub text: String,
}

/// A whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The UN document symbol, e.g. `A/RES/76/76`.
    pub symbol: String,
    /// ISO 639-1 language code: `zh`, `en`, `fr`, `es`, `ru`, `ar`.
    pub language: String,
    pub title: String,
    /// Resolution, treaty, principles, guidelines or declaration.
    pub kind: DocumentKind,
    /// Adoption date, ISO `YYYY-MM-DD`, when the text states it (for a treaty, the
    /// date it was opened for signature).
    pub date: Option<String>,
    /// The meeting at which it was adopted, as printed ("49th plenary meeting").
    pub meeting: Option<String>,
    /// The file it was read from.
    pub source: String,
    pub paragraphs: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
    /// Footnotes cited by the title (an instrument's source note).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_footnotes: Vec<u32>,
}

impl Document {
    /// The footnote with this number, if the document defines it.
    pub fn footnote(&self, number: u32) -> Option<&Footnote> {
        self.footnotes.iter().find(|f| f.number == number)
    }

    /// The adoption year, from the adoption date.
    pub fn year(&self) -> Option<u32> {
        self.date.as_deref()?.get(..4)?.parse().ok()
    }

    /// The paragraph a citation names: kind and number.
    pub fn paragraph(&self, kind: Kind, number: u32) -> Option<&Paragraph> {
        self.paragraphs
            .iter()
            .find(|p| p.kind == kind && p.number == number)
    }

    /// The paragraphs a ref names: the unit itself, or the units under it
    /// (`article:14` → `article:14/para:1`, `article:14/para:2`), or a unit whose ref
    /// ends with it (`principle:10` finds `annex/principle:10`).
    pub fn paragraphs_at(&self, r: &str) -> Vec<&Paragraph> {
        let exact: Vec<&Paragraph> = self.paragraphs.iter().filter(|p| p.r#ref == r).collect();
        if !exact.is_empty() {
            return exact;
        }
        let under = |p: &&Paragraph| {
            let pr = p.r#ref.as_str();
            pr.starts_with(&format!("{r}/"))
                || pr.ends_with(&format!("/{r}"))
                || pr.contains(&format!("/{r}/"))
        };
        self.paragraphs.iter().filter(under).collect()
    }
}
