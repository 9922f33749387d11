//! How many connections the server answers at once, and which one gives
//! way when it is full.
//!
//! Every connection holds a thread, so the number of connections is capped
//! ([`MAX_CONNECTIONS`]). A connection still sending its request head is the
//! cheapest to lose: a browser sends its head in one packet, so one that is
//! slow about it is most likely a slowloris or a spare connection Chromium
//! opened ahead of need. When the server is full, the connection that has
//! been waiting longest for its head is shut down to make room. Only when
//! every connection is being answered (event streams of open tabs, pages
//! being written) is a new one refused.

use std::collections::BTreeMap;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The most connections served at once (event streams of open tabs
/// included). Browsers open at most six connections to one host over
/// HTTP/1.1, so this leaves room for several browsers and scripts.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a new connection may wait for an evicted one to give up its
/// place before it is refused.
const ADMIT_WAIT: Duration = Duration::from_millis(250);

/// The connections being served: a count, and those still reading their
/// request head (a clone of each socket, so it can be shut down).
pub(crate) struct Gate {
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Default)]
struct State {
    active: usize,
    next_id: u64,
    /// Connections still reading their head, oldest first (ids increase).
    waiting: BTreeMap<u64, TcpStream>,
}

/// A connection's place at the gate; dropping it frees the place.
pub(crate) struct Ticket {
    gate: Arc<Gate>,
    id: u64,
}

impl Gate {
    /// A gate that lets `max` connections in at once.
    pub(crate) fn new(max: usize) -> Arc<Gate> {
        Arc::new(Gate {
            max,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread cannot leave the count half
        // updated (each change is one statement), so the state is usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets `stream` in, shutting down the oldest connection still reading
    /// its head when the gate is full; `None` when no place came free.
    pub(crate) fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Ticket> {
        let until = Instant::now() + ADMIT_WAIT;
        let mut state = self.lock();
        loop {
            if state.active < self.max {
                state.active += 1;
                let id = state.next_id;
                state.next_id += 1;
                if let Ok(clone) = stream.try_clone() {
                    state.waiting.insert(id, clone);
                }
                return Some(Ticket {
                    gate: self.clone(),
                    id,
                });
            }
            if let Some((_, oldest)) = state.waiting.pop_first() {
                // Its blocked read returns at once and its thread ends,
                // dropping its ticket.
                let _ = oldest.shutdown(Shutdown::Both);
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Connections being served now (the tests' view of the gate).
    #[cfg(test)]
    fn active(&self) -> usize {
        self.lock().active
    }
}

impl Ticket {
    /// The request head has been read: from now on this connection is
    /// being answered and is not shut down to make room.
    pub(crate) fn answering(&self) {
        self.gate.lock().waiting.remove(&self.id);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.waiting.remove(&self.id);
        state.active = state.active.saturating_sub(1);
        drop(state);
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    /// A connected pair over loopback: (client side, server side).
    fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn a_full_gate_shuts_the_oldest_waiting_connection_and_refuses_when_all_are_answered() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let gate = Gate::new(2);
        let (mut c1, s1) = pair(&listener);
        let (_c2, s2) = pair(&listener);
        let t1 = gate.admit(&s1).unwrap();
        let t2 = gate.admit(&s2).unwrap();
        assert_eq!(gate.active(), 2);
        // A third connection: the first, still waiting for its head, is
        // shut down; its thread would now end and drop its ticket.
        let (_c3, s3) = pair(&listener);
        let evict = std::thread::spawn(move || {
            let mut buf = [0u8; 1];
            c1.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let n = c1.read(&mut buf).unwrap_or(0);
            drop(t1);
            n
        });
        let t3 = gate.admit(&s3).expect("a place came free");
        assert_eq!(evict.join().unwrap(), 0, "the oldest was closed");
        assert_eq!(gate.active(), 2);
        // Both being answered: nothing can give way, so a fourth is refused.
        t2.answering();
        t3.answering();
        let (_c4, s4) = pair(&listener);
        assert!(gate.admit(&s4).is_none());
        drop(t2);
        assert!(gate.admit(&s4).is_some());
    }
}
