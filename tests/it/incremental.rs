//! Rebuilding over a previous output rewrites only the files that change
//! (issue 22): the others are linked from it and keep their inode and
//! modification time, and the result is always a clean build's bytes.

use crate::{build_command, copy_dir, fixture, read_tree, MARKER, RECORD};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Every file under `dir`, the markers included: relative path → bytes.
fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// What a file is on disk: inode, modification time (ns), mode, links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    ino: u64,
    mtime: (i64, i64),
    mode: u32,
    nlink: u64,
}

fn stamps(dir: &Path) -> BTreeMap<String, Stamp> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                Stamp {
                    ino: m.ino(),
                    mtime: (m.mtime(), m.mtime_nsec()),
                    mode: m.mode(),
                    nlink: m.nlink(),
                },
            )
        })
        .collect()
}

/// A copy of the `layers` fixture to edit, and its output folder.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    src: PathBuf,
    out: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let src = root.join("runbooks");
        copy_dir(&fixture("layers"), &src);
        Project {
            out: root.join("site"),
            src,
            root,
            _dir: dir,
        }
    }

    /// `runbook build` into `out` with `extra` arguments: stdout; panics
    /// unless it exits with `code`.
    fn build_into(&self, out: &Path, extra: &[&str], code: i32) -> String {
        let o = build_command(&self.src, out).args(extra).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn build(&self, extra: &[&str]) -> String {
        self.build_into(&self.out, extra, 0)
    }

    /// A clean build of the sources as they are now, into a new folder.
    fn clean(&self) -> BTreeMap<String, Vec<u8>> {
        let fresh = self.root.join(format!(
            "clean-{}",
            std::fs::read_dir(&self.root).unwrap().count()
        ));
        self.build_into(&fresh, &[], 0);
        all_files(&fresh)
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.src.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// The counts a build printed: (written, linked, removed).
fn counts(stdout: &str) -> (usize, usize, usize) {
    let tail = stdout
        .rsplit_once(": ")
        .map(|(_, t)| t.trim())
        .unwrap_or_default();
    let numbers: Vec<usize> = tail
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    assert!(
        tail.contains("written")
            && tail.contains("unchanged (linked)")
            && tail.contains("removed")
            && numbers.len() == 3,
        "{stdout}"
    );
    (numbers[0], numbers[1], numbers[2])
}

#[test]
fn a_rebuild_rewrites_only_what_changed_and_equals_a_clean_build() {
    let p = Project::new();
    let first = p.build(&[]);
    let old_files = all_files(&p.out);
    let (written, linked, removed) = counts(&first);
    assert_eq!(
        (written, linked, removed),
        (old_files.len(), 0, 0),
        "{first}"
    );
    let old = stamps(&p.out);
    // One word of one run book, and a run book removed (with the client
    // that named it).
    p.edit(
        "incident.md",
        "## Containment",
        "## Containment\n\nIsolate quickly.\n",
    );
    std::fs::remove_file(p.src.join("other.md")).unwrap();
    std::fs::write(
        p.src.join("clients/beta.yaml"),
        "name: Beta Co\nplan: bronze\ncontacts:\n  it_lead: {name: Bob, phone: \"1\"}\n",
    )
    .unwrap();
    let second = p.build(&[]);
    let new_files = all_files(&p.out);
    assert_eq!(new_files, p.clean(), "byte for byte a clean build");
    assert!(!p.out.join("alpha/other").exists());
    let new = stamps(&p.out);
    let mut same = 0;
    for (path, bytes) in &new_files {
        let stamp = new[path];
        assert_eq!(stamp.nlink, 1, "{path}: the old output is gone");
        if old_files.get(path) == Some(bytes) {
            same += 1;
            assert_eq!(stamp.ino, old[path].ino, "{path} kept its inode");
            assert_eq!(stamp.mtime, old[path].mtime, "{path} kept its time");
        } else if let Some(before) = old.get(path) {
            assert_ne!(stamp.ino, before.ino, "{path} changed: written anew");
        }
    }
    let gone = old_files
        .keys()
        .filter(|k| !new_files.contains_key(*k))
        .count();
    assert!(same > 0 && gone > 0 && same < new_files.len());
    assert_eq!(
        counts(&second),
        (new_files.len() - same, same, gone),
        "{second}"
    );
    // Nothing changed: nothing is written.
    let third = p.build(&[]);
    assert_eq!(counts(&third), (0, new_files.len(), 0), "{third}");
    assert_eq!(stamps(&p.out), new);
}

#[test]
fn files_changed_by_hand_in_the_output_are_rewritten() {
    let p = Project::new();
    p.build(&[]);
    let clean = all_files(&p.out);
    // Bytes edited in place, the same bytes with another mode, and the
    // same bytes behind a link: none of them is what a build writes.
    let home = p.out.join("alpha/index.html");
    let mut text = std::fs::read(&home).unwrap();
    text.extend_from_slice(b"<!-- edited -->");
    std::fs::write(&home, &text).unwrap();
    let style = p.out.join("alpha/assets/style.css");
    let mode = std::fs::metadata(&style).unwrap().mode();
    std::fs::set_permissions(&style, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let not_found = p.out.join("alpha/404.html");
    let elsewhere = p.root.join("404-copy.html");
    std::fs::rename(&not_found, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &not_found).unwrap();
    // Same length, other bytes: the marker.
    let marker = p.out.join("alpha").join(MARKER);
    let mut bytes = std::fs::read(&marker).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = b'!';
    std::fs::write(&marker, &bytes).unwrap();
    let out = p.build(&[]);
    assert_eq!(counts(&out).0, 4, "{out}");
    assert_eq!(all_files(&p.out), clean);
    let meta = std::fs::symlink_metadata(&not_found).unwrap();
    assert!(meta.is_file(), "a file again, not a link");
    assert_eq!(std::fs::metadata(&style).unwrap().mode(), mode);
}

#[test]
fn a_failed_rebuild_leaves_the_old_output_as_it_was() {
    let p = Project::new();
    p.build(&[]);
    let before = stamps(&p.out);
    let bytes = all_files(&p.out);
    // A theme whose 404 page fails to render: the other pages are
    // rendered (and linked) before the build fails.
    let handbook = p.src.join("handbook.yaml");
    let text = std::fs::read_to_string(&handbook).unwrap() + "theme: broken\n";
    std::fs::write(&handbook, text).unwrap();
    let t = p.src.join("themes/broken/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value.field }}{% endblock content %}",
    )
    .unwrap();
    p.build_into(&p.out, &[], 1);
    assert_eq!(all_files(&p.out), bytes);
    assert_eq!(
        stamps(&p.out),
        before,
        "inodes, times, modes, one link each"
    );
    let left: Vec<String> = std::fs::read_dir(&p.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != RECORD)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_theme_change_rewrites_the_files_it_changes() {
    let p = Project::new();
    p.build(&[]);
    let old = stamps(&p.out);
    let handbook = p.src.join("handbook.yaml");
    let text = std::fs::read_to_string(&handbook).unwrap() + "theme: mine\n";
    std::fs::write(&handbook, text).unwrap();
    let statics = p.src.join("themes/mine/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::fs::write(statics.join("style.css"), "body { color: black }\n").unwrap();
    let out = p.build(&[]);
    assert_eq!(all_files(&p.out), p.clean());
    let new = stamps(&p.out);
    for edition in ["alpha", "beta", "soc"] {
        let css = format!("{edition}/assets/style.css");
        assert_ne!(new[&css].ino, old[&css].ino, "{css} rewritten");
        let js = format!("{edition}/assets/runbook.js");
        assert_eq!(new[&js].ino, old[&js].ino, "{js} kept");
    }
    // style.css and the 404 page, which carries the styles inline, per edition.
    let (written, _, removed) = counts(&out);
    assert_eq!((written, removed), (6, 0), "{out}");
}

#[test]
fn a_partial_rebuild_links_its_edition_and_leaves_the_others() {
    let p = Project::new();
    p.build(&[]);
    let old = stamps(&p.out);
    p.edit("clients/alpha.yaml", "name: ", "name: The ");
    let out = p.build(&["--edition", "alpha"]);
    let new = stamps(&p.out);
    for (path, stamp) in &new {
        if !path.starts_with("alpha/") {
            assert_eq!(*stamp, old[path], "{path} untouched");
        }
    }
    let (written, linked, removed) = counts(&out);
    let alpha = new.keys().filter(|k| k.starts_with("alpha/")).count();
    assert!(written > 0 && linked > 0 && removed == 0, "{out}");
    assert_eq!(written + linked, alpha, "{out}");
    // The rebuilt edition is a clean build's (the others hold nothing of
    // the client's file).
    let all = read_tree(&p.out);
    let clean = p.clean();
    for (path, bytes) in all.iter().filter(|(k, _)| k.starts_with("alpha/")) {
        assert_eq!(Some(bytes), clean.get(path), "{path}");
    }
}
