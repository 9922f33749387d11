//! No input hangs (issue 15, item 7): deep nesting is capped with an error,
//! and long lines full of placeholders cost their length, not its square.

use crate::{copy_dir, fixture, runbook};
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The `minimal` fixture with `text` as the Identification phase of a run
/// book; returns the folder (kept alive) and the source path.
fn with_phase_text(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let body = format!(
        "---\ntitle: Deep\nsummary: s\n---\n## Preparation\nx\n## Identification\n{text}\n## Containment\nx\n## Eradication\nx\n## Recovery\nx\n## Lessons Learned\nx\n"
    );
    std::fs::write(src.join("deep.md"), body).unwrap();
    (dir, src)
}

/// Runs `check --format json` within `limit`; returns the exit code and problems.
fn check_within(src: &PathBuf, limit: Duration) -> (Option<i32>, Vec<Value>) {
    let out = runbook()
        .args(["check", "--format", "json", "--source"])
        .arg(src)
        .timeout(limit)
        .output()
        .unwrap();
    // Machine formats are written to stdout (see `check::check_all_formats`).
    let problems = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), problems)
}

/// 100,000 levels took over two minutes each before the cap (time grew
/// with depth times size); now each is an error in well under a second
/// (a minute is allowed for a loaded machine running a debug build).
#[test]
fn nesting_deeper_than_a_hundred_levels_is_an_error_not_a_hang() {
    let n = 100_000;
    for (what, text) in [
        ("quotes", format!("{}deep\n", "> ".repeat(n))),
        ("lists", format!("{}deep\n", "- ".repeat(n))),
        (
            "quotes and lists",
            format!("{}deep\n", "> - ".repeat(n / 2)),
        ),
        (
            "emphasis",
            format!("{}deep{}\n", "*".repeat(n), "*".repeat(n)),
        ),
    ] {
        let (_dir, src) = with_phase_text(&text);
        let (status, problems) = check_within(&src, Duration::from_secs(60));
        assert_eq!(status, Some(1), "{what}: {problems:#?}");
        let deep: Vec<&Value> = problems.iter().filter(|p| p["code"] == "RB019").collect();
        assert_eq!(
            deep.len(),
            1,
            "{what}: one problem, not one per level: {problems:#?}"
        );
        let p = deep[0];
        assert_eq!(p["file"], "deep.md", "{p}");
        assert_eq!(p["line"], 8, "{what}: {p}");
        assert!(
            p["column"].as_u64().unwrap() > 100,
            "{what}: points at the 101st level: {p}"
        );
        assert!(p["message"].as_str().unwrap().contains("100 levels"), "{p}");
        assert!(p["hint"].as_str().unwrap().contains("flatten"), "{p}");
    }
}

/// A hundred levels are still read, with no problem.
#[test]
fn a_hundred_levels_are_fine() {
    let (_dir, src) = with_phase_text(&format!("{}deep\n", "> ".repeat(100)));
    let (status, problems) = check_within(&src, Duration::from_secs(60));
    assert!(
        !problems.iter().any(|p| p["code"] == "RB019"),
        "{problems:#?}"
    );
    assert_eq!(status, Some(0), "{problems:#?}");
}

/// Placeholders on one line: every one's column was counted from the start
/// of the line, so 16 times as many took over 100 times as long to parse
/// (200,000 in a run book took 30 s to check); and text that pulldown-cmark
/// splits at every `[` was joined by copying what came before, again and
/// again (`[[[[…` and nested link brackets 100,000 long took 3 s and 21 s).
/// Now 16 times as many take about 16 times as long. Parsing is timed
/// in-process (no lints, no files) so what grows is what is measured, and
/// the faster of two runs is taken; the bound of 48 is three times the
/// linear ratio and far below the square.
#[test]
fn long_lines_parse_in_linear_time() {
    use runbook::diag::{Diagnostics, SourceText};
    use runbook::model::markdown::parse_fragment;
    for (what, unit) in [("placeholders", "{{ provider }} "), ("brackets", "[")] {
        // The fastest of several runs: a loaded machine can only make a run
        // slower, and one slow run of the small input would skew the ratio.
        let time = |n: usize, runs: usize| {
            let source = SourceText::new("t.md", format!("x {}\n", unit.repeat(n)));
            (0..runs)
                .map(|_| {
                    let mut diags = Diagnostics::new();
                    let start = Instant::now();
                    let section = parse_fragment(&source, 0, "t", &mut diags);
                    let took = start.elapsed().as_secs_f64();
                    let text: usize = section.blocks.iter().map(|b| b.text.len()).sum();
                    assert!(text >= n, "{what}: the text is all there");
                    took
                })
                .fold(f64::INFINITY, f64::min)
        };
        let small = time(10_000, 7);
        let large = time(160_000, 3);
        // Linear is 16x; quadratic 256x. 96x leaves room for cache effects
        // and noise while still failing anything quadratic.
        assert!(
            large < small * 96.0,
            "160,000 {what} took {large:.2} s, 10,000 took {small:.2} s"
        );
    }
}
