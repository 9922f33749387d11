// A search result that opens at a step shows that step's own badge: a
// `[SOC]` step in a phase the client leads reads "Our SOC team", not the
// phase's "Your team" (issue 17).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildSite, fileUrl, launch, guard, repo } from "./lib.mjs";

let site, context, watched;

before(async () => {
  site = buildSite(join(repo, "tests/fixtures/steps/runbooks"));
  context = await launch();
  watched = await guard(context);
});

after(async () => {
  await context?.close();
});

async function firstHit(page, query) {
  const box = page.locator('input[type="search"]');
  await box.fill("");
  await box.pressSequentially(query, { delay: 5 });
  await page.waitForFunction(
    (q) => (document.querySelector("[data-search-status]")?.textContent || "").includes(`\u201c${q}\u201d`),
    query,
  );
  const hit = page.locator("[data-search-results] li").first();
  return {
    link: await hit.locator("a").getAttribute("href"),
    text: await hit.locator("a").innerText(),
    lead: await hit.locator("[data-lead]").getAttribute("data-lead"),
    badge: await hit.locator("[data-lead]").innerText(),
  };
}

test("a hit on a [SOC] step in a client-led phase shows Our SOC team", async () => {
  const page = await context.newPage();
  await page.goto(fileUrl(site, "delta/index.html"));
  let hit = await firstHit(page, "lock distance");
  assert.match(hit.text, /Lost laptop: Containment/);
  assert.match(hit.link, /containment\/index\.html.*#step-1$/);
  assert.equal(hit.lead, "soc");
  assert.match(hit.badge, /^Our SOC team/);
  // An unmarked step in the same phase follows the phase: the client here.
  hit = await firstHit(page, "delete account");
  assert.match(hit.link, /#step-2$/);
  assert.equal(hit.lead, "client");
  assert.match(hit.badge, /^Your team/);
  // A hit on a phase's text (no step) keeps the phase's badge.
  hit = await firstHit(page, "talk over");
  assert.match(hit.text, /Lessons Learned/);
  assert.equal(hit.lead, "shared");
  await page.close();
  assert.deepEqual(watched.errors, []);
  assert.deepEqual(watched.external, []);
});
