//! The preview's own pages: the edition picker at `/`, the page shown
//! while no build has succeeded yet, and "not found" for an edition without
//! a 404 page of its own. They are not part of any edition, so they carry
//! their own small inline style instead of the theme's.

use crate::serve::live::Problem;
use crate::serve::site::Generation;

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The built-in pages' own small stylesheet, inline so a page needs
/// nothing else from the server.
const PAGE_STYLE: &str = "body{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}a{color:#0b4fa8}li{margin:.6rem 0}.draft{display:inline-block;padding:0 .4rem;border:1px solid #8a4b00;border-radius:3px;color:#8a4b00;font-size:.9rem}@media (prefers-color-scheme:dark){body{color:#eee;background:#15171b}a{color:#8ab4ff}.draft{color:#ffbd66;border-color:#ffbd66}}";

/// A whole built-in page around `body`.
fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

/// The page at `/`: every edition, with its draft run books marked.
pub(super) fn picker(g: &Generation) -> String {
    let title = format!("{}: editions (preview)", g.model.handbook.title);
    let mut body = format!(
        "<h1>{}</h1>\n<p>A live preview by <code>runbook serve</code>. Pick an edition; pages update when you save a source file.</p>\n<ul data-editions>\n",
        esc(&g.model.handbook.title)
    );
    for e in &g.picker {
        body.push_str(&format!(
            "<li data-edition=\"{slug}\"><a href=\"/{slug}/index.html\">{name}</a> ({slug}, {n} run book{s})",
            slug = esc(&e.slug),
            name = esc(&e.name),
            n = e.runbooks,
            s = if e.runbooks == 1 { "" } else { "s" },
        ));
        if !e.drafts.is_empty() {
            body.push_str("\n<ul>\n");
            for (slug, title) in &e.drafts {
                body.push_str(&format!(
                    "<li data-draft=\"{s}\"><a href=\"/{ed}/{s}/index.html\">{t}</a> <span class=\"draft\">draft</span></li>\n",
                    s = esc(slug),
                    ed = esc(&e.slug),
                    t = esc(title)
                ));
            }
            body.push_str("</ul>\n");
        }
        body.push_str("</li>\n");
    }
    body.push_str(
        "</ul>\n<p>Drafts are shown here only; <code>runbook build</code> leaves them out.</p>\n",
    );
    shell(&title, &body)
}

/// The page for a path no edition has.
pub(super) fn not_found() -> String {
    shell(
        "Page not found",
        "<h1>Page not found</h1>\n<p>There is no such page in this preview. <a href=\"/\">See every edition</a>.</p>\n",
    )
}

/// The page that lists problems: shown (503) while no build has succeeded
/// yet, and (500) for a page its template fails on.
pub(super) fn does_not_build(errors: &[Problem]) -> String {
    let mut body = String::from("<h1>The handbook does not build yet</h1>\n<p>Fix these problems and save; this page updates by itself.</p>\n<ul>\n");
    for p in errors {
        body.push_str(&format!(
            "<li><code>{}:{}:{}</code> {} {}</li>\n",
            esc(&p.file),
            p.line,
            p.column,
            esc(p.code),
            esc(&p.message)
        ));
    }
    body.push_str("</ul>\n");
    shell("The handbook does not build yet", &body)
}
