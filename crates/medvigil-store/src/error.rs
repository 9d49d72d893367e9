use std::path::PathBuf;

/// An error from the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The data directory could not be created or opened.
    #[error("cannot use data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database file belongs to a newer medvigil.
    #[error(
        "database schema version {found} is newer than this medvigil supports ({supported}); upgrade medvigil"
    )]
    SchemaTooNew {
        /// Version found in the database.
        found: u32,
        /// Highest version this build knows.
        supported: u32,
    },
    /// A migration failed; the database was left at the previous version.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// The migration's number.
        version: u32,
        /// The migration's name.
        name: &'static str,
        /// The database error.
        source: rusqlite::Error,
    },
    /// Stored data could not be decoded (corruption or a bug).
    #[error("corrupt stored data in {what}: {detail}")]
    Corrupt {
        /// Which table or field.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The input violates a store constraint (e.g. the same identity twice in one batch).
    #[error("{0}")]
    Conflict(String),
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
