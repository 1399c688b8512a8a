//! The persistent link cache: `.daybook-cache.json` at the repository root by
//! default, meant to be kept between CI runs with actions/cache.
//!
//! Only successes are trusted: a link that was alive recently is very likely
//! alive now, while a failure must be confirmed by asking again. Failures are
//! still remembered, as a hint: a link that failed last time is asked with GET
//! straight away, without the HEAD that would only be confirmed by a GET anyway. Each entry's
//! age limit is spread over the last quarter of `cache_max_age` (by a stable hash
//! of the URL) so that a repository checked in one go does not re-check every
//! link on the same later run. The file is replaced atomically (temporary file
//! in the same folder, then rename): a killed run leaves the previous cache
//! intact, and a corrupt file is reported and ignored, never fatal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Bumped when the layout changes; an old file is then ignored.
const VERSION: u32 = 1;

/// A cache of a large repository is a few MB; past this it is not one.
const MAX_CACHE_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// When the answer was seen, in seconds since the Unix epoch.
    pub(crate) checked: i64,
    /// The link was alive. Only these entries answer for the network.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub(crate) ok: bool,
    pub(crate) status: Option<u16>,
    /// Where the redirects ended, when they went somewhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) final_url: Option<String>,
    /// Fragments the page was seen to define.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) anchors: Vec<String>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    /// Hash of the settings that change verdicts: entries made under others are not trusted.
    fingerprint: String,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug)]
pub(crate) struct Cache {
    path: PathBuf,
    max_age: Duration,
    fingerprint: String,
    entries: BTreeMap<String, Entry>,
    /// Why the file on disk was not used, for a warning.
    pub(crate) warning: Option<String>,
}

impl Cache {
    /// An empty cache saved to `path`, whatever that file holds now.
    pub(crate) fn empty(path: &Path, max_age: Duration, fingerprint: &str) -> Cache {
        Cache {
            path: path.to_path_buf(),
            max_age,
            fingerprint: fingerprint.to_string(),
            entries: BTreeMap::new(),
            warning: None,
        }
    }

    /// Load `path` (a missing file is an empty cache; a corrupt, oversized or
    /// non-regular one too, with a warning).
    pub(crate) fn load(path: &Path, max_age: Duration, fingerprint: &str) -> Cache {
        let mut cache = Cache::empty(path, max_age, fingerprint);
        // Bounded, and never a FIFO or device: the file may be a pull request's.
        let bytes = match crate::util::jail::read_regular(path, MAX_CACHE_SIZE) {
            Ok(b) => b,
            Err(crate::util::jail::Refused::Missing) => return cache,
            Err(e) => {
                cache.warning = Some(format!(
                    "could not read the link cache {}: {e}; checking every link",
                    path.display()
                ));
                return cache;
            }
        };
        match serde_json::from_slice::<File>(&bytes) {
            Ok(f) if f.version == VERSION && f.fingerprint == fingerprint => cache.entries = f.entries,
            // Another version or other settings: start over, quietly; it is expected.
            Ok(_) => {}
            Err(e) => {
                cache.warning = Some(format!(
                    "ignoring the link cache {}: it is not a valid cache file ({e}); it will be rewritten",
                    path.display()
                ));
            }
        }
        cache
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A fresh success for `url`, if there is one.
    pub(crate) fn fresh(&self, url: &str, now: i64) -> Option<&Entry> {
        self.unexpired(url, now).filter(|e| e.ok)
    }

    /// Whether `url` failed when last checked (within the cache age).
    pub(crate) fn failed_before(&self, url: &str, now: i64) -> bool {
        self.unexpired(url, now).is_some_and(|e| !e.ok)
    }

    fn unexpired(&self, url: &str, now: i64) -> Option<&Entry> {
        let e = self.entries.get(url)?;
        let age = now.saturating_sub(e.checked);
        (age >= 0 && (age as f64) < self.limit_for(url)).then_some(e)
    }

    /// This URL's age limit in seconds: between 3/4 and all of `max_age`.
    fn limit_for(&self, url: &str) -> f64 {
        let spread = 0.75 + 0.25 * (fnv1a(url.as_bytes()) % 1000) as f64 / 1000.0;
        self.max_age.as_secs_f64() * spread
    }

    pub(crate) fn insert(&mut self, url: String, entry: Entry) {
        self.entries.insert(url, entry);
    }

    pub(crate) fn remove(&mut self, url: &str) {
        self.entries.remove(url);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drop expired entries and write the file atomically.
    pub(crate) fn save(&mut self, now: i64) -> std::io::Result<()> {
        let expired: Vec<String> =
            self.entries.keys().filter(|u| self.unexpired(u, now).is_none()).cloned().collect();
        for u in expired {
            self.entries.remove(&u);
        }
        let file = File {
            version: VERSION,
            fingerprint: self.fingerprint.clone(),
            entries: std::mem::take(&mut self.entries),
        };
        let result = write_atomically(&self.path, &file);
        self.entries = file.entries;
        result
    }
}

fn write_atomically(path: &Path, file: &File) -> std::io::Result<()> {
    let json = serde_json::to_vec(file).map_err(std::io::Error::other)?;
    crate::util::fs::write_atomic(path, &json).map_err(crate::util::fs::WriteError::into_io)
}

/// FNV-1a: stable across runs and platforms, unlike the std hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(checked: i64) -> Entry {
        Entry { checked, ok: true, status: Some(200), final_url: None, anchors: vec![] }
    }

    /// A cache linked to `/dev/zero` read until memory ran out; a FIFO hung.
    #[cfg(unix)]
    #[test]
    fn a_cache_that_is_no_regular_file_is_ignored_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("c.json");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        let p = fifo.clone();
        std::thread::spawn(move || tx.send(Cache::load(&p, Duration::from_secs(60), "fp").warning));
        let warning = rx.recv_timeout(Duration::from_secs(20)).expect("reading a FIFO hung").unwrap();
        assert!(warning.contains("named pipe"), "{warning}");
        let zero = Cache::load(Path::new("/dev/zero"), Duration::from_secs(60), "fp");
        assert!(zero.warning.unwrap().contains("device"));
        assert!(zero.entries.is_empty());
    }

    /// actions/cache saves the file from the runner's user, not from daybook's
    /// container user: it must not be owner-only like a fresh temporary file.
    #[cfg(unix)]
    #[test]
    fn saved_cache_gets_the_mode_of_a_normal_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "x").unwrap();
        let path = dir.path().join("c.json");
        let mut c = Cache::load(&path, Duration::from_secs(86_400), "fp");
        c.insert("https://a/".into(), entry(1_000_000));
        c.save(1_000_100).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&reference));
    }

    #[test]
    fn round_trip_and_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let day = Duration::from_secs(86_400);
        let mut c = Cache::load(&path, day, "fp");
        assert!(c.is_empty() && c.warning.is_none());
        c.insert("https://a/".into(), entry(1_000_000));
        c.insert("https://old/".into(), entry(0));
        c.save(1_000_100).unwrap();
        let c = Cache::load(&path, day, "fp");
        assert_eq!(c.len(), 1, "the expired entry is dropped on save");
        assert!(c.fresh("https://a/", 1_000_100).is_some());
        assert!(c.fresh("https://a/", 1_000_000 + 86_400).is_none(), "past max age");
        assert!(c.fresh("https://a/", 1_000_000 + 60_000).is_some(), "well within 3/4 of max age");
        // failures are remembered as hints, never as answers
        let mut c = c;
        c.insert("https://dead/".into(), Entry { ok: false, ..entry(1_000_000) });
        assert!(c.fresh("https://dead/", 1_000_100).is_none());
        assert!(c.failed_before("https://dead/", 1_000_100));
        assert!(!c.failed_before("https://a/", 1_000_100));
        // other settings: not trusted
        assert!(Cache::load(&path, day, "other").is_empty());
    }

    #[test]
    fn corrupt_file_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(&path, "{ not json").unwrap();
        let mut c = Cache::load(&path, Duration::from_secs(60), "fp");
        assert!(c.is_empty());
        assert!(c.warning.as_deref().unwrap().contains("not a valid cache file"));
        c.insert("https://a/".into(), entry(10));
        c.save(10).unwrap();
        assert_eq!(Cache::load(&path, Duration::from_secs(60), "fp").len(), 1);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }
}
