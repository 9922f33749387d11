//! Issue 18, "crisis first", the content side: "Do this now" on overviews,
//! symptoms on the home page, client pages without provenance or attack
//! IDs, ticks by step id, the glossary's limits and A–Z list, and the
//! printed binder. Built from the bundled sample and small sources.

use crate::{build, copy_dir, fixture, html, page, root, select};
use std::path::Path;

const CLIENTS: [&str; 3] = ["alder-finch", "harbourview-dental", "meridian-freight"];

/// Every HTML page of an edition, by path.
fn html_pages(edition: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(edition)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            (
                e.path()
                    .strip_prefix(edition)
                    .unwrap()
                    .display()
                    .to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn client_pages_name_no_layers_nor_alert_or_attack_ids() {
    let (_t, out) = build(&root().join("runbooks"));
    // What the SOC edition shows and client pages must not.
    let soc = html_pages(&out.join("soc"));
    let soc_text: String = soc.iter().map(|(_, t)| t.as_str()).collect();
    for shown in [
        "<span class=\"layer\">",
        "EDR-RANSOM-001",
        "T1486",
        "MITRE ATT&amp;CK techniques",
    ] {
        assert!(soc_text.contains(shown), "the SOC edition shows {shown}");
    }
    for client in CLIENTS {
        let pages = html_pages(&out.join(client));
        assert!(pages.len() > 50, "{client}: {}", pages.len());
        for (path, text) in &pages {
            for hidden in [
                "class=\"layer\"",
                "Set by your service plan",
                "Agreed with you",
                "Standard practice for every incident",
                "title=\"Set for this step\"",
                "Alerts that lead here",
                "MITRE ATT&amp;CK",
                "EDR-RANSOM-001",
                "T1486",
                "T1566",
            ] {
                assert!(!text.contains(hidden), "{client}/{path} shows {hidden:?}");
            }
        }
        // alerts.json is for the client's own tools, not a page: it keeps them.
        let alerts = page(&out.join(client), "alerts.json");
        assert!(alerts.contains("T1486"), "{client}/alerts.json");
    }
}

#[test]
fn overviews_open_with_the_readers_first_steps_and_the_number() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in ["meridian-freight", "soc"] {
        let text = page(&out.join(edition), "ransomware/index.html");
        let doc = html(&text);
        // "Do this now" comes straight after the summary, before the phases.
        let do_now = text.find("id=\"do-now\"").expect("Do this now");
        assert!(do_now < text.find("id=\"phases-title\"").unwrap());
        assert!(text.find("class=\"summary\"").unwrap() < do_now);
        let call = select(&doc, ".do-now a.call-now[href^='tel:']");
        assert_eq!(call.len(), 1, "{edition}: the number to call");
        let steps = select(&doc, ".do-now .first-steps > li > a");
        assert!(!steps.is_empty(), "{edition}");
        let mut per_phase = std::collections::BTreeMap::new();
        for a in &steps {
            let href = a.value().attr("href").unwrap();
            let (file, anchor) = href.split_once('#').unwrap();
            let phase = file.split('/').next().unwrap();
            assert!(
                ["identification", "containment"].contains(&phase),
                "{edition}: {href}"
            );
            *per_phase.entry(phase).or_insert(0) += 1;
            // The link lands on that step, whose badge is the reader's or shared.
            let target = html(&page(&out.join(edition), &format!("ransomware/{file}")));
            let badge = select(&target, &format!("[id='{anchor}']"));
            assert_eq!(badge.len(), 1, "{edition}: {href}");
            let lead = badge[0].value().attr("data-lead").unwrap();
            let mine = if edition == "soc" { "soc" } else { "client" };
            assert!(
                lead == mine || lead == "shared",
                "{edition}: {href} is {lead}'s"
            );
            // The words of the step are the link's text.
            let words: String = a.text().collect();
            let step: String = badge[0]
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .unwrap()
                .text()
                .collect();
            assert!(step.contains(&words[..10]), "{edition}: {words} / {step}");
        }
        assert!(per_phase.values().all(|n| *n <= 3), "{per_phase:?}");
        // Preparation and Lessons Learned come after, as before and after.
        let before_after = text.find("id=\"before-after-title\"").unwrap();
        assert!(text.find("href=\"preparation/index.html\"").unwrap() > before_after);
        assert!(text.contains("Before: get ready") && text.contains("After: learn from it"));
        assert!(text.find("href=\"containment/index.html\">3.").unwrap() < before_after);
    }
    // The client's first steps are the client's own words.
    let client = page(&out.join("meridian-freight"), "ransomware/index.html");
    assert!(
        client.contains("Take a photo of the ransom note"),
        "{client}"
    );
    assert!(!client.contains("We find out which computers"));
    let soc = page(&out.join("soc"), "ransomware/index.html");
    assert!(soc.contains("We find out which computers"), "{soc}");
    assert!(!soc.contains(">Take a photo of the ransom note"));
}

#[test]
fn the_home_page_asks_what_is_happening_before_who_to_call() {
    let (_t, out) = build(&root().join("runbooks"));
    let text = page(&out.join("meridian-freight"), "index.html");
    let order = [
        "id=\"start-here\"",
        "What is happening?",
        "id=\"contacts-title\"",
    ];
    let at: Vec<usize> = order.iter().map(|s| text.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    let doc = html(&text);
    let cards = select(&doc, ".runbook-card");
    assert!(cards.len() >= 10);
    // Every sample run book has a symptom: it is the link, the title beside it.
    let ransomware = cards
        .iter()
        .find(|c| select_in(c, "a").contains("ransomware/index.html"))
        .unwrap();
    let link: String = ransomware
        .select(&sel("a"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(link, "Your files will not open and there is a ransom note");
    let title: String = ransomware
        .select(&sel(".runbook-title"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(title, "Ransomware");
    assert!(cards
        .iter()
        .all(|c| c.value().classes().any(|k| k == "has-symptom")));
}

fn sel(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

/// The `href`s of the elements `css` selects inside `el`, joined.
fn select_in(el: &scraper::ElementRef<'_>, css: &str) -> String {
    el.select(&sel(css))
        .filter_map(|e| e.value().attr("href"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_run_book_without_a_symptom_is_listed_by_its_title() {
    let (_t, out) = build(&fixture("minimal"));
    let doc = html(&page(&out.join("acme"), "index.html"));
    let card = select(&doc, ".runbook-card");
    assert_eq!(card.len(), 1);
    let link: String = card[0].select(&sel("a")).next().unwrap().text().collect();
    assert_eq!(link, "Basic");
    assert!(select(&doc, ".runbook-title").is_empty());
    assert_eq!(
        select(&doc, ".runbook-card > p").len(),
        1,
        "the summary instead"
    );
}

/// The `data-step-id` of every task box of a page, in order.
fn step_ids(out: &Path, path: &str) -> Vec<String> {
    let doc = html(&page(out, path));
    select(&doc, "input.task-box")
        .iter()
        .map(|b| b.value().attr("data-step-id").unwrap().to_string())
        .collect()
}

#[test]
fn ticks_are_keyed_by_the_steps_words_not_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let body = |steps: &str| {
        format!(
            "---\ntitle: Basic\nsummary: A basic run book.\n---\n\n## Preparation\n\n{steps}\n## Identification\n\nx\n\n## Containment\n\nx\n\n## Eradication\n\nx\n\n## Recovery\n\nx\n\n## Lessons Learned\n\nx\n"
        )
    };
    let path = "acme/basic/preparation/index.html";
    std::fs::write(
        src.join("basic.md"),
        body("- [ ] Unplug the computer.\n- [ ] Call {{ contacts.it_lead }}.\n"),
    )
    .unwrap();
    let (_a, before) = build(&src);
    let first = step_ids(&before, path);
    assert_eq!(first.len(), 2);
    assert!(first
        .iter()
        .all(|id| id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit())));
    assert_ne!(first[0], first[1]);
    // A step added above, and the case, spacing and punctuation of another
    // changed: the old steps keep their ids; the new one has its own.
    std::fs::write(
        src.join("basic.md"),
        body("- [ ] Take a photo of the screen.\n- [ ] unplug   the computer\n- [ ] Call {{ contacts.it_lead }}.\n"),
    )
    .unwrap();
    let (_b, after) = build(&src);
    let second = step_ids(&after, path);
    assert_eq!(second.len(), 3);
    assert_eq!(&second[1..], &first[..], "ids follow the words");
    assert!(!first.contains(&second[0]));
    // Other words are another step.
    std::fs::write(
        src.join("basic.md"),
        body("- [ ] Unplug the laptop.\n- [ ] Call {{ contacts.it_lead }}.\n"),
    )
    .unwrap();
    let (_c, changed) = build(&src);
    let third = step_ids(&changed, path);
    assert_ne!(third[0], first[0]);
    assert_eq!(third[1], first[1]);
    // The same step id on its phase page and on the print pages.
    assert_eq!(step_ids(&before, "acme/basic/print/index.html"), first);
}

#[test]
fn glossary_definitions_appear_only_in_the_sense_they_define() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in ["meridian-freight", "soc"] {
        let e = out.join(edition);
        // "Do not switch off, wipe or delete anything yet" is not a remote wipe.
        let home = page(&e, "index.html");
        assert!(home.contains("switch off, wipe or delete"), "{home}");
        assert!(!home.contains("term-remote-wipe"), "{edition} home");
        let ransomware = page(&e, "ransomware/containment/index.html");
        assert!(ransomware.contains("wipe them"));
        assert!(
            !ransomware.contains("term-remote-wipe"),
            "{edition} ransomware"
        );
        // ...while losing a phone is.
        let lost = page(&e, "lost-device/containment/index.html");
        assert!(lost.contains("#term-remote-wipe"), "{edition} lost device");
        // A fake website is not your business's pages.
        let phishing = page(&e, "phishing/containment/index.html");
        assert!(phishing.contains("fake website"), "{edition}");
        assert!(!phishing.contains("#term-website"), "{edition} phishing");
    }
}

#[test]
fn the_glossary_has_an_a_to_z_list_of_its_letters() {
    let (_t, out) = build(&root().join("runbooks"));
    let doc = html(&page(&out.join("meridian-freight"), "glossary/index.html"));
    let letters = select(&doc, "nav.az li");
    assert_eq!(letters.len(), 26);
    let links = select(&doc, "nav.az a[href^='#letter-']");
    assert!(links.len() > 15, "{}", links.len());
    for a in &links {
        let id = &a.value().attr("href").unwrap()[1..];
        let section = select(&doc, &format!("section.glossary-letter > h2[id='{id}']"));
        assert_eq!(section.len(), 1, "{id}");
        let letter: String = a.text().collect();
        // Every term in the section starts with its letter.
        let terms = select(&doc, &format!("section[aria-labelledby='{id}'] dt"));
        assert!(!terms.is_empty());
        for t in terms {
            let term: String = t.text().collect();
            assert!(
                term.to_uppercase().starts_with(&letter),
                "{term} under {letter}"
            );
        }
    }
    // A letter no term starts with is shown, not linked.
    assert!(!select(&doc, "nav.az .az-none").is_empty());
    assert!(select(&doc, "dt[id^='term-']").len() > 60);
}

#[test]
fn the_whole_handbook_prints_as_a_binder() {
    let (_t, out) = build(&root().join("runbooks"));
    let text = page(&out.join("meridian-freight"), "print/index.html");
    let doc = html(&text);
    // Cover: Start here, then the contacts; then the contents; then the run books.
    let order = [
        "class=\"cover\"",
        "<h2>Start here</h2>",
        "Stay calm.",
        "<h2>Who to call</h2>",
        "id=\"contents-title\"",
        "class=\"print-runbook\"",
    ];
    let at: Vec<usize> = order.iter().map(|s| text.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    let contents = select(&doc, ".print-contents li a");
    let articles = select(&doc, "article.print-runbook > .print-opening > h2");
    assert_eq!(contents.len(), articles.len());
    for (a, h) in contents.iter().zip(&articles) {
        assert_eq!(
            a.value().attr("href").unwrap(),
            format!("#{}", h.value().attr("id").unwrap())
        );
    }
    // The introduction keeps with the first phase.
    assert_eq!(
        select(&doc, ".print-phase-first").len(),
        articles.len(),
        "one first phase per run book"
    );
    // One run book's print page has no contents list and no Start here.
    let one = page(&out.join("meridian-freight"), "ransomware/print/index.html");
    assert!(!one.contains("id=\"contents-title\"") && !one.contains("<h2>Start here</h2>"));
    // The print stylesheet: page margins, a binder's breaks, upright definitions.
    let css = page(&out.join("meridian-freight"), "assets/print.css");
    assert!(css.contains("@page { margin:"));
    assert!(css.contains(".print-opening { break-after: avoid; }"));
    assert!(!css.contains("font-style: italic"));
    let screen = page(&out.join("meridian-freight"), "assets/style.css");
    assert!(!screen.contains("@media print") && !screen.contains("font-style: italic"));
}
