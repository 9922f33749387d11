// Writes the README's screenshots from the bundled sample handbook with the
// tests' own browser: `node tests/browser/screenshots.mjs [OUT_DIR]`
// (default docs/screenshots). Build the binary first (`cargo build`).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSite, fileUrl, launchBrowser, repo } from "./lib.mjs";

const out = process.argv[2] || join(repo, "docs", "screenshots");
mkdirSync(out, { recursive: true });
const site = buildSite();
const browser = await launchBrowser();

const shots = [
  // A client's home page on a phone: call first, then what to do.
  { file: "home-phone.png", path: "meridian-freight/index.html", width: 390, height: 844, scheme: "light" },
  // A phase page on a desktop: who leads, step badges, a glossary term open.
  { file: "phase-desktop.png", path: "meridian-freight/ransomware/containment/index.html", width: 1280, height: 900, scheme: "light", term: true },
  // A run book overview in the dark scheme: the six phases at a glance.
  { file: "dark-overview.png", path: "harbourview-dental/phishing/index.html", width: 1280, height: 900, scheme: "dark" },
  // The SOC's alert lookup with an alert ID pasted in.
  { file: "alert-lookup.png", path: "soc/alerts/index.html", width: 1280, height: 800, scheme: "light", query: "EDR-RANSOM" },
  // ATT&CK coverage: techniques by tactic and the run books covering each.
  { file: "attack-coverage.png", path: "soc/attack/index.html", width: 1280, height: 900, scheme: "light" },
  // The first fifteen minutes, as printed on one A4 page (794 x 1123 CSS px).
  { file: "card-print.png", path: "meridian-freight/card/index.html", width: 794, height: 1123, scheme: "light", media: "print" },
  // What changed since a client approved the handbook: words marked, handovers, contacts.
  { file: "changes-desktop.png", path: "meridian-freight/changes/index.html", width: 1280, height: 900, scheme: "light" },
  // Issue 18: a phase page on a phone, scrolled: the compact header with the call button stays.
  { file: "layout-phone.png", path: "meridian-freight/ransomware/containment/index.html", width: 390, height: 844, scheme: "light", scroll: 420 },
  // Issue 18: the same page on a desktop: side navigation, stepper, the box in the header.
  { file: "layout-desktop.png", path: "meridian-freight/ransomware/containment/index.html", width: 1280, height: 900, scheme: "dark" },
  // Issue 18: the 404 page on a phone: call button and every run book.
  { file: "not-found-phone.png", path: "meridian-freight/404.html", width: 390, height: 844, scheme: "dark" },
];

for (const s of shots) {
  const context = await browser.newContext({ viewport: { width: s.width, height: s.height }, colorScheme: s.scheme });
  const page = await context.newPage();
  await page.goto(fileUrl(site, s.path));
  if (s.media) await page.emulateMedia({ media: s.media });
  if (s.query) {
    await page.locator("#lookup-input").fill(s.query);
    await page.waitForTimeout(200);
  }
  if (s.term) {
    // Open the first glossary term the way a keyboard user would.
    const term = page.locator("main .phase-body .term > a").first();
    await term.focus();
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  if (s.scroll) await page.evaluate((y) => window.scrollTo(0, y), s.scroll);
  await page.screenshot({ path: join(out, s.file) });
  await context.close();
  console.log(`wrote ${join(out, s.file)}`);
}
await browser.close();
