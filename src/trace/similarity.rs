//! The comparison of two texts, token by token (words case-folded, punctuation
//! apart, Chinese by character): their similarity, how much of the shorter the longer
//! carries, and the diff between them. Pure: no index access.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use similar::{Algorithm, DiffTag};

/// The least similarity (Dice ratio of shared tokens, 0–1) for a paragraph to carry
/// "nearly the same wording": a paragraph keeps at least two thirds of its tokens
/// in order. Below it, two resolution paragraphs share formulas but not a text.
pub const THRESHOLD: f32 = 0.66;
/// The least share of the shorter text that the longer one must carry, in order,
/// for a paragraph that quotes another (or is quoted) to count when the two are
/// not similar as wholes.
pub const CONTAINED: f32 = 0.85;
/// Words the shorter text needs for [`CONTAINED`] to apply (two Chinese characters
/// count one word):
/// a short formula ("Endorses the report of the Committee") is inside too many
/// paragraphs to say where wording came from.
pub const MIN_QUOTE: usize = 25;

/// What a diff op does to the traced text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Insert,
    Delete,
}

/// One piece of a diff: text both have, text only the new one has (`insert`), text
/// only the old one has (`delete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub op: Op,
    pub text: String,
}

/// Two texts compared: their similarity and the diff from the first to the second.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// 2·common tokens / (tokens of a + tokens of b), white space not counted.
    pub score: f32,
    pub diff: Vec<Piece>,
    /// Tokens changed: per change, the larger of what went and what came.
    pub changed: usize,
    /// Common tokens / tokens of the shorter text: how much of the shorter text the
    /// longer one carries, in order (a principle repeated inside a treaty article).
    pub contained: f32,
    /// Words of the shorter text, two Chinese characters counting one.
    pub shorter: usize,
}

impl Comparison {
    /// True when the second text carries the first's wording: similar as a whole
    /// ([`THRESHOLD`]), or one of them, long enough to be a text of its own, nearly
    /// whole inside the other ([`CONTAINED`], [`MIN_QUOTE`]).
    pub fn carries(&self) -> bool {
        self.score >= THRESHOLD || (self.contained >= CONTAINED && self.shorter >= MIN_QUOTE)
    }
}

/// What a token of a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    /// A word (a run of letters and digits, with the hyphens and apostrophes inside
    /// it) or one CJK character: what similarity and changes count.
    Word,
    /// One punctuation mark or other symbol: shown in diffs, not counted.
    Mark,
    /// A run of white space: its key is one space, so layout never counts as change.
    Space,
}

/// A token of a text with its comparison key (case-folded).
struct Token<'a> {
    text: &'a str,
    key: Cow<'a, str>,
    kind: TokenKind,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
    let word_char = |c: char| c.is_alphanumeric() && !crate::analysis::is_cjk(c);
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        let mut next = k + 1;
        let kind = if crate::analysis::is_cjk(c) {
            TokenKind::Word
        } else if c.is_whitespace() {
            while next < chars.len() && chars[next].1.is_whitespace() {
                next += 1;
            }
            TokenKind::Space
        } else if word_char(c) {
            // Letters and digits, joined by single hyphens and apostrophes.
            loop {
                match chars.get(next) {
                    Some(&(_, d)) if word_char(d) => next += 1,
                    Some(&(_, '-' | '\'' | '’'))
                        if chars.get(next + 1).is_some_and(|&(_, d)| word_char(d)) =>
                    {
                        next += 2
                    }
                    _ => break,
                }
            }
            TokenKind::Word
        } else {
            TokenKind::Mark
        };
        let piece = &text[start..end_of(next)];
        out.push(Token {
            text: piece,
            key: if kind == TokenKind::Space {
                Cow::Borrowed(" ")
            } else if piece.chars().any(char::is_uppercase) {
                Cow::Owned(piece.to_lowercase())
            } else {
                Cow::Borrowed(piece)
            },
            kind,
        });
        k = next;
    }
    out
}

/// Words of a text, two CJK characters counting one (a Chinese word is about two
/// characters).
fn weight(tokens: &[Token]) -> usize {
    let (mut words, mut cjk) = (0, 0);
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
        if t.text.chars().next().is_some_and(crate::analysis::is_cjk) {
            cjk += 1;
        } else {
            words += 1;
        }
    }
    words + cjk / 2
}

/// Compares `old` with `new` (the traced text with another, or a history step with
/// the next): word by word, case-folded, Chinese character by character.
pub fn compare(old: &str, new: &str) -> Comparison {
    compare_screened(old, new, false)
}

/// [`compare`]; with `screen`, a pair whose shared words cannot make it
/// [`Comparison::carries`] gets only its bounds as scores and the whole texts as its
/// diff (no diff is computed).
pub(super) fn compare_screened(old: &str, new: &str, screen: bool) -> Comparison {
    // Agreed language is mostly carried unchanged.
    if old == new {
        return Comparison {
            score: 1.0,
            diff: vec![Piece {
                op: Op::Equal,
                text: new.to_owned(),
            }]
            .into_iter()
            .filter(|p| !p.text.is_empty())
            .collect(),
            changed: 0,
            contained: 1.0,
            shorter: weight(&tokens(new)),
        };
    }
    let a = tokens(old);
    let b = tokens(new);
    let words = |t: &[Token]| t.iter().filter(|t| t.kind == TokenKind::Word).count();
    let (na, nb) = (words(&a), words(&b));
    if na + nb == 0 {
        return Comparison {
            score: 1.0,
            diff: Vec::new(),
            changed: 0,
            contained: 1.0,
            shorter: 0,
        };
    }
    let share = |common: usize| common as f32 / na.min(nb).max(1) as f32;
    let shorter = weight(&a).min(weight(&b));
    // Shared tokens as multisets bound the common sequence: most candidates stop here.
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in a.iter().filter(|t| t.kind == TokenKind::Word) {
        *counts.entry(t.key.as_ref()).or_default() += 1;
    }
    let mut shared = 0;
    for t in b.iter().filter(|t| t.kind == TokenKind::Word) {
        if let Some(c) = counts.get_mut(t.key.as_ref())
            && *c > 0
        {
            *c -= 1;
            shared += 1;
        }
    }
    let bound = Comparison {
        score: 2.0 * shared as f32 / (na + nb) as f32,
        diff: Vec::new(),
        changed: 0,
        contained: share(shared),
        shorter,
    };
    if screen && !bound.carries() {
        return Comparison {
            score: bound.score,
            contained: bound.contained,
            shorter,
            diff: vec![
                Piece {
                    op: Op::Delete,
                    text: old.to_owned(),
                },
                Piece {
                    op: Op::Insert,
                    text: new.to_owned(),
                },
            ],
            changed: na.max(nb),
        };
    }
    let ka: Vec<&str> = a.iter().map(|t| t.key.as_ref()).collect();
    let kb: Vec<&str> = b.iter().map(|t| t.key.as_ref()).collect();
    // No deadline, so that a score never depends on the machine's speed: Myers with
    // its heuristics bounds the work on a difficult pair by itself.
    let ops = similar::capture_diff_slices(Algorithm::Myers, &ka, &kb);
    let mut diff: Vec<Piece> = Vec::new();
    let mut push = |op: Op, text: String| {
        if text.is_empty() {
            return;
        }
        match diff.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => diff.push(Piece { op, text }),
        }
    };
    let (mut common, mut changed) = (0, 0);
    let join = |t: &[Token]| t.iter().map(|t| t.text).collect::<String>();
    for op in &ops {
        let (tag, ra, rb) = op.as_tag_tuple();
        let (wa, wb) = (words(&a[ra.clone()]), words(&b[rb.clone()]));
        match tag {
            DiffTag::Equal => {
                common += wb;
                push(Op::Equal, join(&b[rb]));
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                // A change of white space alone is no change of wording; one of
                // punctuation alone counts as one change.
                let layout = |t: &[Token]| t.iter().all(|t| t.kind == TokenKind::Space);
                if layout(&a[ra.clone()]) && layout(&b[rb.clone()]) {
                    push(Op::Equal, join(&b[rb]));
                    continue;
                }
                changed += wa.max(wb).max(1);
                push(Op::Delete, join(&a[ra]));
                push(Op::Insert, join(&b[rb]));
            }
        }
    }
    Comparison {
        score: 2.0 * common as f32 / (na + nb) as f32,
        diff,
        changed,
        contained: share(common),
        shorter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuilt(diff: &[Piece], op: Op) -> String {
        diff.iter()
            .filter(|p| p.op == Op::Equal || p.op == op)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn a_diff_rebuilds_both_texts() {
        let old = "data on space debris, also considers that, to the extent possible,";
        let new = "data on space  debris, considers that, to the Extent possible, thereon";
        let c = compare(old, new);
        let words = |s: &str| {
            s.to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&rebuilt(&c.diff, Op::Delete)), words(old));
        assert_eq!(rebuilt(&c.diff, Op::Insert), new);
        assert_eq!(c.changed, 2, "{:?}", c.diff);
    }

    #[test]
    fn identical_texts_score_one_and_change_nothing() {
        let c = compare("认为会员国必须更加关注", "认为会员国必须更加关注");
        assert_eq!(c.score, 1.0);
        assert_eq!(c.changed, 0);
        assert!(c.diff.iter().all(|p| p.op == Op::Equal));
    }

    #[test]
    fn chinese_is_compared_by_character() {
        let c = compare("并认为应尽可能", "并还认为应尽可能");
        assert_eq!(c.changed, 1);
        assert_eq!(
            c.diff
                .iter()
                .find(|p| p.op == Op::Insert)
                .map(|p| p.text.as_str()),
            Some("还")
        );
    }

    #[test]
    fn a_short_formula_inside_a_paragraph_is_not_a_quote() {
        let formula = "Endorses the report of the Committee on its session;";
        let c = compare(
            formula,
            "Endorses the report of the Committee on its session; decides also that the Committee shall review its working methods and report on them to the Assembly at its next session under the item on space.",
        );
        assert!(c.contained > 0.99 && c.score < THRESHOLD);
        assert!(!c.carries());
    }

    #[test]
    fn unrelated_texts_fall_below_the_threshold() {
        let c = compare(
            "Declares 20 July International Moon Day",
            "Urges all Member States to contribute actively",
        );
        assert!(c.score < THRESHOLD);
    }
}
