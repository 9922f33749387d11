//! The call tree and the running deadlines, as the one-page card
//! (`card/index.html`, SPEC §11) and the phase pages show them.
//!
//! What gives way so the card always prints on one A4 page: the card
//! shows at most [`MAX_CALLS`] people to call and [`MAX_DEADLINES`]
//! deadlines, and says how many more the handbook has; a card with more
//! than a few of either is set in smaller type (`card-dense`); and each
//! first step is cut to [`MAX_STEP_CHARS`] characters at a word. Those
//! limits are tested by printing a card with a very long call tree and
//! many duties in Chromium.

use super::html::{escape, tel_digits};
use crate::edition::{Edition, EditionRunbook, Piece};
use crate::model::phase::Phase;
use crate::model::responsibility::Party;
use crate::model::{Contact, Duty};
use serde::Serialize;

/// The most people the card lists to call, the SOC line included.
pub(super) const MAX_CALLS: usize = 8;
/// The most deadlines the card lists.
pub(super) const MAX_DEADLINES: usize = 6;
/// How many run books' first steps the card shows.
pub(super) const FIRST_STEPS: usize = 4;
/// How full a card may be, in half lines of calls and deadlines, before it
/// is set in smaller type (see [`card`]).
pub(super) const DENSE_AFTER: usize = 30;
/// The longest first step, in characters, before it is cut at a word.
pub(super) const MAX_STEP_CHARS: usize = 160;

/// A person or line to call.
#[derive(Serialize, Clone, Debug)]
pub(super) struct CallView {
    /// 1 for the SOC line, then in the order to call.
    number: usize,
    /// What they are ("24/7 SOC line", "IT lead").
    label: String,
    /// Their name, when it says more than the label.
    name: Option<String>,
    phone: Option<String>,
    /// The phone number as a `tel:` address.
    tel: Option<String>,
    /// Whom to call when they do not answer.
    backup: Option<Box<CallView>>,
}

/// One duty with its deadline in words.
#[derive(Serialize, Clone, Debug)]
pub(super) struct DeadlineView {
    /// The whole duty as one sentence (*HTML*).
    sentence: String,
    to: String,
    within: Option<String>,
    when: Option<String>,
}

/// The first thing to do in one of the run books most likely needed.
#[derive(Serialize, Clone, Debug)]
pub(super) struct FirstStepView {
    slug: String,
    title: String,
    severity_label: Option<&'static str>,
    phase_name: &'static str,
    /// From the edition root: the phase page, at the step.
    href: String,
    /// The step's words (cut to [`MAX_STEP_CHARS`]); none when the run
    /// book has no step yet (the card then links its overview).
    text: Option<String>,
    /// Who does it, in the reader's words.
    who: Option<&'static str>,
}

/// Everything the card shows besides the start-here text.
#[derive(Serialize, Clone, Debug)]
pub(super) struct CardView {
    calls: Vec<CallView>,
    /// People in the call tree the card has no room for.
    calls_more: usize,
    deadlines: Vec<DeadlineView>,
    /// Deadlines the card has no room for.
    deadlines_more: usize,
    first_steps: Vec<FirstStepView>,
    /// Smaller type, so a long call tree still fits.
    dense: bool,
}

fn call(number: usize, c: &Contact, backup: Option<&Contact>) -> CallView {
    let label = c.label.as_deref().or(c.name.as_deref()).unwrap_or(&c.id);
    CallView {
        number,
        label: label.to_string(),
        name: c.name.clone().filter(|n| n != label),
        phone: c.phone.clone(),
        tel: c.phone.as_deref().map(tel_digits),
        backup: backup.map(|b| Box::new(call(number, b, None))),
    }
}

/// The SOC's line: the provider's `soc` contact, else its first contact
/// with a phone (the rule of the home page's *Who to call*).
pub(super) fn soc_line<'m>(edition: &Edition<'m>) -> Option<&'m Contact> {
    let provider = &edition.provider_contacts;
    provider
        .iter()
        .find(|c| c.id == "soc")
        .or_else(|| provider.iter().find(|c| c.phone.is_some()))
        .copied()
}

/// The call tree in order: the SOC line first, then the client's
/// `escalation` (each with its backup); a client without `escalation` gets
/// its contacts in the order written, and the SOC edition the provider's
/// other contacts.
fn calls(edition: &Edition<'_>) -> Vec<CallView> {
    let soc = soc_line(edition);
    let mut out: Vec<CallView> = soc.map(|c| call(1, c, None)).into_iter().collect();
    let mut add = |c: &Contact, backup: Option<&Contact>| {
        if Some(c) != soc {
            out.push(call(out.len() + 1, c, backup));
        }
    };
    if !edition.escalation.is_empty() {
        for e in &edition.escalation {
            add(e.contact, e.backup);
        }
    } else if !edition.is_soc() {
        for c in &edition.own_contacts {
            add(c, None);
        }
    } else {
        for c in &edition.provider_contacts {
            add(c, None);
        }
    }
    out
}

/// *Who to call* on the home page and print covers: the SOC line, then the
/// call tree's contacts in its order, then the client's other contacts and
/// the provider's others, each in the order written.
pub(super) fn who_to_call<'m>(edition: &Edition<'m>, soc: Option<&'m Contact>) -> Vec<&'m Contact> {
    let mut out: Vec<&'m Contact> = soc.into_iter().collect();
    let tree = edition.escalation.iter().map(|e| e.contact);
    let rest = edition
        .own_contacts
        .iter()
        .chain(&edition.provider_contacts)
        .copied();
    for c in tree.chain(rest) {
        if !out.iter().any(|o| std::ptr::eq(*o, c)) {
            out.push(c);
        }
    }
    out
}

/// A contact card (`<li>…</li>`) with the contact's backup added as its
/// last line, when it names one this edition has.
pub(super) fn with_backup(mut block: String, c: &Contact, edition: &Edition<'_>) -> String {
    let Some(id) = c.backup.as_deref() else {
        return block;
    };
    let Some(b) = edition
        .own_contacts
        .iter()
        .chain(&edition.provider_contacts)
        .find(|o| o.id == id)
    else {
        return block;
    };
    let Some(end) = block.rfind("</li>") else {
        return block;
    };
    let mut line = String::from("<p class=\"contact-backup\">No answer? Call ");
    line.push_str(&backup_words(b));
    line.push_str("</p>");
    block.insert_str(end, &line);
    block
}

/// "<strong>IT lead</strong> (Sam Carter) on <a …>+44 …</a>".
fn backup_words(b: &Contact) -> String {
    let label = b.label.as_deref().or(b.name.as_deref()).unwrap_or(&b.id);
    let mut s = format!("<strong>{}</strong>", escape(label));
    if let Some(name) = b.name.as_deref().filter(|n| *n != label) {
        s.push_str(&format!(" ({})", escape(name)));
    }
    if let Some(phone) = &b.phone {
        s.push_str(&format!(
            " on <a href=\"tel:{}\">{}</a>",
            escape(&tel_digits(phone)),
            escape(phone)
        ));
    }
    s
}

fn deadline(d: &Duty) -> DeadlineView {
    let mut view = DeadlineView {
        sentence: String::new(),
        to: d.to.clone(),
        within: d.within.map(|w| w.words()),
        when: d.when.clone(),
    };
    view.sentence = duty_sentence(&view);
    view
}

/// The duties, shortest deadline first (ties and duties with no deadline
/// keep the order written, those with none last): the card is read under
/// pressure, and the clock that runs out first matters most.
fn deadlines(duties: &[Duty]) -> Vec<DeadlineView> {
    let mut sorted: Vec<&Duty> = duties.iter().collect();
    sorted.sort_by_key(|d| d.within.map_or(u64::MAX, |w| w.minutes()));

    sorted.into_iter().map(deadline).collect()
}

/// The run books most likely needed: those `card:` in handbook.yaml lists
/// (in its order, the ones this edition shows), then the rest by severity
/// (critical first) and title, up to [`FIRST_STEPS`].
fn likely<'a, 'm>(edition: &'a Edition<'m>) -> Vec<&'a EditionRunbook<'m>> {
    let mut out: Vec<&EditionRunbook<'m>> = Vec::new();
    for slug in edition.card_runbooks {
        if let Some(rb) = edition.runbooks.iter().find(|rb| rb.slug == slug) {
            if !out.iter().any(|o| o.slug == rb.slug) {
                out.push(rb);
            }
        }
    }
    let mut rest: Vec<&EditionRunbook<'m>> = edition
        .runbooks
        .iter()
        .filter(|rb| !out.iter().any(|o| o.slug == rb.slug))
        .collect();
    // Stable: run books of one severity keep the edition's (title) order.
    rest.sort_by_key(|rb| std::cmp::Reverse(rb.severity));
    out.extend(rest);
    out.truncate(FIRST_STEPS);
    out
}

/// The first step a reader does in a run book: from Identification on
/// (Preparation is done before an incident), the first step this reader's
/// side leads or shares; failing that, the first step at all.
fn first_step(rb: &EditionRunbook<'_>, soc: bool) -> FirstStepView {
    let ours = |lead: Party| match lead {
        Party::Shared => true,
        Party::Soc => soc,
        Party::Client => !soc,
    };
    let steps = || {
        rb.phases
            .iter()
            .filter(|p| p.phase != Phase::Preparation)
            .flat_map(|p| {
                p.body.iter().filter_map(move |piece| match piece {
                    Piece::Badge { step, resolved, .. } => {
                        Some((p, *step, resolved.responsibility.lead))
                    }
                    _ => None,
                })
            })
    };
    let chosen = steps()
        .find(|(_, _, lead)| ours(*lead))
        .or_else(|| steps().next());
    let base = |phase_name, href: String, text, who| FirstStepView {
        slug: rb.slug.to_string(),
        title: rb.title.to_string(),
        severity_label: rb.severity.map(|s| s.label()),
        phase_name,
        href,
        text,
        who,
    };
    match chosen {
        Some((p, step, lead)) => {
            let text = p
                .text
                .iter()
                .find(|t| t.step == Some(step))
                .map(|t| cut(&t.text, MAX_STEP_CHARS));
            base(
                p.phase.name(),
                format!(
                    "{}/{}/index.html#{}{step}",
                    rb.slug,
                    p.phase.slug(),
                    crate::marker::STEP_ANCHOR_PREFIX
                ),
                text,
                Some(crate::edition::words::party_words(lead, soc)),
            )
        }
        None => base("", format!("{}/index.html", rb.slug), None, None),
    }
}

/// `text` cut to at most `max` characters at a word, with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    format!("{}…", head.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The card of one edition.
pub(super) fn card(edition: &Edition<'_>) -> CardView {
    let mut calls = calls(edition);
    let calls_more = calls.len().saturating_sub(MAX_CALLS);
    calls.truncate(MAX_CALLS);
    let mut deadlines = deadlines(edition.duties);
    let deadlines_more = deadlines.len().saturating_sub(MAX_DEADLINES);
    deadlines.truncate(MAX_DEADLINES);
    let soc = edition.is_soc();
    let with_backup = calls.iter().filter(|c| c.backup.is_some()).count();
    CardView {
        // In half lines: a call is two, its backup one more, a deadline
        // about three. Past 30 (say eight calls with backups and four
        // deadlines), normal type would push the run books off the page.
        dense: calls.len() * 2 + with_backup + deadlines.len() * 3 > DENSE_AFTER,
        calls,
        calls_more,
        deadlines,
        deadlines_more,
        first_steps: likely(edition)
            .into_iter()
            .map(|rb| first_step(rb, soc))
            .collect(),
    }
}

/// The duties that apply during `phase`, as the block its phase pages show
/// (empty when none do). Written here once per edition and phase, not by
/// the template: every phase page of the edition shows the same block.
pub(super) fn duties_block(edition: &Edition<'_>, phase: Phase) -> String {
    let mut duties: Vec<&Duty> = edition
        .duties
        .iter()
        .filter(|d| d.applies_in(phase))
        .collect();
    // As on the card: the clock that runs out first, first.
    duties.sort_by_key(|d| d.within.map_or(u64::MAX, |w| w.minutes()));
    if duties.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<aside class=\"duties\" aria-labelledby=\"duties-title\"><h2 id=\"duties-title\">Deadlines that may be running</h2><p>Each deadline counts from when you first knew of the incident.</p><ul>",
    );
    for d in duties {
        out.push_str("<li>");
        out.push_str(&deadline(d).sentence);
        out.push_str("</li>");
    }
    out.push_str("</ul></aside>");
    out
}

/// "Tell **the ICO** within **72 hours**, if personal data is involved."
fn duty_sentence(d: &DeadlineView) -> String {
    let mut s = format!("Tell <strong>{}</strong>", escape(&d.to));
    match &d.within {
        Some(w) => {
            s.push_str(" within <strong>");
            s.push_str(&escape(w));
            s.push_str("</strong>");
        }
        None => s.push_str(" as soon as you can"),
    }
    if let Some(when) = &d.when {
        let lower = when.to_lowercase();
        let joined = ["if ", "when ", "where ", "once ", "unless "]
            .iter()
            .any(|w| lower.starts_with(w));
        s.push_str(if joined { ", " } else { ", if " });
        // Mid-sentence now: "When money was sent" reads "when money was sent".
        let when = when.trim_end_matches('.');
        let mut chars = when.chars();
        if let (true, Some(first)) = (joined, chars.next()) {
            s.extend(first.to_lowercase());
            s.push_str(&escape(chars.as_str()));
        } else {
            s.push_str(&escape(when));
        }
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_cut_at_a_word() {
        assert_eq!(cut("Call  the\nSOC.", 20), "Call the SOC.");
        let long =
            "Unplug the network cable of every computer that shows the note, and leave it on";
        let c = cut(long, 30);
        assert!(c.ends_with('…'), "{c}");
        assert!(c.chars().count() <= 31, "{c}");
        assert_eq!(c, "Unplug the network cable of…");
        assert_eq!(cut("ééééé ééééé", 7), "ééééé…");
    }

    #[test]
    fn a_duty_reads_as_one_sentence() {
        let d = |within: Option<&str>, when: Option<&str>| DeadlineView {
            sentence: String::new(),
            to: "the ICO & police".into(),
            within: within.map(str::to_string),
            when: when.map(str::to_string),
        };
        assert_eq!(
            duty_sentence(&d(Some("72 hours"), Some("personal data is involved."))),
            "Tell <strong>the ICO &amp; police</strong> within <strong>72 hours</strong>, if personal data is involved."
        );
        assert_eq!(
            duty_sentence(&d(None, Some("When money was sent"))),
            "Tell <strong>the ICO &amp; police</strong> as soon as you can, when money was sent."
        );
    }
}
