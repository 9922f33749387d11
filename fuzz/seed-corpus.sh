#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the bundled sample (runbooks/) and the
# test fixtures, so the fuzzers start from real, valid files and mutate
# outward. Safe to run again: it only adds files. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")"
root=..
sources=("$root/runbooks" "$root"/tests/fixtures/*/runbooks)
for t in front_matter runbook_body one_runbook client_yaml handbook_yaml glossary_yaml; do
  mkdir -p "corpus/$t"
done
n=0
for s in "${sources[@]}"; do
  # The fixture's name, or `sample` for the bundled handbook.
  tag=$(basename "$(dirname "$s")")
  [ "$s" = "$root/runbooks" ] && tag=sample
  for f in "$s"/*.md; do
    [ -e "$f" ] || continue
    name="$tag-$(basename "$f")"
    cp "$f" "corpus/front_matter/$name"
    cp "$f" "corpus/one_runbook/$name"
    # The body alone: everything after the second `---` line.
    awk 'n >= 2 { print } /^---[[:space:]]*$/ && n < 2 { n++ }' "$f" > "corpus/runbook_body/$name"
    n=$((n + 1))
  done
  for f in "$s"/clients/*.yaml; do
    [ -e "$f" ] && cp "$f" "corpus/client_yaml/$tag-$(basename "$f")"
  done
  [ -e "$s/handbook.yaml" ] && cp "$s/handbook.yaml" "corpus/handbook_yaml/$tag.yaml"
  [ -e "$s/glossary.yaml" ] && cp "$s/glossary.yaml" "corpus/glossary_yaml/$tag.yaml"
done
echo "seeded fuzz/corpus/ from $n run books and their settings"
