//! RB140: the handbook has no number to call. Every page's header calls the
//! SOC line (the provider's `soc` contact, else its first contact with a
//! phone); without one the header can only point at the home page.

use super::text::diag_at;
use crate::diag::{Code, Diagnostic};
use crate::model::Handbook;

/// Warns when no provider contact has a phone number.
pub(crate) fn check(hb: &Handbook, out: &mut Vec<Diagnostic>) {
    if hb.contacts.values().any(|c| c.phone.is_some()) {
        return;
    }
    let src = &hb.source;
    // Point at `contacts:` when it is written, else at the file's start.
    let line = src
        .text
        .lines()
        .position(|l| l.starts_with("contacts:"))
        .map_or(1, |i| i + 1);
    out.push(
        diag_at(
            src,
            Code::NoNumberToCall,
            line,
            1,
            8,
            "no contact of the provider has a phone number, so pages have no number to call",
        )
        .hint(
            "add the 24/7 line under `contacts:`, e.g. `soc: {label: \"24/7 SOC line\", phone: \"+44 20 7946 0100\"}`; until then the header's button points to the home page",
        ),
    );
}
