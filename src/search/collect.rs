//! The collector of every matching paragraph, one bit per document of each segment:
//! a search's counts and tiers are set operations over its [`Matches`].

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Every matching paragraph, one bit per document of each segment: a search's
/// counts and tiers are set operations over these.
#[derive(Debug, Default, Clone)]
pub(super) struct Matches {
    /// Indexed by segment ordinal.
    segments: Vec<Vec<u64>>,
}

impl Matches {
    pub(super) fn contains(&self, d: DocAddress) -> bool {
        let doc = d.doc_id as usize;
        self.segments
            .get(d.segment_ord as usize)
            .and_then(|bits| bits.get(doc / 64))
            .is_some_and(|word| word >> (doc % 64) & 1 == 1)
    }

    pub(super) fn len(&self) -> usize {
        self.segments
            .iter()
            .flatten()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many paragraphs are in both `self` and `other`.
    pub(super) fn count_within(&self, other: &Matches) -> usize {
        self.segments
            .iter()
            .zip(&other.segments)
            .flat_map(|(mine, theirs)| mine.iter().zip(theirs))
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Takes out every paragraph of `other`.
    pub(super) fn remove(&mut self, other: &Matches) {
        for (mine, theirs) in self.segments.iter_mut().zip(&other.segments) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a &= !b;
            }
        }
    }
}

/// Collects [`Matches`].
pub(super) struct AllMatches;

pub(super) struct SegmentMatches {
    ordinal: SegmentOrdinal,
    bits: Vec<u64>,
}

impl Collector for AllMatches {
    type Fruit = Matches;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            ordinal,
            bits: vec![0; (segment.max_doc() as usize).div_ceil(64)],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(SegmentOrdinal, Vec<u64>)>) -> tantivy::Result<Matches> {
        let mut segments =
            vec![Vec::new(); fruits.iter().map(|f| f.0 as usize + 1).max().unwrap_or(0)];
        for (ordinal, bits) in fruits {
            segments[ordinal as usize] = bits;
        }
        Ok(Matches { segments })
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (SegmentOrdinal, Vec<u64>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.bits[doc as usize / 64] |= 1 << (doc % 64);
    }

    fn harvest(self) -> Self::Fruit {
        (self.ordinal, self.bits)
    }
}
