//! The `runbook` command.

use clap::Parser;
use runbook::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(runbook::cmd::run(cli.command))
}
