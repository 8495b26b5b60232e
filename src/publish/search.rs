//! Full-text search with Pagefind: an index split into small content-hashed chunks that
//! the browser loads on demand, so a first query never downloads the whole index.
//!
//! Pages are indexed from their rendered HTML, so the theme decides what is searchable
//! (`data-pagefind-body`) and which filters exist (`data-pagefind-filter`, here the
//! collection). The bundle goes to `pagefind/` in the output.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use thiserror::Error;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::Output;
use crate::resolve::Graph;

/// The folder of the search bundle inside the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// A failure of the search indexer.
#[derive(Debug, Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

fn fail(e: impl std::fmt::Display) -> Diagnostics {
    Diagnostic::content("site.yaml", None, SearchError(e.to_string()))
        .with_hint(Some(
            "set `search: false` in site.yaml to build without a search index".into(),
        ))
        .into()
}

/// Indexes every page of a node and adds the Pagefind bundle to `output`.
pub fn add_search_index(
    config: &Config,
    graph: &Graph,
    output: &mut Output,
) -> Result<(), Diagnostics> {
    let pages: Vec<(String, String)> = graph
        .nodes
        .iter()
        .filter_map(|node| {
            let path = format!("{}index.html", node.site_path);
            let html = output.files.get(&path)?;
            Some((path, String::from_utf8_lossy(html).into_owned()))
        })
        .collect();
    let options = PagefindServiceConfig::builder()
        .force_language(config.site.language.clone())
        .keep_index_url(false)
        .build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(fail)?;
    let files = runtime.block_on(async move {
        let mut index = PagefindIndex::new(Some(options)).map_err(fail)?;
        for (path, html) in pages {
            index
                .add_html_file(Some(path), None, html)
                .await
                .map_err(fail)?;
        }
        index.get_files().await.map_err(fail)
    })?;
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        let name = name.trim_start_matches('/');
        let path = if name.starts_with(&format!("{BUNDLE_DIR}/")) {
            name.to_string()
        } else {
            format!("{BUNDLE_DIR}/{name}")
        };
        output.files.entry(path).or_insert(file.contents);
    }
    Ok(())
}
