#!/usr/bin/env bash
# Save-to-reload latency of `runbook serve` (issue 4), measured by hand and
# recorded in BENCHMARKS.md: on a generated corpus of 40 run books x 50
# clients, the time from writing a run book to the reload event reaching
# the browser's event stream, debounce window included. Budget: median
# under 100 ms.
#
# Usage: bash benches/serve-latency.sh [WORKDIR] [EDITS]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
edits="${2:-25}"
mkdir -p "$work"
cargo build --release --locked --quiet --bin runbook --example corpus --example serve_latency
rm -rf "$work/corpus"
./target/release/examples/corpus "$work/corpus" --runbooks 40 --clients 50
echo "machine: $(nproc) cores, $(uname -sr); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u)"
./target/release/examples/serve_latency ./target/release/runbook "$work/corpus/runbooks" "$edits"
