//! Who does a thing and who set it, in the reader's words: the same words
//! on badges (render) and in search results (search), which is why they
//! live here, below both, and depend only on the reader (SOC edition or a
//! client's).

use crate::model::responsibility::{Layer, Party};
use std::borrow::Cow;

/// Who a party is, in the reader's words.
pub(crate) fn party_words(party: Party, soc_edition: bool) -> &'static str {
    match (party, soc_edition) {
        (Party::Soc, _) => "Our SOC team",
        (Party::Client, false) => "Your team",
        (Party::Client, true) => "The client",
        (Party::Shared, _) => "Together",
    }
}

/// "advised by our SOC team".
pub(crate) fn advisor_words(party: Party, soc_edition: bool) -> &'static str {
    match (party, soc_edition) {
        (Party::Soc, _) => "advised by our SOC team",
        (Party::Client, false) => "advised by your team",
        (Party::Client, true) => "advised by the client",
        (Party::Shared, _) => "advised by together",
    }
}

/// Who a party is, in the reader's words, in the middle of a sentence.
pub(crate) fn party_words_lower(party: Party, soc_edition: bool) -> &'static str {
    &advisor_words(party, soc_edition)["advised by ".len()..]
}

/// Which layer set a responsibility, in the reader's words.
pub(crate) fn layer_words(
    layer: Layer,
    plan: Option<&str>,
    soc_edition: bool,
) -> Cow<'static, str> {
    match layer {
        Layer::Default => Cow::Borrowed("Standard practice for every incident"),
        Layer::Handbook => Cow::Borrowed("Set for every client in this handbook"),
        Layer::Plan => match plan {
            Some(p) => Cow::Owned(format!("Set by your service plan ({})", title_case(p))),
            None => Cow::Borrowed("Set by your service plan"),
        },
        Layer::Client => Cow::Borrowed("Agreed with you for every incident"),
        Layer::Runbook if soc_edition => Cow::Borrowed("Set in this run book"),
        Layer::Runbook => Cow::Borrowed("Set for this kind of incident"),
        Layer::Override => Cow::Borrowed("Agreed with you for this kind of incident"),
        Layer::Step => Cow::Borrowed("Set for this step"),
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
