//! Bodies of the fuzz targets in `fuzz/` (see docs/fuzzing.md).
//!
//! They live in the library, not in `fuzz/`, for two reasons: the parsing
//! steps they drive are crate-private (nothing outside needs them), and
//! `fuzz/` is built only with a nightly toolchain, so a unit test calls every
//! body here on each `cargo test` and keeps them compiling and running on
//! stable. Each body takes arbitrary bytes and returns `Err` with a
//! description when an invariant fails; the fuzz target turns that into a
//! crash. A panic anywhere below is a crash too, which is the main thing
//! fuzzing looks for.
//!
//! Not a stable API: hidden from the docs and free to change.

use crate::diag::{Code, Diagnostic, Diagnostics, Level};
use crate::edition::EditionOptions;
use crate::model::values::Date;
use crate::render::theme::Theme;
use crate::render::Sink;
use crate::source::raw::{RawClient, RawGlossary, RawHandbook};
use crate::source::{self, RawClientFile, RawRunbook, Sources};
use std::path::{Path, PathBuf};

/// The fixed project the targets put a fuzzed file into: the smallest
/// handbook that exercises plans, contacts and placeholders, so a fuzzed
/// run book meets a real client and a fuzzed client a real run book.
const HANDBOOK: &str = "title: Fuzz\nprovider: Acme SOC\ncontacts:\n  soc: {label: SOC line, phone: \"+1 555 0100\"}\nplans:\n  gold: {containment: soc}\n";
const CLIENT: &str = "name: Acme Ltd\nplan: gold\ncontacts:\n  it_lead: {label: IT lead, name: Ann, phone: \"+1 555 0101\"}\n";
const GLOSSARY: &str = "phishing: {definition: A scam message., aliases: [scam email]}\n";
const RUNBOOK: &str = "---\ntitle: Basic\nsummary: A basic run book.\n---\n\n## Preparation\n\n- Call {{ contacts.it_lead }}.\n\n## Identification\n\nx\n\n## Containment\n\n- [SOC] Block it.\n\n## Eradication\n\nx\n\n## Recovery\n\nx\n\n## Lessons Learned\n\nx\n";
/// The front matter put before a fuzzed run book body.
const FRONT: &str = "---\ntitle: Fuzz\nsummary: A fuzzed body.\n---\n";

/// The date lints take as today, so runs reproduce.
fn today() -> Date {
    Date::from_unix(1_796_083_200) // 2026-12-01
}

/// Codes that may concern a whole file (line 0): the file is missing,
/// empty, unreadable or badly named, or a theme or page failed as a whole.
/// Every other error must name a line.
pub const WHOLE_FILE_CODES: &[Code] = &[
    Code::Unreadable,
    Code::MissingHandbook,
    Code::BadFileName,
    Code::ReservedSlug,
    Code::ThemeError,
];

/// Checks that every error and warning names a file and, unless its code is
/// one of [`WHOLE_FILE_CODES`], a line and column inside that file's text
/// (`texts` maps shown paths to the text that was parsed; files not listed
/// are checked for a line only).
pub fn check_located(diags: &Diagnostics, texts: &[(&Path, &str)]) -> Result<(), String> {
    for d in diags.iter() {
        if d.severity == Level::Note {
            continue;
        }
        located(d, texts)?;
    }
    Ok(())
}

fn located(d: &Diagnostic, texts: &[(&Path, &str)]) -> Result<(), String> {
    let what = || {
        format!(
            "{} {} at {}:{}:{}: {}",
            d.severity,
            d.code.as_str(),
            d.span.file.display(),
            d.span.line,
            d.span.column,
            d.message
        )
    };
    if d.span.file.as_os_str().is_empty() {
        return Err(format!("a problem names no file: {}", what()));
    }
    if d.span.line == 0 {
        if WHOLE_FILE_CODES.contains(&d.code) {
            return Ok(());
        }
        return Err(format!("a problem names no line: {}", what()));
    }
    if d.span.column == 0 {
        return Err(format!("a problem names no column: {}", what()));
    }
    if let Some((_, text)) = texts.iter().find(|(p, _)| *p == d.span.file.as_path()) {
        // One past the last line is where "never closed" problems point
        // when the file ends without a newline.
        let lines = text.lines().count().max(1) + 1;
        if d.span.line > lines {
            return Err(format!(
                "a problem points past the end of its file ({lines} lines): {}",
                what()
            ));
        }
        // A column may point just past the line's last character (where
        // something is missing), not further.
        let width = text
            .split('\n')
            .nth(d.span.line - 1)
            .map_or(0, |l| l.trim_end_matches('\r').chars().count());
        if d.span.column > width + 1 {
            return Err(format!(
                "a problem points past the end of its line ({width} characters): {}",
                what()
            ));
        }
    }
    Ok(())
}

/// Target `front_matter`: the `---` split, then the front matter YAML.
pub fn front_matter(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    if let Some((yaml, body_start)) = source::split_front_matter(&text) {
        if body_start > text.len() || !text.is_char_boundary(body_start) {
            return Err(format!(
                "body start {body_start} is not a place in the text"
            ));
        }
        match yaml {
            Ok(range) => {
                if range.end > body_start || text.get(range.clone()).is_none() {
                    return Err(format!("front matter range {range:?} is not in the text"));
                }
            }
            Err(line) => {
                if line == 0 || line > text.lines().count().max(1) + 1 {
                    return Err(format!("unclosed front matter reported at line {line}"));
                }
            }
        }
    }
    let mut diags = Diagnostics::new();
    let path = PathBuf::from("fuzz.md");
    if let Some(src) = source::decode_text(path.clone(), data.to_vec(), &mut diags) {
        let text = src.text.clone();
        let _ = source::runbook_from_text("fuzz".into(), src, &mut diags);
        return check_located(&diags, &[(&path, &text)]);
    }
    check_located(&diags, &[])
}

/// Target `runbook_body`: fuzzed bytes as the body of a run book with valid
/// front matter, through the phase split, steps, placeholders and sanitizing.
pub fn runbook_body(data: &[u8]) -> Result<(), String> {
    let mut bytes = FRONT.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    one_runbook(&bytes)
}

/// Target `one_runbook`: a fuzzed run book file in the fixed project,
/// through the whole pipeline (model, lints and, when it is valid, every
/// page of every edition).
pub fn one_runbook(data: &[u8]) -> Result<(), String> {
    run_project(&[("fuzz.md", data)]).map(drop)
}

/// Target `client_yaml`: a fuzzed client file in the fixed project.
pub fn client_yaml(data: &[u8]) -> Result<(), String> {
    run_project(&[("clients/fuzz.yaml", data)]).map(drop)
}

/// Target `handbook_yaml`: a fuzzed `handbook.yaml` in the fixed project.
pub fn handbook_yaml(data: &[u8]) -> Result<(), String> {
    run_project(&[("handbook.yaml", data)]).map(drop)
}

/// Target `glossary_yaml`: a fuzzed `glossary.yaml` in the fixed project.
pub fn glossary_yaml(data: &[u8]) -> Result<(), String> {
    run_project(&[("glossary.yaml", data)]).map(drop)
}

/// Loads the fixed project with `files` (path, bytes) put over it, in
/// memory, the way `source::load` reads a folder (logos and themes aside),
/// then checks it as `runbook check` does and checks that every problem is
/// located. Returns the problems found.
pub(crate) fn run_project(files: &[(&str, &[u8])]) -> Result<Diagnostics, String> {
    let get = |path: &str, default: &str| -> Vec<u8> {
        files
            .iter()
            .find(|(p, _)| *p == path)
            .map_or_else(|| default.as_bytes().to_vec(), |(_, b)| b.to_vec())
    };
    let mut diags = Diagnostics::new();
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    let mut decode = |path: &str, bytes: Vec<u8>, diags: &mut Diagnostics| {
        let src = source::decode_text(PathBuf::from(path), bytes, diags)?;
        texts.push((src.path.clone(), src.text.clone()));
        Some(src)
    };
    let mut sources = Sources {
        root: PathBuf::from("fuzz"),
        ..Sources::default()
    };
    sources.handbook = decode("handbook.yaml", get("handbook.yaml", HANDBOOK), &mut diags)
        .and_then(|s| source::yaml_from_text::<RawHandbook>("handbook".into(), s, &mut diags));
    sources.glossary = decode("glossary.yaml", get("glossary.yaml", GLOSSARY), &mut diags)
        .and_then(|s| {
            source::optional_yaml_from_text::<RawGlossary>("glossary".into(), s, &mut diags)
        });
    let mut client_files: Vec<(&str, Vec<u8>)> = vec![("clients/acme.yaml", CLIENT.into())];
    let mut runbook_files: Vec<(&str, Vec<u8>)> = vec![("basic.md", RUNBOOK.into())];
    for (path, bytes) in files {
        if path.starts_with("clients/") {
            client_files.push((path, bytes.to_vec()));
        } else if path.ends_with(".md") {
            runbook_files.push((path, bytes.to_vec()));
        }
    }
    for (path, bytes) in client_files {
        let slug = slug_of(path);
        if let Some(file) = decode(path, bytes, &mut diags)
            .and_then(|s| source::yaml_from_text::<RawClient>(slug, s, &mut diags))
        {
            sources.clients.push(RawClientFile {
                file,
                logo: None,
                logo_error: None,
            });
        }
    }
    let mut runbooks: Vec<RawRunbook> = Vec::new();
    for (path, bytes) in runbook_files {
        let slug = slug_of(path);
        if let Some(rb) = decode(path, bytes, &mut diags)
            .and_then(|s| source::runbook_from_text(slug, s, &mut diags))
        {
            runbooks.push(rb);
        }
    }
    // Slug order, as the folder walk gives.
    runbooks.sort_by(|a, b| a.slug.cmp(&b.slug));
    sources.runbooks = runbooks;
    diags.extend(check_sources(&sources, true));
    let shown: Vec<(&Path, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_str()))
        .collect();
    check_located(&diags, &shown)?;
    Ok(diags)
}

fn slug_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string()
}

/// Discards pages: the targets render to find panics, not to keep files.
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &str, _: Vec<u8>) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `runbook check` runs on loaded sources: the model, the lints and,
/// when there are no errors and `render` is set, every page of every
/// edition (callers that render elsewhere skip it: it is the slow part).
pub fn check_sources(sources: &Sources, render: bool) -> Diagnostics {
    let (model, mut diags) = crate::model::build(sources);
    let Some(model) = model else {
        return diags;
    };
    diags.extend(crate::lint::run(&model, today()));
    if diags.has_errors() || !render {
        return diags;
    }
    match Theme::load(&model.handbook.theme) {
        Ok(theme) => {
            let options = EditionOptions {
                include_drafts: true,
                date: None,
                ..EditionOptions::default()
            };
            if let Err(d) = crate::render_editions(&model, &theme, &options, None, &Discard) {
                diags.extend(d);
            }
        }
        Err(d) => diags.extend(d),
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few lines of SplitMix64: deterministic bytes without a dependency.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    type Target = fn(&[u8]) -> Result<(), String>;

    const TARGETS: &[(&str, Target, &str)] = &[
        ("front_matter", front_matter, RUNBOOK),
        ("runbook_body", runbook_body, "## Preparation\n- [SOC] x\n"),
        ("one_runbook", one_runbook, RUNBOOK),
        ("client_yaml", client_yaml, CLIENT),
        ("handbook_yaml", handbook_yaml, HANDBOOK),
        ("glossary_yaml", glossary_yaml, GLOSSARY),
    ];

    #[test]
    fn the_fixed_project_is_valid() {
        for (name, target, seed) in TARGETS {
            assert_eq!(target(seed.as_bytes()), Ok(()), "{name}");
        }
        // And it really has no errors: a fuzzed file that breaks it is
        // then what the targets find, not the fixture.
        let diags = run_project(&[]).unwrap();
        assert!(!diags.has_errors(), "{:?}", diags.sorted());
        // A broken file in it is reported, and located.
        let diags = run_project(&[("fuzz.md", b"---\ntitle: [\n---\n")]).unwrap();
        assert!(
            diags.iter().any(|d| d.severity == Level::Error
                && d.span.file == Path::new("fuzz.md")
                && d.span.line == 2),
            "{:?}",
            diags.sorted()
        );
    }

    #[test]
    fn every_target_survives_a_few_seeded_mutations() {
        // The fuzzers run for hours on nightly; this keeps each body
        // compiling and exercised on stable (tests/it/mutation.rs goes
        // wider). `RUNBOOK_FUZZ_CASES=N` runs N cases per target, a crude
        // fuzzer for machines without nightly.
        const TOKENS: &[&[u8]] = &[
            b"{{",
            b"}}",
            b"{{ contacts.soc }}",
            b"---\n",
            b"\n## ",
            b"\n### x {.internal}\n",
            b"[SOC] ",
            b"- [ ] ",
            b"\n",
            b"\t",
            b"&a ",
            b"*a",
            b": ",
            b"\xff",
            b"\0",
            b"\r",
            b"[x](basic.md#nope)",
            b"\n- ",
            b"  ",
            b"`",
            b"<b>",
            b"#",
            b"[",
            b"]",
            b"{",
            b"}",
        ];
        let cases: u64 = std::env::var("RUNBOOK_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8);
        for (name, target, seed_text) in TARGETS {
            let mut state = 0x5EED ^ name.len() as u64;
            for case in 0..cases {
                let mut bytes = seed_text.as_bytes().to_vec();
                for _ in 0..1 + next(&mut state) % 6 {
                    let r = next(&mut state);
                    if bytes.is_empty() {
                        break;
                    }
                    let at = (r >> 8) as usize % bytes.len();
                    match r % 5 {
                        0 => bytes[at] ^= 1 << ((r >> 40) % 8),
                        1 => bytes.truncate(at),
                        2 => {
                            let len = 1 + (r >> 48) as usize % 40;
                            let chunk = bytes[at..(at + len).min(bytes.len())].to_vec();
                            let to = (r >> 20) as usize % bytes.len();
                            bytes.splice(to..to, chunk);
                        }
                        _ => {
                            let token = TOKENS[(r >> 32) as usize % TOKENS.len()];
                            bytes.splice(at..at, token.iter().copied());
                        }
                    }
                }
                assert_eq!(
                    target(&bytes),
                    Ok(()),
                    "{name} case {case}: {:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }

    #[test]
    fn an_unlocated_problem_is_caught() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::new(
            Code::YamlSyntax,
            crate::diag::Span::file("x.yaml"),
            "m",
        ));
        assert!(check_located(&d, &[]).is_err());
        let mut d = Diagnostics::new();
        d.push(Diagnostic::new(
            Code::YamlSyntax,
            crate::diag::Span::at("x.yaml", 9, 1, 1),
            "m",
        ));
        assert!(check_located(&d, &[(Path::new("x.yaml"), "a\nb\n")]).is_err());
        assert!(check_located(&d, &[(Path::new("x.yaml"), &"a\n".repeat(9))]).is_ok());
    }
}
