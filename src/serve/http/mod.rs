//! The HTTP side of the preview: std threads and sockets, one request per
//! connection.
//!
//! A loopback preview serves a few tabs on one machine, so it needs no
//! async runtime: a thread per connection, capped by the
//! [`gate`](super::gate), keeps every step blocking and easy to follow.
//! The server reads requests itself rather than through tiny_http:
//! tiny_http 0.12 serves each connection on a pooled thread until the
//! client closes it, and its pool can leave a new connection queued behind
//! idle ones; Chromium opens spare connections ahead of need, so pages
//! sometimes never finished loading. Here an idle connection only holds its
//! own thread, for at most the head deadline, and gives way to a new one
//! when the server is full.
//!
//! The parts, from the socket inwards:
//!
//! - `wire`: binding, reading one request head within its deadline
//!   (`httparse`), writing one `Response`;
//! - `routes`: what a request gets, decided without a socket: the `Host`
//!   guard (`host`), the method, the path checks, then the lookup;
//! - `pages` and `mime`: the preview's own pages and the content types;
//! - `events`: the live-reload stream an open tab holds.

mod events;
mod host;
mod mime;
mod pages;
mod routes;
mod wire;

pub(crate) use wire::{bind, Bound, PORT_TRIES};

use super::gate::{Gate, Ticket, MAX_CONNECTIONS};
use super::live::Live;
use routes::Answer;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;
use wire::Method;

/// Starts answering requests on background threads: one thread per
/// connection, at most [`MAX_CONNECTIONS`] at once, one request per
/// connection (`Connection: close`).
pub(crate) fn start(bound: Bound, live: Arc<Live>) -> Result<(), String> {
    let listener = bound.listener;
    let gate = Gate::new(MAX_CONNECTIONS);
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(ticket) = gate.admit(&stream) else {
                    wire::refuse_busy(stream);
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

/// Answers the one request of a connection.
fn connection(mut stream: TcpStream, live: &Live, ticket: &Ticket) {
    let deadline = Instant::now() + wire::HEAD_DEADLINE;
    wire::prepare(&stream);
    let request = match wire::read_request(&mut stream, deadline) {
        Ok(request) => request,
        Err(error) => {
            wire::answer_unreadable(&mut stream, error);
            return;
        }
    };
    ticket.answering();
    let arrived_on = stream.local_addr().ok().map(|a| a.ip());
    match routes::route(&request, arrived_on, live) {
        Answer::Respond(response) => {
            let _ = response.write(&mut stream, request.method == Method::Head);
        }
        Answer::Events => events::stream(stream, live),
    }
}
