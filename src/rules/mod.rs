//! Rules: small units with a stable kebab-case name, a one-line doc and tests.

/// Every rule name, for config validation and `daybook rules`.
pub fn names() -> impl Iterator<Item = &'static str> {
    [].into_iter()
}

pub fn is_known(name: &str) -> bool {
    names().any(|n| n == name)
}
