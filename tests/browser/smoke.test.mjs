// The bundled site opens in a real browser under a sub-path, its
// stylesheet applies, and its links lead to pages that exist.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { buildSite, serve, launch, repo } from "./lib.mjs";

let server, browser;
before(async () => {
  const out = buildSite(repo, ["--base-url", "https://example.org/ai-claims/"]);
  server = await serve(out, "/ai-claims/");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the home page renders with its stylesheet under a sub-path", async () => {
  const page = await browser.newPage();
  const response = await page.goto(server.url);
  assert.equal(response.status(), 200);
  const background = await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")).borderBottomStyle);
  assert.equal(background, "solid", "the theme's stylesheet is loaded");
  await page.click("nav[aria-label] >> text=Topics");
  assert.match(page.url(), /\/ai-claims\/topics\/$/);
  assert.ok((await page.locator("h1").textContent()).length > 0);
  await page.close();
});
