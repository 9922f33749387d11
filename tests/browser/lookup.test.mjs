// The SOC edition's alert lookup (alerts/index.html) from file://: typing an
// ID finds the right run book, exact IDs first; the page reads as a table
// without JavaScript; nothing is loaded from another host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildSite, fileUrl, launch, guard, assertNoAxeViolations } from "./lib.mjs";

let site, context, watched;

before(async () => {
  site = buildSite();
  context = await launch();
  watched = await guard(context);
});

after(async () => {
  await context?.close();
});

test("typing an alert ID links to its run book's identification page", async () => {
  const page = await context.newPage();
  await page.goto(fileUrl(site, "soc/alerts/index.html"));
  const box = page.getByLabel("Alert, rule or technique");
  await box.fill("  edr-ransom-001, ");
  const links = page.locator("[data-lookup-results] a");
  assert.equal(await links.count(), 1);
  assert.equal(await links.first().getAttribute("href"), "../ransomware/identification/index.html");
  assert.match(await links.first().innerText(), /Ransomware: Identification/);
  assert.match(await page.locator("[data-lookup-status]").innerText(), /1 run book link/);
  // A detection rule by part of its name, and an ATT&CK ID: exact first.
  await box.fill("suspicious inbox forwarding");
  assert.equal(await links.first().getAttribute("href"), "../account-compromise/identification/index.html");
  await box.fill("T1566");
  assert.equal(await links.first().getAttribute("href"), "../phishing/identification/index.html");
  assert.ok((await links.count()) > 1, "T1566.001 and .002 follow as partial matches");
  await box.fill("no-such-alert-anywhere");
  assert.equal(await links.count(), 0);
  assert.match(await page.locator("[data-lookup-status]").innerText(), /No run book/);
  // Enter opens the first run book.
  await box.fill("EDR-RANSOM-001");
  await box.press("Enter");
  await page.waitForURL(/ransomware\/identification\/index\.html$/);
  assert.equal(await page.locator("main").getAttribute("data-runbook"), "ransomware");
  await page.close();
  assert.deepEqual(watched.external, []);
  assert.deepEqual(watched.errors, []);
});

test("?q= opens the lookup with the ID filled in", async () => {
  const page = await context.newPage();
  await page.goto(fileUrl(site, "soc/alerts/index.html") + "?q=FS-CANARY-TRIGGERED");
  const links = page.locator("[data-lookup-results] a");
  assert.equal(await links.first().getAttribute("href"), "../ransomware/identification/index.html");
  await assertNoAxeViolations(page, "alerts with results");
  await page.close();
});

test("without JavaScript the page lists every alert as a table", async () => {
  const page = await context.newPage();
  // The persistent context cannot turn scripts off per page; DevTools can.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
  await page.goto(fileUrl(site, "soc/alerts/index.html"));
  assert.equal(await page.locator("form[data-lookup]").isVisible(), false, "no dead box");
  const rows = page.locator(".lookup-table tbody tr");
  assert.ok((await rows.count()) > 30);
  const ransom = page.locator('.lookup-table tr[data-first="edr-ransom-001"] a');
  assert.equal(await ransom.getAttribute("href"), "../ransomware/identification/index.html");
  await page.close();
});
