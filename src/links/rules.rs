//! Rule metadata for the external link checker's findings.

use crate::diag::{RuleInfo, Severity};

pub const DEAD_LINK: RuleInfo = RuleInfo {
    name: "dead-link",
    summary: "An external link is dead: 404, 410, a soft-404 page, an unknown host or a refused connection.",
    docs: r#"## What it checks

Every external `http`/`https` link, image and raw-HTML `src`/`href` in the notes and
the README is requested (once per unique URL, however often it is cited), unless
`daybook lint --offline`. A link is **dead** when the answer is final:

- `404 Not Found` or `410 Gone`, confirmed by GET (HEAD answers are never believed
  alone: a failed HEAD is asked again with GET). Other 4xx answers (400, 406, 418,
  451...) are as often a refusal of robots as of the URL: they are
  `unverified-link` warnings, not errors;
- a soft 404: the server answers 200 but the page body says the content is gone,
  by a `links.hosts.<host>.soft_404` rule (WeChat articles ship with one);
- the host name does not exist (DNS NXDOMAIN);
- the connection is refused on every attempt;
- a redirect loop (`a -> b -> a`) that GET sees too (some servers loop on HEAD only);
- a URL that does not parse (`https://exa mple.com`), or a `mailto:` without an address.

Each diagnostic names the status or failure and the final URL after redirects,
and there is one diagnostic per citing place, so every note that cites a dead
article is annotated.

## Why it matters

Notes repositories rot: articles are deleted, repositories renamed. A dead link in
a note is a lost reference; in the README it is the first thing a visitor clicks.

## Example

```markdown
1. [A deleted article](https://mp.weixin.qq.com/s/AbCdEf)   :star:
```

```text
error[dead-link]: dead link: 200 OK but the page says “该内容已被发布者删除”
  (WeChat says the article is gone; soft 404): https://mp.weixin.qq.com/s/AbCdEf
```

Fix: remove the link, replace it with where the content moved, or point it at an
archived copy (`https://web.archive.org/web/2021/https://...`).

## Configuration

```yaml
links:
  accept: ["200-299", 403]       # statuses that mean alive
  exclude: ['^https://example\.com/']
  hosts:
    blog.example.com:
      soft_404:
        - verdict: dead
          phrases: ["This post was removed"]
rules:
  dead-link: warning             # report without failing the build
```

Suppress one link with `<!-- daybook-disable-next-line dead-link -->`.
"#,
    default_severity: Severity::Error,
};

pub const UNVERIFIED_LINK: RuleInfo = RuleInfo {
    name: "unverified-link",
    summary: "An external link could not be verified: timeouts, 5xx, 429 or a robot block after every retry.",
    docs: r#"## What it checks

A link whose answer says nothing about the page itself, after every retry:

- timeouts (connect or total), connection resets, temporary DNS failures;
- `5xx` server errors and `429 Too Many Requests` (retried with exponential backoff
  and jitter, honouring `Retry-After` up to `links.retry_after_max`);
- `403 Forbidden` and `401`: the host refuses robots or wants a login; the page
  usually opens in a browser;
- an anti-robot or rate-limit page recognised by a soft-404 rule with
  `verdict: unverified` (WeChat's 环境异常 / 完成验证 pages);
- TLS errors, more than `links.max_redirects` redirects, a redirect to a
  non-HTTP URL, a GitHub API token that was rejected.

These are **warnings**: a flaky host never fails a build by itself (unless you
run with `--deny-warnings`). A dead link is reported only when the answer is final.

## Why it matters

Calling these links dead would fail builds for pages that open fine in a browser:
robot blocks, rate limits and a host's bad minute say nothing about the article.
Reporting them as warnings keeps them visible without making CI flaky.

## Example

```text
warning[unverified-link]: unverified link: 503 Service Unavailable (4 attempts): https://example.org/paper
```

Fix: open the link in a browser. If it works, nothing is wrong with the note; tune
the host (`concurrency`, `headers`, `accept`) so the checker gets a real answer. If
it does not, treat it as dead.

## Configuration

```yaml
links:
  retries: 3
  retry_backoff: 1s
  timeout: 20s
  hosts:
    www.example.org:
      concurrency: 2                       # be gentler with a host that rate-limits
      headers: { Accept-Language: en }
    paywalled.example.com:
      accept: ["200-299", 403]             # its 403 means "log in", not "gone"
rules:
  unverified-link: off
```
"#,
    default_severity: Severity::Warning,
};

pub const SKIPPED_LINK: RuleInfo = RuleInfo {
    name: "skipped-link",
    summary: "An external link resolves to a private, loopback or link-local address and was not fetched.",
    docs: r#"## What it checks

The checker runs in CI on links anyone can put in a pull request. It never connects
to loopback (`127.0.0.0/8`, `::1`), private (`10/8`, `172.16/12`, `192.168/16`),
CGNAT (`100.64/10`), link-local (`169.254/16`, which holds cloud metadata
endpoints, `fe80::/10`), unique-local (`fc00::/7`) or other non-public addresses,
and it decides on the **resolved** address, at every redirect hop: a public name
that resolves to `127.0.0.1`, or a public page that redirects to
`http://169.254.169.254/`, is not fetched. Such a link is reported here, as
information.

## Why it matters

Fetching whatever address a pull request names would let anyone make CI probe the
runner's network or read cloud metadata (server-side request forgery). A link to a
private address is also useless to the public readers of a notes repository.

## Example

```markdown
See the [dashboard](http://192.168.1.10:8080/).
```

```text
info[skipped-link]: link not checked: 192.168.1.10 is not a public address: http://192.168.1.10:8080/
  help: pass --allow-private to check private addresses
```

Fix: link to a public address, or, when the address is intended (a trusted
repository, a local mirror), run with `--allow-private`.

## Configuration

`daybook lint --allow-private` lifts the restriction (for a trusted repository, or
tests that serve on 127.0.0.1). `rules: { skipped-link: off }` hides the notes.
"#,
    default_severity: Severity::Info,
};

pub const EXTERNAL_ANCHOR: RuleInfo = RuleInfo {
    name: "missing-external-anchor",
    summary: "An external link's #fragment names no element of the page it points to.",
    docs: r#"## What it checks

For a link with a `#fragment` to an HTML page, the page is fetched with GET and
the fragment is looked up among the page's `id` and `name` attributes (GitHub's
`user-content-` prefix is understood, so `#installation` matches
`id="user-content-installation"`). Text fragments (`#:~:text=`), single-page-app
routes (`#/path`, `#!`) and GitHub line ranges (`#L10-L20`) are not checked, nor
is a page longer than the bytes read (2 MiB), nor hosts with `anchors: false`
(WeChat's `#rd` and `#wechat_redirect` are not anchors).

It is a **warning**: pages that build their anchors with JavaScript cannot be
checked without a browser.

## Why it matters

A stale fragment does not 404: the page opens at the top and the reader lands far
from the section the note meant, so nobody notices that the heading was renamed.

## Example

```markdown
[Install](https://github.com/owner/repo#instalation)
```

```text
warning[missing-external-anchor]: the page has no anchor `#instalation`: https://github.com/owner/repo
```

Fix: correct the fragment to the section's current anchor (`#installation`), or drop
it and link the page.

## Configuration

```yaml
links:
  anchors: false              # everywhere
  hosts:
    docs.example.com:
      anchors: false          # one host
```
"#,
    default_severity: Severity::Warning,
};
