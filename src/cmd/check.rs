//! `runbook check`: every validation `build` runs, writing nothing.

use super::{failed, report, source_date_epoch, today, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::cli::CheckArgs;
use crate::diag::format::Format;
use crate::diag::Level;
use crate::edition::EditionOptions;
use crate::render::theme::Theme;
use crate::render::Sink;

/// Discards pages: check renders every page to catch template errors, but
/// writes nothing.
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &str, _: Vec<u8>) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `runbook check`.
pub(crate) fn run(args: &CheckArgs) -> u8 {
    let today = match today() {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let (model, mut diags) = crate::load(&args.source);
    if let Some(m) = &model {
        diags.extend(crate::lint::run(m, today));
        // The same history problems as `build` (a version git does not
        // have, a folder outside git); the changes pages render below.
        let (changes, problems) = crate::history::approvals(m, &args.source);
        diags.extend(problems);
        if !diags.has_errors() {
            match Theme::load(&m.handbook.theme) {
                Ok(theme) => {
                    let options = EditionOptions {
                        include_drafts: true,
                        date: source_date_epoch(),
                        version: None,
                        changes,
                    };
                    if let Err(d) = crate::render_editions(m, &theme, &options, None, &Discard) {
                        diags.extend(d);
                    }
                }
                Err(d) => diags.extend(d),
            }
        }
    }
    report(&diags, args.format);
    if args.format == Format::Human {
        if diags.is_empty() {
            eprintln!("check passed: no problems found");
        } else if !failed(&diags, args.strict) {
            eprintln!(
                "check passed with {} warning(s)",
                diags.count(Level::Warning)
            );
        }
    }
    if failed(&diags, args.strict) {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}
