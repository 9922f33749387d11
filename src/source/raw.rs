//! Raw source structs: exactly what the YAML says, with the place each value
//! was written. Nothing here knows what a value means; the model validates.

use super::yaml::Spanned;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// A per-phase map of responsibilities, keyed by the phase as written.
pub(crate) type RawPhaseMap = BTreeMap<String, Spanned<RawResponsibility>>;

/// `handbook.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandbook {
    /// The handbook's title.
    pub title: Spanned<String>,
    /// The SOC provider's name.
    pub provider: Spanned<String>,
    /// The provider's own contacts (e.g. the 24/7 SOC line).
    #[serde(default)]
    pub contacts: RawContacts,
    /// Markdown: what anyone should do first.
    #[serde(default)]
    pub start_here: Option<Spanned<String>>,
    /// Page language (default `en`).
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// Theme folder name under `themes/`.
    #[serde(default)]
    pub theme: Option<Spanned<String>>,
    /// Handbook-wide per-phase responsibility.
    #[serde(default)]
    pub responsibility: RawPhaseMap,
    /// Named service plans.
    #[serde(default)]
    pub plans: BTreeMap<String, Spanned<RawPhaseMap>>,
    /// Plain-language phase descriptions.
    #[serde(default)]
    pub phases: BTreeMap<String, Spanned<String>>,
    /// Neutral names of client contact ids for the SOC edition.
    #[serde(default)]
    pub roles: BTreeMap<String, Spanned<String>>,
    /// Settings for `runbook check`.
    #[serde(default)]
    pub lint: Option<Spanned<RawLint>>,
    /// Run books whose first steps the one-page card shows, in order.
    #[serde(default)]
    pub card: Vec<Spanned<String>>,
    /// How often run books are reviewed, in months (the handbook-wide
    /// default of a run book's `review_every`; `lint.stale_after_months`
    /// under another name, which it overrides).
    #[serde(default)]
    pub review_every: Option<Spanned<u32>>,
}

/// Lint settings in `handbook.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    /// Highest acceptable reading grade per phase.
    #[serde(default)]
    pub max_grade: Option<f64>,
    /// Longest acceptable sentence, in words.
    #[serde(default)]
    pub max_sentence_words: Option<usize>,
    /// Months after which a `reviewed` date is stale.
    #[serde(default)]
    pub stale_after_months: Option<u32>,
    /// Months after which a client's approval should be renewed.
    #[serde(default)]
    pub approval_max_age_months: Option<u32>,
    /// Warn when a client's edition changed since its approved version.
    #[serde(default)]
    pub changes_since_approval: Option<bool>,
    /// Extra jargon terms to flag.
    #[serde(default)]
    pub jargon: Vec<String>,
    /// Terms never to flag as jargon.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// A contact: the provider's or a client's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// What the contact is for, e.g. "24/7 SOC line".
    #[serde(default)]
    pub label: Option<String>,
    /// A person's or team's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// When they can be reached.
    #[serde(default)]
    pub hours: Option<String>,
    /// Another contact's id: whom to call when this one does not answer
    /// (the call tree, SPEC §11).
    #[serde(default)]
    pub backup: Option<Spanned<String>>,
}

/// A `contacts:` map, in the order its ids are written: readers see
/// contacts in that order (SPEC §3), which a sorted map would lose.
#[derive(Debug, Default)]
pub struct RawContacts(pub Vec<(String, Spanned<RawContact>)>);

impl<'de> Deserialize<'de> for RawContacts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawContacts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from contact id to `{label, name, phone, email, hours}`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // The YAML library refuses a repeated id before it gets here.
                let mut entries = Vec::new();
                while let Some((id, contact)) = map.next_entry()? {
                    entries.push((id, contact));
                }
                Ok(RawContacts(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// `clients/<slug>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    /// The client's name.
    pub name: Spanned<String>,
    /// A key of `plans`.
    #[serde(default)]
    pub plan: Option<Spanned<String>>,
    /// Logo file beside the client file.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
    /// Brand colour.
    #[serde(default)]
    pub colour: Option<Spanned<String>>,
    /// The client's contacts.
    #[serde(default)]
    pub contacts: RawContacts,
    /// Which run books this client gets.
    #[serde(default)]
    pub runbooks: Option<Spanned<RawSelection>>,
    /// Client-wide per-phase responsibility.
    #[serde(default)]
    pub responsibility: RawPhaseMap,
    /// Per-run-book overrides.
    #[serde(default)]
    pub overrides: BTreeMap<String, Spanned<RawOverride>>,
    /// Contact ids in the order to call them (the call tree).
    #[serde(default)]
    pub escalation: Vec<Spanned<String>>,
    /// Notification deadlines.
    #[serde(default)]
    pub duties: Vec<Spanned<RawDuty>>,
    /// Who approved this client's handbook, when, and at which revision.
    #[serde(default)]
    pub approved: Option<Spanned<RawApproval>>,
}

/// `approved: {by, on, version}` in a client file. Every key is optional
/// here so that a missing one is reported by the model with its place.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApproval {
    /// Who approved it ("Sam Carter, IT lead").
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    /// The date, `YYYY-MM-DD`.
    #[serde(default)]
    pub on: Option<Spanned<String>>,
    /// A git tag or commit of the sources' repository.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
}

/// One notification duty of a client: whom to tell, by when, in which case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDuty {
    /// Whom to notify, e.g. "Information Commissioner's Office".
    pub to: Spanned<String>,
    /// The deadline as written: `72h`, `24 hours`, `3 days`, `1 week`.
    #[serde(default)]
    pub within: Option<Spanned<String>>,
    /// In which case the duty applies.
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// The phase or phases whose pages show it.
    #[serde(default)]
    pub phase: Option<Spanned<RawPhases>>,
}

/// `phase: containment` or `phase: [identification, containment]`.
#[derive(Debug)]
pub enum RawPhases {
    /// One phase (or `all`).
    One(String),
    /// Several phases.
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawPhases {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // By hand, not `#[serde(untagged)]`: an untagged enum buffers its
        // input, and the buffered values lose the places `Spanned` reports.
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPhases;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a phase, `all`, or a list of phases")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawPhases::One(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element()? {
                    list.push(item);
                }
                Ok(RawPhases::Many(list))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// `runbooks: {include: […]}` or `{exclude: […]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSelection {
    /// Only these run books.
    #[serde(default)]
    pub include: Option<Vec<Spanned<String>>>,
    /// Every run book but these.
    #[serde(default)]
    pub exclude: Option<Vec<Spanned<String>>>,
}

/// `overrides.<runbook>`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Per-phase responsibility for this client and run book.
    #[serde(default)]
    pub responsibility: RawPhaseMap,
}

/// A run book's front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// e.g. "Phishing email".
    pub title: Spanned<String>,
    /// One plain sentence.
    pub summary: Spanned<String>,
    /// What the reader sees, in their words: the home page's link text.
    #[serde(default)]
    pub symptom: Option<Spanned<String>>,
    /// Groups run books on the home page.
    #[serde(default)]
    pub category: Option<Spanned<String>>,
    /// low, medium, high or critical.
    #[serde(default)]
    pub severity: Option<Spanned<String>>,
    /// Everyday words a reader might search for.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// SIEM alert names or IDs.
    #[serde(default)]
    pub alerts: Vec<Spanned<String>>,
    /// MITRE ATT&CK technique IDs.
    #[serde(default)]
    pub attack: Vec<Spanned<String>>,
    /// Detection rule IDs or names (Sigma rule IDs, vendor rule names).
    #[serde(default)]
    pub detections: Vec<Spanned<String>>,
    /// Who keeps it.
    #[serde(default)]
    pub owner: Option<Spanned<String>>,
    /// Date last reviewed.
    #[serde(default)]
    pub reviewed: Option<Spanned<String>>,
    /// Review interval in months (overrides `lint.stale_after_months`).
    #[serde(default)]
    pub review_every: Option<Spanned<u32>>,
    /// Date of the last exercise of this run book.
    #[serde(default)]
    pub tested: Option<Spanned<String>>,
    /// `all` or `soc`.
    #[serde(default)]
    pub audience: Option<Spanned<String>>,
    /// Left out of `build` when true.
    #[serde(default)]
    pub draft: Option<Spanned<bool>>,
    /// Per-phase responsibility for this run book.
    #[serde(default)]
    pub responsibility: RawPhaseMap,
}

/// A glossary entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    /// Plain-language definition.
    pub definition: String,
    /// Other words for the same thing.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Explain the term only where it is part of one of these phrases.
    #[serde(default)]
    pub only: Vec<Spanned<String>>,
    /// Never explain the term where it is part of one of these phrases.
    #[serde(default)]
    pub not_in: Vec<Spanned<String>>,
}

/// `glossary.yaml`.
pub(crate) type RawGlossary = BTreeMap<String, Spanned<RawTerm>>;

/// A responsibility as written: a bare lead word or `{lead, advisor}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawResponsibility {
    /// `containment: soc`
    Word(String),
    /// `containment: {lead: client, advisor: soc}`
    Full {
        /// Who leads.
        lead: Option<String>,
        /// Who advises.
        advisor: Option<String>,
    },
}

impl<'de> Deserialize<'de> for RawResponsibility {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawResponsibility;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`soc`, `client`, `shared`, or `{lead: …, advisor: …}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawResponsibility::Word(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut lead = None;
                let mut advisor = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "lead" => lead = Some(map.next_value::<String>()?),
                        "advisor" => advisor = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, &["lead", "advisor"])),
                    }
                }
                Ok(RawResponsibility::Full { lead, advisor })
            }
        }
        deserializer.deserialize_any(V)
    }
}
