//! Routing from alerts to run books (SPEC §11): `alerts.json` in every
//! edition against the sources, the SOC's lookup and ATT&CK coverage pages,
//! and `runbook lookup`.

use crate::{build, copy_dir, fixture, html, page, root, runbook, select};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const BODY: &str = "## Preparation\nx\n## Identification\nx\n## Containment\nx\n## Eradication\nx\n## Recovery\nx\n## Lessons Learned\nx\n";

/// The minimal fixture with run books that list alerts, detections and
/// ATT&CK IDs: one for everyone, one SOC-only, one a draft, one the client
/// leaves out.
fn routed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let files = [
        (
            "phish.md",
            "title: Phishing\nsummary: S.\nalerts: [\"M365-PHISH-001 Link clicked\"]\ndetections: [\"a3b4c5d6-0000-4000-8000-000000000001\", \"Sigma: Suspicious Inbox Forwarding\"]\nattack: [T1566.002]\n",
        ),
        (
            "hunt.md",
            "title: Threat hunt\nsummary: S.\naudience: soc\nalerts: [HUNT-001]\nattack: [T1595]\n",
        ),
        ("wip.md", "title: Work in progress\nsummary: S.\ndraft: true\nalerts: [WIP-001]\n"),
        ("gone.md", "title: Left out\nsummary: S.\nalerts: [GONE-001]\n"),
    ];
    for (name, front) in files {
        std::fs::write(src.join(name), format!("---\n{front}---\n{BODY}")).unwrap();
    }
    let client = std::fs::read_to_string(src.join("clients/acme.yaml")).unwrap();
    std::fs::write(
        src.join("clients/acme.yaml"),
        format!("{client}runbooks: {{exclude: [gone]}}\n"),
    )
    .unwrap();
    (dir, src)
}

fn alerts_json(out: &Path, edition: &str) -> Value {
    serde_json::from_str(&page(out, &format!("{edition}/alerts.json"))).unwrap()
}

fn route(id: &str, kind: &str, runbook: &str, title: &str) -> Value {
    json!({
        "id": id, "kind": kind, "runbook": runbook, "title": title,
        "url": format!("{runbook}/index.html"),
        "phase": "identification",
        "phase_url": format!("{runbook}/identification/index.html"),
    })
}

#[test]
fn alerts_json_lists_what_each_edition_shows_and_nothing_else() {
    let (_dir, src) = routed();
    let (_out_dir, out) = build(&src);
    let mut t1566 = route("T1566.002", "attack", "phish", "Phishing");
    t1566["name"] = json!("Phishing: Spearphishing Link");
    let phish = [
        route(
            "a3b4c5d6-0000-4000-8000-000000000001",
            "detection",
            "phish",
            "Phishing",
        ),
        route("M365-PHISH-001 Link clicked", "alert", "phish", "Phishing"),
        route(
            "Sigma: Suspicious Inbox Forwarding",
            "detection",
            "phish",
            "Phishing",
        ),
        t1566,
    ];
    // The client: no SOC-only run book, no draft, not the one it leaves out.
    let acme = alerts_json(&out, "acme");
    assert_eq!(acme["edition"], "acme");
    assert_eq!(acme["attack_version"], "18.1");
    assert_eq!(acme["routes"], json!(phish));
    let text = page(&out, "acme/alerts.json");
    for secret in ["HUNT-001", "T1595", "hunt", "WIP-001", "GONE-001"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into acme/alerts.json"
        );
    }
    // The SOC: everything but the draft, sorted by ID.
    let soc = alerts_json(&out, "soc");
    let ids: Vec<&str> = soc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "a3b4c5d6-0000-4000-8000-000000000001",
            "GONE-001",
            "HUNT-001",
            "M365-PHISH-001 Link clicked",
            "Sigma: Suspicious Inbox Forwarding",
            "T1566.002",
            "T1595"
        ]
    );
    // Every URL is a page of that edition.
    for edition in ["acme", "soc"] {
        for r in alerts_json(&out, edition)["routes"].as_array().unwrap() {
            for key in ["url", "phase_url"] {
                let path = out.join(edition).join(r[key].as_str().unwrap());
                assert!(path.is_file(), "{}", path.display());
            }
        }
    }
}

/// The sample handbook: every alert, detection and ATT&CK ID a shown run
/// book lists is in its edition's alerts.json, and nothing else is.
#[test]
fn sample_alerts_json_matches_the_sources() {
    let (_dir, out) = build(&root().join("runbooks"));
    for entry in std::fs::read_dir(&out).unwrap() {
        let edition = entry.unwrap().file_name().to_string_lossy().to_string();
        let mut expected = Vec::new();
        for rb in std::fs::read_dir(root().join("runbooks")).unwrap() {
            let path = rb.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let slug = path.file_stem().unwrap().to_string_lossy().to_string();
            if !out.join(&edition).join(&slug).join("index.html").is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let front = text.split("---\n").nth(1).unwrap();
            let yaml: Value = serde_saphyr::from_str(front).unwrap();
            for (key, kind) in [
                ("alerts", "alert"),
                ("detections", "detection"),
                ("attack", "attack"),
            ] {
                for id in yaml[key].as_array().into_iter().flatten() {
                    expected.push((
                        id.as_str().unwrap().to_string(),
                        kind.to_string(),
                        slug.clone(),
                    ));
                }
            }
        }
        let mut got: Vec<(String, String, String)> = alerts_json(&out, &edition)["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().into(),
                    r["kind"].as_str().unwrap().into(),
                    r["runbook"].as_str().unwrap().into(),
                )
            })
            .collect();
        expected.sort();
        got.sort();
        assert!(!got.is_empty(), "{edition}");
        assert_eq!(got, expected, "{edition}");
    }
    let soc = page(&out, "soc/alerts.json");
    assert!(soc.contains("\"detection\""), "the sample lists detections");
}

#[test]
fn lookup_and_coverage_pages_are_in_the_soc_edition_only() {
    let (_dir, src) = routed();
    let (_out_dir, out) = build(&src);
    assert!(!out.join("acme/alerts/index.html").exists());
    assert!(!out.join("acme/attack/index.html").exists());
    let home = html(&page(&out, "soc/index.html"));
    let hrefs: Vec<&str> = select(&home, "main a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs.contains(&"alerts/index.html") && hrefs.contains(&"attack/index.html"),
        "{hrefs:?}"
    );
    let acme_home = page(&out, "acme/index.html");
    assert!(
        !acme_home.contains("alerts/index.html"),
        "no link to a page the client lacks"
    );

    // The lookup page lists every route as a table that reads without JavaScript.
    let lookup = html(&page(&out, "soc/alerts/index.html"));
    assert_eq!(select(&lookup, "main[data-page=alerts]").len(), 1);
    let rows = select(&lookup, "table tbody tr");
    assert_eq!(rows.len(), 7);
    let hunt = rows
        .iter()
        .find(|r| r.value().attr("data-key") == Some("hunt-001"))
        .unwrap();
    let link = select(&html(&hunt.html()), "a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(link, "../hunt/identification/index.html");
    let phish = rows
        .iter()
        .find(|r| r.value().attr("data-first") == Some("m365-phish-001"))
        .unwrap();
    assert_eq!(
        phish.value().attr("data-key"),
        Some("m365-phish-001 link clicked")
    );
    assert_eq!(
        select(&lookup, "form[data-lookup][hidden]").len(),
        1,
        "the box shows only with JavaScript"
    );
}

#[test]
fn coverage_page_groups_techniques_by_tactic_and_names_the_gaps() {
    let (_dir, src) = routed();
    let (_out_dir, out) = build(&src);
    let doc = html(&page(&out, "soc/attack/index.html"));
    let tactics: Vec<&str> = select(&doc, "section[data-tactic]")
        .iter()
        .map(|s| s.value().attr("data-tactic").unwrap())
        .collect();
    assert_eq!(tactics.len(), 14);
    assert_eq!(
        (tactics[0], tactics[2], tactics[13]),
        ("reconnaissance", "initial-access", "impact")
    );
    let row = select(
        &doc,
        "section[data-tactic=initial-access] tr[data-technique='T1566.002']",
    );
    assert_eq!(row.len(), 1);
    let text: String = row[0].text().collect();
    assert!(text.contains("Phishing: Spearphishing Link"), "{text}");
    let row_doc = html(&row[0].html());
    let links: Vec<&str> = select(&row_doc, "a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(links, ["../phish/index.html"]);
    // T1595 (Active Scanning) is reconnaissance, from the SOC-only run book.
    assert_eq!(
        select(
            &doc,
            "section[data-tactic=reconnaissance] tr[data-technique=T1595]"
        )
        .len(),
        1
    );
    let gaps: Vec<String> = select(&doc, ".coverage-gaps li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(gaps.len(), 12, "{gaps:?}");
    assert!(gaps.contains(&"Impact".to_string()) && !gaps.contains(&"Initial Access".to_string()));
    assert_eq!(
        select(&doc, "section[data-tactic=impact] .coverage-none").len(),
        1
    );
}

#[test]
fn lookup_prints_matching_run_books() {
    let (_dir, src) = routed();
    let run = |args: &[&str]| {
        let o = runbook()
            .arg("lookup")
            .args(args)
            .arg("--source")
            .arg(&src)
            .output()
            .unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    // An alert's ID alone, pasted with quotes and a comma.
    let (code, out, _) = run(&["\"m365-phish-001\","]);
    assert_eq!(
        (code, out.as_str()),
        (0, "phish  Phishing  phish/identification/index.html\n")
    );
    // A Sigma rule ID, and a SOC-only run book's alert.
    assert_eq!(
        run(&["A3B4C5D6-0000-4000-8000-000000000001"]).1,
        "phish  Phishing  phish/identification/index.html\n"
    );
    assert_eq!(
        run(&["HUNT-001"]).1,
        "hunt  Threat hunt  hunt/identification/index.html\n"
    );
    // Drafts are not looked up (build leaves them out).
    let (code, out, err) = run(&["WIP-001"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("no run book lists `WIP-001`"), "{err}");
    // JSON: exact matches first.
    let (code, out, _) = run(&["T1566.002", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["runbook"], "phish");
    assert_eq!(v[0]["match"], "exact");
    assert_eq!(
        v[0]["matched"],
        json!([{"id": "T1566.002", "kind": "attack"}])
    );
    // Misuse.
    assert_eq!(run(&["  "]).0, 2);
    assert_eq!(run(&["x", "--format", "xml"]).0, 2);
}

#[test]
fn lookup_fails_on_sources_with_errors() {
    let (_dir, src) = routed();
    std::fs::write(
        src.join("bad.md"),
        format!("---\ntitle: B\nsummary: S.\nattack: [T9999]\n---\n{BODY}"),
    )
    .unwrap();
    let o = runbook()
        .args(["lookup", "HUNT-001", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("bad.md:4:") && err.contains("RB037"), "{err}");
}
