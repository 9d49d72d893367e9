//! SQLite implementation of [`KbStore`].

use super::SqliteStore;
use crate::KbStore;

impl KbStore for SqliteStore {}
