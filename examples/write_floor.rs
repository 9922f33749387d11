//! The disk's floor for a build: writes an existing output folder's files
//! again, from memory, the way `runbook build` writes them, and prints how
//! long the writing took: `cargo run --release --example write_floor --
//! BUILT_OUTPUT NEW_OUTPUT`.
//!
//! `benches/compare.sh` uses it to tell how much of a build is rendering
//! and how much is the kernel creating folders and files: the files are
//! read first (untimed), then written through the same staging folder
//! (`runbook::output::Staging`), with the same parallelism (editions in
//! parallel, the files of each in parallel), and committed. Nothing is
//! rendered, so no generator that writes these files can be faster on this
//! machine. Prints the seconds of the timed part, then the number of files.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rayon::prelude::*;
use runbook::output::Staging;
use runbook::render::Sink;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One edition's files: (path inside the edition, bytes).
type EditionFiles = (String, Vec<(String, Vec<u8>)>);

fn main() {
    let mut args = std::env::args().skip(1);
    let from = PathBuf::from(
        args.next()
            .expect("usage: write_floor BUILT_OUTPUT NEW_OUTPUT"),
    );
    let to = PathBuf::from(
        args.next()
            .expect("usage: write_floor BUILT_OUTPUT NEW_OUTPUT"),
    );
    let editions = read_editions(&from);
    let files: usize = editions.iter().map(|(_, f)| f.len()).sum();
    let started = Instant::now();
    let staging = Staging::new(&to).expect("the staging folder is created");
    editions.into_par_iter().for_each(|(edition, files)| {
        files.into_par_iter().for_each(|(path, bytes)| {
            staging
                .put(&edition, &path, bytes)
                .expect("the file is written");
        });
    });
    staging.commit_all().expect("the output is committed");
    println!("{:.4} {files}", started.elapsed().as_secs_f64());
}

/// Every edition folder under `root` with its files, sorted.
fn read_editions(root: &Path) -> Vec<EditionFiles> {
    let mut editions: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("the built output is readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    editions.sort();
    editions
        .iter()
        .map(|dir| {
            let files = walkdir::WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .map(Result::unwrap)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e.path().strip_prefix(dir).unwrap();
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    (rel, std::fs::read(e.path()).unwrap())
                })
                .collect();
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (name, files)
        })
        .collect()
}
