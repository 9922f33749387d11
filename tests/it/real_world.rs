//! `check` and `build` on a handbook written like published incident
//! response playbooks (tests/fixtures/real-world/): finding-type tables,
//! checklists with bold leads, three-level numbered lists, SQL, shell and
//! PowerShell listings, code spans full of capitals, one attribution line
//! repeated in every run book, and a README and a `_template.md` beside the
//! run books. What `check` says there is what a writer has to act on.

use crate::check::check_all_formats;
use crate::{build, fixture, read_tree, runbook};
use serde_json::Value;
use std::collections::BTreeMap;

fn source() -> std::path::PathBuf {
    fixture("real-world")
}

/// Problems by code, for the JSON run.
fn by_code(json: &[Value]) -> BTreeMap<String, Vec<&Value>> {
    let mut out: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for p in json {
        out.entry(p["code"].as_str().unwrap().to_string())
            .or_default()
            .push(p);
    }
    out
}

/// The terms a code was reported for, as the messages quote them.
fn terms(problems: &[&Value]) -> Vec<String> {
    let mut out: Vec<String> = problems
        .iter()
        .map(|p| {
            let m = p["message"].as_str().unwrap();
            m.split('`').nth(1).unwrap().to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_readme_and_templates_beside_the_run_books_are_not_run_books() {
    let run = check_all_formats(&source(), &[]);
    assert_eq!(run.status, 0, "{}", run.human);
    assert!(
        run.json
            .iter()
            .all(|p| p["file"] != "README.md" && p["file"] != "_template.md"),
        "{:?}",
        run.json
    );
    let (_dir, out) = build(&source());
    let files = read_tree(&out);
    assert!(files.contains_key("soc/web-flood/index.html"));
    assert!(
        files
            .keys()
            .all(|f| !f.to_lowercase().contains("readme") && !f.contains("template")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
}

#[test]
fn json_goes_to_stdout_as_json_lines_for_jq() {
    // The README's `runbook check --format json | jq .code`.
    let out = runbook()
        .arg("check")
        .arg("--source")
        .arg(source())
        .arg("--format")
        .arg("json")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codes: Vec<String> = stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            v["code"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(codes.len() > 10, "{stdout}");
    assert!(codes.iter().all(|c| c.starts_with("RB1")), "{codes:?}");
}

#[test]
fn a_term_is_reported_once_per_handbook_with_its_other_places() {
    let run = check_all_formats(&source(), &[]);
    let codes = by_code(&run.json);
    // "Structure follows NIST SP 800-61 and the SANS PICERL model; wording by
    // the Northgate SOC." opens all three run books.
    for acronym in ["NIST", "SP", "SANS", "PICERL"] {
        let found: Vec<&&Value> = codes["RB101"]
            .iter()
            .filter(|p| {
                p["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("`{acronym}`"))
            })
            .collect();
        assert_eq!(found.len(), 1, "{acronym}: {found:?}");
        let p = found[0];
        assert_eq!(
            p["file"], "file-server-ransomware.md",
            "the first file by name"
        );
        assert_eq!(p["line"], 13);
        assert_eq!(
            p["related"],
            serde_json::json!([
                {"file": "leaked-cloud-keys.md", "line": 13, "column": p["column"]},
                {"file": "web-flood.md", "line": 13, "column": p["column"]},
            ]),
            "{p}"
        );
        assert_eq!(
            p["notes"][0],
            "also used at leaked-cloud-keys.md:13, web-flood.md:13"
        );
    }
    // Kin of one term are one problem: SIEM is used in all three files,
    // `encryption` and `encrypted`, `IP`s, `MFA`.
    for term in ["SIEM", "encryption", "MFA", "DNS"] {
        let n = codes["RB100"]
            .iter()
            .filter(|p| {
                let m = p["message"].as_str().unwrap().to_lowercase();
                m.starts_with(&format!("`{}", term.to_lowercase()))
            })
            .count();
        assert_eq!(n, 1, "{term}");
    }
}

#[test]
fn code_is_not_prose_and_office_acronyms_are_plain() {
    let run = check_all_formats(&source(), &[]);
    let codes = by_code(&run.json);
    // Code spans and blocks: `NET USE * /DELETE /Y`, `vssadmin delete shadows`,
    // SELECT … FROM … WHERE, `POST` and `GET`, `AKIA…`, `/var/log/...`.
    let acronyms = terms(&codes["RB101"]);
    for word in [
        "NET", "USE", "DELETE", "SELECT", "FROM", "WHERE", "AND", "ORDER", "BY", "POST", "GET",
        "AKIA",
    ] {
        assert!(
            !acronyms.contains(&word.to_string()),
            "{word} in {acronyms:?}"
        );
    }
    // Everyday office words: the PDF and USB stick in start_here.
    for word in ["PDF", "USB", "HR", "IT"] {
        assert!(!acronyms.contains(&word.to_string()), "{word}");
    }
    // What is left are real acronyms a reader may not know.
    assert_eq!(
        acronyms,
        ["CI", "CPU", "NIST", "NTP", "PICERL", "SANS", "SOC", "SP", "TCP"]
    );
    // Slash-joined terms are reported as the terms alone would be: IDS/IPS
    // and RDP/TSE are jargon from the starter glossary (RB100), not RB101.
    let jargon = terms(&codes["RB100"]);
    for term in ["IDS", "IPS", "RDP"] {
        assert!(jargon.contains(&term.to_string()), "{term} in {jargon:?}");
    }
    // Nothing is reported on a code block's lines.
    for (file, lines) in [
        ("leaked-cloud-keys.md", 49..=55),
        ("leaked-cloud-keys.md", 61..=63),
        ("web-flood.md", 46..=49),
        ("file-server-ransomware.md", 39..=42),
    ] {
        assert!(
            !run.json
                .iter()
                .any(|p| p["file"] == file && lines.contains(&p["line"].as_u64().unwrap())),
            "{file} {lines:?}"
        );
    }
}

#[test]
fn the_jargon_hint_offers_the_starter_definition_to_copy() {
    let run = check_all_formats(&source(), &[]);
    let reimage = run
        .json
        .iter()
        .find(|p| p["message"].as_str().unwrap().starts_with("`Reimage`"))
        .unwrap();
    assert_eq!(reimage["code"], "RB100");
    let hint = reimage["hint"].as_str().unwrap();
    assert!(
        hint.contains("add `reimage` to glossary.yaml (docs/glossary-starter.yaml has it to copy: \"Wiping a computer completely"),
        "{hint}"
    );
}

#[test]
fn human_output_ends_with_where_to_start() {
    let run = check_all_formats(&source(), &[]);
    let tail = &run.human[run.human.find("summary of ").expect(&run.human)..];
    let lines: Vec<&str> = tail.lines().collect();
    assert!(
        lines[0].starts_with("summary of ") && lines[0].ends_with(" problems:"),
        "{tail}"
    );
    assert!(lines[1].starts_with("  RB100 "), "{tail}");
    assert!(lines[2].starts_with("  RB101 "), "{tail}");
    let most = lines
        .iter()
        .position(|l| *l == "most problems:")
        .expect(tail);
    assert!(
        lines[most + 1]
            .trim_start()
            .starts_with("file-server-ransomware.md"),
        "{tail}"
    );
    assert_eq!(lines[most + 4], "", "{tail}");
    assert!(lines[most + 5].ends_with(" warnings"), "{tail}");
    assert!(!run.json.is_empty());
}

#[test]
fn the_starter_glossary_is_a_glossary_writers_can_copy() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    crate::copy_dir(&source(), &src);
    std::fs::copy(
        crate::root().join("docs/glossary-starter.yaml"),
        src.join("glossary.yaml"),
    )
    .unwrap();
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 0, "{}", run.human);
    let codes = by_code(&run.json);
    assert!(!codes.contains_key("RB100"), "{:?}", codes.get("RB100"));
    // The acronyms it does not know are left: the writer's own words.
    assert_eq!(
        terms(&codes["RB101"]),
        ["CI", "CPU", "NIST", "NTP", "PICERL", "SANS", "SOC", "SP", "TCP"]
    );
    // And it builds: the glossary page explains the terms in plain words.
    let (_dir, out) = build(&src);
    let glossary = crate::page(&out, "brightwater-logistics/glossary/index.html");
    assert!(
        glossary.contains("Wiping a computer completely and installing a clean"),
        "{glossary}"
    );
}
