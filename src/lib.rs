//! ba (Black Arrow): a recursive grep built as a pipeline of threads.
//!
//! ```text
//! indexer --tasks--> searchers --results--> printer
//! ```
//!
//! The stages, one module each: the indexer ([`walk`]) walks the roots and numbers each file in walk
//! order; a pool of searchers ([`search`]) searches them with the [`engine`] and formats their hits;
//! the printer ([`print`]) puts the results back in walk order, writes them, hands files to the
//! replacer ([`replace`]) with `-r`, and prints the summary. The binary (`main.rs`) wires them.
//!
//! Shared leaves, which use no stage: [`pipeline`] (the messages, sentinels and byte budget between
//! the stages), [`matcher`] (the compiled pattern), `format` (the output formats), `order` (the
//! reorder buffer), `summary`, `messages` (errors on stderr and the error flag), `sanitize`
//! (escaping for the terminal), [`exit_code`] and [`interrupt`] (Ctrl-C, SIGTERM, SIGHUP).

pub mod cli;
pub mod config;
pub mod edit;
pub mod engine;
pub mod exit_code;
pub mod interrupt;
pub mod listing;
pub mod matcher;
pub mod pipeline;
pub mod print;
pub mod replace;
pub mod search;
pub mod walk;

mod format;
mod messages;
mod order;
mod sanitize;
mod summary;
pub mod trace;

pub use messages::errored;
