// The browser's search engine (themes/default/static/search-engine.js) in
// node, against the same vectors the Rust tests run (tests/search-vectors.json)
// and on indexes built by the real binary: both sides must give the same
// answers, to the last hit, score and highlighted word.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import vm from "node:vm";
import { repo, buildSite } from "./lib.mjs";

const require = createRequire(import.meta.url);
const engine = require(join(repo, "themes/default/static/search-engine.js"));
const vectors = JSON.parse(readFileSync(join(repo, "tests/search-vectors.json"), "utf8"));

function loadIndex(site, edition) {
  const sandbox = { window: {} };
  vm.runInNewContext(readFileSync(join(site, edition, "assets/search-index.js"), "utf8"), sandbox);
  // Copy into this realm so arrays and objects compare as plain values.
  return JSON.parse(JSON.stringify(sandbox.window.RUNBOOK_SEARCH_INDEX));
}

const marked = (e, text, stems, keys) => e.marks(text, stems, keys).map(([a, b]) => text.slice(a, b));

test("text vectors: normalize, words, stems, distances, marks", () => {
  for (const [input, want] of vectors.normalize) assert.equal(engine.normalize(input), want, input);
  for (const [input, want] of vectors.words) assert.deepEqual(engine.words(input).map((w) => w.norm), want, input);
  for (const [input, want] of vectors.stem) assert.equal(engine.stem(input), want, input);
  for (const [a, b, d] of vectors.distance) assert.equal(engine.distance(a, b), d, `${a} ${b}`);
  for (const [a, b, d] of vectors.prefix_distance) assert.equal(engine.prefixDistance(a, b), d, `${a} ${b}`);
  const stop = new Set(["the"]);
  for (const c of vectors.marks) {
    const got = engine.marks(c.text, c.stems, c.keys, stop).map(([a, b]) => c.text.slice(a, b));
    assert.deepEqual(got, c.marked, c.text);
  }
});

test("the stemmer matches Snowball's English reference vocabulary", (t) => {
  // rust-stemmers ships Snowball's own test vocabulary (29,000 words and
  // their stems); cargo has it on disk once the crate is built.
  let dir;
  try {
    const meta = JSON.parse(execFileSync("cargo", ["metadata", "--format-version", "1", "--locked", "--offline"], { cwd: repo, maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] }));
    const pkg = meta.packages.find((p) => p.name === "rust-stemmers");
    dir = pkg && join(pkg.manifest_path, "..", "test_data");
  } catch {
    dir = undefined;
  }
  if (!dir || !existsSync(join(dir, "voc_en.txt"))) {
    t.skip("rust-stemmers' test data is not on disk (run cargo build first)");
    return;
  }
  const voc = readFileSync(join(dir, "voc_en.txt"), "utf8").split("\n");
  const res = readFileSync(join(dir, "res_en.txt"), "utf8").split("\n");
  const wrong = [];
  voc.forEach((w, i) => {
    if (w && engine.stem(w) !== res[i]) wrong.push(`${w} → ${engine.stem(w)}, not ${res[i]}`);
  });
  assert.ok(voc.length > 29000);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test("query vectors: the same hits, scores, anchors and marks as the Rust rules", () => {
  const site = buildSite(join(repo, "tests/fixtures/search/runbooks"));
  const engines = {};
  for (const c of vectors.queries) {
    const e = (engines[c.edition] ||= new engine.Engine(loadIndex(site, c.edition)));
    const d = e.data;
    const r = e.search(c.query, 20);
    const label = `${c.edition}: ${JSON.stringify(c.query)}`;
    const hits = r.hits.map((h) => {
      const snippet = h.snippet === null ? null : d.blocks[h.snippet][2];
      return {
        runbook: d.runbooks[h.runbook].slug,
        phase: h.phase === null ? "overview" : d.phases[h.phase].slug,
        score: h.score,
        anchor: h.anchor,
        snippet,
        marked: snippet === null ? null : marked(e, snippet, h.stems, h.keys),
        stems: h.stems,
        keys: h.keys,
      };
    });
    const glossary = r.glossary.map((g) => ({
      term: d.glossary[g.entry].term,
      score: g.score,
      snippet: g.snippet === null ? null : d.blocks[g.snippet][2],
    }));
    assert.deepEqual(hits, c.hits, `${label}: hits`);
    assert.equal(r.total, c.total, `${label}: total`);
    assert.deepEqual(glossary, c.glossary, `${label}: glossary`);
    assert.deepEqual(r.ignored, c.ignored, `${label}: ignored`);
    assert.equal(r.partial, c.partial, `${label}: partial`);
  }
  assert.ok(vectors.queries.length >= 30);
});
