//! The live-reload event stream (Server-Sent Events): one open tab's view
//! of [`Live`], held on its connection's thread for as long as the tab
//! stays.
//!
//! A stream has no length, so it is written here rather than as a
//! [`Response`](super::wire::Response): its head has no `Content-Length`,
//! and its body is one `data:` event per status change.

use crate::serve::live::{Live, Status};
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How often an idle event stream sends a comment, so a dead tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How often an event stream looks whether its tab is gone.
const TAB_CHECK: Duration = Duration::from_secs(1);

/// The head of every event stream.
const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";

/// Streams status changes to one tab until it goes away.
pub(super) fn stream(mut w: TcpStream, live: &Live) {
    // A tab that stops reading must not hold its thread for ever.
    let _ = w.set_write_timeout(Some(KEEP_ALIVE * 2));
    let mut status = live.status();
    if w.write_all(HEAD.as_bytes()).is_err() || send(&mut w, &status).is_err() {
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

/// Writes one status as one event.
fn send(w: &mut impl Write, status: &Status) -> std::io::Result<()> {
    let json = serde_json::to_string(status).unwrap_or_else(|_| "{}".into());
    write!(w, "data: {json}\n\n")?;
    w.flush()
}
