//! `runbook serve`: builds in memory, serves every edition, rebuilds and
//! reloads open tabs on every save. Writes nothing.

use super::{report, source_date_epoch, today, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::cli::ServeArgs;
use crate::diag::format::Format;
use crate::diag::{Diagnostics, Level};
use crate::serve::build::{GenerationBuilder, Outcome, Summary};
use crate::serve::live::Live;
use crate::serve::site::Counters;
use crate::serve::watch::{Change, Watcher};
use crate::serve::{http, DEBOUNCE};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;

/// Runs `runbook serve` until Ctrl-C.
pub(crate) fn run(args: &ServeArgs) -> u8 {
    let (stop_tx, stop_rx) = channel::<()>();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return EXIT_CONTENT;
    }
    if !args.source.is_dir() {
        eprintln!(
            "error: source folder `{}` does not exist\n  hint: pass the folder that holds handbook.yaml with --source, or create one with `runbook new DIR`",
            args.source.display()
        );
        return EXIT_USAGE;
    }
    let counters = Arc::new(Counters::default());
    let live = Arc::new(Live::new(counters.clone()));
    let mut builder = GenerationBuilder::new(&args.source, source_date_epoch(), counters);
    let warnings = first_build(&mut builder, &live);

    let bound = match http::bind(args.bind, args.port) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}{}: {e}\n  hint: pass a free port with --port N, or --port 0 to let the system choose",
                args.bind,
                args.port,
                if e.kind() == std::io::ErrorKind::AddrInUse && args.port != 0 {
                    format!(" (nor on the next {} ports)", http::PORT_TRIES)
                } else {
                    String::new()
                }
            );
            return EXIT_USAGE;
        }
    };
    if let Some(busy) = bound.busy {
        println!(
            "Port {busy} is busy; using port {} instead.",
            bound.addr.port()
        );
    }
    let addr = bound.addr;
    if let Err(message) = http::start(bound, live.clone()) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    if !addr.ip().is_loopback() {
        println!(
            "warning: listening on {}, not loopback: anyone who can reach this machine can read every edition, drafts and SOC-only text included.",
            addr.ip()
        );
    }
    let mut dirs = vec![args.source.clone()];
    dirs.extend(builder.extra_watch_dirs());
    let (watcher, changes) = match Watcher::start(&dirs, args.poll) {
        Ok(w) => w,
        Err(message) => {
            eprintln!("error: {message}\n  hint: try `--poll`");
            return EXIT_USAGE;
        }
    };
    let host = match addr {
        std::net::SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        std::net::SocketAddr::V4(a) => a.to_string(),
    };
    println!(
        "Serving {} at http://{host}/ (watching {}{}, debounce {} ms). Press Ctrl-C to stop.",
        match live.site() {
            Some(g) => format!(
                "{} edition{}",
                g.editions.len(),
                if g.editions.len() == 1 { "" } else { "s" }
            ),
            None => "the error page".to_string(),
        },
        args.source.display(),
        if args.poll { " by polling" } else { "" },
        DEBOUNCE.as_millis()
    );
    let worker_live = live.clone();
    let spawned = std::thread::Builder::new()
        .name("serve-rebuild".into())
        .spawn(move || rebuild_loop(builder, watcher, dirs, &changes, &worker_live, warnings));
    if let Err(e) = spawned {
        eprintln!("error: cannot start the rebuild thread: {e}");
        return EXIT_USAGE;
    }
    let _ = stop_rx.recv();
    println!("Stopped.");
    EXIT_OK
}

/// The first build; returns how many warnings it had.
fn first_build(builder: &mut GenerationBuilder, live: &Live) -> usize {
    match builder.rebuild() {
        Outcome::Built(g, summary) => {
            let mut warnings = summary.warnings;
            if let Ok(day) = today() {
                warnings.extend(crate::lint::run(&g.model, day));
            }
            let warnings = only_warnings(&warnings);
            report(&warnings, Format::Human);
            println!(
                "Built {} editions in memory ({} run books, {} drafts) in {} ms.",
                g.editions.len(),
                g.model.runbooks.len(),
                g.model.runbooks.iter().filter(|r| r.draft).count(),
                summary.took.as_millis()
            );
            live.publish(g);
            warnings.count(Level::Warning)
        }
        Outcome::Failed(diags) => {
            report(&diags, Format::Human);
            eprintln!(
                "The first build failed; the browser shows these problems until they are fixed."
            );
            live.fail(&diags);
            0
        }
        Outcome::Unchanged => 0,
    }
}

fn only_warnings(d: &Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::new();
    d.iter()
        .filter(|d| d.severity == Level::Warning)
        .for_each(|d| out.push(d.clone()));
    out
}

fn rebuild_loop(
    mut builder: GenerationBuilder,
    mut watcher: Watcher,
    mut dirs: Vec<PathBuf>,
    changes: &Receiver<Change>,
    live: &Live,
    mut warnings: usize,
) {
    while let Ok(first) = changes.recv() {
        let mut paths = Vec::new();
        let mut next = Some(first);
        // Coalesce whatever else arrived meanwhile into this one rebuild.
        while let Some(change) = next {
            match change {
                Change::Paths(p) => paths.extend(p),
                Change::Error(e) => eprintln!("warning: watching the sources: {e}"),
            }
            next = changes.try_recv().ok();
        }
        if paths.is_empty() {
            continue;
        }
        match builder.rebuild() {
            Outcome::Built(g, summary) => {
                live.publish(g.clone());
                print_summary(g.number, &summary);
                // Lints run after the reload signal, so they never delay it.
                let count = warning_count(&g.model, &summary.warnings);
                if count != warnings {
                    println!(
                        "{count} warning{} now (run `runbook check` for the details).",
                        if count == 1 { "" } else { "s" }
                    );
                    warnings = count;
                }
            }
            Outcome::Failed(diags) => {
                live.fail(&diags);
                report(&diags, Format::Human);
                eprintln!("The last good build stays served until this is fixed.");
            }
            Outcome::Unchanged => {
                if live.status().errors.is_empty() {
                    continue;
                }
                live.clear();
                println!("Fixed: the sources are back to the build being served.");
            }
        }
        for d in builder.extra_watch_dirs() {
            if !dirs.contains(&d) && watcher.add(&d).is_ok() {
                dirs.push(d);
            }
        }
    }
}

/// Warnings of the build plus those of the lints `check` runs.
fn warning_count(model: &crate::model::Model, build: &Diagnostics) -> usize {
    let lints = today().map_or_else(|_| Diagnostics::new(), |day| crate::lint::run(model, day));
    build.count(Level::Warning) + lints.count(Level::Warning)
}

fn print_summary(number: u64, s: &Summary) {
    let what = if s.full {
        "everything".to_string()
    } else {
        let mut parts: Vec<String> = Vec::new();
        if !s.runbooks.is_empty() {
            parts.push(format!("run book {}", s.runbooks.join(", ")));
        }
        if !s.clients.is_empty() {
            parts.push(format!("client {}", s.clients.join(", ")));
        }
        format!(
            "{}; {} rendered pages dropped, {} kept, {} editions untouched",
            parts.join(", "),
            s.invalidated,
            s.kept_pages,
            s.kept_editions
        )
    };
    println!(
        "Rebuilt #{number} in {:.1} ms ({what}).",
        s.took.as_secs_f64() * 1000.0
    );
}
