//! What `-r` does with what surrounds it: flags it cannot honour, habits that would rewrite a tree,
//! the config file, the question at a terminal, Ctrl-C, and the words of its last line.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::replace::snapshot;
use crate::util::*;

/// A small tree with a match in two files.
fn tree(d: &Path) {
    write(d, "a.txt", "foo one\nkeep\nfoo two\n");
    write(d, "src/b.txt", "foo\n");
    write(d, "none.txt", "nothing\n");
}

#[test]
fn flags_a_rewrite_cannot_honour_are_refused_before_anything_is_read() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    let before = snapshot(d);
    let refused: &[&[&str]] = &[
        &["-v"],
        &["-q"],
        &["--max-count", "1"],
        &["--files-with-matches"],
        &["--files-without-match"],
        &["-c"],
        &["--count-matches"],
        &["-C", "1"],
        &["-A", "1"],
        &["--passthru"],
        &["-U"],
        &["--json"],
        &["--vimgrep"],
        &["--output-replace", "x"],
        &["--files"],
        // What shapes a hit line: -r shows its changes in a format of its own.
        &["--column"],
        &["-0"],
        &["--heading"],
        &["--trim"],
        &["--max-columns", "5"],
        &["-b"],
        &["-m"],
        &["-e"],
    ];
    for flags in refused {
        let mut args = vec!["foo", "-r", "bar"];
        args.extend_from_slice(flags);
        let out = run(d, &args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.starts_with("ba: -r cannot go with ") && err.lines().count() == 1, "{flags:?}: {err}");
        assert_eq!(stdout_of(&out), "", "{flags:?}");
        assert_eq!(snapshot(d), before, "{flags:?} wrote");
    }
    // In the config file the line format's flags shape searches, and -r leaves them be.
    write(d, "config", "--heading\n--max-columns=150\n-C2\n");
    let out = ba(d).env("BA_CONFIG_PATH", d.join("config")).args(["foo", "-r", "bar", "a.txt"]).run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"bar one\nkeep\nbar two\n");
    fs::write(d.join("a.txt"), "foo one\nkeep\nfoo two\n").unwrap();
    fs::remove_file(d.join("config")).unwrap();
    // Standard input with no path is a filter, which writes no file: there they mean what they say.
    let out = ba(d).args(["-v", "foo", "-r", "bar"]).run_stdin(b"foo\nkeep\n");
    assert_eq!((out.status.code(), stdout_of(&out).as_str()), (Some(0), "keep\n"));
}

#[test]
fn grep_habits_that_would_rewrite_a_tree_are_refused_with_both_readings() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    let before = snapshot(d);
    // grep's "recursive": `.` would be the pattern, every character replaced.
    let out = run(d, &["-r", "TODO", "."]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'.' is the pattern") && err.contains("ba TODO ."), "{err}");
    // `src` names a directory and no path is given: it would be the pattern.
    let out = run(d, &["-r", "todo", "src"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'src' is the pattern") && err.contains("ba src -r todo ."), "{err}");
    // grep's habits, each read as a rewrite: the pattern then -r PATH, -r first with paths, glued
    // letters.
    for args in [
        &["foo", "-r", "."][..],
        &["foo", "-r", "src"],
        &["foo", "-r", "src", "a.txt"],
        &["-r", "foo", "src", "a.txt"],
        &["-r", "foo", "a.txt", "src"],
        &["-rq", "foo", "."],
        &["-rA3", "foo", "."],
        &["-rn2", "foo"],
        &["-rniIwl", "foo", "."],
    ] {
        let out = run(d, args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("nothing was written") || err.contains("put a space"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let out = run(d, &["-r", "foo", "src", "a.txt"]);
    assert!(stderr_of(&out)
        .contains("ba foo src a.txt; to replace 'src' nonetheless, put it before -r: ba src -r foo a.txt"));
    // `.` is refused as a pattern of -r even with paths.
    assert_eq!(run(d, &[".", "-r", "x", "a.txt"]).status.code(), Some(2));
    assert_eq!(snapshot(d), before);
    // The pattern before -r is ba's own order: meant, even where it names a path.
    write(d, "c.txt", "in src\n");
    let out = run(d, &["src", "-r", "todo", "c.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read(d.join("c.txt")).unwrap(), b"in todo\n");
    // A replacement that names a path, spelled out, is meant too.
    let out = run(d, &["todo", "--replace=src", "c.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read(d.join("c.txt")).unwrap(), b"in src\n");
}

#[test]
fn the_config_file_cannot_turn_on_a_rewrite_an_undo_or_the_editor() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    let before = snapshot(d);
    for (lines, flag) in [
        ("-r=X", "-r/--replace"),
        ("--replace=Y", "-r/--replace"),
        ("--hidden\n-r\nZ", "-r/--replace"),
        ("--undo", "--undo"),
        ("-e", "-e/--edit"),
        ("--edit", "-e/--edit"),
        ("--no-undo", "--no-undo"),
        ("--dry-run", "--dry-run"),
        ("--interactive", "--interactive"),
        ("--undo-limit=1M", "--undo-limit"),
    ] {
        write(d, "config", format!("# ba\n{lines}\n"));
        let out = ba(d).env("BA_CONFIG_PATH", d.join("config")).arg("foo").run();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{lines}: {err}");
        let number = if lines.starts_with("--hidden") { 3 } else { 2 };
        let expected =
            format!("ba: {}:{number}: {flag} has no place in a config file", d.join("config").display());
        assert!(err.starts_with(&expected), "{lines}: {err}");
        assert_eq!(stdout_of(&out), "", "{lines}");
    }
    fs::remove_file(d.join("config")).unwrap();
    assert_eq!(snapshot(d), before);
    // --yes may stand there: it only spares the question at a terminal.
    write(d, "config", "--yes\n");
    let out = ba(d).env("BA_CONFIG_PATH", d.join("config")).args(["foo", "-g", "!config"]).run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// The question a rewrite asks at a terminal.
const REWRITE_QUESTION: &str = r"rewrite [^\n]*\? \[y/N\] ";

#[test]
fn at_a_terminal_a_rewrite_shows_its_changes_and_asks_once() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    let before = snapshot(d);
    // Anything but yes writes nothing.
    for answer in ["n\n", "\n", "yy\n"] {
        let Some((code, text)) = on_terminal(d, REWRITE_QUESTION, &[answer], &["foo", "-r", "bar"]) else {
            return;
        };
        assert_eq!(code, 0, "{text}");
        let question = text.find("rewrite 2 files (3 replacements)? [y/N] ").expect(&text);
        // The diff comes before the question.
        assert!(text[..question].contains("-foo one\n+bar one\n"), "{text}");
        assert!(text.contains("ba: nothing was written"), "{text}");
        assert!(text.contains("Files Changed: 0\n"), "{text}");
        assert_eq!(snapshot(d), before, "{answer:?}");
    }
    let Some((code, text)) = on_terminal(d, REWRITE_QUESTION, &["y\n"], &["foo", "-r", "bar"]) else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Files Changed: 2\n") && text.contains("ba: rewrote 2 files"), "{text}");
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"bar one\nkeep\nbar two\n");
    assert_eq!(fs::read(d.join("src/b.txt")).unwrap(), b"bar\n");
    // --yes asks nothing.
    let Some((code, text)) = on_terminal(d, REWRITE_QUESTION, &[], &["bar", "-r", "baz", "--yes"]) else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("[y/N]"), "{text}");
    assert_eq!(fs::read(d.join("src/b.txt")).unwrap(), b"baz\n");
}

#[test]
fn the_question_shows_the_first_lines_of_a_long_diff() {
    let dir = tempdir();
    let d = dir.path();
    for i in 0..30 {
        write(d, &format!("f{i:02}.txt"), "foo\nfoo\n");
    }
    let Some((code, text)) = on_terminal(d, REWRITE_QUESTION, &["n\n"], &["foo", "-r", "bar"]) else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    let question = text.find("rewrite 30 files (60 replacements)? [y/N] ").expect(&text);
    let shown = &text[..question];
    assert!(shown.contains("--dry-run shows all of it"), "{text}");
    assert!(shown.lines().count() < 60, "{text}");
    assert!(!shown.contains("f29.txt"), "{text}");
}

#[test]
fn the_last_line_says_one_file_or_several() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "one.txt", "foo\n");
    let out = run(d, &["foo", "-r", "bar"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ba: rewrote 1 file; ba --undo restores it\n");
    let out = run(d, &["bar", "-r", "baz", "--no-undo"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ba: rewrote 1 file; with --no-undo it cannot be undone\n"
    );
    write(d, "two.txt", "baz\n");
    let out = run(d, &["baz", "-r", "qux", "--no-undo"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ba: rewrote 2 files; with --no-undo they cannot be undone\n"
    );
}

#[test]
fn preserve_case_keeps_a_mixed_case_as_typed() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "a.txt", "colour Colour COLOUR CoLoUr\n");
    run_ok(d, &["colour", "-r", "color", "--preserve-case"]);
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"color Color COLOR color\n");
}

/// The files below `d` that hold `text` (a rewrite's temporary file may vanish as they are read).
fn holding(d: &Path, text: &[u8]) -> usize {
    let holds =
        |path: &std::path::PathBuf| fs::read(path).unwrap_or_default().windows(text.len()).any(|w| w == text);
    files_below(d).iter().filter(|path| holds(path)).count()
}

#[test]
fn ctrl_c_says_how_many_files_were_rewritten_before_it() {
    let dir = tempdir();
    let d = dir.path();
    let line = format!("foo {}\n", "x".repeat(1000));
    for i in 0..400 {
        write(d, &format!("f{i:03}.txt"), &line);
    }
    let state = tempdir();
    // Nobody reads the output: once the pipe is full, ba waits with some files rewritten.
    let mut child = ba(d)
        .args(["foo", "-r", "bar", "-w", "1"])
        .env("XDG_STATE_HOME", state.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut rewritten = 0;
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = holding(d, b"bar ");
        if now > 0 && now == rewritten {
            break;
        }
        rewritten = now;
        assert!(Instant::now() < deadline, "ba never blocked");
    }
    assert!(rewritten < 400, "ba did not block on its output");
    // SAFETY: kill(2) on the child's own pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = wait_for(&mut child, Duration::from_secs(10));
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGINT), "{err}");
    let rewritten = holding(d, b"bar ");
    assert_eq!(err, format!("ba: rewrote {rewritten} files before the interrupt; ba --undo restores them\n"));
    let undo = ba(d).arg("--undo").env("XDG_STATE_HOME", state.path()).run();
    assert_eq!(undo.status.code(), Some(0), "{}", String::from_utf8_lossy(&undo.stderr));
    assert_eq!(holding(d, b"bar "), 0);
}

#[test]
fn with_the_output_in_a_file_the_question_shows_the_diff_on_the_terminal() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    // The output goes to a file (outside the tree), the question and the diff to the terminal.
    let out_dir = tempdir();
    let out_file = out_dir.path().join("out.txt");
    let script = format!("exec \"$0\" \"$@\" > '{}'", out_file.display());
    let program = ["/bin/sh", "-c", &script, ba_path(), "foo", "-r", "bar"];
    let Some((code, text)) = run_on_terminal(d, &[], REWRITE_QUESTION, &["y\n"], &program) else { return };
    assert_eq!(code, 0, "{text}");
    let question = text.find("rewrite 2 files (3 replacements)? [y/N] ").expect(&text);
    assert!(text[..question].contains("-foo one\n+bar one\n"), "{text}");
    // Written, the changed lines go to the output as they do without a question.
    let written = fs::read_to_string(&out_file).unwrap();
    assert_eq!(written, "a.txt:1:bar one\na.txt:3:bar two\nsrc/b.txt:1:bar\n");
    assert_eq!(fs::read(d.join("src/b.txt")).unwrap(), b"bar\n");
}

/// --interactive's question.
const FILE_QUESTION: &str = r"Replace in [^\n]*?\?[^\n]*?: ";

#[test]
fn interactive_takes_one_key_and_no_escape_sequence_or_type_ahead_for_an_answer() {
    let dir = tempdir();
    let d = dir.path();
    tree(d);
    let before = snapshot(d);
    // The up arrow (`ESC [ A`) is no `a`ll, `yes` typed ahead answers one file, not three; Ctrl-D
    // ends the questions.
    let answers = ["\x1b[A", "n", "\x04"];
    let Some((code, text)) = on_terminal(d, FILE_QUESTION, &answers, &["foo", "-r", "bar", "--interactive"])
    else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    assert_eq!(snapshot(d), before, "{text}");
    assert!(text.contains("Files Changed: 0\n"), "{text}");
    let answers = ["yes"];
    let Some((code, text)) = on_terminal(d, FILE_QUESTION, &answers, &["foo", "-r", "bar", "--interactive"])
    else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Files Changed: 1\n"), "{text}");
    assert_eq!(fs::read(d.join("a.txt")).unwrap(), b"bar one\nkeep\nbar two\n");
    assert_eq!(fs::read(d.join("src/b.txt")).unwrap(), b"foo\n");
}

#[test]
fn the_question_shows_a_long_line_cut_short() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "long.txt", format!("foo {}\n", "é".repeat(100_000)));
    let Some((code, text)) = on_terminal(d, REWRITE_QUESTION, &["n\n"], &["foo", "-r", "bar"]) else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    let question = text.find("rewrite 1 file (1 replacement)? [y/N] ").expect(&text);
    let shown = &text[..question];
    assert!(shown.len() < 40_000, "{} bytes shown", shown.len());
    assert!(shown.contains("...\n") && shown.contains("--dry-run shows all of it"), "{}", &shown[..200]);
}
