// Side-by-side search benchmark (issue 19): runbook's own search, opened
// from file://, against Pagefind over http, on the same edition of the
// bundled sample, in headless Chromium, with the query set in
// tests/search-queries.json. Prints one Markdown table (and, with --json,
// the per-query answers as JSON on a last line).
//
// Usage: node tests/browser/search-compare.mjs [--json] [--no-pagefind]
// (RUNBOOK_BIN picks the binary, as for the browser tests; benches/search-compare.sh
// builds the release binary, installs the pinned tools and runs this.)
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { launch, fileUrl, serveStatic, buildSite, repo } from "./lib.mjs";

const args = process.argv.slice(2);
const set = JSON.parse(readFileSync(join(repo, "tests/search-queries.json"), "utf8"));
const REPEAT = 20;

/** Rank-based measures over one engine's answers. */
export function measure(queries, answers) {
  let top1 = 0, top3 = 0, rr = 0, empty = 0, phaseOk = 0, phaseN = 0;
  const failing = [];
  queries.forEach((q, i) => {
    const pages = answers[i];
    const books = [...new Set(pages.map((p) => p.runbook))];
    const at = books.indexOf(q.runbook);
    if (pages.length === 0) empty++;
    if (at === 0) top1++;
    if (at >= 0 && at < 3) top3++;
    if (at >= 0) rr += 1 / (at + 1);
    if (q.phase) {
      phaseN++;
      if (pages[0] && pages[0].runbook === q.runbook && pages[0].phase === q.phase) phaseOk++;
    }
    if (at !== 0 || (q.phase && !(pages[0] && pages[0].phase === q.phase))) {
      failing.push({ q: q.q, want: q.phase ? `${q.runbook}/${q.phase}` : q.runbook, got: pages.slice(0, 3).map((p) => `${p.runbook}/${p.phase}`) });
    }
  });
  const n = queries.length;
  return { n, top1: top1 / n, top3: top3 / n, mrr: rr / n, empty, phase: `${phaseOk}/${phaseN}`, failing };
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

/** runbook's engine, from disk, through the page's own loading path. */
export async function runRunbook(context, edition, queries, repeat = REPEAT) {
  const page = await context.newPage();
  await page.goto(fileUrl(edition, "index.html"));
  await page.focus('input[type="search"]');
  await page.waitForFunction(() => window.RUNBOOK_SEARCH_INDEX && window.RunbookSearch);
  const out = await page.evaluate(({ queries, repeat }) => {
    const data = window.RUNBOOK_SEARCH_INDEX;
    const engine = new window.RunbookSearch.Engine(data);
    const answers = [], times = [];
    for (const q of queries) {
      const r = engine.search(q, 10);
      answers.push(r.hits.map((h) => ({ runbook: data.runbooks[h.runbook].slug, phase: data.phases[h.phase] ? data.phases[h.phase].slug : "overview" })));
      for (let i = 0; i < repeat; i++) {
        const a = performance.now();
        engine.search(q, 10);
        times.push(performance.now() - a);
      }
    }
    return { answers, times };
  }, { queries: queries.map((q) => q.q), repeat });
  await page.close();
  return out;
}

/** Pagefind over http: its index of the run book pages (phase pages and overviews). */
async function runPagefind(context, edition, queries) {
  const dir = join(mkdtempSync(join(tmpdir(), "runbook-pagefind-")), "site");
  cpSync(edition, dir, { recursive: true });
  // Mark the body of run book pages only, as runbook's index holds only run
  // book text: <slug>/index.html and <slug>/<phase>/index.html.
  const phases = ["preparation", "identification", "containment", "eradication", "recovery", "lessons-learned"];
  const books = readdirSync(dir).filter((d) => d !== "phases" && existsSync(join(dir, d, "identification", "index.html")));
  for (const b of books) {
    for (const p of ["", ...phases]) {
      const f = join(dir, b, p, "index.html");
      if (!existsSync(f)) continue;
      writeFileSync(f, readFileSync(f, "utf8").replace(/<main\b/, "<main data-pagefind-body"));
    }
  }
  const bin = join(repo, "tests/browser/node_modules/.bin/pagefind");
  execFileSync(bin, ["--site", dir], { stdio: ["ignore", "ignore", "inherit"] });
  const server = await serveStatic(dir);
  const page = await context.newPage();
  await page.goto(`${server.url}/index.html`);
  const out = await page.evaluate(async ({ queries, repeat }) => {
    const pf = await import("/pagefind/pagefind.js");
    await pf.init();
    const answers = [], times = [];
    const read = async (q) => {
      const r = await pf.search(q);
      return Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    };
    for (const q of queries) {
      const pages = await read(q);
      answers.push(pages.map((d) => {
        const parts = d.url.replace(/index\.html$/, "").split("/").filter(Boolean);
        return { runbook: parts[0], phase: parts[1] || "overview" };
      }));
      for (let i = 0; i < repeat; i++) {
        const a = performance.now();
        await read(q);
        times.push(performance.now() - a);
      }
    }
    return { answers, times };
  }, { queries: queries.map((q) => q.q), repeat: 5 });
  await page.close();
  await server.close();
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const site = buildSite();
  const edition = join(site, set.edition);
  const context = await launch();
  const rows = [["runbook (file://)", await runRunbook(context, edition, set.queries)]];
  if (!args.includes("--no-pagefind")) rows.push(["Pagefind 1.6 (http)", await runPagefind(context, edition, set.queries)]);
  await context.close();
  const ms = (x) => x.toFixed(2);
  console.log(`${new Date().toISOString()}; ${cpus().length} cores; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; edition ${set.edition}; ${set.queries.length} queries (tests/search-queries.json)`);
  console.log("| engine | top-1 | top-3 | MRR | empty lists | phase right (phase questions) | query median / p95 ms |");
  console.log("|---|---|---|---|---|---|---|");
  const results = [];
  for (const [name, r] of rows) {
    const m = measure(set.queries, r.answers);
    results.push({ name, ...m });
    console.log(`| ${name} | ${m.top1.toFixed(2)} | ${m.top3.toFixed(2)} | ${m.mrr.toFixed(2)} | ${m.empty} | ${m.phase} | ${ms(pct(r.times, 0.5))} / ${ms(pct(r.times, 0.95))} |`);
  }
  // Each batch of the set on its own: the later ones were written before
  // the tuning that followed them, so they show what tuning did not see.
  const batches = [...new Set(set.queries.map((q) => q.set || "first"))];
  if (batches.length > 1) {
    console.log("\n| engine | queries | n | top-1 | top-3 | MRR | empty lists | phase right |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const [name, r] of rows) {
      for (const b of batches) {
        const at = set.queries.map((q, i) => ((q.set || "first") === b ? i : -1)).filter((i) => i >= 0);
        const m = measure(at.map((i) => set.queries[i]), at.map((i) => r.answers[i]));
        console.log(`| ${name} | ${b} | ${m.n} | ${m.top1.toFixed(2)} | ${m.top3.toFixed(2)} | ${m.mrr.toFixed(2)} | ${m.empty} | ${m.phase} |`);
      }
    }
  }
  for (const r of results) {
    console.log(`\n${r.name}: ${r.failing.length} not right first`);
    for (const f of r.failing) console.log(`- "${f.q}": want ${f.want}, got ${f.got.join(", ") || "nothing"}`);
  }
  if (args.includes("--json")) console.log(JSON.stringify(results));
}
