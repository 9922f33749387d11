// Issue 18, "crisis first", the content side, in headless Chromium at 390 px
// and 1,280 px, light and dark: "Do this now" on overviews, the home page's
// "What is happening?", client pages without provenance or attack IDs,
// ticks kept by step id with their times, the glossary's A–Z list and
// definitions that open in the flow, and the printed binder. It also
// measures, for three crises on a phone, the taps and scrolls from the home
// page to the first action (printed as diagnostics for the report).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, fileUrl, launchBrowser, assertNoAxeViolations, repo } from "./lib.mjs";

let site, browser;
const CLIENT = "meridian-freight";
const CONFIGS = [
  { width: 390, height: 844, scheme: "light" },
  { width: 390, height: 844, scheme: "dark" },
  { width: 1280, height: 900, scheme: "light" },
  { width: 1280, height: 900, scheme: "dark" },
];

before(async () => {
  site = buildSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A context like a phone (390 px, touch) or a desktop, in a colour scheme. */
async function context({ width, height, scheme }, extra = {}) {
  const phone = width < 600;
  const ctx = await browser.newContext({
    viewport: { width, height },
    colorScheme: scheme,
    hasTouch: phone,
    isMobile: phone,
    ...extra,
  });
  const problems = [];
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === "file:") return route.continue();
    problems.push(`request to ${u.href}`);
    return route.abort();
  });
  // axe-core reads stylesheets with XMLHttpRequest, which file:// pages may
  // not do: those two messages are axe's, not the page's.
  const axeNoise = (t) => /XMLHttpRequest at 'file:[^']*\.css'/.test(t) || t === "Failed to load resource: net::ERR_FAILED";
  ctx.on("page", (p) => {
    p.on("console", (m) => m.type() === "error" && !axeNoise(m.text()) && problems.push(m.text()));
    p.on("pageerror", (e) => problems.push(e.message));
  });
  return { ctx, problems };
}

const label = (c) => `${c.width}px ${c.scheme}`;

test("overviews open with Do this now: the number and the reader's first steps, in the first screen", async () => {
  for (const c of CONFIGS) {
    const { ctx, problems } = await context(c);
    const page = await ctx.newPage();
    for (const [edition, mine] of [[CLIENT, ["client", "shared"]], ["soc", ["soc", "shared"]]]) {
      await page.goto(fileUrl(site, `${edition}/ransomware/index.html`));
      const doNow = page.locator("#do-now");
      assert.equal(await doNow.locator("h2").innerText(), "Do this now", label(c));
      const call = doNow.locator("a.call-now[href^='tel:']");
      const first = doNow.locator(".first-steps a").first();
      for (const el of [call, first]) {
        const box = await el.boundingBox();
        assert.ok(box && box.y + box.height <= c.height, `${label(c)} ${edition}: in the first screen (${box?.y})`);
      }
      // Each step links to its anchor on its phase page, where the badge is the reader's.
      const hrefs = await doNow.locator(".first-steps a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      assert.ok(hrefs.length >= 2 && hrefs.length <= 6, `${hrefs}`);
      await first.click();
      await page.waitForURL(/#step-\d+$/);
      const hash = new URL(page.url()).hash.slice(1);
      const lead = await page.locator(`[id="${hash}"]`).getAttribute("data-lead");
      assert.ok(mine.includes(lead), `${edition}: the first step is the reader's (${lead})`);
      const top = await page.locator(`[id="${hash}"]`).evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(top >= -1 && top < c.height, `${label(c)} ${edition}: and lands in view (${top})`);
    }
    // The phases of the response first; Preparation and Lessons Learned after, as before and after.
    await page.goto(fileUrl(site, `${CLIENT}/ransomware/index.html`));
    const order = await page.locator(".phase-card h3 a").allInnerTexts();
    assert.deepEqual(order.map((t) => t.replace(/^\d\. /, "")), ["Identification", "Containment", "Eradication", "Recovery", "Preparation", "Lessons Learned"]);
    assert.deepEqual(await page.locator(".before-after .when").allInnerTexts(), ["Before: get ready", "After: learn from it"]);
    await assertNoAxeViolations(page, `overview ${label(c)}`);
    await ctx.close();
    assert.deepEqual(problems, [], label(c));
  }
});

test("the home page asks what is happening, in the reader's words, before who to call", async () => {
  for (const c of CONFIGS) {
    const { ctx, problems } = await context(c);
    const page = await ctx.newPage();
    await page.goto(fileUrl(site, `${CLIENT}/index.html`));
    const y = async (sel) => (await page.locator(sel).first().boundingBox()).y;
    assert.ok((await y("#start-here")) < (await y("#runbooks-title")), "start here first");
    assert.ok((await y("#runbooks-title")) < (await y("#contacts-title")), "then what is happening, then contacts");
    assert.equal(await page.locator("#runbooks-title").innerText(), "What is happening?");
    const card = page.locator(".runbook-card", { has: page.locator("a[href$='ransomware/index.html']") });
    assert.equal(await card.locator("a").innerText(), "Your files will not open and there is a ransom note");
    assert.equal(await card.locator(".runbook-title").innerText(), "Ransomware");
    // The title sits beside (after) the symptom, in view together.
    const link = await card.locator("a").boundingBox();
    const title = await card.locator(".runbook-title").boundingBox();
    assert.ok(title.y >= link.y - 1, "the title follows the symptom");
    await assertNoAxeViolations(page, `home ${label(c)}`);
    await ctx.close();
    assert.deepEqual(problems, [], label(c));
  }
});

test("client pages show no provenance lines and no alert or ATT&CK IDs; the SOC edition keeps them", async () => {
  const { ctx, problems } = await context(CONFIGS[2]);
  const page = await ctx.newPage();
  for (const path of ["ransomware/index.html", "ransomware/identification/index.html", "phishing/index.html"]) {
    await page.goto(fileUrl(site, `${CLIENT}/${path}`));
    const text = await page.locator("main").innerText();
    assert.doesNotMatch(text, /Set by your service plan|Agreed with you|Standard practice for every incident|Set for this kind/, path);
    assert.doesNotMatch(text, /\bT1\d{3}\b|EDR-RANSOM|M365-|ATT&CK/, path);
    assert.equal(await page.locator("main .layer, main [data-lead][title]").count(), 0, path);
  }
  await page.goto(fileUrl(site, "soc/ransomware/index.html"));
  const soc = await page.locator("main").innerText();
  assert.match(soc, /T1486/);
  assert.match(soc, /EDR-RANSOM-001/);
  assert.ok((await page.locator("main .layer").count()) >= 6, "the SOC edition says which layer set each phase");
  await ctx.close();
  assert.deepEqual(problems, []);
});

/** Builds a copy of the sample with `edit` applied to ransomware.md, into a new folder. */
function buildEdited(edit) {
  const src = join(mkdtempSync(join(tmpdir(), "runbook-crisis-src-")), "runbooks");
  cpSync(join(repo, "runbooks"), src, { recursive: true });
  const file = join(src, "ransomware.md");
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return buildSite(src);
}

test("ticks stay on their step when the run book changes, keep their time, clear with undo and copy as a timeline", async () => {
  const PAGE = `${CLIENT}/ransomware/preparation/index.html`;
  const before = buildEdited((s) => s);
  // A new checklist step at the top of the same list, as a writer might add.
  const after = buildEdited((s) =>
    s.replace("- [ ] [Client] An offline backup exists", "- [ ] [Client] The alarm company's number is on the office wall.\n- [ ] [Client] An offline backup exists"),
  );
  for (const c of [CONFIGS[0], CONFIGS[3]]) {
    const { ctx, problems } = await context(c);
    // The clipboard is stubbed to record what is copied.
    await ctx.addInitScript(() => {
      Object.defineProperty(navigator, "clipboard", {
        configurable: true,
        value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } },
      });
    });
    const page = await ctx.newPage();
    await page.goto(fileUrl(before, PAGE));
    // An old position-keyed tick is dropped, not moved onto another step.
    await page.evaluate(() => localStorage.setItem(`runbook:ticks:${"meridian-freight"}:phase:ransomware:preparation`, JSON.stringify({ "preparation-6": true })));
    await page.reload();
    assert.equal(await page.evaluate(() => localStorage.getItem("runbook:ticks:meridian-freight:phase:ransomware:preparation")), null, "old ticks removed");
    const boxes = page.locator("input.task-box");
    assert.equal(await page.locator("input.task-box:checked").count(), 0, "nothing ticked from the old store");
    const wordsOf = (i) => boxes.nth(i).evaluate((b) => b.closest("label").textContent);
    const tickedWords = await wordsOf(1);
    await boxes.nth(1).check();
    await boxes.nth(2).check();
    const time = page.locator(".tick-time").nth(1);
    assert.match(await time.innerText(), /^ticked \d\d:\d\d$/, "the time is shown beside the tick");
    assert.ok(await time.isVisible());
    // The timeline: the ticked steps with their times, oldest first.
    await page.getByRole("button", { name: "Copy ticked steps with times" }).click();
    await page.getByRole("status").filter({ hasText: "Copied 2 steps" }).waitFor();
    const copied = await page.evaluate(() => window.__copied);
    const lines = copied.trim().split("\n");
    assert.equal(lines[0], "Preparation");
    assert.equal(lines.length, 3, copied);
    assert.match(lines[1], /^\d{4}-\d\d-\d\d \d\d:\d\d {2}Preparation step \d+: A printed copy of this handbook/, copied);
    assert.match(lines[2], /The cyber insurance policy number/, copied);
    assert.doesNotMatch(copied, /Your team|An extra copy of your files/, "words only: no badge, no definitions");

    // The same page of the edited run book: the ticks stay on their steps.
    await page.goto(fileUrl(after, PAGE));
    const ids = await page.locator("input.task-box:checked").evaluateAll((bs) => bs.map((b) => b.closest("label").textContent));
    assert.equal(ids.length, 2, "both ticks kept");
    assert.equal(ids[0], tickedWords, "on the same words, though the step moved down one place");
    assert.match(await page.locator(".tick-time").nth(2).innerText(), /^ticked \d\d:\d\d$/, "with their time");

    // Clear asks nothing but can be undone; a new tick ends the undo.
    await page.getByRole("button", { name: /clear ticks/i }).click();
    assert.equal(await page.locator("input.task-box:checked").count(), 0, "cleared");
    await page.getByRole("status").filter({ hasText: "Ticks cleared." }).waitFor();
    await page.getByRole("button", { name: "Undo clear" }).click();
    assert.equal(await page.locator("input.task-box:checked").count(), 2, "undo brings them back");
    await page.reload();
    assert.equal(await page.locator("input.task-box:checked").count(), 2, "and keeps them");
    await page.getByRole("button", { name: /clear ticks/i }).click();
    await boxes.nth(0).check();
    assert.equal(await page.getByRole("button", { name: "Undo clear" }).isVisible(), false, "a new tick ends the undo");
    await boxes.nth(0).uncheck();
    await assertNoAxeViolations(page, `ticks ${label(c)}`);
    await ctx.close();
    assert.deepEqual(problems, [], label(c));
  }
});

test("copying the timeline without a clipboard shows the text to copy by hand", async () => {
  const { ctx, problems } = await context(CONFIGS[0]);
  await ctx.addInitScript(() => {
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: () => Promise.reject(new Error("denied")) },
    });
  });
  const page = await ctx.newPage();
  await page.goto(fileUrl(site, `${CLIENT}/phishing/preparation/index.html`));
  await page.locator("input.task-box").first().check();
  await page.getByRole("button", { name: "Copy ticked steps with times" }).click();
  const area = page.getByRole("textbox", { name: "Ticked steps with their times" });
  await area.waitFor();
  assert.match(await area.inputValue(), /\d\d:\d\d {2}Preparation step \d+: /);
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("the glossary has an A–Z list; a definition opens in the flow, never over the next line, and a second tap closes it", async () => {
  for (const c of CONFIGS) {
    const { ctx, problems } = await context(c);
    const page = await ctx.newPage();
    await page.goto(fileUrl(site, `${CLIENT}/glossary/index.html`));
    const letters = page.locator("nav.az li");
    assert.equal(await letters.count(), 26);
    const r = page.locator("nav.az a", { hasText: /^R$/ });
    if (c.width < 600) await r.tap();
    else await r.click();
    await page.waitForURL(/#letter-r$/);
    const heading = await page.locator("#letter-r").boundingBox();
    assert.ok(heading.y >= 0 && heading.y < c.height / 2, `the R section is at the top (${heading.y})`);
    const first = await page.locator("section[aria-labelledby='letter-r'] dt").first().innerText();
    assert.match(first, /^r/i);
    await assertNoAxeViolations(page, `glossary ${label(c)}`);

    // A definition in a step: the line below it is never covered.
    await page.goto(fileUrl(site, `${CLIENT}/ransomware/containment/index.html`));
    const term = page.locator("main .term").first();
    const link = term.locator("a");
    const tip = term.locator('[role="tooltip"]');
    const block = term.locator("xpath=ancestor::li[1]");
    const next = block.locator("xpath=following-sibling::li[1]");
    await block.evaluate((el) => el.scrollIntoView({ block: "start" }));
    if (c.width < 600) await link.tap();
    else await link.hover();
    assert.ok(await tip.isVisible(), `${label(c)}: the definition opens`);
    const t = await tip.boundingBox();
    const n = await next.boundingBox();
    assert.ok(n.y >= t.y + t.height - 1, `${label(c)}: the next step starts below the definition (${n.y} < ${t.y + t.height})`);
    // Nothing of the page lies under the definition: the point under each
    // corner of it is the definition itself.
    const clear = await tip.evaluate((el) => {
      const b = el.getBoundingClientRect();
      return [[b.left + 4, b.top + 4], [b.right - 4, b.bottom - 4]].every(([x, y]) => el.contains(document.elementFromPoint(x, y)));
    });
    assert.ok(clear, "the definition is on top of nothing but itself");
    if (c.width < 600) {
      await link.tap();
      assert.equal(await tip.isVisible(), false, "a second tap closes it");
      assert.match(page.url(), /ransomware\/containment\/index\.html$/, "and stays on the page");
    }
    await ctx.close();
    assert.deepEqual(problems, [], label(c));
  }
});

test("definitions appear only in the sense they define", async () => {
  const { ctx, problems } = await context(CONFIGS[0]);
  const page = await ctx.newPage();
  await page.goto(fileUrl(site, `${CLIENT}/index.html`));
  const calm = page.locator("#start-here li", { hasText: "Stay calm" });
  assert.equal(await calm.locator(".term").count(), 0, "no definition of wipe in 'do not switch off, wipe or delete'");
  await page.goto(fileUrl(site, `${CLIENT}/phishing/containment/index.html`));
  const fake = page.locator("main li", { hasText: "fake website" });
  assert.equal(await fake.locator(".term a[href$='#term-website']").count(), 0, "a fake website is not your business's pages");
  await page.goto(fileUrl(site, `${CLIENT}/lost-device/containment/index.html`));
  assert.equal(await page.locator(".term a[href$='#term-remote-wipe']").count(), 1, "wiping a lost phone is explained");
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("print: the whole handbook is a binder with a cover, Start here, contacts, contents and upright definitions", async () => {
  const { ctx, problems } = await context(CONFIGS[2]);
  const page = await ctx.newPage();
  await page.goto(fileUrl(site, `${CLIENT}/print/index.html`));
  await page.emulateMedia({ media: "print" });
  const layout = await page.evaluate(() => {
    const cover = document.querySelector(".cover");
    const contents = document.querySelector(".print-contents");
    const first = document.querySelector(".print-runbook");
    const rules = (sheet) => {
      try { return [...sheet.cssRules]; } catch (e) { return []; }
    };
    const pageRule = [...document.styleSheets].flatMap(rules).flatMap((r) => (r.cssRules ? [...r.cssRules] : [r])).find((r) => r instanceof CSSPageRule);
    const term = document.querySelector(".term > span");
    return {
      order: cover.compareDocumentPosition(contents) & Node.DOCUMENT_POSITION_FOLLOWING && contents.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING,
      cover: cover.innerText,
      coverBreak: getComputedStyle(cover).breakAfter,
      contentsBreak: getComputedStyle(contents).breakAfter,
      contents: [...contents.querySelectorAll("li a")].map((a) => a.getAttribute("href")),
      runbooks: [...document.querySelectorAll(".print-runbook > .print-opening > h2")].map((h) => `#${h.id}`),
      opening: getComputedStyle(document.querySelector(".print-opening")).breakAfter,
      firstPhase: getComputedStyle(document.querySelector(".print-phase-first")).breakBefore,
      margin: pageRule ? pageRule.style.margin : null,
      termStyle: term ? getComputedStyle(term).fontStyle : "none",
    };
  });
  assert.ok(layout.order, "cover, then contents, then the run books");
  assert.match(layout.cover, /Start here/);
  assert.match(layout.cover, /Stay calm/);
  assert.match(layout.cover, /Who to call/);
  assert.match(layout.cover, /\+44 20 7946 0100/);
  assert.equal(layout.coverBreak, "page");
  assert.equal(layout.contentsBreak, "page");
  assert.deepEqual(layout.contents, layout.runbooks, "the contents list every run book, in order");
  assert.equal(layout.opening, "avoid", "an introduction keeps with its first phase");
  assert.equal(layout.firstPhase, "avoid");
  // (file:// pages may not read their own rules: then read the sheet itself.)
  const css = readFileSync(join(site, CLIENT, "assets/print.css"), "utf8");
  assert.match(layout.margin ?? css.match(/@page \{ margin: ([^;]+);/)?.[1] ?? "", /mm/, "page margins are set");
  assert.equal(layout.termStyle, "normal", "definitions are not italic mid-step");
  const pdf = (await page.pdf({ format: "A4" })).toString("latin1");
  const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 2 + layout.runbooks.length * 6, `${pages} pages`);
  await ctx.close();
  assert.deepEqual(problems, []);
});

/**
 * Taps and scrolls on a phone from the home page to the first action of a
 * crisis: on each page, scroll until the target is in view (one scroll = one
 * screen less 40 px), then tap it; the last target is the first action.
 */
async function journey(page, height, steps) {
  let taps = 0;
  const scrolls = [];
  for (const [i, { url, target }] of steps.entries()) {
    await page.goto(url);
    const el = page.locator(target).first();
    await el.waitFor();
    const box = await el.evaluate((e) => { const r = e.getBoundingClientRect(); return { y: r.top + window.scrollY, h: r.height }; });
    const bottom = box.y + Math.min(box.h, 60);
    scrolls.push(bottom > height ? Math.ceil((bottom - height) / (height - 40)) : 0);
    if (i < steps.length - 1) taps += 1;
  }
  return { taps, scrolls, total: scrolls.reduce((a, b) => a + b, 0) };
}

/**
 * The sample built with the home and overview templates and stylesheet of
 * the handbook before issue 18 (as a theme), for the "before" numbers.
 */
function buildBefore() {
  const dir = mkdtempSync(join(tmpdir(), "runbook-crisis-before-"));
  const src = join(dir, "runbooks");
  cpSync(join(repo, "runbooks"), src, { recursive: true });
  const theme = join(dir, "themes", "before");
  cpSync(join(repo, "tests/browser/fixtures/before-issue-18"), theme, { recursive: true });
  const handbook = join(src, "handbook.yaml");
  writeFileSync(handbook, readFileSync(handbook, "utf8").replace("language: en\n", "language: en\ntheme: before\n"));
  return buildSite(src);
}

test("three crises on a phone: taps and scrolls from the home page to the first action, before and after", async (t) => {
  const { ctx, problems } = await context(CONFIGS[0]);
  const page = await ctx.newPage();
  const old = buildBefore();
  const crises = [
    ["a pop-up says my files are encrypted", "ransomware"],
    ["I think I gave my password to a fake website", "phishing"],
    ["our website looks hacked", "website-defacement"],
  ];
  const height = CONFIGS[0].height;
  for (const [crisis, slug] of crises) {
    // Before: the run book by its title, its Identification phase, the reader's first step there.
    const was = await journey(page, height, [
      { url: fileUrl(old, `${CLIENT}/index.html`), target: `.runbook-card a[href$='${slug}/index.html']` },
      { url: fileUrl(old, `${CLIENT}/${slug}/index.html`), target: ".phase-card a[href='identification/index.html']" },
      { url: fileUrl(old, `${CLIENT}/${slug}/identification/index.html`), target: "main [data-step][data-lead=client], main [data-step][data-lead=shared]" },
    ]);
    // Now: the run book by what the reader sees, then "Do this now".
    const now = await journey(page, height, [
      { url: fileUrl(site, `${CLIENT}/index.html`), target: `.runbook-card a[href$='${slug}/index.html']` },
      { url: fileUrl(site, `${CLIENT}/${slug}/index.html`), target: ".do-now .first-steps a" },
    ]);
    const call = await page.locator(".do-now a.call-now").boundingBox();
    t.diagnostic(`${crisis}: before ${was.taps} taps and ${was.total} scrolls (${was.scrolls.join(" + ")}); now ${now.taps} tap and ${now.total} scrolls (${now.scrolls.join(" + ")}); the number: on the home page's first screen, and at ${Math.round(call.y)} px on the overview`);
    assert.ok(now.taps < was.taps, `${crisis}: fewer taps`);
    assert.ok(now.total <= was.total, `${crisis}: no more scrolls`);
    assert.ok(call.y + call.height <= height, "the number is in the overview's first screen");
  }
  await ctx.close();
  assert.deepEqual(problems, []);
});
