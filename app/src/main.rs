//! The `switchboard` binary: the desktop app, or the headless CLI when a
//! subcommand is given.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    switchboard::cli::logs::init();
    let mut stdout = std::io::stdout().lock();
    switchboard::cli::main(args, &mut stdout)
}
