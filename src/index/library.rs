//! An opened index: opening it (read-only folders included), its one reader and
//! searcher, checking its files for damage, and reading back what it stores of each
//! unit ([`Stored`], [`StoredUnit`], [`DocumentHead`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::schema::Field;
use tantivy::{Index, TantivyDocument, TantivyError};

use crate::analysis;
use crate::document::{Footnote, Paragraph};

use super::manifest::{Payload, read_payload};
use super::{Fields, SCHEMA_VERSION, version_dir};

/// At most this many threads search one index at a time.
const SEARCH_THREADS: usize = 16;

/// From this many paragraphs on, an index of several segments is searched on
/// several threads (below it a search takes a millisecond or two on one).
const PARALLEL_SEARCH_FROM: u64 = 50_000;

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

/// How searches hold the index's postings and positions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Postings {
    /// Read into memory for each search and given back when it is done (on Unix; see
    /// [`SearchDirectory`]): for a process that asks a few questions and ends.
    #[default]
    Read,
    /// Mapped, so that the pages one search touched serve the searches after it: for
    /// a process that answers many (the web server).
    Mapped,
}

impl Library {
    /// Opens the index under `root`, if one of this schema has been committed there,
    /// reading postings and positions for each search ([`Postings::Read`]).
    pub fn open(root: &Path) -> Result<Option<Library>> {
        Library::open_with(root, Postings::Read)
    }

    /// [`Library::open`], holding postings and positions as `postings` says.
    pub fn open_with(root: &Path, postings: Postings) -> Result<Option<Library>> {
        let dir = version_dir(root);
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        repair_managed_list(&dir);
        let directory = SearchDirectory {
            mapped: MmapDirectory::open(&dir)
                .map_err(|e| unreadable(&dir, &TantivyError::from(e)))?,
            dir: dir.clone(),
            postings,
        };
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

/// The index folder as searches see it. Updates never use this.
///
/// - **Read-only folders.** When the folder may be read but not written (another
///   user's index, a read-only mount), the locks a reader takes to load the index's
///   metadata consistently are skipped — metadata is replaced by atomic renames, and
///   whoever could write there would take the writer's lock.
/// - **Postings and positions are read, not mapped** (on Unix, with
///   [`Postings::Read`], the default). A search reads each query term's postings and
///   positions whole, segment by segment; read into memory, they are given back when
///   the segment is done, so a search holds one segment's worth at a time. Mapped,
///   every page touched stayed in the process — and Linux maps up to 16 pages around
///   each page touched — until the process ended: at 1 GB, a search peaked at 27–48 MB
///   resident mapped, 21–26 MB read. Term dictionaries, field norms and stored text
///   stay mapped: they are read in small pieces of large files.
#[derive(Debug, Clone)]
struct SearchDirectory {
    mapped: MmapDirectory,
    /// The folder, for the files read rather than mapped.
    dir: PathBuf,
    postings: Postings,
}

impl SearchDirectory {
    /// Whether a file of the index is read with positioned reads rather than mapped:
    /// postings (`.idx`) and positions (`.pos`).
    #[cfg(unix)]
    fn is_read(&self, path: &Path) -> bool {
        self.postings == Postings::Read
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("idx" | "pos")
            )
    }
}

/// An open file of the index read with positioned reads (`pread`): each read is a
/// buffer of its own, freed when the last slice of it is dropped.
#[cfg(unix)]
#[derive(Debug)]
struct ReadFile {
    file: std::fs::File,
    len: usize,
}

#[cfg(unix)]
impl ReadFile {
    fn open(path: &Path, name: &Path) -> Result<ReadFile, OpenReadError> {
        let failed = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(name.to_owned()),
            _ => OpenReadError::wrap_io_error(e, name.to_owned()),
        };
        let file = std::fs::File::open(path).map_err(failed)?;
        let len = file.metadata().map_err(failed)?.len();
        let len = usize::try_from(len).map_err(|_| {
            failed(std::io::Error::other(
                "the file is larger than this machine can address",
            ))
        })?;
        Ok(ReadFile { file, len })
    }
}

#[cfg(unix)]
impl tantivy::HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

#[cfg(unix)]
impl FileHandle for ReadFile {
    fn read_bytes(&self, range: std::ops::Range<usize>) -> std::io::Result<OwnedBytes> {
        let mut buffer = vec![0; range.len()];
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for SearchDirectory {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        #[cfg(unix)]
        if self.is_read(path) {
            return Ok(std::sync::Arc::new(ReadFile::open(
                &self.dir.join(path),
                path,
            )?));
        }
        self.mapped.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.mapped.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.mapped.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.mapped.acquire_lock(lock) {
            Err(LockError::IoError(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(callback)
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
pub(super) fn unreadable(dir: &Path, e: &TantivyError) -> anyhow::Error {
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

pub(super) fn damage_of(index: &Index) -> Option<String> {
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

/// tantivy's list of the files it manages (`.managed.json`), written anew when it
/// cannot be read (a truncated write): the index's own files are the meta file and
/// the segment files (a 32-hex-digit name), which is all the list is for — which
/// files tantivy may delete once no commit uses them. The index answers again, as
/// with a damaged manifest; an index folder that cannot be written is left as it
/// is (and reported damaged when opened).
pub(crate) fn repair_managed_list(dir: &Path) {
    let path = dir.join(".managed.json");
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    if serde_json::from_slice::<Vec<String>>(&bytes).is_ok() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut managed = vec!["meta.json".to_owned()];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let segment = name.split_once('.').is_some_and(|(stem, _)| {
            stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if segment {
            managed.push(name);
        }
    }
    let Ok(json) = serde_json::to_vec(&managed) else {
        return;
    };
    let temp = dir.join(".managed.json.tmp");
    if std::fs::write(&temp, json).is_ok() {
        let _ = std::fs::rename(&temp, &path);
    }
}
