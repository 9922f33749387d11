//! The one place that knows which YAML library runbook uses.
//!
//! serde_yaml is archived upstream; serde-saphyr is maintained, pure Rust,
//! panic-free on malformed input and reports precise locations, which is what
//! writers need. Everything else in the crate goes through [`parse`] and
//! [`Spanned`], so the library can be swapped here alone.

use crate::diag::{did_you_mean, Code, Diagnostic, SourceText};
use serde::de::DeserializeOwned;

/// A value with the place where it was written.
pub(crate) type Spanned<T> = serde_saphyr::Spanned<T>;

/// Where a YAML value sits in its file: 1-based line and column.
pub(crate) fn position<T>(value: &Spanned<T>, line_offset: usize) -> (usize, usize) {
    let loc = value.referenced;
    (
        loc.line() as usize + line_offset,
        loc.column().max(1) as usize,
    )
}

/// Where the key of a map entry sits in its file: 1-based line and column.
/// The library gives places of values only, and a value written under its
/// key (block style) starts on the next line, so a problem with the key
/// itself (an unknown run book or phase) would point below it. The key is
/// the nearest `key:` (quoted or not) before the value; the value's own
/// place when it cannot be found.
pub(crate) fn key_position<T>(
    source: &SourceText,
    key: &str,
    value: &Spanned<T>,
    line_offset: usize,
) -> (usize, usize) {
    let (line, column) = position(value, line_offset);
    let found = source.lines.line_start(line).and_then(|start| {
        let text = &source.text;
        let line_text = source.lines.line_text(text, line).unwrap_or("");
        let within: usize = line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        let before = text.get(..start + within)?;
        before.rmatch_indices(key).map(|(at, _)| at).find(|&at| {
            let boundary = before[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
            let after = before[at + key.len()..].trim_start_matches(['"', '\'']);
            boundary && after.trim_start_matches([' ', '\t']).starts_with(':')
        })
    });
    match found {
        Some(at) => source.lines.position(&source.text, at),
        None => (line, column),
    }
}

/// One YAML document's text: a whole YAML file, or a run book's front matter,
/// which starts some lines into its file. A problem with a value is then one
/// call that points at the value (or its key) and quotes the line, instead of
/// a [`position`] and a [`SourceText::diag_at`] written out at every check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct YamlText<'s> {
    /// The file's text.
    pub source: &'s SourceText,
    /// Lines in the file before the YAML starts (0 for a whole YAML file).
    pub line_offset: usize,
}

impl<'s> YamlText<'s> {
    /// A whole YAML file.
    pub(crate) fn file(source: &'s SourceText) -> Self {
        YamlText {
            source,
            line_offset: 0,
        }
    }

    /// YAML that starts `line_offset` lines into `source` (front matter).
    pub(crate) fn starting_at(source: &'s SourceText, line_offset: usize) -> Self {
        YamlText {
            source,
            line_offset,
        }
    }

    /// A problem with a text value: at the value, as wide as its text.
    pub(crate) fn diag_for(
        &self,
        value: &Spanned<String>,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at_value(value, value.value.chars().count(), code, message)
    }

    /// A problem with a value as a whole (an empty text, a map): at its
    /// first character.
    pub(crate) fn diag_at_start<T>(
        &self,
        value: &Spanned<T>,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at_value(value, 1, code, message)
    }

    /// A problem with a map entry's key: at the key, as wide as it.
    pub(crate) fn diag_for_key<T>(
        &self,
        key: &str,
        value: &Spanned<T>,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at_key(key, value, key.chars().count(), code, message)
    }

    /// A problem with a map entry as a whole: at its key's first character.
    pub(crate) fn diag_at_key_start<T>(
        &self,
        key: &str,
        value: &Spanned<T>,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at_key(key, value, 1, code, message)
    }

    /// Where a map entry's key is written (see [`key_position`]).
    pub(crate) fn key_position<T>(&self, key: &str, value: &Spanned<T>) -> (usize, usize) {
        key_position(self.source, key, value, self.line_offset)
    }

    fn diag_at_value<T>(
        &self,
        value: &Spanned<T>,
        width: usize,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = position(value, self.line_offset);
        self.source.diag_at(code, line, column, width, message)
    }

    fn diag_at_key<T>(
        &self,
        key: &str,
        value: &Spanned<T>,
        width: usize,
        code: Code,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.key_position(key, value);
        self.source.diag_at(code, line, column, width, message)
    }
}

/// Parses YAML text that starts at `line_offset` lines into `source`
/// (0 for a whole YAML file, 1 for front matter after its `---` line).
pub(crate) fn parse<T: DeserializeOwned>(
    source: &SourceText,
    yaml: &str,
    line_offset: usize,
) -> Result<T, Box<Diagnostic>> {
    serde_saphyr::from_str::<T>(yaml)
        .map_err(|err| Box::new(to_diagnostic(source, &err, line_offset)))
}

fn to_diagnostic(source: &SourceText, err: &serde_saphyr::Error, line_offset: usize) -> Diagnostic {
    let (line, column) = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize + line_offset, l.column().max(1) as usize))
        .unwrap_or((line_offset.max(1), 1));
    use serde_saphyr::Error as E;
    let (code, message, hint, len) = match err.without_snippet() {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let hint = match did_you_mean(field, expected.iter().copied()) {
                Some(near) => format!(
                    "did you mean `{near}`? Known keys here: {}",
                    expected.join(", ")
                ),
                None => format!("known keys here: {}", expected.join(", ")),
            };
            (
                Code::UnknownKey,
                format!("unknown key `{field}`"),
                hint,
                field.chars().count(),
            )
        }
        E::SerdeMissingField { field, .. } => (
            Code::MissingKey,
            format!("missing required key `{field}`"),
            format!("add `{field}: …` to this block"),
            1,
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let hint = match did_you_mean(variant, expected.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Allowed: {}", expected.join(", ")),
                None => format!("allowed values: {}", expected.join(", ")),
            };
            (
                Code::InvalidValue,
                format!("`{variant}` is not an allowed value"),
                hint,
                variant.chars().count(),
            )
        }
        other => {
            let text = plain_message(other);
            if text.contains("duplicate mapping key") {
                let key = text
                    .split(':')
                    .nth(1)
                    .map(|k| k.split(',').next().unwrap_or("").trim().to_string())
                    .unwrap_or_default();
                (
                    Code::InvalidValue,
                    format!("the key `{key}` appears twice"),
                    "keep one of them".to_string(),
                    key.chars().count(),
                )
            } else if matches!(
                other,
                E::Message { .. }
                    | E::ExternalMessage { .. }
                    | E::Eof { .. }
                    | E::MultipleDocuments { .. }
                    | E::UnexpectedMappingEnd { .. }
                    | E::UnexpectedSequenceEnd { .. }
            ) {
                let hint = "check indentation, the colon after each key, and quotes around values that contain `: ` or start with `{`, `[`, `*`, `&` or `!`";
                (Code::YamlSyntax, text, hint.to_string(), 1)
            } else {
                let hint = "this value has the wrong type: write plain text, in quotes if it starts with `[`, `{`, `*` or `&`; lists are `[a, b]` and maps `key: value`";
                (Code::InvalidValue, text, hint.to_string(), 1)
            }
        }
    };
    source.diag_at(code, line, column, len, message).hint(hint)
}

/// The library's message without its own snippet and location suffix.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    // Drop a trailing "at line X column Y": the diagnostic carries it as data.
    let cut = first
        .find(" at line ")
        .map(|i| &first[..i])
        .unwrap_or(first);
    if cut.is_empty() {
        "invalid YAML".to_string()
    } else {
        cut.to_string()
    }
}
