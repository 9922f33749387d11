//! The handbook's life in git (SPEC §10): which revision of the sources a
//! build shows, and what changed in a client's edition since the revision
//! the client approved.
//!
//! "What the client read at version V" is computed by reading the source
//! folder's files at V from the repository into a temporary folder,
//! loading and validating them with the same code as today, and taking the
//! same reader's edition of both; [`diff::compare`] compares the two
//! editions. Comparing editions (the privacy boundary) is what keeps
//! SOC-only text and other clients' details out of the result.

pub mod diff;
pub mod repo;

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::edition::changes::Changes;
use crate::edition::{self, EditionOptions, Reader};
use crate::model::{ApprovedVersion, Model};
use repo::{Files, Repo, RevError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What footers say for sources outside any git repository.
pub const UNVERSIONED: &str = "unversioned";

/// The sources' revision for footers: HEAD's tag or short commit, with
/// " + uncommitted changes" when the source folder differs from HEAD, or
/// [`UNVERSIONED`] outside a repository (or when it cannot be read).
pub fn version(source: &Path) -> String {
    match Repo::discover(source) {
        Ok(Some(repo)) => repo.version().unwrap_or_else(|_| UNVERSIONED.to_string()),
        Ok(None) | Err(_) => UNVERSIONED.to_string(),
    }
}

/// What changed in each approving client's edition since the version it
/// approved, by client slug; problems (a version the repository does not
/// have, a folder outside git) as diagnostics at `approved.version`.
pub fn approvals(model: &Model, source: &Path) -> (BTreeMap<String, Arc<Changes>>, Diagnostics) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let wanted: Vec<(&str, &ApprovedVersion)> = model
        .clients
        .iter()
        .filter_map(|c| {
            c.approved
                .as_ref()
                .and_then(|a| a.version.as_ref())
                .map(|v| (c.slug.as_str(), v))
        })
        .collect();
    if wanted.is_empty() {
        return (out, diags);
    }
    let repo = match Repo::discover(source) {
        Ok(Some(r)) => r,
        Ok(None) => {
            for (_, v) in wanted {
                diags.push(outside_git(v));
            }
            return (out, diags);
        }
        Err(e) => {
            for (_, v) in wanted {
                diags.push(
                    v.problem(
                        Code::NoRepository,
                        format!("the sources' git repository cannot be read: {e}"),
                    )
                    .hint("the changes page is left out until the repository can be read"),
                );
            }
            return (out, diags);
        }
    };
    // Clients that approved the same revision share its model.
    let mut loaded: BTreeMap<String, Result<(Then, String), Box<Diagnostic>>> = BTreeMap::new();
    for (slug, v) in wanted {
        let then = loaded
            .entry(v.rev.clone())
            .or_insert_with(|| then(&repo, v));
        match then {
            Ok((then, commit)) => {
                let reader = Reader::from_slug(model, slug).ok();
                if let Some(reader) = reader {
                    let mut changes = compare_with(model, then.model.as_ref(), reader);
                    changes.since = v.rev.clone();
                    changes.since_commit = commit.clone();
                    if !changes.is_empty() && model.handbook.lint.changes_since_approval {
                        diags.push(
                            v.problem(
                                Code::ChangedSinceApproval,
                                format!(
                                    "{}: {} (approved version `{}`)",
                                    reader.name(),
                                    changes.headline().replacen("you approved", "they approved", 1),
                                    v.rev
                                ),
                            )
                            .hint(format!(
                                "send the client `runbook changes --edition {slug}` and ask them to approve again, then update `approved`"
                            )),
                        );
                    }
                    out.insert(slug.to_string(), Arc::new(changes));
                }
            }
            Err(d) => {
                let mut d = (**d).clone();
                // The same revision may be written in several client files.
                let at = v.problem(d.code, d.message.clone());
                d.span = at.span;
                d.source_line = at.source_line;
                diags.push(d);
            }
        }
    }
    (out, diags)
}

/// What changed in `reader`'s edition since `rev` (`runbook changes
/// --since`); the problem, when the revision cannot be read.
pub fn changes_since(
    model: &Model,
    source: &Path,
    reader: Reader<'_>,
    rev: &str,
) -> Result<Changes, String> {
    let repo = match Repo::discover(source) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Err(format!(
                "the source folder `{}` is not in a git repository, so there is no earlier version to compare with",
                source.display()
            ))
        }
        Err(e) => return Err(format!("the sources' git repository cannot be read: {e}")),
    };
    let (commit, short) = repo.resolve(rev).map_err(|e| match e {
        RevError::NotFound => not_found_message(rev),
        RevError::Broken(e) => e,
    })?;
    let files = repo.files_at(commit).map_err(|e| match e {
        RevError::NotFound => not_found_message(rev),
        RevError::Broken(e) => e,
    })?;
    let then = Then::load(&files)?;
    let mut changes = compare_with(model, then.model.as_ref(), reader);
    changes.since = rev.to_string();
    changes.since_commit = short;
    Ok(changes)
}

fn not_found_message(rev: &str) -> String {
    format!("`{rev}` is not a tag or commit of the sources' git repository")
}

/// The hint for a revision that is not there: most often a shallow clone.
pub const NOT_FOUND_HINT: &str = "name a tag or commit that exists (`git log --oneline`, `git tag`); in CI, check out the whole history (actions/checkout with `fetch-depth: 0`): a shallow clone has no older commits";

fn outside_git(v: &ApprovedVersion) -> Diagnostic {
    v.problem(
        Code::NoRepository,
        format!(
            "`approved.version: {}` cannot be compared: the source folder is not in a git repository",
            v.rev
        ),
    )
    .hint("build from a git checkout of the sources (with its history) to get the changes page; without one the handbook is built without it")
}

/// The sources at an approved revision, loaded as today's sources are.
struct Then {
    model: Option<Model>,
}

impl Then {
    /// Writes `files` into a temporary folder and loads it with the same
    /// code as today's sources, so the comparison is of what readers saw.
    fn load(files: &Files) -> Result<Then, String> {
        let dir = tempfile::Builder::new()
            .prefix("runbook-history-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        for (path, bytes) in files {
            // Paths come from git trees: no `..` or absolute parts can
            // be written by git, but never trust them to stay inside.
            if path
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
            {
                continue;
            }
            let target = dir.path().join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot write a temporary file: {e}"))?;
            }
            std::fs::write(&target, bytes)
                .map_err(|e| format!("cannot write a temporary file: {e}"))?;
        }
        // Problems in old sources are not today's problems: only the model
        // matters, and a model with errors still holds what it could read.
        let (model, _) = crate::load(dir.path());
        Ok(Then { model })
    }
}

/// Loads the revision a client approved, or the problem at its
/// `approved.version`.
fn then(repo: &Repo, v: &ApprovedVersion) -> Result<(Then, String), Box<Diagnostic>> {
    let (commit, short) = repo.resolve(&v.rev).map_err(|e| {
        Box::new(match e {
            // A shallow clone lacks old commits by design: the page is left
            // out with a warning rather than failing the build.
            RevError::NotFound if repo.is_shallow() => v
                .problem(
                    Code::UnknownVersion,
                    format!(
                        "`{}` is not in this shallow clone of the sources' repository, so the changes page is left out",
                        v.rev
                    ),
                )
                .severity(crate::diag::Level::Warning)
                .hint(NOT_FOUND_HINT),
            RevError::NotFound => v
                .problem(Code::UnknownVersion, not_found_message(&v.rev))
                .hint(NOT_FOUND_HINT),
            RevError::Broken(e) => v.problem(
                Code::UnknownVersion,
                format!("`{}` cannot be read from the repository: {e}", v.rev),
            ),
        })
    })?;
    let files = repo.files_at(commit).map_err(|e| {
        let why = match e {
            RevError::NotFound => "not found".to_string(),
            RevError::Broken(e) => e,
        };
        Box::new(v.problem(
            Code::UnknownVersion,
            format!("the sources at `{}` cannot be read: {why}", v.rev),
        ))
    })?;
    let then = Then::load(&files).map_err(|e| {
        Box::new(Diagnostic::new(
            Code::Unreadable,
            Span::file(PathBuf::from(&v.rev)),
            e,
        ))
    })?;
    Ok((then, short))
}

/// The reader's edition now against the same reader's edition in `old`
/// (`None` or a model without that reader: everything is new).
fn compare_with(model: &Model, old: Option<&Model>, reader: Reader<'_>) -> Changes {
    let options = EditionOptions::default();
    let now = edition::edition(model, reader, &options);
    let before = old.and_then(|m| {
        Reader::from_slug(m, reader.slug())
            .ok()
            .map(|r| edition::edition(m, r, &options))
    });
    diff::compare(before.as_ref(), &now)
}
