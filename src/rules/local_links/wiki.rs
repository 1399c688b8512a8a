//! Wiki links resolved as Obsidian resolves them: `[[Note]]` names a file
//! `Note.md` anywhere in the repository (case-insensitively; the one in the
//! linking note's folder first, then the shortest path), `[[folder/Note]]` a
//! path ending so, `[[image.png]]` a file by its whole name; `#Heading` is
//! checked against the target's headings, `[[#Heading]]` against the note's own.
//! A Logseq namespace page `[[Rust/Traits]]` is the file `Rust___Traits.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every file of the repository by lowercase name and by lowercase path
/// without `.md`, built on the first wiki link of a run.
#[derive(Debug)]
pub(crate) struct WikiIndex {
    root: PathBuf,
    files: OnceLock<Files>,
}

#[derive(Debug, Default)]
struct Files {
    /// `garden` (for `Garden.md`) and `image.png` -> paths.
    by_name: HashMap<String, Vec<String>>,
    /// `pages/garden` -> path, for targets holding a folder.
    paths: Vec<(String, String)>,
}

impl WikiIndex {
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        WikiIndex { root: root.into(), files: OnceLock::new() }
    }

    fn files(&self) -> &Files {
        self.files.get_or_init(|| list(&self.root))
    }

    /// The repository path `target` (as written, without `#heading`) names
    /// from a note in folder `from_dir`.
    pub(crate) fn resolve(&self, target: &str, from_dir: &str) -> Option<String> {
        let t = target.trim().trim_start_matches("./").to_lowercase();
        let files = self.files();
        let t_md = t.strip_suffix(".md").unwrap_or(&t).to_owned();
        if t.contains('/') {
            let rel = if from_dir.is_empty() {
                t_md.clone()
            } else {
                format!("{}/{t_md}", from_dir.to_lowercase())
            };
            let ends = format!("/{t_md}");
            let mut hits: Vec<&String> = files
                .paths
                .iter()
                .filter(|(k, _)| *k == t_md || *k == rel || k.ends_with(&ends))
                .map(|(_, p)| p)
                .collect();
            hits.sort_by_key(|p| (p.len(), (*p).clone()));
            if let Some(hit) = hits.first() {
                return Some((*hit).clone());
            }
            // Logseq files the page `Rust/Traits` as `Rust___Traits.md` (older
            // graphs as `Rust%2FTraits.md`).
            return ["___", "%2f"].iter().find_map(|sep| {
                let mut c: Vec<&String> = files.by_name.get(&t_md.replace('/', sep))?.iter().collect();
                c.sort_by_key(|p| (p.len(), (*p).clone()));
                c.first().map(|p| (*p).clone())
            });
        }
        let candidates = files.by_name.get(&t_md).or_else(|| files.by_name.get(&t))?;
        let mut sorted: Vec<&String> = candidates.iter().collect();
        sorted.sort_by_key(|p| (super::parent_dir(p) != from_dir, p.len(), (*p).clone()));
        sorted.first().map(|p| (*p).clone())
    }
}

fn list(root: &Path) -> Files {
    let mut out = Files::default();
    let walker = ignore::WalkBuilder::new(root).require_git(false).follow_links(false).build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or(&rel).to_lowercase();
        let lower = rel.to_lowercase();
        match name.strip_suffix(".md") {
            Some(stem) => {
                out.by_name.entry(stem.to_owned()).or_default().push(rel.clone());
                out.paths.push((lower.strip_suffix(".md").unwrap_or(&lower).to_owned(), rel));
            }
            None => {
                out.by_name.entry(name).or_default().push(rel.clone());
                out.paths.push((lower, rel));
            }
        }
    }
    out
}
