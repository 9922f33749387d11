//! `runbook new` creates a project that builds as is.

use crate::runbook;

#[test]
fn new_project_builds_and_checks_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("handbook");
    runbook().arg("new").arg(&project).assert().success();
    // The new project's own CI runs `check --strict`: it must pass with no output but the verdict.
    let check = runbook()
        .arg("check")
        .arg("--strict")
        .arg("--source")
        .arg(project.join("runbooks"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.trim(), "check passed: no problems found");
    let out = project.join("site");
    runbook()
        .current_dir(&project)
        .arg("build")
        .assert()
        .success();
    assert!(out
        .join("example-client/phishing/containment/index.html")
        .is_file());
    assert!(out.join("soc/index.html").is_file());
    // Refuses a folder that is not empty.
    runbook().arg("new").arg(&project).assert().code(1);
}
