//! ba (Black Arrow): a recursive grep built as a pipeline of threads.
//!
//! ```text
//!                 directories to list
//!            +---------------------------+
//!            v                           |
//!   indexer --tasks (files, dirs)--> searchers --results--> printer --> replacer (-r)
//!   (walk/)       in walk order      (search/)              (print/)    (replace/)
//! ```
//!
//! The stages, one folder each: the indexer ([`walk`]) walks the roots and numbers each file in
//! walk order, handing the listing of directories to the searchers when they run short of files
//! ([`walk::listing`] judges a directory's entries by the ignore rules); a pool of searchers
//! ([`search`]) searches files with the [`search::engine`], which asks the pattern
//! ([`search::matcher`]) where it matches, and formats their hits; the printer ([`print`](mod@print)) puts
//! the results back in walk order (`order`), writes them, hands files to the replacer
//! ([`replace`]) with `-r`, and prints the summary. The binary (`main.rs`) reads the command line
//! behind the flags of the [`config_file`], resolves it into a [`config::Command`], and runs it:
//! a search wires the stages; `--generate` prints what [`generate`] makes of the command line's
//! definition; `--undo` restores from the journal.
//!
//! Leaves, which use no stage: [`allocator`] (mimalloc, and glibc's for huge blocks), [`config`]
//! (what the command line means), [`pipeline`] (the messages, sentinels and byte budget between the
//! stages), `template` (replacement templates), `hyperlink`, `messages` (errors on stderr and the
//! error flag), `sanitize` (escaping for the terminal), `decompress` (`-z`'s decoders), `encoding`
//! (`--encoding`'s decoding), [`exit_code`], [`edit`] and [`interrupt`] (Ctrl-C, SIGTERM, SIGHUP,
//! SIGQUIT). No module imports one that imports it back.
//!
//! `properties` holds what the fuzz targets (`fuzz/`) and the property tests check against naive
//! oracles; it is compiled for them alone (the `fuzzing` feature), never into ba.

// No function over 100 lines (clippy.toml): a long function is one that hides its steps.
#![warn(clippy::too_many_lines)]

pub mod allocator;
pub mod cli;
pub mod config;
pub mod config_file;
pub mod edit;
pub mod exit_code;
pub mod generate;
pub mod index;
pub mod index_commands;
pub mod interrupt;
pub mod pipeline;
pub mod print;
#[cfg(any(test, feature = "fuzzing"))]
pub mod properties;
pub mod replace;
pub mod search;
pub mod walk;

mod decompress;
mod encoding;
mod hyperlink;
mod messages;
mod own;
mod sanitize;
mod template;
pub mod trace;
mod version;

pub use messages::{errored, fatal};
