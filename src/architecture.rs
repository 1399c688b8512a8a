//! The shape of the library, checked: top-level modules form layers, and only
//! the binary's modules know clap or print.
//!
//! This reads `src/` the way import-linter or `cargo modules dependencies
//! --acyclic` would, but needs no tool: every `crate::NAME` (and `super::`-free
//! `use crate::{A, B}`) in a top-level module's files is an edge. A module may
//! name modules of its own layer only where the table says so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layer of every top-level module, lowest first. A module may import only
/// modules in strictly lower layers.
const LAYERS: &[&[&str]] = &[
    &["diag", "error", "pattern", "suggest"],
    &["util"],
    &["config"],
    &["levels", "note"],
    &["discover"],
    &["rules", "links", "readme"],
    &["catalog"],
    &["settings", "suppress"],
    &["lint"],
    &["fix"],
    &["report"],
    &["github"],
    &["write"],
    &["cli", "commands"],
];

/// Modules that only the binary's side may name.
const BINARY_SIDE: &[&str] = &["cli", "commands"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the top-level modules its files name.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let path_ref = regex::Regex::new(r"\bcrate::([a-z_][a-z0-9_]*)").unwrap();
    let group = regex::Regex::new(r"\bcrate::\{([^}]*)\}").unwrap();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top =
            rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if top == "lib" || top == "main" || top == "architecture" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Line comments (docs included) may name any module: only code counts.
        let code: String =
            text.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n");
        let deps = graph.entry(top.clone()).or_default();
        for c in path_ref.captures_iter(&code) {
            deps.insert(c[1].to_owned());
        }
        for c in group.captures_iter(&code) {
            for name in c[1].split(',') {
                let name = name.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    deps.insert(name.to_owned());
                }
            }
        }
        deps.remove(&top);
        // `crate::Error`, `crate::Config` and friends are re-exports at the root.
        deps.retain(|d| d.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    }
    graph
}

/// Every import that breaks the layers, as `from -> to`.
fn violations(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, deps) in graph {
        let Some(mine) = layer_of(module) else {
            wrong.push(format!("{module} has no layer: add it to LAYERS in src/architecture.rs"));
            continue;
        };
        for dep in deps {
            match layer_of(dep) {
                Some(theirs) if theirs < mine => {}
                Some(_) if BINARY_SIDE.contains(&module.as_str()) && BINARY_SIDE.contains(&dep.as_str()) => {}
                _ => wrong.push(format!("{module} -> {dep}")),
            }
        }
    }
    wrong
}

#[test]
fn modules_import_only_lower_layers() {
    let wrong = violations(&edges());
    assert!(
        wrong.is_empty(),
        "imports that break the layers (a module may name only lower layers):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_catches_an_upward_import_a_cycle_and_the_library_naming_cli() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).to_owned()).or_default().insert((*b).to_owned());
        }
        g
    };
    assert!(violations(&graph(&[("rules", "config"), ("report", "rules"), ("commands", "cli")])).is_empty());
    assert_eq!(violations(&graph(&[("config", "rules")])), ["config -> rules"]);
    assert_eq!(
        violations(&graph(&[("links", "rules"), ("rules", "links")])).len(),
        2,
        "siblings may not name each other"
    );
    assert_eq!(violations(&graph(&[("links", "cli")])), ["links -> cli"]);
    assert_eq!(violations(&graph(&[("brand_new", "diag")])).len(), 1, "a module without a layer is reported");
}

#[test]
fn the_graph_sees_every_kind_of_import() {
    let g = edges();
    // Real edges that exist today, one per syntax: a path and a grouped `use`.
    assert!(g["lint"].contains("note"), "{:?}", g["lint"]);
    assert!(g["commands"].contains("config"), "{:?}", g["commands"]);
}
