//! Who reads an edition (`Reader`): one definition that every stage asks,
//! and an unknown edition slug is an error everywhere.

use super::{build_command, copy_dir, fixture, root, runbook};
use runbook::edition::{self, EditionOptions, Reader, SOC_SLUG};

fn with_drafts() -> EditionOptions {
    EditionOptions {
        include_drafts: true,
        date: None,
        ..EditionOptions::default()
    }
}

#[test]
fn an_edition_slug_names_one_reader_or_is_an_error() {
    let (model, _) = runbook::load(&fixture("layers"));
    let model = model.unwrap();
    assert_eq!(Reader::slugs(&model), ["alpha", "beta", SOC_SLUG]);
    for slug in ["alpha", "beta", SOC_SLUG] {
        assert_eq!(Reader::from_slug(&model, slug).unwrap().slug(), slug);
    }
    let alpha = Reader::from_slug(&model, "alpha").unwrap();
    assert_eq!(alpha.name(), "Alpha ALPHANAMECANARY Co");
    assert!(!alpha.is_soc());
    let soc = Reader::from_slug(&model, SOC_SLUG).unwrap();
    assert_eq!(soc.name(), "SOC team");
    assert!(soc.is_soc());
    // Never a default reader: not the SOC's, not a client's.
    for unknown in [
        "nope",
        "",
        "SOC",
        "Alpha",
        "soc/",
        " alpha",
        "clients/alpha",
    ] {
        let err = Reader::from_slug(&model, unknown).unwrap_err();
        assert_eq!(err.slug, unknown);
        assert_eq!(
            err.to_string(),
            format!("unknown edition `{unknown}`; editions are: alpha, beta, soc")
        );
    }
}

#[test]
fn what_a_reader_sees_is_what_its_edition_shows() {
    for source in [fixture("layers"), root().join("runbooks")] {
        let (model, _) = runbook::load(&source);
        let model = model.unwrap();
        for reader in Reader::all(&model) {
            let e = edition::edition(&model, reader, &with_drafts());
            assert_eq!(e.slug, reader.slug());
            assert_eq!(e.name, reader.name());
            let mut shown: Vec<&str> = e.runbooks.iter().map(|r| r.slug).collect();
            shown.sort_unstable();
            let seen: Vec<&str> = model
                .runbooks
                .iter()
                .filter(|rb| reader.sees(rb))
                .map(|rb| rb.slug.as_str())
                .collect();
            assert_eq!(shown, seen, "{}", reader.slug());
        }
        // The layers fixture: beta excludes `other`, only the SOC sees `soc-only`.
        if source == fixture("layers") {
            let seen = |slug: &str, rb: &str| {
                let reader = Reader::from_slug(&model, slug).unwrap();
                model
                    .runbooks
                    .iter()
                    .any(|r| r.slug == rb && reader.sees(r))
            };
            assert!(seen("alpha", "other") && !seen("beta", "other"));
            assert!(seen("soc", "soc-only") && !seen("alpha", "soc-only"));
        }
    }
}

#[test]
fn build_takes_edition_with_client_as_its_alias() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let build = |args: &[&str]| {
        let mut cmd = runbook();
        cmd.arg("build")
            .arg("--source")
            .arg(fixture("layers"))
            .arg("--out")
            .arg(&out)
            .args(args);
        cmd.assert()
    };
    build(&["--edition", "soc", "--edition", "soc"]).success();
    assert!(out.join("soc/index.html").is_file());
    assert!(!out.join("alpha").exists() && !out.join("beta").exists());
    build(&["--client", "beta", "--edition", "alpha"]).success();
    assert!(out.join("alpha/index.html").is_file() && out.join("beta/index.html").is_file());
    let help = runbook().args(["build", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
    assert!(help.contains("--edition <SLUG>"), "{help}");
    assert!(help.contains("client"), "{help}");
}

#[test]
fn an_unknown_edition_is_a_usage_error_even_when_the_sources_have_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let build = |source: &std::path::Path, args: &[&str]| {
        let mut cmd = runbook();
        cmd.arg("build")
            .arg("--source")
            .arg(source)
            .arg("--out")
            .arg(&out)
            .args(args);
        let assert = cmd.assert();
        let output = assert.get_output();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, err) = build(
        &fixture("layers"),
        &["--edition", "nope", "--edition", "alpha"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("unknown edition `nope`; editions are: alpha, beta, soc"),
        "{err}"
    );
    let (code, err) = build(
        &fixture("layers"),
        &["--client", "nope", "--client", "nada"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unknown editions `nope`, `nada`"), "{err}");
    assert!(!out.exists(), "nothing is written");
    // A source with errors: the command line's mistake is still exit 2.
    let broken = dir.path().join("broken");
    copy_dir(&fixture("layers"), &broken);
    let other = broken.join("other.md");
    let text = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, format!("{text}\n## Not a phase\n")).unwrap();
    let (code, err) = build(&broken, &[]);
    assert_eq!(code, Some(1), "the copy must be broken: {err}");
    let (code, err) = build(&broken, &["--edition", "nope"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unknown edition `nope`"), "{err}");
}

#[test]
fn an_edition_named_twice_is_built_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_command(&fixture("layers"), &out)
        .args(["--client", "beta", "--client", "beta"])
        .assert()
        .success();
    assert!(out.join("beta/index.html").is_file());
    assert!(!out.join("alpha").exists() && !out.join("soc").exists());
}
