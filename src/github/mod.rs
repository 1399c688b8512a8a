//! GitHub integration: action inputs, check runs, job summary, outputs, commit back.
