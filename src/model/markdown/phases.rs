//! A run book body cut into its introduction and six phases.
//!
//! The body is read in named steps: find the top-level `## ` headings,
//! check them (known, once each, in order), report the phases missing, and
//! render each section. Every problem names the heading's line, because a
//! writer fixes a misspelt or misplaced phase where it is written.

use super::attributes::is_internal_class;
use super::events::SpannedEvent;
use super::{
    find_heading_end, parse_from, plain_text, render_section, Ctx, MarkdownKind, ParsedBody,
    Section, SectionPlace,
};
use crate::diag::{Code, Diagnostics, SourceText};
use crate::model::phase::Phase;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

/// A top-level `## ` heading of a run book body: where a phase starts.
struct PhaseHeading {
    /// Index of its start event.
    start: usize,
    /// Index of its end event.
    end: usize,
    /// The phase it names, if it names one.
    phase: Option<Phase>,
    /// Where it is written in the body.
    range: Range<usize>,
}

/// Parses a run book body. `body_start` is the byte offset of the body in
/// `source.text`; `slug` prefixes heading ids so they are unique on pages
/// that show several run books.
pub fn parse_runbook_body(
    source: &SourceText,
    body_start: usize,
    slug: &str,
    diags: &mut Diagnostics,
) -> ParsedBody {
    let (ctx, events) = parse_from(source, body_start, MarkdownKind::RunbookBody, diags);
    let headings = phase_headings(&ctx, &events, diags);
    let seen = check_phase_headings(&ctx, &headings, diags);
    report_missing_phases(&ctx, &headings, &seen, diags);
    render_phases(&ctx, &events, &headings, slug, diags)
}

/// Finds the top-level `## ` headings that split the body into phases,
/// reporting misplaced ones, `# ` headings and attributes a phase heading
/// cannot have.
fn phase_headings(
    ctx: &Ctx<'_>,
    events: &[SpannedEvent<'_>],
    diags: &mut Diagnostics,
) -> Vec<PhaseHeading> {
    let mut headings = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                classes,
                ..
            }) => {
                let end = find_heading_end(events, i);
                let range = events[i].1.clone();
                if depth > 0 {
                    diags.push(ctx.diag(Code::UnknownPhase, &range, "a `## ` heading inside a list or quote").hint("phase headings stand on their own line at the start of the line; use `###` for headings inside a phase"));
                } else {
                    if let Some(d) =
                        ctx.heading_attributes(&events[i].0, &events[i + 1..end], &range)
                    {
                        diags.push(d);
                    }
                    if classes.iter().any(|c| is_internal_class(c)) {
                        diags.push(
                            ctx.diag(
                                Code::MisplacedInternal,
                                &range,
                                "a whole phase cannot be SOC-only",
                            )
                            .hint(
                                "mark a `###` heading inside the phase with `{.internal}` instead",
                            ),
                        );
                    }
                    let phase = Phase::from_heading(&plain_text(&events[i + 1..end]));
                    headings.push(PhaseHeading {
                        start: i,
                        end,
                        phase,
                        range,
                    });
                }
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                let range = events[i].1.clone();
                diags.push(ctx.diag(Code::TitleHeading, &range, "a `# ` heading in the body of a run book").hint("the page title comes from `title:` in the front matter; use `##` for phases and `###` inside them"));
            }
            Event::Start(
                Tag::List(_) | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) | Tag::Item,
            ) => depth += 1,
            Event::End(
                TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition | TagEnd::Item,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    headings
}

/// Checks the phase headings: known, once each, in order. Returns the line
/// of each phase's heading, `None` for a phase not found.
fn check_phase_headings(
    ctx: &Ctx<'_>,
    headings: &[PhaseHeading],
    diags: &mut Diagnostics,
) -> [Option<usize>; 6] {
    let mut seen: [Option<usize>; 6] = [None; 6];
    let mut last: Option<Phase> = None;
    for PhaseHeading { phase, range, .. } in headings {
        let (line, _) = ctx.position(range.start);
        match phase {
            None => {
                let text = ctx
                    .line_text(line)
                    .trim_start_matches('#')
                    .trim()
                    .to_string();
                let near = Phase::nearest(&text);
                diags.push(ctx.diag(Code::UnknownPhase, range, format!("`## {text}` is not one of the six phases")).hint(format!(
                    "did you mean `## {}`? Phase headings are Preparation, Identification, Containment, Eradication, Recovery and Lessons Learned; use `###` for other headings",
                    near.name()
                )));
            }
            Some(p) => {
                if let Some(first) = seen[p.index()] {
                    diags.push(
                        ctx.diag(
                            Code::RepeatedPhase,
                            range,
                            format!("{} appears twice (first at line {first})", p.name()),
                        )
                        .hint("merge the two sections into one"),
                    );
                    continue;
                }
                if let Some(prev) = last {
                    if *p < prev {
                        diags.push(ctx.diag(Code::PhaseOrder, range, format!("{} comes after {}", p.name(), prev.name())).hint(format!(
                            "put {} before {}: the order is Preparation, Identification, Containment, Eradication, Recovery, Lessons Learned",
                            p.name(),
                            prev.name()
                        )));
                    }
                }
                seen[p.index()] = Some(line);
                last = Some(last.map_or(*p, |l| l.max(*p)));
            }
        }
    }
    seen
}

/// Reports each phase without a heading, at the heading that should
/// follow it, or at the end of the file.
fn report_missing_phases(
    ctx: &Ctx<'_>,
    headings: &[PhaseHeading],
    seen: &[Option<usize>; 6],
    diags: &mut Diagnostics,
) {
    let body_len = ctx.body().len();
    for phase in Phase::ALL.into_iter().filter(|p| seen[p.index()].is_none()) {
        let next = headings
            .iter()
            .find(|h| h.phase.is_some_and(|p| p > phase))
            .map(|h| h.range.start)
            .unwrap_or(body_len);
        let (line, _) = ctx.position(next);
        let at_end = next >= body_len;
        let message = format!("missing phase `## {}`", phase.name());
        let hint = if at_end {
            format!(
                "add a `## {}` section at the end of the run book",
                phase.name()
            )
        } else {
            format!("add a `## {}` section before line {line}", phase.name())
        };
        let d = if at_end {
            let last_line = ctx.source.text.lines().count().max(1);
            ctx.source
                .diag_at(Code::MissingPhase, last_line, 1, 1, message)
        } else {
            ctx.diag(Code::MissingPhase, &(next..next + 2), message)
        };
        diags.push(d.hint(hint));
    }
}

/// Renders the introduction and the first section of each recognised
/// phase; a phase without one stays empty.
fn render_phases(
    ctx: &Ctx<'_>,
    events: &[SpannedEvent<'_>],
    headings: &[PhaseHeading],
    slug: &str,
    diags: &mut Diagnostics,
) -> ParsedBody {
    let place = SectionPlace {
        kind: MarkdownKind::RunbookBody,
        slug,
        phase: None,
        line: 0,
    };
    let intro_end = headings.first().map(|h| h.start).unwrap_or(events.len());
    let intro = render_section(ctx, &events[..intro_end], place, diags);
    let mut phases: Vec<(Phase, Section)> = Phase::ALL
        .iter()
        .map(|p| (*p, Section::default()))
        .collect();
    let mut done = [false; 6];
    for (n, heading) in headings.iter().enumerate() {
        let Some(phase) = heading.phase else { continue };
        if done[phase.index()] {
            continue;
        }
        done[phase.index()] = true;
        let end = headings.get(n + 1).map(|h| h.start).unwrap_or(events.len());
        let (line, _) = ctx.position(heading.range.start);
        let place = SectionPlace {
            phase: Some(phase),
            line,
            ..place
        };
        phases[phase.index()].1 = render_section(ctx, &events[heading.end + 1..end], place, diags);
    }
    ParsedBody { intro, phases }
}
