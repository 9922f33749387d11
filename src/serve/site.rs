//! One good build held in memory, rendered page by page on demand.

use crate::diag::Diagnostic;
use crate::edition::{self, EditionOptions, Reader};
use crate::model::Model;
use crate::render::theme::Theme;
use crate::render::{OnDemand, Sink};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A rendered file, shared between generations that agree on it.
pub(crate) type Bytes = Arc<Vec<u8>>;

/// One edition's files: rendered on first request and kept.
#[derive(Default)]
pub(crate) struct Slot {
    prepared: OnceLock<OnDemand>,
    memo: Mutex<HashMap<String, Bytes>>,
}

impl Slot {
    /// A slot that starts with `files` already rendered.
    pub(crate) fn with(files: HashMap<String, Bytes>) -> Slot {
        Slot {
            prepared: OnceLock::new(),
            memo: Mutex::new(files),
        }
    }

    /// The files rendered so far.
    pub(crate) fn rendered(&self) -> HashMap<String, Bytes> {
        self.memo.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

impl Slot {
    /// The edition prepared for rendering on demand, made on first use.
    fn prepared(&self, g: &Generation, reader: Reader<'_>) -> &OnDemand {
        self.prepared.get_or_init(|| {
            let e = edition::edition(&g.model, reader, &g.options);
            crate::render::on_demand(&e, &g.theme)
        })
    }
}

impl Sink for Slot {
    fn put(&self, _edition: &str, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if let Ok(mut m) = self.memo.lock() {
            m.insert(path.to_string(), Arc::new(bytes));
        }
        Ok(())
    }
}

/// What the edition picker says about an edition.
#[derive(Clone, Debug)]
pub(crate) struct EditionEntry {
    /// Edition slug (the first path segment).
    pub slug: String,
    /// Client name, or "SOC team".
    pub name: String,
    /// Run books the edition shows, drafts included.
    pub runbooks: usize,
    /// `(slug, title)` of the draft run books it shows.
    pub drafts: Vec<(String, String)>,
}

/// The answer for one path of an edition.
pub(crate) enum Lookup {
    /// The file's bytes.
    Found(Bytes),
    /// The edition has no such file.
    Missing,
    /// The template failed on this page.
    Failed(Box<Diagnostic>),
}

/// Counts pages rendered, so tests and the output can tell what a change
/// re-rendered.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Files rendered (pages and assets) since the server started.
    pub renders: AtomicU64,
    /// Rebuilds attempted (each read of the sources after a change).
    pub rebuilds: AtomicU64,
}

/// One good build of the sources.
pub(crate) struct Generation {
    /// Increases with every good build; pages carry it so a tab can tell it
    /// is out of date.
    pub number: u64,
    /// The validated model.
    pub model: Arc<Model>,
    /// The compiled theme.
    pub theme: Arc<Theme>,
    /// Edition options (drafts included).
    pub options: EditionOptions,
    /// Editions by slug.
    pub editions: BTreeMap<String, Arc<Slot>>,
    /// The picker's list, clients by slug then the SOC edition.
    pub picker: Vec<EditionEntry>,
    /// Shared counters.
    pub counters: Arc<Counters>,
}

impl Generation {
    /// The file at `path` in `edition`, rendered now if it was not yet.
    pub(crate) fn file(&self, edition: &str, path: &str) -> Lookup {
        let Some((slot, reader)) = self.slot(edition) else {
            return Lookup::Missing;
        };
        if let Some(b) = slot.memo.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Lookup::Found(b);
        }
        let prepared = slot.prepared(self, reader);
        match prepared.render_page(&self.theme, path) {
            None => Lookup::Missing,
            Some(Err(d)) => Lookup::Failed(Box::new(d)),
            Some(Ok(bytes)) => {
                self.counters.renders.fetch_add(1, Ordering::Relaxed);
                let bytes = Arc::new(bytes);
                if let Ok(mut m) = slot.memo.lock() {
                    m.insert(path.to_string(), bytes.clone());
                }
                Lookup::Found(bytes)
            }
        }
    }

    /// The slot and reader of an edition slug; `None` for a slug that is
    /// no edition of this build (never another reader's pages).
    fn slot(&self, slug: &str) -> Option<(&Slot, Reader<'_>)> {
        let slot = self.editions.get(slug)?;
        let reader = Reader::from_slug(&self.model, slug).ok()?;
        Some((slot, reader))
    }
}

/// The picker's entries for a model.
pub(crate) fn picker(model: &Model, options: &EditionOptions) -> Vec<EditionEntry> {
    Reader::all(model)
        .iter()
        .map(|r| {
            let shown: Vec<_> = model
                .runbooks
                .iter()
                .filter(|rb| edition::shows(r, rb, options))
                .collect();
            EditionEntry {
                slug: r.slug().to_string(),
                name: r.name().to_string(),
                runbooks: shown.len(),
                drafts: shown
                    .iter()
                    .filter(|rb| rb.draft)
                    .map(|rb| (rb.slug.clone(), rb.title.clone()))
                    .collect(),
            }
        })
        .collect()
}
