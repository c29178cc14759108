// The search page: runs the reader's query against the site's Pagefind
// index as they type, and lists the matching claims, speakers, sources and
// topics with the matched words marked. Everything it loads comes from this
// site (no server, no CDN).
//
// A record's content starts with the words its snippet may show (a claim's
// quote, translation and body; a page's text) and goes on with words that
// only find it (the statement, names and aliases, titles); `meta.lead`
// counts the first part's words, and the snippet is cut from it here
// rather than taken from Pagefind's excerpt, which would show an alias list
// or the statement again (src/render/search/record.rs). Speakers, sources
// and topics have no filters, so any filter lists only claims.
//
// There are two indexes of the same claims (see src/render/search.rs): one
// with English stemming, one with Chinese word segmentation. A query with
// Han or kana characters goes to the second, split into words here, the
// same way Pagefind splits it on a Chinese page; any other goes to the
// first. The page's state lives in its URL (`?q=…&speaker=…`), so the
// header's search box, links and the back button all work.

const PAGE_SIZE = 10;
// Results link below the site's base path. Pagefind runs on the page, not
// in its web worker: a common word matches thousands of claims, and the
// worker hands every result back across threads and later releases each
// one with a message of its own, which stalled typing for seconds at
// 10,000 claims (docs/search.md).
//
// Pagefind asks for its entry file (which names the current index files)
// at `pagefind-entry.json?ts=<now in ms>` unless given a tag: a new URL on
// every load, which no browser or CDN cache can answer. The tag here is the
// current minute instead: within a minute every load asks for the same URL,
// which caches may answer, and after a deploy (which deletes the old index
// files) no reader keeps the old entry for more than a minute.
const ENTRY_TAG_MS = 60_000;
const OPTIONS = (text) => ({
  baseUrl: text.base,
  noWorker: true,
  metaCacheTag: String(Math.floor(Date.now() / ENTRY_TAG_MS)),
});
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

const root = document.getElementById("search");
if (root) start(root);

function start(root) {
  const text = root.dataset;
  const form = root.querySelector("form");
  const input = root.querySelector("#search-query");
  const selects = [...root.querySelectorAll("select[name]")];
  const status = root.querySelector("#search-status");
  const list = root.querySelector("#search-results");
  const more = root.querySelector("#search-more");
  const filtersBox = root.querySelector("#search-filters-box");
  const pageLang = document.documentElement.lang || "en";
  // Filter value -> label, as the page's <option>s say it.
  const labels = Object.fromEntries(
    selects.map((s) => [s.name, Object.fromEntries([...s.options].filter((o) => o.value).map((o) => [o.value, o.dataset.label]))]),
  );

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") ?? "";
  for (const s of selects) {
    const value = params.get(s.name);
    if (value && labels[s.name][value]) s.value = value;
  }
  // The filters fold away on a narrow screen, so that the first result is
  // on the first screen; they are open when one is set or there is room.
  if (filtersBox && (selects.some((s) => s.value) || matchMedia("(min-width: 48rem)").matches)) filtersBox.open = true;
  root.hidden = false;

  // Each bundle through its own copy of Pagefind's API, a module of its
  // own: one module keeps one WebAssembly instance, and the two bundles'
  // differ (English has a stemmer), so sharing one breaks both.
  const load = (bundle) =>
    import(bundle + "pagefind.js").then(async (pagefind) => {
      await pagefind.options(OPTIONS(text));
      await pagefind.init();
      return pagefind;
    });
  let chinese, failed = false;
  const fail = (error) => {
    failed = true;
    console.error(error);
    status.textContent = text.error;
  };
  const english = load(text.bundle).catch(fail);

  // Every change of the query or a filter is a new generation; one search
  // runs at a time, and when it ends on an older generation the newest
  // state is searched next. Pagefind cannot cancel a search, so queueing
  // one per keystroke would make the last keystroke wait for them all.
  let generation = 0;
  let running = false;
  let pending = [];
  let shown = 0;

  function run() {
    generation++;
    const { query, filters } = state();
    syncUrl(filters);
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      list.removeAttribute("aria-busy");
      status.textContent = "";
      more.hidden = true;
      return;
    }
    list.setAttribute("aria-busy", "true");
    if (!running) drain();
  }

  async function drain() {
    running = true;
    try {
      let id;
      do {
        id = generation;
        await searchOnce(id);
      } while (id !== generation && list.hasAttribute("aria-busy"));
    } finally {
      running = false;
    }
  }

  /** The query (ignored below two letters, which match most words) and filters. */
  function state() {
    let query = input.value.trim();
    if (query.length < 2 && !CJK.test(query)) query = "";
    const filters = {};
    for (const s of selects) if (s.value) filters[s.name] = s.value;
    return { query, filters };
  }

  async function searchOnce(id) {
    const { query, filters } = state();
    let index = english;
    let term = query || null;
    if (query && CJK.test(query)) {
      chinese ??= load(text.bundleZh).catch(fail);
      index = chinese;
      term = segment(query);
    }
    index = await index;
    if (failed) list.removeAttribute("aria-busy");
    if (failed || id !== generation) return;
    let response;
    try {
      response = await index.search(term, term ? { filters } : { filters, sort: { date: "desc" } });
    } catch (error) {
      console.error(error);
      if (id === generation) {
        status.textContent = text.error;
        list.removeAttribute("aria-busy");
      }
      return;
    }
    if (id !== generation || !response) return;
    pending = response.results;
    shown = 0;
    let items;
    try {
      items = await render(id);
    } catch (error) {
      console.error(error);
      items = null;
      if (id === generation) {
        status.textContent = text.error;
        list.removeAttribute("aria-busy");
      }
    }
    if (!items) return;
    list.replaceChildren(...items);
    list.removeAttribute("aria-busy");
    const n = pending.length;
    // "claims" while only claims can be found (a filter is set), else "results".
    const claimsOnly = Object.keys(filters).length > 0;
    const one = claimsOnly ? text.resultsOne : text.foundOne;
    const many = claimsOnly ? text.resultsMany : text.foundMany;
    status.textContent = n === 0 ? text.noResults : (n === 1 ? one : many).replace("{count}", n);
  }

  /** The next page of results as list items, or null if a newer query won. */
  async function render(id) {
    const page = pending.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(page.map((r) => r.data()));
    if (id !== generation) return null;
    shown += page.length;
    more.hidden = shown >= pending.length;
    return data.map(resultItem);
  }

  function resultItem(data) {
    const type = data.meta.type ?? "claim";
    if (type !== "claim") return pageItem(data, type);
    const li = el("li", "claim-item search-result");
    const matched = matchedWords(data);
    const link = el("a", "claim-link");
    link.href = data.url;
    link.append(...marked(data.meta.title ?? data.url, matched));
    li.append(link);

    const meta = el("div", "claim-meta");
    const parts = [];
    if (data.meta.speaker) {
      const who = el("span", "who");
      who.append(...marked(data.meta.speaker, matched));
      langOf(who, data.meta.speaker);
      parts.push(who);
    }
    if (data.meta.date) {
      const time = el("time");
      time.dateTime = data.meta.date_iso ?? "";
      time.textContent = data.meta.date;
      parts.push(time);
    }
    if (data.meta.topic) {
      const topic = el("span", "topic");
      topic.append(...marked(data.meta.topic, matched));
      parts.push(topic);
    }
    const kind = data.filters?.kind?.[0];
    if (kind) {
      const span = el("span", `kind kind-${kind}`);
      span.textContent = labels.kind?.[kind] ?? kind;
      parts.push(span);
    }
    parts.forEach((part, i) => {
      if (i) {
        const sep = el("span", "sep");
        sep.setAttribute("aria-hidden", "true");
        sep.textContent = "·";
        meta.append(" ", sep, " ");
      }
      meta.append(part);
    });
    const state = data.filters?.status?.[0];
    if (state && (kind === "prediction" || state !== "open")) {
      const badge = el("span", `badge status-${state}`);
      badge.textContent = labels.status?.[state] ?? state;
      meta.append(" ", badge);
    }
    li.append(meta);

    const excerpt = snippet(data);
    if (excerpt) li.append(excerpt);
    return li;
  }

  /** A speaker, source or topic: its kind, its name, and a snippet of its page. */
  function pageItem(data, type) {
    const li = el("li", `claim-item search-result search-page search-${type}`);
    const label = el("span", "search-type");
    label.textContent = text[`type${type[0].toUpperCase()}${type.slice(1)}`] ?? type;
    const link = el("a", "page-link");
    link.href = data.url;
    const title = data.meta.title ?? data.url;
    link.append(...marked(title, matchedWords(data)));
    langOf(link, title);
    li.append(label, " ", link);
    if (data.meta.detail) {
      const detail = el("div", "claim-meta");
      detail.textContent = data.meta.detail;
      langOf(detail, data.meta.detail);
      li.append(detail);
    }
    const excerpt = snippet(data);
    if (excerpt) li.append(excerpt);
    return li;
  }

  function langOf(node, value) {
    if (!pageLang.startsWith("zh") && CJK.test(value)) node.lang = "zh";
  }

  function syncUrl(filters) {
    const next = new URLSearchParams();
    if (input.value.trim()) next.set("q", input.value.trim());
    for (const [name, value] of Object.entries(filters)) next.set(name, value);
    const search = next.toString();
    if (search !== location.search.slice(1)) {
      history.replaceState(null, "", search ? `?${search}` : location.pathname);
    }
  }

  input.addEventListener("input", (event) => {
    if (!event.isComposing) run();
  });
  input.addEventListener("compositionend", run);
  for (const s of selects) s.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", async () => {
    const items = await render(generation);
    if (!items) return;
    const first = items[0];
    list.append(...items);
    first?.querySelector("a")?.focus();
  });
  if (input.value || selects.some((s) => s.value)) run();
}

/** A Chinese query as Pagefind's Chinese index expects it: words, spaced. */
function segment(query) {
  if (typeof Intl.Segmenter === "undefined") return query;
  const words = new Intl.Segmenter("zh", { granularity: "word" });
  return [...words.segment(query)].map((s) => s.segment.trim()).filter(Boolean).join(" ");
}

/**
 * The words of a result's text that the query matched (stems and prefixes
 * included), from Pagefind's word positions, counted as Pagefind counts
 * them for its excerpts: segmented (Chinese) text separates words with
 * zero-width spaces, other text with white space. Runs of adjacent matches
 * are kept together, so `预训练` is marked rather than every `预`.
 */
function matchedWords(data) {
  const raw = data.raw_content ?? data.content;
  const segmented = raw.includes("\u200B");
  const words = segmented ? raw.split("\u200B") : raw.split(/[^\S\uFEFF]+/);
  const clean = (w) => w.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "").toLowerCase();
  const found = new Set();
  const locations = [...new Set(data.locations ?? [])].sort((a, b) => a - b);
  let run = [];
  const flush = () => {
    if (run.length) found.add(clean(run.join(segmented ? "" : " ")));
    run = [];
  };
  locations.forEach((at, i) => {
    if (i && at !== locations[i - 1] + 1) flush();
    const word = words[at] ?? "";
    run.push(word.trim());
    if (!CJK.test(word)) found.add(clean(word));
  });
  flush();
  found.delete("");
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` as text nodes, with every matched word in a <mark>. */
function marked(text, matched) {
  if (!matched.length) return [text];
  const alternatives = matched.map((w) => {
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // A Latin word matches whole words; a Chinese one anywhere.
    return CJK.test(w) ? escaped : `(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`;
  });
  const pattern = new RegExp(alternatives.join("|"), "giu");
  const nodes = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) nodes.push(text.slice(last, m.index));
    const mark = el("mark");
    mark.textContent = m[0];
    nodes.push(mark);
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

const SNIPPET_WORDS = 30;

/**
 * A result's snippet: up to SNIPPET_WORDS words of the first `meta.lead`
 * words of its content (white-space-separated runs; on a segmented Chinese
 * index each run is one or more zero-width-space-separated words), around
 * the first that matched, matched words marked. Null when the record has
 * no such words.
 */
function snippet(data) {
  const lead = Number(data.meta.lead ?? 0);
  if (!lead) return null;
  const raw = data.raw_content ?? data.content ?? "";
  const segmented = raw.includes("\u200B");
  const words = segmented ? raw.split("\u200B") : raw.split(/[^\S\uFEFF]+/);
  // Where the lead ends, in Pagefind's words.
  let end = 0;
  if (segmented) {
    for (let runs = 0; end < words.length && runs < lead; end++) if (/\s$/.test(words[end])) runs++;
  } else {
    end = Math.min(lead, words.length);
  }
  const hits = new Set((data.locations ?? []).filter((at) => at < end));
  const first = Math.min(...hits);
  const start = hits.size ? Math.max(0, Math.min(first - 8, end - SNIPPET_WORDS)) : 0;
  const stop = Math.min(end, start + SNIPPET_WORDS);
  const unescape = (w) => w.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const nodes = [];
  if (start > 0) nodes.push("… ");
  for (let at = start; at < stop; at++) {
    let word = unescape(words[at]);
    if (!segmented && at < stop - 1) word += " ";
    if (!hits.has(at)) {
      nodes.push(word);
      continue;
    }
    // Adjacent matches with no space between them (Chinese words) share one
    // mark; the space after a word stays outside it.
    const trailing = word.match(/\s*$/)[0];
    const bare = word.slice(0, word.length - trailing.length);
    const last = nodes[nodes.length - 1];
    if (last instanceof Element && hits.has(at - 1)) last.textContent += bare;
    else {
      const mark = el("mark");
      mark.textContent = bare;
      nodes.push(mark);
    }
    if (trailing) nodes.push(trailing);
  }
  if (stop < end) nodes.push(" …");
  const p = el("p", "search-excerpt");
  p.append(...nodes);
  return p;
}

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}
