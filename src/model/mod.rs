//! The validated model: run books, phases, responsibilities, clients.
//!
//! Raw source structs become domain types here, once per build. Everything
//! downstream (editions, pages, search) reads this model and never the raw
//! YAML or Markdown again. Pure: no I/O.

pub mod glossary;
pub mod links;
pub mod markdown;
pub mod phase;
pub mod reader;
pub mod responsibility;
pub mod values;

use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceText, Span};
use crate::source::raw::{RawContact, RawContacts, RawFrontMatter};
use crate::source::yaml::{key_position, position, Spanned};
use crate::source::{RawClientFile, RawRunbook, Sources, ThemeFiles};
use markdown::{ContactField, PlaceholderKind, Section};
use phase::Phase;
use rayon::prelude::*;
use reader::{Reader, SOC_SLUG};
use responsibility::{parse_map, PhaseMap};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use values::{is_slug, Audience, Colour, Date, Severity};

/// Run book slugs that would collide with the edition's own pages.
pub const RESERVED_RUNBOOK_SLUGS: &[&str] = &[
    "assets", "glossary", "phases", "print", "search", "index", "404",
];

/// A contact card.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// The id it is known by in placeholders.
    pub id: String,
    /// What it is for.
    pub label: Option<String>,
    /// Person or team.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// When to reach them.
    pub hours: Option<String>,
}

impl Contact {
    fn from_raw(id: &str, raw: &RawContact) -> Contact {
        let clean = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Contact {
            id: id.to_string(),
            label: clean(&raw.label),
            name: clean(&raw.name),
            phone: clean(&raw.phone),
            email: clean(&raw.email),
            hours: clean(&raw.hours),
        }
    }

    /// One detail.
    pub fn field(&self, field: ContactField) -> Option<&str> {
        match field {
            ContactField::Label => self.label.as_deref(),
            ContactField::Name => self.name.as_deref(),
            ContactField::Phone => self.phone.as_deref(),
            ContactField::Email => self.email.as_deref(),
            ContactField::Hours => self.hours.as_deref(),
        }
    }
}

/// Contacts in the order they are written (SPEC §3: readers see them in
/// that order), found by id through an index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    /// File order.
    list: Vec<Contact>,
    /// Id to position in `list`.
    index: BTreeMap<String, usize>,
}

impl Contacts {
    fn from_raw(raw: &RawContacts) -> Contacts {
        let mut contacts = Contacts::default();
        for (id, c) in &raw.0 {
            // The YAML library refuses a repeated id; should one get here,
            // the first stays, as written first.
            if !contacts.index.contains_key(id) {
                contacts.index.insert(id.clone(), contacts.list.len());
                contacts.list.push(Contact::from_raw(id, &c.value));
            }
        }
        contacts
    }

    /// The contact with this id.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.index.get(id).and_then(|&i| self.list.get(i))
    }

    /// True when a contact has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Every id, sorted (for hints that name them).
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.index.keys()
    }

    /// Every contact, in the order written.
    pub fn values(&self) -> std::slice::Iter<'_, Contact> {
        self.list.iter()
    }
}

/// Settings for `runbook check`'s lints.
#[derive(Clone, Debug, PartialEq)]
pub struct LintSettings {
    /// Highest acceptable reading grade per phase.
    pub max_grade: f64,
    /// Longest acceptable sentence, in words.
    pub max_sentence_words: usize,
    /// Months after which `reviewed` is stale.
    pub stale_after_months: u32,
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
}

/// Which run books a client gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every run book.
    All,
    /// Only these.
    Include(BTreeSet<String>),
    /// All but these.
    Exclude(BTreeSet<String>),
}

impl Selection {
    /// True when the client gets this run book.
    pub fn includes(&self, slug: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Include(s) => s.contains(slug),
            Selection::Exclude(s) => !s.contains(slug),
        }
    }
}

/// A client logo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    /// File extension (`png`, `jpg`, …).
    pub extension: String,
    /// The image bytes.
    pub bytes: Vec<u8>,
}

/// The image types a logo may be, told by their first bytes (never by the
/// name alone: a `logo.png` must really be an image to be published).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
}

impl ImageKind {
    /// The type's name, as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Gif => "GIF",
            ImageKind::Webp => "WebP",
        }
    }

    /// File name extensions for the type, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ImageKind::Png => &["png"],
            ImageKind::Jpeg => &["jpg", "jpeg"],
            ImageKind::Gif => &["gif"],
            ImageKind::Webp => &["webp"],
        }
    }
}

/// The image type `bytes` start with, by their magic bytes.
pub fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// A client.
#[derive(Clone, Debug)]
pub struct Client {
    /// File name without `.yaml`.
    pub slug: String,
    /// The client file, relative to the source folder.
    pub file: PathBuf,
    /// The client's name.
    pub name: String,
    /// Plan name and its map.
    pub plan: Option<(String, PhaseMap)>,
    /// Brand colour.
    pub colour: Option<Colour>,
    /// Logo.
    pub logo: Option<Logo>,
    /// Contacts, in the order written.
    pub contacts: Contacts,
    /// Which run books.
    pub selection: Selection,
    /// Client-wide responsibility.
    pub responsibility: PhaseMap,
    /// Per-run-book overrides.
    pub overrides: BTreeMap<String, PhaseMap>,
}

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
    /// Home page group.
    pub category: Option<String>,
    /// How serious.
    pub severity: Option<Severity>,
    /// Everyday search words.
    pub aliases: Vec<String>,
    /// SIEM alert names or IDs.
    pub alerts: Vec<String>,
    /// ATT&CK technique IDs.
    pub attack: Vec<String>,
    /// Who keeps it.
    pub owner: Option<String>,
    /// Last review.
    pub reviewed: Option<Date>,
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
}

/// A glossary term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The term as written.
    pub term: String,
    /// Anchor on the glossary page.
    pub slug: String,
    /// Plain definition.
    pub definition: String,
    /// Other words for it.
    pub aliases: Vec<String>,
}

/// The whole validated handbook.
#[derive(Clone, Debug)]
pub struct Model {
    /// Site-wide settings.
    pub handbook: Handbook,
    /// Glossary terms, sorted case-insensitively.
    pub glossary: Vec<Term>,
    /// Clients, by slug.
    pub clients: Vec<Client>,
    /// Run books, by slug.
    pub runbooks: Vec<Runbook>,
}

/// Validates loaded sources into a model. Returns `None` only when
/// `handbook.yaml` is unusable; every other problem is reported and the
/// offending item left out, so one run reports as much as it can.
pub fn build(sources: &Sources) -> (Option<Model>, Diagnostics) {
    let mut diags = Diagnostics::new();
    // Run books are parsed in parallel (each once); their problems are
    // kept in file order, as a sequential pass would report them.
    let parsed: Vec<(Option<Runbook>, Diagnostics)> =
        sources.runbooks.par_iter().map(runbook_alone).collect();
    let mut runbooks: Vec<Runbook> = Vec::with_capacity(parsed.len());
    for (rb, d) in parsed {
        diags.extend(d);
        runbooks.extend(rb);
    }
    let (model, rest) = build_with(sources, runbooks);
    diags.extend(rest);
    (model, diags)
}

/// Validates one run book file on its own, before links between run books
/// are checked. Together with [`build_with`] this lets `serve` keep run
/// books it has already validated and redo only the file that changed.
pub fn runbook_alone(raw: &RawRunbook) -> (Option<Runbook>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let rb = runbook(raw, &mut diags);
    (rb, diags)
}

/// Like [`build`], with run books already validated by [`runbook_alone`]
/// (in slug order); `sources.runbooks` is not read. The run books' own
/// problems are not repeated here.
pub fn build_with(sources: &Sources, mut runbooks: Vec<Runbook>) -> (Option<Model>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let handbook = sources
        .handbook
        .as_ref()
        .map(|h| handbook(h, &sources.theme, &mut diags));
    let slugs: BTreeSet<&str> = runbooks.iter().map(|r| r.slug.as_str()).collect();
    let clients: Vec<Client> = match &handbook {
        Some(h) => sources
            .clients
            .iter()
            .filter_map(|c| client(c, h, &slugs, &mut diags))
            .collect(),
        None => Vec::new(),
    };
    // `acme.yaml` and `acme.yml` are one edition folder: building both
    // would mix two clients' pages in it.
    let mut seen: BTreeMap<&str, &SourceText> = BTreeMap::new();
    for file in sources.clients.iter().map(|c| &c.file) {
        if let Some(first) = seen.insert(&file.slug, &file.source) {
            diags.push(
                Diagnostic::new(
                    Code::ReservedSlug,
                    Span::file(&file.source.path),
                    format!("`{}` is also the name of {}", file.slug, first.path.display()),
                )
                .hint("each client needs one file; merge them, or rename one (the file name is the edition's folder name)"),
            );
        }
    }
    let glossary = glossary(sources, &mut diags);
    let Some(mut handbook) = handbook else {
        return (None, diags);
    };
    links::check(&mut runbooks, &mut handbook, &clients, &mut diags);
    // Once per section, so every edition and page reuses the marks.
    glossary::mark_all(
        &glossary,
        runbooks
            .iter_mut()
            .flat_map(|r| {
                std::iter::once(&mut r.intro).chain(r.phases.iter_mut().map(|p| &mut p.1))
            })
            .chain(std::iter::once(&mut handbook.start_here)),
    );
    let model = Model {
        handbook,
        glossary,
        clients,
        runbooks,
    };
    check_placeholders(&model, &mut diags);
    (Some(model), diags)
}

fn text_value(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn handbook(
    loaded: &crate::source::Loaded<crate::source::raw::RawHandbook>,
    theme: &ThemeFiles,
    diags: &mut Diagnostics,
) -> Handbook {
    let raw = &loaded.raw;
    let src = &loaded.source;
    let contacts = Contacts::from_raw(&raw.contacts);
    let responsibility = parse_map(&raw.responsibility, src, 0, diags);
    let plans = raw
        .plans
        .iter()
        .map(|(name, map)| (name.clone(), parse_map(&map.value, src, 0, diags)))
        .collect();
    let mut phase_text = Phase::ALL.map(|p| p.default_description().to_string());
    for (key, text) in &raw.phases {
        match Phase::from_key(key) {
            Some(p) => phase_text[p.index()] = text.value.trim().to_string(),
            None => {
                let (line, column) = key_position(src, key, text, 0);
                diags.push(
                    src.diag_at(
                        Code::UnknownPhaseKey,
                        line,
                        column,
                        key.chars().count(),
                        format!("`{key}` is not a phase"),
                    )
                    .hint(format!("did you mean `{}`?", Phase::nearest(key).slug())),
                );
            }
        }
    }
    let start_here = match &raw.start_here {
        Some(text) => {
            // Positions inside the value are counted from where its text starts in the file.
            let (line_base, column_base) = locate_block(src, text)
                .map(|o| src.lines.position(&src.text, o))
                .unwrap_or_else(|| position(text, 0));
            let sub = SourceText::new(&src.path, text.value.clone());
            let mut local = Diagnostics::new();
            let mut section = markdown::parse_fragment(&sub, 0, "start", &mut local);
            for mut d in local.sorted() {
                d.span.line += line_base - 1;
                if d.span.column > 0 {
                    d.span.column += column_base - 1;
                }
                d.source_line = src
                    .lines
                    .line_text(&src.text, d.span.line)
                    .map(str::to_string);
                diags.push(d);
            }
            // The value's text is indented in the file (a `|` block):
            // shift lines and columns so they point into handbook.yaml.
            for p in &mut section.placeholders {
                p.line += line_base - 1;
                p.column += column_base - 1;
            }
            for b in &mut section.blocks {
                b.line += line_base - 1;
                b.column += column_base - 1;
            }
            for l in &mut section.links {
                l.line += line_base - 1;
                l.column += column_base - 1;
            }
            section
        }
        None => {
            let mut local = Diagnostics::new();
            let text = default_start_here(raw.contacts.0.iter().any(|(id, _)| id == "soc"));
            let sub = SourceText::new("handbook.yaml", text.to_string());
            let mut section = markdown::parse_fragment(&sub, 0, "start", &mut local);
            // The built-in text is not in handbook.yaml: its positions mean
            // nothing there, so a problem with it points at the file's start.
            for p in &mut section.placeholders {
                (p.line, p.column) = (1, 1);
            }
            section
        }
    };
    let lint = raw.lint.as_ref().map(|spanned| {
        let l = &spanned.value;
        let d = LintSettings::default();
        let (line, column) = position(spanned, 0);
        let mut bad = |key: &str, hint: &str| {
            diags.push(
                src.diag_at(
                    Code::InvalidValue,
                    line,
                    column,
                    1,
                    format!("`lint.{key}` is out of range"),
                )
                .hint(hint.to_string()),
            );
        };
        let max_grade = match l.max_grade {
            Some(g) if !(g.is_finite() && g > 0.0) => {
                bad(
                    "max_grade",
                    "use a school grade above 0, e.g. `max_grade: 9`",
                );
                d.max_grade
            }
            g => g.unwrap_or(d.max_grade),
        };
        let max_sentence_words = match l.max_sentence_words {
            Some(0) => {
                bad(
                    "max_sentence_words",
                    "use a number of words above 0, e.g. `max_sentence_words: 25`",
                );
                d.max_sentence_words
            }
            n => n.unwrap_or(d.max_sentence_words),
        };
        let stale_after_months = match l.stale_after_months {
            Some(0) => {
                bad(
                    "stale_after_months",
                    "use a number of months above 0, e.g. `stale_after_months: 12`",
                );
                d.stale_after_months
            }
            n => n.unwrap_or(d.stale_after_months),
        };
        let words = |v: &[String]| {
            v.iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        };
        LintSettings {
            max_grade,
            max_sentence_words,
            stale_after_months,
            jargon: words(&l.jargon),
            allow: words(&l.allow),
        }
    });
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
        lint: lint.unwrap_or_default(),
        theme: theme.clone(),
        source: src.clone(),
        start_here_written: raw.start_here.is_some(),
    }
}

/// The built-in "start here" text, used when `handbook.yaml` has none and
/// its `contacts` has `soc`.
pub const DEFAULT_START_HERE: &str = "- **Stay calm.** Do not try to fix it yourself, and do not delete anything.\n- **Call the SOC now:** {{ contacts.soc }}\n- Write down what you saw and when, and keep any message that worried you.\n- If a computer is acting strangely, leave it switched on but unplug its network cable or turn off its Wi-Fi.\n";

/// The built-in "start here" text when `handbook.yaml` has no `soc`
/// contact: it names the provider instead, so the smallest handbook builds
/// (built-in text never asks for a contact nobody has).
pub const DEFAULT_START_HERE_NO_CONTACT: &str = "- **Stay calm.** Do not try to fix it yourself, and do not delete anything.\n- **Call the SOC at {{ provider }} now.**\n- Write down what you saw and when, and keep any message that worried you.\n- If a computer is acting strangely, leave it switched on but unplug its network cable or turn off its Wi-Fi.\n";

/// The built-in "start here" text for a provider with or without a `soc`
/// contact of its own.
pub fn default_start_here(provider_has_soc: bool) -> &'static str {
    if provider_has_soc {
        DEFAULT_START_HERE
    } else {
        DEFAULT_START_HERE_NO_CONTACT
    }
}

/// Finds the byte offset of a YAML string value's first line of text.
fn locate_block(src: &SourceText, value: &Spanned<String>) -> Option<usize> {
    let line = value.referenced.line() as usize;
    let start = src.lines.line_start(line)?;
    let first = value.value.lines().find(|l| !l.trim().is_empty())?.trim();
    src.text[start..].find(first).map(|p| start + p)
}

fn runbook(raw: &RawRunbook, diags: &mut Diagnostics) -> Option<Runbook> {
    let src = &raw.source;
    let front: &RawFrontMatter = &raw.front;
    let off = raw.front_line_offset;
    if !is_slug(&raw.slug) || RESERVED_RUNBOOK_SLUGS.contains(&raw.slug.as_str()) {
        let suggestion = slug::slugify(&raw.slug);
        let hint = if RESERVED_RUNBOOK_SLUGS.contains(&raw.slug.as_str()) {
            format!(
                "`{}` is used by the handbook's own pages; rename the file, e.g. `{}-incident.md`",
                raw.slug, raw.slug
            )
        } else {
            format!("file names become page addresses: use lowercase letters, digits and hyphens, e.g. `{suggestion}.md`")
        };
        diags.push(
            Diagnostic::new(
                Code::BadFileName,
                Span::file(&src.path),
                format!("`{}` cannot be a run book name", raw.slug),
            )
            .hint(hint),
        );
        return None;
    }
    let title = front.title.value.trim().to_string();
    let summary = front.summary.value.trim().to_string();
    for (value, key) in [(&front.title, "title"), (&front.summary, "summary")] {
        if value.value.trim().is_empty() {
            let (line, column) = position(value, off);
            diags.push(
                src.diag_at(
                    Code::MissingKey,
                    line,
                    column,
                    1,
                    format!("`{key}` is empty"),
                )
                .hint(format!("write the run book's {key} in plain words")),
            );
        }
    }
    let severity = front.severity.as_ref().and_then(|s| {
        let parsed = Severity::parse(&s.value);
        if parsed.is_none() {
            let (line, column) = position(s, off);
            let near = did_you_mean(&s.value, ["low", "medium", "high", "critical"])
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            diags.push(
                src.diag_at(
                    Code::InvalidValue,
                    line,
                    column,
                    s.value.chars().count(),
                    format!("`{}` is not a severity", s.value),
                )
                .hint(format!("{near}use low, medium, high or critical")),
            );
        }
        parsed
    });
    let audience = match front.audience.as_ref() {
        None => Audience::All,
        Some(a) => match a.value.trim().to_ascii_lowercase().as_str() {
            "all" => Audience::All,
            "soc" => Audience::Soc,
            _ => {
                let (line, column) = position(a, off);
                diags.push(
                    src.diag_at(
                        Code::InvalidValue,
                        line,
                        column,
                        a.value.chars().count(),
                        format!("`{}` is not an audience", a.value),
                    )
                    .hint("use `all` (every edition) or `soc` (the SOC edition only)"),
                );
                Audience::All
            }
        },
    };
    let reviewed = front.reviewed.as_ref().and_then(|r| {
        let d = Date::parse(&r.value);
        if d.is_none() {
            let (line, column) = position(r, off);
            diags.push(
                src.diag_at(
                    Code::BadDate,
                    line,
                    column,
                    r.value.chars().count(),
                    format!("`{}` is not a date", r.value),
                )
                .hint("write the date as YYYY-MM-DD, e.g. 2026-03-31"),
            );
        }
        d
    });
    let list = |v: &Vec<Spanned<String>>| {
        v.iter()
            .map(|s| s.value.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    let responsibility = parse_map(&front.responsibility, src, off, diags);
    let body = markdown::parse_runbook_body(src, raw.body_start, &raw.slug, diags);
    // A run book with problems is still kept: its other checks (placeholders,
    // client references) then run too, and the errors already fail the build.
    Some(Runbook {
        slug: raw.slug.clone(),
        file: src.path.clone(),
        title,
        summary,
        category: text_value(&front.category),
        severity,
        aliases: list(&front.aliases),
        alerts: list(&front.alerts),
        attack: list(&front.attack),
        owner: text_value(&front.owner),
        reviewed,
        audience,
        draft: front.draft.as_ref().is_some_and(|d| d.value),
        responsibility,
        intro: body.intro,
        phases: body.phases,
        source: src.clone(),
    })
}

fn client(
    file: &RawClientFile,
    handbook: &Handbook,
    runbooks: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) -> Option<Client> {
    let loaded = &file.file;
    let raw = &loaded.raw;
    let src = &loaded.source;
    if loaded.slug == SOC_SLUG || !is_slug(&loaded.slug) {
        let hint = if loaded.slug == SOC_SLUG {
            "`soc` is the SOC team's own edition; rename the client file".to_string()
        } else {
            format!("client file names become folder names: use lowercase letters, digits and hyphens, e.g. `{}.yaml`", slug::slugify(&loaded.slug))
        };
        diags.push(
            Diagnostic::new(
                Code::ReservedSlug,
                Span::file(&src.path),
                format!("`{}` cannot be a client name", loaded.slug),
            )
            .hint(hint),
        );
    }
    if raw.name.value.trim().is_empty() {
        let (line, column) = position(&raw.name, 0);
        diags.push(
            src.diag_at(Code::MissingKey, line, column, 1, "`name` is empty")
                .hint("write the client's name as readers know it"),
        );
    }
    let plan = raw
        .plan
        .as_ref()
        .and_then(|p| match handbook.plans.get(p.value.trim()) {
            Some(map) => Some((p.value.trim().to_string(), *map)),
            None => {
                let (line, column) = position(p, 0);
                let known: Vec<&str> = handbook.plans.keys().map(String::as_str).collect();
                let hint = match did_you_mean(&p.value, known.iter().copied()) {
                    Some(n) => format!(
                        "did you mean `{n}`? Plans in handbook.yaml: {}",
                        known.join(", ")
                    ),
                    None if known.is_empty() => {
                        "handbook.yaml defines no `plans`; add one or remove `plan:`".to_string()
                    }
                    None => format!("plans in handbook.yaml: {}", known.join(", ")),
                };
                diags.push(
                    src.diag_at(
                        Code::UnknownPlan,
                        line,
                        column,
                        p.value.chars().count(),
                        format!("unknown plan `{}`", p.value),
                    )
                    .hint(hint),
                );
                None
            }
        });
    let colour = raw.colour.as_ref().and_then(|c| {
        let parsed = Colour::parse(&c.value);
        if parsed.is_none() {
            let (line, column) = position(c, 0);
            diags.push(
                src.diag_at(
                    Code::BadColour,
                    line,
                    column,
                    c.value.chars().count(),
                    format!("`{}` is not a colour", c.value),
                )
                .hint("write the brand colour as a hex code in quotes, e.g. colour: \"#1d5c8f\""),
            );
        }
        parsed
    });
    let logo = raw.logo.as_ref().and_then(|l| {
        let (line, column) = position(l, 0);
        let ext = std::path::Path::new(&l.value).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !["png", "jpg", "jpeg", "gif", "webp"].contains(&ext.as_str()) || l.value.contains('/') || l.value.contains('\\') {
            diags.push(src.diag_at(Code::BadLogo, line, column, l.value.chars().count(), format!("`{}` is not an allowed logo file", l.value)).hint("use a PNG, JPEG, GIF or WebP file placed beside the client file (SVG can carry scripts, so it is not accepted)"));
            return None;
        }
        match (&file.logo, &file.logo_error) {
            (Some((_, bytes)), _) => match image_kind(bytes) {
                Some(kind) if kind.extensions().contains(&ext.as_str()) => Some(Logo { extension: ext, bytes: bytes.clone() }),
                found => {
                    let (message, hint) = match found {
                        Some(kind) => (format!("logo `{}` holds a {} image, which its name does not say", l.value, kind.name()), format!("rename it to end in `.{}`", kind.extensions()[0])),
                        None => (format!("logo `{}` is not a PNG, JPEG, GIF or WebP image", l.value), "export the logo as PNG, JPEG, GIF or WebP (SVG can carry scripts, so it is not accepted)".to_string()),
                    };
                    diags.push(src.diag_at(Code::BadLogo, line, column, l.value.chars().count(), message).hint(hint));
                    None
                }
            },
            (None, Some(error)) => {
                diags.push(error.clone());
                None
            }
            (None, None) => {
                diags.push(src.diag_at(Code::BadLogo, line, column, l.value.chars().count(), format!("logo file `{}` was not found", l.value)).hint("put the image in the clients/ folder beside this file"));
                None
            }
        }
    });
    // `at`: where the name is written, when it is a key (of `overrides`).
    let check_runbook = |name: &Spanned<String>,
                         at: Option<(usize, usize)>,
                         what: &str,
                         diags: &mut Diagnostics| {
        if !runbooks.contains(name.value.as_str()) {
            let (line, column) = at.unwrap_or_else(|| position(name, 0));
            let hint = match did_you_mean(&name.value, runbooks.iter().copied()) {
                Some(n) => format!(
                    "did you mean `{n}`? Run books are named after their file, without `.md`"
                ),
                None => "run books are named after their file, without `.md`".to_string(),
            };
            diags.push(
                src.diag_at(
                    Code::UnknownRunbook,
                    line,
                    column,
                    name.value.chars().count(),
                    format!("{what} names unknown run book `{}`", name.value),
                )
                .hint(hint),
            );
        }
    };
    let selection = match raw.runbooks.as_ref() {
        None => Selection::All,
        Some(sel) => {
            let (line, column) = key_position(src, "runbooks", sel, 0);
            match (&sel.value.include, &sel.value.exclude) {
                (Some(_), Some(_)) => {
                    diags.push(src.diag_at(Code::InvalidValue, line, column, 1, "`runbooks` has both `include` and `exclude`").hint("use one of them: `include` lists the only run books this client gets, `exclude` the ones it does not"));
                    Selection::All
                }
                (Some(list), None) => {
                    list.iter()
                        .for_each(|n| check_runbook(n, None, "`include`", diags));
                    Selection::Include(list.iter().map(|s| s.value.clone()).collect())
                }
                (None, Some(list)) => {
                    list.iter()
                        .for_each(|n| check_runbook(n, None, "`exclude`", diags));
                    Selection::Exclude(list.iter().map(|s| s.value.clone()).collect())
                }
                (None, None) => Selection::All,
            }
        }
    };
    let responsibility = parse_map(&raw.responsibility, src, 0, diags);
    let mut overrides = BTreeMap::new();
    for (name, o) in &raw.overrides {
        let as_spanned = Spanned::new(name.clone(), o.referenced, o.defined);
        let at = key_position(src, name, o, 0);
        check_runbook(&as_spanned, Some(at), "`overrides`", diags);
        overrides.insert(
            name.clone(),
            parse_map(&o.value.responsibility, src, 0, diags),
        );
    }
    // A client with problems is still kept so that checks that depend on it
    // (placeholders, contacts) run too; the errors already fail the build.
    Some(Client {
        slug: loaded.slug.clone(),
        file: src.path.clone(),
        name: raw.name.value.trim().to_string(),
        plan,
        colour,
        logo,
        contacts: Contacts::from_raw(&raw.contacts),
        selection,
        responsibility,
        overrides,
    })
}

fn glossary(sources: &Sources, diags: &mut Diagnostics) -> Vec<Term> {
    let Some(loaded) = &sources.glossary else {
        return Vec::new();
    };
    let mut terms: Vec<Term> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (term, raw) in &loaded.raw {
        let (line, column) = key_position(&loaded.source, term, raw, 0);
        if raw.value.definition.trim().is_empty() {
            diags.push(
                loaded
                    .source
                    .diag_at(
                        Code::MissingKey,
                        line,
                        column,
                        1,
                        format!("`{term}` has an empty definition"),
                    )
                    .hint("explain the term in one or two plain sentences"),
            );
            continue;
        }
        let key = term.trim().to_lowercase();
        if let Some(first) = seen.insert(key, line) {
            diags.push(
                loaded
                    .source
                    .diag_at(
                        Code::InvalidValue,
                        line,
                        column,
                        1,
                        format!("`{term}` is defined twice (first at line {first})"),
                    )
                    .hint("keep one definition"),
            );
            continue;
        }
        terms.push(Term {
            term: term.trim().to_string(),
            slug: slug::slugify(term),
            definition: raw.value.definition.trim().to_string(),
            aliases: raw
                .value
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
        });
    }
    terms.sort_by(|a, b| {
        a.term
            .to_lowercase()
            .cmp(&b.term.to_lowercase())
            .then(a.term.cmp(&b.term))
    });
    terms
}

/// Every contact placeholder must be fillable in every edition that shows it.
fn check_placeholders(model: &Model, diags: &mut Diagnostics) {
    let provider = &model.handbook.contacts;
    let check = |p: &markdown::Placeholder,
                 file: &std::path::Path,
                 source: Option<&SourceText>,
                 clients: &mut dyn Iterator<Item = &Client>,
                 diags: &mut Diagnostics| {
        let PlaceholderKind::Contact { id, field } = &p.kind else {
            return;
        };
        let at = |code: Code, message: String| match source {
            Some(s) => s.diag_at(code, p.line, p.column, p.raw.chars().count(), message),
            None => Diagnostic::new(
                code,
                Span::at(file, p.line, p.column, p.raw.chars().count()),
                message,
            ),
        };
        if let Some(c) = provider.get(id) {
            if let Some(f) = field {
                if c.field(*f).is_none() {
                    diags.push(
                        at(
                            Code::ContactLacksField,
                            format!("the provider's contact `{id}` has no `{}`", f.as_str()),
                        )
                        .hint(format!(
                            "add `{}:` to contacts.{id} in handbook.yaml",
                            f.as_str()
                        )),
                    );
                }
            }
            return;
        }
        let all_clients: Vec<&Client> = model.clients.iter().collect();
        if !all_clients.iter().any(|c| c.contacts.contains_key(id)) {
            let mut known: BTreeSet<&str> = provider.keys().map(String::as_str).collect();
            known.extend(
                all_clients
                    .iter()
                    .flat_map(|c| c.contacts.keys().map(String::as_str)),
            );
            let hint = match did_you_mean(id, known.iter().copied()) {
                Some(n) => format!("did you mean `contacts.{n}`? Contacts are defined in handbook.yaml and clients/*.yaml"),
                None => "define this contact in handbook.yaml `contacts` or in every client's `contacts`".to_string(),
            };
            diags.push(
                at(
                    Code::UnknownContact,
                    format!("no client and not the provider has a contact `{id}`"),
                )
                .hint(hint),
            );
            return;
        }
        if p.internal {
            return; // SOC-only text: no client edition shows it.
        }
        for client in clients {
            match client.contacts.get(id) {
                None => diags.push(
                    at(
                        Code::ClientLacksContact,
                        format!("client `{}` has no contact `{id}`", client.slug),
                    )
                    .hint(format!(
                        "add `{id}:` under `contacts` in {}, or to handbook.yaml's contacts",
                        client.file.display()
                    ))
                    .note(format!("needed by {}", client.file.display())),
                ),
                Some(c) => {
                    if let Some(f) = field {
                        if c.field(*f).is_none() {
                            diags.push(
                                at(
                                    Code::ContactLacksField,
                                    format!(
                                        "client `{}`'s contact `{id}` has no `{}`",
                                        client.slug,
                                        f.as_str()
                                    ),
                                )
                                .hint(format!(
                                    "add `{}:` to contacts.{id} in {}",
                                    f.as_str(),
                                    client.file.display()
                                ))
                                .note(format!("needed by {}", client.file.display())),
                            );
                        }
                    }
                }
            }
        }
    };
    for rb in &model.runbooks {
        let sections = std::iter::once(&rb.intro).chain(rb.phases.iter().map(|(_, s)| s));
        for section in sections {
            for p in &section.placeholders {
                let mut clients: Box<dyn Iterator<Item = &Client>> =
                    Box::new(Reader::clients_seeing(model, rb));
                check(p, &rb.file, Some(&rb.source), &mut clients, diags);
            }
        }
    }
    for p in &model.handbook.start_here.placeholders {
        let mut clients: Box<dyn Iterator<Item = &Client>> = Box::new(model.clients.iter());
        let mut found = Diagnostics::new();
        check(
            p,
            std::path::Path::new("handbook.yaml"),
            None,
            &mut clients,
            &mut found,
        );
        for d in found.sorted() {
            diags.push(if model.handbook.start_here_written {
                d
            } else {
                d.note(format!("`{}` is in the built-in `start_here` text; write your own `start_here` in handbook.yaml to change it", p.raw))
            });
        }
    }
}
