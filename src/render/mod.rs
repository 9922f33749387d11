//! Rendering an edition into pages: pure, deterministic, parallel.
//!
//! Each edition becomes a set of `path → bytes` pages handed to a [`Sink`]
//! as soon as each is rendered, so memory does not grow with the number of
//! pages. Paths are relative to the edition folder and every link inside a
//! page is relative and names a file, so an edition works from disk.

mod card;
pub(crate) mod html;
pub mod keys;
pub(crate) mod page;
pub(crate) mod routes;
pub mod theme;
mod views;

use crate::diag::Diagnostic;
use crate::edition::Edition;
use keys::{Dep, Inputs, Key};
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

    /// The build's inputs, when the sink can keep files of a previous
    /// build by key (see [`keys`]): render then asks [`Sink::holds`]
    /// before drawing each file.
    fn inputs(&self) -> Option<&Inputs> {
        None
    }

    /// Called with a file's key before it is rendered: true when the sink
    /// already holds that file as made from the same inputs, so it is
    /// neither rendered nor put. A sink that says false is then given the
    /// file by [`Sink::put`].
    fn holds(&self, _edition: &str, _path: &str, _key: Key) -> bool {
        false
    }
}

/// What a render produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTML pages of the edition, rendered or kept.
    pub pages: usize,
    /// Other files of the edition (assets), rendered or kept.
    pub assets: usize,
    /// Bytes of HTML rendered.
    pub html_bytes: usize,
    /// Files (pages and assets) rendered; the others were kept by the
    /// sink as made from the same inputs.
    pub rendered: usize,
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

/// Renders every page and asset of an edition into `sink`, except the
/// files the sink already holds as made from the same inputs.
pub fn render_edition(
    edition: &Edition<'_>,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<Stats, Vec<Diagnostic>> {
    let all_pages = Page::all_for(edition);
    let slugs = slugs(edition);
    let keys = sink.inputs().map(|inputs| inputs.edition(edition));
    let wanted = |path: &str, dep: Dep<'_>| {
        keys.as_ref()
            .is_none_or(|k| !sink.holds(&edition.slug, path, k.key(path, dep)))
    };
    let pages: Vec<(Page, String)> = all_pages
        .iter()
        .map(|page| (*page, page.path(&slugs)))
        .filter(|(page, path)| wanted(path, Dep::of_page(*page, &slugs)))
        .collect();
    let all_assets = assets(edition, theme);
    let asset_total = all_assets.len();
    let assets: Vec<Asset<'_>> = all_assets
        .into_iter()
        .filter(|a| wanted(&a.path, a.dep))
        .collect();
    let html_bytes = AtomicUsize::new(0);
    let mut errors: Vec<Diagnostic> = Vec::new();
    if !pages.is_empty() {
        let prepared = Prepared::new(edition, theme);
        errors = pages
            .par_iter()
            .filter_map(
                |(page, path)| match views::render_page(&prepared, theme, *page) {
                    Ok(bytes) => {
                        html_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
                        sink.put(&edition.slug, path, bytes)
                            .err()
                            .map(|e| io_diagnostic(&edition.slug, path, &e))
                    }
                    Err(d) => Some(*d),
                },
            )
            .collect();
    }
    let rendered = pages.len() + assets.len();
    let made: Vec<(String, Vec<u8>)> = assets
        .into_par_iter()
        .map(|a| {
            let bytes = a.bytes(edition);
            (a.path, bytes)
        })
        .collect();
    for (path, bytes) in made {
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
        pages: all_pages.len(),
        assets: asset_total,
        html_bytes: html_bytes.into_inner(),
        rendered,
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

/// One asset of an edition, named before it is made (the search index
/// costs more than a page, and a rebuild may keep it).
struct Asset<'t> {
    path: String,
    dep: Dep<'static>,
    what: AssetKind<'t>,
}

enum AssetKind<'t> {
    /// A theme static file.
    Static(&'t [u8]),
    /// The accent stylesheet.
    EditionCss,
    /// The run book list for the side navigation.
    RunbookList,
    /// Alert routes.
    Alerts,
    /// The search index.
    SearchIndex,
    /// The client's logo.
    Logo,
}

impl Asset<'_> {
    fn bytes(&self, edition: &Edition<'_>) -> Vec<u8> {
        match self.what {
            AssetKind::Static(b) => b.to_vec(),
            AssetKind::EditionCss => views::edition_css(edition).into_bytes(),
            AssetKind::RunbookList => views::runbook_list_js(edition).into_bytes(),
            AssetKind::Alerts => routes::json(edition),
            AssetKind::SearchIndex => crate::search::script(edition),
            AssetKind::Logo => edition.logo.map(|l| l.bytes.clone()).unwrap_or_default(),
        }
    }
}

/// The edition's assets: theme statics, the accent stylesheet, the search
/// index, the logo; each with what it reads of the run books.
fn assets<'t>(edition: &Edition<'_>, theme: &'t Theme) -> Vec<Asset<'t>> {
    let mut out: Vec<Asset<'t>> = Vec::new();
    let mut add = |path: &str, dep: Dep<'static>, what: AssetKind<'t>| {
        out.push(Asset {
            path: path.to_string(),
            dep,
            what,
        });
    };
    add("assets/edition.css", Dep::Nothing, AssetKind::EditionCss);
    add(RUNBOOK_LIST_JS, Dep::Every, AssetKind::RunbookList);
    add(ALERTS_JSON, Dep::Every, AssetKind::Alerts);
    add(
        crate::search::INDEX_PATH,
        Dep::Every,
        AssetKind::SearchIndex,
    );
    if let Some(logo) = edition.logo {
        add(
            &format!("assets/logo.{}", logo.extension),
            Dep::Nothing,
            AssetKind::Logo,
        );
    }
    // A theme file named like a file runbook makes (`runbooks.js`,
    // `search-index.js`, `edition.css`, the logo) is not published: the
    // made one is, as it always was (it used to be written over it).
    let statics: Vec<Asset<'t>> = theme
        .statics
        .iter()
        .map(|(n, b)| Asset {
            path: format!("assets/{n}"),
            dep: Dep::Nothing,
            what: AssetKind::Static(b),
        })
        .filter(|a| !out.iter().any(|made| made.path == a.path))
        .collect();
    statics.into_iter().chain(out).collect()
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
        assets: assets(edition, theme)
            .into_iter()
            .map(|a| {
                let bytes = a.bytes(edition);
                (a.path, bytes)
            })
            .collect(),
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
