//! One of each small utility the stages share (layer 0: imports nothing of the
//! crate but `crate::error`).
//!
//! - `fs`: the one atomic file write, and the rule for writing through a symlink;
//! - `jail`: reading only regular files inside the repository, bounded;
//! - `url`: what a link destination is (web address, other scheme, fragment, path);
//! - `percent`: percent-decoding of link paths and fragments;
//! - `jinja`: the template environment, with its budget against runaway templates;
//! - `html`: the `id`/`name` anchors of an HTML page or of raw HTML in Markdown;
//! - `slug`: heading anchors exactly as GitHub makes them;
//! - `text`: char-boundary clamping and whitespace collapsing.

pub(crate) mod fs;
pub(crate) mod html;
pub(crate) mod jail;
pub(crate) mod jinja;
pub(crate) mod percent;
pub(crate) mod slug;
pub(crate) mod text;
pub(crate) mod url;
