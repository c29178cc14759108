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
  ["a source's archived text", "sources/it-times-ai-lifelines-2025/text/"],
  ["a speaker", "speakers/he-enpei/"],
  ["a topic", "topics/end-of-pretraining/"],
  ["the timeline", "timeline/"],
  ["a later page of the timeline", "timeline/page/2/"],
  ["the search page", "search/"],
];

/** The bundled site, in both its languages (English at the base, Chinese
 * under `zh/`), built from a copy with timeline pages of 20 claims so that
 * their links are audited too. */
function buildCopy() {
  const root = mkdtempSync(join(tmpdir(), "claimbase-a11y-"));
  for (const part of ["claims", "archive", "static"]) cpSync(join(repo, part), join(root, part), { recursive: true });
  const config = readFileSync(join(repo, "claimbase.toml"), "utf8").replace(/^timeline_page_size = .*$/m, "");
  // Before any table, so that it is a setting of the site.
  writeFileSync(join(root, "claimbase.toml"), `timeline_page_size = 20\n${config}`);
  return buildSite(root, ["--base-url", "https://example.org/ai-claims/"]);
}

let browser;
const sites = {};
before(async () => {
  browser = await launch();
  const out = buildCopy();
  const server = await serve(out, "/ai-claims/");
  sites.en = { out, server, prefix: "" };
  sites.zh = { out, server, prefix: "zh/" };
});
after(async () => {
  await browser?.close();
  await sites.en?.server.close();
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
        const { out, server, prefix } = sites[language];
        const file = join(out, prefix + path, "index.html");
        if (!existsSync(file)) {
          t.skip(`${path} is not built by this version`);
          return;
        }
        const violations = await audit(server.url + prefix + path, colorScheme);
        assert.equal(violations.length, 0, describe(violations));
      });
    }
  }
}
