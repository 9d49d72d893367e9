//! medvigil-match: see ARCHITECTURE.md.
