//! Filling a section's holes for one reader: placeholders, badges, boxes,
//! and dropping SOC-only sections from client editions.

use super::{step_responsibility, Piece, Reader, TextPiece};
use crate::model::markdown::{BlockKind, ContactField, PlaceholderKind, Section, Segment, Step};
use crate::model::phase::Phase;
use crate::model::responsibility::Resolved;
use crate::model::{Client, Contact, Contacts, Model};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Resolves placeholders and links for one reader.
pub(crate) struct Filler<'m> {
    client: Option<&'m Client>,
    provider: &'m str,
    provider_contacts: &'m Contacts,
    roles: &'m BTreeMap<String, String>,
    /// Run books this edition shows; links to any other become plain text.
    shown: BTreeSet<&'m str>,
}

/// What a placeholder becomes.
enum Value<'m> {
    Text(String),
    /// Words that stand in for a client's value in the SOC edition ("the
    /// client's IT lead"): capitalised where they start a sentence.
    Neutral(String),
    Field(ContactField, String),
    Card(&'m Contact),
}

impl<'m> Filler<'m> {
    /// A filler for this reader.
    pub(crate) fn new(model: &'m Model, reader: &Reader<'m>) -> Self {
        Filler {
            client: reader.client(),
            provider: &model.handbook.provider,
            provider_contacts: &model.handbook.contacts,
            roles: &model.handbook.roles,
            shown: BTreeSet::new(),
        }
    }

    /// Sets the run books this edition shows. Links to run books outside
    /// this set render as plain text (none are shown until this is called).
    pub(crate) fn showing(mut self, shown: BTreeSet<&'m str>) -> Self {
        self.shown = shown;
        self
    }

    /// Where a link goes in this edition: `None` when it renders as plain
    /// text (its run book is left out, or it points nowhere).
    fn link_href(&self, section: &Section, n: usize) -> Option<(String, Option<String>)> {
        let link = section.links.get(n)?;
        let target = link.target.as_ref()?;
        self.shown
            .contains(target.runbook.as_str())
            .then(|| (target.href(self.soc()), link.title.clone()))
    }

    fn soc(&self) -> bool {
        self.client.is_none()
    }

    /// The neutral words for a client contact in the SOC edition.
    fn role(&self, id: &str) -> String {
        self.roles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.replace(['_', '-'], " "))
    }

    /// A client contact's detail in the SOC edition, which holds no
    /// client's details: the words an analyst would say. A name stands for
    /// the person ("Tell the client's Operations director"), not "the
    /// client's Operations director's name"; a label is what the contact
    /// is, so it reads as the role alone, like a label after the writer's
    /// own article ("Ask the Operations director"); details read "the phone
    /// number of …", which stays readable when a role has several words
    /// ("manager on duty"); hours, like the hours written, read as when.
    fn neutral(&self, id: &str, field: Option<ContactField>) -> String {
        let who = format!("the client's {}", self.role(id));
        match field {
            None | Some(ContactField::Name) => who,
            Some(ContactField::Label) => self.role(id),
            Some(ContactField::Phone) => format!("the phone number of {who}"),
            Some(ContactField::Email) => format!("the email address of {who}"),
            Some(ContactField::Hours) => format!("in the hours of {who}"),
        }
    }

    fn contact(&self, id: &str) -> Option<&'m Contact> {
        self.client
            .and_then(|c| c.contacts.get(id))
            .or_else(|| self.provider_contacts.get(id))
    }

    fn value(&self, kind: &PlaceholderKind) -> Value<'m> {
        match kind {
            PlaceholderKind::Provider => Value::Text(self.provider.to_string()),
            PlaceholderKind::ClientName => match self.client {
                Some(c) => Value::Text(c.name.clone()),
                None => Value::Neutral("the client".to_string()),
            },
            PlaceholderKind::Contact { id, field } => match (self.contact(id), field) {
                (Some(c), None) => Value::Card(c),
                (Some(c), Some(f)) => Value::Field(*f, c.field(*f).unwrap_or("").to_string()),
                (None, field) => Value::Neutral(self.neutral(id, *field)),
            },
        }
    }

    /// Plain text of a placeholder, for search and lints; `before` is the
    /// text in front of it.
    fn plain(&self, kind: &PlaceholderKind, before: &str) -> String {
        match self.value(kind) {
            Value::Text(t) | Value::Field(_, t) => t,
            Value::Neutral(t) => sentence_case(t, starts_sentence(before)),
            Value::Card(c) => [
                c.label.as_deref(),
                c.name.as_deref(),
                c.phone.as_deref(),
                c.email.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        }
    }

    /// Resolves a section into pieces. `phase` is set for phase sections,
    /// whose list items get badges; `count` receives the number of steps shown.
    pub(crate) fn pieces(
        &self,
        section: &'m Section,
        phase: Option<(Phase, Resolved)>,
        count: &mut usize,
    ) -> Vec<Piece<'m>> {
        let mut out = Vec::with_capacity(section.segments.len());
        let mut inside = false;
        let mut numbers: BTreeMap<usize, usize> = BTreeMap::new();
        for segment in &section.segments {
            if !super::visible(segment, self.soc(), inside) {
                continue;
            }
            match segment {
                Segment::InternalStart => {
                    inside = true;
                    if self.soc() {
                        out.push(Piece::InternalStart);
                    }
                }
                Segment::InternalEnd => {
                    inside = false;
                    if self.soc() {
                        out.push(Piece::InternalEnd);
                    }
                }
                Segment::Html(h) => out.push(Piece::Html(h)),
                Segment::LinkStart(n) => {
                    if let Some((href, title)) = self.link_href(section, *n) {
                        out.push(Piece::LinkStart { href, title });
                    }
                }
                Segment::LinkEnd(n) => {
                    if self.link_href(section, *n).is_some() {
                        out.push(Piece::LinkEnd);
                    }
                }
                Segment::Placeholder(n) => {
                    let Some(p) = section.placeholders.get(*n) else {
                        continue;
                    };
                    out.push(match self.value(&p.kind) {
                        Value::Text(t) => Piece::Text(t),
                        Value::Neutral(t) => {
                            let start = at_sentence_start(&out);
                            Piece::Text(sentence_case(t, start))
                        }
                        Value::Field(f, v) => Piece::Field(f, v),
                        Value::Card(c) => Piece::Card(c),
                    });
                }
                Segment::Badge(n) | Segment::TaskBox(n) => {
                    let Some((phase, resolved)) = phase else {
                        continue;
                    };
                    let next = numbers.len() + 1;
                    let step = *numbers.entry(*n).or_insert(next);
                    *count = numbers.len();
                    if matches!(segment, Segment::Badge(_)) {
                        out.push(Piece::Badge {
                            phase,
                            step,
                            resolved: step_responsibility(section, *n, resolved),
                        });
                    } else {
                        let id = section.steps.get(*n).map_or("", |s| s.id.as_str());
                        out.push(Piece::TaskBox { phase, step, id });
                    }
                }
            }
        }
        out
    }

    /// Text blocks this reader sees, placeholders filled.
    pub(crate) fn text(&self, section: &'m Section) -> Vec<TextPiece<'m>> {
        // Steps are numbered among those this reader sees, as in `pieces`:
        // the number of each is counted once, so a section with many steps
        // costs their number, not its square.
        let shown = |s: &Step| self.soc() || !s.internal;
        let mut numbers = Vec::with_capacity(section.steps.len());
        let mut seen = 0;
        for step in &section.steps {
            if shown(step) {
                seen += 1;
                numbers.push(Some(seen));
            } else {
                numbers.push(None);
            }
        }
        // Placeholders by their text, made once per section and only when
        // some block holds one.
        let mut by_raw: Option<BTreeMap<&str, &PlaceholderKind>> = None;
        section
            .blocks
            .iter()
            .filter(|b| self.soc() || !b.internal)
            .map(|b| TextPiece {
                kind: b.kind,
                text: self.fill_plain(&b.text, section, &mut by_raw),
                anchor: b.anchor.as_deref(),
                step: match b.kind {
                    BlockKind::Step(n) => numbers.get(n).copied().flatten(),
                    _ => None,
                },
            })
            .collect()
    }

    /// Replaces `{{ … }}` in plain text.
    fn fill_plain<'t, 's>(
        &self,
        text: &'t str,
        section: &'s Section,
        by_raw: &mut Option<BTreeMap<&'s str, &'s PlaceholderKind>>,
    ) -> Cow<'t, str> {
        if !has_placeholder(text) {
            return Cow::Borrowed(text);
        }
        let by_raw = by_raw.get_or_insert_with(|| {
            let mut map = BTreeMap::new();
            for p in &section.placeholders {
                // The first of a text wins, as a search from the start would.
                map.entry(p.raw.as_str()).or_insert(&p.kind);
            }
            map
        });
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}").map(|c| open + c + 2) else {
                break;
            };
            out.push_str(&rest[..open]);
            let raw = &rest[open..close];
            match by_raw.get(raw) {
                Some(kind) => {
                    let value = self.plain(kind, &out);
                    out.push_str(&value);
                }
                None => out.push_str(raw),
            }
            rest = &rest[close..];
        }
        out.push_str(rest);
        Cow::Owned(out)
    }
}

/// Whether `text` holds `{{`: asked of every text block in every edition,
/// and most hold none, so this looks for `{` with `memchr`.
fn has_placeholder(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[from..]) {
        if bytes.get(from + at + 1) == Some(&b'{') {
            return true;
        }
        from += at + 1;
    }
    false
}

/// Block elements: text right after one of their tags starts a sentence.
const BLOCK_TAGS: &[&str] = &[
    "blockquote",
    "br",
    "dd",
    "div",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "p",
    "td",
    "th",
];

/// Whether a placeholder after these pieces starts a sentence: at the start
/// of a section, block or step, or after `.`, `!` or `?`.
fn at_sentence_start(before: &[Piece<'_>]) -> bool {
    for piece in before.iter().rev() {
        let found = match piece {
            Piece::Html(h) => html_sentence_end(h),
            Piece::Text(t) | Piece::Field(_, t) => Some(starts_sentence(t)),
            Piece::Card(_) => Some(false),
            Piece::Badge { .. }
            | Piece::TaskBox { .. }
            | Piece::InternalStart
            | Piece::InternalEnd => Some(true),
            Piece::LinkStart { .. } | Piece::LinkEnd => None,
        };
        if let Some(start) = found {
            return start;
        }
    }
    true
}

/// Whether HTML ends a sentence (or opens a block); `None` when it holds
/// only whitespace and inline tags, so the pieces before it decide.
fn html_sentence_end(html: &str) -> Option<bool> {
    let mut rest = html.trim_end();
    while let Some(open) = rest.strip_suffix('>').and_then(|r| r.rfind('<')) {
        let name: String = rest[open + 1..]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if BLOCK_TAGS.contains(&name.to_ascii_lowercase().as_str()) {
            return Some(true);
        }
        rest = rest[..open].trim_end();
    }
    (!rest.is_empty()).then(|| starts_sentence(rest))
}

/// Whether plain text written after `before` starts a sentence.
fn starts_sentence(before: &str) -> bool {
    let before = before.trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?'])
}

/// `words` with a capital first letter when they start a sentence.
fn sentence_case(words: String, start: bool) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) if start && first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => words,
    }
}
