//! Sparse files: the holes a file system keeps for the stretches never written, which read as NUL
//! bytes. `lseek`'s `SEEK_HOLE` and `SEEK_DATA` say where they are, so that a search steps over
//! them instead of reading gigabytes of zeros.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};

/// Where the first hole at or after `at`, the file's offset, starts: the file's size when it has
/// none (every file ends in a hole, as `SEEK_HOLE` sees it), or `None` when the file system cannot
/// tell. The offset is left at `at`.
pub(crate) fn hole_after(file: &mut File, at: u64) -> io::Result<Option<u64>> {
    let hole = rustix::fs::seek(&*file, rustix::fs::SeekFrom::Hole(at)).ok();
    file.seek(SeekFrom::Start(at))?;
    Ok(hole)
}
