//! grep and ripgrep habits typed into ba end well: the search they meant, or a one-line error that
//! says how to do it in ba; never a file destroyed or a match missed in silence.

use crate::util::*;

fn habit_tree(root: &std::path::Path) {
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, "src/.hidden.rs", "fn main() {}\n");
    write(root, "notes.txt", "Main street\n");
}

#[test]
fn a_flag_given_twice_takes_its_last_value() {
    let dir = tempdir();
    habit_tree(dir.path());
    // An alias's --hidden and the same flag typed again.
    let out = stdout_ok(dir.path(), &["--hidden", "--hidden", "-p", "fn main"], 0);
    assert_output_eq!(out, "src/.hidden.rs:1:fn main() {}\nsrc/main.rs:1:fn main() {}\n");
    let out = stdout_ok(dir.path(), &["--color", "always", "--color", "never", "-p", "-p", "street"], 0);
    assert_output_eq!(out, "notes.txt:1:Main street\n");
    let out = stdout_ok(dir.path(), &["-w", "1", "-w", "2", "-D", "0", "-D", "1", "-p", "fn"], 0);
    assert_output_eq!(out, "src/main.rs:1:fn main() {}\n");
}

#[test]
fn a_list_that_swallowed_the_pattern_says_so_and_shows_the_fix() {
    let dir = tempdir();
    habit_tree(dir.path());
    let out = ba(dir.path()).args(["-d", "src", "main"]).run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "ba: no pattern: -d takes every argument after it as directories (src main), so main was taken \
         too. Put the pattern first: ba main -d src, or end the list with --: ba -d src -- main\n"
    );
    assert_eq!(stdout_of(&out), "");
    // The fixes it shows work.
    assert_output_eq!(stdout_ok(dir.path(), &["-p", "main", "-d", "src"], 0), "src/main.rs:1:fn main() {}\n");
    assert_output_eq!(
        stdout_ok(dir.path(), &["-p", "-d", "src", "--", "main"], 0),
        "src/main.rs:1:fn main() {}\n"
    );
}

#[test]
fn a_path_taken_as_a_name_regex_is_warned_about() {
    let dir = tempdir();
    habit_tree(dir.path());
    // `src` was meant as the path: -i took it as a regex of names to skip.
    let out = ba(dir.path()).args(["-p", "street", "-i", "test", "src"]).run();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr_of(&out),
        "ba: src: taken by -i as a regex of the names to skip, not searched as a path; to search it, put it \
         before -i or after --\n"
    );
}

#[test]
fn grep_and_ripgrep_flags_say_how_to_do_it_in_ba() {
    let dir = tempdir();
    habit_tree(dir.path());
    for (flag, how) in [
        ("-R", "ba always searches directories recursively: leave it out"),
        (
            "-E",
            "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out (ripgrep's -E NAME is \
             --encoding NAME)",
        ),
        ("-G", "ba's patterns are Rust's regex (or PCRE2's with -P): leave it out"),
        ("-L", "use --files-without-match (grep's -l is --files-with-matches; -l is strict case)"),
        ("--include", "use -g GLOB (--glob)"),
        ("--sort-files", "ba's output is always in walk order, on every thread: leave it out"),
        ("-s", "use --no-messages (ripgrep's -s is strict case: -l here)"),
    ] {
        let out = ba(dir.path()).args([flag, "main"]).run();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert_eq!(stdout_of(&out), "", "{flag}");
        assert_eq!(
            stderr_of(&out),
            format!("ba: {flag} is not a ba flag: {how} (ba --help lists the flags)\n")
        );
    }
    let out = ba(dir.path()).args(["-w", "main", "src"]).run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "ba: -w sets the number of searcher threads (-w 4; 0: one per core); for grep's -w, type \
         --word-regexp: ba --word-regexp main src\n"
    );
}

/// grep's `-in` is `-i n` here: files with an `n` in their name would be skipped without a word.
/// Refused, as `-rn` is, for `-i`, `-f` and `-d`; the way to mean it (a space) works.
#[test]
fn grep_letters_glued_to_i_f_and_d_are_refused() {
    let dir = tempdir();
    habit_tree(dir.path());
    for (habit, letter, does, grep) in [
        ("-in", 'i', "skip every name matching", "grep's -i is --ignore-case here"),
        ("-fn", 'f', "search only names matching", "grep's -f FILE is --patterns-file FILE here"),
        ("-dn", 'd', "search the directory", "grep's -d ACTION has no use here"),
    ] {
        let out = ba(dir.path()).args(["-p", habit, "main"]).run();
        assert_eq!((out.status.code(), stdout_of(&out).as_str()), (Some(2), ""), "{habit}");
        assert_eq!(
            stderr_of(&out),
            format!(
                "ba: {habit} is read as -{letter} n: {does} 'n'. Type grep's flags apart ({grep}; paths and \
                 line numbers are always shown); to mean it, put a space: -{letter} n\n"
            )
        );
    }
    // With a space it is meant: every file here has an `n` in its name.
    let out = ba(dir.path()).args(["-p", "main", "-i", "n"]).run();
    assert_eq!(out.status.code(), Some(1));
    let out = ba(dir.path()).args(["-p", "-itest", "main"]).run();
    assert_eq!(stderr_of(&out), "", "a real regex glued to -i is no habit");
}

/// grep's `-rn` would be `-r n` here, a rewrite of every match to `n`: refused, nothing written; the
/// way to mean it (a space) works, and a pattern `-rn` given to --regexp is searched.
#[test]
fn grep_letters_glued_to_r_are_refused() {
    let dir = tempdir();
    habit_tree(dir.path());
    for (habit, letters) in
        [("-rn", "n"), ("-ri", "i"), ("-rl", "l"), ("-rnw", "nw"), ("-arn", "n"), ("-lrn", "n")]
    {
        let out = ba(dir.path()).args([habit, "main", "."]).run();
        assert_eq!(out.status.code(), Some(2), "{habit}");
        assert_eq!(
            stderr_of(&out),
            format!(
                "ba: {habit} is read as -r {letters}: replace every match with '{letters}', in place. For \
                 grep's -r, leave it out (ba always searches directories recursively); to replace with \
                 '{letters}', put a space: -r {letters}\n"
            )
        );
        assert_eq!(std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap(), "fn main() {}\n");
    }
    let out = stdout_ok(dir.path(), &["--no-undo", "-p", "main", "-r", "n", "src"], 0);
    assert_output_eq!(out, "src/main.rs:1:fn n() {}\n");
    // `-rn` as the value of a flag that takes one is that value.
    write(dir.path(), "flags.txt", "grep -rn x\n");
    let out = stdout_ok(dir.path(), &["-p", "--regexp", "-rn", "flags.txt"], 0);
    assert_output_eq!(out, "flags.txt:1:grep -rn x\n");
    let out = stdout_ok(dir.path(), &["-p", "--output-replace", "-rn", "grep", "flags.txt"], 0);
    assert_output_eq!(out, "flags.txt:1:-rn -rn x\n");
    let out = stdout_ok(dir.path(), &["-p", "--context-separator", "-rn", "-C", "1", "grep", "flags.txt"], 0);
    assert_output_eq!(out, "flags.txt:1:grep -rn x\n");
}

/// GNU grep's rule: 2 when an error occurred, even with a match; -q is 0 at the first match.
#[test]
fn an_error_beside_a_match_exits_2_unless_quiet() {
    let dir = tempdir();
    habit_tree(dir.path());
    let out = ba(dir.path()).args(["-p", "street", "notes.txt", "missing"]).run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_of(&out), "notes.txt:1:Main street\n");
    assert_eq!(stderr_of(&out), "ba: missing: No such file or directory\n");
    let out = ba(dir.path()).args(["-q", "street", "notes.txt", "missing"]).run();
    assert_eq!(out.status.code(), Some(0));
}
