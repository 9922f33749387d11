//! The HTTP side: which paths exist, what they answer, and what is refused.

mod mime;
mod pages;

use super::gate::{Gate, Ticket, MAX_CONNECTIONS};
use super::live::{self, Live, Problem};
use super::site::{Generation, Lookup};
use mime::content_type;
use pages::{failed_page, not_found_page, picker_page};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
/// connection, at most [`MAX_CONNECTIONS`] at once, one request per
/// connection (`Connection: close`).
///
/// The server reads requests itself rather than through tiny_http: tiny_http
/// 0.12 serves each connection on a pooled thread until the client closes
/// it, and its pool can leave a new connection queued behind idle ones;
/// Chromium opens spare connections ahead of need, so pages sometimes never
/// finished loading. Here an idle connection only holds its own thread, for
/// at most [`HEAD_DEADLINE`], and gives way to a new one when the server is
/// full (see [`gate`](super::gate)).
pub fn start(bound: Bound, live: Arc<Live>) -> Result<(), String> {
    let listener = bound.listener;
    let gate = Gate::new(MAX_CONNECTIONS);
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(ticket) = gate.admit(&stream) else {
                    busy(stream);
                    continue;
                };
                let live = live.clone();
                // When no thread can be had, the connection (and its
                // ticket) is dropped and the browser retries.
                let _ = std::thread::Builder::new()
                    .name("serve-conn".into())
                    .spawn(move || connection(stream, &live, &ticket));
            }
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    Ok(())
}

/// Answers 503 on the accepting thread without ever waiting for the client:
/// a fresh socket's send buffer takes the short answer whole.
fn busy(mut stream: TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let _ = text_reply(503, "The preview is busy; try again.\n")
        .with("Retry-After", "1")
        .write(&mut stream, false);
    // Closing with the request unread would reset the connection, and the
    // client might lose the answer: take what has arrived, then close.
    let _ = stream.read(&mut [0u8; 4096]);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// How long a connection may take to send its whole request head, however
/// it trickles in.
const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// How long writing an answer may stall before the connection is dropped
/// (a client that stops reading must not hold its thread for ever).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// The most header fields a request head may have.
const MAX_HEADERS: usize = 64;

/// A request: what the server needs of it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Request {
    method: String,
    target: String,
    /// The one `Host` field; `None` only for HTTP/1.0, which may omit it.
    host: Option<String>,
}

/// Reads one request head before `deadline`; `Err` carries the status to
/// answer with (0: the client is gone, answer nothing).
fn read_request(stream: &mut TcpStream, deadline: Instant) -> Result<Request, u16> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(408);
        }
        stream.set_read_timeout(Some(left)).map_err(|_| 0u16)?;
        let room = (MAX_HEAD + 1 - head.len()).min(buf.len());
        let n = match stream.read(&mut buf[..room]) {
            Ok(0) => return Err(0),
            Ok(n) => n,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return Err(408)
            }
            Err(_) => return Err(0),
        };
        head.extend_from_slice(&buf[..n]);
        // A head can only end, or go wrong, at a line end: parsing only then
        // keeps a client that trickles bytes from costing a parse per byte.
        if buf[..n].contains(&b'\n') || head.len() > MAX_HEAD {
            if let Some(request) = parse_head(&head)? {
                return Ok(request);
            }
        }
        if head.len() > MAX_HEAD {
            return Err(431);
        }
    }
}

/// Parses a request head (CRLF or bare LF line ends); `Ok(None)` while it
/// is incomplete.
fn parse_head(bytes: &[u8]) -> Result<Option<Request>, u16> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(bytes) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => request_of(&parsed).map(Some),
        Err(httparse::Error::TooManyHeaders) => Err(431),
        Err(_) => Err(400),
    }
}

/// What the server needs of a parsed head. Two `Host` fields, or none in
/// HTTP/1.1, are a bad request (RFC 9112 §3.2), never a guess at which one
/// counts.
fn request_of(parsed: &httparse::Request<'_, '_>) -> Result<Request, u16> {
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(400);
    };
    let mut hosts = parsed
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    let host = match (hosts.next(), hosts.next()) {
        (Some(h), None) => {
            let value = std::str::from_utf8(h.value).map_err(|_| 400u16)?;
            Some(value.trim_matches([' ', '\t']).to_string())
        }
        (None, _) if version == 0 => None,
        _ => return Err(400),
    };
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
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

/// The host part of a `Host` field.
#[derive(Debug, PartialEq, Eq)]
enum HostName<'a> {
    /// A registered name, as written.
    Name(&'a str),
    /// An IP address literal: a dotted quad, or IPv6 in brackets.
    Ip(IpAddr),
}

/// Splits a `Host` field into its host and checks its optional port
/// (`:` and 1 to 5 digits, at most 65535). `None` for anything else:
/// userinfo, percent-encoding, spaces, an IPv6 address without brackets, an
/// IPv4 address in brackets, a zone id, an empty or malformed port.
fn host_name(field: &str) -> Option<HostName<'_>> {
    let (host, port) = match field.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = if after.is_empty() {
                None
            } else {
                Some(after.strip_prefix(':')?)
            };
            let ip: std::net::Ipv6Addr = inside.parse().ok()?;
            (HostName::Ip(IpAddr::V6(ip)), port)
        }
        None => {
            let (name, port) = match field.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (field, None),
            };
            let host = match name.parse::<std::net::Ipv4Addr>() {
                Ok(ip) => HostName::Ip(IpAddr::V4(ip)),
                Err(_) => HostName::Name(name),
            };
            (host, port)
        }
    };
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok()
    });
    port_ok.then_some(host)
}

/// True when a `Host` field names this preview and not another site whose
/// name a DNS rebinding attack pointed here: `localhost` (any case, no
/// trailing dot), a loopback IP literal (`127.0.0.0/8`, `[::1]`), or the
/// literal address the connection arrived on (`local`: the bound address,
/// or with `--bind 0.0.0.0` the machine's address the browser used), each
/// with an optional port. Anything else, named or written differently
/// (decimal, hex or short IPv4 forms, IPv4-mapped IPv6), is refused.
fn host_allowed(field: &str, local: IpAddr) -> bool {
    match host_name(field) {
        Some(HostName::Name(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(HostName::Ip(ip)) => ip.is_loopback() || ip == local.to_canonical(),
        None => false,
    }
}

/// Answers the one request of a connection.
fn connection(mut stream: TcpStream, live: &Live, ticket: &Ticket) {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let rq = match read_request(&mut stream, deadline) {
        Ok(rq) => rq,
        Err(0) => return,
        Err(status) => {
            let _ =
                text_reply(status, "The request could not be read.\n").write(&mut stream, false);
            return;
        }
    };
    ticket.answering();
    let head = rq.method == "HEAD";
    // HTTP/1.0 may omit Host; browsers always send it, so a page on another
    // site cannot reach the preview without one.
    let local = stream.local_addr().map(|a| a.ip());
    let host_ok = match (&rq.host, local) {
        (None, _) => true,
        (Some(host), Ok(local)) => host_allowed(host, local),
        (Some(_), Err(_)) => false,
    };
    if !host_ok {
        // A page on another site reaching the preview through DNS rebinding.
        let _ = text_reply(
            403,
            "This preview answers to localhost, loopback addresses and the address it listens on only.\n",
        )
        .write(&mut stream, head);
        return;
    }
    if !head && rq.method != "GET" {
        let r = text_reply(405, "Only GET and HEAD are served.\n").with("Allow", "GET, HEAD");
        let _ = r.write(&mut stream, false);
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

/// How often an event stream looks whether its tab is gone.
const TAB_CHECK: Duration = Duration::from_secs(1);

/// Streams status changes to one tab until it goes away.
fn events(mut w: TcpStream, live: &Live) {
    // A tab that stops reading must not hold its thread for ever.
    let _ = w.set_write_timeout(Some(KEEP_ALIVE * 2));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let mut status = live.status();
    if w.write_all(head.as_bytes()).is_err() || send(&mut w, &status).is_err() {
        return;
    }
    let mut quiet_since = Instant::now();
    loop {
        match live.wait(status.version, TAB_CHECK) {
            Some(s) => {
                status = s;
                if send(&mut w, &status).is_err() {
                    return;
                }
                quiet_since = Instant::now();
            }
            // A closed or reloaded tab frees its place (and thread) within
            // a second, not at the next keep-alive: tabs that reload on
            // every save must not pile up against the connection cap.
            None if tab_gone(&w) => return,
            None if quiet_since.elapsed() >= KEEP_ALIVE => {
                if w.write_all(b": keep-alive\n\n")
                    .and_then(|()| w.flush())
                    .is_err()
                {
                    return;
                }
                quiet_since = Instant::now();
            }
            None => {}
        }
    }
}

/// True when the tab closed its side: an event stream's client sends
/// nothing after its request, so the end of its input means it is gone.
fn tab_gone(w: &TcpStream) -> bool {
    if w.set_nonblocking(true).is_err() {
        return false;
    }
    let gone = match w.peek(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    gone || w.set_nonblocking(false).is_err()
}

fn send(w: &mut impl Write, status: &live::Status) -> std::io::Result<()> {
    let json = serde_json::to_string(status).unwrap_or_else(|_| "{}".into());
    write!(w, "data: {json}\n\n")?;
    w.flush()
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

    const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn host_names_of_this_preview_are_answered() {
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        for (host, local) in [
            ("localhost", LOOPBACK),
            ("LocalHost:3000", LOOPBACK),
            ("127.0.0.1", LOOPBACK),
            ("127.0.0.1:3000", LOOPBACK),
            ("127.1.2.3:65535", LOOPBACK),
            ("[::1]", LOOPBACK),
            ("[::1]:3000", LOOPBACK),
            ("[0:0:0:0:0:0:0:1]:80", LOOPBACK),
            // Bound to 0.0.0.0 and reached on the LAN address: that address.
            ("192.168.1.20:3000", lan),
            ("localhost:3000", lan),
            // Bound to `::` and reached over IPv4 (a mapped local address).
            ("192.168.1.20", "::ffff:192.168.1.20".parse().unwrap()),
        ] {
            assert!(host_allowed(host, local), "{host} was refused");
        }
    }

    #[test]
    fn foreign_and_disguised_hosts_are_refused() {
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        for host in [
            "attacker.invalid",
            "127.0.0.1.evil.example",
            "127.evil.example",
            "127.0.0.1.evil.example:3000",
            "[::1].evil.example",
            "[::1]evil",
            "localhost.evil.example",
            "evil.localhost",
            "localhost.",
            "",
            ":3000",
            "a@127.0.0.1",
            "127.0.0.1@evil.example",
            "%31%32%37.0.0.1",
            "127.0.0.1%00",
            "127.0.0.1 evil.example",
            " 127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:65536",
            "127.0.0.1:+80",
            "127.0.0.1:3000:3000",
            "127.0.0.1:0x50",
            "127.0.0.1:80 ",
            "2130706433",
            "0x7f.1",
            "0x7f000001",
            "127.1",
            "0177.0.0.1",
            "127.000.000.001",
            "::1",
            "[127.0.0.1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[::1%25lo]",
            "[fe80::1%25eth0]:3000",
            "[::1:3000",
            "0.0.0.0",
            "0.0.0.0:3000",
            "[::]",
            "192.168.1.21",
        ] {
            assert!(!host_allowed(host, LOOPBACK), "{host:?} was answered");
            assert!(!host_allowed(host, lan), "{host:?} was answered on the LAN");
        }
        // The LAN address is this preview's only when the request came in on it.
        assert!(!host_allowed("192.168.1.20", LOOPBACK));
    }

    #[test]
    fn request_heads_are_read_with_either_line_end() {
        let want = Request {
            method: "GET".into(),
            target: "/soc/".into(),
            host: Some("localhost:3000".into()),
        };
        for head in [
            "GET /soc/ HTTP/1.1\r\nHost: localhost:3000\r\n\r\n",
            "GET /soc/ HTTP/1.1\nHost: localhost:3000\n\n",
            "GET /soc/ HTTP/1.1\nHost:localhost:3000 \nAccept: */*\n\n",
        ] {
            assert_eq!(
                parse_head(head.as_bytes()),
                Ok(Some(want.clone())),
                "{head:?}"
            );
        }
        assert_eq!(
            parse_head(b"GET /soc/ HTTP/1.1\r\nHost: localhost"),
            Ok(None)
        );
    }

    #[test]
    fn bad_heads_are_refused() {
        for (head, status) in [
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n",
                400,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\nhOsT: localhost\r\n\r\n",
                400,
            ),
            ("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 400),
            ("NONSENSE\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", 400),
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\n evil.example\r\n\r\n",
                400,
            ),
        ] {
            assert_eq!(parse_head(head.as_bytes()), Err(status), "{head:?}");
        }
        let many = format!(
            "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS)
        );
        assert_eq!(parse_head(many.as_bytes()), Err(431));
        // HTTP/1.0 may leave Host out.
        assert_eq!(
            parse_head(b"GET / HTTP/1.0\r\n\r\n").map(|r| r.map(|r| r.host)),
            Ok(Some(None))
        );
    }
}
