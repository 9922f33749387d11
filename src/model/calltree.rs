//! A client's call tree (SPEC §11): whom to call, in order, with each
//! contact's backup, and the notification duties whose deadlines start to
//! run in an incident.
//!
//! Checked here: every escalation entry and backup names a contact (the
//! client's, then the provider's, as placeholders look them up), no backup
//! is its contact itself, and every `within` is a deadline. A call tree
//! entry with no phone number and a duty with no deadline are warnings: the
//! handbook still works, but the card cannot say whom to ring or by when.

use super::phase::Phase;
use super::Contacts;
use crate::diag::{did_you_mean, Code, Diagnostics};
use crate::source::raw::{RawContacts, RawDuty, RawPhases};
use crate::source::yaml::{Spanned, YamlText};
use std::collections::BTreeSet;

/// A deadline's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimeUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Weeks.
    Weeks,
}

impl TimeUnit {
    fn minutes(self) -> u64 {
        match self {
            TimeUnit::Minutes => 1,
            TimeUnit::Hours => 60,
            TimeUnit::Days => 24 * 60,
            TimeUnit::Weeks => 7 * 24 * 60,
        }
    }

    fn word(self, one: bool) -> &'static str {
        match (self, one) {
            (TimeUnit::Minutes, true) => "minute",
            (TimeUnit::Minutes, false) => "minutes",
            (TimeUnit::Hours, true) => "hour",
            (TimeUnit::Hours, false) => "hours",
            (TimeUnit::Days, true) => "day",
            (TimeUnit::Days, false) => "days",
            (TimeUnit::Weeks, true) => "week",
            (TimeUnit::Weeks, false) => "weeks",
        }
    }
}

/// How long a duty allows: `72h`, `24 hours`, `3 days`, `1 week`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Within {
    /// How many units (at least 1).
    pub amount: u32,
    /// Which unit.
    pub unit: TimeUnit,
}

impl Within {
    /// Reads a deadline as writers write it: a whole number, an optional
    /// space, and a unit (`m`/`min`/`minutes`, `h`/`hr`/`hours`,
    /// `d`/`days`, `w`/`wk`/`weeks`, any case, singular or plural).
    pub fn parse(text: &str) -> Option<Within> {
        let text = text.trim();
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        let amount: u32 = text.get(..digits)?.parse().ok().filter(|n| *n > 0)?;
        let unit = match text.get(digits..)?.trim().to_ascii_lowercase().as_str() {
            "m" | "min" | "mins" | "minute" | "minutes" => TimeUnit::Minutes,
            "h" | "hr" | "hrs" | "hour" | "hours" => TimeUnit::Hours,
            "d" | "day" | "days" => TimeUnit::Days,
            "w" | "wk" | "wks" | "week" | "weeks" => TimeUnit::Weeks,
            _ => return None,
        };
        Some(Within { amount, unit })
    }

    /// The deadline in words: "72 hours", "1 week".
    pub fn words(self) -> String {
        format!("{} {}", self.amount, self.unit.word(self.amount == 1))
    }

    /// The deadline in minutes, to put the shortest first.
    pub fn minutes(self) -> u64 {
        u64::from(self.amount) * self.unit.minutes()
    }
}

/// The phases a duty without `phase:` is shown in: from the moment an
/// incident is known until business runs again. Preparation is before any
/// clock runs, and by Lessons Learned every deadline has passed.
pub(crate) const DEFAULT_DUTY_PHASES: [Phase; 4] = [
    Phase::Identification,
    Phase::Containment,
    Phase::Eradication,
    Phase::Recovery,
];

/// One notification duty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duty {
    /// Whom to notify.
    pub to: String,
    /// By when, counted from when the incident is known; `None` when the
    /// client file gives no deadline (a warning).
    pub within: Option<Within>,
    /// In which case it applies, as written ("personal data is involved").
    pub when: Option<String>,
    /// The phases whose pages show it, in SANS order.
    pub phases: Vec<Phase>,
}

impl Duty {
    /// True when the duty is shown on this phase's pages.
    pub fn applies_in(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }
}

/// Checks `escalation:` against the contacts a client can name and returns
/// the ids that name one, in order, each once.
pub(super) fn escalation(
    list: &[Spanned<String>],
    own: &Contacts,
    provider: &Contacts,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for entry in list {
        let id = entry.value.trim();
        let Some(contact) = own.get(id).or_else(|| provider.get(id)) else {
            diags.push(
                yaml.diag_for(
                    entry,
                    Code::BadCallTree,
                    format!("`escalation` names unknown contact `{id}`"),
                )
                .hint(known_hint(id, own, provider)),
            );
            continue;
        };
        if out.iter().any(|seen| seen == id) {
            diags.push(
                yaml.diag_for(
                    entry,
                    Code::BadCallTree,
                    format!("`escalation` lists `{id}` twice"),
                )
                .hint("list each contact once, in the order to call them; name a stand-in with `backup:` on the contact"),
            );
            continue;
        }
        if contact.phone.is_none() {
            diags.push(
                yaml.diag_for(
                    entry,
                    Code::IncompleteCallTree,
                    format!("`{id}` is in the call tree but has no phone number"),
                )
                .hint(format!(
                    "add `phone:` to the `{id}` contact, so readers can ring them from the card"
                )),
            );
        }
        out.push(id.to_string());
    }
    out
}

/// Checks each contact's `backup:` in one `contacts:` map: it must name
/// another contact of `own` or of `provider`.
pub(super) fn backups(
    raw: &RawContacts,
    own: &Contacts,
    provider: &Contacts,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) {
    for (id, contact) in &raw.0 {
        let Some(backup) = &contact.value.backup else {
            continue;
        };
        let name = backup.value.trim();
        if name == id {
            diags.push(
                yaml.diag_for(
                    backup,
                    Code::BadCallTree,
                    format!("`{id}` names itself as its backup"),
                )
                .hint("a backup is the person to call when this one does not answer: name another contact"),
            );
        } else if !own.contains_key(name) && !provider.contains_key(name) {
            diags.push(
                yaml.diag_for(
                    backup,
                    Code::BadCallTree,
                    format!("the backup of `{id}` names unknown contact `{name}`"),
                )
                .hint(known_hint(name, own, provider)),
            );
        }
    }
}

/// The contacts one could have meant, for hints.
fn known_hint(id: &str, own: &Contacts, provider: &Contacts) -> String {
    let mut known: BTreeSet<&str> = own.keys().map(String::as_str).collect();
    known.extend(provider.keys().map(String::as_str));
    let list = known.iter().copied().collect::<Vec<_>>().join(", ");
    match did_you_mean(id, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? Contacts: {list}"),
        None if known.is_empty() => {
            "add the contact under `contacts:` first, then name its id here".to_string()
        }
        None => format!("name a contact id from `contacts:` (or the provider's): {list}"),
    }
}

/// Checks `duties:` and returns them in the order written.
pub(super) fn duties(
    list: &[Spanned<RawDuty>],
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Vec<Duty> {
    list.iter()
        .map(|raw| {
            let d = &raw.value;
            let to = d.to.value.trim().to_string();
            let within = match &d.within {
                Some(w) => {
                    let parsed = Within::parse(&w.value);
                    if parsed.is_none() {
                        diags.push(
                            yaml.diag_for(
                                w,
                                Code::BadDeadline,
                                format!("`{}` is not a deadline", w.value.trim()),
                            )
                            .hint("write a whole number and a unit, in quotes if you like: `72h`, `24 hours`, `3 days`, `1 week` (also `30 minutes`)"),
                        );
                    }
                    parsed
                }
                None => {
                    diags.push(
                        yaml.diag_at_start(
                            &d.to,
                            Code::IncompleteCallTree,
                            format!("the duty to notify {to} has no deadline"),
                        )
                        .hint("add `within:`, e.g. `within: 72h`, so readers know how long they have"),
                    );
                    None
                }
            };
            Duty {
                within,
                when: d
                    .when
                    .as_ref()
                    .map(|w| w.value.trim().to_string())
                    .filter(|w| !w.is_empty()),
                phases: d
                    .phase
                    .as_ref()
                    .map_or_else(|| DEFAULT_DUTY_PHASES.to_vec(), |p| phases(p, yaml, diags)),
                to,
            }
        })
        .collect()
}

/// `phase:` of a duty: one phase, `all`, or a list; unknown names are errors.
fn phases(raw: &Spanned<RawPhases>, yaml: YamlText<'_>, diags: &mut Diagnostics) -> Vec<Phase> {
    let mut set = BTreeSet::new();
    let mut one = |name: &str, at: &dyn Fn(&str) -> crate::diag::Diagnostic| {
        if name.trim().eq_ignore_ascii_case("all") {
            set.extend(Phase::ALL);
        } else if let Some(p) = Phase::from_key(name.trim()) {
            set.insert(p);
        } else {
            let near = Phase::nearest(name);
            diags.push(at(name).hint(format!(
                "did you mean `{}`? Phases: preparation, identification, containment, eradication, recovery, lessons-learned, or `all`",
                near.slug()
            )));
        }
    };
    match &raw.value {
        RawPhases::One(name) => one(name, &|n| {
            yaml.diag_at_start(raw, Code::InvalidValue, format!("`{n}` is not a phase"))
        }),
        RawPhases::Many(list) => {
            for item in list {
                one(&item.value, &|n| {
                    yaml.diag_for(item, Code::InvalidValue, format!("`{n}` is not a phase"))
                });
            }
        }
    }
    set.into_iter().collect()
}

/// Checks `card:` in `handbook.yaml`: each entry must be a run book.
pub(super) fn card(
    list: &[Spanned<String>],
    runbooks: &BTreeSet<&str>,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) {
    for entry in list {
        let name = entry.value.trim();
        if runbooks.contains(name) {
            continue;
        }
        let hint = match did_you_mean(name, runbooks.iter().copied()) {
            Some(n) => {
                format!("did you mean `{n}`? Run books are named after their file, without `.md`")
            }
            None => "run books are named after their file, without `.md`".to_string(),
        };
        diags.push(
            yaml.diag_for(
                entry,
                Code::UnknownRunbook,
                format!("`card` names unknown run book `{name}`"),
            )
            .hint(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_read_as_writers_write_them() {
        let ok = [
            ("72h", 72, TimeUnit::Hours, "72 hours"),
            ("24 hours", 24, TimeUnit::Hours, "24 hours"),
            ("1 hour", 1, TimeUnit::Hours, "1 hour"),
            ("3 days", 3, TimeUnit::Days, "3 days"),
            ("3d", 3, TimeUnit::Days, "3 days"),
            ("1 week", 1, TimeUnit::Weeks, "1 week"),
            ("2W", 2, TimeUnit::Weeks, "2 weeks"),
            (" 30 minutes ", 30, TimeUnit::Minutes, "30 minutes"),
        ];
        for (text, amount, unit, words) in ok {
            let w = Within::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((w.amount, w.unit), (amount, unit), "{text}");
            assert_eq!(w.words(), words);
        }
        for bad in [
            "",
            "h",
            "72",
            "0h",
            "-1 day",
            "3 fortnights",
            "1.5 days",
            "soon",
            "72 h s",
            "99999999999h",
        ] {
            assert_eq!(Within::parse(bad), None, "{bad:?}");
        }
        assert!(
            Within::parse("1 week").unwrap().minutes() > Within::parse("72h").unwrap().minutes()
        );
    }
}
