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
    // Machine formats are written to stderr (see `check::check_all_formats`).
    let problems = String::from_utf8(out.stderr)
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
/// of the line, so 8 times as many took about 64 times as long (200,000
/// took 30 s). Now 8 times as many take about 8 times as long; the bound
/// of 24 leaves room for a noisy machine and is far below the square.
#[test]
fn many_placeholders_on_one_line_cost_their_number() {
    let time = |n: usize| {
        let (_dir, src) = with_phase_text(&format!("x {}\n", "{{ provider }} ".repeat(n)));
        let start = Instant::now();
        let (status, problems) = check_within(&src, Duration::from_secs(300));
        assert_eq!(status, Some(0), "{problems:#?}");
        start.elapsed().as_secs_f64()
    };
    let small = time(10_000);
    let large = time(80_000);
    assert!(
        large < small * 24.0,
        "80,000 placeholders took {large:.2} s, 10,000 took {small:.2} s"
    );
}
