//! `runbook serve`: the real server on a free loopback port, driven over
//! plain TCP so that raw request paths reach it unchanged.

use super::{build, build_command, copy_dir, read_tree, root};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);

/// A running `runbook serve`, killed on drop.
struct Serve {
    child: Child,
    addr: String,
    lines: Receiver<String>,
}

impl Serve {
    fn start(source: &Path) -> Serve {
        Serve::start_with(source, &["--port", "0"])
    }

    // The child is killed and waited for in `Drop`.
    #[allow(clippy::zombie_processes)]
    fn start_with(source: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("runbook"))
            .arg("serve")
            .arg("--source")
            .arg(source)
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .env("RUNBOOK_TODAY", super::TODAY)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no URL printed; output so far: {seen:?}"));
            if let Some(at) = line.find("http://") {
                let url = line[at + 7..].split_whitespace().next().unwrap();
                let addr = url.trim_end_matches('/').to_string();
                seen.push(line);
                return Serve { child, addr, lines };
            }
            seen.push(line);
        }
    }

    /// Sends a raw request line and returns (status, headers, body).
    fn request(&self, method: &str, target: &str) -> Response {
        raw(&self.addr, method, target, "127.0.0.1")
    }

    fn get(&self, target: &str) -> Response {
        self.request("GET", target)
    }

    fn status(&self) -> serde_json::Value {
        let r = self.get("/__runbook/status");
        assert_eq!(r.status, 200);
        serde_json::from_slice(&r.body).unwrap()
    }

    /// Waits until the served generation is past `after` (or problems show
    /// when `errors` is true).
    fn wait_for(&self, what: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.status();
            if done(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().unwrap()
    }

    fn wait_generation_after(&self, n: u64) -> serde_json::Value {
        self.wait_for(&format!("a generation after {n}"), |s| {
            s["generation"].as_u64().unwrap() > n
        })
    }

    /// Waits until no rebuild has happened for a while and returns the status.
    fn settle(&self) -> serde_json::Value {
        let mut last = self.status();
        let mut quiet_since = Instant::now();
        let deadline = Instant::now() + WAIT;
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let s = self.status();
            if s["rebuilds"] != last["rebuilds"] || s["version"] != last["version"] {
                quiet_since = Instant::now();
                last = s;
            } else if quiet_since.elapsed() > Duration::from_millis(400) {
                return s;
            }
            assert!(Instant::now() < deadline, "the server never settled");
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

fn raw(addr: &str, method: &str, target: &str, host: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end for {target}"));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// A copy of the bundled sample in a temporary folder.
fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("runbooks");
    copy_dir(&root().join("runbooks"), &source);
    (dir, source)
}

/// Removes the injected reload script from a served page.
fn strip(bytes: &[u8]) -> Vec<u8> {
    runbook::serve::live::strip(bytes)
}

/// Asserts that every file of a clean `runbook build` of `source` is served
/// with the same bytes (HTML apart from the reload script), and that the
/// served editions are exactly the built ones.
fn assert_equals_clean_build(server: &Serve, source: &Path) {
    let (_tmp, out) = build(source);
    let built = read_tree(&out);
    assert!(!built.is_empty());
    let mut editions = std::collections::BTreeSet::new();
    for (path, bytes) in &built {
        editions.insert(path.split('/').next().unwrap().to_string());
        let r = server.get(&format!("/{path}"));
        assert_eq!(r.status, 200, "{path} is not served");
        let served = if path.ends_with(".html") {
            let text = r.text();
            assert!(
                text.contains("/__runbook/live.js"),
                "{path}: no reload script"
            );
            strip(&r.body)
        } else {
            r.body.clone()
        };
        if served != *bytes {
            let at = served
                .iter()
                .zip(bytes.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(served.len().min(bytes.len()));
            let around = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(150)..(at + 150).min(b.len())])
                    .into_owned()
            };
            panic!(
                "{path} differs from a clean build at byte {at}:\n--- served\n{}\n--- built\n{}",
                around(&served),
                around(bytes)
            );
        }
    }
    let picker = server.get("/").text();
    let listed = picker.matches("<li data-edition=").count();
    assert_eq!(listed, editions.len(), "picker: {picker}");
    for e in &editions {
        assert!(
            picker.contains(&format!("data-edition=\"{e}\"")),
            "{e} not listed"
        );
    }
}

/// Replaces a file the way editors that save atomically do: write a
/// temporary file beside it, then rename it over the original.
fn atomic_write(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn serves_pages_assets_the_picker_and_404() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let picker = s.get("/");
    assert_eq!(picker.status, 200);
    assert_eq!(
        picker.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    for e in [
        "alder-finch",
        "harbourview-dental",
        "meridian-freight",
        "soc",
    ] {
        assert!(picker.text().contains(&format!("href=\"/{e}/index.html\"")));
    }
    let cases = [
        ("/soc/index.html", "text/html; charset=utf-8"),
        (
            "/soc/phishing/containment/index.html",
            "text/html; charset=utf-8",
        ),
        ("/alder-finch/assets/style.css", "text/css; charset=utf-8"),
        (
            "/alder-finch/assets/search.js",
            "text/javascript; charset=utf-8",
        ),
        ("/__runbook/live.js", "text/javascript; charset=utf-8"),
        ("/__runbook/live.css", "text/css; charset=utf-8"),
        ("/__runbook/status", "application/json"),
    ];
    for (path, ctype) in cases {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{path} allows any origin"
        );
    }
    // Folders answer with their index page; an edition without a slash
    // redirects to its folder.
    assert_eq!(s.get("/soc/phishing/").status, 200);
    let redirect = s.get("/soc");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/soc/"));
    // 404: the edition's own page inside an edition, a plain one elsewhere.
    let missing = s.get("/soc/no-such-runbook/index.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("data-page=\"not-found\""));
    assert!(missing.text().contains("/__runbook/live.js"));
    assert_eq!(s.get("/no-such-edition/index.html").status, 404);
    // HEAD: headers only. Anything else but GET: 405.
    let head = s.request("HEAD", "/soc/index.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for m in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let r = s.request(m, "/soc/index.html");
        assert_eq!(r.status, 405, "{m}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
    // Many open tabs (event streams) do not hold up page requests.
    let streams: Vec<TcpStream> = (0..12)
        .map(|_| {
            let mut t = TcpStream::connect(&s.addr).unwrap();
            write!(
                t,
                "GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            .unwrap();
            t
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.get("/soc/index.html").status, 200);
    drop(streams);
    // A request line that is not HTTP is refused.
    let mut t = TcpStream::connect(&s.addr).unwrap();
    t.set_read_timeout(Some(WAIT)).unwrap();
    t.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut answer = String::new();
    t.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    // A foreign Host (DNS rebinding) is refused while bound to loopback.
    assert_eq!(raw(&s.addr, "GET", "/", "attacker.invalid").status, 403);
    // The reload script is injected when serving only: a build has none.
    let (_tmp, out) = build(&source);
    for (path, bytes) in read_tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__runbook"),
            "{path} of a build mentions serve's script"
        );
    }
    // Serving wrote nothing into the project.
    assert!(!source.join("site").exists());
    assert!(!source.parent().unwrap().join("site").exists());
}

#[test]
fn refuses_paths_outside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("runbooks");
    copy_dir(&root().join("runbooks"), &source);
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-VALUE").unwrap();
    let statics = dir.path().join("themes/leaky/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::fs::write(statics.join("fine.txt"), "a real asset").unwrap();
    let handbook = std::fs::read_to_string(source.join("handbook.yaml")).unwrap();
    std::fs::write(
        source.join("handbook.yaml"),
        format!("{handbook}\ntheme: leaky\n"),
    )
    .unwrap();
    let s = Serve::start(&source);
    assert_eq!(s.get("/soc/assets/fine.txt").status, 200);
    // Then the theme's static folder gets a symlink to the secret, and a
    // run book that is a symlink to it: both are refused (RB008) unread,
    // and the last good build stays served.
    std::os::unix::fs::symlink(&secret, statics.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, source.join("leak.md")).unwrap();
    let st = s.wait_for("errors", |st| !st["errors"].as_array().unwrap().is_empty());
    assert!(st.to_string().contains("RB008"), "{st}");
    assert!(!st.to_string().contains("TOP-SECRET-VALUE"), "{st}");
    let secret_path = secret.to_string_lossy().to_string();
    let attempts = [
        "/../secret.txt".to_string(),
        "/soc/../../secret.txt".to_string(),
        "/soc/../../../../../../etc/passwd".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/soc/%2e%2e/%2e%2e/secret.txt".to_string(),
        "/soc/%2E%2E/%2E%2E/etc/passwd".to_string(),
        "/soc/.%2e/.%2e/secret.txt".to_string(),
        "/soc/..%2f..%2fsecret.txt".to_string(),
        "/soc/%2e%2e%2f%2e%2e%2fsecret.txt".to_string(),
        "/soc/..%5c..%5csecret.txt".to_string(),
        "/soc\\..\\..\\secret.txt".to_string(),
        "/soc/assets\\..\\..\\..\\secret.txt".to_string(),
        "//etc/passwd".to_string(),
        format!("/{secret_path}"),
        format!("/soc/{secret_path}"),
        "/C:/Windows/win.ini".to_string(),
        "/soc/%252e%252e/%252e%252e/secret.txt".to_string(),
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt".to_string(),
        "/soc/./../secret.txt".to_string(),
        "/soc/%00/../secret.txt".to_string(),
        "http://127.0.0.1/../secret.txt".to_string(),
        "/soc/assets/leak.txt".to_string(),
        "/soc/leak/index.html".to_string(),
        "/soc/../runbooks/handbook.yaml".to_string(),
        "/soc/phishing.md".to_string(),
    ];
    assert!(attempts.len() >= 15);
    for a in &attempts {
        let r = s.get(a);
        assert!(
            matches!(r.status, 400 | 403 | 404),
            "{a} answered {}",
            r.status
        );
        let body = r.text();
        assert!(!body.contains("TOP-SECRET-VALUE"), "{a} leaked the secret");
        assert!(!body.contains("root:x:0"), "{a} leaked /etc/passwd");
        assert!(!body.contains("provider:"), "{a} leaked handbook.yaml");
    }
}

#[test]
fn edits_atomic_saves_new_and_deleted_run_books_match_a_clean_build() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    assert_equals_clean_build(&s, &source);

    // Incremental: a page of a run book the change cannot reach is kept,
    // not re-rendered; the changed run book's page is.
    let unrelated = "/alder-finch/glossary/index.html";
    let changed_page = "/alder-finch/lost-device/index.html";
    s.get(unrelated);
    s.get(changed_page);
    let before = s.status()["renders"].as_u64().unwrap();
    s.get(unrelated);
    assert_eq!(s.status()["renders"].as_u64().unwrap(), before, "memo");

    // 1. A plain edit in place.
    let g = s.generation();
    let path = source.join("lost-device.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("summary:", "summary: Edited in place.", 1);
    std::fs::write(&path, &edited).unwrap();
    s.wait_generation_after(g);
    let r = s.get(changed_page);
    assert!(r.text().contains("Edited in place."), "edit not served");
    let after_changed = s.status()["renders"].as_u64().unwrap();
    assert!(
        after_changed > before,
        "the changed page was not re-rendered"
    );
    s.get(unrelated);
    assert_eq!(
        s.status()["renders"].as_u64().unwrap(),
        after_changed,
        "an unrelated page was re-rendered"
    );
    assert_equals_clean_build(&s, &source);

    // 2. An atomic save (temporary file renamed over the run book).
    let g = s.generation();
    let path = source.join("ransomware.md");
    let text = std::fs::read_to_string(&path).unwrap();
    atomic_write(&path, &text.replacen("title:", "title: Atomically", 1));
    s.wait_generation_after(g);
    assert!(s
        .get("/soc/ransomware/index.html")
        .text()
        .contains("Atomically"));
    assert_equals_clean_build(&s, &source);

    // 2b. A link target leaves the client editions: pages of the run book
    // that links to it (phishing → account-compromise.md#…) must change
    // there, although that run book's file did not. (account-compromise is
    // not the newest review, so the cover date stays and only the rules for
    // linking run books decide.)
    let linking = "/alder-finch/phishing/containment/index.html";
    let before_link = s.get(linking).text();
    assert!(
        before_link.contains("account-compromise/"),
        "the sample's link moved"
    );
    let g = s.generation();
    let target = source.join("account-compromise.md");
    let text = std::fs::read_to_string(&target).unwrap();
    atomic_write(
        &target,
        &text.replacen("title:", "audience: soc\ntitle:", 1),
    );
    s.wait_generation_after(g);
    assert_eq!(
        s.get("/alder-finch/account-compromise/index.html").status,
        404
    );
    assert!(!s.get(linking).text().contains("account-compromise/"));
    assert_equals_clean_build(&s, &source);
    let g = s.generation();
    atomic_write(&target, &text);
    s.wait_generation_after(g);
    assert_equals_clean_build(&s, &source);

    // 3. A new run book.
    let g = s.generation();
    std::fs::write(
        source.join("usb-stick.md"),
        "---\ntitle: Found USB stick\nsummary: Someone found a USB stick in the car park.\n---\n\n## Preparation\n\n- [SOC] Keep a spare laptop for checks.\n\n## Identification\n\n- [Client] Do not plug it in.\n\n## Containment\n\n- Put it in an envelope.\n\n## Eradication\n\n- [SOC] Check it on the spare laptop.\n\n## Recovery\n\n- Nothing to bring back.\n\n## Lessons Learned\n\n- Remind everyone.\n",
    )
    .unwrap();
    s.wait_generation_after(g);
    let r = s.get("/alder-finch/usb-stick/index.html");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Found USB stick"));
    assert!(s
        .get("/alder-finch/index.html")
        .text()
        .contains("usb-stick/index.html"));
    assert_equals_clean_build(&s, &source);

    // 4. A deleted run book (nothing links to the new one).
    let g = s.generation();
    std::fs::remove_file(source.join("usb-stick.md")).unwrap();
    s.wait_generation_after(g);
    assert_eq!(s.get("/alder-finch/usb-stick/index.html").status, 404);
    assert!(!s
        .get("/alder-finch/index.html")
        .text()
        .contains("usb-stick/"));
    assert_equals_clean_build(&s, &source);

    // 5. A rename.
    let g = s.generation();
    std::fs::rename(source.join("lost-device.md"), source.join("lost-laptop.md")).unwrap();
    s.wait_for("the rename", |st| {
        st["generation"].as_u64().unwrap() > g || !st["errors"].as_array().unwrap().is_empty()
    });
    // Other run books link to lost-device.md: the rename breaks those links,
    // which is an error, and the last good pages stay.
    let st = s.status();
    if st["errors"].as_array().unwrap().is_empty() {
        assert_equals_clean_build(&s, &source);
    } else {
        assert_eq!(s.get("/soc/lost-device/index.html").status, 200);
        std::fs::rename(source.join("lost-laptop.md"), source.join("lost-device.md")).unwrap();
        s.wait_for("the rename back", |st| {
            st["errors"].as_array().unwrap().is_empty()
        });
        assert_equals_clean_build(&s, &source);
    }

    // 6. A folder removed and created again (clients/).
    let g = s.generation();
    let clients = source.join("clients");
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&clients, saved.path());
    std::fs::remove_dir_all(&clients).unwrap();
    let st = s.wait_for("clients removed", |st| {
        st["generation"].as_u64().unwrap() > g || !st["errors"].as_array().unwrap().is_empty()
    });
    if st["errors"].as_array().unwrap().is_empty() {
        assert_eq!(s.get("/alder-finch/index.html").status, 404);
    }
    copy_dir(saved.path(), &clients);
    s.wait_for("clients back", |st| {
        st["errors"].as_array().unwrap().is_empty()
            && s.get("/alder-finch/index.html").status == 200
    });
    s.settle();
    assert_equals_clean_build(&s, &source);
}

/// Serve's rule for which rendered pages an edit reaches and a full build
/// agree: with every file of every edition rendered and kept, a run book's
/// new title (which moves it in every list sorted by title) is on every
/// page that shows it, byte for byte as a clean build writes it, while the
/// pages that do not show it are kept rather than rendered again.
#[test]
fn a_new_title_reaches_every_page_that_shows_it_and_no_other() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let (_tmp, out) = build(&source);
    let files: Vec<String> = read_tree(&out).into_keys().collect();
    for path in &files {
        assert_eq!(s.get(&format!("/{path}")).status, 200, "{path}");
    }
    let before = s.status()["renders"].as_u64().unwrap();
    for path in &files {
        s.get(&format!("/{path}"));
    }
    assert_eq!(s.status()["renders"].as_u64().unwrap(), before, "memo");

    // account-compromise is not the newest review, so no edition's cover
    // date changes and only the page table decides what is dropped.
    let g = s.generation();
    let path = source.join("account-compromise.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let title = "A stranger is using an account";
    atomic_write(
        &path,
        &text.replacen(
            "title: Someone else is using an account",
            &format!("title: {title}"),
            1,
        ),
    );
    s.wait_generation_after(g);
    for page in [
        "alder-finch/index.html",
        "alder-finch/print/index.html",
        "alder-finch/search/index.html",
        "alder-finch/phases/containment/index.html",
        "alder-finch/account-compromise/index.html",
        "soc/account-compromise/recovery/index.html",
    ] {
        assert!(s.get(&format!("/{page}")).text().contains(title), "{page}");
    }
    assert_equals_clean_build(&s, &source);
    let rendered = s.status()["renders"].as_u64().unwrap() - before;
    assert!(
        (rendered as usize) < files.len() / 2,
        "{rendered} of {} files rendered again: pages the title does not reach were not kept",
        files.len()
    );
    for kept in [
        "alder-finch/glossary/index.html",
        "alder-finch/ransomware/index.html",
        "soc/lost-device/containment/index.html",
    ] {
        let n = s.status()["renders"].as_u64().unwrap();
        s.get(&format!("/{kept}"));
        assert_eq!(
            s.status()["renders"].as_u64().unwrap(),
            n,
            "{kept} was rendered again"
        );
    }
}

#[test]
fn a_broken_source_shows_problems_and_keeps_the_last_good_pages() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let page = "/soc/phishing/index.html";
    let good = strip(&s.get(page).body);
    let path = source.join("phishing.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let g = s.generation();
    // A phase heading that is not a phase is an error with file and line.
    let broken = text.replacen("## Containment", "## Containmint", 1);
    std::fs::write(&path, &broken).unwrap();
    let st = s.wait_for("errors", |st| !st["errors"].as_array().unwrap().is_empty());
    assert_eq!(
        st["generation"].as_u64().unwrap(),
        g,
        "a broken build was served"
    );
    let e = &st["errors"][0];
    assert_eq!(e["file"], "phishing.md");
    let line = broken
        .lines()
        .position(|l| l.starts_with("## Containmint"))
        .unwrap()
        + 1;
    assert_eq!(e["line"].as_u64().unwrap() as usize, line);
    assert!(!e["message"].as_str().unwrap().is_empty());
    // The old page is still served, with the script that shows the overlay.
    let r = s.get(page);
    assert_eq!(r.status, 200);
    assert_eq!(strip(&r.body), good);
    assert!(r.text().contains("/__runbook/live.js"));
    // The event stream carries the problems to open tabs.
    let mut events = TcpStream::connect(&s.addr).unwrap();
    events.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        events,
        "GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut first = String::new();
    while !first.starts_with("data:") {
        first.clear();
        reader.read_line(&mut first).unwrap();
    }
    assert!(
        first.contains("Containmint") || first.contains("phishing.md"),
        "{first}"
    );
    // Fixing the source clears the problems by itself.
    let fixed = text.replacen("summary:", "summary: Fixed again.", 1);
    std::fs::write(&path, &fixed).unwrap();
    let st = s.wait_for("recovery", |st| {
        st["errors"].as_array().unwrap().is_empty() && st["generation"].as_u64().unwrap() > g
    });
    assert!(st["generation"].as_u64().unwrap() > g);
    let mut next = String::new();
    loop {
        next.clear();
        reader.read_line(&mut next).unwrap();
        if next.starts_with("data:") && next.contains("\"errors\":[]") {
            break;
        }
    }
    assert!(s.get(page).text().contains("Fixed again."));
    assert_equals_clean_build(&s, &source);
}

#[test]
fn a_failing_first_build_keeps_the_server_up_until_fixed() {
    let (_dir, source) = sample();
    let handbook = source.join("handbook.yaml");
    let good = std::fs::read_to_string(&handbook).unwrap();
    std::fs::write(&handbook, "title: [unclosed\n").unwrap();
    let s = Serve::start(&source);
    let r = s.get("/");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("handbook.yaml"), "{}", r.text());
    assert!(r.text().contains("/__runbook/live.js"));
    assert_eq!(s.generation(), 0);
    std::fs::write(&handbook, good).unwrap();
    s.wait_generation_after(0);
    assert_eq!(s.get("/").status, 200);
    assert_equals_clean_build(&s, &source);
}

#[test]
fn editor_temporary_files_are_ignored_and_bursts_rebuild_once() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let before = s.settle()["rebuilds"].as_u64().unwrap();
    for name in [
        ".phishing.md.swp",
        ".phishing.md.swx",
        "phishing.md~",
        "#phishing.md#",
        ".#phishing.md",
        "4913",
        "phishing.md___jb_tmp___",
        "phishing.md___jb_old___",
    ] {
        std::fs::write(source.join(name), "---\ntitle: [broken\n").unwrap();
    }
    let st = s.settle();
    assert_eq!(
        st["rebuilds"].as_u64().unwrap(),
        before,
        "temp files caused a rebuild"
    );
    assert!(st["errors"].as_array().unwrap().is_empty());
    // Ten quick saves: one rebuild. The debouncer waits for 30 ms of quiet
    // on a path, and on a loaded machine either process can be descheduled
    // for longer than that mid-burst, splitting it. So every burst must be
    // coalesced (far fewer rebuilds than saves), and at least one of up to
    // five bursts must give exactly one rebuild and one new generation.
    let path = source.join("phishing.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut exactly_one = false;
    for burst in 0..5 {
        let g = s.generation();
        let before = s.status()["rebuilds"].as_u64().unwrap();
        for i in 0..10 {
            let summary = format!("summary: Burst {burst} save {i}.");
            std::fs::write(&path, text.replacen("summary:", &summary, 1)).unwrap();
        }
        let st = s.settle();
        let rebuilds = st["rebuilds"].as_u64().unwrap() - before;
        let generations = st["generation"].as_u64().unwrap() - g;
        assert!(
            (1..=3).contains(&rebuilds),
            "10 saves, {rebuilds} rebuilds: {st}"
        );
        assert!(generations >= 1 && generations <= rebuilds, "{st}");
        let page = s.get("/soc/phishing/index.html").text();
        assert!(
            page.contains(&format!("Burst {burst} save 9.")),
            "last save served"
        );
        if rebuilds == 1 && generations == 1 {
            exactly_one = true;
            break;
        }
    }
    assert!(exactly_one, "no burst of saves gave exactly one rebuild");
}

#[test]
fn poll_mode_sees_changes() {
    let (_dir, source) = sample();
    let s = Serve::start_with(&source, &["--port", "0", "--poll"]);
    let g = s.generation();
    let path = source.join("phishing.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("summary:", "summary: Seen by polling.", 1),
    )
    .unwrap();
    s.wait_generation_after(g);
    assert!(s
        .get("/soc/phishing/index.html")
        .text()
        .contains("Seen by polling."));
}

#[test]
fn drafts_are_served_and_marked_in_the_picker() {
    let (_dir, source) = sample();
    std::fs::write(
        source.join("draft-idea.md"),
        "---\ntitle: An idea in progress\nsummary: Not ready yet.\ndraft: true\n---\n\n## Preparation\n\nText.\n\n## Identification\n\nText.\n\n## Containment\n\nText.\n\n## Eradication\n\nText.\n\n## Recovery\n\nText.\n\n## Lessons Learned\n\nText.\n",
    )
    .unwrap();
    let s = Serve::start(&source);
    let picker = s.get("/").text();
    assert!(picker.contains("data-draft=\"draft-idea\""), "{picker}");
    assert!(picker.contains("class=\"draft\">draft<"));
    assert_eq!(s.get("/soc/draft-idea/index.html").status, 200);
    // A build leaves it out.
    let (_tmp, out) = build(&source);
    assert!(!out.join("soc/draft-idea").exists());
}

#[test]
fn a_busy_port_moves_to_the_next_and_says_so() {
    let (_dir, source) = sample();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let s = Serve::start_with(&source, &["--port", &port.to_string()]);
    assert_ne!(s.addr, format!("127.0.0.1:{port}"));
    assert_eq!(s.get("/").status, 200);
    drop(taken);
}

#[test]
fn ctrl_c_exits_cleanly() {
    let (_dir, source) = sample();
    let mut s = Serve::start(&source);
    assert_eq!(s.get("/").status, 200);
    let ok = Command::new("kill")
        .arg("-INT")
        .arg(s.child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    // The reader thread ends when the pipe closes; collect until then.
    let mut rest = Vec::new();
    while let Ok(line) = s.lines.recv_timeout(WAIT) {
        rest.push(line);
    }
    assert!(rest.iter().any(|l| l.contains("Stopped")), "{rest:?}");
}

/// A small deterministic generator (no crate, no clock).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn soak_of_random_edits_ends_equal_to_a_clean_build() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let started = Instant::now();
    let mut rng = Lcg(0x5eed_2026);
    let files: Vec<PathBuf> = [
        "phishing.md",
        "ransomware.md",
        "lost-device.md",
        "invoice-fraud.md",
        "data-breach.md",
    ]
    .iter()
    .map(|f| source.join(f))
    .collect();
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let client = source.join("clients/alder-finch.yaml");
    let client_text = std::fs::read_to_string(&client).unwrap();
    let pages = [
        "/soc/index.html",
        "/alder-finch/index.html",
        "/alder-finch/phishing/index.html",
        "/harbourview-dental/ransomware/containment/index.html",
        "/meridian-freight/print/index.html",
        "/soc/phases/recovery/index.html",
        "/alder-finch/assets/search-index.js",
        "/soc/lost-device/print/index.html",
        "/meridian-freight/data-breach/index.html",
        "/alder-finch/glossary/index.html",
    ];
    let extra = source.join("soak-extra.md");
    let extra_text = "---\ntitle: Soak extra\nsummary: Added and removed by the soak test.\n---\n\n## Preparation\n\n- Be ready.\n\n## Identification\n\n- Look.\n\n## Containment\n\n- Stop it.\n\n## Eradication\n\n- Remove it.\n\n## Recovery\n\n- Restore.\n\n## Lessons Learned\n\n- Learn.\n";
    let mut edits = 0;
    let mut invalid = 0;
    while edits < 300 {
        let i = rng.below(files.len());
        let base = &originals[i];
        let word = format!("soak{}", rng.below(1000));
        let (text, valid) = match rng.below(8) {
            0 => (base.replacen("## Containment", "## Containmint", 1), false),
            1 => (base.replacen("title:", "title: [", 1), false),
            2 => (
                base.replacen("summary:", &format!("summary: {word}"), 1),
                true,
            ),
            3 => (
                format!("{base}\n- A new lessons step about {word}.\n"),
                true,
            ),
            4 => (
                base.replacen(
                    "## Recovery\n",
                    &format!("## Recovery\n\n{word} first.\n"),
                    1,
                ),
                true,
            ),
            _ => (base.clone(), true),
        };
        if !valid {
            invalid += 1;
        }
        match rng.below(10) {
            0 => atomic_write(&files[i], &text),
            1 => {
                if extra.exists() {
                    std::fs::remove_file(&extra).unwrap();
                } else {
                    std::fs::write(&extra, extra_text).unwrap();
                }
            }
            2 => {
                let name = format!("colour-{}", rng.below(3));
                let t = client_text.replacen("name:", &format!("# {name}\nname:"), 1);
                std::fs::write(&client, t).unwrap();
            }
            _ => std::fs::write(&files[i], &text).unwrap(),
        }
        edits += 1;
        // Sometimes wait for the rebuild and read pages, so that rendered
        // pages are carried from generation to generation.
        if rng.below(4) == 0 {
            std::thread::sleep(Duration::from_millis(40 + rng.below(40) as u64));
            for _ in 0..3 {
                let p = pages[rng.below(pages.len())];
                let _ = s.get(p);
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60), "soak too slow");
    }
    assert!(invalid > 20, "the soak made too few invalid edits");
    // End on valid sources: every file back to a valid version.
    for (f, t) in files.iter().zip(&originals) {
        std::fs::write(f, t.replacen("summary:", "summary: Final.", 1)).unwrap();
    }
    let st = s.settle();
    assert!(st["errors"].as_array().unwrap().is_empty(), "{st}");
    assert!(s.get("/soc/phishing/index.html").text().contains("Final."));
    assert_equals_clean_build(&s, &source);
}

#[test]
fn theme_changes_rebuild_everything_and_template_errors_keep_the_last_good_build() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("runbooks");
    copy_dir(&root().join("runbooks"), &source);
    let theme = dir.path().join("themes/mine");
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::write(theme.join("static/extra.css"), "a { color: red; }\n").unwrap();
    let handbook = std::fs::read_to_string(source.join("handbook.yaml")).unwrap();
    std::fs::write(
        source.join("handbook.yaml"),
        format!("{handbook}\ntheme: mine\n"),
    )
    .unwrap();
    let s = Serve::start(&source);
    assert_eq!(s.get("/soc/assets/extra.css").text(), "a { color: red; }\n");
    assert_equals_clean_build(&s, &source);

    // A theme file outside the source folder is watched too.
    let g = s.generation();
    std::fs::write(theme.join("static/extra.css"), "a { color: blue; }\n").unwrap();
    s.wait_generation_after(g);
    assert_eq!(
        s.get("/alder-finch/assets/extra.css").text(),
        "a { color: blue; }\n"
    );
    assert_equals_clean_build(&s, &source);

    // A template that does not compile: problems, last good build kept.
    let g = s.generation();
    let template = theme.join("templates/404.html");
    std::fs::write(&template, "{% if %}broken").unwrap();
    let st = s.wait_for("a template error", |st| {
        !st["errors"].as_array().unwrap().is_empty()
    });
    assert_eq!(st["generation"].as_u64().unwrap(), g);
    assert!(
        st["errors"][0]["file"]
            .as_str()
            .unwrap()
            .contains("404.html"),
        "{st}"
    );
    assert_eq!(s.get("/soc/index.html").status, 200);

    // Removing it brings back the good build, by itself.
    std::fs::remove_file(&template).unwrap();
    s.wait_for("recovery", |st| st["errors"].as_array().unwrap().is_empty());
    assert_equals_clean_build(&s, &source);

    // A template that compiles but fails when rendered is caught before
    // the new build is served, as `build` would fail on it.
    let g = s.generation();
    std::fs::write(&template, "<p>{{ nope.missing }}</p>").unwrap();
    let st = s.wait_for("a render error", |st| {
        !st["errors"].as_array().unwrap().is_empty()
    });
    assert_eq!(st["generation"].as_u64().unwrap(), g);
    build_command(&source, &dir.path().join("out"))
        .assert()
        .code(1);
    std::fs::remove_file(&template).unwrap();
    s.wait_for("recovery", |st| st["errors"].as_array().unwrap().is_empty());
    assert_equals_clean_build(&s, &source);
}

/// Sends raw bytes, reads the whole answer (or what came before `limit`),
/// and says how long the answer took.
fn exchange(addr: &str, bytes: &[u8], limit: Duration) -> (Duration, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(limit)).unwrap();
    let started = Instant::now();
    s.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    (
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

#[test]
fn only_this_previews_host_names_are_answered() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let port = s.addr.rsplit(':').next().unwrap();
    for host in [
        "localhost".to_string(),
        format!("LOCALHOST:{port}"),
        format!("127.0.0.1:{port}"),
        "127.0.0.2".to_string(),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(raw(&s.addr, "GET", "/", &host).status, 200, "{host}");
    }
    // Names a DNS rebinding attack controls, however they start, and
    // addresses written in forms other than a plain literal.
    for host in [
        "127.0.0.1.evil.example",
        "127.evil.example",
        "[::1].evil.example",
        "localhost.evil.example",
        "a@127.0.0.1",
        "2130706433",
        "0x7f.1",
        "[::ffff:127.0.0.1]",
        "127.0.0.1:99999",
    ] {
        let r = raw(&s.addr, "GET", "/soc/index.html", host);
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.text().contains("<main"), "{host} got a page");
    }
    // Two Host fields: neither is trusted.
    for second in ["evil.example", "127.0.0.1"] {
        let (_, answer) = exchange(
            &s.addr,
            format!("GET /soc/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: {second}\r\n\r\n")
                .as_bytes(),
            WAIT,
        );
        assert!(answer.starts_with("HTTP/1.1 400 "), "{second}: {answer}");
    }
    // HTTP/1.1 without a Host is a bad request; HTTP/1.0 may leave it out.
    let (_, answer) = exchange(&s.addr, b"GET / HTTP/1.1\r\n\r\n", WAIT);
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    let (_, answer) = exchange(&s.addr, b"GET / HTTP/1.0\r\n\r\n", WAIT);
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
}

#[test]
fn a_request_with_bare_line_feeds_is_answered_at_once() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let (took, answer) = exchange(
        &s.addr,
        b"GET /soc/index.html HTTP/1.1\nHost: 127.0.0.1\n\n",
        Duration::from_secs(3),
    );
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(took < Duration::from_secs(1), "answered after {took:?}");
}

#[test]
fn a_trickling_request_head_is_cut_off_at_one_deadline() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let mut t = TcpStream::connect(&s.addr).unwrap();
    t.set_read_timeout(Some(Duration::from_millis(250)))
        .unwrap();
    let started = Instant::now();
    t.write_all(b"GET /soc/index.html HTTP/1.1\r\nX-Slow: ")
        .unwrap();
    // One byte every 250 ms: each read is quick, the whole head is not.
    let mut answer = Vec::new();
    let closed = loop {
        if started.elapsed() > Duration::from_secs(12) {
            break false;
        }
        if t.write_all(b"a").is_err() {
            break true;
        }
        let mut buf = [0u8; 512];
        match t.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break true,
        }
    };
    let took = started.elapsed();
    assert!(closed, "still open after {took:?}");
    assert!(
        (Duration::from_secs(4)..Duration::from_secs(8)).contains(&took),
        "closed after {took:?}"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408 "),
        "{answer}"
    );
}

/// Threads of a process, from /proc (Linux).
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
#[cfg(target_os = "linux")]
fn a_slowloris_holds_a_bounded_number_of_threads_and_pages_are_still_served() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let pid = s.child.id();
    assert_eq!(s.get("/soc/index.html").status, 200);
    let idle = threads(pid);
    // A tab's event stream, open before the attack, must survive it.
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream
        .write_all(b"GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 64];
    assert!(stream.read(&mut first).unwrap() > 0);
    let cap = runbook::serve::gate::MAX_CONNECTIONS;
    let mut slow = Vec::new();
    let mut most = 0;
    for i in 0..300 {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .unwrap();
        slow.push(c);
        if i % 25 == 0 {
            most = most.max(threads(pid));
        }
    }
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_millis(800) {
        most = most.max(threads(pid));
        std::thread::sleep(Duration::from_millis(50));
    }
    // Each connection holds a thread, but never more than the cap, plus
    // threads of shut-down connections that gave up their place and are
    // still ending (the system lists a thread until it is gone).
    assert!(
        most <= idle + cap + 16,
        "{most} threads with 300 slow connections (idle: {idle}, cap: {cap})"
    );
    // A page is still served at once, and so is a HEAD.
    let started = Instant::now();
    assert_eq!(s.get("/soc/index.html").status, 200);
    assert_eq!(s.request("HEAD", "/").status, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
    // The open tab's stream was not the one to give way.
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(n) => assert!(n > 0, "the event stream was closed"),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the event stream failed: {e}"
        ),
    }
    drop(slow);
    drop(stream);
}

#[test]
fn an_unknown_edition_is_not_found_never_another_readers_pages() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    assert_eq!(s.get("/soc/index.html").status, 200);
    for target in [
        "/nope",
        "/nope/",
        "/nope/index.html",
        "/nope/search/index.html",
        "/SOC/index.html",
        "/clients/index.html",
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 404, "{target}");
        assert!(
            !r.text().contains("data-edition"),
            "{target} served an edition's page"
        );
    }
}

#[test]
fn open_tabs_count_towards_the_cap_and_one_more_is_told_busy_at_once() {
    let (_dir, source) = sample();
    let s = Serve::start(&source);
    let cap = runbook::serve::gate::MAX_CONNECTIONS;
    let open = |n: usize| -> Vec<TcpStream> {
        (0..n)
            .map(|_| {
                let mut t = TcpStream::connect(&s.addr).unwrap();
                t.set_read_timeout(Some(WAIT)).unwrap();
                t.write_all(b"GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .unwrap();
                // Its first event: the head was read and it is being answered.
                let mut buf = [0u8; 512];
                assert!(t.read(&mut buf).unwrap() > 0);
                t
            })
            .collect()
    };
    let mut tabs = open(cap);
    let (took, answer) = exchange(
        &s.addr,
        b"GET /soc/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        WAIT,
    );
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    assert!(took < Duration::from_secs(2), "told after {took:?}");
    // A tab closes: its place is free again within about a second, long
    // before the stream's next keep-alive (15 s) would find it gone, so
    // tabs reloading on every save never pile up.
    drop(tabs.pop());
    let closed = Instant::now();
    loop {
        let (_, answer) = exchange(
            &s.addr,
            b"GET /soc/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            WAIT,
        );
        if answer.starts_with("HTTP/1.1 200 ") {
            break;
        }
        assert!(
            closed.elapsed() < Duration::from_secs(3),
            "no place came free: {answer}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
