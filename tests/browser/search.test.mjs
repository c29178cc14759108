// Search in a real browser: the bundled site, built under a sub-path and
// served there as a static host would, answers Chinese words, English
// phrases (stemmed) and a Chinese-named speaker's English alias as the
// reader types, lists the right claims and not unrelated ones, and the
// speakers, sources and topics too, shows snippets of the claims' own
// words, filters, fits its first result on a phone's first screen, marks
// what matched, starts from the header's box, and says what to do without
// JavaScript.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { repo, useBundledSite } from "./lib.mjs";

let server, browser;
useBundledSite((s, b) => {
  server = s;
  browser = b;
});

const claim = (id) => `/ai-claims/claims/${id}/`;

/** The ids of the bundled claims whose topics include `topic`. */
function claimsOfTopic(topic) {
  const ids = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith("_")) walk(path);
      else if (entry.name.endsWith(".md")) {
        const front = readFileSync(path, "utf8").split("\n---")[0];
        const topics = front.match(/^topics:\s*\[([^\]]*)\]/m)?.[1].split(",").map((t) => t.trim());
        if (topics?.includes(topic)) ids.push(entry.name.replace(/\.md$/, ""));
      }
    }
  };
  walk(join(repo, "claims"));
  return ids;
}

/** Every result as {href, type, title, snippet}. */
async function results(page) {
  return page.locator("#search-results > li").evaluateAll((items) =>
    items.map((li) => {
      const link = li.querySelector("a");
      return {
        href: link.getAttribute("href"),
        type: li.querySelector(".search-type")?.textContent ?? "claim",
        title: link.textContent,
        snippet: li.querySelector(".search-excerpt")?.textContent ?? "",
      };
    }),
  );
}

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

/** Shows every result of the current search; returns the claim links. */
async function showAll(page) {
  const more = page.locator("#search-more");
  while (await more.isVisible()) {
    const count = await page.locator("#search-results > li").count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length > n, count);
  }
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
  await search(page, "预训练");
  const pretraining = await showAll(page);
  const topic = claimsOfTopic("end-of-pretraining");
  assert.ok(topic.length > 6, `the pretraining topic has more claims than say 预训练 (${topic})`);
  assertListed(
    pretraining,
    [
      // The claims that say it, and every claim of the topic whose
      // search_terms has it.
      "he-enpei-transn-pretraining-cost-fraction",
      "he-enpei-dual-brain-keeps-enterprise-data-local",
      ...topic,
    ],
    // 预计 and 预测 share the character 预, not the word.
    ["smaller-companies-no-need-to-stockpile-compute-chips", "li-qiang-40-percent-white-collar-jobs-at-risk"],
    "预训练",
  );
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

test("a speaker's name finds their claims, and shows it in the results", async () => {
  const { page, errors } = await searchPage();
  const found = await search(page, "Xu Li");
  assertListed(
    found,
    ["xu-li-two-lifelines-2025", "xu-li-compute-timing-thousandth-of-resources", "xu-li-open-source-performance-line"],
    ["he-enpei-pretraining-will-never-end", "sutskever-pretraining-will-end"],
    "Xu Li",
  );
  assert.ok(found[0].startsWith("/ai-claims/claims/xu-li-"), `Xu Li's claims come first (got ${found.join(", ")})`);
  const speakers = await page.locator("#search-results .who").allTextContents();
  assert.ok(speakers.includes("Xu Li"), "results show the speaker's name");
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

test("snippets show the claim's own words, not alias lists and not the statement again", async () => {
  const { page, errors } = await searchPage();
  for (const query of ["Baidu", "iFlytek", "Xu Li", "价格战", "预训练", "price war"]) {
    await search(page, query);
    const found = (await results(page)).filter((r) => r.type === "claim");
    assert.ok(found.length > 0, `${query} finds claims`);
    for (const { href, title, snippet } of found) {
      for (const list of ["百度 Baidu", "科大讯飞 iFlytek", "徐立 Xu Li", "Baidu 科大讯飞"]) {
        assert.ok(!snippet.includes(list), `${query}: ${href}'s snippet shows the alias list ${list}: ${snippet}`);
      }
      assert.ok(!snippet.includes(title.trim()), `${query}: ${href}'s snippet repeats its statement: ${snippet}`);
    }
  }
  // A word of the quote is marked in the snippet.
  await search(page, "价格战");
  const marks = await page.locator("#search-results .search-excerpt mark").allTextContents();
  assert.ok(marks.some((m) => m.includes("价格战")), `价格战 is marked in a snippet (${marks.join(" | ")})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("speakers, sources and topics are found too, labelled with their kind", async () => {
  const { page, errors } = await searchPage();
  const kinds = async (query) => {
    await search(page, query);
    return (await results(page)).filter((r) => r.type !== "claim");
  };
  let pages = await kinds("Xu Li");
  assert.ok(
    pages.some((r) => r.href === "/ai-claims/speakers/xu-li/" && r.type === "Speaker" && r.title === "Xu Li"),
    `Xu Li finds the speaker Xu Li (got ${JSON.stringify(pages)})`,
  );
  pages = await kinds("NeurIPS");
  assert.ok(
    pages.some((r) => r.href === "/ai-claims/sources/neurips-2024-sutskever-talk/" && r.type === "Source"),
    `NeurIPS finds the talk given there (got ${JSON.stringify(pages)})`,
  );
  pages = await kinds("预训练");
  assert.ok(
    pages.some((r) => r.href === "/ai-claims/topics/end-of-pretraining/" && r.type === "Topic"),
    `预训练 finds the topic by its search term (got ${JSON.stringify(pages)})`,
  );
  assert.match(await page.textContent("#search-status"), /results? found/);
  // A filter chooses among claims: the pages are left out.
  await page.selectOption("#filter-kind", "prediction");
  await settled(page);
  assert.deepEqual((await results(page)).filter((r) => r.type !== "claim"), []);
  assert.match(await page.textContent("#search-status"), /claims? found/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("English and Chinese queries take turns in one page, each answered from its own bundle", async () => {
  const { page, errors } = await searchPage();
  const logged = [];
  page.on("console", (m) => m.type() === "error" && logged.push(m.text()));
  // Each bundle has a WebAssembly module of its own; if the two shared
  // Pagefind's API, the second to load would take the first's place.
  for (const [query, expected] of [
    ["price war", "he-enpei-price-war-will-continue-in-2025"],
    ["价格战", "doubao-price-cut-set-off-price-war"],
    ["price war", "he-enpei-price-war-will-continue-in-2025"],
    ["预训练", "sutskever-pretraining-will-end"],
  ]) {
    const found = await search(page, query);
    assert.ok(found.includes(claim(expected)), `${query}: ${expected} is listed (got ${found.join(", ")})`);
  }
  assert.deepEqual(logged, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone the filters fold away and the first result is on the first screen", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(`${server.url}search/?q=${encodeURIComponent("价格战")}`);
  await settled(page);
  assert.equal(await page.locator("#search-filters-box").getAttribute("open"), null, "the filters are folded");
  assert.equal(await page.locator("#filter-speaker").isVisible(), false);
  const first = await page.locator("#search-results > li").first().boundingBox();
  assert.ok(first && first.y + first.height <= 667, `the first result ends at ${first?.y + first?.height}px, within the 667px screen`);
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `nothing is wider than the screen (${width}px)`);
  // They open with a tap, and a filter set in the URL opens them.
  await page.locator("#search-filters-box > summary").tap();
  assert.equal(await page.locator("#filter-speaker").isVisible(), true);
  await page.goto(`${server.url}search/?kind=prediction`);
  await settled(page);
  assert.notEqual(await page.locator("#search-filters-box").getAttribute("open"), null, "a set filter shows");
  await context.close();
});

test("a filter alone lists one month's claims in id order, newest month first", async () => {
  const { page } = await searchPage();
  await page.selectOption("#filter-topic", "end-of-pretraining");
  await settled(page);
  const dates = await page.locator("#search-results li").evaluateAll((items) =>
    items.map((li) => [li.querySelector("time")?.getAttribute("datetime") ?? "", li.querySelector("a").getAttribute("href")]),
  );
  for (let i = 1; i < dates.length; i++) {
    const [[d0, a], [d1, b]] = [dates[i - 1], dates[i]];
    assert.ok(d0 > d1 || (d0 === d1 && a < b), `${a} (${d0}) comes before ${b} (${d1})`);
  }
  await page.close();
});

test("the entry file is asked for at one URL a minute, so caches can answer it", async () => {
  const context = await browser.newContext();
  await context.clock.setFixedTime(new Date("2025-06-01T10:00:30Z"));
  const asked = [];
  context.on("request", (r) => {
    if (r.url().includes("pagefind-entry.json")) asked.push(r.url().replace(server.url, ""));
  });
  for (let load = 0; load < 2; load++) {
    const page = await context.newPage();
    await page.goto(`${server.url}search/?q=${encodeURIComponent("价格战")}`);
    await settled(page);
    await page.close();
  }
  const minute = Math.floor(Date.parse("2025-06-01T10:00:30Z") / 60000);
  assert.ok(asked.length >= 2, asked.join(", "));
  // Both loads asked for the same URL, the minute's, of each bundle.
  assert.ok(new Set(asked).size <= 2 && asked.length > new Set(asked).size, asked.join(", "));
  assert.ok(asked.every((u) => u.endsWith(`?ts=${minute}`)), asked.join(", "));
  await context.close();
});
