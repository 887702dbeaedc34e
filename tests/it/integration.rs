//! At home in the shell and the editor: completions and the man page (`--generate`), the config
//! file, file types, hyperlinks, the progress line, `--version`, and the Vim plugin (`editors/vim`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use black_arrow::cli::Args;
use clap::CommandFactory;

use crate::util::*;

/// Runs `program ARGS` with `input` on stdin; `None` (with a note) when the program is missing.
fn run_tool(program: &str, args: &[&str], input: &[u8]) -> Option<Output> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) => {
            eprintln!("note: skipped, cannot run {program}: {err}");
            return None;
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let out = output_within(child, std::time::Duration::from_secs(30));
    writer.join().unwrap().unwrap();
    Some(out)
}

#[test]
fn bash_completion_completes_long_flags() {
    let dir = tempdir();
    let script = run_ok(dir.path(), &["--generate", "complete-bash"]);
    write(dir.path(), "ba.bash", &script);
    // What bash does on `ba --hid<TAB>`: the words so far, then the function `complete` names.
    let driver = r#"source ./ba.bash
        spec=$(complete -p ba) || exit 3
        fn=$(sed -n 's/.*-F \([^ ]*\).*/\1/p' <<<"$spec")
        COMP_WORDS=(ba --hid); COMP_CWORD=1; COMP_LINE="ba --hid"; COMP_POINT=${#COMP_LINE}
        "$fn" ba --hid ba
        printf '%s\n' "${COMPREPLY[@]}""#;
    let Some(out) =
        run_tool("bash", &["--norc", "--noprofile", "-c", &format!("cd {:?} && {driver}", dir.path())], b"")
    else {
        return;
    };
    assert_eq!(stderr_of(&out), "");
    assert_eq!(stdout_of(&out), "--hidden\n");
}

#[test]
fn every_shell_gets_a_completion_script() {
    let dir = tempdir();
    for (kind, marker) in [
        ("complete-bash", "complete -F"),
        ("complete-zsh", "#compdef ba"),
        ("complete-fish", "complete -c ba"),
        ("complete-powershell", "Register-ArgumentCompleter"),
        ("complete-elvish", "edit:completion:arg-completer[ba]"),
    ] {
        let script = String::from_utf8(run_ok(dir.path(), &["--generate", kind])).unwrap();
        assert!(script.contains(marker), "{kind}: no {marker:?} in:\n{script}");
        assert!(script.contains("--hidden"), "{kind}: --hidden is not offered");
    }
}

#[test]
fn man_page_renders_cleanly_and_lists_every_long_flag() {
    let dir = tempdir();
    let page = run_ok(dir.path(), &["--generate", "man"]);
    let source = String::from_utf8(page.clone()).unwrap();
    assert!(source.lines().any(|line| line.starts_with(".TH ba 1 ")), "not a man page: {source}");
    // -ww: every warning; -P-cbou: plain text, no overstriking, so that flags read as typed.
    let Some(out) = run_tool("groff", &["-man", "-Tutf8", "-ww", "-P-cbou"], &page) else { return };
    assert!(out.status.success(), "groff failed: {}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "", "groff warned");
    let text = stdout_of(&out);
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "VERSION"] {
        assert!(text.lines().any(|line| line == section), "no {section} section in:\n{text}");
    }
    let command = Args::command();
    let longs: Vec<&str> = command.get_arguments().filter_map(|arg| arg.get_long()).collect();
    assert!(longs.contains(&"hidden") && longs.contains(&"generate"), "{longs:?}");
    for long in longs {
        assert!(text.contains(&format!("--{long}")), "--{long} is not in the man page:\n{text}");
    }
}

#[test]
fn generate_takes_no_pattern_and_refuses_unknown_kinds() {
    let dir = tempdir();
    let out = run(dir.path(), &["--generate", "complete-tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("complete-bash"), "the kinds are not listed: {}", stderr_of(&out));
}

// The config file (BA_CONFIG_PATH)

/// Runs `ba ARGS` in `dir` with a config file holding `contents`, kept outside the tree searched.
fn run_with_config(dir: &Path, contents: &str, args: &[&str]) -> Output {
    let conf = tempdir();
    let path = write(conf.path(), "ba.conf", contents);
    ba(dir).env("BA_CONFIG_PATH", path).args(args).run()
}

/// A tree with a hidden file, a file one directory down and a file in a `vendor` directory.
fn config_tree(root: &Path) {
    write(root, "top.txt", "hit top\n");
    write(root, ".hidden.txt", "hit hidden\n");
    write(root, "sub/deep.txt", "hit deep\n");
    write(root, "vendor/lib.txt", "hit vendor\n");
}

#[test]
fn config_file_flags_apply_with_comments_and_blank_lines() {
    let dir = tempdir();
    config_tree(dir.path());
    let conf = "# my defaults\n\n--hidden\n   # indented comment\n--glob=!vendor/\r\n\n";
    let out = run_with_config(dir.path(), conf, &["hit", "-p"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, ".hidden.txt:1:hit hidden\nsub/deep.txt:1:hit deep\ntop.txt:1:hit top\n");
    // A value may stand on the line after its flag.
    let out = run_with_config(dir.path(), "--glob\n!vendor/\n", &["hit", "-p"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, "sub/deep.txt:1:hit deep\ntop.txt:1:hit top\n");
}

#[test]
fn the_command_line_wins_over_the_config_file() {
    let dir = tempdir();
    config_tree(dir.path());
    let conf = "--depth=0\n--glob=!vendor/\n";
    // A flag of one value takes the command line's; repeating it is no usage error.
    let out = run_with_config(dir.path(), conf, &["hit", "-p", "--depth", "1"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, "sub/deep.txt:1:hit deep\ntop.txt:1:hit top\n");
    // Globs add up: the file's and the command line's.
    let out = run_with_config(dir.path(), conf, &["hit", "-p", "--depth=1", "-g", "!sub/"]);
    assert_output_eq!(out.stdout, "top.txt:1:hit top\n");
    // --no-config: as if there were no file.
    let out = run_with_config(dir.path(), conf, &["hit", "-p", "--no-config"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(
        out.stdout,
        "sub/deep.txt:1:hit deep\ntop.txt:1:hit top\nvendor/lib.txt:1:hit vendor\n"
    );
}

#[test]
fn flags_of_several_values_in_the_config_file_leave_the_pattern_alone() {
    let dir = tempdir();
    config_tree(dir.path());
    // `-i` and `-f` take every argument up to the next flag: the file's last must not take "hit".
    let out = run_with_config(dir.path(), "-f\n\\.txt$\n-i\nvendor\n", &["hit", "-p", "-i", "deep"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, "top.txt:1:hit top\n");
    let out = run_with_config(dir.path(), "-d\nsub\n", &["hit", "-p", "-d", "vendor"]);
    assert_eq!(stderr_of(&out), "");
    assert_output_eq!(out.stdout, "sub/deep.txt:1:hit deep\nvendor/lib.txt:1:hit vendor\n");
}

#[test]
fn a_bad_config_line_is_an_error_naming_the_file_and_line() {
    let dir = tempdir();
    config_tree(dir.path());
    let conf = tempdir();
    let path = conf.path().join("ba.conf");
    for (contents, line, reason) in [
        (
            "# ok\n--hidden\n\n--hiden\n",
            4,
            "unexpected argument '--hiden' found; a similar argument exists: '--hidden'",
        ),
        ("--color=sometimes\n", 1, "invalid value 'sometimes' for '--color <WHEN>'"),
        ("--hidden\nhit\n", 2, "'hit' is not a flag"),
        ("--hidden\n--glob\n", 2, "a value is required for '--glob <GLOB>'"),
        ("--help\n", 1, "--help and --version have no place in a config file"),
        // Whatever clap quotes of the line, no escape sequence reaches the terminal.
        ("--hidden\n--max-filesize=\x1b[31m\n", 2, "invalid value"),
    ] {
        std::fs::write(&path, contents).unwrap();
        let out = ba(dir.path()).env("BA_CONFIG_PATH", &path).arg("hit").run();
        assert_eq!(out.status.code(), Some(2), "{contents:?}");
        assert_eq!(out.stdout, b"", "{contents:?}");
        let expected = format!("ba: {}:{line}: {reason}", path.display());
        assert!(stderr_of(&out).starts_with(&expected), "{contents:?}: {}", stderr_of(&out));
        assert!(!out.stderr.contains(&0x1b), "{contents:?}: {}", stderr_of(&out));
    }
}

#[test]
fn a_missing_config_file_is_an_error() {
    let dir = tempdir();
    config_tree(dir.path());
    let path = dir.path().join("nowhere.conf");
    let out = ba(dir.path()).env("BA_CONFIG_PATH", &path).arg("hit").run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    let expected = format!(
        "ba: {}: cannot read the config file (BA_CONFIG_PATH): No such file or directory\n",
        path.display()
    );
    assert_eq!(stderr_of(&out), expected);
    // --no-config does not look for it.
    let out = ba(dir.path()).env("BA_CONFIG_PATH", &path).args(["hit", "--no-config"]).run();
    assert_eq!(out.status.code(), Some(0));
}

// --type-add and --type-clear

/// One file per extension, each a hit.
fn typed_tree(root: &Path) {
    for name in ["a.html", "b.css", "c.js", "d.rs", "e.rsx", "f.md", "g.mdx"] {
        write(root, name, format!("hit {name}\n"));
    }
}

/// The files `ba hit -p ARGS` finds, in order.
fn files_found(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = stdout_ok(dir, &[&["hit", "-p"], args].concat(), 0);
    out.lines().map(|line| line.split(':').next().unwrap().to_string()).collect()
}

#[test]
fn type_add_teaches_new_types_and_more_globs() {
    let dir = tempdir();
    typed_tree(dir.path());
    let d = dir.path();
    assert_eq!(files_found(d, &["--type-add", "web:*.html,*.css", "-t", "web"]), ["a.html", "b.css"]);
    // A comma inside braces belongs to its glob.
    assert_eq!(files_found(d, &["--type-add=web:*.{html,css}", "-t", "web"]), ["a.html", "b.css"]);
    // More globs for a built-in type.
    assert_eq!(files_found(d, &["--type-add", "rust:*.rsx", "-t", "rust"]), ["d.rs", "e.rsx"]);
    // The globs of other types.
    assert_eq!(files_found(d, &["--type-add", "mine:include:rust,js", "-t", "mine"]), ["c.js", "d.rs"]);
}

#[test]
fn type_clear_forgets_what_was_added_before_it() {
    let dir = tempdir();
    typed_tree(dir.path());
    let d = dir.path();
    assert_eq!(
        files_found(d, &["--type-clear", "rust", "--type-add", "rust:*.rsx", "-t", "rust"]),
        ["e.rsx"]
    );
    // Cleared last: no such type.
    let out = run(d, &["hit", "--type-add", "rust:*.rsx", "--type-clear", "rust", "-t", "rust"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("unrecognized file type: rust"), "{}", stderr_of(&out));
    // The config file's changes come before the command line's.
    let out = run_with_config(
        d,
        "--type-add=rust:*.rsx\n",
        &["hit", "-p", "--type-clear=rust", "--type-add=rust:*.rs", "-t", "rust"],
    );
    assert_output_eq!(out.stdout, "d.rs:1:hit d.rs\n");
}

#[test]
fn type_list_shows_added_and_not_cleared_types() {
    let dir = tempdir();
    let list =
        stdout_ok(dir.path(), &["--type-list", "--type-add", "web:*.html,*.css", "--type-clear", "rust"], 0);
    assert!(list.lines().any(|line| line == "web: *.css, *.html"), "{list}");
    assert!(!list.lines().any(|line| line.starts_with("rust:")), "{list}");
    assert!(list.lines().any(|line| line.starts_with("py: ")), "{list}");
}

#[test]
fn bad_type_definitions_are_errors_even_unused() {
    let dir = tempdir();
    typed_tree(dir.path());
    for (definition, reason) in [
        ("web", "write NAME:GLOB,GLOB or NAME:include:TYPE,TYPE"),
        ("we b:*.x", "a type's name is letters and digits, and not 'all'"),
        ("all:*.x", "a type's name is letters and digits, and not 'all'"),
        ("web:*.{html", "error parsing glob '*.{html'"),
        ("web:*.a,", "an empty glob"),
        ("x:include:rust,nosuch", "unknown file type \"nosuch\" (see --type-list)"),
    ] {
        let out = run(dir.path(), &["hit", "--type-add", definition]);
        assert_eq!(out.status.code(), Some(2), "{definition}");
        let expected = format!("ba: invalid --type-add {definition:?}: {reason}");
        assert!(stderr_of(&out).starts_with(&expected), "{definition}: {}", stderr_of(&out));
    }
}

// --hyperlink-format

/// The OSC 8 sequences that open a link to `url` and close it.
fn link_open(url: &str) -> String {
    format!("\x1b]8;;{url}\x1b\\")
}
const LINK_CLOSE: &str = "\x1b]8;;\x1b\\";

/// `dir`'s absolute path as a link shows it; the tests' directories need no percent-encoding.
fn url_path(dir: &Path) -> String {
    let real = std::fs::canonicalize(dir).unwrap().to_str().unwrap().to_string();
    assert!(real.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)), "{real}");
    real
}

#[test]
fn hyperlinks_wrap_path_and_line_in_the_exact_bytes() {
    let dir = tempdir();
    write(dir.path(), "src/a.rs", "fn main() {\n    let hit = 1;\n}\n");
    let root = url_path(dir.path());
    let out = run_ok(dir.path(), &["hit", "--pretty", "--color=always", "--hyperlink-format=vscode"]);
    let expected = format!(
        "{}src/a.rs:\x1b[0m\x1b[32m2\x1b[0m{LINK_CLOSE}\n\tlet \x1b[0m\x1b[1m\x1b[33mhit\x1b[0m = 1;\n",
        link_open(&format!("vscode://file{root}/src/a.rs:2:9")),
    );
    let text = String::from_utf8(out).unwrap();
    assert_output_eq!(text.split("---------------\n").next().unwrap(), expected);
}

#[test]
fn hyperlinks_default_to_file_urls_with_the_host() {
    let dir = tempdir();
    write(dir.path(), "a b/é%.txt", "hit\n");
    let root = url_path(dir.path());
    let host = Command::new("uname").arg("-n").output().unwrap();
    let host = String::from_utf8(host.stdout).unwrap().trim().to_string();
    assert!(host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b)), "{host}");
    let out = run_ok(dir.path(), &["hit", "--pretty", "--color=always", "--hyperlink-format=default"]);
    let text = strip_ansi(&String::from_utf8(out).unwrap());
    let url = format!("file://{host}{root}/a%20b/%C3%A9%25.txt");
    assert!(text.starts_with(&format!("{}a b/é%.txt:1{LINK_CLOSE}\n", link_open(&url))), "{text:?}");
    // A template of one's own, on the lines -r shows too.
    let out = run_ok(
        dir.path(),
        &["hit", "-r", "HIT", "--pretty", "--color=always", "--hyperlink-format=ed:{path}#{line}"],
    );
    let text = strip_ansi(&String::from_utf8(out).unwrap());
    let url = format!("ed:{root}/a%20b/%C3%A9%25.txt#1");
    assert!(text.starts_with(&format!("{}a b/é%.txt:1{LINK_CLOSE}\n", link_open(&url))), "{text:?}");
}

#[test]
fn hyperlinks_only_with_colours_and_never_into_a_pipe() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "hit\n");
    for args in [
        &["hit", "--hyperlink-format=default"][..],
        &["hit", "--pretty", "--hyperlink-format=default"],
        &["hit", "--pretty", "--color=never", "--hyperlink-format=default"],
        &["hit", "--pretty", "--color=always", "--hyperlink-format=default", "--hyperlink-format=none"],
    ] {
        let out = run_ok(dir.path(), args);
        assert!(!out.windows(4).any(|w| w == b"\x1b]8;"), "{args:?}: {}", String::from_utf8_lossy(&out));
    }
    // Set in the config file, and turned off on the command line.
    let out =
        run_with_config(dir.path(), "--hyperlink-format=vscode\n", &["hit", "--pretty", "--color=always"]);
    assert!(out.stdout.windows(4).any(|w| w == b"\x1b]8;"), "{}", String::from_utf8_lossy(&out.stdout));
    let args = ["hit", "--pretty", "--color=always", "--hyperlink-format", "none"];
    let out = run_with_config(dir.path(), "--hyperlink-format=vscode\n", &args);
    assert!(!out.stdout.windows(4).any(|w| w == b"\x1b]8;"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn bad_hyperlink_formats_are_usage_errors() {
    let dir = tempdir();
    for (format, reason) in [
        ("vscod", "start with a URL scheme"),
        ("file://{host}", "the format has no {path}"),
        ("x:{path}:{row}", "unknown {row}"),
    ] {
        let out = run(dir.path(), &["hit", "--hyperlink-format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(stderr_of(&out).contains(reason), "{format}: {}", stderr_of(&out));
    }
}

// The progress line

/// What a terminal shows of `sh -c SCRIPT` run in `dir` on a pseudo-terminal, through `script`;
/// `None` (with a note) where `script` cannot run. `BA` in the script stands for the binary.
fn on_a_terminal(dir: &Path, shell_script: &str) -> Option<Vec<u8>> {
    let shell_script = shell_script.replace("BA", ba_path());
    let mut command = isolated(Command::new("script"), dir);
    command.env("SHELL", "/bin/sh").args(["-qfec", &shell_script, "/dev/null"]);
    match command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(child) => {
            let out = output_within(child, std::time::Duration::from_secs(30));
            assert!(out.status.success(), "script: {}", stderr_of(&out));
            Some(out.stdout)
        }
        Err(err) => {
            eprintln!("note: skipped, cannot run script: {err}");
            None
        }
    }
}

/// A FIFO `fifo` in `dir`, and a script that writes `hit here` into it after 1.6 s, when ba has run
/// for more than a second, then runs `command`.
fn slow_search(dir: &Path, command: &str) -> Option<Vec<u8>> {
    let made = Command::new("mkfifo").arg(dir.join("fifo")).status().expect("run mkfifo");
    assert!(made.success());
    on_a_terminal(dir, &format!("(sleep 1.6; echo hit here) > fifo & {command}"))
}

const PROGRESS: &[u8] = b"0 files searched, 0.0 MB/s";
const ERASE: &[u8] = b"\r\x1b[K";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn the_progress_line_shows_on_a_slow_search_and_is_erased_before_the_hits() {
    let dir = tempdir();
    let Some(screen) = slow_search(dir.path(), "BA hit fifo") else { return };
    let shown = String::from_utf8_lossy(&screen);
    let hit = find(&screen, b"fifo:").unwrap_or_else(|| panic!("no hit in {shown:?}"));
    let (before, after) = screen.split_at(hit);
    assert!(before.starts_with(ERASE) && find(before, PROGRESS).is_some(), "no progress line in {shown:?}");
    // Erased right before the hit, and not shown again.
    assert!(before.ends_with(ERASE), "{shown:?}");
    assert_eq!(find(after, PROGRESS), None, "{shown:?}");
    assert!(find(after, b"Files Searched: 1").is_some(), "{shown:?}");
}

/// A search ended by a signal leaves no progress line behind it on the screen.
#[test]
fn the_progress_line_is_erased_when_a_signal_ends_the_search() {
    let dir = tempdir();
    let made = Command::new("mkfifo").arg(dir.path().join("fifo")).status().expect("run mkfifo");
    assert!(made.success());
    // SIGTERM: a shell starts a background job with SIGINT ignored.
    let script = "BA hit fifo & pid=$!; sleep 1.6; kill -TERM $pid; wait $pid; echo \"status $?\"";
    let Some(screen) = on_a_terminal(dir.path(), script) else { return };
    let shown = String::from_utf8_lossy(&screen);
    let status = find(&screen, b"status 143").unwrap_or_else(|| panic!("not ended by SIGTERM: {shown:?}"));
    let last = screen[..status].windows(PROGRESS.len()).rposition(|w| w == PROGRESS);
    let last = last.unwrap_or_else(|| panic!("no progress line in {shown:?}"));
    // Erased after it was last drawn (then the colours reset, and the shell says `Terminated`).
    assert!(find(&screen[last..status], ERASE).is_some(), "the line was left on the screen: {shown:?}");
}

#[test]
fn the_progress_line_never_shows_into_a_pipe() {
    let dir = tempdir();
    let Some(screen) = slow_search(dir.path(), "BA hit fifo | cat") else { return };
    let shown = String::from_utf8_lossy(&screen);
    assert_eq!(shown, "fifo:1:hit here\r\n");
}

#[test]
fn no_progress_turns_the_progress_line_off() {
    let dir = tempdir();
    let Some(screen) = slow_search(dir.path(), "BA hit fifo --no-progress --color=never") else { return };
    let shown = String::from_utf8_lossy(&screen);
    assert!(shown.starts_with("fifo:1\r\n\thit here\r\n---------------\r\n"), "{shown:?}");
}

// --version

#[test]
fn version_tells_the_simd_instruction_sets() {
    let dir = tempdir();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(stdout_ok(dir.path(), &["-V"], 0), format!("ba {version}\n"));
    let long = stdout_ok(dir.path(), &["--version"], 0);
    let sets = r"(none|[+-][A-Z0-9]+(,[+-][A-Z0-9]+)*)";
    let shape = format!(
        r"^ba {}\n\nfeatures: [+-][a-z0-9-]+(,[+-][a-z0-9-]+)*\nsimd\(compile\): {sets}\nsimd\(runtime\): {sets}\n\n{pcre2}\n\n[^\n]+\n$",
        regex::escape(version),
        pcre2 = r"-P: PCRE2 \d+\.\d+ is available \(JIT is (un)?available\)",
    );
    assert!(regex::Regex::new(&shape).unwrap().is_match(&long), "{long}");
    if cfg!(target_arch = "x86_64") {
        // SSE2 is part of x86-64: always compiled in, always there.
        assert!(long.contains("simd(compile): +SSE2,") && long.contains("simd(runtime): +SSE2,"), "{long}");
    }
}

// ---------------------------------------------------------------------------------------------
// Nothing raw reaches a terminal
// ---------------------------------------------------------------------------------------------

/// A name that would set the window title and colour the screen.
const HOSTILE: &str = "t\x1b]0;PWNED\x07\x1b[31m";
/// The same, as ba shows it to a person.
const HOSTILE_SHOWN: &str = "t\\x1B]0;PWNED\\x07\\x1B[31m";

#[test]
fn files_escapes_names_on_a_terminal_and_keeps_their_bytes_in_a_pipe() {
    let dir = tempdir();
    write(dir.path(), &format!("{HOSTILE}.txt"), "x\n");
    write(dir.path(), "plain.txt", "x\n");
    let Some(screen) = on_a_terminal(dir.path(), "BA --files") else { return };
    let shown = String::from_utf8_lossy(&screen);
    assert!(!shown.contains('\x1b'), "a raw escape reached the terminal: {shown:?}");
    assert_eq!(shown, format!("plain.txt\r\n{HOSTILE_SHOWN}.txt\r\n"));
    // Into a pipe, the next program gets the name itself; -0 ends each with a NUL.
    let out = ba(dir.path()).arg("--files").run();
    assert_eq!(stdout_of(&out), format!("plain.txt\n{HOSTILE}.txt\n"));
    let out = ba(dir.path()).args(["--files", "-0"]).run();
    assert_eq!(stdout_of(&out), format!("plain.txt\0{HOSTILE}.txt\0"));
}

#[test]
fn messages_escape_what_they_quote() {
    let dir = tempdir();
    // A bad glob in an ignore file, quoted by the warning.
    write(dir.path(), ".ignore", format!("{HOSTILE}{{\n"));
    // A link that loops back to a directory with a hostile name (walked with --follow).
    let ancestor = dir.path().join(HOSTILE);
    write(&ancestor, "a.txt", "hit\n");
    std::os::unix::fs::symlink(".", ancestor.join("loop")).unwrap();
    let out = ba(dir.path()).args(["-p", "--follow", "hit", "--", "."]).run();
    let err = stderr_of(&out);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "a raw escape reached stderr: {err:?}");
    assert!(err.contains(&format!("ba: ./.ignore: line 1: error parsing glob '{HOSTILE_SHOWN}{{'")), "{err}");
    assert!(err.contains(&format!("/loop: symbolic link loop back to ./{HOSTILE_SHOWN}")), "{err}");
    // The pattern, quoted by an error that ends ba.
    let out = ba(dir.path()).arg(format!("{HOSTILE}(")).run();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.starts_with("ba: invalid pattern:") && err.contains(HOSTILE_SHOWN), "{err:?}");
    assert!(!err.contains('\x1b'), "a raw escape reached stderr: {err:?}");
}

// The Vim plugin (editors/vim)

/// A tree for `:Ba`: matches after a multi-byte character, two on one line, a CRLF line, quotes.
fn vim_tree(root: &Path) {
    write(root, "src/main.rs", "fn main() {\n    let s = \"héllo hit\"; // hit\n}\n");
    write(root, "notes/quotes.txt", "say \"it's here\" hit\r\nnothing\n");
    write(root, "notes/c.txt", "#include <stdio.h>\n50% done\n");
}

/// Runs `:Ba` in each of vim and neovim that is installed, with the plugin from `editors/vim` and
/// `ba` as `g:ba_command`, in the tree of `vim_tree`; each Ex command in `steps` runs in turn, and
/// each `record NAME` line keeps, under NAME, the quickfix list, the location list and the error
/// of the `:Ba` before it. Returns what each editor recorded (none, with a note, without either).
fn run_vim(steps: &str) -> Vec<(&'static str, serde_json::Value)> {
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vim");
    let mut recorded = Vec::new();
    for editor in ["vim", "nvim"] {
        if !have(editor) {
            eprintln!("note: {editor} is not installed: the plugin is not tested in it");
            continue;
        }
        // The script and what it records lie outside the tree searched.
        let dir = tempdir();
        let tree = dir.path().join("tree");
        vim_tree(&tree);
        // Each step runs in a try: an error is kept as the step's, not lost in Ex mode.
        let mut script = format!(
            "set nocompatible\n\
             let &runtimepath = {plugin:?} . ',' . &runtimepath\n\
             runtime plugin/ba.vim\n\
             let g:ba_command = shellescape({ba:?})\n\
             let g:recorded = {{}}\n\
             let g:error = ''\n\
             function! Entries(list)\n\
               return map(a:list, {{_, e -> [bufname(e.bufnr), e.lnum, e.col, e.text]}})\n\
             endfunction\n",
            plugin = plugin.to_str().unwrap(),
            ba = ba_path(),
        );
        for step in steps.lines().map(str::trim).filter(|step| !step.is_empty()) {
            if let Some(name) = step.strip_prefix("record ") {
                script += &format!(
                    "let g:recorded[{name:?}] = {{'qf': Entries(getqflist()), 'loc': Entries(getloclist(0)), \
                     'error': g:error}}\nlet g:error = ''\n"
                );
            } else {
                script += &format!("try\n  {step}\ncatch\n  let g:error = v:exception\nendtry\n");
            }
        }
        script += "call writefile([json_encode(g:recorded)], '../recorded.json')\nqall!\n";
        write(dir.path(), "test.vim", &script);
        let args: &[&str] = match editor {
            "vim" => &["-Nu", "NONE", "-i", "NONE", "-es", "-S", "../test.vim"],
            _ => &["--headless", "-u", "NONE", "-i", "NONE", "-S", "../test.vim"],
        };
        let out = isolated(Command::new(editor), &tree).args(args).run();
        let json = std::fs::read_to_string(dir.path().join("recorded.json"))
            .unwrap_or_else(|err| panic!("{editor} recorded nothing ({err}): {}", stderr_of(&out)));
        recorded.push((editor, serde_json::from_str(&json).unwrap()));
    }
    recorded
}

#[test]
fn vim_ba_fills_the_quickfix_and_location_lists() {
    let steps = r#"
        Ba hit
        record quickfix
        Ba! "say \"it's here\"" notes
        record location
        Ba hit
        Ba nothing\ matches\ this
        record nothing
        edit src/main.rs
        call cursor(1, 4)
        Ba
        record cursor
    "#;
    for (editor, recorded) in run_vim(steps) {
        let hits = serde_json::json!([
            ["notes/quotes.txt", 1, 17, "say \"it's here\" hit"],
            // Byte columns, as Vim counts them: `é` is two bytes.
            ["src/main.rs", 2, 21, "    let s = \"héllo hit\"; // hit"],
            ["src/main.rs", 2, 30, "    let s = \"héllo hit\"; // hit"],
        ]);
        assert_eq!(recorded["quickfix"]["qf"], hits, "{editor}: {recorded}");
        assert_eq!(recorded["quickfix"]["error"], "", "{editor}");
        // The location list, and the quickfix list left as it was.
        let quoted = serde_json::json!([["notes/quotes.txt", 1, 1, "say \"it's here\" hit"]]);
        assert_eq!(recorded["location"]["loc"], quoted, "{editor}: {recorded}");
        assert_eq!(recorded["location"]["qf"], hits, "{editor}");
        // No match (exit code 1): an empty list, and no error.
        assert_eq!(recorded["nothing"]["qf"], serde_json::json!([]), "{editor}: {recorded}");
        assert_eq!(recorded["nothing"]["error"], "", "{editor}");
        // No words: the word under the cursor, as a word.
        let main = serde_json::json!([["src/main.rs", 1, 4, "fn main() {"]]);
        assert_eq!(recorded["cursor"]["qf"], main, "{editor}: {recorded}");
    }
}

/// `%` and `#` in the arguments are searched as typed, never expanded to the file names Vim
/// gives them elsewhere.
#[test]
fn vim_ba_searches_percent_and_hash_as_typed() {
    let steps = r#"
        edit src/main.rs
        edit notes/quotes.txt
        Ba #include
        record hash
        Ba 50%
        record percent
    "#;
    for (editor, recorded) in run_vim(steps) {
        let hash = serde_json::json!([["notes/c.txt", 1, 1, "#include <stdio.h>"]]);
        assert_eq!(recorded["hash"]["qf"], hash, "{editor}: {recorded}");
        let percent = serde_json::json!([["notes/c.txt", 2, 1, "50% done"]]);
        assert_eq!(recorded["percent"]["qf"], percent, "{editor}: {recorded}");
    }
}

#[test]
fn vim_ba_shows_errors_and_takes_options() {
    let steps = r#"
        Ba (unclosed
        record bad_pattern
        let g:ba_args = ['-g', '*.txt']
        Ba hit
        record args
        let g:ba_command .= ' --no-such-flag'
        Ba hit
        record bad_flag
    "#;
    for (editor, recorded) in run_vim(steps) {
        // Exit code 2: ba's own message is the error.
        let error = recorded["bad_pattern"]["error"].as_str().unwrap();
        assert!(
            error.contains("ba: invalid pattern:") && error.contains("unclosed group"),
            "{editor}: {error}"
        );
        assert_eq!(recorded["bad_pattern"]["qf"], serde_json::json!([]), "{editor}");
        let quoted = serde_json::json!([["notes/quotes.txt", 1, 17, "say \"it's here\" hit"]]);
        assert_eq!(recorded["args"]["qf"], quoted, "{editor}: {recorded}");
        let error = recorded["bad_flag"]["error"].as_str().unwrap();
        assert!(error.contains("--no-such-flag"), "{editor}: {error}");
    }
}
