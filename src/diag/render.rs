//! Turning diagnostics into text: for people (compiler style), for tools
//! (JSON, one stable object per problem) and for GitHub workflow annotations.

use super::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt::Write as _;

/// Output formats for diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style text with the source line and a caret.
    #[default]
    Human,
    /// One JSON object per line per problem.
    Json,
    /// GitHub Actions workflow annotation commands.
    Github,
}

/// Renders diagnostics in the given format. `color` applies to `human` only.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(diagnostics, color),
        Format::Json => json(diagnostics),
        Format::Github => github(diagnostics),
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// Compiler-style text: the message, the file:line:column, the offending
/// line with the problem underlined, then the hint and notes.
pub fn human(diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        let path = d.span.file.display().to_string();
        let title = level(d.severity)
            .primary_title(d.message.as_str())
            .id(d.code.as_str());
        let mut report = Vec::new();
        let group = match (&d.source_line, d.span.line) {
            (Some(line), l) if l > 0 => {
                let start = line
                    .char_indices()
                    .nth(d.span.column.saturating_sub(1))
                    .map(|(i, _)| i)
                    .unwrap_or(line.len());
                let end = line[start..]
                    .char_indices()
                    .nth(d.span.len.max(1))
                    .map(|(i, _)| start + i)
                    .unwrap_or(line.len());
                title.element(
                    Snippet::source(line.as_str())
                        .line_start(l)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end.max(start))),
                )
            }
            // No line to quote (e.g. a theme template): still name the place.
            (None, l) if l > 0 => {
                let mut origin = annotate_snippets::Origin::path(path.as_str()).line(l);
                if d.span.column > 0 {
                    origin = origin.char_column(d.span.column);
                }
                title.element(origin)
            }
            _ => title.element(annotate_snippets::Origin::path(path.as_str())),
        };
        report.push(group);
        if let Some(hint) = &d.hint {
            report.push(Group::with_title(
                Level::HELP.secondary_title(hint.as_str()),
            ));
        }
        for note in &d.notes {
            report.push(Group::with_title(
                Level::NOTE.secondary_title(note.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if errors + warnings > 0 {
        let _ = writeln!(out, "{}", summary_line(errors, warnings));
    }
    out
}

/// "2 errors, 1 warning" with the right plurals.
pub fn summary_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// One JSON object per line: `severity`, `code`, `file`, `line`, `column`,
/// `message`, `hint` (null when none), `notes`.
pub fn json(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let value = serde_json::json!({
            "severity": d.severity.as_str(),
            "code": d.code.as_str(),
            "file": d.span.file.to_string_lossy().replace('\\', "/"),
            "line": d.span.line,
            "column": d.span.column,
            "message": d.message,
            "hint": d.hint,
            "notes": d.notes,
        });
        let _ = writeln!(out, "{value}");
    }
    out
}

/// GitHub Actions annotations: `::error file=…,line=…,col=…,title=…::message`.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        for note in &d.notes {
            message.push_str("\nnote: ");
            message.push_str(note);
        }
        let file = d.span.file.to_string_lossy().replace('\\', "/");
        let _ = write!(out, "::{kind} file={}", escape_property(&file));
        if d.span.line > 0 {
            let _ = write!(out, ",line={}", d.span.line);
        }
        if d.span.column > 0 {
            let _ = write!(out, ",col={}", d.span.column);
        }
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(&format!("{} {}", d.code.as_str(), d.code.summary())),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostic, Span};

    fn sample() -> Diagnostic {
        Diagnostic::new(Code::UnknownPhase, Span::at("a.md", 3, 4, 5), "bad, phase")
            .with_line_text(Some("## Containmnt"))
            .hint("did you mean `Containment`?")
    }

    #[test]
    fn human_quotes_line_and_hint() {
        let text = human(&[sample()], false);
        assert!(text.contains("a.md:3:4"), "{text}");
        assert!(text.contains("## Containmnt"));
        assert!(text.contains("did you mean"));
        assert!(text.contains("RB011"));
    }

    #[test]
    fn human_is_coloured_only_when_asked() {
        assert!(human(&[sample()], true).contains('\u{1b}'));
        assert!(!human(&[sample()], false).contains('\u{1b}'));
    }

    #[test]
    fn human_names_line_and_column_without_a_quoted_line() {
        let d = Diagnostic::new(Code::ThemeError, Span::at("t.html", 3, 10, 1), "bad");
        let text = human(&[d], false);
        assert!(text.contains("--> t.html:3:10\n"), "{text}");
    }

    #[test]
    fn github_escapes_properties() {
        let text = github(&[sample()]);
        assert!(
            text.starts_with("::error file=a.md,line=3,col=4,title=RB011 "),
            "{text}"
        );
        assert!(text.contains("%0Ahint: did you mean"));
    }

    #[test]
    fn json_is_one_object_per_line() {
        let text = json(&[sample(), sample()]);
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["code"], "RB011");
        assert_eq!(v["line"], 3);
    }
}
