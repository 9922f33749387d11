//! What changed in one edition since the version its client approved
//! (SPEC §10), as data: `history` computes it by comparing two editions of
//! the same reader, render shows it on `changes/index.html` and the home
//! page, and `runbook changes` prints it. It is made from editions only, so
//! it can hold nothing the reader's edition does not show.

use serde::Serialize;

/// Every change in one edition since a revision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The revision compared with, as written (`v2026.03`, a commit).
    pub since: String,
    /// The commit it names, shortened (for readers who compare by hash).
    pub since_commit: String,
    /// Run books added, removed or changed, in the edition's order (by
    /// title); unchanged run books are left out.
    pub runbooks: Vec<RunbookChange>,
    /// Contacts added, removed or changed.
    pub contacts: Vec<ContactChange>,
}

impl Changes {
    /// True when nothing the reader sees has changed.
    pub fn is_empty(&self) -> bool {
        self.runbooks.is_empty() && self.contacts.is_empty()
    }

    /// One sentence for the home page and the command's first line:
    /// "3 run books changed since you approved this handbook".
    pub fn headline(&self) -> String {
        let n = self.runbooks.len();
        let runbooks = match n {
            0 => None,
            1 => Some("1 run book".to_string()),
            n => Some(format!("{n} run books")),
        };
        let verb = if n == 1 { "has" } else { "have" };
        match (runbooks, self.contacts.is_empty()) {
            (None, true) => "Nothing has changed since you approved this handbook".to_string(),
            (None, false) => "Contacts have changed since you approved this handbook".to_string(),
            (Some(r), true) => format!("{r} {verb} changed since you approved this handbook"),
            (Some(r), false) => {
                format!("{r} and contacts have changed since you approved this handbook")
            }
        }
    }
}

/// How a run book changed for this reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// New in this edition.
    Added,
    /// No longer in this edition.
    Removed,
    /// In both, with different text or responsibilities.
    Changed,
}

/// One run book's changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunbookChange {
    /// Its slug (the folder of its pages).
    pub slug: String,
    /// Its title now (or, when removed, then).
    pub title: String,
    /// Added, removed or changed.
    pub kind: Kind,
    /// The title it had, when it was renamed.
    pub old_title: Option<String>,
    /// Per phase, in phase order, only phases that changed (for a changed
    /// run book; an added or removed one lists none).
    pub phases: Vec<PhaseChange>,
}

/// One phase's changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhaseChange {
    /// The phase's slug.
    pub phase: &'static str,
    /// The phase's name.
    pub name: &'static str,
    /// Who led it then and who leads it now, in words, when that changed.
    pub responsibility: Option<Handover>,
    /// Steps and paragraphs added, removed or reworded, in reading order.
    pub items: Vec<ItemChange>,
}

/// A change of who does something: "was your team, now our SOC team".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Handover {
    /// Who it was, in words.
    pub was: String,
    /// Who it is now, in words.
    pub now: String,
}

/// A step or a paragraph that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// `added`, `removed`, `reworded` or `handed-over` (same words, another
    /// lead).
    pub change: &'static str,
    /// True for a step (it has a badge), false for other text.
    pub step: bool,
    /// The text now (or, when removed, then).
    pub text: String,
    /// For a reworded item: its words, each marked kept, removed or added.
    pub words: Vec<Word>,
    /// For a step whose lead changed: who it was and who it is now.
    pub handover: Option<Handover>,
}

/// A piece of a word diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    /// `same`, `removed` or `added`.
    pub tag: &'static str,
    /// The text, with the spaces around it.
    pub text: String,
}

/// A contact that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactChange {
    /// The contact's id.
    pub id: String,
    /// Its label or name now (or then).
    pub label: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// For a changed contact: "phone was … now …", one per detail.
    pub details: Vec<String>,
}
