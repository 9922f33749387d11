//! SOC-only sections and the definitions written in them.
//!
//! A `{.internal}` heading makes its section SOC-only; link reference and
//! footnote definitions follow the section they are written in. A public
//! use of one made there would publish its address, title or text, so the
//! use is an error and renders without them. Found once, before rendering.

use super::attributes::is_internal_class;
use super::events::SpannedEvent;
use super::{Ctx, MarkdownKind};
use crate::diag::{Code, Diagnostics};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;

/// The byte ranges of the body's SOC-only sections: from a `{.internal}`
/// heading to the next heading of the same or a higher level, found as
/// [`super::SectionBuilder`] finds them.
pub(super) fn internal_ranges(
    events: &[SpannedEvent<'_>],
    kind: MarkdownKind,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(HeadingLevel, usize)> = None;
    let mut depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) if depth == 0 => {
                if let Some((open_level, start)) = open {
                    if *level <= open_level {
                        out.push(start..range.start);
                        open = None;
                    }
                }
                let splits_phases = kind == MarkdownKind::RunbookBody && *level == HeadingLevel::H2;
                if open.is_none() && !splits_phases && classes.iter().any(|c| is_internal_class(c))
                {
                    open = Some((*level, range.start));
                }
            }
            Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_)) => {
                depth += 1
            }
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    if let Some((_, start)) = open {
        out.push(start..usize::MAX);
    }
    out
}

/// The range holding `offset`; `ranges` are in order and do not overlap.
fn inside(ranges: &[Range<usize>], offset: usize) -> Option<&Range<usize>> {
    let after = ranges.partition_point(|r| r.start <= offset);
    after
        .checked_sub(1)
        .and_then(|i| ranges.get(i))
        .filter(|r| r.contains(&offset))
}

/// A link reference or footnote defined inside a SOC-only section and used
/// from public text would publish the definition's address, title or
/// text: that use is an error, and it is rendered without them.
pub(super) fn check_internal_definitions(
    ctx: &Ctx<'_>,
    events: &mut [SpannedEvent<'_>],
    references: &[(usize, usize)],
    internal: &[Range<usize>],
    diags: &mut Diagnostics,
) {
    if internal.is_empty() {
        return;
    }
    let mut report = |ctx: &Ctx<'_>,
                      at: &Range<usize>,
                      what: String,
                      def: usize,
                      section: &Range<usize>| {
        let (def_line, _) = ctx.position(def);
        let (section_line, _) = ctx.position(section.start);
        diags.push(
            ctx.diag(
                Code::InternalDefinition,
                &ctx.first_line(at),
                format!("public text uses {what}, defined inside a SOC-only section"),
            )
            .hint("move the definition above the `{.internal}` heading if clients may see it, or use it only inside that section")
            .note(format!("defined on line {def_line}, in the SOC-only section that starts on line {section_line}")),
        );
    };
    for &(i, def) in references {
        let Some(section) = inside(internal, def) else {
            continue;
        };
        let Some((event, at)) = events.get_mut(i) else {
            continue;
        };
        if inside(internal, at.start).is_some() {
            continue;
        }
        let label = match event {
            Event::Start(
                Tag::Link {
                    dest_url,
                    title,
                    id,
                    ..
                }
                | Tag::Image {
                    dest_url,
                    title,
                    id,
                    ..
                },
            ) => {
                // Nothing of the definition may reach a page.
                *dest_url = CowStr::Borrowed("");
                *title = CowStr::Borrowed("");
                id.to_string()
            }
            _ => continue,
        };
        report(ctx, at, format!("the link `[{label}]`"), def, section);
    }
    let mut footnotes: BTreeMap<String, usize> = BTreeMap::new();
    for (event, range) in events.iter() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = event {
            footnotes.entry(label.to_lowercase()).or_insert(range.start);
        }
    }
    for (event, at) in events.iter_mut() {
        let Event::FootnoteReference(label) = event else {
            continue;
        };
        let Some(&def) = footnotes.get(&label.to_lowercase()) else {
            continue;
        };
        let Some(section) = inside(internal, def) else {
            continue;
        };
        if inside(internal, at.start).is_some() {
            continue;
        }
        let what = format!("the footnote `[^{label}]`");
        *event = Event::Text(CowStr::Borrowed(""));
        report(ctx, at, what, def, section);
    }
}
