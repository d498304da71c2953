//! The query language: terms separated by white space must all appear; `"quoted
//! phrases"` (the words exactly as typed, no inflections); `OR` between two terms
//! accepts either; `-term` or `NOT term` excludes.
//! A term (quoted or not) matches as a contiguous run of units, so a run of Chinese
//! characters is never matched as loose words.

use std::fmt;

use crate::analysis::{Atom, units};

/// One term: what the user wrote and its matching units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub units: Vec<Atom>,
    /// Written in quotes: the words exactly as typed (folded for case and width
    /// only), never their inflections.
    pub exact: bool,
    /// Written with a `*` after its last word (`debri*`): that word matches every
    /// word it begins, as written (no inflections).
    pub prefix: bool,
}

impl Term {
    /// True when the term has Chinese characters: it then matches exactly, never
    /// through stems.
    pub fn has_cjk(&self) -> bool {
        self.units.iter().any(|u| u.cjk)
    }
}

/// A parsed query: every group must match (a group is an OR of terms), no excluded
/// term may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub groups: Vec<Vec<Term>>,
    pub excluded: Vec<Term>,
}

impl Query {
    /// The terms that must or may match, for highlighting.
    pub fn positive_terms(&self) -> impl Iterator<Item = &Term> {
        self.groups.iter().flatten()
    }
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub query: String,
    pub reason: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "query `{}`: {}", self.query, self.reason)
    }
}

impl std::error::Error for QueryError {}

#[derive(Debug)]
enum Item {
    Term {
        text: String,
        negated: bool,
        quoted: bool,
    },
    Or,
}

/// The longest query, in characters: a passage of a paragraph's length.
pub const MAX_QUERY_CHARS: usize = 2_000;
/// The most distinct terms a query may hold.
pub const MAX_TERMS: usize = 64;

/// Parses a query string. A term repeated (`space space`) counts once; a query
/// longer than [`MAX_QUERY_CHARS`] or with more than [`MAX_TERMS`] distinct terms is
/// an error that says so.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars = input.chars().count();
    let shown: String = input.chars().take(60).collect();
    let fail = |reason: String| QueryError {
        query: if chars > 60 {
            format!("{shown}…")
        } else {
            input.to_owned()
        },
        reason,
    };
    if chars > MAX_QUERY_CHARS {
        return Err(fail(format!(
            "is {chars} characters long; a query may have at most {MAX_QUERY_CHARS}"
        )));
    }
    let items = lex(input).map_err(fail)?;
    let mut groups: Vec<Vec<Term>> = Vec::new();
    let mut excluded = Vec::new();
    let mut pending_or = false;
    for (k, item) in items.iter().enumerate() {
        match item {
            Item::Or => {
                let after_positive =
                    matches!(items.get(k + 1), Some(Item::Term { negated: false, .. }));
                if groups.is_empty()
                    || pending_or
                    || !after_positive
                    || matches!(
                        items.get(k.wrapping_sub(1)),
                        Some(Item::Term { negated: true, .. })
                    )
                {
                    return Err(fail("OR needs a term to search for on each side".into()));
                }
                pending_or = true;
            }
            Item::Term {
                text,
                negated,
                quoted,
            } => {
                let (text, prefix) = starred(text, *quoted).map_err(fail)?;
                let units = units(&simplified(&text));
                if units.is_empty() {
                    return Err(fail(format!(
                        "`{text}` has no letters, digits or characters to search for"
                    )));
                }
                // A run of Chinese characters matches anywhere already: its `*` adds
                // nothing.
                let prefix = prefix && units.last().is_some_and(|u| !u.cjk);
                if prefix && units.last().is_some_and(|u| u.norm.chars().count() < 2) {
                    return Err(fail("give at least two letters before `*`".to_owned()));
                }
                let term = Term {
                    text,
                    units,
                    exact: *quoted,
                    prefix,
                };
                if *negated {
                    excluded.push(term);
                } else if pending_or {
                    groups.last_mut().expect("OR follows a term").push(term);
                    pending_or = false;
                } else {
                    groups.push(vec![term]);
                }
            }
        }
    }
    if groups.is_empty() {
        return Err(fail(
            "nothing to search for: give at least one term that is not excluded".into(),
        ));
    }
    // The same term twice asks nothing more.
    let mut seen_groups: Vec<Vec<(Vec<Atom>, bool)>> = Vec::new();
    groups.retain(|g| {
        let key: Vec<(Vec<Atom>, bool)> = g.iter().map(|t| (t.units.clone(), t.exact)).collect();
        let new = !seen_groups.contains(&key);
        if new {
            seen_groups.push(key);
        }
        new
    });
    let mut seen_excluded: Vec<(Vec<Atom>, bool)> = Vec::new();
    excluded.retain(|t| {
        let key = (t.units.clone(), t.exact);
        let new = !seen_excluded.contains(&key);
        if new {
            seen_excluded.push(key);
        }
        new
    });
    let terms = groups.iter().map(Vec::len).sum::<usize>() + excluded.len();
    if terms > MAX_TERMS {
        return Err(fail(format!(
            "has {terms} different terms; a query may have at most {MAX_TERMS}"
        )));
    }
    Ok(Query { groups, excluded })
}

/// A term without its closing `*`, and whether it had one. A `*` anywhere else
/// (`*bris`, `de*ris`) is an error that says where it may go; inside quotes it is
/// punctuation, as every symbol is.
fn starred(text: &str, quoted: bool) -> Result<(String, bool), String> {
    if quoted || !text.contains('*') {
        return Ok((text.to_owned(), false));
    }
    match text.strip_suffix('*') {
        Some(stem) if !stem.contains('*') && !stem.is_empty() => Ok((stem.to_owned(), true)),
        _ => Err("`*` may only end a word, to find the words it begins (`debri*`)".to_owned()),
    }
}

/// Chinese in traditional characters, converted to the simplified characters UN
/// texts are printed in (`空間碎片` → `空间碎片`), phrase by phrase with OpenCC's
/// dictionaries; any other text as it is. The converter loads in well under a
/// millisecond and only for a query with Chinese in it.
fn simplified(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(crate::analysis::is_cjk) {
        return std::borrow::Cow::Borrowed(text);
    }
    match ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s) {
        Ok(converter) => std::borrow::Cow::Owned(converter.convert(text)),
        Err(_) => std::borrow::Cow::Borrowed(text),
    }
}

fn lex(input: &str) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut chars = input.chars().peekable();
    let mut negated = false;
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' || c == '“' {
            chars.next();
            let mut phrase = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' || c == '”' {
                    closed = true;
                    break;
                }
                phrase.push(c);
            }
            if !closed {
                return Err("unclosed quote: a phrase opened with \" needs a closing \"".into());
            }
            items.push(Item::Term {
                text: phrase,
                negated,
                quoted: true,
            });
            negated = false;
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' || c == '“' {
                break;
            }
            word.push(c);
            chars.next();
        }
        if word == "OR" {
            if negated {
                return Err("OR cannot be excluded".into());
            }
            items.push(Item::Or);
        } else if word == "NOT" {
            negated = true;
        } else if let Some(rest) = word.strip_prefix('-').filter(|r| !r.is_empty()) {
            items.push(Item::Term {
                text: rest.to_owned(),
                negated: true,
                quoted: false,
            });
            negated = false;
        } else if word == "-" {
            negated = true;
        } else {
            items.push(Item::Term {
                text: word,
                negated,
                quoted: false,
            });
            negated = false;
        }
    }
    if negated {
        return Err("NOT or - at the end needs a term to exclude".into());
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &Query) -> (Vec<Vec<&str>>, Vec<&str>) {
        (
            q.groups
                .iter()
                .map(|g| g.iter().map(|t| t.text.as_str()).collect())
                .collect(),
            q.excluded.iter().map(|t| t.text.as_str()).collect(),
        )
    }

    #[test]
    fn traditional_characters_are_searched_as_simplified() {
        let q = parse("空間碎片 聯合國").unwrap();
        let norms: Vec<String> = q.groups[1]
            .iter()
            .flat_map(|t| t.units.iter().map(|u| u.norm.clone()))
            .collect();
        assert_eq!(norms.concat(), "联合国");
        assert_eq!(q.groups[0][0].text, "空間碎片", "shown as typed");
        assert_eq!(parse("空间碎片").unwrap().groups[0][0].units.len(), 4);
    }

    #[test]
    fn parses_the_query_language() {
        let q = parse(r#"空间碎片 "space debris" OR 近地天体 -军备 NOT impact"#).unwrap();
        assert_eq!(
            texts(&q),
            (
                vec![vec!["空间碎片"], vec!["space debris", "近地天体"]],
                vec!["军备", "impact"]
            )
        );
        let q = parse("2015-2030 A/AC.105/1240").unwrap();
        assert_eq!(texts(&q).0, vec![vec!["2015-2030"], vec!["A/AC.105/1240"]]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            r#""space debris"#,
            "OR debris",
            "debris OR",
            "-debris",
            "，",
            "a OR OR b",
            "debris NOT",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.query, bad);
            assert!(!err.reason.is_empty());
        }
        assert!(
            parse(r#""space debris"#)
                .unwrap_err()
                .reason
                .contains("unclosed quote")
        );
    }
}
