//! The printer's reorder buffer: results arrive from the searchers as they finish, and leave in walk order
//! (file by file, a big file part by part, a part piece by piece), whatever the number of searchers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::pipeline::{Body, Charge, FileResult, Key, PartEnd, PieceKey};
use crate::search::engine::Outcome;

#[derive(Default)]
pub(crate) struct ReorderBuffer {
    /// The result to hand out next, and its next piece.
    next: Key,
    next_piece: u32,
    /// Results that arrived before the ones ahead of them in walk order.
    pending: BTreeMap<PieceKey, Waiting>,
}

/// A result waiting for its turn.
enum Waiting {
    Result(Box<FileResult>),
    /// The result of a file that prints nothing (most of them): only what the summary counts of it.
    /// A searcher waiting for a core holds back thousands of them, 336 bytes and a path each whole.
    Silent {
        outcome: SilentOutcome,
        lines: u64,
        bytes: u64,
        charge: Charge,
    },
}

#[derive(Clone, Copy)]
enum SilentOutcome {
    Searched,
    Binary,
    Truncated,
}

/// What a silent result costs waiting, its map's share included.
const SILENT_SIZE: usize = 2 * std::mem::size_of::<(PieceKey, Waiting)>();

impl ReorderBuffer {
    /// The key of the result that is handed out next.
    pub(crate) fn next(&self) -> Key {
        self.next
    }

    /// Keeps `result` until its turn: whole, or as its counts where it prints nothing and its path
    /// is not needed (`keep_paths` says whether the printer shows where the search has got to).
    /// Returns the part of its charge it no longer holds.
    pub(crate) fn push(&mut self, result: FileResult, keep_paths: bool) -> Option<Charge> {
        let key = result.piece_key();
        let silent = (!keep_paths).then(|| silent_outcome(&result)).flatten();
        let (waiting, freed) = match (silent, result.end) {
            (Some(outcome), Some(end)) => {
                let mut charge = result.charge;
                let freed = charge.keep(SILENT_SIZE);
                (Waiting::Silent { outcome, lines: end.lines, bytes: end.bytes, charge }, Some(freed))
            }
            (_, end) => (Waiting::Result(Box::new(FileResult { end, ..result })), None),
        };
        self.pending.insert(key, waiting);
        freed
    }

    /// The next result in walk order, if it has arrived. Handing out a part's last piece moves on to
    /// the next part, or the next file.
    pub(crate) fn pop(&mut self) -> Option<FileResult> {
        let (seq, part) = self.next;
        let result = match self
            .pending
            .first_entry()
            .filter(|entry| *entry.key() == (seq, part, self.next_piece))?
            .remove()
        {
            Waiting::Result(result) => *result,
            Waiting::Silent { outcome, lines, bytes, charge } => FileResult {
                seq,
                part: 0,
                parts: 1,
                piece: 0,
                path: PathBuf::new(),
                body: Body::Formatted(Vec::new()),
                hit_lines: 0,
                matches: 0,
                lead: 0,
                end: Some(PartEnd {
                    lines,
                    bytes,
                    ..PartEnd::of(match outcome {
                        SilentOutcome::Searched => Outcome::Searched,
                        SilentOutcome::Binary => Outcome::Binary,
                        SilentOutcome::Truncated => Outcome::Truncated,
                    })
                }),
                charge,
            },
        };
        self.next_piece += 1;
        if result.end.is_some() {
            self.next_piece = 0;
            self.next = if result.part + 1 < result.parts {
                (result.seq, result.part + 1)
            } else {
                (result.seq + 1, 0)
            };
        }
        Some(result)
    }
}

/// How a result ended, if it prints nothing and needs nothing but its counts: a whole file, no hit,
/// nothing to warn of.
fn silent_outcome(result: &FileResult) -> Option<SilentOutcome> {
    let end = result.end.as_ref()?;
    let quiet = result.parts == 1
        && result.hit_lines == 0
        && result.body.size() == 0
        && end.gave_up.is_none()
        && end.binary_match.is_none()
        && end.binary_from.is_none()
        && !end.ruled_out
        && end.closing_bytes == 0;
    match end.outcome {
        _ if !quiet => None,
        Outcome::Searched => Some(SilentOutcome::Searched),
        Outcome::Binary => Some(SilentOutcome::Binary),
        Outcome::Truncated => Some(SilentOutcome::Truncated),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Body, Charge, PartEnd};
    use crate::search::engine::Outcome;

    fn result(seq: u64, part: u32, parts: u32, piece: u32, last: bool, text: &str) -> FileResult {
        let end = last.then(|| PartEnd::of(Outcome::Searched));
        FileResult {
            seq,
            part,
            parts,
            piece,
            path: Default::default(),
            matches: 0,
            lead: 0,
            body: Body::Formatted(text.as_bytes().to_vec()),
            hit_lines: 0,
            end,
            charge: Charge::default(),
        }
    }

    fn drain(order: &mut ReorderBuffer) -> String {
        let mut out = String::new();
        while let Some(result) = order.pop() {
            let Body::Formatted(bytes) = result.body else { unreachable!() };
            out.push_str(std::str::from_utf8(&bytes).unwrap());
        }
        out
    }

    #[test]
    fn results_leave_in_walk_order_part_by_part_and_piece_by_piece() {
        let mut order = ReorderBuffer::default();
        order.push(result(1, 1, 2, 0, true, "d"), false);
        order.push(result(2, 0, 1, 0, true, "e"), false);
        order.push(result(1, 0, 2, 0, false, "b"), false);
        assert_eq!(drain(&mut order), "", "file 0 has not come");
        order.push(result(0, 0, 1, 0, true, "a"), false);
        assert_eq!(drain(&mut order), "ab", "file 1's first part is not whole yet");
        order.push(result(1, 0, 2, 1, true, "c"), false);
        assert_eq!(drain(&mut order), "cde");
        assert_eq!(order.next(), (3, 0));
    }

    /// A result that prints nothing waits as its counts, and gives back the rest of its charge; it
    /// comes out with the counts it had. Where the progress line shows where the search has got
    /// to, it keeps its path.
    #[test]
    fn a_result_that_prints_nothing_waits_as_its_counts() {
        let budget = crate::pipeline::Budget::new(10_000, 1);
        let silent = |path: &str| {
            let mut silent = result(1, 0, 1, 0, true, "");
            silent.path = path.into();
            silent.body = Body::Formatted(Vec::new());
            let end = silent.end.as_mut().unwrap();
            (end.lines, end.bytes) = (7, 70);
            silent.charge = budget.try_charge((1, 0), 1_000).unwrap();
            silent
        };
        let mut order = ReorderBuffer::default();
        let freed = order.push(silent("d/f"), false).expect("freed");
        budget.release(freed);
        let rest = budget.try_charge((2, 0), 10_000 - SILENT_SIZE).expect("all but the counts' share freed");
        budget.release(rest);
        order.push(result(0, 0, 1, 0, true, "a"), false);
        order.pop().unwrap();
        let popped = order.pop().unwrap();
        let end = popped.end.unwrap();
        assert_eq!((popped.seq, end.lines, end.bytes, popped.path.as_os_str().len()), (1, 7, 70, 0));
        assert!(matches!(end.outcome, Outcome::Searched));

        let mut order = ReorderBuffer::default();
        assert!(order.push(silent("d/f"), true).is_none(), "kept whole");
        order.push(result(0, 0, 1, 0, true, "a"), false);
        order.pop().unwrap();
        assert_eq!(order.pop().unwrap().path, std::path::Path::new("d/f"));
    }
}
