//! Who leads each phase, and which layer of the sources said so.
//!
//! Resolution (SPEC §4), later wins: built-in SANS defaults → handbook →
//! the client's plan → the client → the run book → the client's override for
//! that run book. Each layer that names a phase replaces that phase's whole
//! `{lead, advisor}`. A step marker sets one step's lead, with no advisor.

use super::phase::Phase;
use crate::diag::{Code, Diagnostics};
use crate::source::raw::{RawPhaseMap, RawResponsibility};
use crate::source::yaml::YamlText;
use serde::Serialize;

/// A party that can lead or advise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// The provider's SOC team.
    Soc,
    /// The client's own people.
    Client,
    /// Both together (a lead only).
    Shared,
}

impl Party {
    /// The word used in sources and `data-lead`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Soc => "soc",
            Party::Client => "client",
            Party::Shared => "shared",
        }
    }

    /// Parses `soc`, `client` or `shared`, any case.
    pub fn parse(word: &str) -> Option<Party> {
        match word.trim().to_ascii_lowercase().as_str() {
            "soc" => Some(Party::Soc),
            "client" => Some(Party::Client),
            "shared" => Some(Party::Shared),
            _ => None,
        }
    }
}

/// A phase's (or step's) responsibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Responsibility {
    /// Who does it.
    pub lead: Party,
    /// Who advises, if anyone.
    pub advisor: Option<Party>,
}

impl Responsibility {
    /// A lead with no advisor.
    pub const fn lead(lead: Party) -> Self {
        Responsibility {
            lead,
            advisor: None,
        }
    }

    /// The built-in SANS default for a phase (SPEC §1).
    pub fn default_for(phase: Phase) -> Self {
        match phase {
            Phase::Preparation | Phase::Identification => Responsibility::lead(Party::Soc),
            Phase::Containment | Phase::Eradication | Phase::Recovery => Responsibility {
                lead: Party::Client,
                advisor: Some(Party::Soc),
            },
            Phase::LessonsLearned => Responsibility::lead(Party::Shared),
        }
    }
}

/// The layer of the sources that set a responsibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Built-in SANS default.
    Default,
    /// `handbook.yaml responsibility`.
    Handbook,
    /// The client's service plan.
    Plan,
    /// The client's own `responsibility`.
    Client,
    /// The run book's `responsibility`.
    Runbook,
    /// The client's `overrides.<runbook>`.
    Override,
    /// A `[SOC]`/`[Client]`/`[Shared]` step marker.
    Step,
}

impl Layer {
    /// The word used in `data-layer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Default => "default",
            Layer::Handbook => "handbook",
            Layer::Plan => "plan",
            Layer::Client => "client",
            Layer::Runbook => "runbook",
            Layer::Override => "override",
            Layer::Step => "step",
        }
    }
}

/// A responsibility with the layer that set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Resolved {
    /// Who leads and advises.
    pub responsibility: Responsibility,
    /// Which layer set it.
    pub layer: Layer,
}

/// A per-phase map: `None` where the layer says nothing about a phase.
pub type PhaseMap = [Option<Responsibility>; 6];

/// Resolves all six phases through `layers`, in order (later wins).
pub fn resolve_responsibility(layers: &[(Layer, &PhaseMap)]) -> [Resolved; 6] {
    Phase::ALL.map(|phase| {
        let mut resolved = Resolved {
            responsibility: Responsibility::default_for(phase),
            layer: Layer::Default,
        };
        for (layer, map) in layers {
            if let Some(r) = map[phase.index()] {
                resolved = Resolved {
                    responsibility: r,
                    layer: *layer,
                };
            }
        }
        resolved
    })
}

/// Validates a raw per-phase map from a YAML file.
pub(crate) fn parse_map(
    raw: &RawPhaseMap,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> PhaseMap {
    let mut map: PhaseMap = [None; 6];
    for (key, value) in raw {
        let Some(phase) = Phase::from_key(key) else {
            let near = Phase::nearest(key);
            diags.push(
                yaml.diag_for_key(key, value, Code::UnknownPhaseKey, format!("`{key}` is not a phase"))
                    .hint(format!("did you mean `{}`? Phases: preparation, identification, containment, eradication, recovery, lessons-learned", near.slug())),
            );
            continue;
        };
        match parse_one(&value.value) {
            Ok(r) => map[phase.index()] = Some(r),
            Err(message) => diags.push(
                yaml.diag_at_start(value, Code::BadResponsibility, message)
                    .hint("write `soc`, `client` or `shared`, or `{lead: client, advisor: soc}`"),
            ),
        }
    }
    map
}

fn parse_one(raw: &RawResponsibility) -> Result<Responsibility, String> {
    let party = |word: &str, what: &str| {
        Party::parse(word).ok_or_else(|| format!("`{word}` is not a valid {what}"))
    };
    match raw {
        RawResponsibility::Word(w) => Ok(Responsibility::lead(party(w, "lead")?)),
        RawResponsibility::Full { lead, advisor } => {
            let lead = party(
                lead.as_deref().ok_or("a responsibility needs a `lead`")?,
                "lead",
            )?;
            let advisor = advisor
                .as_deref()
                .map(|a| party(a, "advisor"))
                .transpose()?;
            match advisor {
                Some(Party::Shared) => Err("an advisor is `soc` or `client`, not `shared`".into()),
                Some(a) if a == lead => Err(format!("`{}` cannot advise itself", a.as_str())),
                Some(_) if lead == Party::Shared => {
                    Err("a shared phase has no separate advisor".into())
                }
                _ => Ok(Responsibility { lead, advisor }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_replace_whole_phase() {
        let mut handbook: PhaseMap = [None; 6];
        handbook[Phase::Containment.index()] = Some(Responsibility::lead(Party::Soc));
        let mut runbook: PhaseMap = [None; 6];
        runbook[Phase::Containment.index()] = Some(Responsibility::lead(Party::Shared));
        let r = resolve_responsibility(&[(Layer::Handbook, &handbook), (Layer::Runbook, &runbook)]);
        assert_eq!(r[Phase::Containment.index()].layer, Layer::Runbook);
        assert_eq!(
            r[Phase::Containment.index()].responsibility,
            Responsibility::lead(Party::Shared)
        );
        assert_eq!(r[Phase::Eradication.index()].layer, Layer::Default);
        assert_eq!(
            r[Phase::Eradication.index()].responsibility.advisor,
            Some(Party::Soc)
        );
    }

    #[test]
    fn rejects_nonsense() {
        assert!(parse_one(&RawResponsibility::Word("boss".into())).is_err());
        let full = |l: &str, a: &str| RawResponsibility::Full {
            lead: Some(l.into()),
            advisor: Some(a.into()),
        };
        assert!(parse_one(&full("soc", "soc")).is_err());
        assert!(parse_one(&full("soc", "shared")).is_err());
        assert!(parse_one(&full("client", "soc")).is_ok());
    }
}
