//! Themes that restyle the built-in one without copying it: a template that
//! extends `default/<name>` and replaces one block, and a `custom.css`
//! linked after the built-in stylesheets (docs/theming.md).

use crate::{build, copy_dir, fixture, read_tree, root, runbook};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The `themed` fixture's sources copied without their `theme:` line.
fn unthemed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("themed"), &src);
    let handbook = src.join("handbook.yaml");
    let text = std::fs::read_to_string(&handbook).unwrap();
    std::fs::write(&handbook, text.replace("theme: acme\n", "")).unwrap();
    (dir, src)
}

/// A copy of `fixture` using a theme `mine` made of `files` (paths under
/// the theme folder).
fn with_theme(fixture_name: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture(fixture_name), &src);
    let handbook = src.join("handbook.yaml");
    let text = std::fs::read_to_string(&handbook).unwrap();
    std::fs::write(&handbook, format!("{text}theme: mine\n")).unwrap();
    for (path, text) in files {
        let path = dir.path().join("themes/mine").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, src)
}

const FOOTER: &str = "<footer class=\"site-footer\">\n<p>Acme SOC · call us any time on +1 555 0100</p>\n</footer>\n";

/// What a built-in page becomes under the `acme` theme: its footer
/// replaced, and `custom.css` linked after the built-in stylesheets with
/// the client's `edition.css` last. The 404 page links none (its styles
/// are inline, custom.css included).
fn expected_under_acme(page: &str, custom: &str) -> String {
    let start = page.find("<footer class=\"site-footer\">").unwrap();
    let end = start + page[start..].find("</footer>\n").unwrap() + "</footer>\n".len();
    let page = format!("{}{FOOTER}{}", &page[..start], &page[end..]);
    let Some(at) = page.find("assets/edition.css\">") else {
        let css = page.find("</style>").unwrap();
        return format!(
            "{}{custom}\n{}",
            &page[..css - edition_css_len(&page)],
            &page[css - edition_css_len(&page)..]
        );
    };
    let href = page[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let root = &page[href..at];
    let link = |name: &str| format!("<link rel=\"stylesheet\" href=\"{root}assets/{name}\">\n");
    let built_in = link("edition.css");
    assert_eq!(page.matches(&built_in).count(), 1, "{page}");
    page.replace(
        &built_in,
        &format!("{}{}", link("custom.css"), link("edition.css")),
    )
}

/// The length of the edition's colours at the end of the 404 page's
/// inline styles (they come after the theme's custom.css).
fn edition_css_len(page: &str) -> usize {
    let css = &page[..page.find("</style>").unwrap()];
    let start = css
        .rfind("/* no brand colour")
        .or_else(|| css.rfind(":root { --brand:"))
        .unwrap();
    css.len() - start
}

#[test]
fn a_five_line_theme_replaces_the_footer_and_adds_custom_css() {
    let (_t, out) = build(&fixture("themed"));
    let (_d, plain_src) = unthemed();
    let (_u, plain) = build(&plain_src);
    let themed = read_tree(&out);
    let plain = read_tree(&plain);
    let custom =
        std::fs::read(root().join("tests/fixtures/themed/themes/acme/static/custom.css")).unwrap();
    let mut pages = 0;
    for (path, bytes) in &plain {
        let got = themed
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing"));
        if path.ends_with(".html") {
            // Every page (home, run book, phase, print, glossary, search,
            // 404) is the built-in one but for the footer and the link.
            let page = String::from_utf8(bytes.clone()).unwrap();
            assert!(!page.contains("custom.css"), "{path}: no theme, no link");
            assert_eq!(
                String::from_utf8(got.clone()).unwrap(),
                expected_under_acme(&page, &String::from_utf8_lossy(&custom)),
                "{path}"
            );
            pages += 1;
        } else {
            assert_eq!(got, bytes, "{path}: assets are the built-in ones");
        }
    }
    assert!(pages > 30, "{pages} pages compared");
    for edition in ["acme", "brand", "soc"] {
        assert_eq!(
            themed.get(&format!("{edition}/assets/custom.css")),
            Some(&custom),
            "{edition}: custom.css copied as it is"
        );
        assert!(!plain.contains_key(&format!("{edition}/assets/custom.css")));
    }
    assert_eq!(
        themed.len(),
        plain.len() + 3,
        "custom.css is the only new file"
    );
}

#[test]
fn a_theme_can_replace_a_block_of_a_page_template_and_keep_the_rest() {
    let (_t, src) = with_theme(
        "minimal",
        &[(
            "templates/home.html",
            "{% extends \"default/home.html\" %}\n{% block contacts %}<p id=\"mine\">Call the desk.</p>\n{{ super() }}{% endblock contacts %}\n",
        )],
    );
    let (_o, out) = build(&src);
    // The plain build from a copy too: outside git, both footers say
    // "unversioned" (a fixture inside this repository names its commit).
    let plain_dir = tempfile::tempdir().unwrap();
    let plain_src = plain_dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &plain_src);
    let (_p, plain) = build(&plain_src);
    let home = crate::page(&out, "acme/index.html");
    let before = crate::page(&plain, "acme/index.html");
    assert_eq!(
        home,
        before.replace(
            "<section class=\"contacts\"",
            "<p id=\"mine\">Call the desk.</p>\n<section class=\"contacts\""
        ),
        "super() keeps the built-in block after the new paragraph"
    );
    assert!(!home.contains("custom.css"), "no custom.css, no link");
}

#[test]
fn theme_templates_cannot_take_the_built_in_names_or_extend_themselves() {
    for (file, text, says) in [
        (
            "templates/default/base.html",
            "<html></html>",
            "names the built-in templates",
        ),
        (
            "templates/base.html",
            "{% extends \"base.html\" %}{% block footer %}x{% endblock footer %}",
            "template error",
        ),
    ] {
        let (_t, src) = with_theme("minimal", &[(file, text)]);
        let run = runbook()
            .arg("check")
            .arg("--source")
            .arg(&src)
            .arg("--format")
            .arg("json")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{file}");
        let stdout = String::from_utf8(run.stdout).unwrap();
        assert!(
            stdout.contains("RB050") && stdout.contains(says),
            "{file}: {stdout}"
        );
        assert!(!String::from_utf8_lossy(&run.stderr).contains("panicked"));
    }
}

/// `docs/theming.md`: for each template (a `` ### `name` `` heading), its
/// blocks and the variables it gets: the backticked names in its paragraphs
/// that start with `Blocks:` and `Variables:` (a block is a bare name, a
/// variable a name or `name.field`; values are written in quotes and
/// templates named there without backticks, so they are not names).
fn documented() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let doc = std::fs::read_to_string(root().join("docs/theming.md")).unwrap();
    let mut out: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for paragraph in doc.split("\n\n") {
        let text = paragraph.replace('\n', " ");
        if let Some(name) = text.strip_prefix("### `").and_then(|l| l.strip_suffix('`')) {
            current = Some(name.to_string());
            out.entry(name.to_string()).or_default();
            continue;
        }
        let Some(name) = &current else { continue };
        let is_name = |s: &&str| {
            !s.ends_with(".css")
                && !s.is_empty()
                && s.split('.').count() <= 2
                && s.split('.').all(|part| {
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
        };
        let names = || -> Vec<String> {
            text.split('`')
                .skip(1)
                .step_by(2)
                .filter(is_name)
                .map(str::to_string)
                .collect()
        };
        let entry = out.get_mut(name).unwrap();
        if text.starts_with("Blocks:") {
            entry
                .0
                .extend(names().into_iter().filter(|n| !n.contains('.')));
        } else if text.starts_with("Variables:") {
            entry.1.extend(names());
        }
    }
    out
}

/// The blocks a built-in template defines, in the order written.
fn blocks(text: &str) -> Vec<String> {
    text.split("{% block ")
        .skip(1)
        .map(|rest| rest.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn theming_doc_lists_every_template_and_block() {
    let doc = documented();
    let dir = root().join("themes/default/templates");
    let mut templates = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let (listed, _) = doc
            .get(&name)
            .unwrap_or_else(|| panic!("docs/theming.md has no `### `{name}`` section"));
        let defined: BTreeSet<String> = blocks(&text)
            .into_iter()
            // A page template's `content` is base.html's block.
            .filter(|b| name == "base.html" || b != "content")
            .collect();
        assert_eq!(&defined, listed, "blocks of {name} in docs/theming.md");
        templates.insert(name);
    }
    assert_eq!(
        doc.keys().cloned().collect::<BTreeSet<_>>(),
        templates,
        "docs/theming.md lists exactly the built-in templates"
    );
}

/// Every template replaced by one that writes the names of the variables
/// it gets (and one level of the fields of each map among them).
fn dumping_theme() -> Vec<(String, String)> {
    const DUMP: &str = "{% for k, v in __tera_context %}{{ k }}\n{% if v is map %}{% for f, x in v %}{{ k }}.{{ f }}\n{% endfor %}{% endif %}{% endfor %}";
    std::fs::read_dir(root().join("themes/default/templates"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            // The built-in page templates (`default/home.html`…) still
            // extend base.html, so it keeps their one block.
            let keep = if name == "base.html" {
                "{% block content %}{% endblock content %}"
            } else {
                ""
            };
            (format!("templates/{name}"), format!("{DUMP}{keep}"))
        })
        .collect()
}

#[test]
fn theming_doc_lists_the_variables_each_template_gets() {
    let files = dumping_theme();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (_t, src) = with_theme("layers", &files);
    let (_o, out) = build(&src);
    let doc = documented();
    let common = &doc["base.html"].1;
    let e = out.join("alpha");
    for (page, template) in [
        ("index.html", "home.html"),
        ("incident/index.html", "runbook.html"),
        ("incident/containment/index.html", "phase.html"),
        ("incident/print/index.html", "print.html"),
        ("print/index.html", "print.html"),
        ("phases/containment/index.html", "phase_index.html"),
        ("glossary/index.html", "glossary.html"),
        ("search/index.html", "search.html"),
        ("404.html", "404.html"),
        ("card/index.html", "card.html"),
    ] {
        let got: BTreeSet<String> = crate::page(&e, page).lines().map(str::to_string).collect();
        let own = &doc[template].1;
        let listed = |k: &String| common.contains(k) || own.contains(k);
        // `rb` is described once (runbook.html); a template that lists
        // `rb` gets the fields listed there.
        let elsewhere = |k: &String| {
            k.split_once('.').is_some_and(|(map, _)| {
                own.contains(map) && doc.values().any(|(_, vars)| vars.contains(k))
            })
        };
        let missing: Vec<&String> = got.iter().filter(|k| !listed(k) && !elsewhere(k)).collect();
        assert!(
            missing.is_empty(),
            "{page}: {template} gets {missing:?}, not in docs/theming.md"
        );
        let stale: Vec<&String> = common.union(own).filter(|k| !got.contains(*k)).collect();
        assert!(
            stale.is_empty(),
            "{page}: docs/theming.md lists {stale:?} for {template}, which it does not get"
        );
    }
}
