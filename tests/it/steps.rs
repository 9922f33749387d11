//! Which lists are steps (SPEC §3), the warnings about step badges that
//! change between editions or disagree with their phase (RB122, RB123),
//! and the step badges search results show.

use crate::check::check_all_formats;
use crate::{build, fixture, html, page, select};
use runbook::search::index::{IndexData, INDEX_PATH};
use serde_json::Value;
use std::path::Path;

/// `(data-step, data-lead, the step's words)` of every step badge on a phase page.
fn steps_on(out: &Path, edition: &str, phase: &str) -> Vec<(String, String, String)> {
    let doc = html(&page(
        out,
        &format!("{edition}/lost-laptop/{phase}/index.html"),
    ));
    select(&doc, "main [data-lead][data-step]")
        .iter()
        .map(|b| {
            let item = b
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .find(|e| e.value().name() == "li")
                .unwrap();
            let words: String = item.text().collect::<String>();
            (
                b.value().attr("data-step").unwrap().to_string(),
                b.value().attr("data-lead").unwrap().to_string(),
                words,
            )
        })
        .collect()
}

#[test]
fn only_lists_with_a_marker_or_a_task_box_are_steps() {
    let (_dir, out) = build(&fixture("steps"));
    // "The report covers:" list is text; the numbered list with one marker is steps.
    let prep = steps_on(&out, "delta", "preparation");
    assert_eq!(prep.len(), 2, "{prep:?}");
    assert_eq!((prep[0].0.as_str(), prep[0].1.as_str()), ("1", "client"));
    assert!(prep[0].2.contains("Keep a list of laptops"), "{prep:?}");
    // The unmarked item of a list of steps is a step with the phase's lead.
    assert_eq!((prep[1].0.as_str(), prep[1].1.as_str()), ("2", "soc"));
    assert!(prep[1].2.contains("Keep the list up to date"), "{prep:?}");
    let doc = html(&page(&out, "delta/lost-laptop/preparation/index.html"));
    let plain: Vec<String> = select(&doc, "main li")
        .iter()
        .map(|li| li.text().collect::<String>())
        .filter(|t| t.contains("what went"))
        .collect();
    assert_eq!(plain.len(), 2, "the plain list is still there: {plain:?}");

    // A plain list nested in a step is details, not steps; numbering runs on.
    let ident = steps_on(&out, "delta", "identification");
    let numbers: Vec<&str> = ident.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3"], "{ident:?}");
    assert!(ident[2].2.contains("Look in the car"), "{ident:?}");

    // A task box makes its list steps; the unticked item keeps its box and
    // its checklist id (phase and step number).
    let erad = steps_on(&out, "delta", "eradication");
    assert_eq!(erad.len(), 2, "{erad:?}");
    let doc = html(&page(&out, "delta/lost-laptop/eradication/index.html"));
    let boxed = select(&doc, "label:has(> input.task-box) > [data-lead][data-step]");
    assert_eq!(boxed.len(), 1);
    assert_eq!(boxed[0].value().attr("data-step"), Some("2"));
}

#[test]
fn phase_index_and_print_pages_show_the_same_steps() {
    let (_dir, out) = build(&fixture("steps"));
    let print = html(&page(&out, "delta/lost-laptop/print/index.html"));
    let badges = select(
        &print,
        "main [data-lead][data-step][data-phase=preparation]",
    );
    assert_eq!(
        badges.len(),
        2,
        "print shows the two steps of Preparation only"
    );
    let index = html(&page(&out, "delta/phases/preparation/index.html"));
    let counts: Vec<String> = select(&index, "main p.steps")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(counts, ["2 steps: 1 for your team, 1 for our SOC team"]);
}

fn problems<'a>(json: &'a [Value], code: &str) -> Vec<&'a Value> {
    json.iter().filter(|p| p["code"] == code).collect()
}

#[test]
fn an_unmarked_step_that_changes_hands_is_rb122() {
    let run = check_all_formats(&fixture("steps"), &[]);
    let found = problems(&run.json, "RB122");
    assert_eq!(found.len(), 1, "{:?}", run.json);
    let p = found[0];
    assert_eq!(p["file"], "lost-laptop.md");
    assert_eq!(p["line"], 28, "at the unmarked step: {p}");
    assert_eq!(
        p["message"],
        "1 unmarked step in Containment changes hands between editions"
    );
    let notes: Vec<&str> = p["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "Containment (and its unmarked steps) led by the SOC in: bravo",
            "Containment (and its unmarked steps) led by the client in: soc, delta",
        ]
    );
    assert!(p["hint"].as_str().unwrap().contains("[Client]"), "{p}");
}

#[test]
fn a_phase_badge_against_most_of_its_steps_is_rb123() {
    let run = check_all_formats(&fixture("steps"), &[]);
    let found = problems(&run.json, "RB123");
    assert_eq!(found.len(), 1, "{:?}", run.json);
    let p = found[0];
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(17), Some(1))
    );
    assert_eq!(
        p["message"],
        "Identification's badge says it is led by the SOC, but 2 of its 3 steps are marked `[Client]`"
    );
    assert_eq!(
        p["notes"][0],
        "led by the SOC, with 2 of 3 steps marked `[Client]`, in: soc, bravo, delta"
    );
    // Nothing else: plain lists are no steps, so no phase is empty of them
    // in a way RB121 would report.
    assert_eq!(run.json.len(), 2, "{:?}", run.json);
}

#[test]
fn a_search_hit_on_a_step_has_the_steps_own_badge() {
    let (_dir, out) = build(&fixture("steps"));
    let js = std::fs::read_to_string(out.join("delta").join(INDEX_PATH)).unwrap();
    let ix = IndexData::from_js(&js).unwrap();
    let rb = &ix.runbooks[0];
    let containment = 2;
    // Delta's Containment is the client's; its first step is the SOC's.
    assert_eq!(ix.badges[rb.badges[containment]].lead, "client");
    let steps: Vec<&str> = rb.steps[containment]
        .iter()
        .map(|&b| ix.badges[b].label.as_str())
        .collect();
    assert_eq!(steps, ["Our SOC team", "Your team"]);
    // Preparation: one marked, one following the phase; the plain list adds none.
    assert_eq!(rb.steps[0].len(), 2);
    assert_eq!(ix.badges[rb.steps[0][0]].lead, "client");
    assert_eq!(rb.steps[0][1], rb.badges[0]);
}
