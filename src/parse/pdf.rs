//! The PDF source: a PDF's pages → lines placed on the page, with their size.
//!
//! `pdf-extract` walks each page's content stream and reports every glyph with its
//! text matrix, its font size and its advance; this module keeps what the page
//! model needs from that: where each glyph stands and how big it is, and the short
//! horizontal strokes that rule off footnotes. Lines are built by position, not by
//! stream order (Word writes a page's footer first): glyphs that share a baseline
//! form a line, a raised smaller glyph (a footnote marker) joins the line it is
//! raised from, and a space is put where the PDF has a space glyph or where the gap
//! between two glyphs is wider than a fraction of their size — never between two
//! Chinese characters.
//!
//! Pages are read one by one, each behind `catch_unwind`: a page the extractor
//! cannot read (or panics on) is reported and skipped, and the rest of the
//! document is still read. A PDF that cannot be opened, that is encrypted, or that
//! has pages but no text on any of them is refused with one message saying why.
//! [`super::pdf_layout`] turns the lines into the text the page model reads.

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Result, bail};
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

/// One glyph: its baseline origin (y measured down from the top of the page), its
/// advance and size in points, and its text.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    advance: f64,
    size: f64,
    text: String,
}

/// One line of a page, placed: its baseline (y down from the top), its left and
/// right ends, the size most of its characters have, and its text.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PdfLine {
    pub y: f64,
    pub x0: f64,
    pub x1: f64,
    pub size: f64,
    pub text: String,
}

/// A horizontal stroke or thin filled rectangle (a footnote rule, an underline).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub y: f64,
    pub x0: f64,
    pub x1: f64,
}

/// One page: its size and its lines, top to bottom.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PdfPage {
    pub width: f64,
    pub height: f64,
    pub lines: Vec<PdfLine>,
    pub rules: Vec<Rule>,
}

/// A PDF read into pages, and the pages that could not be read.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PdfPages {
    pub pages: Vec<PdfPage>,
    pub warnings: Vec<String>,
}

/// Collects one page's glyphs and rules.
#[derive(Default)]
struct Collector {
    height: f64,
    width: f64,
    top: f64,
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    /// The pages finished so far.
    done: Vec<PdfPage>,
    /// Pages that drew more than [`MAX_GLYPHS`] characters (the rest not kept).
    crowded: Vec<usize>,
}

/// The most characters kept from one page: a printed page holds a few thousand; a
/// page that draws a million (a hostile one) is cut here, not held in memory.
const MAX_GLYPHS: usize = 100_000;

impl Collector {
    /// The page collected so far, placed into lines; the collector is left empty.
    fn page(&mut self) -> PdfPage {
        PdfPage {
            width: self.width,
            height: self.height,
            lines: lines(std::mem::take(&mut self.glyphs)),
            rules: std::mem::take(&mut self.rules),
        }
    }

    /// Keeps the horizontal pieces of a path: thin rectangles and level lines.
    fn path(&mut self, ctm: &Transform, path: &Path) {
        let at = |x: f64, y: f64| {
            (
                ctm.m11 * x + ctm.m21 * y + ctm.m31,
                self.top - (ctm.m12 * x + ctm.m22 * y + ctm.m32),
            )
        };
        let mut last = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => last = Some(at(x, y)),
                PathOp::LineTo(x, y) => {
                    let (x1, y1) = at(x, y);
                    if let Some((x0, y0)) = last
                        && (y1 - y0).abs() < 1.0
                        && (x1 - x0).abs() > 20.0
                    {
                        self.rules.push(Rule {
                            y: y0,
                            x0: x0.min(x1),
                            x1: x0.max(x1),
                        });
                    }
                    last = Some((x1, y1));
                }
                PathOp::Rect(x, y, w, h) => {
                    let (xa, ya) = at(x, y);
                    let (xb, yb) = at(x + w, y + h);
                    if (yb - ya).abs() < 2.5 && (xb - xa).abs() > 20.0 {
                        self.rules.push(Rule {
                            y: (ya + yb) / 2.0,
                            x0: xa.min(xb),
                            x1: xa.max(xb),
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.top = media_box.ury;
        self.height = media_box.ury - media_box.lly;
        self.width = media_box.urx - media_box.llx;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        let page = self.page();
        self.done.push(page);
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        if self.glyphs.len() >= MAX_GLYPHS {
            let page = self.done.len() + 1;
            if self.crowded.last() != Some(&page) {
                self.crowded.push(page);
            }
            return Ok(());
        }
        // The scale of the text matrix: the glyph's size is the font size times it.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        if !(size.is_finite() && trm.m31.is_finite() && trm.m32.is_finite()) || text.is_empty() {
            return Ok(());
        }
        self.glyphs.push(Glyph {
            x: trm.m31,
            y: self.top - trm.m32,
            advance: width * size,
            size,
            text: text.to_owned(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path);
        Ok(())
    }
}

/// The text of a panic, for the message that names the page.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    match detail {
        Some(d) if !d.is_empty() => format!("the PDF reader stopped at: {d}"),
        _ => "the PDF reader stopped".to_owned(),
    }
}

/// True for the bytes of a PDF: they start with `%PDF-`, or, in a file named
/// `.pdf`, hold it in their first kilobyte (some writers put a few bytes before it).
pub fn is_pdf(bytes: &[u8], path: &std::path::Path) -> bool {
    let named = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    bytes.starts_with(b"%PDF-")
        || (named
            && bytes[..bytes.len().min(1024)]
                .windows(5)
                .any(|w| w == b"%PDF-"))
}

/// Reads a PDF's pages. Fails, saying why, when the file cannot be opened as a PDF,
/// is encrypted, or has no text layer; a page that fails is a warning.
pub fn read(bytes: &[u8]) -> Result<PdfPages> {
    let loaded = catch_unwind(|| pdf_extract::Document::load_mem(bytes));
    let mut doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => bail!("is a damaged or truncated PDF: it cannot be opened ({e})"),
        Err(p) => bail!(
            "is a damaged or truncated PDF: it cannot be opened ({})",
            panic_text(p.as_ref())
        ),
    };
    if doc.is_encrypted() {
        // A PDF protected only against editing opens with the empty password.
        let opened = catch_unwind(AssertUnwindSafe(|| doc.decrypt("")));
        if !matches!(opened, Ok(Ok(()))) {
            bail!(
                "is an encrypted PDF: it needs a password to open; save a copy without the password"
            );
        }
    }
    let total = doc.get_pages().len();
    // Each page object once, and only a structure that can be drawn in bounded time
    // and memory (a page tree that loops, a form that draws itself are refused).
    let numbers = super::pdf_guard::pages_to_read(&doc)?;
    if numbers.is_empty() {
        bail!("is a damaged PDF: it has no pages");
    }
    let mut out = PdfPages::default();
    let mut failed = Vec::new();
    // The whole document in one pass (pdf-extract looks the page tree up again for
    // every page it is asked for alone, which grows with the square of the pages);
    // page by page only when that fails, so that one bad page costs only itself.
    let mut whole = Collector::default();
    let one_pass = numbers.len() == total
        && matches!(
            catch_unwind(AssertUnwindSafe(|| pdf_extract::output_doc(
                &doc, &mut whole
            ))),
            Ok(Ok(()))
        )
        && whole.done.len() == total;
    if one_pass {
        crowded(&mut out.warnings, &whole.crowded);
        out.pages = whole.done;
    } else {
        for &n in &numbers {
            let mut collector = Collector::default();
            let result = catch_unwind(AssertUnwindSafe(|| {
                pdf_extract::output_doc_page(&doc, &mut collector, n)
            }));
            let why = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(p) => Some(panic_text(p.as_ref())),
            };
            if let Some(why) = why {
                failed.push(n);
                out.warnings
                    .push(format!("page {n} could not be read ({why}); skipped"));
                if collector.glyphs.is_empty() {
                    continue;
                }
                let page = collector.page();
                out.pages.push(page);
                continue;
            }
            if !collector.crowded.is_empty() {
                crowded(&mut out.warnings, &[out.pages.len() + 1]);
            }
            out.pages.extend(collector.done);
        }
    }
    let chars: usize = out
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if (failed.len() == numbers.len() || chars == 0) && uses_type3_fonts(&doc) {
        bail!(
            "is a PDF whose text is set in Type3 fonts (letters drawn as small pictures, with no mapping to characters): unspace cannot read its text; index a text export of it (pdftotext) instead"
        );
    }
    if failed.len() == numbers.len() {
        bail!(
            "is a damaged PDF: none of its {} pages could be read",
            numbers.len()
        );
    }
    if chars == 0 {
        if let Some(page) = page_with_unreadable_content(&doc) {
            bail!(
                "is a damaged PDF: the content of page {page} cannot be read (a stream whose length or object cannot be resolved)"
            );
        }
        bail!(
            "has no text layer (a scanned image?): {} carr{} no text; run OCR on it first",
            if numbers.len() == 1 {
                "its one page".to_owned()
            } else {
                format!("its {} pages", numbers.len())
            },
            if numbers.len() == 1 { "ies" } else { "y" }
        );
    }
    Ok(out)
}

/// The first page whose `/Contents` names something the PDF does not hold as a
/// stream (an object lopdf could not load: a `/Length` that refers to itself, say).
fn page_with_unreadable_content(doc: &pdf_extract::Document) -> Option<u32> {
    use pdf_extract::Object;
    // A stream's length is a number, or a reference that leads to one.
    let length_resolves = |stream: &pdf_extract::Stream| {
        let mut length = match stream.dict.get(b"Length") {
            Ok(l) => l,
            Err(_) => return true,
        };
        for _ in 0..8 {
            match length {
                Object::Integer(_) => return true,
                Object::Reference(id) => match doc.get_object(*id) {
                    Ok(next) => length = next,
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
        false
    };
    let is_stream = |object: &Object| {
        let stream = match object {
            Object::Reference(id) => doc.get_object(*id).and_then(Object::as_stream),
            other => other.as_stream(),
        };
        stream.is_ok_and(length_resolves)
    };
    doc.get_pages().into_iter().find_map(|(number, id)| {
        let page = doc.get_object(id).ok()?.as_dict().ok()?;
        let contents = page.get(b"Contents").ok()?;
        let listed = match contents {
            Object::Reference(r) => match doc.get_object(*r) {
                Ok(Object::Array(items)) => items.iter().all(is_stream),
                _ => is_stream(contents),
            },
            Object::Array(items) => items.iter().all(is_stream),
            other => is_stream(other),
        };
        (!listed).then_some(number)
    })
}

/// A warning for pages cut at [`MAX_GLYPHS`] characters.
fn crowded(warnings: &mut Vec<String>, pages: &[usize]) {
    for page in pages {
        warnings.push(format!(
            "page {page} draws more than {MAX_GLYPHS} characters; the rest of it is not read"
        ));
    }
}

/// True when the PDF has a font of subtype Type3.
fn uses_type3_fonts(doc: &pdf_extract::Document) -> bool {
    doc.objects.values().any(|object| {
        let dict = match object {
            pdf_extract::Object::Dictionary(d) => d,
            pdf_extract::Object::Stream(s) => &s.dict,
            _ => return false,
        };
        dict.get(b"Subtype")
            .and_then(pdf_extract::Object::as_name)
            .is_ok_and(|n| n == b"Type3")
    })
}

/// Chinese, Japanese and full-width characters: no space is put between two of them.
fn is_wide(c: char) -> bool {
    crate::analysis::is_cjk(c)
        || super::text::is_cjk_punct(c)
        || ('\u{3000}'..='\u{30FF}').contains(&c)
}

/// The gap, as a fraction of the size, above which two glyphs are two words; with a
/// space glyph between them, a smaller gap will do. In-word gaps measured on the UN
/// handbook stay under 0.03 of the size; word spaces are 0.19 or more.
const WORD_GAP: f64 = 0.15;
const SPACE_GAP: f64 = 0.08;

/// Builds lines from glyphs: clustered by baseline, raised small glyphs joined to
/// the line below them, each line ordered left to right, glyphs printed twice
/// (fake bold) once.
fn lines(mut glyphs: Vec<Glyph>) -> Vec<PdfLine> {
    glyphs.retain(|g| g.size > 0.5);
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Clusters of glyphs on one baseline (within a fifth of their size).
    let mut clusters: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match clusters.last_mut() {
            Some(c) if (g.y - c[0].y).abs() <= 0.2 * g.size.max(c[0].size) => c.push(g),
            _ => clusters.push(vec![g]),
        }
    }
    // A cluster of smaller glyphs raised over the baseline below it (a superscript
    // marker) belongs to that line.
    let mut merged: Vec<Vec<Glyph>> = Vec::new();
    let mut k = 0;
    while k < clusters.len() {
        let size = median_size(&clusters[k]);
        if let Some(next) = clusters.get(k + 1) {
            let below = median_size(next);
            let rise = next[0].y - clusters[k][0].y;
            let (x0, x1) = extent(next);
            let inside = clusters[k]
                .iter()
                .all(|g| g.x >= x0 - below && g.x <= x1 + below);
            let text_len: usize = clusters[k].iter().map(|g| g.text.chars().count()).sum();
            if size < below * 0.85 && rise > 0.0 && rise < below * 0.75 && inside && text_len <= 6 {
                let mut joined = std::mem::take(&mut clusters[k]);
                joined.append(&mut clusters[k + 1]);
                clusters[k + 1] = joined;
                k += 1;
                continue;
            }
        }
        merged.push(std::mem::take(&mut clusters[k]));
        k += 1;
    }
    merged
        .into_iter()
        .filter(|c| !c.is_empty())
        .flat_map(split_wide_gaps)
        .filter_map(line_of)
        .collect()
}

fn median_size(glyphs: &[Glyph]) -> f64 {
    let mut sizes: Vec<f64> = glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .map(|g| g.size)
        .collect();
    if sizes.is_empty() {
        return glyphs.first().map_or(0.0, |g| g.size);
    }
    sizes.sort_by(f64::total_cmp);
    sizes[sizes.len() / 2]
}

fn extent(glyphs: &[Glyph]) -> (f64, f64) {
    let x0 = glyphs.iter().map(|g| g.x).fold(f64::INFINITY, f64::min);
    let x1 = glyphs
        .iter()
        .map(|g| g.x + g.advance)
        .fold(f64::NEG_INFINITY, f64::max);
    (x0, x1)
}

/// A baseline cluster cut where the gap is many times the size: text set apart on
/// one level (a running head at the left, a page number at the right).
fn split_wide_gaps(mut cluster: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    cluster.sort_by(|a, b| a.x.total_cmp(&b.x));
    let size = median_size(&cluster);
    let mut out: Vec<Vec<Glyph>> = vec![Vec::new()];
    let mut end = f64::NEG_INFINITY;
    for g in cluster {
        if g.text.trim().is_empty() {
            if let Some(last) = out.last_mut() {
                last.push(g);
            }
            continue;
        }
        if g.x - end > size * 8.0 && out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
        }
        end = end.max(g.x + g.advance);
        if let Some(last) = out.last_mut() {
            last.push(g);
        }
    }
    out
}

/// One line's text: glyphs left to right, spaces from space glyphs and gaps.
fn line_of(glyphs: Vec<Glyph>) -> Option<PdfLine> {
    let size = median_size(&glyphs);
    let mut text = String::new();
    let mut end: Option<f64> = None;
    let mut last_char = ' ';
    let baseline = {
        // The baseline of the line's own glyphs, not of its raised markers.
        let mut ys: Vec<f64> = glyphs
            .iter()
            .filter(|g| g.size >= size * 0.9)
            .map(|g| g.y)
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.get(ys.len() / 2).copied().unwrap_or(glyphs[0].y)
    };
    // Fake bold: the same glyph printed again a hair to the right.
    let mut kept: Vec<&Glyph> = Vec::with_capacity(glyphs.len());
    for g in &glyphs {
        let again = kept
            .last()
            .is_some_and(|k| k.text == g.text && (g.x - k.x).abs() < g.size * 0.1);
        if !again {
            kept.push(g);
        }
    }
    // A footnote marker: a digit set smaller and raised above the baseline.
    let superscript = |g: &Glyph| {
        g.size < size * 0.85
            && baseline - g.y > size * 0.15
            && g.text.chars().all(|c| c.is_ascii_digit())
    };
    // A space glyph counts only where it opens a gap: typesetters also put spaces
    // that take no room (`inter national` is printed with one before the `n`).
    let mut spaced = false;
    for (i, g) in kept.iter().enumerate() {
        if g.text.chars().all(char::is_whitespace) {
            spaced = true;
            continue;
        }
        let first = g.text.chars().next().unwrap_or(' ');
        let sup = superscript(g);
        let sup_starts = sup && (i == 0 || !superscript(kept[i - 1]));
        let after_sup = !sup && i > 0 && superscript(kept[i - 1]);
        if let Some(e) = end {
            let gap = (g.x - e) / g.size.max(size * 0.8);
            let threshold = if spaced { SPACE_GAP } else { WORD_GAP };
            // A marker before punctuation (`Unies6,` in French) is set apart from
            // its word, as the page model reads a marker: `Unies 6,`.
            let before_punct = sup_starts
                && kept[i..]
                    .iter()
                    .find(|k| !superscript(k))
                    .is_some_and(|k| k.text.starts_with([',', '.', ';', ':', ')']));
            // A note's number glued to its text (`1United Nations`) is set apart.
            let after_number = after_sup && first.is_alphabetic();
            if (gap > threshold && !(is_wide(last_char) && is_wide(first)))
                || ((before_punct || after_number) && last_char.is_alphabetic())
                || (after_number && text.chars().all(|c| c.is_ascii_digit()))
            {
                text.push(' ');
            }
        }
        spaced = false;
        text.push_str(&g.text);
        last_char = g.text.chars().last().unwrap_or(first);
        end = Some(g.x + g.advance);
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return None;
    }
    let (x0, x1) = extent(&glyphs);
    Some(PdfLine {
        y: baseline,
        x0,
        x1,
        size,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` set from `x` on baseline `y` in `size`, one per character,
    /// each as wide as half its size; `gaps` adds space before the characters at
    /// those indices.
    fn run(text: &str, x: f64, y: f64, size: f64, gaps: &[(usize, f64)]) -> Vec<Glyph> {
        let mut at = x;
        let mut out = Vec::new();
        for (i, c) in text.chars().enumerate() {
            at += gaps.iter().find(|g| g.0 == i).map_or(0.0, |g| g.1);
            out.push(Glyph {
                x: at,
                y,
                advance: size * 0.5,
                size,
                text: c.to_string(),
            });
            at += size * 0.5;
        }
        out
    }

    fn texts(glyphs: Vec<Glyph>) -> Vec<String> {
        lines(glyphs).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn spaces_come_from_gaps_not_from_space_glyphs_that_take_no_room() {
        // "inter national": a space glyph printed where the next letter stands.
        let mut glyphs = run("inter", 0.0, 100.0, 10.0, &[]);
        glyphs.push(Glyph {
            x: 25.0,
            y: 100.0,
            advance: 2.0,
            size: 10.0,
            text: " ".into(),
        });
        glyphs.extend(run("national law", 25.0, 100.0, 10.0, &[(8, 2.0)]));
        assert_eq!(texts(glyphs), ["international law"]);
        // A gap wider than a word space without any space glyph.
        assert_eq!(
            texts(run("Outerspace", 0.0, 50.0, 10.0, &[(5, 3.0)])),
            ["Outer space"]
        );
        // Kerning inside a word is no space.
        assert_eq!(
            texts(run("Официальные", 0.0, 50.0, 10.0, &[(10, 0.4)])),
            ["Официальные"]
        );
    }

    #[test]
    fn chinese_never_gets_spaces_and_lines_are_ordered_by_position() {
        let mut glyphs = run("外层空间", 0.0, 200.0, 10.0, &[(2, 4.0)]);
        // The footer is written first, as Word does; the body line above it after.
        let mut footer = run("V.24-22756", 0.0, 800.0, 7.0, &[]);
        footer.append(&mut glyphs);
        assert_eq!(texts(footer), ["外层空间", "V.24-22756"]);
    }

    #[test]
    fn a_raised_smaller_marker_joins_its_line_and_is_set_before_punctuation() {
        let mut glyphs = run("Unies", 0.0, 100.0, 10.0, &[]);
        glyphs.push(Glyph {
            x: 25.0,
            y: 96.0,
            advance: 3.0,
            size: 6.0,
            text: "6".into(),
        });
        glyphs.extend(run(", adoptée", 28.0, 100.0, 10.0, &[(1, 2.0)]));
        assert_eq!(texts(glyphs), ["Unies 6, adoptée"]);
        // Glued to a word before a space: kept glued, as a text extract prints it.
        let mut glyphs = run("Bodies", 0.0, 100.0, 10.0, &[]);
        glyphs.push(Glyph {
            x: 30.0,
            y: 96.0,
            advance: 3.0,
            size: 6.0,
            text: "1".into(),
        });
        glyphs.extend(run(" and", 33.0, 100.0, 10.0, &[(1, 2.5)]));
        assert_eq!(texts(glyphs), ["Bodies1 and"]);
    }

    #[test]
    fn a_glyph_printed_twice_for_bold_is_read_once() {
        let mut glyphs = run("Article", 0.0, 100.0, 12.0, &[]);
        glyphs.extend(run("Article", 0.3, 100.0, 12.0, &[]));
        assert_eq!(texts(glyphs), ["Article"]);
    }

    #[test]
    fn what_is_not_a_readable_pdf_says_why() {
        let err = |bytes: &[u8]| format!("{:#}", read(bytes).unwrap_err());
        assert!(err(b"%PDF-1.7\n%garbage").contains("damaged or truncated PDF"));
        assert!(err(b"%PDF-").contains("damaged or truncated PDF"));
        let name = std::path::Path::new("x.pdf");
        assert!(is_pdf(b"%PDF-1.4\n", name));
        assert!(is_pdf(b"\xEF\xBB\xBF%PDF-1.4\n", name));
        assert!(!is_pdf(
            b"\xEF\xBB\xBF%PDF-1.4\n",
            std::path::Path::new("x.txt")
        ));
        assert!(!is_pdf(b"The General Assembly,", name));
    }
}
