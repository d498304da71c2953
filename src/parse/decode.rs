//! Bytes → text. UN text files arrive as UTF-8 (with or without BOM), UTF-16 or
//! UTF-32 (with a BOM, or without one when the NUL bytes show it), or GB18030/GBK
//! (older Chinese files). A UTF-8 text with a few stray bytes is read as UTF-8, the
//! bad bytes replaced and reported by offset. Line endings become `\n` whether they
//! were `\r\n` or `\r`. Anything else is refused with a reason, so that the caller
//! can name the file and move on to the next one.

use anyhow::{Result, bail};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// A decoded text and what the decoder had to repair.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// E.g. bytes that were not UTF-8, with their offsets.
    pub warnings: Vec<String>,
}

/// Decodes a document's bytes into text, or says why they are not a text we can read.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    let mut warnings = Vec::new();
    let text = if bytes.starts_with(b"%PDF-") {
        bail!(
            "is binary: a PDF, which unspace does not read yet; put its text in a .txt file (pdftotext -enc UTF-8)"
        );
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(rest, 3, &mut warnings)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\0\0") {
        utf32(rest, false).ok_or_else(|| invalid("UTF-32 byte-order mark", "UTF-32"))?
    } else if let Some(rest) = bytes.strip_prefix(b"\0\0\xFE\xFF") {
        utf32(rest, true).ok_or_else(|| invalid("UTF-32 byte-order mark", "UTF-32"))?
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        utf16(bytes, encoding).ok_or_else(|| invalid("UTF-16 byte-order mark", "UTF-16"))?
    } else if bytes.contains(&0) {
        match without_bom(bytes) {
            Some(text) => text,
            None => bail!(
                "is binary, not text (it contains NUL bytes, and is not UTF-16 or UTF-32 text either)"
            ),
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => not_quite_utf8(bytes, &mut warnings)?,
        }
    };
    if text.trim().is_empty() {
        bail!("is empty: it contains no text");
    }
    // A few stray controls (BEL after section letters in pdftotext output) are
    // harmless; a text made of them is binary.
    // Counted only in a text that may hold one (most hold none): a byte below a space
    // other than white space, DEL, or the first byte of U+0080–U+009F.
    let may_hold_control = text.bytes().enumerate().any(|(i, b)| {
        (b < 0x20 && !(0x09..=0x0D).contains(&b))
            || b == 0x7F
            || (b == 0xC2 && text.as_bytes().get(i + 1).is_some_and(|&n| n < 0xA0))
    });
    let controls = if may_hold_control {
        text.chars()
            .filter(|c| c.is_control() && !c.is_whitespace())
            .count()
    } else {
        0
    };
    if controls > 0 && controls * 20 > text.chars().count() {
        bail!("is binary, not text ({controls} control characters)");
    }
    Ok(Decoded {
        text: unix_line_ends(text),
        warnings,
    })
}

fn invalid(what: &str, encoding: &str) -> anyhow::Error {
    anyhow::anyhow!("starts with a {what} but is not valid {encoding}")
}

/// `\r\n` and a lone `\r` (old Mac files) both end a line.
fn unix_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// UTF-8 after a BOM of `offset` bytes, repaired like a text without one.
fn utf8(bytes: &[u8], offset: usize, warnings: &mut Vec<String>) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(_) => match lossy_utf8(bytes, offset, warnings) {
            Some(text) => Ok(text),
            None => bail!("starts with a UTF-8 byte-order mark but is mostly not UTF-8"),
        },
    }
}

/// A text that is not valid UTF-8: GB18030 when it really reads as Chinese in it and
/// not in UTF-8; UTF-8 with the bad bytes replaced when they are few.
fn not_quite_utf8(bytes: &[u8], warnings: &mut Vec<String>) -> Result<String> {
    let (valid_non_ascii, bad) = utf8_stats(bytes);
    if valid_non_ascii < bad
        && let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes)
        && looks_chinese(&text)
    {
        return Ok(text.into_owned());
    }
    match lossy_utf8(bytes, 0, warnings) {
        Some(text) => Ok(text),
        None => bail!(
            "is neither UTF-8, UTF-16, UTF-32 nor GB18030/GBK text ({bad} bytes are not UTF-8, the first at byte {}); convert it to UTF-8",
            first_bad(bytes)
        ),
    }
}

/// Non-ASCII characters that are valid UTF-8, and bytes that are not.
fn utf8_stats(bytes: &[u8]) -> (usize, usize) {
    let mut valid_non_ascii = 0;
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        valid_non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += chunk.invalid().len();
    }
    (valid_non_ascii, bad)
}

fn first_bad(bytes: &[u8]) -> usize {
    std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to())
}

/// How many stray bytes a text may hold and still be read, whatever its size (a
/// short file with one stray byte is read as a long one is).
const STRAY_BYTES: usize = 3;

/// UTF-8 with its few bad bytes replaced by U+FFFD and reported; `None` when they are
/// not few: more than [`STRAY_BYTES`] (or one in ten characters), and more than 1 in
/// 200 characters unless valid non-ASCII text outweighs them four to one.
fn lossy_utf8(bytes: &[u8], offset: usize, warnings: &mut Vec<String>) -> Option<String> {
    let (valid_non_ascii, bad) = utf8_stats(bytes);
    let chars = bytes.len() - bad;
    let stray = bad <= STRAY_BYTES && bad * 10 <= chars;
    if !stray && bad * 200 > chars && valid_non_ascii < bad * 4 {
        return None;
    }
    let mut places = Vec::new();
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            places.push(at + offset);
        }
        at += chunk.invalid().len();
    }
    let shown: Vec<String> = places.iter().take(5).map(|p| p.to_string()).collect();
    let more = if places.len() > 5 {
        format!(" and {} more places", places.len() - 5)
    } else {
        String::new()
    };
    warnings.push(format!(
        "not valid UTF-8 at byte {}{more}: read as UTF-8, {bad} bad byte{} replaced by U+FFFD",
        shown.join(", "),
        if bad == 1 { "" } else { "s" }
    ));
    Some(String::from_utf8_lossy(bytes).into_owned())
}

fn utf16(bytes: &[u8], encoding: &'static Encoding) -> Option<String> {
    let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn utf32(bytes: &[u8], big_endian: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    bytes
        .chunks_exact(4)
        .map(|unit| {
            let unit: [u8; 4] = unit.try_into().ok()?;
            let value = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(value)
        })
        .collect()
}

/// UTF-32 or UTF-16 without a byte-order mark, told by where the NUL bytes fall (in
/// the high bytes of mostly small code points).
fn without_bom(bytes: &[u8]) -> Option<String> {
    let units = |size: usize, at: &[usize]| {
        bytes
            .chunks_exact(size)
            .filter(|u| at.iter().all(|&i| u[i] == 0))
            .count()
    };
    if bytes.len().is_multiple_of(4) {
        let n = bytes.len() / 4;
        if units(4, &[2, 3]) * 10 >= n * 9 {
            return utf32(bytes, false);
        }
        if units(4, &[0, 1]) * 10 >= n * 9 {
            return utf32(bytes, true);
        }
    }
    if bytes.len().is_multiple_of(2) {
        let n = bytes.len() / 2;
        let (high_le, high_be) = (units(2, &[1]), units(2, &[0]));
        // Mostly ASCII or mostly Chinese: either way one side of every unit is
        // often NUL and the other almost never.
        if high_le * 4 >= n && high_be * 50 <= n {
            return utf16(bytes, UTF_16LE);
        }
        if high_be * 4 >= n && high_le * 50 <= n {
            return utf16(bytes, UTF_16BE);
        }
    }
    None
}

/// GB18030 decodes almost any byte string; accept it only when the result reads as
/// Chinese (mostly CJK ideographs among the non-ASCII characters).
fn looks_chinese(text: &str) -> bool {
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    let han = text
        .chars()
        .filter(|&c| {
            crate::analysis::is_cjk(c)
                || ('\u{3000}'..='\u{303F}').contains(&c)
                || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        })
        .count();
    // And enough of it: an English text with one stray byte decodes in GB18030 to
    // one ideograph among thousands of letters, which is not a Chinese text.
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    non_ascii > 0 && han * 10 >= non_ascii * 9 && han * 20 >= chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_accepted_encodings() {
        let text = "空间碎片 space debris\n";
        assert_eq!(decode(text.as_bytes()).unwrap().text, text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().text, text);
        for (enc, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                let pair = if enc == UTF_16LE {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                };
                bytes.extend_from_slice(&pair);
            }
            assert_eq!(decode(&bytes).unwrap().text, text);
            // Without the byte-order mark, told by its NUL bytes.
            assert_eq!(decode(&bytes[2..]).unwrap().text, text);
        }
        for big_endian in [false, true] {
            let mut bytes: Vec<u8> = if big_endian {
                vec![0, 0, 0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE, 0, 0]
            };
            for c in text.chars() {
                let v = c as u32;
                bytes.extend(if big_endian {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                });
            }
            assert_eq!(decode(&bytes).unwrap().text, text);
            assert_eq!(decode(&bytes[4..]).unwrap().text, text);
        }
        let (gbk, _, _) = GB18030.encode("和平利用外层空间方面的国际合作");
        assert_eq!(decode(&gbk).unwrap().text, "和平利用外层空间方面的国际合作");
        assert_eq!(
            decode(b"one\rtwo\r\nthree").unwrap().text,
            "one\ntwo\nthree"
        );
    }

    #[test]
    fn refuses_binary_and_empty_input() {
        assert!(decode(b"").unwrap_err().to_string().contains("empty"));
        assert!(decode(b" \n\n ").unwrap_err().to_string().contains("empty"));
        assert!(
            decode(b"PK\x03\x04\x00\x00")
                .unwrap_err()
                .to_string()
                .contains("binary")
        );
        let latin1 = b"r\xe9solution \xe0 l'\xe9tude \xff\xfe\xfd";
        assert!(decode(latin1).is_err());
    }

    #[test]
    fn a_few_stray_bytes_leave_utf8_as_utf8() {
        let text = "La Commission D\u{e9}cide que les d\u{e9}bris spatiaux ".repeat(20);
        let mut bytes = text.as_bytes().to_vec();
        bytes.insert(10, 0xE9);
        let decoded = decode(&bytes).unwrap();
        assert!(decoded.text.contains("Décide"), "{}", decoded.text);
        assert!(!decoded.text.contains('茅'));
        assert_eq!(decoded.warnings.len(), 1);
        assert!(
            decoded.warnings[0].contains("byte 10"),
            "{:?}",
            decoded.warnings
        );
        let mut bytes = "Recognizing the importance ".repeat(10).into_bytes();
        bytes.extend_from_slice(b"Decides \xE9tat and more text here");
        assert!(decode(&bytes).unwrap().text.contains('\u{FFFD}'));
        assert!(
            decode(b"%PDF-1.7\n...")
                .unwrap_err()
                .to_string()
                .contains("PDF")
        );
    }
}
