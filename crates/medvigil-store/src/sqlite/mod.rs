//! The embedded SQLite backend (the default).

mod findings;
mod inventory;
mod kb;
mod migrations;
mod risk;
mod sbom;

use std::path::Path;

use rusqlite::Connection;

use crate::{Result, Store, StoreError};

/// The database file's name inside the data directory.
pub const DB_FILE_NAME: &str = "medvigil.sqlite3";

/// A store in one SQLite database file (WAL mode).
pub struct SqliteStore {
    pub(crate) conn: Connection,
    location: String,
}

/// Opens (creating if needed) the store in `data_dir` and migrates it to the current schema.
pub fn open_sqlite(data_dir: &Path) -> Result<SqliteStore> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let path = data_dir.join(DB_FILE_NAME);
    let conn = Connection::open(&path)?;
    // WAL lets readers (the CLI, a server) run while an import writes; NORMAL sync is
    // durable across application crashes, which is what WAL is designed for.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    SqliteStore::init(conn, format!("sqlite:{}", path.display()))
}

/// A throwaway store in memory, for tests and one-shot commands.
pub fn open_sqlite_in_memory() -> Result<SqliteStore> {
    SqliteStore::init(Connection::open_in_memory()?, "sqlite::memory:".into())
}

impl SqliteStore {
    fn init(conn: Connection, location: String) -> Result<SqliteStore> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = SqliteStore { conn, location };
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// The underlying connection, for backend-specific tooling and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Store for SqliteStore {
    fn describe(&self) -> String {
        self.location.clone()
    }
    fn schema_version(&self) -> Result<u32> {
        migrations::current_version(&self.conn)
    }
}
