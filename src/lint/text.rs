//! Words, sentences and places: what every text lint needs.
//!
//! Lints read the plain text of blocks (see [`TextBlock`]), which has lost
//! the Markdown syntax, so a word's column is found by searching the source
//! from where its block starts, word by word, in order.

use crate::diag::{Code, Diagnostic, SourceText};
use crate::model::markdown::TextBlock;

/// A word of plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'t> {
    /// The word as written (a placeholder keeps its braces).
    pub text: &'t str,
    /// Byte offset in the block's text.
    pub start: usize,
    /// True for a `{{ … }}` placeholder, which stands for a name.
    pub placeholder: bool,
    /// True for a code span (`` `NET USE x: /DELETE` ``), which reads as
    /// one name, never as prose: no jargon, no acronyms inside.
    pub code: bool,
}

impl Token<'_> {
    /// Byte offset just after the word.
    pub(crate) fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// Characters that join two parts of one word: `sign-in`, `client's`,
/// `24/7`, `example.com`, `C&C`.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '/' | '@' | '_' | '&')
}

/// Splits text into words. A word is a run of letters and digits, with
/// joiners allowed between two of them; a `{{ … }}` placeholder is one word.
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if text[start..].starts_with("{{") {
            if let Some(close) = text[start..].find("}}") {
                let end = start + close + 2;
                out.push(Token {
                    text: &text[start..end],
                    start,
                    placeholder: true,
                    code: false,
                });
                while i < chars.len() && chars[i].0 < end {
                    i += 1;
                }
                continue;
            }
        }
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                j += 1;
            } else if is_joiner(c) && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric()) {
                j += 2;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        out.push(Token {
            text: &text[start..end],
            start,
            placeholder: false,
            code: false,
        });
        i = j;
    }
    out
}

/// The words of a block's prose: code blocks are left out, and each code
/// span becomes one word marked `code` (it reads like a name in the
/// sentence around it). A word of prose touching a code span joins it.
pub(crate) fn prose_tokens(block: &TextBlock) -> Vec<Token<'_>> {
    let text = block.text.as_str();
    if block.code.is_empty() {
        return tokens(text);
    }
    let mut out = Vec::new();
    let mut runs = block.code.iter().peekable();
    for t in tokens(text) {
        // Runs that end before this word are done with.
        while runs.next_if(|r| r.range.end <= t.start).is_some() {}
        let Some(run) = runs.peek() else {
            out.push(t);
            continue;
        };
        if t.end() <= run.range.start {
            out.push(t);
        } else if !run.block {
            // The first word touching a code span stands for all of it.
            if out
                .last()
                .is_none_or(|w: &Token<'_>| !(w.code && w.start == run.range.start))
            {
                out.push(Token {
                    text: &text[run.range.clone()],
                    start: run.range.start,
                    placeholder: false,
                    code: true,
                });
            }
        }
    }
    out
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "no", "approx", "incl", "cf",
];

/// A sentence: a range of a block's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// Index of its first word in the block's tokens.
    pub first: usize,
    /// Index just after its last word.
    pub end: usize,
}

impl Sentence {
    /// How many words it has.
    pub(crate) fn words(&self) -> usize {
        self.end - self.first
    }

    /// Its text, from its first word to its closing punctuation.
    pub(crate) fn text<'t>(&self, text: &'t str, tokens: &[Token<'_>]) -> &'t str {
        let start = tokens[self.first].start;
        let last = tokens[self.end - 1].end();
        let stop = tokens.get(self.end).map_or(text.len(), |t| t.start);
        let tail = &text[last..stop];
        let keep = tail
            .char_indices()
            .take_while(|(_, c)| matches!(c, '.' | '!' | '?' | '"' | '”' | ')' | '’' | '\''))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        &text[start..last + keep]
    }
}

/// Splits a block's words into sentences. A sentence ends at `.`, `!` or
/// `?` between two words (not after a known abbreviation) and at the end of
/// the block: list items, headings and table cells are sentences of their own.
pub(crate) fn sentences(text: &str, tokens: &[Token<'_>]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut first = 0;
    for i in 0..tokens.len() {
        let gap_end = tokens.get(i + 1).map_or(text.len(), |t| t.start);
        let gap = &text[tokens[i].end()..gap_end];
        let stop = gap.contains(['!', '?'])
            || (gap.contains('.')
                && !ABBREVIATIONS.contains(&tokens[i].text.to_lowercase().as_str()));
        if stop || i + 1 == tokens.len() {
            out.push(Sentence { first, end: i + 1 });
            first = i + 1;
        }
    }
    out
}

/// Finds words of a block in its source file, in order.
pub(crate) struct Locator<'s> {
    source: &'s SourceText,
    /// Byte offset to search from.
    cursor: usize,
    /// Byte offset not to search past.
    limit: usize,
    /// Where the block starts: the fallback place.
    line: usize,
    column: usize,
}

impl<'s> Locator<'s> {
    /// A locator for text that starts at `line` and `column` of `source`
    /// and is about `len` bytes of plain text long.
    pub(crate) fn new(source: &'s SourceText, line: usize, column: usize, len: usize) -> Self {
        let start = source.lines.line_start(line).map_or(0, |s| {
            let line_text = source.lines.line_text(&source.text, line).unwrap_or("");
            s + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
        });
        // Markdown adds syntax around the words (links, emphasis), so allow
        // for more source than plain text.
        let limit = (start + len * 4 + 400).min(source.text.len());
        Locator {
            source,
            cursor: start,
            limit,
            line,
            column,
        }
    }

    /// A locator for a whole block.
    pub(crate) fn block(source: &'s SourceText, block: &TextBlock) -> Self {
        Locator::new(source, block.line, block.column, block.text.len())
    }

    /// The line and column of the next occurrence of `word` as a whole word,
    /// moving past it; the block's start when it cannot be found.
    pub(crate) fn find(&mut self, word: &str) -> (usize, usize) {
        let text = &self.source.text;
        let mut from = self.cursor;
        while from < self.limit {
            let Some(hay) = text.get(from..self.limit) else {
                break;
            };
            let Some(pos) = hay.find(word) else {
                break;
            };
            let at = from + pos;
            let end = at + word.len();
            let before = text[..at].chars().next_back();
            let after = text[end..].chars().next();
            let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            let starts_clean = edge(before) || !word.starts_with(char::is_alphanumeric);
            let ends_clean = edge(after) || !word.ends_with(char::is_alphanumeric);
            if starts_clean && ends_clean {
                self.cursor = end;
                return self.source.lines.position(text, at);
            }
            from = at + word.chars().next().map_or(1, char::len_utf8);
        }
        (self.line, self.column)
    }
}

/// A warning at a place in a file, quoting the line; `len` characters are
/// underlined but never past the end of the line.
pub(crate) fn diag_at(
    source: &SourceText,
    code: Code,
    line: usize,
    column: usize,
    len: usize,
    message: impl Into<String>,
) -> Diagnostic {
    let line_len = source
        .lines
        .line_text(&source.text, line)
        .map_or(0, |l| l.chars().count());
    let len = len.min(line_len.saturating_sub(column.saturating_sub(1)).max(1));
    source.diag_at(code, line, column, len, message)
}

/// The line, column and text of a top-level front matter key's value.
pub(crate) fn front_matter_value<'t>(
    source: &'t SourceText,
    key: &str,
) -> Option<(usize, usize, &'t str)> {
    let mut lines = source.text.lines().enumerate();
    let (_, first) = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    for (n, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim_end() == "---" {
            return None;
        }
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let value = rest.trim_start();
            let column = line.chars().count() - value.chars().count() + 1;
            return Some((n + 1, column, value.trim_end()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_keep_joined_parts_together() {
        assert_eq!(
            words("Call {{ contacts.soc }} now: sign-in, client's 24/7 C&C (example.com)."),
            [
                "Call",
                "{{ contacts.soc }}",
                "now",
                "sign-in",
                "client's",
                "24/7",
                "C&C",
                "example.com"
            ]
        );
        assert!(tokens("{{ x }}")[0].placeholder);
    }

    #[test]
    fn code_spans_are_one_word_and_code_blocks_are_not_prose() {
        use crate::model::markdown::{BlockKind, CodeRun};
        let text = "Run NET USE x: /DELETE now, then: ipconfig /all";
        let span = text.find("NET").unwrap()..text.find(" now").unwrap();
        let listing = text.find("ipconfig").unwrap()..text.len();
        let block = TextBlock {
            kind: BlockKind::Paragraph,
            text: text.to_string(),
            internal: false,
            line: 1,
            column: 1,
            anchor: None,
            code: vec![
                CodeRun {
                    range: span,
                    block: false,
                },
                CodeRun {
                    range: listing,
                    block: true,
                },
            ],
        };
        let words: Vec<(&str, bool)> = prose_tokens(&block)
            .iter()
            .map(|t| (t.text, t.code))
            .collect();
        assert_eq!(
            words,
            [
                ("Run", false),
                ("NET USE x: /DELETE", true),
                ("now", false),
                ("then", false)
            ]
        );
    }

    #[test]
    fn sentences_end_at_stops_but_not_abbreviations() {
        let text = "Unplug it, e.g. pull the cable. Then call us! Why? Because.";
        let t = tokens(text);
        let s = sentences(text, &t);
        let texts: Vec<&str> = s.iter().map(|s| s.text(text, &t)).collect();
        assert_eq!(
            texts,
            [
                "Unplug it, e.g. pull the cable.",
                "Then call us!",
                "Why?",
                "Because."
            ]
        );
        assert_eq!(s[0].words(), 6);
    }

    #[test]
    fn locator_finds_words_in_order() {
        let src = SourceText::new(
            "a.md",
            "---\ntitle: x\n---\n\n- Use **EDR** and [EDR](x.md) now\n".into(),
        );
        let mut l = Locator::new(&src, 5, 1, 30);
        assert_eq!(l.find("EDR"), (5, 9));
        assert_eq!(l.find("EDR"), (5, 20));
        assert_eq!(l.find("missing"), (5, 1));
        assert_eq!(front_matter_value(&src, "title"), Some((2, 8, "x")));
    }
}
