//! A run book: its front matter checked value by value, its body parsed
//! once (see [`super::markdown`]).
//!
//! A run book with problems is still kept: its other checks (placeholders,
//! links, client references) then run too, and the errors already fail
//! the build.

use super::markdown::{self, Section};
use super::phase::Phase;
use super::responsibility::{parse_map, PhaseMap};
use super::text_value;
use super::values::{is_slug, Audience, Date, IncidentSeverity};
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceText, Span};
use crate::source::raw::RawFrontMatter;
use crate::source::yaml::{Spanned, YamlText};
use crate::source::RawRunbook;
use std::path::PathBuf;

/// Run book slugs that would collide with the edition's own pages.
pub(crate) const RESERVED_RUNBOOK_SLUGS: &[&str] = &[
    "assets", "glossary", "phases", "print", "search", "index", "404", "alerts", "attack", "card",
    "changes",
];

/// A run book.
#[derive(Clone, Debug)]
pub struct Runbook {
    /// File name without `.md`.
    pub slug: String,
    /// The file, relative to the source folder.
    pub file: PathBuf,
    /// Title.
    pub title: String,
    /// One plain sentence.
    pub summary: String,
    /// What the reader sees, in their words (the home page's link text).
    pub symptom: Option<String>,
    /// Home page group.
    pub category: Option<String>,
    /// How serious.
    pub severity: Option<IncidentSeverity>,
    /// Everyday search words.
    pub aliases: Vec<String>,
    /// SIEM alert names or IDs.
    pub alerts: Vec<String>,
    /// ATT&CK technique IDs, in MITRE's spelling where known.
    pub attack: Vec<String>,
    /// Detection rule IDs or names (Sigma rule IDs, vendor rule names).
    pub detections: Vec<String>,
    /// Who keeps it.
    pub owner: Option<String>,
    /// Last review.
    pub reviewed: Option<Date>,
    /// Review interval in months, when this run book has its own.
    pub review_every: Option<u32>,
    /// Date of the last exercise.
    pub tested: Option<Date>,
    /// Who may read it.
    pub audience: Audience,
    /// Left out of `build`.
    pub draft: bool,
    /// The run book's own responsibility layer.
    pub responsibility: PhaseMap,
    /// Text before the first phase.
    pub intro: Section,
    /// The six phases, in order.
    pub phases: Vec<(Phase, Section)>,
    /// The source text, for lints that quote lines.
    pub source: SourceText,
}

impl Runbook {
    /// One phase's section.
    pub fn phase(&self, phase: Phase) -> &Section {
        &self.phases[phase.index()].1
    }

    /// Every section: the introduction, then the six phases in order.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        std::iter::once(&self.intro).chain(self.phases.iter().map(|(_, s)| s))
    }

    /// [`Runbook::sections`], to change them.
    pub(crate) fn sections_mut(&mut self) -> impl Iterator<Item = &mut Section> {
        std::iter::once(&mut self.intro).chain(self.phases.iter_mut().map(|(_, s)| s))
    }
}

/// Validates one run book file; `None` only when its file name cannot be
/// a run book's address.
pub(super) fn validate(raw: &RawRunbook, diags: &mut Diagnostics) -> Option<Runbook> {
    let src = &raw.source;
    if let Some(problem) = file_name_problem(raw) {
        diags.push(problem);
        return None;
    }
    let front: &RawFrontMatter = &raw.front;
    let yaml = YamlText::starting_at(src, raw.front_line_offset);
    for (value, key) in [(&front.title, "title"), (&front.summary, "summary")] {
        if value.value.trim().is_empty() {
            diags.push(
                yaml.diag_at_start(value, Code::MissingKey, format!("`{key}` is empty"))
                    .hint(format!("write the run book's {key} in plain words")),
            );
        }
    }
    let severity = front
        .severity
        .as_ref()
        .and_then(|s| severity(s, yaml, diags));
    let audience = front
        .audience
        .as_ref()
        .map_or(Audience::All, |a| audience(a, yaml, diags));
    let reviewed = front
        .reviewed
        .as_ref()
        .and_then(|r| date_value(r, yaml, diags));
    let tested = front
        .tested
        .as_ref()
        .and_then(|r| date_value(r, yaml, diags));
    let review_every = match &front.review_every {
        Some(every) if every.value == 0 => {
            diags.push(
                yaml.diag_at_start(every, Code::InvalidValue, "`review_every` is 0 months")
                    .hint("use a number of months above 0, e.g. `review_every: 6`"),
            );
            None
        }
        every => every.as_ref().map(|e| e.value),
    };
    let responsibility = parse_map(&front.responsibility, yaml, diags);
    let body = markdown::parse_runbook_body(src, raw.body_start, &raw.slug, diags);
    Some(Runbook {
        slug: raw.slug.clone(),
        file: src.path.clone(),
        title: front.title.value.trim().to_string(),
        summary: front.summary.value.trim().to_string(),
        symptom: front.symptom.as_ref().and_then(|s| symptom(s, yaml, diags)),
        category: text_value(&front.category),
        severity,
        aliases: trimmed_list(&front.aliases),
        alerts: trimmed_list(&front.alerts),
        attack: super::attack::check(&front.attack, yaml, diags),
        detections: trimmed_list(&front.detections),
        owner: text_value(&front.owner),
        reviewed,
        review_every,
        tested,
        audience,
        draft: front.draft.as_ref().is_some_and(|d| d.value),
        responsibility,
        intro: body.intro,
        phases: body.phases,
        source: src.clone(),
    })
}

/// Why the file's name cannot be a run book's address (it becomes one), if
/// it cannot.
fn file_name_problem(raw: &RawRunbook) -> Option<Diagnostic> {
    let reserved = RESERVED_RUNBOOK_SLUGS.contains(&raw.slug.as_str());
    if is_slug(&raw.slug) && !reserved {
        return None;
    }
    let hint = if reserved {
        format!(
            "`{}` is used by the handbook's own pages; rename the file, e.g. `{}-incident.md`",
            raw.slug, raw.slug
        )
    } else {
        let suggestion = slug::slugify(&raw.slug);
        format!("file names become page addresses: use lowercase letters, digits and hyphens, e.g. `{suggestion}.md`")
    };
    Some(
        Diagnostic::new(
            Code::BadFileName,
            Span::file(&raw.source.path),
            format!("`{}` cannot be a run book name", raw.slug),
        )
        .hint(hint),
    )
}

/// `severity:`, reported when it is not one of the four.
fn severity(
    value: &Spanned<String>,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Option<IncidentSeverity> {
    let parsed = IncidentSeverity::parse(&value.value);
    if parsed.is_none() {
        let near = did_you_mean(&value.value, ["low", "medium", "high", "critical"])
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        diags.push(
            yaml.diag_for(
                value,
                Code::InvalidValue,
                format!("`{}` is not a severity", value.value),
            )
            .hint(format!("{near}use low, medium, high or critical")),
        );
    }
    parsed
}

/// The longest `symptom:` line, in characters: it is a link's text on a
/// phone's home page, where a longer one wraps onto a third line.
pub(crate) const SYMPTOM_MAX_CHARS: usize = 100;

/// `symptom:`: one short line in the reader's words. Anything else is
/// reported (RB047) and left out, so the home page falls back to the title.
fn symptom(value: &Spanned<String>, yaml: YamlText<'_>, diags: &mut Diagnostics) -> Option<String> {
    let text = value.value.trim();
    let problem = if text.is_empty() {
        Some("`symptom` is empty".to_string())
    } else if text.contains(['\n', '\r']) {
        Some("`symptom` runs over more than one line".to_string())
    } else if text.chars().count() > SYMPTOM_MAX_CHARS {
        Some(format!(
            "`symptom` is {} characters long, more than {SYMPTOM_MAX_CHARS}",
            text.chars().count()
        ))
    } else {
        None
    };
    match problem {
        Some(message) => {
            diags.push(
                yaml.diag_for(value, Code::BadSymptom, message).hint(
                    "write what the reader sees in one short line, e.g. \"Your files will not open and there is a ransom note\"",
                ),
            );
            None
        }
        None => Some(text.to_string()),
    }
}

/// `audience:`; anything but `all` or `soc` is reported and read as `all`.
fn audience(value: &Spanned<String>, yaml: YamlText<'_>, diags: &mut Diagnostics) -> Audience {
    match value.value.trim().to_ascii_lowercase().as_str() {
        "all" => Audience::All,
        "soc" => Audience::Soc,
        _ => {
            diags.push(
                yaml.diag_for(
                    value,
                    Code::InvalidValue,
                    format!("`{}` is not an audience", value.value),
                )
                .hint("use `all` (every edition) or `soc` (the SOC edition only)"),
            );
            Audience::All
        }
    }
}

/// `reviewed:` or `tested:`, reported when it is not a date.
fn date_value(
    value: &Spanned<String>,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Option<Date> {
    let date = Date::parse(&value.value);
    if date.is_none() {
        diags.push(
            yaml.diag_for(
                value,
                Code::BadDate,
                format!("`{}` is not a date", value.value),
            )
            .hint("write the date as YYYY-MM-DD, e.g. 2026-03-31"),
        );
    }
    date
}

/// A list's words, trimmed, empty ones left out.
fn trimmed_list(values: &[Spanned<String>]) -> Vec<String> {
    values
        .iter()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
