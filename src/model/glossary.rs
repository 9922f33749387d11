//! Glossary terms in place: where a reader meets a glossary term (or one of
//! its aliases), the page explains it.
//!
//! The text work is done once per section, here in the model: the first use
//! of each term in a section's HTML text is wrapped in private-use markers
//! that name the term. Which use is the first *on a page* depends on the
//! page (a print page shows many sections), so render makes that choice as
//! it writes each page: the first marked use of a term becomes an in-place
//! definition, later ones plain words again (see `render::views`).
//!
//! Matching follows the plain-language lints: a term written in lowercase
//! matches any case ("Phishing" at the start of a sentence), one written
//! with capitals matches only as written (so `IT` never marks "it"). The
//! last word may carry a plural `s`. Words are letters, digits and inner
//! hyphens, so `log` does not match inside "sign-in-log" or "blog".
//!
//! A word can have more than one sense, and a glossary entry explains one.
//! So an entry can limit where it applies (issue 18): `only: [phrases]`
//! explains the term only where the use is part of one of the phrases, and
//! `not_in: [phrases]` never where it is part of one. A phrase is compared
//! word by word, in any case, punctuation between words ignored; it must
//! hold the term or one of its aliases (RB048 otherwise). A use that a
//! phrase rules out is not a first use: the next use may be explained.

use super::markdown::{Section, Segment};
use super::Term;
use crate::diag::{Code, Diagnostics};
use crate::marker::{TERM_CLOSE, TERM_OPEN, TERM_WORD};
use crate::source::yaml::{Spanned, YamlText};
use std::collections::BTreeMap;

struct Pattern {
    term: usize,
    /// Words, lowercase when `exact` is false.
    words: Vec<String>,
    /// Separators between the words, whitespace folded to one space.
    seps: Vec<String>,
    /// Capitals in the glossary: match only as written.
    exact: bool,
}

/// Where a term may be explained: its `only` and `not_in` phrases, as
/// lowercase words.
#[derive(Default)]
struct Limits {
    only: Vec<Vec<String>>,
    not_in: Vec<Vec<String>>,
}

/// Finds glossary terms in text.
pub(crate) struct Matcher {
    patterns: Vec<Pattern>,
    /// By term index.
    limits: Vec<Limits>,
    /// Pattern indexes by the lowercase first word, longest pattern first.
    by_first: BTreeMap<String, Vec<usize>>,
}

/// A word of a text: its byte range.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits text into words: runs of letters and digits, joined by single
/// inner hyphens ("sign-in", "Wi-Fi", "anti-virus").
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            start.get_or_insert(i);
            continue;
        }
        let joins =
            c == '-' && start.is_some() && chars.peek().is_some_and(|(_, n)| is_word_char(*n));
        if joins {
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Word { start: s, end: i });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Folds whitespace runs to one space and curly apostrophes to straight ones.
fn fold_sep(sep: &str) -> String {
    let mut out = String::with_capacity(sep.len());
    let mut space = false;
    for c in sep.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(if c == '\u{2019}' { '\'' } else { c });
    }
    out
}

impl Matcher {
    /// A matcher for every term and alias of the glossary.
    pub(crate) fn new(glossary: &[Term]) -> Matcher {
        let mut patterns = Vec::new();
        let lower_words = |text: &String| -> Vec<String> {
            words(text)
                .iter()
                .map(|w| text[w.start..w.end].to_lowercase())
                .collect()
        };
        let limits = glossary
            .iter()
            .map(|t| Limits {
                only: t.only.iter().map(lower_words).collect(),
                not_in: t.not_in.iter().map(lower_words).collect(),
            })
            .collect();
        for (n, term) in glossary.iter().enumerate() {
            for text in std::iter::once(&term.term).chain(&term.aliases) {
                let ws = words(text);
                if ws.is_empty() {
                    continue;
                }
                let exact = text.chars().any(char::is_uppercase);
                let seps = ws
                    .windows(2)
                    .map(|w| fold_sep(&text[w[0].end..w[1].start]))
                    .collect();
                let words = ws
                    .iter()
                    .map(|w| {
                        let s = &text[w.start..w.end];
                        if exact {
                            s.to_string()
                        } else {
                            s.to_lowercase()
                        }
                    })
                    .collect();
                patterns.push(Pattern {
                    term: n,
                    words,
                    seps,
                    exact,
                });
            }
        }
        let mut by_first: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in patterns.iter().enumerate() {
            by_first
                .entry(p.words[0].to_lowercase())
                .or_default()
                .push(i);
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(patterns[i].words.len()));
        }
        Matcher {
            patterns,
            limits,
            by_first,
        }
    }

    /// True when the term's phrases allow a use at words `at..at + n`:
    /// inside one of its `only` phrases (if it has any) and inside none of
    /// its `not_in` phrases.
    fn allowed(&self, term: usize, text: &str, ws: &[Word], at: usize, n: usize) -> bool {
        let Some(limits) = self.limits.get(term) else {
            return true;
        };
        let inside = |phrase: &Vec<String>| phrase_covers(phrase, text, ws, at, n);
        (limits.only.is_empty() || limits.only.iter().any(inside))
            && !limits.not_in.iter().any(inside)
    }

    /// True when the glossary has no terms.
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The term and the number of words of the longest pattern that matches
    /// `text` at word `at`.
    fn match_at(&self, text: &str, ws: &[Word], at: usize) -> Option<(usize, usize)> {
        let first = text[ws[at].start..ws[at].end].to_lowercase();
        let candidates = self
            .by_first
            .get(&first)
            .or_else(|| first.strip_suffix('s').and_then(|f| self.by_first.get(f)))?;
        candidates.iter().find_map(|&i| {
            let p = &self.patterns[i];
            let n = p.words.len();
            if at + n > ws.len() {
                return None;
            }
            for (k, want) in p.words.iter().enumerate() {
                let w = ws[at + k];
                let got = &text[w.start..w.end];
                let last = k + 1 == n;
                if !word_matches(got, want, p.exact, last) {
                    return None;
                }
                if k > 0 && fold_sep(&text[ws[at + k - 1].end..w.start]) != p.seps[k - 1] {
                    return None;
                }
            }
            // A use in a sense the entry does not define: a shorter
            // pattern of the same first word may still match.
            self.allowed(p.term, text, ws, at, n).then_some((p.term, n))
        })
    }

    /// Marks the first use of each term in `section`, outside links,
    /// headings and code. Uses inside a SOC-only part are tracked apart
    /// from the rest, so client editions, which leave that part out, still
    /// get the first use in what they show.
    pub(crate) fn mark(&self, section: &mut Section) {
        if self.is_empty() {
            return;
        }
        let mut seen_public = vec![false; self.term_count()];
        let mut seen_internal = vec![false; self.term_count()];
        let mut internal = false;
        let mut in_link = 0usize;
        let mut skip = SkipState::default();
        for segment in &mut section.segments {
            match segment {
                Segment::InternalStart => internal = true,
                Segment::InternalEnd => internal = false,
                Segment::LinkStart(_) => in_link += 1,
                Segment::LinkEnd(_) => in_link = in_link.saturating_sub(1),
                Segment::Html(html) => {
                    let seen = if internal {
                        &mut seen_internal
                    } else {
                        &mut seen_public
                    };
                    if let Some(marked) = self.mark_html(html, seen, in_link > 0, &mut skip) {
                        *html = marked;
                    }
                }
                _ => {}
            }
        }
    }

    fn term_count(&self) -> usize {
        self.patterns.iter().map(|p| p.term + 1).max().unwrap_or(0)
    }

    /// Marks first uses in the text nodes of one piece of sanitized HTML;
    /// `None` when nothing was marked.
    fn mark_html(
        &self,
        html: &str,
        seen: &mut [bool],
        in_link: bool,
        skip: &mut SkipState,
    ) -> Option<String> {
        let mut out = String::new();
        let mut copied = 0;
        let mut pos = 0;
        while pos < html.len() {
            let rest = &html[pos..];
            if rest.starts_with('<') {
                let end = rest.find('>').map(|e| pos + e + 1).unwrap_or(html.len());
                skip.tag(&html[pos..end]);
                pos = end;
                continue;
            }
            let end = rest.find('<').map(|e| pos + e).unwrap_or(html.len());
            if !in_link && !skip.active() {
                let text = &html[pos..end];
                let ws = words(text);
                let mut i = 0;
                while i < ws.len() {
                    match self.match_at(text, &ws, i) {
                        Some((term, n)) if !seen[term] => {
                            seen[term] = true;
                            let (s, e) = (pos + ws[i].start, pos + ws[i + n - 1].end);
                            out.push_str(&html[copied..s]);
                            out.push(TERM_OPEN);
                            out.push_str(&term.to_string());
                            out.push(TERM_WORD);
                            out.push_str(&html[s..e]);
                            out.push(TERM_CLOSE);
                            copied = e;
                            i += n;
                        }
                        Some((_, n)) => i += n,
                        None => i += 1,
                    }
                }
            }
            pos = end;
        }
        if copied == 0 {
            return None;
        }
        out.push_str(&html[copied..]);
        Some(out)
    }
}

/// True when the words `at..at + n` of `text` lie inside an occurrence of
/// `phrase` (lowercase words; punctuation between words is not compared).
fn phrase_covers(phrase: &[String], text: &str, ws: &[Word], at: usize, n: usize) -> bool {
    let m = phrase.len();
    if m < n || m == 0 {
        return false;
    }
    (at.saturating_sub(m - n)..=at).any(|start| {
        start + m <= ws.len()
            && start + m >= at + n
            && phrase.iter().enumerate().all(|(k, want)| {
                let w = ws[start + k];
                word_matches(&text[w.start..w.end], want, false, k + 1 == m)
            })
    })
}

/// Validates an entry's `only` or `not_in` phrases (`key`): each must have
/// words and hold the term or one of its aliases as whole words (RB048),
/// or it could never apply. Returns the good ones, trimmed.
pub(super) fn phrases(
    term: &Term,
    key: &str,
    raw: &[Spanned<String>],
    yaml: YamlText<'_>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let names: Vec<Vec<String>> = std::iter::once(&term.term)
        .chain(&term.aliases)
        .map(|t| {
            words(t)
                .iter()
                .map(|w| t[w.start..w.end].to_lowercase())
                .collect()
        })
        .filter(|w: &Vec<String>| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for value in raw {
        let text = value.value.trim();
        let ws = words(text);
        let holds = |name: &Vec<String>| {
            let n = name.len();
            (0..ws.len()).any(|at| phrase_covers_name(name, text, &ws, at, n))
        };
        let problem = if ws.is_empty() {
            Some(format!("`{}` has an empty `{key}` phrase", term.term))
        } else if !names.iter().any(holds) {
            Some(format!(
                "the `{key}` phrase \"{text}\" does not contain `{}` or one of its aliases",
                term.term
            ))
        } else {
            None
        };
        match problem {
            Some(message) => diags.push(yaml.diag_for(value, Code::GlossaryPhrase, message).hint(
                "write the phrase as readers meet it, with the term or an alias in it \
                     (e.g. `not_in: [\"fake website\"]` for `website`)",
            )),
            None => out.push(text.to_string()),
        }
    }
    out
}

/// True when the words of `name` (lowercase) appear at word `at` of `text`.
fn phrase_covers_name(name: &[String], text: &str, ws: &[Word], at: usize, n: usize) -> bool {
    at + n <= ws.len()
        && name.iter().enumerate().all(|(k, want)| {
            let w = ws[at + k];
            word_matches(&text[w.start..w.end], want, false, k + 1 == n)
        })
}

fn word_matches(got: &str, want: &str, exact: bool, last: bool) -> bool {
    let same = |g: &str| {
        if exact {
            g == want
        } else {
            g.to_lowercase() == want
        }
    };
    same(got) || (last && got.strip_suffix('s').is_some_and(same))
}

/// Elements whose text is never marked: links, headings, code, and terms
/// the source already marks up itself.
const SKIPPED: &[&str] = &[
    "a", "abbr", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "pre", "samp",
];

/// How deep inside skipped elements the scan is.
#[derive(Default)]
struct SkipState {
    depth: usize,
}

impl SkipState {
    fn active(&self) -> bool {
        self.depth > 0
    }

    fn tag(&mut self, tag: &str) {
        let inner = tag.trim_start_matches('<');
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !SKIPPED.contains(&name.as_str()) || tag.ends_with("/>") {
            return;
        }
        if closing {
            self.depth = self.depth.saturating_sub(1);
        } else {
            self.depth += 1;
        }
    }
}

/// Marks glossary terms in every section of the model.
pub(crate) fn mark_all<'a>(glossary: &[Term], sections: impl Iterator<Item = &'a mut Section>) {
    let matcher = Matcher::new(glossary);
    if matcher.is_empty() {
        return;
    }
    for section in sections {
        matcher.mark(section);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(t: &str, aliases: &[&str]) -> Term {
        Term {
            term: t.into(),
            slug: t.to_lowercase().replace(' ', "-"),
            definition: format!("about {t}"),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Term::default()
        }
    }

    #[test]
    fn not_in_phrases_leave_a_use_for_the_next_one() {
        let mut website = term("website", &["websites"]);
        website.not_in = vec!["fake website".into()];
        let g = [website];
        assert_eq!(
            marked(
                "<p>Block the fake website. Fake websites too. Check your website.</p>",
                &g
            ),
            "<p>Block the fake website. Fake websites too. Check your [0|website].</p>"
        );
    }

    #[test]
    fn only_phrases_limit_a_term_to_its_sense() {
        let mut wipe = term("remote wipe", &["wipe", "wiped"]);
        wipe.only = vec!["remote wipe".into(), "wipe it".into()];
        let g = [wipe];
        // Punctuation between words is not compared; "wipe" alone is not this sense.
        assert_eq!(
            marked("<p>Do not switch off, wipe or delete anything.</p>", &g),
            "<p>Do not switch off, wipe or delete anything.</p>"
        );
        assert_eq!(
            marked(
                "<p>Wipe and rebuild it. Decide whether to wipe it now.</p>",
                &g
            ),
            "<p>Wipe and rebuild it. Decide whether to [0|wipe] it now.</p>"
        );
        assert_eq!(
            marked("<p>Ask for a remote wipe.</p>", &g),
            "<p>Ask for a [0|remote wipe].</p>"
        );
    }

    fn marked(html: &str, glossary: &[Term]) -> String {
        let mut s = Section {
            segments: vec![Segment::Html(html.into())],
            ..Section::default()
        };
        Matcher::new(glossary).mark(&mut s);
        match &s.segments[0] {
            Segment::Html(h) => h
                .replace(TERM_OPEN, "[")
                .replace(TERM_WORD, "|")
                .replace(TERM_CLOSE, "]"),
            _ => unreachable!(),
        }
    }

    #[test]
    fn first_use_only_any_case_for_lowercase_terms() {
        let g = [term("phishing", &["scam email"])];
        assert_eq!(
            marked("<p>Phishing is bad. phishing again.</p>", &g),
            "<p>[0|Phishing] is bad. phishing again.</p>"
        );
        // An alias counts as a use of its term.
        assert_eq!(
            marked("<p>A scam\nemail, then phishing.</p>", &g),
            "<p>A [0|scam\nemail], then phishing.</p>"
        );
    }

    #[test]
    fn capitals_match_as_written_and_plurals() {
        let g = [term("IT", &[]), term("backup", &[])];
        assert_eq!(
            marked("<p>Tell it to IT. Check backups.</p>", &g),
            "<p>Tell it to [0|IT]. Check [1|backups].</p>"
        );
    }

    #[test]
    fn whole_words_only_and_longest_wins() {
        let g = [term("log", &[]), term("sign-in", &["sign-in log"])];
        assert_eq!(
            marked("<p>A blog, a sign-in log, a log.</p>", &g),
            "<p>A blog, a [1|sign-in log], a [0|log].</p>"
        );
    }

    #[test]
    fn skips_links_headings_code_and_attributes() {
        let g = [term("malware", &[])];
        assert_eq!(
            marked("<h3>Malware</h3><p><a href=\"malware\">malware</a> <code>malware</code> <img alt=\"malware\"> malware</p>", &g),
            "<h3>Malware</h3><p><a href=\"malware\">malware</a> <code>malware</code> <img alt=\"malware\"> [0|malware]</p>"
        );
    }

    #[test]
    fn soc_only_parts_are_tracked_apart_and_run_book_links_skipped() {
        let g = [term("malware", &[])];
        let mut s = Section {
            segments: vec![
                Segment::InternalStart,
                Segment::Html("<p>malware</p>".into()),
                Segment::InternalEnd,
                Segment::LinkStart(0),
                Segment::Html("malware".into()),
                Segment::LinkEnd(0),
                Segment::Html("<p>malware</p>".into()),
            ],
            ..Section::default()
        };
        Matcher::new(&g).mark(&mut s);
        let marks = |i: usize| matches!(&s.segments[i], Segment::Html(h) if h.contains(TERM_OPEN));
        assert!(marks(1), "first use inside the SOC-only part");
        assert!(!marks(4), "inside a link to a run book");
        assert!(marks(6), "first use that client editions show");
    }
}
