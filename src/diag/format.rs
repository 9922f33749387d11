//! Turning diagnostics into text: for people (compiler style), for tools
//! (JSON, one stable object per problem) and for GitHub workflow annotations.

use super::{Code, Diagnostic, Level};
use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};
use std::collections::BTreeMap;
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
pub(crate) fn format_diagnostics(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
) -> String {
    match format {
        Format::Human => human(diagnostics, color),
        Format::Json => json(diagnostics),
        Format::Github => github(diagnostics),
    }
}

fn level(severity: Level) -> SnippetLevel<'static> {
    match severity {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
        Level::Note => SnippetLevel::NOTE,
    }
}

/// Compiler-style text: the message, the file:line:column, the offending
/// line with the problem underlined, then the hint and notes.
pub(crate) fn human(diagnostics: &[Diagnostic], color: bool) -> String {
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
                SnippetLevel::HELP.secondary_title(hint.as_str()),
            ));
        }
        for note in &d.notes {
            report.push(Group::with_title(
                SnippetLevel::NOTE.secondary_title(note.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Level::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Level::Warning)
        .count();
    if diagnostics.len() >= 2 {
        out.push_str(&overview(diagnostics));
    }
    if errors + warnings > 0 {
        let _ = writeln!(out, "{}", summary_line(errors, warnings));
    }
    out
}

/// How many files [`overview`] names under "most problems".
pub(crate) const TOP_FILES: usize = 5;

/// Where a writer should start: the count of problems per code (by code,
/// each severity on its own line) with what the code means, then the files
/// with the most problems (most first, then by name).
pub(crate) fn overview(diagnostics: &[Diagnostic]) -> String {
    let mut by_code: BTreeMap<(Code, std::cmp::Reverse<Level>), usize> = BTreeMap::new();
    let mut by_file: BTreeMap<String, usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code
            .entry((d.code, std::cmp::Reverse(d.severity)))
            .or_default() += 1;
        *by_file
            .entry(d.span.file.to_string_lossy().replace('\\', "/"))
            .or_default() += 1;
    }
    let mut out = format!("summary of {}:\n", plural(diagnostics.len(), "problem"));
    for ((code, severity), n) in &by_code {
        let _ = writeln!(
            out,
            "  {} {:>4} {:<9} {}",
            code.as_str(),
            n,
            plural_word(*n, severity.0.as_str()),
            code.summary()
        );
    }
    let mut files: Vec<(String, usize)> = by_file.into_iter().collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let width = files
        .iter()
        .take(TOP_FILES)
        .map(|(f, _)| f.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "most problems{}:",
        if files.len() > TOP_FILES {
            format!(" (top {TOP_FILES} of {} files)", files.len())
        } else {
            String::new()
        }
    );
    for (file, n) in files.iter().take(TOP_FILES) {
        let _ = writeln!(out, "  {file:<width$} {n:>4}");
    }
    out.push('\n');
    out
}

/// `word` with an `s` unless `n` is 1.
fn plural_word(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// "1 error", "2 errors".
fn plural(n: usize, word: &str) -> String {
    format!("{n} {}", plural_word(n, word))
}

/// "2 errors, 1 warning" with the right plurals.
pub(crate) fn summary_line(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// One JSON object per line: `severity`, `code`, `file`, `line`, `column`,
/// `message`, `hint` (null when none), `notes`, `related` (other places of
/// the same problem: `file`, `line`, `column`).
pub(crate) fn json(diagnostics: &[Diagnostic]) -> String {
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
            "related": d.related.iter().map(|r| serde_json::json!({
                "file": r.file.to_string_lossy().replace('\\', "/"),
                "line": r.line,
                "column": r.column,
            })).collect::<Vec<_>>(),
        });
        let _ = writeln!(out, "{value}");
    }
    out
}

/// GitHub Actions annotations: `::error file=…,line=…,col=…,title=…::message`.
pub(crate) fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
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
    fn human_ends_with_counts_per_code_and_the_files_with_most_problems() {
        let at = |code, file: &str, line| Diagnostic::new(code, Span::at(file, line, 1, 1), "m");
        let mut ds = vec![
            at(Code::Jargon, "b.md", 1),
            at(Code::Jargon, "b.md", 2),
            at(Code::UndefinedAcronym, "a.md", 1),
            at(Code::UnknownPhase, "c.md", 1),
            at(Code::Jargon, "c.md", 3).severity(Level::Note),
        ];
        for (i, f) in ["d.md", "e.md", "f.md", "g.md"].iter().enumerate() {
            ds.push(at(Code::LongSentence, f, i + 1));
        }
        let text = human(&ds, false);
        let tail = &text[text.find("summary of 9 problems:").expect(&text)..];
        assert_eq!(
            tail,
            "summary of 9 problems:\n\
             \x20 RB011    1 error     A `## ` heading is not one of the six phases.\n\
             \x20 RB100    2 warnings  A technical term in client-visible text has no glossary entry.\n\
             \x20 RB100    1 note      A technical term in client-visible text has no glossary entry.\n\
             \x20 RB101    1 warning   An acronym in client-visible text has no glossary entry.\n\
             \x20 RB111    4 warnings  A sentence is longer than the configured number of words.\n\
             most problems (top 5 of 7 files):\n\
             \x20 b.md    2\n\
             \x20 c.md    2\n\
             \x20 a.md    1\n\
             \x20 d.md    1\n\
             \x20 e.md    1\n\
             \n\
             1 error, 7 warnings\n"
        );
        // One problem needs no summary.
        assert!(!human(&ds[..1], false).contains("summary of"));
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
