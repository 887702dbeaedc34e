//! ba (Black Arrow): a recursive grep built as a pipeline of threads.
//!
//! ```text
//! indexer --tasks--> searchers --results--> printer
//! ```
//!
//! The stages, one module each: the indexer ([`walk`]) walks the roots and numbers each file in walk
//! order; a pool of searchers ([`search`]) searches them with the [`engine`] and formats their hits;
//! the printer ([`print`]) puts the results back in walk order, writes them, hands files to the
//! replacer ([`replace`]) with `-r`, and prints the summary. The binary (`main.rs`) wires them,
//! after reading the command line behind the flags of the [`config_file`]; before a search, it may
//! only print what [`generate`] makes from the command line's definition.
//!
//! Shared leaves, which use no stage: [`pipeline`] (the messages, sentinels and byte budget between
//! the stages), [`matcher`] (the compiled pattern), `format` (the output formats) and `hyperlink`
//! (their links to the files), `order` (the reorder buffer), `summary`, `messages` (errors on stderr
//! and the error flag), `progress` (the progress line on stderr), `sanitize` (escaping for the
//! terminal), `decompress` (`-z`'s decoders), `encoding` (`--encoding`'s decoding), [`exit_code`]
//! and [`interrupt`] (Ctrl-C, SIGTERM, SIGHUP).
//!
//! [`properties`] holds what the fuzz targets (`fuzz/`) and the property tests check against naive
//! oracles; ba itself never calls it.

pub mod cli;
pub mod config;
pub mod config_file;
pub mod edit;
pub mod engine;
pub mod exit_code;
pub mod generate;
pub mod interrupt;
pub mod listing;
pub mod matcher;
pub mod pipeline;
pub mod print;
#[cfg(any(test, feature = "fuzzing"))]
pub mod properties;
pub mod replace;
pub mod search;
pub mod walk;

mod decompress;
mod encoding;
mod format;
mod hyperlink;
mod messages;
mod order;
mod progress;
mod sanitize;
mod sparse;
mod summary;
mod template;
pub mod trace;
mod version;

pub use messages::{errored, fatal};
