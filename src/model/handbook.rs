//! `handbook.yaml`: the settings every edition shares.
//!
//! Besides plain values, the handbook holds one piece of Markdown,
//! `start_here`. It is parsed on its own, as a fragment, but its problems,
//! placeholders and links must point into `handbook.yaml`, where the writer
//! can fix them: `FragmentOrigin` maps positions in the fragment to the
//! file, so no check has to shift line numbers by hand.

use super::contact::Contacts;
use super::markdown::{self, Section};
use super::phase::Phase;
use super::responsibility::{parse_map, PhaseMap};
use super::text_value;
use crate::diag::{Code, Diagnostic, Diagnostics, SourceText};
use crate::source::raw::{RawHandbook, RawLint};
use crate::source::yaml::{position, Spanned, YamlText};
use crate::source::{Loaded, ThemeFiles};
use std::collections::BTreeMap;

/// Settings for `runbook check`'s lints.
#[derive(Clone, Debug, PartialEq)]
pub struct LintSettings {
    /// Highest acceptable reading grade per phase.
    pub max_grade: f64,
    /// Longest acceptable sentence, in words.
    pub max_sentence_words: usize,
    /// Months after which `reviewed` is stale.
    pub stale_after_months: u32,
    /// Months after which a client's approval is old (RB043).
    pub approval_max_age_months: u32,
    /// Warn when a client's edition changed since its approved version
    /// (RB044).
    pub changes_since_approval: bool,
    /// Extra jargon terms, flagged like the built-in ones.
    pub jargon: Vec<String>,
    /// Terms and acronyms never flagged as jargon (this also silences
    /// built-in terms).
    pub allow: Vec<String>,
}

impl Default for LintSettings {
    fn default() -> Self {
        LintSettings {
            max_grade: 9.0,
            max_sentence_words: 25,
            stale_after_months: 12,
            approval_max_age_months: 12,
            changes_since_approval: true,
            jargon: Vec::new(),
            allow: Vec::new(),
        }
    }
}

/// Site-wide settings from `handbook.yaml`.
#[derive(Clone, Debug)]
pub struct Handbook {
    /// The handbook's title.
    pub title: String,
    /// The SOC provider's name.
    pub provider: String,
    /// The provider's contacts, in the order written.
    pub contacts: Contacts,
    /// What to do first.
    pub start_here: Section,
    /// Page language.
    pub language: String,
    /// Handbook-wide responsibility.
    pub responsibility: PhaseMap,
    /// Plans by name.
    pub plans: BTreeMap<String, PhaseMap>,
    /// Plain description per phase.
    pub phase_text: [String; 6],
    /// Neutral names of client contact ids.
    pub roles: BTreeMap<String, String>,
    /// Lint settings.
    pub lint: LintSettings,
    /// The user theme, if any.
    pub theme: ThemeFiles,
    /// The text of `handbook.yaml`, for problems found in `start_here`.
    pub source: SourceText,
    /// True when `start_here` came from `handbook.yaml` (false: built-in text).
    pub start_here_written: bool,
    /// Run books the one-page card puts first (`card:`), in order.
    pub card: Vec<String>,
}

/// The built-in "start here" text, used when `handbook.yaml` has none and
/// its `contacts` has `soc`.
pub(crate) const DEFAULT_START_HERE: &str = "- **Stay calm.** Do not try to fix it yourself, and do not delete anything.\n- **Call the SOC now:** {{ contacts.soc }}\n- Write down what you saw and when, and keep any message that worried you.\n- If a computer is acting strangely, leave it switched on but unplug its network cable or turn off its Wi-Fi.\n";

/// The built-in "start here" text when `handbook.yaml` has no `soc`
/// contact: it names the provider instead, so the smallest handbook builds
/// (built-in text never asks for a contact nobody has).
pub(crate) const DEFAULT_START_HERE_NO_CONTACT: &str = "- **Stay calm.** Do not try to fix it yourself, and do not delete anything.\n- **Call the SOC at {{ provider }} now.**\n- Write down what you saw and when, and keep any message that worried you.\n- If a computer is acting strangely, leave it switched on but unplug its network cable or turn off its Wi-Fi.\n";

/// The built-in "start here" text for a provider with or without a `soc`
/// contact of its own.
pub(crate) fn default_start_here(provider_has_soc: bool) -> &'static str {
    if provider_has_soc {
        DEFAULT_START_HERE
    } else {
        DEFAULT_START_HERE_NO_CONTACT
    }
}

/// Validates `handbook.yaml`. Problems are reported and the value in
/// question falls back to its default, so a handbook always results.
pub(super) fn validate(
    loaded: &Loaded<RawHandbook>,
    theme: &ThemeFiles,
    diags: &mut Diagnostics,
) -> Handbook {
    let raw = &loaded.raw;
    let src = &loaded.source;
    let yaml = YamlText::file(src);
    // In the order a reader of the file meets them, as problems are reported.
    let responsibility = parse_map(&raw.responsibility, yaml, diags);
    let plans = raw
        .plans
        .iter()
        .map(|(name, map)| (name.clone(), parse_map(&map.value, yaml, diags)))
        .collect();
    let phase_text = phase_text(raw, yaml, diags);
    let start_here = start_here(raw, src, diags);
    let mut lint = raw
        .lint
        .as_ref()
        .map(|lint| lint_settings(lint, yaml, diags))
        .unwrap_or_default();
    let contacts = Contacts::from_raw(&raw.contacts);
    super::calltree::backups(&raw.contacts, &contacts, &Contacts::default(), yaml, diags);
    if let Some(every) = &raw.review_every {
        if every.value == 0 {
            diags.push(
                yaml.diag_at_start(every, Code::InvalidValue, "`review_every` is 0 months")
                    .hint("use a number of months above 0, e.g. `review_every: 12`"),
            );
        } else {
            lint.stale_after_months = every.value;
        }
    }
    Handbook {
        title: raw.title.value.trim().to_string(),
        provider: raw.provider.value.trim().to_string(),
        contacts,
        start_here,
        language: text_value(&raw.language).unwrap_or_else(|| "en".to_string()),
        responsibility,
        plans,
        phase_text,
        roles: raw
            .roles
            .iter()
            .map(|(k, v)| (k.clone(), v.value.trim().to_string()))
            .collect(),
        lint,
        theme: theme.clone(),
        source: src.clone(),
        start_here_written: raw.start_here.is_some(),
        card: raw
            .card
            .iter()
            .map(|c| c.value.trim().to_string())
            .collect(),
    }
}

/// The plain description of each phase: the built-in text, replaced by
/// what `phases:` says.
fn phase_text(raw: &RawHandbook, yaml: YamlText<'_>, diags: &mut Diagnostics) -> [String; 6] {
    let mut phase_text = Phase::ALL.map(|p| p.default_description().to_string());
    for (key, text) in &raw.phases {
        match Phase::from_key(key) {
            Some(p) => phase_text[p.index()] = text.value.trim().to_string(),
            None => diags.push(
                yaml.diag_for_key(
                    key,
                    text,
                    Code::UnknownPhaseKey,
                    format!("`{key}` is not a phase"),
                )
                .hint(format!("did you mean `{}`?", Phase::nearest(key).slug())),
            ),
        }
    }
    phase_text
}

/// `start_here` as written, its positions mapped into `handbook.yaml`; or
/// the built-in text.
fn start_here(raw: &RawHandbook, src: &SourceText, diags: &mut Diagnostics) -> Section {
    let Some(text) = &raw.start_here else {
        let mut local = Diagnostics::new();
        let text = default_start_here(raw.contacts.0.iter().any(|(id, _)| id == "soc"));
        let sub = SourceText::new("handbook.yaml", text.to_string());
        return markdown::parse_fragment(&sub, 0, "start", &mut local);
    };
    let origin = FragmentOrigin::of(src, text);
    let sub = SourceText::new(&src.path, text.value.clone());
    let mut local = Diagnostics::new();
    let mut section = markdown::parse_fragment(&sub, 0, "start", &mut local);
    for d in local.sorted() {
        diags.push(origin.diagnostic(d, src));
    }
    origin.move_section(&mut section);
    section
}

/// Where a Markdown value's text starts in its YAML file. The value is
/// parsed on its own, so its positions count from its own first line and
/// column; a `|` block indents every line alike, so adding this origin's
/// line and column maps them into the file.
#[derive(Clone, Copy, Debug)]
struct FragmentOrigin {
    line: usize,
    column: usize,
}

impl FragmentOrigin {
    /// Where `value`'s text starts in `src`: its first line of text, or
    /// the value's own place when that cannot be found.
    fn of(src: &SourceText, value: &Spanned<String>) -> Self {
        let (line, column) = locate_block(src, value)
            .map(|o| src.lines.position(&src.text, o))
            .unwrap_or_else(|| position(value, 0));
        FragmentOrigin { line, column }
    }

    /// A line of the fragment, as a line of the file.
    fn line(self, line: usize) -> usize {
        line + self.line - 1
    }

    /// A column of the fragment, as a column of the file.
    fn column(self, column: usize) -> usize {
        column + self.column - 1
    }

    /// A problem found in the fragment, pointing into the file and quoting
    /// the file's line. A column of 0 (the whole line) stays 0.
    fn diagnostic(self, mut d: Diagnostic, src: &SourceText) -> Diagnostic {
        d.span.line = self.line(d.span.line);
        if d.span.column > 0 {
            d.span.column = self.column(d.span.column);
        }
        d.source_line = src
            .lines
            .line_text(&src.text, d.span.line)
            .map(str::to_string);
        d
    }

    /// Moves the positions a section keeps (placeholders, text blocks,
    /// links) into the file.
    fn move_section(self, section: &mut Section) {
        for p in &mut section.placeholders {
            (p.line, p.column) = (self.line(p.line), self.column(p.column));
        }
        for b in &mut section.blocks {
            (b.line, b.column) = (self.line(b.line), self.column(b.column));
        }
        for l in &mut section.links {
            (l.line, l.column) = (self.line(l.line), self.column(l.column));
        }
    }
}

/// Finds the byte offset of a YAML string value's first line of text.
fn locate_block(src: &SourceText, value: &Spanned<String>) -> Option<usize> {
    let line = value.referenced.line() as usize;
    let start = src.lines.line_start(line)?;
    let first = value.value.lines().find(|l| !l.trim().is_empty())?.trim();
    src.text[start..].find(first).map(|p| start + p)
}

/// `lint:` settings; a value out of range is reported (at `lint:`) and the
/// default used.
fn lint_settings(
    spanned: &Spanned<RawLint>,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> LintSettings {
    let l = &spanned.value;
    let d = LintSettings::default();
    let mut out_of_range = |key: &str, hint: &str| {
        diags.push(
            yaml.diag_at_start(
                spanned,
                Code::InvalidValue,
                format!("`lint.{key}` is out of range"),
            )
            .hint(hint.to_string()),
        );
    };
    let max_grade = match l.max_grade {
        Some(g) if !(g.is_finite() && g > 0.0) => {
            out_of_range(
                "max_grade",
                "use a school grade above 0, e.g. `max_grade: 9`",
            );
            d.max_grade
        }
        g => g.unwrap_or(d.max_grade),
    };
    let max_sentence_words = match l.max_sentence_words {
        Some(0) => {
            out_of_range(
                "max_sentence_words",
                "use a number of words above 0, e.g. `max_sentence_words: 25`",
            );
            d.max_sentence_words
        }
        n => n.unwrap_or(d.max_sentence_words),
    };
    let stale_after_months = match l.stale_after_months {
        Some(0) => {
            out_of_range(
                "stale_after_months",
                "use a number of months above 0, e.g. `stale_after_months: 12`",
            );
            d.stale_after_months
        }
        n => n.unwrap_or(d.stale_after_months),
    };
    let approval_max_age_months = match l.approval_max_age_months {
        Some(0) => {
            out_of_range(
                "approval_max_age_months",
                "use a number of months above 0, e.g. `approval_max_age_months: 12`",
            );
            d.approval_max_age_months
        }
        n => n.unwrap_or(d.approval_max_age_months),
    };
    LintSettings {
        max_grade,
        max_sentence_words,
        stale_after_months,
        approval_max_age_months,
        changes_since_approval: l.changes_since_approval.unwrap_or(true),
        jargon: trimmed_words(&l.jargon),
        allow: trimmed_words(&l.allow),
    }
}

/// The words of a list, trimmed, empty ones left out.
fn trimmed_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}
