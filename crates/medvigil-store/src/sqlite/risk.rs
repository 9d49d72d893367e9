//! SQLite implementation of [`RiskStore`].

use super::SqliteStore;
use crate::RiskStore;

impl RiskStore for SqliteStore {}
