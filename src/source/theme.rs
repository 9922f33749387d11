//! Reading a user theme folder. A theme overrides the built-in one file by
//! file: `templates/<name>.html` replaces the built-in template of that name,
//! `static/<path>` replaces or adds an asset.

use crate::diag::{Code, Diagnostic, Diagnostics, SourceText, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of a user theme.
#[derive(Debug, Default, Clone)]
pub struct ThemeFiles {
    /// The theme folder, when one was found.
    pub dir: Option<PathBuf>,
    /// Template overrides by file name (e.g. `phase.html`).
    pub templates: BTreeMap<String, SourceText>,
    /// Static files by path relative to `static/` (with `/` separators).
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// Where a theme named `name` may live: `<source>/themes/<name>` first, then
/// `<source>/../themes/<name>` (a project folder holding `runbooks/` and
/// `themes/` side by side, as `runbook new` creates).
pub(crate) fn candidates(root: &Path, name: &str) -> Vec<PathBuf> {
    let mut out = vec![root.join("themes").join(name)];
    if let Some(parent) = root.parent() {
        out.push(parent.join("themes").join(name));
    }
    out
}

/// Loads the theme `name`, reporting a missing folder at the `theme:` line.
pub(crate) fn load(
    root: &Path,
    name: &str,
    handbook: Option<&SourceText>,
    at: (usize, usize),
    diags: &mut Diagnostics,
) -> ThemeFiles {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let found = if valid {
        candidates(root, name).into_iter().find(|p| p.is_dir())
    } else {
        None
    };
    let Some(dir) = found else {
        let message = format!("theme `{name}` was not found");
        let hint = format!("create `themes/{name}/templates/` beside the source folder, or remove `theme:` to use the built-in theme");
        let d = match handbook {
            Some(src) => src.diag_at(Code::ThemeError, at.0, at.1, name.chars().count(), message),
            None => Diagnostic::new(Code::ThemeError, Span::file("handbook.yaml"), message),
        };
        diags.push(d.hint(hint));
        return ThemeFiles::default();
    };
    let mut theme = ThemeFiles {
        dir: Some(dir.clone()),
        ..ThemeFiles::default()
    };
    let shown_root = root.parent().unwrap_or(root);
    // Theme files must stay inside the `themes/` folder that holds the
    // theme, so a theme folder that is itself a link elsewhere (or a file
    // linked out of it) publishes nothing from outside.
    let confine = dir.parent().unwrap_or(&dir).to_path_buf();
    let templates = dir.join("templates");
    for entry in list_theme_folder(&templates, &confine, shown_root, diags) {
        let name = relative_name(&templates, &entry);
        if let Some(text) = super::read_text_in(shown_root, &confine, THEME_ROOT, &entry, diags) {
            theme.templates.insert(name, text);
        }
    }
    let statics = dir.join("static");
    for entry in list_theme_folder(&statics, &confine, shown_root, diags) {
        let name = relative_name(&statics, &entry);
        match super::files::read_inside(&confine, &entry) {
            Ok(bytes) => {
                theme.statics.insert(name, bytes);
            }
            Err(refusal) => {
                diags.push(refusal.diagnostic(&super::rel(shown_root, &entry), THEME_ROOT));
            }
        }
    }
    theme
}

/// How messages name the folder that theme files must stay in.
const THEME_ROOT: &str = "the themes folder";

/// Every file under `folder` (a theme's `templates/` or `static/`), at any
/// depth, keeping only those that stay inside `confine`.
fn list_theme_folder(
    folder: &Path,
    confine: &Path,
    shown_root: &Path,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    super::files::list(
        folder,
        confine,
        THEME_ROOT,
        shown_root,
        super::files::Depth::Deep,
        &|_: &Path| true,
        diags,
    )
}

fn relative_name(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
