//! The integration tests of `ba`, in one test binary (`cargo test --test it`) that runs the `ba`
//! binary on temporary trees:
//!
//! - `util`: the shared helpers: fixtures, the `ba` command and naive oracles;
//! - `macros`: `assert_output_eq!`, which shows a diff of the lines when outputs differ;
//! - `cli`: the search: output formats, matching, the walk, errors and exit codes;
//! - `compat`: what a grep or ripgrep user types gets their answer, compared with ripgrep;
//! - `differential`: ba against ripgrep on random files, patterns and modes;
//! - `files_property`: `--files` against `rg --files` on random trees of ignore files;
//! - `flags`: grep and ripgrep's everyday flags, against GNU grep, ripgrep, vim and a JSON parser;
//! - `fuzz_properties`: the fuzz targets' properties, many cases on a stable toolchain (`#[ignore]`d);
//! - `habits`: grep and ripgrep habits typed into ba;
//! - `replace`: `-r/--replace`, `--dry-run` and `--interactive`;
//! - `replace_modes`: `-r` with other flags, habits, the config file, the question at a terminal, Ctrl-C;
//! - `replace_patch`: `--dry-run`'s diff applied with `patch` and `git apply`, as a property;
//! - `rg_port`: ripgrep's own integration tests, ported case by case (its `TALLY.md` counts them);
//! - `replace_faults`: `-r` and `--undo` killed with SIGKILL at random moments;
//! - `undo`: the undo journal and `--undo`;
//! - `undo_trust`: what `--undo` can be trusted with: damage, refusals, the state directory, where;
//! - `bounds`: time in proportion to the input on hostile shapes (ratios of times, never times);
//! - `big_file`: files cut into parts that several searchers search at once;
//! - `index`: `--index-build`: an indexed search answers as a full scan, whatever changed;
//! - `integration`: what makes ba at home in the shell and the editor: completions, the man page;
//! - `memory`: peak memory stays flat however many lines match;
//! - `pcre2`: `-P`, against ripgrep's cases, the default engine, a naive PCRE2 oracle and GNU grep -P;
//! - `props`: property tests against naive oracles;
//! - `search_zip`: `-z`, compressed files searched decompressed;
//! - `selection`: the file-selection switches ripgrep users script with, compared with ripgrep;
//! - `sparse`: sparse and zero-filled files: holes are never read.

#[macro_use]
mod macros;
mod util;

mod big_file;
mod bounds;
mod cli;
mod compat;
mod differential;
mod files_property;
mod flags;
mod fuzz_properties;
mod habits;
mod index;
mod integration;
mod memory;
mod multiline;
mod pcre2;
mod props;
mod readme;
mod replace;
mod replace_faults;
mod replace_modes;
mod replace_patch;
mod rg_port;
mod search_zip;
mod selection;
mod sparse;
mod undo;
mod undo_trust;
