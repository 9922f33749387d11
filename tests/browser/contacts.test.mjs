// Contact details on a phone: a long email address wraps after "@" (or not
// at all), never inside its domain or its local part, on the home page,
// the print cover and inline contact cards, from 360 to 390 px wide.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildSite, fileUrl, launchBrowser, repo } from "./lib.mjs";

const EMAIL = "very.long.name@subdomain.example-company.co.uk";
const PAGES = ["globex/index.html", "globex/print/index.html", "globex/wording/preparation/index.html"];
let site, browser;

before(async () => {
  site = buildSite(join(repo, "tests/fixtures/contacts/runbooks"));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/**
 * For every link to EMAIL on the page: the line (top of its box) each
 * character sits on, found per character with a Range, so the check does
 * not depend on the markup.
 */
async function emailLines(page) {
  return page.evaluate((email) => {
    const out = [];
    for (const a of document.querySelectorAll(`a[href="mailto:${email}"]`)) {
      const chars = [];
      const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          chars.push({ ch: node.data[i], top: Math.round(rect.top), right: rect.right });
        }
      }
      out.push({ text: chars.map((c) => c.ch).join(""), chars, width: document.documentElement.clientWidth });
    }
    return out;
  }, EMAIL);
}

for (const width of [360, 375, 390]) {
  test(`a long email breaks only after "@" at ${width} px`, async () => {
    const ctx = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    let wrapped = 0;
    for (const path of PAGES) {
      await page.goto(fileUrl(site, path));
      const links = await emailLines(page);
      assert.ok(links.length >= 1, `${path}: the email is shown as a link`);
      for (const { text, chars, width: viewport } of links) {
        assert.equal(text, EMAIL, `${path}: the link reads the address`);
        const at = text.indexOf("@");
        const lines = (from, to) => new Set(chars.slice(from, to).map((c) => c.top)).size;
        assert.equal(lines(0, at + 1), 1, `${path} at ${width}px: "${text.slice(0, at + 1)}" is on one line`);
        assert.equal(lines(at + 1), 1, `${path} at ${width}px: "${text.slice(at + 1)}" is on one line`);
        if (lines(0) > 1) wrapped++;
        for (const c of chars) assert.ok(c.right <= viewport + 0.5, `${path}: "${c.ch}" is inside the screen`);
      }
    }
    // The fixture's address is too long for one line on a 360 px card.
    if (width === 360) assert.ok(wrapped >= 1, "the address wraps after @ somewhere");
    await ctx.close();
  });
}
