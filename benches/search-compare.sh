#!/usr/bin/env bash
# Side-by-side search benchmark (issue 19): runbook's search (from file://)
# against Pagefind 1.6 (over http) on the sample's fullest client edition,
# in headless Chromium, with the query set in tests/search-queries.json.
# Prints one table (top-1, top-3, MRR, empty lists, phase right, latency)
# and the queries each engine does not answer first. Recorded in
# BENCHMARKS.md. Needs Debian's chromium; pagefind comes pinned from
# tests/browser/package-lock.json (its binary from @pagefind/linux-x64).
#
# Usage: bash benches/search-compare.sh [--json]
set -euo pipefail
cd "$(dirname "$0")/.."
# The binary only writes the edition; the search runs in the browser, so
# the debug build measures the same thing as a release one.
cargo build --locked --quiet
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
RUNBOOK_BIN="$PWD/target/debug/runbook" node tests/browser/search-compare.mjs "$@"
