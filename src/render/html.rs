//! Small pieces of HTML built in Rust because they appear inside run book
//! bodies (badges, task boxes, contact cards), where templates cannot reach.

use crate::edition::words::{advisor_words, layer_words, party_words};
use crate::edition::{Edition, Piece};
use crate::marker::{PAGE_ROOT, STEP_ID};
use crate::model::markdown::ContactField;
use crate::model::responsibility::{Layer, Resolved};
use crate::model::Contact;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
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

/// A responsibility badge. `step` is set for step badges.
pub(crate) fn badge(
    phase: &str,
    step: Option<usize>,
    resolved: &Resolved,
    edition: &Edition<'_>,
    with_layer: bool,
) -> String {
    let mut out = String::with_capacity(256);
    badge_into(&mut out, false, phase, step, resolved, edition, with_layer);
    out
}

/// Writes a badge into `out`, with the step id marker first for a step in a body.
/// Plain `push_str`s: a handbook build writes some hundred thousand badges,
/// and every byte of one is repeated in a phase page and two print pages of
/// every edition, so the markup is the spec's hooks and the words, no more:
/// no class (themes select `[data-lead]`), the advisor is a `<small>`, and a
/// step badge names its layer (as a tooltip) only when the step's own marker
/// set it; a step that inherits shows its phase's badge, which says the
/// layer in words, at the top of the same section.
fn badge_into(
    out: &mut String,
    with_id: bool,
    phase: &str,
    step: Option<usize>,
    resolved: &Resolved,
    edition: &Edition<'_>,
    with_layer: bool,
) {
    let soc = edition.is_soc();
    let r = resolved.responsibility;
    out.push_str("<span");
    if let (true, Some(n)) = (with_id, step) {
        out.push(STEP_ID);
        push_number(out, n);
    }
    out.push_str(" data-phase=\"");
    out.push_str(phase);
    out.push('"');
    if let Some(n) = step {
        out.push_str(" data-step=\"");
        push_number(out, n);
        out.push('"');
    }
    out.push_str(" data-lead=\"");
    out.push_str(r.lead.as_str());
    out.push('"');
    if let Some(a) = r.advisor {
        out.push_str(" data-advisor=\"");
        out.push_str(a.as_str());
        out.push('"');
    }
    // A step that inherits its phase's responsibility inherits its layer
    // too: its badge leaves `data-layer` to the phase's badge.
    if step.is_none() || resolved.layer == Layer::Step {
        out.push_str(" data-layer=\"");
        out.push_str(resolved.layer.as_str());
        out.push('"');
    }
    // Which layer set a lead is for the SOC team, who keep the settings;
    // clients read who does what, not where it was set (issue 18).
    let layer = (soc && (with_layer || resolved.layer == Layer::Step))
        .then(|| layer_words(resolved.layer, edition.plan, soc));
    if let (Some(words), false) = (&layer, with_layer) {
        out.push_str(" title=\"");
        escape_into(out, words);
        out.push('"');
    }
    out.push('>');
    out.push_str(party_words(r.lead, soc));
    if let Some(a) = r.advisor {
        out.push_str("<small>, ");
        out.push_str(advisor_words(a, soc));
        out.push_str("</small>");
    }
    // (A step badge's colon for screen readers comes from the stylesheet.)
    if let (Some(words), true) = (&layer, with_layer) {
        out.push_str("<span class=\"layer\">");
        escape_into(out, words);
        out.push_str("</span>");
    }
    out.push_str("</span>");
}

/// Writes a number without the formatting machinery (two per step badge).
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// A tappable phone link.
fn phone_link(out: &mut String, phone: &str) {
    out.push_str("<a href=\"tel:");
    escape_into(out, &tel_digits(phone));
    out.push_str("\">");
    escape_into(out, phone);
    out.push_str("</a>");
}

/// A phone number as a `tel:` address: digits and a leading `+` only.
pub(crate) fn tel_digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// An email address as a `mailto:` link. The part up to `@` and the domain
/// are each a span the stylesheet keeps whole (an inline block) with a
/// break opportunity between them, so a long address wraps after `@` and
/// never inside the domain; a part wider than the line still wraps inside.
fn email_link(out: &mut String, email: &str) {
    out.push_str("<a href=\"mailto:");
    escape_into(out, email);
    out.push_str("\">");
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            out.push_str("<span>");
            escape_into(out, local);
            out.push_str("@</span><wbr><span>");
            escape_into(out, domain);
            out.push_str("</span>");
        }
        _ => escape_into(out, email),
    }
    out.push_str("</a>");
}

/// A contact's title in bold: its label, else its name, else its id.
fn contact_title(out: &mut String, c: &Contact) {
    let title = c.label.as_deref().or(c.name.as_deref()).unwrap_or(&c.id);
    out.push_str("<strong>");
    escape_into(out, title);
    out.push_str("</strong>");
}

/// An inline contact card (valid inside a paragraph), written onto `out`:
/// a body can hold many cards, and every edition renders them again.
fn contact_card(out: &mut String, c: &Contact) {
    out.push_str("<span class=\"contact-card\">");
    contact_title(out, c);
    if let (Some(name), Some(_)) = (&c.name, &c.label) {
        out.push_str(" (");
        escape_into(out, name);
        out.push(')');
    }
    if let Some(p) = &c.phone {
        out.push_str(": ");
        phone_link(out, p);
    }
    if let Some(e) = &c.email {
        out.push_str(if c.phone.is_some() { ", " } else { ": " });
        email_link(out, e);
    }
    if let Some(h) = &c.hours {
        out.push_str(" <span class=\"contact-hours\">(");
        escape_into(out, h);
        out.push_str(")</span>");
    }
    out.push_str("</span>");
}

/// A contact as a block for the home page and print covers: who, then
/// large tappable phone and email links, then when to reach them.
pub(crate) fn contact_block(c: &Contact) -> String {
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
pub(crate) fn call_now(c: &Contact) -> Option<String> {
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
pub(crate) fn body(pieces: &[Piece<'_>], edition: &Edition<'_>) -> String {
    let mut out = String::with_capacity(
        pieces
            .iter()
            .map(|p| if let Piece::Html(h) = p { h.len() } else { 64 })
            .sum(),
    );
    // A task's box is wrapped in a label with the task's first block (its
    // badge and words): that names the box for screen readers without a
    // copy of the words, and makes the whole line a tap target.
    let mut label_open = false;
    for piece in pieces {
        match piece {
            Piece::Html(h) if label_open => match phrasing_prefix(h) {
                Some(at) => {
                    out.push_str(&h[..at]);
                    out.push_str("</label>");
                    out.push_str(&h[at..]);
                    label_open = false;
                }
                None => out.push_str(h),
            },
            Piece::Html(h) => out.push_str(h),
            Piece::Text(t) => escape_into(&mut out, t),
            Piece::Field(ContactField::Phone, v) => phone_link(&mut out, v),
            Piece::Field(ContactField::Email, v) => email_link(&mut out, v),
            Piece::Field(_, v) => escape_into(&mut out, v),
            Piece::Card(c) => contact_card(&mut out, c),
            Piece::Badge {
                phase,
                step,
                resolved,
            } => {
                // The badge opens the step, so it carries the step's anchor
                // on the phase page (search results link there).
                badge_into(
                    &mut out,
                    true,
                    phase.slug(),
                    Some(*step),
                    resolved,
                    edition,
                    false,
                );
                out.push(' ');
            }
            Piece::TaskBox { id, .. } => {
                if label_open {
                    out.push_str("</label>");
                }
                // Ticks are kept by the step's id from its words, so they
                // stay on their step when the run book is edited.
                out.push_str("<label><input type=\"checkbox\" class=\"task-box\" data-step-id=\"");
                out.push_str(id);
                out.push_str("\"> ");
                label_open = true;
            }
            Piece::InternalStart | Piece::InternalEnd if label_open => {
                out.push_str("</label>");
                label_open = false;
                out.push_str(internal_html(piece));
            }
            Piece::InternalStart | Piece::InternalEnd => out.push_str(internal_html(piece)),
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
    if label_open {
        out.push_str("</label>");
    }
    out
}

fn internal_html(piece: &Piece<'_>) -> &'static str {
    match piece {
        Piece::InternalStart => {
            "<div class=\"internal\"><p class=\"internal-label\">SOC only: not in client handbooks</p>\n"
        }
        _ => "</div>\n",
    }
}

/// Where `html` (the model's own HTML, whole tags) first leaves phrasing
/// content, the only content a label may hold: the first tag, opening or
/// closing, of an element that is not phrasing (`</li>`, `</p>`, `<ul>`…).
fn phrasing_prefix(html: &str) -> Option<usize> {
    const PHRASING: &[&str] = &[
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i",
        "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "time", "u", "var", "wbr",
    ];
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(rel) = html[from..].find('<') {
        let at = from + rel;
        let start = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'/'));
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = html[start..start + len].to_ascii_lowercase();
        if !PHRASING.contains(&name.as_str()) {
            return Some(at);
        }
        from = start + len;
    }
    None
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
    fn a_label_ends_where_phrasing_content_ends() {
        assert_eq!(
            phrasing_prefix("the <a href=\"x\">box</a> <code>y</code>"),
            None
        );
        assert_eq!(phrasing_prefix(" words.</li>\n<li>"), Some(7));
        assert_eq!(phrasing_prefix("<em>a</em>\n<ul>\n<li>"), Some(11));
        assert_eq!(phrasing_prefix("x</p>\n"), Some(1));
        assert_eq!(phrasing_prefix("<br />x<div>"), Some(7));
    }

    #[test]
    fn an_email_may_wrap_only_after_its_at_sign() {
        let mut html = String::new();
        email_link(&mut html, "a.b@c-d.example.com");
        assert_eq!(
            html,
            "<a href=\"mailto:a.b@c-d.example.com\"><span>a.b@</span><wbr><span>c-d.example.com</span></a>"
        );
        // Not an address in two parts: written as it is.
        for odd in ["postmaster", "@example.com", "a@"] {
            let mut html = String::new();
            email_link(&mut html, odd);
            assert_eq!(html, format!("<a href=\"mailto:{odd}\">{odd}</a>"));
        }
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
        let mut html = String::new();
        contact_card(&mut html, &c);
        assert!(html.contains("href=\"tel:+442079460100\""));
        assert!(html.contains("href=\"mailto:a@example.com\""));
    }
}
