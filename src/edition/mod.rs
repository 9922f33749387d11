//! One audience's view of the model: the privacy boundary.
//!
//! An [`Edition`] is what one client (or the SOC team) may see, and nothing
//! more: run books the client does not get, drafts (in `build`), SOC-only
//! run books and sections (in client editions), and other clients' details
//! are dropped here. Responsibilities are resolved through the layers of
//! SPEC §4 and placeholders are filled. Everything downstream renders only
//! what an edition holds, so it cannot leak what was dropped.

pub(crate) mod changes;
mod fill;
pub(crate) mod words;

use crate::model::markdown::{BlockKind, ContactField, Section, Segment};
use crate::model::phase::Phase;
use crate::model::responsibility::{
    resolve_responsibility, Layer, PhaseMap, Resolved, Responsibility,
};
use crate::model::values::{Audience, Colour, Date, IncidentSeverity};
use crate::model::{Approval, Client, Contact, Contacts, Duty, Logo, Model, Runbook, Term};
use changes::Changes;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::model::reader::{Reader, UnknownReader, SOC_SLUG};
pub(crate) use fill::Filler;

/// Choices that apply to every edition of a build.
#[derive(Clone, Debug, Default)]
pub struct EditionOptions {
    /// Include `draft: true` run books (serve does, build does not).
    pub include_drafts: bool,
    /// The date shown on covers, from `SOURCE_DATE_EPOCH`; otherwise the
    /// newest `reviewed` date of the edition's run books.
    pub date: Option<Date>,
    /// The sources' revision for every footer (`v2026.03`, a short commit,
    /// `unversioned`); `None` shows none (library callers, tests).
    pub version: Option<String>,
    /// What changed since each approving client's approved version, by
    /// client slug (computed by `history`; clients without an approval,
    /// or whose comparison failed, have none).
    pub changes: BTreeMap<String, Arc<Changes>>,
}

/// A piece of body HTML, resolved for one edition.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<'m> {
    /// Sanitized HTML shared by all editions.
    Html(&'m str),
    /// Plain text (from a placeholder); escaped when rendered.
    Text(String),
    /// A contact detail: phone numbers and emails become links.
    Field(ContactField, String),
    /// A whole contact card.
    Card(&'m Contact),
    /// A step's badge: visible step number and responsibility.
    Badge {
        /// Phase of the step.
        phase: Phase,
        /// 1-based number among the steps this edition shows.
        step: usize,
        /// Who leads it and which layer said so.
        resolved: Resolved,
    },
    /// A step's tickable box (render labels it with the step's words).
    TaskBox {
        /// Phase of the step.
        phase: Phase,
        /// 1-based number among the steps this edition shows.
        step: usize,
        /// The step's stable id from its words (`data-step-id`).
        id: &'m str,
    },
    /// Start of a SOC-only section (SOC edition only).
    InternalStart,
    /// End of a SOC-only section (SOC edition only).
    InternalEnd,
    /// Start of a link to a run book this edition shows.
    LinkStart {
        /// The target page from the edition root, e.g.
        /// `ransomware/containment/index.html`; render makes it relative.
        href: String,
        /// The link's title, if any.
        title: Option<String>,
    },
    /// End of such a link.
    LinkEnd,
}

/// A block of plain text this edition shows, for search and lints.
///
/// Text and anchor borrow from the model unless placeholders had to be
/// filled: most blocks read the same in every edition, and a build makes
/// one edition per client.
#[derive(Clone, Debug, PartialEq)]
pub struct TextPiece<'m> {
    /// What kind of block.
    pub kind: BlockKind,
    /// The text, placeholders filled.
    pub text: Cow<'m, str>,
    /// Nearest heading anchor.
    pub anchor: Option<&'m str>,
    /// For a step's text: the step's number among the steps this edition
    /// shows (the `data-step` of its badge), so search can link to it.
    pub step: Option<usize>,
}

/// One phase of a run book in an edition.
#[derive(Clone, Debug)]
pub struct EditionPhase<'m> {
    /// Which phase.
    pub phase: Phase,
    /// Who leads it here, and which layer said so.
    pub resolved: Resolved,
    /// The body.
    pub body: Vec<Piece<'m>>,
    /// How many steps this edition shows.
    pub step_count: usize,
    /// Plain text blocks shown.
    pub text: Vec<TextPiece<'m>>,
}

/// A run book in an edition.
#[derive(Clone, Debug)]
pub struct EditionRunbook<'m> {
    /// The model run book (only public fields are read downstream).
    pub slug: &'m str,
    /// Title.
    pub title: &'m str,
    /// Summary.
    pub summary: &'m str,
    /// What the reader sees (`symptom:`), if written.
    pub symptom: Option<&'m str>,
    /// Category (or "Other").
    pub category: &'m str,
    /// Severity.
    pub severity: Option<IncidentSeverity>,
    /// Search words.
    pub aliases: &'m [String],
    /// Alert names/IDs.
    pub alerts: &'m [String],
    /// ATT&CK IDs.
    pub attack: &'m [String],
    /// Detection rule IDs or names.
    pub detections: &'m [String],
    /// Keeper.
    pub owner: Option<&'m str>,
    /// Last review.
    pub reviewed: Option<Date>,
    /// Draft (only in serve).
    pub draft: bool,
    /// SOC-only run book (only in the SOC edition).
    pub soc_only: bool,
    /// Introduction.
    pub intro: Vec<Piece<'m>>,
    /// Plain text blocks of the introduction this edition shows.
    pub intro_text: Vec<TextPiece<'m>>,
    /// The six phases.
    pub phases: Vec<EditionPhase<'m>>,
}

/// One audience's handbook.
#[derive(Clone, Debug)]
pub struct Edition<'m> {
    /// Folder name: the client's slug or `soc`.
    pub slug: String,
    /// Who it is for.
    pub reader: Reader<'m>,
    /// Reader-facing name: the client's name, or "SOC team".
    pub name: String,
    /// Handbook title.
    pub title: &'m str,
    /// Provider name.
    pub provider: &'m str,
    /// Page language.
    pub language: &'m str,
    /// Brand colour (client editions).
    pub colour: Option<Colour>,
    /// Logo (client editions).
    pub logo: Option<&'m Logo>,
    /// The plan's name (client editions).
    pub plan: Option<&'m str>,
    /// The reader's own contacts (client editions), in the order written.
    pub own_contacts: Vec<&'m Contact>,
    /// The provider's contacts, in the order written.
    pub provider_contacts: Vec<&'m Contact>,
    /// What to do first.
    pub start_here: Vec<Piece<'m>>,
    /// Plain description per phase.
    pub phase_text: &'m [String; 6],
    /// Run books, sorted by title.
    pub runbooks: Vec<EditionRunbook<'m>>,
    /// Glossary.
    pub glossary: &'m [Term],
    /// Date for covers.
    pub date: Option<Date>,
    /// The sources' revision, for footers.
    pub version: Option<String>,
    /// Who approved this client's handbook (client editions).
    pub approved: Option<&'m Approval>,
    /// What changed since that approval, when it could be compared.
    pub changes: Option<Arc<Changes>>,
    /// The client's call tree, in order (client editions; empty in the
    /// SOC edition, which holds no client's details).
    pub escalation: Vec<CallEntry<'m>>,
    /// The client's notification duties, in the order written (client
    /// editions only, as `escalation`).
    pub duties: &'m [Duty],
    /// Run books `card:` in handbook.yaml puts first on the one-page card.
    pub card_runbooks: &'m [String],
}

/// One entry of a call tree: whom to call, and whom to call instead when
/// they do not answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallEntry<'m> {
    /// The contact to call.
    pub contact: &'m Contact,
    /// Their backup, if they name one.
    pub backup: Option<&'m Contact>,
}

impl Edition<'_> {
    /// True for the SOC team's edition.
    pub fn is_soc(&self) -> bool {
        self.reader.is_soc()
    }
}

/// Every edition: one per client (by slug), then the SOC's.
pub fn all<'m>(model: &'m Model, options: &EditionOptions) -> Vec<Edition<'m>> {
    Reader::all(model)
        .into_iter()
        .map(|r| edition(model, r, options))
        .collect()
}

/// True when this reader's edition shows the run book: the reader sees it
/// ([`Reader::sees`]) and it is not a draft left out of this build.
pub(crate) fn shows(reader: &Reader<'_>, rb: &Runbook, options: &EditionOptions) -> bool {
    (!rb.draft || options.include_drafts) && reader.sees(rb)
}

/// Projects the model for one reader.
pub fn edition<'m>(model: &'m Model, reader: Reader<'m>, options: &EditionOptions) -> Edition<'m> {
    let hb = &model.handbook;
    let shown = model
        .runbooks
        .iter()
        .filter(|rb| shows(&reader, rb, options))
        .map(|rb| rb.slug.as_str())
        .collect();
    let filler = Filler::new(model, &reader).showing(shown);
    let mut runbooks: Vec<EditionRunbook<'m>> = model
        .runbooks
        .iter()
        .filter(|rb| shows(&reader, rb, options))
        .map(|rb| edition_runbook(model, &reader, &filler, rb))
        .collect();
    runbooks.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.slug.cmp(b.slug))
    });
    let newest = runbooks.iter().filter_map(|r| r.reviewed).max();
    let client = reader.client();
    Edition {
        slug: reader.slug().to_string(),
        name: reader.name().to_string(),
        title: &hb.title,
        provider: &hb.provider,
        language: &hb.language,
        colour: client.and_then(|c| c.colour),
        logo: client.and_then(|c| c.logo.as_ref()),
        plan: client.and_then(|c| c.plan.as_ref().map(|p| p.0.as_str())),
        own_contacts: client.map_or_else(Vec::new, |c| c.contacts.values().collect()),
        provider_contacts: hb.contacts.values().collect(),
        start_here: filler.pieces(&hb.start_here, None, &mut 0),
        phase_text: &hb.phase_text,
        runbooks,
        glossary: &model.glossary,
        date: options.date.or(newest),
        escalation: client.map_or_else(Vec::new, |c| call_tree(c, &hb.contacts)),
        duties: client.map_or(&[], |c| c.duties.as_slice()),
        card_runbooks: &hb.card,
        version: options.version.clone(),
        approved: client.and_then(|c| c.approved.as_ref()),
        changes: client.and_then(|c| options.changes.get(&c.slug).cloned()),
        reader,
    }
}

/// A client's `escalation`, each id looked up as placeholders look them up
/// (the client's contacts, then the provider's); ids that name no contact
/// were reported by `check` and are left out.
fn call_tree<'m>(client: &'m Client, provider: &'m Contacts) -> Vec<CallEntry<'m>> {
    let find = |id: &str| client.contacts.get(id).or_else(|| provider.get(id));
    client
        .escalation
        .iter()
        .filter_map(|id| find(id))
        .map(|contact| CallEntry {
            contact,
            backup: contact.backup.as_deref().and_then(find),
        })
        .collect()
}

/// The resolved responsibility of each phase of `rb` for this reader.
pub(crate) fn responsibilities(model: &Model, reader: &Reader<'_>, rb: &Runbook) -> [Resolved; 6] {
    let hb = &model.handbook;
    let none: PhaseMap = [None; 6];
    match reader {
        Reader::Soc => resolve_responsibility(&[
            (Layer::Handbook, &hb.responsibility),
            (Layer::Runbook, &rb.responsibility),
        ]),
        Reader::Client(c) => {
            let plan = c.plan.as_ref().map(|p| &p.1).unwrap_or(&none);
            let over = c.overrides.get(&rb.slug).unwrap_or(&none);
            resolve_responsibility(&[
                (Layer::Handbook, &hb.responsibility),
                (Layer::Plan, plan),
                (Layer::Client, &c.responsibility),
                (Layer::Runbook, &rb.responsibility),
                (Layer::Override, over),
            ])
        }
    }
}

fn edition_runbook<'m>(
    model: &'m Model,
    reader: &Reader<'m>,
    filler: &Filler<'m>,
    rb: &'m Runbook,
) -> EditionRunbook<'m> {
    let resolved = responsibilities(model, reader, rb);
    let phases = rb
        .phases
        .iter()
        .map(|(phase, section)| {
            let r = resolved[phase.index()];
            let mut count = 0;
            let body = filler.pieces(section, Some((*phase, r)), &mut count);
            EditionPhase {
                phase: *phase,
                resolved: r,
                body,
                step_count: count,
                text: filler.text(section),
            }
        })
        .collect();
    EditionRunbook {
        slug: &rb.slug,
        title: &rb.title,
        summary: &rb.summary,
        symptom: rb.symptom.as_deref(),
        category: rb.category.as_deref().unwrap_or("Other"),
        severity: rb.severity,
        aliases: &rb.aliases,
        alerts: &rb.alerts,
        attack: &rb.attack,
        detections: &rb.detections,
        owner: rb.owner.as_deref(),
        reviewed: rb.reviewed,
        draft: rb.draft,
        soc_only: rb.audience == Audience::Soc,
        intro: filler.pieces(&rb.intro, None, &mut 0),
        intro_text: filler.text(&rb.intro),
        phases,
    }
}

/// A step's responsibility: its marker, or the phase's.
fn step_responsibility(section: &Section, n: usize, phase: Resolved) -> Resolved {
    match section.steps.get(n).and_then(|s| s.marker) {
        Some(lead) => Resolved {
            responsibility: Responsibility::lead(lead),
            layer: Layer::Step,
        },
        None => phase,
    }
}

/// True when a segment list has visible content for this reader.
pub(crate) fn visible(segment: &Segment, soc: bool, inside_internal: bool) -> bool {
    soc || !inside_internal || matches!(segment, Segment::InternalEnd)
}
