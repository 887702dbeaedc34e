//! What a search came to: the counts the printer keeps, the exit code they make, and the summary
//! block the terminal format ends with.

use std::io::{self, Write};
use std::time::Duration;

use crate::config::Config;
use crate::exit_code::ExitCode;
use crate::pipeline::SilentFiles;
use crate::print::format::FileTotals;

#[derive(Default, Debug)]
pub(crate) struct Summary {
    pub(crate) files_searched: u64,
    pub(crate) files_matched: u64,
    pub(crate) lines_searched: u64,
    pub(crate) bytes_searched: u64,
    pub(crate) binary_skipped: u64,
    /// Files whose text ended at a NUL byte after their first lines (the rest was not searched).
    pub(crate) binary_cut: u64,
    /// `-r`: files rewritten (or, with --dry-run, to rewrite) and matches replaced.
    pub(crate) files_changed: u64,
    pub(crate) replacements: u64,
    /// `-r`: a file with matches could not be written.
    pub(crate) write_failed: bool,
    /// Files the index ruled out, not read.
    pub(crate) ruled_out: u64,
}

impl Summary {
    /// Counts files that printed nothing (or that the index ruled out, as their searches would
    /// have counted them).
    pub(crate) fn count_silent(&mut self, files: &SilentFiles) {
        self.files_searched += files.files - files.binary;
        self.binary_skipped += files.binary;
        self.binary_cut += files.cut;
        self.lines_searched += files.lines;
        self.bytes_searched += files.bytes;
    }

    /// `listing_misses`: with `--files-without-match`, success is a file listed (one without a
    /// match), as GNU grep says.
    pub(crate) fn exit_code(&self, listing_misses: bool) -> ExitCode {
        let found =
            if listing_misses { self.files_searched > self.files_matched } else { self.files_matched > 0 };
        ExitCode::of_search(found, crate::messages::errored(), self.write_failed)
    }

    /// `--stats` in the formats for programs: ripgrep's block, after a blank line.
    pub(crate) fn write_stats(
        &self,
        out: &mut impl Write,
        totals: &FileTotals,
        bytes_printed: u64,
        elapsed: Duration,
    ) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "{} matches", totals.matches)?;
        writeln!(out, "{} matched lines", totals.hit_lines)?;
        writeln!(out, "{} files contained matches", self.files_matched)?;
        writeln!(out, "{} files searched", self.files_searched)?;
        writeln!(out, "{bytes_printed} bytes printed")?;
        writeln!(out, "{} bytes searched", self.bytes_searched)?;
        // The searchers' own time is not kept apart: the whole search's is given for both.
        writeln!(out, "{:.6} seconds spent searching", elapsed.as_secs_f64())?;
        writeln!(out, "{:.6} seconds total", elapsed.as_secs_f64())
    }

    /// The block under the hits: Files Searched, Files Matched, Lines Searched, what `-r` changed,
    /// what `--stats` adds, and the Duration.
    pub(crate) fn write(&self, out: &mut impl Write, config: &Config, elapsed: Duration) -> io::Result<()> {
        writeln!(out, "---------------")?;
        writeln!(out, "Files Searched: {}", thousands(self.files_searched))?;
        writeln!(out, "Files Matched: {}", thousands(self.files_matched))?;
        writeln!(out, "Lines Searched: {}", thousands(self.lines_searched))?;
        if let Some(replace) = &config.replace {
            let note = if replace.dry_run { " (dry run: nothing was written)" } else { "" };
            writeln!(out, "Files Changed: {}{note}", thousands(self.files_changed))?;
            writeln!(out, "Replacements: {}", thousands(self.replacements))?;
        }
        // What binary data kept from being searched is never hidden.
        if self.binary_skipped > 0 {
            writeln!(out, "Binary Files Skipped: {} (-a searches them)", thousands(self.binary_skipped))?;
        }
        if self.binary_cut > 0 {
            writeln!(
                out,
                "Files Cut Short by Binary Data: {} (-a searches them)",
                thousands(self.binary_cut)
            )?;
        }
        if config.output.stats {
            writeln!(out, "Bytes Searched: {}", thousands(self.bytes_searched))?;
            if config.index.is_some() {
                writeln!(out, "Files Ruled Out by the Index: {}", thousands(self.ruled_out))?;
            }
        }
        writeln!(out, "Duration: {:.3}s", elapsed.as_secs_f64())
    }
}

/// 78114 -> "78,114".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(35738977), "35,738,977");
    }
}
