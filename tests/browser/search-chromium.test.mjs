// The shared search vectors (tests/search-vectors.json) in Chromium, not only
// in node: Chromium's Intl.Segmenter splits some words (report.pdf.exe) that
// node's does not, so the same engine can answer differently in the browser.
// Also the benchmark's query set (tests/search-queries.json) as a quick
// correctness floor: the right run book first for at least 90% of it and
// never an empty list.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo, buildSite, launch, fileUrl } from "./lib.mjs";
import { runRunbook, measure } from "./search-compare.mjs";

const vectors = JSON.parse(readFileSync(join(repo, "tests/search-vectors.json"), "utf8"));
const context = await launch();
after(() => context.close());

/** Opens an edition's home page from disk with the engine and index loaded. */
async function open(site, edition) {
  const page = await context.newPage();
  await page.goto(fileUrl(site, `${edition}/index.html`));
  await page.focus('input[type="search"]');
  await page.waitForFunction(() => window.RUNBOOK_SEARCH_INDEX && window.RunbookSearch);
  return page;
}

test("search vectors give the same answers in Chromium", async () => {
  const site = buildSite(join(repo, "tests/fixtures/search/runbooks"));
  const page = await open(site, "alpha");
  const text = await page.evaluate((v) => {
    const E = window.RunbookSearch;
    const stop = new Set(["the"]);
    return {
      words: v.words.map(([input]) => E.words(input).map((w) => w.norm)),
      marks: v.marks.map((c) => E.marks(c.text, c.stems, c.keys, stop).map(([a, b]) => c.text.slice(a, b))),
    };
  }, vectors);
  vectors.words.forEach(([input, want], i) => assert.deepEqual(text.words[i], want, input));
  vectors.marks.forEach((c, i) => assert.deepEqual(text.marks[i], c.marked, c.text));
  await page.close();

  const editions = [...new Set(vectors.queries.map((c) => c.edition))];
  for (const edition of editions) {
    const cases = vectors.queries.filter((c) => c.edition === edition);
    const p = await open(site, edition);
    const got = await p.evaluate((queries) => {
      const e = new window.RunbookSearch.Engine(window.RUNBOOK_SEARCH_INDEX);
      const d = e.data;
      return queries.map((q) => {
        const r = e.search(q, 20);
        const marked = (text, h) => e.marks(text, h.stems, h.keys).map(([a, b]) => text.slice(a, b));
        return {
          hits: r.hits.map((h) => {
            const snippet = h.snippet === null ? null : d.blocks[h.snippet][2];
            return {
              runbook: d.runbooks[h.runbook].slug, phase: h.phase === null ? "overview" : d.phases[h.phase].slug, score: h.score,
              anchor: h.anchor, snippet, marked: snippet === null ? null : marked(snippet, h),
              stems: h.stems, keys: h.keys,
            };
          }),
          total: r.total,
          glossary: r.glossary.map((g) => ({ term: d.glossary[g.entry].term, score: g.score, snippet: g.snippet === null ? null : d.blocks[g.snippet][2] })),
          ignored: r.ignored,
          partial: r.partial,
        };
      });
    }, cases.map((c) => c.query));
    cases.forEach((c, i) => {
      const label = `${edition}: ${JSON.stringify(c.query)}`;
      assert.deepEqual(got[i].hits, c.hits, `${label}: hits`);
      assert.equal(got[i].total, c.total, `${label}: total`);
      assert.deepEqual(got[i].glossary, c.glossary, `${label}: glossary`);
      assert.deepEqual(got[i].ignored, c.ignored, `${label}: ignored`);
      assert.equal(got[i].partial, c.partial, `${label}: partial`);
    });
    await p.close();
  }
});

test("the benchmark's query set: right run book first for 90%, never an empty list", async () => {
  const set = JSON.parse(readFileSync(join(repo, "tests/search-queries.json"), "utf8"));
  assert.ok(set.queries.length >= 60);
  const site = buildSite();
  const r = await runRunbook(context, join(site, set.edition), set.queries, 0);
  const m = measure(set.queries, r.answers);
  assert.equal(m.empty, 0, JSON.stringify(m.failing));
  assert.ok(m.top1 >= 0.9, `top-1 ${m.top1}: ${JSON.stringify(m.failing, null, 1)}`);
});
