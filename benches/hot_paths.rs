//! Micro-benchmarks for the hot paths of a build: parsing a run book (front
//! matter and phase split), resolving responsibility, rendering the pages of
//! one edition (331 pages: divide for the time per page), its search index,
//! and projecting an edition. Run with `cargo bench --bench hot_paths`; the corpus is
//! written by the same code as `examples/corpus.rs` into a temporary folder.

#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use runbook::diag::Diagnostics;
use runbook::edition::{self, EditionOptions, Reader};
use runbook::model::markdown::parse_runbook_body;
use runbook::model::responsibility::{
    resolve_responsibility, Layer, Party, PhaseMap, Responsibility,
};
use runbook::render::theme::Theme;
use runbook::render::Sink;
use std::path::PathBuf;

#[path = "../examples/corpus.rs"]
mod corpus;

struct Discard;
impl Sink for Discard {
    fn put(&self, _: &str, _: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        std::hint::black_box(bytes);
        Ok(())
    }
}

fn corpus() -> PathBuf {
    // The name changes when the corpus does (v2: real ATT&CK IDs, which
    // `check` validates), so a corpus cached by an older build is not reused.
    let dir = std::env::temp_dir().join("runbook-bench-corpus-v2");
    if !dir.join("runbooks/handbook.yaml").exists() {
        corpus::generate(&dir, 40, 5).unwrap();
    }
    dir.join("runbooks")
}

fn benches(c: &mut Criterion) {
    let src = corpus();
    let path = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .min()
        .unwrap();
    c.bench_function(
        "front matter + phase split (one run book of about 1,300 words)",
        |b| {
            b.iter(|| {
                let mut d = Diagnostics::new();
                let raw = runbook::source::load_runbook(&src, &path, &mut d).unwrap();
                let body = parse_runbook_body(&raw.source, raw.body_start, &raw.slug, &mut d);
                std::hint::black_box(body);
            })
        },
    );

    let mut plan: PhaseMap = [None; 6];
    plan[2] = Some(Responsibility {
        lead: Party::Soc,
        advisor: Some(Party::Client),
    });
    let mut runbook_layer: PhaseMap = [None; 6];
    runbook_layer[1] = Some(Responsibility::lead(Party::Shared));
    let empty: PhaseMap = [None; 6];
    c.bench_function("responsibility resolution (six phases, five layers)", |b| {
        b.iter(|| {
            std::hint::black_box(resolve_responsibility(&[
                (Layer::Handbook, &empty),
                (Layer::Plan, &plan),
                (Layer::Client, &empty),
                (Layer::Runbook, &runbook_layer),
                (Layer::Override, &empty),
            ]))
        })
    });

    let (model, diags) = runbook::load(&src);
    assert!(!diags.has_errors());
    let model = model.unwrap();
    let theme = Theme::load(&model.handbook.theme).ok().unwrap();
    let options = EditionOptions::default();
    c.bench_function("render one client edition (40 run books, all pages)", |b| {
        b.iter(|| {
            let e = edition::edition(&model, Reader::Client(&model.clients[0]), &options);
            runbook::render::render_edition(&e, &theme, &Discard).unwrap()
        })
    });
    let e = edition::edition(&model, Reader::Client(&model.clients[0]), &options);
    c.bench_function("search index of one client edition (build + script)", |b| {
        b.iter(|| std::hint::black_box(runbook::search::script(&e)))
    });
    c.bench_function(
        "project one client edition (responsibility, placeholders, filtering)",
        |b| {
            b.iter(|| {
                std::hint::black_box(edition::edition(
                    &model,
                    Reader::Client(&model.clients[0]),
                    &options,
                ))
            })
        },
    );
}

criterion_group! {
    name = hot;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(hot);
