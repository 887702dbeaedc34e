//! The printer's reorder buffer: results arrive from the searchers as they finish, and leave in walk order
//! (file by file, a big file part by part, a part piece by piece), whatever the number of searchers.

use std::collections::BTreeMap;

use crate::pipeline::{Charge, FileResult, Key, PieceKey, SilentRun};

#[derive(Default)]
pub(crate) struct ReorderBuffer {
    /// The result to hand out next, and its next piece.
    next: Key,
    next_piece: u32,
    /// Results that arrived before the ones ahead of them in walk order.
    pending: BTreeMap<PieceKey, FileResult>,
    /// Runs of files that print nothing, by their first file: runs that meet are joined.
    silent: BTreeMap<u64, SilentRun>,
}

/// What the printer takes next: a file's result (or a part's, or a piece), or files that print
/// nothing.
// Taken as soon as it is returned: boxing the big variant would cost an allocation per result.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Turn {
    File(FileResult),
    Silent(SilentRun),
}

impl ReorderBuffer {
    /// The key of the result that is handed out next.
    pub(crate) fn next(&self) -> Key {
        self.next
    }

    /// Keeps `result` until its turn.
    pub(crate) fn push(&mut self, result: FileResult) {
        self.pending.insert(result.piece_key(), result);
    }

    /// Keeps `run` until its turn, joined to the runs it meets; `release` takes the charges of the
    /// runs joined into another.
    pub(crate) fn push_silent(&mut self, mut run: SilentRun, mut release: impl FnMut(Charge)) {
        if let Some(after) = self.silent.remove(&run.end) {
            run.end = after.end;
            run.files.join(&after.files);
            release(after.charge);
        }
        match self.silent.range_mut(..run.first).next_back() {
            Some((_, before)) if before.end == run.first => {
                before.end = run.end;
                before.files.join(&run.files);
                release(run.charge);
            }
            _ => {
                self.silent.insert(run.first, run);
            }
        }
    }

    /// The next result in walk order, if it has arrived. Handing out a part's last piece moves on to
    /// the next part, or the next file; a run, to the file after it.
    pub(crate) fn pop(&mut self) -> Option<Turn> {
        let (seq, part) = self.next;
        if (part, self.next_piece) == (0, 0) {
            if let Some(entry) = self.silent.first_entry().filter(|entry| *entry.key() == seq) {
                let run = entry.remove();
                self.next = (run.end, 0);
                return Some(Turn::Silent(run));
            }
        }
        let result =
            self.pending.first_entry().filter(|entry| *entry.key() == (seq, part, self.next_piece))?.remove();
        self.next_piece += 1;
        if result.end.is_some() {
            self.next_piece = 0;
            self.next = if result.part + 1 < result.parts {
                (result.seq, result.part + 1)
            } else {
                (result.seq + 1, 0)
            };
        }
        Some(Turn::File(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Body, Budget, Charge, PartEnd, SilentFiles};
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
        while let Some(turn) = order.pop() {
            match turn {
                Turn::File(result) => {
                    let Body::Formatted(bytes) = result.body else { unreachable!() };
                    out.push_str(std::str::from_utf8(&bytes).unwrap());
                }
                Turn::Silent(run) => {
                    out.push_str(&format!("[{}..{}: {}]", run.first, run.end, run.files.lines))
                }
            }
        }
        out
    }

    #[test]
    fn results_leave_in_walk_order_part_by_part_and_piece_by_piece() {
        let mut order = ReorderBuffer::default();
        order.push(result(1, 1, 2, 0, true, "d"));
        order.push(result(2, 0, 1, 0, true, "e"));
        order.push(result(1, 0, 2, 0, false, "b"));
        assert_eq!(drain(&mut order), "", "file 0 has not come");
        order.push(result(0, 0, 1, 0, true, "a"));
        assert_eq!(drain(&mut order), "ab", "file 1's first part is not whole yet");
        order.push(result(1, 0, 2, 1, true, "c"));
        assert_eq!(drain(&mut order), "cde");
        assert_eq!(order.next(), (3, 0));
    }

    /// Runs of files that print nothing are joined where they meet, whatever order they come in,
    /// and the charges of those joined into another are given back; a run leaves in its turn, as
    /// one, with the counts of all its files.
    #[test]
    fn runs_of_files_that_print_nothing_are_joined_where_they_meet() {
        let budget = Budget::new(10_000, 1);
        let run = |first: u64, end: u64| SilentRun {
            first,
            end,
            files: SilentFiles { files: end - first, lines: 10 * (end - first), ..SilentFiles::default() },
            charge: budget.try_charge((first, 0), 100).unwrap(),
        };
        let mut freed = 0;
        let mut release = |charge| {
            budget.release(charge);
            freed += 1;
        };
        let mut order = ReorderBuffer::default();
        order.push_silent(run(1, 2), &mut release);
        order.push_silent(run(3, 4), &mut release);
        order.push_silent(run(2, 3), &mut release);
        order.push_silent(run(5, 8), &mut release);
        order.push_silent(run(4, 5), &mut release);
        order.push(result(8, 0, 1, 0, true, "h"));
        order.push_silent(run(9, 10), &mut release);
        assert_eq!(drain(&mut order), "", "file 0 has not come");
        order.push(result(0, 0, 1, 0, true, "a"));
        assert_eq!(drain(&mut order), "a[1..8: 70]h[9..10: 10]");
        assert_eq!(order.next(), (10, 0));
        assert_eq!(freed, 4, "five runs joined into one");
    }
}
