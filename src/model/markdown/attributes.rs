//! Heading attributes, and text that looks like a misspelt SOC-only mark.
//!
//! Heading attributes have one use in runbook, `{.internal}`; anything else
//! that could be a writer's attempt at it (`{.intern}`, `{#internal}`, an
//! attribute block left in the text) is an error, never a silent publish.

use pulldown_cmark::CowStr;

/// What is wrong with a heading's attributes, if anything: a class or
/// attribute runbook does not know, an id that reads `internal`, or an
/// attribute block pulldown-cmark left in the heading's text. Each may be a
/// misspelt SOC-only mark, and the section would then be published.
pub(super) fn attribute_problem(
    id: Option<&str>,
    classes: &[CowStr<'_>],
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
    text: &str,
) -> Option<String> {
    if let Some(c) = classes.iter().find(|c| !is_internal_class(c)) {
        return Some(format!(
            "`{{.{c}}}` is not a heading attribute runbook knows"
        ));
    }
    if let Some((key, value)) = attrs.first() {
        let written = match value {
            Some(v) => format!("{key}={v}"),
            None => key.to_string(),
        };
        return Some(format!(
            "`{{{written}}}` is not a heading attribute runbook knows"
        ));
    }
    if let Some(id) = id.filter(|id| is_internal_class(id)) {
        return Some(format!(
            "`{{#{id}}}` sets the heading's id; it does not make the section SOC-only"
        ));
    }
    stray_attribute(text, true)
        .map(|block| format!("`{block}` is in the heading's text, not read as an attribute"))
}

pub(super) const ATTRIBUTE_HINT: &str = "to make the section SOC-only, end the heading line with a space and `{.internal}` (`### Analyst notes {.internal}`); runbook knows no other heading classes or attributes, only `{#id}`";

/// How far [`stray_attribute`] looks for the end of a group, in characters.
const ATTRIBUTE_LOOKAHEAD: usize = 64;

/// A `{…}` group in text that looks like a heading attribute: it starts
/// with `.`, `#` or `:` (`strict`, for heading text), or mentions `intern`
/// in any case; or an `[internal]`, or `(internal)` (`strict`).
/// Placeholders (`{{ … }}`) are not.
pub(super) fn stray_attribute(text: &str, strict: bool) -> Option<&str> {
    let bytes = text.as_bytes();
    for (at, open) in text.char_indices() {
        let close = match open {
            '{' => '}',
            '(' if strict => ')',
            '[' => ']',
            _ => continue,
        };
        if open == '{' && (bytes.get(at + 1) == Some(&b'{') || (at > 0 && bytes[at - 1] == b'{')) {
            continue;
        }
        // An attribute is short: looking a bounded way ahead keeps text
        // with many unclosed brackets linear.
        let rest = &text[at + 1..];
        let end = rest
            .char_indices()
            .take(ATTRIBUTE_LOOKAHEAD)
            .find(|&(_, c)| c == close)
            .map_or_else(
                || {
                    rest.char_indices()
                        .nth(ATTRIBUTE_LOOKAHEAD)
                        .map_or(rest.len(), |(i, _)| i)
                },
                |(i, _)| i,
            );
        let inner = &rest[..end];
        let lower = inner.trim().to_lowercase();
        let found = if open == '{' {
            let bare = inner.trim_start().trim_start_matches(':').trim_start();
            (strict && (bare.starts_with('.') || bare.starts_with('#'))) || lower.contains("intern")
        } else {
            lower.trim_start_matches('.') == "internal"
        };
        if found {
            let stop = (at + 1 + end + close.len_utf8()).min(text.len());
            return text.get(at..stop);
        }
    }
    None
}

/// True for the class that marks a SOC-only section, in any ASCII case.
pub(super) fn is_internal_class(class: &str) -> bool {
    class.eq_ignore_ascii_case("internal")
}
