//! Finding the files to check: notes under `notes.root`, plus the README.
