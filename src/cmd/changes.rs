//! `runbook changes`: what changed in one edition since its client approved
//! it, as text to send with a request to re-approve, or as JSON.
//!
//! The summary is the report the user asked for, so it goes to stdout (as
//! `lookup`'s results do); problems and hints go to stderr.

use super::{report, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::cli::{ChangesArgs, LookupFormat};
use crate::diag::Format;
use crate::edition::changes::{Changes, Kind};
use crate::edition::Reader;
use std::fmt::Write as _;
use std::io::Write;

/// Runs `runbook changes`.
pub(crate) fn run(args: &ChangesArgs) -> u8 {
    let (model, diags) = crate::load(&args.source);
    let Some(model) = model.filter(|_| !diags.has_errors()) else {
        report(&diags, Format::Human);
        eprintln!("error: the sources have problems; fix them, then ask again");
        return EXIT_CONTENT;
    };
    let reader = match Reader::from_slug(&model, &args.edition) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}\n  hint: name a client's edition with --edition SLUG (its file name in clients/, without .yaml)");
            return EXIT_USAGE;
        }
    };
    let approved = reader.client().and_then(|c| c.approved.as_ref());
    let since = match (&args.since, approved.and_then(|a| a.version.as_ref())) {
        (Some(rev), _) => rev.clone(),
        (None, Some(v)) => v.rev.clone(),
        (None, None) => {
            eprintln!(
                "error: the `{}` edition has no approved version to compare with\n  hint: add `approved: {{by, on, version}}` to its client file, or pass --since REV (a git tag or commit)",
                args.edition
            );
            return EXIT_USAGE;
        }
    };
    let changes = match crate::history::changes_since(&model, &args.source, reader, &since) {
        Ok(c) => c,
        Err(message) => {
            eprintln!(
                "error: {message}\n  hint: {}",
                crate::history::NOT_FOUND_HINT
            );
            return EXIT_CONTENT;
        }
    };
    let text = match args.format {
        LookupFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "edition": reader.slug(),
                "name": reader.name(),
                "approved": approved.map(|a| serde_json::json!({
                    "by": a.by,
                    "on": a.on.to_string(),
                    "version": a.version.as_ref().map(|v| v.rev.as_str()),
                })),
                "headline": changes.headline(),
                "changes": changes,
            }))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        LookupFormat::Human => human(&reader, approved, &changes),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    EXIT_OK
}

/// The summary as plain text, for an email to the client.
fn human(
    reader: &Reader<'_>,
    approved: Option<&crate::model::Approval>,
    changes: &Changes,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} handbook: changes since {}",
        reader.name(),
        changes.since
    );
    if let Some(a) = approved {
        let _ = writeln!(s, "Approved by {} on {}.", a.by, a.on.long());
    }
    let _ = writeln!(s, "{}.", changes.headline());
    for rb in &changes.runbooks {
        let _ = writeln!(s);
        let what = match rb.kind {
            Kind::Added => "new run book",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
        };
        let _ = writeln!(s, "{} ({what})", rb.title);
        if let Some(old) = &rb.old_title {
            let _ = writeln!(s, "  renamed: was \"{old}\"");
        }
        for ph in &rb.phases {
            let _ = writeln!(s, "  {}:", ph.name);
            if let Some(h) = &ph.responsibility {
                let _ = writeln!(s, "    who leads: was {}, now {}", h.was, h.now);
            }
            for it in &ph.items {
                let kind = if it.step { "step" } else { "text" };
                let line = match it.change {
                    "added" => format!("+ new {kind}: {}", it.text),
                    "removed" => format!("- {kind} removed: {}", it.text),
                    "reworded" => {
                        // Words marked as [-removed-]{+added+}, as `git diff
                        // --word-diff` does, so plain text shows them.
                        let marked: String = it
                            .words
                            .iter()
                            .map(|w| match w.tag {
                                "removed" => format!("[-{}-]", w.text),
                                "added" => format!("{{+{}+}}", w.text),
                                _ => w.text.clone(),
                            })
                            .collect();
                        format!("~ {kind} reworded: {marked}")
                    }
                    _ => format!("~ {kind} handed over: {}", it.text),
                };
                let _ = write!(s, "    {line}");
                if let Some(h) = &it.handover {
                    let _ = write!(s, " (was {}, now {})", h.was, h.now);
                }
                let _ = writeln!(s);
            }
        }
    }
    if !changes.contacts.is_empty() {
        let _ = writeln!(s, "\nContacts:");
        for c in &changes.contacts {
            let detail = match c.change {
                "added" => "new contact".to_string(),
                "removed" => "no longer listed".to_string(),
                _ => c.details.join("; "),
            };
            let _ = writeln!(s, "  {}: {detail}", c.label);
        }
    }
    s
}
