//! `runbook build`: every edition (or the named ones) into `--out`, atomically.

use super::{failed, report, source_date_epoch, today, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::cli::BuildArgs;
use crate::diag::format::Format;
use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::edition::{EditionOptions, Reader, UnknownReader};
use crate::model::Model;
use crate::output::{check_safe_to_replace, Staging};
use crate::render::keys::{program_identity, Inputs};
use crate::render::theme::Theme;
use crate::render::Sink;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// Runs `runbook build`.
pub(crate) fn run(args: &BuildArgs) -> u8 {
    let started = Instant::now();
    let today = match today() {
        Ok(d) => d,
        Err(message) => return unknown_edition(&message),
    };
    let (model, mut diags) = crate::load(&args.source);
    // A slug no edition has is a mistake in the command line: said first,
    // with exit 2, even when the sources have problems too (a model with
    // errors still knows its clients).
    if let Some(m) = &model {
        if let Err(message) = readers(m, &args.editions) {
            return unknown_edition(&message);
        }
    }
    // The same lints as `check`, so a build shows (and under --strict
    // fails on) the same warnings.
    if let Some(m) = &model {
        diags.extend(crate::lint::run(m, today));
    }
    // What changed since each client's approval (SPEC §10): read from git
    // only when a client names an approved version.
    let changes = match &model {
        Some(m) => {
            let (changes, problems) = crate::history::approvals(m, &args.source);
            diags.extend(problems);
            changes
        }
        None => Default::default(),
    };
    let theme = match &model {
        Some(m) if !diags.has_errors() => match Theme::load(&m.handbook.theme) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.extend(d);
                None
            }
        },
        _ => None,
    };
    report(&diags, Format::Human);
    if failed(&diags, args.strict) {
        eprintln!(
            "build failed: nothing was written{}",
            if args.out.exists() {
                format!("; `{}` is unchanged", args.out.display())
            } else {
                String::new()
            }
        );
        return EXIT_CONTENT;
    }
    let (Some(model), Some(theme)) = (model, theme) else {
        return EXIT_CONTENT;
    };
    let only = match readers(&model, &args.editions) {
        Ok(only) => only,
        Err(message) => return unknown_edition(&message),
    };
    // The staging folder comes first: making it removes what killed builds
    // left beside --out (and may put back an output one of them had moved
    // away), so the check below sees --out as it really is.
    let mut staging = match Staging::new(&args.out) {
        Ok(s) => s,
        Err(e) => return io_failure(&args.out, &e),
    };
    if !args.quiet {
        for path in staging.leftovers() {
            eprintln!(
                "note: `{}` was left by a build that is no longer running; removing it after this build",
                path.display()
            );
        }
    }
    let only_slugs: Option<Vec<String>> = only
        .as_ref()
        .map(|readers| readers.iter().map(|r| r.slug().to_string()).collect());
    if let Err(message) = check_safe_to_replace(&args.out, &args.source, only_slugs.as_deref()) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    // Only now that --out is known to be runbook's may its files be
    // linked into the new output.
    if let Err(e) = staging.reuse() {
        return io_failure(&args.out, &e);
    }
    let options = EditionOptions {
        include_drafts: false,
        date: source_date_epoch(),
        version: Some(crate::history::version(&args.source)),
        changes,
    };
    // What each file is made from, so that a file the previous build made
    // from the same inputs (and that nobody touched since) is not drawn
    // again: see output::record.
    if let Some(program) = program_identity() {
        staging.keep_record(Inputs::new(&model, &options, &program));
    }
    let progress = Progress::new(&staging, !args.quiet);
    let rendered = crate::render_editions(&model, &theme, &options, only.as_deref(), &progress);
    progress.finish();
    let stats = match rendered {
        Ok(s) => s,
        Err(d) => {
            report(&d, Format::Human);
            eprintln!("build failed: nothing was written");
            return EXIT_CONTENT;
        }
    };
    let held = staging.held();
    let committed = match &only {
        None => staging.commit_all(),
        Some(_) => staging.commit_editions(only_slugs.as_deref().unwrap_or_default()),
    };
    let tally = match committed {
        Ok(t) => t,
        Err(e) => return io_failure(&args.out, &e),
    };
    if !args.quiet {
        let editions = only
            .as_ref()
            .map_or_else(|| Reader::all(&model).len(), Vec::len);
        println!(
            "Built {editions} edition{} ({} pages, {} run books; {} files rendered, {} skipped as unchanged since the last build) into {} in {:.2} s: {} written, {} unchanged (linked), {} removed",
            if editions == 1 { "" } else { "s" },
            stats.pages,
            model.runbooks.iter().filter(|r| !r.draft).count(),
            stats.rendered,
            held,
            args.out.display(),
            started.elapsed().as_secs_f64(),
            tally.written,
            tally.linked,
            tally.removed,
        );
    }
    EXIT_OK
}

/// The readers of the editions named on the command line (`None`: build
/// every edition), each once; an error naming every unknown slug.
fn readers<'m>(model: &'m Model, slugs: &[String]) -> Result<Option<Vec<Reader<'m>>>, String> {
    if slugs.is_empty() {
        return Ok(None);
    }
    let mut found: Vec<Reader<'m>> = Vec::new();
    let mut unknown: Vec<UnknownReader> = Vec::new();
    for slug in slugs {
        match Reader::from_slug(model, slug) {
            Ok(r) if found.iter().any(|f| f.slug() == r.slug()) => {}
            Ok(r) => found.push(r),
            Err(e) => unknown.push(e),
        }
    }
    match unknown.as_slice() {
        [] => Ok(Some(found)),
        [one] => Err(one.to_string()),
        [first, ..] => Err(format!(
            "unknown editions {}; editions are: {}",
            unknown
                .iter()
                .map(|u| format!("`{}`", u.slug))
                .collect::<Vec<_>>()
                .join(", "),
            first.known.join(", ")
        )),
    }
}

fn unknown_edition(message: &str) -> u8 {
    eprintln!("error: {message}\n  hint: name an edition with --edition SLUG: a client's file name in clients/ (without .yaml), or `soc`");
    EXIT_USAGE
}

/// Passes pages through to the staging folder and counts them on a
/// terminal, so a build of thousands of pages shows it is moving. On a
/// pipe or in CI the bar is hidden and costs one atomic add per file.
struct Progress<'a> {
    inner: &'a dyn Sink,
    bar: ProgressBar,
}

impl<'a> Progress<'a> {
    fn new(inner: &'a dyn Sink, wanted: bool) -> Progress<'a> {
        let target = if wanted && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(8)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{spinner} writing files: {pos} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Progress { inner, bar }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Sink for Progress<'_> {
    fn put(&self, edition: &str, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let written = self.inner.put(edition, path, bytes);
        self.bar.inc(1);
        written
    }

    fn inputs(&self) -> Option<&crate::render::keys::Inputs> {
        self.inner.inputs()
    }

    fn holds(&self, edition: &str, path: &str, key: crate::render::keys::Key) -> bool {
        self.inner.holds(edition, path, key)
    }
}

fn io_failure(out: &std::path::Path, e: &std::io::Error) -> u8 {
    let mut d = Diagnostics::new();
    d.push(
        Diagnostic::new(
            Code::Unreadable,
            Span::file(out),
            format!("cannot write the output: {e}"),
        )
        .hint("check that the output folder's parent is writable and the disk has space"),
    );
    report(&d, Format::Human);
    EXIT_CONTENT
}
