//! A property: on generated repositories and READMEs, generating changes only
//! region contents, agrees with a full parse, and a second run changes nothing.

use std::fs;

use chrono::NaiveDate;
use daybook::config::Config;
use proptest::prelude::*;
use tempfile::TempDir;

use super::{read, via_full_parse, write_note};

/// One line of a note's today section.
fn today_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        "[a-z一-龥 ]{0,12}".prop_map(|t| format!("1. [{t}](https://example.org/{})       :star:", t.len())),
        "[a-z]{1,8}".prop_map(|p| format!("![x](images/{p}.png)")),
        "[a-z]{1,8}".prop_map(|p| format!("<div align=center><img src=\"./{p}.png\" style='zoom:100%'>")),
        Just("</div>".to_owned()),
        "[a-z]{1,8}"
            .prop_map(|p| format!("   - Paper: [p](../202001/{p}.md#x) [m](mailto:{p}@x.org) [f](#{p})")),
        Just("```".to_owned()),
        "[ -~]{0,30}".prop_map(|s| s.replace("<!--", "")),
        "[a-z一-龥]{0,10}\t ".prop_map(|s| s),
    ]
}

/// Text around markers: anything but a marker line or a fence opener.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(String::new()),
            "[ -~一-龥]{0,24}".prop_map(|s| s.replace("<!--", "<!").replace(['`', '~'], "'")),
            Just("## :paperclip:  今日要点".to_owned()),
            Just("   ".to_owned()),
        ],
        0..4,
    )
    .prop_map(|v| v.join("\n"))
}

#[derive(Debug, Clone)]
struct Case {
    notes: Vec<(NaiveDate, bool, Vec<String>)>,
    regions: Vec<&'static str>,
    fillers: Vec<String>,
    crlf: bool,
    bom: bool,
    final_newline: bool,
    stale: Vec<String>,
}

fn case() -> impl Strategy<Value = Case> {
    let note = (0u32..900, any::<bool>(), prop::collection::vec(today_line(), 0..8)).prop_map(
        |(d, good_title, lines)| {
            (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d as u64), good_title, lines)
        },
    );
    (
        prop::collection::vec(note, 1..6),
        prop::sample::subsequence(vec!["today", "history", "updated"], 1..=3).prop_shuffle(),
        prop::collection::vec(filler(), 4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(filler(), 3),
    )
        .prop_map(|(notes, regions, fillers, crlf, bom, final_newline, stale)| Case {
            notes,
            regions,
            fillers,
            crlf,
            bom,
            final_newline,
            stale,
        })
}

fn build(case: &Case) -> (TempDir, String) {
    let dir = TempDir::new().unwrap();
    for (date, good_title, lines) in &case.notes {
        write_note(dir.path(), &date.format("%Y-%m-%d").to_string(), &(lines.join("\n") + "\n"));
        if !good_title {
            let p = dir.path().join(date.format("notes/%Y%m/%m%d.md").to_string());
            let text = read(&p).replacen("# 公众号", "# 笔记", 1);
            fs::write(p, text).unwrap();
        }
    }
    let mut readme = String::new();
    if case.bom {
        readme.push('\u{feff}');
    }
    readme.push_str(&case.fillers[0]);
    for (i, r) in case.regions.iter().enumerate() {
        readme.push_str(&format!("\n<!-- daybook:{r} -->\n{}\n<!-- /daybook:{r} -->\n", case.stale[i]));
        readme.push_str(&case.fillers[i + 1]);
    }
    if case.final_newline {
        readme.push('\n');
    }
    if case.crlf {
        readme = readme.replace('\n', "\r\n");
    }
    fs::write(dir.path().join("README.md"), &readme).unwrap();
    (dir, readme)
}

/// The README with every region's inner text removed.
fn outside_regions(text: &str) -> String {
    let regions = daybook::readme::markers::scan(text).unwrap();
    daybook::readme::markers::splice(text, &regions, |_| Some(String::new()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generating_twice_gives_the_same_bytes_as_once(case in case()) {
        let (dir, original) = build(&case);
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let cfg = Config::default();
        let first = match daybook::readme::generate(dir.path(), &cfg, today) {
            Ok(g) => g,
            // Every note left out: a clean error, nothing to compare.
            Err(daybook::readme::ReadmeError::NoUsableNotes { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        // Only region contents changed.
        prop_assert_eq!(outside_regions(&first.new), outside_regions(&original));
        // The head-only loader agrees with a full parse of every note.
        prop_assert_eq!(&via_full_parse(dir.path(), &cfg, today).unwrap(), &first.new);
        daybook::readme::write(&first).unwrap();
        let second = daybook::readme::generate(dir.path(), &cfg, today).unwrap();
        prop_assert_eq!(&second.new, &first.new);
        prop_assert!(!second.changed());
        prop_assert_eq!(read(dir.path().join("README.md")), first.new);
    }
}
