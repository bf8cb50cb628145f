//! Text encodings of exported lists: UTF-8 (with or without BOM), GB18030/GBK, UTF-16.
//!
//! County offices export from Excel or WPS on Chinese-locale Windows, which writes CSV in
//! the ANSI code page 936 (GBK) unless told otherwise; platforms write UTF-8, often with a
//! BOM. GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
//!
//! Detection ([`Encoding::Auto`]): a UTF-16 BOM selects UTF-16; a UTF-8 BOM selects UTF-8;
//! otherwise bytes that are valid UTF-8 are UTF-8 (pure ASCII is the same in every
//! candidate), and anything else is decoded as GB18030. The misreading this can cause —
//! GB18030 bytes that happen to form valid UTF-8 — needs every non-ASCII character of the
//! file to pair up into valid UTF-8 sequences. Long Chinese text essentially never does,
//! but a short list whose only Chinese is a value such as 女 (GBK `C5 AE`, UTF-8 `Ů`)
//! does: valid UTF-8 whose every non-ASCII character is a Latin or IPA letter standing
//! apart from plain letters, and whose GB18030 reading is all Chinese, is read as
//! GB18030 (see `gbk_in_disguise`; `Müller` or `Łódź` stay UTF-8). Pass
//! [`Encoding::Gb18030`] to be certain.
//!
//! Decoding never replaces bytes: malformed input is an [`Error::Encoding`] naming the
//! line and byte offset, not text with `�` in it (a mangled id would silently fail to
//! match). Linear in the input; borrows when the input is already UTF-8 without a BOM.

use std::borrow::Cow;

use crate::error::Error;

/// The encoding of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// UTF-16 or UTF-8 by BOM, else UTF-8 if valid, else GB18030.
    #[default]
    Auto,
    /// UTF-8; a BOM is skipped.
    Utf8,
    /// GB18030 (also reads GBK and GB2312); a file starting with a UTF-8 BOM is read as
    /// UTF-8 all the same.
    Gb18030,
}

impl Encoding {
    /// Parses `auto`, `utf-8`/`utf8`, `gb18030`/`gbk`/`gb2312` (ASCII case-insensitive).
    pub fn parse(s: &str) -> Option<Encoding> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Some(Encoding::Gb18030),
            _ => None,
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` as text in `encoding`. `file` names the input in errors.
///
/// # Errors
/// [`Error::Encoding`] if the bytes are not valid text in the encoding (for `Auto`: not
/// valid UTF-8 and not valid GB18030).
pub fn decode<'a>(bytes: &'a [u8], encoding: Encoding, file: &str) -> Result<Cow<'a, str>, Error> {
    match encoding {
        Encoding::Utf8 => utf8(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes), file),
        // A UTF-8 BOM is stronger evidence than the caller's guess (as in the WHATWG
        // decode algorithm): such a file is UTF-8.
        Encoding::Gb18030 => match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => utf8(rest, file),
            None => gb18030(bytes, file),
        },
        Encoding::Auto => {
            if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
                let rest = &bytes[bom_len..];
                if enc == encoding_rs::UTF_8 {
                    return utf8(rest, file);
                }
                return enc
                    .decode_without_bom_handling_and_without_replacement(rest)
                    .ok_or_else(|| Error::Encoding {
                        file: file.to_owned(),
                        message: format!("not valid {} text", enc.name().to_ascii_lowercase()),
                    });
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => Ok(match gbk_in_disguise(s) {
                    Some(text) => Cow::Owned(text),
                    None => Cow::Borrowed(s),
                }),
                Err(_) => gb18030(bytes, file).map_err(|e| match e {
                    Error::Encoding { file, message } => Error::Encoding {
                        file,
                        message: format!("not valid utf-8, and {message}"),
                    },
                    other => other,
                }),
            }
        }
    }
}

/// The GB18030 reading of `text`, if `text` is valid UTF-8 only by accident: GBK bytes
/// of a few Chinese characters that happen to pair into two-byte UTF-8 sequences
/// (女 is `C5 AE` in GBK, which is `Ů` in UTF-8; of the taxonomy's Chinese aliases it is
/// the only one). A short list whose only Chinese is such a value is then valid UTF-8.
///
/// The rule is conservative; all of these must hold:
/// 1. the UTF-8 reading has non-ASCII characters, all of them letters in
///    U+0080..=U+02AF (Latin-1, Latin Extended-A and -B, IPA: where the GBK lead bytes
///    `C2` to `CA` land; a symbol such as `°` or `×` keeps the text UTF-8), and none is
///    next to an ASCII letter: in real Latin text an accented letter sits inside a word
///    with plain letters (`Müller`, `Łódź`, `José`), while a Chinese value fills its
///    cell alone (`,Ů,`);
/// 2. the bytes are valid GB18030, and every non-ASCII character of that reading is a
///    CJK ideograph (U+4E00..=U+9FFF).
///
/// Otherwise (Greek, Cyrillic or Arabic text, any CJK in the UTF-8 reading, a Latin
/// letter inside a word) the text stays UTF-8. Linear in the text.
fn gbk_in_disguise(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii() {
            if !('\u{80}'..='\u{2AF}').contains(&c) || !c.is_alphabetic() {
                return None;
            }
            let next = chars.peek().copied().unwrap_or(' ');
            if prev.is_ascii_alphabetic() || next.is_ascii_alphabetic() {
                return None;
            }
        }
        prev = c;
    }
    let gb = encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(text.as_bytes())?;
    gb.chars()
        .filter(|c| !c.is_ascii())
        .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        .then(|| gb.into_owned())
}

fn utf8<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, str>, Error> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        Error::Encoding {
            file: file.to_owned(),
            message: format!(
                "not valid utf-8 at line {}, byte {at} (try the gb18030 encoding)",
                line_of(bytes, at)
            ),
        }
    })
}

fn gb18030<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, str>, Error> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            // Locate the first malformed sequence for the message.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(bytes.len() * 3 + 16);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            let at = match result {
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    read.saturating_sub(usize::from(bad) + usize::from(extra))
                }
                _ => read,
            }
            .min(bytes.len());
            Error::Encoding {
                file: file.to_owned(),
                message: format!(
                    "not valid gb18030 at line {}, byte {at}",
                    line_of(bytes, at)
                ),
            }
        })
}

/// 1-based line number of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        let text = "need_id,category\nN1,助医\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode(&gbk, Encoding::Auto, "f").unwrap(), text);
        assert_eq!(decode(&gbk, Encoding::Gb18030, "f").unwrap(), text);
        let err = decode(&gbk, Encoding::Utf8, "f").unwrap_err().to_string();
        assert!(
            err.starts_with("f: not valid utf-8 at line 2, byte 20"),
            "{err}"
        );

        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(text.as_bytes());
        for enc in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
            assert_eq!(decode(&bom, enc, "f").unwrap(), text, "{enc:?}");
        }

        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16, Encoding::Auto, "f").unwrap(), text);

        // 0xFF is valid in neither.
        let garbage = b"a,b\nxy\xFF\n";
        let err = decode(garbage, Encoding::Auto, "f")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "f: not valid utf-8, and not valid gb18030 at line 2, byte 6"
        );
        let err = decode(garbage, Encoding::Gb18030, "f")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "f: not valid gb18030 at line 2, byte 6");
    }

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        bytes.into_owned()
    }

    #[test]
    fn gbk_that_happens_to_be_utf8_is_read_as_gb18030() {
        // 女 in GBK is C5 AE, valid UTF-8 for "Ů": the file would read as UTF-8.
        let text = "need_id,household_id,region,category,consent,gender\n\
                    U1,H1,610122001001,emergency,true,女\n";
        let bytes = gbk(text);
        let as_utf8 = std::str::from_utf8(&bytes).unwrap();
        assert!(as_utf8.contains('Ů'));
        assert_eq!(decode(&bytes, Encoding::Auto, "f").unwrap(), text);
        // Two such cells, quoted, at the end of the file without a line break.
        let text = "id,a,b\n1,\"女\",女女";
        assert_eq!(decode(&gbk(text), Encoding::Auto, "f").unwrap(), text);
        // Asked for UTF-8, it stays UTF-8.
        assert_eq!(decode(&bytes, Encoding::Utf8, "f").unwrap(), as_utf8);
    }

    #[test]
    fn utf8_latin_text_stays_utf8() {
        for text in [
            "id,name\n1,Müller\n",
            "id,city\n1,Łódź\n",
            "id,name\n1,José\n2,Ångström\n",
            "id,note\n1,37°\n",
            "id,note\n1,2×3\n",
            "id,name\n1,Αθήνα\n",
            "id,name\n1,Москва\n",
            "id,name\n1,女\n",
            "id,name\n1,Ů,Müller\n",
        ] {
            assert_eq!(
                decode(text.as_bytes(), Encoding::Auto, "f").unwrap(),
                text,
                "{text}"
            );
        }
    }

    /// Every Chinese alias of the taxonomy, alone in a GBK file, reads back.
    #[test]
    fn every_alias_alone_in_gbk_reads_back() {
        use crate::taxonomy::{
            Category, DeclineReason, DeclinedBy, Form, Gender, GovProgram, OutcomeStatus,
            ProviderKind, Status, Term, Urgency,
        };
        fn zh<T: Term>() -> Vec<&'static str> {
            T::ALL.iter().map(|v| v.zh()).collect()
        }
        let mut aliases = vec!["是", "否"];
        aliases.extend(zh::<Status>());
        aliases.extend(zh::<Category>());
        aliases.extend(zh::<Form>());
        aliases.extend(zh::<Urgency>());
        aliases.extend(zh::<Gender>());
        aliases.extend(zh::<GovProgram>());
        aliases.extend(zh::<ProviderKind>());
        aliases.extend(zh::<OutcomeStatus>());
        aliases.extend(zh::<DeclinedBy>());
        aliases.extend(zh::<DeclineReason>());
        for alias in aliases {
            let text = format!("id,value\n1,{alias}\n");
            assert_eq!(
                decode(&gbk(&text), Encoding::Auto, "f").unwrap(),
                text,
                "{alias}"
            );
        }
    }
}
