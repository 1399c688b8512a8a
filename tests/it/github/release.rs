//! What the release workflow publishes, checked against what installs it:
//! cargo-binstall's URLs in Cargo.toml name exactly the archives the workflow
//! makes, the wheel matrix covers every platform the README promises, and the
//! image is multi-arch with provenance. (actionlint and the workflow schema
//! check the file's form: validators.rs.)

use serde_json::Value;

use crate::common::project_root;

fn release() -> Value {
    let text = std::fs::read_to_string(project_root().join(".github/workflows/release.yml")).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

fn cargo_toml() -> String {
    std::fs::read_to_string(project_root().join("Cargo.toml")).unwrap()
}

/// The `key = "value"` lines of one `[table]` of Cargo.toml.
fn toml_table(text: &str, table: &str) -> Vec<(String, String)> {
    let header = format!("[{table}]\n");
    let at = text.find(&header).unwrap_or_else(|| panic!("Cargo.toml has no [{table}]")) + header.len();
    text[at..]
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

fn get<'a>(table: &'a [(String, String)], key: &str) -> &'a str {
    &table.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("no {key} in {table:?}")).1
}

/// The steps of a job whose `uses:` starts with `action`.
fn steps_using<'a>(job: &'a Value, action: &str) -> Vec<&'a Value> {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(&format!("{action}@"))))
        .collect()
}

/// binstall's template, filled in as cargo-binstall does (`{ name }`, spaces inside).
fn binstall_url(template: &str, target: &str) -> String {
    template
        .replace("{ repo }", "https://github.com/daybook-rs/daybook")
        .replace("{ version }", "1.2.3")
        .replace("{ name }", "daybook")
        .replace("{ target }", target)
}

#[test]
fn binstall_urls_name_the_archives_the_release_makes() {
    let wf = release();
    let wheels = &wf["jobs"]["wheels"];
    let archive_step = wheels["steps"].as_array().unwrap().iter().find(|s| s["name"] == "archive").unwrap();
    let script = archive_step["run"].as_str().unwrap();
    // The workflow's naming, written once; the URLs must agree with it.
    assert!(script.contains(r#"name="daybook-v${version}-${TARGET}""#), "{script}");
    assert!(
        script.contains(r#""archive/${name}.zip""#) && script.contains(r#""archive/${name}.tar.gz" daybook"#)
    );

    let toml = cargo_toml();
    let default = toml_table(&toml, "package.metadata.binstall");
    assert_eq!(
        get(&default, "bin-dir"),
        "{ bin }{ binary-ext }",
        "the archives hold the binary at their root"
    );
    let archived: Vec<&str> = wheels["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["archive"] == true)
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    for want in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(archived.contains(&want), "{want} has a release archive: {archived:?}");
    }
    for target in &archived {
        let windows = target.contains("windows");
        let (template, fmt) = if windows {
            let t = toml_table(&toml, &format!("package.metadata.binstall.overrides.{target}"));
            (get(&t, "pkg-url").to_owned(), get(&t, "pkg-fmt").to_owned())
        } else {
            (get(&default, "pkg-url").to_owned(), get(&default, "pkg-fmt").to_owned())
        };
        let ext = if windows { "zip" } else { "tar.gz" };
        assert_eq!(fmt, if windows { "zip" } else { "tgz" }, "{target}");
        assert_eq!(
            binstall_url(&template, target),
            format!(
                "https://github.com/daybook-rs/daybook/releases/download/v1.2.3/daybook-v1.2.3-{target}.{ext}"
            ),
            "{target}: cargo-binstall must find the archive the release uploads"
        );
    }
    assert!(archived.iter().any(|t| t.contains("windows")), "a Windows archive too: {archived:?}");
}

#[test]
fn wheels_cover_linux_glibc_and_musl_macos_and_windows() {
    let wf = release();
    let matrix = wf["jobs"]["wheels"]["strategy"]["matrix"]["include"].as_array().unwrap().clone();
    let has = |target: &str, manylinux: &str| {
        matrix
            .iter()
            .any(|m| m["target"] == target && m["manylinux"].as_str().unwrap_or_default() == manylinux)
    };
    assert!(has("x86_64-unknown-linux-gnu", "auto") && has("aarch64-unknown-linux-gnu", "auto"), "manylinux");
    assert!(
        has("x86_64-unknown-linux-musl", "musllinux_1_2")
            && has("aarch64-unknown-linux-musl", "musllinux_1_2")
    );
    assert!(has("x86_64-apple-darwin", "") && has("aarch64-apple-darwin", ""), "macOS");
    assert!(has("x86_64-pc-windows-msvc", ""), "Windows");
    assert_eq!(steps_using(&wf["jobs"]["wheels"], "PyO3/maturin-action").len(), 1);
    // Every release file has its checksum in SHA256SUMS.
    let publish = wf["jobs"]["publish"]["steps"].as_array().unwrap();
    assert!(
        publish.iter().any(|s| s["run"].as_str().is_some_and(|r| r.contains("sha256sum -- * > SHA256SUMS")))
    );
}

#[test]
fn the_image_is_multi_arch_with_provenance_and_checked_public() {
    let wf = release();
    let image = &wf["jobs"]["image"];
    assert_eq!(steps_using(image, "docker/setup-qemu-action").len(), 1, "QEMU for the arm64 stage");
    assert_eq!(steps_using(image, "docker/setup-buildx-action").len(), 1);
    let push = steps_using(image, "docker/build-push-action");
    assert_eq!(push.len(), 1);
    let with = &push[0]["with"];
    let platforms: Vec<&str> = with["platforms"].as_str().unwrap().split(',').collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64"]);
    assert_eq!(with["provenance"], true);
    assert_eq!(with["push"], true);
    assert_eq!(with["build-args"], "BINARY=prebuilt");
    assert!(steps_using(image, "docker/login-action")[0]["with"]["registry"] == "ghcr.io");
    assert_eq!(image["permissions"]["packages"], "write");
    // The Dockerfile stage the release selects copies the binary per architecture.
    let dockerfile = std::fs::read_to_string(project_root().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("FROM scratch AS prebuilt")
            && dockerfile.contains("image-bin/${TARGETARCH}/daybook")
    );
    assert!(dockerfile.contains("ARG BINARY=source") && dockerfile.contains("FROM ${BINARY} AS binary"));
    let ignore = std::fs::read_to_string(project_root().join(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "!image-bin/"), "the prebuilt binaries are in the build context");
    // A private package breaks the action for every user: the release says so.
    let public = &wf["jobs"]["image-public"];
    assert_eq!(public["needs"], "image");
    let run = public["steps"][0]["run"].as_str().unwrap();
    assert!(run.contains("docker logout ghcr.io") && run.contains("imagetools inspect"), "{run}");
    let docs = std::fs::read_to_string(project_root().join("docs/github.md")).unwrap();
    assert!(docs.contains("### Publishing the image"), "the error's pointer leads somewhere");
}
