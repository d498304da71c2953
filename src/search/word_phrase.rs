//! A Chinese term matched as a phrase of the exact field, read with fewer positions
//! or none wherever jieba made it words.
//!
//! A run of CJK characters is searched as a phrase of bigrams ([`exact_query_terms`]):
//! every paragraph where the bigrams stand together matches, whatever jieba made of
//! it. Checking the positions of every such paragraph is most of the time of a
//! common term (`外层空间` in half a million paragraphs). But where the words field
//! holds the term as a jieba word, the paragraph contains it: jieba cuts words out
//! of one run of CJK characters (a run ends at punctuation and at anything not CJK,
//! which take a position of their own, as in the exact field), and a word's
//! characters are that run's characters in a row. So a paragraph whose words hold
//! the term matches without a look at positions. A longer term (`和平利用外层空间委员会`)
//! is proved the same way by the words that make it up standing in a row in the
//! words field (three positions lists to read, not six). Only the other paragraphs
//! are checked the long way. The set of matches is exactly the phrase's.
//!
//! [`exact_query_terms`]: crate::analysis::exact_query_terms

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Paragraphs whose exact field holds `terms` at their offsets; `words`, terms of
/// the words field at their offsets, prove the match where a paragraph holds them.
#[derive(Clone, Debug)]
pub struct WordPhraseQuery {
    words: Vec<(u32, Term)>,
    terms: Vec<(u32, Term)>,
}

fn offsets(terms: Vec<(usize, Term)>) -> Vec<(u32, Term)> {
    terms
        .into_iter()
        .map(|(at, t)| (u32::try_from(at).unwrap_or(u32::MAX), t))
        .collect()
}

impl WordPhraseQuery {
    /// `terms`: the exact-field terms with their offsets in the phrase (at least two);
    /// `words`: words of the words field that make up the same characters, with
    /// their offsets (one word, or several in a row: `和平利用` `外层空间` `委员会`).
    pub fn new(words: Vec<(usize, Term)>, terms: Vec<(usize, Term)>) -> WordPhraseQuery {
        WordPhraseQuery {
            words: offsets(words),
            terms: offsets(terms),
        }
    }
}

impl Query for WordPhraseQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

impl Weight for WordPhraseQuery {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut terms = Vec::with_capacity(self.terms.len());
        for (offset, term) in &self.terms {
            let postings = reader
                .inverted_index(term.field())?
                .read_postings(term, IndexRecordOption::WithFreqsAndPositions)?;
            match postings {
                Some(p) => terms.push((*offset, p)),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        // The rarest term leads the intersection.
        terms.sort_by_key(|(_, p)| p.size_hint());
        // One word needs no positions; words in a row do.
        let record = if self.words.len() == 1 {
            IndexRecordOption::Basic
        } else {
            IndexRecordOption::WithFreqsAndPositions
        };
        let mut words = Vec::with_capacity(self.words.len());
        for (offset, term) in &self.words {
            match reader
                .inverted_index(term.field())?
                .read_postings(term, record)?
            {
                Some(p) => words.push((*offset, p)),
                None => {
                    words.clear();
                    break;
                }
            }
        }
        let mut scorer = WordPhraseScorer {
            terms,
            words,
            doc: 0,
            starts: Vec::new(),
            positions: Vec::new(),
        };
        let first = scorer.terms[0].1.doc();
        scorer.doc = scorer.next_match(first);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("WordPhraseQuery", 0.0))
    }
}

/// `postings` moved to its first paragraph from `target` on, which may be where it
/// already stands (a postings list never moves back).
fn seek_from(postings: &mut SegmentPostings, target: DocId) -> DocId {
    if postings.doc() >= target {
        postings.doc()
    } else {
        postings.seek(target)
    }
}

struct WordPhraseScorer {
    /// (offset in the phrase, postings), the rarest first.
    terms: Vec<(u32, SegmentPostings)>,
    /// The words that prove a match, empty when some paragraph of the segment
    /// lacks one of them.
    words: Vec<(u32, SegmentPostings)>,
    doc: DocId,
    starts: Vec<u32>,
    positions: Vec<u32>,
}

impl WordPhraseScorer {
    /// The first paragraph from `candidate` on (where the leading postings stand)
    /// that holds every term, in the phrase's order.
    fn next_match(&mut self, mut candidate: DocId) -> DocId {
        loop {
            candidate = self.align(candidate);
            if candidate == TERMINATED
                || self.holds_words(candidate)
                || in_a_row(&mut self.terms, &mut self.starts, &mut self.positions)
            {
                return candidate;
            }
            candidate = self.terms[0].1.advance();
        }
    }

    /// Moves every postings list to the first paragraph from `candidate` on that
    /// holds all the terms.
    fn align(&mut self, mut candidate: DocId) -> DocId {
        'outer: loop {
            if candidate == TERMINATED {
                return TERMINATED;
            }
            for (_, postings) in &mut self.terms {
                let at = seek_from(postings, candidate);
                if at != candidate {
                    candidate = seek_from(&mut self.terms[0].1, at);
                    continue 'outer;
                }
            }
            return candidate;
        }
    }

    fn holds_words(&mut self, doc: DocId) -> bool {
        if self.words.is_empty() {
            return false;
        }
        for (_, postings) in &mut self.words {
            if seek_from(postings, doc) != doc {
                return false;
            }
        }
        self.words.len() == 1 || in_a_row(&mut self.words, &mut self.starts, &mut self.positions)
    }
}

/// Whether `terms`, all standing on one paragraph, stand there at their offsets from
/// one common start (`starts` and `positions` are buffers).
fn in_a_row(
    terms: &mut [(u32, SegmentPostings)],
    starts: &mut Vec<u32>,
    positions: &mut Vec<u32>,
) -> bool {
    let (first, rest) = terms.split_first_mut().expect("one term or more");
    first.1.positions(starts);
    let offset = first.0;
    starts.retain_mut(|p| match p.checked_sub(offset) {
        Some(start) => {
            *p = start;
            true
        }
        None => false,
    });
    for (offset, postings) in rest {
        if starts.is_empty() {
            return false;
        }
        postings.positions(positions);
        let there = &*positions;
        let mut k = 0;
        starts.retain(|&start| {
            let want = start + *offset;
            while k < there.len() && there[k] < want {
                k += 1;
            }
            k < there.len() && there[k] == want
        });
    }
    !starts.is_empty()
}

impl DocSet for WordPhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let next = self.terms[0].1.advance();
        self.doc = self.next_match(next);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let next = seek_from(&mut self.terms[0].1, target);
        self.doc = self.next_match(next);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.terms[0].1.size_hint()
    }
}

impl Scorer for WordPhraseScorer {
    /// Matching only: the ranking comes from the query's scoring clauses.
    fn score(&mut self) -> Score {
        0.0
    }
}
