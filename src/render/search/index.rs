//! Pagefind over the records: two bundles, one per tokenizer.

use std::borrow::Borrow;

use super::{BUNDLE, BUNDLE_ZH, SearchRecord};
use crate::diagnostics::{Diagnostic, Pos};
use crate::write::OutputFile;

/// The two Pagefind bundles for `records`, as output files.
pub fn index_files<R>(records: &[R]) -> Result<Vec<OutputFile>, String>
where
    R: Borrow<SearchRecord> + Sync,
{
    // Side by side: Pagefind indexes one record at a time under a lock, so
    // each bundle keeps one core busy. At 10,000 claims both together took
    // 12.0 s against 16.4 s one after the other, for 20% more peak memory
    // (2.4 GB against 2.0 GB: each index is held whole while it is built).
    let en = || index_bundle(records, "en", BUNDLE);
    let zh = || index_bundle(records, "zh", BUNDLE_ZH);
    let (en, zh) = if rayon::current_thread_index().is_some() {
        // In a thread pool (`serve` indexes in one of low priority): in
        // it, so that Pagefind's own parallel work stays there too.
        rayon::join(en, zh)
    } else {
        std::thread::scope(|scope| {
            let zh = scope.spawn(zh);
            let en = en();
            let zh = zh
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (en, zh)
        })
    };
    let mut files = en?;
    files.extend(zh?);
    Ok(files)
}

/// One bundle: the records indexed as `language`, written below `dir`.
/// Only what `assets/search.js` loads is kept: the index, its WebAssembly
/// and Pagefind's search API. Each bundle has its own copy of the API,
/// loaded as a module of its own: the API keeps one WebAssembly instance
/// per module, so two bundles queried through one module (English with its
/// stemmer, Chinese without) overwrite each other's and fail at random with
/// "memory access out of bounds". Pagefind's web worker (unused, see
/// `assets/search.js`) and ready-made UIs are left out.
fn index_bundle<R: Borrow<SearchRecord>>(
    records: &[R],
    language: &str,
    dir: &str,
) -> Result<Vec<OutputFile>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .keep_index_url(true)
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            let record = record.borrow();
            index
                .add_custom_record(
                    record.url.clone(),
                    record.content.clone(),
                    language.to_string(),
                    Some(record.meta.clone()),
                    Some(record.filters.clone()),
                    Some(record.sort.clone()),
                )
                .await
                .map_err(|e| format!("{}: {e}", record.url))?;
        }
        index.get_files().await.map_err(|e| e.to_string())
    })?;
    Ok(files
        .into_iter()
        .filter_map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            let keep = name.starts_with("index/")
                || name.starts_with("fragment/")
                || name.starts_with("filter/")
                || name.ends_with(".pf_meta")
                || name == "pagefind-entry.json"
                || name.starts_with("wasm.")
                || name == "pagefind.js";
            keep.then(|| OutputFile::new(format!("{dir}{name}"), file.contents))
        })
        .collect())
}

/// An indexing failure as a diagnostic (Pagefind reports no position).
pub fn index_diagnostic(message: String) -> Diagnostic {
    Diagnostic::error("(search index)", Pos::START, message)
        .with_help("this is a bug in claimbase or Pagefind; please report it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::fixture::{graph, records};

    #[test]
    fn index_files_make_two_bundles_the_same_on_every_build() {
        let g = graph();
        let records = records(&g, "en");
        let files = index_files(&records).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for path in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
            "pagefind/zh/pagefind-entry.json",
            "pagefind/zh/wasm.unknown.pagefind",
            "pagefind/zh/pagefind.js",
        ] {
            assert!(paths.contains(&path), "{path} missing from {paths:?}");
        }
        assert!(!paths.iter().any(|p| p.contains("-ui")), "{paths:?}");
        assert!(!paths.iter().any(|p| p.ends_with("pagefind-worker.js")));
        for (entry, language) in [
            ("pagefind/pagefind-entry.json", "en"),
            ("pagefind/zh/pagefind-entry.json", "zh"),
        ] {
            let bytes = &files.iter().find(|f| f.path == entry).unwrap().bytes;
            let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let languages = json["languages"].as_object().unwrap();
            assert_eq!(languages.keys().collect::<Vec<_>>(), [language]);
            // Two claims, two speakers, two sources and two topics.
            assert_eq!(languages[language]["page_count"], 8);
        }
        let mut files = files;
        let mut again = index_files(&records).unwrap();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        again.sort_by(|a, b| a.path.cmp(&b.path));
        let differ: Vec<&str> = files
            .iter()
            .zip(&again)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.path.as_str())
            .collect();
        assert_eq!(files.len(), again.len());
        assert!(differ.is_empty(), "not reproducible: {differ:?}");
    }
}
