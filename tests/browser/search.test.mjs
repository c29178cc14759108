// Search in a real browser: the bundled site, built under a sub-path and
// served there as a static host would, answers Chinese words, English
// phrases (stemmed) and a Chinese-named speaker's English alias as the
// reader types, lists the right claims and not unrelated ones, filters,
// marks what matched, starts from the header's box, and says what to do
// without JavaScript.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repo, useBundledSite } from "./lib.mjs";

let server, browser;
useBundledSite((s, b) => {
  server = s;
  browser = b;
});

const claim = (id) => `/ai-claims/claims/${id}/`;

/** Waits until the results answer what the search box holds. */
async function settled(page) {
  await page.waitForFunction(() => {
    const list = document.querySelector("#search-results");
    return !list.hasAttribute("aria-busy") && document.querySelector("#search-status").textContent !== "";
  });
}

/** Types `query` into the page's search box, key by key; returns the result links. */
async function search(page, query) {
  const box = page.locator("#search-query");
  await box.fill("");
  await box.pressSequentially(query);
  await settled(page);
  return page.locator("#search-results li a.claim-link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
}

async function searchPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const response = await page.goto(`${server.url}search/`);
  assert.equal(response.status(), 200);
  await page.locator("#search-query").waitFor({ state: "visible" });
  return { page, errors };
}

function assertListed(found, expected, unrelated, query) {
  for (const id of expected) assert.ok(found.includes(claim(id)), `${query}: ${id} is listed (got ${found.join(", ")})`);
  for (const id of unrelated) assert.ok(!found.includes(claim(id)), `${query}: ${id} is not listed`);
}

test("Chinese words find the claims that contain them, not loose characters", async () => {
  const { page, errors } = await searchPage();
  const pretraining = await search(page, "预训练");
  assertListed(
    pretraining,
    [
      "he-enpei-pretraining-will-never-end",
      "sutskever-pretraining-will-end",
      "supporters-scaling-law-hits-the-wall",
      "he-enpei-transn-pretraining-cost-fraction",
      "he-enpei-dual-brain-keeps-enterprise-data-local",
      "pretraining-era-already-over",
    ],
    // 预计 and 预测 share the character 预, not the word.
    ["research-data-exhausted-around-2028", "smaller-companies-no-need-to-stockpile-compute-chips", "li-qiang-40-percent-white-collar-jobs-at-risk"],
    "预训练",
  );
  assert.equal(pretraining.length, 6, "预训练 is in six claims");
  assertListed(
    await search(page, "价格战"),
    ["he-enpei-price-war-will-continue-in-2025", "doubao-price-cut-set-off-price-war", "eight-models-cut-prices-618-2024", "he-enpei-domestic-models-should-innovate"],
    ["alibaba-cloud-97-percent-price-cut", "he-enpei-pretraining-will-never-end"],
    "价格战",
  );
  assertListed(
    await search(page, "数推分离"),
    ["he-enpei-data-inference-separation-path-to-data", "he-enpei-openai-gpt-5-data-inference-separation", "he-enpei-dual-brain-keeps-enterprise-data-local"],
    ["he-enpei-pretraining-will-never-end", "xu-li-two-lifelines-2025"],
    "数推分离",
  );
  const marks = await page.locator("#search-results mark").allTextContents();
  assert.ok(marks.some((m) => m.includes("数推分离")), `the matched words are marked (${marks.join(" | ")})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("English is matched case-insensitively and by stem", async () => {
  const { page, errors } = await searchPage();
  const war = ["he-enpei-price-war-will-continue-in-2025", "doubao-price-cut-set-off-price-war", "eight-models-cut-prices-618-2024", "he-enpei-domestic-models-should-innovate"];
  const unrelated = ["sutskever-pretraining-will-end", "li-qiang-employment-polarisation"];
  assertListed(await search(page, "price war"), war, unrelated, "price war");
  assertListed(await search(page, "Price Wars"), war, unrelated, "Price Wars");
  const marks = await page.locator("#search-results .claim-link mark").allTextContents();
  assert.ok(marks.some((m) => /price/i.test(m)), `stemmed matches are marked in the claim (${marks.join(" | ")})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an English alias finds a Chinese-named speaker's claims", async () => {
  const { page, errors } = await searchPage();
  const found = await search(page, "Xu Li");
  assertListed(
    found,
    ["xu-li-two-lifelines-2025", "xu-li-compute-timing-thousandth-of-resources", "xu-li-open-source-performance-line"],
    ["he-enpei-pretraining-will-never-end", "sutskever-pretraining-will-end"],
    "Xu Li",
  );
  assert.ok(found[0].startsWith("/ai-claims/claims/xu-li-"), `徐立's claims come first (got ${found.join(", ")})`);
  const speakers = await page.locator("#search-results .who").allTextContents();
  assert.ok(speakers.includes("徐立"), "results show the speaker's name");
  assert.deepEqual(errors, []);
  await page.close();
});

test("filters narrow the results and live in the URL", async () => {
  const { page } = await searchPage();
  await search(page, "price war");
  await page.selectOption("#filter-kind", "prediction");
  await settled(page);
  const found = await page.locator("#search-results li a.claim-link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.deepEqual(found, [claim("he-enpei-price-war-will-continue-in-2025")]);
  assert.match(page.url(), /\?q=price\+war&kind=prediction$/);
  // A filter alone lists every claim it matches.
  await page.locator("#search-query").fill("");
  await page.selectOption("#filter-kind", "");
  await page.selectOption("#filter-speaker", "xu-li");
  await settled(page);
  assert.equal(await page.locator("#search-results li").count(), 3);
  assert.equal(await page.textContent("#search-status"), "3 claims found");
  await page.close();
});

test("the header's search box leads to the results, and they lead to the claim", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.fill("#site-search", "Xu Li");
  await page.press("#site-search", "Enter");
  await page.waitForURL(/\/ai-claims\/search\/\?q=Xu\+Li$/);
  await settled(page);
  assert.equal(await page.inputValue("#search-query"), "Xu Li");
  const first = page.locator("#search-results li a.claim-link").first();
  const href = await first.getAttribute("href");
  await first.click();
  await page.waitForURL(`**${href}`);
  assert.ok((await page.locator("h1").textContent()).length > 0);
  await page.close();
});

test("without JavaScript the page says so and links to the lists", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}search/`);
  assert.equal(await page.locator("#search").isVisible(), false, "the search form needs JavaScript");
  const text = await page.locator("main").textContent();
  assert.match(text, /Search needs JavaScript/);
  const links = await page.locator("main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.includes("/ai-claims/topics/") && links.includes("/ai-claims/speakers/"), links.join(", "));
  await context.close();
});

test("results have no serious or critical axe violation, light or dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme });
    await page.goto(`${server.url}search/?q=${encodeURIComponent("价格战")}`);
    await settled(page);
    await page.addScriptTag({ path: join(repo, "tests/browser/node_modules/axe-core/axe.min.js") });
    // eslint-disable-next-line no-undef
    const { violations } = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], colorScheme);
    await page.close();
  }
});
