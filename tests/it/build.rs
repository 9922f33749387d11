//! Pages, hooks, responsibility layers, badges and placeholders.

use crate::{build, fixture, html, page, read_tree, root, select};
use std::path::Path;

const PHASES: [&str; 6] = [
    "preparation",
    "identification",
    "containment",
    "eradication",
    "recovery",
    "lessons-learned",
];

fn main_attrs(out: &Path, path: &str) -> (String, String, Option<String>, Option<String>) {
    let text = page(out, path);
    let doc = html(&text);
    let main = select(&doc, "main");
    assert_eq!(main.len(), 1, "{path}: one <main>");
    let m = main[0].value();
    (
        m.attr("data-page").unwrap().to_string(),
        m.attr("data-edition").unwrap().to_string(),
        m.attr("data-runbook").map(str::to_string),
        m.attr("data-phase").map(str::to_string),
    )
}

#[test]
fn every_page_kind_exists_with_its_hooks() {
    let (_t, out) = build(&fixture("layers"));
    for edition in ["alpha", "beta", "soc"] {
        let e = out.join(edition);
        assert_eq!(
            main_attrs(&e, "index.html"),
            ("home".into(), edition.into(), None, None)
        );
        assert_eq!(
            main_attrs(&e, "incident/index.html"),
            (
                "runbook".into(),
                edition.into(),
                Some("incident".into()),
                None
            )
        );
        for p in PHASES {
            assert_eq!(
                main_attrs(&e, &format!("incident/{p}/index.html")),
                (
                    "phase".into(),
                    edition.into(),
                    Some("incident".into()),
                    Some(p.into())
                )
            );
            assert_eq!(
                main_attrs(&e, &format!("phases/{p}/index.html")),
                ("phase-index".into(), edition.into(), None, Some(p.into()))
            );
        }
        assert_eq!(main_attrs(&e, "incident/print/index.html").0, "print");
        assert_eq!(main_attrs(&e, "print/index.html").0, "print");
        assert_eq!(main_attrs(&e, "glossary/index.html").0, "glossary");
        assert!(e.join("404.html").is_file());
        assert!(e.join("assets/style.css").is_file());
        assert!(e.join("assets/runbook.js").is_file());
    }
    // Nothing but edition folders at the output root.
    let mut roots: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    roots.sort();
    assert_eq!(roots, ["alpha", "beta", "soc"]);
}

#[test]
fn every_page_is_noindex_and_links_resolve_to_files() {
    let (_t, out) = build(&root().join("runbooks"));
    let files = read_tree(&out);
    let mut pages = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let text = String::from_utf8(bytes.clone()).unwrap();
        let doc = html(&text);
        assert_eq!(
            select(&doc, "meta[name=robots][content=noindex]").len(),
            1,
            "{path}"
        );
        assert_eq!(select(&doc, "h1").len(), 1, "{path}: one h1");
        let dir = Path::new(path).parent().unwrap();
        for el in select(&doc, "[href], [src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if url.starts_with('#') || url.starts_with("tel:") || url.starts_with("mailto:") {
                continue;
            }
            if url.starts_with("http://") || url.starts_with("https://") {
                // Links to other sites are allowed in text, never as assets.
                assert_eq!(
                    el.value().name(),
                    "a",
                    "{path}: {url} loads from another host"
                );
                continue;
            }
            assert!(!url.starts_with('/'), "{path}: absolute link {url}");
            let target = url.split('#').next().unwrap();
            assert!(
                !target.ends_with('/'),
                "{path}: folder link {url} does not open from disk"
            );
            let resolved = normalize(&dir.join(target));
            assert!(
                files.contains_key(&resolved),
                "{path}: broken link {url} -> {resolved}"
            );
        }
    }
    assert!(pages > 300, "sample has {pages} pages");
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Phase badges of a page in SANS order (the overview shows the response
/// phases first, Preparation and Lessons Learned after them).
fn badges(out: &Path, path: &str) -> Vec<(String, String, Option<String>, String)> {
    let mut found = phase_badges(out, path);
    found.sort_by_key(|b| PHASES.iter().position(|p| *p == b.0));
    found
}

fn phase_badges(out: &Path, path: &str) -> Vec<(String, String, Option<String>, String)> {
    let text = page(out, path);
    let doc = html(&text);
    select(&doc, "[data-lead][data-phase]:not([data-step])")
        .iter()
        .map(|b| {
            let v = b.value();
            (
                v.attr("data-phase").unwrap().into(),
                v.attr("data-lead").unwrap().into(),
                v.attr("data-advisor").map(str::to_string),
                v.attr("data-layer").unwrap().into(),
            )
        })
        .collect()
}

fn b(
    phase: &str,
    lead: &str,
    advisor: Option<&str>,
    layer: &str,
) -> (String, String, Option<String>, String) {
    (
        phase.into(),
        lead.into(),
        advisor.map(str::to_string),
        layer.into(),
    )
}

#[test]
fn responsibility_resolves_through_every_layer() {
    let (_t, out) = build(&fixture("layers"));
    // alpha: handbook, plan, client, run book, override and default layers.
    assert_eq!(
        badges(&out.join("alpha"), "incident/index.html"),
        vec![
            b("preparation", "shared", None, "handbook"),
            b("identification", "client", Some("soc"), "plan"),
            b("containment", "soc", None, "client"),
            b("eradication", "soc", None, "runbook"),
            b("recovery", "soc", Some("client"), "override"),
            b("lessons-learned", "shared", None, "default"),
        ]
    );
    // beta: an empty plan, no client layer, no override.
    assert_eq!(
        badges(&out.join("beta"), "incident/index.html"),
        vec![
            b("preparation", "shared", None, "handbook"),
            b("identification", "soc", None, "default"),
            b("containment", "client", Some("soc"), "default"),
            b("eradication", "soc", None, "runbook"),
            b("recovery", "client", Some("soc"), "default"),
            b("lessons-learned", "shared", None, "default"),
        ]
    );
    // The SOC edition shows the run book's own responsibility, no client layers.
    let soc = badges(&out.join("soc"), "incident/index.html");
    assert_eq!(soc[2], b("containment", "client", Some("soc"), "default"));
    assert_eq!(soc[3], b("eradication", "soc", None, "runbook"));
    assert_eq!(soc[4], b("recovery", "client", Some("soc"), "default"));
    // Badges say who leads in words; which layer set it is for the SOC
    // team only (issue 18: client pages speak to clients).
    let text = page(&out.join("alpha"), "incident/identification/index.html");
    assert!(
        text.contains("Your team<small>, advised by our SOC team</small>"),
        "{text}"
    );
    assert!(!text.contains("Set by your service plan"), "{text}");
    assert!(!text.contains("class=\"layer\""), "{text}");
    let soc = page(&out.join("soc"), "incident/identification/index.html");
    assert!(soc.contains("<span class=\"layer\">"), "{soc}");
}

#[test]
fn step_badges_follow_markers_or_inherit_the_phase() {
    let (_t, out) = build(&fixture("layers"));
    let text = page(&out.join("alpha"), "incident/preparation/index.html");
    let doc = html(&text);
    let steps: Vec<(String, String, Option<String>)> = select(&doc, "[data-lead][data-step]")
        .iter()
        .map(|s| {
            (
                s.value().attr("data-step").unwrap().into(),
                s.value().attr("data-lead").unwrap().into(),
                s.value().attr("data-layer").map(str::to_string),
            )
        })
        .collect();
    // A marked step names its layer; one that inherits leaves it to the
    // phase's badge (here the handbook's `shared`).
    assert_eq!(
        steps,
        vec![
            ("1".into(), "soc".into(), Some("step".into())),
            ("2".into(), "shared".into(), None),
            ("3".into(), "client".into(), Some("step".into()))
        ]
    );
    let phase = select(&doc, ".phase-lead [data-lead]");
    assert_eq!(phase[0].value().attr("data-lead"), Some("shared"));
    assert_eq!(phase[0].value().attr("data-layer"), Some("handbook"));
    // Only a marked step's badge carries a tooltip with its layer, and
    // only in the SOC edition: client pages name no layers (issue 18).
    assert!(select(&doc, "[data-lead][title]").is_empty(), "{text}");
    let soc = html(&page(&out.join("soc"), "incident/preparation/index.html"));
    let titled = select(&soc, "[data-lead][data-step][title]");
    assert!(titled
        .iter()
        .all(|b| b.value().attr("title") == Some("Set for this step")));
    assert_eq!(titled.len(), 2);
    // A step marker sets the lead with no advisor; the marker text is gone.
    assert!(!text.contains("[SOC]") && !text.contains("[Client]"));
    // Task items are real checkboxes.
    // Task items are real checkboxes, each named by its label: the step's
    // badge and words.
    let boxes = select(&doc, "label > input[type=checkbox].task-box");
    assert_eq!(boxes.len(), 1);
    assert_eq!(
        select(&doc, "label:has(> input.task-box) > [data-lead][data-step]").len(),
        1
    );
    // A nested list is judged on its own items: one marked item makes every
    // item of it a step, the unmarked one too (SPEC §3); ordered lists work too.
    let cont = html(&page(&out.join("alpha"), "incident/containment/index.html"));
    assert_eq!(select(&cont, "[data-lead][data-step]").len(), 3);
    // A list with no marker and no box is text: Recovery has no steps.
    let rec = html(&page(&out.join("alpha"), "incident/recovery/index.html"));
    assert_eq!(select(&rec, "[data-lead][data-step]").len(), 0);
    let lessons = html(&page(
        &out.join("alpha"),
        "incident/lessons-learned/index.html",
    ));
    let leads: Vec<&str> = select(&lessons, "[data-lead][data-step]")
        .iter()
        .map(|s| s.value().attr("data-lead").unwrap())
        .collect();
    assert_eq!(leads, ["shared", "shared"]);
}

#[test]
fn placeholders_resolve_per_edition_and_neutrally_for_the_soc() {
    let (_t, out) = build(&fixture("layers"));
    let alpha = page(&out.join("alpha"), "incident/index.html");
    assert!(alpha.contains("An introduction for Alpha ALPHANAMECANARY Co."));
    let alpha_id = page(&out.join("alpha"), "incident/identification/index.html");
    assert!(alpha_id.contains("<a href=\"tel:+15550111\">+1 555 0111</a>"));
    assert!(
        alpha_id.contains("<a href=\"tel:+15550100\">+1 555 0100</a>"),
        "provider contact"
    );
    assert!(alpha_id.contains("Acme SOC watches the alerts."));
    let beta_prep = page(&out.join("beta"), "incident/preparation/index.html");
    assert!(beta_prep.contains("Bob BETACANARY"));
    let soc = page(&out.join("soc"), "incident/index.html");
    assert!(soc.contains("An introduction for the client."));
    let soc_id = page(&out.join("soc"), "incident/identification/index.html");
    assert!(
        soc_id.contains("Ring the phone number of the client&#39;s IT lead or the SOC on"),
        "{soc_id}"
    );
    let soc_prep = page(&out.join("soc"), "incident/preparation/index.html");
    assert!(soc_prep.contains("Call the client&#39;s IT lead to agree the plan."));
}

#[test]
fn raw_html_is_sanitized() {
    let (_t, out) = build(&fixture("layers"));
    let text = page(&out.join("alpha"), "other/preparation/index.html");
    let doc = html(&text);
    let body = select(&doc, ".phase-body")[0].html();
    assert!(
        !body.contains("<script") && !body.contains("onerror") && !body.contains("javascript:"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"https://example.org/\" rel=\"noopener noreferrer\">outside</a>")
    );
}

#[test]
fn home_lists_runbooks_by_category_with_contacts() {
    let (_t, out) = build(&fixture("layers"));
    let doc = html(&page(&out.join("alpha"), "index.html"));
    let titles: Vec<String> = select(&doc, ".runbook-card > a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(titles, ["Other incident", "Test incident"]);
    assert_eq!(select(&doc, "h3")[0].text().collect::<String>(), "Testing");
    let contacts: String = select(&doc, ".contact-list")[0].text().collect();
    assert!(contacts.contains("Alice ALPHACANARY") && contacts.contains("24/7 SOC line"));
    assert_eq!(select(&doc, "#start-here").len(), 1);
}

#[test]
fn drafts_are_left_out_of_build() {
    let (_t, out) = build(&fixture("layers"));
    for (path, bytes) in read_tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("DRAFTCANARY"),
            "{path}"
        );
        assert!(!path.contains("draft/"), "{path}");
    }
}

#[test]
fn theme_overrides_replace_templates_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(&fixture("layers"), &dir.path().join("runbooks"));
    let handbook = dir.path().join("runbooks/handbook.yaml");
    let text = std::fs::read_to_string(&handbook).unwrap() + "theme: plain\n";
    std::fs::write(&handbook, text).unwrap();
    let t = dir.path().join("themes/plain/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>THEMED404</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("themes/plain/static")).unwrap();
    std::fs::write(dir.path().join("themes/plain/static/extra.txt"), "hello").unwrap();
    let out = dir.path().join("site");
    crate::build_command(&dir.path().join("runbooks"), &out)
        .assert()
        .success();
    assert!(page(&out.join("alpha"), "404.html").contains("THEMED404"));
    assert!(
        page(&out.join("alpha"), "index.html").contains("Start here"),
        "other templates stay built-in"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("alpha/assets/extra.txt")).unwrap(),
        "hello"
    );
}

#[test]
fn sample_handbook_builds_every_edition() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in [
        "harbourview-dental",
        "meridian-freight",
        "alder-finch",
        "soc",
    ] {
        assert!(out.join(edition).join("index.html").is_file(), "{edition}");
    }
    // Client exclusions hold.
    assert!(!out.join("harbourview-dental/website-defacement").exists());
    assert!(out
        .join("meridian-freight/website-defacement/index.html")
        .is_file());
}

/// The smallest valid handbook (`title` and `provider`, a client with only
/// `name`, one run book) builds: the built-in start-here text asks for no
/// contact, and names the provider when it has no `soc` contact (issue 15,
/// item 9).
#[test]
fn the_smallest_valid_handbook_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let run = crate::build_command(&fixture("smallest"), &out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
    for edition in ["only-client", "soc"] {
        for path in [
            "index.html",
            "something/index.html",
            "something/containment/index.html",
        ] {
            assert!(out.join(edition).join(path).is_file(), "{edition}/{path}");
        }
        let home = page(&out, &format!("{edition}/index.html"));
        assert!(home.contains("Call the SOC at Smallest SOC now."), "{home}");
        assert!(!home.contains("{{"), "no placeholder left: {home}");
    }
}
