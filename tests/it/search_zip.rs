//! `-z/--search-zip`: compressed files searched as their decompressed text. The fixtures are made
//! with the encoders of the crates ba decodes with, so no compression tool is needed.

use std::io::Write;
use std::path::Path;

use crate::util::*;

const TEXT: &[u8] = b"one\ntwo hit\nthree\nhit four\n";

/// A compressor, and a file name for what it makes.
type Compressed = (&'static str, fn(&[u8]) -> Vec<u8>);

fn gzip(text: &[u8]) -> Vec<u8> {
    gzip_at(text, flate2::Compression::fast())
}

fn gzip_at(text: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

fn bzip2(text: &[u8]) -> Vec<u8> {
    let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

fn xz(text: &[u8]) -> Vec<u8> {
    let mut encoder = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).unwrap();
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

fn lzma(text: &[u8]) -> Vec<u8> {
    let options = lzma_rust2::LzmaOptions::with_preset(1);
    let mut encoder = lzma_rust2::LzmaWriter::new_use_header(Vec::new(), &options, None).unwrap();
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

fn lz4(text: &[u8]) -> Vec<u8> {
    let mut encoder = lz4_flex::frame::FrameEncoder::new(Vec::new());
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

fn zstd(text: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(text, ruzstd::encoding::CompressionLevel::Fastest)
}

/// `TEXT` in every format under each of its extensions, and as plain text.
fn compressed_tree(root: &Path) -> Vec<&'static str> {
    let files: [Compressed; 10] = [
        ("a.gz", gzip),
        ("a.tgz", gzip),
        ("b.bz2", bzip2),
        ("b.tbz2", bzip2),
        ("c.xz", xz),
        ("c.txz", xz),
        ("c.lzma", lzma),
        ("d.lz4", lz4),
        ("e.zst", zstd),
        ("e.zstd", zstd),
    ];
    for (name, compress) in files {
        write(root, name, compress(TEXT));
    }
    write(root, "plain.txt", TEXT);
    let mut names: Vec<&str> = files.iter().map(|(name, _)| *name).chain(["plain.txt"]).collect();
    names.sort();
    names
}

#[test]
fn every_format_is_searched_with_the_lines_of_its_text() {
    let dir = tempdir();
    let names = compressed_tree(dir.path());
    let expected: String =
        names.iter().map(|name| format!("{name}:2:two hit\n{name}:4:hit four\n")).collect();
    assert_output_eq!(stdout_ok(dir.path(), &["-z", "hit"], 0), expected);
    assert_output_eq!(stdout_ok(dir.path(), &["--search-zip", "-w", "1", "hit"], 0), expected);
    // Named on the command line too.
    assert_output_eq!(stdout_ok(dir.path(), &["-z", "-m", "four", "c.txz"], 0), "c.txz:4:four\n");
    // The summary counts the decompressed lines and bytes.
    let out = stdout_ok(dir.path(), &["-z", "--pretty", "--stats", "three"], 0);
    let files = names.len();
    let expected_summary =
        summary(files, files, 4 * files) + &format!("Bytes Searched: {}\n", TEXT.len() * files);
    assert!(without_duration(&out).contains(&expected_summary), "{out}");
}

/// `cat a.gz b.gz > ab.gz` holds two streams, which read as one text, as the formats' tools read them.
#[test]
fn concatenated_streams_read_as_one() {
    let dir = tempdir();
    let formats: [Compressed; 5] =
        [("a.gz", gzip), ("b.bz2", bzip2), ("c.xz", xz), ("d.lz4", lz4), ("e.zst", zstd)];
    let mut expected = String::new();
    for (name, compress) in formats {
        write(dir.path(), name, [compress(b"one\n"), compress(b"two hit\n")].concat());
        expected += &format!("{name}:2:two hit\n");
    }
    assert_output_eq!(stdout_ok(dir.path(), &["-z", "hit"], 0), expected);
}

#[test]
fn without_z_compressed_files_are_not_searched_as_text() {
    let dir = tempdir();
    compressed_tree(dir.path());
    assert_output_eq!(stdout_ok(dir.path(), &["hit"], 0), "plain.txt:2:two hit\nplain.txt:4:hit four\n");
    // Compressed data holds NUL bytes: binary, and found so while walking, and the summary says so.
    let out = stdout_ok(dir.path(), &["--pretty", "--stats", "hit"], 0);
    assert!(out.contains("Binary Files Skipped: 10 (-a searches them)\n"), "{out}");
}

#[test]
fn z_changes_nothing_for_files_that_are_not_compressed() {
    let dir = tempdir();
    write(dir.path(), "a.txt", TEXT);
    write(dir.path(), "b.bin", b"hit\0\n".as_slice());
    write(dir.path(), "c/gz", TEXT);
    write(dir.path(), "c/d.gz.txt", TEXT);
    write(dir.path(), "e.GZ", TEXT);
    for args in [&["hit"][..], &["--pretty", "--stats", "hit"], &["-m", "-w", "1", "t"], &["--files"]] {
        let plain = stdout_ok(dir.path(), args, 0);
        let with_z = stdout_ok(dir.path(), &[&["-z"][..], args].concat(), 0);
        assert_output_eq!(without_duration(&with_z), without_duration(&plain), "-z {args:?}");
    }
}

#[test]
fn the_decompressed_text_is_checked_for_binary_data() {
    let dir = tempdir();
    write(dir.path(), "bin.gz", gzip(b"hit\n\0\n"));
    write(dir.path(), "late.gz", gzip(&[&b"hit\n".repeat(100_000)[..], b"\0\nhit\n"].concat()));
    // Found while walking, as a plain file: skipped, and said so.
    std::fs::create_dir(dir.path().join("walked")).unwrap();
    std::fs::copy(dir.path().join("bin.gz"), dir.path().join("walked/bin.gz")).unwrap();
    std::fs::copy(dir.path().join("late.gz"), dir.path().join("walked/late.gz")).unwrap();
    let out = stdout_ok(dir.path(), &["-z", "--pretty", "--stats", "hit", "-d", "walked"], 0);
    assert!(out.contains("Binary Files Skipped: 1 (-a searches them)\n"), "{out}");
    // A NUL byte far on ends the text, as in a plain file.
    let out = stdout_ok(dir.path(), &["-z", "-p", "hit", "-d", "walked"], 0);
    assert_eq!(out.lines().count(), 100_000);
    // Named, as a plain file: its text before the NUL byte is shown, a hit after it said.
    assert_output_eq!(stdout_ok(dir.path(), &["-z", "-a", "hit", "bin.gz"], 0), "bin.gz:1:hit\n");
    let out = run(dir.path(), &["-z", "hit", "bin.gz"]);
    assert_output_eq!(stdout_of(&out), "bin.gz:1:hit\n");
    let out = run(dir.path(), &["-z", "hit", "late.gz"]);
    assert_eq!(stdout_of(&out).lines().count(), 100_000);
    assert!(stderr_of(&out).contains("late.gz: binary file matches"), "the hit after the NUL byte is said");
}

#[test]
fn a_corrupt_archive_is_reported_and_the_search_goes_on() {
    let dir = tempdir();
    write(dir.path(), "a.gz", gzip(TEXT));
    write(dir.path(), "bad.gz", "hit, but not gzip\n");
    let many: Vec<u8> = (0..20_000).flat_map(|i| format!("hit {i}\n").into_bytes()).collect();
    let mut cut = zstd(&many);
    cut.truncate(cut.len() / 2);
    write(dir.path(), "cut.zst", cut);
    let out = run(dir.path(), &["-z", "hit", "a.gz", "bad.gz", "cut.zst"]);
    assert_eq!(
        stderr_of(&out),
        "ba: bad.gz: not valid gzip data: invalid gzip header\nba: cut.zst: zstd data cut short\n"
    );
    assert!(stdout_of(&out).starts_with("a.gz:2:two hit\na.gz:4:hit four\n"), "{}", stdout_of(&out));
    assert_eq!(out.status.code(), Some(2), "an error, even if lines matched (grep's rule)");
    let out = run(dir.path(), &["-z", "hit", "bad.gz"]);
    assert_eq!((stdout_of(&out).as_str(), out.status.code()), ("", Some(2)));
}

#[test]
fn files_lists_compressed_files_with_or_without_z() {
    let dir = tempdir();
    let names = compressed_tree(dir.path());
    let listed = names.iter().map(|name| format!("{name}\n")).collect::<String>();
    assert_output_eq!(stdout_ok(dir.path(), &["-z", "--files"], 0), listed);
    assert_output_eq!(stdout_ok(dir.path(), &["--files"], 0), listed);
}

#[test]
fn replace_never_rewrites_a_compressed_file() {
    let dir = tempdir();
    let compressed = gzip(TEXT);
    write(dir.path(), "a.gz", &compressed);
    write(dir.path(), "b.txt", TEXT);
    let out = run(dir.path(), &["-z", "hit", "-r", "HIT"]);
    assert_eq!(stderr_of(&out), "ba: a.gz: compressed (searched with -z), not written\n");
    assert_output_eq!(stdout_of(&out), "b.txt:2:two HIT\nb.txt:4:HIT four\n");
    assert_eq!(out.status.code(), Some(2), "a file with matches was not written");
    assert_eq!(std::fs::read(dir.path().join("a.gz")).unwrap(), compressed);
    assert_eq!(std::fs::read(dir.path().join("b.txt")).unwrap(), b"one\ntwo HIT\nthree\nHIT four\n");
}

/// A compressed file bigger than the size above which plain files are cut into parts (16 MiB) is
/// searched whole: its parts could not be found without decompressing what comes before them.
#[test]
fn a_big_compressed_file_is_not_cut_into_parts() {
    let dir = tempdir();
    let line = format!("{}\n", "x".repeat(99));
    let mut text = line.repeat(170_000).into_bytes();
    // Lines 83,886 to 83,888 are around the first part's end (8 MiB).
    for at in [1, 83_885, 83_886, 83_887, 169_999] {
        text[at * 100..at * 100 + 3].copy_from_slice(b"hit");
    }
    // Stored, not compressed: the file is as big as its text, and its bytes are mostly that text, so
    // parts searched as they are would find the hits, at the wrong lines.
    let stored = gzip_at(&text, flate2::Compression::none());
    assert!(stored.len() > 16 << 20);
    write(dir.path(), "big.gz", stored);
    let out = stdout_ok(dir.path(), &["-z", "-w", "4", "-m", "hit"], 0);
    assert_output_eq!(
        out,
        "big.gz:2:hit\nbig.gz:83886:hit\nbig.gz:83887:hit\nbig.gz:83888:hit\nbig.gz:170000:hit\n"
    );
}
