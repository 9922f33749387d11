//! Bytes on the socket: binding, reading one request head, writing one
//! answer.
//!
//! Every connection carries one request and one answer (`Connection:
//! close`, `Content-Length` always): a preview serves a few tabs on one
//! machine, so keep-alive would save little and cost an idle thread per
//! connection the browser keeps open. What is read is only what routing
//! needs ([`Request`]); what can go wrong while reading is a [`HeadError`],
//! which says whether anyone is left to answer.

use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A bound listener.
pub(crate) struct Bound {
    /// The socket.
    pub listener: TcpListener,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// When the asked-for port was busy: that port.
    pub busy: Option<u16>,
}

/// How many ports after a busy one are tried.
pub(crate) const PORT_TRIES: u16 = 10;

/// Binds `ip:port`; when the port is busy, the next free one of the
/// following [`PORT_TRIES`]. Port 0 lets the system choose.
pub(crate) fn bind(ip: IpAddr, port: u16) -> std::io::Result<Bound> {
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

/// How long a connection may take to send its whole request head, however
/// it trickles in.
pub(super) const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// How long writing an answer may stall before the connection is dropped
/// (a client that stops reading must not hold its thread for ever).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// The most header fields a request head may have.
const MAX_HEADERS: usize = 64;

/// The methods the preview tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    /// `HEAD`: answered as `GET`, without the body.
    Head,
    /// Any other method: refused.
    Other,
}

impl Method {
    fn of(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            _ => Method::Other,
        }
    }
}

/// A request: what the server needs of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Request {
    pub method: Method,
    /// The request target as sent (path and query), not yet checked.
    pub target: String,
    /// The one `Host` field; `None` only for HTTP/1.0, which may omit it.
    pub host: Option<String>,
}

/// Why no request could be read from a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HeadError {
    /// The client closed the connection, or it failed: nobody to answer.
    Gone,
    /// The head did not arrive whole within [`HEAD_DEADLINE`].
    TimedOut,
    /// The head is longer than [`MAX_HEAD`] or has more than
    /// [`MAX_HEADERS`] fields.
    TooLarge,
    /// Not a request head of HTTP/1.0 or 1.1.
    Malformed,
    /// Two `Host` fields, or none in HTTP/1.1 (RFC 9112 §3.2): never a
    /// guess at which one counts.
    NoSingleHost,
}

impl HeadError {
    /// The status to answer with; `None` when nobody is left to read it.
    pub(super) fn status(self) -> Option<Status> {
        match self {
            HeadError::Gone => None,
            HeadError::TimedOut => Some(Status::RequestTimeout),
            HeadError::TooLarge => Some(Status::HeaderFieldsTooLarge),
            HeadError::Malformed | HeadError::NoSingleHost => Some(Status::BadRequest),
        }
    }
}

/// Sets the socket options every connection is served with.
pub(super) fn prepare(stream: &TcpStream) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    // Heads and bodies are written whole: waiting to coalesce them only
    // delays the page.
    let _ = stream.set_nodelay(true);
}

/// Reads one request head before `deadline`.
pub(super) fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
) -> Result<Request, HeadError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::TimedOut);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Gone)?;
        let room = (MAX_HEAD + 1 - head.len()).min(buf.len());
        let n = match stream.read(&mut buf[..room]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => n,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return Err(HeadError::TimedOut)
            }
            Err(_) => return Err(HeadError::Gone),
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
            return Err(HeadError::TooLarge);
        }
    }
}

/// Parses a request head (CRLF or bare LF line ends); `Ok(None)` while it
/// is incomplete.
fn parse_head(bytes: &[u8]) -> Result<Option<Request>, HeadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(bytes) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => request_of(&parsed).map(Some),
        Err(httparse::Error::TooManyHeaders) => Err(HeadError::TooLarge),
        Err(_) => Err(HeadError::Malformed),
    }
}

/// What the server needs of a parsed head.
fn request_of(parsed: &httparse::Request<'_, '_>) -> Result<Request, HeadError> {
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(HeadError::Malformed);
    };
    let mut hosts = parsed
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    let host = match (hosts.next(), hosts.next()) {
        (Some(h), None) => {
            let value = std::str::from_utf8(h.value).map_err(|_| HeadError::Malformed)?;
            Some(value.trim_matches([' ', '\t']).to_string())
        }
        (None, _) if version == 0 => None,
        _ => return Err(HeadError::NoSingleHost),
    };
    Ok(Request {
        method: Method::of(method),
        target: target.to_string(),
        host,
    })
}

/// The statuses the preview answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    /// 200.
    Ok,
    /// 308: an edition's folder asked for without its slash.
    PermanentRedirect,
    /// 400: an unreadable head or a refused path.
    BadRequest,
    /// 403: a `Host` that is not this preview's.
    Forbidden,
    /// 404.
    NotFound,
    /// 405: neither GET nor HEAD.
    MethodNotAllowed,
    /// 408: the head did not arrive in time.
    RequestTimeout,
    /// 431: the head is too long.
    HeaderFieldsTooLarge,
    /// 500: a template failed on the page asked for.
    InternalServerError,
    /// 503: no good build yet, or every connection is being answered.
    ServiceUnavailable,
}

impl Status {
    /// The three-digit code.
    pub(super) fn code(self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::PermanentRedirect => 308,
            Status::BadRequest => 400,
            Status::Forbidden => 403,
            Status::NotFound => 404,
            Status::MethodNotAllowed => 405,
            Status::RequestTimeout => 408,
            Status::HeaderFieldsTooLarge => 431,
            Status::InternalServerError => 500,
            Status::ServiceUnavailable => 503,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::PermanentRedirect => "Permanent Redirect",
            Status::BadRequest => "Bad Request",
            Status::Forbidden => "Forbidden",
            Status::NotFound => "Not Found",
            Status::MethodNotAllowed => "Method Not Allowed",
            Status::RequestTimeout => "Request Timeout",
            Status::HeaderFieldsTooLarge => "Request Header Fields Too Large",
            Status::InternalServerError => "Internal Server Error",
            Status::ServiceUnavailable => "Service Unavailable",
        }
    }
}

/// A whole answer. Every answer is written with the same safety headers
/// (never cached, never sniffed, no referrer), its `Content-Length` and
/// `Connection: close`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Response {
    pub status: Status,
    pub content_type: &'static str,
    /// Headers only some answers carry (`Location`, `Allow`,
    /// `Retry-After`), in the order written.
    pub extra_headers: Vec<(&'static str, String)>,
    /// The body (also its length for HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// An answer with no extra headers.
    pub(super) fn new(status: Status, content_type: &'static str, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type,
            extra_headers: Vec::new(),
            body,
        }
    }

    /// A plain-text answer.
    pub(super) fn text(status: Status, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    /// Adds `Location` (for a redirect).
    pub(super) fn location(self, to: String) -> Response {
        self.with("Location", to)
    }

    /// Adds `Allow` (for a 405).
    pub(super) fn allow(self, methods: &str) -> Response {
        self.with("Allow", methods.to_string())
    }

    /// Adds `Retry-After` in seconds (for a 503).
    fn retry_after(self, seconds: u32) -> Response {
        self.with("Retry-After", seconds.to_string())
    }

    fn with(mut self, name: &'static str, value: String) -> Response {
        self.extra_headers.push((name, value));
        self
    }

    /// Writes the answer; for a HEAD request (`head_only`) the head alone,
    /// with the length the body would have.
    pub(super) fn write(&self, w: &mut impl Write, head_only: bool) -> std::io::Result<()> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n",
            self.status.code(),
            self.status.reason(),
            self.content_type
        );
        for (name, value) in &self.extra_headers {
            out.push_str(&format!("{name}: {value}\r\n"));
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

/// Answers a head that could not be read, when anyone is left to read the
/// answer.
pub(super) fn answer_unreadable(stream: &mut TcpStream, error: HeadError) {
    if let Some(status) = error.status() {
        let _ = Response::text(status, "The request could not be read.\n").write(stream, false);
    }
}

/// Answers 503 on the accepting thread without ever waiting for the client:
/// a fresh socket's send buffer takes the short answer whole.
pub(super) fn refuse_busy(mut stream: TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let _ = Response::text(
        Status::ServiceUnavailable,
        "The preview is busy; try again.\n",
    )
    .retry_after(1)
    .write(&mut stream, false);
    // Closing with the request unread would reset the connection, and the
    // client might lose the answer: take what has arrived, then close.
    let _ = stream.read(&mut [0u8; 4096]);
    let _ = stream.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_heads_are_read_with_either_line_end() {
        let want = Request {
            method: Method::Get,
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
        for (head, error) in [
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n",
                HeadError::NoSingleHost,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\nhOsT: localhost\r\n\r\n",
                HeadError::NoSingleHost,
            ),
            (
                "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
                HeadError::NoSingleHost,
            ),
            (
                "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n",
                HeadError::Malformed,
            ),
            ("NONSENSE\r\n\r\n", HeadError::Malformed),
            (
                "GET / HTTP/1.1\r\nHost : localhost\r\n\r\n",
                HeadError::Malformed,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost\r\n evil.example\r\n\r\n",
                HeadError::Malformed,
            ),
        ] {
            assert_eq!(parse_head(head.as_bytes()), Err(error), "{head:?}");
            assert_eq!(error.status(), Some(Status::BadRequest));
        }
        let many = format!(
            "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS)
        );
        assert_eq!(parse_head(many.as_bytes()), Err(HeadError::TooLarge));
        assert_eq!(HeadError::TooLarge.status().map(Status::code), Some(431));
        // HTTP/1.0 may leave Host out.
        assert_eq!(
            parse_head(b"GET / HTTP/1.0\r\n\r\n").map(|r| r.map(|r| r.host)),
            Ok(Some(None))
        );
    }

    #[test]
    fn methods_other_than_get_and_head_are_told_apart_but_not_named() {
        let head = parse_head(b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(head.map(|r| r.map(|r| r.method)), Ok(Some(Method::Head)));
        // Methods are case-sensitive (RFC 9110 §9.1).
        let lower = parse_head(b"get / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(lower.map(|r| r.map(|r| r.method)), Ok(Some(Method::Other)));
    }

    #[test]
    fn a_closed_or_silent_client_is_not_answered() {
        assert_eq!(HeadError::Gone.status(), None);
        assert_eq!(HeadError::TimedOut.status().map(Status::code), Some(408));
    }

    #[test]
    fn an_answer_is_written_with_its_length_and_head_only_for_head() {
        let r = Response::text(Status::MethodNotAllowed, "no\n").allow("GET, HEAD");
        let mut full = Vec::new();
        r.write(&mut full, false).unwrap();
        let want_head = "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nAllow: GET, HEAD\r\nContent-Length: 3\r\nConnection: close\r\n\r\n";
        assert_eq!(String::from_utf8(full).unwrap(), format!("{want_head}no\n"));
        let mut head = Vec::new();
        r.write(&mut head, true).unwrap();
        assert_eq!(String::from_utf8(head).unwrap(), want_head);
    }
}
