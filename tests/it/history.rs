//! The handbook's life in git (issue 20, SPEC §10): a repository in a
//! temporary folder with two tagged versions; the changes page, `runbook
//! changes` in text and JSON, the footer's version, and the problems for a
//! version the repository lacks and for a folder outside git.

use crate::{build_command, git, html, page, runbook, select};
use std::path::{Path, PathBuf};

const HANDBOOK: &str = "title: Test Handbook\nprovider: Acme SOC\ncontacts:\n  soc: {label: 24/7 SOC line, name: Acme SOC, phone: \"+1 555 0100\"}\n";

const ACME_V1: &str = "name: Acme Ltd\ncontacts:\n  it_lead: {label: IT lead, name: Sam Carter, phone: \"+1 555 0199\"}\n";
const ACME_APPROVAL: &str =
    "approved:\n  by: \"Sam Carter, IT lead\"\n  on: 2026-03-02\n  version: v1\n";
const BETA: &str = "name: Beta Corp\n";

fn runbook_text(containment: &str, internal: &str) -> String {
    format!(
        "---\ntitle: Lost laptop\nsummary: Someone lost a work laptop.\nreviewed: 2026-11-01\n---\n\n\
## Preparation\n\n- [Client] Keep a list of every laptop.\n\n\
## Identification\n\n- [Client] Tell us when a laptop is missing.\n\n\
## Containment\n\n{containment}\n### Analyst notes {{.internal}}\n\n- [SOC] {internal}\n\n\
## Eradication\n\n- [SOC] We wipe it from a distance.\n\n\
## Recovery\n\n- [Client] Give the person a new laptop.\n\n\
## Lessons Learned\n\n- [Shared] Talk about what went well.\n"
    )
}

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository with the sources in `runbooks/`: tag `v1`, then tag `v2`
/// with a reworded and a new client step, a SOC-only change, another
/// client's override, a handover and a changed contact. Acme approved v1.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let src = root.join("runbooks");
    git(&root, &["init", "-q", "-b", "main"]);
    write(src.join("handbook.yaml"), HANDBOOK);
    write(src.join("clients/acme.yaml"), ACME_V1);
    write(src.join("clients/beta.yaml"), BETA);
    write(
        src.join("lost-laptop.md"),
        &runbook_text(
            "- [Client] Change the person's password from another computer.\n- [Shared] Decide whether to wipe the laptop.\n",
            "Lock the device in Intune with the standard lost-mode message.",
        ),
    );
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "v1"]);
    git(&root, &["tag", "v1"]);
    // v2: what Acme reads changes, and so does what it must never see.
    write(
        src.join("lost-laptop.md"),
        &runbook_text(
            "- [Client] Change the person's password and sign them out everywhere from another computer.\n- [Shared] Decide whether to wipe the laptop.\n- [Client] Tell your insurer.\n",
            "Lock the device in Intune with the SECRET-INTERNAL lost-mode message.",
        ),
    );
    write(
        src.join("clients/acme.yaml"),
        &format!(
            "{}overrides:\n  lost-laptop:\n    responsibility: {{eradication: soc}}\n{ACME_APPROVAL}",
            ACME_V1.replace("0199", "0142")
        ),
    );
    write(
        src.join("clients/beta.yaml"),
        "name: Beta Corp\noverrides:\n  lost-laptop:\n    responsibility: {recovery: soc}\n",
    );
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "v2"]);
    git(&root, &["tag", "v2"]);
    (dir, src)
}

fn build_ok(src: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("site");
    let run = build_command(src, &out).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    (out_dir, out, stderr)
}

#[test]
fn the_changes_page_shows_what_the_client_reads_and_nothing_else() {
    let (_repo, src) = repo();
    let (_t, out, _) = build_ok(&src);
    let text = page(&out, "acme/changes/index.html");
    let doc = html(&text);
    assert_eq!(
        select(&doc, "main[data-page=changes][data-edition=acme]").len(),
        1
    );
    // The reworded step, its words marked.
    let reworded: Vec<String> = select(&doc, "li[data-change=reworded]")
        .iter()
        .map(|e| e.html())
        .collect();
    assert_eq!(reworded.len(), 1, "{text}");
    assert!(
        reworded[0].contains("<ins>and sign them out everywhere</ins>"),
        "{}",
        reworded[0]
    );
    let added: Vec<String> = select(&doc, "li[data-change=added]")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].contains("Tell your insurer."), "{added:?}");
    // The handover from Acme's own override.
    let handover: Vec<String> = select(&doc, "[data-change-phase=eradication] .change-handover")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        handover,
        ["Eradication: was your team (advised by our SOC team), now our SOC team."]
    );
    // The contact.
    let contact: String = select(&doc, "li[data-contact=it_lead]")[0].text().collect();
    assert!(
        contact.contains("phone was +1 555 0199, now +1 555 0142"),
        "{contact}"
    );
    // Never the SOC-only change, nor Beta's override (Recovery).
    assert!(!text.contains("SECRET-INTERNAL") && !text.contains("Intune"));
    assert!(select(&doc, "[data-change-phase=recovery]").is_empty());
    assert!(!text.contains("Beta"));
    // The approval and the link on the home page and the print cover.
    let home = page(&out, "acme/index.html");
    assert!(home.contains("Approved by Sam Carter, IT lead on 2 March 2026."));
    assert!(home.contains(
        "<a href=\"changes/index.html\">1 run book and contacts have changed since you approved this handbook</a>"
    ));
    assert!(page(&out, "acme/print/index.html")
        .contains("Approved by Sam Carter, IT lead on 2 March 2026"));
    // Beta approved nothing, and the SOC edition has no approval: no page.
    assert!(!out.join("beta/changes/index.html").exists());
    assert!(!out.join("soc/changes/index.html").exists());
    assert!(!page(&out, "beta/index.html").contains("changes/index.html"));
    // Every page's footer names the tag at HEAD.
    for p in [
        "acme/index.html",
        "beta/lost-laptop/index.html",
        "soc/glossary/index.html",
    ] {
        assert!(
            page(&out, p).contains("version <span class=\"source-version\">v2</span>"),
            "{p}"
        );
    }
}

#[test]
fn the_changes_command_prints_text_and_json() {
    let (_repo, src) = repo();
    let run = runbook()
        .args(["changes", "--edition", "acme", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(
        text.starts_with("Acme Ltd handbook: changes since v1\n"),
        "{text}"
    );
    assert!(text.contains("1 run book and contacts have changed since you approved this handbook."));
    assert!(
        text.contains("    + new step: Tell your insurer."),
        "{text}"
    );
    assert!(text.contains("{+and sign them out everywhere+}"), "{text}");
    assert!(text.contains("who leads: was your team (advised by our SOC team), now our SOC team"));
    assert!(text.contains("IT lead: phone was +1 555 0199, now +1 555 0142"));
    assert!(!text.contains("SECRET-INTERNAL") && !text.contains("Recovery"));

    let run = runbook()
        .args([
            "changes",
            "--edition",
            "acme",
            "--format",
            "json",
            "--source",
        ])
        .arg(&src)
        .output()
        .unwrap();
    assert!(run.status.success());
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["edition"], "acme");
    assert_eq!(json["approved"]["version"], "v1");
    assert_eq!(json["changes"]["since"], "v1");
    let books = json["changes"]["runbooks"].as_array().unwrap();
    assert_eq!(books.len(), 1);
    assert_eq!(books[0]["slug"], "lost-laptop");
    assert_eq!(books[0]["kind"], "changed");
    let phases: Vec<&str> = books[0]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["containment", "eradication"]);
    assert!(!String::from_utf8_lossy(&run.stdout).contains("SECRET-INTERNAL"));

    // --since another revision: nothing changed since v2.
    let run = runbook()
        .args(["changes", "--edition", "acme", "--since", "v2", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout)
        .contains("Nothing has changed since you approved this handbook."));
    // Beta has no approval: --since is needed (a usage error without it).
    let run = runbook()
        .args(["changes", "--edition", "beta", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--since"));
}

#[test]
fn a_version_the_repository_lacks_is_an_error_at_its_line() {
    let (_repo, src) = repo();
    let acme = src.join("clients/acme.yaml");
    let text = std::fs::read_to_string(&acme)
        .unwrap()
        .replace("version: v1", "version: v9");
    std::fs::write(&acme, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("version: v9"))
        .unwrap()
        + 1;
    let out = tempfile::tempdir().unwrap();
    let run = build_command(&src, &out.path().join("site"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("RB041"), "{stderr}");
    assert!(
        stderr.contains(&format!("clients/acme.yaml:{line}:")),
        "{stderr}"
    );
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    let run = runbook()
        .args(["changes", "--edition", "acme", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("`v9` is not a tag or commit"));
}

#[test]
fn outside_git_the_build_works_unversioned_with_a_warning() {
    let (_repo, src) = repo();
    let copy = tempfile::tempdir().unwrap();
    let plain = copy.path().join("runbooks");
    crate::copy_dir(&src, &plain);
    let (_t, out, stderr) = build_ok(&plain);
    assert!(stderr.contains("RB042"), "{stderr}");
    assert!(stderr.contains("clients/acme.yaml:"), "{stderr}");
    assert!(!out.join("acme/changes/index.html").exists());
    let home = page(&out, "acme/index.html");
    assert!(home.contains("Approved by Sam Carter, IT lead on 2 March 2026."));
    assert!(!home.contains("changes/index.html"));
    assert!(home.contains("version <span class=\"source-version\">unversioned</span>"));
    // `runbook changes` needs history: a clear error, not a crash.
    let run = runbook()
        .args(["changes", "--edition", "acme", "--source"])
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("is not in a git repository"));
}

#[test]
fn uncommitted_changes_show_in_the_footer_and_a_bad_approval_is_located() {
    let (_repo, src) = repo();
    let book = src.join("lost-laptop.md");
    let text = std::fs::read_to_string(&book).unwrap();
    std::fs::write(
        &book,
        text.replace("Tell your insurer.", "Tell your insurer today."),
    )
    .unwrap();
    let (_t, out, _) = build_ok(&src);
    assert!(page(&out, "acme/index.html")
        .contains("version <span class=\"source-version\">v2 + uncommitted changes</span>"));
    // The changes page compares with the files on disk, not HEAD.
    assert!(page(&out, "acme/changes/index.html").contains("Tell your insurer today."));

    let acme = src.join("clients/acme.yaml");
    let text = std::fs::read_to_string(&acme)
        .unwrap()
        .replace("on: 2026-03-02", "on: 2026-02-30")
        .replace("  by: \"Sam Carter, IT lead\"\n", "");
    std::fs::write(&acme, &text).unwrap();
    let run = runbook()
        .args(["check", "--source"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let on_line = text.lines().position(|l| l.contains("2026-02-30")).unwrap() + 1;
    assert!(
        stderr.contains(&format!("clients/acme.yaml:{on_line}:7")),
        "{stderr}"
    );
    assert!(
        stderr.contains("RB040") && stderr.contains("RB004"),
        "{stderr}"
    );
    assert!(stderr.contains("`approved` has no `by`"), "{stderr}");
}

#[test]
fn check_holds_review_dates_and_approvals_to_account() {
    let (_repo, src) = repo();
    let check = |today: &str| {
        let run = runbook()
            .env("RUNBOOK_TODAY", today)
            .args(["check", "--strict", "--source"])
            .arg(&src)
            .output()
            .unwrap();
        (
            run.status.code(),
            String::from_utf8_lossy(&run.stderr).into_owned(),
        )
    };
    // Acme's edition changed since v1: a warning at `version:`, failing --strict.
    let (code, text) = check("2026-12-01");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("RB044"), "{text}");
    assert!(text.contains("runbook changes --edition acme"), "{text}");
    assert!(!text.contains("RB043") && !text.contains("RB130"), "{text}");

    // A run book's own review interval, and its last exercise.
    let book = src.join("lost-laptop.md");
    let text = std::fs::read_to_string(&book).unwrap().replace(
        "reviewed: 2026-11-01\n",
        "reviewed: 2026-10-15\nreview_every: 1\ntested: 2026-09-01\n",
    );
    std::fs::write(&book, text).unwrap();
    // RB044 turned off; the approval (2 March) is not 12 months old.
    let hb = src.join("handbook.yaml");
    std::fs::write(
        &hb,
        format!("{HANDBOOK}lint: {{changes_since_approval: false}}\n"),
    )
    .unwrap();
    let (code, text) = check("2026-12-01");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("RB130") && text.contains("more than 1 month ago"),
        "{text}"
    );
    assert!(!text.contains("RB044") && !text.contains("RB043"), "{text}");
    // With a 6-month limit it is too old.
    std::fs::write(
        &hb,
        format!("{HANDBOOK}lint: {{approval_max_age_months: 6, changes_since_approval: false}}\n"),
    )
    .unwrap();
    let (_, text) = check("2026-12-01");
    assert!(text.contains("RB043"), "{text}");
    assert!(text.contains("more than 6 months ago"), "{text}");
    assert!(text.contains("clients/acme.yaml:"), "{text}");

    // A bad `tested` date is an error like any other date.
    let text = std::fs::read_to_string(&book)
        .unwrap()
        .replace("tested: 2026-09-01", "tested: 2026-13-01");
    std::fs::write(&book, text).unwrap();
    let (code, text) = check("2026-12-01");
    assert_eq!(code, Some(1));
    assert!(
        text.contains("RB040") && text.contains("`2026-13-01` is not a date"),
        "{text}"
    );
}

#[test]
fn a_shallow_clone_builds_without_the_page_and_warns() {
    let (repo_dir, _src) = repo();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo_dir.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let src = clones.path().join("shallow/runbooks");
    let (_t, out, stderr) = build_ok(&src);
    assert!(
        stderr.contains("RB041") && stderr.contains("shallow clone"),
        "{stderr}"
    );
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(!out.join("acme/changes/index.html").exists());
    // Still versioned (the tag, or the commit when the clone has no tags).
    let home = page(&out, "acme/index.html");
    assert!(home.contains("class=\"source-version\">"), "{home}");
    assert!(!home.contains("unversioned"));
}
