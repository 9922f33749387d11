//! Deterministic and atomic output.

use crate::{build, copy_dir, fixture, read_tree, runbook};

#[test]
fn two_builds_are_byte_identical() {
    let (_a, out_a) = build(&fixture("layers"));
    let (_b, out_b) = build(&fixture("layers"));
    let (a, b) = (read_tree(&out_a), read_tree(&out_b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs");
    }
}

#[test]
fn source_date_epoch_sets_the_cover_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    runbook()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("build")
        .arg("--source")
        .arg(fixture("layers"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("alpha/print/index.html")).unwrap();
    assert!(text.contains("14 November 2023"), "{text}");
    let (_t, plain) = build(&fixture("layers"));
    let text = std::fs::read_to_string(plain.join("alpha/print/index.html")).unwrap();
    assert!(text.contains("4 May 2026"), "newest reviewed date");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("layers"), &src);
    let out = dir.path().join("site");
    runbook()
        .arg("build")
        .arg("--source")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let before = read_tree(&out);
    std::fs::write(
        src.join("incident.md"),
        "---\ntitle: broken\n---\n## Nonsense\n",
    )
    .unwrap();
    runbook()
        .arg("build")
        .arg("--source")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(read_tree(&out), before);
    // No staging or backup folders are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_removed_runbook_leaves_no_stale_pages() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("layers"), &src);
    let out = dir.path().join("site");
    runbook()
        .arg("build")
        .arg("--source")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("alpha/other/index.html").is_file());
    std::fs::remove_file(src.join("other.md")).unwrap();
    std::fs::write(
        src.join("clients/beta.yaml"),
        "name: Beta Co\nplan: bronze\ncontacts:\n  it_lead: {name: Bob, phone: \"1\"}\n",
    )
    .unwrap();
    runbook()
        .arg("build")
        .arg("--source")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("alpha/other").exists());
    assert!(!out.join("soc/other").exists());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn build_client_replaces_only_the_named_edition() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    runbook()
        .arg("build")
        .arg("--source")
        .arg(fixture("layers"))
        .arg("--out")
        .arg(&out)
        .arg("--client")
        .arg("beta")
        .assert()
        .success();
    assert!(out.join("beta/index.html").is_file());
    assert!(!out.join("alpha").exists());
    runbook()
        .arg("build")
        .arg("--source")
        .arg(fixture("layers"))
        .arg("--out")
        .arg(&out)
        .arg("--client")
        .arg("alpha")
        .assert()
        .success();
    assert!(out.join("beta/index.html").is_file() && out.join("alpha/index.html").is_file());
    runbook()
        .arg("build")
        .arg("--source")
        .arg(fixture("layers"))
        .arg("--out")
        .arg(&out)
        .arg("--client")
        .arg("nobody")
        .assert()
        .code(2);
}

#[test]
fn refuses_to_replace_a_folder_runbook_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    runbook()
        .arg("build")
        .arg("--source")
        .arg(fixture("layers"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}
