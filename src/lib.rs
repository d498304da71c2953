//! unspace: full-text search over UN space-affairs texts.
//!
//! The pipeline runs one way, one module a stage:
//!
//! files in `data/` → [`parse`] (the [`document`] model) → [`analysis`] (tokenizers)
//! → [`index`] (tantivy, kept up to date with `data/`) → [`search`] (query → ranked
//! hits, plain data) → [`render`] (terminal text or JSON, to any writer).
//!
//! Searching never prints and rendering never searches. The [`engine`] is the API
//! over the stages (open once, refresh, search, show, trace, list), with typed
//! [`error`]s; the command line ([`cli`]) is one face of it.

pub mod analysis;
pub mod cli;
pub mod data;
pub mod document;
pub mod engine;
pub mod error;
pub mod export;
pub mod index;
pub mod model;
pub mod parse;
pub mod query;
pub mod render;
pub mod search;
pub mod trace;
pub mod web;
