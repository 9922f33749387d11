//! The private-use characters runbook writes into text to mark places that
//! a later stage fills in, and what they stand for.
//!
//! The model leaves them in body HTML (holes, links to page roots, step ids,
//! glossary terms); render replaces them per page. They live here, below
//! `source` (which replaces them in every file it reads, so sources never
//! hold one), `model` (which writes them) and `render` (which reads them),
//! so that none of those has to import another for them. All are U+E000 to
//! U+E00F: three bytes in UTF-8, starting with `0xEE`.

/// Opens a hole in a section's HTML: followed by the hole's number in
/// decimal and [`HOLE_CLOSE`]; the model splits holes out into segments.
pub(crate) const HOLE_OPEN: char = '\u{E000}';
/// Closes a hole.
pub(crate) const HOLE_CLOSE: char = '\u{E001}';

/// Stands for the relative path from a page to its edition's root (`../../`)
/// in body HTML, which is rendered once and shown on pages at different
/// depths; render replaces it per page.
pub(crate) const PAGE_ROOT: char = '\u{E002}';

/// Opens a marked glossary term: followed by the term's index in decimal,
/// then [`TERM_WORD`], the words as written, and [`TERM_CLOSE`].
pub(crate) const TERM_OPEN: char = '\u{E003}';
/// Separates the term index from the words.
pub(crate) const TERM_WORD: char = '\u{E004}';
/// Closes a marked glossary term.
pub(crate) const TERM_CLOSE: char = '\u{E005}';

/// Stands for a step's `id` attribute in body HTML, followed by the step's
/// number: render writes ` id="step-<n>"` ([`STEP_ANCHOR_PREFIX`]) on the
/// step's phase page, the one page that search results link into, and
/// nothing on print pages, which show many phases (and run books) and would
/// need far longer ids.
pub(crate) const STEP_ID: char = '\u{E006}';

/// What a step's id on its phase page starts with, before its number
/// (what [`STEP_ID`] becomes there; search links to it too). Heading ids
/// there all start with `<runbook>-<phase>-` (the body is shared with print
/// pages, where they must be unique), so a step's id cannot meet one.
pub(crate) const STEP_ANCHOR_PREFIX: &str = "step-";

/// Characters runbook reserves for its own markers; sources never contain
/// them (they are replaced when files are read).
pub(crate) fn is_reserved(c: char) -> bool {
    matches!(
        c,
        HOLE_OPEN | HOLE_CLOSE | PAGE_ROOT | STEP_ID | TERM_OPEN | TERM_WORD | TERM_CLOSE
    )
}
