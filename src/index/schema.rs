//! The index's schema: the handles of its fields, its version (and the folder named
//! by it), and the tantivy document of one paragraph.

use std::path::{Path, PathBuf};

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{self, GRAMS, WORDS};
use crate::document::{Document, DocumentKind, Footnote, Paragraph};

use super::DocumentHead;

/// Bumped whenever the schema or the analyzers change: an older index is rebuilt.
pub const SCHEMA_VERSION: u32 = 8;

/// The folder of the index of this program's schema inside `root`.
pub fn version_dir(root: &Path) -> PathBuf {
    root.join(format!("unspace-v{SCHEMA_VERSION}"))
}

/// Handles of every field, built once with the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub source: Field,
    pub symbol: Field,
    pub language: Field,
    pub kind: Field,
    pub number: Field,
    /// The unit's ref (`article:4`), its printed heading and label.
    pub r#ref: Field,
    pub heading: Field,
    pub label: Field,
    pub year: Field,
    pub ordinal: Field,
    pub title: Field,
    pub date: Field,
    pub text: Field,
    pub notes: Field,
    /// The footnote numbers the unit cites, in order of citation.
    pub cites: Field,
    /// What kinds of unit the unit is, for the kind filter ([`unit_kinds`]).
    pub unit_kinds: Field,
    /// On a document's first unit only: what the document holds beyond its units
    /// ([`DocumentHead`], JSON), so that `show` answers from the index alone.
    pub head: Field,
    pub body_exact: Field,
    pub body_words: Field,
    pub notes_exact: Field,
    pub notes_words: Field,
}

impl Fields {
    /// Builds the schema and the handles of its fields.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let positions = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let fields = Fields {
            source: b.add_text_field("source", STRING | STORED),
            symbol: b.add_text_field("symbol", STRING | STORED),
            language: b.add_text_field("language", STRING | STORED),
            kind: b.add_text_field("kind", STRING | STORED),
            number: b.add_u64_field("number", STORED),
            r#ref: b.add_text_field("ref", STRING | STORED),
            heading: b.add_text_field("heading", STORED),
            label: b.add_text_field("label", STORED),
            year: b.add_u64_field("year", INDEXED | STORED | FAST),
            ordinal: b.add_u64_field("ordinal", STORED),
            title: b.add_text_field("title", STORED),
            date: b.add_text_field("date", STORED),
            text: b.add_text_field("text", STORED),
            notes: b.add_text_field("notes", STORED),
            cites: b.add_u64_field("cites", STORED),
            unit_kinds: b.add_text_field("unit_kinds", STRING),
            head: b.add_text_field("head", STORED),
            body_exact: b.add_text_field("body_exact", positions(GRAMS)),
            body_words: b.add_text_field("body_words", positions(WORDS)),
            notes_exact: b.add_text_field("notes_exact", positions(GRAMS)),
            notes_words: b.add_text_field("notes_words", positions(WORDS)),
        };
        (b.build(), fields)
    }
}

/// The tantivy document of one paragraph.
pub(super) fn paragraph_document(
    fields: &Fields,
    doc: &Document,
    paragraph: &Paragraph,
    ordinal: usize,
    source: &str,
) -> TantivyDocument {
    let notes: Vec<&Footnote> = paragraph
        .footnotes
        .iter()
        .filter_map(|n| doc.footnote(*n))
        .collect();
    let notes_text = notes
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut d = TantivyDocument::default();
    d.add_text(fields.source, source);
    d.add_text(fields.symbol, &doc.symbol);
    d.add_text(fields.language, &doc.language);
    d.add_text(fields.kind, paragraph.kind.as_str());
    d.add_u64(fields.number, u64::from(paragraph.number));
    d.add_u64(fields.year, u64::from(doc.year().unwrap_or(0)));
    d.add_u64(fields.ordinal, ordinal as u64);
    d.add_text(fields.title, &doc.title);
    d.add_text(fields.date, doc.date.as_deref().unwrap_or(""));
    d.add_text(fields.text, &paragraph.text);
    d.add_text(
        fields.notes,
        serde_json::to_string(&notes).expect("footnotes serialise"),
    );
    for cited in &paragraph.footnotes {
        d.add_u64(fields.cites, u64::from(*cited));
    }
    for kind in unit_kinds(doc, paragraph) {
        d.add_text(fields.unit_kinds, kind);
    }
    if ordinal == 0 {
        let head = DocumentHead {
            kind: doc.kind,
            meeting: doc.meeting.clone(),
            source: doc.source.clone(),
            footnotes: doc.footnotes.clone(),
            title_footnotes: doc.title_footnotes.clone(),
        };
        d.add_text(
            fields.head,
            serde_json::to_string(&head).expect("a document head serialises"),
        );
    }
    d.add_text(fields.r#ref, &paragraph.r#ref);
    d.add_text(fields.heading, paragraph.heading.as_deref().unwrap_or(""));
    d.add_text(fields.label, paragraph.label.as_deref().unwrap_or(""));
    d.add_text(fields.body_exact, &paragraph.text);
    d.add_text(fields.notes_exact, &notes_text);
    d.add_text(
        fields.body_words,
        analysis::words_value(&doc.language, &paragraph.text),
    );
    // A unit's heading is found like its text (a second value of the same fields).
    if let Some(heading) = &paragraph.heading {
        d.add_text(fields.body_exact, heading);
        d.add_text(
            fields.body_words,
            analysis::words_value(&doc.language, heading),
        );
    }
    d.add_text(
        fields.notes_words,
        analysis::words_value(&doc.language, &notes_text),
    );
    d
}

/// The kinds of unit a paragraph is, as the kind filter names them: its role
/// (`preamble`, `operative`, `paragraph`) and each kind its ref names (`article`,
/// `principle`, `guideline`, `section`, `annex`, `part`); a numbered paragraph of a
/// declaration proclaimed in an operative paragraph is a `principle`, as its
/// citation says.
pub fn unit_kinds<'a>(doc: &Document, paragraph: &'a Paragraph) -> Vec<&'a str> {
    let mut kinds = vec![paragraph.kind.as_str()];
    let segments: Vec<&str> = paragraph
        .r#ref
        .split('/')
        .map(|s| s.split_once(':').map_or(s, |(k, _)| k))
        .collect();
    for (i, kind) in segments.iter().enumerate() {
        let kind = match *kind {
            "para"
                if i > 0
                    && segments[i - 1] == "operative"
                    && doc.kind == DocumentKind::Declaration =>
            {
                "principle"
            }
            "para" | "operative" | "preamble" => continue,
            other => other,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}
