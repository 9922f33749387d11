//! Expected HTML inside `<main>` for every page kind of a fixture handbook,
//! as reviewed snapshots (in `tests/it/snapshots/`).
//!
//! Structural tests elsewhere assert hooks and badges; these catch any other
//! change to what a reader sees. Only `<main>` is compared, so the header,
//! footer and assets can change without rewriting every snapshot. After a
//! deliberate change, review the differences with `cargo insta review` (or
//! run with `INSTA_UPDATE=always` and read the diff in git).

use crate::{build, fixture, html, page, select};

const PAGES: [&str; 8] = [
    "index.html",
    "incident/index.html",
    "incident/preparation/index.html",
    "incident/containment/index.html",
    "phases/containment/index.html",
    "incident/print/index.html",
    "glossary/index.html",
    "search/index.html",
];

/// The `<main>` element of a page, as written.
fn main_html(text: &str) -> String {
    let doc = html(text);
    let main = select(&doc, "main");
    assert_eq!(main.len(), 1, "one <main>");
    main[0].html()
}

#[test]
fn main_of_every_page_kind_matches_its_snapshot() {
    let (_t, out) = build(&fixture("layers"));
    for edition in ["alpha", "soc"] {
        for path in PAGES {
            let name = format!(
                "{edition}__{}",
                path.replace("/index.html", "").replace(['/', '.'], "_")
            );
            insta::assert_snapshot!(name, main_html(&page(&out.join(edition), path)));
        }
    }
}
