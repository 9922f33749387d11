//! What a request gets: a function from a parsed [`Request`] and the live
//! state to an [`Answer`], with no socket in sight.
//!
//! Every decision about a request is made here, in this order: a `Host`
//! that is not this preview's is refused (403), a method other than GET
//! and HEAD is refused (405), a path that could name anything outside the
//! site is refused (400), then the path is looked up in memory. Keeping
//! the socket out means each decision is tested on its own (see the tests
//! below), and the order cannot drift between the wire and the pages.

use super::host;
use super::mime::content_type;
use super::pages;
use super::wire::{Method, Request, Response, Status};
use crate::serve::live::{self, Live, Problem};
use crate::serve::site::{Generation, Lookup};
use std::net::IpAddr;

/// What a request gets.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// A whole answer (written without its body for HEAD).
    Respond(Response),
    /// The live-reload event stream, held open on the connection.
    Events,
}

/// What `request` gets, arriving on the local address `arrived_on`
/// (`None`: unknown), from the state in `live`.
pub(super) fn route(request: &Request, arrived_on: Option<IpAddr>, live: &Live) -> Answer {
    if !host::names_this_preview(request.host.as_deref(), arrived_on) {
        // A page on another site reaching the preview through DNS rebinding.
        return Answer::Respond(Response::text(
            Status::Forbidden,
            "This preview answers to localhost, loopback addresses and the address it listens on only.\n",
        ));
    }
    if request.method == Method::Other {
        return Answer::Respond(
            Response::text(Status::MethodNotAllowed, "Only GET and HEAD are served.\n")
                .allow("GET, HEAD"),
        );
    }
    let target = match parse_target(&request.target) {
        Ok(target) => target,
        Err(Refused(why)) => {
            return Answer::Respond(Response::text(
                Status::BadRequest,
                &format!("Refused: {why}.\n"),
            ))
        }
    };
    if target == Target::Events && request.method == Method::Get {
        // A stream lasts as long as its tab, on this connection's thread.
        return Answer::Events;
    }
    Answer::Respond(respond(&target, live))
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
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
struct Refused(&'static str);

/// Reads a request target. Anything that could name a place outside the
/// site (`..` in any encoding, encoded slashes, backslashes, absolute or
/// network paths, NUL) is refused before any lookup.
fn parse_target(url: &str) -> Result<Target, Refused> {
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

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not
/// UTF-8.
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

/// The answer for a path that passed the checks.
fn respond(target: &Target, live: &Live) -> Response {
    let site = live.site();
    let number = site.as_ref().map_or(0, |g| g.number);
    let html = |status: Status, page: String| {
        Response::new(
            status,
            "text/html; charset=utf-8",
            live::inject(page.as_bytes(), number),
        )
    };
    let no_good_build = || {
        html(
            Status::ServiceUnavailable,
            pages::does_not_build(&live.status().errors),
        )
    };
    match target {
        Target::Script => Response::new(
            Status::Ok,
            content_type("live.js"),
            live::SCRIPT.as_bytes().to_vec(),
        ),
        Target::Style => Response::new(
            Status::Ok,
            content_type("live.css"),
            live::STYLE.as_bytes().to_vec(),
        ),
        // HEAD on the event stream answers what GET would start with.
        Target::Status | Target::Events => Response::new(
            Status::Ok,
            "application/json",
            serde_json::to_vec(&live.status()).unwrap_or_default(),
        ),
        Target::Picker => match &site {
            Some(g) => html(Status::Ok, pages::picker(g)),
            None => no_good_build(),
        },
        Target::EditionRoot(slug) => match &site {
            Some(g) if g.editions.contains_key(slug) => {
                Response::text(Status::PermanentRedirect, "See the edition's home page.\n")
                    .location(format!("/{slug}/"))
            }
            Some(_) => html(Status::NotFound, pages::not_found()),
            None => no_good_build(),
        },
        Target::File { edition, path } => match &site {
            Some(g) => file(g, edition, path, number),
            None => no_good_build(),
        },
    }
}

/// A file of an edition: the reload script goes into HTML; a path the
/// edition lacks gets its own 404 page (or the preview's); a page its
/// template fails on gets that one problem.
fn file(g: &Generation, edition: &str, path: &str, number: u64) -> Response {
    let ctype = content_type(path);
    let is_html = ctype.starts_with("text/html");
    match g.file(edition, path) {
        Lookup::Found(bytes) => {
            let body = if is_html {
                live::inject(&bytes, number)
            } else {
                bytes.to_vec()
            };
            Response::new(Status::Ok, ctype, body)
        }
        Lookup::Missing => {
            let body = match g.file(edition, "404.html") {
                Lookup::Found(b) => b.to_vec(),
                _ => pages::not_found().into_bytes(),
            };
            Response::new(
                Status::NotFound,
                "text/html; charset=utf-8",
                live::inject(&body, number),
            )
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
            Response::new(
                Status::InternalServerError,
                "text/html; charset=utf-8",
                live::inject(pages::does_not_build(&p).as_bytes(), number),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::build::{GenerationBuilder, Outcome};
    use crate::serve::site::Counters;
    use std::net::Ipv4Addr;
    use std::sync::Arc;

    #[test]
    fn resolves_pages_and_folders() {
        assert_eq!(parse_target("/"), Ok(Target::Picker));
        assert_eq!(
            parse_target("/soc/phishing/"),
            Ok(Target::File {
                edition: "soc".into(),
                path: "phishing/index.html".into()
            })
        );
        assert_eq!(parse_target("/soc"), Ok(Target::EditionRoot("soc".into())));
        assert_eq!(
            parse_target("/soc/a%20b.html?x=1"),
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
            assert!(parse_target(bad).is_err(), "{bad} was not refused");
        }
    }

    const LOOPBACK: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));

    fn request(method: Method, target: &str) -> Request {
        Request {
            method,
            target: target.into(),
            host: Some("localhost:3000".into()),
        }
    }

    /// Live state before any good build.
    fn nothing_built() -> Live {
        Live::new(Arc::new(Counters::default()))
    }

    /// Live state serving the `minimal` test fixture (a fixture, not
    /// `runbook new`'s starter, so that serve does not depend on `cmd`).
    fn minimal_built() -> Live {
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/minimal/runbooks");
        let counters = Arc::new(Counters::default());
        let mut builder = GenerationBuilder::new(&source, None, counters.clone());
        let Outcome::Built(generation, _) = builder.rebuild() else {
            panic!("the minimal fixture does not build");
        };
        let live = Live::new(counters);
        live.publish(generation);
        live
    }

    fn status_of(answer: &Answer) -> Option<u16> {
        match answer {
            Answer::Respond(r) => Some(r.status.code()),
            Answer::Events => None,
        }
    }

    fn response(answer: Answer) -> Response {
        match answer {
            Answer::Respond(r) => r,
            Answer::Events => panic!("an event stream, not a response"),
        }
    }

    #[test]
    fn refusals_come_in_order_host_then_method_then_path() {
        let live = nothing_built();
        let mut foreign = request(Method::Other, "/../x");
        foreign.host = Some("evil.example".into());
        assert_eq!(status_of(&route(&foreign, LOOPBACK, &live)), Some(403));
        let post = request(Method::Other, "/../x");
        let answer = response(route(&post, LOOPBACK, &live));
        assert_eq!(answer.status, Status::MethodNotAllowed);
        assert_eq!(
            answer.extra_headers,
            vec![("Allow", "GET, HEAD".to_string())]
        );
        for method in [Method::Get, Method::Head] {
            for bad in ["/../x", "/soc/%2e%2e/x", "/soc/%2E%2e/x", "/soc/..%2Fx"] {
                let answer = response(route(&request(method, bad), LOOPBACK, &live));
                assert_eq!(answer.status, Status::BadRequest, "{bad}");
                assert!(answer.body.starts_with(b"Refused: "), "{bad}");
            }
        }
    }

    #[test]
    fn a_named_host_is_refused_when_the_local_address_is_unknown() {
        let live = nothing_built();
        let answer = route(&request(Method::Get, "/"), None, &live);
        assert_eq!(status_of(&answer), Some(403));
        let mut http10 = request(Method::Get, "/__runbook/status");
        http10.host = None;
        assert_eq!(status_of(&route(&http10, None, &live)), Some(200));
    }

    #[test]
    fn get_opens_the_event_stream_and_head_answers_the_status() {
        let live = nothing_built();
        let events = live::EVENTS_PATH;
        assert_eq!(
            route(&request(Method::Get, events), LOOPBACK, &live),
            Answer::Events
        );
        let head = response(route(&request(Method::Head, events), LOOPBACK, &live));
        assert_eq!(head.status, Status::Ok);
        assert_eq!(head.content_type, "application/json");
    }

    #[test]
    fn before_the_first_good_build_every_page_says_so() {
        let live = nothing_built();
        for path in ["/", "/soc", "/soc/", "/soc/index.html", "/nope/x.css"] {
            let answer = response(route(&request(Method::Get, path), LOOPBACK, &live));
            assert_eq!(answer.status, Status::ServiceUnavailable, "{path}");
            let text = String::from_utf8(answer.body).unwrap();
            assert!(text.contains("does not build yet"), "{path}");
            assert!(text.contains("data-generation=\"0\""), "{path}");
        }
        let script = response(route(
            &request(Method::Get, live::SCRIPT_PATH),
            LOOPBACK,
            &live,
        ));
        assert_eq!(script.status, Status::Ok);
        assert_eq!(script.body, live::SCRIPT.as_bytes());
    }

    #[test]
    fn editions_pages_redirects_and_unknown_editions() {
        let live = minimal_built();
        let get = |path: &str| response(route(&request(Method::Get, path), LOOPBACK, &live));

        let picker = get("/");
        assert_eq!(picker.status, Status::Ok);
        let text = String::from_utf8(picker.body).unwrap();
        assert!(text.contains("<li data-edition=\"soc\">"), "{text}");

        let redirect = get("/soc");
        assert_eq!(redirect.status, Status::PermanentRedirect);
        assert_eq!(
            redirect.extra_headers,
            vec![("Location", "/soc/".to_string())]
        );

        let home = get("/soc/");
        assert_eq!(home.status, Status::Ok);
        assert_eq!(home.content_type, "text/html; charset=utf-8");
        assert!(String::from_utf8(home.body)
            .unwrap()
            .contains("data-generation=\"1\"></script></body>"));

        // No edition of that name: the preview's own 404, never another
        // reader's pages.
        for path in ["/nope", "/nope/", "/nope/index.html"] {
            let missing = get(path);
            assert_eq!(missing.status, Status::NotFound, "{path}");
            assert!(String::from_utf8(missing.body)
                .unwrap()
                .contains("There is no such page in this preview."));
        }
        // A known edition's missing page: that edition's 404 page.
        let missing = get("/soc/no-such-page.html");
        assert_eq!(missing.status, Status::NotFound);
        assert_eq!(missing.content_type, "text/html; charset=utf-8");

        // HEAD gets the very answer GET does; the wire leaves the body out.
        let head = response(route(&request(Method::Head, "/soc/"), LOOPBACK, &live));
        assert_eq!(head, get("/soc/"));
    }
}
