//! The call tree and the first fifteen minutes (SPEC §11, issue 21 items 3
//! and 4): a client's `escalation`, backups and `duties` checked with their
//! places, duties on the phase pages they concern, *Who to call* in the call
//! tree's order, and `card/index.html` in every edition.

use crate::check::{assert_reported, check_all_formats, Expect};
use crate::{build, copy_dir, fixture, html, page, select};
use std::path::{Path, PathBuf};

/// 1-based column of `needle` in `line` (its last occurrence when `last`).
fn col(line: &str, needle: &str, last: bool) -> u64 {
    let at = if last {
        line.rfind(needle)
    } else {
        line.find(needle)
    };
    at.map(|i| line[..i].chars().count() as u64 + 1)
        .unwrap_or_else(|| panic!("{needle:?} in {line:?}"))
}

/// A plain-language lint (RB1xx), which the fixture's run book has.
fn is_lint(p: &serde_json::Value) -> bool {
    p["code"].as_str().is_some_and(|c| c.starts_with("RB1"))
}

/// The minimal fixture with `client` as `clients/acme.yaml`, extra run
/// books and extra handbook.yaml lines.
fn source(
    client: &str,
    runbooks: &[(&str, &str)],
    handbook_extra: &str,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    std::fs::write(src.join("clients/acme.yaml"), client).unwrap();
    for (name, text) in runbooks {
        std::fs::write(src.join(name), text).unwrap();
    }
    let hb = std::fs::read_to_string(src.join("handbook.yaml")).unwrap();
    std::fs::write(src.join("handbook.yaml"), format!("{hb}{handbook_extra}")).unwrap();
    (dir, src)
}

const BROKEN: &str = "name: Acme Ltd
plan: gold
contacts:
  it_lead: {label: IT lead, name: Ann, phone: \"+1 555 0101\", backup: it_lead}
  manager: {label: Manager, name: Bo, backup: nobody}
  legal: {label: Legal, name: Cy, phone: \"+1 555 0103\", backup: manager}
escalation: [it_lead, manger, manager, legal, it_lead]
duties:
  - {to: ICO, within: soon, when: personal data}
  - {to: Police}
  - {to: Bank, within: 2h, phase: [containment, contain]}
";

#[test]
fn call_tree_problems_are_reported_where_they_are_written() {
    let (_dir, src) = source(BROKEN, &[], "card: [basic, basik]\n");
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 1, "errors fail the check");
    let lines: Vec<&str> = BROKEN.lines().collect();
    let file = "clients/acme.yaml";
    let at = |n: usize, needle: &str, last: bool| (n as u64, col(lines[n - 1], needle, last));
    let cases = [
        (
            "error",
            "RB039",
            at(4, "it_lead}", false),
            "`it_lead` names itself as its backup",
        ),
        (
            "error",
            "RB039",
            at(5, "nobody", false),
            "the backup of `manager` names unknown contact `nobody`",
        ),
        (
            "error",
            "RB039",
            at(7, "manger", false),
            "`escalation` names unknown contact `manger`",
        ),
        (
            "warning",
            "RB046",
            at(7, "manager,", false),
            "`manager` is in the call tree but has no phone number",
        ),
        (
            "error",
            "RB039",
            at(7, "it_lead]", false),
            "`escalation` lists `it_lead` twice",
        ),
        (
            "error",
            "RB045",
            at(9, "soon", false),
            "`soon` is not a deadline",
        ),
        (
            "warning",
            "RB046",
            at(10, "Police", false),
            "the duty to notify Police has no deadline",
        ),
        (
            "error",
            "RB005",
            at(11, "contain]", false),
            "`contain` is not a phase",
        ),
    ];
    for (severity, code, (line, column), message) in cases {
        let p = assert_reported(
            &run,
            &Expect {
                severity,
                code,
                file,
                line,
                column,
                message,
            },
        );
        assert!(!p["hint"].as_str().unwrap().is_empty());
    }
    // The hint offers the nearest contact.
    let unknown = run
        .json
        .iter()
        .find(|p| p["message"] == "`escalation` names unknown contact `manger`")
        .unwrap();
    assert!(
        unknown["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean `manager`?"),
        "{unknown}"
    );
    // `card:` in handbook.yaml names run books.
    let hb = std::fs::read_to_string(src.join("handbook.yaml")).unwrap();
    let (n, line) = hb
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("card:"))
        .unwrap();
    assert_reported(
        &run,
        &Expect {
            severity: "error",
            code: "RB031",
            file: "handbook.yaml",
            line: n as u64 + 1,
            column: col(line, "basik", false),
            message: "`card` names unknown run book `basik`",
        },
    );
    // The fixture's run book has lint warnings (RB1xx); nothing else.
    let checks = run.json.iter().filter(|p| !is_lint(p)).count();
    assert_eq!(
        checks,
        cases.len() + 1,
        "nothing else: a well-formed duty and contact are fine: {:#?}",
        run.json
    );
}

#[test]
fn deadlines_in_every_accepted_spelling_and_warnings_alone_pass() {
    let client = "name: Acme Ltd
contacts:
  it_lead: {label: IT lead, phone: \"+1 555 0101\"}
  manager: {label: Manager}
escalation: [manager, it_lead, soc]
duties:
  - {to: A, within: 72h}
  - {to: B, within: 24 hours}
  - {to: C, within: 3 days}
  - {to: D, within: 1 week}
  - {to: E, within: 30 min}
  - {to: F, within: 2W}
";
    let (_dir, src) = source(client, &[], "");
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 0, "warnings alone pass: {:#?}", run.json);
    // Every spelling reads, and the provider's `soc` is a contact the call
    // tree may name: the only problem (lints of the fixture aside) is the
    // contact with no phone.
    let checks: Vec<&serde_json::Value> = run.json.iter().filter(|p| !is_lint(p)).collect();
    assert_eq!(checks.len(), 1, "{checks:#?}");
    assert_eq!(checks[0]["code"], "RB046");
    assert_eq!(
        checks[0]["message"],
        "`manager` is in the call tree but has no phone number"
    );
}

/// Five run books of known severity for the card to choose from.
fn severities() -> Vec<(String, String)> {
    [
        ("aa-low", "Aa low", "low"),
        ("bb-critical", "Bb critical", "critical"),
        ("cc-high", "Cc high", "high"),
        ("dd-medium", "Dd medium", "medium"),
        ("ee-high", "Ee high", "high"),
    ]
    .iter()
    .map(|(slug, title, sev)| {
        (
            format!("{slug}.md"),
            format!(
                "---\ntitle: {title}\nsummary: S.\nseverity: {sev}\n---\n## Preparation\n- [Client] Get ready for {title}.\n## Identification\n- [SOC] We look at {title}.\n- [Client] Tell us what you saw of {title}.\n## Containment\nx\n## Eradication\nx\n## Recovery\nx\n## Lessons Learned\nx\n"
            ),
        )
    })
    .collect()
}

const GOOD: &str = "name: Acme Ltd
plan: gold
contacts:
  it_lead: {label: IT lead, name: Ann, phone: \"+1 555 0101\", backup: legal}
  legal: {label: Legal, name: Cy, phone: \"+1 555 0103\"}
  manager: {label: Manager, name: Bo, phone: \"+1 555 0102\"}
escalation: [manager, it_lead]
duties:
  - {to: the regulator, within: 72h, when: personal data is involved}
  - {to: the bank, within: 2 hours, when: When money was sent, phase: containment}
  - {to: the board, within: 1 week, phase: all}
  - {to: the insurer}
";

fn built() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let books = severities();
    let refs: Vec<(&str, &str)> = books
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (dir, src) = source(GOOD, &refs, "card: [dd-medium]\n");
    let (out_dir, out) = build(&src);
    (dir, out_dir, out)
}

fn text_of(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn phase_pages_show_the_duties_of_their_phase_shortest_first() {
    let (_s, _o, out) = built();
    let duties = |edition: &str, phase: &str| {
        text_of(
            &html(&page(&out, &format!("{edition}/aa-low/{phase}/index.html"))),
            "aside.duties li",
        )
    };
    // Without `phase:`: Identification to Recovery. `all`: every phase.
    assert_eq!(
        duties("acme", "preparation"),
        ["Tell the board within 1 week."]
    );
    assert_eq!(
        duties("acme", "containment"),
        [
            "Tell the bank within 2 hours, when money was sent.",
            "Tell the regulator within 72 hours, if personal data is involved.",
            "Tell the board within 1 week.",
            "Tell the insurer as soon as you can.",
        ]
    );
    assert_eq!(
        duties("acme", "recovery").len(),
        3,
        "no bank: containment only"
    );
    assert_eq!(
        duties("acme", "lessons-learned"),
        ["Tell the board within 1 week."]
    );
    // The SOC edition holds no client's details, so no client's duties.
    for phase in ["preparation", "containment", "recovery"] {
        assert!(duties("soc", phase).is_empty(), "{phase}");
    }
    let soc = read_all(&out.join("soc"));
    assert!(!soc.contains("the regulator") && !soc.contains("the insurer"));
}

/// Every file of an edition, as one text.
fn read_all(dir: &Path) -> String {
    crate::read_tree(dir)
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

#[test]
fn who_to_call_follows_the_call_tree_with_backups() {
    let (_s, _o, out) = built();
    let home = html(&page(&out, "acme/index.html"));
    let who = text_of(&home, ".contacts .contact-who strong");
    assert_eq!(
        who,
        ["SOC line", "Manager", "IT lead", "Legal"],
        "SOC, the tree, the rest"
    );
    let backup = text_of(&home, ".contacts .contact-backup");
    assert_eq!(backup, ["No answer? Call Legal (Cy) on +1 555 0103"]);
    assert_eq!(
        select(&home, "a[href='card/index.html']").len(),
        1,
        "the home page links the card"
    );
    let print = html(&page(&out, "acme/print/index.html"));
    assert_eq!(
        text_of(&print, ".cover .contact-who strong"),
        who,
        "print cover too"
    );
    assert_eq!(select(&print, "a[href='../card/index.html']").len(), 1);
}

#[test]
fn the_card_has_the_call_tree_deadlines_and_first_steps() {
    let (_s, _o, out) = built();
    let card = html(&page(&out, "acme/card/index.html"));
    assert_eq!(
        select(&card, "main[data-page='card'][data-edition='acme']").len(),
        1
    );
    assert_eq!(
        text_of(&card, ".call-tree > li"),
        [
            "SOC line: +1 555 0100",
            "Manager (Bo): +1 555 0102",
            "IT lead (Ann): +1 555 0101 No answer? Legal (Cy): +1 555 0103",
        ],
        "numbers in order, the SOC's first"
    );
    assert_eq!(
        text_of(&card, ".card-deadlines li"),
        [
            "Tell the bank within 2 hours, when money was sent.",
            "Tell the regulator within 72 hours, if personal data is involved.",
            "Tell the board within 1 week.",
            "Tell the insurer as soon as you can.",
        ]
    );
    // `card:` first, then by severity (critical, then high by title).
    let steps = text_of(&card, ".card-steps li");
    let titles: Vec<&str> = steps
        .iter()
        .map(|s| s.split(" (").next().unwrap())
        .collect();
    assert_eq!(titles, ["Dd medium", "Bb critical", "Cc high", "Ee high"]);
    // The client's first step (not the SOC's), linked at its place.
    assert_eq!(
        steps[0],
        "Dd medium (Medium): Tell us what you saw of Dd medium. Your team, Identification."
    );
    let links: Vec<&str> = select(&card, ".card-steps a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(links[0], "../dd-medium/identification/index.html#step-2");
    assert!(page(&out, "acme/dd-medium/identification/index.html").contains("id=\"step-2\""));
    assert!(
        select(&card, ".card-dense").is_empty(),
        "a short card keeps normal type"
    );
    assert!(select(&card, ".card-more").is_empty());
    // The SOC card: the provider's line, the SOC's own first steps, and no
    // client's deadlines.
    let soc = html(&page(&out, "soc/card/index.html"));
    assert_eq!(text_of(&soc, ".call-tree > li"), ["SOC line: +1 555 0100"]);
    assert!(select(&soc, ".card-deadlines li").is_empty());
    assert!(text_of(&soc, ".card-deadlines p")[0]
        .contains("Each client's edition lists its own deadlines"));
    let soc_steps = text_of(&soc, ".card-steps li");
    assert_eq!(
        soc_steps[0],
        "Dd medium (Medium): We look at Dd medium. Our SOC team, Identification."
    );
}

#[test]
fn a_long_call_tree_gives_way_in_smaller_type_then_and_n_more() {
    let (_o, out) = build(&fixture("long-calltree"));
    let card = html(&page(&out, "sprawl/card/index.html"));
    assert_eq!(select(&card, ".card.card-dense").len(), 1);
    assert_eq!(select(&card, ".call-tree > li").len(), 8);
    assert_eq!(select(&card, ".card-deadlines li").len(), 6);
    let more = text_of(&card, ".card-more");
    assert_eq!(
        more,
        [
            "…and 8 more: see Who to call in the handbook.",
            "…and 4 more: see the phase pages of the handbook.",
        ]
    );
    // Steps are cut at a word.
    for step in text_of(&card, ".card-steps li") {
        assert!(step.chars().count() < 260, "{step}");
    }
    assert!(text_of(&card, ".card-steps li")[0].contains("saved…"));
    // The phase pages hold every duty the card has no room for.
    let phase = html(&page(&out, "sprawl/lost-laptop/containment/index.html"));
    assert_eq!(select(&phase, "aside.duties li").len(), 10);
    // And the home page every contact of the call tree.
    let home = html(&page(&out, "sprawl/index.html"));
    assert_eq!(
        select(&home, ".contacts li.contact").len(),
        16,
        "SOC line, 14, duty manager"
    );
}
