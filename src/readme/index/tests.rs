//! Tests of finding a hand-made index and its style.
use super::*;

fn note(path: &str, title: &str, date: Option<(i32, u32, u32)>, folder: &str, n: Option<&str>) -> IndexNote {
    IndexNote {
        path: path.into(),
        title: title.into(),
        date: date.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        set: 0,
        folder: folder.into(),
        n_text: n.map(str::to_owned),
    }
}

#[test]
fn a_til_readme_by_topic() {
    let readme = "# TIL\n\n> Things I learned\n\n_3 TILs and counting..._\n\n- [AWS](#aws)\n- [Git](#git)\n\n### AWS\n\n- [Assume a role](aws/assume-role.md)\n- [S3 sync](aws/s3-sync.md)\n\n### Git\n\n- [Rebase](git/rebase.md)\n\n## About\n\nMe.\n";
    let notes = vec![
        note("aws/assume-role.md", "Assume a role", None, "aws", None),
        note("aws/s3-sync.md", "S3 sync", None, "aws", None),
        note("git/rebase.md", "Rebase", None, "git", None),
    ];
    let f = find_index(readme, "", &notes, &["til".into()], &|_| None).unwrap();
    assert_eq!(
        &readme[f.lines.clone()],
        "_3 TILs and counting..._\n\n- [AWS](#aws)\n- [Git](#git)\n\n### AWS\n\n- [Assume a role](aws/assume-role.md)\n- [S3 sync](aws/s3-sync.md)\n\n### Git\n\n- [Rebase](git/rebase.md)\n"
    );
    assert_eq!(f.linked, 3);
    assert!(
        f.template.starts_with(
            "_{{ count }} TILs and counting..._\n\n{% for topic in topics %}\n- [{{ topic.title }}]"
        ),
        "{}",
        f.template
    );
    assert_eq!(f.topics.get("aws").map(String::as_str), Some("AWS"));
}

#[test]
fn numbered_weekly_notes_newest_first_with_text_around_the_link() {
    let readme = "# Notes\n\n* WEEK063 - [Three](./notes/week063-c/README.md)\n* WEEK062 - [Two](./notes/week062-b/README.md)\n\nBye\n";
    let notes = vec![
        note("notes/week062-b/README.md", "WEEK062 - Two", None, "week062-b", Some("062")),
        note("notes/week063-c/README.md", "WEEK063 - Three", None, "week063-c", Some("063")),
    ];
    let f = find_index(readme, "", &notes, &["notes".into()], &|_| None).unwrap();
    assert_eq!(f.order, Order::Descending);
    assert_eq!(
        &readme[f.lines.clone()],
        "* WEEK063 - [Three](./notes/week063-c/README.md)\n* WEEK062 - [Two](./notes/week062-b/README.md)\n"
    );
    assert!(
        f.template.contains("* WEEK{{ note.n_text }} - [{{ note.title | replace(\"WEEK\" ~ note.n_text ~ \" - \", \"\") }}](./{{ note.url }})"),
        "{}",
        f.template
    );
}

#[test]
fn the_newest_posts_and_a_dead_link() {
    let readme = "## Latest\n\n- [C](_posts/2024-01-03-c.md) 2024-01-03\n- [B](_posts/2024-01-02-b.md) 2024-01-02\n- [Gone](_posts/2024-01-01-gone.md) 2024-01-01\n";
    let mut notes = vec![
        note("_posts/2024-01-03-c.md", "C", Some((2024, 1, 3)), "", None),
        note("_posts/2024-01-02-b.md", "B", Some((2024, 1, 2)), "", None),
    ];
    for d in 1..=5 {
        notes.push(note(&format!("_posts/2023-12-0{d}-x.md"), "X", Some((2023, 12, d)), "", None));
    }
    let claims = |p: &str| p.starts_with("_posts/").then_some((0, None));
    let f = find_index(readme, "", &notes, &["posts".into()], &claims).unwrap();
    assert_eq!(f.linked, 3);
    assert!(f.template.contains("{% for note in newest_first %}"), "{}", f.template);
    assert!(f.template.contains("{% if loop.index <= 3 %}"), "{}", f.template);
    assert!(f.template.contains("- [{{ note.title }}]({{ note.url }}) {{ note.date }}"), "{}", f.template);
    assert_eq!(f.order, Order::Descending);
}

/// `find_index` on `readme` (linking notes made by `sample_note`, dated
/// `dates`), then the template it infers rendered over those notes: the
/// index must come out as written.
fn round_trip(readme: &str, dates: &[(i32, u32, u32)]) -> FoundIndex {
    use crate::readme::data::{Context, sample_note};
    let mut data: Vec<_> = dates.iter().map(|&(y, m, d)| sample_note(y, m, d, 1, "N")).collect();
    data.sort_by(|a, b| a.date.cmp(&b.date));
    let notes: Vec<IndexNote> = data
        .iter()
        .map(|n| {
            let (y, m, d) = (n.year.unwrap(), n.month.unwrap(), n.day.unwrap());
            note(&n.path, &n.title, Some((y, m, d)), &n.folder, None)
        })
        .collect();
    let f = find_index(readme, "", &notes, &["notes".into()], &|_| None).expect("an index");
    let mut templates = BTreeMap::new();
    templates.insert("history".to_owned(), f.template.clone());
    let t = crate::readme::template::Templates::new(&templates).unwrap();
    let ctx = Context::new(data, String::new(), f.order).unwrap().value();
    let out = t.render(markers::RegionName::History, &ctx).unwrap();
    assert_eq!(out, readme[f.lines.clone()], "template:\n{}", f.template);
    f
}

fn link(y: i32, m: u32, d: u32) -> String {
    format!("- [N（{y}.{m}.{d}）](notes/{y:04}{m:02}/{m:02}{d:02}.md)\n")
}

#[test]
fn a_heading_per_month_naming_month_and_year_oldest_first() {
    let readme = format!(
        "# Log\n\n## March 2023\n\n{}{}\n## April 2023\n\n{}\n## January 2024\n\n{}\n## Other\n",
        link(2023, 3, 1),
        link(2023, 3, 9),
        link(2023, 4, 2),
        link(2024, 1, 5)
    );
    let f = round_trip(&readme, &[(2023, 3, 1), (2023, 3, 9), (2023, 4, 2), (2024, 1, 5)]);
    assert_eq!(f.order, Order::Ascending);
    assert!(
        f.template.contains("## {{ month.month | month_name(\"en\") }} {{ year.year }}"),
        "{}",
        f.template
    );
}

#[test]
fn numeric_months_under_years_and_french_names() {
    let readme = format!(
        "# Log\n\n## 2024\n\n### 2024-02\n\n{}\n### 2024-01\n\n{}{}\n## 2023\n\n### 2023-11\n\n{}",
        link(2024, 2, 1),
        link(2024, 1, 9),
        link(2024, 1, 2),
        link(2023, 11, 30)
    );
    let f = round_trip(&readme, &[(2024, 2, 1), (2024, 1, 9), (2024, 1, 2), (2023, 11, 30)]);
    assert_eq!(f.order, Order::Descending);
    assert!(f.template.contains("### {{ year.year }}-{{ month.mm }}"), "{}", f.template);
    let readme = format!(
        "# Journal\n\n<details><summary>Année 2024</summary>\n\n#### Mars\n\n{}\n#### Février\n\n{}\n</details>\n<details><summary>Année 2023</summary>\n\n#### Août\n\n{}\n</details>\n\nFin.\n",
        link(2024, 3, 1),
        link(2024, 2, 9),
        link(2023, 8, 2)
    );
    let f = round_trip(&readme, &[(2024, 3, 1), (2024, 2, 9), (2023, 8, 2)]);
    assert!(
        f.template.contains("#### {{ month.month | month_name(\"fr\") | capitalize }}"),
        "{}",
        f.template
    );
    assert!(f.template.contains("<details><summary>Année {{ year.year }}</summary>"), "{}", f.template);
}

#[test]
fn years_only_and_abbreviated_months() {
    let readme = format!(
        "# Log\n\n### 2024\n\n{}{}\n### 2023\n\n{}\nBye\n",
        link(2024, 3, 1),
        link(2024, 1, 9),
        link(2023, 8, 2)
    );
    let f = round_trip(&readme, &[(2024, 3, 1), (2024, 1, 9), (2023, 8, 2)]);
    assert!(f.description.contains("grouped by year,"), "{}", f.description);
    let readme = format!("# Log\n\n## Sep 2024\n{}\n## Aug 2024\n{}", link(2024, 9, 1), link(2024, 8, 9),);
    let f = round_trip(&readme, &[(2024, 9, 1), (2024, 8, 9)]);
    assert!(f.template.contains("(month.month | month_name(\"en\"))[:3]"), "{}", f.template);
}

#[test]
fn numbered_within_each_group() {
    let num = |n: usize, y: i32, m: u32, d: u32| link(y, m, d).replacen("- ", &format!("{n}. "), 1);
    let readme = format!(
        "# Log\n\n<details>\n<summary>2024</summary>\n\n#### January\n\n{}{}\n</details>\n\n<details>\n<summary>2023</summary>\n\n#### December\n\n{}\n</details>\n",
        num(2, 2024, 1, 5),
        num(1, 2024, 1, 2),
        num(1, 2023, 12, 30)
    );
    let f = round_trip(&readme, &[(2024, 1, 5), (2024, 1, 2), (2023, 12, 30)]);
    assert!(f.template.contains("{{ loop.revindex }}. ["), "{}", f.template);
}

#[test]
fn chinese_year_and_month_numbers() {
    let readme = format!(
        "# 笔记\n\n### 2024年\n\n#### 2月\n\n{}\n#### 1月\n\n{}\n### 2023年\n\n#### 12月\n\n{}",
        link(2024, 2, 1),
        link(2024, 1, 9),
        link(2023, 12, 30)
    );
    let f = round_trip(&readme, &[(2024, 2, 1), (2024, 1, 9), (2023, 12, 30)]);
    assert!(f.template.contains("#### {{ month.month }}月"), "{}", f.template);
}

#[test]
fn a_count_line_above_groups_by_year() {
    let readme = format!(
        "# Log\n\n_3 days written_\n\n## 2024\n\n{}{}\n## 2023\n\n{}\nBye\n",
        link(2024, 3, 1),
        link(2024, 1, 9),
        link(2023, 8, 2)
    );
    let f = round_trip(&readme, &[(2024, 3, 1), (2024, 1, 9), (2023, 8, 2)]);
    assert!(
        f.template.starts_with("_{{ count }} days written_\n\n{% for year in years %}"),
        "{}",
        f.template
    );
}

#[test]
fn the_first_year_alone_open() {
    let readme = format!(
        "# Log\n\n<details open><summary>2024</summary>\n\n{}{}\n</details>\n<details><summary>2023</summary>\n\n{}\n</details>\n\nBye\n",
        link(2024, 3, 1),
        link(2024, 1, 9),
        link(2023, 8, 2)
    );
    let f = round_trip(&readme, &[(2024, 3, 1), (2024, 1, 9), (2023, 8, 2)]);
    assert!(f.template.contains("<details{{ \" open\" if loop.first else \"\" }}>"), "{}", f.template);
}
