//! How the index writer spends memory: its budget, and the merge policy that bounds
//! the largest merge (which sets a build's peak memory).

/// Memory for tantivy's indexing threads together. Taken only as documents arrive,
/// so a small update stays small. Measured on 2 cores: a 1 GB build runs as fast
/// with 128 MB as with 400 MB (the postings' hash tables miss the cache either way)
/// and peaked at 0.71 GB instead of 1.98 GB (with tantivy's merge policy; see
/// [`MERGE_UP_TO_DOCS`] for the peak now).
pub(super) const WRITER_MEMORY: usize = 128_000_000;

/// Merges run one at a time: the pages of the segments a merge reads stay mapped
/// until it ends, so merges side by side would hold theirs together.
pub(super) const MERGE_THREADS: usize = 1;

/// Segments are merged only when there are more than this many...
const MERGE_ABOVE_SEGMENTS: usize = 8;

/// ...the smallest few together, at most this many at once, each past
/// [`SMALL_SEGMENT`] paragraphs at most this many times the size of those before it
/// (the one-paragraph segment of a small update waits for others of its size rather
/// than rewrite a big one)...
const MERGE_AT_MOST: usize = 4;
const MERGE_SIZE_RATIO: u32 = 4;
const SMALL_SEGMENT: u32 = 10_000;

/// ...and never into a segment of more paragraphs than this (about 100 MB of
/// text): a merge maps the segments it reads, so the largest merge sets a build's
/// peak memory. Measured on 2 cores, a 1 GB build peaked at 721 MB with tantivy's
/// policy (8 segments of 58,000 paragraphs merged into one of 465,000, reading
/// 300 MB of segment files) and at 515 MB with this one (12 segments of 174,000);
/// a 100 MB build keeps its 4 segments unmerged, which a search visits in parallel.
const MERGE_UP_TO_DOCS: u32 = 200_000;

/// The merge policy above ([`MERGE_ABOVE_SEGMENTS`], [`MERGE_AT_MOST`],
/// [`MERGE_SIZE_RATIO`], [`SMALL_SEGMENT`], [`MERGE_UP_TO_DOCS`]).
#[derive(Debug)]
pub(super) struct BoundedMerges;

impl tantivy::indexer::MergePolicy for BoundedMerges {
    fn compute_merge_candidates(
        &self,
        segments: &[tantivy::index::SegmentMeta],
    ) -> Vec<tantivy::indexer::MergeCandidate> {
        if segments.len() <= MERGE_ABOVE_SEGMENTS {
            return Vec::new();
        }
        let mut by_size: Vec<&tantivy::index::SegmentMeta> = segments.iter().collect();
        by_size.sort_by_key(|s| s.num_docs());
        let mut chosen = Vec::new();
        let mut docs: u32 = 0;
        for segment in by_size {
            let total = docs.saturating_add(segment.num_docs());
            let outgrows = !chosen.is_empty()
                && segment.num_docs() > docs.saturating_mul(MERGE_SIZE_RATIO).max(SMALL_SEGMENT);
            if chosen.len() == MERGE_AT_MOST || total > MERGE_UP_TO_DOCS || outgrows {
                break;
            }
            docs = total;
            chosen.push(segment.id());
        }
        if chosen.len() < 2 {
            return Vec::new();
        }
        vec![tantivy::indexer::MergeCandidate(chosen)]
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Index;
    use tantivy::index::SegmentId;
    use tantivy::indexer::MergePolicy;

    use super::*;
    use crate::index::Fields;

    fn segments(sizes: &[u32]) -> Vec<tantivy::index::SegmentMeta> {
        let (schema, _) = Fields::schema();
        let index = Index::create_in_ram(schema);
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merged(sizes: &[u32]) -> Vec<Vec<u32>> {
        let metas = segments(sizes);
        BoundedMerges
            .compute_merge_candidates(&metas)
            .into_iter()
            .map(|c| {
                c.0.iter()
                    .map(|id| metas.iter().find(|m| m.id() == *id).unwrap().num_docs())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn merges_only_past_eight_segments_the_smallest_few_under_the_cap() {
        assert!(merged(&[58_000; 8]).is_empty(), "eight segments stay apart");
        assert_eq!(merged(&[58_000; 9]), [vec![58_000; 3]], "three fit the cap");
        assert_eq!(
            merged(&[
                174_000, 174_000, 174_000, 174_000, 174_000, 174_000, 174_000, 10, 20, 30, 40, 50
            ]),
            [vec![10, 20, 30, 40]],
            "the smallest, four at most"
        );
        assert!(
            merged(&[174_000; 12]).is_empty(),
            "no two segments that would pass the cap together"
        );
        let mut update = vec![174_000; 12];
        update.push(1);
        assert!(merged(&update).is_empty(), "a small update's segment waits");
        update.push(30);
        assert_eq!(merged(&update), [vec![1, 30]], "and joins other small ones");
        let mut build = vec![174_000; 11];
        build.extend([12_000, 2_000]);
        assert!(
            merged(&build).is_empty(),
            "a build's last flushes keep their size"
        );
    }
}
