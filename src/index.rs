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
use std::time::{Duration, Instant, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use crate::analysis::{self, GRAMS, WORDS};
use crate::document::{Document, Footnote, Paragraph};
use crate::parse;

/// Memory for tantivy's indexing threads together. Taken only as documents arrive,
/// so a small update stays small; a large build flushes fewer, larger segments,
/// which leaves less to merge and fewer segments for every search to visit (at
/// 100 MB: 2 segments instead of 6 with 64 MB, search 25% faster, build as fast,
/// peak RSS 290 MB instead of 280 MB).
const WRITER_MEMORY: usize = 400_000_000;

/// Bumped whenever the schema or the analyzers change: an older index is rebuilt.
pub const SCHEMA_VERSION: u32 = 3;

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
    pub hash: String,
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
}

/// An opened index with its fields.
pub struct Library {
    pub index: Index,
    pub fields: Fields,
    pub payload: Payload,
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
        let index = Index::open_in_dir(&dir)
            .with_context(|| format!("{}: could not open the index", dir.display()))?;
        analysis::register(&index);
        let (_, fields) = Fields::schema();
        let payload = read_payload(&index)?;
        if payload.version != SCHEMA_VERSION {
            return Ok(None);
        }
        Ok(Some(Library {
            index,
            fields,
            payload,
        }))
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
fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<Payload> {
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

/// A file of `data/` as found on disk now.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Path relative to the data folder, `/`-separated: the key in the manifest.
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: u64,
}

/// Lists the documents of the data folder (hidden files and folders left out).
/// Every search runs this, so it costs one `stat` per file, relative to its folder,
/// spread over the cores when there are many files.
pub fn data_files(data: &Path) -> Result<Vec<DataFile>> {
    let mut found: Vec<(String, fs::DirEntry)> = Vec::new();
    // (folder, its key prefix: "" or "sub/dir/")
    let mut stack = vec![(data.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = fs::read_dir(&dir)
            .with_context(|| format!("{}: could not list the data folder", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("{}: could not list", dir.display()))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let key = format!("{prefix}{name}");
            let is_dir = match entry.file_type() {
                // A symbolic link is followed, like any other way of reaching a file.
                Ok(t) if t.is_symlink() => fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()),
                Ok(t) => t.is_dir(),
                Err(_) => false,
            };
            if is_dir {
                stack.push((entry.path(), format!("{key}/")));
            } else {
                found.push((key, entry));
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = found.len().div_ceil(threads).max(512);
    let stat = |part: &[(String, fs::DirEntry)]| -> Result<Vec<Option<DataFile>>> {
        part.iter()
            .map(|(key, entry)| data_file(key, entry))
            .collect()
    };
    let mut out = Vec::with_capacity(found.len());
    std::thread::scope(|scope| -> Result<()> {
        let parts: Vec<_> = found
            .chunks(chunk)
            .map(|part| scope.spawn(move || stat(part)))
            .collect();
        for part in parts {
            out.extend(part.join().expect("stat thread")?.into_iter().flatten());
        }
        Ok(())
    })?;
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// One file of the data folder; `None` if it turned into a folder meanwhile.
fn data_file(key: &str, entry: &fs::DirEntry) -> Result<Option<DataFile>> {
    let path = entry.path();
    let meta = match entry.file_type() {
        Ok(t) if !t.is_symlink() => entry.metadata(),
        _ => fs::metadata(&path),
    }
    .with_context(|| format!("{}: could not read its size", path.display()))?;
    if meta.is_dir() {
        return Ok(None);
    }
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Ok(Some(DataFile {
        key: key.to_owned(),
        path,
        size: meta.len(),
        mtime_ns,
    }))
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
    /// Files that could not be read or decoded: the message names the file and why.
    pub failed: Vec<String>,
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
            self.failed.len(),
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
    rebuild: bool,
    progress: &mut dyn Progress,
) -> Result<Report, UpdateError> {
    let started = Instant::now();
    let files = data_files(data)?;
    let dir = version_dir(root);
    fs::create_dir_all(&dir)
        .with_context(|| format!("{}: could not create the index folder", dir.display()))?;
    let (schema, fields) = Fields::schema();
    let index = if dir.join("meta.json").exists() {
        Index::open_in_dir(&dir)
            .with_context(|| format!("{}: could not open the index", dir.display()))?
    } else {
        Index::create_in_dir(&dir, schema)
            .with_context(|| format!("{}: could not create the index", dir.display()))?
    };
    analysis::register(&index);
    let mut writer: IndexWriter = match index.writer(WRITER_MEMORY) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(..)) => return Err(UpdateError::Busy(dir)),
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context(format!(
                    "{}: could not open the index for writing",
                    dir.display()
                ))
                .into());
        }
    };
    // An update killed before its commit can leave files the index never took in
    // (a segment's `.del` file, say); the next commit would collide with them.
    writer
        .garbage_collect_files()
        .wait()
        .context("could not clear files left by an interrupted update")?;
    let mut report = Report::default();
    let (old, rebuild) = if rebuild {
        (Manifest::default(), true)
    } else {
        match read_manifest(&index, &dir) {
            Ok(m) => (m, false),
            Err(e) => {
                // Without the record of what the index holds, only a rebuild is safe.
                report.warnings.push(format!("{e:#}; rebuilding the index"));
                (Manifest::default(), true)
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
    let mut changed = rebuild;
    progress.start(files.len());
    for file in &files {
        let previous = old.files.get(&file.key);
        if previous.is_some_and(|s| s.size == file.size && s.mtime_ns == file.mtime_ns) {
            manifest
                .files
                .insert(file.key.clone(), previous.cloned().expect("checked"));
            report.unchanged += 1;
            progress.file_done(&file.key);
            continue;
        }
        let bytes = match fs::read(&file.path) {
            Ok(b) => b,
            Err(e) => {
                report
                    .failed
                    .push(format!("{}: could not read: {e}", file.path.display()));
                keep_previous(&mut manifest, &file.key, previous);
                continue;
            }
        };
        let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
        let state = FileState {
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash,
        };
        if previous.is_some_and(|s| s.hash == state.hash) {
            // Touched but not changed: record the new stat, index nothing.
            manifest.files.insert(file.key.clone(), state);
            report.unchanged += 1;
            changed = true;
            progress.file_done(&file.key);
            continue;
        }
        let parsed = match parse::decode(&bytes) {
            Ok(text) => parse::parse_text(&text, &file.path),
            Err(e) => {
                report.failed.push(format!("{}: {e}", file.path.display()));
                keep_previous(&mut manifest, &file.key, previous);
                progress.file_done(&file.key);
                continue;
            }
        };
        if parsed.document.language == "zh" {
            // Its words fields will need jieba: load it while the next files parse.
            analysis::preload_jieba();
        }
        report.warnings.extend(
            parsed
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", file.path.display())),
        );
        writer.delete_term(Term::from_field_text(fields.source, &file.key));
        for (ordinal, paragraph) in parsed.document.paragraphs.iter().enumerate() {
            let doc = paragraph_document(&fields, &parsed.document, paragraph, ordinal, &file.key);
            writer
                .add_document(doc)
                .context("could not add a paragraph to the index")?;
        }
        report.paragraphs += parsed.document.paragraphs.len();
        if previous.is_some() {
            report.updated += 1;
        } else {
            report.added += 1;
        }
        manifest.files.insert(file.key.clone(), state);
        changed = true;
        progress.file_done(&file.key);
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
    // A fresh index (no manifest yet) is committed even when data/ is empty, so that
    // it opens next time.
    if changed || old.version != SCHEMA_VERSION {
        let payload = write_manifest(&dir, &manifest)?;
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

/// A file that fails now keeps what the index held of it, so nothing is lost; it is
/// retried on the next update because its stat no longer matches.
fn keep_previous(manifest: &mut Manifest, key: &str, previous: Option<&FileState>) {
    if let Some(state) = previous {
        let mut state = state.clone();
        state.mtime_ns = 0;
        manifest.files.insert(key.to_owned(), state);
    }
}

/// Removes index folders of other schema versions once this one has committed.
fn remove_older_versions(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    let current = version_dir(root);
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("unspace-v") && path != current {
            let _ = fs::remove_dir_all(&path);
        }
    }
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
        d.add_text(fields.body_words, analysis::words_value(&doc.language, heading));
    }
    d.add_text(
        fields.notes_words,
        analysis::words_value(&doc.language, &notes_text),
    );
    d
}

/// Reads every document of the data folder that parses, for `show`: (document,
/// warnings). Files that fail are returned as messages.
pub fn read_documents(data: &Path) -> Result<(Vec<parse::Parsed>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut failed = Vec::new();
    for file in data_files(data)? {
        match parse::parse_file(&file.path) {
            Ok(p) => docs.push(p),
            Err(e) => failed.push(format!("{e:#}")),
        }
    }
    if docs.is_empty() && failed.is_empty() {
        bail!("{}: no documents in the data folder", data.display());
    }
    Ok((docs, failed))
}
