//! `runbook check`: the plain-language lints, planted one per code in the
//! `lints` fixture, asserted in all three output formats; `build` shows the
//! same warnings; the sample passes `--strict` but for one deliberate
//! warning (RB044).

use crate::{build_command, copy_dir, fixture, root, runbook};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One `check` run in every format.
pub struct Run {
    /// Exit code (the same in every format).
    pub status: i32,
    /// `--format json`, one object per problem.
    pub json: Vec<Value>,
    /// `--format human` (no colour: stderr is not a terminal, and NO_COLOR is set).
    pub human: String,
    /// `--format github`.
    pub github: String,
    /// The source folder, to read the lines the text format quotes.
    pub source: std::path::PathBuf,
}

/// Runs `check` on `source` in the three formats.
pub fn check_all_formats(source: &Path, extra: &[&str]) -> Run {
    let run = |format: &str| {
        let out = runbook()
            .arg("check")
            .arg("--source")
            .arg(source)
            .arg("--format")
            .arg(format)
            .args(extra)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        // Machine formats go to stdout and nothing else does; human text
        // goes to stderr and nothing goes to stdout.
        let (text, other) = if format == "human" {
            (stderr, stdout)
        } else {
            (stdout, stderr)
        };
        assert!(
            other.is_empty(),
            "--format {format} printed {other:?} on the other stream"
        );
        (out.status.code().unwrap(), text)
    };
    let (status, json) = run("json");
    let (human_status, human) = run("human");
    let (github_status, github) = run("github");
    assert_eq!(status, human_status, "exit codes agree across formats");
    assert_eq!(status, github_status, "exit codes agree across formats");
    assert!(!human.contains("panicked"), "{human}");
    Run {
        status,
        json: json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect(),
        human,
        github,
        source: source.to_path_buf(),
    }
}

/// What one planted problem must look like.
pub struct Expect<'a> {
    /// `error`, `warning` or `note`.
    pub severity: &'a str,
    /// e.g. `RB100`.
    pub code: &'a str,
    /// Path relative to the source folder.
    pub file: &'a str,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// The message, or its start when it ends with `…`.
    pub message: &'a str,
}

impl Expect<'_> {
    fn message_matches(&self, message: &str) -> bool {
        match self.message.strip_suffix('…') {
            Some(start) => message.starts_with(start),
            None => message == self.message,
        }
    }
}

/// Asserts that `run` reports the problem with its code, file, line, column
/// and message in JSON, GitHub annotations and compiler-style text, and
/// returns its JSON object.
pub fn assert_reported(run: &Run, e: &Expect<'_>) -> Value {
    // JSON: exactly one object at that place with that code.
    let found: Vec<&Value> = run
        .json
        .iter()
        .filter(|p| {
            p["code"] == e.code
                && p["file"] == e.file
                && p["line"] == e.line
                && p["column"] == e.column
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {} at {}:{}:{}, got {:#?}",
        e.code,
        e.file,
        e.line,
        e.column,
        run.json
    );
    let p = found[0];
    assert_eq!(p["severity"], e.severity, "{p}");
    let message = p["message"].as_str().unwrap();
    assert!(
        e.message_matches(message),
        "message {message:?} vs {:?}",
        e.message
    );
    assert!(p["hint"].is_string(), "every problem has a hint: {p}");
    assert!(p["notes"].is_array(), "{p}");

    // GitHub: one annotation command with the location, the code and the message.
    let kind = match e.severity {
        "error" => "error",
        "warning" => "warning",
        _ => "notice",
    };
    // A problem about a whole file (line 0) has no line or column.
    let prefix = if e.line == 0 {
        format!("::{kind} file={},title={} ", e.file, e.code)
    } else {
        format!(
            "::{kind} file={},line={},col={},title={} ",
            e.file, e.line, e.column, e.code
        )
    };
    let escaped = message.replace('%', "%25").replace('\n', "%0A");
    let lines: Vec<&str> = run
        .github
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(&format!("::{escaped}")))
        .collect();
    assert_eq!(lines.len(), 1, "{prefix}…{escaped} in:\n{}", run.github);
    assert!(lines[0].contains("%0Ahint: "), "{}", lines[0]);

    // Human: the title line, the location, and a caret under the column.
    let title = format!("{}[{}]: {message}", e.severity, e.code);
    let at = run
        .human
        .find(&title)
        .unwrap_or_else(|| panic!("{title:?} in:\n{}", run.human));
    let block = &run.human[at..];
    let block = &block[..block.find("\n\n").unwrap_or(block.len())];
    let location = if e.line == 0 {
        format!("--> {}\n", e.file)
    } else {
        format!("--> {}:{}:{}\n", e.file, e.line, e.column)
    };
    assert!(block.contains(&location), "{location:?} in {block}");
    let source = std::fs::read(run.source.join(e.file))
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    caret_under_column(block, e, source.as_deref());
    p.clone()
}

/// The quoted source line is shown with `^` starting under the column.
fn caret_under_column(block: &str, e: &Expect<'_>, source: Option<&str>) {
    // Files outside the source folder (theme templates) are named but not quoted.
    let (Some(source), true) = (source, e.line > 0) else {
        return;
    };
    let text = source
        .lines()
        .nth(e.line as usize - 1)
        .unwrap_or_else(|| panic!("{} has no line {}", e.file, e.line));
    let gutter = format!("{} |", e.line);
    let lines: Vec<&str> = block.lines().collect();
    let Some(i) = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&gutter))
    else {
        panic!("no quoted line {} in {block}", e.line);
    };
    let quoted = lines[i];
    let start = (quoted.find(&gutter).unwrap() + gutter.len() + 1).min(quoted.len());
    // A long line is shown cut around the problem (no fixed column then);
    // text that cannot be shown as is (undecodable bytes, control
    // characters) is shown replaced: only the caret is checked.
    if quoted[start..].starts_with("...") {
        return;
    }
    if !text.contains(|c: char| c == '\u{fffd}' || c.is_control()) && !quoted.ends_with("...") {
        assert_eq!(quoted[start..].trim_end(), text.trim_end(), "{block}");
    }
    let carets = lines[i + 1];
    let caret = carets
        .find('^')
        .unwrap_or_else(|| panic!("no caret in {block}"));
    // Text starts two characters after the gutter's bar.
    let bar = carets
        .find('|')
        .unwrap_or_else(|| panic!("no gutter in {block}"));
    let column = carets[..caret].chars().count() - carets[..bar].chars().count() - 2 + 1;
    assert_eq!(column as u64, e.column, "caret column in {block}");
}

/// The planted lint problems of the `lints` fixture, one per lint code.
const LINTS: &[Expect<'static>] = &[
    Expect {
        severity: "warning",
        code: "RB100",
        file: "jargon.md",
        line: 11,
        column: 21,
        message: "`lateral movement` is jargon that the glossary does not explain",
    },
    Expect {
        severity: "warning",
        code: "RB100",
        file: "jargon.md",
        line: 16,
        column: 24,
        message: "`blue team` is jargon that the glossary does not explain",
    },
    Expect {
        severity: "warning",
        code: "RB101",
        file: "jargon.md",
        line: 15,
        column: 22,
        message: "`RMM` is an acronym that the glossary does not explain",
    },
    Expect {
        severity: "warning",
        code: "RB101",
        file: "handbook.yaml",
        line: 7,
        column: 37,
        message: "`KVM` is an acronym that the glossary does not explain",
    },
    Expect {
        severity: "warning",
        code: "RB110",
        file: "readability.md",
        line: 11,
        column: 1,
        message: "Identification reads at grade 39.7 (Flesch–Kincaid); the limit is 9",
    },
    Expect {
        severity: "warning",
        code: "RB111",
        file: "readability.md",
        line: 17,
        column: 12,
        message: "this sentence has 32 words; the limit is 25: \"Unplug the computer from the network and leave it switched on, then tell everyone in the office not to use it, and call us on the phone as soon as you can.\"",
    },
    Expect {
        severity: "warning",
        code: "RB120",
        file: "thin-phases.md",
        line: 19,
        column: 1,
        message: "Eradication has no steps and no text",
    },
    Expect {
        severity: "warning",
        code: "RB121",
        file: "thin-phases.md",
        line: 15,
        column: 1,
        message: "the client leads Containment but has no step to do",
    },
    Expect {
        severity: "warning",
        code: "RB130",
        file: "stale.md",
        line: 4,
        column: 11,
        message: "last reviewed 2025-06-30, more than 12 months ago",
    },
    Expect {
        severity: "warning",
        code: "RB131",
        file: "unreviewed.md",
        line: 1,
        column: 1,
        message: "this run book has no `reviewed` date",
    },
    Expect {
        severity: "warning",
        code: "RB132",
        file: "future.md",
        line: 4,
        column: 11,
        message: "`reviewed: 2027-03-01` is in the future (today is 2026-12-01)",
    },
    Expect {
        severity: "note",
        code: "RB100",
        file: "draft.md",
        line: 9,
        column: 24,
        message: "`UEBA` is jargon that the glossary does not explain",
    },
];

fn places(run: &Run) -> BTreeSet<(String, String, u64)> {
    run.json
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["file"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_lint_is_reported_in_every_format() {
    let src = fixture("lints");
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 0, "warnings alone pass without --strict");
    for e in LINTS {
        assert_reported(&run, e);
    }
    // Nothing else: SOC-only run books and sections, glossary terms and
    // aliases (`SOC`, `EDR`), and `lint.allow` (`payload`, `NAS`) are quiet.
    let expected: BTreeSet<(String, String, u64)> = LINTS
        .iter()
        .map(|e| (e.code.to_string(), e.file.to_string(), e.line))
        .collect();
    assert_eq!(places(&run), expected);
    assert!(run.human.contains("0 errors, 11 warnings"), "{}", run.human);
}

#[test]
fn lint_problems_carry_useful_notes() {
    let src = fixture("lints");
    let run = check_all_formats(&src, &[]);
    let find = |code: &str, file: &str| {
        run.json
            .iter()
            .find(|p| p["code"] == code && p["file"] == file)
            .unwrap()
            .clone()
    };
    assert_eq!(
        find("RB100", "jargon.md")["notes"][0],
        "also used at jargon.md:20"
    );
    assert_eq!(
        find("RB121", "thin-phases.md")["notes"][0],
        "the client leads it in 2 editions: soc, acme"
    );
    let grade = find("RB110", "readability.md");
    assert!(
        grade["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("the hardest sentence is on line 13: \""),
        "{grade}"
    );
    let draft = find("RB100", "draft.md");
    assert!(
        draft["notes"][0].as_str().unwrap().contains("draft"),
        "{draft}"
    );
    assert!(find("RB100", "jargon.md")["hint"]
        .as_str()
        .unwrap()
        .contains("glossary.yaml"),);
}

#[test]
fn strict_fails_on_lint_warnings_and_build_shows_the_same() {
    let src = fixture("lints");
    let strict = check_all_formats(&src, &["--strict"]);
    assert_eq!(strict.status, 1);

    // `build` reports the same problems (human format) and succeeds without --strict.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let build = build_command(&src, &out).output().unwrap();
    assert_eq!(build.status.code(), Some(0));
    let text = String::from_utf8(build.stderr).unwrap();
    for e in LINTS {
        assert!(
            text.contains(&format!("--> {}:{}:{}", e.file, e.line, e.column))
                && text.contains(&format!("[{}]: {}", e.code, e.message)),
            "build shows {} at {}:{}: {text}",
            e.code,
            e.file,
            e.line
        );
    }
    assert!(out.join("acme/jargon/index.html").is_file());

    // Under --strict the warnings fail the build and nothing is written.
    let out2 = dir.path().join("strict");
    runbook()
        .arg("build")
        .arg("--strict")
        .arg("--source")
        .arg(&src)
        .arg("--out")
        .arg(&out2)
        .assert()
        .code(1);
    assert!(!out2.exists());
}

/// Copies the `lints` fixture, then writes `files` over it.
fn lints_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("lints"), &src);
    for (path, text) in files {
        std::fs::write(src.join(path), text).unwrap();
    }
    dir
}

#[test]
fn client_led_phases_are_checked_per_edition() {
    // With a plan where the SOC leads containment, only the SOC edition
    // (the run book's own responsibility) has the client lead it.
    let handbook = std::fs::read_to_string(fixture("lints").join("handbook.yaml")).unwrap()
        + "plans:\n  managed: {containment: {lead: soc, advisor: client}}\n";
    let dir = lints_with(&[
        ("handbook.yaml", &handbook),
        ("clients/acme.yaml", "name: Acme Ltd\nplan: managed\n"),
    ]);
    let run = check_all_formats(&dir.path().join("runbooks"), &[]);
    let p = run
        .json
        .iter()
        .find(|p| p["code"] == "RB121")
        .unwrap_or_else(|| panic!("{:#?}", run.json));
    assert_eq!(p["notes"][0], "the client leads it in 1 edition: soc");

    // And when the run book itself gives containment to the SOC, nobody is told to lead it.
    let thin = std::fs::read_to_string(fixture("lints").join("thin-phases.md"))
        .unwrap()
        .replace(
            "reviewed: 2026-11-01",
            "reviewed: 2026-11-01\nresponsibility: {containment: soc}",
        );
    let dir = lints_with(&[
        ("handbook.yaml", &handbook),
        ("clients/acme.yaml", "name: Acme Ltd\nplan: managed\n"),
        ("thin-phases.md", &thin),
    ]);
    let run = check_all_formats(&dir.path().join("runbooks"), &[]);
    assert!(
        !run.json.iter().any(|p| p["code"] == "RB121"),
        "{:#?}",
        run.json
    );
}

#[test]
fn a_phase_with_only_soc_content_is_empty_for_clients() {
    let thin = std::fs::read_to_string(fixture("lints").join("thin-phases.md"))
        .unwrap()
        .replace(
            "### Nothing here yet",
            "### Analyst notes {.internal}\n\n- Re-image the host.",
        );
    let dir = lints_with(&[("thin-phases.md", &thin)]);
    let src = dir.path().join("runbooks");
    let run = check_all_formats(&src, &[]);
    assert_reported(
        &run,
        &Expect {
            severity: "warning",
            code: "RB120",
            file: "thin-phases.md",
            line: 19,
            column: 1,
            message: "Eradication has only SOC-only content, so client handbooks show it empty",
        },
    );
}

#[test]
fn lint_settings_change_the_limits() {
    let handbook = std::fs::read_to_string(fixture("lints").join("handbook.yaml"))
        .unwrap()
        .replace("max_sentence_words: 25", "max_sentence_words: 40")
        .replace("stale_after_months: 12", "stale_after_months: 24")
        .replace("max_grade: 9", "max_grade: 50")
        .replace(
            "allow: [payload, NAS]",
            "allow: [payload, NAS, KVM, lateral movement]",
        )
        .replace("jargon: [blue team]", "jargon: []");
    let dir = lints_with(&[("handbook.yaml", &handbook)]);
    let run = check_all_formats(&dir.path().join("runbooks"), &[]);
    let codes: BTreeSet<(String, String, u64)> = places(&run);
    for gone in [
        ("RB111", "readability.md"),
        ("RB130", "stale.md"),
        ("RB110", "readability.md"),
        ("RB101", "handbook.yaml"),
    ] {
        assert!(
            !codes.iter().any(|(c, f, _)| c == gone.0 && f == gone.1),
            "{gone:?} in {codes:?}"
        );
    }
    assert!(
        !codes.contains(&("RB100".into(), "jargon.md".into(), 11)),
        "allowed"
    );
    assert!(
        !codes.contains(&("RB100".into(), "jargon.md".into(), 16)),
        "not extra jargon any more"
    );
    assert!(codes.contains(&("RB101".into(), "jargon.md".into(), 15)));

    // Out-of-range settings are errors in handbook.yaml.
    let bad = std::fs::read_to_string(fixture("lints").join("handbook.yaml"))
        .unwrap()
        .replace("max_grade: 9", "max_grade: 0");
    let dir = lints_with(&[("handbook.yaml", &bad)]);
    let run = check_all_formats(&dir.path().join("runbooks"), &[]);
    assert_eq!(run.status, 1);
    let p = run.json.iter().find(|p| p["code"] == "RB005").unwrap();
    assert_eq!(p["file"], "handbook.yaml");
    assert_eq!(p["line"], 9);
    assert!(
        p["message"].as_str().unwrap().contains("lint.max_grade"),
        "{p}"
    );
}

#[test]
fn today_decides_what_is_stale() {
    // stale.md was reviewed 2025-06-30: stale from 2026-07-01, not on 2026-06-30.
    let run_on = |today: &str| {
        let out = runbook()
            .env("RUNBOOK_TODAY", today)
            .arg("check")
            .arg("--source")
            .arg(fixture("lints"))
            .arg("--format")
            .arg("json")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let stale = |text: &str| {
        text.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .any(|p| p["code"] == "RB130" && p["file"] == "stale.md")
    };
    assert!(!stale(&run_on("2026-06-30")));
    assert!(stale(&run_on("2026-07-01")));
    // An invalid date is a usage error.
    runbook()
        .env("RUNBOOK_TODAY", "soon")
        .arg("check")
        .arg("--source")
        .arg(fixture("lints"))
        .assert()
        .code(2);
}

#[test]
fn the_sample_passes_strict_cleanly() {
    // Cleanly but for one deliberate warning: Meridian Freight's handbook
    // changed since Meridian approved it (RB044), so the sample shows a
    // changes page (docs/history.md).
    let src = root().join("runbooks");
    let human = runbook()
        .arg("check")
        .arg("--strict")
        .arg("--source")
        .arg(&src)
        .output()
        .unwrap();
    let text = String::from_utf8(human.stderr).unwrap();
    assert_eq!(human.status.code(), Some(1), "{text}");
    // A checkout without the approved commit (a shallow clone: RB041 as a
    // warning; an exported copy outside git: RB042) cannot compare, and
    // says so instead, still as the one warning.
    let expected = if has_history() { "RB044" } else { "RB04" };
    assert!(
        text.contains(expected) && text.contains("clients/meridian-freight.yaml"),
        "{text}"
    );
    let run = check_all_formats(&src, &["--strict"]);
    assert_eq!(run.status, 1);
    let codes: Vec<&str> = run
        .json
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    if has_history() {
        assert_eq!(codes, ["RB044"], "{:?}", run.json);
    } else {
        assert_eq!(codes.len(), 1, "{:?}", run.json);
        assert!(["RB041", "RB042"].contains(&codes[0]), "{:?}", run.json);
    }
    assert_eq!(run.github.lines().count(), 1, "{}", run.github);
}

/// True when this checkout holds the commit Meridian Freight's sample
/// approval names (a full clone of main does; a shallow one or an exported
/// copy does not).
fn has_history() -> bool {
    let git = root().join(".git");
    if !git.exists() || git.join("shallow").exists() {
        return false;
    }
    std::process::Command::new("git")
        .args([
            "cat-file",
            "-e",
            "b1b40faee4779f89405e6ae86bee3cc231a45e4f^{commit}",
        ])
        .current_dir(root())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_readme_ci_example_checks_strictly_before_building() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let check = readme
        .find("runbook check --strict")
        .expect("README's CI example runs check --strict");
    let build = readme[check..]
        .find("runbook build")
        .expect("and builds after it");
    assert!(build > 0);
}

#[test]
fn every_code_has_a_planted_problem_test() {
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    let tests: String = std::fs::read_dir(root().join("tests/it"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let codes: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .filter_map(|l| l.split(':').next())
        .filter(|c| c.starts_with("RB"))
        .collect();
    assert!(codes.len() >= 39, "{codes:?}");
    for code in codes {
        assert!(
            tests.contains(&format!("\"{code}\"")),
            "{code} has no test in tests/it"
        );
    }
}

#[test]
fn a_term_is_one_problem_per_handbook_at_its_first_published_use() {
    // `lateral movement` is used in jargon.md (published) and in a draft
    // whose name sorts first: the warning stays at the published use, the
    // draft's use is one of its other places, and the draft gets no note.
    let draft = std::fs::read_to_string(fixture("lints").join("draft.md"))
        .unwrap()
        .replace(
            "We look at the UEBA dashboard.",
            "We look for lateral movement.",
        );
    let dir = lints_with(&[("a-draft.md", &draft)]);
    let run = check_all_formats(&dir.path().join("runbooks"), &[]);
    let uses: Vec<&Value> = run
        .json
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .starts_with("`lateral movement`")
        })
        .collect();
    assert_eq!(uses.len(), 1, "{uses:?}");
    let p = uses[0];
    assert_eq!(
        (&p["file"], &p["line"], &p["severity"]),
        (
            &Value::from("jargon.md"),
            &Value::from(11),
            &Value::from("warning")
        )
    );
    assert_eq!(
        p["notes"][0], "also used at jargon.md:20, a-draft.md:9",
        "{p}"
    );
    assert_eq!(p["related"].as_array().unwrap().len(), 2, "{p}");
    // Used only in drafts, a term is one note at the first draft's use.
    let ueba: Vec<&Value> = run
        .json
        .iter()
        .filter(|p| p["message"].as_str().unwrap().starts_with("`UEBA`"))
        .collect();
    assert_eq!(ueba.len(), 1, "{ueba:?}");
    assert_eq!(ueba[0]["file"], "draft.md");
    assert_eq!(ueba[0]["severity"], "note");
}
