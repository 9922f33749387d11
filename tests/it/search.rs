//! Search: the index each edition gets, what it may not hold, and the query
//! rules, checked through `tests/search-vectors.json`, which the browser
//! engine's node test runs too.

use crate::{build, fixture, html, page, read_tree, root, select};
use runbook::search::index::{IndexData, Kind, INDEX_PATH};
use runbook::search::query::{marks, search, Results};
use runbook::search::text;
use serde_json::{json, Value};
use std::path::Path;

fn index(out: &Path, edition: &str) -> IndexData {
    let js = std::fs::read_to_string(out.join(edition).join(INDEX_PATH)).unwrap();
    IndexData::from_js(&js).unwrap()
}

fn vectors_path() -> std::path::PathBuf {
    root().join("tests/search-vectors.json")
}

fn vectors() -> Value {
    serde_json::from_str(&std::fs::read_to_string(vectors_path()).unwrap()).unwrap()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn marked(text: &str, stems: &[String], keys: &[String]) -> Vec<String> {
    marks(text, stems, keys)
        .into_iter()
        .map(|(a, b)| text[a..b].to_string())
        .collect()
}

#[test]
fn text_vectors() {
    let v = vectors();
    for case in v["normalize"].as_array().unwrap() {
        assert_eq!(
            text::normalize(case[0].as_str().unwrap()),
            case[1],
            "{case}"
        );
    }
    for case in v["words"].as_array().unwrap() {
        let got: Vec<String> = text::words(case[0].as_str().unwrap())
            .into_iter()
            .map(|w| w.norm)
            .collect();
        assert_eq!(got, strs(&case[1]), "{case}");
    }
    for case in v["stem"].as_array().unwrap() {
        assert_eq!(text::stem(case[0].as_str().unwrap()), case[1], "{case}");
    }
    for case in v["distance"].as_array().unwrap() {
        let (a, b) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        assert_eq!(
            text::distance(a, b) as u64,
            case[2].as_u64().unwrap(),
            "{case}"
        );
    }
    for case in v["prefix_distance"].as_array().unwrap() {
        let (a, b) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        assert_eq!(
            text::prefix_distance(a, b) as u64,
            case[2].as_u64().unwrap(),
            "{case}"
        );
    }
    for case in v["marks"].as_array().unwrap() {
        let got = marked(
            case["text"].as_str().unwrap(),
            &strs(&case["stems"]),
            &strs(&case["keys"]),
        );
        assert_eq!(got, strs(&case["marked"]), "{case}");
    }
}

/// The slug of a hit's page: its phase's, or "overview".
fn page_slug(ix: &IndexData, phase: Option<usize>) -> &str {
    phase.map_or("overview", |p| ix.phases[p].slug.as_str())
}

/// The exact answer to a query, in the vectors' form.
fn answer(ix: &IndexData, r: &Results) -> (Value, Value) {
    let hits: Vec<Value> = r
        .hits
        .iter()
        .map(|h| {
            let snippet = h.snippet.map(|b| ix.blocks[b].text().to_string());
            json!({
                "runbook": ix.runbooks[h.runbook].slug,
                "phase": page_slug(ix, h.phase),
                "score": h.score,
                "anchor": h.anchor,
                "snippet": snippet,
                "marked": snippet.as_deref().map(|s| marked(s, &h.stems, &h.keys)),
                "stems": h.stems,
                "keys": h.keys,
            })
        })
        .collect();
    let glossary: Vec<Value> = r
        .glossary
        .iter()
        .map(|g| {
            json!({
                "term": ix.glossary[g.entry].term,
                "score": g.score,
                "snippet": g.snippet.map(|b| ix.blocks[b].text().to_string()),
            })
        })
        .collect();
    (Value::Array(hits), Value::Array(glossary))
}

#[test]
fn query_vectors() {
    let (_t, out) = build(&fixture("search"));
    let mut v = vectors();
    let update = std::env::var_os("UPDATE_SEARCH_VECTORS").is_some();
    for case in v["queries"].as_array_mut().unwrap() {
        let edition = case["edition"].as_str().unwrap().to_string();
        let query = case["query"].as_str().unwrap().to_string();
        let ix = index(&out, &edition);
        let r = search(&ix, &query, 20);
        let label = format!("{edition}: {query:?}");
        let slug = |i: usize| ix.runbooks[r.hits[i].runbook].slug.as_str();
        let e = &case["expect"];
        if e["none"].as_bool() == Some(true) {
            assert!(
                r.hits.is_empty(),
                "{label}: expected nothing, got {:?}",
                r.hits
            );
        }
        if let Some(want) = e["first_runbook"].as_str() {
            assert!(!r.hits.is_empty(), "{label}: no hits");
            assert_eq!(slug(0), want, "{label}");
        }
        if let Some(want) = e["first_phase"].as_str() {
            assert!(!r.hits.is_empty(), "{label}: no hits");
            assert_eq!(page_slug(&ix, r.hits[0].phase), want, "{label}");
        }
        if let Some(want) = e["first_anchor"].as_str() {
            assert_eq!(r.hits[0].anchor, want, "{label}");
        }
        if e["runbooks"].is_array() {
            for want in strs(&e["runbooks"]) {
                assert!(
                    (0..r.hits.len()).any(|i| slug(i) == want),
                    "{label}: {want} missing"
                );
            }
        }
        if e["only_runbooks"].is_array() {
            let mut got: Vec<&str> = (0..r.hits.len()).map(slug).collect();
            got.dedup();
            assert_eq!(got, strs(&e["only_runbooks"]), "{label}");
        }
        if e["glossary"].is_array() {
            let got: Vec<&str> = r
                .glossary
                .iter()
                .map(|g| ix.glossary[g.entry].term.as_str())
                .collect();
            for want in strs(&e["glossary"]) {
                assert!(
                    got.contains(&want.as_str()),
                    "{label}: glossary {want} missing from {got:?}"
                );
            }
        }
        if e["ignored"].is_array() {
            assert_eq!(r.ignored, strs(&e["ignored"]), "{label}: ignored");
        }
        if let Some(want) = e["partial"].as_bool() {
            assert_eq!(r.partial, want, "{label}: partial");
        }
        if e["marked"].is_array() {
            let h = &r.hits[0];
            let text = ix.blocks[h.snippet.unwrap()].text();
            assert_eq!(
                marked(text, &h.stems, &h.keys),
                strs(&e["marked"]),
                "{label}: {text}"
            );
        }
        let (hits, glossary) = answer(&ix, &r);
        // Through text and back, as the vectors were read: serde_json's
        // float parser may land one bit off a 17-digit score (15.05 × 0.7
        // written as 15.049999999999999), the same way on both sides.
        let reparse = |v: Value| -> Value { serde_json::from_str(&v.to_string()).unwrap() };
        let (raw_hits, raw_glossary) = (hits.clone(), glossary.clone());
        let (hits, glossary) = (reparse(hits), reparse(glossary));
        if update {
            case["hits"] = raw_hits;
            case["total"] = json!(r.total);
            case["glossary"] = raw_glossary;
            case["ignored"] = json!(r.ignored);
            case["partial"] = json!(r.partial);
        } else {
            assert_eq!(case["ignored"], json!(r.ignored), "{label}: ignored");
            assert_eq!(case["partial"], json!(r.partial), "{label}: partial");
            assert_eq!(case["hits"], hits, "{label}: hits differ from the vectors");
            assert_eq!(case["total"], json!(r.total), "{label}");
            assert_eq!(case["glossary"], glossary, "{label}: glossary differs");
        }
    }
    if update {
        let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        std::fs::write(vectors_path(), text).unwrap();
    }
}

#[test]
fn each_edition_indexes_its_own_text_only() {
    let (_t, out) = build(&fixture("search"));
    let titles =
        |ix: &IndexData| -> Vec<String> { ix.runbooks.iter().map(|r| r.slug.clone()).collect() };
    let alpha = index(&out, "alpha");
    let beta = index(&out, "beta");
    let soc = index(&out, "soc");
    assert_eq!(alpha.edition, "alpha");
    assert_eq!(
        titles(&alpha),
        ["invoice-fraud", "malware", "phishing", "ransomware"]
    );
    assert_eq!(titles(&beta), ["malware", "phishing", "ransomware"]);
    assert_eq!(
        titles(&soc),
        [
            "invoice-fraud",
            "malware",
            "phishing",
            "ransomware",
            "threat-hunt"
        ]
    );
    for ix in [&alpha, &beta, &soc] {
        let kinds: Vec<Kind> = ix.blocks.iter().map(|b| b.kind()).collect();
        for k in [
            Kind::Title,
            Kind::Alias,
            Kind::Alert,
            Kind::Attack,
            Kind::Summary,
            Kind::Intro,
            Kind::PhaseName,
            Kind::PhaseDescription,
            Kind::Step,
            Kind::Heading,
            Kind::GlossaryTerm,
            Kind::GlossaryAlias,
            Kind::GlossaryDefinition,
        ] {
            assert!(kinds.contains(&k), "{}: no {k:?} block", ix.edition);
        }
        assert!(ix.keys.contains_key("m365-phish-001"), "{}", ix.edition);
        assert!(ix.keys.contains_key("t1566.001") && ix.keys.contains_key("t1566"));
        assert_eq!(ix.glossary.len(), 4);
        assert!(!ix.synonyms.is_empty());
    }
    let text = |ix: &IndexData| -> String {
        ix.blocks
            .iter()
            .map(|b| format!("{}\n", b.text()))
            .collect()
    };
    // Placeholders are filled per edition: each client sees only its own details.
    assert!(text(&alpha).contains("Alpha Freight") && text(&alpha).contains("Ada Quill"));
    assert!(!text(&beta).contains("Alpha") && !text(&beta).contains("Ada"));
    assert!(text(&beta).contains("Beta Dental"));
    assert!(!text(&alpha).contains("Beta"));
    assert!(!text(&soc).contains("Alpha") && !text(&soc).contains("Beta Dental"));
    assert!(text(&soc).contains("the client"));
    // SOC-only sections and run books are in the SOC edition's index only.
    for ix in [&alpha, &beta] {
        assert!(!text(ix).contains("kerberoasting"), "{}", ix.edition);
        assert!(!ix
            .terms
            .iter()
            .any(|t| t.starts_with("kerberoast") || t == "hunt"));
    }
    assert!(text(&soc).contains("kerberoasting"));
    assert!(soc.terms.iter().any(|t| t == "hunt"));
    // Beta excludes invoice fraud: none of its words or IDs are there.
    assert!(!beta.keys.contains_key("bec-payee-010") && !text(&beta).contains("invoice"));
}

#[test]
fn canaries_never_reach_a_client_index() {
    let (_t, out) = build(&fixture("layers"));
    let canaries = [
        "SOCSECRETCANARY",
        "INTERNALSTEPCANARY",
        "SOCONLYRUNBOOKCANARY",
        "DRAFTCANARY",
    ];
    for edition in ["alpha", "beta"] {
        let ix = index(&out, edition);
        for c in canaries {
            assert!(search(&ix, c, 20).hits.is_empty(), "{edition}: {c} found");
            let stem = text::stem(&text::normalize(c));
            assert!(
                ix.terms.binary_search(&stem).is_err(),
                "{edition}: {c} indexed"
            );
        }
    }
    let beta = index(&out, "beta");
    for c in ["ALPHACANARY", "ALPHANAMECANARY", "Alpha"] {
        assert!(search(&beta, c, 20).hits.is_empty(), "beta: {c} found");
    }
    let soc = index(&out, "soc");
    for c in [
        "SOCSECRETCANARY",
        "INTERNALSTEPCANARY",
        "SOCONLYRUNBOOKCANARY",
    ] {
        assert!(!search(&soc, c, 20).hits.is_empty(), "soc: {c} not found");
    }
    for c in ["ALPHACANARY", "BETACANARY", "DRAFTCANARY"] {
        assert!(search(&soc, c, 20).hits.is_empty(), "soc: {c} found");
    }
}

#[test]
fn every_anchor_in_the_index_is_on_its_phase_page() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in [
        "harbourview-dental",
        "meridian-freight",
        "alder-finch",
        "soc",
    ] {
        let ix = index(&out, edition);
        let dir = out.join(edition);
        let mut checked = 0;
        for b in &ix.blocks {
            if !b.kind().is_phase_body() || b.anchor().is_empty() {
                continue;
            }
            let rb = &ix.runbooks[b.doc() / 6];
            let phase = &ix.phases[b.doc() % 6].slug;
            // A step's anchor is its whole id; a heading's lacks the prefix.
            let id = match b.anchor().strip_prefix('#') {
                Some(whole) => whole.to_string(),
                None => format!("{}-{}-{}", rb.slug, phase, b.anchor()),
            };
            let text = page(&dir, &format!("{}/{phase}/index.html", rb.slug));
            let doc = html(&text);
            assert_eq!(
                select(&doc, &format!("[id=\"{id}\"]")).len(),
                1,
                "{edition}: #{id}"
            );
            if let Some(n) = b.anchor().strip_prefix("#step-") {
                let badge = select(&doc, &format!("[id=\"{id}\"]"))[0];
                assert_eq!(badge.value().attr("data-step"), Some(n), "{id}");
            }
            checked += 1;
        }
        assert!(checked > 100, "{edition}: only {checked} anchors");
    }
}

/// Each hit of a query on an index as `(run book, page)` slugs.
fn pages(ix: &IndexData, query: &str) -> Vec<(String, String)> {
    search(ix, query, 20)
        .hits
        .iter()
        .map(|h| {
            (
                ix.runbooks[h.runbook].slug.clone(),
                page_slug(ix, h.phase).to_string(),
            )
        })
        .collect()
}

#[test]
fn the_overview_leads_for_the_situation_and_edge_phases_follow_the_response() {
    let (_t, out) = build(&root().join("runbooks"));
    let ix = index(&out, "meridian-freight");
    // A query about the situation (the run book's title, an alias, its
    // summary) opens the run book's overview first; its phases follow.
    for (query, runbook) in [
        ("ransomware", "ransomware"),
        ("fake invoice", "invoice-fraud"),
        ("lost laptop", "lost-device"),
        ("website defaced", "website-defacement"),
        ("what is password spraying", "password-spraying"),
    ] {
        let got = pages(&ix, query);
        assert_eq!(
            got[0],
            (runbook.into(), "overview".into()),
            "{query}: {got:?}"
        );
        assert!(
            got.get(1)
                .is_some_and(|(r, p)| r == runbook && p != "overview"),
            "{query}: a phase of the run book follows: {got:?}"
        );
    }
    // A question about a phase lands on that phase, before the overview.
    for (query, runbook, phase) in [
        (
            "ransomware how do we restore our systems",
            "ransomware",
            "recovery",
        ),
        (
            "how do we get ready for ransomware",
            "ransomware",
            "preparation",
        ),
        ("phishing what did we learn", "phishing", "lessons-learned"),
        (
            "stop the virus spreading to other computers",
            "malware-outbreak",
            "containment",
        ),
    ] {
        let got = pages(&ix, query);
        assert_eq!(got[0], (runbook.into(), phase.into()), "{query}: {got:?}");
    }
    // An alert ID is not a description of the situation: it opens the
    // phase where a reader confirms what is happening.
    assert_eq!(
        pages(&ix, "M365-PHISH-001")[0],
        ("phishing".into(), "identification".into())
    );
    // Preparation and Lessons Learned come after the response phases of the
    // same run book unless the query asks about before or after: each of
    // these lists one of them second without the demotion.
    let response = ["identification", "containment", "eradication", "recovery"];
    for query in [
        "fake invoice",
        "website down",
        "backups",
        "suspicious email",
        "hacked account",
    ] {
        let got = pages(&ix, query);
        let first = &got[0].0;
        let phases: Vec<&str> = got
            .iter()
            .filter(|(r, p)| r == first && p != "overview")
            .map(|(_, p)| p.as_str())
            .collect();
        assert!(response.contains(&phases[0]), "{query}: {got:?}");
        let edge = phases.iter().position(|p| !response.contains(p));
        assert!(
            edge.is_none_or(|at| phases[at..].iter().all(|p| !response.contains(p))),
            "{query}: an edge phase before a response phase: {got:?}"
        );
    }
}

#[test]
fn sample_indexes_stay_within_a_quarter_of_the_html() {
    let (_t, out) = build(&root().join("runbooks"));
    for edition in [
        "harbourview-dental",
        "meridian-freight",
        "alder-finch",
        "soc",
    ] {
        let files = read_tree(&out.join(edition));
        let html: usize = files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(_, b)| b.len())
            .sum();
        let index = files[INDEX_PATH].len();
        assert!(
            index * 4 <= html,
            "{edition}: index {index} bytes is over 25% of {html} HTML bytes"
        );
    }
}

#[test]
fn every_page_has_a_search_box_and_the_search_page_exists() {
    let (_t, out) = build(&fixture("search"));
    for edition in ["alpha", "soc"] {
        let dir = out.join(edition);
        for (path, bytes) in read_tree(&dir) {
            if !path.ends_with(".html") {
                continue;
            }
            let doc = html(&String::from_utf8(bytes).unwrap());
            let boxes = select(&doc, "input[type=search]");
            assert_eq!(boxes.len(), 1, "{edition}/{path}: one search box");
            let id = boxes[0].value().attr("id").unwrap();
            assert_eq!(
                select(&doc, &format!("label[for={id}]")).len(),
                1,
                "{path}: label"
            );
            // Hidden until the script runs: never a dead control without it.
            let form = select(&doc, "form[data-search]");
            assert_eq!(form.len(), 1, "{path}");
            assert!(form[0].value().attr("hidden").is_some(), "{path}");
            // The header's box is a label and an input; search.js adds its
            // results panel. The search page has its own list.
            let lists = select(&doc, "[data-search-results]").len();
            assert_eq!(lists, usize::from(path == "search/index.html"), "{path}");
            // search.js loads with the search page only; elsewhere
            // layout.js loads it when the reader opens the box (issue 18).
            assert_eq!(
                select(&doc, "script[src$=\"assets/search.js\"]").len(),
                usize::from(path == "search/index.html"),
                "{path}"
            );
            assert_eq!(
                select(&doc, "script[src$=\"assets/layout.js\"]").len(),
                usize::from(path != "search/index.html"),
                "{path}"
            );
            // The index is never loaded by a plain page view.
            assert!(!String::from_utf8_lossy(&read_tree(&dir)[&path]).contains("search-index.js"));
        }
        let doc = html(&page(&dir, "search/index.html"));
        let main = select(&doc, "main")[0];
        assert_eq!(main.value().attr("data-page"), Some("search"));
        assert_eq!(main.value().attr("data-edition"), Some(edition));
        // Without JavaScript the page offers every phase index and run book.
        let links: Vec<&str> = select(&doc, ".search-browse a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            links.contains(&"../phases/containment/index.html"),
            "{links:?}"
        );
        assert!(links.contains(&"../ransomware/index.html"), "{links:?}");
    }
}

/// The index script is written by hand for speed (texts most editions share
/// are escaped once); it must be byte for byte what `serde_json` writes for
/// the data it holds, or the browser and [`IndexData::from_js`] could read
/// something else than was meant.
#[test]
fn the_index_script_is_its_data_as_serde_json_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    crate::copy_dir(&fixture("minimal"), &src);
    let body = std::fs::read_to_string(src.join("basic.md"))
        .unwrap()
        .replace(
            "## Identification\n\nx",
            "## Identification\n\nLook in C:\\Users\\Public for \"invoice.pdf.exe\" \
         \u{2014} caf\u{e9} na\u{ef}ve \u{1F600}\ttab and a </script> tag.\n\n\
         - Tell {{ client.name }} \"now\" \\ then wait.",
        );
    std::fs::write(src.join("basic.md"), body).unwrap();
    for source in [src, root().join("runbooks")] {
        let (_t, out) = build(&source);
        for edition in std::fs::read_dir(&out).unwrap() {
            let path = edition.unwrap().path().join(INDEX_PATH);
            let js = std::fs::read(&path).unwrap();
            let data = IndexData::from_js(std::str::from_utf8(&js).unwrap()).unwrap();
            assert!(data.blocks.len() > 10, "{}", path.display());
            assert!(
                data.to_js_bytes() == js,
                "{} differs from serde_json's writing of its data",
                path.display()
            );
        }
    }
}
