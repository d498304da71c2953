//! The domain vocabulary every other module speaks: languages, unit references.
//! (The document model itself is [`crate::document`].)

pub mod language;
pub mod unit_ref;

pub use language::Language;
