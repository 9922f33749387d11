//! Jargon: technical terms and acronyms that a client may not know, used in
//! client-visible text without a glossary entry that explains them.

use super::text::{tokens, Locator, Token};
use crate::model::{LintSettings, Term};
use std::collections::{BTreeMap, BTreeSet};

/// Built-in security jargon. A term written in lowercase matches any case;
/// one with capitals matches only as written (so `DoS` does not flag "dos").
/// The last word may carry an ending: `payloads`, `exploited`, `IOCs`.
pub const BUILTIN: &[&str] = &[
    // Acronyms and initialisms.
    "2FA",
    "API",
    "APT",
    "BEC",
    "C&C",
    "C2",
    "CDN",
    "CMS",
    "CSIRT",
    "CVE",
    "CVSS",
    "DDoS",
    "DFIR",
    "DKIM",
    "DLP",
    "DMARC",
    "DNS",
    "DoS",
    "EDR",
    "HTTPS",
    "IAM",
    "IDS",
    "IOA",
    "IOC",
    "IoC",
    "IPS",
    "ISP",
    "LDAP",
    "MDM",
    "MDR",
    "MFA",
    "NDR",
    "NTLM",
    "OAuth",
    "OSINT",
    "PAM",
    "PII",
    "RCE",
    "RDP",
    "SaaS",
    "SIEM",
    "SMB",
    "SOAR",
    "SQLi",
    "SSH",
    "SSO",
    "TLS",
    "TTP",
    "UEBA",
    "URL",
    "VPN",
    "WAF",
    "XDR",
    "XSS",
    // Attacks and attackers.
    "adversary-in-the-middle",
    "attack surface",
    "attack vector",
    "backdoor",
    "beacon",
    "beaconing",
    "botnet",
    "brute force",
    "brute-force",
    "command and control",
    "credential dumping",
    "credential harvesting",
    "credential stuffing",
    "drive-by download",
    "dropper",
    "exfil",
    "exfiltrate",
    "exfiltration",
    "exploit",
    "golden ticket",
    "keylogger",
    "lateral movement",
    "malware",
    "man-in-the-middle",
    "MFA fatigue",
    "pass-the-hash",
    "password spraying",
    "payload",
    "persistence",
    "pretexting",
    "privilege escalation",
    "ransomware",
    "reconnaissance",
    "rootkit",
    "session hijacking",
    "shellcode",
    "SIM swap",
    "SIM swapping",
    "smishing",
    "social engineering",
    "spear phishing",
    "spear-phishing",
    "spoofing",
    "spyware",
    "supply chain attack",
    "threat actor",
    "token theft",
    "trojan",
    "phishing",
    "typosquatting",
    "vishing",
    "vulnerability",
    "vulnerabilities",
    "watering hole",
    "whaling",
    "zero-day",
    "zero day",
    // Defence and investigation.
    "Active Directory",
    "air gap",
    "air-gapped",
    "canary token",
    "Cobalt Strike",
    "decrypt",
    "decryption",
    "domain controller",
    "encrypt",
    "encryption",
    "endpoint",
    "false positive",
    "firewall",
    "forensic image",
    "forensics",
    "hash",
    "honeypot",
    "immutable backup",
    "indicator of compromise",
    "indicators of compromise",
    "IP address",
    "Kerberos",
    "kill chain",
    "least privilege",
    "memory dump",
    "Mimikatz",
    "obfuscation",
    "obfuscated",
    "PowerShell",
    "proxy",
    "quarantine",
    "remediation",
    "sandbox",
    "scheduled task",
    "service account",
    "shadow copy",
    "shadow copies",
    "sinkhole",
    "telemetry",
    "tenant",
    "threat hunting",
    "threat intelligence",
    "triage",
];

/// All-caps words that are plain to most readers, never flagged as acronyms.
pub const PLAIN_ACRONYMS: &[&str] = &[
    "AM", "CEO", "EU", "ID", "OK", "PC", "PDF", "PM", "TV", "UK", "US", "USA",
];

/// Endings a term's last word may carry.
const ENDINGS: &[&str] = &["", "s", "es", "d", "ed", "ing", "'s", "’s"];

struct Entry {
    /// The term as listed.
    shown: String,
    /// Its words.
    words: Vec<String>,
    /// Capitals in the list: match only as written.
    exact: bool,
}

/// One use of jargon in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The term it counts as (for grouping uses): lowercase.
    pub key: String,
    /// That term as listed (or the acronym without a plural `s`).
    pub term: String,
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
pub struct Vocabulary {
    entries: Vec<Entry>,
    /// Entry indexes by each lowercase form of their first word.
    by_first: BTreeMap<String, Vec<usize>>,
    /// Glossary terms and aliases, lowercase.
    defined: BTreeSet<String>,
    /// `lint.allow`, lowercase.
    allowed: BTreeSet<String>,
}

impl Vocabulary {
    /// The built-in list plus `lint.jargon`, explained by `glossary` and
    /// silenced by `lint.allow`.
    pub fn new(settings: &LintSettings, glossary: &[Term]) -> Self {
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = BTreeSet::new();
        for term in BUILTIN
            .iter()
            .copied()
            .chain(settings.jargon.iter().map(String::as_str))
        {
            let words: Vec<String> = term.split_whitespace().map(str::to_string).collect();
            if words.is_empty() || !seen.insert(term.to_string()) {
                continue;
            }
            entries.push(Entry {
                shown: term.to_string(),
                exact: term.chars().any(char::is_uppercase),
                words,
            });
        }
        // Index every form a term's first word can take in text (with its
        // endings when it is also the last word), so that each word of text
        // costs one lookup.
        let mut by_first: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            let first = e.words[0].to_lowercase();
            let endings: &[&str] = if e.words.len() == 1 { ENDINGS } else { &[""] };
            for ending in endings {
                let forms = by_first.entry(format!("{first}{ending}")).or_default();
                if !forms.contains(&i) {
                    forms.push(i);
                }
            }
        }
        let defined = glossary
            .iter()
            .flat_map(|t| std::iter::once(&t.term).chain(t.aliases.iter()))
            .map(|t| normalize(t))
            .collect();
        let allowed = settings.allow.iter().map(|t| normalize(t)).collect();
        Vocabulary {
            entries,
            by_first,
            defined,
            allowed,
        }
    }

    /// True when a term needs no flag: the glossary explains it, or it is allowed.
    fn explained(&self, forms: &[&str]) -> bool {
        forms.iter().any(|f| {
            let n = normalize(f);
            self.defined.contains(&n) || self.allowed.contains(&n)
        })
    }

    /// The longest listed term that starts at word `i`, with how many words it spans.
    fn entry_at(&self, words: &[Token<'_>], i: usize) -> Option<(usize, usize)> {
        let first = words[i].text.to_lowercase().replace('’', "'");
        let mut best: Option<(usize, usize)> = None;
        for &n in self.by_first.get(&first).into_iter().flatten() {
            let e = &self.entries[n];
            let span = e.words.len();
            if i + span > words.len() || best.is_some_and(|(_, s)| s >= span) {
                continue;
            }
            let ok = e.words.iter().enumerate().all(|(k, w)| {
                let t = words[i + k].text;
                if words[i + k].placeholder {
                    return false;
                }
                let last = k + 1 == span;
                word_matches(t, w, e.exact, last)
            });
            if ok {
                best = Some((n, span));
            }
        }
        best
    }

    /// Finds unexplained jargon in one block of text.
    pub fn scan(&self, text: &str, locator: &mut Locator<'_>, out: &mut Vec<Finding>) {
        let words = tokens(text);
        let mut i = 0;
        while i < words.len() {
            if let Some((n, span)) = self.entry_at(&words, i) {
                let e = &self.entries[n];
                let shown = &text[words[i].start..words[i + span - 1].end()];
                if !self.explained(&[&e.shown, shown]) {
                    out.push(self.finding(&e.shown, shown, false, &words[i], locator));
                }
                i += span;
                continue;
            }
            let w = &words[i];
            // Most words have fewer than two capitals: skip them cheaply.
            let capitals = w.text.bytes().filter(u8::is_ascii_uppercase).count();
            if !w.placeholder && capitals >= 2 {
                for part in acronyms(w.text) {
                    let stem = part.trim_end_matches('s');
                    if !self.explained(&[part, stem]) && !PLAIN_ACRONYMS.contains(&stem) {
                        out.push(self.finding(stem, part, true, w, locator));
                    }
                }
            }
            i += 1;
        }
    }

    fn finding(
        &self,
        term: &str,
        shown: &str,
        acronym: bool,
        first: &Token<'_>,
        locator: &mut Locator<'_>,
    ) -> Finding {
        let word = if acronym { shown } else { first.text };
        let (line, column) = locator.find(word);
        Finding {
            key: normalize(term),
            term: term.to_string(),
            shown: shown.to_string(),
            acronym,
            line,
            column,
            len: shown.chars().count(),
        }
    }
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
}

/// The acronyms in a word: all-caps parts of 2 to 6 letters or digits that
/// start with a letter and have at least two capitals (`EDR`, `C2` is too
/// short on capitals, `IOCs` counts as `IOC`). Identifiers such as
/// `EDR-RANSOM-001` (a part with digits, or only capital parts joined by
/// hyphens) are names, not words, and are skipped.
pub fn acronyms(word: &str) -> Vec<&str> {
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
            })
            .collect();
        Vocabulary::new(&settings, &terms)
    }

    fn scan(v: &Vocabulary, text: &str) -> Vec<(String, usize)> {
        let src = SourceText::new("a.md", format!("{text}\n"));
        let mut loc = Locator::new(&src, 1, 1, text.len());
        let mut out = Vec::new();
        v.scan(text, &mut loc, &mut out);
        out.into_iter().map(|f| (f.shown, f.column)).collect()
    }

    #[test]
    fn the_builtin_list_is_long_enough_and_documented() {
        assert!(BUILTIN.len() >= 80, "{}", BUILTIN.len());
        let doc = include_str!("../../docs/lints.md");
        for term in BUILTIN.iter().chain(PLAIN_ACRONYMS) {
            assert!(
                doc.contains(&format!("`{term}`")),
                "{term} is not in docs/lints.md"
            );
        }
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
