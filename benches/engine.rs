//! Micro-benchmarks of the search engine on an in-memory buffer, and of compiling long patterns: the
//! baseline a change to the hot path is compared against (`cargo bench --bench engine --
//! --save-baseline before`, then `--baseline before`).

use black_arrow::search::engine::{count_newlines, Engine, Line, Sink};
use black_arrow::search::matcher::Matcher;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// About 32 MiB of source-like lines, the same on every run (a fixed-seed generator), with
/// `PM_RESUME` on one line in ten thousand.
fn corpus() -> Vec<u8> {
    const WORDS: &[&str] = &[
        "static",
        "int",
        "struct",
        "return",
        "if",
        "else",
        "device",
        "power",
        "state",
        "(void)",
        "{",
        "}",
        "err",
        "=",
        "->",
        "suspend",
        "resume",
        "PM_SUSPEND",
        "uint32_t",
        "spin_lock(&dev->lock);",
        "0x1f",
        "/*",
        "*/",
        "Greek:",
        "αβγ",
        "const",
        "char",
        "*buf,",
        "size_t",
        "len)",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut text = Vec::with_capacity(33 << 20);
    let mut line = 0u64;
    while text.len() < 32 << 20 {
        line += 1;
        let indent = (next() % 4) as usize;
        text.extend(std::iter::repeat_n(b'\t', indent));
        for i in 0..(next() % 12) {
            if i > 0 {
                text.push(b' ');
            }
            text.extend_from_slice(WORDS[(next() % WORDS.len() as u64) as usize].as_bytes());
        }
        if line.is_multiple_of(10_000) {
            text.extend_from_slice(b" PM_RESUME");
        }
        text.push(b'\n');
    }
    text
}

/// Keeps the matching lines, as a searcher keeps them for the printer.
#[derive(Default)]
struct Kept {
    lines: Vec<(u64, usize)>,
    text: Vec<u8>,
}

impl Sink for Kept {
    fn hit(&mut self, line: &Line) {
        self.lines.push((line.number, line.text.len()));
        self.text.extend_from_slice(line.text);
    }

    fn forget(&mut self) {
        self.lines.clear();
        self.text.clear();
    }
}

fn search(c: &mut Criterion) {
    let text = corpus();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    let cases: &[(&str, &str, bool)] = &[
        ("literal", "PM_RESUME", false),
        ("literal_ignore_case", "PM_RESUME", true),
        ("alternation", "ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT", false),
        ("no_literal", r"\w{5}\s+\w{5}\s+\w{5}\s+\w{5}\s+\w{5}", false),
        ("nearly_every_line", r"\w", false),
    ];
    for &(name, pattern, ignore_case) in cases {
        let matcher = Matcher::compile(pattern, ignore_case).expect("benchmark patterns are valid");
        let engine = Engine::new(&matcher);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut kept = Kept::default();
                engine.scan(&text, 0, &mut kept);
                kept.lines.len()
            })
        });
    }
    group.bench_function("line_count", |b| b.iter(|| count_newlines(&text)));
    group.finish();
}

/// Compiling long patterns: the time grows with the pattern's length, never with its square.
fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    let lowercase = "abcdefghijklmnopqrstuvwxyz".repeat(308);
    let cases: &[(&str, String, bool)] = &[
        ("digit_x_8000", r"\dx".repeat(8000), false),
        ("digit_x_16000", r"\dx".repeat(16000), false),
        ("literal_8000_ignore_case", lowercase[..8000].to_string(), true),
        ("word_then_literal", r"(\w+)\s*=\s*PM_RESUME".to_string(), false),
    ];
    for (name, pattern, ignore_case) in cases {
        group.bench_function(*name, |b| b.iter(|| Matcher::compile(pattern, *ignore_case).is_ok()));
    }
    group.finish();
}

criterion_group!(benches, search, compile);
criterion_main!(benches);
