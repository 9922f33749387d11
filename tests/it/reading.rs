//! The reading experience in the built HTML: glossary terms in place,
//! contacts on the home page, print pages and shared assets.

use crate::{build, html, page, read_tree, root, select};
use std::collections::BTreeSet;

/// The sample handbook, built once per test.
fn sample() -> (tempfile::TempDir, std::path::PathBuf) {
    build(&root().join("runbooks"))
}

#[test]
fn no_marker_character_reaches_any_file() {
    let (_t, out) = sample();
    for (path, bytes) in read_tree(&out) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let bad = text.chars().find(|c| ('\u{E000}'..='\u{E00F}').contains(c));
        assert_eq!(bad, None, "{path} holds a private-use marker");
    }
}

#[test]
fn each_glossary_term_is_explained_once_per_page_and_links_to_its_entry() {
    let (_t, out) = sample();
    let glossary = html(&page(&out, "meridian-freight/glossary/index.html"));
    let entries: BTreeSet<String> = select(&glossary, "dt[id]")
        .iter()
        .map(|d| d.value().attr("id").unwrap().to_string())
        .collect();
    let mut marked = 0;
    for path in [
        "meridian-freight/index.html",
        "meridian-freight/ransomware/index.html",
        "meridian-freight/ransomware/containment/index.html",
        "meridian-freight/ransomware/print/index.html",
        "meridian-freight/print/index.html",
        "meridian-freight/phases/containment/index.html",
        "soc/phishing/identification/index.html",
    ] {
        let doc = html(&page(&out, path));
        let mut seen = BTreeSet::new();
        for term in select(&doc, "main .term") {
            let link = term
                .select(&scraper::Selector::parse("a").unwrap())
                .next()
                .unwrap();
            let href = link.value().attr("href").unwrap();
            let (file, anchor) = href.split_once('#').unwrap();
            assert!(file.ends_with("glossary/index.html"), "{path}: {href}");
            assert!(
                entries.contains(anchor),
                "{path}: {anchor} is a glossary entry"
            );
            assert!(
                seen.insert(anchor.to_string()),
                "{path}: {anchor} explained twice"
            );
            let tip_id = link.value().attr("aria-describedby").unwrap();
            let tips = select(&doc, &format!("[id=\"{tip_id}\"]"));
            assert_eq!(tips.len(), 1, "{path}: one definition {tip_id}");
            assert_eq!(tips[0].value().attr("role"), Some("tooltip"));
            assert!(tips[0].text().collect::<String>().len() > 10);
            marked += 1;
        }
        // Never inside a heading or another link.
        assert!(
            select(&doc, ":is(h1, h2, h3, h4, h5, h6, a) .term").is_empty(),
            "{path}"
        );
    }
    assert!(marked > 20, "terms are marked ({marked})");
}

#[test]
fn home_page_calls_the_soc_line_first_then_every_contact() {
    let (_t, out) = sample();
    let doc = html(&page(&out, "meridian-freight/index.html"));
    let call = select(&doc, "#start-here a.call-now");
    assert_eq!(call.len(), 1);
    assert_eq!(call[0].value().attr("href"), Some("tel:+442079460100"));
    let cards = select(&doc, ".contact-list .contact");
    assert!(cards.len() >= 3, "the client's and the provider's contacts");
    assert!(cards[0]
        .text()
        .collect::<String>()
        .contains("24/7 SOC line"));
    for card in &cards {
        let text = card.inner_html();
        assert!(
            text.contains("href=\"tel:") || text.contains("href=\"mailto:"),
            "{text}"
        );
    }
    // The SOC edition has no client contacts, but still the SOC line.
    let soc = html(&page(&out, "soc/index.html"));
    assert_eq!(select(&soc, "#start-here a.call-now").len(), 1);
    assert!(!page(&out, "soc/index.html").contains("meridian-freight.example.com"));
}

#[test]
fn print_pages_have_a_cover_and_the_styles_and_scripts_are_shared() {
    let (_t, out) = sample();
    for path in [
        "harbourview-dental/phishing/print/index.html",
        "harbourview-dental/print/index.html",
    ] {
        let text = page(&out, path);
        let doc = html(&text);
        let cover = select(&doc, ".cover")[0].text().collect::<String>();
        assert!(cover.contains("Harbourview Dental"), "{path}: {cover}");
        assert!(cover.contains("Sources dated"), "{path}");
        assert!(
            !select(&doc, ".cover a[href^=\"tel:\"]").is_empty(),
            "{path}"
        );
        assert!(select(&doc, ".print-phase").len() >= 6, "{path}");
        assert_eq!(select(&doc, "button.print-button").len(), 1, "{path}");
    }
    // No page inlines CSS or script; they come from the edition's assets.
    // The 404 page is the exception: a host serves it at any depth, where
    // no relative link to the assets can be trusted (docs/theme.md).
    for (path, bytes) in read_tree(&out) {
        if path.ends_with(".html") && !path.ends_with("/404.html") {
            let text = String::from_utf8(bytes).unwrap();
            assert!(!text.contains("<style"), "{path} inlines CSS");
            assert!(!text.contains("<script>"), "{path} inlines a script");
        }
    }
}
