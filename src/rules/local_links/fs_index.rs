//! A cached, case-exact view of the repository's directories: each directory
//! is listed once per run, and names are compared exactly (GitHub is
//! case-sensitive even when the disk is not).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// One directory's entries: name -> is a directory; and each name folded to
/// lower case (the first in name order for each folding), for suggestions.
#[derive(Debug, Default)]
struct DirListing {
    entries: BTreeMap<String, bool>,
    by_lower: HashMap<String, String>,
    /// (lower-cased name, its length in chars, the name)
    folded: Vec<(String, usize, String)>,
}

impl DirListing {
    fn new(entries: BTreeMap<String, bool>) -> Self {
        let mut by_lower = HashMap::new();
        let mut folded = Vec::with_capacity(entries.len());
        for name in entries.keys() {
            let lower = name.to_lowercase();
            by_lower.entry(lower.clone()).or_insert_with(|| name.clone());
            folded.push((lower.clone(), lower.chars().count(), name.clone()));
        }
        DirListing { entries, by_lower, folded }
    }
}

/// What a repository-relative path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    File,
    Dir,
    /// Does not exist. `suggestion`: an existing path that differs only in case
    /// or by a likely typo in its last missing component.
    Missing {
        suggestion: Option<String>,
    },
}

/// Cached, case-exact view of the repository's directories. Each directory is
/// read once per run however many links point into it.
#[derive(Debug)]
pub(crate) struct FsIndex {
    root: PathBuf,
    dirs: RwLock<HashMap<String, Option<Arc<DirListing>>>>,
}

impl FsIndex {
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        FsIndex { root: root.into(), dirs: RwLock::new(HashMap::new()) }
    }

    fn listing(&self, rel_dir: &str) -> Option<Arc<DirListing>> {
        if let Some(l) = self.dirs.read().unwrap_or_else(|e| e.into_inner()).get(rel_dir) {
            return l.clone();
        }
        let abs = if rel_dir.is_empty() { self.root.clone() } else { self.root.join(rel_dir) };
        let listing = std::fs::read_dir(&abs).ok().map(|rd| {
            let mut entries = BTreeMap::new();
            for e in rd.flatten() {
                // `metadata` follows symlinks: a broken link counts as missing.
                if let Ok(meta) = std::fs::metadata(e.path()) {
                    entries.insert(e.file_name().to_string_lossy().into_owned(), meta.is_dir());
                }
            }
            Arc::new(DirListing::new(entries))
        });
        self.dirs.write().unwrap_or_else(|e| e.into_inner()).insert(rel_dir.to_owned(), listing.clone());
        listing
    }

    /// Look up normalized components (no `.`/`..`), relative to the root.
    pub(crate) fn lookup(&self, components: &[&str]) -> Found {
        let mut dir = String::new();
        for (i, name) in components.iter().enumerate() {
            let last = i + 1 == components.len();
            let Some(listing) = self.listing(&dir) else {
                return Found::Missing { suggestion: None };
            };
            match listing.entries.get(*name) {
                Some(is_dir) if last => return if *is_dir { Found::Dir } else { Found::File },
                Some(true) => {}
                Some(false) => return Found::Missing { suggestion: None },
                None => {
                    let suggestion = close_name(name, &listing).map(|n| {
                        let mut p = dir.clone();
                        if !p.is_empty() {
                            p.push('/');
                        }
                        p.push_str(n);
                        for rest in &components[i + 1..] {
                            p.push('/');
                            p.push_str(rest);
                        }
                        p
                    });
                    // Only offer a correction that itself exists all the way down.
                    let suggestion = suggestion.filter(|s| {
                        let parts: Vec<&str> = s.split('/').collect();
                        !matches!(self.lookup(&parts), Found::Missing { .. })
                    });
                    return Found::Missing { suggestion };
                }
            }
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(name);
        }
        Found::Dir
    }
}

/// An entry that differs only in case, else the single closest name (a likely typo).
fn close_name<'a>(name: &str, listing: &'a DirListing) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(n) = listing.by_lower.get(&lower) {
        return Some(n);
    }
    // One edit for ordinary names: `0409.png` is not a typo of `0410.png`.
    let limit = (name.chars().count() / 8).max(1);
    let len = lower.chars().count();
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for (k_lower, k_len, k) in &listing.folded {
        // The distance is at least the difference in length.
        if k_len.abs_diff(len) > limit || differs_only_in_digits(name, k) {
            continue;
        }
        if !crate::suggest::spend((len.max(1) * (*k_len).max(1)) as u64) {
            return None;
        }
        let d = strsim::damerau_levenshtein(&lower, k_lower);
        if d > limit {
            continue;
        }
        match best {
            Some((bd, _)) if d > bd => {}
            Some((bd, _)) if d == bd => tie = true,
            _ => {
                best = Some((d, k.as_str()));
                tie = false;
            }
        }
    }
    // Two equally close names (0410.md vs 0401.md and 0411.md): guessing would mislead.
    if tie { None } else { best.map(|(_, n)| n) }
}

/// `1130.md` vs `1103.md`, `1101.png` vs `1102.png`: in a folder of dated files
/// these are different days, not typos of each other.
fn differs_only_in_digits(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fs_index_is_case_exact_and_suggests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes/202105/images")).unwrap();
        std::fs::write(dir.path().join("notes/202105/0510.md"), "").unwrap();
        std::fs::write(dir.path().join("notes/202105/0511.md"), "").unwrap();
        std::fs::write(dir.path().join("notes/202105/images/A.png"), "").unwrap();
        let fs = FsIndex::new(dir.path());
        assert_eq!(fs.lookup(&["notes", "202105", "0510.md"]), Found::File);
        assert_eq!(fs.lookup(&["notes", "202105"]), Found::Dir);
        assert_eq!(fs.lookup(&[]), Found::Dir);
        assert_eq!(
            fs.lookup(&["notes", "202105", "images", "a.png"]),
            Found::Missing { suggestion: Some("notes/202105/images/A.png".into()) }
        );
        assert_eq!(
            fs.lookup(&["notes", "202105", "05010.md"]),
            Found::Missing { suggestion: Some("notes/202105/0510.md".into()) }
        );
        // Another day's note is not a typo of this one.
        assert_eq!(fs.lookup(&["notes", "202105", "0512.md"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["notes", "202105", "0501.md"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["notes", "202105", "0510.md", "x"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["nope", "x.md"]), Found::Missing { suggestion: None });
    }
}
