//! The record of what the index holds: the manifest of indexed files (written to its
//! own file, named by its hash), the commit payload that names it, and the cheap
//! checks of whether `data/` changed since (fingerprint, folder times).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::{DataFile, SCHEMA_VERSION};

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
    /// The words of its documents as read, for the corpus's lexicon
    /// ([`crate::parse::lexicon`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<crate::parse::lexicon::Words>,
}

/// Which files, in which state, the index holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub files: BTreeMap<String, FileState>,
    /// The files' words are kept and their texts repaired with the corpus's lexicon
    /// (a data folder within [`super::LEXICON_BYTES`]).
    #[serde(default)]
    pub lexicon: bool,
}

/// The commit payload: small, because tantivy's meta.json, which carries it, is read
/// by every search.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Payload {
    pub version: u32,
    /// [`fingerprint`] of the manifest's files.
    pub fingerprint: String,
    /// The manifest's file in the index folder (`manifest-<hash>.json.zst`, JSON
    /// compressed with zstd).
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

/// The payload of the last commit; a default (version 0) one when there is none or
/// it is of another schema.
pub(super) fn read_payload(index: &Index) -> Result<Payload> {
    let metas = index
        .load_metas()
        .context("could not read the index's metadata")?;
    Ok(metas
        .payload
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default())
}

/// The manifest the last commit names.
pub(super) fn read_manifest(index: &Index, dir: &Path) -> Result<Manifest> {
    let payload = read_payload(index)?;
    if payload.version != SCHEMA_VERSION {
        return Ok(Manifest::default());
    }
    let path = dir.join(&payload.manifest);
    let bytes = fs::read(&path)
        .with_context(|| format!("{}: could not read the index's manifest", path.display()))?;
    let json = zstd::decode_all(bytes.as_slice())
        .with_context(|| format!("{}: the index's manifest is unreadable", path.display()))?;
    serde_json::from_slice(&json)
        .with_context(|| format!("{}: the index's manifest is unreadable", path.display()))
}

/// Writes the manifest to its own file (by way of a temporary file and a rename,
/// flushed to disk) and returns the payload that names it.
pub(super) fn write_manifest(
    dir: &Path,
    manifest: &Manifest,
    folders: Vec<(String, u64)>,
) -> Result<Payload> {
    let json = serde_json::to_vec(manifest).context("could not write the manifest")?;
    let name = format!(
        "manifest-{:032x}.json.zst",
        xxhash_rust::xxh3::xxh3_128(&json)
    );
    // Compressed: the files' words (for the corpus's lexicon) are most of it and
    // take about as much room as the text uncompressed.
    let json = zstd::encode_all(json.as_slice(), 3).context("could not write the manifest")?;
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
pub(super) fn remove_other_manifests(dir: &Path, keep: &str) {
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
    if folders_say_unchanged(data, payload) {
        return Ok(false);
    }
    let listing = crate::data::list(data)?;
    Ok(is_stale(payload, &listing.files) || listing.folders != payload.folders)
}

/// The first, cheap half of [`data_changed`]: true when the data folder has so many
/// documents that its folders' times are checked, and they are as recorded (one
/// `stat` per folder). False says nothing: the files must then be compared.
pub fn folders_say_unchanged(data: &Path, payload: &Payload) -> bool {
    payload.files >= FOLDER_CHECK_FROM && crate::data::folders_unchanged(data, &payload.folders)
}

/// True when `data/` differs from what the index records, by paths, sizes and
/// modification times alone (no file is read).
pub fn is_stale(payload: &Payload, files: &[DataFile]) -> bool {
    fingerprint(files.iter().map(|f| (f.key.as_str(), f.size, f.mtime_ns))) != payload.fingerprint
}
