#!/usr/bin/env bash
# Search budgets (SPEC §6, issue 3), measured by hand and recorded in
# BENCHMARKS.md:
#   - each edition's search index script is at most 25% of its HTML bytes;
#   - a query answers in under 10 ms in Chromium.
# for the bundled sample and for a generated handbook whose editions have
# over 300 run book pages (38 run books x 8 pages).
#
# Usage: bash benches/search.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cargo build --release --locked --quiet
cargo run --release --locked --quiet --example corpus -- "$work/corpus" --runbooks 38 --clients 2
rm -rf "$work/sample-site" "$work/corpus-site"
./target/release/runbook build --source runbooks --out "$work/sample-site"
./target/release/runbook build --source "$work/corpus/runbooks" --out "$work/corpus-site"
[ -d tests/browser/node_modules ] || (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
node tests/browser/search-bench.mjs "$work/sample-site" "$work/corpus-site"
