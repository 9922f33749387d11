//! Seeded mutation test (issue 15, item 10): robustness as part of every
//! `cargo test`, next to the cargo-fuzz targets that run for hours on
//! nightly (docs/fuzzing.md).
//!
//! Each case starts from a valid handbook (the bundled sample or a fixture),
//! changes one file with a few seeded mutations (byte flips, truncation,
//! lines deleted, duplicated or swapped, YAML and Markdown special tokens,
//! NUL, invalid UTF-8, very long lines, nesting past the cap, unknown keys, wrong
//! types) and checks:
//!
//! - in process, every case: no panic, no hang, every problem located
//!   (`runbook::fuzz_entry::check_located`);
//! - with the real binary, every few cases: `check --format json` and
//!   `build` into a folder holding a previous good build exit 0 or 1 only,
//!   print no panic, agree with each other, report every problem with a
//!   file and line (and at least one error on exit 1), finish in time, and
//!   a failed build leaves the previous output byte for byte as it was with
//!   no staging or temporary folder beside it (one build in three is
//!   `--client soc`, which must not touch the other editions).
//!
//! Every failure names its seed; `RUNBOOK_MUTATION_SEED=<seed>` runs that
//! one case alone, and `RUNBOOK_MUTATION_CASES=<n>` runs more (or fewer).

use crate::{copy_dir, fixture, read_tree, root, RECORD, TODAY};
use runbook::fuzz_entry::{check_located, check_sources, WHOLE_FILE_CODES};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases per run by default: sized to stay well under a minute in a debug
/// build on a shared two-core machine (see `mutation_cases_are_robust`).
const CASES: u64 = 200;
/// Every how many cases the binary runs too (the rest run in process,
/// which costs a fraction of a process start and a build's writes).
const BINARY_EVERY: u64 = 4;
/// The first seed; case `i` uses `SEED0 + i`.
const SEED0: u64 = 0x00C0_FFEE_0000;
/// Longer than any honest run takes (a check of the sample takes a fraction
/// of a second); anything slower is reported as a hang.
const TIMEOUT: Duration = Duration::from_secs(20);

/// SplitMix64: a seeded generator in a few lines, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Tokens that mean something to YAML, Markdown or runbook itself.
const TOKENS: &[&[u8]] = &[
    b"---",
    b"...",
    b"{{",
    b"}}",
    b"{{ client.name }}",
    b"{{ contacts.nobody }}",
    b"{{ contacts.it_lead.fax }}",
    b"{{ provider",
    b"{.internal}",
    b" {.INTERNAL}",
    b"[SOC] ",
    b"[Client] ",
    b"[shared]",
    b"- [ ] ",
    b"- [x] [Client] ",
    b"\t",
    b"\0",
    b"\xff\xfe",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xee\x80\x80", // U+E000, a private-use character runbook reserves
    b"\r\n",
    b"\r",
    b"## Containment\n",
    b"## Lessons\n",
    b"## Not a phase\n",
    b"# A title\n",
    b"### Notes {.internal}\n",
    b"```\n",
    b"<script>alert(1)</script>",
    b"<!--",
    b"[link](phishing.md#nowhere)",
    b"[link](nowhere.md)",
    b"[^1]",
    b"[x]: http://example.com\n",
    b"| a | b |\n|---|---|\n",
    b"&anchor ",
    b"*alias",
    b"!!binary ",
    b"? ",
    b": ",
    b"key: [",
    b"{",
    b"]",
    b"'",
    b"\"",
    b"%YAML 1.2\n",
    b"e\xcc\x81\xf0\x9f\x94\xa5",
];

/// Keys runbook does not know, and values of the wrong type.
const UNKNOWN_KEYS: &[&[u8]] = &[b"zzz_unknown: 1\n", b"titel: typo\n", b"contacts: {}\n"];
const WRONG_VALUES: &[&[u8]] = &[
    b"[1, 2]",
    b"{a: b}",
    b"123",
    b"~",
    b"true",
    b"\"\"",
    b"2026-13-45",
    b"-1",
    b"1e999",
    b"&x [*x]",
];

/// Line starts of `bytes`.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1)
            .filter(|i| *i < bytes.len()),
    );
    starts
}

/// Splits into lines that keep their `\n`.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Applies one seeded mutation; returns its name for the failure message.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let len = bytes.len();
    let at = if len == 0 { 0 } else { rng.below(len + 1) };
    let line_at = *rng.pick(&line_starts(bytes));
    match rng.below(13) {
        0 if len > 0 => {
            let i = rng.below(len);
            let bit = rng.below(8);
            bytes[i] ^= 1 << bit;
            format!("flip bit {bit} of byte {i}")
        }
        1 => {
            bytes.truncate(at);
            format!("truncate at {at}")
        }
        2 | 3 => {
            let mut ls = lines(bytes);
            if ls.is_empty() {
                return "no lines".into();
            }
            let i = rng.below(ls.len());
            let j = rng.below(ls.len());
            let what = match rng.below(3) {
                0 => {
                    ls.remove(i);
                    format!("delete line {}", i + 1)
                }
                1 => {
                    let l = ls[i].clone();
                    ls.insert(j, l);
                    format!("copy line {} before line {}", i + 1, j + 1)
                }
                _ => {
                    ls.swap(i, j);
                    format!("swap lines {} and {}", i + 1, j + 1)
                }
            };
            *bytes = ls.concat();
            what
        }
        4..=6 => {
            let token = rng.pick(TOKENS);
            // At a line start half the time: most tokens mean most there.
            let at = if rng.below(2) == 0 { line_at } else { at };
            bytes.splice(at..at, token.iter().copied());
            format!("insert {:?} at {at}", String::from_utf8_lossy(token))
        }
        7 => {
            let (unit, times): (&[u8], usize) = match rng.below(4) {
                0 => (b"word ", 20_000),
                1 => (b"a", 100_000),
                2 => (b"{{ provider }} ", 2_000),
                _ => (b"[SOC] **b** _i_ `c` ", 3_000),
            };
            let long = unit.repeat(times);
            bytes.splice(line_at..line_at, long.iter().copied());
            format!(
                "insert a long line of {times} x {:?} at {line_at}",
                String::from_utf8_lossy(unit)
            )
        }
        8 => {
            // Mostly around the 100-level cap (RB019); one time in eight far
            // past it, where time used to grow worse than linearly with depth
            // (tests/it/limits.rs takes 100,000 levels on its own).
            let depth = if rng.below(8) == 0 {
                1_000 + rng.below(20_000)
            } else {
                1 + rng.below(200)
            };
            let nested: Vec<u8> = match rng.below(5) {
                0 => [b"> ".repeat(depth), b"deep\n".to_vec()].concat(),
                1 => (0..depth.min(60))
                    .flat_map(|d| [b"  ".repeat(d), b"- [SOC] step\n".to_vec()].concat())
                    .collect(),
                2 => [b"[".repeat(depth), b"]".repeat(depth), b"\n".to_vec()].concat(),
                3 => (0..depth.min(100))
                    .flat_map(|d| [b" ".repeat(d), format!("k{d}:\n").into_bytes()].concat())
                    .collect(),
                _ => [
                    b"*".repeat(depth),
                    b"x".to_vec(),
                    b"*".repeat(depth),
                    b"\n".to_vec(),
                ]
                .concat(),
            };
            bytes.splice(line_at..line_at, nested.iter().copied());
            format!("insert nesting {depth} deep at {line_at}")
        }
        9 => {
            // After the first line: inside front matter for a run book,
            // at the top level for a YAML file.
            let key = rng.pick(UNKNOWN_KEYS);
            let starts = line_starts(bytes);
            let at = starts.get(1).copied().unwrap_or(bytes.len());
            bytes.splice(at..at, key.iter().copied());
            format!("insert key {:?} at {at}", String::from_utf8_lossy(key))
        }
        10 | 11 => {
            // Replace the value after some `key: ` with one of the wrong type.
            let value = rng.pick(WRONG_VALUES);
            let colons: Vec<usize> = bytes
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w == b": ")
                .map(|(i, _)| i + 2)
                .collect();
            if colons.is_empty() {
                return "no value to replace".into();
            }
            let start = *rng.pick(&colons);
            let end = bytes[start..]
                .iter()
                .position(|b| *b == b'\n' || *b == b',' || *b == b'}')
                .map_or(bytes.len(), |p| start + p);
            bytes.splice(start..end, value.iter().copied());
            format!(
                "value at {start} becomes {:?}",
                String::from_utf8_lossy(value)
            )
        }
        _ => {
            // A chunk of the file moved elsewhere in it.
            if len < 2 {
                return "too short to move".into();
            }
            let a = rng.below(len);
            let b = (a + 1 + rng.below(200)).min(len);
            let chunk: Vec<u8> = bytes.drain(a..b).collect();
            let to = rng.below(bytes.len() + 1);
            bytes.splice(to..to, chunk);
            format!("move bytes {a}..{b} to {to}")
        }
    }
}

/// A handbook to start from: its source copied into a temporary folder,
/// its files, and (for the binary runs) a good build to protect.
struct Base {
    name: &'static str,
    src: PathBuf,
    files: Vec<(String, Vec<u8>)>,
    out: PathBuf,
    good: BTreeMap<String, Vec<u8>>,
    _dir: tempfile::TempDir,
}

impl Base {
    fn new(name: &'static str, from: &Path) -> Base {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("runbooks");
        copy_dir(from, &src);
        let files: Vec<(String, Vec<u8>)> = read_tree(&src)
            .into_iter()
            .filter(|(p, _)| p.ends_with(".md") || p.ends_with(".yaml"))
            .collect();
        assert!(!files.is_empty(), "{name} has no sources");
        // The output sits alone in its own folder, so anything left beside
        // it (a staging or old folder) shows.
        let out = dir.path().join("out").join("site");
        let build = run_binary(&["build", "--quiet"], &src, Some(&out));
        assert_eq!(build.code, Some(0), "{name} builds: {}", build.stderr);
        let good = read_tree(&out);
        assert!(good.keys().any(|p| p.ends_with("index.html")), "{name}");
        Base {
            name,
            src,
            files,
            out,
            good,
            _dir: dir,
        }
    }
}

/// What one run of the binary did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

/// Runs `runbook ARGS --source SRC [--out OUT]`, killing it after [`TIMEOUT`].
fn run_binary(args: &[&str], src: &Path, out: Option<&Path>) -> Ran {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(args).arg("--source").arg(src);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    let mut child = cmd
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("RUNBOOK_TODAY", TODAY)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes on threads so a chatty run cannot block on a full pipe.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Ran {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        timed_out,
    }
}

/// The JSON problems in whichever stream holds them (json output is moving
/// from stderr to stdout): every line that parses as an object with a code.
fn json_problems(ran: &Ran) -> Vec<Value> {
    ran.stdout
        .lines()
        .chain(ran.stderr.lines())
        .filter(|l| l.trim_start().starts_with('{'))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("code").is_some())
        .collect()
}

/// Checks one case with the binary; returns what went wrong.
/// `only_soc` rebuilds the SOC edition alone (`--client soc`), which swaps
/// one edition folder in and must leave the others as they were.
fn binary_case(base: &mut Base, only_soc: bool) -> Result<(), String> {
    let check = run_binary(&["check", "--format", "json"], &base.src, None);
    let args: &[&str] = if only_soc {
        &["build", "--quiet", "--client", "soc"]
    } else {
        &["build", "--quiet"]
    };
    let build = run_binary(args, &base.src, Some(&base.out));
    for (what, ran) in [("check", &check), ("build", &build)] {
        if ran.timed_out {
            return Err(format!("{what} hung (killed after {TIMEOUT:?})"));
        }
        for text in [&ran.stdout, &ran.stderr] {
            if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
                return Err(format!("{what} panicked:\n{text}"));
            }
        }
        if !matches!(ran.code, Some(0 | 1)) {
            return Err(format!("{what} exited {:?}:\n{}", ran.code, ran.stderr));
        }
    }
    let problems = json_problems(&check);
    let whole_file: Vec<&str> = WHOLE_FILE_CODES.iter().map(|c| c.as_str()).collect();
    for p in &problems {
        let file = p["file"].as_str().unwrap_or("");
        let line = p["line"].as_u64().unwrap_or(0);
        let code = p["code"].as_str().unwrap_or("");
        if file.is_empty() || (line == 0 && !whole_file.contains(&code)) {
            return Err(format!("check reported a problem without a place: {p}"));
        }
    }
    let errors = problems.iter().filter(|p| p["severity"] == "error").count();
    if (check.code == Some(1)) != (errors > 0) {
        return Err(format!(
            "check exited {:?} with {errors} error(s) in its JSON:\n{}{}",
            check.code, check.stdout, check.stderr
        ));
    }
    if check.code != build.code {
        return Err(format!(
            "check exited {:?} but build {:?}:\n{}",
            check.code, build.code, build.stderr
        ));
    }
    let beside: Vec<String> = std::fs::read_dir(base.out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != RECORD)
        .collect();
    if !beside.is_empty() {
        return Err(format!("build left {beside:?} beside its output"));
    }
    let now = read_tree(&base.out);
    if build.code == Some(1) {
        if now != base.good {
            let changed: Vec<&String> = now
                .keys()
                .chain(base.good.keys())
                .filter(|k| now.get(*k) != base.good.get(*k))
                .take(5)
                .collect();
            return Err(format!("a failed build changed the output: {changed:?}"));
        }
    } else {
        // A good build is the previous good build for the next case.
        if !now.keys().any(|p| p.ends_with("index.html")) {
            return Err("a good build left no pages".into());
        }
        if only_soc {
            let touched: Vec<&String> = now
                .keys()
                .chain(base.good.keys())
                .filter(|k| !k.starts_with("soc/") && now.get(*k) != base.good.get(*k))
                .take(5)
                .collect();
            if !touched.is_empty() {
                return Err(format!(
                    "`build --client soc` changed other editions: {touched:?}"
                ));
            }
        }
        base.good = now;
    }
    Ok(())
}

/// Checks one case in process, on a thread so a hang shows as a timeout.
fn in_process_case(src: &Path, file: &str, text: String, render: bool) -> Result<bool, String> {
    let (tx, rx) = mpsc::channel();
    let src = src.to_path_buf();
    let file = PathBuf::from(file);
    std::thread::spawn(move || {
        let (sources, mut diags) = runbook::source::load(&src);
        diags.extend(check_sources(&sources, render));
        let located = check_located(&diags, &[(file.as_path(), text.as_str())]);
        let _ = tx.send(located.map(|()| diags.has_errors()));
    });
    match rx.recv_timeout(TIMEOUT) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("hung (no result in {TIMEOUT:?})")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked (see the message above)".into()),
    }
}

/// The seeds to run: one from `RUNBOOK_MUTATION_SEED`, or
/// `RUNBOOK_MUTATION_CASES` (default [`CASES`]) from [`SEED0`].
fn seeds() -> Vec<u64> {
    let parse = |v: String| {
        let v = v.trim().to_string();
        match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => v.parse().ok(),
        }
    };
    if let Some(seed) = std::env::var("RUNBOOK_MUTATION_SEED").ok().and_then(parse) {
        return vec![seed];
    }
    let cases = std::env::var("RUNBOOK_MUTATION_CASES")
        .ok()
        .and_then(parse)
        .unwrap_or(CASES);
    (SEED0..SEED0 + cases).collect()
}

#[test]
fn mutation_cases_are_robust() {
    let started = Instant::now();
    let mut bases = [
        Base::new("sample", &root().join("runbooks")),
        Base::new("minimal", &fixture("minimal")),
        Base::new("layers", &fixture("layers")),
        Base::new("links", &fixture("links")),
        Base::new("lints", &fixture("lints")),
    ];
    let mut failures: Vec<String> = Vec::new();
    let (mut cases, mut binary_runs, mut with_errors) = (0usize, 0usize, 0usize);
    let seeds = seeds();
    let alone = seeds.len() == 1;
    for seed in seeds {
        let mut rng = Rng(seed);
        // The sample is the richest input but the slowest to check: one
        // case in four uses it, and renders its pages only in the binary
        // runs (in process it stops after the model and lints).
        let base = if rng.below(4) == 0 {
            &mut bases[0]
        } else {
            let i = 1 + rng.below(4);
            &mut bases[i]
        };
        let (file, original) = base.files[rng.below(base.files.len())].clone();
        let mut bytes = original.clone();
        let steps: Vec<String> = (0..1 + rng.below(3))
            .map(|_| mutate(&mut bytes, &mut rng))
            .collect();
        let path = base.src.join(&file);
        std::fs::write(&path, &bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut result =
            in_process_case(&base.src, &file, text, base.name != "sample").map(|errors| {
                with_errors += usize::from(errors);
            });
        if result.is_ok() && (seed % BINARY_EVERY == 0 || alone) {
            binary_runs += 1;
            result = binary_case(base, rng.below(3) == 0);
        }
        std::fs::write(&path, &original).unwrap();
        cases += 1;
        if let Err(problem) = result {
            failures.push(format!(
                "seed {seed:#x} (RUNBOOK_MUTATION_SEED={seed:#x}): {} {file}, {}: {problem}",
                base.name,
                steps.join("; ")
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "mutation: {cases} cases ({binary_runs} through the binary, {with_errors} with problems found) in {:.1} s",
        elapsed.as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The mutations must reach past the first parse: most cases break the
    // sources (and are reported), and the binary ran on a share of them.
    assert!(
        cases == 1 || with_errors * 2 > cases,
        "{with_errors} of {cases}"
    );
    assert!(cases == 1 || binary_runs * BINARY_EVERY as usize * 2 >= cases);
}

/// Special files where sources are expected: a FIFO named as a logo, a run
/// book, a client file or `glossary.yaml` must not block a run (reading a
/// FIFO waits for a writer for ever), and a logo naming `/dev/zero` must not
/// be read (it never ends). Every problem is still located.
#[cfg(unix)]
#[test]
fn special_files_neither_hang_nor_fill_memory() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let fifos = [
        "clients/pipe.png",
        "pipe.md",
        "clients/pipe.yaml",
        "glossary.yaml",
    ];
    for fifo in fifos {
        let made = Command::new("mkfifo").arg(src.join(fifo)).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
    }
    let client = "name: Acme Ltd\nplan: gold\nlogo: pipe.png\ncontacts:\n  it_lead: {label: IT lead, name: Ann, phone: \"+1 555 0101\"}\n";
    std::fs::write(src.join("clients/acme.yaml"), client).unwrap();
    let zero = "name: Zero Ltd\nlogo: ../../../../../../../../../../dev/zero\n";
    std::fs::write(src.join("clients/zero.yaml"), zero).unwrap();
    let check = run_binary(&["check", "--format", "json"], &src, None);
    assert!(!check.timed_out, "check hung on a FIFO");
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let problems = json_problems(&check);
    let at = |code: &str, file: &str, line: u64| {
        problems
            .iter()
            .any(|p| p["code"] == code && p["file"] == file && p["line"] == line)
    };
    // The FIFO is refused unread at the `logo:` line, and `../…/dev/zero`
    // is refused by name.
    assert!(at("RB001", "clients/acme.yaml", 3), "{problems:#?}");
    assert!(at("RB035", "clients/zero.yaml", 2), "{problems:#?}");
    for fifo in ["pipe.md", "clients/pipe.yaml", "glossary.yaml"] {
        assert!(
            problems
                .iter()
                .any(|p| p["code"] == "RB001" && p["file"] == fifo),
            "{fifo}: {problems:#?}"
        );
    }
}

/// Found by the fuzz targets' column check: without `start_here` and
/// without a `soc` contact, the built-in start text's `{{ contacts.soc }}`
/// was reported at its place in the built-in text (`handbook.yaml:2:25`, a
/// column that line does not have). The built-in text now names the
/// provider when there is no `soc` contact, so the smallest handbook checks
/// clean, with no problem placed in text the writer never wrote.
#[test]
fn the_built_in_start_text_needs_no_soc_contact() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let handbook = "title: Minimal\nprovider: Acme SOC\nplans:\n  gold: {containment: soc}\n";
    std::fs::write(src.join("handbook.yaml"), handbook).unwrap();
    let check = run_binary(&["check", "--format", "json"], &src, None);
    let problems = json_problems(&check);
    assert!(
        !problems.iter().any(|p| p["code"] == "RB021"),
        "{problems:#?}"
    );
    // RB140 (no number to call) is about handbook.yaml itself, and placed
    // on a line the writer wrote.
    assert!(
        problems
            .iter()
            .all(|p| p["file"] != "handbook.yaml" || (p["code"] == "RB140" && p["line"] == 1)),
        "{problems:#?}"
    );
}

/// Found while probing for partial output: `clients/acme.yaml` and
/// `clients/acme.yml` both became edition `acme`, passed `check`, and
/// `build` rendered both into one folder at once, mixing two clients'
/// pages (differently on each run). Now the second file is an error.
#[test]
fn two_files_for_one_client_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    let other = std::fs::read_to_string(src.join("clients/acme.yaml"))
        .unwrap()
        .replace("Acme Ltd", "Other Ltd");
    std::fs::write(src.join("clients/acme.yml"), other).unwrap();
    let check = run_binary(&["check", "--format", "json"], &src, None);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let problems = json_problems(&check);
    assert!(
        problems.iter().any(|p| p["code"] == "RB034"
            && p["file"] == "clients/acme.yml"
            && p["message"].as_str().unwrap().contains("clients/acme.yaml")),
        "{problems:#?}"
    );
    let out = dir.path().join("out/site");
    let build = run_binary(&["build"], &src, Some(&out));
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    assert!(!out.exists(), "a failed build writes nothing");
}

/// Found by the fuzz targets' line check: a lone CR ends a line for the
/// YAML parser (and editors) but line numbers were counted by `\n` alone,
/// so a problem after one pointed at a line the file did not have (and
/// quoted nothing). Lone CRs now count as line ends everywhere.
#[test]
fn a_lone_carriage_return_ends_a_line_for_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    std::fs::write(
        src.join("clients/cr.yaml"),
        "name: Acme Ltd\nplan:\r gold\ncontacts:\n  it_lead",
    )
    .unwrap();
    let check = run_binary(&["check", "--format", "json"], &src, None);
    let problems = json_problems(&check);
    let p = problems
        .iter()
        .find(|p| p["file"] == "clients/cr.yaml")
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(
        (&p["line"], &p["column"]),
        (&Value::from(5), &Value::from(3)),
        "{p}"
    );
    let human = run_binary(&["check"], &src, None);
    assert!(human.stderr.contains("5 |   it_lead"), "{}", human.stderr);
}
