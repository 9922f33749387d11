# Helpers shared by the benchmark scripts (sourced, not run).

# settle: unless SETTLE=0, sync and wait SETTLE seconds (361 by default)
# before the first timed command: ext4 without a journal creates files
# slowly for six minutes after a large deletion (see BENCHMARKS.md).
settle() {
  SETTLE=${SETTLE:-361}
  if [ "$SETTLE" -gt 0 ]; then
    echo "settling: sync, then ${SETTLE} s so that no file deleted before now slows the timed runs" >&2
    sync
    sleep "$SETTLE"
  fi
}

now() { date +%s.%N; }
calc() { awk "BEGIN {print $1}"; }
median() { sort -g | awk '{a[NR]=$1} END {m=int((NR+1)/2); if (NR%2) print a[m]; else printf "%.4f\n", (a[m]+a[m+1])/2}'; }
