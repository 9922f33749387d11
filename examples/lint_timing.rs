//! Measures what the plain-language lints add to `check` and `build`:
//! `cargo run --release --example lint_timing -- runbooks [ROUNDS]`.
//!
//! Loads the sources once (timed), then runs `runbook::lint::run` ROUNDS
//! times (default 20) and prints the median, so the lint pass can be
//! compared with loading. Results are recorded in BENCHMARKS.md.

#![allow(clippy::unwrap_used, missing_docs)]

use runbook::model::values::Date;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let source = PathBuf::from(args.next().unwrap_or_else(|| "runbooks".into()));
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let started = Instant::now();
    let (model, diags) = runbook::load(&source);
    let load = started.elapsed();
    let model = model.expect("the sources load");
    let today = Date::parse("2026-12-01").unwrap();
    let mut times = Vec::with_capacity(rounds);
    let mut problems = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        problems = runbook::lint::run(&model, today).iter().count();
        times.push(t.elapsed());
    }
    times.sort();
    let words: usize = model
        .runbooks
        .iter()
        .flat_map(|rb| rb.phases.iter().map(|(_, s)| s).chain([&rb.intro]))
        .flat_map(|s| s.blocks.iter())
        .map(|b| b.text.split_whitespace().count())
        .sum();
    println!(
        "{} run books, {} clients, {words} words: load {:.1} ms ({} load problems), lint median {:.1} ms over {rounds} rounds ({problems} lint problems)",
        model.runbooks.len(),
        model.clients.len(),
        load.as_secs_f64() * 1e3,
        diags.iter().count(),
        times[rounds / 2].as_secs_f64() * 1e3,
    );
}
