//! The small subcommands: `presets list|show`, `config path`, `completions`. Each prints
//! and returns an exit code.

use clap::CommandFactory as _;

use crate::cli::{Cli, ConfigCommand, PresetsCommand};
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
