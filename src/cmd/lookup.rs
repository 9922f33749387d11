//! `runbook lookup ID`: the run books an alert, detection rule or ATT&CK
//! technique leads to, for scripts (SPEC §11).
//!
//! It reads the SOC edition as `build` makes it (every run book but drafts)
//! and matches as the SOC's lookup page does (`render::routes::lookup`).
//! Results go to stdout, one run book per line (`slug  title  phase page`)
//! or as JSON; problems in the sources go to stderr. Exit 0 when something
//! matched, 1 when nothing did or the sources have errors, 2 on misuse.

use super::{report, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::cli::{LookupArgs, LookupFormat};
use crate::diag::format::Format;
use crate::edition::{EditionOptions, Reader};
use crate::render::routes::{lookup, routes, Kind, Match};
use serde::Serialize;
use std::io::Write;

/// One run book found.
#[derive(Serialize)]
struct Found<'a> {
    runbook: &'a str,
    title: &'a str,
    url: &'a str,
    phase: &'a str,
    phase_url: &'a str,
    /// The best match among its names.
    #[serde(rename = "match")]
    quality: Match,
    /// Which of its names matched.
    matched: Vec<Matched<'a>>,
}

#[derive(Serialize)]
struct Matched<'a> {
    id: &'a str,
    kind: Kind,
}

/// Runs `runbook lookup`.
pub(crate) fn run(args: &LookupArgs) -> u8 {
    if args
        .id
        .trim_matches(|c: char| !c.is_alphanumeric())
        .is_empty()
    {
        eprintln!("error: give an alert name or ID, a detection rule or an ATT&CK ID to look up");
        return EXIT_USAGE;
    }
    let (model, diags) = crate::load(&args.source);
    let Some(model) = model.filter(|_| !diags.has_errors()) else {
        report(&diags, Format::Human);
        eprintln!("error: the sources have problems; fix them, then look up again");
        return EXIT_CONTENT;
    };
    let edition = crate::edition::edition(&model, Reader::Soc, &EditionOptions::default());
    let all = routes(&edition);
    let mut found: Vec<Found<'_>> = Vec::new();
    for (quality, r) in lookup(&all, &args.id) {
        let matched = Matched {
            id: &r.id,
            kind: r.kind,
        };
        match found.iter_mut().find(|f| f.runbook == r.runbook) {
            Some(f) => f.matched.push(matched),
            None => found.push(Found {
                runbook: &r.runbook,
                title: &r.title,
                url: &r.url,
                phase: r.phase,
                phase_url: &r.phase_url,
                quality,
                matched: vec![matched],
            }),
        }
    }
    let text = match args.format {
        LookupFormat::Json => {
            let mut s = serde_json::to_string_pretty(&found).unwrap_or_default();
            s.push('\n');
            s
        }
        LookupFormat::Human => found
            .iter()
            .map(|f| format!("{}  {}  {}\n", f.runbook, f.title, f.phase_url))
            .collect(),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if found.is_empty() {
        eprintln!(
            "no run book lists `{}` as an alert, detection rule or ATT&CK technique",
            args.id.trim()
        );
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}
