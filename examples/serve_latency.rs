//! Measures `runbook serve`'s save-to-reload latency: the time from writing
//! a run book to the reload event arriving on the Server-Sent Events stream
//! that open tabs listen to (debounce window included).
//!
//! `serve_latency RUNBOOK_BIN SOURCE_DIR [EDITS]` starts `RUNBOOK_BIN serve
//! --source SOURCE_DIR --port 0`, opens a few pages (so that there are
//! rendered pages to keep), then edits one run book EDITS times (default 25),
//! waiting for each reload event, and prints the median, 90th percentile and
//! maximum, plus the time to fetch the edited page afterwards (which renders
//! it). The run book is restored at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: serve_latency RUNBOOK_BIN SOURCE_DIR [EDITS]");
        std::process::exit(2);
    }
    let bin = PathBuf::from(&args[1]);
    let source = PathBuf::from(&args[2]);
    let edits: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(25);
    if let Err(e) = run(&bin, &source, edits) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(bin: &Path, source: &Path, edits: usize) -> Result<(), String> {
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--source"])
        .arg(source)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let out = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(out).lines();
    let addr = loop {
        let line = lines
            .next()
            .ok_or("serve exited before printing its URL")?
            .map_err(|e| e.to_string())?;
        println!("serve: {line}");
        if let Some(at) = line.find("http://") {
            let url = line[at + 7..].split_whitespace().next().unwrap_or("");
            break url.trim_end_matches('/').to_string();
        }
    };
    // Keep printing what serve says (rebuild times) on another thread.
    let echo = std::thread::spawn(move || {
        let mut rebuilds = Vec::new();
        for line in lines.map_while(Result::ok) {
            if let Some(ms) = line
                .strip_prefix("Rebuilt #")
                .and_then(|r| r.split(" in ").nth(1))
                .and_then(|r| r.split(" ms").next())
                .and_then(|r| r.parse::<f64>().ok())
            {
                rebuilds.push(ms);
            }
        }
        rebuilds
    });
    let result = measure(&addr, source, edits);
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let rebuilds = echo.join().unwrap_or_default();
    let (latencies, fetches, slug) = result?;
    report("save → reload event", &latencies);
    report(&format!("then GET /soc/{slug}/index.html"), &fetches);
    report("rebuild inside serve (its own timing)", &rebuilds);
    Ok(())
}

type Measured = (Vec<f64>, Vec<f64>, String);

fn measure(addr: &str, source: &Path, edits: usize) -> Result<Measured, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(source)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let file = files
        .first()
        .ok_or("no run book in the source folder")?
        .clone();
    let slug = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let original = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    // Open pages a writer would have open, so there are pages to keep.
    for p in [
        "/".to_string(),
        "/soc/index.html".to_string(),
        format!("/soc/{slug}/index.html"),
        "/client-000/index.html".to_string(),
        format!("/client-000/{slug}/containment/index.html"),
    ] {
        get(addr, &p)?;
    }
    let mut events = Events::open(addr)?;
    let mut generation = events.next_generation(0)?;
    let mut latencies = Vec::new();
    let mut fetches = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(250));
        let text = original.replacen("summary:", &format!("summary: Edit {i}."), 1);
        let started = Instant::now();
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        generation = events.next_generation(generation)?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let page = get(addr, &format!("/soc/{slug}/index.html"))?;
        fetches.push(t.elapsed().as_secs_f64() * 1000.0);
        if !page.contains(&format!("Edit {i}.")) {
            return Err(format!(
                "edit {i} is not on the page after its reload event"
            ));
        }
    }
    std::fs::write(&file, original).map_err(|e| e.to_string())?;
    Ok((latencies, fetches, slug))
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(addr: &str) -> Result<Events, String> {
        let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        write!(
            s,
            "GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        Ok(Events {
            reader: BufReader::new(s),
        })
    }

    /// Reads events until one names a generation after `after`.
    fn next_generation(&mut self, after: u64) -> Result<u64, String> {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self
                .reader
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the event stream ended".into());
            }
            let Some(json) = line.strip_prefix("data: ") else {
                continue;
            };
            let g = json
                .split("\"generation\":")
                .nth(1)
                .and_then(|r| r.split(',').next())
                .and_then(|r| r.trim().parse::<u64>().ok())
                .unwrap_or(0);
            if json.contains("\"errors\":[{") {
                return Err(format!("the sources have errors: {json}"));
            }
            if g > after {
                return Ok(g);
            }
        }
    }
}

fn get(addr: &str, path: &str) -> Result<String, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut body = String::new();
    s.read_to_string(&mut body).map_err(|e| e.to_string())?;
    Ok(body)
}

fn report(what: &str, ms: &[f64]) {
    if ms.is_empty() {
        println!("{what}: no samples");
        return;
    }
    let mut v = ms.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: n={} median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        v.len(),
        at(0.5),
        at(0.9),
        v[0],
        v[v.len() - 1]
    );
}
