// axe-core in headless Chromium: the built-in theme has no serious or
// critical accessibility violation on the main kinds of page, in light and
// dark mode, in English and in Chinese.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, serve, launch, repo } from "./lib.mjs";

const axePath = join(repo, "tests/browser/node_modules/axe-core/axe.min.js");
const pages = [
  ["home", ""],
  ["a claim", "claims/sutskever-pretraining-will-end/"],
  ["a speaker", "speakers/he-enpei/"],
  ["a topic", "topics/end-of-pretraining/"],
  ["the timeline", "timeline/"],
  ["the search page", "search/"],
];

/** The bundled site with `language = "zh"`, built from a copy. */
function buildChineseSite() {
  const root = mkdtempSync(join(tmpdir(), "claimbase-zh-"));
  for (const part of ["claims", "archive"]) cpSync(join(repo, part), join(root, part), { recursive: true });
  const config = readFileSync(join(repo, "claimbase.toml"), "utf8").replace(/^language = .*$/m, 'language = "zh"');
  writeFileSync(join(root, "claimbase.toml"), config.includes('language = "zh"') ? config : `${config}\nlanguage = "zh"\n`);
  return buildSite(root, ["--base-url", "https://example.org/ai-claims/"]);
}

let browser;
const sites = {};
before(async () => {
  browser = await launch();
  for (const [language, out] of [
    ["en", buildSite(repo, ["--base-url", "https://example.org/ai-claims/"])],
    ["zh", buildChineseSite()],
  ]) {
    sites[language] = { out, server: await serve(out, "/ai-claims/") };
  }
});
after(async () => {
  await browser?.close();
  for (const site of Object.values(sites)) await site.server.close();
});

/** Runs axe on one page; returns its serious and critical violations. */
async function audit(url, colorScheme) {
  const page = await browser.newPage();
  try {
    await page.emulateMedia({ colorScheme });
    const response = await page.goto(url, { waitUntil: "load" });
    assert.equal(response.status(), 200, `${url} answers 200`);
    await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { resultTypes: ["violations"] }),
    );
    return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  } finally {
    await page.close();
  }
}

function describe(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n")}`)
    .join("\n");
}

for (const language of ["en", "zh"]) {
  for (const colorScheme of ["light", "dark"]) {
    for (const [name, path] of pages) {
      test(`${name} (${language}, ${colorScheme}) has no serious or critical axe violation`, async (t) => {
        const { out, server } = sites[language];
        const file = join(out, path, "index.html");
        if (!existsSync(file)) {
          t.skip(`${path} is not built by this version`);
          return;
        }
        const violations = await audit(server.url + path, colorScheme);
        assert.equal(violations.length, 0, describe(violations));
      });
    }
  }
}
