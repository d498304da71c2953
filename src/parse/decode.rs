//! Bytes → text. UN text files arrive as UTF-8 (with or without BOM), UTF-16
//! with BOM, or GB18030/GBK (older Chinese files). Anything else is refused with
//! a reason, so that the caller can name the file and move on to the next one.

use anyhow::{Result, bail};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Decodes a document's bytes into text, or says why they are not a text we can read.
pub fn decode(bytes: &[u8]) -> Result<String> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => s.to_owned(),
            Err(e) => bail!("starts with a UTF-8 byte-order mark but is not valid UTF-8 ({e})"),
        }
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        if had_errors {
            bail!("starts with a UTF-16 byte-order mark but is not valid UTF-16");
        }
        text.into_owned()
    } else if bytes.contains(&0) {
        bail!("is binary, not text (it contains NUL bytes)");
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_owned()
    } else {
        match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) if looks_chinese(&text) => text.into_owned(),
            _ => bail!("is neither UTF-8, UTF-16 with a byte-order mark, nor GB18030/GBK text"),
        }
    };
    if text.trim().is_empty() {
        bail!("is empty: it contains no text");
    }
    // A few stray controls (BEL after section letters in pdftotext output) are
    // harmless; a text made of them is binary.
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    if controls > 0 && controls * 20 > text.chars().count() {
        bail!("is binary, not text ({controls} control characters)");
    }
    Ok(text)
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
    non_ascii > 0 && han * 10 >= non_ascii * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_accepted_encodings() {
        let text = "空间碎片 space debris\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), text);
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
            assert_eq!(decode(&bytes).unwrap(), text);
        }
        let (gbk, _, _) = GB18030.encode("和平利用外层空间方面的国际合作");
        assert_eq!(decode(&gbk).unwrap(), "和平利用外层空间方面的国际合作");
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
}
