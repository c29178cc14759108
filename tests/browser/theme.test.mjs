// The theme in a real browser: it fits a 360 px screen, keyboard users get
// a skip link and a visible focus ring, dark mode follows the system, the
// header's search box sends its query to /search/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBundledSite } from "./lib.mjs";

const paths = [
  "",
  "claims/sutskever-pretraining-will-end/",
  "claims/li-qiang-40-percent-white-collar-jobs-at-risk/",
  "speakers/he-enpei/",
  "sources/it-times-ai-lifelines-2025/",
  "topics/end-of-pretraining/",
  "topics/",
  "speakers/",
  "timeline/",
  "404.html",
];

let server, browser;
useBundledSite((s, b) => {
  server = s;
  browser = b;
});

test("no page scrolls sideways on a 360 px wide screen", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  for (const path of paths) {
    await page.goto(server.url + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path || "home"} is ${width} px wide`);
  }
  await context.close();
});

test("the first Tab shows a skip link that moves to the main content", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "topics/end-of-pretraining/");
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return { text: el.textContent, href: el.getAttribute("href"), top: box.top, outline: getComputedStyle(el).outlineStyle };
  });
  assert.equal(skip.text, "Skip to content");
  assert.equal(skip.href, "#main");
  assert.ok(skip.top >= 0, "the skip link is on screen when focused");
  assert.equal(skip.outline, "solid", "focus is visible");
  await page.keyboard.press("Enter");
  assert.match(page.url(), /#main$/);
  await page.close();
});

test("dark mode follows the system setting", async () => {
  const colours = {};
  for (const colorScheme of ["light", "dark"]) {
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme });
    await page.goto(server.url);
    colours[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.close();
  }
  assert.equal(colours.light, "rgb(253, 253, 252)");
  assert.equal(colours.dark, "rgb(21, 23, 26)");
});

test("the header's search box sends the query to the search page", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "speakers/");
  const box = page.getByRole("searchbox", { name: "Search the site" });
  await box.fill("预训练");
  await box.press("Enter");
  await page.waitForURL(/\/search\/\?q=/);
  const url = new URL(page.url());
  assert.equal(url.pathname, "/ai-claims/search/");
  assert.equal(url.searchParams.get("q"), "预训练");
  await page.close();
});

test("the timeline chart is an image with a title and a description", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "timeline/");
  const chart = page.getByRole("img", { name: "Claims per month" });
  assert.equal(await chart.count(), 1);
  const description = await chart.evaluate((svg) => svg.querySelector("desc").textContent);
  assert.match(description, /Jan 2025: 40/);
  assert.equal(await page.locator("script").count(), 1, "only the JSON-LD script, no JavaScript");
  await page.close();
});
