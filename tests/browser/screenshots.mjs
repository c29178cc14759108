// Takes the README's screenshots of the bundled site: the home page, a claim
// and the pretraining topic, and the Chinese site's home page and topic, in
// light and dark mode, 1280 and 375 px wide,
// into docs/screenshots/. Run after `cargo build --release`:
//
//   node tests/browser/screenshots.mjs
//
// Chinese text needs a CJK font installed (Debian: fonts-noto-cjk).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSite, serve, launch, repo } from "./lib.mjs";

const pages = [
  ["home", ""],
  ["claim", "claims/sutskever-pretraining-will-end/"],
  ["topic", "topics/end-of-pretraining/"],
  ["home-zh", "zh/"],
  ["topic-zh", "zh/topics/end-of-pretraining/"],
];
const widths = [1280, 375];
const schemes = ["light", "dark"];
const dir = join(repo, "docs/screenshots");
// Tall enough for the first screenful and a little more, short enough to
// keep the files small.
const heights = { 1280: 1000, 375: 1400 };

mkdirSync(dir, { recursive: true });
const out = buildSite(repo);
const server = await serve(out, "/");
const browser = await launch();
try {
  for (const width of widths) {
    for (const colorScheme of schemes) {
      const context = await browser.newContext({
        viewport: { width, height: heights[width] },
        colorScheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      for (const [name, path] of pages) {
        await page.goto(server.url + path, { waitUntil: "load" });
        const file = join(dir, `${name}-${width}-${colorScheme}.png`);
        await page.screenshot({ path: file });
        console.log(file.slice(repo.length));
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
