//! Links between run books, checked once for the whole handbook.
//!
//! A link written `[text](ransomware.md#containment)` is parsed into a
//! [`Link`] hole (see [`super::markdown`]). Here each one is matched to its
//! run book and, for a `#fragment`, to a phase or a heading in it. A link to
//! nothing is an error; a link that some edition cannot show (that edition
//! leaves the run book out) is a note, because it then reads as plain text
//! there. Editions turn the checked [`LinkTarget`] into a relative address.

use super::markdown::{BlockKind, Link, LinkTarget, Section};
use super::phase::Phase;
use super::reader::{Reader, SOC_SLUG};
use super::values::Audience;
use super::{Client, Handbook, Runbook};
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceText};
use std::collections::BTreeMap;

/// A heading a fragment can name.
struct Heading {
    /// The phase it is in (`None`: the introduction, on the overview page).
    phase: Option<Phase>,
    /// Its id, e.g. `ransomware-preparation-checklist-for-your-office`.
    id: String,
    internal: bool,
}

/// What links need to know about a run book.
struct Target {
    audience: Audience,
    draft: bool,
    headings: Vec<Heading>,
}

fn targets(runbooks: &[Runbook]) -> BTreeMap<String, Target> {
    runbooks
        .iter()
        .map(|rb| {
            let sections = std::iter::once((None, &rb.intro))
                .chain(rb.phases.iter().map(|(p, s)| (Some(*p), s)));
            let headings = sections
                .flat_map(|(phase, section)| {
                    section
                        .blocks
                        .iter()
                        .filter(|b| b.kind == BlockKind::Heading)
                        .filter_map(move |b| {
                            Some(Heading {
                                phase,
                                id: b.anchor.clone()?,
                                internal: b.internal,
                            })
                        })
                })
                .collect();
            (
                rb.slug.clone(),
                Target {
                    audience: rb.audience,
                    draft: rb.draft,
                    headings,
                },
            )
        })
        .collect()
}

/// Where a link is written: which editions show the text around it.
struct From<'a> {
    source: &'a SourceText,
    /// The run book it is in (`None`: handbook.yaml's `start_here`).
    runbook: Option<&'a Runbook>,
}

/// Checks every link in run books and `start_here`, recording where each
/// points. Errors for links to nothing; notes for links some edition shows
/// as plain text.
pub(crate) fn check(
    runbooks: &mut [Runbook],
    handbook: &mut Handbook,
    clients: &[Client],
    diags: &mut Diagnostics,
) {
    let index = targets(runbooks);
    let mut checked: Vec<Vec<Vec<Option<LinkTarget>>>> = Vec::with_capacity(runbooks.len());
    for rb in runbooks.iter() {
        let from = From {
            source: &rb.source,
            runbook: Some(rb),
        };
        checked.push(
            rb.sections()
                .map(|section| check_section(section, &from, &index, clients, diags))
                .collect(),
        );
    }
    for (rb, sections) in runbooks.iter_mut().zip(checked) {
        let mut sections = sections.into_iter();
        let mut fill = |section: &mut Section| {
            if let Some(targets) = sections.next() {
                for (link, target) in section.links.iter_mut().zip(targets) {
                    link.target = target;
                }
            }
        };
        fill(&mut rb.intro);
        for (_, section) in &mut rb.phases {
            fill(section);
        }
    }
    if handbook.start_here_written {
        let from = From {
            source: &handbook.source,
            runbook: None,
        };
        let targets = check_section(&handbook.start_here, &from, &index, clients, diags);
        for (link, target) in handbook.start_here.links.iter_mut().zip(targets) {
            link.target = target;
        }
    }
}

fn check_section(
    section: &Section,
    from: &From<'_>,
    index: &BTreeMap<String, Target>,
    clients: &[Client],
    diags: &mut Diagnostics,
) -> Vec<Option<LinkTarget>> {
    section
        .links
        .iter()
        .map(|link| {
            let target = resolve_link(link, from, index, diags)?;
            if let Some(t) = index.get(&target.runbook) {
                left_out(link, &target.runbook, t, from, clients, diags);
            }
            Some(target)
        })
        .collect()
}

fn diag_at(from: &From<'_>, link: &Link, code: Code, message: String) -> Diagnostic {
    from.source
        .diag_at(code, link.line, link.column, link.len, message)
}

/// Matches a link to a run book and a phase or heading in it.
fn resolve_link(
    link: &Link,
    from: &From<'_>,
    index: &BTreeMap<String, Target>,
    diags: &mut Diagnostics,
) -> Option<LinkTarget> {
    let slug = match (&link.file, from.runbook) {
        (Some(file), _) => file.clone(),
        (None, Some(rb)) => rb.slug.clone(),
        // Bare fragments are only read as links in run books.
        (None, None) => return None,
    };
    let Some(target) = index.get(&slug) else {
        let hint = match did_you_mean(&slug, index.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}.md`? Link to a run book by its file name, e.g. `[see ransomware](ransomware.md)`"),
            None => "link to a run book by its file name in the source folder, e.g. `[see ransomware](ransomware.md)`".to_string(),
        };
        diags.push(
            diag_at(
                from,
                link,
                Code::DanglingLink,
                format!(
                    "link to `{}`, but there is no run book `{slug}.md`",
                    link.raw
                ),
            )
            .hint(hint),
        );
        return None;
    };
    let Some(fragment) = &link.fragment else {
        return Some(LinkTarget {
            runbook: slug,
            phase: None,
            anchor: None,
            anchor_internal: false,
        });
    };
    if let Some(phase) = Phase::from_key(fragment) {
        return Some(LinkTarget {
            runbook: slug,
            phase: Some(phase),
            anchor: None,
            anchor_internal: false,
        });
    }
    // A heading: by its full id, or by the slug of its text.
    let wanted = |h: &Heading| {
        let short = match h.phase {
            Some(p) => format!("{slug}-{}-{fragment}", p.slug()),
            None => format!("{slug}-{fragment}"),
        };
        h.id == *fragment || h.id == short
    };
    if let Some(h) = target.headings.iter().find(|h| wanted(h)) {
        return Some(LinkTarget {
            runbook: slug,
            phase: h.phase,
            anchor: Some(h.id.clone()),
            anchor_internal: h.internal,
        });
    }
    let mut names: Vec<String> = Phase::ALL.iter().map(|p| p.slug().to_string()).collect();
    names.extend(target.headings.iter().map(|h| {
        let prefix = match h.phase {
            Some(p) => format!("{slug}-{}-", p.slug()),
            None => format!("{slug}-"),
        };
        h.id.strip_prefix(&prefix).unwrap_or(&h.id).to_string()
    }));
    let near = did_you_mean(fragment, names.iter().map(String::as_str))
        .map(|n| format!("did you mean `#{n}`? "))
        .unwrap_or_default();
    diags.push(
        diag_at(
            from,
            link,
            Code::UnknownLinkSection,
            format!("`#{fragment}` is not a phase or heading in `{slug}.md`"),
        )
        .hint(format!(
            "{near}after `#` write a phase (`#containment`) or a heading of that run book in lowercase with hyphens (`#checklist-for-your-office`)"
        )),
    );
    None
}

/// Reports editions that show the link's text but leave its run book out.
fn left_out(
    link: &Link,
    slug: &str,
    target: &Target,
    from: &From<'_>,
    clients: &[Client],
    diags: &mut Diagnostics,
) {
    // Which client editions show the text the link is in (build leaves drafts out).
    let readers: Vec<&Client> = match from.runbook {
        Some(rb) if rb.draft => return,
        Some(_) if link.internal => Vec::new(),
        Some(rb) => clients
            .iter()
            .filter(|c| Reader::Client(c).sees(rb))
            .collect(),
        None => clients.iter().collect(),
    };
    let (editions, why): (Vec<String>, Vec<String>) = if target.draft {
        let mut e: Vec<String> = readers.iter().map(|c| c.slug.clone()).collect();
        e.push(SOC_SLUG.to_string());
        (
            e,
            vec![format!(
                "`{slug}.md` is a draft, and build leaves drafts out"
            )],
        )
    } else if target.audience == Audience::Soc {
        (
            readers.iter().map(|c| c.slug.clone()).collect(),
            vec![format!(
                "`{slug}.md` has `audience: soc`: it is in the SOC edition only"
            )],
        )
    } else {
        readers
            .iter()
            .filter(|c| !Reader::Client(c).sees_runbook(slug, target.audience))
            .map(|c| {
                (
                    c.slug.clone(),
                    format!("{} leaves out `{slug}`", c.file.display()),
                )
            })
            .unzip()
    };
    if editions.is_empty() {
        return;
    }
    let count = editions.len();
    let mut d = diag_at(
        from,
        link,
        Code::LinkLeftOut,
        format!(
            "link to `{slug}` shows as plain text in {count} edition{} that leave{} it out: {}",
            if count == 1 { "" } else { "s" },
            if count == 1 { "s" } else { "" },
            editions.join(", ")
        ),
    )
    .hint("this is fine if intended; otherwise give those editions the run book, or word the text so it reads well without the link");
    for w in why {
        d = d.note(w);
    }
    diags.push(d);
}
