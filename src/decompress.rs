//! `-z`: compressed files, known by their extension, read as the stream of their decompressed bytes
//! through decoders written in Rust (no external program is ever run).

mod lzw;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// The most memory a decoder may take for one file's window (zstd) or dictionary (xz), the limit
/// the `zstd` tool decompresses with by default; `xz -9` needs 65 MiB. A file that asks for more
/// is refused rather than allocated for.
const WINDOW_LIMIT: u64 = 128 << 20;

/// How much of the compressed file is read at a time.
const READ_SIZE: usize = 64 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Gzip,
    Bzip2,
    Xz,
    /// `.lzma`: xz's older format, LZMA alone.
    Lzma,
    Lz4,
    Zstd,
    Brotli,
    /// `.Z`: compress(1)'s LZW.
    Compress,
}

impl Format {
    /// The format a file's extension names, if any: the extensions ripgrep's `-z` knows for these
    /// formats.
    pub(crate) fn of(path: &Path) -> Option<Format> {
        Some(match path.extension()?.as_encoded_bytes() {
            b"gz" | b"tgz" => Format::Gzip,
            b"bz2" | b"tbz2" => Format::Bzip2,
            b"xz" | b"txz" => Format::Xz,
            b"lzma" => Format::Lzma,
            b"lz4" => Format::Lz4,
            b"zst" | b"zstd" => Format::Zstd,
            b"br" => Format::Brotli,
            b"Z" => Format::Compress,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::Lzma => "lzma",
            Format::Lz4 => "lz4",
            Format::Zstd => "zstd",
            Format::Brotli => "brotli",
            Format::Compress => "compress",
        }
    }
}

/// The decompressed bytes of `file`, compressed in `format`.
pub(crate) fn open(format: Format, file: File) -> Decoder<BufReader<File>> {
    Decoder::new(format, BufReader::with_capacity(READ_SIZE, file))
}

/// A reader of the decompressed bytes of a compressed stream. Concatenated streams (`cat a.gz b.gz`)
/// read as one, as the formats' own tools read them.
pub(crate) struct Decoder<R: BufRead> {
    format: Format,
    inner: Inner<R>,
}

enum Inner<R: BufRead> {
    Gzip(flate2::bufread::MultiGzDecoder<R>),
    Bzip2(bzip2::bufread::MultiBzDecoder<R>),
    Xz(Box<lzma_rust2::XzReader<R>>),
    Lzma(Lzma<R>),
    Lz4(Box<Lz4<R>>),
    Zstd(Box<Zstd<R>>),
    Brotli(Box<brotli_decompressor::Decompressor<R>>),
    Compress(Box<lzw::Lzw<R>>),
}

impl<R: BufRead> Decoder<R> {
    pub(crate) fn new(format: Format, source: R) -> Decoder<R> {
        let inner = match format {
            Format::Gzip => Inner::Gzip(flate2::bufread::MultiGzDecoder::new(source)),
            Format::Bzip2 => Inner::Bzip2(bzip2::bufread::MultiBzDecoder::new(source)),
            Format::Xz => {
                let limit_kib = (WINDOW_LIMIT >> 10) as u32;
                Inner::Xz(Box::new(lzma_rust2::XzReader::new_mem_limit(source, true, limit_kib)))
            }
            Format::Lzma => Inner::Lzma(Lzma::Header(Some(source))),
            Format::Lz4 => Inner::Lz4(Box::new(Lz4(lz4_flex::frame::FrameDecoder::new(source)))),
            Format::Zstd => Inner::Zstd(Box::new(Zstd::new(source))),
            Format::Brotli => {
                Inner::Brotli(Box::new(brotli_decompressor::Decompressor::new(source, READ_SIZE)))
            }
            Format::Compress => Inner::Compress(Box::new(lzw::Lzw::new(source))),
        };
        Decoder { format, inner }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = match &mut self.inner {
            Inner::Gzip(decoder) => decoder.read(buf),
            Inner::Bzip2(decoder) => decoder.read(buf),
            Inner::Xz(decoder) => decoder.read(buf),
            Inner::Lzma(decoder) => decoder.read(buf),
            Inner::Lz4(decoder) => decoder.read(buf),
            Inner::Zstd(decoder) => decoder.read(buf),
            Inner::Brotli(decoder) => decoder.read(buf),
            Inner::Compress(decoder) => decoder.read(buf),
        };
        // The file's own errors (EIO) are said as they are; the decoder's need the format named.
        read.map_err(|err| match err.raw_os_error() {
            Some(_) => err,
            None if err.kind() == io::ErrorKind::UnexpectedEof => {
                io::Error::new(err.kind(), format!("{} data cut short", self.format.name()))
            }
            None => io::Error::new(err.kind(), format!("not valid {} data: {err}", self.format.name())),
        })
    }
}

/// `.lzma`: its decoder reads the header when it is made, so it is made at the first read, whose
/// error a bad header then is.
enum Lzma<R> {
    Header(Option<R>),
    Body(Box<lzma_rust2::LzmaReader<R>>),
}

impl<R: BufRead> Read for Lzma<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Lzma::Header(source) = self {
            // (None only after a header that failed, reported by the read that met it.)
            let Some(source) = source.take() else { return Ok(0) };
            let limit_kib = (WINDOW_LIMIT >> 10) as u32;
            *self = Lzma::Body(Box::new(lzma_rust2::LzmaReader::new_mem_limit(source, limit_kib, None)?));
        }
        match self {
            Lzma::Body(decoder) => decoder.read(buf),
            Lzma::Header(_) => Ok(0),
        }
    }
}

/// lz4: the decoder's stream ends with each frame, and a file may hold several (`cat a.lz4 b.lz4`);
/// the next read starts the next frame.
struct Lz4<R: Read>(lz4_flex::frame::FrameDecoder<R>);

impl<R: BufRead> Read for Lz4<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let read = self.0.read(buf)?;
            if read > 0 || buf.is_empty() || self.0.get_mut().fill_buf()?.is_empty() {
                return Ok(read);
            }
        }
    }
}

/// Zstandard: the decoder reads one frame at a time, and a file may hold several (one per file
/// `zstd` compressed into it, many from `pzstd`) besides skippable frames, which hold no text.
struct Zstd<R> {
    source: R,
    frame: FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> Zstd<R> {
    fn new(source: R) -> Zstd<R> {
        let mut frame = FrameDecoder::new();
        frame.set_max_window_size(WINDOW_LIMIT);
        Zstd { source, frame, in_frame: false }
    }
}

impl<R: BufRead> Read for Zstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                while self.frame.can_collect() == 0 && !self.frame.is_finished() {
                    let strategy = BlockDecodingStrategy::UptoBlocks(1);
                    self.frame.decode_blocks(&mut self.source, strategy).map_err(invalid)?;
                }
                let read = self.frame.read(buf)?;
                if read > 0 {
                    return Ok(read);
                }
                // The frame is over and every byte of it read: its checksum, if it has one, is known.
                let stored = self.frame.get_checksum_from_data();
                if stored.is_some() && stored != self.frame.get_calculated_checksum() {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "checksum mismatch"));
                }
                self.in_frame = false;
            }
            if self.source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.frame.reset(&mut self.source) {
                Ok(()) => self.in_frame = true,
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let length = u64::from(length);
                    if io::copy(&mut (&mut self.source).take(length), &mut io::sink())? < length {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Err(err) => return Err(invalid(err)),
            }
        }
    }
}

/// The decoder's error as an `io::Error`: cut short when the source ran out, somewhere down its chain.
fn invalid(err: FrameDecoderError) -> io::Error {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(error) = cause {
        if error.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof) {
            return io::ErrorKind::UnexpectedEof.into();
        }
        cause = error.source();
    }
    io::Error::new(io::ErrorKind::InvalidData, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(format: Format, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Decoder::new(format, data).read_to_end(&mut out).map(|_| out)
    }

    fn zstd(text: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(text, ruzstd::encoding::CompressionLevel::Fastest)
    }

    #[test]
    fn formats_are_named_by_the_extension() {
        let of = |name: &str| Format::of(Path::new(name));
        assert_eq!(of("a/b.tar.gz"), Some(Format::Gzip));
        assert_eq!(of("b.tgz"), Some(Format::Gzip));
        assert_eq!(of("b.tbz2"), Some(Format::Bzip2));
        assert_eq!(of("b.txz"), Some(Format::Xz));
        assert_eq!(of("b.lz4"), Some(Format::Lz4));
        assert_eq!(of("b.zstd"), Some(Format::Zstd));
        assert_eq!(of("b.br"), Some(Format::Brotli));
        assert_eq!(of("b.Z"), Some(Format::Compress));
        assert_eq!(of("b.z"), None);
        for plain in ["gz", "a.gz/b", "a.GZ", "a.zip", "a.gzip", ".gz"] {
            assert_eq!(of(plain), None, "{plain}");
        }
    }

    #[test]
    fn zstd_reads_every_frame_and_skips_skippable_ones() {
        let mut data = zstd(b"one\n");
        // A skippable frame: magic 0x184D2A50..5F, its length, and that many bytes.
        data.extend_from_slice(&0x184D_2A53_u32.to_le_bytes());
        data.extend_from_slice(&3_u32.to_le_bytes());
        data.extend_from_slice(b"xyz");
        data.extend_from_slice(&zstd(b"two\n"));
        assert_eq!(decoded(Format::Zstd, &data).unwrap(), b"one\ntwo\n");
        assert_eq!(decoded(Format::Zstd, b"").unwrap(), b"");
    }

    #[test]
    fn corrupt_data_names_its_format() {
        let err = decoded(Format::Zstd, b"not zstd at all").unwrap_err();
        assert!(err.to_string().starts_with("not valid zstd data: "), "{err}");
        let mut cut = zstd(&b"a line of text\n".repeat(1000));
        cut.truncate(cut.len() / 2);
        assert_eq!(decoded(Format::Zstd, &cut).unwrap_err().to_string(), "zstd data cut short");
        for format in [Format::Gzip, Format::Bzip2, Format::Xz, Format::Lz4, Format::Brotli, Format::Compress]
        {
            let err = decoded(format, b"not compressed at all, no").unwrap_err();
            assert!(err.to_string().contains(format.name()), "{format:?}: {err}");
        }
    }
}
