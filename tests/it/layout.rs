//! Issue 18 in the built files: the header's call button on every page, what
//! a handbook without a number gets (a link and RB140), and the side
//! navigation's run book list. The browser side is tests/browser/layout.test.mjs.

use crate::{build, fixture, html, page, read_tree, root, runbook, select};

#[test]
fn every_page_of_every_edition_calls_the_soc_line_from_its_header() {
    let (_t, out) = build(&root().join("runbooks"));
    let mut pages = 0;
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = html(&String::from_utf8(bytes).unwrap());
        let calls = select(&doc, "header.site-header a.call-soc");
        assert_eq!(calls.len(), 1, "{path}");
        assert_eq!(
            calls[0].value().attr("href"),
            Some("tel:+442079460100"),
            "{path}"
        );
        let words: String = calls[0].text().collect();
        assert!(words.contains("+44 20 7946 0100"), "{path}: {words}");
        assert!(
            words.contains("24/7 SOC line"),
            "{path}: the label, for print"
        );
        pages += 1;
    }
    assert!(pages > 300, "{pages} pages");
}

#[test]
fn without_a_phone_the_header_points_home_and_check_warns() {
    let (_t, out) = build(&fixture("smallest"));
    let doc = html(&page(&out, "only-client/something/containment/index.html"));
    let call = select(&doc, "header.site-header a.call-soc");
    assert_eq!(call.len(), 1);
    assert_eq!(
        call[0].value().attr("href"),
        Some("../../index.html#start-here")
    );
    assert!(select(&doc, "a[href^=\"tel:\"]").is_empty());

    let run = runbook()
        .args(["check", "--format", "json", "--source"])
        .arg(fixture("smallest"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let problem: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|p| p["code"] == "RB140")
        .unwrap_or_else(|| panic!("RB140 reported: {stdout}"));
    assert_eq!(problem["file"], "handbook.yaml");
    assert_eq!(problem["line"], 1);
    assert_eq!(problem["severity"], "warning");
    // The sample has its 24/7 line, so no such warning.
    let run = runbook()
        .args(["check", "--format", "json", "--source"])
        .arg(root().join("runbooks"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&run.stdout).contains("RB140"));
}

#[test]
fn the_side_navigation_comes_from_one_script_per_edition() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in ["meridian-freight", "soc"] {
        let script = page(&out, &format!("{edition}/assets/runbooks.js"));
        let json = script
            .strip_prefix("window.RUNBOOK_LIST = ")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap_or_else(|| panic!("{script}"));
        let list: Vec<[String; 2]> = serde_json::from_str(json).unwrap();
        let shown: Vec<String> = std::fs::read_dir(out.join(edition))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| {
                e.path().join("print/index.html").is_file() && e.path().join("preparation").is_dir()
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(list.len(), shown.len(), "{edition}: {list:?}");
        assert!(list
            .iter()
            .any(|[slug, title]| slug == "phishing" && title == "Phishing email"));
        // layout.js makes the side navigation from that list on the pages
        // that load it; no page carries a copy (issue 7's page budget).
        for (path, loads) in [
            ("phishing/containment/index.html", true),
            ("phishing/index.html", true),
            ("phases/containment/index.html", true),
            ("glossary/index.html", false),
            ("index.html", false),
            ("phishing/print/index.html", false),
            ("search/index.html", false),
        ] {
            let doc = html(&page(&out, &format!("{edition}/{path}")));
            let scripts = select(&doc, "script[src$=\"assets/runbooks.js\"]").len();
            assert_eq!(scripts, usize::from(loads), "{edition}/{path}");
            assert!(select(&doc, "nav.side-nav").is_empty(), "{edition}/{path}");
        }
    }
}
