// The changes page (issue 20): Meridian Freight approved an older commit of
// the sample, so its edition has `changes/index.html`. From file:// the home
// page links to it; reworded words are marked; the page passes axe in light
// and dark at phone and desktop widths; nothing SOC-only or from another
// client is on it; nothing loads from another host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { buildSite, fileUrl, launch, guard, assertNoAxeViolations, repo } from "./lib.mjs";

// The approved commit is in a full clone of main; a shallow clone or an
// exported copy has no history to compare with (RB041/RB042 warnings, no
// page): then only the last test applies, the other way round.
const APPROVED = "b1b40faee4779f89405e6ae86bee3cc231a45e4f";
const history =
  !existsSync(join(repo, ".git", "shallow")) &&
  spawnSync("git", ["cat-file", "-e", `${APPROVED}^{commit}`], { cwd: repo }).status === 0;

let site, context, watched;

before(async () => {
  site = buildSite();
  context = await launch();
  watched = await guard(context);
});

after(async () => {
  await context?.close();
});

test("the home page links to what changed since the approval", { skip: !history && "no git history in this checkout" }, async () => {
  const page = await context.newPage();
  await page.goto(fileUrl(site, "meridian-freight/index.html"));
  const approved = page.locator("main .approved");
  assert.match(await approved.innerText(), /^Approved by Declan Morrow, IT lead on 30 November 2026\./);
  await approved.getByRole("link").click();
  await page.waitForURL(/meridian-freight\/changes\/index\.html$/);
  assert.equal(await page.locator("main").getAttribute("data-page"), "changes");
  // The reworded step: removed words struck through, new ones underlined.
  const reworded = page.locator("li[data-change=reworded]").first();
  assert.match(await reworded.locator("del").first().innerText(), /computer from the network/);
  assert.match(await reworded.locator("ins").first().innerText(), /Wi-Fi/);
  assert.equal(await page.locator("del").first().evaluate((e) => getComputedStyle(e).textDecorationLine), "line-through");
  // The SOC-only purge step changed too, and never shows here.
  const text = await page.locator("main").innerText();
  assert.doesNotMatch(text, /HardDelete|ComplianceSearch/);
  await page.close();
  assert.deepEqual(watched.external, []);
  assert.deepEqual(watched.errors, []);
});

test("the changes page passes axe in both schemes at both widths", { skip: !history && "no git history in this checkout" }, async () => {
  const page = await context.newPage();
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ media: "screen", colorScheme });
      await page.goto(fileUrl(site, "meridian-freight/changes/index.html"));
      await assertNoAxeViolations(page, `changes ${colorScheme} ${width}`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(sideways, false, `no sideways scroll at ${width}`);
    }
  }
  await page.close();
});

test("only the approving client's edition has the page", () => {
  assert.equal(existsSync(join(site, "meridian-freight/changes/index.html")), history);
  for (const edition of ["alder-finch", "harbourview-dental", "soc"]) {
    assert.ok(!existsSync(join(site, edition, "changes/index.html")), edition);
  }
});
