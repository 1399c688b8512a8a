pub(crate) mod jail;
// Replaces note::parse::github_slug once the parser split lands.
#[allow(dead_code)]
pub(crate) mod slug;
