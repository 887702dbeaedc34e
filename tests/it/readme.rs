//! Every shell block of the README runs as shown: each is run in a fixture of its own (a fresh home,
//! `ba` on the `PATH`), or compared with a real run where it shows output. A block the test does not
//! know fails it, so that a new block gets its check; the few not run here say why.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::*;

/// A fenced block of the README: its language (empty for none) and its lines.
struct Block {
    lang: String,
    text: String,
}

impl Block {
    fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn blocks() -> Vec<Block> {
    let readme = readme();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in readme.lines() {
        match (line.strip_prefix("```"), &mut open) {
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(lang), None) => open = Some(Block { lang: lang.to_string(), text: String::new() }),
            (None, Some(block)) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "the README ends inside a block");
    blocks
}

/// A directory for a block to run in, with a home of its own.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempdir();
        let root = dir.path().join("proj");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        Fixture { _dir: dir, root, home }
    }

    /// `sh -e -c SCRIPT` in `dir`, with `ba` first on the `PATH` and everything of the user's away.
    fn sh(&self, dir: &Path, script: &str) -> Output {
        let bin_dir = Path::new(ba_path()).parent().unwrap();
        isolated(Command::new("sh"), dir)
            .env("HOME", &self.home)
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
            .args(["-e", "-c", script])
            .run()
    }

    /// Runs `script` in the project and checks that it exits 0.
    fn runs(&self, script: &str) -> Output {
        let out = self.sh(&self.root, script);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{script}\nstdout: {}\nstderr: {}",
            stdout_of(&out),
            stderr_of(&out)
        );
        out
    }
}

#[test]
fn every_shell_block_of_the_readme_runs_as_shown() {
    let mut checked = 0;
    for block in blocks().iter().filter(|b| matches!(b.lang.as_str(), "" | "sh")) {
        let first = block.first_line();
        match first {
            _ if first.starts_with("$ ba 'fn main\\(' -d src") => first_example(block),
            "cargo install --locked --path ." => {} // A release build: CI's benchmark job builds it.
            _ if first.starts_with("cargo run --release -- \"fn main\" -d src") => two_commands(block),
            _ if first.starts_with("ba [OPTIONS]") => {} // The synopsis.
            "cd linux-source-6.1" => {} // The benchmark's commands, on the kernel tree `benches/` fetches.
            _ if first.starts_with("src/walk.rs:42") => {} // An output's shape: no command.
            _ if first.starts_with("ba 'old_name\\(' -r") => replace_examples(block),
            "$ ba colour -r color -d src" => undo_session(block),
            _ if first.starts_with("mkdir -p ~/.local/share/bash-completion") => install_commands(block),
            _ if first.starts_with("# ~/.config/ba/config") => config_file(block),
            _ if first.starts_with("ba TODO --type-add") => type_examples(block),
            "# Vim, as a package (loaded at start-up), with its help:" => vim_install(block),
            _ if first.starts_with("ba --index-build ~/src/linux") => index_examples(block),
            _ if first.contains("Task::List") => {} // The architecture's diagram.
            _ if first.starts_with("# On a stable toolchain, with proptest") => {} // Fuzzing: hours.
            _ => panic!("a README block this test does not know; give it a check:\n{}", block.text),
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked} blocks");
}

/// The first example, on ba's own source, prints what it shows (the counts of a tree that grows
/// aside).
fn first_example(block: &Block) {
    let mut lines = block.text.lines();
    let command = lines.next().unwrap().strip_prefix("$ ").unwrap();
    let fixture = Fixture::new();
    // As on a terminal (the README's reader's), whatever stdout is here.
    let out = fixture.sh(&repo(), &command.replacen("ba ", "ba --pretty ", 1));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let counts = regex::Regex::new(r"^(Files Searched|Lines Searched|Duration): [0-9.,s]+$").unwrap();
    let masked = |line: &str| match counts.captures(line) {
        Some(field) => format!("{}: N", &field[1]),
        None => line.to_string(),
    };
    let shown: Vec<String> = lines.map(masked).collect();
    let printed: Vec<String> = stdout_of(&out).lines().map(masked).collect();
    assert_eq!(printed, shown);
}

/// The search of "The two commands", with the binary `cargo run` builds; `cargo test` is this run.
fn two_commands(block: &Block) {
    let search = block.first_line().split('#').next().unwrap().trim();
    let command = search.strip_prefix("cargo run --release -- ").unwrap();
    let fixture = Fixture::new();
    let out = fixture.sh(&repo(), &format!("ba {command}"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("src/main.rs"), "{}", stdout_of(&out));
    assert!(block.text.lines().nth(1).unwrap().starts_with("cargo test "), "{}", block.text);
}

/// A project with something for each `-r` example to change.
fn replace_fixture() -> Fixture {
    let fixture = Fixture::new();
    write(&fixture.root, "src/a.c", "int old_name(void);\nx = y\n");
    write(&fixture.root, "src/b.c", "colour\n");
    fixture
}

/// Each `-r` example, in a project of its own.
fn replace_examples(block: &Block) {
    for line in block.text.lines() {
        let fixture = replace_fixture();
        if line.contains("--interactive") {
            // It asks at a terminal, one key a file: run there, answering `a` (all).
            let command = line.split('#').next().unwrap().trim();
            let args = shell_words(command);
            let args: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
            let Some((code, text)) =
                on_terminal(&fixture.root, r"Replace in [^\n]*?\?[^\n]*?: ", &["a"], &args)
            else {
                continue;
            };
            assert_eq!(code, 0, "{line}: {text}");
        } else {
            fixture.runs(line);
        }
        if line.contains("new_name") {
            let written = std::fs::read_to_string(fixture.root.join("src/a.c")).unwrap();
            assert!(written.contains("new_name(void)"), "{written}");
        }
    }
}

/// `ba colour -r color -d src` in a project of 12 files to change, then `ba --undo`.
fn undo_session(block: &Block) {
    let fixture = Fixture::new();
    for i in 0..12 {
        write(&fixture.root, &format!("src/{}.c", (b'a' + i) as char), "colour\n");
    }
    let shown = block.text.replace("/home/me/proj", &fixture.root.display().to_string());
    let mut commands = shown.lines().filter_map(|line| line.strip_prefix("$ "));
    let rewrite = fixture.runs(commands.next().unwrap());
    let rewrote = shown.lines().find(|line| line.starts_with("ba: rewrote")).unwrap();
    assert_eq!(String::from_utf8_lossy(&rewrite.stderr).trim_end(), rewrote);
    let undo = fixture.runs(commands.next().unwrap());
    let said = stderr_of(&undo);
    let date = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").unwrap();
    let restored = shown.lines().find(|line| line.starts_with("ba: restored")).unwrap();
    assert_eq!(date.replace(said.lines().next().unwrap(), "DATE"), date.replace(restored, "DATE"));
    assert!(said.lines().nth(1).unwrap().ends_with("/src/a.c"), "{said}");
    assert!(said.trim_end().ends_with("and 2 more"), "{said}");
    assert_eq!(std::fs::read_to_string(fixture.root.join("src/a.c")).unwrap(), "colour\n");
}

/// The completions and the man page install where the README says, in a home where none of the
/// directories exists yet.
fn install_commands(block: &Block) {
    let fixture = Fixture::new();
    fixture.runs(&block.text);
    for made in [".local/share/bash-completion/completions/ba", ".local/share/man/man1/ba.1"] {
        assert!(std::fs::metadata(fixture.home.join(made)).is_ok_and(|m| m.len() > 0), "{made}");
    }
}

/// The config file is taken as it is: every line a flag ba knows.
fn config_file(block: &Block) {
    let fixture = Fixture::new();
    write(&fixture.root, "a.html", "TODO\n");
    write(&fixture.root, "config", &block.text);
    let out = fixture.runs("BA_CONFIG_PATH=config ba -p -t web TODO");
    assert_eq!(stdout_of(&out), "a.html:1:TODO\n");
}

fn type_examples(block: &Block) {
    let fixture = Fixture::new();
    for name in ["a.html", "b.css", "c.rs.in", "d.rs", "e.md"] {
        write(&fixture.root, name, "TODO\n");
    }
    for line in block.text.lines() {
        let out = fixture.runs(line);
        assert!(!stdout_of(&out).is_empty(), "{line}");
    }
}

/// The plugin installs, its help tags made, where vim (and neovim) are installed.
fn vim_install(block: &Block) {
    let fixture = Fixture::new();
    let clone = &fixture.root;
    let copied = Command::new("cp").arg("-r").arg(repo().join("editors")).arg(clone).status().unwrap();
    assert!(copied.success());
    let mut script = String::new();
    for line in block.text.lines() {
        let needs = |program: &str| line.contains(program) && !have(program);
        if !(needs("nvim") || (needs("vim") && !line.contains("nvim"))) {
            script.push_str(line);
            script.push('\n');
        }
    }
    fixture.runs(&script);
    if have("vim") {
        assert!(clone.join("editors/vim/doc/tags").exists(), "no help tags: {script}");
    }
}

fn index_examples(block: &Block) {
    let fixture = Fixture::new();
    write(&fixture.home, "src/linux/kernel/power.c", "#define PM_RESUME 1\n");
    for line in block.text.lines() {
        let out = fixture.runs(line);
        if line.contains("PM_RESUME") {
            assert!(stdout_of(&out).contains("power.c"), "{line}: {}", stdout_of(&out));
        }
    }
}

/// `line` cut into words as the shell cuts it (single quotes only, as the README's lines use).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}
