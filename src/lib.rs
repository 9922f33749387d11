//! runbook: a static site generator for security incident run books.
//!
//! The pipeline runs one way, and each stage is a module:
//!
//! ```text
//! files ─► source ─► model ─► edition ─► render ─► output (atomic write)
//!          raw+spans  validated one        pages +     └► serve (memory)
//!                               audience   search
//! ```
//!
//! [`diag`] collects problems from every stage as data; only [`cmd`] prints
//! them or chooses an exit code.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
pub mod cmd;
pub mod diag;
pub mod edition;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod history;
pub mod lint;
pub(crate) mod marker;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;

use diag::Diagnostics;
use edition::{EditionOptions, Reader};
use model::Model;
use rayon::prelude::*;
use render::theme::Theme;
use render::{Sink, Stats};
use std::path::Path;

/// Reads and validates a source folder.
pub fn load(source: &Path) -> (Option<Model>, Diagnostics) {
    let (sources, mut diags) = source::load(source);
    let (model, model_diags) = model::build(&sources);
    diags.extend(model_diags);
    (model, diags)
}

/// Renders the editions of the readers in `only` (every reader's when
/// `None`) into `sink`. Editions render in parallel, and the pages of each
/// in parallel too.
pub fn render_editions<'m>(
    model: &'m Model,
    theme: &Theme,
    options: &EditionOptions,
    only: Option<&[Reader<'m>]>,
    sink: &dyn Sink,
) -> Result<Stats, Diagnostics> {
    let readers = only.map_or_else(|| Reader::all(model), <[Reader<'m>]>::to_vec);
    let results: Vec<Result<Stats, Vec<diag::Diagnostic>>> = readers
        .into_par_iter()
        .map(|reader| {
            let e = edition::edition(model, reader, options);
            render::render_edition(&e, theme, sink)
        })
        .collect();
    let mut total = Stats::default();
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(s) => {
                total.pages += s.pages;
                total.assets += s.assets;
                total.html_bytes += s.html_bytes;
                total.rendered += s.rendered;
            }
            Err(ds) => ds.into_iter().for_each(|d| diags.push(d)),
        }
    }
    if diags.is_empty() {
        Ok(total)
    } else {
        Err(diags)
    }
}
