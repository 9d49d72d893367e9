//! SQLite implementation of [`SbomStore`].

use super::SqliteStore;
use crate::SbomStore;

impl SbomStore for SqliteStore {}
