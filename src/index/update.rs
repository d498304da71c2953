//! Bringing the index up to date with `data/`: reading, hashing and parsing the
//! changed files on every core, one commit carrying the new manifest, and removing
//! the folders of older schemas; and reading every document for `show`.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexWriter, TantivyError, Term};

use crate::analysis;
use crate::data::{self, ReadError};
use crate::parse;
use crate::parse::lexicon::{self, Lexicon, Words};

use super::library::{damage_of, unreadable};
use super::manifest::{
    FileState, Manifest, read_manifest, read_payload, remove_other_manifests, write_manifest,
};
use super::merge::{BoundedMerges, MERGE_THREADS, WRITER_MEMORY};
use super::schema::paragraph_document;
use super::{DataFile, Fields, SCHEMA_VERSION, damaged, version_dir};

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
    /// What the user must know: entries of the data folder skipped, a document in
    /// two files, an index rebuilt.
    pub warnings: Vec<String>,
    /// How documents were read, prefixed with the file: structure not recognised,
    /// words rejoined, markers taken out (nothing to act on in official texts).
    pub reading: Vec<String>,
    /// Paragraphs written in this update.
    pub paragraphs: usize,
    pub elapsed: Duration,
    /// False when nothing had to change and no commit was made.
    pub committed: bool,
}

impl Report {
    /// The notes on how documents were read, summed up in one line (`None` when
    /// there are none).
    pub fn reading_summary(&self) -> Option<String> {
        if self.reading.is_empty() {
            return None;
        }
        let files: std::collections::BTreeSet<&str> = self
            .reading
            .iter()
            .filter_map(|n| n.split(": ").next())
            .collect();
        let n = self.reading.len();
        Some(format!(
            "{n} note{} on how {} document{} were read (words rejoined, markers taken out, structure not recognised); `unspace index --rebuild` lists them",
            if n == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ))
    }

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
    /// Bytes of files held parsed between reading and writing ([`HELD_BYTES`] when
    /// `None`); a smaller figure trades a second parse for memory.
    pub held_bytes: Option<u64>,
    /// The largest data folder, in bytes, whose words are kept for the corpus's
    /// lexicon ([`LEXICON_BYTES`] when `None`).
    pub lexicon_bytes: Option<u64>,
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

/// Blocks of 256 KB and more (tantivy's indexing arenas, documents in flight) are
/// mapped apart and given back to the system when freed. By default glibc raises
/// that bound to the size of each large block freed, after which such blocks are
/// carved from its heaps and stay there: a 1 GB build peaked at 515 MB that way, and
/// at 402 MB with the bound fixed (measured on 2 cores, GNU time). Linux with glibc
/// only; elsewhere nothing is done.
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        // SAFETY: mallopt only sets a parameter of the allocator; it is called once,
        // and glibc takes its own lock to change it.
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        });
    }
}

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
    return_large_blocks();
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
            return Err(
                super::write_failed(&dir, "could not open the index for writing", &e).into(),
            );
        }
    };
    writer.set_merge_policy(Box::new(BoundedMerges));
    // An update killed before its commit can leave files the index never took in
    // (a segment's `.del` file, say); the next commit would collide with them.
    writer.garbage_collect_files().wait().map_err(|e| {
        super::write_failed(
            &dir,
            "could not clear files left by an interrupted update",
            &e,
        )
    })?;
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
    // The corpus's lexicon is kept for a data folder of up to [`LEXICON_BYTES`].
    let count_words =
        files.iter().map(|f| f.size).sum::<u64>() <= options.lexicon_bytes.unwrap_or(LEXICON_BYTES);
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
    // Texts stored with the corpus's lexicon and without it differ: when the data
    // folder crosses the bound, every file is read again.
    let old = if !old.files.is_empty() && old.lexicon != count_words {
        rebuild = true;
        Manifest::default()
    } else {
        old
    };
    if rebuild {
        writer
            .delete_all_documents()
            .context("could not clear the index")?;
    }

    let mut manifest = Manifest {
        version: SCHEMA_VERSION,
        files: BTreeMap::new(),
        lexicon: count_words,
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
    let budget = options.held_bytes.unwrap_or(HELD_BYTES);
    let mut held = 0u64;
    let mut reads: Vec<(&DataFile, Read)> = Vec::new();
    let (mut lexicon, mut reread) = (Lexicon::default(), HashSet::new());
    let mut intake = Intake {
        writer: &mut writer,
        fields: &fields,
        dir: &dir,
    };
    for batch in pending.chunks(threads * 8) {
        let batch_reads: Vec<(&DataFile, Read)> = batch
            .iter()
            .copied()
            .zip(read_batch(batch, &old, threads, count_words))
            .collect();
        for (file, _) in &batch_reads {
            progress.file_done(&file.key);
        }
        if count_words {
            for (file, read) in batch_reads {
                reads.push((file, hold_or_count(read, file.size, budget, &mut held)));
            }
        } else {
            // Without the corpus's lexicon a batch is written as soon as it is read.
            changed |= !batch_reads.is_empty();
            take_in(
                batch_reads,
                &mut intake,
                &lexicon,
                &reread,
                &old,
                &mut report,
                &mut manifest,
            )?;
        }
    }
    if count_words {
        // Words broken in print are joined on the evidence of every document: the
        // lexicon is the sum of all files' words, and a file already indexed is read
        // again when the new lexicon would repair it otherwise.
        (lexicon, reread) = lexicon_and_rereads(&files, &manifest, &old, &reads, &pending);
        for (file, read) in reread_batch(&files, &reread, threads) {
            reads.push((file, read));
        }
        let mut reads = reads.into_iter().peekable();
        while reads.peek().is_some() {
            let mut chunk: Vec<(&DataFile, Read)> = reads.by_ref().take(threads * 8).collect();
            parse_counted(&mut chunk, threads);
            changed |= !chunk.is_empty();
            take_in(
                chunk,
                &mut intake,
                &lexicon,
                &reread,
                &old,
                &mut report,
                &mut manifest,
            )?;
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
            .map_err(|e| super::write_failed(&dir, "could not prepare the commit", &e))?;
        commit.set_payload(&json);
        commit
            .commit()
            .map_err(|e| super::write_failed(&dir, "could not commit the index", &e))?;
        remove_other_manifests(&dir, &payload.manifest);
        writer
            .wait_merging_threads()
            .map_err(|e| super::write_failed(&dir, "could not finish merging", &e))?;
        report.committed = true;
        remove_older_versions(root);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes the files of `chunk` as they were read: each in place of what the index
/// held of it, a failure recorded, a file gone dropped.
fn take_in(
    chunk: Vec<(&DataFile, Read)>,
    intake: &mut Intake<'_>,
    lexicon: &Lexicon,
    reread: &HashSet<String>,
    old: &Manifest,
    report: &mut Report,
    manifest: &mut Manifest,
) -> Result<(), UpdateError> {
    for (file, read) in chunk {
        let again = reread.contains(file.key.as_str());
        let previous = old.files.get(&file.key);
        let (hash, parsed, words) = match read {
            Read::Vanished => {
                // Gone since it was listed: as if it had never been there.
                if previous.is_some() {
                    let source = intake.fields.source;
                    intake
                        .writer
                        .delete_term(Term::from_field_text(source, &file.key));
                    report.removed += 1;
                }
                continue;
            }
            // Read again for the lexicon's sake and failing now: what the index
            // holds of it stays.
            Read::Failed(_) if again => continue,
            Read::Failed(why) => {
                record_failure(report, manifest, file, previous, why);
                continue;
            }
            Read::Touched(state) => {
                // Touched but not changed: record the new stat, index nothing.
                manifest.files.insert(file.key.clone(), state);
                report.unchanged += 1;
                continue;
            }
            Read::Parsed(hash, documents, words) => (hash, documents, words),
            // Parsed again before it comes here; never met.
            Read::Counted(..) => {
                let why = "could not be read (an internal error)".to_owned();
                record_failure(report, manifest, file, previous, why);
                continue;
            }
        };
        let state = intake.write(file, hash, parsed, words, lexicon, report)?;
        if again {
            // Read again for the lexicon's sake: unchanged for the user.
        } else if previous.is_some_and(|s| !s.hash.is_empty()) {
            report.updated += 1;
        } else {
            report.added += 1;
        }
        manifest.files.insert(file.key.clone(), state);
    }
    Ok(())
}

/// What writing a file's documents into the index needs.
struct Intake<'a> {
    writer: &'a mut IndexWriter,
    fields: &'a Fields,
    dir: &'a Path,
}

impl Intake<'_> {
    /// Writes one file's documents, their broken words repaired with the corpus's
    /// lexicon, in place of what the index held of it; returns the file's new state.
    fn write(
        &mut self,
        file: &DataFile,
        hash: String,
        mut parsed: Vec<parse::Parsed>,
        words: Vec<Option<Words>>,
        lexicon: &Lexicon,
        report: &mut Report,
    ) -> Result<FileState, UpdateError> {
        if parsed.iter().any(|p| p.document.language == "zh") {
            // Its words fields need jieba: load it while the next files parse.
            analysis::preload_jieba();
        }
        for (one, w) in parsed.iter_mut().zip(&words) {
            if let Some(w) = w {
                lexicon::repair(&mut one.document, w, lexicon);
            }
        }
        let fields = self.fields;
        let writer = &mut *self.writer;
        writer.delete_term(Term::from_field_text(fields.source, &file.key));
        for one in &parsed {
            report.reading.extend(
                one.warnings
                    .iter()
                    .map(|w| format!("{}: {w}", file.path.display())),
            );
            for (ordinal, paragraph) in one.document.paragraphs.iter().enumerate() {
                let doc = paragraph_document(fields, &one.document, paragraph, ordinal, &file.key);
                if writer.add_document(doc).is_err() {
                    // An indexing thread stopped (a full disk, say): joining the
                    // threads tells why. Nothing is committed.
                    let why = match writer.prepare_commit() {
                        Err(e) => super::in_words(&e),
                        Ok(_) => "an indexing thread stopped".to_owned(),
                    };
                    return Err(anyhow::anyhow!(
                        "{}: could not add a paragraph to the index: {why}",
                        self.dir.display()
                    )
                    .into());
                }
            }
            report.paragraphs += one.document.paragraphs.len();
        }
        let first = &parsed[0].document;
        Ok(FileState {
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash,
            error: None,
            symbol: first.symbol.clone(),
            language: first.language.clone(),
            words: words.into_iter().flatten().collect(),
        })
    }
}

/// What reading one changed file gave.
enum Read {
    /// Removed between listing and reading.
    Vanished,
    /// Unreadable or not a document: why.
    Failed(String),
    /// The same content as indexed, under a new stat: the state to record.
    Touched(FileState),
    /// New content: its hash, its documents (a PDF compilation holds several) and
    /// their words, as read (`None` for Chinese).
    Parsed(String, Vec<parse::Parsed>, Vec<Option<Words>>),
    /// New content whose words were counted and whose documents were let go, to be
    /// parsed again when written ([`HELD_BYTES`]): its words.
    Counted(Vec<Option<Words>>),
}

/// The largest data folder (bytes of its files) whose words are kept, file by
/// file, in the manifest, for the corpus's lexicon: a document's words take about
/// as much room as its text (a 100 MB folder gave a 157 MB manifest and a 1.1 GB
/// build), and each update sums them (adding one document to a 9 MB folder took
/// 0.7 s). Beyond it, words broken in print are joined on the evidence of each
/// document alone (as the page model and the PDF reader do) and files are written as
/// they are read. The bundled corpus and the handbook in five languages, text and
/// PDFs (12 MB together), are under it.
pub const LEXICON_BYTES: u64 = 16_000_000;

/// Bytes of files held parsed between reading and writing, at most. The lexicon
/// needs every file's words before the first is written; beyond this, a file's
/// documents are let go once its words are counted and it is parsed again when
/// written, so that a big build holds a bounded part of the corpus in memory.
const HELD_BYTES: u64 = 64_000_000;

/// A read kept whole while the files held stay under `budget` bytes, else reduced
/// to its words.
fn hold_or_count(read: Read, size: u64, budget: u64, held: &mut u64) -> Read {
    match read {
        Read::Parsed(hash, documents, words) => {
            if *held + size > budget {
                Read::Counted(words)
            } else {
                *held += size;
                Read::Parsed(hash, documents, words)
            }
        }
        other => other,
    }
}

/// Parses again, on every core, the files of `chunk` whose documents were let go.
fn parse_counted(chunk: &mut [(&DataFile, Read)], threads: usize) {
    let counted: Vec<usize> = (0..chunk.len())
        .filter(|&k| matches!(chunk[k].1, Read::Counted(..)))
        .collect();
    if counted.is_empty() {
        return;
    }
    let files: Vec<&DataFile> = counted.iter().map(|&k| chunk[k].0).collect();
    let none = Manifest::default();
    for (k, read) in counted
        .into_iter()
        .zip(read_batch(&files, &none, threads, true))
    {
        chunk[k].1 = read;
    }
}

/// Reads, hashes and parses `batch` on up to `threads` threads; the results in the
/// batch's order.
fn read_batch(batch: &[&DataFile], old: &Manifest, threads: usize, count_words: bool) -> Vec<Read> {
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
                        done.push((k, read_one(file, old.files.get(&file.key), count_words)));
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
fn read_one(file: &DataFile, previous: Option<&FileState>, count_words: bool) -> Read {
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
        Ok(Ok(documents)) => {
            let words = documents
                .iter()
                .map(|p| {
                    count_words
                        .then(|| lexicon::words_of(&p.document))
                        .flatten()
                })
                .collect();
            Read::Parsed(hash, documents, words)
        }
        Ok(Err(e)) => Read::Failed(format!("{e:#}")),
        Err(_) => Read::Failed(
            "could not be read: the reader failed on it (a bug; please report it)".into(),
        ),
    }
}

/// The corpus's lexicon and the files already indexed to read again under it; when
/// no file was read and none removed, nothing changes and nothing is counted.
fn lexicon_and_rereads(
    files: &[DataFile],
    kept: &Manifest,
    old: &Manifest,
    reads: &[(&DataFile, Read)],
    pending: &[&DataFile],
) -> (Lexicon, HashSet<String>) {
    let listed: HashSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
    let removed = old.files.keys().any(|k| !listed.contains(k.as_str()));
    if reads.is_empty() && !removed {
        return (Lexicon::default(), HashSet::new());
    }
    let now = contributions(files, kept, reads);
    let lexicon = Lexicon::of(now.values().flatten().copied());
    // What changed in the lexicon: the words of every file whose words are not those
    // the index was written with (read anew, removed, failing now), both versions.
    // (A file neither read nor removed gives what it gave: its recorded words.)
    let read: HashSet<&str> = reads.iter().map(|(f, _)| f.key.as_str()).collect();
    let none: Vec<&Words> = Vec::new();
    let mut changed: Vec<&Words> = Vec::new();
    for key in old
        .files
        .keys()
        .map(String::as_str)
        .chain(read.iter().copied())
    {
        if !read.contains(key) && now.contains_key(key) && kept.files.contains_key(key) {
            continue;
        }
        let before: Vec<&Words> = old
            .files
            .get(key)
            .map_or(Vec::new(), |s| s.words.iter().collect());
        let after = now.get(key).unwrap_or(&none);
        if &before != after {
            changed.extend(before);
            changed.extend(after.iter().copied());
        }
    }
    let touched = lexicon::touched(&changed, &lexicon);
    let reread = to_reread(kept, old, &lexicon, pending, &touched);
    (lexicon, reread)
}

/// The words each file of the index-to-be gives the lexicon: those of the files just
/// read, and, for the others, those recorded when they were indexed.
fn contributions<'a>(
    files: &'a [DataFile],
    kept: &'a Manifest,
    reads: &'a [(&DataFile, Read)],
) -> BTreeMap<&'a str, Vec<&'a Words>> {
    let fresh: BTreeMap<&str, &Read> = reads.iter().map(|(f, r)| (f.key.as_str(), r)).collect();
    let mut out = BTreeMap::new();
    for file in files {
        let words: Vec<&Words> = match fresh.get(file.key.as_str()) {
            Some(Read::Parsed(_, _, words) | Read::Counted(words)) => {
                words.iter().flatten().collect()
            }
            Some(Read::Touched(state)) => state.words.iter().collect(),
            Some(Read::Vanished) => Vec::new(),
            // Unchanged, or failed: what the index holds of it stays.
            _ => kept
                .files
                .get(&file.key)
                .iter()
                .flat_map(|s| &s.words)
                .collect(),
        };
        out.insert(file.key.as_str(), words);
    }
    out
}

/// The files kept as indexed whose words the new lexicon would repair otherwise
/// than the lexicon they were written with. Only a file with a candidate whose
/// counts the change `touched` can be; the lexicon before is summed only for them.
fn to_reread(
    kept: &Manifest,
    old: &Manifest,
    lexicon: &Lexicon,
    pending: &[&DataFile],
    touched: &HashSet<String>,
) -> HashSet<String> {
    let pending: HashSet<&str> = pending.iter().map(|f| f.key.as_str()).collect();
    let mut before: Option<Lexicon> = None;
    let mut out = HashSet::new();
    for (key, state) in &kept.files {
        if pending.contains(key.as_str()) || state.error.is_some() {
            continue;
        }
        let open = state
            .words
            .iter()
            .any(|w| lexicon::decided_by(w).iter().any(|t| touched.contains(t)));
        if !open {
            continue;
        }
        let before =
            before.get_or_insert_with(|| Lexicon::of(old.files.values().flat_map(|s| &s.words)));
        if state
            .words
            .iter()
            .any(|w| lexicon::decisions(w, before) != lexicon::decisions(w, lexicon))
        {
            out.insert(key.clone());
        }
    }
    out
}

/// Reads again, in full, the files of `keys`.
fn reread_batch<'a>(
    files: &'a [DataFile],
    keys: &HashSet<String>,
    threads: usize,
) -> Vec<(&'a DataFile, Read)> {
    let batch: Vec<&DataFile> = files
        .iter()
        .filter(|f| keys.contains(f.key.as_str()))
        .collect();
    let none = Manifest::default();
    let reads = read_batch(&batch, &none, threads, true);
    batch.into_iter().zip(reads).collect()
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
        words: Vec::new(),
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
        super::library::repair_managed_list(dir);
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
