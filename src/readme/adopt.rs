//! `daybook init`: adopting a hand-made README.
