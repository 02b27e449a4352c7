// mimalloc: output floods allocate and free a row's worth for every line that leaves the
// grid's history for the archive; glibc malloc made that kind of churn the bottleneck
// of floods (see BENCHMARKS.md).
// Linux only: that measurement and the crate's `no_thp` tuning are about glibc and
// Linux's huge pages. macOS's own allocator keeps per-thread magazines and was never
// measured to lose here, so it stays, and the macOS build needs no C toolchain.
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use rallish_tui::cli::{Cli, Command, HookCommand};
use rallish_tui::control::hook;
use rallish_tui::control::protocol::HookEvent;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Pass {
            to,
            note,
            note_file,
        }) => {
            let stdin = note.as_deref() == Some("-");
            let note = if stdin { None } else { note };
            match rallish_tui::control::client::read_note(note, note_file, stdin) {
                Ok(note) => exit(rallish_tui::control::client::pass(to, note)),
                Err(err) => {
                    eprintln!("rallish-tui: reading the note: {err}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Status { json }) => exit(rallish_tui::control::client::status(json)),
        Some(Command::Scratch { command }) => exit(rallish_tui::commands::scratch(command)),
        Some(Command::Hook { event }) => exit(hook(event)),
        Some(Command::Sessions) => exit(rallish_tui::session::resume::list_command()),
        Some(Command::DemoAgent {
            name,
            work_ms,
            no_pass,
        }) => {
            let options = rallish_tui::commands::demo_agent::DemoOptions {
                work_ms,
                auto_pass: !no_pass,
            };
            exit(rallish_tui::commands::demo_agent::run(&name, options))
        }
        Some(Command::Presets { command }) => exit(rallish_tui::commands::presets(&command)),
        Some(Command::Check { files }) => exit(rallish_tui::commands::check::run(&files)),
        Some(Command::Doctor { json }) => exit(rallish_tui::commands::doctor::run(json)),
        Some(Command::Config { command }) => exit(rallish_tui::commands::config(&command)),
        Some(Command::Completions { shell }) => exit(rallish_tui::commands::completions(shell)),
        None => match rallish_tui::start(cli.rally) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                // Not eprintln!: it panics when stderr is a terminal that has gone.
                let _ = writeln!(std::io::stderr(), "rallish-tui: {err:#}");
                ExitCode::from(2)
            }
        },
    }
}

fn hook(event: HookCommand) -> i32 {
    match event {
        HookCommand::PromptSubmitted => hook::claude(Some(HookEvent::PromptSubmitted)),
        HookCommand::TurnEnded => hook::claude(Some(HookEvent::TurnEnded)),
        HookCommand::PermissionRequest => hook::claude(Some(HookEvent::NeedsPermission)),
        HookCommand::Notification => hook::claude(None),
        HookCommand::CodexNotify { args } => hook::codex_notify(&args),
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
