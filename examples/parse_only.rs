//! The floor bench/lint.sh measures `daybook lint` against: read every
//! Markdown file under a folder and run pulldown-cmark over it (the options
//! daybook's note parser uses, events with offsets), in parallel as daybook
//! does, keeping nothing.
//!
//! ```text
//! cargo run --release --example parse_only -- /tmp/daybook-bench/notes-10000/notes
//! ```
//!
//! Prints the number of files, bytes and events, so the work cannot be optimised away.

// Test and example crates are binaries: their modules' `pub` is for each other.
#![allow(unreachable_pub)]

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => markdown_files(&p, out),
            Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "md") => out.push(p),
            _ => {}
        }
    }
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: parse_only DIR"));
    let mut files = Vec::new();
    markdown_files(&dir, &mut files);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let (bytes, events) = files
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let events = Parser::new_ext(&text, options).into_offset_iter().count();
            (text.len(), events)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{} files, {bytes} bytes, {events} events", files.len());
}
