//! The `links:` section of daybook.yml: how the external link checker behaves.
//!
//! Durations are strings (`250ms`, `10s`, `5m`, `12h`, `3d`) so the same file
//! reads well for a 20-second timeout and a 3-day cache age. Per-host entries
//! (`hosts:`) are merged over the built-in ones: an entry you write replaces the
//! built-in entry of the same host, the other built-in entries stay.
//!
//! These are the settings as written. Checks that need compiling (regexes,
//! header names) are made by `links::LinkSettings::compile`, which the checker
//! then runs on.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Host of WeChat articles, which answer 200 for deleted pages.
pub(crate) const WECHAT_HOST: &str = "mp.weixin.qq.com";

/// External link checking: how many requests, how long to wait, what counts as alive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// Requests in flight at once, over all hosts, at most (`--max-concurrency` overrides).
    /// A run uses the sum of its hosts' limits (`max_per_host` or their own
    /// `concurrency`), capped by this and by half of the file descriptors left. 1 to 1024.
    #[schemars(range(min = 1, max = 1024))]
    pub max_concurrency: usize,
    /// Requests in flight at once to one host; `hosts.<host>.concurrency` overrides it per host.
    /// 1 to 1024.
    #[schemars(range(min = 1, max = 1024))]
    pub max_per_host: usize,
    /// Time allowed to resolve, connect and finish the TLS handshake. 1ms to 1h.
    pub(crate) connect_timeout: HumanDuration,
    /// Time allowed for one request, from connecting to the last byte read (`--timeout` overrides).
    /// 1ms to 1h.
    pub timeout: HumanDuration,
    /// Redirects followed before giving up (a loop is reported as soon as it is seen). 0 to 100.
    #[schemars(range(min = 0, max = 100))]
    pub max_redirects: usize,
    /// Retries after a timeout, a reset or refused connection, a 5xx or a 429. 0 to 20.
    #[schemars(range(min = 0, max = 20))]
    pub retries: u32,
    /// First retry delay; doubled at every retry, with jitter. 0 to 1h.
    pub(crate) retry_backoff: HumanDuration,
    /// Longest delay between two retries. 0 to 1h.
    pub(crate) retry_backoff_max: HumanDuration,
    /// Longest `Retry-After` honoured; a server asking for more is reported as unverified at once.
    /// 0 to 1h.
    pub(crate) retry_after_max: HumanDuration,
    /// Bytes of a body read for soft-404 rules and anchors. 0 to 67108864 (64 MiB).
    #[schemars(range(min = 0, max = 67_108_864))]
    pub(crate) max_body_bytes: usize,
    /// Status codes that mean "alive": codes (`204`) or ranges (`"200-299"`).
    pub accept: Vec<StatusSpec>,
    /// Regexes: when not empty, only URLs matching one of them are checked.
    pub(crate) include: Vec<String>,
    /// Regexes: URLs matching one of them are never checked (wins over `include`).
    pub(crate) exclude: Vec<String>,
    /// The `User-Agent` header sent with every request.
    pub(crate) user_agent: String,
    /// A success in the cache is trusted for this long (each URL's age is spread
    /// over the last quarter of it so re-checks do not all fall on one run). 0 to 365d.
    pub(crate) cache_max_age: HumanDuration,
    /// Check `#fragment`s of HTML pages against the page's `id`/`name` attributes.
    pub(crate) anchors: bool,
    /// Check github.com repository links through the GitHub REST API when a token is present.
    pub(crate) github_api: bool,
    /// Per-host settings, keyed by host name (`example.com`) or by `*.example.com`
    /// for every subdomain. Entries are merged over the built-in ones.
    #[serde(deserialize_with = "merge_default_hosts")]
    pub(crate) hosts: BTreeMap<String, HostConfig>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            max_concurrency: 256,
            max_per_host: 8,
            connect_timeout: HumanDuration::secs(10),
            timeout: HumanDuration::secs(20),
            max_redirects: 10,
            retries: 3,
            retry_backoff: HumanDuration::secs(1),
            retry_backoff_max: HumanDuration::secs(20),
            retry_after_max: HumanDuration::secs(60),
            max_body_bytes: 256 * 1024,
            accept: vec![StatusSpec::Range("200-299".into())],
            include: Vec::new(),
            exclude: Vec::new(),
            user_agent: concat!(
                "daybook/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/daybook-rs/daybook)"
            )
            .into(),
            cache_max_age: HumanDuration::secs(3 * 86_400),
            anchors: true,
            github_api: true,
            hosts: default_hosts(),
        }
    }
}

/// The documented range of every number in `links:`; [`LinksConfig::check_ranges`]
/// enforces them. Past these a value is a mistake (a 2-hour timeout, a million
/// requests in flight), and far past them it reaches limits of the machinery
/// (tokio refuses a semaphore of more than 2^61 permits, `Instant + Duration` overflows).
pub(crate) mod range {
    use std::time::Duration;

    /// `max_concurrency`, `max_per_host`, `hosts.<host>.concurrency` (and `--max-concurrency`):
    /// far more sockets than a CI runner's 1024 file descriptors would allow anyway.
    pub(crate) const CONCURRENCY: (usize, usize) = (1, 1024);
    /// `timeout`, `connect_timeout` (and `--timeout`, in whole seconds).
    pub(crate) const TIMEOUT: (Duration, Duration) = (Duration::from_millis(1), Duration::from_secs(3600));
    pub(crate) const MAX_REDIRECTS: usize = 100;
    pub(crate) const RETRIES: u32 = 20;
    /// `retry_backoff`, `retry_backoff_max`, `retry_after_max`.
    pub(crate) const RETRY_DELAY: Duration = Duration::from_secs(3600);
    pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
    pub(crate) const CACHE_MAX_AGE: Duration = Duration::from_secs(365 * 86_400);
}

/// A value of `links:` outside its range: the key path (`["links", "hosts",
/// "a.org", "concurrency"]`, for the error's line) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutOfRange {
    pub(crate) key: Vec<String>,
    pub(crate) message: String,
}

impl LinksConfig {
    /// Check every number against [`range`]; the first one outside is reported.
    pub(crate) fn check_ranges(&self) -> Result<(), OutOfRange> {
        let fail = |key: &[&str], message: String| {
            let key: Vec<String> =
                std::iter::once("links").chain(key.iter().copied()).map(String::from).collect();
            Err(OutOfRange { key, message })
        };
        let (lo, hi) = range::CONCURRENCY;
        for (key, n) in [("max_concurrency", self.max_concurrency), ("max_per_host", self.max_per_host)] {
            if !(lo..=hi).contains(&n) {
                return fail(&[key], format!("links.{key} is {n}; it must be {lo} to {hi}"));
            }
        }
        for (host, h) in &self.hosts {
            if let Some(n) = h.concurrency.filter(|n| !(lo..=hi).contains(n)) {
                let msg = format!("links.hosts.{host}.concurrency is {n}; it must be {lo} to {hi}");
                return fail(&["hosts", host, "concurrency"], msg);
            }
        }
        let (short, long) = range::TIMEOUT;
        for (key, d) in [("connect_timeout", self.connect_timeout), ("timeout", self.timeout)] {
            if d.0 < short || d.0 > long {
                let msg =
                    format!("links.{key} is {d}; it must be more than 0 and at most {}", HumanDuration(long));
                return fail(&[key], msg);
            }
        }
        let max = HumanDuration(range::RETRY_DELAY);
        for (key, d) in [
            ("retry_backoff", self.retry_backoff),
            ("retry_backoff_max", self.retry_backoff_max),
            ("retry_after_max", self.retry_after_max),
        ] {
            if d.0 > max.0 {
                return fail(&[key], format!("links.{key} is {d}; it must be at most {max}"));
            }
        }
        if self.cache_max_age.0 > range::CACHE_MAX_AGE {
            let (d, max) = (self.cache_max_age, HumanDuration(range::CACHE_MAX_AGE));
            return fail(&["cache_max_age"], format!("links.cache_max_age is {d}; it must be at most {max}"));
        }
        for (key, n, max) in [
            ("max_redirects", self.max_redirects, range::MAX_REDIRECTS),
            ("retries", self.retries as usize, range::RETRIES as usize),
            ("max_body_bytes", self.max_body_bytes, range::MAX_BODY_BYTES),
        ] {
            if n > max {
                return fail(&[key], format!("links.{key} is {n}; it must be 0 to {max}"));
            }
        }
        Ok(())
    }
}

/// Byte offset of the line of daybook.yml `text` that defines the nested key
/// `path` (`["links", "hosts", "*.example.com", "concurrency"]`), for error
/// spans. Block mappings are followed by indentation; where the path goes on in
/// a flow mapping (`hosts: {a.org: {...}}`) or a key is not written (a default),
/// the deepest key found is the answer, or 0.
pub(crate) fn locate(text: &str, path: &[String]) -> usize {
    if path.is_empty() {
        return 0;
    }
    let (mut found, mut depth) = (0, 0);
    // Indentation of the key matched last; lines at or left of it leave its mapping.
    let mut parent: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if parent.is_some_and(|p| indent <= p) {
            break;
        }
        let Some((key, _)) = trimmed.split_once(':') else { continue };
        let key = key.trim();
        let key = key
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
            .unwrap_or(key);
        let top = parent.is_none();
        if key == path[depth] && (!top || indent == 0) {
            found = start + indent;
            depth += 1;
            parent = Some(indent);
            if depth == path.len() {
                break;
            }
        }
    }
    found
}

/// Settings for one host.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct HostConfig {
    /// `head` (with a GET fallback when HEAD is refused) or `get`. Default: `head`,
    /// or `get` when the host has soft-404 rules or a link has an anchor to check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) method: Option<MethodChoice>,
    /// Extra request headers, sent to this host only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) headers: BTreeMap<String, String>,
    /// Requests in flight at once to this host (default `max_per_host`). 1 to 1024.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1024))]
    pub(crate) concurrency: Option<usize>,
    /// Status codes that mean "alive" for this host (default: the global `accept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) accept: Option<Vec<StatusSpec>>,
    /// Check `#fragment`s on this host (default: the global `anchors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) anchors: Option<bool>,
    /// Rules that judge a page by its body (the first `max_body_bytes`), for sites that
    /// answer 200 to deleted pages. `unverified` rules are applied before `dead` ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) soft_404: Vec<SoftRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MethodChoice {
    Head,
    Get,
}

/// One soft-404 rule: when the body contains any of `phrases` (plain text) or matches
/// `pattern` (a regex), the link gets `verdict`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SoftRule {
    /// What a match means: `dead` (a `dead-link` error) or `unverified` (an `unverified-link` warning).
    pub(crate) verdict: SoftVerdict,
    /// Plain phrases, any of which decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) phrases: Vec<String>,
    /// A regex over the body (Rust `regex` syntax), for phrases that only count in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pattern: Option<String>,
    /// Shown in the diagnostic, e.g. "WeChat: deleted by the publisher".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SoftVerdict {
    /// The page is gone: a `dead-link` error.
    Dead,
    /// The page is an anti-robot or rate-limit notice: an `unverified-link` warning.
    Unverified,
}

/// A status code (`403`) or an inclusive range (`"200-299"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusSpec {
    Code(u16),
    Range(String),
}

impl StatusSpec {
    /// The inclusive range this spec stands for.
    pub(crate) fn range(&self) -> Result<(u16, u16), String> {
        let parse = |s: &str| -> Result<u16, String> {
            let n: u16 = s.trim().parse().map_err(|_| format!("`{s}` is not a status code"))?;
            if (100..=599).contains(&n) { Ok(n) } else { Err(format!("{n} is not a status code (100-599)")) }
        };
        match self {
            StatusSpec::Code(c) => parse(&c.to_string()).map(|c| (c, c)),
            StatusSpec::Range(r) => match r.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (parse(a)?, parse(b)?);
                    if a > b { Err(format!("empty status range `{r}`")) } else { Ok((a, b)) }
                }
                None => parse(r).map(|c| (c, c)),
            },
        }
    }
}

/// A duration written as `250ms`, `10s`, `5m`, `12h` or `3d` (a bare number is seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub(crate) const fn secs(s: u64) -> Self {
        HumanDuration(Duration::from_secs(s))
    }

    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a duration; write e.g. `500ms`, `10s`, `5m`, `12h`, `3d`"))?;
        let secs = match unit.trim() {
            "ms" => n / 1000.0,
            "" | "s" => n,
            "m" => n * 60.0,
            "h" => n * 3600.0,
            "d" => n * 86_400.0,
            u => return Err(format!("unknown unit `{u}` in duration `{s}`; use ms, s, m, h or d")),
        };
        if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
            return Err(format!("duration `{s}` is out of range"));
        }
        Ok(HumanDuration(Duration::from_secs_f64(secs)))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        let (n, unit) = if !ms.is_multiple_of(1000) {
            (ms, "ms")
        } else if ms.is_multiple_of(86_400_000) && ms > 0 {
            (ms / 86_400_000, "d")
        } else if ms.is_multiple_of(3_600_000) && ms > 0 {
            (ms / 3_600_000, "h")
        } else if ms.is_multiple_of(60_000) && ms > 0 {
            (ms / 60_000, "m")
        } else {
            (ms / 1000, "s")
        };
        write!(f, "{n}{unit}")
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, not an untagged enum: a wrong value is then reported at
        // the value, with what a duration looks like, not as "no variant matched".
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = HumanDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration such as `500ms`, `10s`, `5m`, `12h` or `3d` (a bare number is seconds)",
                )
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<HumanDuration, E> {
                Ok(HumanDuration::secs(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<HumanDuration, E> {
                u64::try_from(n)
                    .map(HumanDuration::secs)
                    .map_err(|_| E::custom(format!("duration `{n}` is negative")))
            }
            fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<HumanDuration, E> {
                HumanDuration::parse(t).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

fn merge_default_hosts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, HostConfig>, D::Error> {
    let user = BTreeMap::<String, HostConfig>::deserialize(d)?;
    let mut hosts = default_hosts();
    hosts.extend(user);
    Ok(hosts)
}

/// The built-in per-host entries.
pub(crate) fn default_hosts() -> BTreeMap<String, HostConfig> {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let wechat = HostConfig {
        method: Some(MethodChoice::Get),
        // WeChat throttles bursts with an anti-robot page; 4 at a time stays under it.
        concurrency: Some(4),
        // Article links carry `#rd` / `#wechat_redirect`, which are not anchors.
        anchors: Some(false),
        soft_404: vec![
            SoftRule {
                verdict: SoftVerdict::Unverified,
                phrases: strings(&["环境异常", "完成验证", "安全验证", "验证码", "访问过于频繁"]),
                pattern: None,
                reason: Some("WeChat answered with an anti-robot page".into()),
            },
            SoftRule {
                verdict: SoftVerdict::Dead,
                phrases: strings(&[
                    "该内容已被发布者删除",
                    "此内容因违规无法查看",
                    "此内容因违规已删除",
                    "此帐号已注销",
                    "此账号已注销",
                    "该公众号已被封禁",
                    "该公众号已迁移",
                ]),
                pattern: None,
                reason: Some("WeChat says the article is gone".into()),
            },
            SoftRule {
                verdict: SoftVerdict::Dead,
                phrases: Vec::new(),
                // The generic notices only count inside WeChat's error element: a live
                // article may well contain these words in its text.
                pattern: Some(
                    r"global_error_msg[^>]*>(?:\s|<[^>]*>)*[^<]*(?:内容已删除|内容无法查看|链接已过期|内容不存在)".into(),
                ),
                reason: Some("WeChat says the article is gone".into()),
            },
        ],
        ..HostConfig::default()
    };
    BTreeMap::from([(WECHAT_HOST.to_string(), wechat)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> LinksConfig {
        yaml_serde::from_str(yaml).unwrap()
    }

    #[test]
    fn durations_parse_and_print() {
        for (text, ms) in
            [("250ms", 250), ("10s", 10_000), ("5m", 300_000), ("12h", 43_200_000), ("3d", 259_200_000)]
        {
            let d = HumanDuration::parse(text).unwrap();
            assert_eq!(d.0.as_millis(), ms, "{text}");
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(HumanDuration::parse("1.5s").unwrap().0.as_millis(), 1500);
        assert!(HumanDuration::parse("10 parsecs").is_err());
        assert!(HumanDuration::parse("soon").is_err());
        assert_eq!(parse("timeout: 7").timeout, HumanDuration::secs(7));
    }

    #[test]
    fn user_hosts_merge_over_built_in_ones() {
        let c = parse("hosts:\n  example.com:\n    concurrency: 2\n");
        assert_eq!(c.hosts["example.com"].concurrency, Some(2));
        assert!(!c.hosts[WECHAT_HOST].soft_404.is_empty(), "the WeChat rule stays");
        let c = parse("hosts:\n  mp.weixin.qq.com: {}\n");
        assert!(c.hosts[WECHAT_HOST].soft_404.is_empty(), "an entry replaces the built-in one");
    }

    #[test]
    fn defaults_round_trip() {
        let yaml = yaml_serde::to_string(&LinksConfig::default()).unwrap();
        assert_eq!(parse(&yaml), LinksConfig::default());
    }

    #[test]
    fn locate_follows_the_key_path_through_block_mappings() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let text = "rules:\n  timeout: off\nlinks:\n  # hosts: no\n  timeout: 1s\n  hosts:\n    b.org:\n      \
                    concurrency: 1\n    \"*.a.org\":\n      accept: [200]\n      concurrency: 0\n";
        let line = |p: &[&str]| text[..locate(text, &path(p))].matches('\n').count() + 1;
        assert_eq!(line(&["links", "timeout"]), 5, "not the one under `rules`");
        assert_eq!(line(&["links", "hosts", "*.a.org", "concurrency"]), 11);
        assert_eq!(line(&["links", "hosts", "b.org", "concurrency"]), 8);
        assert_eq!(line(&["links", "hosts", "c.org", "concurrency"]), 6, "the deepest key written");
        assert_eq!(line(&["links", "max_per_host"]), 3);
        let flow = "links: {hosts: {a.org: {concurrency: 0}}}\n";
        assert_eq!(locate(flow, &path(&["links", "hosts", "a.org"])), 0);
    }

    #[test]
    fn numbers_out_of_range_name_their_key() {
        let key = |yaml: &str| parse(yaml).check_ranges().unwrap_err().key.join(".");
        assert_eq!(key("max_concurrency: 18446744073709551615"), "links.max_concurrency");
        assert_eq!(key("hosts: {a.org: {concurrency: 1025}}"), "links.hosts.a.org.concurrency");
        assert_eq!(key("timeout: 0ms"), "links.timeout");
        assert_eq!(key("retry_after_max: 2h"), "links.retry_after_max");
        assert_eq!(key("cache_max_age: 366d"), "links.cache_max_age");
        assert_eq!(key("retries: 21"), "links.retries");
        assert!(LinksConfig::default().check_ranges().is_ok());
        let err = yaml_serde::from_str::<LinksConfig>("timeout: -5").unwrap_err().to_string();
        assert!(err.contains("negative"), "{err}");
        let err = yaml_serde::from_str::<LinksConfig>("timeout: 1.5").unwrap_err().to_string();
        assert!(err.contains("a duration such as"), "{err}");
    }

    #[test]
    fn status_specs() {
        assert_eq!(StatusSpec::Code(403).range().unwrap(), (403, 403));
        assert_eq!(StatusSpec::Range("200-299".into()).range().unwrap(), (200, 299));
        assert_eq!(StatusSpec::Range("204".into()).range().unwrap(), (204, 204));
    }
}
