//! Versioned schema migrations, tracked in SQLite's `user_version`.
//!
//! Each migration runs in its own transaction together with the version bump, so a
//! failure leaves the database at the previous version. Append new migrations; never
//! edit one that has shipped.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// (version, name, SQL), in order. Versions start at 1 and have no gaps.
pub(crate) const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "inventory",
        include_str!("../../migrations/0001_inventory.sql"),
    ),
    (2, "sbom", include_str!("../../migrations/0002_sbom.sql")),
    (3, "kb", include_str!("../../migrations/0003_kb.sql")),
    (
        4,
        "findings",
        include_str!("../../migrations/0004_findings.sql"),
    ),
    (5, "risk", include_str!("../../migrations/0005_risk.sql")),
];

pub(crate) fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found = current_version(conn)?;
    let supported = MIGRATIONS.last().map_or(0, |m| m.0);
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()
        };
        run(conn).map_err(|source| StoreError::Migration {
            version,
            name,
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.0 as usize, i + 1, "migration {} out of order", m.1);
        }
    }

    #[test]
    fn migrates_from_empty_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v = current_version(&conn).unwrap();
        assert_eq!(v, MIGRATIONS.last().unwrap().0);
        migrate(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), v);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }
}
