//! Shapes of static-site blogs and challenge logs, as their generators and
//! habits write them: each test writes a small repository, adopts it with no
//! config, and checks that `lint` finds nothing in notes that hold no defect
//! and that `readme` leaves a right index as it was.

use super::common::adopt_unchanged;

/// MkDocs Material's blog plugin dates a post with a mapping,
/// `date: {created: 2024-04-04, updated: ...}`: the post's date is `created`.
#[test]
fn mkdocs_material_blog_posts_dated_by_created() {
    let post = |d: &str, t: &str| {
        format!(
            "---\ndate:\n  created: 2024-04-{d}\n  updated: 2024-05-01\ncategories:\n  - Python\n---\n\n# {t}\n\nText.\n\n<!-- more -->\n\nMore.\n"
        )
    };
    let (p1, p2, p3) = (post("04", "Walrus"), post("08", "Match"), post("16", "Typing"));
    let (_, config) = adopt_unchanged(&[
        ("mkdocs.yml", "site_name: Notes\nplugins:\n  - blog\n"),
        ("docs/index.md", "# Home\n"),
        ("docs/blog/index.md", "# Blog\n"),
        ("docs/blog/posts/walrus.md", &p1),
        ("docs/blog/posts/match.md", &p2),
        ("docs/blog/posts/typing.md", &p3),
        (
            "README.md",
            "# Notes\n\n- [Typing](docs/blog/posts/typing.md) — 2024-04-16\n- [Match](docs/blog/posts/match.md) — 2024-04-08\n- [Walrus](docs/blog/posts/walrus.md) — 2024-04-04\n",
        ),
    ]);
    assert!(config.contains("{{ note.date }}"), "{config}");
}
