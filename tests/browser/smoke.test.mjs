// Smoke test: an edition opens from disk and over HTTP with no console
// errors and no request to another host, and checklist ticks persist.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildSite, fileUrl, serveStatic, launch, guard } from "./lib.mjs";

let site, server, context, watched;

before(async () => {
  site = buildSite();
  server = await serveStatic(site);
  context = await launch();
  watched = await guard(context);
});

after(async () => {
  await context?.close();
  await server?.close();
});

test("home page opens from file:// and over HTTP", async () => {
  const page = await context.newPage();
  for (const url of [fileUrl(site, "meridian-freight/index.html"), `${server.url}/meridian-freight/index.html`]) {
    await page.goto(url);
    assert.equal(await page.locator("main").getAttribute("data-page"), "home");
    assert.match(await page.locator("h1").innerText(), /Security Incident Handbook/);
  }
  await page.close();
  assert.deepEqual(watched.external, []);
  assert.deepEqual(watched.errors, []);
});

test("checklist ticks persist per page and can be cleared", async () => {
  const page = await context.newPage();
  const url = fileUrl(site, "harbourview-dental/phishing/preparation/index.html");
  await page.goto(url);
  const boxes = page.locator("input.task-box");
  assert.ok((await boxes.count()) > 0, "the page has checklist boxes");
  await boxes.first().check();
  await page.reload();
  assert.equal(await boxes.first().isChecked(), true, "tick kept after reload");
  await page.getByRole("button", { name: /clear ticks/i }).click();
  await page.reload();
  assert.equal(await boxes.first().isChecked(), false, "ticks cleared");
  // Each box is named by its step (badge and words), and the words are a
  // tap target for it; ticks are kept per step.
  const label = page.locator("label:has(> input.task-box)").nth(1);
  const [who, step] = await label.evaluate((l) => {
    const badge = l.querySelector("[data-lead]");
    return [badge.textContent, l.textContent.replace(badge.textContent, "").trim()];
  });
  assert.match(who, /^(Our SOC team|Your team|Together)/, "the label starts with who does it");
  const named = page.getByRole("checkbox", { name: `${who} : ${step}`, exact: true });
  assert.equal(await named.count(), 1, "the box is named by who does the step, then the step");
  await label.locator("[data-lead]").click();
  assert.equal(await boxes.nth(1).isChecked(), true, "a tap on the step ticks its box");
  assert.equal(await boxes.first().isChecked(), false, "only that step's box");
  await page.reload();
  assert.equal(await boxes.nth(1).isChecked(), true, "that tick kept after reload");
  assert.equal(await boxes.first().isChecked(), false);
  await page.close();
  assert.deepEqual(watched.errors, []);
});
