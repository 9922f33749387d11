// The first fifteen minutes on one page (SPEC §11, issue 21): every sample
// edition's card/index.html, and the card of a client with a very long call
// tree and many duties, print on exactly ONE A4 page in headless Chromium,
// with room to spare; on screen it reads at phone width without JavaScript
// errors, passes axe, and loads nothing from another host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { buildSite, fileUrl, guard, launchBrowser, assertNoAxeViolations, repo, serveStatic } from "./lib.mjs";

let browser;
let sample;
let long;

before(async () => {
  sample = buildSite();
  long = buildSite(join(repo, "tests/fixtures/long-calltree/runbooks"));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Every edition folder of a built site. */
const editions = (site) => readdirSync(site).sort();

/** Pages in a PDF, counted by its page objects. */
function pdfPages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
}

/** The card's printable box on A4 (210 x 297 mm less its @page margins of 12 and 11 mm), in CSS px. */
const MM = 96 / 25.4;
const A4_CONTENT = { width: Math.floor((210 - 24) * MM), height: Math.floor((297 - 22) * MM) };

/**
 * Prints a card as a reader would (A4, the browser's default margins) and as
 * the card asks (its own @page size and margins), counting the PDF's pages;
 * then lays it out in print media at the width of the A4 page's content box
 * and measures its height, so the test also says how much room is left.
 */
async function printCard(site, edition) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const watch = await guard(context);
  const page = await context.newPage();
  await page.goto(fileUrl(site, `${edition}/card/index.html`));
  const a4 = pdfPages(await page.pdf({ format: "A4" }));
  const own = pdfPages(await page.pdf({ preferCSSPageSize: true }));
  await page.setViewportSize(A4_CONTENT);
  await page.emulateMedia({ media: "print" });
  const fit = await page.evaluate(() => {
    const card = document.querySelector(".card");
    return {
      height: card.getBoundingClientRect().bottom,
      calls: document.querySelectorAll(".call-tree > li").length,
      deadlines: document.querySelectorAll(".card-deadlines li").length,
      steps: document.querySelectorAll(".card-steps li").length,
      dense: card.classList.contains("card-dense"),
      text: card.innerText,
    };
  });
  await context.close();
  return { a4, own, fit, watch };
}

test("every sample edition's card prints on exactly one A4 page", async () => {
  const list = editions(sample);
  assert.ok(list.length >= 4, `three clients and the SOC: ${list}`);
  for (const edition of list) {
    const { a4, own, fit, watch } = await printCard(sample, edition);
    assert.equal(a4, 1, `${edition}: A4 with default margins gives ${a4} pages`);
    assert.equal(own, 1, `${edition}: A4 with the card's own margins gives ${own} pages`);
    assert.ok(fit.height <= A4_CONTENT.height, `${edition}: ${fit.height} px of ${A4_CONTENT.height}`);
    console.log(`${edition}: card ${Math.round(fit.height)} of ${A4_CONTENT.height} px`);
    assert.equal(fit.steps, 4, `${edition}: four run books' first steps`);
    assert.ok(fit.calls >= 2, `${edition}: the SOC line and more (${fit.calls})`);
    assert.match(fit.text, /1\. Start here[\s\S]*2\. Call in this order[\s\S]*3\. Deadlines[\s\S]*4\. First steps/);
    assert.match(fit.text, /24\/7 SOC line[^\n]*\+44 20 7946 0100/, `${edition}: the SOC number first`);
    if (edition !== "soc") assert.ok(fit.deadlines >= 2, `${edition}: the sample client's deadlines`);
    assert.deepEqual(watch.external, [], `${edition}: nothing from another host`);
    assert.deepEqual(watch.errors, [], `${edition}: no script errors`);
  }
});

test("a very long call tree and many duties still fit: smaller type, then 'and N more'", async () => {
  const { a4, own, fit, watch } = await printCard(long, "sprawl");
  assert.equal(a4, 1, `A4 with default margins gives ${a4} pages`);
  assert.equal(own, 1, `A4 with the card's own margins gives ${own} pages`);
  assert.ok(fit.height <= A4_CONTENT.height, `${fit.height} px of ${A4_CONTENT.height}`);
  console.log(`sprawl: card ${Math.round(fit.height)} of ${A4_CONTENT.height} px`);
  assert.ok(fit.dense, "set in smaller type");
  assert.equal(fit.calls, 8, "the SOC line and the first seven of the call tree");
  assert.match(fit.text, /and 8 more: see Who to call/, "says how many more there are");
  assert.equal(fit.deadlines, 6);
  assert.match(fit.text, /and 4 more: see the phase pages/);
  assert.match(fit.text, /2 hours[\s\S]*12 hours[\s\S]*24 hours/, "shortest deadline first");
  assert.match(fit.text, /Lost laptop[\s\S]*Scam phone call/, "card: in handbook.yaml puts these first");
  assert.deepEqual(watch.external, []);
  assert.deepEqual(watch.errors, []);
});

test("on a phone the card reads in one column, passes axe, and is linked from home and print", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const watch = await guard(context);
  const page = await context.newPage();
  await page.goto(fileUrl(sample, "alder-finch/index.html"));
  await page.getByRole("link", { name: /first fifteen minutes/i }).click();
  assert.match(page.url(), /alder-finch\/card\/index\.html$/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `no sideways scrolling: ${wide}`);
  await page.goto(fileUrl(sample, "alder-finch/print/index.html"));
  await page.getByRole("link", { name: /first fifteen minutes/i }).click();
  assert.match(page.url(), /alder-finch\/card\/index\.html$/);
  // The call tree's first step after the SOC line opens a phone call.
  const tel = await page.locator(".call-tree a[href^='tel:']").nth(1).getAttribute("href");
  assert.equal(tel, "tel:+442079460661", "the IT lead, first in alder-finch's escalation");
  await context.close();
  assert.deepEqual(watch.external, []);
  assert.deepEqual(watch.errors, []);
  // axe reads the stylesheets with requests that file:// refuses: over HTTP.
  const server = await serveStatic(sample);
  const checked = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const phone = await checked.newPage();
  for (const edition of ["alder-finch", "soc"]) {
    await phone.goto(`${server.url}/${edition}/card/index.html`);
    await assertNoAxeViolations(phone, `${edition} card`);
  }
  await checked.close();
  await server.close();
});
