//! Template view structs, separate from the domain types so that templates
//! can change without touching the model, and page rendering.

use super::html::{badge, body, call_now, contact_block, escape, tel_digits};
use super::theme::Theme;
use super::Page;
use crate::diag::Diagnostic;
use crate::edition::words::{layer_words, party_words_lower};
use crate::edition::{Edition, EditionRunbook, Piece};
use crate::marker::{PAGE_ROOT, STEP_ANCHOR_PREFIX, STEP_ID, TERM_CLOSE, TERM_OPEN, TERM_WORD};
use crate::model::phase::Phase;
use crate::model::responsibility::Party;
use crate::model::values::Colour;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use tera::Value;

#[derive(Serialize)]
struct PhaseInfo {
    slug: &'static str,
    name: &'static str,
    /// The phase as one short verb, for the phase stepper ("Contain").
    short: &'static str,
    description: String,
}

/// A phase as one short verb: six of them fit one row of a 390 px phone,
/// where the full names wrapped (issue 18).
fn short_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Preparation => "Prepare",
        Phase::Identification => "Identify",
        Phase::Containment => "Contain",
        Phase::Eradication => "Eradicate",
        Phase::Recovery => "Recover",
        Phase::LessonsLearned => "Learn",
    }
}

/// The SOC line in every page's header: a `tel:` link, no script needed.
#[derive(Serialize)]
struct CallView {
    /// What the line is ("24/7 SOC line").
    label: String,
    /// As written ("+44 20 7946 0100").
    phone: String,
    /// Digits and `+` only, for the `tel:` address.
    tel: String,
}

/// A run book in the side navigation and the 404 page's list.
#[derive(Serialize)]
struct RunbookLink {
    slug: String,
    title: String,
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
    /// The theme has a `custom.css` for `base.html` to link.
    custom_css: bool,
    /// The sources' revision for the footer (SPEC §10).
    version: Option<String>,
    /// "Approved by Sam Carter on 2 March 2026" (client editions).
    approved: Option<String>,
    /// "3 run books have changed since you approved this handbook", when
    /// the edition has a changes page.
    changes: Option<String>,
    /// The SOC line every page's header calls; `None` when the provider has
    /// no contact with a phone (the header then links to the contacts).
    call: Option<CallView>,
    /// Every run book of the edition, in its order: the side navigation.
    runbooks: Vec<RunbookLink>,
}

#[derive(Serialize, Clone)]
struct PhaseView {
    slug: &'static str,
    /// 1 to 6.
    number: usize,
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
    /// "12 steps: 5 for your team, 4 for our SOC team, 3 together".
    steps_summary: String,
    empty: bool,
}

#[derive(Serialize, Clone)]
struct RunbookHead {
    slug: String,
    title: String,
    summary: String,
    /// What the reader sees (`symptom:`), or none.
    symptom: Option<String>,
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

/// One of the first things the reader of an edition does in a run book:
/// "Do this now" on its overview.
#[derive(Serialize)]
struct FirstStep {
    /// Phase slug, for the link to the step on its phase page.
    phase: &'static str,
    phase_name: &'static str,
    /// The step's number on its phase page (`#step-<n>`).
    step: usize,
    /// The step's words, placeholders filled.
    text: String,
    lead: &'static str,
}

/// How many of the reader's steps "Do this now" takes from each of
/// Identification and Containment: enough to act on before the SOC calls
/// back, few enough to read at once on a phone (docs/theme.md).
pub(super) const FIRST_STEPS_PER_PHASE: usize = 3;

#[derive(Serialize)]
struct CategoryView {
    name: String,
    runbooks: Vec<RunbookHead>,
}

/// The glossary's terms under one initial, for its A–Z list.
#[derive(Serialize)]
struct LetterView {
    /// "A" to "Z", or "#" for terms that start with anything else.
    letter: String,
    /// Anchor on the glossary page.
    slug: String,
    terms: Vec<TermView>,
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
    /// The button that calls the SOC's 24/7 line.
    call_first: Option<String>,
    start_here: String,
    glossary: Vec<TermView>,
    /// The same by initial, in order.
    letters: Vec<LetterView>,
    /// Per run book: "Do this now".
    first_steps: Vec<Vec<FirstStep>>,
    /// In-place definitions, by glossary index: (slug, escaped definition).
    tips: Vec<(String, String)>,
    edition_slug: String,
    /// Routes from alerts to run books (SOC edition only: its lookup and
    /// coverage pages read them).
    routes: Vec<super::routes::Route>,
    /// The same, converted to template values once per edition (on first use).
    values: OnceLock<Values>,
    /// Per phase: the block of duties its pages show (empty: none).
    duties: [String; 6],
    /// The one-page card.
    card: super::card::CardView,
    /// What changed since the client approved the handbook.
    changes: Option<std::sync::Arc<crate::edition::changes::Changes>>,
    /// `assets/edition.css`, which the 404 page carries inline.
    edition_css: String,
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
    letters: Value,
    first_steps: Vec<Value>,
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
                    short: short_name(*ph),
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
            letters: Value::from_serializable(&p.letters),
            first_steps: p.first_steps.iter().map(Value::from_serializable).collect(),
            edition_slug: Value::from_serializable(&p.edition_slug),
        }
    }
}

impl Prepared {
    pub(super) fn new(edition: &Edition<'_>, theme: &Theme) -> Prepared {
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
                    short: short_name(*p),
                    description: edition.phase_text[p.index()].clone(),
                })
                .collect(),
            custom_css: theme.custom_css,
            version: edition.version.clone(),
            approved: edition
                .approved
                .map(|a| format!("Approved by {} on {}", a.by, a.on.long())),
            changes: edition.changes.as_ref().map(|c| c.headline()),
            call: super::card::soc_line(edition).and_then(|c| {
                let phone = c.phone.clone()?;
                Some(CallView {
                    label: c
                        .label
                        .clone()
                        .or_else(|| c.name.clone())
                        .unwrap_or_else(|| c.id.clone()),
                    tel: tel_digits(&phone),
                    phone,
                })
            }),
            runbooks: edition
                .runbooks
                .iter()
                .map(|rb| RunbookLink {
                    slug: rb.slug.to_string(),
                    title: rb.title.to_string(),
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
                        number: p.phase.index() + 1,
                        name: p.phase.name(),
                        description: edition.phase_text[p.phase.index()].clone(),
                        badge: badge(p.phase.slug(), None, &p.resolved, edition, true),
                        lead: p.resolved.responsibility.lead.as_str(),
                        advisor: p.resolved.responsibility.advisor.map(|a| a.as_str()),
                        layer: p.resolved.layer.as_str(),
                        // Empty in client editions: see `badge`.
                        layer_text: if soc {
                            layer_words(p.resolved.layer, edition.plan, soc).into_owned()
                        } else {
                            String::new()
                        },
                        html: body(&p.body, edition),
                        step_count: p.step_count,
                        steps_summary: steps_summary(&p.body, soc),
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
        // Who to call, most urgent first: the provider's `soc` contact (the
        // 24/7 line), then the reader's own contacts, then the provider's others,
        // each in the order written (SPEC §3), or in the order of the call tree.
        let soc_line = super::card::soc_line(edition);
        // A client's `escalation` puts its call tree first, after the SOC line.
        let contacts = super::card::who_to_call(edition, soc_line)
            .into_iter()
            .map(|c| super::card::with_backup(contact_block(c), c, edition))
            .collect();
        let call_first = soc_line.and_then(call_now);
        let term_view = |t: &crate::model::Term| TermView {
            term: t.term.clone(),
            slug: t.slug.clone(),
            definition: t.definition.clone(),
            aliases: t.aliases.clone(),
        };
        let glossary = edition.glossary.iter().map(term_view).collect();
        let mut letters: Vec<LetterView> = Vec::new();
        for t in edition.glossary {
            let letter = initial(&t.term);
            match letters.last_mut() {
                Some(l) if l.letter == letter => l.terms.push(term_view(t)),
                _ => letters.push(LetterView {
                    slug: if letter == "#" {
                        "letter-other".to_string()
                    } else {
                        format!("letter-{}", letter.to_ascii_lowercase())
                    },
                    letter,
                    terms: vec![term_view(t)],
                }),
            }
        }
        let first_steps = edition
            .runbooks
            .iter()
            .map(|rb| first_steps(rb, soc))
            .collect();
        Prepared {
            site,
            heads,
            phases,
            categories,
            contacts,
            call_first,
            start_here: body(&edition.start_here, edition),
            glossary,
            letters,
            first_steps,
            tips: edition
                .glossary
                .iter()
                .map(|t| (t.slug.clone(), escape(&t.definition)))
                .collect(),
            edition_slug: edition.slug.clone(),
            routes: if edition.is_soc() {
                super::routes::routes(edition)
            } else {
                Vec::new()
            },
            values: OnceLock::new(),
            duties: Phase::ALL.map(|ph| super::card::duties_block(edition, ph)),
            card: super::card::card(edition),
            changes: edition.changes.clone(),
            edition_css: edition_css(edition),
        }
    }

    fn values(&self) -> &Values {
        self.values.get_or_init(|| Values::new(self))
    }
}

/// How many steps a phase has and who leads them, for the phase-index pages,
/// which list one phase of every run book without its full text.
fn steps_summary(body: &[Piece<'_>], soc: bool) -> String {
    let mut by_lead = [0usize; 3];
    for piece in body {
        if let Piece::Badge { resolved, .. } = piece {
            by_lead[match resolved.responsibility.lead {
                Party::Client => 0,
                Party::Soc => 1,
                Party::Shared => 2,
            }] += 1;
        }
    }
    let total: usize = by_lead.iter().sum();
    if total == 0 {
        return if body.is_empty() {
            "Nothing written for this phase yet".to_string()
        } else {
            "Written as text, with no separate steps".to_string()
        };
    }
    let steps = |n: usize| {
        if n == 1 {
            "1 step".to_string()
        } else {
            format!("{n} steps")
        }
    };
    let parts: Vec<String> = [Party::Client, Party::Soc, Party::Shared]
        .iter()
        .zip(by_lead)
        .filter(|(_, n)| *n > 0)
        .map(|(party, n)| match party {
            Party::Shared => format!("{n} together"),
            _ => format!("{n} for {}", party_words_lower(*party, soc)),
        })
        .collect();
    format!("{}: {}", steps(total), parts.join(", "))
}

/// A letter of the glossary's jump list, linked when a term starts with it.
#[derive(Serialize)]
struct AzLink<'a> {
    letter: &'a str,
    slug: Option<&'a str>,
}

/// The glossary's jump list: A to Z, then "#" when some term starts with
/// something else.
fn az_list(letters: &[LetterView]) -> Vec<AzLink<'_>> {
    const AZ: [&str; 26] = [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
        "S", "T", "U", "V", "W", "X", "Y", "Z",
    ];
    let slug = |letter: &str| {
        letters
            .iter()
            .find(|l| l.letter == letter)
            .map(|l| l.slug.as_str())
    };
    let mut out: Vec<AzLink<'_>> = AZ
        .iter()
        .map(|&letter| AzLink {
            letter,
            slug: slug(letter),
        })
        .collect();
    if let Some(other) = slug("#") {
        out.push(AzLink {
            letter: "#",
            slug: Some(other),
        });
    }
    out
}

/// A term's initial for the glossary's A–Z list: its first letter in
/// capitals when that is A to Z, "#" otherwise (digits, accents).
fn initial(term: &str) -> String {
    match term.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        _ => "#".to_string(),
    }
}

/// "Do this now": the first [`FIRST_STEPS_PER_PHASE`] steps of
/// Identification and of Containment that the reader's side does (in a
/// client edition the client's and the shared ones; in the SOC edition the
/// SOC's and the shared ones), in order.
fn first_steps(rb: &EditionRunbook<'_>, soc: bool) -> Vec<FirstStep> {
    let mine = |lead: Party| lead == Party::Shared || (lead == Party::Soc) == soc;
    let mut out = Vec::new();
    for ph in rb
        .phases
        .iter()
        .filter(|p| matches!(p.phase, Phase::Identification | Phase::Containment))
    {
        let leads: BTreeMap<usize, Party> = ph
            .body
            .iter()
            .filter_map(|piece| match piece {
                Piece::Badge { step, resolved, .. } => Some((*step, resolved.responsibility.lead)),
                _ => None,
            })
            .collect();
        // Text blocks come in the order they end, so a nested step's words
        // come before its parent's: order them by step number.
        let mut words: BTreeMap<usize, &str> = BTreeMap::new();
        for piece in &ph.text {
            if let Some(n) = piece.step {
                words.entry(n).or_insert(&piece.text);
            }
        }
        let chosen = words
            .into_iter()
            .filter_map(|(n, text)| Some((n, text, *leads.get(&n)?)))
            .filter(|(_, _, lead)| mine(*lead))
            .take(FIRST_STEPS_PER_PHASE);
        out.extend(chosen.map(|(n, text, lead)| FirstStep {
            phase: ph.phase.slug(),
            phase_name: ph.phase.name(),
            step: n,
            text: text.to_string(),
            lead: lead.as_str(),
        }));
    }
    out
}

fn head(rb: &EditionRunbook<'_>, edition: &Edition<'_>) -> RunbookHead {
    let soc = edition.is_soc();
    RunbookHead {
        slug: rb.slug.to_string(),
        title: rb.title.to_string(),
        summary: rb.summary.to_string(),
        symptom: rb.symptom.map(str::to_string),
        category: rb.category.to_string(),
        severity: rb.severity.map(|s| s.as_str()),
        severity_label: rb.severity.map(|s| s.label()),
        aliases: rb.aliases.to_vec(),
        // Alert and ATT&CK IDs are the SOC's words: client pages leave them
        // out (issue 18); alerts.json, for the client's own tools, keeps them.
        alerts: if soc { rb.alerts.to_vec() } else { Vec::new() },
        attack: if soc { rb.attack.to_vec() } else { Vec::new() },
        owner: rb.owner.map(str::to_string),
        reviewed: rb.reviewed.map(|d| d.to_string()),
        reviewed_long: rb.reviewed.map(|d| d.long()),
        draft: rb.draft,
        soc_only: rb.soc_only,
        intro: body(&rb.intro, edition),
    }
}

fn root(depth: usize) -> String {
    "../".repeat(depth)
}

/// Finishes a page in one pass over its HTML. Body HTML is rendered once
/// and shown on pages at different depths, so links between run books carry
/// a page-root marker that becomes `../` × depth here, and steps carry a
/// marker that becomes their id on a phase page (`step_ids`) and nothing
/// elsewhere. Glossary terms come marked at their first use in each section;
/// the first marked use of each term on this page becomes an in-place
/// definition, the rest plain words.
///
/// It works on bytes: every marker is a three-byte private-use character
/// that starts with the byte `0xEE`, which `memchr` finds far faster than a
/// search for any of several chars, and replacing whole characters with
/// whole strings keeps the page valid UTF-8 without checking it again.
fn finish_page(html: Vec<u8>, depth: usize, step_ids: bool, tips: &[(String, String)]) -> Vec<u8> {
    let lead = marker_bytes(PAGE_ROOT)[0];
    let Some(first) = memchr::memchr(lead, &html) else {
        return html;
    };
    let [page_root, step_id, term_open, term_word, term_close] =
        [PAGE_ROOT, STEP_ID, TERM_OPEN, TERM_WORD, TERM_CLOSE].map(marker_bytes);
    let root = root(depth);
    let mut out = Vec::with_capacity(html.len() + 2048);
    let mut seen = vec![false; tips.len()];
    out.extend_from_slice(&html[..first]);
    let mut rest = &html[first..];
    while let Some(at) = memchr::memchr(lead, rest) {
        out.extend_from_slice(&rest[..at]);
        let here = &rest[at..];
        if let Some(after) = here.strip_prefix(&page_root[..]) {
            out.extend_from_slice(root.as_bytes());
            rest = after;
        } else if let Some(after) = here.strip_prefix(&step_id[..]) {
            let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if step_ids {
                out.extend_from_slice(b" id=\"");
                out.extend_from_slice(STEP_ANCHOR_PREFIX.as_bytes());
                out.extend_from_slice(&after[..digits]);
                out.push(b'"');
            }
            rest = &after[digits..];
        } else if let Some(after) = here.strip_prefix(&term_open[..]) {
            let mid = memchr::memmem::find(after, &term_word);
            let close = memchr::memmem::find(after, &term_close);
            let (Some(mid), Some(close)) = (mid, close) else {
                // Markers come only from the model, always whole; never emit a stray one.
                rest = after;
                continue;
            };
            let word = &after[mid + term_word.len()..close];
            let n = std::str::from_utf8(&after[..mid])
                .ok()
                .and_then(|d| d.parse::<usize>().ok());
            match n {
                Some(n) if n < tips.len() && !seen[n] => {
                    seen[n] = true;
                    let (slug, definition) = &tips[n];
                    in_place_definition(&mut out, &root, slug, word, definition);
                }
                _ => out.extend_from_slice(word),
            }
            rest = &after[close + term_close.len()..];
        } else {
            // Another character with the same first byte: not ours.
            out.push(lead);
            rest = &here[1..];
        }
    }
    out.extend_from_slice(rest);
    out
}

/// A marker's UTF-8 bytes (all markers are U+E000 to U+E00F: three bytes).
fn marker_bytes(c: char) -> [u8; 3] {
    let mut buf = [0u8; 3];
    c.encode_utf8(&mut buf);
    buf
}

/// A term's first use on a page: a link to its glossary entry that shows
/// the definition beside it on hover, focus or tap (a toggletip; the CSS
/// shows it without JavaScript, the script adds Escape and tap).
fn in_place_definition(out: &mut Vec<u8>, root: &str, slug: &str, word: &[u8], definition: &str) {
    for part in [
        "<span class=\"term\"><a href=\"",
        root,
        "glossary/index.html#term-",
        slug,
        "\" aria-describedby=\"tip-",
        slug,
        "\">",
    ] {
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(word);
    for part in [
        "</a><span id=\"tip-",
        slug,
        "\" role=\"tooltip\">",
        definition,
        "</span></span>",
    ] {
        out.extend_from_slice(part.as_bytes());
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
            Page::HandbookPrint => {
                p.phases.iter().map(|l| phases_html(l)).sum::<usize>()
                    + p.heads.iter().map(|h| h.intro.len()).sum::<usize>()
            }
            Page::PhaseIndex(ph) => p.phases.iter().map(|l| l[ph.index()].html.len()).sum(),
            Page::Home
            | Page::Runbook(_)
            | Page::Glossary
            | Page::Search
            | Page::NotFound
            | Page::Alerts
            | Page::Attack
            | Page::Card
            | Page::Changes => 0,
        }
}

/// Renders one page to bytes. Where it goes, its template, hook and depth
/// come from [`Page`]; this adds what its template shows.
pub(super) fn render_page(
    p: &Prepared,
    theme: &Theme,
    page: Page,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let v = p.values();
    let mut ctx = tera::Context::new();
    ctx.insert_value("site", v.site.clone());
    let title = match page {
        Page::Home => {
            ctx.insert_value("categories", v.categories.clone());
            ctx.insert_value("contacts", v.contacts.clone());
            ctx.insert("call_first", &p.call_first);
            ctx.insert_value("start_here", v.start_here.clone());
            p.site.title.clone()
        }
        Page::Runbook(i) => {
            ctx.insert_value("rb", v.heads[i].clone());
            ctx.insert_value("phases", v.phases[i].clone());
            ctx.insert_value("first_steps", v.first_steps[i].clone());
            ctx.insert("call_first", &p.call_first);
            p.heads[i].title.clone()
        }
        Page::Phase(i, ph) => {
            ctx.insert_value("rb", v.heads[i].clone());
            ctx.insert_value("phase", v.phase[i][ph.index()].clone());
            // The built-in phase.html writes its tabs out; a theme's own
            // phase.html may still loop over them.
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
            ctx.insert("duties", &p.duties[ph.index()]);
            format!("{}: {}", ph.name(), p.heads[i].title)
        }
        Page::RunbookPrint(i) => {
            ctx.insert_value("runbooks", Value::from(vec![v.print[i].clone()]));
            ctx.insert_value("contacts", v.contacts.clone());
            ctx.insert("call_first", &p.call_first);
            ctx.insert_value("start_here", v.start_here.clone());
            ctx.insert("scope", "runbook");
            format!("{} (printable)", p.heads[i].title)
        }
        Page::PhaseIndex(ph) => {
            ctx.insert_value("entries", v.entries[ph.index()].clone());
            ctx.insert_value("phase", v.phase_info[ph.index()].clone());
            format!("{} in every run book", ph.name())
        }
        Page::Glossary => {
            ctx.insert_value("terms", v.glossary.clone());
            ctx.insert_value("letters", v.letters.clone());
            ctx.insert("az", &az_list(&p.letters));
            "Glossary".to_string()
        }
        Page::HandbookPrint => {
            ctx.insert_value("runbooks", v.all_print.clone());
            ctx.insert_value("contacts", v.contacts.clone());
            // The binder's cover: what to do first, then the contacts.
            ctx.insert("call_first", &p.call_first);
            ctx.insert_value("start_here", v.start_here.clone());
            ctx.insert("scope", "handbook");
            format!("{} (printable)", p.site.title)
        }
        Page::Search => {
            ctx.insert_value("runbook_links", v.all_heads.clone());
            "Search".to_string()
        }
        Page::Alerts => {
            ctx.insert_value("rows", super::routes::lookup_rows(&p.routes));
            "Alert lookup".to_string()
        }
        Page::Attack => {
            let (uncovered, tactics) = super::routes::coverage(&p.routes);
            ctx.insert_value("uncovered", uncovered);
            ctx.insert_value("tactics", tactics);
            ctx.insert("attack_version", crate::model::attack::VERSION);
            "ATT&CK coverage".to_string()
        }
        Page::Card => {
            ctx.insert("card", &p.card);
            ctx.insert_value("start_here", v.start_here.clone());
            "The first fifteen minutes".to_string()
        }
        Page::Changes => {
            ctx.insert("changes", &p.changes.as_deref());
            "What changed since you approved".to_string()
        }
        Page::NotFound => {
            // A web host serves this page for any missing address, at any
            // depth, so no relative stylesheet link can be trusted: the
            // page carries its styles (docs/theme.md, "The 404 page").
            ctx.insert("inline_css", &inline_css(p, theme));
            "Page not found".to_string()
        }
    };
    let depth = page.depth();
    ctx.insert("root", &root(depth));
    ctx.insert(
        "page",
        &PageView {
            kind: page.data_page(),
            title,
            runbook: page.runbook().map(|i| p.heads[i].slug.clone()),
            phase: page.phase().map(|ph| ph.slug()),
        },
    );
    ctx.insert_value("edition_slug", v.edition_slug.clone());
    let template = page.template();
    let mut html = Vec::with_capacity(size_hint(p, page));
    theme
        .tera
        .render_to(template, &ctx, &mut html)
        .map(|()| finish_page(html, depth, matches!(page, Page::Phase(..)), &p.tips))
        .map_err(|e| Box::new(theme.error(&e, template)))
}

/// `assets/runbooks.js`: `window.RUNBOOK_LIST = [["slug", "Title"], …];`
/// in the edition's order, for the side navigation.
pub(super) fn runbook_list_js(edition: &Edition<'_>) -> String {
    let list: Vec<[&str; 2]> = edition
        .runbooks
        .iter()
        .map(|rb| [rb.slug, rb.title])
        .collect();
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_string());
    // `<` escaped so the text is safe wherever a script's text may be put.
    format!("window.RUNBOOK_LIST = {};\n", json.replace('<', "\\u003c"))
}

/// The stylesheets every page links, as one text for the 404 page's
/// `<style>`: the built-in sheet, the theme's `custom.css`, then the
/// edition's colours, in the order `base.html` links them. A `</` could end
/// the element early; `<\/` means the same in CSS.
fn inline_css(p: &Prepared, theme: &Theme) -> String {
    let mut css = String::new();
    for name in ["style.css", "custom.css"] {
        if let Some(bytes) = theme.statics.get(name) {
            css.push_str(&String::from_utf8_lossy(bytes));
            css.push('\n');
        }
    }
    css.push_str(&p.edition_css);
    css.replace("</", "<\\/")
}

/// The per-edition stylesheet: the client's colour as an accent, with a
/// text colour on it chosen for contrast.
pub(super) fn edition_css(edition: &Edition<'_>) -> String {
    let Some(c) = edition.colour else {
        return "/* no brand colour set for this edition */\n".to_string();
    };
    let white = Colour([255, 255, 255]);
    let on = on_colour(c);
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

/// The text colour for a brand-coloured band: white or black, whichever
/// contrasts more. Pure black, so one of the two always reaches 4.5:1.
fn on_colour(c: Colour) -> Colour {
    let white = Colour([255, 255, 255]);
    let black = Colour([0, 0, 0]);
    if c.contrast(&white) >= c.contrast(&black) {
        white
    } else {
        black
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_any_brand_colour_meets_aa() {
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let c = Colour([r as u8, g as u8, b as u8]);
                    let ratio = c.contrast(&on_colour(c));
                    assert!(ratio >= 4.5, "{} gives {ratio:.2}", c.hex());
                }
            }
        }
    }

    #[test]
    fn one_pass_fills_roots_and_first_uses_only() {
        let tips = vec![("mfa".to_string(), "A second check.".to_string())];
        let marked = |w: &str| format!("{TERM_OPEN}0{TERM_WORD}{w}{TERM_CLOSE}");
        let html = format!(
            "<a href=\"{PAGE_ROOT}x/index.html\">x</a> {} and {} again",
            marked("MFA"),
            marked("mfa")
        );
        let page = String::from_utf8(finish_page(html.into_bytes(), 2, true, &tips)).unwrap();
        assert!(
            page.starts_with("<a href=\"../../x/index.html\">"),
            "{page}"
        );
        assert_eq!(page.matches("class=\"term\"").count(), 1, "{page}");
        assert!(
            page.contains(
                "href=\"../../glossary/index.html#term-mfa\" aria-describedby=\"tip-mfa\">MFA</a>"
            ),
            "{page}"
        );
        assert!(page.ends_with(" and mfa again"), "{page}");
        assert!(!page.contains([TERM_OPEN, TERM_WORD, TERM_CLOSE, PAGE_ROOT]));
    }
}
