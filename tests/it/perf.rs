//! Parse once, render many (issue 7): editions reuse the one parsed form of
//! each run book, and rendering never goes back to the source files.

use crate::{build, copy_dir, read_tree, root};
use runbook::edition::{self, EditionOptions, Piece};
use runbook::model::markdown::{Section, Segment};
use runbook::model::Model;
use runbook::render::theme::Theme;
use runbook::render::Sink;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The address ranges of every HTML segment the model parsed.
fn parsed_html(model: &Model) -> Vec<(usize, usize)> {
    let mut sections: Vec<&Section> = vec![&model.handbook.start_here];
    for rb in &model.runbooks {
        sections.push(&rb.intro);
        sections.extend(rb.phases.iter().map(|(_, s)| s));
    }
    sections
        .iter()
        .flat_map(|s| &s.segments)
        .filter_map(|seg| match seg {
            Segment::Html(h) => Some((h.as_ptr() as usize, h.len())),
            _ => None,
        })
        .collect()
}

#[test]
fn every_edition_borrows_the_html_parsed_once() {
    let (model, diags) = runbook::load(&root().join("runbooks"));
    assert!(!diags.has_errors());
    let model = model.unwrap();
    let parsed = parsed_html(&model);
    let options = EditionOptions {
        include_drafts: true,
        date: None,
        ..EditionOptions::default()
    };
    let editions = edition::all(&model, &options);
    assert!(editions.len() >= 3, "the sample has clients and the SOC");
    let mut shared = 0;
    for e in &editions {
        let bodies =
            std::iter::once(&e.start_here).chain(e.runbooks.iter().flat_map(|rb| {
                std::iter::once(&rb.intro).chain(rb.phases.iter().map(|p| &p.body))
            }));
        for piece in bodies.flatten() {
            if let Piece::Html(h) = piece {
                let at = h.as_ptr() as usize;
                // Not a copy and not a second parse: the very bytes the
                // model holds, which each run book's one parse produced.
                assert!(
                    parsed
                        .iter()
                        .any(|(start, len)| at >= *start && at + h.len() <= start + len),
                    "edition {} holds HTML that is not the model's: {h:?}",
                    e.slug
                );
                shared += 1;
            }
        }
    }
    assert!(shared > 100, "only {shared} HTML pieces checked");
}

/// Keeps pages in memory.
#[derive(Default)]
struct Memory(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn put(&self, edition: &str, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(format!("{edition}/{path}"), bytes);
        Ok(())
    }
}

#[test]
fn rendering_reads_no_source_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&root().join("runbooks"), &src);
    let (model, diags) = runbook::load(&src);
    assert!(!diags.has_errors());
    let model = model.unwrap();
    let theme = Theme::load(&model.handbook.theme).ok().unwrap();
    // Everything a build needs is in the model now: take the sources away.
    std::fs::remove_dir_all(&src).unwrap();
    // The sample lives in this repository: `build` names its version in
    // footers and compares Meridian's approved version (read from git,
    // not from the source files), so the same is given here.
    let sample = root().join("runbooks");
    let options = EditionOptions {
        include_drafts: false,
        date: None,
        version: Some(runbook::history::version(&sample)),
        changes: runbook::history::approvals(&model, &sample).0,
    };
    let memory = Memory::default();
    let stats = runbook::render_editions(&model, &theme, &options, None, &memory).unwrap();
    let pages = memory.0.into_inner().unwrap();
    assert_eq!(stats.pages + stats.assets, pages.len());
    // And it is the very output `runbook build` writes from the files.
    let (_t, out) = build(&root().join("runbooks"));
    let built = read_tree(&out);
    assert_eq!(
        pages.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &pages {
        assert!(bytes == &built[path], "{path} differs");
    }
}
