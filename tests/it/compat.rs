//! What a ripgrep or grep user types gets ripgrep's or grep's answer: each behaviour compared with
//! `rg` where it is installed, and with the answer written out where it is not.

use std::path::Path;

use crate::util::*;

/// ba's output and ripgrep's for the same search, ripgrep asked for paths, line numbers and walk
/// order and smart case, as ba always gives them; `None` without ripgrep.
fn ba_and_rg(dir: &Path, ba_args: &[&str], rg_args: &[&str]) -> Option<(String, String)> {
    let rg_args: Vec<&str> = ["--sort", "path", "-H", "-n", "-S"].iter().chain(rg_args).copied().collect();
    let rg = String::from_utf8(rg(dir, &rg_args)?).unwrap();
    let mut args = vec!["-p"];
    args.extend_from_slice(ba_args);
    let out = run(dir, &args);
    assert_eq!(stderr_of(&out), "", "ba {args:?}");
    Some((stdout_of(&out), rg))
}

/// `output` without the lines that tell times (`--json`'s `end` and `summary`).
fn without_times(output: &str) -> String {
    output.split_inclusive('\n').filter(|line| !line.contains("\"elapsed")).collect()
}

/// CRLF lines, an LF line, an empty CRLF line and a lone `\r` inside a line.
fn crlf_tree(root: &Path) {
    write(root, "a.txt", "one crlf\r\ntwo lf\n\r\nthree\rcrlf\r\nfour crlf\r\n");
    write(root, "b.txt", "crlf\r\n  crlf end \r\n");
}

#[test]
fn crlf_makes_dollar_match_before_the_cr_as_ripgrep() {
    let dir = tempdir();
    crlf_tree(dir.path());
    let files = ["a.txt", "b.txt"];
    for args in [
        &["crlf$"][..],
        &["-x", "crlf"],
        &["-x", ".*"],
        &["-v", "f$"],
        &["--word-regexp", "crlf"],
        // (ripgrep ends the lines it makes itself with `\r\n` too: see below.)
        &["-c", r"\w$"],
        &["--count-matches", r"\s*$"],
        &["--json", r"end\s*$"],
        &["-C", "1", "^$"],
        &["-U", r"lf$\n^"],
    ] {
        let with: Vec<&str> = ["--crlf"].iter().chain(args).chain(&files).copied().collect();
        let Some((ba, rg)) = ba_and_rg(dir.path(), &with, &with) else { return };
        let rg = if args[0].starts_with("-c") || args[0] == "--count-matches" {
            rg.replace("\r\n", "\n")
        } else {
            rg
        };
        assert_output_eq!(without_times(&ba), without_times(&rg), "--crlf {args:?}");
    }
    // Without it the `\r` is the line's last character, as in ripgrep.
    let Some((ba, rg)) = ba_and_rg(dir.path(), &["crlf$", "a.txt", "b.txt"], &["crlf$", "a.txt", "b.txt"])
    else {
        return;
    };
    assert_output_eq!(ba, rg, "without --crlf");
}

#[test]
fn crlf_matches_leave_the_cr_out_in_every_engine_and_rewrite() {
    let dir = tempdir();
    crlf_tree(dir.path());
    // A last line without a line end.
    write(dir.path(), "c.txt", "crlf\r\nfive crlf");
    // The match never holds the `\r`, PCRE2's neither.
    for engine in [&[][..], &["-P"]] {
        let mut args = vec!["-p", "--crlf", "-m", r"\S+\s*$", "b.txt"];
        args.extend_from_slice(engine);
        assert_output_eq!(stdout_ok(dir.path(), &args, 0), "b.txt:1:crlf\nb.txt:2:end \n", "{engine:?}");
        let mut args = vec!["-p", "--crlf", "-c", "crlf$", "a.txt", "c.txt"];
        args.extend_from_slice(engine);
        assert_output_eq!(stdout_ok(dir.path(), &args, 0), "a.txt:3\nc.txt:2\n", "{engine:?}");
    }
    // A `\r` typed in the pattern can never match: refused, as ripgrep refuses it.
    let out = run(dir.path(), &["--crlf", r"crlf\r", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains(r"literal \r"), "{}", stderr_of(&out));
    // --no-crlf undoes it.
    stdout_ok(dir.path(), &["--crlf", "--no-crlf", "one crlf$", "a.txt"], 1);
    // -r puts the replacement before the `\r\n`, and keeps every line end.
    stdout_ok(dir.path(), &["--crlf", "crlf$", "-r", "CRLF", "a.txt", "c.txt"], 0);
    assert_eq!(
        std::fs::read(dir.path().join("a.txt")).unwrap(),
        b"one CRLF\r\ntwo lf\n\r\nthree\rCRLF\r\nfour CRLF\r\n"
    );
    assert_eq!(std::fs::read(dir.path().join("c.txt")).unwrap(), b"CRLF\r\nfive CRLF");
}

/// `ba needle > out.txt` inside the tree searched: the output file is never read back, as ripgrep
/// skips it when walking (and grep refuses it when named).
#[test]
fn the_file_standard_output_writes_to_is_not_searched() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "needle\n");
    let out_path = write(dir.path(), "out.txt", "needle from before\n".repeat(3));
    let run_into = |args: &[&str], append: bool| {
        let file =
            std::fs::OpenOptions::new().append(append).write(true).truncate(!append).open(&out_path).unwrap();
        // (`output` keeps the standard output given; `run` would pipe it.)
        let status = ba(dir.path()).args(args).stdout(file).output().unwrap();
        (status.status.code(), stderr_of(&status), std::fs::read_to_string(&out_path).unwrap())
    };
    // Appended to, it still holds its old needles: walked, it is passed over in silence.
    let (code, stderr, out) = run_into(&["-p", "needle"], true);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert_eq!(out, format!("{}a.txt:1:needle\n", "needle from before\n".repeat(3)));
    if let Some(rg) = rg(dir.path(), &["--sort", "path", "-n", "needle", "."]) {
        // ripgrep, with its output elsewhere, finds what ba found in the file it wrote to.
        assert!(String::from_utf8(rg).unwrap().contains("./out.txt:1:"));
    }
    // Named, it is an error, and the other paths are searched.
    let (code, stderr, out) = run_into(&["-p", "needle", "out.txt", "a.txt"], false);
    assert_eq!(
        (code, stderr.as_str(), out.as_str()),
        (Some(2), "ba: out.txt: input file is also the output\n", "a.txt:1:needle\n")
    );
    // Standard output elsewhere, the file is searched as any other.
    let listed = stdout_ok(dir.path(), &["-p", "-c", "needle"], 0);
    assert_output_eq!(listed, "a.txt:1\nout.txt:1\n");
}

/// `ba` with `rg`'s standard input, and ripgrep's output for the same (`None` without it).
fn ba_and_rg_on_stdin(dir: &Path, args: &[&str], input: &[u8]) -> (String, Option<String>) {
    let ba = ba(dir).arg("-p").args(args).run_stdin(input);
    assert_eq!(stderr_of(&ba), "", "{args:?}");
    let rg = isolated(std::process::Command::new(rg_program()), dir).args(args).run_stdin(input);
    // (An error of ripgrep's, a flag it has not, is no answer to compare with.)
    let rg = (rg.status.code() != Some(2)).then(|| stdout_of(&rg));
    (stdout_of(&ba), rg.filter(|_| have(rg_program())))
}

#[test]
fn counts_of_one_file_or_standard_input_are_bare_numbers_as_in_grep() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "x\nabhi\nhi\n");
    write(dir.path(), "b.txt", "hi\n");
    for (args, expected) in [
        (&["-c", "hi", "a.txt"][..], "2\n"),
        (&["--count-matches", "hi", "a.txt"], "2\n"),
        (&["-c", "--include-zero", "nothing", "a.txt"], "0\n"),
        (&["-c", "hi", "a.txt", "b.txt"], "a.txt:2\nb.txt:1\n"),
    ] {
        let mut ba_args = vec!["-p"];
        ba_args.extend_from_slice(args);
        let code = if expected.starts_with('0') { 1 } else { 0 };
        assert_output_eq!(stdout_ok(dir.path(), &ba_args, code), expected, "{args:?}");
        let sorted: Vec<&str> = ["--sort", "path"].iter().chain(args).copied().collect();
        if let Some(rg) = rg(dir.path(), &sorted) {
            assert_output_eq!(String::from_utf8(rg).unwrap(), expected, "rg {args:?}");
        }
    }
    // A directory is many files: the paths stay.
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "-c", "hi", "."], 0), "./a.txt:2\n./b.txt:1\n");
    for (args, expected) in [
        (&["-c", "hi"][..], "2\n"),
        (&["--column", "hi"], "2:3:abhi\n3:1:hi\n"),
        (&["--column", "-B1", "bhi"], "1-x\n2:2:abhi\n"),
        (&["-v", "--column", "hi"], "1:x\n"),
    ] {
        let (ba, rg) = ba_and_rg_on_stdin(dir.path(), args, b"x\nabhi\nhi\n");
        assert_output_eq!(ba, expected, "{args:?} on standard input");
        if let Some(rg) = rg {
            assert_output_eq!(rg, expected, "rg {args:?} on standard input");
        }
    }
}

#[test]
fn lines_without_a_match_have_no_column_as_in_ripgrep() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "x\nabhi\n");
    write(dir.path(), "b.txt", "hi\n");
    for args in [&["--column", "-C1", "hi"][..], &["--column", "-v", "hi"], &["--column", "-b", "-C1", "hi"]]
    {
        let mut with: Vec<&str> = args.to_vec();
        with.extend(["a.txt", "b.txt"]);
        let Some((ba, rg)) = ba_and_rg(dir.path(), &with, &with) else { return };
        assert_output_eq!(ba, rg, "{args:?}");
    }
}

/// A named binary file (`ba a /bin/ls`): the text before its first NUL byte is shown, then only
/// that the binary data matched, as ripgrep says it; no byte of binary data reaches the output,
/// whatever the parts the file is cut into, and an endless stream of it ends at its first match.
#[test]
fn a_named_binary_file_shows_no_binary_data_and_ends_at_its_first_match() {
    let dir = tempdir();
    let binary =
        [b"hit text\n".as_slice(), b"\x00\x01hit\x1b]0;title\x07\n", &b"hit \x1b[31m\n".repeat(10_000)]
            .concat();
    write(dir.path(), "prog", &binary);
    for workers in ["1", "4"] {
        let out = ba(dir.path()).env("BA_PART_SIZE", "1000").args(["-p", "-w", workers, "hit", "prog"]).run();
        assert_eq!(out.status.code(), Some(0));
        assert_output_eq!(stdout_of(&out), "prog:1:hit text\n", "-w {workers}");
        assert_eq!(stderr_of(&out), "ba: prog: binary file matches (found \"\\0\" byte around offset 9)\n");
    }
    // Binary data before the first NUL byte (not text: control bytes, not UTF-8) is not shown either.
    write(dir.path(), "elf", b"\x7fELF\x02 hit\n\x00hit\n".as_slice());
    let out = run(dir.path(), &["-p", "hit", "elf"]);
    assert_eq!((out.status.code(), stdout_of(&out).as_str()), (Some(0), ""));
    assert_eq!(stderr_of(&out), "ba: elf: binary file matches (found \"\\0\" byte around offset 10)\n");
    if let Some(rg) = rg(dir.path(), &["hit", "prog"]) {
        assert!(String::from_utf8(rg).unwrap().contains("binary file matches"));
    }
    // An endless stream of binary data ends at its first match.
    if Path::new("/dev/urandom").exists() {
        let out =
            ba(dir.path()).args(["-p", "x", "/dev/urandom"]).run_timeout(std::time::Duration::from_secs(20));
        assert_eq!((out.status.code(), stdout_of(&out).as_str()), (Some(0), ""));
        assert!(stderr_of(&out).starts_with("ba: /dev/urandom: binary file matches"), "{}", stderr_of(&out));
    }
}

/// Small answers from ripgrep's own tests: each the same as ripgrep's, exit code included.
#[test]
fn ripgrep_s_answers_for_counts_limits_quiet_and_long_lines() {
    let dir = tempdir();
    write(dir.path(), "t.txt", "a\nb a\nc\n");
    write(
        dir.path(),
        "long.txt",
        "short a\nxx this is one long line with y in it\nthis is a long line with a and a\n",
    );
    for (args, expected, code) in [
        // The lines -v selects hold no match: counted as lines.
        (&["--count-matches", "-v", "a", "t.txt"][..], "1\n", 0),
        (&["--max-count", "0", "a", "t.txt"], "", 1),
        // -q asks the exit code of the file list: 0 when a file has no match.
        (&["--files-without-match", "-q", "zzz", "t.txt"], "", 0),
        (&["--files-without-match", "-q", "a", "t.txt"], "", 1),
        (&["--quiet", "--files", "."], "", 0),
    ] {
        let out = ba(dir.path()).args(args).run();
        assert_eq!((stdout_of(&out).as_str(), out.status.code()), (expected, Some(code)), "{args:?}");
        if have(rg_program()) {
            let rg = isolated(std::process::Command::new(rg_program()), dir.path()).args(args).run();
            assert_eq!((stdout_of(&rg).as_str(), rg.status.code()), (expected, Some(code)), "rg {args:?}");
        }
    }
    // 0 columns is no limit, as in ripgrep.
    assert_output_eq!(
        stdout_ok(dir.path(), &["-p", "--max-columns", "0", "long", "long.txt"], 0),
        stdout_ok(dir.path(), &["-p", "long", "long.txt"], 0)
    );
    // So do --stats with -q, as ripgrep's.
    let out = stdout_ok(dir.path(), &["-p", "-q", "--stats", "a", "t.txt"], 0);
    assert!(out.starts_with("\n2 matches\n2 matched lines\n1 files contained matches\n"), "{out}");
    // JSON's summary comes even with -q, and counts every match.
    let out = stdout_ok(dir.path(), &["--json", "--quiet", "--stats", "a", "t.txt"], 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"type\":\"summary\"") && out.contains("\"matched_lines\":2"), "{out}");
    // In colour, a long line tells how many matches it holds, or how many the preview cut off.
    for args in [&["-M", "10", "a|y"][..], &["-M", "5", "--max-columns-preview", "a|xx|y"]] {
        let mut with = vec!["--color", "always"];
        with.extend_from_slice(args);
        with.push("long.txt");
        let rg_args: Vec<&str> = with.iter().map(|&a| if a == "-M" { "--max-columns" } else { a }).collect();
        let Some((ba, rg)) = ba_and_rg(dir.path(), &rg_args, &rg_args) else { return };
        assert_output_eq!(strip_ansi(&ba), strip_ansi(&rg), "{args:?}");
    }
}

/// Flags of the same kind given again override each other in order, as in ripgrep: an alias's and
/// the one typed.
#[test]
fn context_flags_override_each_other_in_order() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "1\nhit\n3\n4\n5\n6\nhit\n8\n");
    for args in [
        &["--context-separator", "XX", "--no-context-separator", "-C1"][..],
        &["--no-context-separator", "--context-separator", "XX", "-C1"],
        &["--passthru", "-C1"],
        &["-C1", "--passthru"],
        &["-A1", "--passthru", "-B1"],
    ] {
        let mut with: Vec<&str> = args.to_vec();
        with.extend(["hit", "a.txt"]);
        let Some((ba, rg)) = ba_and_rg(dir.path(), &with, &with) else { return };
        assert_output_eq!(ba, rg, "{args:?}");
    }
}

/// ripgrep's and grep's everyday flags are taken: those that ask for what ba does anyway, and
/// those that change the pipe format as they change ripgrep's.
#[test]
fn grep_and_ripgrep_flags_are_taken_and_answer_as_ripgrep() {
    let dir = tempdir();
    write(dir.path(), "t.txt", "a\nb a\nc\nd\n");
    write(dir.path(), "u.txt", "é x\nA\n");
    for args in [
        &["-n", "-H", "-o", "a"][..],
        &["-j", "2", "--sort", "path", "a"],
        &["--sort", "none", "-j1", "a"],
        &["-I", "-N", "a"],
        &["-I", "-C1", "b"],
        &["--field-match-separator", "|", "--field-context-separator", "#", "-C1", "b"],
        &["--ignore-case", "-S", "A"],
        &["-S", "--ignore-case", "A"],
        &["--no-unicode", "-o", r"\w+"],
        &["--no-unicode", "--ignore-case", "-o", "é|A"],
        &["-c", "a"],
    ] {
        let mut with: Vec<&str> = args.to_vec();
        with.extend(["t.txt", "u.txt"]);
        let Some((ba, rg)) = ba_and_rg(dir.path(), &with, &with) else { return };
        assert_output_eq!(ba, rg, "{args:?}");
    }
    // -H names the one file counted.
    assert_output_eq!(stdout_ok(dir.path(), &["-c", "-H", "a", "t.txt"], 0), "t.txt:2\n");
    // Another order is refused; --no-messages keeps the error out of sight, not out of the exit code.
    assert_eq!(run(dir.path(), &["--sort", "modified", "a"]).status.code(), Some(2));
    let out = run(dir.path(), &["-p", "--no-messages", "a", "missing", "t.txt"]);
    assert_eq!((out.status.code(), stderr_of(&out).as_str()), (Some(2), ""));
    // `-` is standard input among the paths, `<stdin>` in the output, as in ripgrep.
    let (ba_out, rg_out) =
        ba_and_rg_on_stdin(dir.path(), &["--sort", "path", "-n", "a", "-", "t.txt"], b"x\nya\n");
    assert_output_eq!(ba_out, "<stdin>:2:ya\nt.txt:1:a\nt.txt:2:b a\n");
    if let Some(rg_out) = rg_out {
        assert_output_eq!(rg_out, "<stdin>:2:ya\nt.txt:1:a\nt.txt:2:b a\n");
    }
    let out = ba(dir.path()).args(["-p", "a", "-"]).run_stdin(b"x\nya\n");
    assert_output_eq!(stdout_of(&out), "ya\n");
    // --stats in the pipe format: ripgrep's block after the hits.
    let out = stdout_ok(dir.path(), &["-p", "--stats", "b a|d", "t.txt", "u.txt"], 0);
    let counts = "\n2 matches\n2 matched lines\n1 files contained matches\n2 files searched\n";
    assert!(out.starts_with("t.txt:2:b a\nt.txt:4:d\n") && out.contains(counts), "{out}");
    if let Some(rg) = rg(dir.path(), &["--stats", "b a|d", "t.txt", "u.txt"]) {
        assert!(String::from_utf8(rg).unwrap().contains(counts));
    }
}

/// The command a message suggests, pasted into a shell, runs: with `ba` on the PATH, each `ba ...`
/// after a colon in the message is run by `sh`, and finds the hit.
#[test]
fn suggested_commands_run_when_pasted() {
    let dir = tempdir();
    write(dir.path(), "src/main.rs", "fn main() {}\nPM_RESUME\n");
    // grep's -f FILE: a file of patterns.
    write(dir.path(), "pm_resume", "PM_RESUME\n");
    let bin_dir = Path::new(ba_path()).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    for (args, suggestions) in [
        (&["-d", "src", "fn main"][..], 2),
        (&["-p", "-i", "pm_resume"], 1),
        (&["-f", "pm_resume"], 1),
        (&["-w", "main", "src"], 1),
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let message = stderr_of(&out);
        let commands: Vec<&str> =
            message.split(": ba ").skip(1).map(|rest| rest.split([',', '\n']).next().unwrap()).collect();
        assert_eq!(commands.len(), suggestions, "{message}");
        for command in commands {
            let pasted = isolated(std::process::Command::new("sh"), dir.path())
                .env("PATH", &path)
                .args(["-c", &format!("ba -p {command}")])
                .run();
            assert_eq!(pasted.status.code(), Some(0), "ba {command}: {}", stderr_of(&pasted));
            assert!(!stdout_of(&pasted).is_empty(), "ba {command}");
        }
    }
    // `--max-depth` is -D, not --max-count.
    assert!(stderr_of(&run(dir.path(), &["--max-depth", "1", "x"])).contains("use -D N (--depth N)"));
}

/// When nothing was searched, the message names the rules that left the files out, or says there
/// were none to leave out.
#[test]
fn nothing_searched_names_the_filters_that_did_it() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    write(dir.path(), "web/app.min.js", "x\n");
    write(dir.path(), "web/.hidden.js", "x\n");
    let told = |args: &[&str]| {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        stderr_of(&out)
    };
    assert_eq!(told(&["x", "empty"]), "ba: no file was searched: the paths given hold none\n");
    let default_and_hidden =
        "the default ignores: .git, .hg, .svn, *.min.js (--no-default-ignore); hidden names (--hidden)";
    assert_eq!(
        told(&["x", "web"]),
        format!("ba: no file was searched: the filters left none ({default_and_hidden}); ba --files lists what a search reads\n")
    );
    write(dir.path(), "web/app.js", "x\n");
    assert!(told(&["x", "-t", "rust", "web"]).contains(&format!("({default_and_hidden}; -t/-T)")));
    stdout_ok(dir.path(), &["-p", "x", "web", "--no-default-ignore"], 0);
}

/// Without colour (NO_COLOR), the terminal format cannot dim context lines: each shows its number
/// and a `-`, as grep's context lines do, so that it is told from a hit, and a blank one is seen.
#[test]
fn context_lines_without_colour_are_told_from_hits() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "one\n\nhit\nfour\n");
    let out = ba(dir.path()).env("NO_COLOR", "1").args(["--pretty", "-C1", "hit", "a.txt"]).run();
    assert!(stdout_of(&out).starts_with("a.txt:3\n2-\t\n\thit\n4-\tfour\n---"), "{}", stdout_of(&out));
    // In colour they are dimmed, without the number.
    let out = stdout_ok(dir.path(), &["--pretty", "--color", "always", "-A1", "hit", "a.txt"], 0);
    assert!(strip_ansi(&out).starts_with("a.txt:3\n\thit\n\tfour\n"), "{out}");
}

/// The man page's NAME reads `ba - Black Arrow: ...`, and each flag's other names are given.
#[test]
fn the_man_page_names_ba_once_and_gives_the_flags_other_names() {
    let dir = tempdir();
    let man = stdout_ok(dir.path(), &["--generate", "man"], 0);
    assert!(man.contains(".SH NAME\nba \\- Black Arrow: search"), "{}", &man[..man.len().min(400)]);
    for alias in
        [r"Also: \-\-case\-sensitive.", r"Also: \-o, \-\-only\-matching.", r"Also: \-j, \-\-threads."]
    {
        assert!(man.contains(alias), "{alias}");
    }
}

/// Counts of a named binary file take in the lines of its binary data, searched as text, as
/// ripgrep's do (and say nothing of it on stderr).
#[test]
fn counts_of_a_named_binary_file_count_its_binary_lines() {
    let dir = tempdir();
    write(dir.path(), "bin", b"x a\nmore a\n\x00bin a\na\x00a\nb\x00\x00\na\n".as_slice());
    for (args, expected) in [
        (&["-c", "a"][..], "5\n"),
        (&["-c", "-v", "a"], "1\n"),
        (&["--count-matches", "a"], "6\n"),
        (&["-c", "a.a"], "1\n"),
    ] {
        let mut with = args.to_vec();
        with.push("bin");
        let out = run(dir.path(), &with);
        assert_eq!((stdout_of(&out).as_str(), stderr_of(&out).as_str()), (expected, ""), "{args:?}");
        with.insert(0, "-S");
        if let Some(rg) = rg(dir.path(), &with) {
            assert_output_eq!(String::from_utf8(rg).unwrap(), expected, "rg {args:?}");
        }
    }
}

/// `--no-require-git` reads `.gitignore` outside a repository; `--stop-on-nonmatch` ends a file's
/// search at the first line that does not match after one that does: as ripgrep's.
#[test]
fn no_require_git_and_stop_on_nonmatch_answer_as_ripgrep() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "skip.txt\n");
    write(dir.path(), "skip.txt", "a1\n");
    write(dir.path(), "son.txt", "b\na1\na2\nb\na3\n");
    for args in [
        &["a"][..],
        &["--no-require-git", "a"],
        &["--stop-on-nonmatch", "a"],
        &["--stop-on-nonmatch", "-c", "a"],
        &["--stop-on-nonmatch", "-A", "1", "a"],
    ] {
        let Some((ba, rg)) = ba_and_rg(dir.path(), args, args) else { return };
        assert_output_eq!(ba, rg, "{args:?}");
    }
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "a1"], 0), "skip.txt:1:a1\nson.txt:2:a1\n");
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "--no-require-git", "a1"], 0), "son.txt:2:a1\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["-p", "--stop-on-nonmatch", "a", "son.txt"], 0),
        "son.txt:2:a1\nson.txt:3:a2\n"
    );
}

/// With colours, the pipe format's `path:LINE` is a link, as ripgrep writes it; without, no escape
/// sequence at all.
#[test]
fn hyperlinks_in_the_pipe_format_are_ripgrep_s() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "x\nhit here\n");
    write(dir.path(), "b.txt", "hit\n");
    for format in ["default", "vscode", "file://{host}{path}#{line}:{column}"] {
        let args = ["--hyperlink-format", format, "--color", "always", "hit", "a.txt", "b.txt"];
        let Some((ba, rg)) = ba_and_rg(dir.path(), &args, &args) else { return };
        assert!(ba.contains("\x1b]8;;"), "{ba:?}");
        assert_output_eq!(ba, rg, "{format}");
    }
    let plain = stdout_ok(dir.path(), &["-p", "--hyperlink-format", "default", "hit", "a.txt"], 0);
    assert_output_eq!(plain, "a.txt:2:hit here\n");
}

/// `--patterns-file -` reads the patterns from standard input, which then has nothing left to
/// search: the tree is searched, as ripgrep searches it.
#[test]
fn patterns_from_standard_input_search_the_tree() {
    let dir = tempdir();
    write(dir.path(), "a.txt", "needle\nhay\n");
    let (ba_out, _) = ba_and_rg_on_stdin(dir.path(), &["-n", "--patterns-file", "-"], b"needle\n");
    assert_output_eq!(ba_out, "a.txt:1:needle\n");
    // (ripgrep spells it -f.)
    if have(rg_program()) {
        let rg_out = isolated(std::process::Command::new(rg_program()), dir.path())
            .args(["-n", "-f", "-"])
            .run_stdin(b"needle\n");
        assert_output_eq!(stdout_of(&rg_out), "a.txt:1:needle\n");
    }
}

/// `--null-data` against a naive matcher: the file cut at each NUL into records, each record
/// searched on its own (`\n` an ordinary character), each hit printed with a NUL after it.
#[test]
fn null_data_finds_the_records_a_naive_matcher_finds() {
    const PIECES: &[&[u8]] =
        &[b"foo", b"bar", b"a", b"b", b"\n", b"\r\n", b" ", b"\x00", b"\x00", b"\xC3\xA9"];
    const PATTERNS: &[&str] =
        &["foo", "o+", r"a\nb", r"\w+", "[^x]+", "a.b", r"(?s)a.b", "^b", "r$", "foo|bar"];
    let dir = tempdir();
    let mut state = 0x9e37_79b9_u64;
    for case in 0..150 {
        let mut file = Vec::new();
        for _ in 0..(case % 23) {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            file.extend_from_slice(PIECES[(state >> 33) as usize % PIECES.len()]);
        }
        write(dir.path(), "f", &file);
        let pattern = PATTERNS[case % PATTERNS.len()];
        let regex = regex::bytes::RegexBuilder::new(pattern).multi_line(true).build().unwrap();
        let mut expected = Vec::new();
        let records = file.strip_suffix(b"\0").unwrap_or(&file);
        for (i, record) in records.split(|&b| b == 0).enumerate().filter(|_| !file.is_empty()) {
            // `^` and `$` are a record's ends, not a `\n`'s.
            let anchored = pattern.starts_with('^') || pattern.ends_with('$');
            let found = match anchored {
                true => regex::bytes::Regex::new(pattern).unwrap().is_match(record),
                false => regex.is_match(record),
            };
            if found {
                expected.extend_from_slice(format!("f:{}:", i + 1).as_bytes());
                expected.extend_from_slice(record);
                expected.push(0);
            }
        }
        let out = run(dir.path(), &["-p", "-H", "--null-data", pattern, "f"]);
        assert_eq!(
            out.stdout,
            expected,
            "{pattern} in {:?}: {}",
            String::from_utf8_lossy(&file),
            stderr_of(&out)
        );
        assert_eq!(out.status.code(), Some(if expected.is_empty() { 1 } else { 0 }));
    }
}

#[test]
fn null_data_ends_what_it_prints_of_a_file_with_a_nul() {
    let dir = tempdir();
    write(dir.path(), "a", "x\0foo\0foo bar\0");
    write(dir.path(), "b", "foo\nbar\0");
    let out = run_ok(dir.path(), &["-p", "--null-data", "-c", "foo", "a", "b"]);
    assert_eq!(out, b"a:2\0b:1\0");
    let out = run_ok(dir.path(), &["-p", "--null-data", "--files-with-matches", "bar", "a", "b"]);
    assert_eq!(out, b"a\0b\0");
    let out = run_ok(dir.path(), &["-p", "--null-data", "--heading", "-A1", "x", "a"]);
    assert_eq!(out, b"a\x001:x\x002-foo\0");
    // --crlf is overridden: a `\r` before the NUL is part of the record.
    write(dir.path(), "c", "end\r\0");
    assert_eq!(run_ok(dir.path(), &["-p", "--null-data", "--crlf", "-c", r"end\r$", "c"]), b"1\0");
    let nul = run(dir.path(), &["--null-data", r"a\x00b", "a"]);
    assert_eq!(nul.status.code(), Some(2));
    assert!(stderr_of(&nul).contains("contains a NUL byte"), "{}", stderr_of(&nul));
    for refused in [&["-P", "--null-data", "x", "a"][..], &["-r", "y", "--null-data", "x", "a"]] {
        let out = run(dir.path(), refused);
        assert_eq!(out.status.code(), Some(2), "{refused:?}");
        assert!(stderr_of(&out).contains("--null-data"), "{refused:?}: {}", stderr_of(&out));
    }
}

/// A named file whose binary data matches matched: `--files-with-matches` lists it and
/// `--files-without-match` does not, as ripgrep; where no line is printed, the notice that lines
/// were left out is not given.
#[test]
fn a_named_binary_file_that_matches_is_listed_as_matching() {
    let dir = tempdir();
    write(dir.path(), "b2", b"foo\x00\n".as_slice());
    write(dir.path(), "b4", b"x\x00\nfoo\n".as_slice());
    for file in ["b2", "b4"] {
        let listed = run(dir.path(), &["-p", "--files-with-matches", "foo", file]);
        assert_eq!(
            (listed.status.code(), stdout_of(&listed), stderr_of(&listed)),
            (Some(0), format!("{file}\n"), String::new())
        );
        let unlisted = run(dir.path(), &["-p", "--files-without-match", "foo", file]);
        assert_eq!((unlisted.status.code(), stdout_of(&unlisted)), (Some(1), String::new()));
        let quiet = run(dir.path(), &["-q", "foo", file]);
        assert_eq!((quiet.status.code(), stderr_of(&quiet)), (Some(0), String::new()));
        let shown = run(dir.path(), &["-p", "foo", file]);
        assert!(stderr_of(&shown).contains("binary file matches"), "{}", stderr_of(&shown));
        if let Some(rg) = rg(dir.path(), &["--files-with-matches", "foo", file]) {
            assert_eq!(String::from_utf8(rg).unwrap(), format!("{file}\n"));
        }
    }
}

/// `--vimgrep -m` prints each match instead of its line, as `rg --vimgrep -o`, at the match's own
/// column.
#[test]
fn vimgrep_with_match_only_prints_the_matches() {
    let dir = tempdir();
    write(dir.path(), "vg", "x\nfoo bar foo\n");
    assert_eq!(stdout_ok(dir.path(), &["-p", "--vimgrep", "-m", "foo", "vg"], 0), "vg:2:1:foo\nvg:2:9:foo\n");
    let replaced = stdout_ok(dir.path(), &["-p", "--vimgrep", "-m", "--output-replace", "Y", "foo", "vg"], 0);
    assert_eq!(replaced, "vg:2:1:Y\nvg:2:9:Y\n");
    if let Some(rg) = rg(dir.path(), &["--vimgrep", "-o", "foo", "vg"]) {
        assert_eq!(String::from_utf8(rg).unwrap(), "vg:2:1:foo\nvg:2:9:foo\n");
    }
}
