//! Site-absolute paths in the source of a static site. In a repository that
//! Hugo, Docusaurus, Jekyll, MkDocs, Astro or Gatsby build, a note's
//! `/images/a.png` is an address on the built site, not a path from the
//! repository root: Hugo and Docusaurus serve `static/` at the site's root,
//! Astro and Gatsby `public/`, MkDocs its `docs/`, Jekyll the repository
//! itself; and `/about/` or `/docs/intro` is a page the generator writes,
//! which no file of the repository is named.
//!
//! So a site-absolute file is looked for in the folders the generator serves,
//! and a page address (no file extension, or `.html`, `.xml`) is not checked.
//! The README is GitHub's, not the site's: its `/` stays the repository root.

use std::path::Path;

use super::{Found, FsIndex};

/// The folders a repository's static-site generator serves at the site's root,
/// when the repository is a site's source.
#[derive(Debug, Default)]
pub(crate) struct Site {
    /// `static`, `public`, `docs`; `""` for the repository root. Empty: no site.
    served: Vec<&'static str>,
}

/// What a site-absolute path that is no file from the repository root is.
pub(crate) enum Verdict {
    /// A file in a folder the generator serves, or a page address: no finding.
    Fine,
    /// A file in none of them: the help to give.
    Missing(String),
}

impl Site {
    /// The site whose generator's config file sits at `root`, if any.
    pub(crate) fn detect(root: &Path) -> Self {
        let has = |names: &[&str]| names.iter().any(|n| root.join(n).is_file());
        let mut served = Vec::new();
        let hugo = has(&["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"])
            || (has(&["config.toml"]) && root.join("content").is_dir());
        if hugo || has(&["docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs"]) {
            served.push("static");
        }
        if has(&[
            "astro.config.mjs",
            "astro.config.ts",
            "astro.config.js",
            "gatsby-config.js",
            "gatsby-config.ts",
        ]) {
            served.push("public");
        }
        if has(&["mkdocs.yml", "mkdocs.yaml"]) {
            served.push("docs");
        }
        if has(&["_config.yml", "_config.yaml", ".eleventy.js", "eleventy.config.js"]) {
            served.push("");
        }
        Site { served }
    }

    /// `None` when the link is not the site's (no site, or the root README's link):
    /// then `/` is the repository root as usual.
    pub(crate) fn verdict(&self, fs: &FsIndex, from: &str, parts: &[&str]) -> Option<Verdict> {
        if self.served.is_empty() || from.eq_ignore_ascii_case("README.md") {
            return None;
        }
        for dir in &self.served {
            let mut p: Vec<&str> = if dir.is_empty() { Vec::new() } else { vec![dir] };
            p.extend_from_slice(parts);
            if !matches!(fs.lookup(&p), Found::Missing { .. }) {
                return Some(Verdict::Fine);
            }
        }
        let last = parts.last().copied().unwrap_or("");
        let page = match last.rsplit_once('.') {
            None => true,
            Some((_, ext)) => ["html", "htm", "xml"].iter().any(|e| ext.eq_ignore_ascii_case(e)),
        };
        if page {
            return Some(Verdict::Fine);
        }
        let dirs: Vec<String> = self
            .served
            .iter()
            .map(|d| if d.is_empty() { "the repository root".into() } else { format!("`{d}/`") })
            .collect();
        Some(Verdict::Missing(format!(
            "a leading `/` is the site's root: it is served from {}, where `{}` is not",
            dirs.join(" and "),
            parts.join("/")
        )))
    }
}
