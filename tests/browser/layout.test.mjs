// Issue 18 ("Crisis first"), items 1, 4, 5 and 9, in headless Chromium at
// 390 px and 1,280 px, light and dark: the compact header that stays in view
// with the SOC's number one tap away on every kind of page (and written out
// on paper), the search control with and without JavaScript, the phase
// stepper in one row, logos at a legible size, the side navigation on
// desktops only, and a 404 page that still helps when a web host serves it
// for a missing deep address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { deflateSync } from "node:zlib";
import { buildSite, fileUrl, htmlFiles, launchBrowser, repo, assertNoAxeViolations } from "./lib.mjs";

const CLIENT = "meridian-freight";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SCHEMES = ["light", "dark"];
// One page of every kind a reader can land on.
const KINDS = [
  "index.html",
  "ransomware/index.html",
  "ransomware/containment/index.html",
  "ransomware/print/index.html",
  "phases/containment/index.html",
  "glossary/index.html",
  "search/index.html",
  "print/index.html",
  "404.html",
];

let site, logoSite, browser;

/** A PNG of `w`×`h` pixels in one colour, made here so the test needs no image file. */
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x40)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * Serves `root` on loopback as a static host does: a missing address gets
 * the 404.html of the edition folder `notFound(path)` names, with status 404
 * (default: the path's first folder, editions side by side).
 */
function host(root, notFound = (path) => path.split("/")[1]) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (existsSync(file)) {
      const type = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".png": "image/png" }[extname(file)];
      res.writeHead(200, { "content-type": `${type || "application/octet-stream"}; charset=utf-8` });
      return res.end(readFileSync(file));
    }
    const page = join(root, notFound(path), "404.html");
    if (!existsSync(page)) return res.writeHead(404).end();
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(readFileSync(page));
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((c) => server.close(c)) }),
    ),
  );
}

before(async () => {
  site = buildSite();
  // The sample with a wide logo (240×80) for one client.
  const src = join(mkdtempSync(join(tmpdir(), "runbook-logo-")), "runbooks");
  cpSync(join(repo, "runbooks"), src, { recursive: true });
  writeFileSync(join(src, "clients", "wide.png"), png(240, 80));
  const client = join(src, "clients", `${CLIENT}.yaml`);
  writeFileSync(client, readFileSync(client, "utf8").replace(/^logo:.*\n/m, "") + "logo: wide.png\n");
  logoSite = buildSite(src);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function open(viewport, scheme, path, root = site, options = {}) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(path.startsWith("http") ? path : fileUrl(root, path));
  return { context, page, errors };
}

test("every page of every edition has the SOC's number one tap away in its header", () => {
  const pages = htmlFiles(site);
  assert.ok(pages.length > 300, `${pages.length} pages`);
  for (const path of pages) {
    const text = readFileSync(join(site, path), "utf8");
    const header = text.slice(text.indexOf('<header class="site-header">'), text.indexOf("</header>"));
    assert.match(header, /<a class="call-soc" href="tel:\+442079460100">/, path);
    assert.match(header, /\+44 20 7946 0100/, `${path}: the number is written out too`);
  }
});

test("the header is at most 64 px tall on a phone and stays in view while scrolling, on every kind of page", async () => {
  for (const scheme of SCHEMES) {
    for (const kind of KINDS) {
      const { context, page, errors } = await open(PHONE, scheme, `${CLIENT}/${kind}`);
      const header = page.locator(".site-header");
      const box = await header.boundingBox();
      assert.ok(box.height <= 64, `${kind}: header ${box.height} px`);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const scrolled = await page.evaluate(() => [window.scrollY, document.querySelector(".site-header").getBoundingClientRect().top]);
      assert.equal(scrolled[1], 0, `${kind} (${scheme}): header at the top after scrolling to ${scrolled[0]}`);
      const call = page.locator(".site-header a.call-soc");
      assert.ok(await call.isVisible(), kind);
      const tap = await call.boundingBox();
      assert.ok(tap.height >= 44 && tap.y >= 0 && tap.y + tap.height <= 64, `${kind}: call button ${JSON.stringify(tap)}`);
      assert.match(await call.innerText(), /^Call for help\s[\s\S]*\+44 20 7946 0100$/);
      assert.equal(await call.getAttribute("href"), "tel:+442079460100");
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= PHONE.width, `${kind}: no sideways scrolling (${wide})`);
      assert.deepEqual(errors, [], kind);
      await context.close();
    }
  }
});

test("on paper every page writes the number out", async () => {
  for (const kind of KINDS) {
    const { context, page } = await open(DESKTOP, "light", `${CLIENT}/${kind}`);
    await page.emulateMedia({ media: "print" });
    const call = page.locator(".site-header .call-soc");
    assert.ok(await call.isVisible(), kind);
    assert.match(await call.innerText(), /24\/7 SOC line:\s*\+44 20 7946 0100/, kind);
    assert.equal(await page.locator(".search-toggle, .site-search").first().isVisible(), false, `${kind}: no search on paper`);
    await context.close();
  }
});

test("the search control opens the box in place with JavaScript, and is a link to the search page without", async () => {
  for (const scheme of SCHEMES) {
    const { context, page } = await open(PHONE, scheme, `${CLIENT}/ransomware/containment/index.html`);
    const loaded = [];
    page.on("request", (r) => loaded.push(r.url()));
    const box = page.locator("#site-search-input");
    assert.equal(await box.isVisible(), false, "closed at first");
    const toggle = page.getByRole("button", { name: "Search" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    assert.ok(await box.isVisible());
    assert.ok(await box.evaluate((el) => el === document.activeElement), "the box has focus");
    await box.pressSequentially("encrypted", { delay: 5 });
    await page.waitForFunction(() => document.querySelectorAll("[data-search-results] a").length > 0);
    assert.ok(loaded.some((u) => u.endsWith("assets/search.js")), "search.js came when the box opened");
    assert.ok(loaded.some((u) => u.endsWith("assets/search.css")));
    const panel = await page.locator(".search-panel").boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= PHONE.width, JSON.stringify(panel));
    await assertNoAxeViolations(page, `${scheme}: phone search open`);
    await context.close();
  }
  // Without JavaScript: a link to the search page, which lists every run book.
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(fileUrl(site, `${CLIENT}/ransomware/containment/index.html`));
  const link = page.getByRole("link", { name: "Search" });
  assert.ok(await link.isVisible());
  await link.click();
  assert.match(page.url(), /\/search\/index\.html$/);
  assert.ok(await page.locator('.search-browse a[href="../ransomware/index.html"]').isVisible());
  await context.close();
});

test("a plain page view loads no search code; the desktop box loads it when focused", async () => {
  const { context, page } = await open(DESKTOP, "light", `${CLIENT}/glossary/index.html`);
  const loaded = [];
  page.on("request", (r) => loaded.push(r.url()));
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src));
  assert.ok(!scripts.some((s) => /search(-engine|-index)?\.js$/.test(s)), scripts.join(" "));
  const box = page.locator("#site-search-input");
  assert.ok(await box.isVisible(), "the box is in the header on a desktop");
  assert.equal(await page.locator(".search-toggle").isVisible(), false);
  await box.focus();
  await page.waitForFunction(() => !!window.RUNBOOK_SEARCH_INDEX);
  assert.ok(loaded.some((u) => u.endsWith("assets/search.js")));
  await context.close();
});

test("the phase stepper is one row of readable words on a phone", async () => {
  // Eradication is the widest word, and the current phase's tab is filled.
  for (const path of ["ransomware/eradication/index.html", "phases/eradication/index.html"]) {
    for (const scheme of SCHEMES) {
      const { context, page } = await open(PHONE, scheme, `${CLIENT}/${path}`);
      const tabs = await page.locator(".phase-tabs a").evaluateAll((links) =>
        links.map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.innerText.replace(/\s+/g, " ").trim(), top: r.top, right: r.right, fits: a.scrollWidth <= a.clientWidth + 1, size: parseFloat(getComputedStyle(a).fontSize) };
        }),
      );
      assert.deepEqual(tabs.map((t) => t.text), ["1 Prepare", "2 Identify", "3 Contain", "4 Eradicate", "5 Recover", "6 Learn"]);
      assert.equal(new Set(tabs.map((t) => t.top)).size, 1, `${path}: one row ${JSON.stringify(tabs)}`);
      for (const t of tabs) {
        assert.ok(t.fits, `${path}: "${t.text}" is not cut`);
        assert.ok(t.right <= PHONE.width, `${path}: "${t.text}" is on the screen`);
        assert.ok(t.size >= 12, `${path}: "${t.text}" at ${t.size} px`);
      }
      assert.equal(await page.locator('.phase-tabs a[aria-current="page"]').count(), 1);
      await context.close();
    }
  }
});

test("a 240 × 80 logo keeps its shape at a legible height", async () => {
  for (const viewport of [PHONE, DESKTOP]) {
    const { context, page } = await open(viewport, "light", `${CLIENT}/index.html`, logoSite);
    const logo = page.locator(".site-header img.logo");
    await logo.evaluate((img) => img.decode());
    const size = await logo.evaluate((img) => ({ w: img.getBoundingClientRect().width, h: img.getBoundingClientRect().height, nw: img.naturalWidth, nh: img.naturalHeight }));
    assert.deepEqual([size.nw, size.nh], [240, 80]);
    assert.ok(size.h >= 32, `${viewport.width}: ${size.h} px high`);
    // The box may add padding; the picture inside keeps 3:1.
    const inner = await logo.evaluate((img) => {
      const s = getComputedStyle(img);
      return { fit: s.objectFit, w: img.clientWidth - 2 * parseFloat(s.paddingLeft), h: img.clientHeight - 2 * parseFloat(s.paddingTop) };
    });
    assert.ok(inner.fit === "contain" || Math.abs(inner.w / inner.h - 3) < 0.1, JSON.stringify(inner));
    const header = await page.locator(".site-header").boundingBox();
    if (viewport === PHONE) assert.ok(header.height <= 64, `header ${header.height} px with a logo`);
    await context.close();
  }
});

test("from 1,024 px a side navigation lists this run book's phases and every run book; phones do not get it", async () => {
  for (const scheme of SCHEMES) {
    for (const width of [1024, 1280]) {
      const { context, page } = await open({ width, height: 900 }, scheme, `${CLIENT}/ransomware/containment/index.html`);
      const nav = page.getByRole("navigation", { name: "Run books" });
      assert.ok(await nav.isVisible(), `${width}`);
      const phases = await nav.locator("ol a").allInnerTexts();
      assert.deepEqual(phases, ["Preparation", "Identification", "Containment", "Eradication", "Recovery", "Lessons Learned"]);
      assert.equal(await nav.locator('ol a[aria-current="page"]').innerText(), "Containment");
      const runbooks = await nav.locator("ul a").allInnerTexts();
      assert.ok(runbooks.includes("Phishing email") && runbooks.length >= 10, runbooks.join(", "));
      const side = await nav.boundingBox();
      const main = await page.locator("main").boundingBox();
      assert.ok(side.x + side.width <= main.x, "beside the page, not over it");
      // The page uses the width: side navigation and main span most of the window.
      const used = (main.x + main.width - side.x) / width;
      assert.ok(used > 0.85, `${width}: ${Math.round(used * 100)} % of the width used`);
      // Lines of text stay readable: at most about 80 characters.
      const line = await page.locator("main .phase-description").evaluate((p) => p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize));
      assert.ok(line <= 42, `a line is ${line} em`);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      assert.ok(await nav.locator("ol").isVisible(), "the navigation stays in view");
      await assertNoAxeViolations(page, `${scheme} ${width}: side navigation`);
      await context.close();
    }
    const { context, page } = await open(PHONE, scheme, `${CLIENT}/ransomware/containment/index.html`);
    assert.equal(await page.getByRole("navigation", { name: "Run books" }).isVisible(), false);
    await context.close();
  }
});

test("the search help about arrow keys is not shown on touch screens", async () => {
  const touch = await open(PHONE, "light", `${CLIENT}/search/index.html`, site, { hasTouch: true, isMobile: true });
  assert.equal(await touch.page.locator(".search-help").isVisible(), false);
  await touch.context.close();
  const mouse = await open(DESKTOP, "light", `${CLIENT}/search/index.html`);
  assert.match(await mouse.page.locator(".search-help").innerText(), /Arrow keys/);
  await mouse.context.close();
});

test("the 404 page served for a missing deep address is styled, calls the SOC and its links work", async () => {
  // The edition's folder under another name, deeper on the host.
  const renamed = mkdtempSync(join(tmpdir(), "runbook-host-"));
  cpSync(join(site, CLIENT), join(renamed, "handbooks", "meridian-2026"), { recursive: true });
  const setups = [
    // The site's folders as published: editions side by side.
    { server: await host(site), base: `/${CLIENT}` },
    // One edition at the top of its own host.
    { server: await host(join(site, CLIENT), () => ""), base: "" },
    // Renamed: the page finds the folder that holds the edition's assets.
    { server: await host(renamed, () => "handbooks/meridian-2026"), base: "/handbooks/meridian-2026" },
  ];
  try {
    for (const { server, base } of setups) {
      for (const scheme of SCHEMES) {
        for (const viewport of [PHONE, DESKTOP]) {
          const deep = `${server.url}${base}/ransomware/contianment/old/page.html`;
          const { context, page, errors } = await open(viewport, scheme, deep);
          const res = await page.evaluate(() => document.querySelector("main").dataset.page);
          assert.equal(res, "not-found");
          const header = page.locator(".site-header");
          assert.equal(await header.evaluate((h) => getComputedStyle(h).position), "sticky", `${deep}: styled`);
          assert.ok((await header.boundingBox()).height <= 64 || viewport === DESKTOP);
          assert.equal(await page.locator(".site-header .call-soc").getAttribute("href"), "tel:+442079460100");
          assert.equal(await page.locator("main a.call-now").getAttribute("href"), "tel:+442079460100");
          // The base is set at once, or once the nearest edition folder answers.
          await page.waitForFunction((b) => document.baseURI.endsWith(`${b}/`), base);
          const list = page.locator("main .not-found-list a");
          assert.ok((await list.count()) >= 10);
          await assertNoAxeViolations(page, `${scheme} ${viewport.width}: 404 at a deep address`);
          await Promise.all([page.waitForURL(`${server.url}${base}/ransomware/index.html`), list.getByText("Ransomware", { exact: true }).click()]);
          assert.equal(await page.locator("main").getAttribute("data-runbook"), "ransomware");
          await page.goto(deep);
          await Promise.all([page.waitForURL(`${server.url}${base}/index.html`), page.locator(".site-title").click()]);
          assert.equal(await page.locator("main").getAttribute("data-page"), "home");
          assert.deepEqual(errors, []);
          await context.close();
        }
      }
    }
  } finally {
    for (const { server } of setups) await server.close();
  }
});
