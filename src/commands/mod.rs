//! The small subcommands: `presets list|show`, `config path`, `completions`, `scratch`.
//! Each prints and returns an exit code.

pub mod check;
pub mod demo_agent;
pub mod doctor;

use clap::CommandFactory as _;

use std::io::Read as _;

use crate::cli::{Cli, ConfigCommand, PresetsCommand, ScratchCommand};
use crate::control::client;
use crate::control::protocol::Op;
use crate::preset;

pub fn presets(command: &PresetsCommand) -> i32 {
    match command {
        PresetsCommand::List => {
            let listing = preset::list();
            let width = listing.iter().map(|l| l.name.len()).max().unwrap_or(0);
            let mut code = 0;
            for l in &listing {
                match &l.error {
                    None => println!("{:<width$}  {}  [{}]", l.name, l.description, l.source),
                    Some(err) => {
                        println!("{:<width$}  (invalid)  [{}]", l.name, l.source);
                        eprintln!("{err}");
                        code = 2;
                    }
                }
            }
            code
        }
        PresetsCommand::Show { name } => match preset::show(name) {
            Ok((origin, text)) => {
                println!("# {origin}");
                print!("{text}");
                if !text.ends_with('\n') {
                    println!();
                }
                0
            }
            Err(err) => {
                eprintln!("rallish-tui: {err:#}");
                2
            }
        },
    }
}

pub fn config(command: &ConfigCommand) -> i32 {
    match command {
        ConfigCommand::Path => {
            println!("{}", crate::config::config_file().display());
            0
        }
    }
}

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "rallish-tui", &mut std::io::stdout());
    0
}

/// `scratch read|append|write`, run inside a pane.
pub fn scratch(command: ScratchCommand) -> i32 {
    let stdin = || {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map(|_| text)
            .map_err(|e| eprintln!("rallish-tui: reading standard input: {e}"))
    };
    match command {
        ScratchCommand::Read => client::scratch_read(),
        ScratchCommand::Append { text } => {
            let text = match text {
                Some(text) if text != "-" => text,
                _ => match stdin() {
                    Ok(text) => text,
                    Err(()) => return 2,
                },
            };
            if text.trim().is_empty() {
                eprintln!("rallish-tui: nothing to append");
                return 2;
            }
            client::scratch_change(Op::ScratchAppend { text })
        }
        ScratchCommand::Write { .. } => match stdin() {
            Ok(text) => client::scratch_change(Op::ScratchWrite { text }),
            Err(()) => 2,
        },
    }
}
