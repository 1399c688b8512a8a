//! README generation: markers, regions, templates, atomic writes.
