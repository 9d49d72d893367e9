//! medvigil-netwatch: see ARCHITECTURE.md.
