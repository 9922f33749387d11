// Every page of every bundled sample edition, checked by tools nobody on the
// project wrote: the W3C Nu HTML checker (vnu) and axe-core in headless
// Chromium, in the light and dark schemes at phone and desktop widths. The
// same walk proves each page loads nothing from another host, logs no
// console error, has one h1 and headings in order, and never scrolls
// sideways at 360 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { buildSite, serveStatic, launchBrowser, htmlFiles, WCAG_TAGS } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VNU = require.resolve("vnu-jar/build/dist/vnu.jar");
const SCHEMES = ["light", "dark"];
const WIDTHS = [390, 1280];
// Contexts run side by side; on two cores three keeps both busy while one waits on a load.
const WORKERS = Number(process.env.RUNBOOK_A11Y_WORKERS) || Math.min(4, Math.max(2, cpus().length + 1));

let site, server, browser, pages;

before(async () => {
  site = buildSite();
  server = await serveStatic(site);
  browser = await launchBrowser();
  pages = htmlFiles(site);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the sample editions have every kind of page", () => {
  const editions = new Set(pages.map((p) => p.split("/")[0]));
  assert.deepEqual([...editions].sort(), ["alder-finch", "harbourview-dental", "meridian-freight", "soc"]);
  for (const e of editions) {
    for (const p of ["index.html", "404.html", "glossary/index.html", "print/index.html", "search/index.html", "phases/containment/index.html", "phishing/index.html", "phishing/containment/index.html", "phishing/print/index.html"]) {
      assert.ok(pages.includes(`${e}/${p}`), `${e}/${p} is built`);
    }
  }
  assert.ok(pages.length > 300, `${pages.length} pages`);
});

test("every page is valid HTML by the W3C Nu checker", () => {
  const started = Date.now();
  const run = spawnSync("java", ["-Xss4m", "-jar", VNU, "--format", "json", "--skip-non-html", site], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.error, undefined, `java runs: ${run.error}`);
  const report = JSON.parse(run.stderr || run.stdout);
  const errors = report.messages
    .filter((m) => m.type === "error" || m.type === "non-document-error")
    .map((m) => `${m.url.replace(`file:${site}/`, "")}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, [], "no errors");
  assert.equal(run.status, 0, run.stderr.slice(0, 2000));
  console.log(`# vnu: ${pages.length} pages, ${errors.length} errors, ${report.messages.length} messages, ${Date.now() - started} ms`);
});

/** Checks one page in every scheme and width; returns the problems found. */
async function checkPage(page, path, requests) {
  const problems = [];
  requests.length = 0;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ media: "screen", colorScheme: "light" });
  const response = await page.goto(`${server.url}/${path}`);
  if (!response || response.status() !== 200) problems.push(`HTTP ${response?.status()}`);
  const structure = await page.evaluate(() => {
    const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .filter((h) => h.getClientRects().length > 0 || h.classList.contains("vh"))
      .map((h) => Number(h.tagName[1]));
    const skips = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
    return {
      lang: document.documentElement.lang,
      h1: document.querySelectorAll("h1").length,
      first: levels[0],
      skips,
      main: document.querySelectorAll("main").length,
      skip: !!document.querySelector('a.skip-link[href="#main"]'),
      title: document.title,
    };
  });
  if (!structure.lang) problems.push("no lang");
  if (structure.h1 !== 1) problems.push(`${structure.h1} h1 elements`);
  if (structure.first !== 1) problems.push(`first heading is h${structure.first}`);
  if (structure.skips.length) problems.push(`heading levels skip to h${structure.skips.join(", h")}`);
  if (structure.main !== 1) problems.push(`${structure.main} main elements`);
  if (!structure.skip) problems.push("no skip link to #main");
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ media: "screen", colorScheme: scheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        WCAG_TAGS,
      );
      for (const v of result.violations) {
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
        problems.push(`axe ${scheme} ${width}px ${v.id} (${v.nodes.length}): ${v.help} at ${where}`);
      }
    }
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`${scheme} 360px: scrolls sideways by ${overflow}px`);
  }
  const own = new URL(server.url).host;
  for (const url of requests) {
    const u = new URL(url);
    if (u.protocol !== "data:" && u.host !== own) problems.push(`request to another host: ${url}`);
  }
  return problems;
}

test("every page: no axe violations (WCAG 2.2 A/AA) in light and dark at 390 and 1280 px, no console errors, no other host", async () => {
  const started = Date.now();
  const queue = [...pages];
  const found = [];
  let checked = 0;
  const worker = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: AXE });
    const requests = [];
    const errors = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      requests.push(url);
      const u = new URL(url);
      return u.protocol === "data:" || u.host === new URL(server.url).host ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    for (let path = queue.shift(); path; path = queue.shift()) {
      errors.length = 0;
      const problems = await checkPage(page, path, requests);
      problems.push(...errors.map((e) => `console error: ${e}`));
      if (problems.length) found.push(`${path}:\n    ${problems.join("\n    ")}`);
      checked++;
    }
    await context.close();
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`# axe: ${checked} pages x ${SCHEMES.length * WIDTHS.length} configurations in ${seconds} s with ${WORKERS} contexts; ${found.length} pages with problems`);
  assert.equal(checked, pages.length, "every page was checked");
  assert.deepEqual(found, [], found.join("\n"));
});
