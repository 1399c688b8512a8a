//! Reporters: render diagnostics as human, github, json or sarif output.
