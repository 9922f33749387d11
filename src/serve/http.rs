//! The HTTP side: which paths exist, what they answer, and what is refused.

use super::live::{self, Live, Problem};
use super::site::{Generation, Lookup};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// How often an idle event stream sends a comment, so a dead tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A bound listener.
pub struct Bound {
    /// The socket.
    pub listener: TcpListener,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// When the asked-for port was busy: that port.
    pub busy: Option<u16>,
}

/// How many ports after a busy one are tried.
pub const PORT_TRIES: u16 = 10;

/// Binds `ip:port`; when the port is busy, the next free one of the
/// following [`PORT_TRIES`]. Port 0 lets the system choose.
pub fn bind(ip: IpAddr, port: u16) -> std::io::Result<Bound> {
    let mut first_err = None;
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    for p in port..=last {
        match TcpListener::bind((ip, p)) {
            Ok(listener) => {
                let addr = listener.local_addr()?;
                return Ok(Bound {
                    listener,
                    addr,
                    busy: (p != port).then_some(port),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                first_err.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(first_err.unwrap_or_else(|| std::io::Error::other("no port to try")))
}

/// Starts answering requests on background threads: one thread per
/// connection, one request per connection (`Connection: close`).
///
/// The server reads requests itself rather than through tiny_http: tiny_http
/// 0.12 serves each connection on a pooled thread until the client closes
/// it, and its pool can leave a new connection queued behind idle ones;
/// Chromium opens spare connections ahead of need, so pages sometimes never
/// finished loading. Here an idle connection only holds its own thread, and
/// only for [`READ_TIMEOUT`].
pub fn start(bound: Bound, live: Arc<Live>) -> Result<(), String> {
    let loopback = bound.addr.ip().is_loopback();
    let listener = bound.listener;
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let live = live.clone();
                // When no thread can be had, the connection is dropped and
                // the browser retries.
                let _ = std::thread::Builder::new()
                    .name("serve-conn".into())
                    .spawn(move || connection(stream, &live, loopback));
            }
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    Ok(())
}

/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// A request: what the server needs of it.
struct Request {
    method: String,
    target: String,
    host: Option<String>,
}

/// Reads one request head; `Err` carries the status to answer with.
fn read_request(stream: &mut TcpStream) -> Result<Request, u16> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        if let Some(end) = find(&head, b"\r\n\r\n") {
            head.truncate(end);
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(431);
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err(0),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return Err(408)
            }
            Err(_) => return Err(0),
        }
    }
    let text = std::str::from_utf8(&head).map_err(|_| 400u16)?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") || method.is_empty() || target.is_empty() {
        return Err(400);
    }
    let host = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_string());
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An answer, written with `Content-Length` and `Connection: close`.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn write(&self, w: &mut impl Write, head_only: bool) -> std::io::Result<()> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        w.write_all(out.as_bytes())?;
        if !head_only {
            w.write_all(&self.body)?;
        }
        w.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `/`: the edition picker.
    Picker,
    /// The reload script.
    Script,
    /// The overlay stylesheet.
    Style,
    /// The event stream.
    Events,
    /// The status as JSON.
    Status,
    /// `/<edition>` without a slash: redirect to `/<edition>/`.
    EditionRoot(String),
    /// A file of an edition (`index.html` for a folder).
    File {
        /// The edition slug.
        edition: String,
        /// The path inside it.
        path: String,
    },
}

/// Why a path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// Reads a request target. Anything that could name a place outside the
/// site (`..` in any encoding, encoded slashes, backslashes, absolute or
/// network paths, NUL) is refused before any lookup.
pub fn resolve(url: &str) -> Result<Target, Refused> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(Refused("the path must start with /"));
    }
    if path.starts_with("//") {
        return Err(Refused("network paths are not served"));
    }
    let lower = path.to_ascii_lowercase();
    for bad in ["%2e", "%2f", "%5c", "%00", "\\"] {
        if lower.contains(bad) {
            return Err(Refused("encoded dots, slashes and backslashes are refused"));
        }
    }
    let decoded = percent_decode(path).ok_or(Refused("the path is not valid UTF-8"))?;
    if decoded.contains(['\\', '\0']) || decoded.chars().any(char::is_control) {
        return Err(Refused("control characters and backslashes are refused"));
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if *s == ".." || *s == "." {
            return Err(Refused("dot segments are refused"));
        }
        if s.is_empty() && i != last {
            return Err(Refused("empty segments are refused"));
        }
        if s.contains(':') {
            return Err(Refused("drive letters and schemes are refused"));
        }
    }
    match decoded.as_str() {
        "/" => return Ok(Target::Picker),
        live::SCRIPT_PATH => return Ok(Target::Script),
        live::STYLE_PATH => return Ok(Target::Style),
        live::EVENTS_PATH => return Ok(Target::Events),
        live::STATUS_PATH => return Ok(Target::Status),
        _ => {}
    }
    let edition = segments[0].to_string();
    if segments.len() == 1 {
        return Ok(Target::EditionRoot(edition));
    }
    let mut path = segments[1..].join("/");
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    Ok(Target::File { edition, path })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// A reply with the headers every answer carries.
fn reply(status: u16, ctype: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", ctype.to_string()),
            ("Cache-Control", "no-store".to_string()),
            ("X-Content-Type-Options", "nosniff".to_string()),
            ("Referrer-Policy", "no-referrer".to_string()),
        ],
        body,
    }
}

fn text_reply(status: u16, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1") || name.starts_with("127.")
}

/// Answers the one request of a connection.
fn connection(mut stream: TcpStream, live: &Live, loopback: bool) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let rq = match read_request(&mut stream) {
        Ok(rq) => rq,
        Err(0) => return,
        Err(status) => {
            let _ =
                text_reply(status, "The request could not be read.\n").write(&mut stream, false);
            return;
        }
    };
    let head = rq.method == "HEAD";
    if !head && rq.method != "GET" {
        let r = text_reply(405, "Only GET and HEAD are served.\n").with("Allow", "GET, HEAD");
        let _ = r.write(&mut stream, false);
        return;
    }
    if loopback && !host_allowed(rq.host.as_deref()) {
        // A page on another site reaching the preview through DNS rebinding.
        let _ =
            text_reply(403, "This preview answers to localhost only.\n").write(&mut stream, head);
        return;
    }
    let target = match resolve(&rq.target) {
        Ok(t) => t,
        Err(Refused(why)) => {
            let _ = text_reply(400, &format!("Refused: {why}.\n")).write(&mut stream, head);
            return;
        }
    };
    if target == Target::Events && !head {
        // A stream lasts as long as its tab, on this connection's thread.
        events(stream, live);
        return;
    }
    let _ = respond(&target, live).write(&mut stream, head);
}

fn respond(target: &Target, live: &Live) -> Reply {
    let site = live.site();
    let number = site.as_ref().map_or(0, |g| g.number);
    let html = |status: u16, body: Vec<u8>| {
        reply(
            status,
            "text/html; charset=utf-8",
            live::inject(&body, number),
        )
    };
    match target {
        Target::Script => reply(
            200,
            content_type("live.js"),
            live::SCRIPT.as_bytes().to_vec(),
        ),
        Target::Style => reply(
            200,
            content_type("live.css"),
            live::STYLE.as_bytes().to_vec(),
        ),
        Target::Status | Target::Events => reply(
            200,
            "application/json",
            serde_json::to_vec(&live.status()).unwrap_or_default(),
        ),
        Target::Picker => match &site {
            Some(g) => html(200, picker_page(g).into_bytes()),
            None => html(503, failed_page(&live.status().errors).into_bytes()),
        },
        Target::EditionRoot(slug) => match &site {
            Some(g) if g.editions.contains_key(slug) => {
                text_reply(308, "See the edition's home page.\n")
                    .with("Location", format!("/{slug}/"))
            }
            Some(_) => html(404, not_found_page().into_bytes()),
            None => html(503, failed_page(&live.status().errors).into_bytes()),
        },
        Target::File { edition, path } => {
            let Some(g) = &site else {
                return html(503, failed_page(&live.status().errors).into_bytes());
            };
            file(g, edition, path, number)
        }
    }
}

fn file(g: &Generation, edition: &str, path: &str, number: u64) -> Reply {
    let ctype = content_type(path);
    let is_html = ctype.starts_with("text/html");
    match g.file(edition, path) {
        Lookup::Found(bytes) => {
            let body = if is_html {
                live::inject(&bytes, number)
            } else {
                bytes.to_vec()
            };
            reply(200, ctype, body)
        }
        Lookup::Missing => {
            let body = match g.file(edition, "404.html") {
                Lookup::Found(b) => b.to_vec(),
                _ => not_found_page().into_bytes(),
            };
            reply(404, "text/html; charset=utf-8", live::inject(&body, number))
        }
        Lookup::Failed(d) => {
            let p = [Problem {
                severity: "error",
                code: d.code.as_str(),
                file: d.span.file.to_string_lossy().into_owned(),
                line: d.span.line,
                column: d.span.column,
                message: d.message.clone(),
                hint: d.hint.clone(),
            }];
            reply(
                500,
                "text/html; charset=utf-8",
                live::inject(failed_page(&p).as_bytes(), number),
            )
        }
    }
}

/// Streams status changes to one tab until it goes away.
fn events(mut w: TcpStream, live: &Live) {
    // A tab that stops reading must not hold its thread for ever.
    let _ = w.set_write_timeout(Some(KEEP_ALIVE * 2));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let mut status = live.status();
    if w.write_all(head.as_bytes()).is_err() || send(&mut w, &status).is_err() {
        return;
    }
    loop {
        match live.wait(status.version, KEEP_ALIVE) {
            Some(s) => {
                status = s;
                if send(&mut w, &status).is_err() {
                    return;
                }
            }
            None => {
                if w.write_all(b": keep-alive\n\n")
                    .and_then(|()| w.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

fn send(w: &mut impl Write, status: &live::Status) -> std::io::Result<()> {
    let json = serde_json::to_string(status).unwrap_or_else(|_| "{}".into());
    write!(w, "data: {json}\n\n")?;
    w.flush()
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const PAGE_STYLE: &str = "body{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}a{color:#0b4fa8}li{margin:.6rem 0}.draft{display:inline-block;padding:0 .4rem;border:1px solid #8a4b00;border-radius:3px;color:#8a4b00;font-size:.9rem}@media (prefers-color-scheme:dark){body{color:#eee;background:#15171b}a{color:#8ab4ff}.draft{color:#ffbd66;border-color:#ffbd66}}";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

/// The page at `/`: every edition, with its draft run books marked.
fn picker_page(g: &Generation) -> String {
    let title = format!("{}: editions (preview)", g.model.handbook.title);
    let mut body = format!(
        "<h1>{}</h1>\n<p>A live preview by <code>runbook serve</code>. Pick an edition; pages update when you save a source file.</p>\n<ul data-editions>\n",
        esc(&g.model.handbook.title)
    );
    for e in &g.picker {
        body.push_str(&format!(
            "<li data-edition=\"{slug}\"><a href=\"/{slug}/index.html\">{name}</a> ({slug}, {n} run book{s})",
            slug = esc(&e.slug),
            name = esc(&e.name),
            n = e.runbooks,
            s = if e.runbooks == 1 { "" } else { "s" },
        ));
        if !e.drafts.is_empty() {
            body.push_str("\n<ul>\n");
            for (slug, title) in &e.drafts {
                body.push_str(&format!(
                    "<li data-draft=\"{s}\"><a href=\"/{ed}/{s}/index.html\">{t}</a> <span class=\"draft\">draft</span></li>\n",
                    s = esc(slug),
                    ed = esc(&e.slug),
                    t = esc(title)
                ));
            }
            body.push_str("</ul>\n");
        }
        body.push_str("</li>\n");
    }
    body.push_str(
        "</ul>\n<p>Drafts are shown here only; <code>runbook build</code> leaves them out.</p>\n",
    );
    shell(&title, &body)
}

fn not_found_page() -> String {
    shell(
        "Page not found",
        "<h1>Page not found</h1>\n<p>There is no such page in this preview. <a href=\"/\">See every edition</a>.</p>\n",
    )
}

/// The page shown while no build has succeeded yet.
fn failed_page(errors: &[Problem]) -> String {
    let mut body = String::from("<h1>The handbook does not build yet</h1>\n<p>Fix these problems and save; this page updates by itself.</p>\n<ul>\n");
    for p in errors {
        body.push_str(&format!(
            "<li><code>{}:{}:{}</code> {} {}</li>\n",
            esc(&p.file),
            p.line,
            p.column,
            esc(p.code),
            esc(&p.message)
        ));
    }
    body.push_str("</ul>\n");
    shell("The handbook does not build yet", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pages_and_folders() {
        assert_eq!(resolve("/"), Ok(Target::Picker));
        assert_eq!(
            resolve("/soc/phishing/"),
            Ok(Target::File {
                edition: "soc".into(),
                path: "phishing/index.html".into()
            })
        );
        assert_eq!(resolve("/soc"), Ok(Target::EditionRoot("soc".into())));
        assert_eq!(
            resolve("/soc/a%20b.html?x=1"),
            Ok(Target::File {
                edition: "soc".into(),
                path: "a b.html".into()
            })
        );
    }

    #[test]
    fn refuses_escapes() {
        for bad in [
            "/../etc/passwd",
            "/soc/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/soc/%2E%2E/x",
            "/soc/..%2fx",
            "/soc\\..\\x",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/soc/./index.html",
            "/soc/%00",
            "/%c0%ae%c0%ae/x",
            "http://example.invalid/x",
            "/soc//x",
        ] {
            assert!(resolve(bad).is_err(), "{bad} was not refused");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/x.JS"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("assets/logo.png"), "image/png");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
