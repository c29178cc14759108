// What a reader needs to check a claim, in a real browser: the quote in its
// paragraph and the way to and from the archived text, reported speech,
// link previews, the home page's predictions, and a claim printed as a
// citation needs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBundledSite } from "./lib.mjs";

let server, browser;
useBundledSite((s, b) => {
  server = s;
  browser = b;
});

const SUTSKEVER = "claims/sutskever-pretraining-will-end/";
const QUOTE = "预训练作为AI模型开发的第一阶段即将结束";

test("a claim shows its quote in context and links to it in the source, which links back", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + SUTSKEVER);
  const context = page.locator("section.in-context");
  assert.equal(await context.locator("h2").textContent(), "The quote in its source");
  assert.deepEqual(await context.locator("mark").allTextContents(), [QUOTE]);
  const paragraph = await context.locator(".archived p").textContent();
  assert.ok(paragraph.includes("Ilya Sutskever在NeurIPS 2024大会上宣告"), paragraph);
  assert.equal(await page.locator(".locator").textContent(), "Where: section 3");

  await context.getByRole("link", { name: "in the source" }).click();
  await page.waitForURL(/\/sources\/it-times-ai-lifelines-2025\/text\/#p-\d+$/);
  const target = page.locator(".archived p:target");
  assert.equal(await target.count(), 1, "the link lands on a paragraph");
  assert.ok((await target.locator("mark").allTextContents()).includes(QUOTE));
  const outline = await target.evaluate((p) => getComputedStyle(p).outlineStyle);
  assert.equal(outline, "solid", "the paragraph reached is outlined");

  // Every quote of the site is highlighted there; the one followed links back.
  const back = target.locator(`a.quote-ref[href$="/${SUTSKEVER}"]`);
  assert.equal(await back.count(), 1);
  await back.click();
  await page.waitForURL(new RegExp(`/${SUTSKEVER}$`));
  assert.equal(await page.locator("h1").textContent(), "Pretraining, as the first phase of AI model development, is about to end.");
  await page.close();
});

test("the archived text publishes only the quoted paragraphs, every quote listed", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "sources/it-times-ai-lifelines-2025/text/");
  const published = await page.locator(".archived p[id]").count();
  const omitted = await page.locator(".archived .omitted").count();
  assert.ok(published > 0 && omitted > 0, `${published} published, ${omitted} gaps`);
  const listed = await page.locator("ol.quoted-claims > li").count();
  const refs = await page.locator(".archived a.quote-ref").count();
  assert.equal(refs, listed, "each quoted claim is linked from its quote");
  await page.close();
});

test("a quote the source renders in another language is shown as reported, not in quotation marks", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + SUTSKEVER);
  const figure = page.locator("figure.quote");
  assert.match(await figure.locator(".quote-label").textContent(), /^Reported: the source's words/);
  const mark = await figure.locator("blockquote p").evaluate((p) => getComputedStyle(p, "::before").content);
  assert.equal(mark, "none", "no opening quotation mark");
  // 何恩培's own words, quoted directly by the article.
  await page.goto(server.url + "claims/he-enpei-valuable-data-only-beginning-to-be-mined/");
  assert.equal(await page.locator("figure.quote .quote-label").count(), 0);
  const open = await page.locator("figure.quote blockquote p").evaluate((p) => getComputedStyle(p, "::before").content);
  assert.notEqual(open, "none", "the speaker's own words keep their quotation marks");
  await page.close();
});

test("a claim page tells link previews what it is, who said it, when and its status", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + SUTSKEVER);
  const meta = (selector) => page.locator(selector).getAttribute("content");
  assert.equal(await meta("meta[property='og:type']"), "article");
  assert.equal(await meta("meta[property='og:locale']"), "en_GB");
  assert.equal(await meta("meta[name='twitter:card']"), "summary");
  assert.equal(await meta("meta[property='og:url']"), `https://example.org/ai-claims/${SUTSKEVER}`);
  const description = await meta("meta[property='og:description']");
  assert.match(description, /^Said by: Ilya Sutskever · Date: 13 Dec 2024 · Status: Open · Source: /);
  assert.notEqual(description, await meta("meta[property='og:title']"));
  await page.close();
});

test("printed, a claim is black on white without navigation, with its links' targets", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ media: "print", colorScheme: "dark" });
  await page.goto(server.url + SUTSKEVER);
  const shown = (selector) => page.locator(selector).first().evaluate((e) => getComputedStyle(e).display !== "none");
  assert.equal(await shown(".site-header"), false, "no header");
  assert.equal(await shown(".site-footer"), false, "no footer");
  assert.equal(await shown(".breadcrumbs"), false, "no breadcrumbs");
  const colours = await page.locator("main").evaluate((m) => [getComputedStyle(document.body).backgroundColor, getComputedStyle(m).color]);
  assert.deepEqual(colours, ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]);
  const after = await page.locator(".source > a").first().evaluate((a) => getComputedStyle(a, "::after").content);
  assert.match(after, /<\/ai-claims\/sources\/it-times-ai-lifelines-2025\/>/, "the link's target is printed");
  await page.close();
});

test("the home page points to predictions that are due, and badges say what they mean", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const due = page.locator("section[aria-labelledby=due]");
  assert.equal(await due.locator("h2").textContent(), "Predictions due");
  assert.ok((await due.locator("li.claim-item").count()) > 0);
  const badge = due.locator(".badge.status-open").first();
  assert.match(await badge.getAttribute("title"), /^Open: not yet judged/);
  await page.goto(server.url + SUTSKEVER);
  assert.match(await page.locator(".status-note").textContent(), /^Open: not yet judged/);
  await page.close();
});

test("the CSV and a topic's feed are linked where readers look", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "topics/end-of-pretraining/");
  assert.equal(await page.locator("footer a", { hasText: "Data (CSV)" }).getAttribute("href"), "/ai-claims/claims.csv");
  const feed = await page.locator("main .feed-link a").getAttribute("href");
  assert.equal(feed, "/ai-claims/topics/end-of-pretraining/feed.xml");
  const response = await page.request.get(new URL(feed, server.url).href);
  assert.equal(response.status(), 200);
  await page.close();
});
