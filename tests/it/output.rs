//! Deterministic and atomic output.

use crate::{build, build_command, copy_dir, fixture, read_tree, runbook, MARKER, RECORD};

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
    build_command(&src, &out).assert().success();
    let before = read_tree(&out);
    std::fs::write(
        src.join("incident.md"),
        "---\ntitle: broken\n---\n## Nonsense\n",
    )
    .unwrap();
    build_command(&src, &out).assert().code(1);
    assert_eq!(read_tree(&out), before);
    // No staging or backup folders are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != RECORD)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_removed_runbook_leaves_no_stale_pages() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("layers"), &src);
    let out = dir.path().join("site");
    build_command(&src, &out).assert().success();
    assert!(out.join("alpha/other/index.html").is_file());
    std::fs::remove_file(src.join("other.md")).unwrap();
    std::fs::write(
        src.join("clients/beta.yaml"),
        "name: Beta Co\nplan: bronze\ncontacts:\n  it_lead: {name: Bob, phone: \"1\"}\n",
    )
    .unwrap();
    build_command(&src, &out).assert().success();
    assert!(!out.join("alpha/other").exists());
    assert!(!out.join("soc/other").exists());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != RECORD)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn build_client_replaces_only_the_named_edition() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_command(&fixture("layers"), &out)
        .arg("--client")
        .arg("beta")
        .assert()
        .success();
    assert!(out.join("beta/index.html").is_file());
    assert!(!out.join("alpha").exists());
    build_command(&fixture("layers"), &out)
        .arg("--client")
        .arg("alpha")
        .assert()
        .success();
    assert!(out.join("beta/index.html").is_file() && out.join("alpha/index.html").is_file());
    build_command(&fixture("layers"), &out)
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
    build_command(&fixture("layers"), &out).assert().code(2);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// `runbook build` of the `layers` fixture into `out`, with `extra`
/// arguments: exit code and stderr.
fn build_layers(out: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let o = build_command(&fixture("layers"), out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_folder_that_looks_like_an_edition_is_not_taken_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(build_layers(&out, &[]).0, 0);
    // The user's blog has a home page, like an edition, but no marker.
    std::fs::create_dir_all(out.join("blog")).unwrap();
    std::fs::write(out.join("blog/index.html"), "<h1>My blog</h1>").unwrap();
    let (code, err) = build_layers(&out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("blog") && err.contains("did not write"),
        "{err}"
    );
    assert!(err.contains("choose another --out"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("blog/index.html")).unwrap(),
        "<h1>My blog</h1>"
    );
    // A partial build of an edition whose folder is someone else's is
    // refused too, and a partial build of another edition still works.
    std::fs::remove_dir_all(out.join("alpha")).unwrap();
    std::fs::create_dir_all(out.join("alpha")).unwrap();
    std::fs::write(out.join("alpha/index.html"), "theirs").unwrap();
    let (code, err) = build_layers(&out, &["--client", "alpha"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("alpha"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("alpha/index.html")).unwrap(),
        "theirs"
    );
    let (code, err) = build_layers(&out, &["--client", "beta"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("blog/index.html").is_file() && out.join("beta").join(MARKER).is_file());
}

#[test]
fn every_edition_is_marked_and_editions_from_before_the_marker_are_kept_safe() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(build_layers(&out, &[]).0, 0);
    let mut markers = Vec::new();
    for edition in ["alpha", "beta", "soc"] {
        let marker = std::fs::read_to_string(out.join(edition).join(MARKER)).unwrap();
        assert!(marker.starts_with("runbook edition 1\n"), "{marker}");
        markers.push(marker);
    }
    assert!(
        markers.iter().all(|m| *m == markers[0]),
        "the same bytes everywhere"
    );
    // Output written before markers existed is recognised by its pages.
    for edition in ["alpha", "beta", "soc"] {
        std::fs::remove_file(out.join(edition).join(MARKER)).unwrap();
    }
    let (code, err) = build_layers(&out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("alpha").join(MARKER).is_file());
    // An unmarked folder whose home page names another edition is not one.
    for edition in ["alpha", "beta", "soc"] {
        std::fs::remove_file(out.join(edition).join(MARKER)).unwrap();
    }
    std::fs::rename(out.join("beta"), out.join("gamma")).unwrap();
    let (code, err) = build_layers(&out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("gamma"), "{err}");
    assert!(out.join("gamma/index.html").is_file());
}

/// A process id that no process has now.
fn dead_pid() -> u32 {
    (900_000..4_000_000)
        .find(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
        .unwrap()
}

#[test]
fn a_build_removes_what_killed_builds_left_and_nothing_of_running_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(build_layers(&out, &[]).0, 0);
    let at = |name: String| dir.path().join(name);
    let dead = dead_pid();
    // A killed build: its staging folder and its unlocked lock file.
    let stale = at(format!(".site.staging-{dead}"));
    std::fs::create_dir_all(stale.join("alpha/incident")).unwrap();
    std::fs::write(stale.join("alpha/incident/index.html"), vec![b'x'; 100_000]).unwrap();
    std::fs::write(at(format!(".site.staging-{dead}.lock")), "").unwrap();
    // A build killed after moving the old output aside, before it was removed.
    std::fs::create_dir_all(at(format!(".site.old-{}", dead + 1))).unwrap();
    std::fs::write(at(format!(".site.staging-{}.lock", dead + 1)), "").unwrap();
    // One killed by a runbook that took no lock (no such process runs).
    std::fs::create_dir_all(at(format!(".site.staging-{}", dead + 2))).unwrap();
    // A running build: this test holds its lock.
    let running = at(format!(".site.staging-{}", dead + 3));
    std::fs::create_dir_all(&running).unwrap();
    let lock = std::fs::File::create(at(format!(".site.staging-{}.lock", dead + 3))).unwrap();
    lock.try_lock().unwrap();
    // Another output's staging folder beside this one is not this build's.
    let other = at(format!(".blog.staging-{dead}"));
    std::fs::create_dir_all(&other).unwrap();
    let (code, err) = build_layers(&out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no longer running"), "{err}");
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut expected = vec![
        format!(".blog.staging-{dead}"),
        format!(".site.staging-{}", dead + 3),
        format!(".site.staging-{}.lock", dead + 3),
        // The build record of the output this build wrote.
        RECORD.to_string(),
        "site".to_string(),
    ];
    expected.sort();
    assert_eq!(left, expected);
    drop(lock);
    // Once that build is gone, the next build removes its folder too.
    assert_eq!(build_layers(&out, &[]).0, 0);
    assert!(!running.exists());
    assert!(other.exists());
}
