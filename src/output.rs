//! Writing editions atomically.
//!
//! Pages are written into a staging folder beside `--out`; only when every
//! edition rendered without error is the staging folder swapped in. A failed
//! build removes its staging folder and leaves the previous output exactly
//! as it was; a good build leaves no stale files (the old folder is removed
//! whole) and no temporary folders.

use crate::render::Sink;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A staging folder that pages are written into.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder beside `out`.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            committed: false,
        })
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Swaps the staging folder in as the whole output folder.
    pub fn commit_all(mut self) -> io::Result<()> {
        let old = sibling(&self.out, "old");
        if self.out.exists() {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            if old.exists() {
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Swaps in only the named editions, leaving other editions in the
    /// output folder as they were (for `build --client`).
    pub fn commit_editions(mut self, editions: &[String]) -> io::Result<()> {
        fs::create_dir_all(&self.out)?;
        for slug in editions {
            let staged = self.dir.join(slug);
            let target = self.out.join(slug);
            let old = sibling(&target, "old");
            if target.exists() {
                fs::rename(&target, &old)?;
            }
            fs::rename(&staged, &target)?;
            if old.exists() {
                fs::remove_dir_all(&old)?;
            }
        }
        self.committed = true;
        fs::remove_dir_all(&self.dir)?;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

impl Sink for Staging {
    fn put(&self, edition: &str, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let target = self.dir.join(edition).join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)
    }
}

/// Checks that replacing `out` cannot destroy anything runbook did not
/// write: it must not hold the sources, and every entry in it must be an
/// edition folder (output never has other files at its root).
pub fn check_safe_to_replace(out: &Path, source: &Path) -> Result<(), String> {
    let canon = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if out.exists() {
        let (o, s) = (canon(out), canon(source));
        if s.starts_with(&o) {
            return Err(format!(
                "the output folder `{}` contains the source folder; choose another --out",
                out.display()
            ));
        }
        if !out.is_dir() {
            return Err(format!("`{}` exists and is not a folder", out.display()));
        }
        let entries =
            fs::read_dir(out).map_err(|e| format!("cannot read `{}`: {e}", out.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let looks_like_edition = path.is_dir() && path.join("index.html").is_file();
            if !looks_like_edition {
                return Err(format!(
                    "`{}` holds `{}`, which runbook did not write; refusing to replace it",
                    out.display(),
                    entry.file_name().to_string_lossy()
                ));
            }
        }
    }
    Ok(())
}
