//! Jargon: technical terms and acronyms that a client may not know, used in
//! client-visible text without a glossary entry that explains them.

use super::text::{tokens, Locator, Token};
use crate::diag::SourceText;
use crate::model::{LintSettings, Term};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The starter glossary: plain definitions of the incident-response terms
/// that RB100 flags, in glossary.yaml's format, for writers to copy. The
/// lint reads this same file, so the list it flags and the definitions it
/// offers can never drift apart.
pub(crate) const STARTER_YAML: &str = include_str!("../../docs/glossary-starter.yaml");

/// One term of the starter glossary.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct StarterTerm {
    /// A plain definition a writer can copy.
    pub definition: String,
    /// Other forms of the term (spellings, acronyms, kin), flagged as it.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The starter glossary, parsed once: term → definition and aliases. Empty
/// only if the embedded file did not parse, which a test rules out.
pub(crate) fn starter() -> &'static BTreeMap<String, StarterTerm> {
    static STARTER: OnceLock<BTreeMap<String, StarterTerm>> = OnceLock::new();
    STARTER.get_or_init(|| {
        let source = SourceText::new("docs/glossary-starter.yaml", STARTER_YAML.to_string());
        crate::source::yaml::parse(&source, STARTER_YAML, 0).unwrap_or_default()
    })
}

/// All-caps words that are plain to most office workers, never flagged as
/// acronyms.
pub(crate) const PLAIN_ACRONYMS: &[&str] = &[
    "AI", "AM", "ASAP", "ATM", "BCC", "CC", "CD", "CEO", "CFO", "COO", "CTO", "CV", "DIY", "DVD",
    "EU", "FAQ", "FYI", "GP", "HQ", "HR", "ID", "IT", "NB", "OK", "PA", "PC", "PDF", "PIN", "PM",
    "PR", "PS", "QR", "SMS", "TV", "UK", "US", "USA", "USB", "VAT", "VIP", "WWW",
];

/// Everyday phrases that contain a starter term in its everyday sense: the
/// longest match wins, so the term inside them is not flagged.
pub(crate) const PLAIN_PHRASES: &[&str] = &[
    "pivot table",
    "proxy vote",
    "proxy form",
    "gift registry",
    "wedding registry",
    "land registry",
    "windscreen wiper",
    "windshield wiper",
];

/// Everyday words written in capitals for emphasis ("Do NOT pay"): never
/// acronyms.
pub(crate) const SHOUTED_WORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "AT",
    "BE",
    "BEFORE",
    "BUT",
    "DO",
    "DON'T",
    "IF",
    "IMPORTANT",
    "IN",
    "IS",
    "IT'S",
    "MUST",
    "NEVER",
    "NO",
    "NOT",
    "NOTE",
    "NOW",
    "OF",
    "ON",
    "ONLY",
    "OR",
    "STOP",
    "THE",
    "TO",
    "URGENT",
    "WARNING",
    "YES",
    "YOU",
];

/// Endings a term's last word may carry.
const ENDINGS: &[&str] = &["", "s", "es", "d", "ed", "ing", "'s", "’s"];

struct Entry {
    /// The term or alias as listed.
    shown: String,
    words: Vec<String>,
    /// Capitals in the list: match only as written.
    exact: bool,
    /// The starter glossary term it is a form of (itself for `lint.jargon`
    /// terms): uses of all its forms are one term.
    main: String,
    /// An everyday phrase that contains a term ("pivot table"): matched so
    /// that the term inside it is not, and never reported.
    plain: bool,
}

/// One use of jargon in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    /// The term it counts as (for grouping uses): lowercase.
    pub key: String,
    /// That term as listed (or the acronym without a plural `s`).
    pub term: String,
    /// The starter glossary's term and plain definition, when it has one.
    pub starter: Option<(String, String)>,
    /// The words as written in the text.
    pub shown: String,
    /// True for an acronym found by its shape, not from the list.
    pub acronym: bool,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Length in characters.
    pub len: usize,
}

/// The jargon to look for, and the words that are explained or allowed.
pub(crate) struct Vocabulary {
    /// The starter glossary's forms and the everyday phrases, indexed once
    /// per process (they never change).
    builtin: &'static Index,
    /// `lint.jargon`.
    extra: Index,
    /// Glossary terms and aliases, lowercase.
    defined: BTreeSet<String>,
    /// `lint.allow`, lowercase.
    allowed: BTreeSet<String>,
}

/// Listed terms, found by their first word.
#[derive(Default)]
struct Index {
    entries: Vec<Entry>,
    /// Entry indexes by each lowercase form of their first word.
    by_first: BTreeMap<String, Vec<usize>>,
}

impl Index {
    /// Indexes `(form, main term)` pairs; an empty main term marks an
    /// everyday phrase. Later duplicates of a form are dropped.
    fn new<'a>(forms: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = BTreeSet::new();
        for (form, main) in forms {
            let words: Vec<String> = tokens(form).iter().map(|t| t.text.to_string()).collect();
            if words.is_empty() || !seen.insert(form.to_string()) {
                continue;
            }
            entries.push(Entry {
                shown: form.to_string(),
                exact: form.chars().any(char::is_uppercase),
                words,
                main: main.to_string(),
                plain: main.is_empty(),
            });
        }
        // Index every form a term's first word can take in text (with its
        // endings when it is also the last word), so that each word of text
        // costs one lookup.
        let mut by_first: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            let first = e.words[0].to_lowercase();
            let endings: &[&str] = if e.words.len() == 1 { ENDINGS } else { &[""] };
            let dropped = drops_e(&first)
                .filter(|_| e.words.len() == 1)
                .map(|stem| format!("{stem}ing"));
            let forms = endings
                .iter()
                .map(|ending| format!("{first}{ending}"))
                .chain(dropped);
            for form in forms {
                let at = by_first.entry(form).or_default();
                if !at.contains(&i) {
                    at.push(i);
                }
            }
        }
        Index { entries, by_first }
    }

    /// The entries whose first word can be `word` (lowercase).
    fn starting_with(&self, word: &str) -> impl Iterator<Item = &Entry> {
        self.by_first
            .get(word)
            .into_iter()
            .flatten()
            .map(|&n| &self.entries[n])
    }
}

/// The starter glossary's terms and aliases, and the everyday phrases.
fn builtin_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let starter_forms = starter().iter().flat_map(|(term, t)| {
            std::iter::once(term.as_str())
                .chain(t.aliases.iter().map(String::as_str))
                .map(move |form| (form, term.as_str()))
        });
        let plain = PLAIN_PHRASES.iter().map(|p| (*p, ""));
        Index::new(starter_forms.chain(plain))
    })
}

impl Vocabulary {
    /// The starter glossary's terms and aliases plus `lint.jargon`,
    /// explained by `glossary` and silenced by `lint.allow`.
    pub(crate) fn new(settings: &LintSettings, glossary: &[Term]) -> Self {
        let defined = glossary
            .iter()
            .flat_map(|t| std::iter::once(&t.term).chain(t.aliases.iter()))
            .map(|t| normalize(t))
            .collect();
        let allowed = settings.allow.iter().map(|t| normalize(t)).collect();
        Vocabulary {
            builtin: builtin_index(),
            extra: Index::new(settings.jargon.iter().map(|t| (t.as_str(), t.as_str()))),
            defined,
            allowed,
        }
    }

    /// The entries whose first word can be `word` (lowercase): built-in first.
    fn starting_with<'v>(&'v self, word: &str) -> impl Iterator<Item = &'v Entry> {
        self.builtin
            .starting_with(word)
            .chain(self.extra.starting_with(word))
    }

    /// True when a term needs no flag: the glossary explains it, or it is allowed.
    fn explained(&self, forms: &[&str]) -> bool {
        forms.iter().any(|f| {
            let n = normalize(f);
            self.defined.contains(&n) || self.allowed.contains(&n)
        })
    }

    /// The longest listed term that starts at word `i`, with how many words it spans.
    fn entry_at(&self, words: &[Token<'_>], i: usize) -> Option<(&Entry, usize)> {
        let first = words[i].text.to_lowercase().replace('’', "'");
        let mut best: Option<(&Entry, usize)> = None;
        for e in self.starting_with(&first) {
            let span = e.words.len();
            if i + span > words.len() || best.is_some_and(|(_, s)| s >= span) {
                continue;
            }
            let ok = e.words.iter().enumerate().all(|(k, w)| {
                let t = words[i + k].text;
                if words[i + k].placeholder || words[i + k].code {
                    return false;
                }
                let last = k + 1 == span;
                word_matches(t, w, e.exact, last)
            });
            if ok {
                best = Some((e, span));
            }
        }
        best
    }

    /// Finds unexplained jargon in the words of one text (see
    /// [`super::text::prose_tokens`]; code spans are names, not jargon).
    /// Slash-joined words are read part by part, so `IDS/IPS` is reported
    /// as `IDS` and `IPS` would be on their own.
    pub(crate) fn scan(
        &self,
        text: &str,
        words: &[Token<'_>],
        locator: &mut Locator<'_>,
        out: &mut Vec<Finding>,
    ) {
        let words = split_slashes(words);
        let mut i = 0;
        while i < words.len() {
            if let Some((e, span)) = self.entry_at(&words, i) {
                let shown = &text[words[i].start..words[i + span - 1].end()];
                if !e.plain && !self.explained(&[&e.shown, shown]) {
                    out.push(self.finding(e, shown, words[i].text, locator));
                }
                i += span;
                continue;
            }
            let w = &words[i];
            // Most words have fewer than two capitals: skip them cheaply.
            let capitals = w.text.bytes().filter(u8::is_ascii_uppercase).count();
            if !w.placeholder && !w.code && capitals >= 2 && !is_shouted(w.text) {
                for part in acronyms(w.text) {
                    let stem = part.trim_end_matches('s');
                    // A listed acronym inside a joined word (`MFA-protected`)
                    // is the same term, with the same code, as on its own.
                    if let Some(e) = self.single_word_entry(part) {
                        if !self.explained(&[&e.shown, part]) {
                            out.push(self.finding(e, part, part, locator));
                        }
                        continue;
                    }
                    if !self.explained(&[part, stem]) && !PLAIN_ACRONYMS.contains(&stem) {
                        let (line, column) = locator.find(part);
                        out.push(Finding {
                            key: normalize(stem),
                            term: stem.to_string(),
                            starter: None,
                            shown: part.to_string(),
                            acronym: true,
                            line,
                            column,
                            len: part.chars().count(),
                        });
                    }
                }
            }
            i += 1;
        }
    }

    /// The one-word listed term a word is a form of, if any.
    fn single_word_entry(&self, word: &str) -> Option<&Entry> {
        self.starting_with(&word.to_lowercase()).find(|e| {
            e.words.len() == 1 && !e.plain && word_matches(word, &e.words[0], e.exact, true)
        })
    }

    /// A finding for a listed term; `locate` is the first word as written.
    fn finding(&self, e: &Entry, shown: &str, locate: &str, locator: &mut Locator<'_>) -> Finding {
        let (line, column) = locator.find(locate);
        let starter = starter()
            .get(&e.main)
            .map(|t| (e.main.clone(), t.definition.clone()));
        Finding {
            key: normalize(&e.main),
            term: e.shown.clone(),
            starter,
            shown: shown.to_string(),
            acronym: false,
            line,
            column,
            len: shown.chars().count(),
        }
    }
}

/// Words with a `/` between letters or digits, split into their parts:
/// `IDS/IPS` is two words for jargon, as it is for a reader.
fn split_slashes<'t>(words: &[Token<'t>]) -> Vec<Token<'t>> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        if w.placeholder || w.code || !w.text.contains('/') {
            out.push(w.clone());
            continue;
        }
        let mut start = 0;
        for part in w.text.split('/') {
            if !part.is_empty() {
                out.push(Token {
                    text: part,
                    start: w.start + start,
                    placeholder: false,
                    code: false,
                });
            }
            start += part.len() + 1;
        }
    }
    out
}

/// True for an everyday word in capitals, written so for emphasis.
fn is_shouted(word: &str) -> bool {
    let word = word.replace('’', "'");
    SHOUTED_WORDS.contains(&word.as_str())
}

/// Lowercase with single spaces, for comparing terms.
fn normalize(term: &str) -> String {
    term.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('’', "'")
}

/// True when a text word is a listed word (the last one may carry an ending).
fn word_matches(text: &str, listed: &str, exact: bool, last: bool) -> bool {
    let (t, l) = if exact {
        (text.to_string(), listed.to_string())
    } else {
        (text.to_lowercase(), listed.to_lowercase())
    };
    if !last {
        return t == l;
    }
    t.strip_prefix(l.as_str())
        .is_some_and(|rest| ENDINGS.contains(&rest))
        || drops_e(&l).is_some_and(|stem| t == format!("{stem}ing"))
}

/// The stem of a word whose final `e` drops before `-ing` (`reimage`,
/// `reimaging`; `blackhole`, `blackholing`).
fn drops_e(word: &str) -> Option<&str> {
    word.strip_suffix('e')
        .filter(|stem| !stem.ends_with(['e', 'y', 'o']))
}

/// The acronyms in a word: all-caps parts of 2 to 6 letters or digits that
/// start with a letter and have at least two capitals (`EDR`, `C2` is too
/// short on capitals, `IOCs` counts as `IOC`). Identifiers such as
/// `EDR-RANSOM-001` (a part with digits, or only capital parts joined by
/// hyphens) are names, not words, and are skipped.
pub(crate) fn acronyms(word: &str) -> Vec<&str> {
    let word = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word);
    if word.contains(['.', '@', '_', '&']) {
        return Vec::new();
    }
    let parts: Vec<&str> = word.split(['-', '/']).collect();
    let is_acronym = |p: &str| {
        let core = p.strip_suffix('s').filter(|c| c.len() >= 2).unwrap_or(p);
        (2..=6).contains(&core.len())
            && core.starts_with(|c: char| c.is_ascii_uppercase())
            && core
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && core.chars().filter(char::is_ascii_uppercase).count() >= 2
    };
    if word.contains('-') && parts.len() > 1 {
        let identifier = parts.iter().any(|p| p.chars().any(|c| c.is_ascii_digit()))
            || parts
                .iter()
                .all(|p| is_acronym(p) || p.chars().all(|c| !c.is_lowercase()));
        if identifier {
            return Vec::new();
        }
    }
    parts.into_iter().filter(|p| is_acronym(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceText;

    fn vocab(glossary: &[(&str, &[&str])], allow: &[&str], extra: &[&str]) -> Vocabulary {
        let settings = LintSettings {
            allow: allow.iter().map(|s| s.to_string()).collect(),
            jargon: extra.iter().map(|s| s.to_string()).collect(),
            ..LintSettings::default()
        };
        let terms: Vec<Term> = glossary
            .iter()
            .map(|(t, a)| Term {
                term: t.to_string(),
                slug: t.to_string(),
                definition: "d".into(),
                aliases: a.iter().map(|s| s.to_string()).collect(),
                ..Term::default()
            })
            .collect();
        Vocabulary::new(&settings, &terms)
    }

    fn scan(v: &Vocabulary, text: &str) -> Vec<(String, usize)> {
        let src = SourceText::new("a.md", format!("{text}\n"));
        let mut loc = Locator::new(&src, 1, 1, text.len());
        let mut out = Vec::new();
        v.scan(text, &tokens(text), &mut loc, &mut out);
        out.into_iter().map(|f| (f.shown, f.column)).collect()
    }

    fn findings(v: &Vocabulary, text: &str) -> Vec<Finding> {
        let src = SourceText::new("a.md", format!("{text}\n"));
        let mut loc = Locator::new(&src, 1, 1, text.len());
        let mut out = Vec::new();
        v.scan(text, &tokens(text), &mut loc, &mut out);
        out
    }

    #[test]
    fn the_starter_glossary_parses_and_is_long_and_plain() {
        let parsed: BTreeMap<String, StarterTerm> = {
            let src = SourceText::new("g.yaml", STARTER_YAML.to_string());
            crate::source::yaml::parse(&src, STARTER_YAML, 0).unwrap()
        };
        assert_eq!(&parsed, starter());
        assert!(parsed.len() >= 150, "{}", parsed.len());
        // Writers look terms up by eye: the file is in alphabetical order.
        let written: Vec<String> = STARTER_YAML
            .lines()
            .filter(|l| !l.starts_with([' ', '#']) && !l.is_empty())
            .map(|l| l.trim_end_matches(':').trim_matches('"').to_lowercase())
            .collect();
        let mut sorted = written.clone();
        sorted.sort();
        assert_eq!(written, sorted);
        assert_eq!(written.len(), parsed.len());
        let mut forms = BTreeMap::new();
        for (term, t) in &parsed {
            let words = t.definition.split_whitespace().count();
            assert!((4..=40).contains(&words), "{term}: {words} words");
            for form in std::iter::once(term).chain(&t.aliases) {
                // One form belongs to one term, or uses would be grouped wrongly.
                if let Some(other) = forms.insert(normalize(form), term) {
                    assert_eq!(
                        other, term,
                        "`{form}` is listed under `{other}` and `{term}`"
                    );
                }
                assert!(!PLAIN_ACRONYMS.contains(&form.as_str()), "{form}");
            }
        }
        // Writers find it from the docs.
        let doc = include_str!("../../docs/lints.md");
        assert!(doc.contains("glossary-starter.yaml"));
        for word in PLAIN_ACRONYMS {
            assert!(
                doc.contains(&format!("`{word}`")),
                "{word} is not in docs/lints.md"
            );
        }
    }

    #[test]
    fn every_starter_term_and_alias_is_flagged_as_its_term_until_the_glossary_explains_it() {
        let v = vocab(&[], &[], &[]);
        for (term, t) in starter() {
            for form in std::iter::once(term).chain(&t.aliases) {
                let text = format!("We saw {form} here.");
                let found = findings(&v, &text);
                assert_eq!(found.len(), 1, "`{form}`: {found:?}");
                assert_eq!(found[0].key, normalize(term), "`{form}`");
                assert!(!found[0].acronym, "`{form}` is reported as RB100");
                let (main, definition) = found[0].starter.clone().unwrap();
                assert_eq!((&main, &definition), (term, &t.definition));
            }
        }
        // The starter copied into glossary.yaml explains every use.
        let glossary: Vec<(&str, Vec<&str>)> = starter()
            .iter()
            .map(|(term, t)| {
                (
                    term.as_str(),
                    t.aliases.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let glossary: Vec<(&str, &[&str])> =
            glossary.iter().map(|(t, a)| (*t, a.as_slice())).collect();
        let v = vocab(&glossary, &[], &[]);
        for (term, t) in starter() {
            for form in std::iter::once(term).chain(&t.aliases) {
                let text = format!("We saw {form} here.");
                assert!(findings(&v, &text).is_empty(), "`{form}`");
            }
        }
    }

    #[test]
    fn the_jargon_of_incident_response_is_known() {
        let v = vocab(&[], &[], &[]);
        let text = "Rotate the credentials, patch and harden the servers, ask for blackholing \
            and scrubbing, add egress filtering. The attacker kept a foothold, pivoted, \
            lateralized; we reimaged it, asked for a takedown, updated the whitelist and the \
            allowlist, checked typosquatting, the referrer, an iframe, the metadata, a registry \
            key and each privileged account, ran a sniffer, saw Tor, throttled it and drew the topology.";
        let keys: BTreeSet<String> = findings(&v, text).into_iter().map(|f| f.key).collect();
        for term in [
            "credentials",
            "patch",
            "hardening",
            "blackhole",
            "scrubbing",
            "egress filtering",
            "foothold",
            "pivot",
            "lateral movement",
            "reimage",
            "takedown",
            "allowlist",
            "typosquatting",
            "referrer",
            "iframe",
            "metadata",
            "registry key",
            "privileged account",
            "sniffer",
            "tor",
            "throttle",
            "topology",
        ] {
            assert!(keys.contains(term), "{term} not found in {keys:?}");
        }
    }

    #[test]
    fn kin_are_one_term_and_slash_joined_words_count_alone() {
        let v = vocab(&[], &[], &[]);
        let found = findings(
            &v,
            "Encrypted files, encryption keys, IDS/IPS and RDP/TSE logs, and a NEW/OLD DB.",
        );
        let got: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|f| (f.key.as_str(), f.shown.as_str(), f.acronym))
            .collect();
        assert_eq!(
            got,
            [
                ("encryption", "Encrypted", false),
                ("encryption", "encryption", false),
                ("ids", "IDS", false),
                ("ips", "IPS", false),
                ("rdp", "RDP", false),
                ("rdp", "TSE", false),
                ("new", "NEW", true),
                ("old", "OLD", true),
                ("db", "DB", true),
            ]
        );
        // A listed acronym joined by a hyphen is the same term, same code.
        let joined: Vec<(String, bool)> = findings(&v, "Use MFA-protected and XYZ-only sign-ins.")
            .into_iter()
            .map(|f| (f.key, f.acronym))
            .collect();
        assert_eq!(
            joined,
            [
                ("multi-factor authentication".to_string(), false),
                ("xyz".to_string(), true)
            ]
        );
        // The same acronyms alone get the same codes.
        let alone: Vec<bool> = findings(&v, "IDS, TSE and OLD.")
            .iter()
            .map(|f| f.acronym)
            .collect();
        assert_eq!(alone, [false, false, true]);
    }

    #[test]
    fn code_spans_and_everyday_phrases_are_never_jargon() {
        use crate::model::markdown::{BlockKind, CodeRun, TextBlock};
        let v = vocab(&[], &[], &[]);
        let text = "Open PowerShell and the pivot table, then run firewall";
        let block = TextBlock {
            kind: BlockKind::Paragraph,
            text: text.to_string(),
            internal: false,
            line: 1,
            column: 1,
            anchor: None,
            code: vec![CodeRun {
                range: text.find("firewall").unwrap()..text.len(),
                block: false,
            }],
        };
        let src = SourceText::new("a.md", format!("{text}\n"));
        let mut loc = Locator::new(&src, 1, 1, text.len());
        let mut out = Vec::new();
        v.scan(
            text,
            &super::super::text::prose_tokens(&block),
            &mut loc,
            &mut out,
        );
        let shown: Vec<&str> = out.iter().map(|f| f.shown.as_str()).collect();
        assert_eq!(
            shown,
            ["PowerShell"],
            "the code span `firewall` and the pivot table are not jargon"
        );
        assert_eq!(
            scan(&v, "We pivot to the table."),
            [("pivot".to_string(), 4)]
        );
    }

    #[test]
    fn office_acronyms_and_shouted_words_are_plain() {
        let v = vocab(&[], &[], &[]);
        assert!(scan(
            &v,
            "Tell IT, HR and PR; send the PDF on a USB stick. Do NOT pay, call NOW."
        )
        .is_empty());
    }

    #[test]
    fn finds_terms_with_endings_and_phrases() {
        let v = vocab(&[], &[], &[]);
        assert_eq!(
            scan(&v, "Look for Lateral movement and payloads, not dos."),
            [
                ("Lateral movement".to_string(), 10),
                ("payloads".to_string(), 31)
            ]
        );
        assert_eq!(
            scan(&v, "The IOCs and XYZ are here"),
            [("IOCs".to_string(), 5), ("XYZ".to_string(), 14)]
        );
    }

    #[test]
    fn glossary_and_allow_explain_terms() {
        let v = vocab(
            &[("antivirus", &["EDR"]), ("indicator of compromise", &[])],
            &["payload", "ABC"],
            &[],
        );
        assert!(scan(
            &v,
            "EDR found an indicator of compromise, a payload and ABC."
        )
        .is_empty());
        let v = vocab(&[], &[], &["dwell time"]);
        assert_eq!(
            scan(&v, "Long dwell time."),
            [("dwell time".to_string(), 6)]
        );
    }

    #[test]
    fn acronyms_by_shape() {
        assert_eq!(acronyms("EDR"), ["EDR"]);
        assert_eq!(acronyms("IOCs"), ["IOCs"]);
        assert_eq!(acronyms("SOC's"), ["SOC"]);
        assert!(acronyms("EDR-RANSOM-001").is_empty());
        assert!(acronyms("T1566").is_empty());
        assert!(acronyms("A").is_empty());
        assert!(acronyms("Wi-Fi").is_empty());
        assert_eq!(acronyms("MFA-protected"), ["MFA"]);
        assert_eq!(acronyms("TCP/IP"), ["TCP", "IP"]);
        assert!(acronyms("ABCDEFG").is_empty());
    }
}
