//! Who reads an edition: one client, or the SOC team.
//!
//! This is the one place that says which editions exist, what each is
//! called, and which run books each reader sees. Editions, lints, link and
//! placeholder checks, `build --edition` and `serve` all ask it. A slug that
//! names no reader is an error, never a default reader: at a privacy
//! boundary the safe default is nobody.

use super::values::Audience;
use super::{Client, Model, Runbook};
use std::fmt;

pub use super::values::SOC_SLUG;

/// The SOC edition's name in words.
const SOC_NAME: &str = "SOC team";

/// Who an edition is for.
#[derive(Clone, Copy, Debug)]
pub enum Reader<'m> {
    /// A client of the model.
    Client(&'m Client),
    /// The SOC team.
    Soc,
}

/// An edition slug that names no reader of the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownReader {
    /// The slug asked for.
    pub slug: String,
    /// Every edition slug the model has: clients by slug, then `soc`.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown edition `{}`; editions are: {}",
            self.slug,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownReader {}

impl<'m> Reader<'m> {
    /// Every reader: one per client (by slug), then the SOC team.
    pub fn all(model: &'m Model) -> Vec<Reader<'m>> {
        Reader::clients(model)
            .chain(std::iter::once(Reader::Soc))
            .collect()
    }

    /// The clients' readers, by slug.
    pub fn clients(model: &'m Model) -> impl Iterator<Item = Reader<'m>> {
        model.clients.iter().map(Reader::Client)
    }

    /// Every edition slug: clients by slug, then `soc`.
    pub fn slugs(model: &Model) -> Vec<String> {
        Reader::all(model)
            .iter()
            .map(|r| r.slug().to_string())
            .collect()
    }

    /// The reader of an edition slug; an error for a slug no reader has.
    pub fn from_slug(model: &'m Model, slug: &str) -> Result<Reader<'m>, UnknownReader> {
        Reader::all(model)
            .into_iter()
            .find(|r| r.slug() == slug)
            .ok_or_else(|| UnknownReader {
                slug: slug.to_string(),
                known: Reader::slugs(model),
            })
    }

    /// The edition's slug: its folder and first path segment.
    pub fn slug(&self) -> &'m str {
        match self {
            Reader::Client(c) => &c.slug,
            Reader::Soc => SOC_SLUG,
        }
    }

    /// The reader's name in words: the client's name, or "SOC team".
    pub fn name(&self) -> &'m str {
        match self {
            Reader::Client(c) => &c.name,
            Reader::Soc => SOC_NAME,
        }
    }

    /// True for the SOC team.
    pub fn is_soc(&self) -> bool {
        matches!(self, Reader::Soc)
    }

    /// The client, for a client's reader.
    pub fn client(&self) -> Option<&'m Client> {
        match self {
            Reader::Client(c) => Some(c),
            Reader::Soc => None,
        }
    }

    /// True when this reader sees the run book: the SOC team sees every
    /// one; a client sees those for everyone (`audience: all`) that its
    /// `runbooks:` selection gives it. Drafts are a build choice, not a
    /// reader's: see `edition::shows`.
    pub fn sees(&self, rb: &Runbook) -> bool {
        self.sees_runbook(&rb.slug, rb.audience)
    }

    /// [`Reader::sees`] for a run book known by its slug and audience (link
    /// targets are checked before the run book itself is at hand).
    pub fn sees_runbook(&self, slug: &str, audience: Audience) -> bool {
        match self {
            Reader::Soc => true,
            Reader::Client(c) => audience == Audience::All && c.selection.includes(slug),
        }
    }

    /// The clients who see the run book (the SOC team always does).
    pub fn clients_seeing(model: &'m Model, rb: &'m Runbook) -> impl Iterator<Item = &'m Client> {
        model
            .clients
            .iter()
            .filter(move |c| Reader::Client(c).sees(rb))
    }
}
