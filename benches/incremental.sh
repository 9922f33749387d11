#!/usr/bin/env bash
# Incremental builds (issue 22): a full clean build against rebuilds over
# the previous output after a one-run-book edit, a one-client edit and no
# change, on the 40 run books x 50 clients corpus. See BENCHMARKS.md.
#
# Usage: benches/incremental.sh [RUNS]    (default 5; needs GNU time)
#
# Method:
# - Generates the corpus in a fresh folder (BENCH_DIR, or a new one under
#   TMPDIR) and builds it once into `inc/` (untimed): the previous output
#   that the rebuilds start from.
# - Each round runs four cold `runbook build`s, in an order that rotates
#   every round (side by side, alternating, so the machine's state affects
#   all alike):
#     full     a clean build into a new, empty folder (nothing deleted);
#     runbook  one run book (the first) gets one more sentence at its end,
#              different each round, then `build --out inc`;
#     client   one client (client-000) gets a new IT lead phone number,
#              different each round, then `build --out inc`;
#     none     `build --out inc` with nothing changed since the last one.
#   Every rebuild finds in `inc/` the output of the build before it, so it
#   writes what changed since then.
# - `sync` before each timed command. A rebuild swaps its new output in and
#   deletes the old folder (its pages live on, linked, in the new one; its
#   17k folders are freed), which on ext4 without a journal slows files
#   created in the next minutes (see compare.sh); the full builds share
#   the disk with them, so the script reports each round's times too.
# - Settles before timing: `sync`, then SETTLE seconds (default 361, as
#   compare.sh; SETTLE=0 skips it).
# - Reports medians and fastest runs, and the files rendered, written,
#   linked and removed as the build printed them. Every build keeps its
#   record beside its output (`.inc.runbook-record`, `.full-N...`), so a
#   rebuild into `inc/` renders only the files whose inputs changed.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/runbook-inc.XXXXXX")}
mkdir -p "$WORK"
# The corpus generator in a debug build (what it writes does not depend
# on the profile, and the tests have built its dependencies already).
cargo build --quiet --example corpus
cargo build --release --quiet
BIN=$PWD/target/release/runbook
"$PWD/target/debug/examples/corpus" "$WORK/c50" --runbooks 40 --clients 50 >/dev/null
SRC=$WORK/c50/runbooks
OUT=$WORK/out
mkdir -p "$OUT"
RUNBOOK=$(find "$SRC" -maxdepth 1 -name '*.md' | sort | head -1)
CLIENT=$SRC/clients/client-000.yaml
cp "$RUNBOOK" "$WORK/runbook.orig"
cp "$CLIENT" "$WORK/client.orig"
grep -q '+44 20 7946 0000' "$CLIENT" || { echo "client-000 has no IT lead phone to edit" >&2; exit 2; }
"$BIN" build --quiet --source "$SRC" --out "$OUT/inc" 2>/dev/null
# settle, now, calc, median
. benches/lib.sh  # the scripts run from the project root (cd above)
settle

# run NAME ROUND: prepares the sources, runs one timed build; prints
# "seconds rendered written linked removed".
run() {
  local name=$1 round=$2 out=$OUT/inc t0 t1 line
  case $name in
    full) out=$OUT/full-$round ;;
    runbook) { cat "$WORK/runbook.orig"; printf '\nRevised in round %s.\n' "$round"; } >"$RUNBOOK" ;;
    client) sed "s/+44 20 7946 0000/+44 20 7946 9$(printf '%03d' "$round")/" "$WORK/client.orig" >"$CLIENT" ;;
    none) ;;
  esac
  sync
  t0=$(now)
  "$BIN" build --source "$SRC" --out "$out" >"$OUT/stdout-$name-$round" 2>"$OUT/err-$name-$round" || {
    echo "$name failed:" >&2; cat "$OUT/err-$name-$round" >&2; exit 1; }
  t1=$(now)
  line=$(tail -1 "$OUT/stdout-$name-$round")
  # "...; R files rendered, ... : N written, M unchanged (linked), K removed"
  echo "$(calc "$t1 - $t0") $(sed -E 's/.*; ([0-9]+) files rendered.*: ([0-9]+) written, ([0-9]+) unchanged \(linked\), ([0-9]+) removed.*/\1 \2 \3 \4/' <<<"$line")"
}

KINDS=(full runbook client none)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A TIMES FILES
for i in $(seq 1 "$RUNS"); do
  n=${#KINDS[@]}
  for k in $(seq 0 $((n - 1))); do
    t=${KINDS[$(( (i - 1 + k) % n ))]}
    read -r secs rendered written linked removed < <(run "$t" "$i")
    TIMES[$t]+="$secs "
    FILES[$t]="$rendered $written $linked $removed"
    printf 'round %d %-8s %.3f s  %s rendered, %s written, %s linked, %s removed\n' "$i" "$t" "$secs" "$rendered" "$written" "$linked" "$removed" >&2
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
med() { printf '%s\n' ${TIMES[$1]} | median; }
best() { printf '%s\n' ${TIMES[$1]} | sort -g | head -1; }
FULL=$(med full)

printf '\nmachine: %s cores; %s; %s\n' "$(nproc)" "$(df -PT "$WORK" | awk 'NR == 2 {print $2 " on " $1}')" "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'load average: %s at start, %s at end; settled %s s; %d rounds, rotating order\n\n' "$LOAD_START" "$LOAD_END" "$SETTLE" "$RUNS"
printf '| build | median | fastest | / full (median) | rendered | written | linked | removed |\n|---|---|---|---|---|---|---|---|\n'
for t in "${KINDS[@]}"; do
  read -r d w l r <<<"${FILES[$t]}"
  printf '| %s | %.3f s | %.3f s | %.0f %% | %s | %s | %s | %s |\n' "$t" "$(med "$t")" "$(best "$t")" \
    "$(calc "100 * $(med "$t") / $FULL")" "$d" "$w" "$l" "$r"
done
cp "$WORK/runbook.orig" "$RUNBOOK"
cp "$WORK/client.orig" "$CLIENT"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
