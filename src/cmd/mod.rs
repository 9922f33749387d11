//! Commands: one module each, one entry function each. This is the only
//! layer that prints or chooses an exit code.

pub(crate) mod build;
pub(crate) mod changes;
pub(crate) mod check;
pub(crate) mod lookup;
pub(crate) mod new;
pub(crate) mod serve;

use crate::cli::Command;
use crate::diag::format::{format_diagnostics, Format};
use crate::diag::{Diagnostics, Level};
use crate::model::values::Date;
use std::io::{IsTerminal, Write};

/// Exit code: success.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: problems in the sources (or warnings under `--strict`).
pub(crate) const EXIT_CONTENT: u8 = 1;
/// Exit code: the command was used wrongly.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Runs a command and returns its exit code.
pub fn run(command: Command) -> u8 {
    match command {
        Command::Build(args) => build::run(&args),
        Command::Check(args) => check::run(&args),
        Command::New(args) => new::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Lookup(args) => lookup::run(&args),
        Command::Changes(args) => changes::run(&args),
    }
}

/// Prints diagnostics in the chosen format: machine formats (`json`,
/// `github`) to stdout, so that `runbook check --format json | jq` works
/// while progress and summaries stay out of the pipe; human text to stderr.
pub(crate) fn report(diags: &Diagnostics, format: Format) {
    if diags.is_empty() {
        return;
    }
    if format == Format::Human {
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let text = format_diagnostics(&diags.sorted(), format, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let text = format_diagnostics(&diags.sorted(), format, false);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }
}

/// True when the diagnostics should fail the run.
pub(crate) fn failed(diags: &Diagnostics, strict: bool) -> bool {
    diags.has_errors() || (strict && diags.count(Level::Warning) > 0)
}

/// Today's date for lints (never for page content): `RUNBOOK_TODAY`
/// (`YYYY-MM-DD`) when set, so runs can be reproduced; else the clock (UTC).
pub(crate) fn today() -> Result<Date, String> {
    match std::env::var("RUNBOOK_TODAY") {
        Ok(v) if !v.trim().is_empty() => Date::parse(&v).ok_or_else(|| {
            format!("RUNBOOK_TODAY is `{v}`, which is not a date; write it as YYYY-MM-DD")
        }),
        _ => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(Date::from_unix(i64::try_from(secs).unwrap_or(i64::MAX)))
        }
    }
}

/// The cover date from `SOURCE_DATE_EPOCH`, when set.
pub(crate) fn source_date_epoch() -> Option<Date> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()
        .map(Date::from_unix)
}
