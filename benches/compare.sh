#!/usr/bin/env bash
# Side-by-side benchmark: runbook vs Hugo vs `cp -r`, on the generated corpus.
#
# Method: generate the 40 run books × 50 clients corpus (and its Hugo twin),
# then run, alternating so that the machine's state affects all alike,
# `runbook build` (cold process), `hugo` on the same pages, and `cp -r` of
# runbook's own output folder (the disk's floor), RUNS times each (default 5),
# and print medians and ratios. Also measures peak RSS (GNU time), average page
# size, `runbook check` time, and linear scaling (4x the clients).
#
# Usage: benches/compare.sh [RUNS]      (needs: apt-get install hugo time)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/runbook-bench.XXXXXX)}
command -v hugo >/dev/null || { echo "hugo is not installed: apt-get install -y hugo" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed: apt-get install -y time" >&2; exit 2; }

cargo build --release --quiet --example corpus
cargo build --release --quiet
BIN=$PWD/target/release/runbook
CORPUS=$PWD/target/release/examples/corpus

"$CORPUS" "$WORK/c50" --runbooks 40 --clients 50 >/dev/null
"$CORPUS" "$WORK/c200" --runbooks 40 --clients 200 >/dev/null

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {m=int((NR+1)/2); if (NR%2) print a[m]; else printf "%.4f\n", (a[m]+a[m+1])/2}'; }
timeit() { local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); echo "$t1 - $t0" | bc -l; }

sync
declare -a RB HUGO CP CHECK
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/site" "$WORK/hugo-out" "$WORK/copy"
  RB+=("$(timeit "$BIN" build --quiet --source "$WORK/c50/runbooks" --out "$WORK/site")")
  HUGO+=("$(timeit hugo --quiet --source "$WORK/c50/hugo" --destination "$WORK/hugo-out")")
  CP+=("$(timeit cp -r "$WORK/site" "$WORK/copy")")
  CHECK+=("$(timeit "$BIN" check --source "$WORK/c50/runbooks")")
done
RB_M=$(printf '%s\n' "${RB[@]}" | median)
HUGO_M=$(printf '%s\n' "${HUGO[@]}" | median)
CP_M=$(printf '%s\n' "${CP[@]}" | median)
CHECK_M=$(printf '%s\n' "${CHECK[@]}" | median)

RB_PAGES=$(find "$WORK/site" -name '*.html' | wc -l)
HUGO_PAGES=$(find "$WORK/hugo-out" -name '*.html' | wc -l)
HTML_BYTES=$(find "$WORK/site" -name '*.html' -printf '%s\n' | awk '{s+=$1} END {print s}')
AVG_KB=$(echo "$HTML_BYTES / $RB_PAGES / 1024" | bc -l)

RSS_KB=$( { /usr/bin/time -f '%M' "$BIN" build --quiet --source "$WORK/c50/runbooks" --out "$WORK/site-rss" >/dev/null; } 2>&1 | tail -1)

declare -a RB200
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/site200"
  RB200+=("$(timeit "$BIN" build --quiet --source "$WORK/c200/runbooks" --out "$WORK/site200")")
done
RB200_M=$(printf '%s\n' "${RB200[@]}" | median)

RB_PPS=$(echo "$RB_PAGES / $RB_M" | bc -l)
HUGO_PPS=$(echo "$HUGO_PAGES / $HUGO_M" | bc -l)
printf '\nmachine: %s cores, %s; %s\n' "$(nproc)" "$(free -h | awk '/Mem:/ {print $2}')" "$(date -u +%Y-%m-%d)"
printf 'corpus: 40 run books x 50 clients; %d runs each, alternating; medians\n\n' "$RUNS"
printf '| measure | value | target |\n|---|---|---|\n'
printf '| runbook build (%d pages) | %.3f s (%.0f pages/s) | |\n' "$RB_PAGES" "$RB_M" "$RB_PPS"
printf '| hugo (%d pages) | %.3f s (%.0f pages/s) | |\n' "$HUGO_PAGES" "$HUGO_M" "$HUGO_PPS"
printf '| pages/s vs Hugo | %.1fx | >= 5x |\n' "$(echo "$RB_PPS / $HUGO_PPS" | bc -l)"
printf '| cp -r of the output | %.3f s | |\n' "$CP_M"
printf '| build / cp -r | %.2fx | <= 1.5x |\n' "$(echo "$RB_M / $CP_M" | bc -l)"
printf '| peak RSS | %.1f MB | <= 200 MB |\n' "$(echo "$RSS_KB / 1024" | bc -l)"
printf '| average page size | %.1f KB | <= 12 KB |\n' "$AVG_KB"
printf '| 200 clients / 50 clients time | %.2fx | <= 4.4x |\n' "$(echo "$RB200_M / $RB_M" | bc -l)"
printf '| check / build | %.2fx | <= 1.25x |\n' "$(echo "$CHECK_M / $RB_M" | bc -l)"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
