//! Links: external http(s) checking.
//!
//! ```text
//! notes -> collect_targets (unique URLs, each with its citations)
//!       -> cache (fresh successes answered without a request)
//!       -> check::Checker (async, rate-limited, retried, redirects by hand)
//!       -> diagnostics (one per citing place)
//! ```
//!
//! [`check_external`] is what `daybook lint` calls; [`check_targets`] is the
//! internal API the tests drive directly.

pub mod cache;
pub mod check;
mod config;
pub mod net;
pub mod rules;

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::RegexSet;
use sha2::{Digest, Sha256};
use url::Url;

pub use check::{CheckOptions, GithubApi, Outcome, Request, Verdict};
pub use config::{
    HostConfig, HumanDuration, LinksConfig, MethodChoice, SoftRule, SoftVerdict, StatusSpec, WECHAT_HOST,
    default_hosts, validate_config,
};

use crate::cli::LinkCheckArgs;
use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::note::{LinkKind, Note, Span};

/// Default cache file, at the repository root.
pub const DEFAULT_CACHE_FILE: &str = ".daybook-cache.json";

/// What the external checker found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// One diagnostic per citing place of each dead/unverified/skipped URL.
    pub diagnostics: Vec<Diagnostic>,
    /// Unique URLs by verdict.
    pub tally: LinkTally,
}

/// Unique URLs by verdict.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LinkTally {
    pub ok: usize,
    pub dead: usize,
    pub unverified: usize,
    pub skipped: usize,
    /// Left out by `links.include` / `links.exclude`.
    pub excluded: usize,
    /// Answered by the cache.
    pub cached: usize,
    /// HTTP requests sent (hops and retries included).
    pub requests: u64,
}

impl LinkTally {
    pub fn unique(&self) -> usize {
        self.ok + self.dead + self.unverified + self.skipped
    }
}

/// One place a URL is cited.
#[derive(Debug, Clone)]
pub struct Citation {
    pub file: Arc<SourceFile>,
    /// The link destination's span.
    pub span: Span,
    /// The `#fragment` this citation points at, if any (percent-encoded, as written).
    pub fragment: Option<String>,
}

/// A unique URL (fragment removed) and everywhere it is cited.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub citations: Vec<Citation>,
}

/// Targets of `docs`, plus diagnostics for URLs that do not parse, plus how many
/// were excluded by config. Only http(s) URLs become targets.
pub fn collect_targets(docs: &[Note], cfg: &LinksConfig) -> (Vec<Target>, Vec<Diagnostic>, usize) {
    let include = RegexSet::new(&cfg.include).ok();
    let exclude = RegexSet::new(&cfg.exclude).ok();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut diags = Vec::new();
    let mut excluded = BTreeSet::new();
    for note in docs {
        for link in &note.links {
            let mut dest = normalize_dest(&link.dest, link.kind);
            // GFM extended autolinks: `www.example.com` is rendered as http://www.example.com.
            if link.kind == LinkKind::Autolink && dest.to_ascii_lowercase().starts_with("www.") {
                dest = format!("http://{dest}");
            }
            let Some(scheme) = scheme_of(&dest) else {
                continue; // relative: a local link, not ours
            };
            let candidate = if dest.starts_with("//") { format!("https:{dest}") } else { dest.clone() };
            match scheme.as_str() {
                "http" | "https" | "" => {}
                "mailto" => {
                    if !dest[7..].contains('@') {
                        diags.push(note.file.diag(
                            rules::DEAD_LINK.name,
                            rules::DEAD_LINK.default_severity,
                            link.dest_span.clone(),
                            format!("malformed mailto link `{dest}`: no address"),
                        ));
                    }
                    continue;
                }
                _ => {
                    // Other schemes are not fetched, only checked for syntax.
                    if let Err(e) = Url::parse(&dest) {
                        diags.push(malformed(&note.file, link.dest_span.clone(), &dest, &e.to_string()));
                    }
                    continue;
                }
            }
            let mut url = match Url::parse(&candidate) {
                Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => u,
                Ok(_) => {
                    diags.push(malformed(&note.file, link.dest_span.clone(), &dest, "no host"));
                    continue;
                }
                Err(e) => {
                    diags.push(malformed(&note.file, link.dest_span.clone(), &dest, &e.to_string()));
                    continue;
                }
            };
            let full = url.as_str().to_string();
            if include.as_ref().is_some_and(|s| !s.is_empty() && !s.is_match(&full))
                || exclude.as_ref().is_some_and(|s| s.is_match(&full))
            {
                excluded.insert(full);
                continue;
            }
            let fragment = url.fragment().map(str::to_string);
            url.set_fragment(None);
            let citation = Citation { file: Arc::clone(&note.file), span: link.dest_span.clone(), fragment };
            match index.get(url.as_str()) {
                Some(&i) => targets[i].citations.push(citation),
                None => {
                    index.insert(url.as_str().to_string(), targets.len());
                    targets.push(Target { url, citations: vec![citation] });
                }
            }
        }
    }
    (targets, diags, excluded.len())
}

fn malformed(file: &SourceFile, span: Span, dest: &str, why: &str) -> Diagnostic {
    file.diag(
        rules::DEAD_LINK.name,
        rules::DEAD_LINK.default_severity,
        span,
        format!("malformed URL `{dest}`: {why}"),
    )
    .with_help("fix the address; a browser cannot open it either")
}

/// The scheme of an absolute URL (lowercased), `""` for `//host/...`, `None` for a relative path.
fn scheme_of(dest: &str) -> Option<String> {
    if dest.starts_with("//") {
        return Some(String::new());
    }
    let (scheme, _) = dest.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    // One letter followed by `:` is a Windows drive, not a scheme.
    (first.is_ascii_alphabetic()
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}

/// The destination as a browser would read it: no `<...>` wrapping, HTML
/// entities in raw HTML decoded, Markdown backslash escapes removed.
fn normalize_dest(dest: &str, kind: LinkKind) -> String {
    let mut d = dest.trim();
    if d.starts_with('<') && d.ends_with('>') && d.len() >= 2 {
        d = &d[1..d.len() - 1];
    }
    let mut s = d.replace("&amp;", "&");
    if matches!(kind, LinkKind::Inline | LinkKind::Image) && s.contains('\\') {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                continue;
            }
            out.push(c);
        }
        s = out;
    }
    s
}

/// How the run uses the cache.
#[derive(Debug, Clone)]
pub enum CacheMode {
    Off,
    File { path: PathBuf, max_age: Duration },
}

/// Everything a run found.
#[derive(Debug)]
pub struct LinkRun {
    /// One per target, in the same order.
    pub outcomes: Vec<Outcome>,
    pub tally: LinkTally,
    /// Non-fatal problems (an unreadable or unwritable cache), for stderr.
    pub warnings: Vec<String>,
}

/// Check every target: cache first, then the network.
pub async fn check_targets(
    targets: &[Target],
    opts: CheckOptions,
    cache: &CacheMode,
    progress: bool,
) -> Result<LinkRun, String> {
    if targets.is_empty() {
        // Nothing to check: leave the cache file (and the network) alone.
        return Ok(LinkRun { outcomes: Vec::new(), tally: LinkTally::default(), warnings: Vec::new() });
    }
    let now = chrono::Utc::now().timestamp();
    let mut warnings = Vec::new();
    let mut cache = match cache {
        CacheMode::Off => None,
        CacheMode::File { path, max_age } => {
            let c = cache::Cache::load(path, *max_age, &fingerprint(&opts));
            warnings.extend(c.warning.clone());
            Some(c)
        }
    };
    let mut outcomes: Vec<Option<Outcome>> = vec![None; targets.len()];
    let mut requests = Vec::new();
    let mut pending = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let fragments: BTreeSet<String> = t.citations.iter().filter_map(|c| c.fragment.clone()).collect();
        if let Some(hit) = cache.as_ref().and_then(|c| c.fresh(t.url.as_str(), now))
            && fragments.iter().all(|f| hit.anchors.contains(f))
        {
            let final_url =
                hit.final_url.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or(t.url.clone());
            outcomes[i] = Some(Outcome {
                verdict: Verdict::Ok,
                detail: "cached".into(),
                status: hit.status,
                final_url,
                redirects: 0,
                cached: true,
                missing_anchors: Vec::new(),
                found_anchors: fragments.into_iter().collect(),
            });
            continue;
        }
        pending.push(i);
        let failed_before = cache.as_ref().is_some_and(|c| c.failed_before(t.url.as_str(), now));
        requests.push(Request { url: t.url.clone(), fragments, failed_before });
    }

    let mut requests_sent = 0;
    let lookup = opts.lookup.clone();
    if !requests.is_empty() {
        let bar = progress_bar(requests.len(), progress);
        let checker = Arc::new(check::Checker::new(opts)?);
        let tick = bar.clone();
        let checked = checker.check_all(requests, move |_| tick.inc(1)).await;
        bar.finish_and_clear();
        requests_sent = checker.requests_sent();
        for (i, out) in pending.into_iter().zip(checked) {
            outcomes[i] = Some(out);
        }
    }
    let mut outcomes: Vec<Outcome> =
        outcomes.into_iter().map(|o| o.expect("every target has an outcome")).collect();
    warnings.extend(no_resolver_guard(targets, &mut outcomes, &lookup).await);

    let mut tally = LinkTally { requests: requests_sent, ..LinkTally::default() };
    for (t, o) in targets.iter().zip(&outcomes) {
        match o.verdict {
            Verdict::Ok => tally.ok += 1,
            Verdict::Dead => tally.dead += 1,
            Verdict::Unverified => tally.unverified += 1,
            Verdict::Skipped => tally.skipped += 1,
        }
        tally.cached += o.cached as usize;
        if let Some(c) = cache.as_mut() {
            if o.cached {
                continue;
            }
            let ok = o.verdict == Verdict::Ok;
            if ok || o.verdict == Verdict::Dead {
                let final_url = (o.final_url != t.url).then(|| o.final_url.to_string());
                let anchors = if ok { o.found_anchors.clone() } else { Vec::new() };
                c.insert(
                    t.url.to_string(),
                    cache::Entry { checked: now, ok, status: o.status, final_url, anchors },
                );
            } else {
                c.remove(t.url.as_str());
            }
        }
    }
    if let Some(c) = cache.as_mut()
        && let Err(e) = c.save(now)
    {
        warnings.push(format!("could not write the link cache {}: {e}", c.path().display()));
    }
    Ok(LinkRun { outcomes, tally, warnings })
}

/// Below this many distinct hosts, "every name failed to resolve" may well be
/// the truth (a repository citing two expired domains), not a broken resolver.
const NO_RESOLVER_MIN_HOSTS: usize = 3;

/// When not one host of the run could be resolved, the machine has no working
/// DNS (a sandbox, a runner without network), not a repository full of
/// vanished domains: a broken resolver must not fail the build. Those links
/// become unverified, and one warning says why.
///
/// With a warm cache the hosts that do resolve are often not asked at all, so
/// "every host asked failed" proves nothing by itself: before blaming the
/// resolver, ask it for a few hosts the cache vouches for. One that answers
/// shows DNS works, and the unknown names are really gone.
async fn no_resolver_guard(
    targets: &[Target],
    outcomes: &mut [Outcome],
    lookup: &net::Lookup,
) -> Option<String> {
    let asked: Vec<usize> = (0..outcomes.len())
        .filter(|&i| !outcomes[i].cached && outcomes[i].verdict != Verdict::Skipped)
        .collect();
    let unresolved = |o: &Outcome| o.verdict == Verdict::Dead && o.detail.starts_with("DNS name not found");
    let hosts: BTreeSet<&str> = asked.iter().filter_map(|&i| targets[i].url.host_str()).collect();
    if hosts.len() < NO_RESOLVER_MIN_HOSTS || !asked.iter().all(|&i| unresolved(&outcomes[i])) {
        return None;
    }
    let vouched: BTreeSet<&str> = (0..outcomes.len())
        .filter(|&i| outcomes[i].cached)
        .filter(|&i| matches!(targets[i].url.host(), Some(url::Host::Domain(_))))
        .filter_map(|i| targets[i].url.host_str())
        .collect();
    // Private answers still prove the resolver answers; the policy is not the question here.
    let resolver = net::FilteringResolver::new(lookup.clone(), true);
    for host in vouched.into_iter().take(DNS_PROBES) {
        if resolver.resolve_host(host).await.is_ok() {
            return None;
        }
    }
    for &i in &asked {
        outcomes[i].verdict = Verdict::Unverified;
        outcomes[i].detail.push_str(" (no host at all could be resolved)");
    }
    Some(format!(
        "none of the {} hosts could be resolved: DNS or the network looks unavailable, so their links \
         are reported as unverified, not dead (use --offline to skip external links)",
        hosts.len()
    ))
}

/// How many cached hosts the guard above asks before it believes DNS is down.
const DNS_PROBES: usize = 3;

/// A hash of the settings that change verdicts, so a cache made under other
/// settings (accepted codes, soft-404 rules, private addresses) is not trusted.
fn fingerprint(opts: &CheckOptions) -> String {
    let mut h = Sha256::new();
    h.update(format!("{:?}|{}|{}|{}", opts.accept, opts.allow_private, opts.anchors, opts.hosts_digest));
    h.update(format!("{}|{}", opts.github.api, opts.github.token.is_some() && opts.github_api));
    let digest = h.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn progress_bar(len: usize, enabled: bool) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(len as u64), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} checking links {bar:30} {pos}/{len} {elapsed}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// One diagnostic per citing place of every URL that is not plainly alive.
pub fn diagnostics(targets: &[Target], outcomes: &[Outcome]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (t, o) in targets.iter().zip(outcomes) {
        let place = if o.redirects > 0 && o.final_url != t.url {
            format!("{} (redirected to {})", t.url, o.final_url)
        } else {
            o.final_url.to_string()
        };
        let (rule, help) = match o.verdict {
            Verdict::Ok => {
                for c in &t.citations {
                    let Some(f) = &c.fragment else { continue };
                    if o.missing_anchors.contains(f) {
                        let d = c
                            .file
                            .diag(
                                rules::EXTERNAL_ANCHOR.name,
                                rules::EXTERNAL_ANCHOR.default_severity,
                                c.span.clone(),
                                format!("the page has no anchor `#{f}`: {place}"),
                            )
                            .with_label("no such anchor")
                            .with_help("link to an anchor the page defines, or drop the `#...` part");
                        out.push(d);
                    }
                }
                continue;
            }
            Verdict::Dead => (
                &rules::DEAD_LINK,
                "remove the link, update it, or point it at an archived copy (https://web.archive.org/)",
            ),
            Verdict::Unverified => (
                &rules::UNVERIFIED_LINK,
                "this may pass on its own; if the page opens in a browser, tune links.hosts or links.exclude",
            ),
            Verdict::Skipped => (&rules::SKIPPED_LINK, "pass --allow-private to check private addresses"),
        };
        let what = match o.verdict {
            Verdict::Dead => "dead link",
            Verdict::Unverified => "unverified link",
            _ => "link not checked",
        };
        let label = o.status.map(|s| s.to_string()).unwrap_or_else(|| o.verdict.as_str().to_string());
        for c in &t.citations {
            let d = c
                .file
                .diag(
                    rule.name,
                    rule.default_severity,
                    c.span.clone(),
                    format!("{what}: {}: {place}", o.detail),
                )
                .with_label(label.clone())
                .with_help(help);
            out.push(d);
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Check every external http(s) link of `docs` (the notes and the README, parsed).
/// Each unique URL is requested once; every citing place gets its own diagnostic.
pub fn check_external(
    docs: &[Note],
    cfg: &LinksConfig,
    args: &LinkCheckArgs,
    root: &Path,
) -> miette::Result<ExternalReport> {
    let started = Instant::now();
    let (targets, mut diags, excluded) = collect_targets(docs, cfg);
    let github = GithubApi::new(
        std::env::var("GITHUB_API_URL").ok().as_deref(),
        std::env::var("GITHUB_SERVER_URL").ok().as_deref(),
        args.github_token.clone(),
    )
    .map_err(|e| miette::miette!(code = "daybook::links", help = "fix or unset the variable", "{e}"))?;
    let mut opts = CheckOptions::from_config(cfg, args.allow_private, github)
        .map_err(|e| miette::miette!(code = "daybook::links", "links config: {e}"))?;
    if let Some(n) = args.max_concurrency {
        opts.max_concurrency = n.max(1);
    }
    if let Some(t) = args.timeout {
        opts.timeout = Duration::from_secs(t.max(1));
    }
    let cache = if args.no_cache {
        CacheMode::Off
    } else {
        let path = args.cache.clone().unwrap_or_else(|| root.join(DEFAULT_CACHE_FILE));
        CacheMode::File { path, max_age: cfg.cache_max_age.0 }
    };
    let progress = std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| miette::miette!(code = "daybook::links", "could not start the async runtime: {e}"))?;
    let run = runtime
        .block_on(check_targets(&targets, opts, &cache, progress))
        .map_err(|e| miette::miette!(code = "daybook::links", "{e}"))?;
    for w in &run.warnings {
        eprintln!("warning: {w}");
    }
    diags.extend(diagnostics(&targets, &run.outcomes));
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut tally = run.tally;
    tally.excluded = excluded;
    if !targets.is_empty() || excluded > 0 {
        eprintln!("{}", tally_line(&tally, started.elapsed()));
    }
    Ok(ExternalReport { diagnostics: diags, tally })
}

/// `links: 120 URLs in 2.4s: 115 ok, 3 dead, 1 unverified, 1 skipped (80 from cache, 45 requests)`.
pub fn tally_line(t: &LinkTally, elapsed: Duration) -> String {
    let mut s = format!(
        "links: {} unique URLs in {:.1}s: {} ok, {} dead, {} unverified, {} skipped",
        t.unique(),
        elapsed.as_secs_f64(),
        t.ok,
        t.dead,
        t.unverified,
        t.skipped
    );
    let mut extra = vec![format!("{} from cache", t.cached), format!("{} requests", t.requests)];
    if t.excluded > 0 {
        extra.push(format!("{} excluded", t.excluded));
    }
    s.push_str(&format!(" ({})", extra.join(", ")));
    s
}

/// Severity of a verdict's rule, for callers that tally by severity.
pub fn severity_of(v: Verdict) -> Option<Severity> {
    match v {
        Verdict::Ok => None,
        Verdict::Dead => Some(rules::DEAD_LINK.default_severity),
        Verdict::Unverified => Some(rules::UNVERIFIED_LINK.default_severity),
        Verdict::Skipped => Some(rules::SKIPPED_LINK.default_severity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(scheme_of("https://x"), Some("https".into()));
        assert_eq!(scheme_of("HTTP://x"), Some("http".into()));
        assert_eq!(scheme_of("//x/y"), Some(String::new()));
        assert_eq!(scheme_of("mailto:a@b"), Some("mailto".into()));
        assert_eq!(scheme_of("notes/202104/0425.md"), None);
        assert_eq!(scheme_of("C:\\x"), None);
        assert_eq!(scheme_of("#today"), None);
        assert_eq!(scheme_of("a b:c"), None);
    }

    fn note(text: &str) -> Note {
        let ctx = crate::note::parse::ParseContext::new(&crate::Config::default()).unwrap();
        let file = SourceFile::new("notes/202401/0101.md", "notes/202401/0101.md", text.to_string());
        crate::note::parse::parse_note(file, &ctx)
    }

    #[test]
    fn targets_from_markdown_images_and_raw_html() {
        let text = "# t\n\n[a](https://x.org/a#part) ![i](https://x.org/i.png)\n\
                    <img src=\"https://x.org/a\"> <a href=\"https://x.org/q?a=1&amp;b=2\">q</a>\n\
                    [rel](../other.md) [m](mailto:nobody) [ok](mailto:a@b.c) [t](tel:+1) <https://x.org/a>\n\
                    [bad](https://) [skip](https://skip.me/x)\n";
        let cfg = LinksConfig { exclude: vec!["skip\\.me".into()], ..LinksConfig::default() };
        let (targets, diags, excluded) = collect_targets(&[note(text)], &cfg);
        let urls: Vec<&str> = targets.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(urls, ["https://x.org/a", "https://x.org/i.png", "https://x.org/q?a=1&b=2"]);
        assert_eq!(targets[0].citations.len(), 3, "markdown, raw HTML and autolink citations of one URL");
        assert_eq!(targets[0].citations[0].fragment.as_deref(), Some("part"));
        assert_eq!(excluded, 1);
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("mailto:nobody"), "{msgs:?}");
        assert!(msgs[1].contains("malformed URL `https://`"), "{msgs:?}");
        let d = &diags[0];
        assert_eq!(&text[d.span.clone()], "mailto:nobody");
    }

    #[test]
    fn destinations_are_normalized() {
        assert_eq!(normalize_dest("<https://x/a b>", LinkKind::Inline), "https://x/a b");
        assert_eq!(normalize_dest("https://x/?a=1&amp;b=2", LinkKind::HtmlHref), "https://x/?a=1&b=2");
        assert_eq!(normalize_dest(r"https://x/a\_b", LinkKind::Inline), "https://x/a_b");
    }
}
