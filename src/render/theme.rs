//! The theme: Tera templates and static assets. The built-in theme is
//! embedded in the binary; a user theme overrides it file by file.
//!
//! Every built-in template is also registered under `BUILTIN_PREFIX`
//! (`default/base.html`), so a theme's own `base.html` can extend the
//! built-in one and replace a single block instead of copying the file
//! (docs/theming.md). A theme's `static/custom.css` is linked on every page
//! after the built-in stylesheets.

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::source::ThemeFiles;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Built-in templates, by name.
pub(crate) const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "runbook.html",
        include_str!("../../themes/default/templates/runbook.html"),
    ),
    (
        "phase.html",
        include_str!("../../themes/default/templates/phase.html"),
    ),
    (
        "phase_index.html",
        include_str!("../../themes/default/templates/phase_index.html"),
    ),
    (
        "glossary.html",
        include_str!("../../themes/default/templates/glossary.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "alerts.html",
        include_str!("../../themes/default/templates/alerts.html"),
    ),
    (
        "attack.html",
        include_str!("../../themes/default/templates/attack.html"),
    ),
    (
        "card.html",
        include_str!("../../themes/default/templates/card.html"),
    ),
    (
        "changes.html",
        include_str!("../../themes/default/templates/changes.html"),
    ),
];

/// A built-in static file as it is published: stylesheets and scripts
/// without their comments and indentation, which are for people reading
/// `themes/default/` and were a tenth of every page's first view (issue 18,
/// item 11: at most 50 KB). A theme's own files are published as written.
fn published(name: &str, bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    if name.ends_with(".css") {
        // No built-in sheet has `/*` inside a string.
        let mut rest = text;
        while let Some(at) = rest.find("/*") {
            out.push_str(&rest[..at]);
            rest = rest[at..]
                .find("*/")
                .map_or("", |end| &rest[at + end + 2..]);
        }
        out.push_str(rest);
        let lines: Vec<&str> = out
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        return (lines.join("\n") + "\n").into_bytes();
    }
    // Only whole-line comments, and only where no string can span lines
    // (no template literal, no line continued with `\`).
    if name.ends_with(".js") && !text.contains('`') && !text.lines().any(|l| l.ends_with('\\')) {
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with("//") {
                out.push_str(line);
                out.push('\n');
            }
        }
        return out.into_bytes();
    }
    bytes.to_vec()
}

/// Built-in static files, by path under `assets/`.
pub(crate) const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "print.css",
        include_bytes!("../../themes/default/static/print.css"),
    ),
    (
        "runbook.js",
        include_bytes!("../../themes/default/static/runbook.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "layout.js",
        include_bytes!("../../themes/default/static/layout.js"),
    ),
    (
        "side-nav.js",
        include_bytes!("../../themes/default/static/side-nav.js"),
    ),
    (
        "search-engine.js",
        include_bytes!("../../themes/default/static/search-engine.js"),
    ),
    (
        "search.css",
        include_bytes!("../../themes/default/static/search.css"),
    ),
    (
        "lookup.js",
        include_bytes!("../../themes/default/static/lookup.js"),
    ),
    (
        "card.css",
        include_bytes!("../../themes/default/static/card.css"),
    ),
];

/// The name prefix under which the built-in templates can always be
/// reached, whatever a theme overrides: `{% extends "default/base.html" %}`.
pub(crate) const BUILTIN_PREFIX: &str = "default/";

/// The optional stylesheet of a theme, linked after the built-in ones.
pub(crate) const CUSTOM_CSS: &str = "custom.css";

/// Compiled templates and the assets every edition gets.
pub struct Theme {
    /// Compiled templates.
    pub tera: tera::Tera,
    /// Static files by path under `assets/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Whether the theme has a `static/custom.css` that pages link.
    pub custom_css: bool,
    origins: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// Compiles the built-in theme with `overrides` on top. Template syntax
    /// errors become diagnostics naming the template file and line.
    pub fn load(overrides: &ThemeFiles) -> Result<Theme, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut sources: BTreeMap<String, String> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut origins: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (name, text) in &overrides.templates {
            if let Some(builtin) = name.strip_prefix(BUILTIN_PREFIX) {
                // The built-in templates must stay reachable under this
                // name, or an override that extends one would extend itself.
                let message = format!(
                    "a theme template cannot be named `{name}`: \
                     `{BUILTIN_PREFIX}` names the built-in templates"
                );
                let hint = format!(
                    "move it to `templates/{builtin}` to replace the built-in template, \
                     or extend the built-in one from there with {{% extends \"{name}\" %}}"
                );
                diags.push(
                    Diagnostic::new(Code::ThemeError, Span::file(text.path.clone()), message)
                        .hint(hint),
                );
                continue;
            }
            sources.insert(name.clone(), text.text.clone());
            origins.insert(name.clone(), text.path.clone());
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        // Only a theme with templates of its own can extend the built-in
        // ones; without, compiling them twice would only cost time.
        if !overrides.templates.is_empty() {
            for (name, text) in BUILTIN_TEMPLATES {
                sources.insert(format!("{BUILTIN_PREFIX}{name}"), text.to_string());
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        tera.set_escape_fn(escape_runs);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diags.push(template_diagnostic(&e, "base.html", &origins));
            return Err(diags);
        }
        let mut statics: BTreeMap<String, Vec<u8>> = BUILTIN_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), published(n, b)))
            .collect();
        for (name, bytes) in &overrides.statics {
            statics.insert(name.clone(), bytes.clone());
        }
        Ok(Theme {
            tera,
            custom_css: statics.contains_key(CUSTOM_CSS),
            statics,
            origins,
        })
    }

    /// Turns a rendering error into a diagnostic naming the template.
    pub fn error(&self, e: &tera::Error, template: &str) -> Diagnostic {
        template_diagnostic(e, template, &self.origins)
    }
}

fn template_diagnostic(
    e: &tera::Error,
    fallback: &str,
    origins: &BTreeMap<String, PathBuf>,
) -> Diagnostic {
    let (name, line, column, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() {
                fallback.to_string()
            } else {
                r.filename().to_string()
            };
            (
                name,
                r.span().start_line,
                r.span().start_col + 1,
                r.message().to_string(),
            )
        }
        other => (fallback.to_string(), 0, 0, first_line(&other.to_string())),
    };
    let builtin = name.strip_prefix(BUILTIN_PREFIX).unwrap_or(&name);
    let file = origins
        .get(&name)
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("(built-in theme)/templates/{builtin}")));
    let span = if line > 0 {
        Span::at(file, line, column, 1)
    } else {
        Span::file(file)
    };
    Diagnostic::new(Code::ThemeError, span, format!("template error: {message}")).hint(
        "fix the template in your theme folder, or delete it to fall back to the built-in one",
    )
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// Tera's HTML escaping, writing the runs between special characters whole
/// (its default writes byte by byte through `dyn Write`, a tenth of a
/// build's instructions). Same five characters, same entities.
fn escape_runs(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[from..i])?;
        out.write_all(entity)?;
        from = i + 1;
    }
    out.write_all(&bytes[from..])
}

#[cfg(test)]
mod tests {
    use super::escape_runs;

    #[test]
    fn escaping_matches_teras_own() {
        for s in [
            "",
            "plain",
            "<a href=\"x\">&'</a>",
            "&&&",
            "café <b>",
            "ends with '",
            "\"",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_runs(s, &mut ours).unwrap();
            tera::escape_html(s, &mut teras).unwrap();
            assert_eq!(ours, teras, "{s:?}");
        }
    }
}
