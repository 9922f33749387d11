// Search in a real browser, from disk (file://) and over HTTP on loopback:
// real queries typed into the box, keyboard use, the live region, arriving
// on a result, the search page, lazy loading, the page without JavaScript,
// and no console error or request to another host anywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildSite, fileUrl, serveStatic, launch, guard, assertNoAxeViolations } from "./lib.mjs";

let site, server, context, watched;
const CLIENT = "meridian-freight";
const PHASE_NAMES = "Preparation|Identification|Containment|Eradication|Recovery|Lessons Learned";
// A hit names a phase, or the run book's overview page.
const PAGE_NAMES = `${PHASE_NAMES}|Overview`;

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

const bases = () => [
  ["file://", (path) => fileUrl(site, path)],
  ["http", (path) => `${server.url}/${path}`],
];

/** Types a query into the page's search box and waits for the announcement. */
async function search(page, query) {
  const box = page.locator('input[type="search"]');
  await box.fill("");
  await box.pressSequentially(query, { delay: 5 });
  await page.waitForFunction(
    (q) => (document.querySelector("[data-search-status]")?.textContent || "").includes(`\u201c${q.trim()}\u201d`),
    query,
  );
  return page.locator("[data-search-results] a");
}

async function hits(page) {
  return page.locator("[data-search-results] a").allInnerTexts();
}

test("a plain page view loads no index; focusing the box does", async () => {
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    const loaded = [];
    page.on("request", (r) => loaded.push(r.url()));
    await page.goto(url(`${CLIENT}/phishing/containment/index.html`));
    const box = page.locator('input[type="search"]');
    assert.equal(await box.count(), 1, label);
    assert.ok(await box.isVisible(), `${label}: the box shows once the script runs`);
    assert.equal(await page.getByLabel("Search this handbook").count(), 1, `${label}: labelled`);
    assert.ok(!loaded.some((u) => u.includes("search-index.js") || u.includes("search-engine.js")), `${label}: ${loaded}`);
    await box.focus();
    await page.waitForFunction(() => !!window.RUNBOOK_SEARCH_INDEX);
    assert.ok(loaded.some((u) => u.endsWith("assets/search-index.js")), label);
    await page.close();
  }
});

test("real queries find the right run book and phase, from disk and over HTTP", async () => {
  const cases = [
    ["ransomware", /^Ransomware: /],
    ["ransomwear", /^Ransomware: /], // a typo
    ["phising", /^Phishing email: /], // a typo
    ["fake invoice", /^Invoice fraud: /], // an alias
    ["hacked", /^(Someone else is using an account|Supplier hacked|Website defaced): /], // an everyday word
    ["M365-PHISH-001", /^Phishing email: /], // an alert ID
    ["T1486", /^Ransomware: /], // an ATT&CK ID
    ["infected", /^Malware on computers: /], // a stem of "infection"
  ];
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    await page.goto(url(`${CLIENT}/index.html`));
    for (const [query, first] of cases) {
      const links = await search(page, query);
      assert.ok((await links.count()) > 0, `${label} ${query}: no results`);
      const texts = await hits(page);
      assert.match(texts[0], first, `${label} ${query}: ${texts}`);
      for (const t of texts) assert.match(t, new RegExp(`^.+: (${PAGE_NAMES})$`), `${label}: link names run book and phase`);
      // Each phase hit shows its phase's badge (an overview has none: its
      // page shows every phase's), and a snippet with the match marked.
      const hit = page.locator("[data-search-results] li").first();
      const badge = hit.locator("[data-lead]");
      assert.equal(await badge.count(), texts[0].endsWith(": Overview") ? 0 : 1, `${label} ${query}: ${texts[0]}`);
      if (await badge.count()) assert.match(await badge.getAttribute("data-lead"), /^(soc|client|shared)$/);
      if (!/^(phising|T1486|M365-PHISH-001)$/.test(query)) assert.ok((await hit.locator("mark").count()) > 0, `${label} ${query}: nothing marked`);
    }
    const idHit = page.locator("[data-search-results] li").first();
    await search(page, "M365-PHISH-001");
    assert.equal(await idHit.locator("mark").first().innerText(), "M365-PHISH-001");
    assert.match(await page.locator("[data-search-status]").innerText(), /\d+ results? for “M365-PHISH-001”/);
    await page.close();
  }
});

test("a query about the situation opens the run book's overview first; a phase question its phase", async () => {
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    await page.goto(url(`${CLIENT}/index.html`));
    await search(page, "ransomware");
    const texts = await hits(page);
    assert.equal(texts[0], "Ransomware: Overview", `${label}: ${texts}`);
    assert.match(texts[1], new RegExp(`^Ransomware: (${PHASE_NAMES})$`), `${label}: phase hits follow: ${texts}`);
    const first = page.locator("[data-search-results] a").first();
    assert.match(await first.getAttribute("href"), /^ransomware\/index\.html\?highlight=ransomwar$/);
    await search(page, "ransomware how do we restore our systems");
    assert.equal((await hits(page))[0], "Ransomware: Recovery", label);
    // Opening the overview result lands on the overview page, words marked.
    await search(page, "ransomware");
    await Promise.all([page.waitForURL(/ransomware\/index\.html\?highlight=/), first.click()]);
    assert.equal(await page.locator("main").getAttribute("data-page"), "runbook", label);
    await page.waitForSelector("mark.search-mark");
    await page.close();
  }
});

test("SOC-only notes are found in the SOC edition and nowhere else", async () => {
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    for (const edition of [CLIENT, "harbourview-dental", "alder-finch"]) {
      await page.goto(url(`${edition}/index.html`));
      await search(page, "sandbox");
      assert.equal(await page.locator("[data-search-results] a").count(), 0, `${label} ${edition}`);
      assert.match(await page.locator("[data-search-status]").innerText(), /Nothing in this handbook matches/);
    }
    // Sighted readers see it too, with the number to call and the run books.
    const empty = page.locator(".site-search .search-note");
    assert.ok(await empty.isVisible(), `${label}: the empty result is not shown`);
    assert.match(await empty.innerText(), /Nothing in this handbook matches ‘sandbox’/);
    assert.equal(await empty.locator('a[href^="tel:+44"]').count(), 1, label);
    assert.match(await empty.locator('a[href$="index.html#runbooks-title"]').innerText(), /list of run books/);
    // A word the handbook never uses is named and left out; the rest still finds.
    await search(page, "ransomware zanzibar");
    assert.match(await empty.innerText(), /left out: zanzibar/);
    assert.ok((await hits(page)).some((t) => t.startsWith("Ransomware")), label);
    await page.goto(url("soc/index.html"));
    await search(page, "sandbox");
    assert.ok((await hits(page)).some((t) => t.startsWith("Phishing email: ")), `${label}: soc`);
    await page.close();
  }
});

test("keyboard: slash focuses, arrows move, Enter opens, Escape clears", async () => {
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    await page.goto(url(`${CLIENT}/glossary/index.html`));
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.type), "search", label);
    await page.keyboard.type("backup");
    await page.waitForFunction(() => (document.querySelector("[data-search-status]")?.textContent || "").includes("backup"));
    const links = await hits(page);
    assert.ok(links.length >= 2, `${label}: ${links}`);
    const focused = () => page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press("ArrowDown");
    assert.equal(await focused(), links[0]);
    await page.keyboard.press("ArrowDown");
    assert.equal(await focused(), links[1]);
    await page.keyboard.press("ArrowUp");
    assert.equal(await focused(), links[0]);
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.evaluate(() => document.activeElement.type), "search");
    // Escape clears the box and the results.
    await page.keyboard.press("Escape");
    assert.equal(await page.locator('input[type="search"]').inputValue(), "");
    assert.equal(await page.locator("[data-search-results] a").count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.type), "search");
    // Enter on a result opens its phase, at the step, with the words marked.
    await page.keyboard.type("unplug");
    await page.waitForFunction(() => (document.querySelector("[data-search-status]")?.textContent || "").includes("unplug"));
    await page.keyboard.press("ArrowDown");
    const target = await page.evaluate(() => document.activeElement.getAttribute("href"));
    await Promise.all([page.waitForURL(/highlight=unplug/), page.keyboard.press("Enter")]);
    assert.equal(await page.locator("main").getAttribute("data-page"), "phase");
    const hash = new URL(page.url()).hash.slice(1);
    assert.ok(hash && target.endsWith(`#${hash}`), `${label}: ${page.url()}`);
    assert.equal(await page.locator(`[id="${hash}"]`).count(), 1, `${label}: anchor exists`);
    await page.waitForSelector("mark.search-mark");
    assert.match((await page.locator("mark.search-mark").first().innerText()).toLowerCase(), /^unplug/);
    assert.equal(await page.locator(".search-target").count(), 1);
    await page.getByRole("button", { name: "Remove highlights" }).click();
    assert.equal(await page.locator("mark.search-mark").count(), 0);
    await page.close();
  }
});

test("the search page: full results, from the header box and by address", async () => {
  for (const [label, url] of bases()) {
    const page = await context.newPage();
    await page.goto(url(`${CLIENT}/phishing/index.html`));
    const box = page.locator('input[type="search"]');
    await box.fill("password");
    await Promise.all([page.waitForURL(/search\/index\.html\?q=password/), box.press("Enter")]);
    assert.equal(await page.locator("main").getAttribute("data-page"), "search");
    assert.equal(await page.locator('input[type="search"]').count(), 1, `${label}: one box on the search page`);
    await page.waitForFunction(() => document.querySelectorAll("[data-search-results] a").length > 0);
    assert.equal(await page.locator('input[type="search"]').inputValue(), "password");
    const texts = await hits(page);
    assert.ok(texts.length > 6, `${label}: the page lists more than the header panel (${texts.length})`);
    await page.goto(`${url(`${CLIENT}/search/index.html`)}?q=${encodeURIComponent("virus")}`);
    await page.waitForFunction(() => document.querySelectorAll("[data-search-results] a").length > 0);
    assert.match((await hits(page))[0], /^Malware on computers: /);
    const glossary = page.locator("[data-search-glossary] a");
    assert.ok((await glossary.allInnerTexts()).includes("malware"), label);
    assert.match(await glossary.first().getAttribute("href"), /^\.\.\/glossary\/index\.html#term-/);
    assert.equal(await page.locator("[data-search-fallback]").isVisible(), false);
    await page.close();
  }
});

test("without JavaScript the box is hidden and the search page lists every phase", async () => {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
  await page.goto(fileUrl(site, `${CLIENT}/ransomware/containment/index.html`));
  assert.equal(await page.locator('input[type="search"]').isVisible(), false, "no dead control");
  await page.goto(fileUrl(site, `${CLIENT}/search/index.html`));
  assert.equal(await page.locator('input[type="search"]').isVisible(), false);
  assert.ok(await page.locator("[data-search-fallback]").isVisible());
  const phaseLinks = page.locator('.search-browse a[href^="../phases/"]');
  assert.equal(await phaseLinks.count(), 6);
  await page.close();
});

test("the box and results fit a 360 px phone", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(fileUrl(site, `${CLIENT}/index.html`));
  // On a phone the header's search control opens the box (issue 18).
  await page.getByRole("button", { name: "Search" }).click();
  await search(page, "locked out");
  const panel = await page.locator(".search-panel").boundingBox();
  assert.ok(panel.x >= 0 && panel.x + panel.width <= 360, JSON.stringify(panel));
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 360, `no sideways scrolling (${scroll})`);
  await page.close();
});

test("axe finds no WCAG 2.2 AA problem in open results, the search page or highlights", async () => {
  const check = assertNoAxeViolations;
  for (const scheme of ["light", "dark"]) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${server.url}/${CLIENT}/index.html`);
    await search(page, "locked out");
    await check(page, `${scheme}: header results`);
    await page.goto(`${server.url}/${CLIENT}/search/index.html?q=unplug`);
    await page.waitForFunction(() => document.querySelectorAll("[data-search-results] a").length > 0);
    await check(page, `${scheme}: search page`);
    await page.locator("[data-search-results] a").first().click();
    await page.waitForSelector("mark.search-mark");
    await check(page, `${scheme}: highlights`);
    await page.close();
  }
});

test("no page logged an error or asked another host for anything", () => {
  assert.deepEqual(watched.errors, []);
  assert.deepEqual(watched.external, []);
});
