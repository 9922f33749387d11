//! Stable diagnostic codes.
//!
//! Codes never change meaning once published: CI configurations and writers'
//! notes refer to them. Each one is documented with an example and a fix in
//! `docs/diagnostics.md`; a test keeps that page and this list in step.

use super::Level;

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `RB012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a problem with this code has unless a setting changes it.
            pub fn default_severity(self) -> Level {
                match self { $(Code::$variant => Level::$severity,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    Unreadable = "RB001", Error, "A source file cannot be read, is not UTF-8 text, or is empty.";
    YamlSyntax = "RB002", Error, "A YAML file or front matter block is not valid YAML.";
    UnknownKey = "RB003", Error, "A YAML key is not one that runbook knows.";
    MissingKey = "RB004", Error, "A required YAML key is missing.";
    InvalidValue = "RB005", Error, "A YAML value has the wrong type or is not one of the allowed values.";
    MissingHandbook = "RB006", Error, "The source folder has no handbook.yaml.";
    BadFileName = "RB007", Error, "A file name cannot become a page address.";
    OutsideLink = "RB008", Error, "A source or theme file is a link that leads outside its folder.";
    NoFrontMatter = "RB010", Error, "A run book does not start with a `---` front matter block.";
    UnknownPhase = "RB011", Error, "A `## ` heading is not one of the six phases.";
    RepeatedPhase = "RB012", Error, "A phase heading appears more than once.";
    PhaseOrder = "RB013", Error, "Phase headings are not in SANS order.";
    MissingPhase = "RB014", Error, "A phase heading is missing.";
    TitleHeading = "RB015", Error, "A run book body has a `# ` heading; the title comes from front matter.";
    MisplacedInternal = "RB016", Error, "`{.internal}` is on a heading where it cannot mark a section.";
    UnknownAttribute = "RB017", Error, "A heading attribute is not `{.internal}` or `{#id}`, or was left in the heading's text (perhaps a misspelt SOC-only mark).";
    InternalDefinition = "RB018", Error, "Public text uses a link reference or footnote defined inside a SOC-only section.";
    TooDeep = "RB019", Error, "Quotes, lists or emphasis are nested more than 100 levels deep.";
    UnknownPlaceholder = "RB020", Error, "A `{{ … }}` placeholder is not one runbook knows.";
    UnknownContact = "RB021", Error, "A placeholder names a contact that no client and not the provider has.";
    ClientLacksContact = "RB022", Error, "A placeholder names a contact that one client (and the provider) lacks.";
    ContactLacksField = "RB023", Error, "A placeholder asks for a contact detail that the contact does not have.";
    UnknownPlan = "RB030", Error, "A client names a plan that handbook.yaml does not define.";
    UnknownRunbook = "RB031", Error, "A client (or `card:` in handbook.yaml) names a run book that does not exist.";
    UnknownPhaseKey = "RB032", Error, "A responsibility map names a phase that does not exist.";
    BadResponsibility = "RB033", Error, "A responsibility is not `soc`, `client` or `shared` (with an optional advisor).";
    ReservedSlug = "RB034", Error, "A client file uses a reserved or invalid name.";
    BadLogo = "RB035", Error, "A client logo is missing or not an allowed image type.";
    BadColour = "RB036", Error, "A client colour is not a `#rrggbb` colour.";
    UnknownTechnique = "RB037", Error, "An `attack:` ID is not a technique of the shipped MITRE ATT&CK Enterprise list.";
    RetiredTechnique = "RB038", Warning, "An `attack:` ID names a revoked or deprecated ATT&CK technique.";
    BadCallTree = "RB039", Error, "A client's `escalation` names an unknown contact or one twice, or a contact's `backup` is unknown or itself.";
    BadDate = "RB040", Error, "A date is not a real `YYYY-MM-DD` date.";
    UnknownVersion = "RB041", Error, "A client's `approved.version` names no tag or commit of the sources' git repository.";
    NoRepository = "RB042", Warning, "A client's `approved.version` cannot be compared: the source folder is not in a git repository.";
    OldApproval = "RB043", Warning, "A client's approval is older than `lint.approval_max_age_months`.";
    ChangedSinceApproval = "RB044", Warning, "A client's edition has changed since the version the client approved.";
    BadDeadline = "RB045", Error, "A duty's `within` is not a deadline such as `72h`, `24 hours`, `3 days` or `1 week`.";
    IncompleteCallTree = "RB046", Warning, "A call tree entry has no phone number, or a duty has no deadline.";
    BadSymptom = "RB047", Error, "A run book's `symptom` is empty, longer than one line or longer than 100 characters.";
    GlossaryPhrase = "RB048", Error, "A glossary entry's `only` or `not_in` phrase is empty or does not contain the term or one of its aliases.";
    ThemeError = "RB050", Error, "A theme template or file is invalid.";
    DanglingLink = "RB060", Error, "A link names a run book that does not exist.";
    UnknownLinkSection = "RB061", Error, "A link's `#fragment` names no phase or heading in its run book.";
    LinkLeftOut = "RB062", Note, "A link's run book is left out of some editions, where the link reads as plain text.";
    Jargon = "RB100", Warning, "A technical term in client-visible text has no glossary entry.";
    UndefinedAcronym = "RB101", Warning, "An acronym in client-visible text has no glossary entry.";
    ReadingGrade = "RB110", Warning, "A section reads above the configured grade level.";
    LongSentence = "RB111", Warning, "A sentence is longer than the configured number of words.";
    EmptyPhase = "RB120", Warning, "A phase has no steps and no text (for clients, or at all).";
    NoClientStep = "RB121", Warning, "The client leads a phase that has no step for the client.";
    StepChangesHands = "RB122", Warning, "An unmarked step's lead (its phase's) differs between the editions that show it.";
    PhaseAgainstSteps = "RB123", Warning, "A phase's badge names someone other than most of its marked steps.";
    StaleReview = "RB130", Warning, "A run book's `reviewed` date is older than the configured age.";
    NotReviewed = "RB131", Warning, "A run book has no `reviewed` date.";
    FutureReview = "RB132", Warning, "A run book's `reviewed` date is in the future.";
    NoNumberToCall = "RB140", Warning, "No provider contact has a phone number, so pages have no number to call.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.starts_with("RB") && s.len() == 5, "{s}");
            assert!(seen.insert(s), "duplicate {s}");
        }
    }
}

#[cfg(test)]
mod docs_tests {
    use super::Code;

    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../../docs/diagnostics.md");
        for code in Code::ALL {
            assert!(
                doc.contains(&format!("### {}:", code.as_str())),
                "{} is not in docs/diagnostics.md",
                code.as_str()
            );
        }
    }
}
