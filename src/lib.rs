//! claimbase turns a folder of Markdown claim files into a cross-linked
//! static website of claims: who said what, when, and where it is recorded.
//!
//! A build is one pipeline, a module per stage, each taking values and
//! returning values:
//!
//! 1. [`load`]: walk the content root and read the files: content, the
//!    sources' archived texts and the site's own templates (the only reads).
//! 2. [`parse`]: front matter and Markdown into typed records with positions.
//! 3. [`validate`]: every rule of the format, all problems at once.
//! 4. [`graph`]: resolve ids, relations both ways, per-entity claim lists.
//! 5. [`render`]: graph and theme into output files, each handed on as
//!    soon as it is made; the search index is built beside the pages.
//! 6. [`write`](mod@write): the files onto disk, atomically (the only
//!    writes). A build renders straight into the staging folder, so the
//!    site is never held in memory whole; `serve` keeps it in memory.
//!
//! [`build`](mod@build) runs the stages in order for `build` and `check`;
//! [`serve`] runs them again on every save. [`config`] reads
//! `claimbase.toml`; [`diagnostics`] is the one error type every stage
//! reports with; [`text`] and [`sync`] are the small helpers they share;
//! [`scaffold`] writes new sites and files. [`deploy`] stands apart, at
//! the top: it reads a built output folder and publishes it.
//!
//! Imports go one way: a module uses only the modules below it, in this
//! order (written once, in `tests/stages.rs`, which checks it):
//! `diagnostics`, `sync` < `text` < `config` < `load` < `parse` <
//! `validate` < `graph` < `write` < `render` < `build` < `serve`,
//! `scaffold` < `deploy`. `write` knows only files and folders, so it sits below
//! `render`, which hands it each file as a [`write::OutputFile`].

pub mod build;
pub mod config;
pub mod deploy;
pub mod diagnostics;
pub mod graph;
pub mod load;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod sync;
pub mod text;
pub mod validate;
pub mod write;

pub use build::{
    BuildOptions, Checked, Failure, Report, build, check, check_cached, check_files, today,
};
