//! The undo journal's reader: any bytes read as a journal never panic, and what it accepts is
//! whole; a whole journal with one byte changed, or cut short, is found damaged.
#![no_main]

use arbitrary::Arbitrary;
use black_arrow::properties::{self, JournalDamage};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Damage {
    Flip { at: usize, mask: u8 },
    Cut { at: usize },
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Read as a journal, of a finished run (with the records `done` counts) or of one that never
    /// ended.
    bytes: Vec<u8>,
    done: Option<u64>,
    /// Whole records, each a path, an old and a new content, and how they are damaged.
    records: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    damage: Damage,
}

fuzz_target!(|input: Input| {
    if let Err(failure) = properties::undo_journal_reads_safely(&input.bytes, input.done) {
        panic!("{failure}");
    }
    let damage = match input.damage {
        Damage::Flip { at, mask } => JournalDamage::Flip { at, mask },
        Damage::Cut { at } => JournalDamage::Cut { at },
    };
    if let Err(failure) = properties::undo_journal_damage_is_found(&input.records, damage) {
        panic!("{failure}");
    }
});
