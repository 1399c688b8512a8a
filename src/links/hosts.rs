//! Per-host settings (`links.hosts`), compiled: headers parsed, soft-404
//! patterns built, `*.example.com` entries ordered for lookup.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use regex::Regex;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::settings::{InvalidLinks, ranges};
use crate::config::links::{HostConfig, MethodChoice, SoftVerdict};

/// Per-host settings, compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostRules {
    exact: HashMap<String, Arc<HostRule>>,
    /// `*.example.com` entries as (".example.com", rule), longest suffix first.
    wildcard: Vec<(String, Arc<HostRule>)>,
}

#[derive(Debug)]
pub(crate) struct HostRule {
    pub(super) method: Option<MethodChoice>,
    pub(super) headers: HeaderMap,
    pub(super) concurrency: Option<usize>,
    pub(super) accept: Option<Vec<(u16, u16)>>,
    pub(super) anchors: Option<bool>,
    /// Unverified rules first: an anti-robot page is never a verdict on the page.
    pub(super) soft: Vec<SoftMatcher>,
}

#[derive(Debug)]
pub(super) struct SoftMatcher {
    pub(super) verdict: SoftVerdict,
    phrases: Vec<String>,
    pattern: Option<Regex>,
    pub(super) reason: Option<String>,
}

impl SoftMatcher {
    /// The phrase (or the pattern's match) found in `body`.
    pub(super) fn find(&self, body: &str) -> Option<String> {
        if let Some(p) = self.phrases.iter().find(|p| body.contains(p.as_str())) {
            return Some(p.clone());
        }
        let m = self.pattern.as_ref()?.find(body)?;
        // Quote the tail of the match, which is where the deciding words are.
        let text: String = m.as_str().chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
        Some(crate::util::text::collapse_ws(&text))
    }
}

impl HostRules {
    /// Compile `links.hosts`; the error names the key at fault (`links.hosts.<host>...`).
    pub(crate) fn compile(hosts: &BTreeMap<String, HostConfig>) -> Result<Self, InvalidLinks> {
        let mut rules = HostRules::default();
        for (host, h) in hosts {
            let fail = |key: &[&str], msg: String| {
                let mut path = vec!["hosts", host.as_str()];
                path.extend_from_slice(key);
                InvalidLinks::at(&path, msg)
            };
            let bare = host.strip_prefix("*.").unwrap_or(host);
            if bare.is_empty() || bare.contains(['/', ':', '*', ' ']) {
                return Err(fail(
                    &[],
                    format!(
                        "links.hosts: `{host}` is not a host name; write `example.com` or `*.example.com`"
                    ),
                ));
            }
            let accept = match &h.accept {
                Some(specs) => Some(
                    ranges(specs)
                        .map_err(|e| fail(&["accept"], format!("links.hosts.{host}.accept: {e}")))?,
                ),
                None => None,
            };
            let mut headers = HeaderMap::new();
            for (name, value) in &h.headers {
                let k = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    fail(
                        &["headers", name],
                        format!("links.hosts.{host}.headers: `{name}` is not a header name"),
                    )
                })?;
                let v = HeaderValue::from_str(value).map_err(|_| {
                    fail(
                        &["headers", name],
                        format!("links.hosts.{host}.headers.{name}: not a valid header value"),
                    )
                })?;
                headers.insert(k, v);
            }
            let mut soft = Vec::new();
            for rule in &h.soft_404 {
                if rule.phrases.is_empty() && rule.pattern.is_none() {
                    return Err(fail(
                        &["soft_404"],
                        format!("links.hosts.{host}.soft_404: a rule needs `phrases` or a `pattern`"),
                    ));
                }
                let pattern = match &rule.pattern {
                    Some(p) => Some(Regex::new(p).map_err(|e| {
                        fail(&["soft_404"], format!("bad regex `{p}` in links.hosts.{host}.soft_404: {e}"))
                    })?),
                    None => None,
                };
                soft.push(SoftMatcher {
                    verdict: rule.verdict,
                    phrases: rule.phrases.clone(),
                    pattern,
                    reason: rule.reason.clone(),
                });
            }
            // Stable: rules of one verdict keep the order they were written in.
            soft.sort_by_key(|m| m.verdict != SoftVerdict::Unverified);
            let rule = Arc::new(HostRule {
                method: h.method,
                headers,
                concurrency: h.concurrency,
                accept,
                anchors: h.anchors,
                soft,
            });
            match host.strip_prefix("*.") {
                Some(suffix) => rules.wildcard.push((format!(".{}", suffix.to_ascii_lowercase()), rule)),
                None => {
                    rules.exact.insert(host.to_ascii_lowercase(), rule);
                }
            }
        }
        rules.wildcard.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Ok(rules)
    }

    pub(crate) fn get(&self, host: &str) -> Option<&Arc<HostRule>> {
        let host = host.to_ascii_lowercase();
        self.exact
            .get(&host)
            .or_else(|| self.wildcard.iter().find(|(s, _)| host.ends_with(s)).map(|(_, r)| r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::links::LinksConfig;

    #[test]
    fn host_rules_match_exact_then_wildcard() {
        let cfg: LinksConfig = yaml_serde::from_str(
            "hosts:\n  '*.example.com': {concurrency: 1}\n  a.example.com: {concurrency: 2}\n",
        )
        .unwrap();
        let rules = HostRules::compile(&cfg.hosts).unwrap();
        assert_eq!(rules.get("a.example.com").unwrap().concurrency, Some(2));
        assert_eq!(rules.get("B.example.com").unwrap().concurrency, Some(1));
        assert!(rules.get("example.com").is_none());
        assert!(!rules.get("mp.weixin.qq.com").unwrap().soft.is_empty());
    }

    #[test]
    fn wechat_rules_judge_bodies() {
        let rules = HostRules::compile(&LinksConfig::default().hosts).unwrap();
        let rule = rules.get("mp.weixin.qq.com").unwrap();
        let first = |body: &str| rule.soft.iter().find_map(|m| m.find(body).map(|f| (m.verdict, f)));
        assert_eq!(first("<div>该内容已被发布者删除</div>").unwrap().0, SoftVerdict::Dead);
        assert_eq!(first("<p>环境异常</p><p>完成验证后即可继续访问</p>").unwrap().0, SoftVerdict::Unverified);
        let (v, f) =
            first("<div class=\"weui-msg global_error_msg warn\">\n  <p>内容不存在</p>\n</div>").unwrap();
        assert_eq!(v, SoftVerdict::Dead);
        assert!(f.contains("内容不存在"), "{f}");
        // the generic words inside an article are not a verdict
        assert!(first("<div id=\"js_content\"><p>如果内容不存在就返回空</p></div>").is_none());
    }
}
