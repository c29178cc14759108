// Search benchmark (a script, not a test; see docs/search.md):
//
//   node tests/browser/search-bench.mjs OUTPUT_DIR [BASE_PATH] [QUERY ...]
//
// Serves a built site under BASE_PATH (default /), opens its search page in
// headless Chromium and reports, for each query: the bytes the server sent
// while the query ran (index chunks, filter chunks, the first page of
// results' fragments) and the time from the last keystroke to the results
// being on screen. It also reports what loading the search page itself
// fetched, and the total size of the index on disk. Sizes are as served
// ("raw") and as a static host that gzips text would send them ("gzip":
// HTML, CSS, JavaScript and JSON compressed; Pagefind's own files are
// gzipped already).
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { readFileSync, existsSync, statSync, readdirSync } from "node:fs";
import { join, extname, normalize } from "node:path";
import { launch } from "./lib.mjs";

const [dir, basePath = "/", ...args] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node tests/browser/search-bench.mjs OUTPUT_DIR [BASE_PATH] [QUERY ...]");
  process.exit(2);
}
const queries = args.length ? args : ["price war", "价格战", "预训练", "inference", "Chen AI"];
const runs = Number(process.env.RUNS || 5);

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
let sent = [];
// What Chromium itself reports (response body sizes of finished requests),
// to check the server's count.
let seen = 0;
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  let file = normalize(join(dir, path.slice(basePath.length)));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!path.startsWith(basePath) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  const body = readFileSync(file);
  const text = /\.(html|css|js|json)$/.test(file);
  sent.push({ path, bytes: body.length, gzip: text ? gzipSync(body).length : body.length });
  res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

function size(folder) {
  let total = 0, files = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const sub = size(path);
      total += sub.total;
      files += sub.files;
    } else {
      total += statSync(path).size;
      files += 1;
    }
  }
  return { total, files };
}
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);
const sumGzip = (list) => list.reduce((a, r) => a + r.gzip, 0);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const index = size(join(dir, "pagefind"));
const zh = size(join(dir, "pagefind", "zh"));
console.log(`index on disk: ${kB(index.total)} in ${index.files} files (Chinese bundle: ${kB(zh.total)} in ${zh.files} files)`);

const browser = await launch();

/** Loads the search page; returns the page once Pagefind has initialised. */
async function open() {
  const page = await browser.newPage();
  page.on("requestfinished", async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) seen += sizes.responseBodySize;
  });
  sent = [];
  seen = 0;
  await page.goto(`${origin}${basePath}search/`, { waitUntil: "networkidle" });
  return page;
}

/**
 * Types `query` as a reader would (a key every 120 ms); returns the time
 * from the last keystroke to its results being on screen, and what the
 * server sent for the whole query.
 */
async function timeQuery(page, query) {
  await page.locator("#search-query").focus();
  await page.evaluate(() => {
    const list = document.querySelector("#search-results");
    window.__bench?.observer?.disconnect();
    const bench = (window.__bench = {});
    bench.observer = new MutationObserver(() => {
      if (!list.hasAttribute("aria-busy") && bench.key && !bench.done) bench.done = performance.now();
    });
    bench.observer.observe(list, { attributes: true, attributeFilter: ["aria-busy"] });
  });
  sent = [];
  seen = 0;
  const chars = [...query];
  await page.keyboard.type(chars.slice(0, -1).join(""), { delay: 120 });
  await page.waitForTimeout(120);
  // beforeinput: fired by the keystroke, also for characters typed
  // without a key event of their own (Chinese).
  await page.evaluate(() =>
    document.querySelector("#search-query").addEventListener("beforeinput", () => (window.__bench.key = performance.now()), { once: true, capture: true }),
  );
  await page.keyboard.type(chars.at(-1));
  await page.waitForFunction(() => window.__bench.done);
  await page.waitForLoadState("networkidle");
  const ms = await page.evaluate(() => window.__bench.done - window.__bench.key);
  if (process.env.VERBOSE) console.log(`  ${query}: ${ms.toFixed(0)} ms`);
  const count = await page.textContent("#search-status");
  return { ms, bytes: sum(sent), gzip: sumGzip(sent), seen, requests: sent.length, count };
}

const first = await open();
console.log(`search page load: ${kB(sum(sent))} raw, ${kB(sumGzip(sent))} gzip, in ${sent.length} requests`);
for (const r of sent) console.log(`  ${kB(r.bytes).padStart(9)} raw ${kB(r.gzip).padStart(9)} gzip  ${r.path}`);
console.log("\nper query, typed a key every 120 ms: last keystroke to results on screen, and bytes sent for the whole query;\ncold = first query on a freshly loaded page, warm = %d repeats on the same page (chunks cached)", runs);
for (const query of queries) {
  const page = await open();
  const cold = await timeQuery(page, query);
  const warm = [];
  for (let i = 0; i < runs; i++) {
    await page.locator("#search-query").fill("");
    await page.waitForFunction(() => !document.querySelector("#search-results").hasAttribute("aria-busy"));
    warm.push(await timeQuery(page, query));
  }
  console.log(
    `${JSON.stringify(query).padEnd(14)} ${cold.count.padEnd(22)} cold ${cold.ms.toFixed(0).padStart(4)} ms, ${kB(cold.bytes).padStart(9)} raw ${kB(cold.gzip).padStart(9)} gzip in ${String(cold.requests).padStart(2)} requests (Chromium saw ${kB(cold.seen)})` +
      ` | warm median ${quantile(warm.map((w) => w.ms), 0.5).toFixed(0).padStart(3)} ms, p90 ${quantile(warm.map((w) => w.ms), 0.9).toFixed(0)} ms`,
  );
  await page.close();
}
await first.close();
await browser.close();
server.close();
