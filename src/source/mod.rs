//! Reading the source folder: files become raw structs with spans.
//!
//! This stage knows YAML and Markdown *syntax* (where front matter ends, what
//! the YAML says) and nothing of meaning. Walks are sorted so that every run
//! sees files in the same order and output is deterministic.

pub(crate) mod files;
pub(crate) mod raw;
pub(crate) mod theme;
pub(crate) mod yaml;

use crate::diag::{Code, Diagnostic, Diagnostics, SourceText, Span};
use raw::{RawClient, RawFrontMatter, RawGlossary, RawHandbook};
use std::path::{Path, PathBuf};

pub use theme::ThemeFiles;

/// A parsed YAML file with its text.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The file name without extension (a client's slug).
    pub slug: String,
    /// The file's text, for quoting lines in diagnostics.
    pub source: SourceText,
    /// What it says.
    pub raw: T,
}

/// A client file, with its logo's bytes when it names one that exists.
#[derive(Debug)]
pub struct RawClientFile {
    /// The parsed file.
    pub file: Loaded<RawClient>,
    /// `(file name, bytes)` of the logo.
    pub logo: Option<(String, Vec<u8>)>,
    /// Why the logo was not read, when it is there but was refused or
    /// could not be read (a link out of the source folder, a FIFO…).
    pub logo_error: Option<Diagnostic>,
}

/// A run book file split into front matter and body.
#[derive(Debug)]
pub struct RawRunbook {
    /// The file name without `.md`.
    pub slug: String,
    /// The whole file.
    pub source: SourceText,
    /// The parsed front matter.
    pub front: RawFrontMatter,
    /// Lines before the YAML text starts (the opening `---`).
    pub front_line_offset: usize,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// Everything read from one source folder.
#[derive(Debug, Default)]
pub struct Sources {
    /// The source folder.
    pub root: PathBuf,
    /// `handbook.yaml`, when it parsed.
    pub handbook: Option<Loaded<RawHandbook>>,
    /// `glossary.yaml`, when present and parsed.
    pub glossary: Option<Loaded<RawGlossary>>,
    /// `clients/*.yaml` that parsed, by slug.
    pub clients: Vec<RawClientFile>,
    /// `*.md` run books that parsed, by slug.
    pub runbooks: Vec<RawRunbook>,
    /// Theme files from the theme folder, when `theme` names one.
    pub theme: ThemeFiles,
}

/// Reads the source folder. Problems are collected, never fatal: a file that
/// fails to load is left out and reported.
pub fn load(root: &Path) -> (Sources, Diagnostics) {
    let (mut sources, mut diags) = load_settings(root);
    if root.is_dir() {
        for path in runbook_files(root) {
            if let Some(runbook) = load_runbook(root, &path, &mut diags) {
                sources.runbooks.push(runbook);
            }
        }
    }
    (sources, diags)
}

/// Reads everything but the run books: `handbook.yaml`, `glossary.yaml`,
/// client files with their logos, and the theme. `serve` uses this with its
/// own cache of parsed run books; [`load`] adds the run books.
pub(crate) fn load_settings(root: &Path) -> (Sources, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut sources = Sources {
        root: root.to_path_buf(),
        ..Sources::default()
    };
    if !root.is_dir() {
        diags.push(
            Diagnostic::new(Code::MissingHandbook, Span::file(root), format!("source folder `{}` does not exist", root.display()))
                .hint("pass the folder that holds handbook.yaml with --source, or create one with `runbook new DIR`"),
        );
        return (sources, diags);
    }
    // Listing problems of the source folder itself (a run book that is a
    // dangling link, say) are reported here, so that `serve`, which lists
    // run books on its own, reports them too.
    list_runbooks(root, &mut diags);
    let handbook_path = root.join("handbook.yaml");
    if files::present(&handbook_path) {
        sources.handbook = load_yaml(root, &handbook_path, &mut diags);
    } else {
        diags.push(
            Diagnostic::new(Code::MissingHandbook, Span::file(rel(root, &handbook_path)), "the source folder has no handbook.yaml")
                .hint("create handbook.yaml with at least `title:` and `provider:`, or run `runbook new DIR` for a starting point"),
        );
    }
    let glossary_path = root.join("glossary.yaml");
    if files::present(&glossary_path) {
        sources.glossary = load_optional_yaml(root, &glossary_path, &mut diags);
    }
    let clients = root.join("clients");
    // Like run books, `_draft.yaml` or `.hidden.yaml` beside the client files
    // is not a client.
    let wanted = |p: &Path| {
        has_extension(p, &["yaml", "yml"]) && file_name_is(p, |n| !n.starts_with(['_', '.']))
    };
    let client_files = files::list(
        &clients,
        root,
        SOURCE_ROOT,
        root,
        files::Depth::Flat,
        &wanted,
        &mut diags,
    );
    for path in client_files {
        if let Some(file) = load_yaml::<RawClient>(root, &path, &mut diags) {
            let (logo, logo_error) = read_logo(root, &path, &file);
            sources.clients.push(RawClientFile {
                file,
                logo,
                logo_error,
            });
        }
    }
    if let Some(theme) = sources.handbook.as_ref().and_then(|h| h.raw.theme.as_ref()) {
        let span_line = yaml::position(theme, 0);
        let handbook = sources.handbook.as_ref().map(|h| &h.source);
        sources.theme = theme::load(root, &theme.value, handbook, span_line, &mut diags);
    }
    (sources, diags)
}

/// How messages name the folder that source files must stay in.
const SOURCE_ROOT: &str = "the source folder";

/// The run book files of a source folder: `*.md` directly inside it, links
/// followed, sorted by name, without the files that sit beside run books but
/// are not run books (see [`is_runbook_name`]). Build, check and serve all
/// list run books through this function, so they agree on what is one.
/// Problems listing them are reported by [`load_settings`].
pub(crate) fn runbook_files(root: &Path) -> Vec<PathBuf> {
    list_runbooks(root, &mut Diagnostics::new())
}

fn list_runbooks(root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let wanted = |p: &Path| has_extension(p, &["md"]) && file_name_is(p, is_runbook_name);
    files::list(
        root,
        root,
        SOURCE_ROOT,
        root,
        files::Depth::Flat,
        &wanted,
        diags,
    )
}

/// True when `path` has a UTF-8 file name that `test` accepts.
fn file_name_is(path: &Path, test: impl Fn(&str) -> bool) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(test)
}

/// Documents a source folder commonly holds beside its run books (compared
/// without case, before `.md`).
const NOT_RUNBOOKS: &[&str] = &[
    "readme",
    "license",
    "licence",
    "contributing",
    "changelog",
    "code_of_conduct",
];

/// True when a `.md` file name in the source folder is a run book: not a
/// README, LICENSE (or LICENCE), CONTRIBUTING, CHANGELOG or CODE_OF_CONDUCT file
/// (any case), and not a name starting with `_` (templates, notes) or `.`
/// (hidden files).
pub(crate) fn is_runbook_name(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    !name.starts_with(['_', '.'])
        && !NOT_RUNBOOKS
            .iter()
            .any(|skip| stem.eq_ignore_ascii_case(skip))
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

/// Reads the logo a client file names, from beside it. A name with a path
/// in it is left for the model to refuse. A logo that is there but cannot
/// be read (or is refused) comes back as a diagnostic at the `logo:` line.
fn read_logo(
    root: &Path,
    client: &Path,
    file: &Loaded<RawClient>,
) -> (Option<(String, Vec<u8>)>, Option<Diagnostic>) {
    let Some(logo) = file.raw.logo.as_ref() else {
        return (None, None);
    };
    if logo.value.contains(['/', '\\']) || logo.value.trim().is_empty() {
        return (None, None);
    }
    let path = client.parent().unwrap_or(root).join(&logo.value);
    if !files::present(&path) {
        return (None, None);
    }
    match files::read_inside(root, &path) {
        Ok(bytes) => (Some((logo.value.clone(), bytes)), None),
        Err(refusal) => {
            let d = yaml::YamlText::file(&file.source)
                .diag_for(
                    logo,
                    refusal.code(),
                    format!("logo `{}`: {}", logo.value, refusal.message(SOURCE_ROOT)),
                )
                .hint(refusal.hint(SOURCE_ROOT));
            (None, Some(d))
        }
    }
}

/// The path relative to the source root, for messages.
pub(crate) fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a file as UTF-8 text, reporting unreadable, binary and non-UTF-8
/// files with the place of the first bad byte. Strips a byte-order mark and
/// the private-use characters runbook reserves for its own markers.
pub(crate) fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<SourceText> {
    read_text_in(root, root, SOURCE_ROOT, path, diags)
}

/// [`read_text`] for a file that must stay inside `inside` (named
/// `inside_name` in messages), shown relative to `shown_root`.
pub(crate) fn read_text_in(
    shown_root: &Path,
    inside: &Path,
    inside_name: &str,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<SourceText> {
    let shown = rel(shown_root, path);
    let bytes = match files::read_inside(inside, path) {
        Ok(b) => b,
        Err(refusal) => {
            diags.push(refusal.diagnostic(&shown, inside_name));
            return None;
        }
    };
    decode_text(shown, bytes, diags)
}

/// The checks [`read_text`] makes on a file's bytes once read, apart from
/// the file system, so fuzz targets can feed bytes straight in.
pub(crate) fn decode_text(
    shown: PathBuf,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) -> Option<SourceText> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let good = String::from_utf8_lossy(good);
            let src = SourceText::new(&shown, good.to_string());
            let d = src.diag(
                Code::Unreadable,
                good.len(),
                1,
                "this file is not UTF-8 text",
            );
            diags.push(d.hint(
                "save the file as UTF-8 (most editors offer this under \"Save with encoding\")",
            ));
            return None;
        }
    };
    if let Some(pos) = text.find('\0') {
        let src = SourceText::new(&shown, text.clone());
        diags.push(
            src.diag(
                Code::Unreadable,
                pos,
                1,
                "this file holds binary data (a NUL byte)",
            )
            .hint("run books and settings must be plain text files"),
        );
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        clean.push(match c {
            // A lone CR ends a line for the YAML and Markdown parsers (and
            // editors) but not for line numbers counted by `\n`; as `\n`
            // every stage counts the same lines. Same length, same offsets.
            '\r' if chars.peek() != Some(&'\n') => '\n',
            c if crate::marker::is_reserved(c) => '\u{fffd}',
            c => c,
        });
    }
    Some(SourceText::new(shown, clean))
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

fn slug_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string()
}

fn load_yaml<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let source = read_text(root, path, diags)?;
    yaml_from_text(slug_of(path), source, diags)
}

/// Parses a required YAML file's text once read (the part of [`load_yaml`]
/// that needs no file system, for fuzz targets).
pub(crate) fn yaml_from_text<T: serde::de::DeserializeOwned>(
    slug: String,
    source: SourceText,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    if is_blank(&source.text) {
        diags.push(
            Diagnostic::new(
                Code::Unreadable,
                Span::file(&source.path),
                "this file is empty",
            )
            .hint("fill it in, or delete it"),
        );
        return None;
    }
    match yaml::parse::<T>(&source, &source.text, 0) {
        Ok(raw) => Some(Loaded { slug, source, raw }),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Like [`load_yaml`], but an empty file means "nothing defined".
fn load_optional_yaml<T: serde::de::DeserializeOwned + Default>(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let source = read_text(root, path, diags)?;
    optional_yaml_from_text(slug_of(path), source, diags)
}

/// Like [`yaml_from_text`], but blank text means "nothing defined".
pub(crate) fn optional_yaml_from_text<T: serde::de::DeserializeOwned + Default>(
    slug: String,
    source: SourceText,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    if is_blank(&source.text) {
        return Some(Loaded {
            slug,
            source,
            raw: T::default(),
        });
    }
    match yaml::parse::<T>(&source, &source.text, 0) {
        Ok(raw) => Some(Loaded { slug, source, raw }),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Reads one run book file: front matter and the offset of its body.
pub fn load_runbook(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<RawRunbook> {
    let source = read_text(root, path, diags)?;
    runbook_from_text(slug_of(path), source, diags)
}

/// Splits and parses a run book's text once read (the part of
/// [`load_runbook`] that needs no file system, for fuzz targets).
pub(crate) fn runbook_from_text(
    slug: String,
    source: SourceText,
    diags: &mut Diagnostics,
) -> Option<RawRunbook> {
    if source.text.trim().is_empty() {
        diags.push(
            Diagnostic::new(Code::Unreadable, Span::file(&source.path), "this run book is empty")
                .hint("start it with a front matter block (`---`, `title:`, `summary:`, `---`) and the six phase headings"),
        );
        return None;
    }
    let Some((yaml_range, body_start)) = split_front_matter(&source.text) else {
        let d = source
            .diag_at(Code::NoFrontMatter, 1, 1, 3, "this run book does not start with a front matter block")
            .hint("put `---` on the first line, then `title:` and `summary:`, then `---` on a line of its own");
        diags.push(d);
        return None;
    };
    if let Err(line) = yaml_range.as_ref().map_err(|l| *l) {
        let d = source
            .diag_at(
                Code::NoFrontMatter,
                line,
                1,
                3,
                "the front matter block is never closed",
            )
            .hint("end the front matter with `---` on a line of its own");
        diags.push(d);
        return None;
    }
    let yaml_range = yaml_range.ok()?;
    let yaml_text = &source.text[yaml_range];
    if yaml_text.trim().is_empty() {
        let d = source
            .diag_at(Code::MissingKey, 1, 1, 3, "the front matter block is empty")
            .hint("add `title:` and `summary:` between the `---` lines");
        diags.push(d);
        return None;
    }
    match yaml::parse::<RawFrontMatter>(&source, yaml_text, 1) {
        Ok(front) => Some(RawRunbook {
            slug,
            source,
            front,
            front_line_offset: 1,
            body_start,
        }),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Finds the front matter: `Some((Ok(yaml byte range), body start))`, or
/// `Some((Err(line), _))` when the block is not closed, or `None` when the
/// text does not start with `---`.
#[allow(clippy::type_complexity)]
pub(crate) fn split_front_matter(
    text: &str,
) -> Option<(Result<std::ops::Range<usize>, usize>, usize)> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut offset = first_end;
    let mut line: usize = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map(|i| offset + i + 1)
            .unwrap_or(text.len());
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            return Some((Ok(first_end..offset), end));
        }
        offset = end;
        line += 1;
    }
    Some((Err(line.saturating_sub(1).max(1)), text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_runbooks_are_runbook_files() {
        for name in [
            "phishing.md",
            "readme-checks.md",
            "my_notes.md",
            "licensing.md",
        ] {
            assert!(is_runbook_name(name), "{name}");
        }
        for name in [
            "README.md",
            "readme.md",
            "License.md",
            "LICENCE.md",
            "CONTRIBUTING.md",
            "CHANGELOG.md",
            "_template.md",
            "_drafts.md",
            ".hidden.md",
        ] {
            assert!(!is_runbook_name(name), "{name}");
        }
    }

    #[test]
    fn splits_front_matter() {
        let t = "---\ntitle: x\n---\nbody\n";
        let (r, b) = split_front_matter(t).unwrap();
        assert_eq!(&t[r.unwrap()], "title: x\n");
        assert_eq!(&t[b..], "body\n");
        assert!(split_front_matter("no\n").is_none());
        assert!(split_front_matter("---\ntitle: x\n").unwrap().0.is_err());
        let crlf = "---\r\ntitle: x\r\n---\r\nbody";
        assert_eq!(&crlf[split_front_matter(crlf).unwrap().1..], "body");
    }
}
