//! Old approvals: a client's `approved.on` older than
//! `lint.approval_max_age_months` (RB043). Whether the edition changed
//! since the approved version (RB044) needs git and is found by `history`.

use super::stale::add_months;
use crate::diag::{Code, Diagnostic};
use crate::model::values::Date;
use crate::model::Model;

/// Every approval older than the configured age, at its `on:` date.
pub(crate) fn check(model: &Model, today: Date) -> Vec<Diagnostic> {
    let months = model.handbook.lint.approval_max_age_months;
    model
        .clients
        .iter()
        .filter_map(|c| c.approved.as_ref().map(|a| (c, a)))
        .filter(|(_, a)| add_months(a.on, months) < today)
        .map(|(c, a)| {
            let mut d = a.on_place.clone();
            d.code = Code::OldApproval;
            d.severity = Code::OldApproval.default_severity();
            d.message = format!(
                "{}'s handbook was approved on {}, more than {months} month{} ago",
                c.name,
                a.on,
                if months == 1 { "" } else { "s" }
            );
            d.hint(
                "ask the client to review and approve the handbook again, then update `approved: {by, on, version}`",
            )
        })
        .collect()
}
