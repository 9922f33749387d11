//! Empty and thin phases: a phase with nothing in it, and a phase the client
//! leads that gives the client nothing to do.

use super::text::diag_at;
use crate::diag::{Code, Diagnostic};
use crate::edition::{responsibilities, Reader};
use crate::model::markdown::{BlockKind, Section};
use crate::model::phase::Phase;
use crate::model::responsibility::{Party, Resolved};
use crate::model::values::Audience;
use crate::model::{Model, Runbook};

/// True when the section has a step or a paragraph the reader sees
/// (headings alone are not content).
fn has_content(section: &Section, soc: bool) -> bool {
    section.steps.iter().any(|s| soc || !s.internal)
        || section
            .blocks
            .iter()
            .any(|b| b.kind != BlockKind::Heading && (soc || !b.internal))
}

/// One edition's view of a run book: its name, whether it is the SOC's,
/// and who leads each phase there.
pub(super) struct View {
    pub(super) edition: String,
    pub(super) soc: bool,
    pub(super) resolved: [Resolved; 6],
}

/// Every edition that shows the run book (as `build` would), with the
/// responsibilities each resolves.
pub(super) fn views(model: &Model, rb: &Runbook) -> Vec<View> {
    std::iter::once(Reader::Soc)
        .chain(Reader::clients(model))
        .filter(|reader| reader.sees(rb))
        .map(|reader| View {
            edition: reader.slug().to_string(),
            soc: reader.is_soc(),
            resolved: responsibilities(model, &reader, rb),
        })
        .collect()
}

/// Checks the six phases of one run book.
pub(crate) fn check(model: &Model, rb: &Runbook, out: &mut Vec<Diagnostic>) {
    let src = &rb.source;
    let views = views(model, rb);
    for (phase, section) in &rb.phases {
        if section.line == 0 {
            continue; // A missing phase is already an error (RB014).
        }
        let heading_len = src
            .lines
            .line_text(&src.text, section.line)
            .map_or(1, |l| l.trim_end().chars().count());
        let at =
            |code: Code, message: String| diag_at(src, code, section.line, 1, heading_len, message);
        if !has_content(section, true) {
            out.push(
                at(
                    Code::EmptyPhase,
                    format!("{} has no steps and no text", phase.name()),
                )
                .hint("say what happens in this phase, even in one line, e.g. `- [SOC] We confirm nothing else is affected.`"),
            );
            continue;
        }
        if rb.audience == Audience::All && !has_content(section, false) {
            out.push(
                at(
                    Code::EmptyPhase,
                    format!(
                        "{} has only SOC-only content, so client handbooks show it empty",
                        phase.name()
                    ),
                )
                .hint("add a step or a sentence for the client above the `{.internal}` heading"),
            );
            continue;
        }
        no_client_step(&views, *phase, section, &at, out);
    }
}

/// A client-led phase must give the client (or client and SOC together) at
/// least one step, in every edition where the client leads it.
fn no_client_step(
    views: &[View],
    phase: Phase,
    section: &Section,
    at: &dyn Fn(Code, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let mut editions = Vec::new();
    for view in views {
        let lead = view.resolved[phase.index()].responsibility.lead;
        if lead != Party::Client {
            continue;
        }
        let client_step = section
            .steps
            .iter()
            .filter(|s| view.soc || !s.internal)
            .any(|s| matches!(s.marker.unwrap_or(lead), Party::Client | Party::Shared));
        if !client_step {
            editions.push(view.edition.clone());
        }
    }
    if editions.is_empty() {
        return;
    }
    let count = editions.len();
    out.push(
        at(
            Code::NoClientStep,
            format!(
                "the client leads {} but has no step to do",
                phase.name()
            ),
        )
        .hint("add a `[Client]` or `[Shared]` step that says what the client's team does, or set who leads with `responsibility:`")
        .note(format!(
            "the client leads it in {count} edition{}: {}",
            if count == 1 { "" } else { "s" },
            editions.join(", ")
        )),
    );
}
