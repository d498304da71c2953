//! unspace: full-text search over UN space-affairs texts.
//!
//! The pipeline runs one way, one module a stage:
//!
//! files in `data/` → [`parse`] (the [`document`] model) → [`analysis`] (tokenizers)
//! → [`index`] (tantivy, kept up to date with `data/`) → [`search`] (query → ranked
//! hits, plain data) → [`render`] (terminal text or JSON, to any writer).
//!
//! Searching never prints and rendering never searches; [`app`] wires the stages to
//! the command line.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod data;
pub mod document;
pub mod index;
pub mod parse;
pub mod query;
pub mod ranked;
pub mod render;
pub mod search;
pub mod trace;
pub mod word_phrase;
