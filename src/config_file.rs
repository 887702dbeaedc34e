//! The config file, as ripgrep reads one: `BA_CONFIG_PATH` names a file of flags, one argument a
//! line (`--glob=!.git/`, no shell quoting), `#` comments and blank lines skipped. Its flags come
//! before the command line's, so that the command line wins: a flag that takes one value takes the
//! last one given, and flags that add up (`--glob`, `--type`, `-d`) add the command line's to the
//! file's. `--no-config` leaves the file unread.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use anyhow::{bail, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{glued_list_value, glued_replace, habit_hint, Args, TypeChange};
use crate::messages::describe;
use crate::sanitize::{printable_path, push_escaped};

/// The variable that names the config file.
const PATH_VARIABLE: &str = "BA_CONFIG_PATH";

/// The command line, after the config file's flags unless it says `--no-config`. Usage errors,
/// `--help` and `--version` end the process, as clap ends it; a bad config file is an error.
pub fn parse_args() -> Result<Args> {
    let command_line: Vec<OsString> = std::env::args_os().collect();
    let mut args = parse(&command_line);
    args.typed_line_format_flags = args.line_format_flags();
    if args.no_config {
        return Ok(args);
    }
    let Some(path) = std::env::var_os(PATH_VARIABLE).filter(|path| !path.is_empty()) else {
        return Ok(args);
    };
    let flags = read(Path::new(&path))?;
    if flags.is_empty() {
        return Ok(args);
    }
    let (program, given) = command_line.split_first().expect("a command line starts with the program");
    let mut all = Vec::with_capacity(flags.len() + command_line.len() + 1);
    all.push(program.clone());
    all.extend(flags);
    // Ends the file's flags: a flag of several values last in the file (`-d` then `src` on the next
    // line) must not take the command line's pattern as one more value.
    all.push("--no-config".into());
    all.extend(given.iter().cloned());
    let typed_line_format_flags = std::mem::take(&mut args.typed_line_format_flags);
    Ok(Args { typed_line_format_flags, ..parse(&all) })
}

/// `argv` as clap parses it (ending the process on a usage error, `--help` or `--version`), with
/// `--type-add` and `--type-clear` in the order given.
fn parse(argv: &[OsString]) -> Args {
    let matches = match Args::command().try_get_matches_from(argv) {
        Ok(matches) => matches,
        Err(err) => {
            if let Some(hint) = habit_hint(&err, argv) {
                eprintln!("ba: {hint}");
                std::process::exit(2);
            }
            err.exit()
        }
    };
    let mut args =
        Args::from_arg_matches(&matches).unwrap_or_else(|err| err.format(&mut Args::command()).exit());
    if let Some(refusal) =
        glued_replace(argv, args.replace.as_deref()).or_else(|| glued_list_value(&args, argv))
    {
        eprintln!("ba: {refusal}");
        std::process::exit(2);
    }
    args.replace_first = match (matches.index_of("replace"), matches.index_of("pattern")) {
        (Some(replace), Some(pattern)) => replace < pattern,
        _ => false,
    };
    args.replace_spelled_out = argv.iter().any(|arg| arg.as_encoded_bytes().starts_with(b"--replace="));
    let indices = |id| matches.indices_of(id).into_iter().flatten();
    let added = indices("type_add").zip(args.type_add.iter().cloned().map(TypeChange::Add));
    let cleared = indices("type_clear").zip(args.type_clear.iter().cloned().map(TypeChange::Clear));
    let mut changes: Vec<(usize, TypeChange)> = added.chain(cleared).collect();
    changes.sort_by_key(|&(index, _)| index);
    args.type_changes = changes.into_iter().map(|(_, change)| change).collect();
    args
}

/// The arguments of the config file at `path`, each line checked on its own (with the next line
/// when that is its value), so that a bad one is reported with its line number.
fn read(path: &Path) -> Result<Vec<OsString>> {
    let shown = printable_path(path);
    let contents = match fs::read(path) {
        Ok(contents) => contents,
        Err(err) => bail!("{shown}: cannot read the config file ({PATH_VARIABLE}): {}", describe(&err)),
    };
    let lines: Vec<(usize, &[u8])> = contents
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with(b"#"))
        .map(|(i, line)| (i + 1, line))
        .collect();
    let mut command = Args::command();
    let mut i = 0;
    while let Some(&(number, line)) = lines.get(i) {
        let bad = |reason: &str| {
            let mut text = String::new();
            push_escaped(&mut text, reason.as_bytes());
            anyhow::anyhow!("{shown}:{number}: {text}")
        };
        if !line.starts_with(b"-") || line == b"-" || line == b"--" {
            return Err(bad(&format!(
                "'{}' is not a flag: each line holds one flag, like --glob=!.git/ (the pattern and the paths \
                 go on the command line)",
                String::from_utf8_lossy(line)
            )));
        }
        let taken = match check(&mut command, &lines[i..i + 1]) {
            Ok(()) => 1,
            // A flag whose value is the next line (`--glob` then `!.git/`).
            Err(_) if i + 1 < lines.len() && check(&mut command, &lines[i..i + 2]).is_ok() => 2,
            Err(reason) => return Err(bad(&reason)),
        };
        if let Some(flag) = command_line_only(&command, &lines[i..i + taken]) {
            return Err(bad(&format!(
                "{flag} has no place in a config file: it would act on every search; give it on the \
                 command line each time"
            )));
        }
        i += taken;
    }
    Ok(lines.into_iter().map(|(_, line)| OsString::from_vec(line.to_vec())).collect())
}

/// The flags that write files or start a program (`-r`, `--undo`, `-e`), and those that go with
/// them alone: a config file could turn every plain search into a rewrite. Which of them `lines`
/// turn on, if any.
fn command_line_only(command: &clap::Command, lines: &[(usize, &[u8])]) -> Option<&'static str> {
    // Leniently: `--undo` conflicts with the stand-in pattern.
    let matches =
        command.clone().ignore_errors(true).try_get_matches_from(stand_in_command_line(lines)).ok()?;
    [
        ("replace", "-r/--replace"),
        ("undo", "--undo"),
        ("edit", "-e/--edit"),
        // What goes with -r or --undo alone: it would break every other search, or (--no-undo)
        // take every rewrite's net away unseen.
        ("dry_run", "--dry-run"),
        ("interactive", "--interactive"),
        ("force_hardlinks", "--force-hardlinks"),
        ("preserve_case", "--preserve-case"),
        ("no_undo", "--no-undo"),
        ("undo_limit", "--undo-limit"),
        ("undo_list", "--list"),
        ("undo_drop", "--drop"),
    ]
    .into_iter()
    .find(|(id, _)| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    .map(|(_, flag)| flag)
}

/// `ba`, the flags of `lines`, then a stand-in pattern after `--` so that no flag takes it for its
/// value.
fn stand_in_command_line(lines: &[(usize, &[u8])]) -> Vec<OsString> {
    std::iter::once(OsString::from("ba"))
        .chain(lines.iter().map(|(_, line)| OsString::from_vec(line.to_vec())))
        .chain(["--".into(), "PATTERN".into()])
        .collect()
}

/// Whether clap takes `lines` as flags; if not, why, in one line. What only the whole command line
/// can settle (a flag that needs another, such as `--dry-run` needs `-r`) is left to it.
fn check(command: &mut clap::Command, lines: &[(usize, &[u8])]) -> Result<(), String> {
    let err = match command.try_get_matches_from_mut(stand_in_command_line(lines)) {
        Ok(_) => return Ok(()),
        Err(err) => err,
    };
    match err.kind() {
        ErrorKind::MissingRequiredArgument | ErrorKind::ArgumentConflict => Ok(()),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            Err("--help and --version have no place in a config file".into())
        }
        _ => {
            // clap's message, after "error: ", and its indented notes (tips, the values allowed);
            // not the usage, which is the stand-in command line's.
            let rendered = err.render().to_string();
            let mut reason = String::new();
            for line in rendered.lines() {
                if let Some(message) = line.strip_prefix("error: ") {
                    reason.push_str(message);
                } else if line.starts_with("  ") {
                    let note = line.trim_start();
                    reason.push_str("; ");
                    reason.push_str(note.strip_prefix("tip: ").unwrap_or(note));
                }
            }
            Err(reason)
        }
    }
}
