//! Writing notes: `daybook new` makes the day's note from the note template,
//! `daybook add` appends items to it.
//!
//! Everything here writes inside the repository only (folders on the way are
//! checked with [`crate::util::jail`] before anything is created) and only
//! through [`crate::util::fs::write_atomic`]. Nothing prints: the commands do.

pub(crate) mod add;
pub(crate) mod new;

pub(crate) use new::{NewError, create_note};
