//! Template view structs, separate from the domain types so that templates
//! can change without touching the model, and page rendering.

use super::html::{badge, body, contact_card, layer_words};
use super::theme::Theme;
use super::Page;
use crate::diag::Diagnostic;
use crate::edition::{Edition, EditionRunbook};
use crate::model::markdown::PAGE_ROOT;
use crate::model::phase::Phase;
use crate::model::values::Colour;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use tera::Value;

#[derive(Serialize)]
struct PhaseInfo {
    slug: &'static str,
    name: &'static str,
    description: String,
}

#[derive(Serialize)]
struct SiteView {
    title: String,
    provider: String,
    lang: String,
    edition: String,
    edition_name: String,
    is_soc: bool,
    plan: Option<String>,
    date: Option<String>,
    date_iso: Option<String>,
    logo: Option<String>,
    phases: Vec<PhaseInfo>,
}

#[derive(Serialize, Clone)]
struct PhaseView {
    slug: &'static str,
    name: &'static str,
    description: String,
    /// Badge with the layer shown.
    badge: String,
    lead: &'static str,
    advisor: Option<&'static str>,
    layer: &'static str,
    layer_text: String,
    html: String,
    step_count: usize,
    empty: bool,
}

#[derive(Serialize, Clone)]
struct RunbookHead {
    slug: String,
    title: String,
    summary: String,
    category: String,
    severity: Option<&'static str>,
    severity_label: Option<&'static str>,
    aliases: Vec<String>,
    alerts: Vec<String>,
    attack: Vec<String>,
    owner: Option<String>,
    reviewed: Option<String>,
    reviewed_long: Option<String>,
    draft: bool,
    soc_only: bool,
    intro: String,
}

#[derive(Serialize)]
struct CategoryView {
    name: String,
    runbooks: Vec<RunbookHead>,
}

#[derive(Serialize)]
struct TermView {
    term: String,
    slug: String,
    definition: String,
    aliases: Vec<String>,
}

#[derive(Serialize)]
struct PageView {
    kind: &'static str,
    title: String,
    runbook: Option<String>,
    phase: Option<&'static str>,
}

#[derive(Serialize)]
struct Nav {
    slug: &'static str,
    name: &'static str,
}

/// Everything about an edition that pages share, computed once.
pub(super) struct Prepared {
    site: SiteView,
    heads: Vec<RunbookHead>,
    phases: Vec<Vec<PhaseView>>,
    categories: Vec<CategoryView>,
    contacts: Vec<String>,
    start_here: String,
    glossary: Vec<TermView>,
    edition_slug: String,
    /// The same, converted to template values once per edition (on first use).
    values: OnceLock<Values>,
}

/// Template values shared by pages, converted once per edition. A Tera
/// value is reference-counted, so putting one into a page's context is a
/// cheap clone; serializing the view structs for every page instead would
/// copy every phase's HTML again for each print and phase-index page.
struct Values {
    site: Value,
    heads: Vec<Value>,
    all_heads: Value,
    /// Per run book: its six phase views, one by one and as a list.
    phase: Vec<Vec<Value>>,
    phases: Vec<Value>,
    /// Per run book: the phase tabs.
    nav: Vec<Value>,
    /// Per run book: `{rb, phases}` for print pages; and all of them.
    print: Vec<Value>,
    all_print: Value,
    /// Per phase: `{rb, phase}` of every run book, and the phase's info.
    entries: Vec<Value>,
    phase_info: Vec<Value>,
    categories: Value,
    contacts: Value,
    start_here: Value,
    glossary: Value,
    edition_slug: Value,
}

impl Values {
    fn new(p: &Prepared) -> Values {
        let heads: Vec<Value> = p.heads.iter().map(Value::from_serializable).collect();
        let phase: Vec<Vec<Value>> = p
            .phases
            .iter()
            .map(|list| list.iter().map(Value::from_serializable).collect())
            .collect();
        let phases: Vec<Value> = phase.iter().map(|l| Value::from(l.clone())).collect();
        let pair = |a: (&'static str, &Value), b: (&'static str, &Value)| {
            Value::from(BTreeMap::from([(a.0, a.1.clone()), (b.0, b.1.clone())]))
        };
        let print: Vec<Value> = heads
            .iter()
            .zip(&phases)
            .map(|(rb, phases)| pair(("rb", rb), ("phases", phases)))
            .collect();
        let entries = Phase::ALL
            .iter()
            .map(|ph| {
                Value::from(
                    heads
                        .iter()
                        .zip(&phase)
                        .map(|(rb, list)| pair(("rb", rb), ("phase", &list[ph.index()])))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let phase_info = Phase::ALL
            .iter()
            .map(|ph| {
                Value::from_serializable(&PhaseInfo {
                    slug: ph.slug(),
                    name: ph.name(),
                    description: p.site.phases[ph.index()].description.clone(),
                })
            })
            .collect();
        let nav = p
            .phases
            .iter()
            .map(|list| {
                Value::from_serializable(
                    &list
                        .iter()
                        .map(|v| Nav {
                            slug: v.slug,
                            name: v.name,
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        Values {
            site: Value::from_serializable(&p.site),
            all_heads: Value::from(heads.clone()),
            all_print: Value::from(print.clone()),
            heads,
            phase,
            phases,
            nav,
            print,
            entries,
            phase_info,
            categories: Value::from_serializable(&p.categories),
            contacts: Value::from_serializable(&p.contacts),
            start_here: Value::from_serializable(&p.start_here),
            glossary: Value::from_serializable(&p.glossary),
            edition_slug: Value::from_serializable(&p.edition_slug),
        }
    }
}

impl Prepared {
    pub(super) fn new(edition: &Edition<'_>) -> Prepared {
        let soc = edition.is_soc();
        let site = SiteView {
            title: edition.title.to_string(),
            provider: edition.provider.to_string(),
            lang: edition.language.to_string(),
            edition: edition.slug.clone(),
            edition_name: edition.name.clone(),
            is_soc: soc,
            plan: edition.plan.map(str::to_string),
            date: edition.date.map(|d| d.long()),
            date_iso: edition.date.map(|d| d.to_string()),
            logo: edition.logo.map(|l| format!("assets/logo.{}", l.extension)),
            phases: Phase::ALL
                .iter()
                .map(|p| PhaseInfo {
                    slug: p.slug(),
                    name: p.name(),
                    description: edition.phase_text[p.index()].clone(),
                })
                .collect(),
        };
        let heads: Vec<RunbookHead> = edition
            .runbooks
            .iter()
            .map(|rb| head(rb, edition))
            .collect();
        let phases = edition
            .runbooks
            .iter()
            .map(|rb| {
                rb.phases
                    .iter()
                    .map(|p| PhaseView {
                        slug: p.phase.slug(),
                        name: p.phase.name(),
                        description: edition.phase_text[p.phase.index()].clone(),
                        badge: badge(p.phase.slug(), None, &p.resolved, edition, true),
                        lead: p.resolved.responsibility.lead.as_str(),
                        advisor: p.resolved.responsibility.advisor.map(|a| a.as_str()),
                        layer: p.resolved.layer.as_str(),
                        layer_text: layer_words(p.resolved.layer, edition.plan, soc),
                        html: body(&p.body, edition, rb.slug),
                        step_count: p.step_count,
                        empty: p.body.is_empty(),
                    })
                    .collect()
            })
            .collect();
        let mut groups: BTreeMap<String, Vec<RunbookHead>> = BTreeMap::new();
        for h in &heads {
            groups
                .entry(h.category.clone())
                .or_default()
                .push(h.clone());
        }
        let categories = groups
            .into_iter()
            .map(|(name, runbooks)| CategoryView { name, runbooks })
            .collect();
        let contacts = edition
            .own_contacts
            .iter()
            .chain(edition.provider_contacts.iter())
            .map(|c| contact_card(c))
            .collect();
        let glossary = edition
            .glossary
            .iter()
            .map(|t| TermView {
                term: t.term.clone(),
                slug: t.slug.clone(),
                definition: t.definition.clone(),
                aliases: t.aliases.clone(),
            })
            .collect();
        Prepared {
            site,
            heads,
            phases,
            categories,
            contacts,
            start_here: body(&edition.start_here, edition, "start"),
            glossary,
            edition_slug: edition.slug.clone(),
            values: OnceLock::new(),
        }
    }

    fn values(&self) -> &Values {
        self.values.get_or_init(|| Values::new(self))
    }
}

fn head(rb: &EditionRunbook<'_>, edition: &Edition<'_>) -> RunbookHead {
    RunbookHead {
        slug: rb.slug.to_string(),
        title: rb.title.to_string(),
        summary: rb.summary.to_string(),
        category: rb.category.to_string(),
        severity: rb.severity.map(|s| s.as_str()),
        severity_label: rb.severity.map(|s| s.label()),
        aliases: rb.aliases.to_vec(),
        alerts: rb.alerts.to_vec(),
        attack: rb.attack.to_vec(),
        owner: rb.owner.map(str::to_string),
        reviewed: rb.reviewed.map(|d| d.to_string()),
        reviewed_long: rb.reviewed.map(|d| d.long()),
        draft: rb.draft,
        soc_only: rb.soc_only,
        intro: body(&rb.intro, edition, rb.slug),
    }
}

fn root(depth: usize) -> String {
    "../".repeat(depth)
}

/// Body HTML is rendered once and shown on pages at different depths, so
/// links between run books carry a page-root marker; this makes them
/// relative to the page being written.
fn relative_links(html: Vec<u8>, depth: usize) -> Vec<u8> {
    // The marker is a private-use character, whose UTF-8 starts with 0xEE:
    // most pages have no such byte, and a byte search is fast.
    let mut lead = [0u8; 4];
    let lead = PAGE_ROOT.encode_utf8(&mut lead).as_bytes()[0];
    if !html.contains(&lead) {
        return html;
    }
    match String::from_utf8(html) {
        Ok(s) if s.contains(PAGE_ROOT) => s.replace(PAGE_ROOT, &root(depth)).into_bytes(),
        Ok(s) => s.into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// About how many bytes a page will have: its template's frame plus the
/// body HTML it shows, so the page is written into one buffer without
/// growing it again and again (print pages hold a whole handbook).
fn size_hint(p: &Prepared, page: Page) -> usize {
    const FRAME: usize = 8 * 1024;
    let phases_html = |list: &[PhaseView]| list.iter().map(|v| v.html.len()).sum::<usize>();
    FRAME
        + match page {
            Page::Phase(i, ph) => p.phases[i][ph.index()].html.len(),
            Page::RunbookPrint(i) => phases_html(&p.phases[i]) + p.heads[i].intro.len(),
            Page::Print => {
                p.phases.iter().map(|l| phases_html(l)).sum::<usize>()
                    + p.heads.iter().map(|h| h.intro.len()).sum::<usize>()
            }
            Page::PhaseIndex(ph) => p.phases.iter().map(|l| l[ph.index()].html.len()).sum(),
            _ => 0,
        }
}

/// Renders one page to bytes.
pub(super) fn render_page(
    p: &Prepared,
    theme: &Theme,
    page: Page,
    _path: &str,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let v = p.values();
    let mut ctx = tera::Context::new();
    ctx.insert_value("site", v.site.clone());
    let (template, kind, title, depth, runbook, phase) = match page {
        Page::Home => {
            ctx.insert_value("categories", v.categories.clone());
            ctx.insert_value("contacts", v.contacts.clone());
            ctx.insert_value("start_here", v.start_here.clone());
            ("home.html", "home", p.site.title.clone(), 0, None, None)
        }
        Page::Runbook(i) => {
            ctx.insert_value("rb", v.heads[i].clone());
            ctx.insert_value("phases", v.phases[i].clone());
            (
                "runbook.html",
                "runbook",
                p.heads[i].title.clone(),
                1,
                Some(i),
                None,
            )
        }
        Page::Phase(i, ph) => {
            ctx.insert_value("rb", v.heads[i].clone());
            ctx.insert_value("phase", v.phase[i][ph.index()].clone());
            ctx.insert_value("phases", v.nav[i].clone());
            let prev = ph.index().checked_sub(1).map(|n| Nav {
                slug: Phase::ALL[n].slug(),
                name: Phase::ALL[n].name(),
            });
            let next = Phase::ALL.get(ph.index() + 1).map(|n| Nav {
                slug: n.slug(),
                name: n.name(),
            });
            ctx.insert("prev", &prev);
            ctx.insert("next", &next);
            (
                "phase.html",
                "phase",
                format!("{}: {}", ph.name(), p.heads[i].title),
                2,
                Some(i),
                Some(ph),
            )
        }
        Page::RunbookPrint(i) => {
            ctx.insert_value("runbooks", Value::from(vec![v.print[i].clone()]));
            ctx.insert_value("contacts", v.contacts.clone());
            ctx.insert("scope", "runbook");
            (
                "print.html",
                "print",
                format!("{} (printable)", p.heads[i].title),
                2,
                Some(i),
                None,
            )
        }
        Page::PhaseIndex(ph) => {
            ctx.insert_value("entries", v.entries[ph.index()].clone());
            ctx.insert_value("phase", v.phase_info[ph.index()].clone());
            (
                "phase_index.html",
                "phase-index",
                format!("{} in every run book", ph.name()),
                2,
                None,
                Some(ph),
            )
        }
        Page::Glossary => {
            ctx.insert_value("terms", v.glossary.clone());
            (
                "glossary.html",
                "glossary",
                "Glossary".to_string(),
                1,
                None,
                None,
            )
        }
        Page::Print => {
            ctx.insert_value("runbooks", v.all_print.clone());
            ctx.insert_value("contacts", v.contacts.clone());
            ctx.insert("scope", "handbook");
            (
                "print.html",
                "print",
                format!("{} (printable)", p.site.title),
                1,
                None,
                None,
            )
        }
        Page::Search => {
            ctx.insert_value("runbook_links", v.all_heads.clone());
            ("search.html", "search", "Search".to_string(), 1, None, None)
        }
        Page::NotFound => (
            "404.html",
            "not-found",
            "Page not found".to_string(),
            0,
            None,
            None,
        ),
    };
    ctx.insert("root", &root(depth));
    ctx.insert(
        "page",
        &PageView {
            kind,
            title,
            runbook: runbook.map(|i| p.heads[i].slug.clone()),
            phase: phase.map(|ph| ph.slug()),
        },
    );
    ctx.insert_value("edition_slug", v.edition_slug.clone());
    let mut html = Vec::with_capacity(size_hint(p, page));
    theme
        .tera
        .render_to(template, &ctx, &mut html)
        .map(|()| relative_links(html, depth))
        .map_err(|e| Box::new(theme.error(&e, template)))
}

/// The per-edition stylesheet: the client's colour as an accent, with a
/// text colour on it chosen for contrast.
pub(super) fn edition_css(edition: &Edition<'_>) -> String {
    let Some(c) = edition.colour else {
        return "/* no brand colour set for this edition */\n".to_string();
    };
    let white = Colour([255, 255, 255]);
    let black = Colour([17, 17, 17]);
    let on = if c.contrast(&white) >= c.contrast(&black) {
        white
    } else {
        black
    };
    let mut css = format!(
        ":root {{ --brand: {}; --on-brand: {}; }}\n",
        c.hex(),
        on.hex()
    );
    // Use the brand colour for links and accents only where it keeps AA
    // contrast (4.5:1) on the page background; otherwise keep the default.
    if c.contrast(&white) >= 4.5 {
        css.push_str(&format!(
            "@media (prefers-color-scheme: light) {{ :root {{ --accent: {}; }} }}\n",
            c.hex()
        ));
    }
    if c.contrast(&Colour([18, 20, 24])) >= 4.5 {
        css.push_str(&format!(
            "@media (prefers-color-scheme: dark) {{ :root {{ --accent: {}; }} }}\n",
            c.hex()
        ));
    }
    css
}
