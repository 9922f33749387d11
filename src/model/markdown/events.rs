//! From Markdown text to the events every later step reads, with two
//! repairs done once, here: adjacent text merged (pulldown-cmark splits it
//! at `[` and `]`, so inside `[SOC]`), and parts nested deeper than
//! [`MAX_NESTING`] left out, because sanitizing cost grows with depth times
//! size.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub(super) type SpannedEvent<'a> = (Event<'a>, Range<usize>);

/// How deep quotes, lists, footnotes, emphasis and links may sit inside each
/// other: markdown-it's limit. Sanitizing grows with depth times size, so a
/// page nested 100,000 deep took minutes; deeper parts are left out, with
/// an error.
pub(crate) const MAX_NESTING: usize = 100;

/// A body's events, ready to render.
pub(super) struct Parsed<'a> {
    pub(super) events: Vec<SpannedEvent<'a>>,
    /// Each link or image written with a reference (`[text][label]`):
    /// its event's index and where its definition starts in the body.
    pub(super) references: Vec<(usize, usize)>,
    /// Where the first part nested deeper than [`MAX_NESTING`] starts.
    pub(super) too_deep: Option<Range<usize>>,
}

/// Parses events, merges adjacent text, which pulldown-cmark splits at `[`
/// and `]` (and so inside `[SOC]`), and leaves out what is nested deeper
/// than [`MAX_NESTING`].
pub(super) fn events(body: &str) -> Parsed<'_> {
    let mut parser = Parser::new_ext(body, options()).into_offset_iter();
    let mut out: Vec<SpannedEvent<'_>> = Vec::new();
    // Text being merged: joined in one buffer so a run of many pieces
    // costs their length, not its square.
    let mut pending: Option<(String, Range<usize>)> = None;
    let mut depth = 0usize;
    // Open tags inside a part that is left out; 0 when none is.
    let mut skipped = 0usize;
    let mut too_deep = None;
    for (event, range) in parser.by_ref() {
        if skipped > 0 {
            match event {
                Event::Start(_) => skipped += 1,
                Event::End(_) => skipped -= 1,
                _ => {}
            }
            continue;
        }
        if let Event::Text(t) = &event {
            match &mut pending {
                Some((text, r)) => {
                    text.push_str(t);
                    r.end = r.end.max(range.end);
                }
                None => pending = Some((t.to_string(), range)),
            }
            continue;
        }
        if let Some((text, r)) = pending.take() {
            out.push((Event::Text(CowStr::from(text)), r));
        }
        match &event {
            Event::Start(tag) if nests(tag) => {
                if depth == MAX_NESTING {
                    too_deep.get_or_insert(range);
                    skipped = 1;
                    continue;
                }
                depth += 1;
            }
            Event::End(tag) if nests_end(tag) => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push((event, range));
    }
    if let Some((text, r)) = pending.take() {
        out.push((Event::Text(CowStr::from(text)), r));
    }
    let defs = parser.reference_definitions();
    let references =
        out.iter()
            .enumerate()
            .filter_map(|(i, (event, _))| match event {
                Event::Start(
                    Tag::Link { link_type, id, .. } | Tag::Image { link_type, id, .. },
                ) if is_reference(*link_type) => defs.get(id).map(|d| (i, d.span.start)),
                _ => None,
            })
            .collect();
    Parsed {
        events: out,
        references,
        too_deep,
    }
}

/// Tags that count towards the nesting limit.
fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::FootnoteDefinition(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn nests_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
    )
}

fn is_reference(link_type: LinkType) -> bool {
    matches!(
        link_type,
        LinkType::Reference
            | LinkType::ReferenceUnknown
            | LinkType::Collapsed
            | LinkType::CollapsedUnknown
            | LinkType::Shortcut
            | LinkType::ShortcutUnknown
    )
}
