//! The exit status, named.

/// What `ba` tells the shell. Ctrl-C is not among them: ba then dies by the signal itself (see
/// `interrupt`), so that a calling shell or script stops too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// A line matched (or, with `--files`, a file was listed).
    Matched,
    /// No line matched, and nothing went wrong.
    NoMatch,
    /// A usage error, or an error on the way (a missing path, an unreadable file), even if lines
    /// matched; with `-r`, a file with matches that could not be written.
    Error,
}

impl ExitCode {
    /// GNU grep's rule: 2 if an error was reported (or with -r a file could not be written), else 0
    /// if a line matched, else 1. (`-q` ends with 0 at its first match, errors or not.)
    pub fn of_search(matched: bool, errored: bool, write_failed: bool) -> ExitCode {
        if write_failed || errored {
            ExitCode::Error
        } else if matched {
            ExitCode::Matched
        } else {
            ExitCode::NoMatch
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> std::process::ExitCode {
        std::process::ExitCode::from(match code {
            ExitCode::Matched => 0,
            ExitCode::NoMatch => 1,
            ExitCode::Error => 2,
        })
    }
}
