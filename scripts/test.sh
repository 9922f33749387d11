#!/usr/bin/env bash
# The project's test command: sets up what the tests need on a fresh machine,
# then runs every test. `.ci/run` calls this after formatting and lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked --all-targets
