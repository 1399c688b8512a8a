//! Rule metadata for what `daybook readme` reports while regenerating.

use crate::diag::{RuleInfo, Severity};

pub const SKIPPED_NOTE: RuleInfo = RuleInfo {
    name: "readme-skipped-note",
    summary: "A note is left out of the README history because its path or title does not spell its date.",
    docs: "\
## What it checks

A note is listed in the README's history only when its path matches `notes.pattern` \
and its H1 title matches `title.pattern` with the same date. A note that gets either \
wrong is left out of the history and reported here by `daybook readme`.

## Why it matters

The history links to the note by its path and labels it with its title, so such a \
note would produce a broken or misleading entry: exactly the rot of hand-kept READMEs \
(`notes/202105/05010.md` listed for `0510.md`).

## Example

Failing: `notes/202105/05010.md` (the path spells no date), or a title that says \
`（2021.5.11）` in `notes/202105/0510.md`.

Fixed: rename the file to `notes/202105/0510.md` and correct the title. `daybook lint` \
reports the underlying problem under `note-path` or `title`.

## Configuration

`notes.pattern` and `title.pattern` in daybook.yml.",
    default_severity: Severity::Warning,
};

pub const FUTURE_NOTE: RuleInfo = RuleInfo {
    name: "future-note",
    summary: "A note is dated after today; the README would show it as the newest.",
    docs: "\
## What it checks

Reported by `daybook readme` for a note whose path date lies after today. The note is \
still listed.

## Why it matters

The README's today and updated regions follow the newest note by the date in its \
path. A note dated after today (usually a typo in the file name, `0142.md` for \
`0412.md`, or a wrong year) would take over the README.

## Example

Failing: `notes/203004/0412.md` written on 2026-04-12.

Fix: rename it to `notes/202604/0412.md` (and correct its title).

## Configuration

`daybook readme --today YYYY-MM-DD` judges against another day (CI machines run on UTC).",
    default_severity: Severity::Warning,
};

pub const NO_TODAY: RuleInfo = RuleInfo {
    name: "readme-no-today",
    summary: "The newest note has no today section, so the README's today region is empty.",
    docs: "\
## What it checks

The README's today region is a copy of the newest note's today section (the H2 heading \
named by `sections.today`). When the newest note has no such heading the region is \
emptied and this is reported.

## Why it matters

An empty today region is the README's headline gone blank; it usually means the \
newest note's heading was misspelled.

## Example

Failing: the newest note has `## 今日要点` while the config expects \
`## :paperclip:  今日要点`.

Fixed: add the heading (`## :paperclip:  今日要点` by default) above the day's items.

## Configuration

`sections.today` in daybook.yml.",
    default_severity: Severity::Warning,
};
