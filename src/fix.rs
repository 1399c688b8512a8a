//! Applying the fixes rules attach to their findings (`daybook fix`).
//!
//! Modelled on ruff: [`apply`] is pure — it sorts the fixes, skips any that
//! overlaps one already accepted (the next round picks it up, against text
//! that has moved), and splices the rest in. [`fix_with`] lints, applies and
//! re-lints one file until no fix applies, at most [`MAX_ROUNDS`] times, so
//! fixes that only become possible after another one still land. Every fix is
//! checked first against what it intends: one that would lose an item or a
//! link it does not delete (a stray bracket swallowing the rest of the list)
//! is refused and reported, not applied.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use crate::diag::{Applicability, Diagnostic, Edit, Fix, SourceFile};
use crate::note::Note;
use crate::note::parse::{ParseContext, parse_note};
use crate::rules::RuleContext;
use crate::settings::Settings;

/// Rounds of lint → apply before giving up (ruff stops at 100 too): a pair of
/// fixes undoing each other must not loop forever.
pub(crate) const MAX_ROUNDS: usize = 100;

/// What [`apply`] did with a set of fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub(crate) text: String,
    /// Indices (into the slice given to [`apply`]) of the fixes spliced in.
    pub(crate) applied: Vec<usize>,
    /// Indices of fixes left out because they overlap an applied one or do
    /// not fit the text (out of range, inside a UTF-8 sequence).
    pub(crate) skipped: Vec<usize>,
}

/// Whether two edits touch the same bytes. Two insertions at one offset
/// conflict too: their order would be a guess.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.start == b.start {
        return true;
    }
    let inside = |p: usize, r: &Range<usize>| r.start < p && p < r.end;
    a.start.max(b.start) < a.end.min(b.end)
        || (a.is_empty() && inside(a.start, b))
        || (b.is_empty() && inside(b.start, a))
}

fn fits(text: &str, e: &Edit) -> bool {
    e.span.start <= e.span.end
        && e.span.end <= text.len()
        && text.is_char_boundary(e.span.start)
        && text.is_char_boundary(e.span.end)
}

/// Apply every fix of `fixes` that fits and does not overlap an earlier one
/// (in text order); all edits of one fix land together or not at all.
pub(crate) fn apply(text: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| (fixes[i].range().start, fixes[i].range().end, i));
    let mut accepted: Vec<&Edit> = Vec::new();
    let (mut applied, mut skipped) = (Vec::new(), Vec::new());
    for i in order {
        let edits = &fixes[i].edits;
        let ok = !edits.is_empty()
            && edits.iter().all(|e| fits(text, e))
            && edits
                .iter()
                .enumerate()
                .all(|(k, e)| edits[k + 1..].iter().all(|f| !overlaps(&e.span, &f.span)))
            && edits.iter().all(|e| accepted.iter().all(|a| !overlaps(&e.span, &a.span)));
        if ok {
            accepted.extend(edits);
            applied.push(i);
        } else {
            skipped.push(i);
        }
    }
    accepted.sort_by_key(|e| e.span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in accepted {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.content);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    applied.sort_unstable();
    skipped.sort_unstable();
    Applied { text: out, applied, skipped }
}

/// A fix the safety check turned down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) diagnostic: Diagnostic,
    /// Why, one sentence (`it would turn 3 items into 2`).
    pub(crate) reason: String,
}

/// What [`fix_source`] did to one file.
#[derive(Debug, Clone)]
pub(crate) struct FixOutcome {
    /// The text after every applied fix (the input when nothing applied).
    pub(crate) text: String,
    /// The findings whose fixes were applied, in the order they landed.
    pub(crate) fixed: Vec<Diagnostic>,
    pub(crate) refused: Vec<Refused>,
    /// A fix moving the file (its finding, and the new path): the caller
    /// moves it once the text is written, since only it may touch the disk.
    pub(crate) rename: Option<(Diagnostic, String)>,
    /// Rounds run; [`MAX_ROUNDS`] means the file did not settle.
    #[cfg_attr(not(test), expect(dead_code, reason = "only the tests ask how many rounds a file took"))]
    pub(crate) rounds: usize,
}

impl FixOutcome {
    pub(crate) fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Which fixes a run applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FixOptions {
    /// Apply [`Applicability::Unsafe`] fixes too.
    pub(crate) unsafe_fixes: bool,
}

impl FixOptions {
    pub(crate) fn allows(self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// Findings of a parsed note, as a lint run reports them (suppressions and
/// the `rules:` levels applied), so a rule that is off or a finding that is
/// suppressed is never "fixed".
fn findings(note: &Note, cx: &RuleContext<'_>) -> Vec<Diagnostic> {
    crate::lint::finalize(crate::lint::lint_note(note, cx), cx.config, std::slice::from_ref(note), None)
}

/// Refuse a fix whose result has another number of items, or fewer links,
/// than `before` (the note the fix was found in) minus what its edits delete
/// on purpose (whole items or links inside a replaced span).
fn check(before: &Note, fix: &Fix, ctx: &ParseContext) -> Result<(), String> {
    let covered = |s: &Range<usize>| fix.edits.iter().any(|e| e.span.start <= s.start && s.end <= e.span.end);
    let items = before.items.len() - before.items.iter().filter(|i| covered(&i.span)).count();
    let links = before.links.len() - before.links.iter().filter(|l| covered(&l.span)).count();
    let after = apply(before.text(), &[fix]);
    if after.applied.is_empty() {
        return Err("its edits do not fit the file".to_owned());
    }
    let path = before.file.path.as_str();
    let after = parse_note(SourceFile::new(path, path, after.text), ctx);
    let (got_items, got_links) = (after.items.len(), after.links.len());
    if got_items != items {
        return Err(format!("it would leave {got_items} items where {items} are intended"));
    }
    if got_links < links {
        return Err(format!("it would leave {got_links} links where {links} are intended"));
    }
    Ok(())
}

/// [`fix_with`] in a context of its own (the tests' one-file runs).
#[cfg(test)]
pub(crate) fn fix_source(
    file: Arc<SourceFile>,
    root: &std::path::Path,
    settings: &Settings,
    options: FixOptions,
) -> Result<FixOutcome, crate::error::Error> {
    let prepared = crate::rules::Prepared::from_compiled(root, &settings.parse, &settings.fields);
    Ok(fix_with(file, &prepared.context(&settings.config, root), settings, options))
}

/// Lint `file`, apply its fixes, re-lint, until no fix applies (or
/// [`MAX_ROUNDS`]). Writes nothing: the caller decides what to do with the
/// text. The context is prepared once for a whole run (`daybook fix` fixes
/// every note with one: building it per note, and its local-link cache with
/// it, was most of a run's time).
pub(crate) fn fix_with(
    file: Arc<SourceFile>,
    cx: &RuleContext<'_>,
    settings: &Settings,
    options: FixOptions,
) -> FixOutcome {
    fix_note(&parse_note(file, &settings.parse), cx, settings, options).0
}

/// [`fix_with`] on a note already parsed; also the note parsed from the
/// fixed text, when a fix changed it (a lint run hands its notes over as it
/// parses them, then checks the fixed note: each is parsed once more only
/// when it changed).
pub(crate) fn fix_note(
    note: &Note,
    cx: &RuleContext<'_>,
    settings: &Settings,
    options: FixOptions,
) -> (FixOutcome, Option<Note>) {
    let mut fixed = Vec::new();
    let mut triage = Triage::default();
    let mut owned: Option<Note> = None;
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        // Parsed once a round: the lint and every fix's safety check read it.
        let current = owned.as_ref().unwrap_or(note);
        let candidates = triage.candidates(current, findings(current, cx), options, &settings.parse);
        let fixes: Vec<&Fix> = candidates.iter().filter_map(|d| d.fix.as_ref()).collect();
        let applied = apply(current.text(), &fixes);
        if applied.applied.is_empty() || applied.text == current.text() {
            break;
        }
        fixed.extend(applied.applied.iter().map(|&i| candidates[i].clone()));
        let file = SourceFile::new(current.file.path.clone(), current.file.abs.clone(), applied.text);
        owned = Some(parse_note(file, &settings.parse));
    }
    let text = owned.as_ref().unwrap_or(note).file.text.clone();
    let Triage { refused, rename, .. } = triage;
    (FixOutcome { text, fixed, refused, rename, rounds }, owned)
}

/// What the rounds of one file have decided about its findings' fixes.
#[derive(Default)]
struct Triage {
    refused: Vec<Refused>,
    /// Fixes refused once, so a later round neither retries nor reports them again.
    turned_down: BTreeSet<(String, String, String)>,
    rename: Option<(Diagnostic, String)>,
}

impl Triage {
    /// The findings of `diags` whose fixes are allowed and pass [`check`];
    /// a refused fix is kept in `refused`, a rename in `rename` (the first).
    fn candidates(
        &mut self,
        note: &Note,
        diags: Vec<Diagnostic>,
        options: FixOptions,
        ctx: &ParseContext,
    ) -> Vec<Diagnostic> {
        let mut candidates = Vec::new();
        for d in diags {
            let Some(fix) = d.fix.as_ref().filter(|f| options.allows(f)) else { continue };
            if let Some(to) = &fix.rename {
                // No bytes change: nothing for the parser to read differently.
                if self.rename.is_none() {
                    self.rename = Some((d.clone(), to.clone()));
                }
                continue;
            }
            let key = (d.rule.clone(), d.message.clone(), fix.message.clone());
            if self.turned_down.contains(&key) {
                continue;
            }
            match check(note, fix, ctx) {
                Ok(()) => candidates.push(d),
                Err(reason) => {
                    self.turned_down.insert(key);
                    self.refused.push(Refused { diagnostic: d, reason });
                }
            }
        }
        candidates
    }
}

/// A unified diff from `old` to `new` for the file `path` (repository-relative),
/// with the `diff --git` and `a/`, `b/` headers `git diff` writes, so `git
/// apply` takes it, also among renames; empty when the texts are equal.
pub(crate) fn diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    format!("diff --git a/{path} b/{path}\n{}", unified(path, path, old, new))
}

/// [`diff`] of a file moved from `from` to `to`, its text changed or not:
/// the rename header `git diff` writes, then the changes to the text.
pub(crate) fn diff_moved(from: &str, to: &str, old: &str, new: &str) -> String {
    let same = if old == new { "similarity index 100%\n" } else { "" };
    let mut out = format!("diff --git a/{from} b/{to}\n{same}rename from {from}\nrename to {to}\n");
    if old != new {
        out.push_str(&unified(from, to, old, new));
    }
    out
}

fn unified(from: &str, to: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{from}"), &format!("b/{to}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(Range<usize>, &str)]) -> Fix {
        Fix::safe("t", edits.iter().map(|(r, c)| Edit::replace(r.clone(), *c)).collect())
    }

    #[test]
    fn edits_apply_in_text_order_whatever_their_order() {
        let a = fix(&[(6..6, "https://")]);
        let b = fix(&[(0..3, "xyz")]);
        let out = apply("abc - a.example", &[&a, &b]);
        assert_eq!(out.text, "xyz - https://a.example");
        assert_eq!(out.applied, vec![0, 1]);
    }

    #[test]
    fn an_overlapping_fix_waits_for_the_next_round() {
        let a = fix(&[(0..4, "AAAA")]);
        let b = fix(&[(2..6, "BBBB")]);
        let c = fix(&[(4..4, "|")]);
        let out = apply("0123456789", &[&b, &a, &c]);
        // `a` starts first and wins; `b` overlaps it; `c` only touches its end.
        assert_eq!(out.text, "AAAA|456789");
        assert_eq!((out.applied, out.skipped), (vec![1, 2], vec![0]));
    }

    #[test]
    fn two_insertions_at_one_place_and_insertions_inside_a_replacement_conflict() {
        assert!(overlaps(&(3..3), &(3..3)));
        assert!(overlaps(&(3..3), &(1..5)));
        assert!(!overlaps(&(5..5), &(1..5)));
        assert!(!overlaps(&(0..2), &(2..4)));
    }

    #[test]
    fn a_fix_is_all_or_nothing() {
        let a = fix(&[(0..1, "x"), (5..7, "y")]);
        let b = fix(&[(6..8, "z")]);
        let out = apply("0123456789", &[&b, &a]);
        // `a` comes first in text order; `b` overlaps its second edit.
        assert_eq!(out.text, "x1234y789");
        // an edit past the end or inside a UTF-8 sequence drops its whole fix
        let bad = fix(&[(0..1, "x"), (1..2, "y")]);
        assert_eq!(apply("今", &[&bad]).text, "今");
        assert_eq!(apply("ab", &[&fix(&[(0..1, "x"), (1..9, "y")])]).text, "ab");
    }

    #[test]
    fn the_safety_check_refuses_a_fix_that_loses_items() {
        let ctx = ParseContext::new(&crate::config::Config::default()).unwrap();
        let text =
            "# t\n\n## :paperclip:  今日要点\n\n1. [a](https://a.example/)\n2. [b](https://b.example/)\n";
        let path = "notes/202301/0101.md";
        let note = parse_note(SourceFile::new(path, path, text.to_owned()), &ctx);
        // Rewriting a destination keeps every item and link.
        let at = text.find("a.example").unwrap();
        assert_eq!(check(&note, &fix(&[(at..at + 1, "c")]), &ctx), Ok(()));
        // Turning the list marker into text loses an item it does not delete.
        let at = text.find("2.").unwrap();
        let reason = check(&note, &fix(&[(at..at + 2, "")]), &ctx).unwrap_err();
        assert!(reason.contains("1 items where 2"), "{reason}");
        // Deleting the whole item line is what the fix says it does.
        let end = text.len();
        assert_eq!(check(&note, &Fix::unsafe_("drop", vec![Edit::delete(at..end)]), &ctx), Ok(()));
    }

    #[test]
    fn the_safety_check_refuses_a_fix_that_loses_a_link() {
        let ctx = ParseContext::new(&crate::config::Config::default()).unwrap();
        let text =
            "# t\n\n## :paperclip:  今日要点\n\n1. [a](https://a.example/)\n   - Tips: see [c](0102.md)\n";
        let path = "notes/202301/0101.md";
        let note = parse_note(SourceFile::new(path, path, text.to_owned()), &ctx);
        // A space between `]` and `(` leaves brackets and parentheses, no link.
        let at = text.find("](0102").unwrap() + 1;
        let reason = check(&note, &fix(&[(at..at, " ")]), &ctx).unwrap_err();
        assert!(reason.contains("1 links where 2"), "{reason}");
        // Deleting the whole field line takes its link on purpose.
        let at = text.find("   - Tips").unwrap();
        assert_eq!(check(&note, &fix(&[(at..text.len(), "")]), &ctx), Ok(()));
    }

    #[test]
    fn a_refused_fix_is_reported_once_and_not_applied_and_the_others_land() {
        let ctx = ParseContext::new(&crate::config::Config::default()).unwrap();
        let text = "# t\n\n## :paperclip:  今日要点\n\n1. [a](https://a.example/)\n2. [b](b.example/)\n";
        let path = "notes/202301/0101.md";
        let note = parse_note(SourceFile::new(path, path, text.to_owned()), &ctx);
        let at = |s: &str| text.find(s).unwrap();
        let d = |rule: &str, f: Fix| {
            Diagnostic::file_level(rule, crate::diag::Severity::Error, path, "m").with_fix(f)
        };
        let b = at("b.example");
        let good = d("bare-url", fix(&[(b..b, "https://")]));
        // Turns `2.` into text: one item fewer than the fix means to delete.
        let bad = d("wrong", fix(&[(at("2.")..at("2.") + 2, "")]));
        let mut triage = Triage::default();
        let kept = triage.candidates(&note, vec![bad.clone(), good.clone()], FixOptions::default(), &ctx);
        assert_eq!(kept, vec![good.clone()]);
        assert_eq!(triage.refused.len(), 1);
        assert_eq!(triage.refused[0].diagnostic, bad);
        assert!(triage.refused[0].reason.contains("1 items where 2"), "{}", triage.refused[0].reason);
        let out = apply(note.text(), &kept.iter().filter_map(|d| d.fix.as_ref()).collect::<Vec<_>>());
        assert!(out.text.ends_with("2. [b](https://b.example/)\n"), "{}", out.text);
        // The next round finds the same finding: not checked, not reported again.
        let again = triage.candidates(&note, vec![bad], FixOptions::default(), &ctx);
        assert!(again.is_empty() && triage.refused.len() == 1);
    }

    const NOTE: &str = "notes/202104/0411.md";

    fn note_text() -> String {
        "# 公众号内容拓展学习笔记（2021.4.11）\n\n## :paperclip:  今日要点\n\n\
         1. [Paper A](https://a.example/) \n   - Abstract: x\n   - GtiHub: [c](github.com/o/r)\n\
         2. [Paper B](https://b.example/) \n   - Abstract: y, mail [me](author@example.com)\n"
            .to_owned()
    }

    fn run(text: &str, options: FixOptions) -> FixOutcome {
        let dir = tempfile::tempdir().unwrap();
        let file = SourceFile::new(NOTE, dir.path().join(NOTE), text.to_owned());
        fix_source(file, dir.path(), &Settings::default(), options).unwrap()
    }

    #[test]
    fn fix_source_applies_every_safe_fix_and_a_second_run_is_a_no_op() {
        let text = note_text();
        let out = run(&text, FixOptions::default());
        let rules: BTreeSet<&str> = out.fixed.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(rules, BTreeSet::from(["bare-url", "mailto", "unknown-field"]), "{:?}", out.fixed);
        assert!(out.text.contains("   - GitHub: [c](https://github.com/o/r)"), "{}", out.text);
        assert!(out.text.contains("[me](mailto:author@example.com)"), "{}", out.text);
        assert!(out.refused.is_empty(), "{:?}", out.refused);
        let again = run(&out.text, FixOptions::default());
        assert!(again.fixed.is_empty() && again.text == out.text, "{:?}", again.fixed);
        assert_eq!(again.rounds, 1);
    }

    #[test]
    fn the_diff_names_the_file_and_shows_only_the_changed_lines_in_context() {
        assert_eq!(diff("n.md", "a\n", "a\n"), "");
        let old: String = (1..=9).map(|i| format!("{i}\r\n")).collect();
        let new = old.replace("5\r\n", "five\r\n");
        assert_eq!(
            diff("notes/n.md", &old, &new),
            "diff --git a/notes/n.md b/notes/n.md\n--- a/notes/n.md\n+++ b/notes/n.md\n@@ -2,7 +2,7 @@\n 2\r\n 3\r\n 4\r\n-5\r\n+five\r\n 6\r\n 7\r\n 8\r\n"
        );
    }

    #[test]
    fn a_suppressed_finding_is_not_fixed() {
        let text = note_text()
            .replace("   - Abstract: y", "<!-- daybook-disable-next-line mailto -->\n   - Abstract: y");
        let out = run(&text, FixOptions::default());
        assert!(out.text.contains("[me](author@example.com)"), "{}", out.text);
        assert!(out.fixed.iter().all(|d| d.rule != "mailto"));
    }

    proptest::proptest! {
        /// Applied edits never overlap, every fix is either applied or
        /// skipped, and each applied edit's content sits where its span
        /// started, shifted by the edits before it.
        #[test]
        fn applied_edits_do_not_overlap_and_land_where_they_say(
            text in "[a-z\n]{0,60}",
            raw in proptest::collection::vec((0usize..70, 0usize..8, "[A-Z]{0,3}"), 0..12),
        ) {
            let fixes: Vec<Fix> = raw.iter().map(|(s, l, c)| fix(&[(*s..*s + *l, c.as_str())])).collect();
            let refs: Vec<&Fix> = fixes.iter().collect();
            let out = apply(&text, &refs);
            let spans: Vec<&Range<usize>> = out.applied.iter().map(|&i| &fixes[i].edits[0].span).collect();
            for (k, a) in spans.iter().enumerate() {
                for b in &spans[k + 1..] {
                    proptest::prop_assert!(!overlaps(a, b));
                }
            }
            for &i in &out.applied {
                let e = &fixes[i].edits[0];
                let before: isize = out.applied.iter().map(|&j| &fixes[j].edits[0])
                    .filter(|f| f.span.start < e.span.start)
                    .map(|f| f.content.len() as isize - f.span.len() as isize).sum();
                let at = (e.span.start as isize + before) as usize;
                proptest::prop_assert_eq!(&out.text[at..at + e.content.len()], e.content.as_str());
            }
            proptest::prop_assert_eq!(apply(&out.text, &[]).text, out.text.clone());
            proptest::prop_assert_eq!(out.applied.len() + out.skipped.len(), fixes.len());
        }
    }
}
