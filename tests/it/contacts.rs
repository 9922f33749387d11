//! Contacts as readers meet them: in the order written (SPEC §3), and in
//! the SOC edition as neutral words an analyst would use (SPEC §3, §5).

use crate::{build, fixture, html, page, select};
use std::path::Path;

/// The titles of the contact cards in the first contact list of a page.
fn card_titles(out: &Path, path: &str) -> Vec<String> {
    let doc = html(&page(out, path));
    select(&doc, ".contact-list .contact .contact-who strong")
        .iter()
        .map(|s| s.text().collect())
        .collect()
}

#[test]
fn contacts_keep_the_order_they_are_written_in() {
    // The fixture's ids sort differently from the order they are written in
    // (`hr` after `head_of_it`, `soc` after `duty_manager`).
    let (_t, out) = build(&fixture("contacts"));
    let client = [
        "24/7 SOC line",
        "Operations director",
        "Head of IT",
        "HR",
        "Manager on duty",
        "Duty manager",
        "Service manager",
    ];
    for path in [
        "globex/index.html",
        "globex/print/index.html",
        "globex/wording/print/index.html",
    ] {
        assert_eq!(card_titles(&out, path), client, "{path}");
    }
    // The SOC edition: its line first, then the provider's others as written.
    let soc = ["24/7 SOC line", "Duty manager", "Service manager"];
    for path in [
        "soc/index.html",
        "soc/print/index.html",
        "soc/wording/print/index.html",
    ] {
        assert_eq!(card_titles(&out, path), soc, "{path}");
    }
}

#[test]
fn without_a_soc_contact_the_first_written_with_a_phone_is_called_first() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("runbooks");
    crate::copy_dir(&fixture("contacts"), &source);
    std::fs::write(
        source.join("handbook.yaml"),
        "title: T\nprovider: Acme SOC\nstart_here: Call us.\ncontacts:\n  \
         zulu_line: {label: Night line, phone: \"+1 555 0109\"}\n  \
         alpha_line: {label: Day line, phone: \"+1 555 0101\"}\n\
         roles: {manager: manager on duty}\n",
    )
    .unwrap();
    let (_t, out) = build(&source);
    let doc = html(&page(&out, "globex/index.html"));
    let call = select(&doc, "#start-here a.call-now");
    assert_eq!(call.len(), 1);
    assert_eq!(call[0].value().attr("href"), Some("tel:+15550109"));
    assert_eq!(
        card_titles(&out, "soc/index.html"),
        ["Night line", "Day line"]
    );
}
