//! A client: its file checked against the handbook (plans) and the run
//! books (selection, overrides), its contacts and its logo.
//!
//! A client with problems is still kept, so that checks that depend on it
//! (placeholders, contacts) run too; the errors already fail the build.

use super::calltree::{self, Duty};
use super::contact::Contacts;
use super::handbook::Handbook;
use super::responsibility::{parse_map, PhaseMap};
use super::values::SOC_SLUG;
use super::values::{is_slug, Colour, Date};
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, Span};
use crate::source::raw::{RawApproval, RawSelection};
use crate::source::yaml::{Spanned, YamlText};
use crate::source::RawClientFile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

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
pub(crate) fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
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
    /// Contact ids in the order to call them (each names a contact of the
    /// client or the provider).
    pub escalation: Vec<String>,
    /// Notification duties, in the order written.
    pub duties: Vec<Duty>,
    /// Who approved this client's handbook, if anyone (SPEC §10).
    pub approved: Option<Approval>,
}

/// `approved:` in a client file: who approved the client's handbook, when,
/// and which revision of the sources they read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// Who approved it, as written ("Sam Carter, IT lead").
    pub by: String,
    /// When.
    pub on: Date,
    /// Where `on` is written, and its line (for problems with the date,
    /// such as an approval older than the configured age).
    pub on_place: Diagnostic,
    /// The git tag or commit they approved, with where it is written.
    pub version: Option<ApprovedVersion>,
}

/// `approved.version`, kept with its place so that a revision the
/// repository does not have is reported at the line that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovedVersion {
    /// The tag or commit as written.
    pub rev: String,
    /// Where it is written, and its line.
    pub place: Diagnostic,
}

impl ApprovedVersion {
    /// A problem with the version, at the place it is written.
    pub fn problem(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        let mut d = self.place.clone();
        d.code = code;
        d.severity = code.default_severity();
        d.message = message.into();
        d
    }
}

/// Validates one client file against the handbook and the run books'
/// slugs. Always a client, problems or not (see the module notes).
pub(super) fn validate(
    file: &RawClientFile,
    handbook: &Handbook,
    runbooks: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) -> Option<Client> {
    let loaded = &file.file;
    let raw = &loaded.raw;
    let src = &loaded.source;
    let yaml = YamlText::file(src);
    if let Some(problem) = file_name_problem(&loaded.slug, src.path.clone()) {
        diags.push(problem);
    }
    if raw.name.value.trim().is_empty() {
        diags.push(
            yaml.diag_at_start(&raw.name, Code::MissingKey, "`name` is empty")
                .hint("write the client's name as readers know it"),
        );
    }
    let plan = raw
        .plan
        .as_ref()
        .and_then(|p| plan(p, handbook, yaml, diags));
    let colour = raw.colour.as_ref().and_then(|c| colour(c, yaml, diags));
    let logo = raw.logo.as_ref().and_then(|l| logo(l, file, yaml, diags));
    let known = KnownRunbooks {
        slugs: runbooks,
        yaml,
    };
    let selection = raw
        .runbooks
        .as_ref()
        .map_or(Selection::All, |sel| known.selection(sel, diags));
    let responsibility = parse_map(&raw.responsibility, yaml, diags);
    let mut overrides = BTreeMap::new();
    for (name, o) in &raw.overrides {
        known.check_override(name, o, diags);
        overrides.insert(
            name.clone(),
            parse_map(&o.value.responsibility, yaml, diags),
        );
    }
    let contacts = Contacts::from_raw(&raw.contacts);
    calltree::backups(&raw.contacts, &contacts, &handbook.contacts, yaml, diags);
    let escalation =
        calltree::escalation(&raw.escalation, &contacts, &handbook.contacts, yaml, diags);
    let duties = calltree::duties(&raw.duties, yaml, diags);
    let approved = raw.approved.as_ref().and_then(|a| approval(a, yaml, diags));
    Some(Client {
        approved,
        slug: loaded.slug.clone(),
        file: src.path.clone(),
        name: raw.name.value.trim().to_string(),
        plan,
        colour,
        logo,
        contacts,
        selection,
        responsibility,
        overrides,
        escalation,
        duties,
    })
}

/// `approved: {by, on, version}`: `by` and `on` are required (an approval
/// without a name or date says nothing); `version` is optional, and
/// without it there is nothing to compare with.
fn approval(
    value: &Spanned<RawApproval>,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Option<Approval> {
    let raw = &value.value;
    let missing = |key: &str, example: &str| {
        yaml.diag_at_key_start(
            "approved",
            value,
            Code::MissingKey,
            format!("`approved` has no `{key}`"),
        )
        .hint(format!(
            "write who approved the handbook and when, e.g. approved: {{by: \"Sam Carter, IT lead\", on: 2026-03-02, version: v2026.03}} ({example})"
        ))
    };
    let by = match raw
        .by
        .as_ref()
        .map(|b| b.value.trim())
        .filter(|b| !b.is_empty())
    {
        Some(b) => Some(b.to_string()),
        None => {
            diags.push(missing("by", "`by` names the person"));
            None
        }
    };
    let on = match &raw.on {
        Some(on) => {
            let date =
                Date::parse(&on.value).map(|d| (d, yaml.diag_for(on, Code::OldApproval, "")));
            if date.is_none() {
                diags.push(
                    yaml.diag_for(on, Code::BadDate, format!("`{}` is not a date", on.value))
                        .hint("write the approval date as YYYY-MM-DD, e.g. on: 2026-03-02"),
                );
            }
            date
        }
        None => {
            diags.push(missing("on", "`on` is the date"));
            None
        }
    };
    let version = match &raw.version {
        Some(v) if v.value.trim().is_empty() => {
            diags.push(
                yaml.diag_at_start(v, Code::UnknownVersion, "`approved.version` is empty")
                    .hint("name the git tag or commit the client approved, e.g. version: v2026.03"),
            );
            None
        }
        Some(v) => Some(ApprovedVersion {
            rev: v.value.trim().to_string(),
            place: yaml.diag_for(v, Code::UnknownVersion, ""),
        }),
        None => None,
    };
    let (on, on_place) = on?;
    Some(Approval {
        by: by?,
        on,
        on_place,
        version,
    })
}

/// Why the file's name cannot be a client's (it becomes the edition's
/// folder name), if it cannot.
fn file_name_problem(slug: &str, path: PathBuf) -> Option<Diagnostic> {
    let hint = if slug == SOC_SLUG {
        "`soc` is the SOC team's own edition; rename the client file".to_string()
    } else if !is_slug(slug) {
        format!("client file names become folder names: use lowercase letters, digits and hyphens, e.g. `{}.yaml`", slug::slugify(slug))
    } else {
        return None;
    };
    Some(
        Diagnostic::new(
            Code::ReservedSlug,
            Span::file(path),
            format!("`{slug}` cannot be a client name"),
        )
        .hint(hint),
    )
}

/// `plan:`, looked up in the handbook's `plans`.
fn plan(
    name: &Spanned<String>,
    handbook: &Handbook,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Option<(String, PhaseMap)> {
    if let Some(map) = handbook.plans.get(name.value.trim()) {
        return Some((name.value.trim().to_string(), *map));
    }
    let known: Vec<&str> = handbook.plans.keys().map(String::as_str).collect();
    let hint = match did_you_mean(&name.value, known.iter().copied()) {
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
        yaml.diag_for(
            name,
            Code::UnknownPlan,
            format!("unknown plan `{}`", name.value),
        )
        .hint(hint),
    );
    None
}

/// `colour:`, reported when it is not a hex colour.
fn colour(value: &Spanned<String>, yaml: YamlText<'_>, diags: &mut Diagnostics) -> Option<Colour> {
    let parsed = Colour::parse(&value.value);
    if parsed.is_none() {
        diags.push(
            yaml.diag_for(
                value,
                Code::BadColour,
                format!("`{}` is not a colour", value.value),
            )
            .hint("write the brand colour as a hex code in quotes, e.g. colour: \"#1d5c8f\""),
        );
    }
    parsed
}

/// `logo:`: a file beside the client file whose bytes are the image type
/// its name says.
fn logo(
    name: &Spanned<String>,
    file: &RawClientFile,
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Option<Logo> {
    let ext = std::path::Path::new(&name.value)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !["png", "jpg", "jpeg", "gif", "webp"].contains(&ext.as_str())
        || name.value.contains('/')
        || name.value.contains('\\')
    {
        diags.push(yaml.diag_for(name, Code::BadLogo, format!("`{}` is not an allowed logo file", name.value)).hint("use a PNG, JPEG, GIF or WebP file placed beside the client file (SVG can carry scripts, so it is not accepted)"));
        return None;
    }
    match (&file.logo, &file.logo_error) {
        (Some((_, bytes)), _) => match image_kind(bytes) {
            Some(kind) if kind.extensions().contains(&ext.as_str()) => Some(Logo {
                extension: ext,
                bytes: bytes.clone(),
            }),
            found => {
                let (message, hint) = match found {
                    Some(kind) => (format!("logo `{}` holds a {} image, which its name does not say", name.value, kind.name()), format!("rename it to end in `.{}`", kind.extensions()[0])),
                    None => (format!("logo `{}` is not a PNG, JPEG, GIF or WebP image", name.value), "export the logo as PNG, JPEG, GIF or WebP (SVG can carry scripts, so it is not accepted)".to_string()),
                };
                diags.push(yaml.diag_for(name, Code::BadLogo, message).hint(hint));
                None
            }
        },
        (None, Some(error)) => {
            diags.push(error.clone());
            None
        }
        (None, None) => {
            diags.push(
                yaml.diag_for(
                    name,
                    Code::BadLogo,
                    format!("logo file `{}` was not found", name.value),
                )
                .hint("put the image in the clients/ folder beside this file"),
            );
            None
        }
    }
}

/// The run books a client file may name, for checking `runbooks:` and
/// `overrides:`.
struct KnownRunbooks<'a> {
    slugs: &'a BTreeSet<&'a str>,
    yaml: YamlText<'a>,
}

impl KnownRunbooks<'_> {
    /// `runbooks:`, with each name it lists checked.
    fn selection(&self, sel: &Spanned<RawSelection>, diags: &mut Diagnostics) -> Selection {
        match (&sel.value.include, &sel.value.exclude) {
            (Some(_), Some(_)) => {
                diags.push(self.yaml.diag_at_key_start("runbooks", sel, Code::InvalidValue, "`runbooks` has both `include` and `exclude`").hint("use one of them: `include` lists the only run books this client gets, `exclude` the ones it does not"));
                Selection::All
            }
            (Some(list), None) => {
                self.check_listed(list, "`include`", diags);
                Selection::Include(list.iter().map(|s| s.value.clone()).collect())
            }
            (None, Some(list)) => {
                self.check_listed(list, "`exclude`", diags);
                Selection::Exclude(list.iter().map(|s| s.value.clone()).collect())
            }
            (None, None) => Selection::All,
        }
    }

    /// The names of an `include` or `exclude` list.
    fn check_listed(&self, list: &[Spanned<String>], what: &str, diags: &mut Diagnostics) {
        for name in list
            .iter()
            .filter(|n| !self.slugs.contains(n.value.as_str()))
        {
            diags.push(
                self.yaml
                    .diag_for(
                        name,
                        Code::UnknownRunbook,
                        unknown_message(what, &name.value),
                    )
                    .hint(self.hint(&name.value)),
            );
        }
    }

    /// A key of `overrides`, reported where the key is written.
    fn check_override<T>(&self, name: &str, value: &Spanned<T>, diags: &mut Diagnostics) {
        if self.slugs.contains(name) {
            return;
        }
        diags.push(
            self.yaml
                .diag_for_key(
                    name,
                    value,
                    Code::UnknownRunbook,
                    unknown_message("`overrides`", name),
                )
                .hint(self.hint(name)),
        );
    }

    fn hint(&self, name: &str) -> String {
        match did_you_mean(name, self.slugs.iter().copied()) {
            Some(n) => {
                format!("did you mean `{n}`? Run books are named after their file, without `.md`")
            }
            None => "run books are named after their file, without `.md`".to_string(),
        }
    }
}

fn unknown_message(what: &str, name: &str) -> String {
    format!("{what} names unknown run book `{name}`")
}
