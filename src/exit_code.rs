//! The exit status, named.

/// What `ba` tells the shell. Ctrl-C is not among them: ba then dies by the signal itself (see
/// `interrupt`), so that a calling shell or script stops too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// A line matched (or, with `--files`, a file was listed).
    Matched,
    /// No line matched, and nothing went wrong.
    NoMatch,
    /// A usage error, or an error on the way and no line matched; with `-r`, a file with matches
    /// that could not be written.
    Error,
}

impl ExitCode {
    /// ba's rule: 0 if a line matched, else 2 if an error was reported, else 1; with -r, 2 whenever
    /// a file with matches could not be written.
    pub fn of_search(matched: bool, errored: bool, write_failed: bool) -> ExitCode {
        if write_failed {
            ExitCode::Error
        } else if matched {
            ExitCode::Matched
        } else if errored {
            ExitCode::Error
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
