// The reading experience in a real browser: checklists that keep their ticks
// per edition and page, glossary definitions in place by keyboard and by
// tap, and the print layout (emulated print media and a real PDF).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildSite, fileUrl, serveStatic, launchBrowser } from "./lib.mjs";

let site, server, browser;
const PAGE = "phishing/preparation/index.html";

before(async () => {
  site = buildSite();
  server = await serveStatic(site);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context whose console errors and outside requests are collected. */
async function context(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 800 }, ...options });
  const problems = [];
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === "file:" || u.hostname === "127.0.0.1") return route.continue();
    problems.push(`request to ${u.href}`);
    return route.abort();
  });
  ctx.on("page", (p) => {
    p.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    p.on("pageerror", (e) => problems.push(e.message));
  });
  return { ctx, problems };
}

test("checklist ticks persist per edition and page, and clear", async () => {
  const { ctx, problems } = await context();
  const page = await ctx.newPage();
  const url = (edition, path = PAGE) => fileUrl(site, `${edition}/${path}`);
  await page.goto(url("harbourview-dental"));
  const boxes = page.getByRole("checkbox");
  const count = await boxes.count();
  assert.ok(count >= 2, `the page has checklist boxes (${count})`);
  for (let i = 0; i < count; i++) {
    const name = await boxes.nth(i).evaluate((b) => b.labels?.[0]?.textContent || b.getAttribute("aria-label") || "");
    assert.ok(name.trim().length > 5, `box ${i} has a label: "${name}"`);
  }
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.reload();
  assert.equal(await boxes.nth(0).isChecked(), true, "first tick kept after reload");
  assert.equal(await boxes.nth(1).isChecked(), true, "second tick kept after reload");

  // Another edition's copy of the same page, and another page, keep their own.
  await page.goto(url("alder-finch"));
  assert.equal(await page.getByRole("checkbox").first().isChecked(), false, "other edition unticked");
  await page.goto(url("harbourview-dental", "phishing/print/index.html"));
  const printBoxes = page.getByRole("checkbox");
  assert.ok((await printBoxes.count()) > count, "the print page shows every box of the run book");
  assert.equal(await printBoxes.first().isChecked(), false, "other page unticked");
  assert.ok(await page.getByRole("button", { name: /clear ticks/i }).isVisible(), "print page can clear its ticks too");

  // The visible clear control unticks the page and forgets it.
  await page.goto(url("harbourview-dental"));
  const clear = page.getByRole("button", { name: /clear ticks/i });
  assert.ok(await clear.isVisible(), "clear control is visible");
  const box = await clear.boundingBox();
  assert.ok(box.height >= 24 && box.width >= 24, "clear control is a large enough target");
  await clear.click();
  assert.equal(await boxes.nth(0).isChecked(), false, "cleared at once");
  await page.reload();
  assert.equal(await boxes.nth(0).isChecked(), false, "still clear after reload");
  assert.equal(await boxes.nth(1).isChecked(), false, "all of them");
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("without JavaScript the steps still show as boxes; printed, they are empty boxes", async () => {
  const { ctx } = await context({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(fileUrl(site, `meridian-freight/${PAGE}`));
  const boxes = page.getByRole("checkbox");
  assert.ok((await boxes.count()) > 0);
  assert.ok(await boxes.first().isVisible(), "boxes show without JavaScript");
  assert.equal(await page.getByRole("button", { name: /clear ticks/i }).isVisible(), false, "no dead control without JavaScript");
  await boxes.first().check();
  await page.emulateMedia({ media: "print" });
  const printed = await boxes.first().evaluate((b) => {
    const s = getComputedStyle(b);
    return { appearance: s.appearance, border: s.borderTopStyle, visible: s.display !== "none" && s.visibility !== "hidden" };
  });
  assert.deepEqual(printed, { appearance: "none", border: "solid", visible: true }, "an empty drawn box on paper, ticked or not");
  await ctx.close();
});

test("a glossary term's definition opens by keyboard, closes with Escape, and links to the glossary", async () => {
  const { ctx, problems } = await context({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/meridian-freight/phishing/containment/index.html`);
  const terms = page.locator("main .term");
  assert.ok((await terms.count()) >= 2, "terms are marked");
  const words = (await page.locator("main .term > a").allInnerTexts()).map((w) => w.toLowerCase());
  assert.equal(new Set(words).size, words.length, "each term is marked once per page");
  const first = terms.first();
  const tip = first.locator('[role="tooltip"]');
  assert.equal(await tip.isVisible(), false, "closed until asked");

  // Reach the first term with the Tab key alone.
  let focused = false;
  for (let i = 0; i < 60 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await first.locator("a").evaluate((a) => a === document.activeElement);
  }
  assert.ok(focused, "the term is reachable by Tab");
  assert.ok(await tip.isVisible(), "focus opens the definition");
  const describedBy = await first.locator("a").getAttribute("aria-describedby");
  assert.equal(await tip.getAttribute("id"), describedBy, "the definition is the link's description");
  const definition = (await tip.innerText()).trim();
  assert.ok(definition.length > 10, definition);
  const inside = await tip.evaluate((t) => {
    const r = t.getBoundingClientRect();
    return r.left >= 0 && r.right <= document.documentElement.clientWidth;
  });
  assert.ok(inside, "the definition stays on screen");

  await page.keyboard.press("Escape");
  assert.equal(await tip.isVisible(), false, "Escape closes it");
  assert.ok(await first.locator("a").evaluate((a) => a === document.activeElement), "focus stays on the term");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  assert.ok(await tip.isVisible(), "opens again on the next focus");

  // Enter follows the link to the term's glossary entry, with the same words.
  await page.keyboard.press("Enter");
  await page.waitForURL(/glossary\/index\.html#term-/);
  const hash = new URL(page.url()).hash.slice(1);
  const entry = page.locator(`[id="${hash}"] + dd`);
  assert.ok((await entry.innerText()).startsWith(definition), "the glossary says the same");
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("a tap opens a glossary definition in place; a second tap closes it", async () => {
  const { ctx, problems } = await context({ hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  const url = fileUrl(site, "meridian-freight/phishing/containment/index.html");
  await page.goto(url);
  const term = page.locator("main .term").first();
  await term.locator("a").tap();
  assert.ok(await term.locator('[role="tooltip"]').isVisible(), "tap opens the definition");
  assert.equal(page.url(), url, "and stays on the page");
  await page.locator("main h1").tap();
  assert.equal(await term.locator('[role="tooltip"]').isVisible(), false, "a tap elsewhere closes it");
  // A second tap closes it and stays on the page (issue 18): mid-incident,
  // a tap must not carry the reader away from the step.
  await term.locator("a").tap();
  assert.ok(await term.locator('[role="tooltip"]').isVisible(), "tap opens it again");
  await term.locator("a").tap();
  assert.equal(await term.locator('[role="tooltip"]').isVisible(), false, "a second tap closes it");
  assert.equal(page.url(), url, "and stays on the page");
  await ctx.close();
  assert.deepEqual(problems, []);
});

/** The computed print layout of a page. */
async function printLayout(page) {
  await page.emulateMedia({ media: "print" });
  return page.evaluate(() => {
    const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => getComputedStyle(e).display !== "none").length;
    return {
      // The header prints only as the SOC's number in words (issue 18).
      chrome: shown("nav, footer, .skip-link, form[role=search], .print-actions, .task-tools, .site-title, .search-toggle"),
      header: document.querySelector("header")?.innerText.trim() || "",
      phases: [...document.querySelectorAll(".print-phase")].map((s) => getComputedStyle(s).breakBefore),
      cover: document.querySelector(".cover")?.innerText || "",
      tel: [...document.querySelectorAll(".cover a[href^='tel:']")].length,
    };
  });
}

test("print: the run book's print page has a cover, no navigation and each phase on a new page", async () => {
  const { ctx, problems } = await context({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/meridian-freight/ransomware/print/index.html`);
  assert.ok(await page.getByRole("button", { name: "Print" }).isVisible(), "a visible Print button on screen");
  const layout = await printLayout(page);
  assert.equal(layout.chrome, 0, "no navigation chrome on paper");
  assert.match(layout.header, /^Call for help\s+24\/7 SOC line:\s+\+44 20 7946 0100$/, "the number, in words");
  // The first phase keeps with the title and introduction (issue 18).
  assert.deepEqual(layout.phases, ["avoid", ...Array(5).fill("page")], "the other phases each start a page");
  assert.match(layout.cover, /Meridian Freight Ltd/, "cover names the client");
  assert.match(layout.cover, /Sources dated 1 January 2026/, "cover dates the sources");
  assert.match(layout.cover, /\+44 20 7946 0100/, "cover has the SOC line");
  assert.ok(layout.tel >= 2, "contacts on the cover");
  const badges = await page.locator(".print-phase [data-lead]").evaluateAll((bs) =>
    bs.map((b) => ({ text: b.innerText, colour: getComputedStyle(b).color, border: getComputedStyle(b).borderTopStyle })),
  );
  assert.ok(badges.length >= 6);
  for (const b of badges) {
    assert.match(b.text, /Our SOC team|Your team|Together/, "badges say who in words");
    assert.equal(b.colour, "rgb(0, 0, 0)", "black on white");
    assert.equal(b.border, "solid", "outlined, so they read without colour");
  }
  // A real PDF: the cover, then at least one page per phase.
  const pdf = (await page.pdf({ format: "A4" })).toString("latin1");
  const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 7, `cover and six phases on their own pages: ${pages} pages`);
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("print: the whole handbook and an ordinary phase page print without navigation", async () => {
  const { ctx, problems } = await context({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/harbourview-dental/print/index.html`);
  const runbooks = await page.locator(".print-runbook").count();
  const layout = await printLayout(page);
  assert.equal(layout.chrome, 0);
  assert.equal(layout.phases.length, runbooks * 6);
  assert.ok(layout.phases.every((b, i) => b === (i % 6 === 0 ? "avoid" : "page")), "every phase but a run book's first starts a page");
  assert.match(layout.cover, /Harbourview Dental/);
  await page.goto(`${server.url}/harbourview-dental/phishing/containment/index.html`);
  const phase = await printLayout(page);
  assert.equal(phase.chrome, 0, "a phase page prints its content only");
  // A link to another site prints its address; tel: and in-handbook links do not.
  const after = await page.evaluate(() =>
    [...document.querySelectorAll("main a")].map((a) => [a.getAttribute("href"), getComputedStyle(a, "::after").content]),
  );
  for (const [href, content] of after) {
    if (/^https?:/.test(href)) assert.ok(content.includes(href), `${href} printed`);
    else assert.ok(content === "none" || content === "normal" || content === '""', `${href}: ${content}`);
  }
  await ctx.close();
  assert.deepEqual(problems, []);
});
