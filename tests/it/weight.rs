//! Issue 18, item 11: the first view of a page stays under 50 KB before
//! compression. A page's first view is its HTML and every stylesheet and
//! script it references (`<link rel="stylesheet">`, `<script src>`), counted
//! from the built files; what the search code loads later (search.js and
//! search.css when the reader opens the box, the engine and the index when
//! they search) is not part of it, and no page may reference the index.

use crate::{build, html, read_tree, root, select};
use std::collections::BTreeMap;

/// 50 KB, counted as 50,000 bytes.
const BUDGET: usize = 50_000;

/// The whole handbook on one page, for printing: the book itself, not a
/// page to read on screen, so it is held to its own, larger budget.
const HANDBOOK_PRINT: &str = "print/index.html";
const HANDBOOK_PRINT_BUDGET: usize = 400_000;

/// A path relative to `page` (an edition-relative file), resolved.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The first view of every page of every edition of `out`: page path →
/// (total bytes, the files counted besides the page).
fn first_views(out: &std::path::Path) -> BTreeMap<String, (usize, Vec<String>)> {
    let files = read_tree(out);
    let mut views = BTreeMap::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("search-index.js"),
            "{path}: a page view never loads the search index"
        );
        let doc = html(&text);
        // A sheet for another medium (print.css, media="print") neither
        // blocks nor styles the first view on a screen.
        let mut refs: Vec<String> = select(&doc, "link[rel=stylesheet][href]")
            .iter()
            .filter(|e| {
                e.value()
                    .attr("media")
                    .is_none_or(|m| m == "all" || m == "screen")
            })
            .filter_map(|e| e.value().attr("href"))
            .chain(
                select(&doc, "script[src]")
                    .iter()
                    .filter_map(|e| e.value().attr("src")),
            )
            .map(|href| resolve(path, href))
            .collect();
        refs.sort();
        refs.dedup();
        let mut total = bytes.len();
        for r in &refs {
            let asset = files
                .get(r)
                .unwrap_or_else(|| panic!("{path} references {r}, which the build does not have"));
            total += asset.len();
        }
        views.insert(path.clone(), (total, refs));
    }
    views
}

#[test]
fn the_first_view_of_every_sample_page_is_under_50_kb() {
    let (_t, out) = build(&root().join("runbooks"));
    let views = first_views(&out);
    assert!(views.len() > 300, "{} pages", views.len());
    let mut heaviest: Option<(&String, usize)> = None;
    for (path, (total, refs)) in &views {
        let edition_page = path.split_once('/').map_or("", |(_, p)| p);
        if edition_page == HANDBOOK_PRINT {
            assert!(
                *total < HANDBOOK_PRINT_BUDGET,
                "{path}: {total} bytes (the whole handbook, budget {HANDBOOK_PRINT_BUDGET})"
            );
        }
        if edition_page.ends_with("print/index.html") {
            // A print page is the whole run book (or handbook) as one
            // document: its text is as long as the book. What it adds
            // around that text keeps to the budget (docs/theme.md).
            let text = std::fs::read_to_string(out.join(path)).unwrap();
            let main = text.find("<main").zip(text.rfind("</main>"));
            let (start, end) = main.unwrap_or_else(|| panic!("{path} has a <main>"));
            let around = total - (end - start);
            assert!(
                around < BUDGET,
                "{path}: {around} bytes around its text is over {BUDGET}: {refs:?}"
            );
            continue;
        }
        assert!(
            *total < BUDGET,
            "{path}: first view {total} bytes is over {BUDGET}: {refs:?}"
        );
        // Only the search page loads the search code with the page.
        let searchy = refs.iter().any(|r| r.ends_with("assets/search.js"));
        assert_eq!(
            searchy,
            edition_page == "search/index.html",
            "{path}: {refs:?}"
        );
        if heaviest.is_none_or(|(_, t)| *total > t) {
            heaviest = Some((path, *total));
        }
    }
    if let Some((path, total)) = heaviest {
        eprintln!("heaviest first view: {path}, {total} bytes");
    }
}

#[test]
fn resolving_references_climbs_folders() {
    assert_eq!(
        resolve(
            "acme/phishing/containment/index.html",
            "../../assets/style.css"
        ),
        "acme/assets/style.css"
    );
    assert_eq!(
        resolve("acme/404.html", "assets/layout.js"),
        "acme/assets/layout.js"
    );
}
