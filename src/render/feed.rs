//! Atom feeds (site, per topic, per speaker), the sitemap and robots.txt.
//! Written by hand with escaping, so their bytes are stable build to build.

use std::cmp::Reverse;
use std::fmt::Write;

use super::chart::escape;
use super::i18n::{tr, tr_with};
use super::views::{ViewContext, claim_path};
use crate::config::Config;
use crate::graph::Graph;
use crate::parse::PartialDate;

/// How many claims a feed carries.
const FEED_SIZE: usize = 50;

/// An RFC 3339 timestamp for a partial date (its first day, midnight UTC).
pub fn timestamp(date: &PartialDate) -> String {
    format!("{}T00:00:00Z", date.first_day())
}

/// A claim's last change: `updated` when given, else its date.
pub fn changed(graph: &Graph, i: usize) -> PartialDate {
    let c = &graph.claims[i];
    c.updated.unwrap_or(c.date).max(c.date)
}

/// A claim's place in a feed, smallest first: see [`FeedSpec::entries`].
/// Claims are in (date, id) order, so among equal dates the index is the
/// id order.
fn feed_key(graph: &Graph, i: usize) -> (Reverse<PartialDate>, Reverse<PartialDate>, usize) {
    (Reverse(changed(graph, i)), Reverse(graph.claims[i].date), i)
}

pub struct FeedSpec<'a> {
    /// Path of the feed below the base: `feed.xml`, `topics/x/feed.xml`.
    pub path: String,
    pub title: String,
    /// Path of the HTML page the feed belongs to.
    pub page: String,
    pub claims: &'a [usize],
}

impl FeedSpec<'_> {
    /// The claims the feed shows: the newest first, by the date they
    /// last changed, then by their own date, newest first, then by id (so
    /// claims of one month keep their id order, not its reverse).
    pub fn entries(&self, graph: &Graph) -> Vec<usize> {
        // Each claim's key once, then the newest FEED_SIZE in linear time
        // and only those sorted: the site's feed chooses from every claim
        // on each rebuild.
        let mut keyed: Vec<_> = self.claims.iter().map(|&i| feed_key(graph, i)).collect();
        if keyed.len() > FEED_SIZE {
            keyed.select_nth_unstable(FEED_SIZE);
            keyed.truncate(FEED_SIZE);
        }
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, _, i)| i).collect()
    }
}

pub fn atom_feed(
    graph: &Graph,
    cx: &ViewContext<'_>,
    config: &Config,
    spec: &FeedSpec<'_>,
    entries: &[usize],
) -> Vec<u8> {
    let absolute = config.absolute_base();
    let url = |path: &str| match &absolute {
        Some(base) => format!("{base}{path}"),
        None => format!("{}{path}", cx.base),
    };
    let id = |path: &str| match &absolute {
        Some(base) => format!("{base}{path}"),
        None => format!(
            "urn:claimbase:{}",
            path.trim_end_matches('/').replace('/', ":")
        ),
    };
    let updated = entries.iter().map(|&i| changed(graph, i)).max();
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&config.language)
    );
    let _ = writeln!(xml, "  <title>{}</title>", escape(&spec.title));
    if !config.description.is_empty() {
        let _ = writeln!(
            xml,
            "  <subtitle>{}</subtitle>",
            escape(&config.description)
        );
    }
    let _ = writeln!(xml, "  <id>{}</id>", escape(&id(&spec.path)));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&url(&spec.path))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&url(&spec.page))
    );
    let _ = writeln!(
        xml,
        "  <updated>{}</updated>",
        updated
            .map(|d| timestamp(&d))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
    );
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape(&config.title)
    );
    let _ = writeln!(xml, "  <generator>claimbase</generator>");
    for &i in entries {
        let c = &graph.claims[i];
        let speakers: Vec<String> = c
            .speakers
            .iter()
            .map(|s| cx.speaker_ref(&s.value).name)
            .collect();
        let path = claim_path(&c.id);
        let _ = writeln!(xml, "  <entry>");
        let _ = writeln!(xml, "    <title>{}</title>", escape(&c.claim));
        let _ = writeln!(xml, "    <id>{}</id>", escape(&id(&path)));
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&url(&path))
        );
        let _ = writeln!(xml, "    <published>{}</published>", timestamp(&c.date));
        let _ = writeln!(
            xml,
            "    <updated>{}</updated>",
            timestamp(&changed(graph, i))
        );
        for name in &speakers {
            let _ = writeln!(xml, "    <author><name>{}</name></author>", escape(name));
        }
        for t in &c.topics {
            let _ = writeln!(
                xml,
                "    <category term=\"{}\" label=\"{}\"/>",
                escape(&t.value),
                escape(&cx.topic_ref(&t.value).name)
            );
        }
        let language = config.language.as_str();
        let mut date = c.date.display(language);
        if c.reported {
            date = tr_with(language, "feed_reported_date", &[("date", &date)]);
        }
        let speakers = speakers.join(tr(language, "list_separator"));
        let mut summary = tr_with(
            language,
            "feed_summary",
            // The statement last, so that no text of it is read as a field.
            &[
                ("date", &date),
                ("speakers", &speakers),
                ("claim", &c.claim),
            ],
        );
        if let Some(q) = &c.quote {
            let space = tr(language, "word_space");
            summary.push_str(&format!("{space}“{}”", q.value));
        }
        let _ = writeln!(xml, "    <summary>{}</summary>", escape(&summary));
        let _ = writeln!(xml, "  </entry>");
    }
    xml.push_str("</feed>\n");
    xml.into_bytes()
}

/// One `<url>` of the sitemap.
pub struct SitemapEntry {
    pub path: String,
    pub lastmod: Option<PartialDate>,
}

/// The sitemap, whose addresses must be absolute: none without an
/// absolute `base_url`.
pub fn sitemap(config: &Config, entries: &[SitemapEntry]) -> Option<Vec<u8>> {
    let base = config.absolute_base()?;
    // A site in several languages names each page's versions in the
    // others (`xhtml:link`, as search engines read them).
    let alternates: Vec<(String, String)> = if config.is_multilingual() {
        config
            .site_languages()
            .into_iter()
            .filter_map(|l| {
                let (_, absolute) = config.language_base(&l);
                Some((l, absolute?))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(if alternates.is_empty() {
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    } else {
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
    });
    for e in entries {
        let _ = write!(
            xml,
            "  <url><loc>{}</loc>",
            escape(&format!("{base}{}", e.path))
        );
        if let Some(d) = &e.lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", d.first_day());
        }
        for (language, language_base) in &alternates {
            let _ = write!(
                xml,
                "<xhtml:link rel=\"alternate\" hreflang=\"{language}\" href=\"{}\"/>",
                escape(&format!("{language_base}{}", e.path))
            );
        }
        if let Some((_, default_base)) = alternates.first() {
            let _ = write!(
                xml,
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                escape(&format!("{default_base}{}", e.path))
            );
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml.into_bytes())
}

/// robots.txt, naming the sitemap when there is one.
pub fn robots(config: &Config) -> Vec<u8> {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    for language in config.site_languages() {
        if let (_, Some(base)) = config.language_base(&language) {
            let _ = writeln!(robots, "Sitemap: {base}sitemap.xml");
        }
    }
    robots.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, InputFile};
    use crate::parse::parse_files;

    /// 130 claims over a few years, some updated later than others are
    /// dated, many on the same day: more than a feed carries.
    fn graph() -> Graph {
        let mut files = vec![
            InputFile::in_content(FileKind::Speaker, "xu-li", "---\nname: Xu Li\n---\n"),
            InputFile::in_content(FileKind::Source, "it-times", "---\ntitle: IT Times\n---\n"),
            InputFile::in_content(FileKind::Topic, "compute", "---\ntitle: Compute\n---\n"),
        ];
        for k in 0..130 {
            let updated = if k % 7 == 0 {
                format!("updated: 2026-0{}-1{}\n", 1 + k % 9, k % 10)
            } else {
                String::new()
            };
            let date = match k % 3 {
                0 => format!("{}", 2020 + k % 5),
                1 => format!("{}-0{}", 2020 + k % 5, 1 + k % 9),
                _ => format!("{}-0{}-0{}", 2020 + k % 5, 1 + k % 9, 1 + k % 8),
            };
            files.push(InputFile::in_content(
                FileKind::Claim,
                &format!("c{k}"),
                &format!(
                    "---\nclaim: Claim {k}.\nspeaker: xu-li\ndate: {date}\n{updated}\
                     source: it-times\ntopics: [compute]\nkind: opinion\n---\n"
                ),
            ));
        }
        let (records, diagnostics) = parse_files(&files);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        crate::graph::link(records, false)
    }

    #[test]
    fn a_feed_carries_its_newest_claims_newest_first() {
        let graph = graph();
        let all: Vec<usize> = (0..graph.claims.len()).collect();
        let odd: Vec<usize> = all.iter().copied().filter(|i| i % 2 == 1).collect();
        let few: Vec<usize> = all[..12].to_vec();
        for claims in [&all, &odd, &few] {
            let spec = FeedSpec {
                path: "feed.xml".into(),
                title: "T".into(),
                page: String::new(),
                claims,
            };
            let entries = spec.entries(&graph);
            // By sorting them all.
            let mut sorted = claims.to_vec();
            sorted.sort_by_key(|&i| feed_key(&graph, i));
            sorted.truncate(FEED_SIZE);
            assert_eq!(entries, sorted);
            assert_eq!(entries.len(), claims.len().min(FEED_SIZE));
            // The updated claims lead.
            assert!(graph.claims[entries[0]].updated.is_some());
        }
    }
}
