//! medvigil-version: see ARCHITECTURE.md.
