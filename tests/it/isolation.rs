//! The privacy boundary: an edition holds nothing of another client and,
//! for client editions, nothing SOC-only, in any file.

use crate::{build, fixture, read_tree, root};

fn assert_absent(out: &std::path::Path, edition: &str, canaries: &[&str]) {
    for (path, bytes) in read_tree(&out.join(edition)) {
        let text = String::from_utf8_lossy(&bytes);
        for canary in canaries {
            assert!(!text.contains(canary), "{edition}/{path} contains {canary}");
        }
    }
}

#[test]
fn client_editions_hold_nothing_soc_only_or_of_other_clients() {
    let (_t, out) = build(&fixture("layers"));
    let soc_only = [
        "SOCSECRETCANARY",
        "INTERNALSTEPCANARY",
        "SOCONLYRUNBOOKCANARY",
        "Analyst notes",
    ];
    assert_absent(&out, "alpha", &soc_only);
    assert_absent(&out, "beta", &soc_only);
    assert_absent(&out, "alpha", &["BETACANARY", "Beta Co", "bob@beta"]);
    assert_absent(
        &out,
        "beta",
        &["ALPHACANARY", "ALPHANAMECANARY", "alice@alpha", "#1d5c8f"],
    );
    // The SOC edition holds no client's details, but does hold SOC-only content.
    assert_absent(
        &out,
        "soc",
        &[
            "ALPHACANARY",
            "ALPHANAMECANARY",
            "BETACANARY",
            "alice@alpha",
            "bob@beta",
        ],
    );
    let soc = read_tree(&out.join("soc"));
    let all: String = soc
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(all.contains("SOCSECRETCANARY") && all.contains("SOCONLYRUNBOOKCANARY"));
    // Excluded run books are not in that client's edition.
    assert!(!out.join("beta/other").exists());
    assert!(out.join("alpha/other/index.html").is_file());
}

#[test]
fn sample_client_editions_hold_no_analyst_notes() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in ["harbourview-dental", "meridian-freight", "alder-finch"] {
        assert_absent(&out, edition, &["Analyst notes", "SOC only"]);
    }
    let others = [
        ("harbourview-dental", "Meridian"),
        ("meridian-freight", "Harbourview"),
        ("alder-finch", "Harbourview"),
    ];
    for (edition, other) in others {
        assert_absent(&out, edition, &[other]);
    }
}

/// `{.internal}` in any case and in every form pulldown-cmark reads as a
/// heading class marks a SOC-only section, and link reference and footnote
/// definitions made there stay SOC-only (issue 15, item 5).
#[test]
fn every_spelling_of_internal_and_its_definitions_stay_soc_only() {
    let (_t, out) = build(&fixture("internal-spellings"));
    let canaries = [
        "UPPERCANARY",
        "CAPITALCANARY",
        "SPACEDCANARY",
        "IDCANARY",
        "KRAMDOWNCANARY",
        "DEEPERCANARY",
        "URLCANARY",
        "TITLECANARY",
        "FOOTNOTECANARY",
        "refcanary",
    ];
    assert_absent(&out, "client-co", &canaries);
    let soc: String = read_tree(&out.join("soc"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for canary in canaries {
        assert!(soc.contains(canary), "the SOC edition lacks {canary}");
    }
    // Used inside its own section, the definition still works for the SOC.
    let prep = crate::page(&out, "soc/spellings/preparation/index.html");
    assert!(
        prep.contains("href=\"https://refcanary.example/URLCANARY\" title=\"TITLECANARY\""),
        "{prep}"
    );
    assert!(prep.contains("footnote-reference"), "{prep}");
    // The public parts around them are published, `{.internal}` in code too.
    let client = crate::page(&out, "client-co/spellings/identification/index.html");
    assert!(client.contains("We look."), "{client}");
    let client = crate::page(&out, "client-co/spellings/preparation/index.html");
    assert!(
        client.contains("Writers mark SOC-only notes with"),
        "{client}"
    );
    assert!(client.contains("mark, explained"), "{client}");
}
