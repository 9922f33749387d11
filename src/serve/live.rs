//! What open tabs watch: the current good generation and the problems of
//! the latest build, behind a version number that changes with either.

use super::site::{Counters, Generation};
use crate::diag::{Diagnostic, Diagnostics, Level};
use serde::Serialize;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The reload and overlay script, served at [`SCRIPT_PATH`].
pub(crate) const SCRIPT: &str = include_str!("live.js");
/// The overlay's stylesheet, served at [`STYLE_PATH`].
pub(crate) const STYLE: &str = include_str!("live.css");
/// Where the script is served (never part of an edition).
pub(crate) const SCRIPT_PATH: &str = "/__runbook/live.js";
/// Where the stylesheet is served.
pub(crate) const STYLE_PATH: &str = "/__runbook/live.css";
/// The Server-Sent Events stream.
pub(crate) const EVENTS_PATH: &str = "/__runbook/events";
/// The current status as JSON.
pub(crate) const STATUS_PATH: &str = "/__runbook/status";

/// One problem as the overlay shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Problem {
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The code, e.g. `RB012`.
    pub code: &'static str,
    /// File relative to the source folder.
    pub file: String,
    /// 1-based line (0: the whole file).
    pub line: usize,
    /// 1-based column (0: unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Problem {
    fn of(d: &Diagnostic) -> Problem {
        Problem {
            severity: match d.severity {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "note",
            },
            code: d.code.as_str(),
            file: d.span.file.to_string_lossy().replace('\\', "/"),
            line: d.span.line,
            column: d.span.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

/// The status sent to tabs.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Status {
    /// Changes whenever the generation or the problems change.
    pub version: u64,
    /// The good generation served (0: none yet).
    pub generation: u64,
    /// Errors of the latest build (empty when it was good).
    pub errors: Vec<Problem>,
    /// Files rendered since the server started.
    pub renders: u64,
    /// Rebuilds attempted since the server started.
    pub rebuilds: u64,
}

struct State {
    counters: Arc<Counters>,
    version: u64,
    site: Option<Arc<Generation>>,
    errors: Vec<Problem>,
}

/// The shared live state.
pub(crate) struct Live {
    state: Mutex<State>,
    changed: Condvar,
}

impl Live {
    /// Live state that reports `counters`.
    pub(crate) fn new(counters: Arc<Counters>) -> Self {
        Live {
            state: Mutex::new(State {
                counters,
                version: 0,
                site: None,
                errors: Vec::new(),
            }),
            changed: Condvar::new(),
        }
    }
}

impl Live {
    /// Serves a new good generation and clears the problems.
    pub(crate) fn publish(&self, site: Arc<Generation>) {
        self.update(|s| {
            s.site = Some(site);
            s.errors.clear();
        });
    }

    /// Shows problems; the current generation stays served.
    pub(crate) fn fail(&self, diags: &Diagnostics) {
        let errors: Vec<Problem> = diags
            .sorted()
            .iter()
            .filter(|d| d.severity == Level::Error)
            .map(Problem::of)
            .collect();
        self.update(|s| s.errors = errors);
    }

    /// Clears problems (the sources are back to the good build).
    pub(crate) fn clear(&self) {
        let mut changed = false;
        if let Ok(s) = self.state.lock() {
            changed = !s.errors.is_empty();
        }
        if changed {
            self.update(|s| s.errors.clear());
        }
    }

    fn update(&self, f: impl FnOnce(&mut State)) {
        if let Ok(mut s) = self.state.lock() {
            f(&mut s);
            s.version += 1;
        }
        self.changed.notify_all();
    }

    /// The generation being served.
    pub(crate) fn site(&self) -> Option<Arc<Generation>> {
        self.state.lock().ok().and_then(|s| s.site.clone())
    }

    /// The status now.
    pub(crate) fn status(&self) -> Status {
        match self.state.lock() {
            Ok(s) => status_of(&s),
            Err(_) => Status {
                version: 0,
                generation: 0,
                errors: Vec::new(),
                renders: 0,
                rebuilds: 0,
            },
        }
    }

    /// Waits until the version differs from `seen`, for at most `timeout`;
    /// `None` when it did not change.
    pub(crate) fn wait(&self, seen: u64, timeout: Duration) -> Option<Status> {
        let guard = self.state.lock().ok()?;
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.version == seen)
            .ok()?;
        (guard.version != seen).then(|| status_of(&guard))
    }
}

fn status_of(s: &State) -> Status {
    Status {
        version: s.version,
        generation: s.site.as_ref().map_or(0, |g| g.number),
        errors: s.errors.clone(),
        renders: s.counters.renders.load(Ordering::Relaxed),
        rebuilds: s.counters.rebuilds.load(Ordering::Relaxed),
    }
}

/// The tag injected into served HTML, before `</body>`.
pub(crate) fn script_tag(generation: u64) -> String {
    format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>")
}

/// Adds the reload script to an HTML page (before the last `</body>`, or at
/// the end when there is none).
pub(crate) fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = script_tag(generation);
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Removes what `inject` added (tests compare served pages with builds).
pub fn strip(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let start = text.find(&format!("<script src=\"{SCRIPT_PATH}\""));
    match start {
        Some(s) => {
            let end = text[s..]
                .find("</script>")
                .map_or(text.len(), |e| s + e + 9);
            let mut out = text[..s].to_string();
            out.push_str(&text[end..]);
            out.into_bytes()
        }
        None => html.to_vec(),
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end_and_strips_back() {
        let page = b"<html><body><p>x</p></body></html>";
        let served = inject(page, 7);
        let text = String::from_utf8(served.clone()).unwrap();
        assert!(text.ends_with("data-generation=\"7\"></script></body></html>"));
        assert_eq!(strip(&served), page.to_vec());
        let bare = inject(b"<p>no body</p>", 1);
        assert!(String::from_utf8(bare).unwrap().ends_with("</script>"));
    }
}
