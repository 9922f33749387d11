//! Links between run books: checked by `check`, rewritten per edition by
//! `build` (to the right relative page, or plain text where an edition
//! leaves the run book out).

use crate::check::{assert_reported, check_all_formats, Expect};
use crate::{build, build_command, fixture, html, page, read_tree, select};
use std::path::Path;

/// `(text, href)` of every link in a page's `<main>`.
fn links(out: &Path, path: &str) -> Vec<(String, String)> {
    let doc = html(&page(out, path));
    select(&doc, "main a[href]")
        .into_iter()
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

fn href_of(out: &Path, path: &str, text: &str) -> Option<String> {
    links(out, path)
        .into_iter()
        .find(|(t, _)| t == text)
        .map(|(_, h)| h)
}

#[test]
fn links_follow_each_page_depth_in_every_edition() {
    let (_t, out) = build(&fixture("links"));
    for edition in ["all", "soc"] {
        let at = |path: &str, text: &str| {
            href_of(&out, &format!("{edition}/{path}"), text)
                .unwrap_or_else(|| panic!("{edition}/{path}: no link {text:?}"))
        };
        // Overview page (depth 1): the introduction's link, with its title.
        assert_eq!(
            at("phishing/index.html", "malware run book"),
            "../malware/index.html"
        );
        // Phase pages (depth 2): a run book, a heading, a phase, the same run book.
        assert_eq!(
            at(
                "phishing/preparation/index.html",
                "malware office checklist"
            ),
            "../../malware/preparation/index.html#malware-preparation-office-checklist"
        );
        assert_eq!(
            at("phishing/containment/index.html", "malware containment"),
            "../../malware/containment/index.html"
        );
        assert_eq!(
            at("phishing/containment/index.html", "the recovery steps"),
            "../../phishing/recovery/index.html"
        );
        // The same body on the run book's print page (depth 2) and the whole
        // handbook's print page (depth 1).
        assert_eq!(
            at("phishing/print/index.html", "malware containment"),
            "../../malware/containment/index.html"
        );
        assert_eq!(
            at("print/index.html", "malware containment"),
            "../malware/containment/index.html"
        );
        // The phase index (depth 2) lists each run book's phase page.
        assert_eq!(
            at("phases/containment/index.html", "Malware"),
            "../../malware/containment/index.html"
        );
        // start_here on the home page (depth 0).
        assert_eq!(at("index.html", "phishing run book"), "phishing/index.html");
        // Links to other sites are left as written.
        assert_eq!(
            at("phishing/containment/index.html", "example.org"),
            "https://example.org/"
        );
    }
    let doc = html(&page(&out, "all/phishing/index.html"));
    let a = select(&doc, "main a[href=\"../malware/index.html\"]");
    assert_eq!(a[0].value().attr("title"), Some("Malware"));

    // A heading in a SOC-only section: the anchor only where it exists.
    assert_eq!(
        href_of(
            &out,
            "soc/phishing/identification/index.html",
            "malware analyst notes"
        )
        .unwrap(),
        "../../malware/identification/index.html#malware-identification-analyst-notes"
    );
    assert_eq!(
        href_of(
            &out,
            "all/phishing/identification/index.html",
            "malware analyst notes"
        )
        .unwrap(),
        "../../malware/identification/index.html"
    );
}

#[test]
fn links_to_left_out_runbooks_read_as_plain_text() {
    let (_t, out) = build(&fixture("links"));
    // `few` excludes malware: the words stay, the link goes.
    for path in [
        "few/phishing/index.html",
        "few/phishing/preparation/index.html",
        "few/phishing/containment/index.html",
        "few/phishing/print/index.html",
        "few/print/index.html",
    ] {
        let text = page(&out, path);
        assert!(!text.contains("malware/"), "{path} links to malware");
        // "Do this now" links a step that names malware to the step itself.
        assert!(
            links(&out, path)
                .iter()
                .all(|(t, h)| !t.contains("malware")
                    || h.starts_with("containment/index.html#step-")),
            "{path}"
        );
    }
    assert!(page(&out, "few/phishing/index.html").contains("see the malware run book."));
    assert!(!out.join("few/malware").exists());
    // The SOC-only run book: a link in the SOC edition only.
    assert_eq!(
        href_of(
            &out,
            "soc/phishing/identification/index.html",
            "SOC procedure"
        )
        .unwrap(),
        "../../soc-procedure/index.html"
    );
    for edition in ["all", "few"] {
        let path = format!("{edition}/phishing/identification/index.html");
        assert!(href_of(&out, &path, "SOC procedure").is_none(), "{path}");
        assert!(page(&out, &path).contains("SOC procedure"), "{path}");
        assert!(!page(&out, &path).contains("soc-procedure"), "{path}");
    }
    // A draft is left out of every edition by build: plain text everywhere.
    for edition in ["all", "few", "soc"] {
        let path = format!("{edition}/phishing/identification/index.html");
        assert!(href_of(&out, &path, "new plan").is_none(), "{path}");
        assert!(!page(&out, &path).contains("draft-plan"), "{path}");
    }
}

#[test]
fn every_link_and_anchor_resolves() {
    let (_t, out) = build(&fixture("links"));
    let files = read_tree(&out);
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = html(std::str::from_utf8(bytes).unwrap());
        let dir = Path::new(path).parent().unwrap();
        for a in select(&doc, "main a[href]") {
            let href = a.value().attr("href").unwrap();
            if href.contains(':') || href.starts_with('#') {
                continue;
            }
            let (file, anchor) = href.split_once('#').unwrap_or((href, ""));
            let mut parts: Vec<String> = Vec::new();
            for c in dir.join(file).components() {
                match c {
                    std::path::Component::ParentDir => {
                        parts.pop();
                    }
                    std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into()),
                    _ => {}
                }
            }
            let target = parts.join("/");
            let body = files
                .get(&target)
                .unwrap_or_else(|| panic!("{path}: {href} -> {target} is missing"));
            if !anchor.is_empty() {
                let target_doc = html(std::str::from_utf8(body).unwrap());
                assert_eq!(
                    select(&target_doc, &format!("[id=\"{anchor}\"]")).len(),
                    1,
                    "{path}: {href} has no #{anchor}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn links_left_out_of_editions_are_notes() {
    let src = fixture("links");
    let run = check_all_formats(&src, &["--strict"]);
    assert_eq!(run.status, 0, "notes never fail a run: {:#?}", run.json);
    let p = assert_reported(
        &run,
        &Expect {
            severity: "note",
            code: "RB062",
            file: "phishing.md",
            line: 7,
            column: 31,
            message: "link to `malware` shows as plain text in 1 edition that leaves it out: few",
        },
    );
    assert_eq!(p["notes"][0], "clients/few.yaml leaves out `malware`");
    let p = assert_reported(
        &run,
        &Expect {
            severity: "note",
            code: "RB062",
            file: "phishing.md",
            line: 16,
            column: 29,
            message: "link to `soc-procedure` shows as plain text in 2 editions that leave it out: all, few",
        },
    );
    assert!(
        p["notes"][0].as_str().unwrap().contains("audience: soc"),
        "{p}"
    );
    let p = assert_reported(
        &run,
        &Expect {
            severity: "note",
            code: "RB062",
            file: "phishing.md",
            line: 16,
            column: 71,
            message: "link to `draft-plan` shows as plain text in 3 editions that leave it out: all, few, soc",
        },
    );
    assert!(p["notes"][0].as_str().unwrap().contains("draft"), "{p}");
    // Links in SOC-only text are only in the SOC edition, which has every run book.
    assert!(!run.json.iter().any(|p| p["line"] == 23), "{:#?}", run.json);
    assert_eq!(run.json.len(), 6, "{:#?}", run.json);
}

#[test]
fn dangling_links_are_errors_with_file_line_and_column() {
    let src = fixture("broken-links");
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 1);
    let cases = [
        Expect {
            severity: "error",
            code: "RB060",
            file: "phishing.md",
            line: 9,
            column: 20,
            message: "link to `malwar.md`, but there is no run book `malwar.md`",
        },
        Expect {
            severity: "error",
            code: "RB060",
            file: "handbook.yaml",
            line: 7,
            column: 32,
            message: "link to `phishng.md`, but there is no run book `phishng.md`",
        },
        Expect {
            severity: "error",
            code: "RB061",
            file: "phishing.md",
            line: 13,
            column: 19,
            message: "`#contain` is not a phase or heading in `malware.md`",
        },
        Expect {
            severity: "error",
            code: "RB061",
            file: "phishing.md",
            line: 29,
            column: 43,
            message: "`#lesons` is not a phase or heading in `phishing.md`",
        },
    ];
    for e in &cases {
        let p = assert_reported(&run, e);
        assert!(
            p["hint"].as_str().unwrap().starts_with("did you mean"),
            "{p}"
        );
    }
    assert_eq!(run.json.len(), cases.len(), "{:#?}", run.json);
    // build fails on them too, and writes nothing.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let build = build_command(&src, &out).output().unwrap();
    assert_eq!(build.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&build.stderr).contains("--> phishing.md:9:20"));
    assert!(!out.exists());
}

#[test]
fn the_sample_links_between_its_runbooks() {
    let (_t, out) = build(&crate::root().join("runbooks"));
    assert_eq!(
        href_of(
            &out,
            "meridian-freight/phishing/identification/index.html",
            "account compromise run book"
        )
        .as_deref(),
        None,
        "that link is in SOC-only notes"
    );
    assert_eq!(
        href_of(
            &out,
            "soc/phishing/identification/index.html",
            "account compromise run book"
        )
        .unwrap(),
        "../../account-compromise/identification/index.html"
    );
    assert_eq!(
        href_of(
            &out,
            "meridian-freight/phishing/containment/index.html",
            "hacked account run book"
        )
        .unwrap(),
        "../../account-compromise/index.html"
    );
    assert_eq!(
        href_of(
            &out,
            "alder-finch/malware-outbreak/preparation/index.html",
            "ransomware checklist"
        )
        .unwrap(),
        "../../ransomware/preparation/index.html#ransomware-preparation-checklist-for-your-office"
    );
}
