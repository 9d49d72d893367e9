//! medvigil-risk: see ARCHITECTURE.md.
