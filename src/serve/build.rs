//! Incremental builds: from the source folder to a new [`Generation`].
//!
//! Every rebuild re-reads every source file (cheap) but re-parses only the
//! run books whose bytes changed since they were last parsed. What changed
//! is decided by comparing file contents with the last good generation, not
//! by trusting file-system events, so a missed or duplicated event cannot
//! leave a stale page behind.

use super::site::{picker, Bytes, Counters, Generation, Slot};
use crate::diag::{Diagnostic, Diagnostics};
use crate::edition::{self, EditionOptions, Reader};
use crate::model::values::Date;
use crate::model::{self, Model, Runbook};
use crate::render::page::{Page, Reads};
use crate::render::theme::Theme;
use crate::source::{self, Sources, ThemeFiles};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A run book as last parsed, with the bytes it was parsed from.
struct Cached {
    bytes: Vec<u8>,
    runbook: Option<Runbook>,
    diags: Vec<Diagnostic>,
}

/// The contents a generation was built from, to compare with the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Fingerprint {
    handbook: Option<String>,
    glossary: Option<String>,
    /// Client slug → file text and logo bytes.
    clients: BTreeMap<String, (String, Option<Vec<u8>>)>,
    /// Run book slug → file bytes.
    runbooks: BTreeMap<String, Vec<u8>>,
    theme: ThemeKey,
}

/// The user theme's files, as compared between builds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ThemeKey {
    dir: Option<PathBuf>,
    templates: BTreeMap<String, String>,
    statics: BTreeMap<String, Vec<u8>>,
}

impl ThemeKey {
    fn of(files: &ThemeFiles) -> ThemeKey {
        ThemeKey {
            dir: files.dir.clone(),
            templates: files
                .templates
                .iter()
                .map(|(k, v)| (k.clone(), v.text.clone()))
                .collect(),
            statics: files.statics.clone(),
        }
    }
}

/// What a rebuild did.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A new good generation, with a summary of what it re-rendered.
    Built(Arc<Generation>, Summary),
    /// Nothing a page depends on changed.
    Unchanged,
    /// The sources have errors; the last good generation stays.
    Failed(Diagnostics),
}

/// What a good rebuild changed.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// True when every page was invalidated (first build, settings, theme).
    pub full: bool,
    /// Run books whose file changed, was added or was removed.
    pub runbooks: Vec<String>,
    /// Client files that changed, were added or were removed.
    pub clients: Vec<String>,
    /// Editions kept whole (nothing in them changed).
    pub kept_editions: usize,
    /// Rendered pages dropped because the change can reach them.
    pub invalidated: usize,
    /// Rendered pages kept from the previous generation.
    pub kept_pages: usize,
    /// Time from start to the new generation being ready.
    pub took: Duration,
    /// Warnings found while building (none of them blocks serving).
    pub warnings: Diagnostics,
}

/// Builds generations from one source folder, remembering what it parsed.
pub(crate) struct GenerationBuilder {
    root: PathBuf,
    options: EditionOptions,
    runbooks: BTreeMap<PathBuf, Cached>,
    theme: Option<(ThemeKey, Arc<Theme>)>,
    good: Option<(Arc<Generation>, Fingerprint)>,
    next: u64,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation")
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

impl GenerationBuilder {
    /// A builder for `root`. `date` is the cover date override
    /// (`SOURCE_DATE_EPOCH`), as in `runbook build`.
    pub(crate) fn new(
        root: &Path,
        date: Option<Date>,
        counters: Arc<Counters>,
    ) -> GenerationBuilder {
        GenerationBuilder {
            root: root.to_path_buf(),
            options: EditionOptions {
                include_drafts: true,
                date,
                // Found once, when serve starts (docs/history.md).
                version: Some(crate::history::version(root)),
                changes: Default::default(),
            },
            runbooks: BTreeMap::new(),
            theme: None,
            good: None,
            next: 1,
            counters,
        }
    }

    /// Folders to watch besides the source folder: the user theme's, when
    /// it lives outside it.
    pub(crate) fn extra_watch_dirs(&self) -> Vec<PathBuf> {
        self.theme
            .iter()
            .filter_map(|(k, _)| k.dir.clone())
            .filter(|d| !d.starts_with(&self.root))
            .collect()
    }

    /// Reads the sources and, when they are good and differ from the last
    /// good build, makes a new generation.
    pub(crate) fn rebuild(&mut self) -> Outcome {
        let started = Instant::now();
        self.counters
            .rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (settings, mut diags) = source::load_settings(&self.root);
        let runbooks = self.runbooks(&mut diags);
        let (model, more) = model::build_with(&settings, runbooks);
        diags.extend(more);
        let Some(model) = model.filter(|_| !diags.has_errors()) else {
            return Outcome::Failed(diags);
        };
        let print = self.fingerprint(&settings, &model);
        if let Some((_, old)) = &self.good {
            if *old == print {
                return Outcome::Unchanged;
            }
        }
        let theme = match self.theme(&print.theme, &model) {
            Ok(t) => t,
            Err(d) => {
                diags.extend(d);
                return Outcome::Failed(diags);
            }
        };
        let model = Arc::new(model);
        let (generation, mut summary) = self.generation(model, theme, &print);
        if summary.full {
            // Render one whole edition now (the SOC's shows every run book) so
            // that a template that fails at render time keeps the last good
            // build, as any other error does.
            if let Err(ds) = self.validate(&generation) {
                ds.into_iter().for_each(|d| diags.push(d));
                return Outcome::Failed(diags);
            }
        }
        let generation = Arc::new(generation);
        summary.took = started.elapsed();
        summary.warnings = diags;
        self.good = Some((generation.clone(), print));
        self.next += 1;
        Outcome::Built(generation, summary)
    }

    /// The run books in slug order, re-parsing only files whose bytes
    /// changed. Their problems go into `diags`.
    fn runbooks(&mut self, diags: &mut Diagnostics) -> Vec<Runbook> {
        let files = source::runbook_files(&self.root);
        let wanted: BTreeSet<&PathBuf> = files.iter().collect();
        self.runbooks.retain(|p, _| wanted.contains(p));
        let mut out = Vec::new();
        for path in &files {
            let Ok(bytes) = source::files::read_inside(&self.root, path) else {
                // Gone, unreadable or refused: let the loader say why.
                let mut d = Diagnostics::new();
                source::load_runbook(&self.root, path, &mut d);
                diags.extend(d);
                self.runbooks.remove(path);
                continue;
            };
            let fresh = self.runbooks.get(path).is_none_or(|c| c.bytes != bytes);
            if fresh {
                let mut d = Diagnostics::new();
                let runbook = source::load_runbook(&self.root, path, &mut d).and_then(|raw| {
                    let (rb, more) = model::runbook_alone(&raw);
                    d.extend(more);
                    rb
                });
                self.runbooks.insert(
                    path.clone(),
                    Cached {
                        bytes,
                        runbook,
                        diags: d.iter().cloned().collect(),
                    },
                );
            }
            if let Some(c) = self.runbooks.get(path) {
                c.diags.iter().for_each(|d| diags.push(d.clone()));
                out.extend(c.runbook.clone());
            }
        }
        out
    }

    fn fingerprint(&self, settings: &Sources, model: &Model) -> Fingerprint {
        Fingerprint {
            handbook: settings.handbook.as_ref().map(|h| h.source.text.clone()),
            glossary: settings.glossary.as_ref().map(|g| g.source.text.clone()),
            clients: settings
                .clients
                .iter()
                .map(|c| {
                    (
                        c.file.slug.clone(),
                        (
                            c.file.source.text.clone(),
                            c.logo.as_ref().map(|l| l.1.clone()),
                        ),
                    )
                })
                .collect(),
            runbooks: model
                .runbooks
                .iter()
                .map(|rb| {
                    let bytes = self
                        .runbooks
                        .get(&self.root.join(&rb.file))
                        .map(|c| c.bytes.clone())
                        .unwrap_or_else(|| rb.source.text.clone().into_bytes());
                    (rb.slug.clone(), bytes)
                })
                .collect(),
            theme: ThemeKey::of(&settings.theme),
        }
    }

    /// The compiled theme, recompiled only when its files changed.
    fn theme(&mut self, key: &ThemeKey, model: &Model) -> Result<Arc<Theme>, Diagnostics> {
        if let Some((k, t)) = &self.theme {
            if k == key {
                return Ok(t.clone());
            }
        }
        let theme = Arc::new(Theme::load(&model.handbook.theme)?);
        self.theme = Some((key.clone(), theme.clone()));
        Ok(theme)
    }

    /// Makes the new generation, carrying over what the change cannot reach.
    fn generation(
        &self,
        model: Arc<Model>,
        theme: Arc<Theme>,
        print: &Fingerprint,
    ) -> (Generation, Summary) {
        let mut summary = Summary::default();
        let old = self.good.as_ref();
        let full = match old {
            None => true,
            Some((g, p)) => {
                p.handbook != print.handbook
                    || p.glossary != print.glossary
                    || p.theme != print.theme
                    || !Arc::ptr_eq(&g.theme, &theme)
            }
        };
        summary.full = full;
        let mut editions = BTreeMap::new();
        for slug in Reader::slugs(&model) {
            let slot = match old {
                Some((g, p)) if !full => {
                    carry(g, p, &model, print, &slug, &self.options, &mut summary)
                }
                _ => Arc::new(Slot::default()),
            };
            editions.insert(slug, slot);
        }
        if let Some((_, p)) = old {
            summary.runbooks = changed_keys(&p.runbooks, &print.runbooks);
            summary.clients = changed_keys(&p.clients, &print.clients);
        }
        let generation = Generation {
            number: self.next,
            picker: picker(&model, &self.options),
            model,
            theme,
            options: self.options.clone(),
            editions,
            counters: self.counters.clone(),
        };
        (generation, summary)
    }

    /// Renders the SOC edition whole into its slot.
    fn validate(&self, generation: &Generation) -> Result<(), Vec<Diagnostic>> {
        let Some(slot) = generation.editions.get(edition::SOC_SLUG) else {
            return Ok(());
        };
        let e = edition::edition(&generation.model, Reader::Soc, &generation.options);
        let stats = crate::render::render_edition(&e, &generation.theme, slot.as_ref())?;
        self.counters.renders.fetch_add(
            (stats.pages + stats.assets) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(())
    }
}

/// Keys whose values differ between two maps (added and removed too).
fn changed_keys<V: PartialEq>(a: &BTreeMap<String, V>, b: &BTreeMap<String, V>) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The new slot of edition `slug`: the old one whole when nothing it shows
/// changed, else the old one's pages minus those the change can reach.
fn carry(
    old: &Generation,
    old_print: &Fingerprint,
    model: &Model,
    print: &Fingerprint,
    slug: &str,
    options: &EditionOptions,
    summary: &mut Summary,
) -> Arc<Slot> {
    let fresh = || Arc::new(Slot::default());
    let Some(old_slot) = old.editions.get(slug) else {
        return fresh();
    };
    let is_client = slug != edition::SOC_SLUG;
    if is_client && old_print.clients.get(slug) != print.clients.get(slug) {
        summary.invalidated += old_slot.rendered().len();
        return fresh();
    }
    let changed = changed_keys(&old_print.runbooks, &print.runbooks);
    // The edition is in both models (its slot is carried from the old one).
    let (Ok(old_reader), Ok(new_reader)) = (
        Reader::from_slug(&old.model, slug),
        Reader::from_slug(model, slug),
    ) else {
        return fresh();
    };
    // Changed run books this edition shows, before or after.
    let touched: BTreeSet<&str> = changed
        .iter()
        .map(String::as_str)
        .filter(|s| {
            shown(&old.model, &old_reader, s, options) || shown(model, &new_reader, s, options)
        })
        .collect();
    if touched.is_empty() {
        summary.kept_editions += 1;
        summary.kept_pages += old_slot.rendered().len();
        return old_slot.clone();
    }
    let rendered = old_slot.rendered();
    if newest(&old.model, &old_reader, options) != newest(model, &new_reader, options) {
        // The cover date in every page's footer changed.
        summary.invalidated += rendered.len();
        return fresh();
    }
    // Run books whose pages must be re-rendered: the changed ones and those
    // that link to one of them (link text or address may change).
    let mut dirty: BTreeSet<String> = touched.iter().map(|s| s.to_string()).collect();
    for m in [&*old.model, model] {
        for rb in &m.runbooks {
            if links_to(rb, &touched) {
                dirty.insert(rb.slug.clone());
            }
        }
    }
    let fresh_paths = unreached_pages(&old.model, &old_reader, options, &dirty);
    let keep: HashMap<String, Bytes> = rendered
        .into_iter()
        .filter(|(path, _)| {
            let kept = fresh_paths.contains(path);
            if !kept {
                summary.invalidated += 1;
            }
            kept
        })
        .collect();
    summary.kept_pages += keep.len();
    Arc::new(Slot::with(keep))
}

/// The paths of the pages of an edition (as `reader` saw `model`) that no
/// run book in `dirty` reaches, by what each page says it reads. Every other
/// file rendered so far (a page the edit reaches, an asset such as the
/// search index) is dropped and rendered again when asked for: a file this
/// table does not know is never kept.
fn unreached_pages(
    model: &Model,
    reader: &Reader<'_>,
    options: &EditionOptions,
    dirty: &BTreeSet<String>,
) -> HashSet<String> {
    let slugs: Vec<&str> = model
        .runbooks
        .iter()
        .filter(|rb| edition::shows(reader, rb, options))
        .map(|rb| rb.slug.as_str())
        .collect();
    Page::all(slugs.len())
        .into_iter()
        .filter(|page| match page.reads() {
            Reads::Nothing => true,
            Reads::Own(i) => !dirty.contains(slugs[i]),
            Reads::Every => false,
        })
        .map(|page| page.path(&slugs))
        .collect()
}

fn shown(model: &Model, reader: &Reader<'_>, slug: &str, options: &EditionOptions) -> bool {
    model
        .runbooks
        .iter()
        .find(|rb| rb.slug == slug)
        .is_some_and(|rb| edition::shows(reader, rb, options))
}

/// The cover date an edition shows (see `edition::edition`).
fn newest(model: &Model, reader: &Reader<'_>, options: &EditionOptions) -> Option<Date> {
    options.date.or_else(|| {
        model
            .runbooks
            .iter()
            .filter(|rb| edition::shows(reader, rb, options))
            .filter_map(|rb| rb.reviewed)
            .max()
    })
}

fn links_to(rb: &Runbook, targets: &BTreeSet<&str>) -> bool {
    rb.sections()
        .flat_map(|s| s.links.iter())
        .any(|l| l.file.as_deref().is_some_and(|f| targets.contains(f)))
}
