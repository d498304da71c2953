//! The one resolver of unit labels: what a user types after a document's name
//! (`16`, `p8`, `art. IV`, `第四条`, `guideline B.8`, `article:4`) → the units of the
//! document it names. `show`, `trace` and the web pages all resolve through here;
//! the label grammar itself is [`crate::parse::refs::parse_spec`].

use std::sync::LazyLock;

use regex::Regex;

use crate::document::{Kind, Paragraph};
use crate::error::Error;
use crate::model::citation;
use crate::parse::refs;

/// What the resolver needs to know of a unit.
pub trait Addressed {
    fn kind(&self) -> Kind;
    fn number(&self) -> u32;
    fn unit_ref(&self) -> &str;
    /// The label as printed (`Article IV`), for naming the unit in messages.
    fn label(&self) -> Option<&str>;
}

impl Addressed for Paragraph {
    fn kind(&self) -> Kind {
        self.kind
    }
    fn number(&self) -> u32 {
        self.number
    }
    fn unit_ref(&self) -> &str {
        &self.r#ref
    }
    fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

/// A paragraph number as cited in any of the five languages (`¶16`, `para. 16`,
/// `par. 16`, `párr. 16`, `п. 16`, `第16段`): the number alone.
static PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:¶|para(?:graph)?\.?|paragraphe|par\.|párr\.|párrafo|п\.|пункт|op\.?|operative(?:\s+para(?:graph)?\.?)?)\s*(\d+)$|^第\s*(\d+)\s*段$").unwrap()
});
/// A preambular paragraph as cited (`preambular para. 8`, `alinéa 8 du préambule`,
/// `párrafo 8 del preámbulo`, `п. 8 преамбулы`, `序言部分第8段`): `p8`.
static PREAMBULAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:pp\.?|preamble|preambular\s+para(?:graph)?\.?)\s*(\d+)$|^(?:alinéa|párrafo|п\.)\s*(\d+)\s*(?:du\s+préambule|del\s+preámbulo|преамбулы)$|^序言(?:部分)?\s*第?\s*(\d+)\s*段?$").unwrap()
});

/// `spec` with a cited paragraph number written as the resolver's short form
/// (`para. 16` → `16`, `preambular para. 8` → `p8`).
fn short_form(spec: &str) -> String {
    let number = |c: regex::Captures| {
        c.iter()
            .skip(1)
            .flatten()
            .next()
            .map(|m| m.as_str().to_owned())
    };
    if let Some(n) = PARAGRAPH.captures(spec).and_then(number) {
        return n;
    }
    if let Some(n) = PREAMBULAR.captures(spec).and_then(number) {
        return format!("p{n}");
    }
    spec.to_owned()
}

/// The units of one language's text of a document that `spec` names: a unit as
/// any citation the tool prints names it, in any language (`para. 16`, `第16段`,
/// `art. IV`, `ст. IV`, `principle 6`, `guideline B.8, para. 1`); `16` is operative
/// paragraph 16 (plain paragraph 16 in a text without operative paragraphs), `p8`
/// preambular paragraph 8; anything else a unit label (`Article IV`, `第四条`,
/// `artículo 4`, `guideline C.1`) or a ref, which gives the unit itself or, for a
/// unit made of several paragraphs (`art. 14`), all of them in order.
pub fn resolve<'a, T: Addressed>(
    units: &[&'a T],
    spec: &str,
    document: &str,
    language: &str,
) -> Result<Vec<&'a T>, Error> {
    let wanted = citation::key(spec);
    let cited: Vec<&T> = units
        .iter()
        .copied()
        .filter(|u| {
            citation::unit_keys(document, u.kind(), u.number(), u.unit_ref(), u.label())
                .contains(&wanted)
        })
        .collect();
    if !cited.is_empty() {
        return Ok(cited);
    }
    let spec = short_form(spec.trim());
    let spec = spec.as_str();
    let (kind, digits) = match spec.strip_prefix("pp").or_else(|| spec.strip_prefix('p')) {
        Some(rest) => (Kind::Preamble, rest),
        None if units.iter().any(|u| u.kind() == Kind::Operative) => (Kind::Operative, spec),
        None => (Kind::Paragraph, spec),
    };
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let count = units.iter().filter(|u| u.kind() == kind).count();
        let number: Option<u32> = digits.parse().ok();
        return match units
            .iter()
            .copied()
            .find(|u| u.kind() == kind && Some(u.number()) == number)
        {
            Some(u) => Ok(vec![u]),
            None => Err(Error::NoSuchUnit {
                document: document.to_owned(),
                what: format!("{} paragraph {digits} (it has {count})", kind.as_str()),
                units: names(units, language),
            }),
        };
    }
    let r = refs::parse_spec(spec).ok_or_else(|| Error::BadUnit {
        wanted: spec.to_owned(),
    })?;
    let exact: Vec<&T> = units
        .iter()
        .copied()
        .filter(|u| u.unit_ref() == r)
        .collect();
    if !exact.is_empty() {
        return Ok(exact);
    }
    let under: Vec<&T> = units
        .iter()
        .copied()
        .filter(|u| {
            let p = u.unit_ref();
            p.starts_with(&format!("{r}/"))
                || p.ends_with(&format!("/{r}"))
                || p.contains(&format!("/{r}/"))
        })
        .collect();
    if under.is_empty() {
        return Err(Error::NoSuchUnit {
            document: document.to_owned(),
            what: format!("unit {r}"),
            units: names(units, language),
        });
    }
    Ok(under)
}

/// How a unit is named when listing what a document has: `16`, `p8`, or the unit as
/// its language cites it (`art. IV`), or its ref.
pub fn short_name(unit: &impl Addressed, language: &str) -> String {
    match unit.kind() {
        Kind::Operative => unit.number().to_string(),
        Kind::Preamble => format!("p{}", unit.number()),
        Kind::Paragraph => refs::cited_label(unit.unit_ref(), unit.label(), language)
            .unwrap_or_else(|| unit.unit_ref().to_owned()),
    }
}

/// The distinct names of the units, in document order.
fn names<T: Addressed>(units: &[&T], language: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in units {
        let name = short_name(*u, language);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}
