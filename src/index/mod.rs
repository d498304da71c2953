//! The index: schema, opening, and keeping it up to date with `data/`.
//!
//! One tantivy document per paragraph. The manifest of indexed files (path, size,
//! modification time, content hash) is written to its own file, named by its hash,
//! before the commit; tantivy's commit payload names that file and carries a
//! fingerprint of the (path, size, modification time) list. So the index and the
//! record of what it holds change together, atomically: a rebuild killed at any
//! moment leaves the last complete commit, which still opens and answers, and the
//! next update finishes the job. tantivy's writer lock keeps two updates from
//! running at once.
//!
//! A search only compares the data folder's fingerprint with the payload's: it never
//! reads the manifest, which at thousands of files would cost more than the search.
//!
//! The index lives in `INDEX/unspace-v{SCHEMA_VERSION}`: a program with a new schema
//! builds a fresh folder beside the old one and removes the old one only after its
//! first commit.
//!
//! One concern a file: `schema.rs` (the fields, the schema's version and folder, the
//! tantivy document of a paragraph), `merge.rs` (the writer's memory and merge
//! policy), `manifest.rs` (the record of what the index holds, the commit payload,
//! and whether `data/` changed), `library.rs` (an opened index: reading, searching,
//! damage, stored units) and `update.rs` (bringing the index up to date).

mod library;
mod manifest;
mod merge;
mod schema;
mod update;

pub use crate::data::DataFile;
pub use library::{DocumentHead, Library, Postings, Stored, StoredUnit, damaged};
pub use manifest::{
    FOLDER_CHECK_FROM, FileState, Manifest, Payload, data_changed, fingerprint,
    folders_say_unchanged, is_stale,
};
pub use schema::{Fields, SCHEMA_VERSION, unit_kinds, version_dir};
pub use update::{
    LEXICON_BYTES, Options, Progress, Quiet, Report, UpdateError, read_documents, update,
};

/// A tantivy error in words: the I/O error inside it with the file it concerns
/// (`…/abc.idx: No space left on device (os error 28)`), never a debug dump.
pub fn in_words(e: &tantivy::TantivyError) -> String {
    use tantivy::TantivyError as E;
    use tantivy::directory::error::{OpenReadError, OpenWriteError};
    match e {
        E::IoError(io) => io.to_string(),
        E::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            format!("{}: {io_error}", filepath.display())
        }
        E::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("{}: {io_error}", filepath.display())
        }
        E::OpenWriteError(other) => other.to_string(),
        E::OpenReadError(other) => other.to_string(),
        other => other.to_string(),
    }
}

/// An error of tantivy's while the index in `dir` was being written, in words.
pub(crate) fn write_failed(
    dir: &std::path::Path,
    what: &str,
    e: &tantivy::TantivyError,
) -> anyhow::Error {
    anyhow::anyhow!("{}: {what}: {}", dir.display(), in_words(e))
}
