//! Command-line definitions.

use crate::diag::format::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turn security incident run books into one handbook per client.
#[derive(Debug, Parser)]
#[command(name = "runbook", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every edition (or the named ones) into the output folder.
    Build(BuildArgs),
    /// Validate the sources; writes nothing.
    Check(CheckArgs),
    /// Create a working handbook project with sample content.
    New(NewArgs),
    /// Preview every edition from memory, rebuilding and reloading on save.
    Serve(ServeArgs),
    /// The run books an alert, detection rule or ATT&CK ID leads to.
    Lookup(LookupArgs),
    /// What changed in one edition since its client approved it (or since
    /// a given revision).
    Changes(ChangesArgs),
}

/// `runbook changes`.
#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The folder holding handbook.yaml.
    #[arg(long, default_value = "runbooks")]
    pub source: PathBuf,
    /// The edition: a client's slug (or `soc`, with `--since`).
    #[arg(long = "edition", visible_alias = "client", value_name = "SLUG")]
    pub edition: String,
    /// A git tag or commit to compare with (default: the client's
    /// `approved.version`).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// `human`: a summary to send with a request to re-approve; `json`.
    #[arg(long, value_enum, default_value_t = LookupFormat::Human)]
    pub format: LookupFormat,
}

/// `runbook lookup`.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// An alert name or ID, a detection rule ID or name, or an ATT&CK
    /// technique ID.
    pub id: String,
    /// The folder holding handbook.yaml.
    #[arg(long, default_value = "runbooks")]
    pub source: PathBuf,
    /// `human`: one run book per line (slug, title, phase page); `json`.
    #[arg(long, value_enum, default_value_t = LookupFormat::Human)]
    pub format: LookupFormat,
}

/// How `runbook lookup` prints what it found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LookupFormat {
    /// `slug  title  path` lines.
    Human,
    /// A JSON array.
    Json,
}

/// `runbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The folder holding handbook.yaml.
    #[arg(long, default_value = "runbooks")]
    pub source: PathBuf,
    /// Where editions are written.
    #[arg(long, default_value = "site")]
    pub out: PathBuf,
    /// Build only this edition: a client's slug, or `soc` for the SOC
    /// team's; repeatable. An unknown slug is an error.
    #[arg(long = "edition", visible_alias = "client", value_name = "SLUG")]
    pub editions: Vec<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but problems.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `runbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The folder holding handbook.yaml.
    #[arg(long, default_value = "runbooks")]
    pub source: PathBuf,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

/// `runbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder holding handbook.yaml.
    #[arg(long, default_value = "runbooks")]
    pub source: PathBuf,
    /// The address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port; when it is busy the next free one is used (0: any free port).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Look for changes by polling instead of file-system events (network
    /// shares, containers, some virtual machines).
    #[arg(long)]
    pub poll: bool,
}

/// `runbook new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project folder to create (must not exist, or be empty).
    pub dir: PathBuf,
}
