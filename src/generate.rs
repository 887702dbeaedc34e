//! `--generate`: the shell completion scripts and the man page, made from the command line's own
//! definition, so that they always know every flag `ba --help` shows.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::cli::{Args, Generate};

/// The environment variables ba reads, for the man page: (name, what it does).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "BA_CONFIG_PATH",
        "A file of flags, one argument a line (--glob=!.git/), # comments and blank lines skipped, \
         read before the command line, which wins. --no-config leaves it unread.",
    ),
    ("NO_COLOR", "When set, --color auto does not colour the output."),
    ("VISUAL, EDITOR", "The editor -e opens the hits in (VISUAL first; vi when neither is set)."),
];

/// Writes what `kind` names to `out`.
pub fn write(kind: Generate, out: &mut impl Write) -> io::Result<()> {
    let mut command = Args::command();
    let shell = match kind {
        Generate::Man => return write_man(command, out),
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
        Generate::CompleteElvish => Shell::Elvish,
    };
    // Made whole first: the generators panic on a failed write, and `| head` is no reason to panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "ba", &mut script);
    out.write_all(&script)?;
    out.flush()
}

/// `arg` with its other names said at the end of its help, which clap's man page leaves out
/// (`--case-sensitive` for `-l`, `-o` for `-m`).
fn with_aliases(arg: clap::Arg) -> clap::Arg {
    let longs = arg.get_all_aliases().unwrap_or_default().into_iter().map(|alias| format!("--{alias}"));
    let shorts = arg.get_all_short_aliases().unwrap_or_default().into_iter().map(|alias| format!("-{alias}"));
    let aliases: Vec<String> = shorts.chain(longs).collect();
    if aliases.is_empty() {
        return arg;
    }
    let help = arg.get_long_help().or(arg.get_help()).map(ToString::to_string).unwrap_or_default();
    arg.long_help(format!("{help}\n\nAlso: {}.", aliases.join(", ")))
}

/// The man page: clap's sections, with the environment variables before the version.
fn write_man(command: clap::Command, out: &mut impl Write) -> io::Result<()> {
    // The version alone: what `--version` adds tells of the machine that made the page. NAME is
    // `ba - ABOUT`: the about line without the name it begins with.
    let command = command
        .long_version(None::<&str>)
        .about("Black Arrow: search a tree of files for a regular expression, in parallel")
        .mut_args(with_aliases);
    let man = Man::new(command);
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    let mut environment = Roff::new();
    environment.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        environment.control("TP", []).text([bold(*name)]).text([roman(*meaning)]);
    }
    environment.to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    out.write_all(&page)?;
    out.flush()
}
