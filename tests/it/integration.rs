//! At home in the shell and the editor: completions and the man page (`--generate`).

use std::process::{Command, Stdio};

use black_arrow::cli::Args;
use clap::CommandFactory;

use crate::util::*;

/// Runs `program ARGS` with `input` on stdin; `None` (with a note) when the program is missing.
fn run_tool(program: &str, args: &[&str], input: &[u8]) -> Option<std::process::Output> {
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
