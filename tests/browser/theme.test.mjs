// A provider's theme in a real browser: custom.css setting one variable
// changes the colour of what uses it, and a client's brand colour still
// wins over the theme's (tests/fixtures/themed; docs/theming.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, fileUrl, launchBrowser, repo } from "./lib.mjs";

let themed, plain, browser;

before(async () => {
  const source = join(repo, "tests", "fixtures", "themed", "runbooks");
  themed = buildSite(source);
  // The same sources without `theme:`: the built-in look.
  const copy = join(mkdtempSync(join(tmpdir(), "runbook-unthemed-")), "runbooks");
  cpSync(source, copy, { recursive: true });
  const handbook = join(copy, "handbook.yaml");
  writeFileSync(handbook, readFileSync(handbook, "utf8").replace("theme: acme\n", ""));
  plain = buildSite(copy);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Computed styles of a few elements of a page, in the light scheme. */
async function styles(site, path) {
  const ctx = await browser.newContext({ colorScheme: "light" });
  const page = await ctx.newPage();
  await page.goto(fileUrl(site, path));
  const got = await page.evaluate(() => ({
    link: getComputedStyle(document.querySelector(".runbook-card > a")).color,
    band: getComputedStyle(document.querySelector(".site-header")).backgroundColor,
    font: getComputedStyle(document.body).fontFamily,
    footer: document.querySelector("footer").textContent.trim(),
  }));
  await ctx.close();
  return got;
}

test("custom.css restyles through the variables; the client's colour still wins", async () => {
  const before = await styles(plain, "acme/index.html");
  const after = await styles(themed, "acme/index.html");
  assert.equal(before.link, "rgb(29, 79, 145)", "built-in --accent");
  assert.equal(after.link, "rgb(11, 110, 79)", "--accent from custom.css");
  assert.equal(after.band, "rgb(11, 110, 79)", "--brand from custom.css for a client without colour");
  assert.match(after.font, /Georgia/, "--font from custom.css");
  assert.doesNotMatch(before.font, /Georgia/);
  assert.match(after.footer, /call us any time/, "the theme's footer block");

  // A client with `colour:` keeps its brand band over the theme's --brand.
  const brand = await styles(themed, "brand/index.html");
  assert.equal(brand.band, "rgb(122, 31, 92)", "the client's colour wins");
  assert.equal(brand.link, "rgb(122, 31, 92)", "and is the accent where it contrasts");
});
