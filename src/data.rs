//! The data folder: which of its entries are documents, what state each is in, and
//! reading one safely.
//!
//! A document is a regular file (after following a symbolic link) whose name ends in
//! `.txt` or `.pdf`, in `data/` or a folder below it; hidden names (`.DS_Store`,
//! `.x.txt.swp`) and editors' backups (`x.txt~`, `#x.txt#`) are not documents, nor is
//! any other name (`README`, `notes.md`). Entries that look like documents but cannot
//! be one — a dangling link, a link loop, a FIFO, a device — are skipped with a
//! warning that names them, so that one odd entry never stops the others.
//!
//! The index ([`crate::index`]) keys its record of each file by [`DataFile::key`], the
//! exact name: two names that differ only in bytes that are not UTF-8 are two files.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};

/// The largest document read, in bytes: a larger file is refused with a message
/// rather than read into memory (the longest real UN text is a few megabytes).
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// The extensions of documents, lower case.
pub const DOCUMENT_EXTENSIONS: [&str; 2] = ["txt", "pdf"];

/// A document of the data folder as found on disk now.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Path relative to the data folder, `/`-separated, exact: bytes that are not
    /// UTF-8 are written `\xNN` and a backslash `\\`. The key in the index's manifest.
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: u64,
}

/// The documents of the data folder, and the entries skipped on the way.
#[derive(Debug, Default)]
pub struct Listing {
    /// In key order.
    pub files: Vec<DataFile>,
    /// One message per skipped entry, naming it and saying why.
    pub skipped: Vec<String>,
    /// Every folder listed (`""` for the data folder, `"sub/"` below it) with its
    /// modification time, read before its entries: a later search that finds them
    /// all unchanged knows no file was added, removed or renamed since.
    pub folders: Vec<(String, u64)>,
}

/// True when every folder still has the modification time it had when listed: no
/// entry was added, removed or renamed in any of them (a new sub-folder changes its
/// parent). One `stat` per folder, none per file.
pub fn folders_unchanged(data: &Path, folders: &[(String, u64)]) -> bool {
    !folders.is_empty()
        && folders.iter().all(|(key, mtime)| {
            fs::metadata(data.join(key)).is_ok_and(|m| m.is_dir() && mtime_ns(&m) == *mtime)
        })
}

fn mtime_ns(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// True when a file of this name is a document (see the module's comment).
pub fn is_document_name(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    if bytes.starts_with(b".") || bytes.starts_with(b"#") || bytes.ends_with(b"~") {
        return false;
    }
    let Some(dot) = bytes.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let ext = &bytes[dot + 1..];
    DOCUMENT_EXTENSIONS
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e.as_bytes()))
}

/// The exact, reversible text form of a name (see [`DataFile::key`]).
pub fn key_of(name: &OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Lists the documents of the data folder. Every search runs this, so it costs one
/// `stat` per entry, spread over the cores when there are many. Fails only when the
/// data folder itself cannot be listed.
pub fn list(data: &Path) -> Result<Listing> {
    let root_meta = fs::metadata(data).with_context(|| {
        format!(
            "{}: could not open the data folder (give the folder of your documents with --data DIR or UNSPACE_DATA)",
            data.display()
        )
    })?;
    if !root_meta.is_dir() {
        anyhow::bail!(
            "{}: the data folder is not a folder (give the folder of your documents with --data DIR)",
            data.display()
        );
    }
    let mut listing = Listing::default();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    let mut seen_dirs = HashSet::new();
    seen_dirs.insert(dir_id(&root_meta));
    // (folder, its key prefix: "" or "sub/dir/", its modification time)
    let mut stack = vec![(data.to_path_buf(), String::new(), mtime_ns(&root_meta))];
    while let Some((dir, prefix, mtime)) = stack.pop() {
        listing.folders.push((prefix.clone(), mtime));
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == data => {
                return Err(e).with_context(|| {
                    format!("{}: could not list the data folder", data.display())
                });
            }
            Err(e) => {
                listing.skipped.push(format!(
                    "{}: skipped: could not list this folder: {e}",
                    dir.display()
                ));
                continue;
            }
        };
        // An entry that fails here vanished or cannot be read; it is simply not listed.
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let key = format!("{prefix}{}", key_of(&name));
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let is_document = is_document_name(&name);
            if file_type.is_dir() {
                if let Ok(meta) = entry.metadata()
                    && seen_dirs.insert(dir_id(&meta))
                {
                    stack.push((path, format!("{key}/"), mtime_ns(&meta)));
                }
            } else if file_type.is_symlink() {
                // The kernel's own folders are no documents, and they change with
                // every process that looks (a link to /proc/self would make every
                // search see a changed data folder).
                if let Ok(target) = fs::canonicalize(&path)
                    && ["/proc", "/sys"].iter().any(|s| target.starts_with(s))
                {
                    listing.skipped.push(format!(
                        "{}: skipped: a symbolic link into {} (the system's own files, not documents)",
                        path.display(),
                        target.display()
                    ));
                    continue;
                }
                match fs::metadata(&path) {
                    // A link to a folder is followed once (a loop is cut where it closes).
                    Ok(meta) if meta.is_dir() => {
                        if seen_dirs.insert(dir_id(&meta)) {
                            stack.push((path, format!("{key}/"), mtime_ns(&meta)));
                        }
                    }
                    Ok(_) if is_document => found.push((key, path)),
                    Ok(_) => {}
                    Err(e) if is_document => listing.skipped.push(skipped_link(&path, &e)),
                    Err(_) => {}
                }
            } else if is_document {
                found.push((key, path));
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = found.len().div_ceil(threads).max(512);
    let stat = |part: &[(String, PathBuf)]| -> Vec<Result<DataFile, Option<String>>> {
        part.iter()
            .map(|(key, path)| data_file(key, path))
            .collect()
    };
    std::thread::scope(|scope| {
        let parts: Vec<_> = found
            .chunks(chunk)
            .map(|part| scope.spawn(move || stat(part)))
            .collect();
        for part in parts {
            for result in part.join().unwrap_or_default() {
                match result {
                    Ok(file) => listing.files.push(file),
                    Err(Some(message)) => listing.skipped.push(message),
                    Err(None) => {}
                }
            }
        }
    });
    listing.files.sort_by(|a, b| a.key.cmp(&b.key));
    listing.folders.sort();
    Ok(listing)
}

#[cfg(unix)]
fn dir_id(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_id(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

fn skipped_link(path: &Path, e: &io::Error) -> String {
    let why = if e.kind() == io::ErrorKind::NotFound {
        "a symbolic link to nothing (its target does not exist)".to_owned()
    } else if e.raw_os_error() == Some(40) {
        "a symbolic link that leads back to itself (a loop)".to_owned()
    } else {
        format!("a symbolic link whose target cannot be reached ({e})")
    };
    format!("{}: skipped: {why}", path.display())
}

/// One document's state; `Err(None)` if it vanished meanwhile, `Err(Some(message))`
/// if it is skipped (not a regular file, or its state cannot be read).
fn data_file(key: &str, path: &Path) -> Result<DataFile, Option<String>> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(Some(skipped_link(path, &e))),
    };
    if meta.is_dir() {
        return Err(None);
    }
    if !meta.is_file() {
        return Err(Some(format!(
            "{}: skipped: not a regular file ({}); only regular files are documents",
            path.display(),
            file_kind(&meta)
        )));
    }
    Ok(DataFile {
        key: key.to_owned(),
        path: path.to_path_buf(),
        size: meta.len(),
        mtime_ns: mtime_ns(&meta),
    })
}

#[cfg(unix)]
fn file_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn file_kind(_meta: &fs::Metadata) -> &'static str {
    "not a file"
}

/// Why a document could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// It is gone (removed between listing and reading): not a failure.
    Vanished,
    /// It cannot be read: the message says why, without the file's name.
    Failed(String),
}

/// Reads a document whole, refusing what is not a regular file (a FIFO put in its
/// place is never waited on) and what is larger than [`MAX_DOCUMENT_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading would wait for a writer.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let failed = |e: io::Error| {
        if e.kind() == io::ErrorKind::NotFound {
            ReadError::Vanished
        } else {
            ReadError::Failed(format!("could not read: {e}"))
        }
    };
    let file = options.open(path).map_err(failed)?;
    let meta = file.metadata().map_err(failed)?;
    if !meta.is_file() {
        return Err(ReadError::Failed(format!(
            "not a regular file ({}); only regular files are documents",
            file_kind(&meta)
        )));
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(size: u64) -> ReadError {
    ReadError::Failed(format!(
        "is {} MB, larger than the {} MB a document may be; split it or leave it out of the data folder",
        size.div_ceil(1 << 20),
        MAX_DOCUMENT_BYTES >> 20
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names() {
        for name in ["A-RES-76-76.zh.txt", "x.TXT", "handbook.en.pdf", "a b.txt"] {
            assert!(is_document_name(OsStr::new(name)), "{name}");
        }
        for name in [
            "README",
            "README.md",
            ".DS_Store",
            ".x.txt.swp",
            "x.txt~",
            "#x.txt#",
            "x.txt.bak",
            "txt",
        ] {
            assert!(!is_document_name(OsStr::new(name)), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn keys_are_exact_and_reversible() {
        use std::os::unix::ffi::OsStrExt;
        let a = key_of(OsStr::from_bytes(b"caf\xe9.en.txt"));
        let b = key_of(OsStr::from_bytes(b"caf\xe8.en.txt"));
        assert_ne!(a, b);
        assert_eq!(a, "caf\\xE9.en.txt");
        assert_eq!(key_of(OsStr::new("a\\xE9.txt")), "a\\\\xE9.txt");
        assert_eq!(key_of(OsStr::new("空间.zh.txt")), "空间.zh.txt");
    }
}
