//! `runbook new` creates a project that builds as is.

use crate::runbook;

#[test]
fn new_project_builds_and_checks_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("handbook");
    runbook().arg("new").arg(&project).assert().success();
    runbook()
        .arg("check")
        .arg("--source")
        .arg(project.join("runbooks"))
        .assert()
        .success();
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
