//! Small pieces of HTML built in Rust because they appear inside run book
//! bodies (badges, task boxes, contact cards), where templates cannot reach.

use crate::edition::{Edition, Piece};
use crate::model::markdown::{ContactField, PAGE_ROOT};
use crate::model::responsibility::{Layer, Party, Resolved};
use crate::model::Contact;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    // Copy the runs between special characters whole; all five are ASCII,
    // so a byte never matches inside a multi-byte character.
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

/// Who a party is, in the reader's words.
pub fn party_words(party: Party, soc_edition: bool) -> &'static str {
    match (party, soc_edition) {
        (Party::Soc, _) => "Our SOC team",
        (Party::Client, false) => "Your team",
        (Party::Client, true) => "The client",
        (Party::Shared, _) => "Together",
    }
}

/// "advised by our SOC team".
pub fn advisor_words(party: Party, soc_edition: bool) -> String {
    format!(
        "advised by {}",
        lowercase_first(party_words(party, soc_edition))
    )
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Which layer set a responsibility, in the reader's words.
pub fn layer_words(layer: Layer, plan: Option<&str>, soc_edition: bool) -> String {
    match layer {
        Layer::Default => "Standard practice for every incident".to_string(),
        Layer::Handbook => "Set for every client in this handbook".to_string(),
        Layer::Plan => match plan {
            Some(p) => format!("Set by your service plan ({})", title_case(p)),
            None => "Set by your service plan".to_string(),
        },
        Layer::Client => "Agreed with you for every incident".to_string(),
        Layer::Runbook if soc_edition => "Set in this run book".to_string(),
        Layer::Runbook => "Set for this kind of incident".to_string(),
        Layer::Override => "Agreed with you for this kind of incident".to_string(),
        Layer::Step => "Set for this step".to_string(),
    }
}

fn title_case(s: &str) -> String {
    s.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A responsibility badge. `step` is set for step badges.
pub fn badge(
    phase: &str,
    step: Option<usize>,
    resolved: &Resolved,
    edition: &Edition<'_>,
    with_layer: bool,
) -> String {
    let mut out = String::with_capacity(256);
    badge_into(&mut out, None, phase, step, resolved, edition, with_layer);
    out
}

/// Writes a badge into `out`, with an `id` attribute first when given.
/// Plain `push_str`s: a handbook build writes some hundred thousand badges.
fn badge_into(
    out: &mut String,
    id: Option<&str>,
    phase: &str,
    step: Option<usize>,
    resolved: &Resolved,
    edition: &Edition<'_>,
    with_layer: bool,
) {
    let soc = edition.is_soc();
    let r = resolved.responsibility;
    out.push_str("<span ");
    if let Some(id) = id {
        out.push_str("id=\"");
        out.push_str(id);
        out.push_str("\" ");
    }
    out.push_str("class=\"badge lead-");
    out.push_str(r.lead.as_str());
    out.push_str("\" data-phase=\"");
    out.push_str(phase);
    out.push('"');
    if let Some(n) = step {
        let _ = write!(out, " data-step=\"{n}\"");
    }
    out.push_str(" data-lead=\"");
    out.push_str(r.lead.as_str());
    out.push('"');
    if let Some(a) = r.advisor {
        out.push_str(" data-advisor=\"");
        out.push_str(a.as_str());
        out.push('"');
    }
    let layer = layer_words(resolved.layer, edition.plan, soc);
    out.push_str(" data-layer=\"");
    out.push_str(resolved.layer.as_str());
    out.push_str("\" title=\"");
    escape_into(out, &layer);
    out.push_str("\"><span class=\"badge-lead\">");
    out.push_str(party_words(r.lead, soc));
    out.push_str("</span>");
    if let Some(a) = r.advisor {
        out.push_str("<span class=\"badge-advisor\">, ");
        out.push_str(&advisor_words(a, soc));
        out.push_str("</span>");
    }
    if with_layer {
        out.push_str("<span class=\"badge-layer\">");
        escape_into(out, &layer);
        out.push_str("</span>");
    } else if step.is_some() {
        // Screen readers hear who does the step as the badge's words; the
        // layer stays in the tooltip to keep steps uncluttered.
        out.push_str("<span class=\"visually-hidden\">:</span>");
    }
    out.push_str("</span>");
}

/// The id of a step on pages that show its phase: `<runbook>-<phase>--step-<n>`.
/// The double hyphen keeps it apart from heading ids, which are slugs with
/// single hyphens under the same `<runbook>-<phase>-` prefix.
pub fn step_anchor(runbook: &str, phase: &str, step: usize) -> String {
    format!("{runbook}-{phase}--step-{step}")
}

/// A tappable phone link.
fn phone_link(out: &mut String, phone: &str) {
    let digits = tel_digits(phone);
    let _ = write!(
        out,
        "<a href=\"tel:{}\">{}</a>",
        escape(&digits),
        escape(phone)
    );
}

/// A phone number as a `tel:` address: digits and a leading `+` only.
fn tel_digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn email_link(out: &mut String, email: &str) {
    let _ = write!(
        out,
        "<a href=\"mailto:{}\">{}</a>",
        escape(email),
        escape(email)
    );
}

/// A contact's title in bold: its label, else its name, else its id.
fn contact_title(out: &mut String, c: &Contact) {
    let title = c.label.as_deref().or(c.name.as_deref()).unwrap_or(&c.id);
    let _ = write!(out, "<strong>{}</strong>", escape(title));
}

/// An inline contact card (valid inside a paragraph).
pub fn contact_card(c: &Contact) -> String {
    let mut out = String::from("<span class=\"contact-card\">");
    contact_title(&mut out, c);
    if let (Some(name), Some(_)) = (&c.name, &c.label) {
        let _ = write!(out, " ({})", escape(name));
    }
    if let Some(p) = &c.phone {
        out.push_str(": ");
        phone_link(&mut out, p);
    }
    if let Some(e) = &c.email {
        out.push_str(if c.phone.is_some() { ", " } else { ": " });
        email_link(&mut out, e);
    }
    if let Some(h) = &c.hours {
        let _ = write!(out, " <span class=\"contact-hours\">({})</span>", escape(h));
    }
    out.push_str("</span>");
    out
}

/// A contact as a block for the home page and print covers: who, then
/// large tappable phone and email links, then when to reach them.
pub fn contact_block(c: &Contact) -> String {
    let mut out = String::from("<li class=\"contact\"><p class=\"contact-who\">");
    contact_title(&mut out, c);
    if let (Some(name), Some(_)) = (&c.name, &c.label) {
        let _ = write!(out, " <span class=\"contact-name\">{}</span>", escape(name));
    }
    out.push_str("</p>");
    if c.phone.is_some() || c.email.is_some() {
        out.push_str("<p class=\"contact-ways\">");
        if let Some(p) = &c.phone {
            let _ = write!(
                out,
                "<a class=\"call\" href=\"tel:{}\">Call {}</a>",
                escape(&tel_digits(p)),
                escape(p)
            );
        }
        if let Some(e) = &c.email {
            out.push(' ');
            email_link(&mut out, e);
        }
        out.push_str("</p>");
    }
    if let Some(h) = &c.hours {
        let _ = write!(out, "<p class=\"contact-hours\">{}</p>", escape(h));
    }
    out.push_str("</li>");
    out
}

/// The big button at the top of the home page: call this contact now.
pub fn call_now(c: &Contact) -> Option<String> {
    let phone = c.phone.as_deref()?;
    let what = c.label.as_deref().or(c.name.as_deref()).unwrap_or(&c.id);
    Some(format!(
        "<a class=\"call-now\" href=\"tel:{}\">Call the {}: <span class=\"nowrap\">{}</span></a>",
        escape(&tel_digits(phone)),
        escape(what),
        escape(phone)
    ))
}

/// Renders resolved body pieces to HTML.
pub fn body(pieces: &[Piece<'_>], edition: &Edition<'_>, runbook: &str) -> String {
    let mut out = String::with_capacity(
        pieces
            .iter()
            .map(|p| if let Piece::Html(h) = p { h.len() } else { 64 })
            .sum(),
    );
    for piece in pieces {
        match piece {
            Piece::Html(h) => out.push_str(h),
            Piece::Text(t) => escape_into(&mut out, t),
            Piece::Field(ContactField::Phone, v) => phone_link(&mut out, v),
            Piece::Field(ContactField::Email, v) => email_link(&mut out, v),
            Piece::Field(_, v) => escape_into(&mut out, v),
            Piece::Card(c) => out.push_str(&contact_card(c)),
            Piece::Badge { phase, step, resolved } => {
                // The badge opens the step, so it carries the step's anchor
                // (search results link there).
                let id = step_anchor(runbook, phase.slug(), *step);
                badge_into(&mut out, Some(&id), phase.slug(), Some(*step), resolved, edition, false);
                out.push(' ');
            }
            Piece::TaskBox { phase, step, label } => {
                let _ = write!(
                    out,
                    "<input type=\"checkbox\" class=\"task-box\" id=\"{runbook}-{}-task-{step}\" data-task=\"{}-{step}\" aria-label=\"{}\"> ",
                    phase.slug(),
                    phase.slug(),
                    escape(label)
                );
            }
            Piece::InternalStart => out.push_str("<div class=\"internal\"><p class=\"internal-label\">SOC only: not in client handbooks</p>\n"),
            Piece::InternalEnd => out.push_str("</div>\n"),
            Piece::LinkStart { href, title } => {
                // The page root marker becomes `../` × depth on each page.
                let _ = write!(out, "<a href=\"{PAGE_ROOT}{}\"", escape(href));
                if let Some(t) = title {
                    let _ = write!(out, " title=\"{}\"", escape(t));
                }
                out.push('>');
            }
            Piece::LinkEnd => out.push_str("</a>"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn cards_link_phone_and_email() {
        let c = Contact {
            id: "soc".into(),
            label: Some("SOC".into()),
            phone: Some("+44 20 7946 0100".into()),
            email: Some("a@example.com".into()),
            ..Contact::default()
        };
        let html = contact_card(&c);
        assert!(html.contains("href=\"tel:+442079460100\""));
        assert!(html.contains("href=\"mailto:a@example.com\""));
    }
}
