//! The domain vocabulary every other module speaks: languages, the catalogue of
//! space-law instruments, citations and unit references. (The document model itself
//! is [`crate::document`].)

pub mod catalogue;
pub mod citation;
pub mod language;
pub mod unit_ref;

pub use language::Language;
