//! The query rules: the reference implementation of what the browser engine
//! (`themes/default/static/search-engine.js`) does, step for step.
//!
//! 1. The query is cut at white space into chunks. A chunk that is an alert
//!    or ATT&CK ID of the edition (`M365-PHISH-001`, `T1566`) is one term;
//!    other chunks give one term per word.
//! 2. Stop words are dropped, unless the query has nothing else.
//! 3. A word matches index stems: its own stem exactly; while it is still
//!    being typed (the query's last word, with no space after it), any stem
//!    it begins, or that begins it; with a typo or two (one from 5 letters,
//!    two from 9, counted on the word and on its stem; same first letter;
//!    only when its stem is not in the edition), by edit distance; and the
//!    other members
//!    of its glossary entry (a term and its aliases mean the same).
//! 4. A hit is a page of a run book: one of its phases, or its overview.
//!    A phase sees its own blocks, the run book's title, aliases, alerts,
//!    ATT&CK IDs, summary and introduction, and the phase's name blocks.
//!    The overview sees the run book's blocks, and its situation blocks
//!    (title, aliases, summary, introduction) are its own text.
//! 5. A block scores its weight (titles and aliases weigh most) times how
//!    well the word matched (exact beats prefix beats typo). A term scores
//!    its best block among the run book's own blocks plus its best block in
//!    the page (so a page that also holds the word ranks higher). A hit
//!    scores the sum over the terms it holds; Preparation and Lessons
//!    Learned count less unless the query asks about them.
//! 6. Each run book shows up to three of its pages that hold the most
//!    terms and whose own text (or name) matched, best first (the overview,
//!    then the home phase, first among equals); a run book found only by
//!    its alerts shows its home phase. Run books are ordered by their best
//!    page times the share of the terms they hold on any page, so a page
//!    needs not hold every word, but a run book that holds more of them
//!    ranks higher.
//! 7. The snippet is the phase's block that matched the most terms (then
//!    the highest total), which is also where the link points; failing
//!    that, the run book's best block other than its title; failing that,
//!    its summary.
//! 8. Glossary entries are matched the same way, on their own.

use super::index::{IndexData, Kind};
use super::text;
use std::collections::{BTreeMap, BTreeSet};

/// How well a word matched a stem: exactly.
pub const EXACT: f64 = 1.0;
/// As a prefix while typing.
pub const PREFIX: f64 = 0.8;
/// With one typo.
pub const TYPO1: f64 = 0.6;
/// With two typos.
pub const TYPO2: f64 = 0.45;
/// As a prefix with a typo, while typing.
pub const PREFIX_TYPO: f64 = 0.5;
/// Through a glossary synonym.
pub const SYNONYM: f64 = 0.5;
/// The words of an ID, found elsewhere than in the alert list.
pub const KEY_WORDS: f64 = 0.8;

/// At most this many phases of one run book are listed.
pub const PER_RUNBOOK: usize = 3;
/// A phase's name blocks (name, description, phase words) add this share
/// of their best match: enough to choose between phases, not enough for a
/// description's word to outrank a step that holds the reader's words.
pub const NAME_SHARE: f64 = 0.5;
/// Preparation and Lessons Learned count this much of their score unless
/// the query asks about them (a word of their name, description or phase
/// words matched): mid-incident, a reader wants the response phases.
pub const EDGE_PHASE: f64 = 0.7;
/// The pages of a run book in a search: its six phases (0–5), then its
/// overview, which a hit names with `phase: None`.
const PAGES: usize = 7;

/// One term of a parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A word.
    Word {
        /// Normalized.
        norm: String,
        /// Its stem.
        stem: String,
        /// Still being typed.
        open: bool,
    },
    /// An alert or ATT&CK ID of this edition.
    Key {
        /// Normalized ID.
        key: String,
        /// Stems of its words.
        stems: Vec<String>,
    },
}

/// Parses a query against an index (which knows the IDs and stop words).
pub fn parse(index: &IndexData, query: &str) -> Vec<Term> {
    let open = query.chars().last().is_some_and(|c| !c.is_whitespace());
    let chunks: Vec<&str> = query.split_whitespace().collect();
    let stop: BTreeSet<&str> = index.stop.iter().map(String::as_str).collect();
    let mut terms = Vec::new();
    for (ci, chunk) in chunks.iter().enumerate() {
        let key = text::normalize_key(chunk);
        let words = text::words(chunk);
        if index.keys.contains_key(&key) {
            let stems = words
                .iter()
                .filter(|w| !stop.contains(w.norm.as_str()))
                .map(|w| text::stem(&w.norm))
                .collect();
            terms.push(Term::Key { key, stems });
            continue;
        }
        let last = words.len().saturating_sub(1);
        for (wi, w) in words.into_iter().enumerate() {
            terms.push(Term::Word {
                stem: text::stem(&w.norm),
                norm: w.norm,
                open: open && ci + 1 == chunks.len() && wi == last,
            });
        }
    }
    let is_stop = |t: &Term| matches!(t, Term::Word { norm, .. } if stop.contains(norm.as_str()));
    if terms.iter().any(|t| !is_stop(t)) {
        terms.retain(|t| !is_stop(t));
    }
    terms
}

/// A page of a run book that matched: a phase, or the overview.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Run book (index into the index's run books).
    pub runbook: usize,
    /// Phase (0–5), or `None` for the run book's overview page.
    pub phase: Option<usize>,
    /// Score: higher is better.
    pub score: f64,
    /// Anchor suffix on the phase page of the step or section the snippet
    /// comes from, or "".
    pub anchor: String,
    /// The block shown as the snippet.
    pub snippet: Option<usize>,
    /// Stems that matched here, sorted (to mark in snippets and on arrival).
    pub stems: Vec<String>,
    /// IDs that matched here.
    pub keys: Vec<String>,
}

/// A glossary entry that matched.
#[derive(Clone, Debug, PartialEq)]
pub struct GlossaryHit {
    /// Entry (index into the index's glossary).
    pub entry: usize,
    /// Score.
    pub score: f64,
    /// The block shown as the snippet.
    pub snippet: Option<usize>,
    /// Stems that matched here, sorted.
    pub stems: Vec<String>,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    /// Phases of run books, best first, at most `limit`.
    pub hits: Vec<Hit>,
    /// How many hits there were before the limit.
    pub total: usize,
    /// Glossary entries, best first, at most `limit`.
    pub glossary: Vec<GlossaryHit>,
    /// Query words that occur nowhere in the edition, normalized, in query
    /// order: they were left out (the reader is told).
    pub ignored: Vec<String>,
    /// True when no page held every word: every hit misses some of them
    /// (the reader may want to say it another way).
    pub partial: bool,
}

/// Where a block's words count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    /// A run book's alerts and ATT&CK IDs.
    Runbook(usize),
    /// A run book's situation blocks ([`Kind::is_situation`]).
    Situation(usize),
    /// A phase of a run book (run book × 6 + phase).
    Doc(usize),
    Phase(usize),
    Glossary(usize),
}

fn scope(index: &IndexData, block: u32) -> Scope {
    let b = &index.blocks[block as usize];
    let kind = b.kind();
    if kind.is_situation() {
        Scope::Situation(b.doc())
    } else if kind.is_runbook_level() {
        Scope::Runbook(b.doc())
    } else if kind.is_phase_name() {
        Scope::Phase(b.doc())
    } else if kind.is_glossary() {
        Scope::Glossary(b.doc())
    } else {
        Scope::Doc(b.doc())
    }
}

/// One block a word (or ID) matched.
#[derive(Clone, Copy, Debug)]
struct Match {
    block: u32,
    score: f64,
    /// The stem (index into `terms`) that matched, for words.
    stem: Option<usize>,
    /// True for an ID.
    key: bool,
}

/// Matches, grouped by scope.
#[derive(Default)]
struct Found {
    by_scope: BTreeMap<Scope, Vec<Match>>,
}

impl Found {
    fn add(&mut self, index: &IndexData, m: Match) {
        self.by_scope
            .entry(scope(index, m.block))
            .or_default()
            .push(m);
    }

    /// True when run book `r` holds a match in its own blocks or in a
    /// phase's text (not counting phase names, which every run book shares).
    fn holds(&self, r: usize) -> bool {
        self.by_scope.contains_key(&Scope::Runbook(r))
            || self.by_scope.contains_key(&Scope::Situation(r))
            || self
                .by_scope
                .range(Scope::Doc(r * 6)..=Scope::Doc(r * 6 + 5))
                .next()
                .is_some()
    }

    fn best(&self, scopes: &[Scope]) -> f64 {
        let mut s = 0.0f64;
        for sc in scopes {
            for m in self.by_scope.get(sc).into_iter().flatten() {
                s = s.max(m.score);
            }
        }
        s
    }

    /// The best of the run book's blocks plus the best of the phase's
    /// plus the best of the phase's name, description and phase words (a
    /// separate sum: else a phase word, which every run book's phase
    /// holds, would hide the run book's own use of the word).
    fn score(&self, doc: &DocScopes) -> f64 {
        self.best(&doc.own) + self.best(&doc.phase) + NAME_SHARE * self.best(&doc.name)
    }

    fn each<'a>(&'a self, doc: &'a DocScopes) -> impl Iterator<Item = &'a Match> + 'a {
        doc.own
            .iter()
            .chain(doc.phase.iter())
            .chain(doc.name.iter())
            .filter_map(|s| self.by_scope.get(s))
            .flatten()
    }
}

/// The scopes a document sees: its run book's (or glossary entry's) own
/// blocks, its phase's, and its phase's name blocks.
struct DocScopes {
    own: Vec<Scope>,
    phase: Vec<Scope>,
    name: Vec<Scope>,
}

/// One way a term can match: directly, or all stems of a group together.
enum Alternative {
    Direct(Found),
    All(f64, Vec<Found>),
}

impl Alternative {
    fn founds(&self) -> &[Found] {
        match self {
            Alternative::Direct(f) => std::slice::from_ref(f),
            Alternative::All(_, parts) => parts,
        }
    }
    fn founds_mut(&mut self) -> &mut [Found] {
        match self {
            Alternative::Direct(f) => std::slice::from_mut(f),
            Alternative::All(_, parts) => parts,
        }
    }
}

fn weight(index: &IndexData, block: u32) -> f64 {
    index.weights[index.blocks[block as usize].0 as usize]
}

/// Adds every block holding stem number `t`, scored `weight × quality`.
fn add_stem(index: &IndexData, found: &mut Found, t: usize, quality: f64) {
    for block in index.posting(t) {
        let m = Match {
            block,
            score: weight(index, block) * quality,
            stem: Some(t),
            key: false,
        };
        found.add(index, m);
    }
}

fn exact(index: &IndexData, stem: &str) -> Option<usize> {
    index.terms.binary_search_by(|t| t.as_str().cmp(stem)).ok()
}

/// The stems a word matches, with how well, by stem number.
fn candidates(index: &IndexData, norm: &str, stem: &str, open: bool) -> BTreeMap<usize, f64> {
    let mut out: BTreeMap<usize, f64> = BTreeMap::new();
    let mut offer = |t: usize, q: f64| {
        let e = out.entry(t).or_insert(0.0);
        if q > *e {
            *e = q;
        }
    };
    let known = exact(index, stem);
    if let Some(t) = known {
        offer(t, EXACT);
    }
    let chars: Vec<char> = norm.chars().collect();
    let n = chars.len();
    if open && n >= 2 {
        // Stems the typed letters begin…
        let from = index.terms.partition_point(|t| t.as_str() < norm);
        for (t, term) in index.terms.iter().enumerate().skip(from) {
            if !term.starts_with(norm) {
                break;
            }
            offer(t, PREFIX);
        }
        // …and stems the typed letters have run past ("encrypti" → encrypt).
        for len in n.saturating_sub(3).max(4)..n {
            let head: String = chars[..len].iter().collect();
            if let Some(t) = exact(index, &head) {
                offer(t, PREFIX);
            }
        }
    }
    // Typos: the typed word against stems within its budget, and its stem
    // against stems within the stem's own (shorter) budget. Only for a word
    // the edition does not hold as it is: a reader who typed a word the
    // handbook uses meant that word ("changed" is not a typo of "chance").
    let stem_len = stem.chars().count();
    let (budget, stem_budget) = (text::typo_budget(n), text::typo_budget(stem_len));
    if (budget > 0 || stem_budget > 0) && known.is_none() {
        let first = chars[0];
        for (t, term) in index.terms.iter().enumerate() {
            if !term.starts_with(first) {
                continue;
            }
            let len = term.chars().count();
            let mut d = usize::MAX;
            if budget > 0 && len.abs_diff(n) <= budget {
                let dn = text::distance(norm, term);
                if dn <= budget {
                    d = d.min(dn);
                }
            }
            if stem_budget > 0 && len.abs_diff(stem_len) <= stem_budget {
                let ds = text::distance(stem, term);
                if ds <= stem_budget {
                    d = d.min(ds);
                }
            }
            match d {
                0 => offer(t, EXACT),
                1 => offer(t, TYPO1),
                2 => offer(t, TYPO2),
                _ => {}
            }
            if open
                && budget > 0
                && len + budget >= n
                && text::prefix_distance(norm, term) <= budget
            {
                offer(t, PREFIX_TYPO);
            }
        }
    }
    out
}

fn alternatives(index: &IndexData, term: &Term) -> Vec<Alternative> {
    let mut alts = Vec::new();
    match term {
        Term::Word { norm, stem, open } => {
            let mut direct = Found::default();
            for (t, q) in candidates(index, norm, stem, *open) {
                add_stem(index, &mut direct, t, q);
            }
            alts.push(Alternative::Direct(direct));
            let is_self = |m: &Vec<String>| m.len() == 1 && m[0] == *stem;
            for group in index.synonyms.iter().filter(|g| g.iter().any(is_self)) {
                for member in group.iter().filter(|m| !is_self(m)) {
                    alts.push(Alternative::All(SYNONYM, stems_found(index, member)));
                }
            }
        }
        Term::Key { key, stems } => {
            let mut direct = Found::default();
            for block in index.keys.get(key).into_iter().flatten() {
                let m = Match {
                    block: *block,
                    score: index.key_weight,
                    stem: None,
                    key: true,
                };
                direct.add(index, m);
            }
            alts.push(Alternative::Direct(direct));
            if !stems.is_empty() {
                alts.push(Alternative::All(KEY_WORDS, stems_found(index, stems)));
            }
        }
    }
    alts
}

/// For each stem, the blocks holding it exactly.
fn stems_found(index: &IndexData, stems: &[String]) -> Vec<Found> {
    stems
        .iter()
        .map(|s| {
            let mut f = Found::default();
            if let Some(t) = exact(index, s) {
                add_stem(index, &mut f, t, EXACT);
            }
            f
        })
        .collect()
}

/// A block that matched in a document: how many terms matched it, their
/// summed scores, the stems and whether an ID matched.
#[derive(Clone, Default)]
struct BlockMatch {
    count: usize,
    total: f64,
    stems: BTreeSet<usize>,
    key: bool,
}

/// A document's score and matched blocks, or `None` when a term does not
/// match it.
///
/// With `partial`, a term that does not match is skipped instead, and the
/// document fails only when no term matches; `matched` flags the terms
/// that did. `weights`, when given, multiplies each term's score.
fn score_doc(
    terms: &[Vec<Alternative>],
    doc: &DocScopes,
    partial: bool,
    weights: Option<&[f64]>,
) -> Option<(f64, BTreeMap<u32, BlockMatch>, Vec<bool>)> {
    let mut total = 0.0;
    let mut blocks: BTreeMap<u32, BlockMatch> = BTreeMap::new();
    let mut matched = vec![false; terms.len()];
    for (ti, alts) in terms.iter().enumerate() {
        let mut best = 0.0f64;
        // This term's matched blocks: block → (best score, stems, key).
        let mut mine: BTreeMap<u32, (f64, BTreeSet<usize>, bool)> = BTreeMap::new();
        let take = |f: &Found, mine: &mut BTreeMap<u32, (f64, BTreeSet<usize>, bool)>| {
            for m in f.each(doc) {
                let e = mine.entry(m.block).or_insert((0.0, BTreeSet::new(), false));
                e.0 = e.0.max(m.score);
                e.1.extend(m.stem);
                e.2 |= m.key;
            }
        };
        // Each alternative's score; the blocks of the best one(s) count.
        let scores: Vec<f64> = alts
            .iter()
            .map(|alt| match alt {
                Alternative::Direct(f) => f.score(doc),
                Alternative::All(quality, parts) => {
                    let least = parts
                        .iter()
                        .map(|p| p.score(doc))
                        .fold(f64::INFINITY, f64::min);
                    if least > 0.0 && least.is_finite() {
                        quality * least
                    } else {
                        0.0
                    }
                }
            })
            .collect();
        for s in &scores {
            best = best.max(*s);
        }
        for (alt, s) in alts.iter().zip(&scores) {
            if *s <= 0.0 || *s < best {
                continue;
            }
            match alt {
                Alternative::Direct(f) => take(f, &mut mine),
                Alternative::All(_, parts) => parts.iter().for_each(|p| take(p, &mut mine)),
            }
        }
        if best <= 0.0 {
            if partial {
                continue;
            }
            return None;
        }
        matched[ti] = true;
        total += match weights {
            Some(w) => best * w[ti],
            None => best,
        };
        for (b, (s, stems, key)) in mine {
            let e = blocks.entry(b).or_default();
            e.count += 1;
            e.total += s;
            e.stems.extend(stems);
            e.key |= key;
        }
    }
    matched.contains(&true).then_some((total, blocks, matched))
}

/// The block that best shows why a document matched: most terms, then the
/// highest total, then the first. `allowed` filters the candidates.
fn best_block(
    index: &IndexData,
    blocks: &BTreeMap<u32, BlockMatch>,
    allowed: impl Fn(Kind) -> bool,
) -> Option<usize> {
    let mut best: Option<(usize, f64, u32)> = None;
    for (b, m) in blocks {
        if !allowed(index.blocks[*b as usize].kind()) {
            continue;
        }
        let better = match best {
            None => true,
            Some((c, t, _)) => m.count > c || (m.count == c && m.total > t),
        };
        if better {
            best = Some((m.count, m.total, *b));
        }
    }
    best.map(|(_, _, b)| b as usize)
}

fn stems_and_keys(
    index: &IndexData,
    blocks: &BTreeMap<u32, BlockMatch>,
    terms: &[Term],
) -> (Vec<String>, Vec<String>) {
    let stems: BTreeSet<&str> = blocks
        .values()
        .flat_map(|m| m.stems.iter().map(|t| index.terms[*t].as_str()))
        .collect();
    let mut keys: Vec<String> = Vec::new();
    if blocks.values().any(|m| m.key) {
        for t in terms {
            if let Term::Key { key, .. } = t {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        keys.sort();
    }
    (stems.into_iter().map(str::to_string).collect(), keys)
}

/// Aliases match as phrases: a match in an alias of `n` words that only
/// `c < n` of the query's terms match counts `c / n` of its weight, so one
/// word of "files locked" does not weigh as much as the whole alias (and a
/// one-word query is not led by every alias that holds the word).
fn scale_aliases(index: &IndexData, alts: &mut [Vec<Alternative>]) {
    let is_alias = |b: u32| {
        matches!(
            index.blocks[b as usize].kind(),
            Kind::Alias | Kind::GlossaryAlias
        )
    };
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    for term in alts.iter() {
        let mut seen = BTreeSet::new();
        for alt in term {
            for f in alt.founds() {
                for m in f.by_scope.values().flatten() {
                    if is_alias(m.block) {
                        seen.insert(m.block);
                    }
                }
            }
        }
        for b in seen {
            *count.entry(b).or_default() += 1;
        }
    }
    let words: BTreeMap<u32, usize> = count
        .keys()
        .map(|b| {
            let n = text::words(index.blocks[*b as usize].text())
                .iter()
                .filter(|w| !text::is_stop_word(&w.norm))
                .count();
            (*b, n)
        })
        .collect();
    for term in alts.iter_mut() {
        for alt in term.iter_mut() {
            for f in alt.founds_mut() {
                for m in f.by_scope.values_mut().flatten() {
                    if let (Some(c), Some(n)) = (count.get(&m.block), words.get(&m.block)) {
                        if c < n {
                            m.score *= *c as f64 / *n as f64;
                        }
                    }
                }
            }
        }
    }
}

/// True when a term can match somewhere in the edition.
fn known(alts: &[Alternative]) -> bool {
    alts.iter().any(|alt| match alt {
        Alternative::Direct(f) => !f.by_scope.is_empty(),
        Alternative::All(_, parts) => {
            !parts.is_empty() && parts.iter().all(|p| !p.by_scope.is_empty())
        }
    })
}

/// Runs a query. `limit` caps the run book hits and the glossary hits.
///
/// Words found nowhere in the edition are dropped (and listed in
/// `ignored`). A page need not hold every remaining word: run books are
/// ranked by their best page and the share of the words they hold (see
/// [`runbook_hits`]), so a reader's question with an answer never shows
/// nothing; `partial` says when no page held them all.
pub fn search(index: &IndexData, query: &str, limit: usize) -> Results {
    let parsed = parse(index, query);
    let mut terms = Vec::new();
    let mut alts: Vec<Vec<Alternative>> = Vec::new();
    let mut ignored = Vec::new();
    for t in parsed {
        let a = alternatives(index, &t);
        if known(&a) {
            terms.push(t);
            alts.push(a);
        } else {
            let (Term::Word { norm, .. } | Term::Key { key: norm, .. }) = &t;
            if !ignored.contains(norm) {
                ignored.push(norm.clone());
            }
        }
    }
    if terms.is_empty() {
        return Results {
            ignored,
            ..Results::default()
        };
    }
    scale_aliases(index, &mut alts);
    let (hits, partial) = runbook_hits(index, &terms, &alts);
    let total = hits.len();
    let mut glossary: Vec<GlossaryHit> = (0..index.glossary.len())
        .filter_map(|g| {
            let doc = DocScopes {
                own: vec![Scope::Glossary(g)],
                phase: Vec::new(),
                name: Vec::new(),
            };
            let (score, blocks, _) = score_doc(&alts, &doc, false, None)?;
            let snippet = best_block(index, &blocks, |k| k != Kind::GlossaryTerm)
                .or(index.glossary[g].definition.map(|b| b as usize));
            Some(GlossaryHit {
                entry: g,
                score,
                snippet,
                stems: stems_and_keys(index, &blocks, &terms).0,
            })
        })
        .collect();
    glossary.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
    glossary.truncate(limit);
    Results {
        hits: hits.into_iter().take(limit).collect(),
        total,
        glossary,
        ignored,
        partial,
    }
}

/// How much each term counts in a page's score: a word that every run book
/// holds counts once, one that only one of `R` run books holds nearly
/// twice: `1 + (R - df) / (R + df)`, where `df` counts the run books that
/// hold it in their own blocks or a phase's text (phase names, which all
/// share, do not count). Else a common word in one run book's title
/// ("computers" in "Malware on computers") outweighs the rarer word that
/// names the reader's situation ("ransomware"). Plain arithmetic, not a
/// logarithm, so the browser's engine agrees to the last bit.
fn term_weights(index: &IndexData, alts: &[Vec<Alternative>]) -> Vec<f64> {
    let r_count = index.runbooks.len();
    alts.iter()
        .map(|term| {
            let df = (0..r_count)
                .filter(|&r| {
                    term.iter().any(|alt| match alt {
                        Alternative::Direct(f) => f.holds(r),
                        Alternative::All(_, parts) => {
                            !parts.is_empty() && parts.iter().all(|p| p.holds(r))
                        }
                    })
                })
                .count();
            let (all, df) = (r_count as f64, df as f64);
            1.0 + (all - df) / (all + df)
        })
        .collect()
}

/// A page of a run book, scored.
struct Page {
    /// Phase, or `None` for the overview.
    phase: Option<usize>,
    score: f64,
    blocks: BTreeMap<u32, BlockMatch>,
    /// Its own text (or a phase's name blocks) matched, not only the
    /// run book's blocks that every page sees.
    specific: bool,
    /// How many terms it holds.
    held: usize,
    /// A term matched the phase's name or phase words (not only its
    /// description): the query asks about the phase.
    asked: bool,
}

/// Every run book's hits, run books best first, and whether no page held
/// every term.
///
/// Each page (six phases and the overview) scores the terms it holds.
/// A run book lists up to [`PER_RUNBOOK`] of its pages that hold the most
/// terms, preferring those whose own text matched, best first. Run books
/// are ordered by their best listed page times the share of the terms the
/// run book holds on any page: a term no page of it holds costs a share,
/// but a filler word that one run book happens to use does not hide
/// another that matches the rest far better.
fn runbook_hits(index: &IndexData, terms: &[Term], alts: &[Vec<Alternative>]) -> (Vec<Hit>, bool) {
    let n = terms.len();
    let weights = term_weights(index, alts);
    let mut partial = true;
    let mut groups: Vec<(f64, usize, Vec<Hit>)> = Vec::new();
    for (r, rb) in index.runbooks.iter().enumerate() {
        let mut pages: Vec<Page> = Vec::new();
        let mut covered = vec![false; n];
        for p in 0..PAGES {
            let phase = (p < 6).then_some(p);
            let own = vec![Scope::Runbook(r), Scope::Situation(r)];
            // The overview's own text is the run book's situation blocks.
            let doc = match phase {
                Some(p) => DocScopes {
                    own,
                    phase: vec![Scope::Doc(r * 6 + p)],
                    name: vec![Scope::Phase(p)],
                },
                None => DocScopes {
                    own,
                    phase: vec![Scope::Situation(r)],
                    name: Vec::new(),
                },
            };
            let Some((mut score, blocks, matched)) = score_doc(alts, &doc, true, Some(&weights))
            else {
                continue;
            };
            let kinds = || blocks.keys().map(|b| index.blocks[*b as usize].kind());
            let specific = match phase {
                Some(_) => kinds().any(|k| k.is_phase_body() || k.is_phase_name()),
                None => kinds().any(Kind::is_situation),
            };
            // An overview found only by an alert is not listed: the home
            // phase is where such a reader starts (and every phase sees
            // what it holds).
            if phase.is_none() && !specific {
                continue;
            }
            let asked = kinds().any(|k| k == Kind::PhaseName);
            if matches!(phase, Some(0 | 5)) && !asked {
                score *= EDGE_PHASE;
            }
            for (c, m) in covered.iter_mut().zip(&matched) {
                *c |= *m;
            }
            let held = matched.iter().filter(|m| **m).count();
            partial &= held < n;
            pages.push(Page {
                phase,
                score,
                blocks,
                specific,
                held,
                asked,
            });
        }
        let most = pages.iter().map(|x| x.held).max().unwrap_or(0);
        let mut chosen: Vec<&Page> = pages.iter().filter(|x| x.held == most).collect();
        if chosen.iter().any(|x| x.specific) {
            chosen.retain(|x| x.specific);
        }
        // Best first; among equals the home phase, then phase order.
        let order = |x: &Page| x.phase.map_or(0, |p| if p == rb.home { 0 } else { 1 + p });
        chosen.sort_by(|a, b| b.score.total_cmp(&a.score).then(order(a).cmp(&order(b))));
        let Some(best) = chosen.first() else {
            continue;
        };
        let value = best.score * covered.iter().filter(|c| **c).count() as f64 / n as f64;
        // The overview leads when it is listed (the situation's words
        // matched its title, aliases or summary), unless the best phase is
        // one the query asks about ("ransomware: how do we restore").
        if let Some(at) = chosen.iter().position(|x| x.phase.is_none()) {
            let overview = chosen.remove(at);
            let to = usize::from(chosen.first().is_some_and(|x| x.asked));
            chosen.insert(to, overview);
        }
        let specific = chosen.first().is_some_and(|x| x.specific);
        chosen.truncate(if specific { PER_RUNBOOK } else { 1 });
        let hits: Vec<Hit> = chosen
            .into_iter()
            .map(|x| {
                // A phase shows its own block, else the run book's best
                // one (an alias, an alert); the overview its own (an alias,
                // a line of the introduction). Failing that, the summary,
                // which the overview page shows first.
                let body = x
                    .phase
                    .and_then(|_| best_block(index, &x.blocks, Kind::is_phase_body));
                let snippet = match x.phase {
                    Some(_) => body.or_else(|| {
                        best_block(index, &x.blocks, |k| {
                            k.is_runbook_level() && k != Kind::Title
                        })
                    }),
                    None => best_block(index, &x.blocks, |k| k.is_situation() && k != Kind::Title),
                }
                .or(rb.summary.map(|b| b as usize));
                let (stems, keys) = stems_and_keys(index, &x.blocks, terms);
                Hit {
                    runbook: r,
                    phase: x.phase,
                    score: x.score,
                    anchor: body
                        .map(|b| index.blocks[b].anchor().to_string())
                        .unwrap_or_default(),
                    snippet,
                    stems,
                    keys,
                }
            })
            .collect();
        groups.push((value, r, hits));
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    (groups.into_iter().flat_map(|g| g.2).collect(), partial)
}

/// The pieces of `text` to mark for a hit, as byte ranges in order: words
/// whose stem matched, and IDs that matched (a technique also marks its
/// sub-techniques: `t1566` marks `T1566.001`).
pub fn marks(text: &str, stems: &[String], keys: &[String]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    if !keys.is_empty() {
        let mut at = 0;
        for chunk in text.split_whitespace() {
            let start = at + text[at..].find(chunk).unwrap_or(0);
            at = start + chunk.len();
            let k = text::normalize_key(chunk);
            let hit = keys.iter().any(|key| {
                k == *key
                    || k.strip_prefix(key.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            });
            if hit {
                let trimmed = chunk.trim_matches(|c: char| !c.is_alphanumeric());
                let offset = chunk.find(trimmed).unwrap_or(0);
                ranges.push((start + offset, start + offset + trimmed.len()));
            }
        }
    }
    for w in text::words(text) {
        if !text::is_stop_word(&w.norm) && stems.iter().any(|s| *s == text::stem(&w.norm)) {
            ranges.push((w.start, w.start + w.raw.len()));
        }
    }
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for r in ranges {
        if out.last().is_none_or(|l| r.0 >= l.1) {
            out.push(r);
        }
    }
    out
}
