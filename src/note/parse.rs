//! Markdown -> [`Note`](super::Note), with pulldown-cmark's offset iterator so every
//! element keeps its byte span. Raw HTML is tokenized (html5gum) to read `src`/`href`.
