//! Watching the sources: file-system events (or polling) become rebuild
//! requests on a channel.
//!
//! Events only say *that* something may have changed; the builder compares
//! contents to find *what*. So the watcher can be generous: any event on a
//! path that is not an editor's temporary file asks for a rebuild, and bursts
//! are coalesced by the debouncer and again by the receiver.

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};

/// A rebuild request: the paths that changed (for the output only), or a
/// watcher error to report.
#[derive(Debug)]
pub(crate) enum Change {
    /// Files changed.
    Paths(Vec<PathBuf>),
    /// The watcher reported a problem.
    Error(String),
}

/// A running watcher; dropping it stops watching.
pub(crate) enum Watcher {
    /// Native events (inotify, FSEvents, …).
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    /// Polling, for file systems whose events do not arrive.
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Watcher {
    /// Starts watching `dirs` recursively; changes arrive on the receiver.
    pub(crate) fn start(
        dirs: &[PathBuf],
        poll: bool,
    ) -> Result<(Watcher, Receiver<Change>), String> {
        let (tx, rx) = channel();
        let handler = move |r: DebounceEventResult| forward(&tx, r);
        let mut w = if poll {
            let config = notify::Config::default()
                .with_poll_interval(super::POLL_INTERVAL)
                .with_compare_contents(true);
            Watcher::Poll(
                new_debouncer_opt(
                    super::DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    config,
                )
                .map_err(|e| format!("cannot start polling: {e}"))?,
            )
        } else {
            Watcher::Native(
                new_debouncer_opt(
                    super::DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    notify::Config::default(),
                )
                .map_err(|e| format!("cannot watch the sources: {e}"))?,
            )
        };
        for d in dirs {
            w.add(d)?;
        }
        Ok((w, rx))
    }

    /// Watches one more folder (recursively).
    pub(crate) fn add(&mut self, dir: &Path) -> Result<(), String> {
        let r = match self {
            Watcher::Native(d) => d.watch(dir, RecursiveMode::Recursive),
            Watcher::Poll(d) => d.watch(dir, RecursiveMode::Recursive),
        };
        r.map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))
    }
}

fn forward(tx: &Sender<Change>, r: DebounceEventResult) {
    let msg = match r {
        Ok(events) => {
            // Reads show up as access events (the builder's own reads too),
            // so only creations, changes and removals count.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .flat_map(|e| e.paths.iter())
                .filter(|p| !ignored(p))
                .cloned()
                .collect();
            if paths.is_empty() {
                return;
            }
            paths.sort();
            paths.dedup();
            Change::Paths(paths)
        }
        Err(errors) => Change::Error(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ),
    };
    let _ = tx.send(msg);
}

/// True for editors' swap, backup and temporary files, which never hold
/// sources: `.swp`/`.swx`/`.swo` and other hidden files, `name~`, `#name#`,
/// `.#name`, Vim's `4913` probe, JetBrains' `___jb_tmp___`/`___jb_old___`,
/// and `.tmp`/`.crdownload` partial files.
pub(crate) fn ignored(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload"]
            .iter()
            .any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::ignored;
    use std::path::Path;

    #[test]
    fn ignores_editor_files_only() {
        for name in [
            ".phishing.md.swp",
            "phishing.md~",
            "#phishing.md#",
            ".#phishing.md",
            "4913",
            "phishing.md___jb_tmp___",
            "phishing.md___jb_old___",
            "x.swx",
            "phishing.md.tmp",
        ] {
            assert!(ignored(Path::new(name)), "{name}");
        }
        for name in ["phishing.md", "handbook.yaml", "clients", "logo.png"] {
            assert!(!ignored(Path::new(name)), "{name}");
        }
    }
}
