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

/// The words of each step of a phase page, badge left out.
fn steps(out: &Path, path: &str) -> Vec<String> {
    let doc = html(&page(out, path));
    select(&doc, "main li")
        .iter()
        .filter(|li| !select_in(li, "[data-step]").is_empty())
        .map(|li| {
            let words: String = li.text().collect();
            let badge: String = select_in(li, "[data-step]")[0].text().collect();
            words.replacen(&badge, "", 1).trim().to_string()
        })
        .collect()
}

fn select_in<'a>(el: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    el.select(&scraper::Selector::parse(css).unwrap()).collect()
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

#[test]
fn the_soc_edition_names_client_contacts_as_an_analyst_would() {
    let (_t, out) = build(&fixture("contacts"));
    assert_eq!(
        steps(&out, "soc/wording/preparation/index.html"),
        [
            "Keep the client's Operations director on the wall.",
            // Not "the client's manager on duty's name".
            "Your manager, the client's manager on duty, should sign it off.",
            "Ask the Operations director to approve.",
            "Call them on the phone number of the client's Operations director at once.",
            "Write to the email address of the client's Operations director with the details.",
            "They answer in the hours of the client's Operations director only.",
            // No role set: the id, in words.
            "Tell the client what we found, then the client's head of it.",
            // A sentence starts with a capital, in the middle of a step too.
            "The client's manager on duty approves. The client decides!",
        ]
    );
    let soc = html(&page(&out, "soc/wording/preparation/index.html"));
    let after = select(&soc, "main ul + p")[0].text().collect::<String>();
    assert_eq!(after, "When it is over, the client and Acme SOC meet.");
    // The client reads its own details in the same places.
    assert_eq!(
        steps(&out, "globex/wording/preparation/index.html")[1..],
        [
            "Your manager, Mo, should sign it off.",
            "Ask the Operations director to approve.",
            "Call them on +1 555 0201 at once.",
            "Write to very.long.name@subdomain.example-company.co.uk with the details.",
            "They answer Weekdays 8:00-18:00 only.",
            "Tell Globex Ltd what we found, then Ivo.",
            "Mo approves. Globex Ltd decides!",
        ]
    );
    // Search finds the SOC edition's words, and no client detail.
    let soc_index = crate::read_tree(&out.join("soc"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".js") || path.ends_with(".html"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect::<String>();
    assert!(soc_index.contains("the email address of the client"));
    assert!(soc_index.contains("The client's manager on duty approves. The client decides!"));
    for detail in ["Olga", "0201", "example-company", "Globex", "Mo,"] {
        assert!(!soc_index.contains(detail), "{detail} in the SOC edition");
    }
}
