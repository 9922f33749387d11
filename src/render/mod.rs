//! Rendering an edition into pages: pure, deterministic, parallel.
//!
//! Each edition becomes a set of `path → bytes` pages handed to a [`Sink`]
//! as soon as each is rendered, so memory does not grow with the number of
//! pages. Paths are relative to the edition folder and every link inside a
//! page is relative and names a file, so an edition works from disk.

mod card;
pub(crate) mod html;
pub(crate) mod page;
pub(crate) mod routes;
pub mod theme;
mod views;

use crate::diag::Diagnostic;
use crate::edition::Edition;
pub(crate) use page::Page;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use theme::Theme;
use views::Prepared;

/// Where rendered pages go: files in a staging folder, or memory in serve.
pub trait Sink: Sync {
    /// Stores one file of an edition. `path` uses `/` and is relative to the
    /// edition folder.
    fn put(&self, edition: &str, path: &str, bytes: Vec<u8>) -> std::io::Result<()>;
}

/// What a render produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTML pages written.
    pub pages: usize,
    /// Other files written (assets).
    pub assets: usize,
    /// Bytes of HTML written.
    pub html_bytes: usize,
}

/// The run books' slugs of an edition, in its order: what pages name run
/// books by (see [`Page`]).
fn slugs<'m>(edition: &Edition<'m>) -> Vec<&'m str> {
    edition.runbooks.iter().map(|rb| rb.slug).collect()
}

/// The edition's run books (slug and title) as a script, for the side
/// navigation (layout.js): one file, not a copy of the list in every page.
pub const RUNBOOK_LIST_JS: &str = "assets/runbooks.js";

/// Where each edition's routes from alerts to run books are written.
pub(crate) const ALERTS_JSON: &str = "alerts.json";

/// Renders every page and asset of an edition into `sink`.
pub fn render_edition(
    edition: &Edition<'_>,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<Stats, Vec<Diagnostic>> {
    let prepared = Prepared::new(edition, theme);
    let pages = Page::all_for(edition);
    let slugs = slugs(edition);
    let html_bytes = AtomicUsize::new(0);
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|page| {
            let path = page.path(&slugs);
            match views::render_page(&prepared, theme, *page) {
                Ok(bytes) => {
                    html_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
                    sink.put(&edition.slug, &path, bytes)
                        .err()
                        .map(|e| io_diagnostic(&edition.slug, &path, &e))
                }
                Err(d) => Some(*d),
            }
        })
        .collect();
    let mut errors = errors;
    let assets = assets(edition, theme);
    let asset_count = assets.len();
    for (path, bytes) in assets {
        if let Err(e) = sink.put(&edition.slug, &path, bytes) {
            errors.push(io_diagnostic(&edition.slug, &path, &e));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.span.cmp(&b.span));
        errors.dedup();
        return Err(errors);
    }
    Ok(Stats {
        pages: pages.len(),
        assets: asset_count,
        html_bytes: html_bytes.into_inner(),
    })
}

fn io_diagnostic(edition: &str, path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        crate::diag::Code::Unreadable,
        crate::diag::Span::file(format!("{edition}/{path}")),
        format!("cannot write this output file: {e}"),
    )
    .hint("check that the output folder is writable and the disk is not full")
}

/// The edition's assets: theme statics, the accent stylesheet, the search
/// index, the logo.
fn assets(edition: &Edition<'_>, theme: &Theme) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = theme
        .statics
        .iter()
        .map(|(n, b)| (format!("assets/{n}"), b.clone()))
        .collect();
    out.push((
        "assets/edition.css".into(),
        views::edition_css(edition).into_bytes(),
    ));
    out.push((
        RUNBOOK_LIST_JS.to_string(),
        views::runbook_list_js(edition).into_bytes(),
    ));
    out.push((ALERTS_JSON.to_string(), routes::json(edition)));
    out.push((
        crate::search::INDEX_PATH.to_string(),
        crate::search::script(edition),
    ));
    if let Some(logo) = edition.logo {
        out.push((
            format!("assets/logo.{}", logo.extension),
            logo.bytes.clone(),
        ));
    }
    out
}

/// An edition made ready to render any one of its files when asked for it
/// (`serve` renders pages on first request). The bytes of each file equal
/// what [`render_edition`] writes for it.
pub(crate) struct OnDemand {
    prepared: Prepared,
    pages: std::collections::BTreeMap<String, Page>,
    assets: std::collections::BTreeMap<String, Vec<u8>>,
}

/// Prepares an edition for [`OnDemand::render_page`]: computes what pages share,
/// the page paths, and the assets (including the search index).
pub(crate) fn on_demand(edition: &Edition<'_>, theme: &Theme) -> OnDemand {
    let slugs = slugs(edition);
    OnDemand {
        prepared: Prepared::new(edition, theme),
        pages: Page::all_for(edition)
            .into_iter()
            .map(|p| (p.path(&slugs), p))
            .collect(),
        assets: assets(edition, theme).into_iter().collect(),
    }
}

impl OnDemand {
    /// The file at `path` (relative to the edition folder): `None` when the
    /// edition has no such file, else its bytes or the template's error.
    pub(crate) fn render_page(
        &self,
        theme: &Theme,
        path: &str,
    ) -> Option<Result<Vec<u8>, Diagnostic>> {
        if let Some(bytes) = self.assets.get(path) {
            return Some(Ok(bytes.clone()));
        }
        let page = *self.pages.get(path)?;
        Some(views::render_page(&self.prepared, theme, page).map_err(|d| *d))
    }
}
