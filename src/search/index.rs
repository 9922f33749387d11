//! Building an edition's search index, and its file format.
//!
//! The index is a list of *blocks* (a title, an alias, an alert, a step, a
//! paragraph, a glossary entry…), each with its text for snippets, and an
//! inverted list from word stems to the blocks that hold them. A search hit
//! is a phase of a run book: it sees the blocks of that phase, the run book's
//! own blocks (title, aliases, alerts, ATT&CK IDs, summary, introduction) and
//! the phase's name. Glossary entries are found on their own.

use super::text::{self, FastMap, STOP_WORDS};
use super::vocabulary;

use crate::edition::words::{advisor_words, party_words};
use crate::edition::{Edition, EditionPhase, EditionRunbook, Piece, TextPiece};
use crate::marker::STEP_ANCHOR_PREFIX;
use crate::model::markdown::BlockKind;
use crate::model::phase::Phase;
use crate::model::responsibility::Responsibility;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Where the index is written inside an edition.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// The global variable the index script assigns.
pub const INDEX_GLOBAL: &str = "RUNBOOK_SEARCH_INDEX";

/// Version of the file format; the engine refuses an index of another one.
/// 2: phase descriptions have a kind of their own.
pub const FORMAT_VERSION: u32 = 2;

/// What a block is. The number is its code in the file; the weight (in
/// [`IndexData::weights`]) is how much a word found there counts, so that
/// titles and aliases rank above body text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// A run book's title (doc: run book).
    Title = 0,
    /// One of its aliases (doc: run book).
    Alias = 1,
    /// One of its alert names/IDs (doc: run book).
    Alert = 2,
    /// One ATT&CK technique ID (doc: run book).
    Attack = 3,
    /// Its summary (doc: run book).
    Summary = 4,
    /// A block of its introduction (doc: run book).
    Intro = 5,
    /// A phase's name, shared by every run book (doc: phase).
    PhaseName = 6,
    /// A heading inside a phase (doc: run book × 6 + phase).
    Heading = 7,
    /// A step (doc: run book × 6 + phase).
    Step = 8,
    /// A paragraph, table cell or code block (doc: run book × 6 + phase).
    Paragraph = 9,
    /// A glossary term (doc: glossary entry).
    GlossaryTerm = 10,
    /// One of a glossary term's aliases (doc: glossary entry).
    GlossaryAlias = 11,
    /// A glossary definition (doc: glossary entry).
    GlossaryDefinition = 12,
    /// A phase's description (handbook.yaml `phases`, or the built-in one),
    /// shared by every run book (doc: phase). Apart from [`Kind::PhaseName`]
    /// because it is an everyday sentence ("taking a computer off the
    /// network"): its words help choose the phase, but do not mean the
    /// query asks about the phase.
    PhaseDescription = 13,
}

impl Kind {
    /// Every kind, by code.
    pub const ALL: [Kind; 14] = [
        Kind::Title,
        Kind::Alias,
        Kind::Alert,
        Kind::Attack,
        Kind::Summary,
        Kind::Intro,
        Kind::PhaseName,
        Kind::Heading,
        Kind::Step,
        Kind::Paragraph,
        Kind::GlossaryTerm,
        Kind::GlossaryAlias,
        Kind::GlossaryDefinition,
        Kind::PhaseDescription,
    ];

    /// The kind with this code.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(usize::from(code)).copied()
    }

    /// How much a word found in this kind of block counts.
    pub fn weight(self) -> f64 {
        match self {
            Kind::Title | Kind::GlossaryTerm => 10.0,
            Kind::Alias | Kind::GlossaryAlias => 8.0,
            Kind::Alert | Kind::Attack => 6.0,
            Kind::Summary | Kind::PhaseName | Kind::PhaseDescription => 3.0,
            Kind::Heading => 2.0,
            Kind::Intro | Kind::Step => 1.5,
            Kind::Paragraph | Kind::GlossaryDefinition => 1.0,
        }
    }

    /// True for blocks that belong to one run book as a whole.
    pub fn is_runbook_level(self) -> bool {
        (self as u8) <= Kind::Intro as u8
    }

    /// True for the blocks that say what the situation is: the run book's
    /// title, aliases, summary and introduction, the text of its overview
    /// page. They are the overview's own text in a search (alerts and
    /// ATT&CK IDs, also run-book-wide, lead to a phase).
    pub fn is_situation(self) -> bool {
        matches!(
            self,
            Kind::Title | Kind::Alias | Kind::Summary | Kind::Intro
        )
    }

    /// True for blocks inside one phase of one run book.
    pub fn is_phase_body(self) -> bool {
        matches!(self, Kind::Heading | Kind::Step | Kind::Paragraph)
    }

    /// True for glossary blocks.
    pub fn is_glossary(self) -> bool {
        matches!(
            self,
            Kind::GlossaryTerm | Kind::GlossaryAlias | Kind::GlossaryDefinition
        )
    }

    /// True for the blocks that name and describe a phase, which every run
    /// book's phase sees.
    pub fn is_phase_name(self) -> bool {
        matches!(self, Kind::PhaseName | Kind::PhaseDescription)
    }
}

/// How much an exact alert or ATT&CK ID counts: more than any word.
pub const KEY_WEIGHT: f64 = 12.0;

/// One block: kind code, document, text, anchor. The anchor is `#` and a
/// step's id, or the part of a heading's id after `<runbook>-<phase>-` on
/// the phase page, or "".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block(pub u8, pub u32, pub String, pub String);

impl Block {
    /// The block's kind (`Paragraph` for an unknown code).
    pub fn kind(&self) -> Kind {
        Kind::from_code(self.0).unwrap_or(Kind::Paragraph)
    }
    /// The document number (see [`Kind`]).
    pub fn doc(&self) -> usize {
        self.1 as usize
    }
    /// The text.
    pub fn text(&self) -> &str {
        &self.2
    }
    /// The anchor suffix, or "".
    pub fn anchor(&self) -> &str {
        &self.3
    }
}

/// A phase, for result labels and links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseEntry {
    /// Slug (`containment`).
    pub slug: String,
    /// Name (`Containment`).
    pub name: String,
}

/// A responsibility badge as results show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeEntry {
    /// `soc`, `client` or `shared`.
    pub lead: String,
    /// `soc` or `client`, when someone advises.
    pub advisor: Option<String>,
    /// Who leads, in words ("Your team").
    pub label: String,
    /// Who advises, in words ("advised by our SOC team").
    pub advised: Option<String>,
}

/// A run book, for result labels and links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunbookEntry {
    /// Folder name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The phase (index) a hit on the run book as a whole links to.
    pub home: usize,
    /// Badge (index into [`IndexData::badges`]) of each phase.
    pub badges: Vec<usize>,
    /// For each phase, the badge of each step the edition shows, in step
    /// order (`data-step` 1 first): a hit on a step shows the step's own
    /// badge, which its marker may set apart from its phase's.
    pub steps: Vec<Vec<usize>>,
    /// The summary's block: the snippet when nothing else is better.
    pub summary: Option<u32>,
}

/// A glossary entry, for result links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GlossaryEntry {
    /// The term.
    pub term: String,
    /// Its anchor on the glossary page is `term-<slug>`.
    pub slug: String,
    /// The definition's block: the snippet when nothing else is better.
    pub definition: Option<u32>,
}

/// An edition's search index, as written to (and read from) its file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexData {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The edition's slug.
    pub edition: String,
    /// Stop words ([`STOP_WORDS`]), so the browser uses the same list.
    pub stop: Vec<String>,
    /// Weight of each block kind, by code ([`Kind::weight`]).
    pub weights: Vec<f64>,
    /// Weight of an exact alert or ATT&CK ID ([`KEY_WEIGHT`]).
    pub key_weight: f64,
    /// The six phases.
    pub phases: Vec<PhaseEntry>,
    /// Distinct badges.
    pub badges: Vec<BadgeEntry>,
    /// Run books, in the edition's order.
    pub runbooks: Vec<RunbookEntry>,
    /// Glossary entries.
    pub glossary: Vec<GlossaryEntry>,
    /// Every block.
    pub blocks: Vec<Block>,
    /// Word stems, sorted.
    pub terms: Vec<String>,
    /// For each stem, the blocks holding it: ascending block numbers, each
    /// written as the difference from the one before (the first as is).
    pub postings: Vec<Vec<u32>>,
    /// Alert and ATT&CK IDs (normalized) → blocks, ascending.
    pub keys: BTreeMap<String, Vec<u32>>,
    /// Groups of words that mean the same (a glossary term and its aliases,
    /// and the built-in families of `super::vocabulary`), each member a
    /// list of stems.
    pub synonyms: Vec<Vec<Vec<String>>>,
    /// Who to call when a search finds nothing: the provider's `soc`
    /// contact (or its first contact with a phone number).
    pub call: Option<CallEntry>,
}

/// A contact shown when a search finds nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallEntry {
    /// Team or person (or the contact's label).
    pub name: String,
    /// Phone number as written.
    pub phone: String,
}

/// The contact to call when a search finds nothing (see [`IndexData::call`]).
fn call_entry(edition: &Edition<'_>) -> Option<CallEntry> {
    let with_phone = || {
        edition
            .provider_contacts
            .iter()
            .filter(|c| c.phone.is_some())
    };
    let c = with_phone()
        .find(|c| c.id == "soc")
        .or_else(|| with_phone().next())?;
    Some(CallEntry {
        name: c
            .name
            .clone()
            .or_else(|| c.label.clone())
            .unwrap_or_default(),
        phone: c.phone.clone().unwrap_or_default(),
    })
}

impl IndexData {
    /// The script that carries this index (it assigns [`INDEX_GLOBAL`]),
    /// written by serde_json: the reference that [`script`], which writes
    /// an edition's index without building an `IndexData`, must match byte
    /// for byte.
    pub fn to_js_bytes(&self) -> Vec<u8> {
        let mut out = script_prefix().into_bytes();
        if serde_json::to_writer(&mut out, self).is_err() {
            // serde_json cannot fail on these plain types.
            out.extend_from_slice(b"null");
        }
        out.extend_from_slice(b";\n");
        out
    }

    /// Reads an index script written by [`script`] or [`IndexData::to_js_bytes`].
    pub fn from_js(js: &str) -> Result<IndexData, String> {
        let start = js
            .find(&format!("{INDEX_GLOBAL}="))
            .map(|i| i + INDEX_GLOBAL.len() + 1)
            .ok_or("not a search index script")?;
        let json = js[start..].trim_end().trim_end_matches(';');
        let data: IndexData = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if data.version != FORMAT_VERSION {
            return Err(format!(
                "index format {} is not {FORMAT_VERSION}",
                data.version
            ));
        }
        Ok(data)
    }

    /// The blocks holding stem number `term`, ascending.
    pub fn posting(&self, term: usize) -> Vec<u32> {
        let mut at = 0u32;
        self.postings
            .get(term)
            .map(|deltas| {
                deltas
                    .iter()
                    .map(|d| {
                        at += d;
                        at
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Collects blocks, written as JSON as they come, and the words in them.
#[derive(Default)]
struct IndexBuilder {
    /// The elements of the `blocks` array, comma-separated.
    blocks: Vec<u8>,
    /// How many blocks so far.
    count: u32,
    /// By stem number (this thread's [`STEMS`]): the blocks holding it,
    /// ascending (blocks are pushed in order).
    postings: Vec<Vec<u32>>,
    /// The stem numbers that have a posting, in first-use order.
    used: Vec<u32>,
    keys: BTreeMap<String, BTreeSet<u32>>,
}

/// A block's anchor (see [`Block`]).
#[derive(Clone, Copy)]
enum Anchor<'a> {
    /// None: the block is found on its page as a whole.
    None,
    /// A step: `#` and the step's id.
    Step(usize),
    /// A heading id without its `<runbook>-<phase>-` prefix.
    Heading(&'a str),
}

impl Anchor<'_> {
    fn write_json(self, out: &mut Vec<u8>) {
        match self {
            Anchor::None => out.extend_from_slice(b"\"\""),
            Anchor::Step(n) => {
                // `#step-<n>`, as render spells it: nothing to escape.
                out.extend_from_slice(b"\"#");
                out.extend_from_slice(STEP_ANCHOR_PREFIX.as_bytes());
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                out.push(b'"');
            }
            Anchor::Heading(id) => write_json(out, id),
        }
    }
}

/// Writes a value as JSON, the way `serde_json` writes [`IndexData`].
fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing these plain types into memory cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// Writes `,"name":value`: one field of an object after its first.
fn write_field<T: Serialize + ?Sized>(out: &mut Vec<u8>, name: &str, value: &T) {
    out.push(b',');
    write_json(out, name);
    out.push(b':');
    write_json(out, value);
}

/// Writes a number as JSON.
fn write_number(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A block text made ready for the index: single-spaced and written as a
/// JSON string, with the stem numbers of its words.
struct Ready {
    json: Box<[u8]>,
    stems: Rc<[u32]>,
}

/// `text` made ready, or `None` when it has no text at all.
fn ready(text: &str) -> Option<Ready> {
    let text = single_spaced(text);
    if text.is_empty() {
        return None;
    }
    let mut json = Vec::with_capacity(text.len() + 2);
    write_json(&mut json, text.as_str());
    Some(Ready {
        stems: text_stems(&text),
        json: json.into(),
    })
}

/// How many shared texts each thread's memo of ready texts holds at most.
const READY_MEMO_MAX: usize = 100_000;

/// A ready text kept for the editions that show the same text, with a copy
/// of the text it was made from.
type ReadyMemo = FastMap<(usize, usize), (Box<str>, Option<Rc<Ready>>)>;

thread_local! {
    /// Texts borrowed from the model (most blocks read the same in every
    /// edition), by address and length: finding one is hashing two numbers,
    /// not the whole text. An entry counts only while its copy still equals
    /// the text, so a text that later lives at the same address (the next
    /// build in `serve`) is made ready again, never mistaken for the old one.
    static READY: RefCell<ReadyMemo> = RefCell::new(FastMap::default());
    /// The posting lists of the last edition this thread indexed (emptied),
    /// and the length of its blocks.
    static SCRATCH: RefCell<(Vec<Vec<u32>>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

/// [`ready`] for a text the model holds: made once per thread and reused
/// by every edition that shows it.
fn ready_shared(text: &str) -> Option<Rc<Ready>> {
    let key = (text.as_ptr() as usize, text.len());
    let hit = READY.with(|m| {
        m.borrow()
            .get(&key)
            .filter(|(copy, _)| **copy == *text)
            .map(|(_, ready)| ready.clone())
    });
    if let Some(ready) = hit {
        return ready;
    }
    let made = ready(text).map(Rc::new);
    READY.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= READY_MEMO_MAX {
            m.clear();
        }
        m.insert(key, (text.into(), made.clone()));
    });
    made
}

/// `text` with runs of white space as one space and none at either end.
fn single_spaced(text: &str) -> String {
    if is_single_spaced(text) {
        text.to_string()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Whether `text` is already single-spaced: most are, and this is checked
/// for every block of every edition, so ASCII text is checked by bytes.
fn is_single_spaced(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_ascii() {
        // `char::is_whitespace` on ASCII: space and U+0009 to U+000D.
        return bytes.first().is_some_and(|&b| b != b' ')
            && bytes.last().is_some_and(|&b| b != b' ')
            && !bytes.iter().any(|b| (b'\t'..=b'\r').contains(b))
            && memchr::memmem::find(bytes, b"  ").is_none();
    }
    let mut prev_space = true;
    text.chars().all(|c| {
        let ok = !c.is_whitespace() || (c == ' ' && !prev_space);
        prev_space = c.is_whitespace();
        ok
    }) && !prev_space
}

/// How many block texts each thread's memo of their stems holds at most
/// (checked between editions, since the numbers must hold for a whole one).
const STEMS_MEMO_MAX: usize = 100_000;

/// Stems by number, so postings are built by indexing, not by hashing and
/// comparing strings for every word of every edition.
#[derive(Default)]
struct Stems {
    names: Vec<Rc<str>>,
    numbers: FastMap<Rc<str>, u32>,
    /// A space-separated chunk of text → its stem numbers.
    chunks: FastMap<String, Box<[u32]>>,
}

thread_local! {
    /// Block text → the numbers of the stems of its meaningful words. Every
    /// edition indexes (mostly) the same run book text, so each thread
    /// splits, normalizes and stems a text once per build rather than once
    /// per edition.
    static TEXT_STEMS: RefCell<FastMap<String, Rc<[u32]>>> = RefCell::new(FastMap::default());
    /// The stems that those numbers stand for.
    static STEMS: RefCell<Stems> = RefCell::new(Stems::default());
}

/// The stem numbers of the meaningful words of `text` (single-spaced), in
/// order, with repeats.
///
/// A text seen before (in another edition) is one lookup. A new one (most
/// often a block with a placeholder, filled differently for each client)
/// is looked up word by word: a word never spans a space in Unicode word
/// segmentation (UAX #29), so the words of a text are the words of its
/// space-separated chunks, and segmenting a whole text again, the costly
/// part, is needed only for chunks never seen.
fn text_stems(text: &str) -> Rc<[u32]> {
    if let Some(hit) = TEXT_STEMS.with(|m| m.borrow().get(text).cloned()) {
        return hit;
    }
    let stems: Rc<[u32]> = STEMS.with(|stems| {
        let mut stems = stems.borrow_mut();
        let mut out = Vec::new();
        for chunk in text.split(' ') {
            if let Some(known) = stems.chunks.get(chunk) {
                out.extend_from_slice(known);
                continue;
            }
            let numbers: Vec<u32> = text::words(chunk)
                .into_iter()
                .filter(|w| !text::is_stop_word(&w.norm))
                .map(|w| stems.number(text::stem(&w.norm)))
                .collect();
            out.extend_from_slice(&numbers);
            stems.chunks.insert(chunk.to_string(), numbers.into());
        }
        out.into()
    });
    TEXT_STEMS.with(|m| m.borrow_mut().insert(text.to_string(), Rc::clone(&stems)));
    stems
}

impl Stems {
    fn number(&mut self, stem: String) -> u32 {
        if let Some(&n) = self.numbers.get(stem.as_str()) {
            return n;
        }
        let n = self.names.len() as u32;
        let name: Rc<str> = Rc::from(stem);
        self.names.push(Rc::clone(&name));
        self.numbers.insert(name, n);
        n
    }
}

/// Empties this thread's memo when it has grown too large; only between
/// editions, while no stem number is held.
fn trim_stems_memo() {
    TEXT_STEMS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= STEMS_MEMO_MAX {
            m.clear();
            STEMS.with(|s| *s.borrow_mut() = Stems::default());
            // Ready texts hold stem numbers, which start again.
            READY.with(|r| r.borrow_mut().clear());
        }
    });
}

/// The stem that a number stands for.
fn stem_name(n: u32) -> Rc<str> {
    STEMS.with(|s| Rc::clone(&s.borrow().names[n as usize]))
}

impl IndexBuilder {
    /// Adds a block whose text only this edition has (placeholders filled).
    fn push(&mut self, kind: Kind, doc: usize, text: &str, anchor: Anchor<'_>) -> Option<u32> {
        let ready = ready(text)?;
        Some(self.push_ready(kind, doc, &ready, anchor))
    }

    /// Adds a block whose text the model holds: other editions show it too.
    fn push_shared(
        &mut self,
        kind: Kind,
        doc: usize,
        text: &str,
        anchor: Anchor<'_>,
    ) -> Option<u32> {
        let ready = ready_shared(text)?;
        Some(self.push_ready(kind, doc, &ready, anchor))
    }

    /// Adds a block of edition text: shared when it borrows from the model.
    // The `Cow` itself is the point: its variant says whether the text is
    // the model's (shared by editions) or this edition's own.
    #[allow(clippy::ptr_arg)]
    fn push_text(
        &mut self,
        kind: Kind,
        doc: usize,
        text: &Cow<'_, str>,
        anchor: Anchor<'_>,
    ) -> Option<u32> {
        match text {
            Cow::Borrowed(text) => self.push_shared(kind, doc, text, anchor),
            Cow::Owned(text) => self.push(kind, doc, text, anchor),
        }
    }

    fn push_ready(&mut self, kind: Kind, doc: usize, ready: &Ready, anchor: Anchor<'_>) -> u32 {
        let id = self.count;
        self.count += 1;
        for &stem in ready.stems.iter() {
            let at = stem as usize;
            if at >= self.postings.len() {
                self.postings.resize_with(at + 1, Vec::new);
            }
            let ids = &mut self.postings[at];
            if ids.is_empty() {
                self.used.push(stem);
            }
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        let out = &mut self.blocks;
        if id > 0 {
            out.push(b',');
        }
        out.push(b'[');
        write_number(out, kind as u32);
        out.push(b',');
        write_number(out, doc as u32);
        out.push(b',');
        out.extend_from_slice(&ready.json);
        out.push(b',');
        anchor.write_json(out);
        out.push(b']');
        id
    }

    /// A builder that starts with this thread's buffers from the edition
    /// before: the posting lists keep their capacity, so they are not grown
    /// again, push by push, in every edition.
    fn from_scratch() -> IndexBuilder {
        let (postings, blocks) = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        IndexBuilder {
            blocks: Vec::with_capacity(blocks),
            postings,
            ..IndexBuilder::default()
        }
    }

    /// Gives the buffers back for the next edition, emptied.
    fn into_scratch(self) {
        let mut postings = self.postings;
        for &n in &self.used {
            postings[n as usize].clear();
        }
        let blocks = self.blocks.len();
        SCRATCH.with(|s| *s.borrow_mut() = (postings, blocks));
    }

    fn key(&mut self, key: String, block: u32) {
        if !key.is_empty() {
            self.keys.entry(key).or_default().insert(block);
        }
    }
}

/// The first line of the index script, up to the JSON.
fn script_prefix() -> String {
    format!("/* Search index of this handbook, generated by runbook. */\nwindow.{INDEX_GLOBAL}=")
}

/// The search index script of one edition: [`IndexData`] as `serde_json`
/// writes it, assigned to [`INDEX_GLOBAL`].
///
/// The JSON is written as the blocks are found rather than through an
/// [`IndexData`]: the blocks are most of the file, and a text the model
/// holds is escaped and stemmed once per thread, then copied into every
/// edition that shows it.
pub fn script(edition: &Edition<'_>) -> Vec<u8> {
    let soc = edition.is_soc();
    trim_stems_memo();
    let mut b = IndexBuilder::from_scratch();
    for p in Phase::ALL {
        // The name, and the one-word headings accepted for it ("Detection",
        // "Remediation"): longer ones hold everyday words ("incident").
        let mut names = vec![p.name().to_string()];
        names.extend(
            p.synonyms()
                .iter()
                .filter(|s| !s.contains([' ', '-']) && **s != p.name().to_lowercase())
                .map(|s| s.to_string()),
        );
        b.push(Kind::PhaseName, p.index(), &names.join(" "), Anchor::None);
        // The phase's description (handbook.yaml `phases`, or the built-in
        // one) and the words readers use to ask about it ("restore", "stop
        // it spreading"), with the name's weight: they choose the phase.
        b.push(
            Kind::PhaseDescription,
            p.index(),
            &edition.phase_text[p.index()],
            Anchor::None,
        );
        b.push(
            Kind::PhaseName,
            p.index(),
            vocabulary::PHASE_WORDS[p.index()],
            Anchor::None,
        );
    }
    let mut badges: Vec<BadgeEntry> = Vec::new();
    let mut runbooks = Vec::with_capacity(edition.runbooks.len());
    for (r, rb) in edition.runbooks.iter().enumerate() {
        let summary = runbook_blocks(&mut b, r, rb);
        let mut rb_badges = vec![0; 6];
        let mut rb_steps = vec![Vec::new(); 6];
        for ph in &rb.phases {
            rb_badges[ph.phase.index()] =
                badge_number(&mut badges, ph.resolved.responsibility, soc);
            rb_steps[ph.phase.index()] = step_badges(ph)
                .into_iter()
                .map(|resp| badge_number(&mut badges, resp, soc))
                .collect();
        }
        runbooks.push(RunbookEntry {
            slug: rb.slug.to_string(),
            title: rb.title.to_string(),
            home: home_phase(rb),
            badges: rb_badges,
            steps: rb_steps,
            summary,
        });
    }
    let mut glossary = Vec::with_capacity(edition.glossary.len());
    let mut synonyms = Vec::new();
    for (g, term) in edition.glossary.iter().enumerate() {
        b.push_shared(Kind::GlossaryTerm, g, &term.term, Anchor::None);
        for alias in &term.aliases {
            b.push_shared(Kind::GlossaryAlias, g, alias, Anchor::None);
        }
        let definition = b.push_shared(Kind::GlossaryDefinition, g, &term.definition, Anchor::None);
        glossary.push(GlossaryEntry {
            term: term.term.clone(),
            slug: term.slug.clone(),
            definition,
        });
        let mut members: Vec<Vec<String>> = Vec::new();
        for name in std::iter::once(&term.term).chain(&term.aliases) {
            let stems = stems_of(name);
            if !stems.is_empty() && !members.contains(&stems) {
                members.push(stems);
            }
        }
        if members.len() > 1 {
            synonyms.push(members);
        }
    }
    // The built-in families of everyday words, after the glossary's.
    for family in vocabulary::SYNONYMS {
        let mut members: Vec<Vec<String>> = Vec::new();
        for name in family.iter() {
            let stems = stems_of(name);
            if !stems.is_empty() && !members.contains(&stems) {
                members.push(stems);
            }
        }
        if members.len() > 1 {
            synonyms.push(members);
        }
    }
    let phases: Vec<PhaseEntry> = Phase::ALL
        .iter()
        .map(|p| PhaseEntry {
            slug: p.slug().to_string(),
            name: p.name().to_string(),
        })
        .collect();
    let weights: Vec<f64> = Kind::ALL.iter().map(|k| k.weight()).collect();

    // In the order of IndexData's fields, as serde_json writes them.
    let mut out = script_prefix().into_bytes();
    out.reserve(b.blocks.len() + b.blocks.len() / 2);
    out.extend_from_slice(b"{\"version\":");
    write_number(&mut out, FORMAT_VERSION);
    write_field(&mut out, "edition", &edition.slug);
    write_field(&mut out, "stop", STOP_WORDS);
    write_field(&mut out, "weights", &weights);
    write_field(&mut out, "key_weight", &KEY_WEIGHT);
    write_field(&mut out, "phases", &phases);
    write_field(&mut out, "badges", &badges);
    write_field(&mut out, "runbooks", &runbooks);
    write_field(&mut out, "glossary", &glossary);
    out.extend_from_slice(b",\"blocks\":[");
    out.extend_from_slice(&b.blocks);
    out.push(b']');
    write_terms(&mut out, &b.used, &b.postings);
    write_field(&mut out, "keys", &b.keys);
    write_field(&mut out, "synonyms", &synonyms);
    write_field(&mut out, "call", &call_entry(edition));
    out.extend_from_slice(b"};\n");
    b.into_scratch();
    out
}

/// The number of a badge in `badges`, added when it is new.
fn badge_number(badges: &mut Vec<BadgeEntry>, resp: Responsibility, soc: bool) -> usize {
    let entry = BadgeEntry {
        lead: resp.lead.as_str().to_string(),
        advisor: resp.advisor.map(|a| a.as_str().to_string()),
        label: party_words(resp.lead, soc).to_string(),
        advised: resp.advisor.map(|a| advisor_words(a, soc).to_string()),
    };
    badges.iter().position(|e| *e == entry).unwrap_or_else(|| {
        badges.push(entry);
        badges.len() - 1
    })
}

/// Who leads each step of a phase that the edition shows, by step number:
/// the badges its page shows.
fn step_badges(ph: &EditionPhase<'_>) -> Vec<Responsibility> {
    let mut steps = vec![ph.resolved.responsibility; ph.step_count];
    for piece in &ph.body {
        if let Piece::Badge { step, resolved, .. } = piece {
            if let Some(slot) = step.checked_sub(1).and_then(|i| steps.get_mut(i)) {
                *slot = resolved.responsibility;
            }
        }
    }
    steps
}

/// Writes the `terms` (stems, sorted as strings: the order the engine
/// binary-searches) and their `postings` (block numbers as differences).
fn write_terms(out: &mut Vec<u8>, used: &[u32], postings: &[Vec<u32>]) {
    let mut sorted: Vec<(Rc<str>, u32)> = used.iter().map(|&n| (stem_name(n), n)).collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out.extend_from_slice(b",\"terms\":[");
    for (i, (stem, _)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_json(out, &**stem);
    }
    out.extend_from_slice(b"],\"postings\":[");
    for (i, (_, n)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        let mut last = 0;
        for (j, &id) in postings[*n as usize].iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            write_number(out, id - last);
            last = id;
        }
        out.push(b']');
    }
    out.push(b']');
}

/// The stems of the meaningful words of a name.
fn stems_of(name: &str) -> Vec<String> {
    text::words(name)
        .into_iter()
        .filter(|w| !text::is_stop_word(&w.norm))
        .map(|w| text::stem(&w.norm))
        .collect()
}

/// What a run book says about the situation it is for, as index blocks:
/// its title, aliases and summary, in that order. A search for the
/// situation finds the run book's overview through these (with its
/// introduction). This is the one place they are listed: the front
/// matter's `symptom:` line, when it lands, is one more entry here (as
/// `Kind::Summary`, or a kind of its own that [`Kind::is_situation`] names).
fn situation<'a>(rb: &'a EditionRunbook<'_>) -> Vec<(Kind, &'a str)> {
    let mut out = vec![(Kind::Title, rb.title)];
    out.extend(rb.aliases.iter().map(|a| (Kind::Alias, a.as_str())));
    out.push((Kind::Summary, rb.summary));
    out
}

/// Adds a run book's blocks; returns its summary's block.
fn runbook_blocks(b: &mut IndexBuilder, r: usize, rb: &EditionRunbook<'_>) -> Option<u32> {
    let mut summary = None;
    for (kind, text) in situation(rb) {
        let id = b.push_shared(kind, r, text, Anchor::None);
        if kind == Kind::Summary {
            summary = id;
        }
    }
    // What the reader sees is how they will search: ranked as an alias.
    if let Some(symptom) = rb.symptom {
        b.push_shared(Kind::Alias, r, symptom, Anchor::None);
    }
    for alert in rb.alerts {
        if let Some(id) = b.push_shared(Kind::Alert, r, alert, Anchor::None) {
            let keys: Vec<String> = alert
                .split_whitespace()
                .map(text::normalize_key)
                .filter(|k| text::is_id(k))
                .collect();
            for k in keys {
                b.key(k, id);
            }
        }
    }
    for attack in rb.attack {
        if let Some(id) = b.push_shared(Kind::Attack, r, attack, Anchor::None) {
            let key = text::normalize_key(attack);
            // A sub-technique (T1566.001) is also found by its technique (T1566).
            if let Some((parent, _)) = key.split_once('.') {
                b.key(parent.to_string(), id);
            }
            b.key(key, id);
        }
    }
    for piece in &rb.intro_text {
        b.push_text(Kind::Intro, r, &piece.text, Anchor::None);
    }
    for ph in &rb.phases {
        let doc = r * 6 + ph.phase.index();
        for piece in &ph.text {
            let kind = match piece.kind {
                BlockKind::Heading => Kind::Heading,
                BlockKind::Step(_) => Kind::Step,
                BlockKind::Paragraph => Kind::Paragraph,
            };
            b.push_text(kind, doc, &piece.text, anchor(piece, rb.slug, ph.phase));
        }
    }
    summary
}

/// The anchor of a text block on its phase page: `#step-<n>` (a whole id)
/// for a step, else the nearest heading's id without its
/// `<runbook>-<phase>-` prefix, which the page's address gives.
fn anchor<'p>(piece: &TextPiece<'p>, runbook: &str, phase: Phase) -> Anchor<'p> {
    match (piece.step, piece.anchor) {
        (Some(n), _) => Anchor::Step(n),
        (None, Some(id)) => id
            .strip_prefix(runbook)
            .and_then(|id| id.strip_prefix('-'))
            .and_then(|id| id.strip_prefix(phase.slug()))
            .and_then(|id| id.strip_prefix('-'))
            .map_or(Anchor::None, Anchor::Heading),
        (None, None) => Anchor::None,
    }
}

/// Where a hit on the run book as a whole (its title, an alias, an alert)
/// goes: Identification, where a reader confirms what is happening, when it
/// has content; otherwise the first phase that has.
fn home_phase(rb: &EditionRunbook<'_>) -> usize {
    let has_text = |p: Phase| {
        rb.phases
            .iter()
            .any(|ph| ph.phase == p && !ph.text.is_empty())
    };
    if has_text(Phase::Identification) {
        return Phase::Identification.index();
    }
    Phase::ALL
        .iter()
        .find(|p| has_text(**p))
        .map_or(Phase::Identification.index(), |p| p.index())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_stems_are_the_stems_of_the_whole_text() {
        let texts = [
            "Call the SOC on +44 20 7946 0100, then e.g. unplug the laptop's cable.",
            "Don't reply: check the sender's address (it's spoofed) and report it.",
            "Run Get-MessageTrace for 3.14 days; 1,000 users and foo_bar:baz got it.",
            "Café naïve résumé \u{2019}quoted\u{2019} e\u{301}cole \u{1F600} emoji",
        ];
        for text in texts {
            let whole: Vec<Rc<str>> = text::words(text)
                .into_iter()
                .filter(|w| !text::is_stop_word(&w.norm))
                .map(|w| Rc::from(text::stem(&w.norm)))
                .collect();
            let chunked: Vec<Rc<str>> = text_stems(text).iter().map(|&n| stem_name(n)).collect();
            assert_eq!(chunked, whole, "{text}");
        }
    }

    #[test]
    fn single_spacing_matches_split_and_join() {
        for t in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\nb",
            "a\u{a0}b",
            "a\u{2003} b",
            "plain words here",
            "  lead and trail  ",
            "é b",
            "é  b",
            "é\u{2003}b",
        ] {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(single_spaced(t), want, "{t:?}");
        }
    }

    #[test]
    fn memoized_stems_match_fresh_ones() {
        let text = "Running the backups, then checking the running computers";
        let fresh: Vec<String> = stems_of(text);
        for _ in 0..2 {
            let memo: Vec<String> = text_stems(text)
                .iter()
                .map(|&n| stem_name(n).to_string())
                .collect();
            assert_eq!(memo, fresh);
        }
    }
}
