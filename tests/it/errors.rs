//! One test per kind of source error: exit code 1, and the file, line and
//! message in the report. Each starts from the valid `minimal` fixture and
//! changes one file.

use crate::check::{assert_reported, check_all_formats, Expect, Run};
use crate::{build_command, copy_dir, fixture, runbook};
use serde_json::Value;
use std::path::Path;

const BODY: &str = "## Preparation\nx\n## Identification\nx\n## Containment\nx\n## Eradication\nx\n## Recovery\nx\n## Lessons Learned\nx\n";

/// Writes `files` over the minimal fixture and runs `check` in every
/// format, and `build`.
fn check_run(files: &[(&str, &[u8])]) -> (Run, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    for (path, bytes) in files {
        let p = src.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let run = check_all_formats(&src, &[]);
    // `build` reports the same problems, with the file:line:column and exit 1.
    let out = dir.path().join("site");
    let build = build_command(&src, &out).output().unwrap();
    assert_eq!(
        build.status.code(),
        Some(run.status),
        "build and check agree"
    );
    assert!(!out.exists(), "a failed build writes nothing");
    // The temporary folder goes back to the caller: the text format's
    // quoted lines are checked against the sources in it.
    (run, String::from_utf8(build.stderr).unwrap(), dir)
}

/// Like [`check_run`], returning the exit code, the JSON problems and the
/// build's text output.
fn check(files: &[(&str, &[u8])]) -> (i32, Vec<Value>, String) {
    let (run, human, _dir) = check_run(files);
    (run.status, run.json, human)
}

/// Asserts exactly one problem of `code` at `file:line` whose message contains `message`.
fn expect(files: &[(&str, &[u8])], code: &str, file: &str, line: u64, message: &str) -> Value {
    let (run, human, _dir) = check_run(files);
    let (status, problems) = (run.status, &run.json);
    assert_eq!(status, 1, "{problems:?}");
    let found: Vec<&Value> = problems.iter().filter(|p| p["code"] == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}, got {problems:#?}");
    let p = found[0];
    // The same problem, at the same line and column, in all three formats.
    assert_reported(
        &run,
        &Expect {
            severity: "error",
            code,
            file,
            line,
            column: p["column"].as_u64().unwrap(),
            message: p["message"].as_str().unwrap(),
        },
    );
    assert_eq!(p["file"], file, "{p}");
    assert_eq!(p["line"], line, "{p}");
    assert!(p["message"].as_str().unwrap().contains(message), "{p}");
    assert!(p["hint"].is_string(), "every problem has a hint: {p}");
    let location = if line > 0 {
        format!("{file}:{line}:")
    } else {
        file.to_string()
    };
    assert!(
        human.contains(&location),
        "human output names {location}: {human}"
    );
    assert!(!human.contains("panicked"), "{human}");
    p.clone()
}

fn runbook_with(front: &str, body: &str) -> Vec<u8> {
    format!("---\n{front}---\n{body}").into_bytes()
}

#[test]
fn non_utf8_file() {
    let p = expect(
        &[("bad.md", b"---\ntitle: ok\n\xff\xfe\n")],
        "RB001",
        "bad.md",
        3,
        "not UTF-8",
    );
    assert_eq!(p["column"], 1);
}

#[test]
fn empty_file() {
    expect(&[("empty.md", b"")], "RB001", "empty.md", 0, "empty");
}

#[test]
fn binary_file() {
    expect(
        &[("clients/bin.yaml", b"name: x\n\x00\x01\x02")],
        "RB001",
        "clients/bin.yaml",
        2,
        "binary",
    );
}

#[test]
fn yaml_syntax_error() {
    expect(
        &[("handbook.yaml", b"title: \"Minimal\nprovider: Acme\n")],
        "RB002",
        "handbook.yaml",
        1,
        "unclosed quote",
    );
    expect(
        &[("handbook.yaml", b"title: Minimal\n  provider: Acme\n")],
        "RB002",
        "handbook.yaml",
        2,
        "not allowed",
    );
}

#[test]
fn yaml_of_the_wrong_shape() {
    expect(
        &[("clients/acme.yaml", b"name: [not, a, string]\n")],
        "RB005",
        "clients/acme.yaml",
        1,
        "",
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let p = expect(
        &[("basic.md", &runbook_with("title: B\nsumary: s\n", BODY))],
        "RB003",
        "basic.md",
        3,
        "unknown key `sumary`",
    );
    assert!(
        p["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean `summary`"),
        "{p}"
    );
    assert_eq!(p["column"], 1);
}

#[test]
fn missing_required_key() {
    expect(
        &[("basic.md", &runbook_with("title: B\n", BODY))],
        "RB004",
        "basic.md",
        2,
        "summary",
    );
}

#[test]
fn missing_handbook() {
    let dir = tempfile::tempdir().unwrap();
    let run = check_all_formats(dir.path(), &[]);
    assert_eq!(run.status, 1);
    assert_reported(
        &run,
        &Expect {
            severity: "error",
            code: "RB006",
            file: "handbook.yaml",
            line: 0,
            column: 0,
            message: "the source folder has no handbook.yaml",
        },
    );
}

#[test]
fn no_front_matter() {
    expect(
        &[("basic.md", b"# Just text\n")],
        "RB010",
        "basic.md",
        1,
        "front matter",
    );
}

#[test]
fn unknown_phase_heading() {
    let body = BODY.replace("## Recovery", "## Recovry");
    let p = expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB011",
        "basic.md",
        13,
        "`## Recovry` is not one of the six phases",
    );
    assert!(p["hint"]
        .as_str()
        .unwrap()
        .contains("did you mean `## Recovery`"));
}

#[test]
fn repeated_phase() {
    let body = format!("{BODY}## Containment\nagain\n");
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB012",
        "basic.md",
        17,
        "Containment appears twice (first at line 9)",
    );
}

#[test]
fn phases_out_of_order() {
    let body = "## Preparation\nx\n## Containment\nx\n## Identification\nx\n## Eradication\nx\n## Recovery\nx\n## Lessons Learned\nx\n";
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", body))],
        "RB013",
        "basic.md",
        9,
        "Identification comes after Containment",
    );
}

#[test]
fn missing_phase() {
    let body = BODY.replace("## Eradication\nx\n", "");
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB014",
        "basic.md",
        11,
        "missing phase `## Eradication`",
    );
}

#[test]
fn title_heading_in_body() {
    let body = format!("# Title\n{BODY}");
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB015",
        "basic.md",
        5,
        "`# ` heading",
    );
}

#[test]
fn misplaced_internal_marker() {
    let body = BODY.replace("## Containment", "## Containment {.internal}");
    let p = expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB016",
        "basic.md",
        9,
        "a whole phase cannot be SOC-only",
    );
    assert_eq!(p["column"], 1);
}

#[test]
fn unknown_placeholder() {
    let body = BODY.replacen("x", "Hello {{ client.phone }}", 1);
    let p = expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB020",
        "basic.md",
        6,
        "unknown placeholder `{{ client.phone }}`",
    );
    assert_eq!(p["column"], 7);
}

#[test]
fn contact_nobody_has() {
    let body = BODY.replacen("x", "Call {{ contacts.lawyer }}", 1);
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB021",
        "basic.md",
        6,
        "contact `lawyer`",
    );
}

#[test]
fn contact_one_client_lacks_names_that_client() {
    let p = expect(
        &[(
            "clients/zeta.yaml",
            b"name: Zeta\ncontacts:\n  manager: {name: Z}\n",
        )],
        "RB022",
        "basic.md",
        8,
        "client `zeta` has no contact `it_lead`",
    );
    let notes = p["notes"].to_string();
    assert!(notes.contains("clients/zeta.yaml"), "{p}");
}

#[test]
fn contact_field_missing() {
    let body = BODY.replacen("x", "Mail {{ contacts.it_lead.email }}", 1);
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB023",
        "basic.md",
        6,
        "has no `email`",
    );
}

#[test]
fn unknown_plan() {
    let p = expect(
        &[(
            "clients/acme.yaml",
            b"name: Acme\nplan: gld\ncontacts:\n  it_lead: {name: A}\n",
        )],
        "RB030",
        "clients/acme.yaml",
        2,
        "unknown plan `gld`",
    );
    assert!(p["hint"].as_str().unwrap().contains("did you mean `gold`"));
}

#[test]
fn unknown_runbook_in_client() {
    expect(
        &[(
            "clients/acme.yaml",
            b"name: Acme\ncontacts:\n  it_lead: {name: A}\nrunbooks:\n  exclude: [basik]\n",
        )],
        "RB031",
        "clients/acme.yaml",
        5,
        "unknown run book `basik`",
    );
}

#[test]
fn unknown_phase_in_responsibility() {
    expect(
        &[(
            "basic.md",
            &runbook_with(
                "title: B\nsummary: s\nresponsibility:\n  contain: soc\n",
                BODY,
            ),
        )],
        "RB032",
        "basic.md",
        5,
        "`contain` is not a phase",
    );
}

#[test]
fn bad_responsibility() {
    expect(
        &[(
            "basic.md",
            &runbook_with(
                "title: B\nsummary: s\nresponsibility:\n  containment: boss\n",
                BODY,
            ),
        )],
        "RB033",
        "basic.md",
        5,
        "`boss`",
    );
}

#[test]
fn reserved_client_slug() {
    expect(
        &[("clients/soc.yaml", b"name: Not allowed\n")],
        "RB034",
        "clients/soc.yaml",
        0,
        "`soc`",
    );
}

#[test]
fn bad_colour() {
    expect(
        &[(
            "clients/acme.yaml",
            b"name: Acme\ncolour: blue\ncontacts:\n  it_lead: {name: A}\n",
        )],
        "RB036",
        "clients/acme.yaml",
        2,
        "not a colour",
    );
}

#[test]
fn missing_logo() {
    expect(
        &[(
            "clients/acme.yaml",
            b"name: Acme\nlogo: acme.png\ncontacts:\n  it_lead: {name: A}\n",
        )],
        "RB035",
        "clients/acme.yaml",
        2,
        "not found",
    );
}

#[test]
fn bad_date() {
    expect(
        &[(
            "basic.md",
            &runbook_with("title: B\nsummary: s\nreviewed: 2026-02-30\n", BODY),
        )],
        "RB040",
        "basic.md",
        4,
        "not a date",
    );
}

#[test]
fn bad_file_name() {
    expect(
        &[("Bad Name.md", &runbook_with("title: B\nsummary: s\n", BODY))],
        "RB007",
        "Bad Name.md",
        0,
        "cannot be a run book name",
    );
}

#[test]
fn run_books_cannot_take_the_soc_editions_routing_pages_names() {
    for name in ["alerts.md", "attack.md"] {
        expect(
            &[(name, &runbook_with("title: B\nsummary: s\n", BODY))],
            "RB007",
            name,
            0,
            "cannot be a run book name",
        );
    }
}

#[test]
fn theme_template_error_names_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    std::fs::write(
        src.join("handbook.yaml"),
        std::fs::read_to_string(src.join("handbook.yaml")).unwrap() + "theme: broken\n",
    )
    .unwrap();
    let t = dir.path().join("themes/broken/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("404.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ oops( }}\n{% endblock content %}\n",
    )
    .unwrap();
    let run = check_all_formats(&src, &[]);
    assert_eq!(run.status, 1);
    assert_reported(
        &run,
        &Expect {
            severity: "error",
            code: "RB050",
            file: "themes/broken/templates/404.html",
            line: 3,
            column: 10,
            message: "template error: …",
        },
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let (status, problems, _) = check(&[
        (
            "basic.md",
            &runbook_with("title: B\nsummary: s\nseverity: hgh\n", "## Preparation\n"),
        ),
        (
            "clients/acme.yaml",
            b"name: Acme\nplan: gld\ncontacts:\n  it_lead: {name: A}\n",
        ),
        ("other.md", b"no front matter"),
    ]);
    assert_eq!(status, 1);
    let codes: Vec<&str> = problems
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    for code in ["RB005", "RB014", "RB030", "RB010"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
}

#[test]
fn no_input_makes_it_panic() {
    // Odd inputs of every shape: each must give exit 1 with diagnostics, never a panic.
    let cases: &[&[u8]] = &[
        b"---\n---\n",
        b"---\ntitle: x\nsummary: y\n---\n## Preparation\n- [ ] [\n",
        b"---\ntitle: x\nsummary: y\n---\n{{ }} {{ contacts. }} {{",
        b"---\n- a\n- b\n---\n",
        b"---\ntitle: &a x\nsummary: *a\nresponsibility: [1, 2]\n---\n",
        b"---\ntitle: x\nsummary: y\n---\n## \n## Preparation {.internal}\n> ## Containment\n",
        b"\xef\xbb\xbf---\r\ntitle: x\r\nsummary: y\r\n---\r\n## Preparation\r\n",
        b"---\ntitle: x\nsummary: y\ndraft: maybe\n---\n",
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let (status, problems, human) = check(&[("odd.md", bytes)]);
        assert_eq!(status, 1, "case {i}: {problems:?}");
        assert!(!problems.is_empty(), "case {i}");
        assert!(!human.contains("panicked"), "case {i}: {human}");
    }
}

#[test]
fn usage_errors_exit_2() {
    runbook().arg("build").arg("--nonsense").assert().code(2);
    runbook()
        .arg("check")
        .arg("--format")
        .arg("xml")
        .assert()
        .code(2);
    let _ = Path::new(".");
}

// Files outside the sources are never read, and unreadable is not empty
// (issue 15, items 1 and 3). These tests make links, FIFOs and folders, so
// they run on Unix. The tests run as root here, where `chmod 000` does not
// stop a read: a folder that cannot be read is made by replacing it with a
// dangling link, a link that loops, or a file, which fail the same way for
// every user.
#[cfg(unix)]
mod files {
    use crate::check::check_all_formats;
    use crate::{build_command, copy_dir, fixture, read_tree};
    use serde_json::Value;
    use std::os::unix::fs::symlink;
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    /// What the secret files hold: it must never appear in any output.
    const SECRET: &str = "CI_TOKEN=hunter2-do-not-publish";

    /// A copy of the minimal fixture, built once into `site`, and a secret
    /// file outside the source folder.
    struct Project {
        dir: tempfile::TempDir,
        src: PathBuf,
        out: PathBuf,
        secret: PathBuf,
    }

    impl Project {
        fn new() -> Project {
            let dir = tempfile::tempdir().unwrap();
            let src = dir.path().join("runbooks");
            copy_dir(&fixture("minimal"), &src);
            let secret = dir.path().join("secret.png");
            // PNG's magic bytes first, so only the link check can refuse it.
            let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
            bytes.extend_from_slice(format!("{SECRET}\n").as_bytes());
            std::fs::write(&secret, bytes).unwrap();
            let out = dir.path().join("site");
            let p = Project {
                dir,
                src,
                out,
                secret,
            };
            assert_eq!(p.build().0, 0, "the fixture builds");
            p
        }

        fn write(&self, path: &str, text: &str) {
            let p = self.src.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }

        fn link(&self, path: &str, target: &Path) {
            let p = self.src.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            symlink(target, p).unwrap();
        }

        /// `runbook build`: exit code and everything it printed. A build
        /// that hangs (reading a FIFO) fails the test instead of hanging it.
        fn build(&self) -> (i32, String) {
            let out = build_command(&self.src, &self.out)
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (out.status.code().unwrap_or(-1), text)
        }

        /// Builds, expecting a failure that leaves the output as it was and
        /// prints no secret; returns the `check --format json` problems.
        fn refused(&self) -> Vec<Value> {
            let before = read_tree(&self.out);
            let (code, text) = self.build();
            assert_eq!(code, 1, "{text}");
            assert_eq!(read_tree(&self.out), before, "the output is untouched");
            assert!(!text.contains("hunter2"), "a secret was printed: {text}");
            let run = check_all_formats(&self.src, &[]);
            for output in [&run.human, &run.github] {
                assert!(!output.contains("hunter2"), "{output}");
            }
            assert_eq!(run.status, 1);
            run.json
        }
    }

    /// The one problem with `code` in `file`, whose message contains `says`.
    fn one<'a>(problems: &'a [Value], code: &str, file: &str, says: &str) -> &'a Value {
        let found: Vec<&Value> = problems
            .iter()
            .filter(|p| p["code"] == code && p["file"] == file)
            .collect();
        assert_eq!(found.len(), 1, "one {code} in {file}: {problems:#?}");
        let message = found[0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        assert!(found[0]["hint"].is_string());
        found[0]
    }

    #[test]
    fn a_logo_linked_outside_the_sources_is_refused_unread() {
        let p = Project::new();
        p.write(
            "clients/acme.yaml",
            "name: Acme Ltd\nlogo: acme.png\nplan: gold\ncontacts:\n  it_lead: {label: IT lead, name: Ann, phone: \"1\"}\n",
        );
        p.link("clients/acme.png", &p.secret);
        p.write(
            "clients/beta.yaml",
            "name: Beta\nlogo: beta.gif\ncontacts:\n  it_lead: {name: B, phone: \"2\"}\n",
        );
        p.link("clients/beta.gif", Path::new("/proc/self/environ"));
        let problems = p.refused();
        let acme = one(
            &problems,
            "RB008",
            "clients/acme.yaml",
            "outside the source folder",
        );
        assert_eq!(acme["line"], 2, "at the `logo:` line");
        one(
            &problems,
            "RB008",
            "clients/beta.yaml",
            "outside the source folder",
        );
        assert!(!p.out.join("beta").exists());
    }

    #[test]
    fn source_and_theme_files_linked_outside_are_refused_unread() {
        let p = Project::new();
        p.link("leak.md", &p.secret);
        p.link("glossary.yaml", &p.secret);
        let handbook = std::fs::read_to_string(p.src.join("handbook.yaml")).unwrap();
        p.write("handbook.yaml", &format!("{handbook}theme: mine\n"));
        p.link("themes/mine/static/leak.css", &p.secret);
        p.link("themes/mine/templates/404.html", &p.secret);
        // A linked folder out of the theme is not entered either.
        p.link("themes/mine/static/etc", Path::new("/etc"));
        let problems = p.refused();
        one(&problems, "RB008", "leak.md", "outside the source folder");
        one(
            &problems,
            "RB008",
            "glossary.yaml",
            "outside the source folder",
        );
        for file in ["static/leak.css", "templates/404.html", "static/etc"] {
            let shown = format!("runbooks/themes/mine/{file}");
            one(&problems, "RB008", &shown, "outside the themes folder");
        }
    }

    #[test]
    fn links_that_stay_inside_the_sources_are_read() {
        let p = Project::new();
        let basic = std::fs::read_to_string(p.src.join("basic.md")).unwrap();
        p.write(
            "library/extra.md",
            &basic.replacen("title: Basic", "title: Extra", 1),
        );
        p.link("extra.md", Path::new("library/extra.md"));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-picture".to_vec();
        std::fs::create_dir_all(p.src.join("images")).unwrap();
        std::fs::write(p.src.join("images/acme.png"), &png).unwrap();
        p.link("clients/acme.png", Path::new("../images/acme.png"));
        // A linked folder beside the run books is not read, so it may lead
        // anywhere.
        p.link("shared", Path::new("/etc"));
        let yaml = std::fs::read_to_string(p.src.join("clients/acme.yaml")).unwrap();
        p.write("clients/acme.yaml", &format!("logo: acme.png\n{yaml}"));
        let (code, text) = p.build();
        assert_eq!(code, 0, "{text}");
        assert!(p.out.join("acme/extra/index.html").is_file(), "{text}");
        assert_eq!(
            std::fs::read(p.out.join("acme/assets/logo.png")).unwrap(),
            png
        );
    }

    #[test]
    fn special_files_are_refused_not_read() {
        let p = Project::new();
        let fifo = |path: &str| {
            let status = std::process::Command::new("mkfifo")
                .arg(p.src.join(path))
                .status()
                .unwrap();
            assert!(status.success());
        };
        let yaml = std::fs::read_to_string(p.src.join("clients/acme.yaml")).unwrap();
        p.write("clients/acme.yaml", &format!("logo: acme.png\n{yaml}"));
        fifo("clients/acme.png");
        fifo("pipe.md");
        fifo("glossary.yaml");
        let problems = p.refused();
        let logo = one(&problems, "RB001", "clients/acme.yaml", "FIFO");
        assert_eq!(logo["line"], 1);
        one(&problems, "RB001", "pipe.md", "FIFO");
        one(&problems, "RB001", "glossary.yaml", "FIFO");
    }

    #[test]
    fn an_unreadable_clients_folder_is_an_error_not_no_clients() {
        let p = Project::new();
        let clients = p.src.join("clients");
        let kept = p.dir.path().join("clients-kept");
        std::fs::rename(&clients, &kept).unwrap();
        let cases: [(&str, &dyn Fn()); 3] = [
            ("No such file or directory", &|| {
                symlink(p.dir.path().join("gone"), &clients).unwrap()
            }),
            ("Too many levels of symbolic links", &|| {
                symlink(&clients, &clients).unwrap()
            }),
            ("should be a folder", &|| {
                std::fs::write(&clients, "").unwrap()
            }),
        ];
        for (reason, make) in cases {
            make();
            let problems = p.refused();
            one(&problems, "RB001", "clients", reason);
            assert!(
                p.out.join("acme/index.html").is_file(),
                "acme is still published"
            );
            std::fs::remove_file(&clients).unwrap();
        }
        // Where permissions apply (not as root), a folder that cannot be
        // listed is reported the same way.
        std::fs::rename(&kept, &clients).unwrap();
        let mode = |m: u32| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&clients, std::fs::Permissions::from_mode(m)).unwrap();
        };
        mode(0o000);
        let blocked = std::fs::read_dir(&clients).is_err();
        if blocked {
            let problems = p.refused();
            one(&problems, "RB001", "clients", "ermission denied");
        }
        mode(0o755);
    }

    #[test]
    fn unreadable_glossary_run_books_and_theme_folders_are_errors() {
        let p = Project::new();
        p.link("glossary.yaml", &p.dir.path().join("gone.yaml"));
        p.link("gone.md", &p.dir.path().join("gone.md"));
        p.link("loop.md", &p.src.join("loop.md"));
        let handbook = std::fs::read_to_string(p.src.join("handbook.yaml")).unwrap();
        p.write("handbook.yaml", &format!("{handbook}theme: mine\n"));
        p.write("themes/mine/templates", "not a folder");
        let problems = p.refused();
        one(
            &problems,
            "RB001",
            "glossary.yaml",
            "No such file or directory",
        );
        one(&problems, "RB001", "gone.md", "No such file or directory");
        one(
            &problems,
            "RB001",
            "loop.md",
            "Too many levels of symbolic links",
        );
        one(
            &problems,
            "RB001",
            "runbooks/themes/mine/templates",
            "should be a folder",
        );
    }

    #[test]
    fn a_logo_must_be_the_image_its_name_says() {
        let p = Project::new();
        let yaml = std::fs::read_to_string(p.src.join("clients/acme.yaml")).unwrap();
        p.write("clients/acme.yaml", &format!("logo: acme.png\n{yaml}"));
        for (bytes, says) in [
            (
                &b"<svg onload=\"alert(1)\"/>"[..],
                "is not a PNG, JPEG, GIF or WebP image",
            ),
            (&b"\xff\xd8\xff\xe0\0\x10JFIF"[..], "holds a JPEG image"),
            (&b""[..], "is not a PNG"),
        ] {
            std::fs::write(p.src.join("clients/acme.png"), bytes).unwrap();
            let problems = p.refused();
            let d = one(&problems, "RB035", "clients/acme.yaml", says);
            assert_eq!(d["line"], 1);
        }
        for (name, bytes) in [
            ("acme.gif", &b"GIF89a\x01\0\x01\0"[..]),
            ("acme.webp", &b"RIFF\x10\0\0\0WEBPVP8 "[..]),
            ("acme.jpeg", &b"\xff\xd8\xff\xdb"[..]),
        ] {
            std::fs::write(p.src.join("clients").join(name), bytes).unwrap();
            p.write("clients/acme.yaml", &format!("logo: {name}\n{yaml}"));
            let (code, text) = p.build();
            assert_eq!(code, 0, "{name}: {text}");
        }
    }
}

#[test]
fn internal_mark_on_a_phase_in_any_case() {
    let body = BODY.replace("## Containment", "## Containment {.INTERNAL}");
    expect(
        &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
        "RB016",
        "basic.md",
        9,
        "a whole phase cannot be SOC-only",
    );
}

/// A heading attribute that is not `{.internal}` may be a misspelt SOC-only
/// mark: never published silently (issue 15, item 5).
#[test]
fn misspelt_internal_marks_are_errors() {
    for (mark, message) in [
        ("{internal}", "`{internal}` is not a heading attribute"),
        ("{.intern}", "`{.intern}` is not a heading attribute"),
        ("{.internals}", "`{.internals}` is not a heading attribute"),
        ("{.\u{131}nternal}", "is not a heading attribute"),
        (
            "{.internal .other}",
            "`{.other}` is not a heading attribute",
        ),
        ("{.internal key=v}", "`{key=v}` is not a heading attribute"),
        ("{#internal}", "sets the heading's id"),
        ("{.internal} #", "`{.internal}` is in the heading's text"),
        ("{.internal}}", "is in the heading's text"),
        ("{.Internal } {.x}", "is not a heading attribute"),
        ("(internal)", "`(internal)` is in the heading's text"),
        ("[Internal]", "`[Internal]` is in the heading's text"),
    ] {
        let body = BODY.replacen(
            "x\n## Containment",
            &format!("### Notes {mark}\nx\n## Containment"),
            1,
        );
        let p = expect(
            &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
            "RB017",
            "basic.md",
            8,
            message,
        );
        assert!(
            p["hint"].as_str().unwrap().contains("{.internal}"),
            "{mark}: {p}"
        );
    }
}

#[test]
fn internal_mark_in_text_is_an_error() {
    for (text, mark, column) in [
        ("Notes {.internal}", "`{.internal}`", 7),
        ("- [Internal] Check the logs.", "`[Internal]`", 3),
        ("Notes { internal }", "`{ internal }`", 7),
    ] {
        let body = BODY.replacen("x", text, 1);
        let p = expect(
            &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
            "RB016",
            "basic.md",
            6,
            &format!("{mark} in text does not make it SOC-only"),
        );
        assert_eq!(p["column"], column, "{text}: {p}");
    }
}

/// A link reference or footnote defined in a SOC-only section and used in
/// public text: both places are named (issue 15, item 5).
#[test]
fn public_use_of_a_soc_only_definition() {
    let body = BODY.replacen(
        "x\n## Containment",
        "See [the notes][secret] and this[^fn].\n### Notes {.internal}\nInside: [ok][secret].\n\n[secret]: https://example.com/secret \"Secret\"\n\n[^fn]: Secret footnote.\n## Containment",
        1,
    );
    let (status, problems, human) =
        check(&[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))]);
    assert_eq!(status, 1, "{problems:#?}");
    let found: Vec<&Value> = problems.iter().filter(|p| p["code"] == "RB018").collect();
    assert_eq!(
        found.len(),
        2,
        "one for the link, one for the footnote: {problems:#?}"
    );
    let (link, note) = (found[0], found[1]);
    assert_eq!(
        (link["line"].as_u64(), link["column"].as_u64()),
        (Some(8), Some(5)),
        "{link}"
    );
    assert!(
        link["message"].as_str().unwrap().contains("`[secret]`"),
        "{link}"
    );
    assert_eq!(
        link["notes"][0],
        "defined on line 12, in the SOC-only section that starts on line 9"
    );
    assert_eq!(
        (note["line"].as_u64(), note["column"].as_u64()),
        (Some(8), Some(33)),
        "{note}"
    );
    assert!(
        note["message"].as_str().unwrap().contains("`[^fn]`"),
        "{note}"
    );
    assert_eq!(
        note["notes"][0],
        "defined on line 14, in the SOC-only section that starts on line 9"
    );
    assert!(human.contains("basic.md:8:5"), "{human}");
}

/// A problem with a map's key points at the key, not at its value on the
/// line below (issue 15, item 9).
#[test]
fn unknown_keys_of_maps_point_at_the_key() {
    let client = |tail: &str| format!("name: Acme\ncontacts:\n  it_lead: {{name: A}}\n{tail}");
    let handbook = |tail: &str| {
        format!("title: Minimal\nprovider: Acme SOC\ncontacts:\n  soc: {{label: SOC line, phone: \"+1 555 0100\"}}\n{tail}")
    };
    let cases: Vec<(&str, String, &str, u64, u64, &str)> = vec![
        (
            "clients/acme.yaml",
            client("overrides:\n  basik:\n    responsibility: {containment: soc}\n"),
            "RB031",
            5,
            3,
            "unknown run book `basik`",
        ),
        (
            "clients/acme.yaml",
            client("overrides:\n  \"basik\" :\n    responsibility: {containment: soc}\n"),
            "RB031",
            5,
            4,
            "unknown run book `basik`",
        ),
        (
            "clients/acme.yaml",
            client("responsibility:\n  contain:\n    lead: soc\n"),
            "RB032",
            5,
            3,
            "`contain` is not a phase",
        ),
        (
            "clients/acme.yaml",
            client(
                "overrides:\n  basic:\n    responsibility:\n      contain:\n        lead: soc\n",
            ),
            "RB032",
            7,
            7,
            "`contain` is not a phase",
        ),
        (
            "clients/acme.yaml",
            client("runbooks:\n  include: [basic]\n  exclude: [basic]\n"),
            "RB005",
            4,
            1,
            "both `include` and `exclude`",
        ),
        (
            "handbook.yaml",
            handbook("plans:\n  gold:\n    contain:\n      lead: soc\n"),
            "RB032",
            7,
            5,
            "`contain` is not a phase",
        ),
        (
            "handbook.yaml",
            handbook("phases:\n  contain: >\n    Stop it.\n"),
            "RB032",
            6,
            3,
            "`contain` is not a phase",
        ),
        (
            "glossary.yaml",
            "Phishing:\n  definition: A trick email.\nphishing:\n  definition: Again.\n"
                .to_string(),
            "RB005",
            3,
            1,
            "`phishing` is defined twice (first at line 1)",
        ),
    ];
    for (file, text, code, line, column, message) in cases {
        let p = expect(&[(file, text.as_bytes())], code, file, line, message);
        assert_eq!(p["column"], column, "{text}: {p}");
    }
}

/// `<h3 class="internal">` looks like a SOC-only mark, but the sanitizer
/// drops the class and the text would be published.
#[test]
fn internal_class_in_raw_html_is_an_error() {
    for html in [
        "<h3 class=\"Internal\">Notes</h3>",
        "<div class='notes internal'>Notes</div>",
        "<p CLASS = internal>Notes</p>",
    ] {
        let body = BODY.replacen("x\n## Containment", &format!("{html}\n\n## Containment"), 1);
        let p = expect(
            &[("basic.md", &runbook_with("title: B\nsummary: s\n", &body))],
            "RB017",
            "basic.md",
            8,
            "an `internal` class in raw HTML",
        );
        assert_eq!(p["column"], 1, "{html}: {p}");
    }
}

#[test]
fn unknown_attack_id_is_an_error_with_the_nearest_technique() {
    let rb = runbook_with("title: T\nsummary: S.\nattack: [T1566, T15666]\n", BODY);
    let p = expect(&[("t.md", &rb)], "RB037", "t.md", 4, "`T15666`");
    assert_eq!(p["column"], 17, "{p}");
    let hint = p["hint"].as_str().unwrap();
    assert!(hint.contains("did you mean `T1566` (Phishing)"), "{hint}");
    // A technique's name instead of its ID is pointed at the ID.
    let rb = runbook_with("title: T\nsummary: S.\nattack:\n  - Phishing\n", BODY);
    let p = expect(&[("t.md", &rb)], "RB037", "t.md", 5, "`Phishing`");
    assert!(p["hint"].as_str().unwrap().contains("`T1566`"), "{p}");
}

#[test]
fn revoked_and_deprecated_attack_ids_are_warnings_naming_the_replacement() {
    let rb = runbook_with(
        "title: T\nsummary: S.\nattack: [t1566.002, T1066, T1043]\n",
        BODY,
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("runbooks");
    copy_dir(&fixture("minimal"), &src);
    std::fs::write(src.join("t.md"), &rb).unwrap();
    let run = check_all_formats(&src, &[]);
    assert!(run.human.contains("t.md:4:21"), "{}", run.human);
    assert_eq!(run.status, 0, "warnings only: {:#?}", run.json);
    let found: Vec<&Value> = run.json.iter().filter(|p| p["code"] == "RB038").collect();
    assert_eq!(found.len(), 2, "{:#?}", run.json);
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(4), Some(21))
    );
    assert!(found[0]["message"].as_str().unwrap().contains("`T1066`"));
    let hint = found[0]["hint"].as_str().unwrap();
    assert!(hint.contains("`T1027.005`"), "{hint}");
    assert!(found[1]["message"].as_str().unwrap().contains("`T1043`"));
    assert!(found[1]["message"].as_str().unwrap().contains("deprecated"));
    assert!(
        !run.json.iter().any(|p| p["code"] == "RB037"),
        "lowercase IDs are known"
    );
}

#[test]
fn symptom_must_be_one_short_line() {
    let p = expect(
        &[(
            "basic.md",
            &runbook_with("title: B\nsummary: s\nsymptom: \"\"\n", BODY),
        )],
        "RB047",
        "basic.md",
        4,
        "`symptom` is empty",
    );
    assert_eq!(p["column"], 10, "{p}");
    expect(
        &[(
            "basic.md",
            &runbook_with(
                "title: B\nsummary: s\nsymptom: |\n  Files will not open.\n  A ransom note is on screen.\n",
                BODY,
            ),
        )],
        "RB047",
        "basic.md",
        5,
        "more than one line",
    );
    let long = "word ".repeat(25);
    expect(
        &[(
            "basic.md",
            &runbook_with(&format!("title: B\nsummary: s\nsymptom: {long}\n"), BODY),
        )],
        "RB047",
        "basic.md",
        4,
        "more than 100",
    );
    // A list is not text at all: the YAML type error, with its place.
    expect(
        &[(
            "basic.md",
            &runbook_with("title: B\nsummary: s\nsymptom: [a, b]\n", BODY),
        )],
        "RB005",
        "basic.md",
        4,
        "expected string",
    );
}

#[test]
fn glossary_phrases_must_hold_their_term() {
    let p = expect(
        &[(
            "glossary.yaml",
            b"website:\n  definition: Pages you publish.\n  not_in: [fake site]\n",
        )],
        "RB048",
        "glossary.yaml",
        3,
        "does not contain `website`",
    );
    assert!(p["hint"].as_str().unwrap().contains("fake website"), "{p}");
    expect(
        &[(
            "glossary.yaml",
            b"remote wipe:\n  definition: Erasing from a distance.\n  aliases: [wipe]\n  only: [remote wipe, \"  \"]\n",
        )],
        "RB048",
        "glossary.yaml",
        4,
        "empty `only` phrase",
    );
}
