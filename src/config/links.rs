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
pub const WECHAT_HOST: &str = "mp.weixin.qq.com";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// Requests in flight at once, over all hosts (`--max-concurrency` overrides).
    pub max_concurrency: usize,
    /// Requests in flight at once to one host; `hosts.<host>.concurrency` overrides it per host.
    pub max_per_host: usize,
    /// Time allowed to resolve, connect and finish the TLS handshake.
    pub connect_timeout: HumanDuration,
    /// Time allowed for one request, from connecting to the last byte read (`--timeout` overrides).
    pub timeout: HumanDuration,
    /// Redirects followed before giving up (a loop is reported as soon as it is seen).
    pub max_redirects: usize,
    /// Retries after a timeout, a reset or refused connection, a 5xx or a 429.
    pub retries: u32,
    /// First retry delay; doubled at every retry, with jitter.
    pub retry_backoff: HumanDuration,
    /// Longest delay between two retries.
    pub retry_backoff_max: HumanDuration,
    /// Longest `Retry-After` honoured; a server asking for more is reported as unverified at once.
    pub retry_after_max: HumanDuration,
    /// Bytes of a body read for soft-404 rules and anchors.
    pub max_body_bytes: usize,
    /// Status codes that mean "alive": codes (`204`) or ranges (`"200-299"`).
    pub accept: Vec<StatusSpec>,
    /// Regexes: when not empty, only URLs matching one of them are checked.
    pub include: Vec<String>,
    /// Regexes: URLs matching one of them are never checked (wins over `include`).
    pub exclude: Vec<String>,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
    /// A success in the cache is trusted for this long (each URL's age is spread
    /// over the last quarter of it so re-checks do not all fall on one run).
    pub cache_max_age: HumanDuration,
    /// Check `#fragment`s of HTML pages against the page's `id`/`name` attributes.
    pub anchors: bool,
    /// Check github.com repository links through the GitHub REST API when a token is present.
    pub github_api: bool,
    /// Per-host settings, keyed by host name (`example.com`) or by `*.example.com`
    /// for every subdomain. Entries are merged over the built-in ones.
    #[serde(deserialize_with = "merge_default_hosts")]
    pub hosts: BTreeMap<String, HostConfig>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            max_concurrency: 64,
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

/// Settings for one host.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HostConfig {
    /// `head` (with a GET fallback when HEAD is refused) or `get`. Default: `head`,
    /// or `get` when the host has soft-404 rules or a link has an anchor to check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<MethodChoice>,
    /// Extra request headers, sent to this host only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Requests in flight at once to this host (default `max_per_host`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<usize>,
    /// Status codes that mean "alive" for this host (default: the global `accept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<Vec<StatusSpec>>,
    /// Check `#fragment`s on this host (default: the global `anchors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchors: Option<bool>,
    /// Rules that judge a page by its body (the first `max_body_bytes`), for sites that
    /// answer 200 to deleted pages. `unverified` rules are applied before `dead` ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub soft_404: Vec<SoftRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MethodChoice {
    Head,
    Get,
}

/// One soft-404 rule: when the body contains any of `phrases` (plain text) or matches
/// `pattern` (a regex), the link gets `verdict`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftRule {
    pub verdict: SoftVerdict,
    /// Plain phrases, any of which decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// A regex over the body (Rust `regex` syntax), for phrases that only count in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Shown in the diagnostic, e.g. "WeChat: deleted by the publisher".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SoftVerdict {
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
    pub fn range(&self) -> Result<(u16, u16), String> {
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
    pub const fn secs(s: u64) -> Self {
        HumanDuration(Duration::from_secs(s))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
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
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(n) => Ok(HumanDuration::secs(n)),
            Raw::Text(t) => HumanDuration::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

fn merge_default_hosts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, HostConfig>, D::Error> {
    let user = BTreeMap::<String, HostConfig>::deserialize(d)?;
    let mut hosts = default_hosts();
    hosts.extend(user);
    Ok(hosts)
}

/// The built-in per-host entries.
pub fn default_hosts() -> BTreeMap<String, HostConfig> {
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
    fn status_specs() {
        assert_eq!(StatusSpec::Code(403).range().unwrap(), (403, 403));
        assert_eq!(StatusSpec::Range("200-299".into()).range().unwrap(), (200, 299));
        assert_eq!(StatusSpec::Range("204".into()).range().unwrap(), (204, 204));
    }
}
