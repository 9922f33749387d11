//! Opening and listing source files so that nothing from outside a root
//! folder is ever read, and nothing unreadable passes for "not there".
//!
//! Every file runbook reads from the sources or a theme goes through
//! [`read_inside`]: a path that resolves (through symlinks) outside its root
//! is refused before a byte of it is read, so neither a page nor an error
//! message can quote it (a `logo.png` linked to `/etc/shadow` would
//! otherwise be published, and a run book linked to it would be quoted in
//! CI logs). Special files (FIFOs, devices, sockets) are refused too: a FIFO
//! would hang the build. Listings go through [`list`], which reports a
//! folder it cannot read instead of treating it as empty.

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a source file was not read.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The path resolves outside its root; the resolved path.
    Outside(PathBuf),
    /// Not a regular file: what it is instead ("a FIFO", "a folder"…).
    Special(&'static str),
    /// The operating system's reason.
    Io(io::Error),
}

impl Refusal {
    /// The diagnostic code: RB008 for a link out of the root, RB001 else.
    pub(crate) fn code(&self) -> Code {
        match self {
            Refusal::Outside(_) => Code::OutsideLink,
            Refusal::Special(_) | Refusal::Io(_) => Code::Unreadable,
        }
    }

    /// One sentence saying what is wrong; `root` names the folder the file
    /// must stay in ("the source folder", "the theme folder").
    pub(crate) fn message(&self, root: &str) -> String {
        match self {
            Refusal::Outside(target) => format!(
                "this is a link to `{}`, outside {root}; runbook does not read it",
                target.display()
            ),
            Refusal::Special(what) => {
                format!("this is {what}, not a regular file; runbook does not read it")
            }
            Refusal::Io(e) => format!("cannot read this file: {e}"),
        }
    }

    /// How to fix it.
    pub(crate) fn hint(&self, root: &str) -> String {
        match self {
            Refusal::Outside(_) => format!(
                "copy the file into {root} instead of linking to it (links that stay inside {root} are fine)"
            ),
            Refusal::Special(_) => "replace it with a plain file, or remove it".to_string(),
            Refusal::Io(_) => "check that the file exists and is readable".to_string(),
        }
    }

    /// The whole diagnostic for a file shown as `shown`.
    pub(crate) fn diagnostic(&self, shown: &Path, root: &str) -> Diagnostic {
        Diagnostic::new(self.code(), Span::file(shown), self.message(root)).hint(self.hint(root))
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Refusal {
        Refusal::Io(e)
    }
}

/// Reads `path` whole when it is a regular file that resolves inside `root`
/// (symlinks included). Nothing is read otherwise.
pub(crate) fn read_inside(root: &Path, path: &Path) -> Result<Vec<u8>, Refusal> {
    let resolved = path.canonicalize()?;
    let root = root.canonicalize()?;
    if !resolved.starts_with(&root) {
        return Err(Refusal::Outside(resolved));
    }
    check_regular(&std::fs::metadata(&resolved)?)?;
    let mut file = std::fs::File::open(&resolved)?;
    // Checked again on the open file, in case it was swapped since.
    check_regular(&file.metadata()?)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// True when `path` resolves inside `root` (both must exist).
pub(crate) fn is_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(r), Ok(p)) => p.starts_with(r),
        _ => false,
    }
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), Refusal> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(Refusal::Special(kind(&meta.file_type())))
    }
}

/// What a file that is not a regular file is, in words.
fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// True when something (even a dangling link) is at `path`. Only "no such
/// file" counts as absent: any other error means something is there that
/// could not be looked at, which the reader then reports.
pub(crate) fn present(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(_) => true,
        Err(e) => e.kind() != io::ErrorKind::NotFound,
    }
}

/// How deep [`list`] looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Only files directly inside the folder.
    Flat,
    /// Every file below the folder.
    Deep,
}

/// The regular files (symlinks followed) in `dir` whose name is not hidden
/// and passes `wanted`, sorted by path. A missing `dir` is empty; one that
/// is not a folder or cannot be read, and entries that cannot be looked at
/// (dangling or looping links, no permission) or that `wanted` accepts but
/// are not regular files, are reported with the path and the reason. A
/// linked folder that leads outside `root` is reported, never entered.
pub(crate) fn list(
    dir: &Path,
    root: &Path,
    root_name: &str,
    shown_root: &Path,
    depth: Depth,
    wanted: &dyn Fn(&Path) -> bool,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let shown = |p: &Path| super::rel(shown_root, p);
    if !present(dir) {
        return Vec::new();
    }
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            diags.push(
                Diagnostic::new(
                    Code::Unreadable,
                    Span::file(shown(dir)),
                    "this should be a folder, but it is a file",
                )
                .hint("move the file away and put a folder here"),
            );
            return Vec::new();
        }
        Err(e) => {
            diags.push(folder_error(&shown(dir), &e));
            return Vec::new();
        }
    }
    let mut walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name();
    if depth == Depth::Flat {
        walk = walk.max_depth(1);
    }
    let mut refused = Vec::new();
    let entries = walk.into_iter().filter_entry(|e| {
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        // A linked folder is entered only when it stays inside the root
        // (a flat listing enters no folder, so any link may sit there).
        let leaves = depth == Depth::Deep
            && e.path_is_symlink()
            && e.file_type().is_dir()
            && !is_inside(root, e.path());
        if leaves && !hidden {
            refused.push(e.path().to_path_buf());
        }
        !hidden && !leaves
    });
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if wanted(e.path()) {
                    out.push(e.into_path());
                }
            }
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                if wanted(e.path()) {
                    let what = kind(&e.file_type());
                    diags.push(Refusal::Special(what).diagnostic(&shown(e.path()), root_name));
                }
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                // Other entries are none of this listing's business (the
                // `clients` link in the source folder, when listing run books).
                if path != dir && !wanted(&path) {
                    continue;
                }
                let reason = match (e.loop_ancestor(), e.io_error()) {
                    (Some(_), _) => "a link that loops back to a folder above it".to_string(),
                    (None, Some(io)) => io.to_string(),
                    (None, None) => e.to_string(),
                };
                diags.push(
                    Diagnostic::new(
                        Code::Unreadable,
                        Span::file(shown(&path)),
                        format!("cannot read this: {reason}"),
                    )
                    .hint(
                        "fix or remove it: runbook does not guess what an unreadable entry holds",
                    ),
                );
            }
        }
    }
    for path in refused {
        let target = path.canonicalize().unwrap_or_else(|_| path.clone());
        diags.push(Refusal::Outside(target).diagnostic(&shown(&path), root_name));
    }
    out
}

fn folder_error(shown: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::Unreadable,
        Span::file(shown),
        format!("cannot read this folder: {e}"),
    )
    .hint("check that the folder exists and is readable; runbook does not take an unreadable folder for an empty one")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_read_and_links_outside_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.txt"), "inside").unwrap();
        std::fs::write(dir.path().join("secret"), "outside").unwrap();
        symlink(root.join("a.txt"), root.join("in.txt")).unwrap();
        symlink(dir.path().join("secret"), root.join("out.txt")).unwrap();
        assert_eq!(read_inside(&root, &root.join("in.txt")).unwrap(), b"inside");
        assert!(matches!(
            read_inside(&root, &root.join("out.txt")),
            Err(Refusal::Outside(_))
        ));
        assert!(matches!(
            read_inside(&root, &root.join("../secret")),
            Err(Refusal::Outside(_))
        ));
    }

    #[test]
    fn special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_inside(dir.path(), dir.path()),
            Err(Refusal::Special("a folder"))
        ));
        assert!(matches!(
            read_inside(Path::new("/"), Path::new("/dev/null")),
            Err(Refusal::Special("a device"))
        ));
    }
}
