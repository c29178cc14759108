"""Checks a built site for publishing: internal links, feeds and sitemap.

Usage: check_site.py OUTPUT_DIR BASE_URL
"""

import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def target(out: Path, base_path: str, url: str):
    """The file an internal URL serves, or None if it is external."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#") or url.startswith("mailto:"):
        return None
    path = unquote(parts.path)
    if not path.startswith(base_path):
        raise AssertionError(f"link {url!r} is outside the base path {base_path!r}")
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return out / rel


def main():
    out, base_url = Path(sys.argv[1]), sys.argv[2]
    base_path = urlsplit(base_url).path
    problems = []
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            try:
                file = target(out, base_path, url)
            except AssertionError as e:
                problems.append(f"{page.relative_to(out)}: {e}")
                continue
            if file is not None and not file.is_file():
                problems.append(f"{page.relative_to(out)}: broken link {url}")
    print(f"publish: {len(pages)} pages, every internal link resolves" if not problems else "")

    feeds = sorted(out.rglob("feed.xml"))
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            problems.append(f"{feed.relative_to(out)}: feed does not parse: {parsed.bozo_exception}")
        elif not parsed.entries and feed == out / "feed.xml":
            problems.append("feed.xml has no entries")
        for entry in parsed.entries:
            if not (entry.get("id") and entry.get("title") and entry.get("link") and entry.get("updated")):
                problems.append(f"{feed.relative_to(out)}: entry without id, title, link or date")
    print(f"publish: {len(feeds)} Atom feeds parse in feedparser")

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    # robots.txt names the sitemap of each of the site's languages (one for
    # a site in one language); together they list every page.
    robots = (out / "robots.txt").read_text()
    if f"Sitemap: {base_url}sitemap.xml" not in robots:
        problems.append("robots.txt does not point at the sitemap")
    named = [l.split(":", 1)[1].strip() for l in robots.splitlines() if l.startswith("Sitemap:")]
    locs = []
    for address in named:
        if not address.startswith(base_url):
            problems.append(f"robots.txt: sitemap {address} is not under {base_url}")
            continue
        file = out / address[len(base_url):]
        sitemap = ET.parse(file)
        for loc in sitemap.getroot().findall("s:url/s:loc", ns):
            locs.append(loc.text)
    for loc in locs:
        if not loc.startswith(base_url):
            problems.append(f"sitemap: {loc} is not under {base_url}")
        elif not target(out, base_path, urlsplit(loc).path).is_file():
            problems.append(f"sitemap: {loc} has no page")
    if len(set(locs)) != len(locs):
        problems.append("the sitemaps list an address twice")
    # Redirect pages (aliases) say `noindex`: they are not pages to list.
    html_pages = {
        p
        for p in pages
        if p.name != "404.html" and 'name="robots" content="noindex"' not in p.read_text()
    }
    if len(locs) != len(html_pages):
        problems.append(f"the sitemaps list {len(locs)} URLs for {len(html_pages)} pages")
    print(f"publish: {len(named)} sitemaps are well-formed, {len(locs)} URLs under {base_url}")

    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(f"publish: {len(problems)} problems")


if __name__ == "__main__":
    main()
