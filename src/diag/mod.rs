//! Diagnostics: problems found in the sources, kept as data.
//!
//! Every stage of the pipeline pushes [`Diagnostic`]s into a [`Diagnostics`]
//! collection instead of printing or failing early, so that one run reports
//! every problem at once. Only the command layer turns them into text (see
//! [`format`]) and chooses an exit code.

pub(crate) mod codes;
pub(crate) mod format;

use std::fmt;
use std::path::{Path, PathBuf};

pub use codes::Code;
pub use format::Format;

/// How serious a problem is: a diagnostic's level (an incident's severity is
/// `model::values::IncidentSeverity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Informational; never fails a run.
    Note,
    /// Fails a run only under `--strict`.
    Warning,
    /// Always fails a run.
    Error,
}

impl Level {
    /// The lowercase word used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a source file. Lines and columns count from 1; columns count
/// characters, not bytes, so they match what an editor shows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file, relative to the source folder where possible.
    pub file: PathBuf,
    /// 1-based line number (0 when the problem concerns the whole file).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// How many characters the problem covers on that line (at least 1).
    pub len: usize,
}

impl Span {
    /// A span covering a whole file (no line known).
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Span {
            file: file.into(),
            line: 0,
            column: 0,
            len: 0,
        }
    }

    /// A span at a line and column.
    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize, len: usize) -> Self {
        Span {
            file: file.into(),
            line,
            column,
            len: len.max(1),
        }
    }
}

/// One problem found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Level,
    /// A stable code such as `RB012`, documented in `docs/diagnostics.md`.
    pub code: Code,
    /// Where it is.
    pub span: Span,
    /// The text of the offending line, when there is one.
    pub source_line: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// Other places that matter (e.g. the client file that lacks a contact).
    pub notes: Vec<String>,
    /// Other places where the same problem occurs, reported once here
    /// (e.g. every other use of an unexplained term); the notes name them too.
    pub related: Vec<Span>,
}

impl Diagnostic {
    /// A new diagnostic with the severity its code carries by default.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.default_severity(),
            code,
            span,
            source_line: None,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a note naming another place that matters.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Attaches the offending line's text.
    pub fn with_line_text(mut self, text: Option<&str>) -> Self {
        self.source_line = text.map(|t| t.trim_end_matches(['\r', '\n']).to_string());
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Level) -> Self {
        self.severity = severity;
        self
    }
}

/// The problems one run found, in a stable order.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Moves every problem of `other` into this collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Level::Error)
    }

    /// True when any problem is a warning.
    pub fn has_warnings(&self) -> bool {
        self.items.iter().any(|d| d.severity == Level::Warning)
    }

    /// How many problems have this severity.
    pub fn count(&self, severity: Level) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems, sorted by file, line, column and code, without duplicates.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| (&a.span, a.code, &a.message).cmp(&(&b.span, b.code, &b.message)));
        items.dedup();
        items
    }

    /// Iterates over the problems in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Maps byte offsets in one file's text to lines and columns.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and character column of a byte offset.
    pub(crate) fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub(crate) fn line_text<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end)
            .map(|l| l.trim_end_matches(['\n', '\r']))
    }

    /// The byte offset where a 1-based line starts.
    pub(crate) fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

/// A source file's text with its path and line index, for building
/// diagnostics that quote the offending line.
#[derive(Clone, Debug)]
pub struct SourceText {
    /// Path shown to the user (relative to the source folder).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    /// Line starts of `text`.
    pub(crate) lines: LineIndex,
}

impl SourceText {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceText {
            path: path.into(),
            text,
            lines,
        }
    }

    /// A span for a byte range of this text.
    pub fn span(&self, offset: usize, len_bytes: usize) -> Span {
        let (line, column) = self.lines.position(&self.text, offset);
        let end = (offset + len_bytes).min(self.text.len());
        let len = self
            .text
            .get(offset.min(end)..end)
            .map(|s| s.split('\n').next().unwrap_or("").chars().count())
            .unwrap_or(1);
        Span::at(&self.path, line, column, len)
    }

    /// A diagnostic at a byte range, quoting the line.
    pub fn diag(
        &self,
        code: Code,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let span = self.span(offset, len);
        let line = self.lines.line_text(&self.text, span.line);
        Diagnostic::new(code, span, message).with_line_text(line)
    }

    /// A diagnostic at a line and column, quoting the line.
    pub fn diag_at(
        &self,
        code: Code,
        line: usize,
        column: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let text = self.lines.line_text(&self.text, line);
        Diagnostic::new(code, Span::at(&self.path, line, column, len), message).with_line_text(text)
    }

    /// The path as shown to the user.
    pub fn display_path(&self) -> &Path {
        &self.path
    }
}

/// Finds the candidate closest to `word`, for "did you mean" hints.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\nçd e\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 3), (2, 1));
        assert_eq!(idx.position(text, 6), (2, 3));
        assert_eq!(idx.line_text(text, 2), Some("çd e"));
    }

    #[test]
    fn suggests_near_words() {
        assert_eq!(
            did_you_mean("sumary", ["title", "summary"]),
            Some("summary")
        );
        assert_eq!(did_you_mean("zzz", ["title", "summary"]), None);
    }
}
