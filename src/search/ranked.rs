//! A query whose matches are those of one query and whose score adds that of others
//! where they match too, each looked up on its own.
//!
//! tantivy's boolean query joins optional clauses into one union, which reads every
//! posting of every clause in each window of documents it passes over: a clause for
//! a common word (`de`, `space`) costs as much as the word has paragraphs, however
//! few the matches are. Here each scoring clause seeks straight to the next match
//! (its skip list), so a search costs by its matches, not by its commonest word.
//! The score is the same sum: the matching query's score plus that of each scoring
//! clause that matches the paragraph.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Paragraphs matching `matching`, scored by it and by each of `scoring` that
/// matches them.
#[derive(Debug)]
pub struct RankedQuery {
    matching: Box<dyn Query>,
    scoring: Vec<Box<dyn Query>>,
}

impl Clone for RankedQuery {
    fn clone(&self) -> RankedQuery {
        RankedQuery {
            matching: self.matching.box_clone(),
            scoring: self.scoring.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl RankedQuery {
    pub fn new(matching: Box<dyn Query>, scoring: Vec<Box<dyn Query>>) -> RankedQuery {
        RankedQuery { matching, scoring }
    }
}

impl Query for RankedQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let matching = self.matching.weight(enable_scoring)?;
        // Without scores (a count, a set of matches) the scoring clauses are not read.
        let scoring = if enable_scoring.is_scoring_enabled() {
            self.scoring
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(RankedWeight { matching, scoring }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.matching.query_terms(visitor);
        for q in &self.scoring {
            q.query_terms(visitor);
        }
    }
}

struct RankedWeight {
    matching: Box<dyn Weight>,
    scoring: Vec<Box<dyn Weight>>,
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let matching = self.matching.scorer(reader, boost)?;
        let mut scoring = Vec::with_capacity(self.scoring.len());
        for weight in &self.scoring {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != tantivy::TERMINATED {
                scoring.push(scorer);
            }
        }
        Ok(Box::new(RankedScorer { matching, scoring }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = self.matching.explain(reader, doc)?;
        for weight in &self.scoring {
            if let Ok(part) = weight.explain(reader, doc) {
                explanation.add_detail(part);
            }
        }
        Ok(explanation)
    }
}

struct RankedScorer {
    matching: Box<dyn Scorer>,
    scoring: Vec<Box<dyn Scorer>>,
}

impl DocSet for RankedScorer {
    fn advance(&mut self) -> DocId {
        self.matching.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.matching.seek(target)
    }

    fn doc(&self) -> DocId {
        self.matching.doc()
    }

    fn size_hint(&self) -> u32 {
        self.matching.size_hint()
    }
}

impl Scorer for RankedScorer {
    fn score(&mut self) -> Score {
        let doc = self.matching.doc();
        self.matching.score() + score_at(&mut self.scoring, doc)
    }
}

/// The sum of the scores of `scorers` that match `doc`, each moved to it (or past
/// it) with its own seek; calls come in increasing `doc` order.
pub fn score_at(scorers: &mut [Box<dyn Scorer>], doc: DocId) -> Score {
    let mut score = 0.0;
    for scorer in scorers {
        if scorer.doc() < doc {
            scorer.seek(doc);
        }
        if scorer.doc() == doc {
            score += scorer.score();
        }
    }
    score
}
