//! The six SANS incident response phases.

use serde::Serialize;

/// One of the six SANS phases, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Everyone involved is ready.
    Preparation,
    /// It becomes clear that an attack has happened.
    Identification,
    /// Stop further damage.
    Containment,
    /// Remove the threat.
    Eradication,
    /// Business runs as usual again.
    Recovery,
    /// What could be done better next time.
    LessonsLearned,
}

impl Phase {
    /// All six, in SANS order.
    pub const ALL: [Phase; 6] = [
        Phase::Preparation,
        Phase::Identification,
        Phase::Containment,
        Phase::Eradication,
        Phase::Recovery,
        Phase::LessonsLearned,
    ];

    /// Position in SANS order, from 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The URL slug, e.g. `lessons-learned`.
    pub fn slug(self) -> &'static str {
        match self {
            Phase::Preparation => "preparation",
            Phase::Identification => "identification",
            Phase::Containment => "containment",
            Phase::Eradication => "eradication",
            Phase::Recovery => "recovery",
            Phase::LessonsLearned => "lessons-learned",
        }
    }

    /// The heading name, e.g. `Lessons Learned`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Preparation => "Preparation",
            Phase::Identification => "Identification",
            Phase::Containment => "Containment",
            Phase::Eradication => "Eradication",
            Phase::Recovery => "Recovery",
            Phase::LessonsLearned => "Lessons Learned",
        }
    }

    /// The built-in plain-language description.
    pub fn default_description(self) -> &'static str {
        match self {
            Phase::Preparation => "Get ready before anything happens: the right documents, tools and contacts are in place.",
            Phase::Identification => "Work out whether something bad has really happened, and how big it is.",
            Phase::Containment => "Stop the damage from spreading, for example by taking an infected computer off the network.",
            Phase::Eradication => "Remove the cause of the problem from your computers and accounts.",
            Phase::Recovery => "Bring things back to normal safely, and check that the problem does not come back.",
            Phase::LessonsLearned => "Look back together at what happened and agree what to do better and faster next time.",
        }
    }

    /// Every accepted heading for this phase, lowercase.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Phase::Preparation => &["preparation"],
            Phase::Identification => &["identification", "detection", "detection and analysis"],
            Phase::Containment => &["containment"],
            Phase::Eradication => &["eradication", "remediation"],
            Phase::Recovery => &["recovery"],
            Phase::LessonsLearned => &[
                "lessons learned",
                "lessons",
                "aftermath",
                "post-incident activity",
                "post incident activity",
            ],
        }
    }

    /// Matches a `## ` heading's text, case-insensitively, with synonyms.
    pub fn from_heading(text: &str) -> Option<Phase> {
        let norm = normalize(text);
        Phase::ALL
            .into_iter()
            .find(|p| p.synonyms().contains(&norm.as_str()))
    }

    /// Matches a key in a responsibility map: the slug, or any heading form.
    pub fn from_key(key: &str) -> Option<Phase> {
        let norm = normalize(&key.replace(['-', '_'], " "));
        Phase::ALL.into_iter().find(|p| {
            p.slug() == key
                || p.synonyms().contains(&norm.as_str())
                || normalize(&p.slug().replace('-', " ")) == norm
        })
    }

    /// The phase whose name is closest to `text`, for hints.
    pub fn nearest(text: &str) -> Phase {
        let norm = normalize(text);
        Phase::ALL
            .into_iter()
            .flat_map(|p| {
                p.synonyms()
                    .iter()
                    .map(|s| (strsim::jaro_winkler(&norm, s), p))
                    .collect::<Vec<_>>()
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, p)| p)
            .unwrap_or(Phase::Preparation)
    }
}

fn normalize(text: &str) -> String {
    let t = text.trim().trim_end_matches(':').trim().to_lowercase();
    // Writers sometimes number phases: "3. Containment" or "Phase 3: Containment".
    let t = t
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
        .trim();
    let t = t
        .strip_prefix("phase")
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == ' '))
        .unwrap_or(t);
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_with_synonyms() {
        assert_eq!(
            Phase::from_heading("Detection and Analysis"),
            Some(Phase::Identification)
        );
        assert_eq!(
            Phase::from_heading("  REMEDIATION "),
            Some(Phase::Eradication)
        );
        assert_eq!(
            Phase::from_heading("Post-incident activity"),
            Some(Phase::LessonsLearned)
        );
        assert_eq!(Phase::from_heading("Lessons"), Some(Phase::LessonsLearned));
        assert_eq!(
            Phase::from_heading("3. Containment"),
            Some(Phase::Containment)
        );
        assert_eq!(Phase::from_heading("Background"), None);
    }

    #[test]
    fn keys_match_slugs_and_names() {
        assert_eq!(
            Phase::from_key("lessons-learned"),
            Some(Phase::LessonsLearned)
        );
        assert_eq!(
            Phase::from_key("Lessons Learned"),
            Some(Phase::LessonsLearned)
        );
        assert_eq!(
            Phase::from_key("lessons_learned"),
            Some(Phase::LessonsLearned)
        );
        assert_eq!(Phase::from_key("containment"), Some(Phase::Containment));
        assert_eq!(Phase::from_key("contain"), None);
        assert_eq!(Phase::nearest("Containmnt"), Phase::Containment);
    }
}
