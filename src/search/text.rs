//! Text analysis shared by the index and by queries: word splitting,
//! normalizing, stop words, stemming and typo distance.
//!
//! The browser runs the same steps in `themes/default/static/search-engine.js`.
//! Both sides are held to the same answers by `tests/search-vectors.json`,
//! which a Rust test and a node test both run, so a word is analysed the same
//! way when the index is built and when a reader types it.
//!
//! - Words are split by the Unicode word boundary rules (UAX #29): the
//!   `unicode-segmentation` crate here, `Intl.Segmenter` in the browser.
//! - A word is normalized by compatibility decomposition (NFKD), dropping
//!   combining marks ("café" → "cafe"), lowercasing, and writing curly
//!   apostrophes straight.
//! - Stems come from the Snowball English (Porter 2) stemmer of the
//!   `rust-stemmers` crate; the browser has a port of the same algorithm.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Words that carry no meaning in a search ("what to do if hacked" searches
/// for "hacked"), including contractions as readers type them, with and
/// without the apostrophe ("didn't", "didnt": a query "emails I didn't send"
/// must not look for "didn't"). They are not indexed, and a query drops them unless it has
/// nothing else. The index file carries this list so the browser uses the
/// same one.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "but",
    "by",
    "can",
    "can't",
    "cant",
    "could",
    "couldn't",
    "couldnt",
    "did",
    "didn't",
    "didnt",
    "do",
    "does",
    "doesn't",
    "doesnt",
    "don't",
    "dont",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "has",
    "hasn't",
    "hasnt",
    "have",
    "haven't",
    "havent",
    "he",
    "her",
    "his",
    "how",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "im",
    "in",
    "into",
    "is",
    "isn't",
    "isnt",
    "it",
    "it's",
    "its",
    "ive",
    "just",
    "let's",
    "me",
    "much",
    "my",
    "now",
    "of",
    "on",
    "or",
    "our",
    "really",
    "she",
    "should",
    "shouldn't",
    "shouldnt",
    "so",
    "some",
    "such",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "to",
    "too",
    "us",
    "very",
    "was",
    "wasn't",
    "wasnt",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "were",
    "weren't",
    "werent",
    "what",
    "what's",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "won't",
    "wont",
    "would",
    "wouldn't",
    "wouldnt",
    "you",
    "you're",
    "your",
    "youre",
];

/// Words longer than this (in characters) are hashes or encoded data, not
/// words anyone types: they are neither indexed nor searched for.
pub const MAX_WORD_CHARS: usize = 40;

/// True for a stop word (`word` already normalized).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Normalizes one word: NFKD, combining marks dropped, lowercase, curly
/// apostrophes straight, apostrophes at either end trimmed.
pub fn normalize(word: &str) -> String {
    // Most words are ASCII, where decomposition and combining marks change
    // nothing and lowercasing is per byte: same answer, no allocations
    // beyond the result.
    if word.is_ascii() {
        return word.trim_matches('\'').to_ascii_lowercase();
    }
    normalize_unicode(word)
}

/// [`normalize`] for any text: NFKD, marks dropped, lowercase, apostrophes.
fn normalize_unicode(word: &str) -> String {
    let folded: String = word
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            c => c,
        })
        .collect();
    folded.trim_matches('\'').to_string()
}

/// A word found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'t> {
    /// Byte offset of the word in the text.
    pub start: usize,
    /// The word as written.
    pub raw: &'t str,
    /// The normalized word.
    pub norm: String,
}

/// The words of a text, in order, with their offsets. Pieces that normalize
/// to nothing and over-long words are skipped.
///
/// A word of the Unicode rules is cut again at full stops and colons
/// ([`WORD_CUTS`]): UAX #29 keeps `report.pdf.exe`, `example.com` and
/// `a:b` whole, but Chromium's `Intl.Segmenter` splits some of them, so the
/// index and the browser only agree if both always split.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    for (start, raw) in text.unicode_word_indices() {
        let mut at = 0;
        for part in raw.split(WORD_CUTS) {
            let norm = normalize(part);
            if !norm.is_empty() && norm.chars().count() <= MAX_WORD_CHARS {
                out.push(Word {
                    start: start + at,
                    raw: part,
                    norm,
                });
            }
            // The part and the one-byte cut after it.
            at += part.len() + 1;
        }
    }
    out
}

/// Where a word of the Unicode rules is cut again (see [`words`]).
pub const WORD_CUTS: [char; 2] = ['.', ':'];

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The Snowball English stem of a normalized word.
///
/// Every edition's index stems the same run book text again, so stems are
/// remembered per thread (a word always has the same stem). The memo is
/// emptied when it grows past `STEM_MEMO_MAX` words, so a long `serve`
/// session cannot grow it without bound.
pub fn stem(norm: &str) -> String {
    STEMS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(s) = memo.get(norm) {
            return s.clone();
        }
        let s = stemmer().stem(norm).into_owned();
        if memo.len() >= STEM_MEMO_MAX {
            memo.clear();
        }
        memo.insert(norm.to_string(), s.clone());
        s
    })
}

/// A map with the Fx hash of rustc (`rustc-hash`) for the build's memo
/// tables: keys are words and texts from the handbook's own sources, so
/// there is no attacker to keep out, and SipHash was a tenth of a build's
/// work. Nothing iterates these maps, so output never depends on the hash.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// How many words each thread's stem memo holds at most.
const STEM_MEMO_MAX: usize = 50_000;

thread_local! {
    static STEMS: std::cell::RefCell<FastMap<String, String>> =
        std::cell::RefCell::new(FastMap::default());
}

/// Normalizes a query chunk or an ID for exact ID matching: like
/// [`normalize`], with anything but letters and digits trimmed from both
/// ends (`"T1566,"` → `t1566`).
pub fn normalize_key(chunk: &str) -> String {
    let folded: String = chunk
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    folded
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// True when a chunk of an alert name or ATT&CK field reads as an ID
/// (`M365-PHISH-001`, `T1566.001`, `EMAIL-REPORTED-PHISH`): it has a letter
/// and a digit, or a hyphen, underscore or dot joining parts.
pub fn is_id(key: &str) -> bool {
    let letter = key.chars().any(char::is_alphabetic);
    let digit = key.chars().any(|c| c.is_ascii_digit());
    let joined = key
        .trim_matches(|c: char| !c.is_alphanumeric())
        .contains(['-', '_', '.']);
    key.chars().count() >= 3 && letter && (digit || joined)
}

/// Optimal string alignment distance (edits, with a swap of two neighbours
/// counting as one edit), over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, false)
}

/// The smallest [`distance`] between `query` and any prefix of `term`: how
/// far a half-typed word is from becoming `term`.
pub fn prefix_distance(query: &str, term: &str) -> usize {
    let a: Vec<char> = query.chars().collect();
    let b: Vec<char> = term.chars().collect();
    osa(&a, &b, true)
}

fn osa(a: &[char], b: &[char], prefix: bool) -> usize {
    let (n, m) = (a.len(), b.len());
    // Three rows of the edit matrix: two back (for swaps), previous, current.
    let mut back: Vec<usize> = vec![0; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur: Vec<usize> = vec![0; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(back[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    if prefix {
        prev.iter().copied().min().unwrap_or(n)
    } else {
        prev[m]
    }
}

/// How many typos a query word of this many characters may have: one from
/// five letters, two from nine.
pub fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn normalizes_and_splits() {
        assert_eq!(normalize("Café"), "cafe");
        assert_eq!(normalize("IT’S"), "it's");
        let w: Vec<String> = words("M365-PHISH-001: it’s T1566.001")
            .into_iter()
            .map(|w| w.norm)
            .collect();
        assert_eq!(w, ["m365", "phish", "001", "it's", "t1566", "001"]);
    }

    #[test]
    fn dotted_words_are_split_like_chromium_does() {
        let text = "Open report.pdf.exe from bob@example.com at 10:30";
        let got: Vec<(usize, &str)> = words(text).into_iter().map(|w| (w.start, w.raw)).collect();
        assert_eq!(
            got,
            [
                (0, "Open"),
                (5, "report"),
                (12, "pdf"),
                (16, "exe"),
                (20, "from"),
                (25, "bob"),
                (29, "example"),
                (37, "com"),
                (41, "at"),
                (44, "10"),
                (47, "30"),
            ]
        );
        for (start, raw) in got {
            assert_eq!(&text[start..start + raw.len()], raw);
        }
    }

    #[test]
    fn ascii_fast_path_matches_the_full_rules() {
        for w in [
            "Hello",
            "IT'S",
            "'quoted'",
            "''",
            "'",
            "don't",
            "MiXeD42",
            "T1566.001",
            "a_b",
            "x'",
        ] {
            assert_eq!(normalize(w), normalize_unicode(w), "{w}");
        }
        // Every printable ASCII character on its own and inside a word.
        for c in (0x20u8..0x7f).map(char::from) {
            let w = format!("A{c}b{c}");
            assert_eq!(normalize(&w), normalize_unicode(&w), "{w}");
        }
    }

    #[test]
    fn remembered_stems_are_the_stemmers() {
        for w in ["running", "runs", "phishing", "computers", "running"] {
            assert_eq!(stem(w), stemmer().stem(w));
        }
    }

    #[test]
    fn distances() {
        assert_eq!(distance("phising", "phishing"), 1);
        assert_eq!(distance("ransomwear", "ransomware"), 2);
        assert_eq!(distance("form", "from"), 1);
        assert_eq!(prefix_distance("phisi", "phishing"), 1);
        assert_eq!(prefix_distance("ranso", "ransomware"), 0);
    }

    #[test]
    fn ids() {
        assert!(is_id("m365-phish-001"));
        assert!(is_id("t1566"));
        assert!(is_id("email-reported-phish"));
        assert!(!is_id("suspicious"));
        assert!(!is_id("001"));
    }
}
