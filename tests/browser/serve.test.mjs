// `runbook serve` in a real browser: a saved edit updates the open page by
// itself, a broken source shows the problems overlay over the last good
// page, and fixing it clears the overlay.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo, bin, launch, guard, assertNoAxeViolations } from "./lib.mjs";

let source, server, url, context, watched;

/** Starts `runbook serve` on a free loopback port; resolves to its URL. */
function startServe(dir) {
  const child = spawn(bin, ["serve", "--source", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, NO_COLOR: "1", RUNBOOK_TODAY: "2026-12-01" },
  });
  return new Promise((ok, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`no URL printed: ${seen}`)), 20000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/(\S+?)\/?(\s|$)/);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: `http://${m[1].replace(/\/$/, "")}` });
      }
    });
    child.on("exit", (code) => fail(new Error(`serve exited with ${code}: ${seen}`)));
  });
}

before(async () => {
  source = join(mkdtempSync(join(tmpdir(), "runbook-serve-")), "runbooks");
  cpSync(join(repo, "runbooks"), source, { recursive: true });
  ({ child: server, url } = await startServe(source));
  context = await launch();
  watched = await guard(context);
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.on("exit", (code) => ok(code)));
    server.kill("SIGINT");
    assert.equal(await exited, 0, "serve exits with 0 on Ctrl-C");
  }
});

/** Waits until the server has had no rebuild for a while (earlier saves done). */
async function settle() {
  let last = "";
  let quietSince = Date.now();
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const s = await (await fetch(`${url}/__runbook/status`)).json();
    const key = `${s.version}/${s.rebuilds}`;
    if (key !== last) {
      last = key;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 400) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never settled");
}

/** Saves a file the way many editors do: a temporary file renamed over it. */
function save(path, text) {
  writeFileSync(`${path}.tmp~`, text);
  renameSync(`${path}.tmp~`, path);
}

test("a saved edit shows in the open page without the test reloading it", async () => {
  const page = await context.newPage();
  await page.goto(`${url}/harbourview-dental/phishing/index.html`);
  assert.equal(await page.locator("main").getAttribute("data-page"), "runbook");
  // The live script is connected once the page has its first status.
  await page.waitForFunction(() => !!document.querySelector('script[src="/__runbook/live.js"]'));
  await page.waitForTimeout(300);
  const file = join(source, "phishing.md");
  const original = readFileSync(file, "utf8");
  save(file, original.replace(/^summary:.*$/m, "summary: Updated live by the browser test."));
  await page.locator("main", { hasText: "Updated live by the browser test." }).waitFor({ timeout: 15000 });
  assert.match(await page.locator("main").innerText(), /Updated live by the browser test\./);

  // Break it: the overlay lists the problem over the last good page.
  save(file, original.replace("## Containment", "## Containmint"));
  const overlay = page.locator("#runbook-live-overlay[role=alertdialog]");
  await overlay.waitFor({ timeout: 15000 });
  const text = await overlay.innerText();
  assert.match(text, /phishing\.md:\d+:\d+/);
  assert.match(text, /Containmint|phase/i);
  assert.match(await page.locator("main").innerText(), /Updated live by the browser test\./, "last good page stays");
  // The overlay can be dismissed, by its button.
  await overlay.getByRole("button", { name: "Dismiss" }).click();
  assert.equal(await overlay.count(), 0);

  // Fix it: the overlay does not come back, the page updates by itself.
  save(file, original.replace(/^summary:.*$/m, "summary: Fixed and live again."));
  await page.locator("main", { hasText: "Fixed and live again." }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator("#runbook-live-overlay").count(), 0);
  save(file, original);
  await page.close();
  assert.deepEqual(watched.external, []);
  assert.deepEqual(watched.errors, []);
});

test("the overlay shows on every page, the picker too, and clears by itself", async () => {
  await settle();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.locator("[data-edition]").nth(3).waitFor();
  await page.waitForTimeout(300);
  const file = join(source, "handbook.yaml");
  const original = readFileSync(file, "utf8");
  save(file, original.replace(/^title:.*$/m, "title: [unclosed"));
  const overlay = page.locator("#runbook-live-overlay");
  await overlay.waitFor({ timeout: 15000 });
  assert.match(await overlay.innerText(), /handbook\.yaml:\d+/);
  save(file, original);
  await overlay.waitFor({ state: "detached", timeout: 15000 });
  await page.close();
  assert.deepEqual(watched.errors, []);
});

test("axe finds no WCAG 2.2 AA problem in the picker or on a page with the overlay", async () => {
  const check = assertNoAxeViolations;
  const file = join(source, "phishing.md");
  const original = readFileSync(file, "utf8");
  await settle();
  for (const scheme of ["light", "dark"]) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${url}/`);
    await check(page, `${scheme}: picker`);
    await page.goto(`${url}/alder-finch/phishing/index.html`);
    await page.waitForTimeout(300);
    save(file, original.replace("## Containment", "## Containmint"));
    await page.locator("#runbook-live-overlay").waitFor({ timeout: 15000 });
    // Wait for the overlay's stylesheet, so that contrast is checked as shown.
    await page.waitForFunction(() => getComputedStyle(document.getElementById("runbook-live-overlay")).position === "fixed");
    await check(page, `${scheme}: overlay`);
    save(file, original);
    await page.locator("#runbook-live-overlay").waitFor({ state: "detached", timeout: 15000 });
    await page.close();
  }
});
