//! Where the documents and the index are, decided once from the options: `--data`
//! and `--index` (or `UNSPACE_DATA`, `UNSPACE_INDEX`) as given; else `./data` and
//! `./index` when the current folder has a `data` folder (a clone of the project);
//! else the user's own library in the platform's data folder (XDG on Linux), which
//! starts as a copy of the corpus bundled in the binary. An index for a `--data`
//! given without `--index` goes to the user's cache, in a folder of its own for that
//! data folder — never into the current folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The folders a command works with.
#[derive(Debug)]
pub struct Folders {
    pub data: PathBuf,
    pub index: PathBuf,
    /// What to tell the user once (the library was just made, and where it is).
    pub note: Option<String>,
}

/// The per-user folders: data (the library) and cache.
fn user_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "unspace")
}

/// Decides the data and index folders.
pub fn resolve(data: Option<PathBuf>, index: Option<PathBuf>) -> Result<Folders> {
    match (data, index) {
        (Some(data), Some(index)) => Ok(Folders {
            data,
            index,
            note: None,
        }),
        (Some(data), None) => {
            let index = cached_index(&data);
            Ok(Folders {
                data,
                index,
                note: None,
            })
        }
        (None, index) if Path::new("data").is_dir() => Ok(Folders {
            data: PathBuf::from("data"),
            index: index.unwrap_or_else(|| PathBuf::from("index")),
            note: None,
        }),
        (None, index) => {
            let dirs = user_dirs().context(
                "there is no ./data folder here and no home folder to keep your library in; give --data DIR",
            )?;
            let library = dirs.data_dir().join("data");
            let note = if library.is_dir() {
                None
            } else {
                let count = seed(&library)?;
                Some(format!(
                    "no ./data folder here: using your library at {} (made now with the {count} documents bundled with unspace; add your own files there, or give --data DIR)",
                    library.display()
                ))
            };
            Ok(Folders {
                data: library,
                index: index.unwrap_or_else(|| dirs.data_dir().join("index")),
                note,
            })
        }
    }
}

/// The index folder of a data folder given without `--index`: in the user's cache,
/// named after the data folder's last name and a hash of its absolute path.
fn cached_index(data: &Path) -> PathBuf {
    let absolute = std::path::absolute(data).unwrap_or_else(|_| data.to_owned());
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    let hash = xxhash_rust::xxh3::xxh3_64(absolute.as_os_str().as_encoded_bytes());
    let name: String = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let cache = user_dirs().map_or_else(
        || std::env::temp_dir().join("unspace-cache"),
        |d| d.cache_dir().to_owned(),
    );
    cache.join(format!("index-{name}-{hash:016x}"))
}

/// Writes the bundled corpus into `library` (by way of a temporary folder renamed
/// into place, so that an interrupted copy leaves no half library); how many
/// documents.
fn seed(library: &Path) -> Result<usize> {
    let parent = library.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("{}: could not make the folder", parent.display()))?;
    let temp = parent.join(format!(".data-{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        for (name, bytes) in bundled::BUNDLED {
            let path = temp.join(name);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            std::fs::write(&path, bytes)?;
        }
        match std::fs::rename(&temp, library) {
            // Another unspace made it meanwhile: theirs stands.
            Err(_) if library.is_dir() => std::fs::remove_dir_all(&temp),
            other => other,
        }
    };
    write().with_context(|| format!("{}: could not make your library", library.display()))?;
    Ok(bundled::BUNDLED
        .iter()
        .filter(|(name, _)| crate::data::is_document_name(std::ffi::OsStr::new(name)))
        .count())
}
