#!/usr/bin/env bash
# The project's test command. On a fresh machine it first installs what the
# tests need (Debian's Chromium and fonts, the pinned Node packages), then
# runs the Rust tests and the browser tests. `.ci/run` calls this after the
# formatting and lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the browser tests need: Chromium and fonts (axe and the
# screenshots depend on them), and Java for the W3C Nu HTML checker.
packages=()
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi liberation; then
  packages+=(chromium fonts-liberation fonts-dejavu-core)
fi
if ! command -v java >/dev/null 2>&1; then
  packages+=(default-jre-headless)
fi
if [ ${#packages[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

cargo build --locked
cargo test --locked --all-targets
RUNBOOK_BIN="$PWD/target/debug/runbook" node --test --test-concurrency=1 tests/browser/
