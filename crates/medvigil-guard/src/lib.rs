//! medvigil-guard: see ARCHITECTURE.md.
