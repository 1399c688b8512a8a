//! The lint pipeline: discover -> parse (in parallel) -> rules -> sorted diagnostics.
