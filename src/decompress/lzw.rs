//! `.Z`: the LZW stream of compress(1), decoded as gzip's `unlzw` decodes it.
//!
//! Codes are 9 to `max_bits` bits wide, least significant bit first. compress writes them in groups
//! of eight: when the width grows, or the table is cleared, the rest of the current group is
//! padding, skipped here as every decoder of the format skips it.

use std::io::{self, BufRead, Read};

/// The first two bytes of a `.Z` file.
const MAGIC: [u8; 2] = [0x1f, 0x9d];
/// In block mode, code 256 clears the table.
const CLEAR: u32 = 256;
const INIT_BITS: u32 = 9;

pub(super) struct Lzw<R> {
    source: R,
    /// Set once the header is read.
    header: Option<Header>,
    /// Bits read ahead of the codes taken, the next code in the lowest.
    bits: u64,
    held: u32,
    /// Bits taken since the group being read began.
    group_used: u64,
    width: u32,
    /// The next free table entry, and the highest code at this width.
    free: u32,
    max_code: u32,
    /// The table: each entry is its prefix's string and one byte more.
    prefix: Vec<u16>,
    suffix: Vec<u8>,
    /// The code before, and the first byte of its string.
    previous: Option<u32>,
    first_byte: u8,
    /// The string of the last code, backwards, and how much of it is given out.
    string: Vec<u8>,
    given: usize,
    ended: bool,
}

#[derive(Clone, Copy)]
struct Header {
    max_bits: u32,
    block_mode: bool,
}

impl<R: BufRead> Lzw<R> {
    pub(super) fn new(source: R) -> Lzw<R> {
        Lzw {
            source,
            header: None,
            bits: 0,
            held: 0,
            group_used: 0,
            width: INIT_BITS,
            free: 256,
            max_code: (1 << INIT_BITS) - 1,
            prefix: vec![0; 1 << 16],
            suffix: (0..=255).chain(std::iter::repeat_n(0, (1 << 16) - 256)).collect(),
            previous: None,
            first_byte: 0,
            string: Vec::new(),
            given: 0,
            ended: false,
        }
    }

    fn read_header(&mut self) -> io::Result<Header> {
        let mut bytes = [0; 3];
        self.source.read_exact(&mut bytes)?;
        let max_bits = u32::from(bytes[2] & 0x1f);
        if bytes[..2] != MAGIC || !(INIT_BITS..=16).contains(&max_bits) {
            return Err(corrupt("no compress header"));
        }
        let header = Header { max_bits, block_mode: bytes[2] & 0x80 != 0 };
        self.free = if header.block_mode { 257 } else { 256 };
        Ok(header)
    }

    /// The next `width` bits, or `None` at the end of the data.
    fn code(&mut self) -> io::Result<Option<u32>> {
        while self.held < self.width {
            let Some(&byte) = self.source.fill_buf()?.first() else { return Ok(None) };
            self.source.consume(1);
            self.bits |= u64::from(byte) << self.held;
            self.held += 8;
        }
        let code = (self.bits & ((1 << self.width) - 1)) as u32;
        self.bits >>= self.width;
        self.held -= self.width;
        self.group_used += u64::from(self.width);
        Ok(Some(code))
    }

    /// Skips the padding to the end of the group of eight codes being read.
    fn end_group(&mut self) -> io::Result<()> {
        let group = u64::from(self.width) * 8;
        let mut skip = (group - self.group_used % group) % group;
        while skip > 0 {
            if self.held == 0 {
                let Some(&byte) = self.source.fill_buf()?.first() else { break };
                self.source.consume(1);
                self.bits = u64::from(byte);
                self.held = 8;
            }
            let n = skip.min(u64::from(self.held)) as u32;
            self.bits >>= n;
            self.held -= n;
            skip -= u64::from(n);
        }
        self.group_used = 0;
        Ok(())
    }

    /// Decodes the next code into `string`; false at the end of the data.
    fn decode(&mut self, header: Header) -> io::Result<bool> {
        let table_end = 1 << header.max_bits;
        // (With 9 bits at most, the width still grows to 10 when the table is full, as compress
        // and gzip do.)
        if self.free > self.max_code {
            self.end_group()?;
            self.width += 1;
            self.max_code = if self.width == header.max_bits { table_end } else { (1 << self.width) - 1 };
        }
        let Some(code) = self.code()? else { return Ok(false) };
        self.string.clear();
        self.given = 0;
        let Some(previous) = self.previous else {
            if code > 255 {
                return Err(corrupt("a first code past the bytes"));
            }
            self.string.push(code as u8);
            self.first_byte = code as u8;
            self.previous = Some(code);
            return Ok(true);
        };
        if code == CLEAR && header.block_mode {
            self.end_group()?;
            self.free = 256;
            self.width = INIT_BITS;
            self.max_code = (1 << INIT_BITS) - 1;
            return Ok(true);
        }
        let mut at = code;
        if code >= self.free {
            // The string of the code being defined: the one before and its first byte.
            if code > self.free {
                return Err(corrupt("a code past the table"));
            }
            self.string.push(self.first_byte);
            at = previous;
        }
        while at > 255 {
            // A chain longer than the table can only come of corrupt data (a loop).
            if self.string.len() > table_end as usize {
                return Err(corrupt("a code loops"));
            }
            self.string.push(self.suffix[at as usize]);
            at = u32::from(self.prefix[at as usize]);
        }
        self.first_byte = at as u8;
        self.string.push(self.first_byte);
        if self.free < table_end {
            self.prefix[self.free as usize] = previous as u16;
            self.suffix[self.free as usize] = self.first_byte;
            self.free += 1;
        }
        self.previous = Some(code);
        Ok(true)
    }
}

impl<R: BufRead> Read for Lzw<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let header = match self.header {
            Some(header) => header,
            None => {
                let header = self.read_header()?;
                self.header = Some(header);
                header
            }
        };
        while self.given == self.string.len() {
            if self.ended || buf.is_empty() || !self.decode(header)? {
                self.ended = true;
                return Ok(0);
            }
        }
        // The string is held backwards.
        let left = self.string.len() - self.given;
        let n = left.min(buf.len());
        for (out, &byte) in buf[..n].iter_mut().zip(self.string[..left].iter().rev()) {
            *out = byte;
        }
        self.given += n;
        Ok(n)
    }
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    /// compress(1)'s encoder, as ncompress writes: codes in groups of eight, the rest of a group
    /// padded when the width grows or the table is cleared (`clear_when_full`: a CLEAR code as soon
    /// as the table is full).
    fn compress(text: &[u8], max_bits: u32, clear_when_full: bool) -> Vec<u8> {
        struct Bits {
            out: Vec<u8>,
            acc: u64,
            held: u32,
            group_used: u64,
            width: u32,
        }
        impl Bits {
            fn put(&mut self, code: u32) {
                self.acc |= u64::from(code) << self.held;
                self.held += self.width;
                self.group_used += u64::from(self.width);
                while self.held >= 8 {
                    self.out.push(self.acc as u8);
                    self.acc >>= 8;
                    self.held -= 8;
                }
            }
            fn end_group(&mut self) {
                let group = u64::from(self.width) * 8;
                let pad = (group - self.group_used % group) % group;
                for _ in 0..pad {
                    self.held += 1;
                    if self.held == 8 {
                        self.out.push(self.acc as u8);
                        (self.acc, self.held) = (0, 0);
                    }
                }
                self.group_used = 0;
            }
        }
        let table_end = 1u32 << max_bits;
        let mut bits =
            Bits { out: vec![0x1f, 0x9d, 0x80 | max_bits as u8], acc: 0, held: 0, group_used: 0, width: 9 };
        let (mut free, mut max_code) = (257u32, 511u32);
        let mut table: HashMap<(u32, u8), u32> = HashMap::new();
        let Some((&first, rest)) = text.split_first() else { return bits.out };
        let mut ent = u32::from(first);
        let output = |bits: &mut Bits, code: u32, free: u32, max_code: &mut u32| {
            bits.put(code);
            if code == CLEAR {
                bits.end_group();
                bits.width = 9;
                *max_code = 511;
            } else if free > *max_code {
                bits.end_group();
                bits.width += 1;
                *max_code = if bits.width == max_bits { table_end } else { (1 << bits.width) - 1 };
            }
        };
        for &byte in rest {
            if let Some(&code) = table.get(&(ent, byte)) {
                ent = code;
                continue;
            }
            output(&mut bits, ent, free, &mut max_code);
            if free < table_end {
                table.insert((ent, byte), free);
                free += 1;
            } else if clear_when_full {
                output(&mut bits, CLEAR, free, &mut max_code);
                table.clear();
                free = 257;
            }
            ent = u32::from(byte);
        }
        output(&mut bits, ent, free, &mut max_code);
        if bits.held > 0 {
            bits.out.push(bits.acc as u8);
        }
        bits.out
    }

    fn decoded(data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Lzw::new(data).read_to_end(&mut out).map(|_| out)
    }

    /// Text with enough repeats and enough variety to fill a 16-bit table.
    fn text(len: usize) -> Vec<u8> {
        let words = ["fn ", "main", "(", ")", " {\n", "let ", "x", " = ", "42", ";\n", "}\n", "ba", "\t"];
        let mut state = 0x2545_f491_u64;
        let mut text = Vec::with_capacity(len + 8);
        while text.len() < len {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let pick = (state >> 33) as usize;
            text.extend_from_slice(words[pick % words.len()].as_bytes());
            if pick.is_multiple_of(7) {
                text.push(b'a' + (pick % 26) as u8);
            }
        }
        text
    }

    /// gzip's own decoder of `.Z`, where gzip is installed.
    fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
        let mut child = Command::new("gzip")
            .args(["-d", "-c"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let data = data.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&data));
        let out = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        out.status.success().then_some(out.stdout)
    }

    #[test]
    fn decodes_what_compress_writes_at_every_width_and_after_clears() {
        for (len, max_bits, clear) in [
            (0, 16, false),
            (1, 16, false),
            (5_000, 16, false),
            (600_000, 16, false),
            (300_000, 12, true),
            (300_000, 9, false),
        ] {
            let text = text(len);
            let data = compress(&text, max_bits, clear);
            assert_eq!(decoded(&data).unwrap(), text, "{len} bytes, {max_bits} bits");
            if let Some(theirs) = gunzip(&data) {
                assert_eq!(theirs, text, "gzip -d on our .Z of {len} bytes, {max_bits} bits");
            }
        }
    }

    #[test]
    fn bad_data_is_an_error_never_a_panic() {
        assert_eq!(decoded(b"\x1f\x8b\x08").unwrap_err().to_string(), "no compress header");
        assert_eq!(decoded(b"\x1f\x9d").unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(decoded(b"\x1f\x9d\x90\xff\xff").unwrap_err().to_string(), "a first code past the bytes");
        let data = compress(&text(50_000), 16, false);
        for cut in [3, 100, data.len() / 2] {
            // Cut short: the codes before the cut, whatever they make.
            let _ = decoded(&data[..cut]);
        }
        let mut state = 7u64;
        for _ in 0..200 {
            let mut noise = vec![0x1f, 0x9d, 0x8c];
            for _ in 0..2_000 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                noise.push((state >> 56) as u8);
            }
            let _ = decoded(&noise);
        }
    }
}
