//! The one integration test binary: builds fixture handbooks under
//! `tests/fixtures/` (and the bundled sample) with the real `runbook`
//! command and checks the output.

#![allow(clippy::unwrap_used)]
// A test binary has no API: its helpers are `pub` only to be shared
// between its modules.
#![allow(unreachable_pub)]

mod alerts;
mod build;
mod calltree;
mod check;
mod contacts;
mod corpus;
mod crisis;
mod docs;
mod errors;
mod history;
mod incremental;
mod isolation;
mod layout;
mod limits;
mod links;
mod mutation;
mod output;
mod pages;
mod perf;
mod reader;
mod reading;
mod real_world;
mod rebuild;
mod scaffold;
mod search;
mod serve;
mod steps;
mod theming;
mod weight;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture's source folder.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name).join("runbooks")
}

/// The date lints take as today in tests (the sample's reviews are fresh then).
pub const TODAY: &str = "2026-12-01";

/// The `runbook` command, with a fixed date so output is reproducible.
pub fn runbook() -> Command {
    let mut cmd = Command::cargo_bin("runbook").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("RUNBOOK_TODAY", TODAY);
    cmd
}

/// `runbook build` from `source` into `out`, ready for more arguments.
pub fn build_command(source: &Path, out: &Path) -> Command {
    let mut cmd = runbook();
    cmd.arg("build")
        .arg("--source")
        .arg(source)
        .arg("--out")
        .arg(out);
    cmd
}

/// Builds `source` into a fresh temporary folder and returns it.
pub fn build(source: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_command(source, &out).assert().success();
    (dir, out)
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The marker `build` writes into every edition folder it writes
/// (`runbook::output::MARKER`; `output.rs` checks it is there).
pub const MARKER: &str = ".runbook-edition";

/// The build record beside an output folder named `site` (the build keeps
/// it so the next build can skip what did not change).
pub const RECORD: &str = ".site.runbook-record";

/// Every file under `dir`, relative path → bytes, except the marker that
/// `build` leaves in each edition folder (it is not a page: `serve` and
/// the renderer have no such file).
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name() != MARKER)
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A page's HTML.
pub fn page(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses HTML.
pub fn html(text: &str) -> scraper::Html {
    scraper::Html::parse_document(text)
}

/// Selects elements.
pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).collect()
}

/// `git` in `dir`, with a fixed identity and no signing.
pub fn git(dir: &Path, args: &[&str]) {
    let o = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
