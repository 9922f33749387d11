//! Parsing a run book body once into a form every edition can reuse.
//!
//! The body is parsed with pulldown-cmark, split into the introduction and
//! the six phase sections, rendered to HTML and sanitized with ammonia, all
//! once per build. What differs per edition (placeholders, step badges,
//! task boxes, SOC-only sections) is left as *holes*: private-use marker
//! characters that survive sanitizing and are then split out into
//! [`Segment`]s. An edition fills the holes by concatenation, which is cheap,
//! so fifty clients cost little more than one.

mod attributes;
mod events;
mod internal;
mod phases;

pub(crate) use events::MAX_NESTING;
pub use phases::parse_runbook_body;

use attributes::{attribute_problem, is_internal_class, stray_attribute, ATTRIBUTE_HINT};
use events::{events, Parsed, SpannedEvent};
use internal::{check_internal_definitions, internal_ranges};

use super::phase::Phase;
use super::responsibility::Party;
use crate::diag::{Code, Diagnostics, SourceText};
use crate::marker::{HOLE_CLOSE, HOLE_OPEN};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

/// A piece of a section's HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Sanitized HTML, the same in every edition.
    Html(String),
    /// A `{{ … }}` placeholder: index into [`Section::placeholders`].
    Placeholder(usize),
    /// A step's responsibility badge: index into [`Section::steps`].
    Badge(usize),
    /// A step's tickable box: index into [`Section::steps`].
    TaskBox(usize),
    /// Start of a SOC-only section.
    InternalStart,
    /// End of a SOC-only section.
    InternalEnd,
    /// Start of a link to a run book: index into [`Section::links`].
    LinkStart(usize),
    /// End of a link to a run book: index into [`Section::links`].
    LinkEnd(usize),
}

/// What a placeholder asks for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceholderKind {
    /// `{{ client.name }}`
    ClientName,
    /// `{{ provider }}`
    Provider,
    /// `{{ contacts.<id> }}` or `{{ contacts.<id>.<field> }}`
    Contact {
        /// The contact id.
        id: String,
        /// One detail, or the whole card when `None`.
        field: Option<ContactField>,
    },
}

/// A contact detail a placeholder can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactField {
    /// What the contact is for.
    Label,
    /// The person or team.
    Name,
    /// Phone number.
    Phone,
    /// Email address.
    Email,
    /// When to reach them.
    Hours,
}

impl ContactField {
    /// Parses a field name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "label" => ContactField::Label,
            "name" => ContactField::Name,
            "phone" => ContactField::Phone,
            "email" => ContactField::Email,
            "hours" => ContactField::Hours,
            _ => return None,
        })
    }

    /// The field name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactField::Label => "label",
            ContactField::Name => "name",
            ContactField::Phone => "phone",
            ContactField::Email => "email",
            ContactField::Hours => "hours",
        }
    }
}

/// One placeholder use, with its place in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// What it asks for.
    pub kind: PlaceholderKind,
    /// The text as written, e.g. `{{ contacts.it_lead }}`.
    pub raw: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub column: usize,
    /// True inside a SOC-only section.
    pub internal: bool,
}

/// A link to a run book, written `[text](ransomware.md)`,
/// `[text](ransomware.md#containment)` or, inside a run book, `[text](#containment)`.
/// Each edition turns it into a link to the right page, or into plain text
/// when that edition leaves the run book out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The address as written.
    pub raw: String,
    /// The run book's slug as written (`ransomware` for `ransomware.md`);
    /// `None` for a bare `#fragment`, which means the run book it is in.
    pub file: Option<String>,
    /// The part after `#`, if any.
    pub fragment: Option<String>,
    /// The link's `title`, if any.
    pub title: Option<String>,
    /// 1-based line of the link in the file.
    pub line: usize,
    /// 1-based column of the link in the file.
    pub column: usize,
    /// Length of the link's source text on its first line, in characters.
    pub len: usize,
    /// True inside a SOC-only section.
    pub internal: bool,
    /// Where it points, once the model has checked it; `None` when it
    /// points nowhere (an error is reported and it renders as plain text).
    pub target: Option<LinkTarget>,
}

/// A checked link destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTarget {
    /// The run book's slug.
    pub runbook: String,
    /// The phase page, when the fragment names a phase or a heading in one.
    pub phase: Option<Phase>,
    /// The heading id on that page, when the fragment names a heading.
    pub anchor: Option<String>,
    /// True when that heading is in a SOC-only section: client editions
    /// then link to the page without the anchor.
    pub anchor_internal: bool,
}

impl LinkTarget {
    /// The target page's path from the edition root, with the anchor when
    /// this edition shows it.
    pub fn href(&self, soc_edition: bool) -> String {
        let mut href = match self.phase {
            Some(p) => format!("{}/{}/index.html", self.runbook, p.slug()),
            None => format!("{}/index.html", self.runbook),
        };
        if let Some(a) = &self.anchor {
            if soc_edition || !self.anchor_internal {
                href.push('#');
                href.push_str(a);
            }
        }
        href
    }
}

/// Reads a link address as a link to a run book: `slug.md`, `./slug.md`,
/// `slug.md#fragment`, or `#fragment` when `bare_fragments` is set. Returns
/// `(file, fragment)`; `None` for any other address (other sites, files,
/// `mailto:` and so on), which is left as written.
pub(crate) fn runbook_link(
    dest: &str,
    bare_fragments: bool,
) -> Option<(Option<String>, Option<String>)> {
    let dest = dest.trim();
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (dest, None),
    };
    if path.is_empty() {
        return (bare_fragments && fragment.is_some()).then_some((None, fragment));
    }
    if path.contains(':') || path.contains('?') {
        return None;
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let stem = path
        .strip_suffix(".md")
        .or_else(|| path.strip_suffix(".MD"))?;
    Some((Some(stem.to_string()), fragment))
}

/// A step: an item of a list of steps in a phase (a list at least one of
/// whose items has a marker or a task box; see `is_list_of_steps`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The `[SOC]`/`[Client]`/`[Shared]` marker, if any.
    pub marker: Option<Party>,
    /// True for a task list item (`- [ ]`).
    pub task: bool,
    /// Plain text of the step (placeholders left as written).
    pub text: String,
    /// A stable id of the step made from its words ([`step_id`]): what a
    /// reader's checklist ticks are kept by, so they stay on their step when
    /// steps are added, removed or moved.
    pub id: String,
    /// True inside a SOC-only section.
    pub internal: bool,
    /// 1-based line in the file.
    pub line: usize,
}

/// A step's id from its words: eight hex digits of the 32-bit FNV-1a hash
/// of its text in lowercase, letters and digits only, one space between
/// words. So a change of case, punctuation or spacing keeps a tick on its
/// step, and a change of words makes it a new step (docs/theme.md).
pub fn step_id(text: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    let mut push = |b: u8| {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    };
    let mut space = false;
    let mut started = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && started {
                push(b' ');
            }
            space = false;
            started = true;
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).bytes().for_each(&mut push);
        } else {
            space = true;
        }
    }
    format!("{hash:08x}")
}

/// What kind of block a piece of text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading inside the section.
    Heading,
    /// A paragraph, table cell or code block.
    Paragraph,
    /// Text of a step: index into [`Section::steps`].
    Step(usize),
}

/// Plain text of one block, for search and lints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextBlock {
    /// What the block is.
    pub kind: BlockKind,
    /// The text, placeholders left as written.
    pub text: String,
    /// True inside a SOC-only section.
    pub internal: bool,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub column: usize,
    /// Anchor id of the nearest heading above, if any.
    pub anchor: Option<String>,
    /// The parts of `text` that came from code spans and code blocks, in
    /// order: search indexes them, lints do not read them as prose.
    pub code: Vec<CodeRun>,
}

/// A part of a [`TextBlock`]'s text that is code, not prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRun {
    /// Byte range in the block's text.
    pub range: std::ops::Range<usize>,
    /// True for a code block (a command listing), false for a code span
    /// inside a sentence.
    pub block: bool,
}

/// The introduction or one phase of a run book, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// HTML with holes.
    pub segments: Vec<Segment>,
    /// Placeholders used.
    pub placeholders: Vec<Placeholder>,
    /// Steps, in order.
    pub steps: Vec<Step>,
    /// Plain text, for search and lints.
    pub blocks: Vec<TextBlock>,
    /// Links to run books.
    pub links: Vec<Link>,
    /// 1-based line of the section's heading (0 for the introduction).
    pub line: usize,
}

impl Section {
    /// True when the section has no content at all.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
            && self
                .segments
                .iter()
                .all(|s| matches!(s, Segment::Html(h) if h.trim().is_empty()))
    }
}

/// A run book body split into its parts.
#[derive(Clone, Debug, Default)]
pub struct ParsedBody {
    /// Text before the first phase.
    pub intro: Section,
    /// The six phases, in SANS order (empty sections where one was missing).
    pub phases: Vec<(Phase, Section)>,
}

/// What a piece of Markdown is, which decides how it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MarkdownKind {
    /// A run book body: `## ` headings split it into phases (and never
    /// open a SOC-only section), and `#fragment` links mean this run book.
    RunbookBody,
    /// Free Markdown that is not a run book (e.g. `start_here`).
    Fragment,
}

/// Which section [`render_section`] renders, and how its text is read.
#[derive(Clone, Copy, Debug)]
struct SectionPlace<'a> {
    kind: MarkdownKind,
    /// The run book's slug, or a fragment's id prefix: heading ids start
    /// with it.
    slug: &'a str,
    /// The phase; `None` for an introduction or a fragment.
    phase: Option<Phase>,
    /// 1-based line of the section's heading (0 when it has none).
    line: usize,
}

/// Parses free Markdown that is not a run book (e.g. `start_here`), where
/// `offset` is the byte offset of `text` inside `source.text`.
pub fn parse_fragment(
    source: &SourceText,
    offset: usize,
    id_prefix: &str,
    diags: &mut Diagnostics,
) -> Section {
    let (ctx, events) = parse_from(source, offset, MarkdownKind::Fragment, diags);
    let place = SectionPlace {
        kind: MarkdownKind::Fragment,
        slug: id_prefix,
        phase: None,
        line: 0,
    };
    render_section(&ctx, &events, place, diags)
}

/// Parses `source.text` from byte `offset` on as Markdown of `kind`: the
/// context that places its positions in the whole file, and its events
/// with nesting and internal-definition problems already reported.
fn parse_from<'s>(
    source: &'s SourceText,
    offset: usize,
    kind: MarkdownKind,
    diags: &mut Diagnostics,
) -> (Ctx<'s>, Vec<SpannedEvent<'s>>) {
    let ctx = Ctx::new(source, offset);
    let events = prepare(&ctx, events(&source.text[offset..]), kind, diags);
    (ctx, events)
}

/// Reports what [`events`] found nested too deep and public uses of
/// SOC-only definitions, and returns the events to render.
fn prepare<'a>(
    ctx: &Ctx<'_>,
    parsed: Parsed<'a>,
    kind: MarkdownKind,
    diags: &mut Diagnostics,
) -> Vec<SpannedEvent<'a>> {
    let Parsed {
        mut events,
        references,
        too_deep,
    } = parsed;
    if let Some(range) = too_deep {
        diags.push(
            ctx.diag(
                Code::TooDeep,
                &ctx.first_line(&range),
                format!("quotes, lists or emphasis nested more than {MAX_NESTING} levels deep"),
            )
            .hint(format!(
                "flatten this part: runbook reads {MAX_NESTING} levels of quotes, lists, footnotes, emphasis and links inside each other and leaves out what is deeper"
            )),
        );
    }
    let internal = internal_ranges(&events, kind);
    check_internal_definitions(ctx, &mut events, &references, &internal, diags);
    events
}

struct Ctx<'s> {
    source: &'s SourceText,
    body_start: usize,
    /// The last position asked for, `(offset, line, column)` in the whole
    /// file: positions are mostly asked in order along a line, and counting
    /// columns on from there keeps a long line with many placeholders or
    /// links linear.
    cursor: Cell<(usize, usize, usize)>,
}

impl<'s> Ctx<'s> {
    fn new(source: &'s SourceText, body_start: usize) -> Self {
        Ctx {
            source,
            body_start,
            cursor: Cell::new((0, 1, 1)),
        }
    }

    fn position(&self, body_offset: usize) -> (usize, usize) {
        let text = &self.source.text;
        let offset = (self.body_start + body_offset).min(text.len());
        let (at, line, column) = self.cursor.get();
        let next_line = self.source.lines.line_start(line + 1).unwrap_or(usize::MAX);
        let found = match text.get(at..offset) {
            Some(between) if offset < next_line && !between.contains('\n') => {
                (line, column + between.chars().count())
            }
            _ => self.source.lines.position(text, offset),
        };
        self.cursor.set((offset, found.0, found.1));
        found
    }

    /// The Markdown text, from where it starts in the file.
    fn body(&self) -> &'s str {
        &self.source.text[self.body_start..]
    }

    /// The part of `range` on its first line (at least one byte).
    fn first_line(&self, range: &Range<usize>) -> Range<usize> {
        let len = self
            .body()
            .get(range.clone())
            .map(|s| s.split('\n').next().unwrap_or("").len())
            .unwrap_or(1)
            .max(1);
        range.start..range.start + len
    }
    fn line_text(&self, line: usize) -> &str {
        self.source
            .lines
            .line_text(&self.source.text, line)
            .unwrap_or("")
    }
    fn diag(
        &self,
        code: Code,
        range: &Range<usize>,
        message: impl Into<String>,
    ) -> crate::diag::Diagnostic {
        let len = range.end.saturating_sub(range.start).max(1);
        self.source
            .diag(code, self.body_start + range.start, len, message)
    }

    /// The problem with a heading's attributes (see [`attribute_problem`]),
    /// if `start` is a heading's start tag and `inside` its events. The body
    /// and the phase split both read headings, so both ask this.
    fn heading_attributes(
        &self,
        start: &Event<'_>,
        inside: &[SpannedEvent<'_>],
        range: &Range<usize>,
    ) -> Option<crate::diag::Diagnostic> {
        let Event::Start(Tag::Heading {
            id, classes, attrs, ..
        }) = start
        else {
            return None;
        };
        let problem = attribute_problem(id.as_deref(), classes, attrs, &heading_text(inside))?;
        Some(
            self.diag(Code::UnknownAttribute, range, problem)
                .hint(ATTRIBUTE_HINT),
        )
    }
}

fn find_heading_end(events: &[SpannedEvent<'_>], start: usize) -> usize {
    events[start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
        .map(|p| start + p)
        .unwrap_or(events.len() - 1)
}

/// A heading's text as written, without code spans (where `{.x}` is
/// meant literally).
fn heading_text(events: &[SpannedEvent<'_>]) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

fn plain_text(events: &[SpannedEvent<'_>]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

struct OpenBlock {
    kind: BlockKind,
    text: String,
    /// Code runs, as byte ranges in `text` before whitespace is folded.
    code: Vec<CodeRun>,
    offset: usize,
    internal: bool,
    item: bool,
}

struct ItemState {
    awaiting: bool,
    task: bool,
    /// True when the item's own list is a list of steps.
    in_steps: bool,
    step: Option<usize>,
}

struct SectionBuilder<'c, 's> {
    ctx: &'c Ctx<'s>,
    phase: Option<Phase>,
    out: Vec<Event<'static>>,
    holes: Vec<Segment>,
    section: Section,
    items: Vec<ItemState>,
    /// For each open list, innermost last: whether it is a list of steps.
    lists: Vec<bool>,
    container_depth: usize,
    internal_level: Option<HeadingLevel>,
    ids: BTreeSet<String>,
    id_prefix: String,
    text_stack: Vec<OpenBlock>,
    opened: Vec<bool>,
    anchor: Option<String>,
    /// True in run book sections, where `#fragment` means this run book.
    bare_fragments: bool,
    /// For each open link: its index in `section.links` when it is a link
    /// to a run book (and became a hole), `None` when left as written.
    open_links: Vec<Option<usize>>,
    /// True between the start and end of a code block.
    in_code_block: bool,
}

/// Renders one section's events: HTML cut into segments, with its steps,
/// placeholders, links and plain text.
fn render_section(
    ctx: &Ctx<'_>,
    events: &[SpannedEvent<'_>],
    place: SectionPlace<'_>,
    diags: &mut Diagnostics,
) -> Section {
    let SectionPlace {
        kind,
        slug,
        phase,
        line,
    } = place;
    let id_prefix = match phase {
        Some(p) => format!("{slug}-{}-", p.slug()),
        None if slug.is_empty() => String::new(),
        None => format!("{slug}-"),
    };
    let mut b = SectionBuilder {
        ctx,
        phase,
        out: Vec::with_capacity(events.len() + 16),
        holes: Vec::new(),
        section: Section {
            line,
            ..Section::default()
        },
        items: Vec::new(),
        lists: Vec::new(),
        container_depth: 0,
        internal_level: None,
        ids: BTreeSet::new(),
        id_prefix,
        text_stack: Vec::new(),
        opened: Vec::new(),
        anchor: None,
        bare_fragments: kind == MarkdownKind::RunbookBody,
        open_links: Vec::new(),
        in_code_block: false,
    };
    let mut i = 0;
    while i < events.len() {
        i = b.event(events, i, diags);
    }
    if b.internal_level.take().is_some() {
        b.hole_block(Segment::InternalEnd);
    }
    b.finish()
}

impl SectionBuilder<'_, '_> {
    fn hole_inline(&mut self, seg: Segment) {
        let n = self.holes.len();
        self.holes.push(seg);
        self.out.push(Event::InlineHtml(CowStr::from(format!(
            "{HOLE_OPEN}{n}{HOLE_CLOSE}"
        ))));
    }

    fn hole_block(&mut self, seg: Segment) {
        let n = self.holes.len();
        self.holes.push(seg);
        self.out.push(Event::Html(CowStr::from(format!(
            "{HOLE_OPEN}{n}{HOLE_CLOSE}\n"
        ))));
    }

    fn internal(&self) -> bool {
        self.internal_level.is_some()
    }

    fn push_text(&mut self, text: &str) {
        if self.in_code_block {
            self.push_code(text, true);
        } else if let Some(top) = self.text_stack.last_mut() {
            top.text.push_str(text);
        }
    }

    /// Adds code to the open block's text and remembers where it is.
    fn push_code(&mut self, text: &str, block: bool) {
        if let Some(top) = self.text_stack.last_mut() {
            let start = top.text.len();
            top.text.push_str(text);
            let end = top.text.len();
            match top.code.last_mut() {
                // One code block arrives as several pieces of text.
                Some(last) if last.block && block && last.range.end == start => {
                    last.range.end = end;
                }
                _ => top.code.push(CodeRun {
                    range: start..end,
                    block,
                }),
            }
        }
    }

    fn open_block(&mut self, kind: BlockKind, offset: usize, item: bool) {
        let internal = self.internal();
        self.text_stack.push(OpenBlock {
            kind,
            text: String::new(),
            code: Vec::new(),
            offset,
            internal,
            item,
        });
    }

    fn close_block(&mut self) {
        if let Some(OpenBlock {
            kind,
            text: raw,
            code,
            offset,
            internal,
            ..
        }) = self.text_stack.pop()
        {
            let (text, code) = fold_whitespace(&raw, &code);
            if text.is_empty() {
                return;
            }
            let (line, column) = self.ctx.position(offset);
            if let BlockKind::Step(n) = kind {
                if let Some(step) = self.section.steps.get_mut(n) {
                    if step.text.is_empty() {
                        step.text = text.clone();
                        step.id = step_id(&step.text);
                    }
                }
            }
            self.section.blocks.push(TextBlock {
                kind,
                text,
                internal,
                line,
                column,
                anchor: self.anchor.clone(),
                code,
            });
        }
    }

    /// Handles the event at `i`; returns the index of the next one.
    fn event(&mut self, events: &[SpannedEvent<'_>], i: usize, diags: &mut Diagnostics) -> usize {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let end = find_heading_end(events, i);
                let text = plain_text(&events[i + 1..end]);
                let is_internal = classes.iter().any(|c| is_internal_class(c));
                if let Some(d) = self
                    .ctx
                    .heading_attributes(event, &events[i + 1..end], range)
                {
                    diags.push(d);
                }
                if self.container_depth == 0 {
                    if let Some(open) = self.internal_level {
                        if *level <= open {
                            self.internal_level = None;
                            self.hole_block(Segment::InternalEnd);
                        }
                    }
                    if is_internal && self.internal_level.is_none() {
                        self.hole_block(Segment::InternalStart);
                        self.internal_level = Some(*level);
                    }
                } else if is_internal {
                    diags.push(self.ctx.diag(Code::MisplacedInternal, range, "`{.internal}` on a heading inside a list or quote").hint("put the SOC-only heading on its own line, outside lists and quotes"));
                }
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slug::slugify(&text));
                let anchor = self.unique_id(&base);
                self.anchor = Some(anchor.clone());
                self.out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(anchor)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                self.open_block(BlockKind::Heading, range.start, false);
            }
            Event::End(TagEnd::Heading(l)) => {
                self.close_block();
                self.out.push(Event::End(TagEnd::Heading(*l)));
            }
            Event::Start(Tag::Paragraph | Tag::TableCell | Tag::CodeBlock(_)) => {
                self.in_code_block |= matches!(event, Event::Start(Tag::CodeBlock(_)));
                self.out.push(event.clone().into_static());
                // Paragraphs directly inside a list item belong to the item's text.
                let in_item = self.text_stack.last().is_some_and(|b| b.item);
                self.opened.push(!in_item);
                if !in_item {
                    self.open_block(BlockKind::Paragraph, range.start, false);
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::CodeBlock) => {
                if matches!(event, Event::End(TagEnd::CodeBlock)) {
                    self.in_code_block = false;
                }
                if self.opened.pop().unwrap_or(false) {
                    self.close_block();
                }
                self.out.push(event.clone().into_static());
            }
            Event::Start(Tag::List(_)) => {
                self.finish_item_marker();
                let steps = self.phase.is_some() && is_list_of_steps(events, i);
                self.lists.push(steps);
                self.container_depth += 1;
                self.out.push(event.clone().into_static());
            }
            Event::End(TagEnd::List(_)) => {
                self.lists.pop();
                self.container_depth -= 1;
                self.out.push(event.clone().into_static());
            }
            Event::Start(Tag::BlockQuote(_)) => {
                self.finish_item_marker();
                self.container_depth += 1;
                self.out.push(event.clone().into_static());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.container_depth -= 1;
                self.out.push(event.clone().into_static());
            }
            Event::Start(Tag::Item) => {
                self.finish_item_marker();
                self.out.push(Event::Start(Tag::Item));
                self.items.push(ItemState {
                    awaiting: true,
                    task: false,
                    in_steps: self.lists.last().copied().unwrap_or(false),
                    step: None,
                });
                self.open_block(BlockKind::Paragraph, range.start, true);
            }
            Event::End(TagEnd::Item) => {
                self.finish_item_marker();
                self.close_block();
                self.items.pop();
                self.out.push(Event::End(TagEnd::Item));
            }
            Event::TaskListMarker(_) => {
                if let Some(item) = self.items.last_mut() {
                    item.task = true;
                }
            }
            Event::Text(text) => {
                let in_heading = self
                    .text_stack
                    .last()
                    .is_some_and(|b| b.kind == BlockKind::Heading);
                if !in_heading && !self.in_code_block {
                    if let Some(mark) = stray_attribute(text, false) {
                        // Point at the mark when the source has it as written.
                        let body = &self.ctx.source.text[self.ctx.body_start..];
                        let at = body
                            .get(range.clone())
                            .and_then(|s| s.find(mark))
                            .map_or(range.start, |p| range.start + p);
                        diags.push(
                            self.ctx
                                .diag(
                                    Code::MisplacedInternal,
                                    &(at..at + mark.len()),
                                    format!("`{mark}` in text does not make it SOC-only"),
                                )
                                .hint("only a heading marks a SOC-only section: put this under a heading that ends with `{.internal}` (`### Analyst notes {.internal}`)"),
                        );
                    }
                }
                let mut text: &str = text;
                if self.items.last().is_some_and(|it| it.awaiting) {
                    let (marker, rest) = split_marker(text);
                    text = rest;
                    self.start_item(marker, range.start);
                }
                self.text(text, range, diags);
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.finish_item_marker();
                self.container_depth += 1;
                let label = format!("{}{}", self.id_prefix, label);
                self.out
                    .push(Event::Start(Tag::FootnoteDefinition(CowStr::from(label))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.container_depth -= 1;
                self.out.push(event.clone().into_static());
            }
            Event::FootnoteReference(label) => {
                self.finish_item_marker();
                let label = format!("{}{}", self.id_prefix, label);
                self.out.push(Event::FootnoteReference(CowStr::from(label)));
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                self.finish_item_marker();
                match runbook_link(dest_url, self.bare_fragments) {
                    Some((file, fragment)) => {
                        let (line, column) = self.ctx.position(range.start);
                        let body = &self.ctx.source.text[self.ctx.body_start..];
                        let len = body
                            .get(range.clone())
                            .map(|s| s.split('\n').next().unwrap_or("").chars().count())
                            .unwrap_or(1);
                        let n = self.section.links.len();
                        self.section.links.push(Link {
                            raw: dest_url.to_string(),
                            file,
                            fragment,
                            title: Some(title.to_string()).filter(|t| !t.is_empty()),
                            line,
                            column,
                            len: len.max(1),
                            internal: self.internal(),
                            target: None,
                        });
                        self.open_links.push(Some(n));
                        self.hole_inline(Segment::LinkStart(n));
                    }
                    None => {
                        self.open_links.push(None);
                        self.out.push(event.clone().into_static());
                    }
                }
            }
            Event::End(TagEnd::Link) => match self.open_links.pop().flatten() {
                Some(n) => self.hole_inline(Segment::LinkEnd(n)),
                None => self.out.push(event.clone().into_static()),
            },
            Event::Code(code) => {
                self.finish_item_marker();
                self.push_code(code, false);
                self.out.push(event.clone().into_static());
            }
            Event::SoftBreak | Event::HardBreak => {
                self.push_text(" ");
                self.out.push(event.clone().into_static());
            }
            other => {
                if let Event::Html(html) | Event::InlineHtml(html) = other {
                    self.check_html_class(html, range, diags);
                }
                if !matches!(other, Event::Start(Tag::Paragraph)) {
                    self.finish_item_marker();
                }
                self.out.push(other.clone().into_static());
            }
        }
        i + 1
    }

    /// Raw HTML with an `internal` class (`<h3 class="internal">`) looks
    /// like a SOC-only mark but is not one: the sanitizer drops the class
    /// and the text would be published.
    fn check_html_class(&self, html: &str, range: &Range<usize>, diags: &mut Diagnostics) {
        let lower = html.to_ascii_lowercase();
        let marked = lower.match_indices("class").any(|(at, _)| {
            let value = lower[at + "class".len()..].trim_start();
            value.strip_prefix('=').is_some_and(|v| {
                let v = v.trim_start();
                let quoted = v.strip_prefix(['"', '\'']).unwrap_or(v);
                let end = quoted.find(['"', '\'', '>']).unwrap_or(quoted.len());
                quoted[..end]
                    .split_whitespace()
                    .any(|c| c.contains("intern"))
            })
        });
        if marked {
            diags.push(
                self.ctx
                    .diag(
                        Code::UnknownAttribute,
                        &self.ctx.first_line(range),
                        "an `internal` class in raw HTML does not make anything SOC-only",
                    )
                    .hint(ATTRIBUTE_HINT),
            );
        }
    }

    /// Called at the first text of a list item: decides whether it is a step.
    fn start_item(&mut self, marker: Option<Party>, offset: usize) {
        let internal = self.internal();
        let Some(item) = self.items.last_mut() else {
            return;
        };
        item.awaiting = false;
        let is_step = item.in_steps;
        let task = item.task;
        if task {
            // A task box outside a phase (e.g. in the introduction) is still a box.
            if !is_step {
                self.out.push(Event::TaskListMarker(false));
                return;
            }
        }
        if !is_step {
            return;
        }
        let (line, _) = self.ctx.position(offset);
        let n = self.section.steps.len();
        self.section.steps.push(Step {
            marker,
            task,
            text: String::new(),
            id: step_id(""),
            internal,
            line,
        });
        if let Some(item) = self.items.last_mut() {
            item.step = Some(n);
        }
        // The innermost open text block belongs to this step now.
        if let Some(top) = self.text_stack.iter_mut().rev().find(|b| b.item) {
            top.kind = BlockKind::Step(n);
        }
        if task {
            self.hole_inline(Segment::TaskBox(n));
        }
        self.hole_inline(Segment::Badge(n));
    }

    /// An item whose first content is not text has no marker.
    fn finish_item_marker(&mut self) {
        if self.items.last().is_some_and(|it| it.awaiting) {
            self.start_item(None, 0);
        }
    }

    fn text(&mut self, text: &str, range: &Range<usize>, diags: &mut Diagnostics) {
        self.push_text(text);
        let mut rest = text;
        let mut searched_from = range.start;
        while let Some(open) = rest.find("{{") {
            let Some(close_rel) = rest[open..].find("}}") else {
                break;
            };
            let close = open + close_rel + 2;
            if open > 0 {
                self.out
                    .push(Event::Text(CowStr::from(rest[..open].to_string())));
            }
            let raw = &rest[open..close];
            let inner = raw[2..raw.len() - 2].trim();
            // Find where this placeholder sits in the source for line and column.
            let body = &self.ctx.source.text[self.ctx.body_start..];
            let found = body
                .get(searched_from..range.end.max(searched_from))
                .and_then(|s| s.find(raw))
                .map(|p| searched_from + p);
            let at = found.unwrap_or(range.start);
            searched_from = found.map(|p| p + raw.len()).unwrap_or(searched_from);
            let (line, column) = self.ctx.position(at);
            match parse_placeholder(inner) {
                Ok(kind) => {
                    let n = self.section.placeholders.len();
                    self.section.placeholders.push(Placeholder {
                        kind,
                        raw: raw.to_string(),
                        line,
                        column,
                        internal: self.internal(),
                    });
                    self.hole_inline(Segment::Placeholder(n));
                }
                Err(hint) => {
                    diags.push(
                        self.ctx
                            .source
                            .diag_at(
                                Code::UnknownPlaceholder,
                                line,
                                column,
                                raw.chars().count(),
                                format!("unknown placeholder `{raw}`"),
                            )
                            .hint(hint),
                    );
                    self.out.push(Event::Text(CowStr::from(raw.to_string())));
                }
            }
            rest = &rest[close..];
        }
        if !rest.is_empty() {
            self.out.push(Event::Text(CowStr::from(rest.to_string())));
        }
    }

    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut id = format!("{}{}", self.id_prefix, base);
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{}{}-{n}", self.id_prefix, base);
            n += 1;
        }
        id
    }

    fn finish(mut self) -> Section {
        while !self.text_stack.is_empty() {
            self.close_block();
        }
        let mut html = String::with_capacity(self.out.len() * 24);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        let clean = sanitizer().clean(&html).to_string();
        self.section.segments = split_holes(&clean, &self.holes);
        self.section
    }
}

/// True when the list that starts at event `start` is a list of steps: at
/// least one of its own items (not those of lists nested in it) starts with
/// a task box or a `[SOC]`/`[Client]`/`[Shared]` marker. A list with
/// neither ("the report covers: …") is plain text under the phase's badge.
/// The list is read ahead because its first item may be unmarked while a
/// later one is marked, and every item of a list of steps is a step.
fn is_list_of_steps(events: &[SpannedEvent<'_>], start: usize) -> bool {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start + 1) {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) if depth == 0 => return false,
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) if depth == 0 && item_is_marked(events, i) => return true,
            _ => {}
        }
    }
    false
}

/// True when the item that starts at event `item` opens with a task box or
/// a marker, read the way [`SectionBuilder::start_item`] reads them: the first
/// thing in the item other than its paragraph.
fn item_is_marked(events: &[SpannedEvent<'_>], item: usize) -> bool {
    for (event, _) in events.iter().skip(item + 1) {
        match event {
            Event::Start(Tag::Paragraph) => continue,
            Event::TaskListMarker(_) => return true,
            Event::Text(text) => return split_marker(text).0.is_some(),
            _ => return false,
        }
    }
    false
}

/// Splits `[SOC] rest` into the marker and the rest.
/// Folds runs of whitespace to one space and trims the ends (the text
/// search and lints read), moving code runs along; a run that was only
/// whitespace disappears.
fn fold_whitespace(raw: &str, code: &[CodeRun]) -> (String, Vec<CodeRun>) {
    let mut text = String::with_capacity(raw.len());
    // (start in raw, start in text, length) of every word, for code runs.
    let mut words: Vec<(usize, usize, usize)> = Vec::new();
    let base = raw.as_ptr() as usize;
    for word in raw.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        if !code.is_empty() {
            words.push((word.as_ptr() as usize - base, text.len(), word.len()));
        }
        text.push_str(word);
    }
    let runs = code
        .iter()
        .filter_map(|run| {
            let (s, e) = (run.range.start, run.range.end);
            let overlaps = |&&(ws, _, wl): &&(usize, usize, usize)| ws < e && ws + wl > s;
            let first = words.iter().find(overlaps)?;
            let last = words.iter().rev().find(overlaps)?;
            let start = first.1 + s.saturating_sub(first.0);
            let end = last.1 + (e.min(last.0 + last.2) - last.0);
            Some(CodeRun {
                range: start..end,
                block: run.block,
            })
        })
        .collect();
    (text, runs)
}

fn split_marker(text: &str) -> (Option<Party>, &str) {
    let trimmed = text.trim_start();
    if let Some(stripped) = trimmed.strip_prefix('[') {
        if let Some(close) = stripped.find(']') {
            if let Some(party) = Party::parse(&stripped[..close]) {
                if stripped[..close].trim() == &stripped[..close] {
                    return (Some(party), stripped[close + 1..].trim_start());
                }
            }
        }
    }
    (None, text)
}

/// Parses the inside of `{{ … }}`.
pub(crate) fn parse_placeholder(inner: &str) -> Result<PlaceholderKind, String> {
    let parts: Vec<&str> = inner.split('.').map(str::trim).collect();
    match parts.as_slice() {
        ["client", "name"] => Ok(PlaceholderKind::ClientName),
        ["provider"] => Ok(PlaceholderKind::Provider),
        ["contacts", id] if valid_id(id) => Ok(PlaceholderKind::Contact { id: id.to_string(), field: None }),
        ["contacts", id, field] if valid_id(id) => match ContactField::parse(field) {
            Some(f) => Ok(PlaceholderKind::Contact { id: id.to_string(), field: Some(f) }),
            None => Err(format!("a contact has `label`, `name`, `phone`, `email` and `hours`, not `{field}`")),
        },
        ["client", other] => Err(format!("the client has `name`, not `{other}`; for a contact write `{{{{ contacts.<id> }}}}`")),
        _ => Err("placeholders are `{{ client.name }}`, `{{ provider }}`, `{{ contacts.<id> }}` and `{{ contacts.<id>.phone }}` (or `.name`, `.email`, `.hours`, `.label`)".into()),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn split_holes(html: &str, holes: &[Segment]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find(HOLE_OPEN) {
        let after = &rest[open + HOLE_OPEN.len_utf8()..];
        let Some(close) = after.find(HOLE_CLOSE) else {
            break;
        };
        let Some(hole) = after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|n| holes.get(n))
        else {
            break;
        };
        let mut before = &rest[..open];
        if matches!(hole, Segment::InternalStart | Segment::InternalEnd) {
            before = before.trim_end_matches(['\n', ' ']);
        }
        if !before.is_empty() {
            out.push(Segment::Html(before.to_string()));
        }
        out.push(hole.clone());
        rest = &after[close + HOLE_CLOSE.len_utf8()..];
        if matches!(hole, Segment::InternalStart | Segment::InternalEnd) {
            rest = rest.trim_start_matches('\n');
        }
    }
    if !rest.is_empty() {
        out.push(Segment::Html(rest.to_string()));
    }
    out
}

/// The HTML sanitizer for everything written in sources: ammonia's safe
/// defaults (no script, event handlers, `javascript:` URLs, iframes, forms,
/// styles), plus heading ids and footnote markup, and `rel` on links.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, &["id"]);
        }
        b.add_tag_attributes("div", &["id"]);
        b.add_tag_attributes("li", &["id"]);
        b.add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"]);
        b.add_allowed_classes("div", &["footnote-definition"]);
        b.link_rel(Some("noopener noreferrer"));
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_ids_follow_the_words_not_case_punctuation_or_spacing() {
        let id = step_id("Unplug the computer.");
        assert_eq!(id.len(), 8);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(step_id("  unplug   THE computer"), id);
        assert_eq!(step_id("Unplug the computer!"), id);
        assert_ne!(step_id("Unplug the laptop."), id);
        assert_ne!(step_id("Unplug thecomputer."), id, "word breaks count");
        // Placeholders count as written, so every edition has the same id.
        assert_eq!(
            step_id("Call {{ contacts.it_lead }}."),
            step_id("call contacts it lead")
        );
    }

    fn parse(body: &str) -> (ParsedBody, Diagnostics) {
        let text = format!("---\ntitle: t\n---\n{body}");
        let src = SourceText::new("t.md", text);
        let mut d = Diagnostics::new();
        let p = parse_runbook_body(&src, 16, "t", &mut d);
        (p, d)
    }

    /// The HTML of `segments`, with a `|` standing for each segment that is
    /// not HTML, so tests can see where links and internal parts break it.
    fn html_of(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s {
                Segment::Html(h) => h.as_str(),
                _ => "|",
            })
            .collect()
    }

    const ALL: &str = "## Preparation\n\n- [SOC] one\n- two {{ provider }}\n\n## Identification\n\nx\n\n## Containment\n\n- [ ] [Client] box\n\n### Notes {.internal}\n\nsecret\n\n### Public\n\nok\n\n## Eradication\n\nx\n\n## Recovery\n\nx\n\n## Lessons Learned\n\nx\n";

    #[test]
    fn splits_phases_and_steps() {
        let (p, d) = parse(ALL);
        assert!(d.is_empty(), "{:?}", d.sorted());
        let prep = &p.phases[0].1;
        assert_eq!(prep.steps.len(), 2);
        assert_eq!(prep.steps[0].marker, Some(Party::Soc));
        assert_eq!(prep.steps[0].text, "one");
        assert_eq!(prep.placeholders[0].kind, PlaceholderKind::Provider);
        let cont = &p.phases[2].1;
        assert!(cont.steps[0].task);
        assert_eq!(cont.steps[0].id, step_id(&cont.steps[0].text));
        assert_eq!(cont.steps[0].marker, Some(Party::Client));
        assert!(cont.segments.contains(&Segment::InternalStart));
        let html = html_of(&cont.segments);
        assert!(html.contains("id=\"t-containment-notes\""), "{html}");
        assert!(cont.blocks.iter().any(|b| b.text == "secret" && b.internal));
        assert!(cont.blocks.iter().any(|b| b.text == "ok" && !b.internal));
    }

    /// The steps of the first phase of a body made of `prep` as Preparation.
    fn prep_steps(prep: &str) -> Vec<(Option<Party>, String)> {
        let body = format!("## Preparation\n\n{prep}\n\n## Identification\n\nx\n\n## Containment\n\nx\n\n## Eradication\n\nx\n\n## Recovery\n\nx\n\n## Lessons Learned\n\nx\n");
        let (p, d) = parse(&body);
        assert!(d.is_empty(), "{:?}", d.sorted());
        let section = &p.phases[0].1;
        let badges = section
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Badge(_)))
            .count();
        assert_eq!(badges, section.steps.len(), "one badge per step");
        section
            .steps
            .iter()
            .map(|s| (s.marker, s.text.clone()))
            .collect()
    }

    #[test]
    fn a_list_without_markers_or_boxes_is_text() {
        assert!(
            prep_steps("The report covers:\n\n- initial detection\n- what went right").is_empty()
        );
        assert!(prep_steps("1. first\n2. second").is_empty());
        // Its text is still there, as paragraphs for search and lints.
        let body = "## Preparation\n\n- vendor bulletins\n";
        let (p, _) = parse(body);
        assert!(p.phases[0]
            .1
            .blocks
            .iter()
            .any(|b| b.kind == BlockKind::Paragraph && b.text == "vendor bulletins"));
    }

    #[test]
    fn one_marked_item_makes_every_item_of_its_list_a_step() {
        let steps = prep_steps("- first\n- [Client] second\n- third");
        assert_eq!(
            steps,
            vec![
                (None, "first".to_string()),
                (Some(Party::Client), "second".to_string()),
                (None, "third".to_string()),
            ]
        );
        // Ordered lists and task boxes alike.
        assert_eq!(prep_steps("1. one\n2. [SOC] two").len(), 2);
        assert_eq!(prep_steps("- [ ] tick me\n- plain").len(), 2);
    }

    #[test]
    fn nested_lists_are_judged_on_their_own_items() {
        // Plain details under a step are text.
        let steps = prep_steps("- [SOC] collect:\n  - logs\n  - mail headers\n- [Client] call us");
        assert_eq!(steps.len(), 2);
        // A marked nested list under a plain list: only the nested items are steps.
        let steps = prep_steps("- sources:\n  - [SOC] check feeds\n  - read bulletins\n- more");
        assert_eq!(
            steps,
            vec![
                (Some(Party::Soc), "check feeds".to_string()),
                (None, "read bulletins".to_string()),
            ]
        );
    }

    #[test]
    fn blocks_know_which_text_is_code() {
        let body = "## Preparation\n\n- [Client] Run `NET USE  x: /DELETE` now,\n  then:\n\n  ```\n  ipconfig   /all\n  whoami\n  ```\n\nPlain `a` and `b`.\n\n```sh\nls -l\n```\n";
        let rest = "\n## Identification\n\nx\n\n## Containment\n\nx\n\n## Eradication\n\nx\n\n## Recovery\n\nx\n\n## Lessons Learned\n\nx\n";
        let (p, d) = parse(&format!("{body}{rest}"));
        assert!(d.is_empty(), "{:?}", d.sorted());
        let texts: Vec<(&str, bool)> = p.phases[0]
            .1
            .blocks
            .iter()
            .flat_map(|b| b.code.iter().map(|r| (&b.text[r.range.clone()], r.block)))
            .collect();
        assert_eq!(
            texts,
            [
                ("NET USE x: /DELETE", false),
                ("ipconfig /all whoami", true),
                ("a", false),
                ("b", false),
                ("ls -l", true),
            ]
        );
    }

    #[test]
    fn reports_heading_problems() {
        let (_, d) = parse("## Preparation\n\n## Containment\n\n## Identification\n\n## Background\n\n## Containment\n");
        let codes: Vec<_> = d.sorted().iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::PhaseOrder));
        assert!(codes.contains(&Code::UnknownPhase));
        assert!(codes.contains(&Code::RepeatedPhase));
        assert!(codes.contains(&Code::MissingPhase));
    }

    #[test]
    fn sanitizes_raw_html() {
        let (p, _) = parse("<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>\n\n## Preparation\n");
        let html: String = p
            .intro
            .segments
            .iter()
            .map(|s| match s {
                Segment::Html(h) => h.clone(),
                _ => String::new(),
            })
            .collect();
        assert!(
            !html.contains("script") && !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
    }

    #[test]
    fn links_to_runbooks_become_holes() {
        let body = ALL.replace(
            "- two {{ provider }}",
            "- two [see **ransomware**](ransomware.md#containment \"R\") and [site](https://example.org) and [up](#recovery)",
        );
        let (p, d) = parse(&body);
        assert!(d.is_empty(), "{:?}", d.sorted());
        let prep = &p.phases[0].1;
        assert_eq!(prep.links.len(), 2);
        let l = &prep.links[0];
        assert_eq!(l.file.as_deref(), Some("ransomware"));
        assert_eq!(l.fragment.as_deref(), Some("containment"));
        assert_eq!(l.title.as_deref(), Some("R"));
        assert_eq!((l.line, l.column), (7, 7));
        assert_eq!(prep.links[1].file, None);
        assert_eq!(prep.links[1].fragment.as_deref(), Some("recovery"));
        let start = prep
            .segments
            .iter()
            .position(|s| *s == Segment::LinkStart(0))
            .unwrap();
        let end = prep
            .segments
            .iter()
            .position(|s| *s == Segment::LinkEnd(0))
            .unwrap();
        assert!(start < end);
        let html = html_of(&prep.segments);
        // The link text stays; only other sites' links stay as `<a>`.
        assert!(html.contains("|see <strong>ransomware</strong>|"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(!html.contains("ransomware.md"), "{html}");
    }

    #[test]
    fn which_addresses_are_runbook_links() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            runbook_link("ransomware.md", false),
            Some((s("ransomware"), None))
        );
        assert_eq!(
            runbook_link("./ransomware.md#containment", false),
            Some((s("ransomware"), s("containment")))
        );
        assert_eq!(
            runbook_link("#containment", true),
            Some((None, s("containment")))
        );
        assert_eq!(runbook_link("#containment", false), None);
        assert_eq!(runbook_link("https://x.org/a.md", false), None);
        assert_eq!(runbook_link("notes.txt", false), None);
        assert_eq!(runbook_link("mailto:a@b.c", false), None);
    }

    #[test]
    fn placeholder_grammar() {
        assert_eq!(
            parse_placeholder("contacts.it_lead.phone"),
            Ok(PlaceholderKind::Contact {
                id: "it_lead".into(),
                field: Some(ContactField::Phone)
            })
        );
        assert!(parse_placeholder("client.phone").is_err());
        assert!(parse_placeholder("contacts.x.fax").is_err());
        assert!(parse_placeholder("nonsense").is_err());
    }
}
