//! The integration tests of `ba`, in one test binary (`cargo test --test it`) that runs the `ba`
//! binary on temporary trees:
//!
//! - `util`: the shared helpers: fixtures, the `ba` command and naive oracles;
//! - `macros`: `assert_output_eq!`, which shows a diff of the lines when outputs differ;
//! - `cli`: the search: output formats, matching, the walk, errors and exit codes;
//! - `replace`: `-r/--replace`, `--dry-run` and `--interactive`;
//! - `replace_faults`: `-r` and `--undo` killed with SIGKILL at random moments;
//! - `undo`: the undo journal and `--undo`;
//! - `big_file`: files cut into parts that several searchers search at once;
//! - `props`: property tests against naive oracles.

#[macro_use]
mod macros;
mod util;

mod big_file;
mod cli;
mod props;
mod replace;
mod replace_faults;
mod undo;
