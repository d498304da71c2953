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

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use crate::analysis::{self, GRAMS, WORDS};
pub use crate::data::DataFile;
use crate::data::{self, ReadError};
use crate::document::{Document, Footnote, Paragraph};
use crate::parse;

/// Memory for tantivy's indexing threads together. Taken only as documents arrive,
/// so a small update stays small. Measured on 2 cores: a 1 GB build runs as fast
/// with 128 MB as with 400 MB (the postings' hash tables miss the cache either way)
/// and peaked at 0.71 GB instead of 1.98 GB (with tantivy's merge policy; see
/// [`MERGE_UP_TO_DOCS`] for the peak now).
const WRITER_MEMORY: usize = 128_000_000;

/// Merges run one at a time: the pages of the segments a merge reads stay mapped
/// until it ends, so merges side by side would hold theirs together.
const MERGE_THREADS: usize = 1;

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
struct BoundedMerges;

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

/// At most this many threads search one index at a time.
const SEARCH_THREADS: usize = 16;

/// From this many paragraphs on, an index of several segments is searched on
/// several threads (below it a search takes a millisecond or two on one).
const PARALLEL_SEARCH_FROM: u64 = 50_000;

/// Bumped whenever the schema or the analyzers change: an older index is rebuilt.
pub const SCHEMA_VERSION: u32 = 5;

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
            head: b.add_text_field("head", STORED),
            body_exact: b.add_text_field("body_exact", positions(GRAMS)),
            body_words: b.add_text_field("body_words", positions(WORDS)),
            notes_exact: b.add_text_field("notes_exact", positions(GRAMS)),
            notes_words: b.add_text_field("notes_words", positions(WORDS)),
        };
        (b.build(), fields)
    }
}

/// What the index holds of one file of `data/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: u64,
    /// Hash of the content whose paragraphs the index holds; empty when none.
    pub hash: String,
    /// Why the file in this state (size, modification time) could not be indexed:
    /// remembered so that searches neither re-read it nor repeat the message until
    /// the file changes. The paragraphs of an earlier good state stay indexed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The document's symbol and language, to notice two files of one document.
    #[serde(default)]
    pub symbol: String,
    #[serde(default)]
    pub language: String,
}

/// Which files, in which state, the index holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub files: BTreeMap<String, FileState>,
}

/// The commit payload: small, because tantivy's meta.json, which carries it, is read
/// by every search.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Payload {
    pub version: u32,
    /// [`fingerprint`] of the manifest's files.
    pub fingerprint: String,
    /// The manifest's file in the index folder (`manifest-<hash>.json`).
    pub manifest: String,
    /// The data folder's folders and their modification times when listed: while
    /// they are unchanged a search needs no `stat` of any file ([`data_changed`]).
    #[serde(default)]
    pub folders: Vec<(String, u64)>,
    /// How many files the manifest records.
    #[serde(default)]
    pub files: usize,
}

/// From this many documents on, a search checks the data folder's folders rather
/// than every file (see [`data_changed`]).
pub const FOLDER_CHECK_FROM: usize = 1000;

/// An opened index with its fields.
pub struct Library {
    /// The folder of this schema's index.
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub payload: Payload,
    /// The one reader of this commit, made on the first search and shared by every
    /// search after it (threads included).
    reader: std::sync::OnceLock<tantivy::IndexReader>,
}

/// The folder of the index of this program's schema inside `root`.
pub fn version_dir(root: &Path) -> PathBuf {
    root.join(format!("unspace-v{SCHEMA_VERSION}"))
}

impl Library {
    /// Opens the index under `root`, if one of this schema has been committed there.
    pub fn open(root: &Path) -> Result<Option<Library>> {
        let dir = version_dir(root);
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let directory = ReadOnlyTolerant(
            MmapDirectory::open(&dir).map_err(|e| unreadable(&dir, &TantivyError::from(e)))?,
        );
        let index = Index::open(directory).map_err(|e| unreadable(&dir, &e))?;
        analysis::register(&index);
        let (_, fields) = Fields::schema();
        let payload = read_payload(&index).map_err(|e| damaged(&dir, &format!("{e:#}")))?;
        if payload.version != SCHEMA_VERSION {
            return Ok(None);
        }
        Ok(Some(Library {
            dir,
            index,
            fields,
            payload,
            reader: std::sync::OnceLock::new(),
        }))
    }
}

/// The index folder as searches see it: when the folder may be read but not written
/// (another user's index, a read-only mount), the locks a reader takes to load the
/// index's metadata consistently are skipped — metadata is replaced by atomic
/// renames, and whoever could write there would take the writer's lock. Updates
/// never use this.
#[derive(Debug, Clone)]
struct ReadOnlyTolerant(MmapDirectory);

impl Directory for ReadOnlyTolerant {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}

/// A paragraph's stored fields, as read back from the index (see [`StoredUnit`]).
pub struct Stored(TantivyDocument);

impl Stored {
    /// Reads the paragraph at `address`.
    pub fn read(searcher: &tantivy::Searcher, address: tantivy::DocAddress) -> Result<Stored> {
        searcher
            .doc(address)
            .map(Stored)
            .context("could not read a paragraph from the index")
    }

    /// A text field, empty when absent.
    pub fn text(&self, field: Field) -> String {
        use tantivy::schema::Value;
        self.0
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    }

    /// A number field.
    pub fn number(&self, field: Field) -> Option<u64> {
        use tantivy::schema::Value;
        self.0.get_first(field).and_then(|v| v.as_u64())
    }
}

/// What a document holds beyond its units, stored with its first unit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocumentHead {
    pub kind: crate::document::DocumentKind,
    pub meeting: Option<String>,
    /// The file it was read from, as the parser named it.
    pub source: String,
    /// Every footnote of the document, cited by a unit or not.
    pub footnotes: Vec<Footnote>,
    pub title_footnotes: Vec<u32>,
}

/// One unit (paragraph) as the index stores it: the one reader of the stored fields,
/// which search hits, parallel texts, `show` and `trace` all use.
#[derive(Debug, Clone)]
pub struct StoredUnit {
    /// The data file's key (its path inside the data folder).
    pub file: String,
    pub symbol: String,
    pub language: String,
    pub title: String,
    /// Adoption date, `YYYY-MM-DD`; empty when the document states none.
    pub date: String,
    pub year: Option<u32>,
    /// The unit's place in its document.
    pub ordinal: u64,
    pub paragraph: Paragraph,
    /// The footnotes the unit cites, with their text.
    pub notes: Vec<Footnote>,
    /// The document head, on the document's first unit.
    pub head: Option<DocumentHead>,
}

impl StoredUnit {
    /// Reads the unit at `address`.
    pub fn read(
        searcher: &tantivy::Searcher,
        f: &Fields,
        address: tantivy::DocAddress,
    ) -> Result<StoredUnit> {
        use tantivy::schema::Value;
        let doc = Stored::read(searcher, address)?;
        let text = |field: Field| doc.text(field);
        let some = |s: String| (!s.is_empty()).then_some(s);
        let notes: Vec<Footnote> = serde_json::from_str(&text(f.notes))
            .context("a paragraph's stored footnotes are unreadable")?;
        let head = match some(text(f.head)) {
            Some(json) => Some(
                serde_json::from_str(&json).context("a document's stored head is unreadable")?,
            ),
            None => None,
        };
        let cites = doc
            .0
            .get_all(f.cites)
            .filter_map(|v| v.as_u64())
            .filter_map(|n| u32::try_from(n).ok())
            .collect();
        Ok(StoredUnit {
            file: text(f.source),
            symbol: text(f.symbol),
            language: text(f.language),
            title: text(f.title),
            date: text(f.date),
            year: doc
                .number(f.year)
                .filter(|&y| y > 0)
                .and_then(|y| u32::try_from(y).ok()),
            ordinal: doc.number(f.ordinal).unwrap_or(0),
            paragraph: Paragraph {
                kind: crate::document::Kind::from_name(&text(f.kind))
                    .unwrap_or(crate::document::Kind::Paragraph),
                number: doc.number(f.number).unwrap_or(0) as u32,
                text: text(f.text),
                footnotes: cites,
                r#ref: text(f.r#ref),
                heading: some(text(f.heading)),
                label: some(text(f.label)),
            },
            notes,
            head,
        })
    }
}

/// The error for an index that cannot be opened: not allowed to read it, or damaged.
fn unreadable(dir: &Path, e: &TantivyError) -> anyhow::Error {
    // tantivy wraps the I/O error in several layers; its kind is in the debug form.
    if format!("{e:?}").contains("PermissionDenied") {
        anyhow::anyhow!(
            "{}: cannot read the index: permission denied ({e})",
            dir.display()
        )
    } else {
        damaged(dir, &format!("{e}"))
    }
}

/// The error for an index that cannot be read ([`crate::error::Error::Damaged`]).
pub fn damaged(dir: &Path, why: &str) -> anyhow::Error {
    crate::error::Error::Damaged {
        dir: dir.to_owned(),
        why: why.to_owned(),
    }
    .into()
}

impl Library {
    /// A searcher over the commit this library was opened on. The reader is made
    /// once, on the first call, and never reloads (nor starts a file-watching
    /// thread): a caller that wants a later commit opens the library again (as
    /// [`crate::engine::Engine`] does after each update).
    ///
    /// An index of several segments is searched one segment per core: a common term
    /// costs by the number of its matches, and on two cores two segments take half
    /// the time. One segment (every small corpus) stays on the calling thread, which
    /// spares a search the start of a thread pool.
    pub fn searcher(&self) -> Result<tantivy::Searcher> {
        if let Some(reader) = self.reader.get() {
            return Ok(reader.searcher());
        }
        let reader = self.new_reader()?;
        Ok(self.reader.get_or_init(|| reader).searcher())
    }

    fn new_reader(&self) -> Result<tantivy::IndexReader> {
        let metas = self
            .index
            .searchable_segment_metas()
            .context("could not open the index for reading")?;
        let paragraphs: u64 = metas.iter().map(|m| u64::from(m.num_docs())).sum();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = metas.len().min(cores).min(SEARCH_THREADS);
        let mut index = self.index.clone();
        if threads > 1 && paragraphs >= PARALLEL_SEARCH_FROM {
            let executor = tantivy::Executor::multi_thread(threads, "unspace-search-")
                .context("could not start the search threads")?;
            index.set_executor(executor);
        }
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .context("could not open the index for reading")?;
        Ok(reader)
    }

    /// What is wrong with the index's files, if anything: segment files missing, or
    /// whose checksums do not match (a disk error, a stray write). Reads the whole
    /// index, so it is run only by `unspace index` and after a failed search.
    pub fn damage(&self) -> Option<String> {
        damage_of(&self.index)
    }
}

fn damage_of(index: &Index) -> Option<String> {
    // Opening every segment finds missing files; checksums find damaged ones.
    let opened: tantivy::Result<tantivy::IndexReader> = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into();
    if let Err(e) = opened {
        return Some(format!("{e}"));
    }
    match index.validate_checksum() {
        Ok(bad) if bad.is_empty() => None,
        Ok(bad) => {
            let mut bad: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
            bad.sort();
            Some(format!("checksum mismatch in {}", bad.join(", ")))
        }
        Err(e) => Some(format!("{e}")),
    }
}

/// The payload of the last commit; a default (version 0) one when there is none or
/// it is of another schema.
fn read_payload(index: &Index) -> Result<Payload> {
    let metas = index
        .load_metas()
        .context("could not read the index's metadata")?;
    Ok(metas
        .payload
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default())
}

/// The manifest the last commit names.
fn read_manifest(index: &Index, dir: &Path) -> Result<Manifest> {
    let payload = read_payload(index)?;
    if payload.version != SCHEMA_VERSION {
        return Ok(Manifest::default());
    }
    let path = dir.join(&payload.manifest);
    let bytes = fs::read(&path)
        .with_context(|| format!("{}: could not read the index's manifest", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: the index's manifest is unreadable", path.display()))
}

/// Writes the manifest to its own file (by way of a temporary file and a rename,
/// flushed to disk) and returns the payload that names it.
fn write_manifest(dir: &Path, manifest: &Manifest, folders: Vec<(String, u64)>) -> Result<Payload> {
    let json = serde_json::to_vec(manifest).context("could not write the manifest")?;
    let name = format!("manifest-{:032x}.json", xxhash_rust::xxh3::xxh3_128(&json));
    let path = dir.join(&name);
    let temp = dir.join(format!("{name}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        std::io::Write::write_all(&mut file, &json)?;
        file.sync_all()?;
        fs::rename(&temp, &path)
    };
    write().with_context(|| format!("{}: could not write the manifest", path.display()))?;
    Ok(Payload {
        version: SCHEMA_VERSION,
        fingerprint: fingerprint(
            manifest
                .files
                .iter()
                .map(|(k, s)| (k.as_str(), s.size, s.mtime_ns)),
        ),
        manifest: name,
        folders,
        files: manifest.files.len(),
    })
}

/// Removes manifests that no commit names any more (left by earlier commits, or by
/// an update killed before its commit).
fn remove_other_manifests(dir: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("manifest-") && name != keep {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A digest of a list of (path, size, modification time), in path order: equal
/// digests mean the data folder is as the index recorded it.
pub fn fingerprint<'a>(files: impl Iterator<Item = (&'a str, u64, u64)>) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (key, size, mtime_ns) in files {
        hasher.update(key.as_bytes());
        hasher.update(&[0]);
        hasher.update(&size.to_le_bytes());
        hasher.update(&mtime_ns.to_le_bytes());
    }
    format!("{:032x}", hasher.digest128())
}

/// Whether the data folder may differ from what the index holds, as cheaply as it
/// can be told. With fewer than [`FOLDER_CHECK_FROM`] documents, every file's size
/// and modification time are compared with the index's record (a few milliseconds).
/// From that many on, the rule is: while every folder of `data/` keeps the
/// modification time it had at the last update, no document was added, removed or
/// renamed (nor saved by writing a new file and renaming it over the old, as most
/// editors and `mv` do) — one `stat` per folder, none per file; a document changed in
/// place (appended to, overwritten by `cp`) is then seen by `unspace index`, which
/// checks every file, or once anything in its folder changes. When a folder changed,
/// every file is compared.
pub fn data_changed(data: &Path, payload: &Payload) -> Result<bool> {
    if payload.files >= FOLDER_CHECK_FROM && crate::data::folders_unchanged(data, &payload.folders)
    {
        return Ok(false);
    }
    let listing = crate::data::list(data)?;
    Ok(is_stale(payload, &listing.files) || listing.folders != payload.folders)
}

/// True when `data/` differs from what the index records, by paths, sizes and
/// modification times alone (no file is read).
pub fn is_stale(payload: &Payload, files: &[DataFile]) -> bool {
    fingerprint(files.iter().map(|f| (f.key.as_str(), f.size, f.mtime_ns))) != payload.fingerprint
}

/// What an update did.
#[derive(Debug, Default)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files that could not be read or decoded in this update: the message names the
    /// file and why.
    pub failed: Vec<String>,
    /// Files that failed before and have not changed since (not read again).
    pub still_failing: Vec<String>,
    /// Warnings from the parser, prefixed with the file.
    pub warnings: Vec<String>,
    /// Paragraphs written in this update.
    pub paragraphs: usize,
    pub elapsed: Duration,
    /// False when nothing had to change and no commit was made.
    pub committed: bool,
}

impl Report {
    /// The one-line summary printed at the end of every update.
    pub fn summary(&self) -> String {
        format!(
            "indexed: {} added, {} updated, {} removed, {} unchanged, {} failed; {} paragraphs in {:.2} s",
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            self.failed.len() + self.still_failing.len(),
            self.paragraphs,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Why an update could not run.
#[derive(Debug)]
pub enum UpdateError {
    /// Another process holds the index's writer lock.
    Busy(PathBuf),
    Other(anyhow::Error),
}

/// How an update goes about its work.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Start from an empty index (and replace one that cannot even be opened).
    pub rebuild: bool,
    /// Check the index's files against their checksums first, and rebuild it if any
    /// is damaged (reads the whole index: for `unspace index`, not for searches).
    pub verify: bool,
    /// Read again the files that failed last time although they have not changed
    /// (a permission fixed, say); searches leave them be.
    pub retry_failed: bool,
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpdateError::Busy(dir) => write!(
                f,
                "{}: another unspace is updating this index; try again when it has finished",
                dir.display()
            ),
            UpdateError::Other(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for UpdateError {}

impl From<anyhow::Error> for UpdateError {
    fn from(e: anyhow::Error) -> Self {
        UpdateError::Other(e)
    }
}

/// Progress callbacks, so the caller decides how (and whether) to show progress.
pub trait Progress {
    fn start(&mut self, _files: usize) {}
    fn file_done(&mut self, _key: &str) {}
    fn finish(&mut self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

/// Brings the index under `root` up to date with the folder `data`: new files are
/// indexed, changed ones re-indexed, removed ones dropped, unchanged ones untouched.
/// `rebuild` starts from an empty index instead. One commit at the end, carrying the
/// new manifest.
pub fn update(
    root: &Path,
    data: &Path,
    options: Options,
    progress: &mut dyn Progress,
) -> Result<Report, UpdateError> {
    let started = Instant::now();
    let listing = data::list(data)?;
    let files = listing.files;
    let folders = listing.folders;
    let mut report = Report {
        warnings: listing.skipped,
        ..Report::default()
    };
    let dir = version_dir(root);
    fs::create_dir_all(&dir)
        .with_context(|| format!("{}: could not create the index folder", dir.display()))?;
    let index = open_for_update(&dir, options.rebuild)?;
    analysis::register(&index);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let writer_options = tantivy::indexer::IndexWriterOptions::builder()
        .memory_budget_per_thread(WRITER_MEMORY / workers)
        .num_worker_threads(workers)
        .num_merge_threads(MERGE_THREADS)
        .build();
    let mut writer: IndexWriter = match index.writer_with_options(writer_options) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
            return Err(UpdateError::Busy(dir));
        }
        Err(TantivyError::LockFailure(LockError::IoError(e), _)) => {
            return Err(anyhow::anyhow!(
                "{}: cannot write to the index folder ({e}); searches with --no-refresh still answer from it",
                dir.display()
            )
            .into());
        }
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context(format!(
                    "{}: could not open the index for writing",
                    dir.display()
                ))
                .into());
        }
    };
    writer.set_merge_policy(Box::new(BoundedMerges));
    // An update killed before its commit can leave files the index never took in
    // (a segment's `.del` file, say); the next commit would collide with them.
    writer
        .garbage_collect_files()
        .wait()
        .context("could not clear files left by an interrupted update")?;
    let mut rebuild = options.rebuild;
    if !rebuild
        && options.verify
        && let Some(damage) = damage_of(&index)
    {
        report.warnings.push(format!(
            "{}: the index was damaged ({damage}); rebuilding it from the data folder",
            dir.display()
        ));
        rebuild = true;
    }
    let old = if rebuild {
        Manifest::default()
    } else {
        match read_manifest(&index, &dir) {
            Ok(m) => m,
            Err(e) => {
                // Without the record of what the index holds, only a rebuild is safe.
                report.warnings.push(format!("{e:#}; rebuilding the index"));
                rebuild = true;
                Manifest::default()
            }
        }
    };
    let old = if old.version == SCHEMA_VERSION {
        old
    } else {
        Manifest::default()
    };
    if rebuild {
        writer
            .delete_all_documents()
            .context("could not clear the index")?;
    }

    let mut manifest = Manifest {
        version: SCHEMA_VERSION,
        files: BTreeMap::new(),
    };
    let (_, fields) = Fields::schema();
    let mut changed = rebuild;
    progress.start(files.len());
    // The files whose stat changed are read, hashed and parsed on every core, a
    // batch at a time (so memory stays bounded), then taken into the index in order.
    let mut pending: Vec<&DataFile> = Vec::new();
    for file in &files {
        let previous = old.files.get(&file.key);
        let same_stat = previous.filter(|s| s.size == file.size && s.mtime_ns == file.mtime_ns);
        match same_stat {
            Some(state) if state.error.is_none() => {
                manifest.files.insert(file.key.clone(), state.clone());
                report.unchanged += 1;
                progress.file_done(&file.key);
            }
            Some(state) if !options.retry_failed => {
                manifest.files.insert(file.key.clone(), state.clone());
                report.still_failing.push(format!(
                    "{}: {}",
                    file.path.display(),
                    state.error.as_deref().unwrap_or("")
                ));
                progress.file_done(&file.key);
            }
            _ => pending.push(file),
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 16));
    for batch in pending.chunks(threads * 8) {
        let reads = read_batch(batch, &old, threads);
        for (file, read) in batch.iter().copied().zip(reads) {
            progress.file_done(&file.key);
            changed = true;
            let previous = old.files.get(&file.key);
            let (hash, parsed) = match read {
                Read::Vanished => {
                    // Gone since it was listed: as if it had never been there.
                    if previous.is_some() {
                        writer.delete_term(Term::from_field_text(fields.source, &file.key));
                        report.removed += 1;
                    }
                    continue;
                }
                Read::Failed(why) => {
                    record_failure(&mut report, &mut manifest, file, previous, why);
                    continue;
                }
                Read::Touched(state) => {
                    // Touched but not changed: record the new stat, index nothing.
                    manifest.files.insert(file.key.clone(), state);
                    report.unchanged += 1;
                    continue;
                }
                Read::Parsed(hash, documents) => (hash, documents),
            };
            if parsed.iter().any(|p| p.document.language == "zh") {
                // Its words fields need jieba: load it while the next files parse.
                analysis::preload_jieba();
            }
            writer.delete_term(Term::from_field_text(fields.source, &file.key));
            for one in &parsed {
                report.warnings.extend(
                    one.warnings
                        .iter()
                        .map(|w| format!("{}: {w}", file.path.display())),
                );
                for (ordinal, paragraph) in one.document.paragraphs.iter().enumerate() {
                    let doc =
                        paragraph_document(&fields, &one.document, paragraph, ordinal, &file.key);
                    if writer.add_document(doc).is_err() {
                        // An indexing thread stopped (a full disk, say): joining the
                        // threads tells why. Nothing is committed.
                        let why = match writer.prepare_commit() {
                            Err(e) => format!("{e}"),
                            Ok(_) => "an indexing thread stopped".to_owned(),
                        };
                        return Err(anyhow::anyhow!(
                            "{}: could not add a paragraph to the index: {why}",
                            dir.display()
                        )
                        .into());
                    }
                }
                report.paragraphs += one.document.paragraphs.len();
            }
            let parsed = &parsed[0];
            if previous.is_some_and(|s| !s.hash.is_empty()) {
                report.updated += 1;
            } else {
                report.added += 1;
            }
            manifest.files.insert(
                file.key.clone(),
                FileState {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash,
                    error: None,
                    symbol: parsed.document.symbol.clone(),
                    language: parsed.document.language.clone(),
                },
            );
        }
    }
    let present: HashSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
    for key in old.files.keys() {
        if !present.contains(key.as_str()) {
            writer.delete_term(Term::from_field_text(fields.source, key));
            report.removed += 1;
            changed = true;
        }
    }
    progress.finish();
    report.warnings.extend(duplicates(&manifest, data));
    // A fresh index (no manifest yet) is committed even when data/ is empty, so that
    // it opens next time.
    // Folders that changed with no document changing (a hidden file come and gone)
    // are recorded too, so that searches go back to one stat per folder.
    let folders_moved = read_payload(&index).map_or(true, |p| p.folders != folders);
    if changed || folders_moved || old.version != SCHEMA_VERSION {
        let payload = write_manifest(&dir, &manifest, folders)?;
        let json = serde_json::to_string(&payload).context("could not write the payload")?;
        let mut commit = writer
            .prepare_commit()
            .context("could not prepare the commit")?;
        commit.set_payload(&json);
        commit.commit().context("could not commit the index")?;
        remove_other_manifests(&dir, &payload.manifest);
        writer
            .wait_merging_threads()
            .context("could not finish merging")?;
        report.committed = true;
        remove_older_versions(root);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What reading one changed file gave.
enum Read {
    /// Removed between listing and reading.
    Vanished,
    /// Unreadable or not a document: why.
    Failed(String),
    /// The same content as indexed, under a new stat: the state to record.
    Touched(FileState),
    /// New content: its hash and its documents (a PDF compilation holds several).
    Parsed(String, Vec<parse::Parsed>),
}

/// Reads, hashes and parses `batch` on up to `threads` threads; the results in the
/// batch's order.
fn read_batch(batch: &[&DataFile], old: &Manifest, threads: usize) -> Vec<Read> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Read>> = (0..batch.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(batch.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = batch.get(k) else { break };
                        done.push((k, read_one(file, old.files.get(&file.key))));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            // A worker that panicked (a parser bug) leaves its files unread: they are
            // reported as failures below, never lost silently.
            for (k, read) in worker.join().unwrap_or_default() {
                slots[k] = Some(read);
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.unwrap_or_else(|| Read::Failed("could not be read (an internal error)".into()))
        })
        .collect()
}

/// Reads one changed file: its bytes, their hash, and — when the content is not the
/// one indexed — the parsed document.
fn read_one(file: &DataFile, previous: Option<&FileState>) -> Read {
    let bytes = match data::read(&file.path) {
        Ok(b) => b,
        Err(ReadError::Vanished) => return Read::Vanished,
        Err(ReadError::Failed(why)) => return Read::Failed(why),
    };
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
    if let Some(state) = previous.filter(|s| s.hash == hash && s.error.is_none()) {
        let mut state = state.clone();
        (state.size, state.mtime_ns) = (file.size, file.mtime_ns);
        return Read::Touched(state);
    }
    match std::panic::catch_unwind(|| parse::parse_bytes_many(&bytes, &file.path)) {
        Ok(Ok(documents)) if documents.is_empty() => Read::Failed("holds no document".into()),
        Ok(Ok(documents)) => Read::Parsed(hash, documents),
        Ok(Err(e)) => Read::Failed(format!("{e:#}")),
        Err(_) => Read::Failed(
            "could not be read: the reader failed on it (a bug; please report it)".into(),
        ),
    }
}

/// A file that fails keeps what the index held of an earlier state (nothing is
/// lost); the failure is remembered with the file's state, so that it is not read
/// again until it changes.
fn record_failure(
    report: &mut Report,
    manifest: &mut Manifest,
    file: &DataFile,
    previous: Option<&FileState>,
    why: String,
) {
    report
        .failed
        .push(format!("{}: {why}", file.path.display()));
    let mut state = previous.cloned().unwrap_or(FileState {
        size: 0,
        mtime_ns: 0,
        hash: String::new(),
        error: None,
        symbol: String::new(),
        language: String::new(),
    });
    (state.size, state.mtime_ns, state.error) = (file.size, file.mtime_ns, Some(why));
    manifest.files.insert(file.key.clone(), state);
}

/// Opens the index in `dir`, or creates it there. An index that cannot be opened
/// (its metadata garbled) is an error that says to rebuild, except when rebuilding:
/// then the folder — unspace's own — is emptied and a new index made in it.
fn open_for_update(dir: &Path, rebuild: bool) -> Result<Index, UpdateError> {
    let (schema, _) = Fields::schema();
    if dir.join("meta.json").exists() {
        match Index::open_in_dir(dir) {
            Ok(index) => return Ok(index),
            Err(e) if !rebuild => return Err(unreadable(dir, &e).into()),
            Err(_) => {
                fs::remove_dir_all(dir)
                    .and_then(|()| fs::create_dir_all(dir))
                    .with_context(|| {
                        format!("{}: could not clear the damaged index", dir.display())
                    })?;
            }
        }
    }
    match Index::create_in_dir(dir, schema) {
        Ok(index) => Ok(index),
        // Another unspace created it meanwhile; its writer lock says who goes on.
        Err(_) if dir.join("meta.json").exists() => {
            Index::open_in_dir(dir).map_err(|e| damaged(dir, &format!("{e}")).into())
        }
        Err(e) => Err(anyhow::Error::new(e)
            .context(format!("{}: could not create the index", dir.display()))
            .into()),
    }
}

/// Warnings for documents found in more than one file (same symbol and language):
/// their paragraphs would show twice.
fn duplicates(manifest: &Manifest, data: &Path) -> Vec<String> {
    let mut by_document: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (key, state) in &manifest.files {
        if state.error.is_none() && !state.symbol.is_empty() {
            by_document
                .entry((&state.symbol, &state.language))
                .or_default()
                .push(key);
        }
    }
    by_document
        .into_iter()
        .filter(|(_, keys)| keys.len() > 1)
        .map(|((symbol, language), keys)| {
            let files: Vec<String> = keys
                .iter()
                .map(|k| data.join(k).display().to_string())
                .collect();
            format!(
                "{symbol} ({language}) is in {} files: {}; its paragraphs show once for each — remove all but one",
                files.len(),
                files.join(" and ")
            )
        })
        .collect()
}

/// Removes the index folders of older schema versions once this one has committed:
/// only folders that are provably unspace's own — named `unspace-v` and a number,
/// holding a tantivy index and nothing but the files unspace and tantivy write.
fn remove_older_versions(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    let current = version_dir(root);
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let Some(version) = name.to_str().and_then(|n| n.strip_prefix("unspace-v")) else {
            continue;
        };
        let numbered = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
        if numbered && path != current && is_own_index(&path) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A folder holding a tantivy index (`meta.json`) and only files of the kinds tantivy
/// and unspace write in one: no sub-folders, nothing else.
fn is_own_index(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut has_meta = false;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            return false;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return false;
        };
        has_meta |= name == "meta.json";
        let own = matches!(name, "meta.json" | ".managed.json")
            || name.starts_with(".tantivy-")
            || name.starts_with("manifest-")
            || name.ends_with(".tmp")
            || name.split_once('.').is_some_and(|(stem, ext)| {
                stem.len() == 32
                    && stem.bytes().all(|b| b.is_ascii_hexdigit())
                    && ext.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
            });
        if !own {
            return false;
        }
    }
    has_meta
}

/// The tantivy document of one paragraph.
fn paragraph_document(
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

/// Reads every document of the data folder that parses, for `show`: (document,
/// warnings). Files that fail, and entries skipped, are returned as messages.
pub fn read_documents(data: &Path) -> Result<(Vec<parse::Parsed>, Vec<String>)> {
    let mut docs = Vec::new();
    let listing = data::list(data)?;
    let mut failed = listing.skipped;
    for file in listing.files {
        let parsed = match data::read(&file.path) {
            Ok(bytes) => parse::parse_bytes_many(&bytes, &file.path),
            Err(ReadError::Vanished) => continue,
            Err(ReadError::Failed(why)) => Err(anyhow::anyhow!(why)),
        };
        match parsed {
            Ok(p) => docs.extend(p),
            Err(e) => failed.push(format!("{}: {e:#}", file.path.display())),
        }
    }
    if docs.is_empty() && failed.is_empty() {
        bail!("{}: no documents in the data folder", data.display());
    }
    Ok((docs, failed))
}

#[cfg(test)]
mod tests {
    use tantivy::index::SegmentId;
    use tantivy::indexer::MergePolicy;

    use super::*;

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
