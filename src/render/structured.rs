//! schema.org structured data (JSON-LD) for each kind of page, escaped so
//! that no string can close the `<script>` element it is embedded in.

use serde_json::{Value, json};

use super::views::{ClaimView, SpeakerSummary};

/// JSON text that is safe inside `<script type="application/ld+json">`.
pub fn to_script_json(value: &Value) -> String {
    let text = serde_json::to_string(value).expect("serialisable");
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn person_or_org(s: &SpeakerSummary, absolute: &dyn Fn(&str) -> String) -> Value {
    let kind = if s.kind == "organisation" {
        "Organization"
    } else {
        "Person"
    };
    let mut v = json!({ "@type": kind, "name": s.name, "url": absolute(&s.url) });
    if !s.aliases.is_empty() {
        v["alternateName"] = json!(s.aliases);
    }
    v
}

/// A `Claim`, and a `ClaimReview` where the claim has a verdict.
pub fn claim_page(
    claim: &ClaimView,
    page_url: &str,
    language: &str,
    site_title: &str,
    absolute: &dyn Fn(&str) -> String,
) -> Value {
    let work = |s: &super::views::SourceSummary| {
        let kind = match s.kind {
            "article" | "post" => "Article",
            "book" => "Book",
            "report" => "Report",
            "dataset" => "Dataset",
            "talk" => "Event",
            _ => "CreativeWork",
        };
        let mut v = json!({ "@type": kind, "name": s.title, "url": s.url_external.clone().unwrap_or_else(|| absolute(&s.url)) });
        if let Some(outlet) = &s.outlet {
            v["publisher"] = json!({ "@type": "Organization", "name": outlet });
        }
        if let Some(p) = &s.published {
            v["datePublished"] = json!(p.iso);
        }
        if let Some(lang) = &s.lang {
            v["inLanguage"] = json!(lang);
        }
        v
    };
    let id = format!("{page_url}#claim");
    let mut graph = vec![json!({
        "@type": "Claim",
        "@id": id,
        "url": page_url,
        "text": claim.summary.claim,
        "inLanguage": language,
        "datePublished": claim.summary.date.iso,
        "author": claim.speakers_full.iter().map(|s| person_or_org(s, absolute)).collect::<Vec<_>>(),
        "appearance": work(&claim.source_full),
        "about": claim.summary.topics.iter().map(|t| json!({ "@type": "Thing", "name": t.name, "url": absolute(&t.url) })).collect::<Vec<_>>(),
    })];
    if let Some(origin) = &claim.origin {
        graph[0]["firstAppearance"] = work(origin);
    }
    if let Some(quote) = &claim.quote {
        graph[0]["description"] = json!(quote);
    }
    if matches!(claim.summary.status, "confirmed" | "refuted" | "mixed") {
        let (value, verdict) = match claim.summary.status {
            "confirmed" => (3, "True"),
            "mixed" => (2, "Mixed"),
            _ => (1, "False"),
        };
        graph.push(json!({
            "@type": "ClaimReview",
            "url": page_url,
            "claimReviewed": claim.summary.claim,
            "itemReviewed": { "@id": id },
            "author": { "@type": "Organization", "name": site_title },
            "reviewRating": { "@type": "Rating", "ratingValue": value, "bestRating": 3, "worstRating": 1, "alternateName": verdict },
        }));
    }
    json!({ "@context": "https://schema.org", "@graph": graph })
}

pub fn speaker_page(
    s: &SpeakerSummary,
    page_url: &str,
    absolute: &dyn Fn(&str) -> String,
) -> Value {
    let mut v = person_or_org(s, absolute);
    v["@context"] = json!("https://schema.org");
    v["@id"] = json!(format!("{page_url}#speaker"));
    v["url"] = json!(page_url);
    if let Some(role) = &s.role {
        v["jobTitle"] = json!(role);
    }
    if let Some(org) = &s.org {
        v[if s.kind == "organisation" {
            "parentOrganization"
        } else {
            "worksFor"
        }] = json!({ "@type": "Organization", "name": org.name, "url": absolute(&org.url) });
    }
    if let Some(url) = &s.url_external {
        v["sameAs"] = json!(url);
    }
    v
}

pub fn website(title: &str, description: &str, url: &str, language: &str) -> Value {
    json!({ "@context": "https://schema.org", "@type": "WebSite", "name": title, "description": description, "url": url, "inLanguage": language })
}

pub fn web_page(kind: &str, title: &str, url: &str, language: &str) -> Value {
    json!({ "@context": "https://schema.org", "@type": kind, "name": title, "url": url, "inLanguage": language })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let text = to_script_json(&json!({ "text": "</script><script>alert(1)</script>" }));
        assert!(!text.contains("</script"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["text"], "</script><script>alert(1)</script>");
    }
}
