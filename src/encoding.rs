//! `--encoding`: text that is not UTF-8 is decoded to UTF-8 before it is searched, as ripgrep does.
//! By default only a UTF-16 byte-order mark turns decoding on (such files hold NUL bytes, so they
//! would otherwise be skipped as binary); a named encoding decodes every file, and a byte-order
//! mark still wins over it.

use std::io::Read;

use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// Decode files that start with a UTF-16 byte-order mark; read the rest as they are.
    #[default]
    Auto,
    /// Read every file as it is: a UTF-16 file is then binary.
    None,
    /// Decode every file from this encoding, unless a byte-order mark names another.
    Named(&'static encoding_rs::Encoding),
}

impl Encoding {
    /// `auto`, `none` or a WHATWG label (`utf-16le`, `latin1`, `shift_jis`, ...), any case; not the
    /// labels of WHATWG's `replacement` encoding (`iso-2022-kr`, ...), which decodes nothing.
    pub fn parse(name: &str) -> Result<Encoding, String> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Ok(Encoding::Auto),
            "none" => Ok(Encoding::None),
            label => encoding_rs::Encoding::for_label_no_replacement(label.as_bytes())
                .map(Encoding::Named)
                .ok_or_else(|| {
                    "not an encoding: give auto, none or a label such as utf-16le, utf-16be, latin1, \
                 shift_jis, euc-kr, gbk (the WHATWG Encoding Standard's names)"
                        .to_string()
                }),
        }
    }

    /// Whether a file whose first bytes are `head` is searched decoded. UTF-8 is never decoded: its
    /// byte-order mark is stepped over by the search itself.
    pub(crate) fn decodes(self, head: &[u8]) -> bool {
        match self {
            Encoding::None => false,
            Encoding::Auto => utf16_bom(head),
            Encoding::Named(encoding) => encoding != UTF_8 || utf16_bom(head),
        }
    }

    /// `reader`'s bytes decoded to UTF-8, for text whose first bytes are not known before it is read
    /// (standard input, a decompressed file): a byte-order mark is looked for as it is. Bytes that
    /// cannot be decoded become U+FFFD; with no encoding named and no byte-order mark, or with
    /// `none`, the bytes pass as they are.
    pub(crate) fn reader<R: Read>(self, reader: R) -> DecodeReaderBytes<R, Vec<u8>> {
        let named = match self {
            Encoding::Named(encoding) => Some(encoding),
            Encoding::Auto | Encoding::None => None,
        };
        DecodeReaderBytesBuilder::new()
            .encoding(named)
            .utf8_passthru(true)
            .bom_override(true)
            .bom_sniffing(self != Encoding::None)
            // A UTF-16 mark is taken out by the decoder; a UTF-8 one passes, for the search to step
            // over and count in offsets, as it does in a file read as it is.
            .strip_bom(false)
            .build(reader)
    }
}

/// Whether `head` starts with a UTF-16 byte-order mark, little- or big-endian.
fn utf16_bom(head: &[u8]) -> bool {
    encoding_rs::Encoding::for_bom(head).is_some_and(|(found, _)| found == UTF_16LE || found == UTF_16BE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(encoding: Encoding, bytes: &[u8]) -> Vec<u8> {
        let mut text = Vec::new();
        encoding.reader(bytes).read_to_end(&mut text).unwrap();
        text
    }

    #[test]
    fn a_utf16_byte_order_mark_turns_decoding_on() {
        let le = b"\xFF\xFEh\0i\0\n\0";
        let be = b"\xFE\xFF\0h\0i\0\n";
        for bytes in [le.as_slice(), be] {
            assert!(Encoding::Auto.decodes(bytes));
            assert!(!Encoding::None.decodes(bytes));
            assert_eq!(decoded(Encoding::Auto, bytes), b"hi\n");
        }
        assert!(!Encoding::Auto.decodes(b"\xEF\xBB\xBFutf-8"));
        assert!(!Encoding::Auto.decodes(b"plain"));
        // No mark: the bytes pass as they are, invalid UTF-8 included; a UTF-8 mark too.
        assert_eq!(decoded(Encoding::Auto, b"a\xFFb\n"), b"a\xFFb\n");
        assert_eq!(decoded(Encoding::Auto, b"\xEF\xBB\xBFa\n"), b"\xEF\xBB\xBFa\n");
        // `none`: no mark is looked for, or taken out.
        assert_eq!(decoded(Encoding::None, b"\xFF\xFEa\0"), b"\xFF\xFEa\0");
    }

    #[test]
    fn a_named_encoding_decodes_every_file_unless_a_mark_names_another() {
        let latin1 = Encoding::parse("Latin1").unwrap();
        assert!(latin1.decodes(b"caf\xE9"));
        assert_eq!(decoded(latin1, b"caf\xE9\n"), "café\n".as_bytes());
        assert_eq!(decoded(latin1, b"\xFF\xFEh\0"), b"h");
        let utf8 = Encoding::parse("utf-8").unwrap();
        assert!(!utf8.decodes(b"caf\xC3\xA9") && utf8.decodes(b"\xFF\xFEh\0"));
        assert_eq!(Encoding::parse("NONE"), Ok(Encoding::None));
        assert!(Encoding::parse("klingon").unwrap_err().contains("utf-16le"));
    }

    #[test]
    fn the_labels_of_the_replacement_encoding_are_refused() {
        for label in ["csiso2022kr", "iso-2022-kr", "hz-gb-2312", "replacement"] {
            assert!(Encoding::parse(label).is_err(), "{label}");
        }
    }
}
