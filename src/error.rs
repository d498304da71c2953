//! The errors at the library's boundary: what a face (the command line, the web
//! server) can branch on — an unknown document with the documents that exist, a unit
//! that is not there with the units that are, a damaged or busy index — each with a
//! message in words that names no command-line flag or command. The faces add their
//! own hints (`--doc`, "run `unspace index --rebuild`") and map each variant to an
//! exit code or an HTTP status.
//!
//! Inside the library, code returns `anyhow` errors with context; a typed [`Error`]
//! raised deep inside travels in them and is found again by [`Error::from_anyhow`].

use std::path::PathBuf;

/// An error a caller of [`crate::engine::Engine`] gets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A document name (symbol, id or title) that no indexed document has.
    #[error(
        "no document {wanted} in the index; it holds: {}",
        listed_up_to(known, 60)
    )]
    UnknownDocument { wanted: String, known: Vec<String> },
    /// A language name unspace does not know.
    #[error(
        "`{wanted}` is not a language unspace knows ({}); the index has: {}",
        crate::model::language::known_codes(),
        listed(known)
    )]
    UnknownLanguage { wanted: String, known: Vec<String> },
    /// The document exists, but not in the language asked for.
    #[error("{document} is not in {language} in the index; it is in: {}", available.join(", "))]
    NotInLanguage {
        document: String,
        language: String,
        available: Vec<String>,
    },
    /// A unit label that names no unit of the document.
    #[error("{document} has no {what}{}", existing(units))]
    NoSuchUnit {
        document: String,
        /// What was asked for, in words: `operative paragraph 99 (it has 45)`,
        /// `unit article:40`.
        what: String,
        /// The units the document has, as they are cited.
        units: Vec<String>,
    },
    /// A unit label that cannot be read at all.
    #[error(
        "unit `{wanted}`: give a number (16), p and a number for a preambular paragraph (p8), or a unit as cited (art. 4, article IV, principle X, guideline B.8, art. 14.2, para. 16)"
    )]
    BadUnit { wanted: String },
    /// A query that cannot be parsed, or exceeds a limit.
    #[error("{0}")]
    BadQuery(String),
    /// A filter value that cannot be (a year outside any UN year).
    #[error("{0}")]
    BadFilter(String),
    /// There is no index yet and the caller asked not to build one.
    #[error("{}: no index yet", dir.display())]
    NoIndex { dir: PathBuf },
    /// The index's files are damaged; rebuilding it from the data folder repairs it.
    #[error("{}: the index is damaged ({why})", dir.display())]
    Damaged { dir: PathBuf, why: String },
    /// Another process holds the index's writer lock.
    #[error("{}: another unspace is updating the index", dir.display())]
    Busy { dir: PathBuf },
    /// The index folder cannot be written (permissions, a read-only mount, a full disk).
    #[error("{}: cannot write to the index folder ({why})", dir.display())]
    NotWritable { dir: PathBuf, why: String },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, with its context.
    #[error(transparent)]
    Other(anyhow::Error),
}

impl Error {
    /// The typed error inside an `anyhow` chain, or [`Error::Other`].
    pub fn from_anyhow(e: anyhow::Error) -> Error {
        match e.downcast::<Error>() {
            Ok(typed) => typed,
            Err(e) => match e.downcast::<crate::query::QueryError>() {
                Ok(q) => Error::BadQuery(q.to_string()),
                Err(e) => Error::Other(e),
            },
        }
    }

    /// True for errors in what the caller asked (a 4xx), false for the index's or
    /// the machine's (a 5xx).
    pub fn is_request_error(&self) -> bool {
        matches!(
            self,
            Error::UnknownDocument { .. }
                | Error::UnknownLanguage { .. }
                | Error::NotInLanguage { .. }
                | Error::NoSuchUnit { .. }
                | Error::BadUnit { .. }
                | Error::BadQuery(_)
                | Error::BadFilter(_)
        )
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        Error::from_anyhow(e)
    }
}

/// The whole message of an error, with the context of an [`Error::Other`] chain.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Other(inner) => format!("{inner:#}"),
        other => other.to_string(),
    }
}

/// A list for a message: the first dozen values, and how many more.
pub fn listed(values: &[String]) -> String {
    listed_up_to(values, 12)
}

/// A list for a message: the first `most` values, and how many more.
pub fn listed_up_to(values: &[String], most: usize) -> String {
    let mut out = values
        .iter()
        .take(most)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > most {
        out.push_str(&format!(", … ({} more)", values.len() - most));
    }
    if out.is_empty() {
        out.push_str("nothing yet");
    }
    out
}

fn existing(units: &[String]) -> String {
    if units.is_empty() {
        String::new()
    } else {
        format!("; it has: {}", listed_up_to(units, 500))
    }
}
