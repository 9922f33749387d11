//! Search: an index built per edition at build time, and the query rules.
//!
//! The index is built from an [`Edition`](crate::edition::Edition) only, so it
//! holds exactly the text that edition shows: no other client's details and,
//! in client editions, nothing SOC-only. It is written as a script asset,
//! `assets/search-index.js`, that assigns a global, because a page opened
//! from disk cannot `fetch` a JSON file. The theme's `search.js` loads it (and
//! the query engine, `search-engine.js`) only when the reader focuses the
//! search box or opens the search page.
//!
//! [`query`] is the reference implementation of the query rules; the browser
//! engine implements the same rules, and `tests/search-vectors.json` holds
//! both to the same answers.

pub mod index;
pub mod query;
pub mod text;
pub(crate) mod vocabulary;

pub use index::{script, IndexData, INDEX_PATH};
