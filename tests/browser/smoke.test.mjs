// The bundled site opens in a real browser under a sub-path, its
// stylesheet applies, and its links lead to pages that exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBundledSite } from "./lib.mjs";

let server, browser;
useBundledSite((s, b) => {
  server = s;
  browser = b;
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
