//! Step badges that read differently from edition to edition, or against
//! their phase: an unmarked step that changes hands between editions
//! (RB122), and a phase whose badge disagrees with most of its steps
//! (RB123).

use super::phases::{views, View};
use super::text::diag_at;
use crate::diag::{Code, Diagnostic, Span};
use crate::model::markdown::{Section, Step};
use crate::model::phase::Phase;
use crate::model::responsibility::Party;
use crate::model::Runbook;
use std::collections::BTreeMap;

/// How many steps a note lists before "and N more".
const LISTED: usize = 10;

/// Checks the steps of every phase of one run book.
pub(crate) fn check(model: &crate::model::Model, rb: &Runbook, out: &mut Vec<Diagnostic>) {
    let views = views(model, rb);
    for (phase, section) in &rb.phases {
        if section.line == 0 || section.steps.is_empty() {
            continue;
        }
        if let Some(d) = unmarked_change_hands(rb, &views, *phase, section) {
            out.push(d);
        }
        if let Some(d) = badge_against_steps(rb, &views, *phase, section) {
            out.push(d);
        }
    }
}

/// The marker a writer types for a party.
fn marker(party: Party) -> &'static str {
    match party {
        Party::Soc => "[SOC]",
        Party::Client => "[Client]",
        Party::Shared => "[Shared]",
    }
}

/// Who leads, in a sentence.
fn who(party: Party) -> &'static str {
    match party {
        Party::Soc => "the SOC",
        Party::Client => "the client",
        Party::Shared => "the SOC and the client together",
    }
}

/// The editions that see a step, grouped by who leads the phase there.
fn leads_by_party<'v>(
    views: &'v [View],
    phase: Phase,
    step: &Step,
) -> BTreeMap<Party, Vec<&'v str>> {
    let mut by: BTreeMap<Party, Vec<&str>> = BTreeMap::new();
    for view in views.iter().filter(|v| v.soc || !step.internal) {
        let lead = view.resolved[phase.index()].responsibility.lead;
        by.entry(lead).or_default().push(&view.edition);
    }
    by
}

/// "line 12, line 14 and 3 more"
fn lines_listed(steps: &[&Step]) -> String {
    let mut listed: Vec<String> = steps
        .iter()
        .take(LISTED)
        .map(|s| format!("line {}", s.line))
        .collect();
    if steps.len() > LISTED {
        listed.push(format!("and {} more", steps.len() - LISTED));
    }
    listed.join(", ")
}

/// RB122: the unmarked steps of a phase take the phase's lead, which moves
/// with plans and client overrides; when it differs between the editions
/// that show a step, the same words get different badges. One warning per
/// phase (all its unmarked steps change hands together), at its first such
/// step, with the others as related places.
fn unmarked_change_hands(
    rb: &Runbook,
    views: &[View],
    phase: Phase,
    section: &Section,
) -> Option<Diagnostic> {
    let mut moving: Vec<&Step> = Vec::new();
    let mut leads = BTreeMap::new();
    for step in section.steps.iter().filter(|s| s.marker.is_none()) {
        let by = leads_by_party(views, phase, step);
        if by.len() > 1 {
            moving.push(step);
            if leads.is_empty() {
                leads = by;
            }
        }
    }
    let first = moving.first()?;
    let count = moving.len();
    let src = &rb.source;
    let mut d = diag_at(
        src,
        Code::StepChangesHands,
        first.line,
        1,
        usize::MAX,
        format!(
            "{} unmarked step{} in {} change{} hands between editions",
            count,
            if count == 1 { "" } else { "s" },
            phase.name(),
            if count == 1 { "s" } else { "" },
        ),
    )
    .hint(format!(
        "mark each step with who does it (`{}`, `{}` or `{}`) so its badge reads the same in every edition",
        marker(Party::Soc),
        marker(Party::Client),
        marker(Party::Shared)
    ));
    for (party, editions) in &leads {
        d = d.note(format!(
            "{} (and its unmarked steps) led by {} in: {}",
            phase.name(),
            who(*party),
            editions.join(", ")
        ));
    }
    if count > 1 {
        d = d.note(format!("the unmarked steps: {}", lines_listed(&moving)));
    }
    d.related = moving
        .iter()
        .skip(1)
        .map(|s| Span::at(src.path.clone(), s.line, 1, 1))
        .collect();
    Some(d)
}

/// What one edition shows of a phase against its steps: who leads the
/// phase, the party most marked steps name, how many name it, and how many
/// steps the edition shows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Disagreement {
    lead: Party,
    marked: Party,
    count: usize,
    total: usize,
}

/// The disagreement one edition shows, if any: more than half of the steps
/// clients can see (and at least two; SOC-only steps are how the SOC does
/// its part, not who leads the phase) are marked for one party, and the phase's
/// badge names another. A phase led together is not reported: it is
/// expected to hold each party's steps. A client-led phase with only `[SOC]` steps is left
/// to RB121, which says the same thing with a sharper fix.
fn disagreement(view: &View, phase: Phase, section: &Section) -> Option<Disagreement> {
    let shown: Vec<&Step> = section.steps.iter().filter(|s| !s.internal).collect();
    let lead = view.resolved[phase.index()].responsibility.lead;
    let mut counts: BTreeMap<Party, usize> = BTreeMap::new();
    for party in shown.iter().filter_map(|s| s.marker) {
        *counts.entry(party).or_default() += 1;
    }
    let (&marked, &count) = counts
        .iter()
        .max_by_key(|(p, n)| (**n, std::cmp::Reverse(**p)))?;
    let total = shown.len();
    if marked == lead || lead == Party::Shared || count < 2 || count * 2 <= total {
        return None;
    }
    let client_has_step = shown
        .iter()
        .any(|s| matches!(s.marker.unwrap_or(lead), Party::Client | Party::Shared));
    if lead == Party::Client && !client_has_step {
        return None; // RB121
    }
    Some(Disagreement {
        lead,
        marked,
        count,
        total,
    })
}

/// RB123: a phase whose badge says one party leads while most of its steps
/// are marked for another reads as a contradiction ("Our SOC team" over 14
/// `[Client]` steps). Checked in every edition that shows the run book; one
/// warning per phase, at its heading, naming the editions.
fn badge_against_steps(
    rb: &Runbook,
    views: &[View],
    phase: Phase,
    section: &Section,
) -> Option<Diagnostic> {
    let mut found: BTreeMap<Disagreement, Vec<&str>> = BTreeMap::new();
    let mut first = None;
    for view in views {
        if let Some(d) = disagreement(view, phase, section) {
            first.get_or_insert(d);
            found.entry(d).or_default().push(&view.edition);
        }
    }
    let first = first?;
    let src = &rb.source;
    let mut d = diag_at(
        src,
        Code::PhaseAgainstSteps,
        section.line,
        1,
        usize::MAX,
        format!(
            "{}'s badge says it is led by {}, but {} of its {} steps are marked `{}`",
            phase.name(),
            who(first.lead),
            first.count,
            first.total,
            marker(first.marked)
        ),
    )
    .hint(format!(
        "set who leads the phase to match its steps (e.g. `responsibility: {{{}: {}}}` in the front matter), or mark the steps to match the phase",
        phase.slug(),
        first.marked.as_str()
    ));
    for (dis, editions) in &found {
        d = d.note(format!(
            "led by {}, with {} of {} steps marked `{}`, in: {}",
            who(dis.lead),
            dis.count,
            dis.total,
            marker(dis.marked),
            editions.join(", ")
        ));
    }
    Some(d)
}
