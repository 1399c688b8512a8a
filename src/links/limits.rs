//! How many requests a run has in flight over all hosts.
//!
//! The per-host limit (`max_per_host`, 8; WeChat's 4) is the politeness
//! floor, and it should be what binds: a run's global limit is the sum of the
//! limits of the hosts it asks, capped by `links.max_concurrency` (a documented
//! maximum, 256 by default) and by what the process's file-descriptor limit
//! leaves. A global limit below the hosts' sum only makes a run slower
//! without sparing any one host (64 for 25 hosts × 8 made a 5,000-URL run
//! take 3.5× the per-host floor).

use std::collections::HashMap;

/// Descriptors left for everything but sockets: the notes being read, the
/// cache file, the runtime's own, stdio.
pub(crate) const RESERVED_FDS: usize = 64;

/// The global limit for a run asking hosts with these per-host limits: their
/// sum, capped by `cap` (`links.max_concurrency`) and by [`fd_budget`]; at least 1.
pub(crate) fn global_limit(cap: usize, host_limits: impl IntoIterator<Item = usize>) -> usize {
    let wanted = host_limits.into_iter().fold(0usize, usize::saturating_add);
    wanted.min(cap).min(fd_budget()).max(1)
}

/// Sockets the process can afford: half of the soft `RLIMIT_NOFILE` left after
/// [`RESERVED_FDS`], since an idle keep-alive connection holds a descriptor too
/// (a host's connections stay open between its requests). `usize::MAX` where
/// the limit cannot be read.
pub(crate) fn fd_budget() -> usize {
    soft_fd_limit().map_or(usize::MAX, |n| (n.saturating_sub(RESERVED_FDS) / 2).max(1))
}

#[cfg(unix)]
fn soft_fd_limit() -> Option<usize> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes one plain struct we own; no other memory is touched.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    if rc != 0 || lim.rlim_cur == libc::RLIM_INFINITY {
        return None;
    }
    usize::try_from(lim.rlim_cur).ok()
}

#[cfg(not(unix))]
fn soft_fd_limit() -> Option<usize> {
    None
}

/// Each distinct host of `hosts` (lowercased) once, with `limit_of` it.
pub(super) fn per_host<'a>(
    hosts: impl IntoIterator<Item = &'a str>,
    limit_of: impl Fn(&str) -> usize,
) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for h in hosts {
        out.entry(h.to_ascii_lowercase()).or_insert_with_key(|h| limit_of(h));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_sum_binds_below_the_cap() {
        let budget = fd_budget();
        assert_eq!(global_limit(256, [8; 25]), 200.min(budget));
        assert_eq!(global_limit(64, [8; 25]), 64.min(budget));
        assert_eq!(global_limit(256, [4, 8]), 12.min(budget));
        assert_eq!(global_limit(256, []), 1);
        assert_eq!(global_limit(usize::MAX, [usize::MAX, 1]), budget);
    }

    #[cfg(unix)]
    #[test]
    fn the_descriptor_limit_is_read() {
        let soft = soft_fd_limit();
        // Unlimited is possible (None); a number must leave room for the reserve.
        if let Some(n) = soft {
            assert!(n > 0);
            assert_eq!(fd_budget(), (n.saturating_sub(RESERVED_FDS) / 2).max(1));
        }
    }

    #[test]
    fn hosts_are_counted_once_whatever_their_case() {
        let m = per_host(["A.test", "a.test", "b.test"], |h| if h == "b.test" { 4 } else { 8 });
        assert_eq!(m.len(), 2);
        assert_eq!(m["a.test"] + m["b.test"], 12);
    }
}
