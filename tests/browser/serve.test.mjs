// `claimbase serve` in a real browser: an edit shows up without the test
// reloading the page, a CSS-only change swaps the stylesheet in place, and
// a broken edit shows an overlay over the last good page until it is fixed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, renameSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binary, launch, repo } from "./lib.mjs";

const claim = "claims/jobs-will-keep-growing.md";
let site, server, browser, url;

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  site = join(mkdtempSync(join(tmpdir(), "claimbase-serve-")), "site");
  cpSync(join(repo, "tests/fixtures/full"), site, { recursive: true });
  mkdirSync(join(site, "templates/assets"), { recursive: true });
  cpSync(join(repo, "templates/assets/style.css"), join(site, "templates/assets/style.css"));
  const port = await freePort();
  server = spawn(binary, ["--root", site, "serve", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      if (out.includes("Serving the site at")) resolve();
    });
    server.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  url = `http://127.0.0.1:${port}/`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** Saves like an editor that writes a temporary file and renames it. */
function save(rel, text) {
  const path = join(site, rel);
  writeFileSync(path + "___jb_tmp___", text);
  renameSync(path + "___jb_tmp___", path);
}

test("an edit appears in the open page without the test reloading it", async () => {
  const page = await browser.newPage();
  await page.goto(url + "claims/jobs-will-keep-growing/");
  await page.waitForFunction(() => window.EventSource && document.querySelector("script[data-events]"));
  await page.waitForTimeout(300);
  const original = readFileSync(join(site, claim), "utf8");
  save(claim, original.replace("Employment will keep growing despite AI.", "Employment will grow, say the live-reload tests."));
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("live-reload"), null, { timeout: 10000 });
  save(claim, original);
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("Employment will keep growing"), null, { timeout: 10000 });
  await page.close();
});

test("a CSS-only change swaps the stylesheet without a reload", async () => {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForTimeout(300);
  await page.evaluate(() => (window.__notReloaded = true));
  const css = join(site, "templates/assets/style.css");
  writeFileSync(css, readFileSync(css, "utf8") + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).outlineWidth === "7px", null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), true, "the page was not reloaded");
  await page.close();
});

test("a broken edit shows an overlay over the last good page until it is fixed", async () => {
  const page = await browser.newPage();
  await page.goto(url + "claims/jobs-will-keep-growing/");
  await page.waitForTimeout(300);
  const original = readFileSync(join(site, claim), "utf8");
  save(claim, original.replace("kind: statistic", "kind: statistc"));
  const overlay = page.locator("#claimbase-errors");
  await overlay.waitFor({ timeout: 10000 });
  const text = await overlay.textContent();
  assert.match(text, /claims\/jobs-will-keep-growing\.md:7:7/);
  assert.match(text, /statistc/);
  assert.match(await page.locator("h1").textContent(), /Employment will keep growing/, "the last good page stays");
  save(claim, original);
  await overlay.waitFor({ state: "detached", timeout: 10000 });
  await page.close();
});

test("only the open pages an edit changed reload, the timeline once its new version is out", async () => {
  const timeline = await browser.newPage();
  await timeline.goto(url + "timeline/");
  const other = await browser.newPage();
  await other.goto(url + "claims/cheaper-compute-speeds-automation/");
  await other.waitForTimeout(300);
  await other.evaluate(() => (window.__notReloaded = true));
  const original = readFileSync(join(site, claim), "utf8");
  save(claim, original.replace("Employment will keep growing despite AI.", "Employment will grow, says the timeline test."));
  await timeline.waitForFunction(() => document.querySelector("main")?.textContent.includes("says the timeline test"), null, { timeout: 10000 });
  assert.equal(await other.evaluate(() => window.__notReloaded), true, "a page the edit did not change was not reloaded");
  save(claim, original);
  await timeline.waitForFunction(() => document.querySelector("main")?.textContent.includes("Employment will keep growing"), null, { timeout: 10000 });
  await timeline.close();
  await other.close();
});
