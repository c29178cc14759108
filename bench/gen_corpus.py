#!/usr/bin/env python3
"""Deterministic corpus generator for the claimbase benchmarks (issue 7).

    gen_corpus.py --claims N --out DIR [--seed S] [--format claimbase|claimbase-zh|hugo]

Writes N claims with about N/20 speakers, N/10 sources and 30 topics, with
mixed Chinese/English bodies (paragraphs, lists, links, emphasis, the odd
table), partial dates, 0-3 relations per claim, figures and quotes.

The same seed gives the same content in both formats: `claimbase` writes a
site in FORMAT.md form (claimbase.toml + claims/), `hugo` writes a Hugo site
(hugo.toml, content/, layouts/) whose templates show the same fields.
`claimbase-zh` is the claimbase site in two languages (`languages = ["en",
"zh"]`), with a Chinese translation (`<id>.zh.md`: statement, figures and
body) of every other claim.
Every speaker, source and topic is used by at least one claim.
"""
import argparse
import json
import os
import random
import shutil
import sys

EN_WORDS = (
    "model compute price cost open source closed data training inference chip "
    "market revenue growth agent benchmark token cloud GPU startup investor "
    "regulation safety alignment talent job productivity enterprise customer "
    "platform search video image speech robot factory energy datacenter "
    "subsidy export policy standard evaluation scaling parameter context "
    "latency throughput margin adoption pilot contract partner supply demand"
).split()

ZH_PHRASES = (
    "大模型 算力 价格战 开源 闭源 数据 训练 推理 芯片 市场 收入 增长 智能体 "
    "评测 云计算 创业公司 投资人 监管 安全 对齐 人才 就业 生产力 企业 客户 "
    "平台 搜索 视频 图像 语音 机器人 工厂 能源 数据中心 补贴 出口 政策 标准 "
    "规模化 参数 上下文 延迟 吞吐 利润 落地 试点 合同 合作伙伴 供给 需求"
).split()
ZH_VERBS = "认为 表示 预计 指出 强调 透露 判断 提到 承认 警告".split()
ZH_JOIN = "正在 已经 将会 可能 不会 必须 仍然 逐步 大幅 持续".split()
ZH_TAIL = "降低 提升 改变 替代 推动 放缓 加速 集中 分化 重塑".split()
EN_VERBS = "says expects argues warns notes estimates predicts admits claims reports".split()
EN_ADJ = ("cheaper faster larger smaller open closed profitable scarce abundant "
          "regulated commoditised concentrated fragmented mature early").split()
SURNAMES = "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Ma Luo".split()
ZH_SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗".split()
GIVEN = "Wei Fang Min Jing Li Qiang Lei Jun Yan Tao Ming Chao Hui Xin Yu Ting Hao Bo Lan Feng".split()
ZH_GIVEN = "伟 芳 敏 静 丽 强 磊 军 燕 涛 明 超 慧 欣 宇 婷 浩 波 兰 峰".split()
ORGS = ("Cloud Labs AI Research Robotics Semiconductor Capital Institute Ventures "
        "Dynamics Intelligence Networks Systems Data Foundry").split()
OUTLETS = "IT时报 财新 36氪 晚点LatePost Reuters Bloomberg TechCrunch 第一财经 The Information 机器之心".split(" ")
SOURCE_KINDS = "article talk report interview post dataset book".split()
CLAIM_KINDS = "prediction statistic opinion announcement".split()
STATUSES = "open confirmed refuted mixed unverifiable".split()
UNITS = ["%", "USD", "CNY", "tokens", "GPUs", "employees", "users", "yuan per million tokens", "MW"]


class Gen:
    def __init__(self, seed, n):
        self.r = random.Random(seed)
        self.n = n

    # ---- text -------------------------------------------------------------
    def en_sentence(self):
        r = self.r
        w = [r.choice(EN_WORDS) for _ in range(r.randint(6, 14))]
        s = " ".join(w)
        return s[0].upper() + s[1:] + r.choice([".", ".", ".", "?", "!"])

    def zh_sentence(self):
        r = self.r
        parts = []
        for _ in range(r.randint(2, 4)):
            parts.append(r.choice(ZH_PHRASES) + r.choice(ZH_JOIN) + r.choice(ZH_TAIL)
                         + r.choice(ZH_PHRASES))
        return r.choice(ZH_SURNAMES) + r.choice(ZH_GIVEN) + r.choice(ZH_VERBS) + ",".join(parts) + "。"

    def mixed_sentence(self):
        r = self.r
        x = r.random()
        if x < 0.45:
            return self.en_sentence()
        if x < 0.8:
            return self.zh_sentence()
        # code-switched sentence
        return (r.choice(ZH_PHRASES) + " " + r.choice(EN_WORDS) + " " + r.choice(EN_ADJ)
                + "," + r.choice(ZH_PHRASES) + r.choice(ZH_JOIN) + r.choice(ZH_TAIL) + "。")

    def paragraph(self):
        r = self.r
        sents = [self.mixed_sentence() for _ in range(r.randint(2, 5))]
        # emphasis and links inside the paragraph
        if r.random() < 0.6:
            i = r.randrange(len(sents))
            sents[i] = "*" + sents[i] + "*" if r.random() < 0.5 else "**" + sents[i] + "**"
        if r.random() < 0.5:
            sents.append("See [%s](https://example.org/%s/%d)." % (
                r.choice(EN_WORDS + ZH_PHRASES), r.choice(EN_WORDS), r.randint(1, 99999)))
        if r.random() < 0.2:
            sents.append("`%s_%s`" % (r.choice(EN_WORDS), r.choice(EN_WORDS)))
        return " ".join(sents)

    def body(self):
        r = self.r
        blocks = []
        for _ in range(r.randint(2, 5)):
            blocks.append(self.paragraph())
            x = r.random()
            if x < 0.35:
                marker = "-" if r.random() < 0.6 else "1."
                items = []
                for _ in range(r.randint(2, 5)):
                    items.append("%s %s" % (marker, self.mixed_sentence()))
                blocks.append("\n".join(items))
            elif x < 0.45:
                blocks.append("> " + self.mixed_sentence())
        if r.random() < 0.12:
            rows = ["| 指标 metric | 2023 | 2024 |", "|---|---:|---:|"]
            for _ in range(r.randint(2, 4)):
                rows.append("| %s %s | %d | %d |" % (r.choice(ZH_PHRASES), r.choice(EN_WORDS),
                                                   r.randint(1, 999), r.randint(1, 999)))
            blocks.insert(r.randint(1, len(blocks)), "\n".join(rows))
        if r.random() < 0.3:
            blocks.insert(0, "## " + r.choice(ZH_PHRASES) + " and " + r.choice(EN_WORDS))
        return "\n\n".join(blocks) + "\n"

    def date(self, lo=2015, hi=2025):
        r = self.r
        y = r.randint(lo, hi)
        x = r.random()
        if x < 0.15:
            return "%04d" % y
        if x < 0.4:
            return "%04d-%02d" % (y, r.randint(1, 12))
        return "%04d-%02d-%02d" % (y, r.randint(1, 12), r.randint(1, 28))

    # ---- entities ---------------------------------------------------------
    def build(self):
        r, n = self.r, self.n
        n_topics = 30
        n_speakers = max(1, n // 20)
        n_sources = max(1, n // 10)

        topics = []
        for i in range(n_topics):
            w = r.sample(EN_WORDS, 2)
            tid = "%s-%s-%d" % (w[0].lower(), w[1].lower(), i)
            topics.append({
                "id": tid,
                "title": "%s and %s (%s%s)" % (w[0].capitalize(), w[1], r.choice(ZH_PHRASES), r.choice(ZH_PHRASES)),
                "question": "Will %s become %s by %d? %s会%s吗?" % (
                    w[0], r.choice(EN_ADJ), r.randint(2025, 2030), r.choice(ZH_PHRASES), r.choice(ZH_TAIL)),
                "body": self.paragraph() + "\n\n" + self.paragraph() + "\n",
            })

        orgs = []
        speakers = []
        for i in range(n_speakers):
            if i % 8 == 0:
                name_en = "%s %s" % (r.choice(SURNAMES), r.choice(ORGS))
                sid = "%s-%d" % (name_en.lower().replace(" ", "-"), i)
                sp = {"id": sid, "name": r.choice(ZH_PHRASES) + r.choice(ORGS),
                      "aliases": [name_en], "kind": "organisation",
                      "url": "https://example.com/org/%d" % i}
                orgs.append(sid)
            else:
                k = r.randrange(len(SURNAMES))
                g = r.randrange(len(GIVEN))
                sid = "%s-%s-%d" % (SURNAMES[k].lower(), GIVEN[g].lower(), i)
                sp = {"id": sid, "name": ZH_SURNAMES[k] + ZH_GIVEN[g],
                      "aliases": ["%s %s" % (SURNAMES[k], GIVEN[g]), "%s %s" % (GIVEN[g], SURNAMES[k])],
                      "kind": "person",
                      "role": "%s of %s (%s)" % (r.choice(["CEO", "CTO", "Chief Scientist", "Analyst", "Professor", "Founder"]),
                                                 r.choice(ORGS), r.choice(ZH_PHRASES))}
                if orgs and r.random() < 0.6:
                    sp["org"] = r.choice(orgs)
                if r.random() < 0.5:
                    sp["url"] = "https://example.com/people/%d" % i
            sp["body"] = self.paragraph() + "\n"
            speakers.append(sp)

        sources = []
        for i in range(n_sources):
            w = r.sample(EN_WORDS, 2)
            src = {"id": "%s-%s-src-%d" % (w[0].lower(), w[1].lower(), i),
                   "title": r.choice([
                       "%s and the %s of %s" % (w[0].capitalize(), r.choice(EN_WORDS), w[1]),
                       "%s的%s:%s" % (r.choice(ZH_PHRASES), r.choice(ZH_PHRASES), r.choice(ZH_PHRASES))]),
                   "kind": r.choice(SOURCE_KINDS),
                   "outlet": r.choice(OUTLETS),
                   "authors": ["%s %s" % (r.choice(SURNAMES), r.choice(GIVEN)) for _ in range(r.randint(1, 3))],
                   "published": self.date(2015, 2025),
                   "url": "https://example.net/src/%d" % i,
                   "lang": r.choice(["zh", "zh", "en"]),
                   "body": self.paragraph() + "\n"}
            sources.append(src)

        claims = []
        for i in range(n):
            w = r.sample(EN_WORDS, 3)
            cid = "%s-%s-%s-%d" % (w[0].lower(), w[1].lower(), w[2].lower(), i)
            kind = r.choice(CLAIM_KINDS)
            spk = [speakers[i % n_speakers]["id"]]
            if r.random() < 0.1:
                o = r.choice(speakers)["id"]
                if o not in spk:
                    spk.append(o)
            tps = [topics[i % n_topics]["id"]]
            for t in r.sample(topics, r.randint(0, 2)):
                if t["id"] not in tps:
                    tps.append(t["id"])
            src = sources[i % n_sources]
            c = {
                "id": cid,
                "folder": "%s/%s" % (tps[0], r.choice(["2023", "2024", "2025", "misc"])),
                "claim": r.choice([
                    "%s %s that %s will be %s by %d." % (w[0].capitalize(), r.choice(EN_VERBS), w[1], r.choice(EN_ADJ), r.randint(2024, 2030)),
                    "%s %s %s: %s" % (w[0].capitalize(), w[1], r.choice(EN_VERBS), self.en_sentence()),
                ]),
                "speaker": spk,
                "date": self.date(),
                "source": src["id"],
                "topics": tps,
                "kind": kind,
            }
            if r.random() < 0.6:
                c["locator"] = r.choice(["§%d" % r.randint(1, 12), "p. %d" % r.randint(1, 300),
                                         "00:%02d:%02d" % (r.randint(0, 59), r.randint(0, 59)), "二"])
            if r.random() < 0.7:
                if r.random() < 0.6:
                    c["quote"] = self.zh_sentence()
                    c["quote_lang"] = "zh"
                    c["translation"] = self.en_sentence()
                else:
                    c["quote"] = self.en_sentence()
                    c["quote_lang"] = "en"
            if r.random() < 0.1 and n_sources > 1:
                o = sources[(i + 1 + r.randrange(n_sources - 1)) % n_sources]["id"]
                c["origin"] = o
            c["status"] = r.choice(STATUSES)
            if kind == "prediction":
                c["resolves"] = self.date(2024, 2030)
            if kind == "statistic" or r.random() < 0.3:
                figs = []
                for _ in range(r.randint(1, 3)):
                    if r.random() < 0.25:
                        lo = r.randint(1, 500)
                        v = [lo, lo + r.randint(1, 500)]
                    elif r.random() < 0.5:
                        v = round(r.uniform(0.1, 99.9), 1)
                    else:
                        v = r.randint(1, 100000)
                    figs.append({"value": v, "unit": r.choice(UNITS),
                                 "about": "%s %s" % (r.choice(ZH_PHRASES), r.choice(EN_WORDS))})
                c["figures"] = figs
            # 0-3 relations to distinct earlier claims (never to itself)
            if i > 0:
                k = min(i, r.choice([0, 0, 1, 1, 2, 3]))
                targets = r.sample(range(i), k) if k else []
                for t in targets:
                    rel = r.choice(["supports", "contradicts", "responds_to"])
                    c.setdefault(rel, []).append(claims[t]["id"])
            if r.random() < 0.2:
                c["updated"] = "2025-%02d-%02d" % (r.randint(1, 12), r.randint(1, 28))
            c["body"] = self.body()
            claims.append(c)
        return topics, speakers, sources, claims


def q(s):
    """A YAML scalar: JSON strings are valid YAML double-quoted strings."""
    return json.dumps(s, ensure_ascii=False)


def qlist(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def fig_lines(figs):
    out = ["figures:"]
    for f in figs:
        out.append("  - value: %s" % json.dumps(f["value"]))
        out.append("    unit: %s" % q(f["unit"]))
        out.append("    about: %s" % q(f["about"]))
    return out


# ---- claimbase ----------------------------------------------------------------

def write_claimbase(out, topics, speakers, sources, claims, n, translate=False):
    languages = 'languages = ["en", "zh"]\n' if translate else 'language = "en"\n'
    write(os.path.join(out, "claimbase.toml"),
          'title = "Benchmark corpus (%d claims)"\n'
          'description = "Generated by bench/gen_corpus.py"\n'
          'base_url = "/"\n%s' % (n, languages))
    root = os.path.join(out, "claims")
    for t in topics:
        write(os.path.join(root, "_topics", t["id"] + ".md"),
              "---\ntitle: %s\nquestion: %s\n---\n%s" % (q(t["title"]), q(t["question"]), t["body"]))
    for s in speakers:
        fm = ["name: %s" % q(s["name"]), "aliases: %s" % qlist(s["aliases"]), "kind: %s" % s["kind"]]
        for k in ("role", "org", "url"):
            if k in s:
                fm.append("%s: %s" % (k, q(s[k])))
        write(os.path.join(root, "_speakers", s["id"] + ".md"), "---\n%s\n---\n%s" % ("\n".join(fm), s["body"]))
    for s in sources:
        fm = ["title: %s" % q(s["title"]), "kind: %s" % s["kind"], "outlet: %s" % q(s["outlet"]),
              "authors: %s" % qlist(s["authors"]), "published: %s" % s["published"],
              "url: %s" % q(s["url"]), "lang: %s" % s["lang"]]
        write(os.path.join(root, "_sources", s["id"] + ".md"), "---\n%s\n---\n%s" % ("\n".join(fm), s["body"]))
    for i, c in enumerate(claims):
        fm = ["claim: %s" % q(c["claim"])]
        fm.append("speaker: %s" % (c["speaker"][0] if len(c["speaker"]) == 1 else qlist(c["speaker"])))
        fm.append("date: %s" % c["date"])
        if "locator" in c:
            fm += ["source:", "  id: %s" % c["source"], "  locator: %s" % q(c["locator"])]
        else:
            fm.append("source: %s" % c["source"])
        fm.append("topics: [%s]" % ", ".join(c["topics"]))
        fm.append("kind: %s" % c["kind"])
        for k in ("quote", "quote_lang", "translation"):
            if k in c:
                fm.append("%s: %s" % (k, q(c[k])))
        if "origin" in c:
            fm.append("origin: %s" % c["origin"])
        fm.append("status: %s" % c["status"])
        if "resolves" in c:
            fm.append("resolves: %s" % c["resolves"])
        if "figures" in c:
            fm += fig_lines(c["figures"])
        for rel in ("supports", "contradicts", "responds_to"):
            if rel in c:
                fm.append("%s: [%s]" % (rel, ", ".join(c[rel])))
        if "updated" in c:
            fm.append("updated: %s" % c["updated"])
        write(os.path.join(root, c["folder"], c["id"] + ".md"), "---\n%s\n---\n%s" % ("\n".join(fm), c["body"]))
        if translate and i % 2 == 0:
            zh = ["claim: %s" % q("论断：" + c["claim"])]
            if "figures" in c:
                zh.append("figures:")
                zh += ["  - about: %s" % q("说明：" + (f["about"] or "")) for f in c["figures"]]
            write(os.path.join(root, c["folder"], c["id"] + ".zh.md"),
                  "---\n%s\n---\n译文。%s" % ("\n".join(zh), c["body"]))


# ---- hugo ---------------------------------------------------------------------

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head><body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/topics/" | relURL }}">Topics</a> <a href="{{ "/speakers/" | relURL }}">Speakers</a>
<a href="{{ "/sources/" | relURL }}">Sources</a> <a href="{{ "/claims/" | relURL }}">Timeline</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ partialCached "count.html" . }} claims</footer>
</body></html>
""",
    "partials/claim-item.html": """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<span class="date">{{ .Params.date_text }}</span> · <span class="kind">{{ .Params.kind }}</span> · <span class="status">{{ .Params.status }}</span>
{{ range .Params.speakers }}{{ with site.GetPage (printf "/speakers/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}</li>
""",
    "partials/count.html": """{{ len (where site.RegularPages "Section" "claims") }}""",
    "partials/rel.html": """{{ $ids := .ids }}{{ if $ids }}<h3>{{ .label }}</h3><ul>
{{ range $ids }}{{ with site.GetPage . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span>{{ .Params.date_text }}</span></li>{{ end }}{{ end }}
</ul>{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article class="claim">
<h1>{{ .Title }}</h1>
<p class="meta"><span class="kind">{{ .Params.kind }}</span> · <span class="status">{{ .Params.status }}</span>
· <time>{{ .Params.date_text }}</time>{{ with .Params.resolves }} · resolves {{ . }}{{ end }}{{ with .Params.updated }} · reviewed {{ . }}{{ end }}</p>
{{ with .Params.quote }}<blockquote lang="{{ $.Params.quote_lang }}">{{ . }}</blockquote>{{ end }}
{{ with .Params.translation }}<p class="translation">{{ . }}</p>{{ end }}
<p>Speaker: {{ range .Params.speakers }}{{ with site.GetPage (printf "/speakers/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.role }} ({{ . }}){{ end }} {{ end }}{{ end }}</p>
<p>Source: {{ range .Params.sources }}{{ with site.GetPage (printf "/sources/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .Params.outlet }}{{ end }}{{ end }}{{ with .Params.locator }}, {{ . }}{{ end }}</p>
{{ with .Params.origin }}{{ with site.GetPage (printf "/sources/%s" .) }}<p>First said in: <a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}{{ end }}
<p>Topics: {{ range .Params.topics }}{{ with site.GetPage (printf "/topics/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}</p>
{{ with .Params.figures }}<table class="figures"><tr><th>value</th><th>unit</th><th>about</th></tr>
{{ range . }}<tr><td>{{ if reflect.IsSlice .value }}{{ index .value 0 }}–{{ index .value 1 }}{{ else }}{{ .value }}{{ end }}</td><td>{{ .unit }}</td><td>{{ .about }}</td></tr>{{ end }}</table>{{ end }}
{{ partial "rel.html" (dict "label" "Supports" "ids" .Params.supports) }}
{{ partial "rel.html" (dict "label" "Contradicts" "ids" .Params.contradicts) }}
{{ partial "rel.html" (dict "label" "Responds to" "ids" .Params.responds_to) }}
{{ partial "rel.html" (dict "label" "Supported by" "ids" .Params.supported_by) }}
{{ partial "rel.html" (dict "label" "Contradicted by" "ids" .Params.contradicted_by) }}
{{ partial "rel.html" (dict "label" "Answered by" "ids" .Params.answered_by) }}
<div class="body">{{ .Content }}</div>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>Every claim by date.</p>
<ul>{{ range .RegularPages.ByDate }}{{ partial "claim-item.html" . }}{{ end }}</ul>{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})
{{ with .Page.Params.speaker_aliases }}<small>{{ delimit . ", " }}</small>{{ end }}{{ with .Page.Params.outlet }}<small>{{ . }}</small>{{ end }}{{ with .Page.Params.question }}<small>{{ . }}</small>{{ end }}</li>{{ end }}</ul>{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Params.question }}<p class="question">{{ . }}</p>{{ end }}
{{ with .Params.speaker_aliases }}<p>Also: {{ delimit . ", " }}</p>{{ end }}
{{ with .Params.speaker_kind }}<p>{{ . }}</p>{{ end }}{{ with .Params.role }}<p>{{ . }}</p>{{ end }}
{{ with .Params.org }}{{ with site.GetPage (printf "/speakers/%s" .) }}<p>Speaks for <a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}{{ end }}
{{ with .Params.outlet }}<p>{{ . }} · {{ $.Params.source_kind }} · {{ $.Params.published }} · {{ delimit $.Params.authors ", " }} · {{ $.Params.lang }}</p>{{ end }}
{{ with .Params.link }}<p><a href="{{ . }}">{{ . }}</a></p>{{ end }}
<div>{{ .Content }}</div>
{{ if eq .Data.Plural "speakers" }}<p>Status record:
{{ range (.Pages.GroupByParam "status") }}{{ .Key }}: {{ len .Pages }} {{ end }}</p>{{ end }}
<h2>Claims</h2>
<ul>{{ range .Pages.ByDate }}{{ partial "claim-item.html" . }}{{ end }}</ul>
{{ if eq .Data.Plural "topics" }}<h2>Contradictions</h2><table>
{{ range .Pages }}{{ $a := . }}{{ range .Params.contradicts }}{{ with site.GetPage . }}<tr><td><a href="{{ $a.RelPermalink }}">{{ $a.Title }}</a></td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td></tr>{{ end }}{{ end }}{{ end }}
</table>{{ end }}
{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ site.Title }}</h1><p>{{ site.Params.description }}</p>
<p>{{ len (where site.RegularPages "Section" "claims") }} claims, {{ len site.Taxonomies.speakers }} speakers,
{{ len site.Taxonomies.sources }} sources, {{ len site.Taxonomies.topics }} topics</p>
<h2>Newest claims</h2>
<ul>{{ range first 20 (where site.RegularPages "Section" "claims").ByDate.Reverse }}{{ partial "claim-item.html" . }}{{ end }}</ul>
<h2>Topics</h2><ul>{{ range site.Taxonomies.topics.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> — {{ .Page.Params.question }} ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.json": """{{- $out := slice -}}
{{- range where site.RegularPages "Section" "claims" -}}
{{- $out = $out | append (dict "id" .File.ContentBaseName "claim" .Title "date" .Params.date_text "speakers" .Params.speakers "source" .Params.sources "topics" .Params.topics "kind" .Params.kind "status" .Params.status "quote" .Params.quote "url" .RelPermalink) -}}
{{- end -}}
{{- $out | jsonify -}}
""",
    "404.html": """{{ define "main" }}<h1>Not found</h1>{{ end }}
""",
}


def full_date(d):
    parts = d.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def write_hugo(out, topics, speakers, sources, claims, n):
    write(os.path.join(out, "hugo.toml"),
          'baseURL = "http://localhost/"\nlanguageCode = "en"\n'
          'title = "Benchmark corpus (%d claims)"\n'
          'disableKinds = []\n'
          '[params]\ndescription = "Generated by bench/gen_corpus.py"\n'
          '[taxonomies]\nspeaker = "speakers"\nsource = "sources"\ntopic = "topics"\n'
          '[outputs]\nhome = ["HTML", "RSS", "JSON"]\n'
          '[markup.goldmark.renderer]\nunsafe = false\n' % n)
    for rel, text in HUGO_LAYOUTS.items():
        write(os.path.join(out, "layouts", rel), text)
    content = os.path.join(out, "content")
    write(os.path.join(content, "claims", "_index.md"), '---\ntitle: "Timeline"\n---\n')
    for t in topics:
        write(os.path.join(content, "topics", t["id"], "_index.md"),
              "---\ntitle: %s\nquestion: %s\n---\n%s" % (q(t["title"]), q(t["question"]), t["body"]))
    for s in speakers:
        fm = ["title: %s" % q(s["name"]), "speaker_kind: %s" % s["kind"]]
        # Hugo reserves `aliases` for redirects, so store them under params.
        fm.append("speaker_aliases: %s" % qlist(s["aliases"]))
        for k, hk in (("role", "role"), ("org", "org"), ("url", "link")):
            if k in s:
                fm.append("%s: %s" % (hk, q(s[k])))
        write(os.path.join(content, "speakers", s["id"], "_index.md"), "---\n%s\n---\n%s" % ("\n".join(fm), s["body"]))
    for s in sources:
        fm = ["title: %s" % q(s["title"]), "source_kind: %s" % s["kind"], "outlet: %s" % q(s["outlet"]),
              "authors: %s" % qlist(s["authors"]), "published: %s" % q(s["published"]),
              "link: %s" % q(s["url"]), "lang: %s" % s["lang"]]
        write(os.path.join(content, "sources", s["id"], "_index.md"), "---\n%s\n---\n%s" % ("\n".join(fm), s["body"]))
    # Hugo has no reverse relations: the generator computes them (in claimbase
    # this is the generator's work, so this favours Hugo slightly).
    path_of = {c["id"]: "/claims/%s/%s" % (c["folder"], c["id"]) for c in claims}
    inverse = {}
    for c in claims:
        for rel, inv in (("supports", "supported_by"), ("contradicts", "contradicted_by"), ("responds_to", "answered_by")):
            for t in c.get(rel, []):
                inverse.setdefault(t, {}).setdefault(inv, []).append(path_of[c["id"]])
    for c in claims:
        fm = ["title: %s" % q(c["claim"]), "date: %s" % full_date(c["date"]),
              "date_text: %s" % q(c["date"]), "url: /claims/%s/" % c["id"],
              "speakers: %s" % qlist(c["speaker"]), "sources: %s" % qlist([c["source"]]),
              "topics: %s" % qlist(c["topics"]), "kind: %s" % c["kind"], "status: %s" % c["status"]]
        for k in ("locator", "quote", "quote_lang", "translation", "origin", "resolves", "updated"):
            if k in c:
                fm.append("%s: %s" % (k, q(c[k])))
        if "figures" in c:
            fm += fig_lines(c["figures"])
        for rel in ("supports", "contradicts", "responds_to"):
            if rel in c:
                fm.append("%s: %s" % (rel, qlist([path_of[t] for t in c[rel]])))
        for inv, ids in sorted(inverse.get(c["id"], {}).items()):
            fm.append("%s: %s" % (inv, qlist(ids)))
        write(os.path.join(content, "claims", c["folder"], c["id"] + ".md"), "---\n%s\n---\n%s" % ("\n".join(fm), c["body"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", choices=["claimbase", "claimbase-zh", "hugo"], default="claimbase")
    a = ap.parse_args()
    if a.claims < 30:
        sys.exit("--claims must be at least 30 (so every one of the 30 topics is used)")
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    data = Gen(a.seed, a.claims).build()
    if a.format.startswith("claimbase"):
        write_claimbase(a.out, *data, a.claims, translate=a.format == "claimbase-zh")
    else:
        write_hugo(a.out, *data, a.claims)


if __name__ == "__main__":
    main()
