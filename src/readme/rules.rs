//! Rule metadata for what `daybook readme` reports while regenerating.

use crate::diag::Severity;
use crate::rules::RuleInfo;

pub const SKIPPED_NOTE: RuleInfo = RuleInfo {
    name: "readme-skipped-note",
    summary: "A note is left out of the README history because its path or title does not spell its date.",
    docs: "\
A note is listed in the README's history only when its path matches `notes.pattern` \
and its H1 title matches `title.pattern` with the same date: the history links to the \
note by its path and labels it with its title, so a note that gets either wrong would \
produce a broken or misleading entry.

Failing: `notes/202105/05010.md` (the path spells no date) or a title that says \
`（2021.5.11）` in `notes/202105/0510.md`.

Fixed: rename the file to `notes/202105/0510.md`, correct the title. `daybook lint` \
reports the underlying problem under `note-path` or `title`.",
    default_severity: Severity::Warning,
};

pub const FUTURE_NOTE: RuleInfo = RuleInfo {
    name: "future-note",
    summary: "A note is dated after today; the README would show it as the newest.",
    docs: "\
The README's today and updated regions follow the newest note by the date in its \
path. A note dated after today (usually a typo in the file name, `0142.md` for \
`0412.md`, or a wrong year) would take over the README.

The note is still listed. Pass `--today YYYY-MM-DD` to `daybook readme` to judge \
against another day (CI machines run on UTC).",
    default_severity: Severity::Warning,
};

pub const NO_TODAY: RuleInfo = RuleInfo {
    name: "readme-no-today",
    summary: "The newest note has no today section, so the README's today region is empty.",
    docs: "\
The README's today region is a copy of the newest note's today section (the H2 heading \
named by `sections.today`). When the newest note has no such heading the region is \
emptied and this is reported.

Fixed: add the heading (`## :paperclip:  今日要点` by default) above the day's items.",
    default_severity: Severity::Warning,
};
