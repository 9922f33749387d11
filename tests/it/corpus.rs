//! The benchmark corpus (`examples/corpus.rs`, issue 7): deterministic, run
//! books of the promised size and shape, and a Hugo twin with the same pages.

use crate::{build, read_tree, runbook};
use std::path::Path;

#[path = "../../examples/corpus.rs"]
mod generator;

/// Words a reader sees in a run book body: front matter, Markdown markers,
/// badges and placeholders left out.
fn prose_words(source: &str) -> usize {
    let body = source.splitn(3, "---\n").nth(2).unwrap_or("");
    body.split_whitespace()
        .filter(|w| !w.starts_with("{{") && !w.ends_with("}}") && !w.starts_with('['))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .filter(|w| !w.starts_with('#') && !w.starts_with("{."))
        .count()
}

fn generate(dir: &Path) {
    generator::generate(dir, 4, 3).unwrap();
}

#[test]
fn the_same_arguments_give_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path());
    generate(b.path());
    let (ta, tb) = (read_tree(a.path()), read_tree(b.path()));
    assert!(ta.len() > 30, "{} files", ta.len());
    assert_eq!(ta, tb);
}

#[test]
fn run_books_are_full_size_and_check_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let src = dir.path().join("runbooks");
    let books: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(books.len(), 4);
    for path in &books {
        let text = std::fs::read_to_string(path).unwrap();
        let words = prose_words(&text);
        assert!((1100..=1500).contains(&words), "{path:?}: {words} words");
        for needle in [
            "## Preparation",
            "## Identification",
            "## Containment",
            "## Eradication",
            "## Recovery",
            "## Lessons Learned",
            "- [ ] ",
            "{{ client.name }}",
            "{{ contacts.",
            "{.internal}",
        ] {
            assert!(text.contains(needle), "{path:?} lacks {needle}");
        }
        assert!(
            ["[SOC]", "[Client]", "[Shared]"]
                .iter()
                .any(|m| text.contains(m)),
            "{path:?} has no step badge"
        );
    }
    assert_eq!(std::fs::read_dir(src.join("clients")).unwrap().count(), 3);
    // Warnings (jargon) are fine; errors are not.
    runbook()
        .arg("check")
        .arg("--source")
        .arg(&src)
        .assert()
        .success();
}

#[test]
fn the_hugo_twin_has_each_clients_run_book_pages_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let content = dir.path().join("hugo/content");
    let slugs: Vec<String> = std::fs::read_dir(dir.path().join("runbooks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for c in 0..3 {
        let client = content.join(format!("client-{c:03}"));
        for slug in &slugs {
            let pages: Vec<_> = std::fs::read_dir(client.join(slug))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            // The overview and one page per phase.
            assert_eq!(pages.len(), 7, "{client:?}/{slug}");
            for page in pages {
                let text = std::fs::read_to_string(&page).unwrap();
                assert!(!text.contains("{{"), "{page:?} has a placeholder left");
                assert!(!text.contains("{.internal}"), "{page:?} has SOC-only notes");
                if text.contains("Call ") {
                    assert!(text.contains(&format!("Corpus Client {c}")), "{page:?}");
                }
            }
        }
    }
}

/// Issue 7's page budget: at most 12 KB a page on average (search index and
/// assets aside). Every edition has the same mix of page kinds, so 40 run
/// books and 2 clients weigh what 40 and 50 do (11.5 KB both, measured) at
/// a fiftieth of the build; `benches/compare.sh` reports the full corpus.
#[test]
fn pages_average_at_most_twelve_kilobytes() {
    let dir = tempfile::tempdir().unwrap();
    generator::generate(dir.path(), 40, 2).unwrap();
    let (_site, out) = build(&dir.path().join("runbooks"));
    let pages: Vec<usize> = read_tree(&out)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(_, bytes)| bytes.len())
        .collect();
    assert!(pages.len() > 900, "{} pages in three editions", pages.len());
    let average = pages.iter().sum::<usize>() as f64 / pages.len() as f64;
    assert!(average <= 12.0 * 1024.0, "average page {average:.0} bytes");
}
