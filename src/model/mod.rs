//! The validated model: run books, phases, responsibilities, clients.
//!
//! Raw source structs become domain types here, once per build. Everything
//! downstream (editions, pages, search) reads this model and never the raw
//! YAML or Markdown again. Pure: no I/O.
//!
//! One file per thing a writer writes: `handbook` (`handbook.yaml`),
//! `client` (`clients/*.yaml`), `runbook` (front matter; the body is
//! [`markdown`]'s), the glossary below, and the checks that need the whole
//! model (`links`, `placeholder`). This module puts them together; the
//! types are re-exported here, so callers name `model::Client`, not where
//! it is validated.

pub(crate) mod attack;
pub(crate) mod calltree;
pub(crate) mod client;
pub(crate) mod contact;
pub(crate) mod glossary;
pub(crate) mod handbook;
pub(crate) mod links;
pub mod markdown;
pub mod phase;
mod placeholder;
pub(crate) mod reader;
pub mod responsibility;
pub(crate) mod runbook;
pub mod values;

pub use calltree::{Duty, Within};
pub use client::{Approval, ApprovedVersion, Client, ImageKind, Logo, Selection};
pub use contact::{Contact, Contacts};
pub use handbook::{Handbook, LintSettings};
pub use runbook::Runbook;

use crate::diag::{Code, Diagnostic, Diagnostics, SourceText, Span};
use crate::source::yaml::{Spanned, YamlText};
use crate::source::{RawRunbook, Sources};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A glossary term.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Term {
    /// The term as written.
    pub term: String,
    /// Anchor on the glossary page.
    pub slug: String,
    /// Plain definition.
    pub definition: String,
    /// Other words for it.
    pub aliases: Vec<String>,
    /// Phrases the term (or an alias) must be part of to be explained in
    /// place (`only:`); empty: anywhere.
    pub only: Vec<String>,
    /// Phrases the term (or an alias) is never explained in (`not_in:`).
    pub not_in: Vec<String>,
}

/// The whole validated handbook.
#[derive(Clone, Debug)]
pub struct Model {
    /// Site-wide settings.
    pub handbook: Handbook,
    /// Glossary terms, sorted case-insensitively.
    pub glossary: Vec<Term>,
    /// Clients, by slug.
    pub clients: Vec<Client>,
    /// Run books, by slug.
    pub runbooks: Vec<Runbook>,
}

/// Validates loaded sources into a model. Returns `None` only when
/// `handbook.yaml` is unusable; every other problem is reported and the
/// offending item left out, so one run reports as much as it can.
pub(crate) fn build(sources: &Sources) -> (Option<Model>, Diagnostics) {
    let mut diags = Diagnostics::new();
    // Run books are parsed in parallel (each once); their problems are
    // kept in file order, as a sequential pass would report them.
    let parsed: Vec<(Option<Runbook>, Diagnostics)> =
        sources.runbooks.par_iter().map(runbook_alone).collect();
    let mut runbooks: Vec<Runbook> = Vec::with_capacity(parsed.len());
    for (rb, d) in parsed {
        diags.extend(d);
        runbooks.extend(rb);
    }
    let (model, rest) = build_with(sources, runbooks);
    diags.extend(rest);
    (model, diags)
}

/// Validates one run book file on its own, before links between run books
/// are checked. Together with [`build_with`] this lets `serve` keep run
/// books it has already validated and redo only the file that changed.
pub(crate) fn runbook_alone(raw: &RawRunbook) -> (Option<Runbook>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let rb = runbook::validate(raw, &mut diags);
    (rb, diags)
}

/// Like [`build`], with run books already validated by [`runbook_alone`]
/// (in slug order); `sources.runbooks` is not read. The run books' own
/// problems are not repeated here.
pub(crate) fn build_with(
    sources: &Sources,
    mut runbooks: Vec<Runbook>,
) -> (Option<Model>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let handbook = sources
        .handbook
        .as_ref()
        .map(|h| handbook::validate(h, &sources.theme, &mut diags));
    let slugs: BTreeSet<&str> = runbooks.iter().map(|r| r.slug.as_str()).collect();
    let clients: Vec<Client> = match &handbook {
        Some(h) => sources
            .clients
            .iter()
            .filter_map(|c| client::validate(c, h, &slugs, &mut diags))
            .collect(),
        None => Vec::new(),
    };
    if let Some(h) = &sources.handbook {
        calltree::card(&h.raw.card, &slugs, YamlText::file(&h.source), &mut diags);
    }
    one_file_per_client(sources, &mut diags);
    let glossary = glossary(sources, &mut diags);
    let Some(mut handbook) = handbook else {
        return (None, diags);
    };
    links::check(&mut runbooks, &mut handbook, &clients, &mut diags);
    // Once per section, so every edition and page reuses the marks.
    glossary::mark_all(
        &glossary,
        runbooks
            .iter_mut()
            .flat_map(Runbook::sections_mut)
            .chain(std::iter::once(&mut handbook.start_here)),
    );
    let model = Model {
        handbook,
        glossary,
        clients,
        runbooks,
    };
    placeholder::check(&model, &mut diags);
    (Some(model), diags)
}

/// `acme.yaml` and `acme.yml` name one edition folder: building both would
/// mix two clients' pages in it, so the second is an error.
fn one_file_per_client(sources: &Sources, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &SourceText> = BTreeMap::new();
    for file in sources.clients.iter().map(|c| &c.file) {
        if let Some(first) = seen.insert(&file.slug, &file.source) {
            diags.push(
                Diagnostic::new(
                    Code::ReservedSlug,
                    Span::file(&file.source.path),
                    format!("`{}` is also the name of {}", file.slug, first.path.display()),
                )
                .hint("each client needs one file; merge them, or rename one (the file name is the edition's folder name)"),
            );
        }
    }
}

/// A text value, trimmed; `None` when missing or empty.
fn text_value(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Validates `glossary.yaml`: terms sorted case-insensitively, each once,
/// each with a definition.
fn glossary(sources: &Sources, diags: &mut Diagnostics) -> Vec<Term> {
    let Some(loaded) = &sources.glossary else {
        return Vec::new();
    };
    let mut terms: Vec<Term> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let yaml = YamlText::file(&loaded.source);
    for (term, raw) in &loaded.raw {
        if raw.value.definition.trim().is_empty() {
            diags.push(
                yaml.diag_at_key_start(
                    term,
                    raw,
                    Code::MissingKey,
                    format!("`{term}` has an empty definition"),
                )
                .hint("explain the term in one or two plain sentences"),
            );
            continue;
        }
        let key = term.trim().to_lowercase();
        let (line, _) = yaml.key_position(term, raw);
        if let Some(first) = seen.insert(key, line) {
            diags.push(
                yaml.diag_at_key_start(
                    term,
                    raw,
                    Code::InvalidValue,
                    format!("`{term}` is defined twice (first at line {first})"),
                )
                .hint("keep one definition"),
            );
            continue;
        }
        let mut entry = Term {
            term: term.trim().to_string(),
            slug: slug::slugify(term),
            definition: raw.value.definition.trim().to_string(),
            aliases: raw
                .value
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            only: Vec::new(),
            not_in: Vec::new(),
        };
        entry.only = glossary::phrases(&entry, "only", &raw.value.only, yaml, diags);
        entry.not_in = glossary::phrases(&entry, "not_in", &raw.value.not_in, yaml, diags);
        terms.push(entry);
    }
    terms.sort_by(|a, b| {
        a.term
            .to_lowercase()
            .cmp(&b.term.to_lowercase())
            .then(a.term.cmp(&b.term))
    });
    terms
}
