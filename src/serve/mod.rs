//! `runbook serve`: the writers' preview (SPEC §9).
//!
//! Everything lives in memory; nothing is written anywhere.
//!
//! - `site` holds one good build (a `site::Generation`): the model, the
//!   theme, and per edition the pages rendered so far. Pages are rendered on
//!   first request and kept; a new generation keeps the pages of the old one
//!   that the change cannot have touched.
//! - `build` turns the source folder into generations, re-reading every
//!   file but re-parsing only run books whose bytes changed, and works out
//!   which pages a change can reach.
//! - [`live`] is the state browsers watch: the current generation and the
//!   problems of the latest attempt, with a version number that SSE streams
//!   wait on.
//! - [`gate`] caps the connections served at once; when full, the one
//!   slowest to send its request gives way.
//! - `http` answers requests with std threads: the wire (one request head
//!   in, one answer out), routing that decides every answer without a
//!   socket (Host guard, GET and HEAD only, paths checked, the reload
//!   script injected into HTML), the preview's own pages and the event
//!   stream.
//! - `watch` turns file-system events into rebuild requests, ignoring
//!   editors' temporary files and coalescing bursts.

pub(crate) mod build;
pub mod gate;
pub(crate) mod http;
pub mod live;
pub(crate) mod site;
pub(crate) mod watch;

/// The debounce window: events are gathered this long after the last one
/// before a rebuild starts, so an editor's burst of writes is one rebuild.
pub(crate) const DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(30);

/// How often `--poll` looks at the files.
pub(crate) const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(300);
