//! SQLite implementation of [`FindingStore`].

use super::SqliteStore;
use crate::FindingStore;

impl FindingStore for SqliteStore {}
