//! What a fresh page of memory costs on this machine: `cargo run --release
//! --example fresh_pages -- [MIB]` (default 256) takes that much memory the
//! process has never touched, writes one byte into each 4 KiB page, and
//! prints the microseconds per page and the pages touched.
//!
//! Why it exists: every file a build writes lands in pages of the page
//! cache the kernel has to take fresh, and so does every folder's block and
//! inode. On bare metal a fresh page costs a fraction of a microsecond. On a
//! virtual machine whose host backs the guest's memory only when it is first
//! touched, and takes back what the guest frees (virtio-balloon free page
//! reporting, as on this machine), each one costs a fault in the host: 1.7 to
//! 14.6 µs seen here, and it moves with the host's state. A build of the
//! 40 x 50 corpus takes about 90,000 such pages, Hugo several times more,
//! so this one number moves every timing in `benches/compare.sh`, which
//! prints it before the first round and after each one.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

const PAGE: usize = 4096;

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("usage: fresh_pages [MIB]"))
        .unwrap_or(256);
    let size = mib << 20;
    // A large zeroed allocation is a fresh anonymous mapping (calloc maps
    // it and relies on the kernel's zero pages): none of it has been
    // touched until the loop below writes to it.
    let mut memory = vec![0u8; size];
    let started = Instant::now();
    for offset in (0..size).step_by(PAGE) {
        memory[offset] = 1;
    }
    black_box(&mut memory);
    let seconds = started.elapsed().as_secs_f64();
    drop(memory);
    let pages = size / PAGE;
    println!("{:.2} {pages}", seconds * 1e6 / pages as f64);
}
