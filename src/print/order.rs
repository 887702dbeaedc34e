//! The printer's reorder buffer: results arrive from the searchers as they finish, and leave in walk order
//! (file by file, a big file part by part, a part piece by piece), whatever the number of searchers.

use std::collections::BTreeMap;

use crate::pipeline::{FileResult, Key, PieceKey};

#[derive(Default)]
pub(crate) struct ReorderBuffer {
    /// The result to hand out next, and its next piece.
    next: Key,
    next_piece: u32,
    /// Results that arrived before the ones ahead of them in walk order.
    pending: BTreeMap<PieceKey, FileResult>,
}

impl ReorderBuffer {
    /// The key of the result that is handed out next.
    pub(crate) fn next(&self) -> Key {
        self.next
    }

    pub(crate) fn push(&mut self, result: FileResult) {
        self.pending.insert(result.piece_key(), result);
    }

    /// The next result in walk order, if it has arrived. Handing out a part's last piece moves on to
    /// the next part, or the next file.
    pub(crate) fn pop(&mut self) -> Option<FileResult> {
        let (seq, part) = self.next;
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
        Some(result)
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
}
