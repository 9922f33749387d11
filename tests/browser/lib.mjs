// Shared helpers for the browser tests: build editions with the real binary,
// serve them on loopback, and drive Debian's headless Chromium.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, extname, normalize, sep } from "node:path";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repo = resolve(fileURLToPath(import.meta.url), "../../..");
export const bin = process.env.RUNBOOK_BIN || join(repo, "target", "debug", "runbook");

/** Builds `source` (default: the bundled sample) into a fresh temp folder. */
export function buildSite(source = join(repo, "runbooks"), extraArgs = []) {
  const out = join(mkdtempSync(join(tmpdir(), "runbook-browser-")), "site");
  execFileSync(bin, ["build", "--source", source, "--out", out, ...extraArgs], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, SOURCE_DATE_EPOCH: "1767225600" },
  });
  return out;
}

/** The file:// URL of a page in a built site. */
export function fileUrl(site, path) {
  return pathToFileURL(join(site, path)).href;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves a folder on 127.0.0.1 on a free port; resolves to {url, close}. */
export function serveStatic(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    let target = file;
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, "index.html");
    if (!existsSync(target)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(target)] || "application/octet-stream" });
    res.end(readFileSync(target));
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}`, close: () => new Promise((c) => server.close(c)) });
    });
  });
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), "runbook-chromium-"));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Watches a browser context: every request to a host other than loopback is
 * aborted and recorded, and console errors and page errors are collected.
 */
export async function guard(context) {
  const external = [];
  const errors = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === "file:" || url.protocol === "data:" || ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (local) return route.continue();
    external.push(url.href);
    return route.abort();
  });
  const watch = (page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return { external, errors };
}

/** The flags Debian's Chromium needs here (see BROWSER-TESTING facts in the README). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches headless Chromium as a browser (not one persistent context), for
 * tests that need several contexts with different viewports or colour schemes.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Every HTML file under `dir`, as sorted paths relative to `dir` with `/`. */
export function htmlFiles(dir) {
  const out = [];
  const walk = (d, prefix) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else if (name.endsWith(".html")) out.push(`${prefix}${name}`);
    }
  };
  walk(dir, "");
  return out;
}

/** The axe-core tags for WCAG 2.2 levels A and AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core (WCAG 2.2 A/AA) on an open page and fails the test with
 * each violation's rule and targets. For one-off checks; the every-page
 * test injects axe once per context instead, which is faster.
 */
export async function assertNoAxeViolations(page, label) {
  const axe = readFileSync(join(repo, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axe });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    WCAG_TAGS,
  );
  const problems = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  if (problems.length) throw new Error(`${label}: axe violations:\n${problems.join("\n")}`);
}
