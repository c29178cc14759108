// Shared helpers for the browser tests: build a site, serve it over HTTP
// on loopback (under its base path, as a static host would), and launch
// Debian's headless Chromium through playwright-core.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize } from "node:path";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

export const repo = new URL("../../", import.meta.url).pathname;
export const binary = join(repo, "target/release/claimbase");

/** Builds the site at `root` into a fresh folder; returns the folder. */
export function buildSite(root, args = []) {
  const out = join(mkdtempSync(join(tmpdir(), "claimbase-browser-")), "site");
  execFileSync(binary, ["--root", root, "build", "--output", out, ...args], { stdio: "pipe" });
  return out;
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `dir` under `basePath` on a free loopback port. */
export async function serve(dir, basePath = "/") {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(basePath)) {
      res.writeHead(404).end("outside the base path");
      return;
    }
    let file = normalize(join(dir, path.slice(basePath.length)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": types[".html"] }).end(readFileSync(join(dir, "404.html")));
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${basePath}`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the flags this sandbox needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * For a test file: builds the bundled site under the sub-path
 * `https://example.org/ai-claims/`, serves it there and launches Chromium
 * before its tests, hands both to `use`, and closes them after.
 */
export function useBundledSite(use) {
  let server, browser;
  before(async () => {
    const out = buildSite(repo, ["--base-url", "https://example.org/ai-claims/"]);
    server = await serve(out, "/ai-claims/");
    browser = await launch();
    use(server, browser, out);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}
