//! Differential tests for rebuilds over a previous output: whatever changed
//! between two builds (sources, environment, git, the output itself, the
//! record beside it), a rebuild into the same `--out` must leave exactly
//! the tree a clean build of the same sources into an empty folder makes:
//! the same paths (hidden markers included), the same bytes, the same
//! modes, only plain files and folders (no links).
//!
//! Each test copies a fixture, builds into `site`, changes one thing,
//! rebuilds into `site` and compares with a clean build into a new folder;
//! most go on with more changes on the same project, so that every rebuild
//! starts from the previous one's output (and record, when there is one:
//! `.site.runbook-record` beside `site`). They pass whether or not the
//! build keeps a record, and are meant to catch a rebuild that trusts a
//! stale one. Every step that changes something also asserts that the
//! clean build differs from the output before it (or, for the few steps
//! that must change nothing, that it does not), so no step is a no-op
//! that a stale page could pass.

use crate::{build_command, copy_dir, fixture, git, root, MARKER};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One entry of an output tree.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    Dir { mode: u32 },
    File { mode: u32, bytes: Vec<u8> },
    Link(PathBuf),
    Other(u32),
}

impl Node {
    fn kind(&self) -> String {
        match self {
            Node::Dir { mode } => format!("folder {mode:o}"),
            Node::File { mode, bytes } => format!("file {mode:o}, {} bytes", bytes.len()),
            Node::Link(to) => format!("link to {}", to.display()),
            Node::Other(mode) => format!("special file {mode:o}"),
        }
    }
}

/// Everything under `dir` (not `dir` itself), links not followed:
/// relative path → what it is.
fn tree(dir: &Path) -> BTreeMap<String, Node> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let meta = fs::symlink_metadata(e.path()).unwrap();
            let mode = meta.mode() & 0o7777;
            let ft = meta.file_type();
            let node = if ft.is_symlink() {
                Node::Link(fs::read_link(e.path()).unwrap())
            } else if ft.is_dir() {
                Node::Dir { mode }
            } else if ft.is_file() {
                Node::File {
                    mode,
                    bytes: fs::read(e.path()).unwrap(),
                }
            } else {
                Node::Other(meta.mode())
            };
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.to_string_lossy().into_owned(), node)
        })
        .collect()
}

/// The first line where two texts differ, for messages.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            let cut = |s: &str| s.chars().take(300).collect::<String>();
            return format!(
                "line {}:\n      rebuilt: {}\n      clean:   {}",
                n + 1,
                cut(x),
                cut(y)
            );
        }
    }
    format!(
        "{} lines rebuilt, {} clean",
        a.lines().count(),
        b.lines().count()
    )
}

/// How the rebuilt tree `got` differs from the clean one `want`: one line
/// per path (empty when they are the same).
fn differences(got: &BTreeMap<String, Node>, want: &BTreeMap<String, Node>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, node) in got {
        match want.get(path) {
            None => out.push(format!("{path}: only in the rebuild ({})", node.kind())),
            Some(w) if w == node => {}
            Some(w) => match (node, w) {
                (
                    Node::File {
                        mode: m1,
                        bytes: b1,
                    },
                    Node::File {
                        mode: m2,
                        bytes: b2,
                    },
                ) if b1 == b2 => out.push(format!("{path}: mode {m1:o}, clean {m2:o}")),
                (Node::File { bytes: b1, .. }, Node::File { bytes: b2, .. }) => {
                    out.push(format!("{path}: other bytes, {}", first_difference(b1, b2)));
                }
                _ => out.push(format!("{path}: {}, clean {}", node.kind(), w.kind())),
            },
        }
    }
    for (path, node) in want {
        if !got.contains_key(path) {
            out.push(format!(
                "{path}: missing from the rebuild ({})",
                node.kind()
            ));
        }
    }
    out
}

/// The path of a folder's record, as the incremental build names it:
/// `X/.site.runbook-record` for `X/site`.
fn record_of(out: &Path) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy();
    out.with_file_name(format!(".{name}.runbook-record"))
}

/// Writes `bytes` over the start of `path` in place (same inode, no
/// truncation).
fn overwrite_in_place(path: &Path, bytes: &[u8]) {
    let mut f = fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

fn set_mtime(path: &Path, t: SystemTime) {
    fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// The same bytes with one letter changed (past the middle, so not in a
/// doctype): the same length, other content.
fn mutated(bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let from = b.len() / 2;
    let at = (from..b.len())
        .chain(0..from)
        .find(|&i| b[i].is_ascii_alphabetic())
        .expect("a letter to change");
    b[at] = if b[at] == b'Q' { b'Z' } else { b'Q' };
    b
}

/// A copy of a fixture (or the sample) to edit, built into `root/site`.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    src: PathBuf,
    out: PathBuf,
    /// Environment for every build of this project, the clean ones too.
    env: RefCell<Vec<(String, Option<String>)>>,
    cleans: Cell<usize>,
}

impl Project {
    /// `tests/fixtures/<name>/runbooks` as `root/runbooks`.
    fn new(name: &str) -> Project {
        Project::copy_of(&fixture(name), None)
    }

    /// The bundled sample handbook.
    fn sample() -> Project {
        Project::copy_of(&root().join("runbooks"), None)
    }

    /// The whole fixture folder (sources and `themes/` beside them).
    fn with_themes(name: &str) -> Project {
        let whole = root().join("tests/fixtures").join(name);
        Project::copy_of(&whole.join("runbooks"), Some(&whole.join("themes")))
    }

    fn copy_of(src: &Path, themes: Option<&Path>) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        copy_dir(src, &root.join("runbooks"));
        if let Some(t) = themes {
            copy_dir(t, &root.join("themes"));
        }
        Project {
            src: root.join("runbooks"),
            out: root.join("site"),
            root,
            _dir: dir,
            env: RefCell::new(Vec::new()),
            cleans: Cell::new(0),
        }
    }

    /// Sets (or with `None` removes) an environment variable for every
    /// later build.
    fn set_env(&self, key: &str, value: Option<&str>) {
        let mut env = self.env.borrow_mut();
        env.retain(|(k, _)| k != key);
        env.push((key.to_string(), value.map(str::to_string)));
    }

    fn run(&self, src: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
        let mut cmd = build_command(src, out);
        for (k, v) in self.env.borrow().iter() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.args(extra).output().unwrap()
    }

    /// Builds the sources into `out`; panics unless it succeeds.
    fn build_into(&self, out: &Path, extra: &[&str]) {
        let o = self.run(&self.src, out, extra);
        assert!(
            o.status.success(),
            "build into {} {extra:?} failed: {}",
            out.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Builds into `site`.
    fn build(&self, extra: &[&str]) {
        self.build_into(&self.out, extra);
    }

    /// A build into `site` in the background.
    fn spawn(&self) -> std::process::Child {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"));
        cmd.env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .env("RUNBOOK_TODAY", crate::TODAY);
        for (k, v) in self.env.borrow().iter() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.args(["build", "-q", "--source"])
            .arg(&self.src)
            .arg("--out")
            .arg(&self.out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// A build into `site` that must fail; its stderr.
    fn build_fails(&self, extra: &[&str]) -> String {
        let o = self.run(&self.src, &self.out, extra);
        assert!(!o.status.success(), "the build was meant to fail");
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    /// `site` must be what a clean build of the sources as they are now
    /// (with the same environment) writes into an empty folder.
    fn check(&self, step: &str) {
        self.check_against(step, None);
    }

    /// [`Project::check`]; with `before` (the output before the step), also
    /// whether the step changed what a build writes (`Some(true)`) or not.
    fn check_against(&self, step: &str, before: Option<(&BTreeMap<String, Node>, bool)>) {
        let n = self.cleans.get();
        self.cleans.set(n + 1);
        let fresh = self.root.join(format!("clean-{n}"));
        self.build_into(&fresh, &[]);
        let want = tree(&fresh);
        let got = tree(&self.out);
        assert!(
            want.keys().any(|k| k.ends_with(MARKER)),
            "a clean build has markers"
        );
        for (path, node) in &got {
            assert!(
                matches!(node, Node::Dir { .. } | Node::File { .. }),
                "after {step}: {path} is a {} in the rebuilt output",
                node.kind()
            );
        }
        if let Some((before, changes)) = before {
            let changed = !differences(before, &want).is_empty();
            assert_eq!(
                changed,
                changes,
                "{step}: the step was meant to {}change the output",
                if changes { "" } else { "not " }
            );
        }
        let diff = differences(&got, &want);
        assert!(
            diff.is_empty(),
            "after {step}: the rebuild differs from a clean build in {} paths:\n  {}",
            diff.len(),
            diff.iter()
                .take(25)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n  ")
        );
        fs::remove_dir_all(&fresh).unwrap();
    }

    /// Rebuilds into `site` and checks it against a clean build; the step
    /// (or the output changed by hand) must have changed what a build
    /// writes, so a page kept from before would be caught.
    fn rebuild(&self, step: &str) {
        let before = tree(&self.out);
        self.build(&[]);
        self.check_against(step, Some((&before, true)));
    }

    /// [`Project::rebuild`] after a step that changes nothing a build
    /// writes.
    fn rebuild_same(&self, step: &str) {
        let before = tree(&self.out);
        self.build(&[]);
        self.check_against(step, Some((&before, false)));
    }

    fn path(&self, file: &str) -> PathBuf {
        self.src.join(file)
    }

    fn read(&self, file: &str) -> String {
        fs::read_to_string(self.path(file)).unwrap()
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.path(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let text = self.read(file);
        assert!(text.contains(from), "{file} has {from:?}");
        self.write(file, &text.replacen(from, to, 1));
    }

    fn remove(&self, file: &str) {
        fs::remove_file(self.path(file)).unwrap();
    }

    /// A file of the output.
    fn site(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }

    /// The record beside `site` (it may not exist).
    fn record(&self) -> PathBuf {
        record_of(&self.out)
    }
}

/// The smallest bytes runbook takes for a PNG logo: the signature and the
/// start of a header, padded with `fill`.
fn png(fill: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(std::iter::repeat_n(fill, 32));
    b
}

// ---------------------------------------------------------------------
// The comparison itself.

#[test]
fn the_comparison_sees_every_kind_of_difference() {
    // Without this, a comparison that always passes would make every test
    // below pass too.
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let clean = tree(&p.out);
    let page = p.site("alpha/incident/index.html");
    let original = fs::read(&page).unwrap();
    let count = |p: &Project| differences(&tree(&p.out), &clean).len();

    overwrite_in_place(&page, &mutated(&original));
    assert_eq!(count(&p), 1, "same length, other bytes");
    fs::write(&page, &original).unwrap();
    assert_eq!(count(&p), 0, "the bytes back");
    fs::set_permissions(&page, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(count(&p), 1, "a mode");
    fs::set_permissions(&page, fs::Permissions::from_mode(0o644)).unwrap();
    let folder = p.site("alpha/incident");
    let before = fs::metadata(&folder).unwrap().permissions();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(count(&p), 1, "a folder's mode");
    fs::set_permissions(&folder, before).unwrap();
    fs::write(p.site("alpha/stray.txt"), "x").unwrap();
    assert_eq!(count(&p), 1, "a stray file");
    fs::remove_file(p.site("alpha/stray.txt")).unwrap();
    fs::create_dir(p.site("alpha/stray")).unwrap();
    assert_eq!(count(&p), 1, "a stray folder");
    fs::remove_dir(p.site("alpha/stray")).unwrap();
    assert_eq!(count(&p), 0, "all put back");
    fs::remove_file(p.site("beta").join(MARKER)).unwrap();
    assert_eq!(count(&p), 1, "a marker");
    let copy = p.root.join("copy.html");
    fs::copy(&page, &copy).unwrap();
    fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&copy, &page).unwrap();
    assert_eq!(count(&p), 2, "a link, and the marker still missing");
}

// ---------------------------------------------------------------------
// 1. Run book edits.

#[test]
fn run_book_edits_one_after_another() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let incident = p.read("incident.md");
    p.edit(
        "incident.md",
        "Public text after the notes.",
        "Public text after the notes. One more sentence here.",
    );
    p.rebuild("a sentence appended to a body");
    p.edit(
        "other.md",
        "title: Other incident",
        "title: Another incident",
    );
    p.rebuild("a title (which reorders lists sorted by title)");
    p.edit(
        "incident.md",
        "owner: Test owner",
        "owner: Test owner\nsymptom: \"The screen shows a red warning\"",
    );
    p.rebuild("a symptom added");
    p.edit("incident.md", "a red warning", "a blue warning");
    p.rebuild("a symptom changed");
    p.edit(
        "incident.md",
        "reviewed: 2026-05-04",
        "reviewed: 2026-06-15",
    );
    p.rebuild("the newest reviewed date (every footer's cover date)");
    p.edit(
        "other.md",
        "category: Testing",
        "category: Testing\nreviewed: 2026-07-01",
    );
    p.rebuild("another run book now the newest reviewed");
    p.edit("other.md", "reviewed: 2026-07-01", "reviewed: 2026-01-01");
    p.rebuild("the newest reviewed back to the first run book");
    p.edit("incident.md", "severity: high", "severity: critical");
    p.rebuild("a severity");
    p.edit("other.md", "category: Testing", "category: Elsewhere");
    p.rebuild("a category (home page groups)");
    p.edit(
        "incident.md",
        "aliases: [oops moment]",
        "aliases: [oops moment, whoops]",
    );
    p.rebuild("an alias (search index)");
    p.edit(
        "incident.md",
        "summary: Something happened and we respond to it.",
        "summary: Something went wrong and we respond to it.",
    );
    p.rebuild("a summary");
    p.edit(
        "incident.md",
        "- [SOC] Remove the threat.",
        "- [Client] Remove the threat.",
    );
    p.rebuild("a step's marker");
    p.edit(
        "incident.md",
        "### Back to everyone",
        "### Back to all of you",
    );
    p.rebuild("a heading");
    p.write("incident.md", &incident);
    p.rebuild("the run book back to its first bytes");
    p.build(&[]);
    p.check("a rebuild with nothing changed");
}

#[test]
fn run_book_edits_in_the_sample() {
    let p = Project::sample();
    p.build(&[]);
    p.check("the first build");
    let phishing = p.read("phishing.md");
    // Several run books link to ransomware.md.
    p.edit(
        "ransomware.md",
        "title: Ransomware",
        "title: Ransomware attack",
    );
    p.rebuild("the title of a run book others link to");
    p.edit(
        "phishing.md",
        "symptom: \"You clicked a link in an email",
        "symptom: \"You opened a link in an email",
    );
    p.rebuild("a symptom");
    p.edit(
        "phishing.md",
        "reviewed: 2026-11-02",
        "reviewed: 2026-11-29",
    );
    p.rebuild("the newest reviewed date");
    p.write("phishing.md", &phishing);
    p.rebuild("the run book back to its first bytes");
}

// ---------------------------------------------------------------------
// 2. Titles and anchors of link targets.

#[test]
fn link_targets_change_under_the_pages_that_link_to_them() {
    let p = Project::new("links");
    p.build(&[]);
    p.check("the first build");
    p.edit("malware.md", "title: Malware", "title: Harmful software");
    p.rebuild("the title of a run book others link to");
    p.edit(
        "malware.md",
        "summary: Harmful software is",
        "summary: Bad software is",
    );
    p.rebuild("the summary of a link target");
    p.edit(
        "soc-procedure.md",
        "title: SOC procedure",
        "title: Analyst procedure",
    );
    p.rebuild("the title of a SOC-only link target");
    p.edit("soc-procedure.md", "audience: soc\n", "");
    p.rebuild("a link target now in every edition");
    p.edit("draft-plan.md", "draft: true", "draft: false");
    p.rebuild("a linked draft published");
    p.edit("draft-plan.md", "draft: false", "draft: true");
    p.rebuild("a linked run book a draft again");
    p.edit(
        "clients/few.yaml",
        "exclude: [malware]",
        "exclude: [phishing]",
    );
    p.rebuild("another run book left out of a client's edition");
    p.edit(
        "malware.md",
        "### Office checklist",
        "### Office checklist\n\n### Spare heading",
    );
    p.rebuild("a heading added to a link target");
    p.edit("malware.md", "title: Harmful software", "title: Malware");
    p.rebuild("the old title back");
}

// ---------------------------------------------------------------------
// 3. Run books added, removed, renamed, made drafts.

#[test]
fn run_books_added_removed_renamed_and_drafted() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let other = p.read("other.md");
    p.write(
        "new.md",
        &other
            .replace("title: Other incident", "title: Brand new incident")
            .replace("Spot it.", "Spot the new thing."),
    );
    p.rebuild("a run book added");
    p.remove("new.md");
    p.rebuild("the added run book removed");
    p.remove("other.md");
    p.edit("clients/beta.yaml", "  exclude: [other]", "  exclude: []");
    p.rebuild("a run book removed (and its client's exclusion)");
    p.write("other.md", &other);
    p.edit("clients/beta.yaml", "  exclude: []", "  exclude: [other]");
    p.rebuild("the run book back");
    fs::rename(p.path("soc-only.md"), p.path("soc-internal.md")).unwrap();
    p.rebuild("a run book renamed (its slug changes)");
    fs::rename(p.path("soc-internal.md"), p.path("soc-only.md")).unwrap();
    p.rebuild("renamed back");
    p.edit(
        "other.md",
        "category: Testing",
        "category: Testing\ndraft: true",
    );
    p.rebuild("a run book made a draft");
    p.edit("other.md", "draft: true", "draft: false");
    p.rebuild("the draft published again");
    p.edit("draft.md", "draft: true", "draft: false");
    p.rebuild("the old draft published");
    // Two run books swap their files: every path is still there, with the
    // other's bytes.
    let incident = p.read("incident.md");
    let other = p.read("other.md");
    p.write("incident.md", &other);
    p.write("other.md", &incident);
    p.edit("clients/alpha.yaml", "  incident:", "  other:");
    p.edit(
        "clients/beta.yaml",
        "  exclude: [other]",
        "  exclude: [incident]",
    );
    p.rebuild("two run books' contents swapped");
    p.edit(
        "other.md",
        "title: Test incident",
        "title: Test incident\naudience: soc",
    );
    p.rebuild("a run book now SOC-only");
    p.write("_template.md", &other);
    p.write("README.md", "# Not a run book\n");
    p.rebuild_same("files the build skips added");
}

// ---------------------------------------------------------------------
// 4. Clients.

#[test]
fn clients_changed_added_removed_and_their_logos() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    p.edit("clients/alpha.yaml", "+1 555 0111", "+1 555 0999");
    p.rebuild("a client contact's phone");
    p.edit(
        "clients/alpha.yaml",
        "name: Alpha ALPHANAMECANARY Co",
        "name: Alpha Renamed Co",
    );
    p.rebuild("a client's name");
    p.edit(
        "clients/alpha.yaml",
        "colour: \"#1d5c8f\"",
        "colour: \"#8f1d5c\"",
    );
    p.rebuild("a client's colour");
    p.edit("clients/beta.yaml", "plan: bronze", "plan: gold");
    p.rebuild("a client's plan");
    p.edit(
        "clients/beta.yaml",
        "  exclude: [other]",
        "  exclude: [incident]",
    );
    p.rebuild("a client's run book selection");
    p.edit(
        "clients/alpha.yaml",
        "recovery: {lead: soc, advisor: client}",
        "recovery: client",
    );
    p.rebuild("a client's override");
    p.write(
        "clients/gamma.yaml",
        "name: Gamma Ltd\nplan: gold\ncontacts:\n  it_lead: {label: IT lead, name: Gus, phone: \"+1 555 0133\"}\n",
    );
    p.rebuild("a client added");
    p.remove("clients/beta.yaml");
    p.rebuild("a client removed");
    fs::write(p.path("clients/alpha.png"), png(1)).unwrap();
    p.edit(
        "clients/alpha.yaml",
        "plan: gold",
        "plan: gold\nlogo: alpha.png",
    );
    p.rebuild("a logo added");
    fs::write(p.path("clients/alpha.png"), png(2)).unwrap();
    p.rebuild("the logo's bytes (same length)");
    let t = mtime(&p.path("clients/alpha.png"));
    fs::write(p.path("clients/alpha.png"), png(3)).unwrap();
    set_mtime(&p.path("clients/alpha.png"), t);
    p.rebuild("the logo's bytes, its time put back");
    p.edit("clients/alpha.yaml", "\nlogo: alpha.png", "");
    p.rebuild("the logo dropped");
    fs::rename(p.path("clients/gamma.yaml"), p.path("clients/delta.yaml")).unwrap();
    p.rebuild("a client file renamed (its edition's folder)");
    p.write("clients/_draft.yaml", "name: Not a client\n");
    p.rebuild_same("a skipped client file added");
}

// ---------------------------------------------------------------------
// 5. glossary.yaml and handbook.yaml.

#[test]
fn glossary_and_handbook_changes() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    p.edit(
        "glossary.yaml",
        "A fake message that tries to trick you.",
        "A fake message that tries to fool you.",
    );
    p.rebuild("a glossary definition");
    p.write(
        "glossary.yaml",
        &(p.read("glossary.yaml")
            + "computer:\n  definition: A machine you work on.\nSOC:\n  definition: Our security team.\n"),
    );
    p.rebuild("glossary terms that pages use added");
    p.edit(
        "handbook.yaml",
        "title: Test Handbook",
        "title: Test Handbook Two",
    );
    p.rebuild("the handbook's title");
    p.write(
        "handbook.yaml",
        &(p.read("handbook.yaml") + "phases:\n  containment: Stop the damage from spreading.\n"),
    );
    p.rebuild("a phase description added");
    p.edit("handbook.yaml", "Stop the damage", "Halt the damage");
    p.rebuild("a phase description changed");
    p.edit(
        "handbook.yaml",
        "phone: \"+1 555 0100\"",
        "phone: \"+1 555 0200\"",
    );
    p.rebuild("the SOC line's phone");
    p.edit(
        "handbook.yaml",
        "provider: Acme SOC",
        "provider: Acme Security",
    );
    p.rebuild("the provider");
    p.edit(
        "handbook.yaml",
        "  preparation: shared",
        "  preparation: soc",
    );
    p.rebuild("the handbook-wide responsibility");
    p.edit(
        "handbook.yaml",
        "identification: {lead: client, advisor: soc}",
        "identification: soc",
    );
    p.rebuild("a plan");
    p.write(
        "handbook.yaml",
        &(p.read("handbook.yaml") + "start_here: |\n  - Call {{ contacts.soc.phone }} now.\n"),
    );
    p.rebuild("start_here added");
    p.write(
        "handbook.yaml",
        &(p.read("handbook.yaml") + "card: [other, incident]\n"),
    );
    p.rebuild("the card's order");
    p.edit("handbook.yaml", "  it_lead: IT lead", "  it_lead: IT boss");
    p.rebuild("a role's name");
}

// ---------------------------------------------------------------------
// 6. Themes.

#[test]
fn theme_files_and_the_theme_switch() {
    let p = Project::with_themes("themed");
    let theme = p.root.join("themes/acme");
    p.build(&[]);
    p.check("the first build");
    let base = theme.join("templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    fs::write(&base, text.replace("any time", "at any hour")).unwrap();
    p.rebuild("a theme template");
    let css = theme.join("static/custom.css");
    let text = fs::read_to_string(&css).unwrap();
    fs::write(&css, text.replace("#0b6e4f", "#0b4f6e")).unwrap();
    p.rebuild("a theme's static file (same length)");
    let t = mtime(&css);
    fs::write(&css, text.replace("#0b6e4f", "#6e0b4f")).unwrap();
    set_mtime(&css, t);
    p.rebuild("a theme's static file, its time put back");
    fs::write(theme.join("static/extra.js"), "console.log(1);\n").unwrap();
    p.rebuild("a static file added");
    fs::remove_file(theme.join("static/extra.js")).unwrap();
    p.rebuild("the static file removed");
    fs::remove_file(&css).unwrap();
    p.rebuild("custom.css removed");
    fs::write(&css, &text).unwrap();
    p.rebuild("custom.css back");
    p.edit("handbook.yaml", "theme: acme\n", "");
    p.rebuild("the theme switched off");
    p.write(
        "handbook.yaml",
        &(p.read("handbook.yaml") + "theme: acme\n"),
    );
    p.rebuild("the theme switched on");
    // A theme of the same name inside the source folder comes first: no
    // file that was read before changes.
    let inner = p.src.join("themes/acme");
    copy_dir(&theme, &inner);
    fs::write(
        inner.join("static/custom.css"),
        ":root { --accent: #222222; }\n",
    )
    .unwrap();
    p.rebuild("a theme of the same name inside the source folder");
    fs::remove_dir_all(p.src.join("themes")).unwrap();
    p.rebuild("the inner theme removed");
    copy_dir(&theme, &p.root.join("themes/other"));
    fs::write(
        p.root.join("themes/other/templates/base.html"),
        "{% extends \"default/base.html\" %}{% block footer %}<footer>Other</footer>{% endblock footer %}",
    )
    .unwrap();
    p.edit("handbook.yaml", "theme: acme", "theme: other");
    p.rebuild("another theme");
}

#[test]
fn a_theme_switched_on_and_off_in_a_handbook_without_one() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let handbook = p.read("handbook.yaml");
    let statics = p.root.join("themes/mine/static");
    fs::create_dir_all(&statics).unwrap();
    fs::write(statics.join("style.css"), "body { color: black }\n").unwrap();
    p.write("handbook.yaml", &(handbook.clone() + "theme: mine\n"));
    p.rebuild("a theme switched on (it replaces style.css)");
    fs::write(statics.join("style.css"), "body { color: white }\n").unwrap();
    p.rebuild("the theme's style.css (same length)");
    p.write("handbook.yaml", &handbook);
    p.rebuild("the theme switched off");
}

// ---------------------------------------------------------------------
// 7. SOURCE_DATE_EPOCH and the date of the day.

#[test]
fn source_date_epoch_set_changed_and_unset() {
    let p = Project::new("layers");
    p.set_env("SOURCE_DATE_EPOCH", Some("1700000000"));
    p.build(&[]);
    p.check("a first build with SOURCE_DATE_EPOCH");
    p.set_env("SOURCE_DATE_EPOCH", Some("1800000000"));
    p.rebuild("SOURCE_DATE_EPOCH changed");
    p.set_env("SOURCE_DATE_EPOCH", Some("1800000001"));
    p.rebuild_same("SOURCE_DATE_EPOCH one second later (the same day)");
    p.set_env("SOURCE_DATE_EPOCH", None);
    p.rebuild("SOURCE_DATE_EPOCH unset");
    p.set_env("SOURCE_DATE_EPOCH", Some("1700000000"));
    p.rebuild("SOURCE_DATE_EPOCH set again");
    p.edit(
        "incident.md",
        "reviewed: 2026-05-04",
        "reviewed: 2026-06-15",
    );
    p.rebuild("a reviewed date while SOURCE_DATE_EPOCH is set");
    p.set_env("SOURCE_DATE_EPOCH", None);
    p.rebuild("SOURCE_DATE_EPOCH unset after a reviewed date changed");
    p.set_env("RUNBOOK_TODAY", Some("2031-01-01"));
    p.rebuild_same("another day");
}

// ---------------------------------------------------------------------
// Git: the footer's version changes with no source byte changed.

#[test]
fn git_commits_and_tags_without_source_changes() {
    let p = Project::new("layers");
    git(&p.root, &["init", "-q", "-b", "main"]);
    git(&p.root, &["add", "runbooks"]);
    git(&p.root, &["commit", "-q", "-m", "one"]);
    p.build(&[]);
    p.check("a first build at a commit");
    git(&p.root, &["tag", "v1"]);
    p.rebuild("a tag on HEAD");
    p.edit("other.md", "Spot it.", "Spot it now.");
    p.rebuild("an uncommitted change");
    git(&p.root, &["commit", "-q", "-am", "two"]);
    p.rebuild("the change committed (no source byte changed)");
    git(&p.root, &["tag", "v2"]);
    p.rebuild("a second tag");
    git(&p.root, &["commit", "-q", "--allow-empty", "-m", "three"]);
    p.rebuild("an empty commit");
    git(&p.root, &["checkout", "-q", "v1", "--", "runbooks"]);
    p.rebuild("the sources of v1 checked out");
    git(&p.root, &["checkout", "-q", "HEAD", "--", "runbooks"]);
    p.rebuild("HEAD's sources again");
    p.write(
        "clients/alpha.yaml",
        &(p.read("clients/alpha.yaml")
            + "approved:\n  by: \"Alice, IT lead\"\n  on: 2026-03-02\n  version: v1\n"),
    );
    p.rebuild("a client approved v1");
    git(&p.root, &["commit", "-q", "-am", "approval"]);
    p.rebuild("the approval committed");
    git(&p.root, &["tag", "-f", "v1", "HEAD~1"]);
    p.rebuild("the approved tag moved");
}

// ---------------------------------------------------------------------
// 8. The output changed by hand between builds, the sources not.

#[test]
fn output_changed_by_hand_is_put_right() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let page = p.site("alpha/incident/index.html");
    let original = fs::read(&page).unwrap();

    let mut longer = original.clone();
    longer.extend_from_slice(b"<!-- appended -->");
    fs::write(&page, &longer).unwrap();
    p.rebuild("(a) bytes appended to a page");

    let t = mtime(&page);
    overwrite_in_place(&page, &mutated(&original));
    set_mtime(&page, t);
    p.rebuild("(b) a page overwritten in place, same length, its time put back");

    let t = mtime(&page);
    fs::remove_file(&page).unwrap();
    fs::write(&page, mutated(&original)).unwrap();
    set_mtime(&page, t);
    p.rebuild("(b) a page deleted and written again, same length, its time put back");

    let t = mtime(&page);
    let tmp = p.site("alpha/incident/.tmp");
    fs::write(&tmp, mutated(&original)).unwrap();
    set_mtime(&tmp, t);
    fs::rename(&tmp, &page).unwrap();
    p.rebuild("(b) a page replaced by rename, same length, its time put back");

    fs::remove_file(&page).unwrap();
    p.rebuild("(c) a page deleted");
    fs::remove_file(p.site("soc/404.html")).unwrap();
    fs::remove_file(p.site("beta/assets/style.css")).unwrap();
    p.rebuild("(c) a 404 page and a stylesheet deleted");

    fs::remove_dir_all(p.site("alpha/incident")).unwrap();
    p.rebuild("(d) a run book's folder deleted");
    fs::remove_dir_all(p.site("beta/phases")).unwrap();
    fs::remove_dir_all(p.site("soc/assets")).unwrap();
    p.rebuild("(d) the phases and assets folders deleted");

    fs::write(p.site("alpha/stray.html"), "stray").unwrap();
    fs::write(p.site("alpha/.hidden"), "stray").unwrap();
    fs::write(p.site("alpha/incident/containment/notes.html"), "stray").unwrap();
    fs::create_dir_all(p.site("alpha/incident/extra/deeper")).unwrap();
    fs::create_dir_all(p.site("beta/empty")).unwrap();
    std::os::unix::fs::symlink("/etc", p.site("alpha/incident/etc")).unwrap();
    std::os::unix::fs::symlink("index.html", p.site("soc/home.html")).unwrap();
    p.rebuild("(e) stray files, folders and links in editions and page folders");

    let copy = p.root.join("copy.html");
    fs::copy(&page, &copy).unwrap();
    fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&copy, &page).unwrap();
    p.rebuild("(f) a page replaced by a link to an identical copy");
    assert_eq!(fs::read(&copy).unwrap(), original, "the copy untouched");

    fs::set_permissions(&page, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(
        p.site("beta/assets/runbook.js"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    p.rebuild("(g) modes of a page and a script changed");

    let not_found = p.site("alpha/404.html");
    fs::remove_file(&not_found).unwrap();
    fs::create_dir(&not_found).unwrap();
    fs::write(not_found.join("index.html"), "x").unwrap();
    p.rebuild("(h) a file replaced by a folder of the same name");
    let phase = p.site("alpha/incident/containment");
    fs::remove_dir_all(&phase).unwrap();
    fs::write(&phase, "not a folder").unwrap();
    p.rebuild("(h) a page folder replaced by a file of the same name");

    fs::remove_file(p.site("alpha").join(MARKER)).unwrap();
    p.rebuild("a marker deleted");
    let marker = p.site("beta").join(MARKER);
    let bytes = fs::read(&marker).unwrap();
    let t = mtime(&marker);
    overwrite_in_place(&marker, &mutated(&bytes));
    set_mtime(&marker, t);
    p.rebuild("a marker's text changed, same length, its time put back");

    // Several at once, and nothing at all.
    fs::write(&page, b"").unwrap();
    fs::remove_dir_all(p.site("soc/phases")).unwrap();
    fs::write(p.site("soc/incident/extra.txt"), "x").unwrap();
    p.rebuild("several changes at once");
    p.build(&[]);
    p.check("a rebuild with nothing changed");
}

/// A page folder replaced by a link: the page behind it was once found
/// unchanged and then never put into the new output.
#[test]
fn a_page_folder_replaced_by_a_link_is_put_right() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let folder = p.site("beta/incident/containment");
    let outside = p.root.join("containment-copy");
    copy_dir(&folder, &outside);
    let outside_before = tree(&outside);
    fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(&outside, &folder).unwrap();
    p.rebuild("(f) a page folder replaced by a link to an identical copy");
    assert!(
        differences(&tree(&outside), &outside_before).is_empty(),
        "the linked folder outside is untouched"
    );
}

/// A folder whose files are all unchanged was once moved over whole with
/// the mode it was given by hand.
#[test]
fn a_folder_whose_mode_was_changed_by_hand_gets_a_clean_builds_mode() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    fs::set_permissions(p.site("alpha/incident"), fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(p.site("beta/assets"), fs::Permissions::from_mode(0o777)).unwrap();
    p.rebuild("folders' modes changed");
}

#[test]
fn every_file_changed_right_after_a_build_with_its_time_put_back() {
    // Changed within the same clock tick as the build wrote them (and a
    // record, if any): size, inode and modification time are the build's;
    // only the change time, maybe not even that, tells.
    let p = Project::new("layers");
    for round in 0..3 {
        p.build(&[]);
        let files: Vec<PathBuf> = walkdir::WalkDir::new(&p.out)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        for f in &files {
            let t = mtime(f);
            let bytes = fs::read(f).unwrap();
            if !bytes.iter().any(u8::is_ascii_alphabetic) {
                continue;
            }
            overwrite_in_place(f, &mutated(&bytes));
            set_mtime(f, t);
        }
        p.rebuild(&format!(
            "round {round}: every file changed in place at once"
        ));
    }
}

// ---------------------------------------------------------------------
// 9. The record tampered with.

#[test]
fn a_record_truncated_garbled_or_deleted_is_not_trusted() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let record = p.record();

    // Each case comes with a source change, so a page kept on the record's
    // word would be stale.
    let read_record = || fs::read(&record).unwrap_or_default();
    let bytes = read_record();
    fs::write(&record, &bytes[..bytes.len() / 2]).unwrap();
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    p.rebuild("the record cut in half (and a run book changed)");

    let text = String::from_utf8_lossy(&read_record()).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let half: String = lines[..lines.len() / 2]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&record, half).unwrap();
    p.edit(
        "incident.md",
        "Bring things back up.",
        "Bring things back now.",
    );
    p.rebuild("the record cut at a line end (and a run book changed)");

    fs::write(&record, b"").unwrap();
    p.edit("other.md", "Learn.", "Learn more.");
    p.rebuild("the record emptied (and a run book changed)");

    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    fs::write(&record, &garbage).unwrap();
    p.edit("other.md", "Learn more.", "Learn much more.");
    p.rebuild("the record filled with garbage (and a run book changed)");

    let text = String::from_utf8_lossy(&read_record()).into_owned();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    fs::write(&record, lines.join("\n") + "\n").unwrap();
    p.edit("clients/alpha.yaml", "+1 555 0111", "+1 555 0112");
    p.rebuild("the record's lines reversed (and a client changed)");

    let text = String::from_utf8_lossy(&read_record()).into_owned();
    fs::write(&record, text.clone() + &text).unwrap();
    p.edit("clients/alpha.yaml", "+1 555 0112", "+1 555 0113");
    p.rebuild("the record written twice over (and a client changed)");

    let _ = fs::remove_file(&record);
    p.edit("glossary.yaml", "trick you", "fool you");
    p.rebuild("the record deleted (and the glossary changed)");

    let _ = fs::remove_file(&record);
    p.build(&[]);
    p.check("the record deleted, nothing else");

    fs::write(&record, &garbage).unwrap();
    p.build(&[]);
    p.check("garbage in the record, nothing else");
}

#[test]
fn the_record_of_another_output_folder_is_not_trusted() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    // Sources B: a copy with changes, built into site2 beside site.
    let b_src = p.root.join("runbooks-b");
    copy_dir(&p.src, &b_src);
    let edit_b = |file: &str, from: &str, to: &str| {
        let path = b_src.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit_b("incident.md", "Bring things back.", "Bring things back up.");
    edit_b("other.md", "title: Other incident", "title: Brand new name");
    let site2 = p.root.join("site2");
    let o = p.run(&b_src, &site2, &[]);
    assert!(o.status.success());
    let record2 = record_of(&site2);
    let copy_record2 = |p: &Project| {
        if record2.exists() {
            fs::copy(&record2, p.record()).unwrap();
        } else {
            fs::write(p.record(), b"no record beside site2\n").unwrap();
        }
    };

    copy_record2(&p);
    p.rebuild_same("site2's record copied over site's (sources A unchanged)");

    // Now the sources of site change to B: the record copied from site2
    // says B's keys, but site's files are still A's.
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    p.edit("other.md", "title: Other incident", "title: Brand new name");
    p.build(&[]);
    copy_record2(&p);
    p.edit("incident.md", "Bring things back up.", "Bring things back.");
    p.rebuild("site2's record copied over site's, sources back to A");
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    copy_record2(&p);
    p.rebuild("site2's record copied over site's, sources B");

    // The folders swapped, each with its own record: consistent, but for
    // other sources.
    p.edit("other.md", "title: Brand new name", "title: Other incident");
    p.edit("incident.md", "Bring things back up.", "Bring things back.");
    p.build(&[]);
    let o = p.run(&b_src, &site2, &[]);
    assert!(o.status.success());
    let aside = p.root.join("aside");
    fs::rename(&p.out, &aside).unwrap();
    fs::rename(&site2, &p.out).unwrap();
    fs::rename(&aside, &site2).unwrap();
    let (r1, r2) = (p.record(), record_of(&site2));
    if r1.exists() && r2.exists() {
        let r_aside = p.root.join(".aside-record");
        fs::rename(&r1, &r_aside).unwrap();
        fs::rename(&r2, &r1).unwrap();
        fs::rename(&r_aside, &r2).unwrap();
    }
    p.rebuild("site and site2 swapped, records too (sources A)");
}

#[test]
fn an_old_record_put_back_is_not_trusted() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let saved = p.root.join("record-1");
    let had = p.record().exists();
    if had {
        fs::copy(p.record(), &saved).unwrap();
    }
    let incident = p.read("incident.md");
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    p.rebuild("a run book changed");
    if had {
        fs::copy(&saved, p.record()).unwrap();
    }
    p.write("incident.md", &incident);
    p.rebuild("the first build's record back, the sources back");
    if had {
        fs::copy(&saved, p.record()).unwrap();
    }
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    p.rebuild("the first build's record back, the run book changed again");

    // The whole output and its record put back from a backup that keeps
    // times (as `cp -a` or rsync -t do): the record says the backup's
    // files, the sources have changed since.
    let backup = p.root.join("backup");
    copy_dir(&p.out, &backup);
    for e in walkdir::WalkDir::new(&p.out).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&p.out).unwrap();
            set_mtime(&backup.join(rel), mtime(e.path()));
        }
    }
    let backup_record = p.root.join("backup-record");
    if p.record().exists() {
        fs::copy(p.record(), &backup_record).unwrap();
    }
    p.edit("other.md", "Spot it.", "Spot it soon.");
    p.rebuild("a run book changed");
    fs::remove_dir_all(&p.out).unwrap();
    copy_dir(&backup, &p.out);
    for e in walkdir::WalkDir::new(&backup).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&backup).unwrap();
            set_mtime(&p.out.join(rel), mtime(e.path()));
        }
    }
    p.rebuild("the output put back from a backup that keeps times");
    fs::remove_dir_all(&p.out).unwrap();
    fs::rename(&backup, &p.out).unwrap();
    if backup_record.exists() {
        fs::copy(&backup_record, p.record()).unwrap();
    }
    p.rebuild("the backup moved back whole with its record");
}

#[test]
fn a_record_that_is_a_link_is_not_written_through() {
    let p = Project::new("layers");
    p.build(&[]);
    let victim = p.root.join("precious.txt");
    fs::write(&victim, "precious\n").unwrap();
    let _ = fs::remove_file(p.record());
    std::os::unix::fs::symlink(&victim, p.record()).unwrap();
    p.edit("other.md", "Spot it.", "Spot it soon.");
    p.rebuild("the record replaced by a link to another file");
    assert_eq!(
        fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "the file the record linked to is untouched"
    );
}

// ---------------------------------------------------------------------
// 10. Racy edits of the sources.

#[test]
fn quick_same_length_edits_of_one_file() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let text = p.read("incident.md");
    assert!(text.contains("Bring things back."));
    for (round, word) in ["AAAAAA", "BBBBBB", "CCCCCC", "BBBBBB", "AAAAAA", "DDDDDD"]
        .into_iter()
        .enumerate()
    {
        // No sleep: the edit follows the previous build at once, and the
        // file keeps its length.
        p.write(
            "incident.md",
            &text.replace("Bring things back.", &format!("Bring {word} back.")),
        );
        p.rebuild(&format!("quick edit {round} ({word})"));
    }
    // Two edits in a row before one build.
    p.write(
        "incident.md",
        &text.replace("Bring things back.", "Bring EEEEEE back."),
    );
    p.write(
        "incident.md",
        &text.replace("Bring things back.", "Bring FFFFFF back."),
    );
    p.rebuild("two quick edits, one build");
}

#[test]
fn source_edits_that_keep_size_and_time() {
    // Tools that restore times (tar, rsync -t, cp -p, some editors and git
    // operations on coarse clocks) can leave a changed file with the size
    // and modification time the last build saw.
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let path = p.path("incident.md");
    let text = p.read("incident.md");
    for (round, word) in ["AAAAAA", "BBBBBB", "AAAAAA"].into_iter().enumerate() {
        let t = mtime(&path);
        overwrite_in_place(
            &path,
            text.replace("Bring things back.", &format!("Bring {word} back."))
                .as_bytes(),
        );
        set_mtime(&path, t);
        p.rebuild(&format!(
            "round {round}: edited in place, its time put back"
        ));
    }
    let t = mtime(&path);
    let tmp = p.path(".incident.tmp");
    fs::write(
        &tmp,
        text.replace("Bring things back.", "Bring ZZZZZZ back."),
    )
    .unwrap();
    set_mtime(&tmp, t);
    fs::rename(&tmp, &path).unwrap();
    p.rebuild("replaced by rename, its time put back");
    let client = p.path("clients/alpha.yaml");
    let t = mtime(&client);
    p.edit("clients/alpha.yaml", "+1 555 0111", "+1 555 0119");
    set_mtime(&client, t);
    p.rebuild("a client file, its time put back");
    let glossary = p.path("glossary.yaml");
    let t = mtime(&glossary);
    p.edit("glossary.yaml", "trick you", "fool  you");
    set_mtime(&glossary, t);
    p.rebuild("the glossary, its time put back");
    let handbook = p.path("handbook.yaml");
    let t = mtime(&handbook);
    p.edit("handbook.yaml", "Test Handbook", "Best Handbook");
    set_mtime(&handbook, t);
    p.rebuild("the handbook, its time put back");
}

#[test]
fn two_source_folders_with_the_same_times_built_in_turn() {
    // Sources B: a copy of A with one run book changed to the same length
    // and given A's time. Built in turn into the same output.
    let p = Project::new("layers");
    let a_src = p.src.clone();
    let b_src = p.root.join("runbooks-b");
    copy_dir(&a_src, &b_src);
    for e in walkdir::WalkDir::new(&a_src).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&a_src).unwrap();
            set_mtime(&b_src.join(rel), mtime(e.path()));
        }
    }
    let incident = b_src.join("incident.md");
    let t = mtime(&incident);
    let text = fs::read_to_string(&incident).unwrap();
    fs::write(
        &incident,
        text.replace("Bring things back.", "Bring BBBBBB back."),
    )
    .unwrap();
    set_mtime(&incident, t);

    let check_against = |src: &Path, step: &str| {
        let o = p.run(src, &p.out, &[]);
        assert!(o.status.success(), "{step}");
        let fresh = p.root.join("clean");
        let _ = fs::remove_dir_all(&fresh);
        assert!(p.run(src, &fresh, &[]).status.success());
        let diff = differences(&tree(&p.out), &tree(&fresh));
        assert!(diff.is_empty(), "after {step}:\n  {}", diff.join("\n  "));
    };
    check_against(&a_src, "sources A");
    check_against(&b_src, "sources B (same times)");
    check_against(&a_src, "sources A again");
    check_against(&b_src, "sources B again");
}

#[test]
fn sources_edited_while_a_build_runs() {
    // A run book is rewritten in place (same length) over and over while
    // a build reads it; whatever that build wrote, the next one must be
    // clean, and the one after that too.
    let p = Project::new("layers");
    let path = p.path("incident.md");
    let text = p.read("incident.md");
    let marker = "Bring things back.";
    assert!(text.contains(marker));
    let variant = |w: &str| text.replace(marker, &format!("Bring {w} back."));
    p.build(&[]);
    for round in 0..3 {
        let mut child = p.spawn();
        let mut n = 0u32;
        while child.try_wait().unwrap().is_none() {
            let w = ["things", "THINGS", "Things", "tHINGS"][(n % 4) as usize];
            overwrite_in_place(&path, variant(w).as_bytes());
            n += 1;
            // Room for the build to run on a small machine.
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        // The last edit, right after the build ended.
        overwrite_in_place(
            &path,
            variant(["stuffs", "STUFFS", "Stuffs"][round]).as_bytes(),
        );
        p.rebuild(&format!(
            "round {round}: {n} edits during the build, one after"
        ));
        p.rebuild_same(&format!("round {round}: and once more"));
    }
}

#[test]
fn builds_killed_at_any_moment_then_a_rebuild() {
    // A build killed (SIGKILL) part way, after a change: whatever it left
    // (a staging folder, moved folders, a record written or half written),
    // the next build of the same sources must be clean.
    let p = Project::new("layers");
    p.build(&[]);
    let text = p.read("incident.md");
    let marker = "Bring things back.";
    assert!(text.contains(marker));
    for (round, delay) in [0u64, 5, 15, 30, 60].into_iter().enumerate() {
        p.write(
            "incident.md",
            &text.replace(marker, &format!("Bring things back ({round}).")),
        );
        let mut child = p.spawn();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        // The killed build may have finished first: the rebuild need not
        // change anything.
        p.build(&[]);
        p.check(&format!("a build killed after {delay} ms, then a rebuild"));
    }
}

// ---------------------------------------------------------------------
// 11. Failed rebuilds.

/// Inode, modification and change time, mode of every entry.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64, i64, i64, u32)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let m = fs::symlink_metadata(e.path()).unwrap();
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                (
                    m.ino(),
                    m.mtime(),
                    m.mtime_nsec(),
                    m.ctime(),
                    m.ctime_nsec(),
                    m.mode(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_failed_rebuild_leaves_the_output_and_the_next_one_is_clean() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    let handbook = p.read("handbook.yaml");
    let other = p.read("other.md");

    // Invalid YAML: fails before anything is rendered.
    let before = (tree(&p.out), stamps(&p.out));
    p.write("handbook.yaml", &(handbook.clone() + "title: [unclosed\n"));
    p.build_fails(&[]);
    assert_eq!(
        differences(&tree(&p.out), &before.0),
        Vec::<String>::new(),
        "a failed build leaves the bytes"
    );
    assert_eq!(stamps(&p.out), before.1, "and every inode and time");
    p.write("handbook.yaml", &handbook);
    p.rebuild_same("the YAML fixed");

    // A change, then a failing build with it; the error fixed, the change
    // kept: the pages must show the change.
    p.edit(
        "other.md",
        "title: Other incident",
        "title: Renamed incident",
    );
    p.write("handbook.yaml", &(handbook.clone() + "title: [unclosed\n"));
    p.build_fails(&[]);
    p.write("handbook.yaml", &handbook);
    p.rebuild("a change that came with a failed build");

    // The same with a failure at render time (a theme's 404 template),
    // after every other page was rendered.
    let t = p.src.join("themes/broken/templates");
    fs::create_dir_all(&t).unwrap();
    fs::write(
        t.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value.field }}{% endblock content %}",
    )
    .unwrap();
    let before = (tree(&p.out), stamps(&p.out));
    p.edit("other.md", "Spot it.", "Spot it early.");
    p.write("handbook.yaml", &(handbook.clone() + "theme: broken\n"));
    p.build_fails(&[]);
    assert!(differences(&tree(&p.out), &before.0).is_empty());
    assert_eq!(stamps(&p.out), before.1, "every inode and time kept");
    p.write("handbook.yaml", &handbook);
    p.rebuild("a change that came with a build failing at render time");
    p.write("other.md", &other);
    p.rebuild("the change undone");

    // --strict fails on the fixture's warnings.
    p.edit("other.md", "Learn.", "Learn again.");
    p.build_fails(&["--strict"]);
    p.rebuild("a change that came with a failed --strict build");
}

// ---------------------------------------------------------------------
// 12. Partial builds.

#[test]
fn partial_builds_then_full_ones() {
    let p = Project::new("layers");
    p.build(&[]);
    p.check("the first build");
    p.edit("clients/alpha.yaml", "+1 555 0111", "+1 555 0112");
    p.build(&["--edition", "alpha"]);
    p.rebuild_same("a client changed, its edition built alone, then all");

    // A change every edition shows, one edition built: the others are
    // stale until the full build.
    p.edit("incident.md", "Bring things back.", "Bring things back up.");
    p.build(&["--edition", "beta"]);
    p.rebuild("a run book changed, one edition built, then all");

    // The partial build's version undone before the full build.
    let incident = p.read("incident.md");
    p.edit(
        "incident.md",
        "Bring things back up.",
        "Bring things back now.",
    );
    p.build(&["--edition", "alpha"]);
    p.write("incident.md", &incident);
    p.rebuild("one edition built with a change that was then undone");

    // Several partial builds in a row, each with a change.
    p.edit("glossary.yaml", "trick you", "fool you");
    p.build(&["--edition", "soc"]);
    p.edit("other.md", "Spot it.", "Spot it soon.");
    p.build(&["--edition", "soc", "--edition", "alpha"]);
    p.edit("handbook.yaml", "title: Test Handbook", "title: Handbook");
    p.build(&["--edition", "beta"]);
    p.rebuild("three partial builds with changes, then all");

    // Partial builds into an empty output, then a full one.
    fs::remove_dir_all(&p.out).unwrap();
    p.build(&["--edition", "alpha"]);
    p.rebuild("one edition into an empty folder, then all");

    // A partial build of an unchanged edition between two full builds.
    p.edit("incident.md", "Bring things back", "Bring everything back");
    p.build(&["--edition", "alpha"]);
    p.build(&["--edition", "alpha"]);
    p.rebuild("the same edition built twice, then all");
}

// ---------------------------------------------------------------------
// 13. The program itself replaced.

/// `runbook build` with the program at `exe`, as [`crate::build_command`]
/// runs the test binary.
fn build_with(exe: &Path, src: &Path, out: &Path) {
    let o = std::process::Command::new(exe)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("RUNBOOK_TODAY", crate::TODAY)
        .args(["build", "-q", "--source"])
        .arg(src)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "build with {} failed: {}",
        exe.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A new build of the program installed over the old one in place (the
/// same inode: `cp -p`, `rsync --inplace -t`, `install` over a running
/// copy's path) with the same size and modification time, as reproducible
/// builds give (mtimes clamped to SOURCE_DATE_EPOCH) for a same-length
/// change such as a fixed word in a built-in template or a colour in the
/// built-in stylesheet. The program's identity in every key is its version
/// and the executable's device, inode, size and modification time, so the
/// new program trusts every file the old one wrote.
#[test]
fn a_program_replaced_in_place_with_the_same_size_and_time_renders_again() {
    let p = Project::sample();
    let exe = p.root.join("bin/runbook");
    fs::create_dir_all(exe.parent().unwrap()).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_runbook"), &exe).unwrap();
    build_with(&exe, &p.src, &p.out);
    // A second build a moment later keeps every file with the stamp it
    // had, older than the record now written: none is racy any more.
    std::thread::sleep(std::time::Duration::from_millis(100));
    build_with(&exe, &p.src, &p.out);
    // The "new version": one word of the built-in 404 page, same length.
    let old = fs::read(&exe).unwrap();
    let (from, to) = (&b"Page not found"[..], &b"Page not f0und"[..]);
    let mut new = Vec::with_capacity(old.len());
    let mut rest = &old[..];
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        new.extend_from_slice(&rest[..at]);
        new.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    new.extend_from_slice(rest);
    assert_ne!(new, old, "the program holds the words to change");
    let t = mtime(&exe);
    overwrite_in_place(&exe, &new);
    set_mtime(&exe, t);
    build_with(&exe, &p.src, &p.out);
    let clean = p.root.join("clean");
    build_with(&exe, &p.src, &clean);
    let (got, want) = (tree(&p.out), tree(&clean));
    let diff = differences(&got, &want);
    assert!(
        diff.is_empty(),
        "after the program was replaced in place: the rebuild differs from a clean build in {} paths:\n  {}",
        diff.len(),
        diff.iter().take(25).cloned().collect::<Vec<_>>().join("\n  ")
    );
}

// ---------------------------------------------------------------------
// 14. Two builds into one output at once.

/// Sends `signal` (`STOP`, `CONT`) to the process `pid`.
fn signal(pid: u32, signal: &str) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} {pid}");
}

/// Starts a build into `site` and stops it between swapping its output
/// in and writing its record (while it removes the old output); `None`
/// when it was not caught in that window (it is then left to finish).
fn stopped_between_swap_and_record(p: &Project) -> Option<std::process::Child> {
    let record_before = fs::symlink_metadata(p.record())
        .ok()
        .map(|m| (m.ino(), m.mtime_nsec(), m.mtime()));
    let mut a = p.spawn();
    let staging = p.root.join(format!(".site.staging-{}", a.id()));
    let mut seen = false;
    loop {
        let there = fs::symlink_metadata(&staging).is_ok();
        seen |= there;
        if seen && !there {
            signal(a.id(), "STOP");
            let record_now = fs::symlink_metadata(p.record())
                .ok()
                .map(|m| (m.ino(), m.mtime_nsec(), m.mtime()));
            // Still removing the old output: the record's stamps are not taken yet.
            let old = p.root.join(format!(".site.old-{}", a.id()));
            if a.try_wait().unwrap().is_none()
                && record_now == record_before
                && fs::symlink_metadata(&old).is_ok()
            {
                return Some(a);
            }
            signal(a.id(), "CONT");
            a.wait().unwrap();
            return None;
        }
        if a.try_wait().unwrap().is_some() {
            return None;
        }
    }
}

/// Builds `site` twice (so the record vouches for it), then changes a
/// phone number of `client` (alternately, so every try changes pages) and
/// starts a build until one is caught between its swap and its record;
/// runs `meanwhile` while it is stopped, then lets it finish.
fn while_stopped_between_swap_and_record(p: &Project, client: &str, meanwhile: impl FnOnce()) {
    p.build(&[]);
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.build(&[]);
    for attempt in 0..40 {
        p.edit(
            client,
            &format!("+44 20 7946 066{}", if attempt % 2 == 0 { 1 } else { 2 }),
            &format!("+44 20 7946 066{}", if attempt % 2 == 0 { 2 } else { 1 }),
        );
        let Some(mut a) = stopped_between_swap_and_record(p) else {
            continue;
        };
        meanwhile();
        signal(a.id(), "CONT");
        assert!(a.wait().unwrap().success());
        return;
    }
    panic!("no build was caught between its swap and its record");
}

/// Build A starts, swaps its output in, and is slow to write its record
/// (here: stopped right after the swap, while it removes the old output).
/// Meanwhile build B, of sources with one more file (a client's logo),
/// replaces the output. A then records B's folders (their stamps are taken
/// from `site` as it is now) with A's own list of what they hold: the
/// record says `alder-finch/assets` holds no logo while it does. Once the
/// logo is dropped from the sources, the next build trusts that listing,
/// finds every listed file unchanged and moves the folder over whole,
/// logo and all.
#[test]
fn a_slow_build_does_not_record_a_faster_builds_folders() {
    let p = Project::sample();
    let client = "clients/alder-finch.yaml";
    fs::write(p.path("clients/logo.png"), png(7)).unwrap();
    // A: a change to pages only, so that A moves `assets` over whole.
    while_stopped_between_swap_and_record(&p, client, || {
        // B: a logo added, built in full while A is stopped.
        p.edit(
            client,
            "colour: \"#7a1f3d\"",
            "colour: \"#7a1f3d\"\nlogo: logo.png",
        );
        p.build(&[]);
    });
    p.check("A's record written after B's output (B's is the output)");
    p.edit(client, "\nlogo: logo.png", "");
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.rebuild("the logo dropped after two overlapping builds");
}

/// The same without a second build: a file put into an output folder
/// after the build swapped its output in but before it wrote its record
/// (while it removes the old output, which takes long for a big one).
/// The folder's stamp is taken after the file came; the record lists
/// only the build's files, so every later build keeps the stray file.
#[test]
fn a_file_added_while_the_old_output_is_removed_is_not_kept() {
    let p = Project::sample();
    while_stopped_between_swap_and_record(&p, "clients/alder-finch.yaml", || {
        fs::write(p.site("alder-finch/assets/stray.txt"), "stray").unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.build(&[]);
    p.check("a stray file added between a build's swap and its record");
}

/// A page the build keeps by linking it from the previous output is
/// recorded with the stamp it has when the record is written, as long as
/// only its change time moved since it was compared (links move it). A
/// page edited in place in that window (same length, its modification
/// time put back) is then recorded as the build's own, and the next
/// build keeps the edit.
#[test]
fn a_linked_page_edited_before_the_record_is_written_is_not_trusted() {
    let p = Project::sample();
    let page = "alder-finch/404.html";
    // Pages with the client's contacts change; the 404 page does not, and
    // is linked into a folder that changed.
    while_stopped_between_swap_and_record(&p, "clients/alder-finch.yaml", || {
        let path = p.site(page);
        let t = mtime(&path);
        overwrite_in_place(&path, &mutated(&fs::read(&path).unwrap()));
        set_mtime(&path, t);
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.build(&[]);
    p.check("a linked page edited (time put back) between a build's swap and its record");
}
