//! Checks a PDF's structure before its pages are drawn, so that the shapes that
//! make `pdf-extract` (0.12) and `lopdf` (0.42) loop, recurse without end or
//! allocate without bound are refused at once with a message that says what is
//! wrong, instead of running into the PDF reader's time or memory limit
//! ([`super::pdf_worker`]). A work-around in this project, since the walk it guards
//! is upstream's:
//!
//! - a page whose `/Parent` chain loops (pdf-extract's inherited-attribute lookup
//!   has no cycle check);
//! - a page listed twice in the page tree (a `/Kids` array holding its own Pages
//!   node): read once;
//! - content that inflates past [`MAX_PAGE_CONTENT`] bytes on one page, counting a
//!   stream each time it is listed (one 10 MB stream listed 1,000 times);
//! - Form XObjects that draw themselves, nest deeper than [`MAX_FORM_DEPTH`], or are
//!   drawn more than [`MAX_FORM_DRAWS`] times on one page (nine levels of ten).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use anyhow::{Result, bail};
use pdf_extract::{Dictionary, Document, Object, ObjectId};

/// Bytes of decompressed content one page may hold.
pub const MAX_PAGE_CONTENT: u64 = 64 << 20;
/// How deep forms may nest.
pub const MAX_FORM_DEPTH: usize = 12;
/// How many forms one page may draw, counting each drawing.
pub const MAX_FORM_DRAWS: u64 = 20_000;
/// How many parents a page may have.
const MAX_TREE_DEPTH: usize = 64;

/// The pages to read, in order: each page object once. Fails, saying why, on a
/// structure that cannot be drawn in bounded time and memory.
pub fn pages_to_read(doc: &Document) -> Result<Vec<u32>> {
    let pages: BTreeMap<u32, ObjectId> = doc.get_pages();
    let mut seen = HashSet::new();
    let mut checker = Checker {
        doc,
        sizes: HashMap::new(),
        draws: HashMap::new(),
    };
    let mut out = Vec::new();
    for (&number, &id) in &pages {
        if !seen.insert(id) {
            continue;
        }
        checker.page(number, id)?;
        out.push(number);
    }
    Ok(out)
}

struct Checker<'a> {
    doc: &'a Document,
    /// Decompressed size of each stream seen (bounded by the page budget).
    sizes: HashMap<ObjectId, u64>,
    /// How many forms drawing each form draws, itself included.
    draws: HashMap<ObjectId, u64>,
}

impl<'a> Checker<'a> {
    fn page(&mut self, number: u32, id: ObjectId) -> Result<()> {
        let doc = self.doc;
        let page = dict(doc, id);
        // The parent chain, for a loop, and the resources it hands down.
        let mut resources = page.and_then(|p| self::resources(doc, p));
        let mut visited = HashSet::from([id]);
        let mut node = page;
        for _ in 0..=MAX_TREE_DEPTH {
            let Some(parent) = node
                .and_then(|d| d.get(b"Parent").ok())
                .and_then(|p| p.as_reference().ok())
            else {
                break;
            };
            if !visited.insert(parent) {
                bail!(
                    "is a damaged PDF: its page tree loops (page {number} has object {} {} among its own parents)",
                    parent.0,
                    parent.1
                );
            }
            node = dict(doc, parent);
            if resources.is_none() {
                resources = node.and_then(|d| self::resources(doc, d));
            }
        }
        if visited.len() > MAX_TREE_DEPTH {
            bail!(
                "is a damaged PDF: page {number} lies more than {MAX_TREE_DEPTH} levels deep in its page tree"
            );
        }
        let mut total = 0;
        for stream in self.doc.get_page_contents(id) {
            total += self.size(stream, number)?;
            if total > MAX_PAGE_CONTENT {
                bail!(
                    "is a PDF whose page {number} holds more than {} MB of content once inflated: it is not read",
                    MAX_PAGE_CONTENT >> 20
                );
            }
        }
        let streams = doc.get_page_contents(id);
        let content = self.content(&streams, number)?;
        let mut in_progress = Vec::new();
        let mut draws = 0;
        for name in drawn_names(&content) {
            if let Some(form) = resources.and_then(|r| self::form(doc, r, &name)) {
                draws += self.form_draws(form, number, &mut in_progress, resources)?;
                if draws > MAX_FORM_DRAWS {
                    return Err(too_many(number));
                }
            }
        }
        Ok(())
    }

    /// How many forms drawing `form` draws, itself included.
    fn form_draws(
        &mut self,
        form: ObjectId,
        page: u32,
        in_progress: &mut Vec<ObjectId>,
        inherited: Option<&'a Dictionary>,
    ) -> Result<u64> {
        if let Some(&n) = self.draws.get(&form) {
            return Ok(n);
        }
        if in_progress.contains(&form) {
            bail!(
                "is a PDF whose drawing never ends: on page {page} a form (object {} {}) draws itself",
                form.0,
                form.1
            );
        }
        if in_progress.len() >= MAX_FORM_DEPTH {
            bail!(
                "is a PDF whose forms nest more than {MAX_FORM_DEPTH} deep on page {page}: it is not read"
            );
        }
        in_progress.push(form);
        let doc = self.doc;
        let stream = doc.get_object(form).ok().and_then(|o| o.as_stream().ok());
        let own = stream.and_then(|s| {
            s.dict
                .get(b"Resources")
                .ok()
                .and_then(|r| deref(doc, r))
                .and_then(|r| r.as_dict().ok())
        });
        let resources = own.or(inherited);
        let content = self.content(&[form], page)?;
        let mut total: u64 = 1;
        for name in drawn_names(&content) {
            if let Some(child) = resources.and_then(|r| self::form(doc, r, &name)) {
                total += self.form_draws(child, page, in_progress, resources)?;
                if total > MAX_FORM_DRAWS {
                    return Err(too_many(page));
                }
            }
        }
        in_progress.pop();
        self.draws.insert(form, total);
        Ok(total)
    }

    /// A stream's decompressed size, inflating at most the page budget.
    fn size(&mut self, id: ObjectId, page: u32) -> Result<u64> {
        if let Some(&n) = self.sizes.get(&id) {
            return Ok(n);
        }
        let n = match self.doc.get_object(id).and_then(Object::as_stream) {
            Ok(stream) => inflated(stream, MAX_PAGE_CONTENT + 1)?
                .map_or(stream.content.len() as u64, |bytes| bytes.len() as u64),
            Err(_) => 0,
        };
        if n > MAX_PAGE_CONTENT {
            bail!(
                "is a PDF with a stream on page {page} that inflates past {} MB: it is not read",
                MAX_PAGE_CONTENT >> 20
            );
        }
        self.sizes.insert(id, n);
        Ok(n)
    }

    /// The decompressed content of streams (the page budget checked first).
    fn content(&mut self, ids: &[ObjectId], page: u32) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for &id in ids {
            self.size(id, page)?;
            if let Ok(stream) = self.doc.get_object(id).and_then(Object::as_stream) {
                match inflated(stream, MAX_PAGE_CONTENT + 1)? {
                    Some(bytes) => out.extend_from_slice(&bytes),
                    None => out.extend_from_slice(&stream.content),
                }
                out.push(b'\n');
            }
        }
        Ok(out)
    }
}

fn dict(doc: &Document, id: ObjectId) -> Option<&Dictionary> {
    doc.get_object(id).ok()?.as_dict().ok()
}

fn resources<'d>(doc: &'d Document, dict: &'d Dictionary) -> Option<&'d Dictionary> {
    let object = dict.get(b"Resources").ok()?;
    deref(doc, object)?.as_dict().ok()
}

fn deref<'d>(doc: &'d Document, mut object: &'d Object) -> Option<&'d Object> {
    for _ in 0..8 {
        match object {
            Object::Reference(id) => object = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

/// The Form XObject `/name` of `resources`.
fn form(doc: &Document, resources: &Dictionary, name: &[u8]) -> Option<ObjectId> {
    let xobjects = deref(doc, resources.get(b"XObject").ok()?)?
        .as_dict()
        .ok()?;
    let id = xobjects.get(name).ok()?.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let subtype = stream.dict.get(b"Subtype").ok()?.as_name().ok()?;
    (subtype == b"Form").then_some(id)
}

fn too_many(page: u32) -> anyhow::Error {
    anyhow::anyhow!(
        "is a PDF whose page {page} draws more than {MAX_FORM_DRAWS} forms (forms nested within forms): it is not read"
    )
}

/// A Flate stream's content inflated up to `cap` bytes; `None` for a stream with
/// another filter (or none), whose raw content stands.
fn inflated(stream: &pdf_extract::Stream, cap: u64) -> Result<Option<Vec<u8>>> {
    let filter = stream.dict.get(b"Filter").ok();
    let flate = match filter {
        Some(Object::Name(n)) => n == b"FlateDecode",
        Some(Object::Array(a)) => a.len() == 1 && a[0].as_name().is_ok_and(|n| n == b"FlateDecode"),
        _ => false,
    };
    if !flate {
        return Ok(None);
    }
    let mut out = Vec::new();
    let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
    // A damaged stream reads as far as it goes, as lopdf reads it.
    let _ = decoder.take(cap).read_to_end(&mut out);
    Ok(Some(out))
}

/// The names a content stream draws with `Do` (`/Fm1 Do`).
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut last_name: Option<&[u8]> = None;
    for token in content
        .split(|b| b.is_ascii_whitespace() || matches!(b, b'[' | b']' | b'<' | b'>' | b'(' | b')'))
        .filter(|t| !t.is_empty())
    {
        if let Some(name) = token.strip_prefix(b"/") {
            last_name = Some(name);
        } else if token == b"Do" {
            if let Some(name) = last_name.take() {
                out.push(name.to_vec());
            }
        } else {
            last_name = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_names_are_the_names_before_do() {
        let names = drawn_names(b"q 1 0 0 1 0 0 cm /Fm1 Do Q /Im0 Do\n/X Do");
        assert_eq!(names, [b"Fm1".to_vec(), b"Im0".to_vec(), b"X".to_vec()]);
        assert!(drawn_names(b"/F1 12 Tf (Do) Tj").is_empty());
    }
}
