//! Persistence for medvigil behind one backend-neutral API.
//!
//! Callers talk to the [`Store`] trait (a bundle of one trait per domain:
//! [`InventoryStore`], [`SbomStore`], [`KbStore`], [`FindingStore`], [`RiskStore`]) and never see SQL.
//! [`open_sqlite`] gives the embedded SQLite backend, the default; a PostgreSQL backend
//! implements the same traits, so no caller changes when it lands.
//!
//! **Invariant:** the store holds no business rules. It saves and loads model types and
//! reports what changed; deciding what matches or how risky something is lives above it.
//! Every import runs in one transaction: it lands whole or not at all.
//!
//! ```
//! use medvigil_model::Device;
//! use medvigil_store::{open_sqlite_in_memory, DeviceFilter, DeviceImport, InventoryStore};
//! let mut store = open_sqlite_in_memory().unwrap();
//! let report = store
//!     .import_devices(&DeviceImport { devices: vec![Device::new("north", "PUMP-1")], prune: false })
//!     .unwrap();
//! assert_eq!(report.added, 1);
//! assert_eq!(store.list_devices(&DeviceFilter::default()).unwrap().len(), 1);
//! ```
#![deny(missing_docs)]

mod error;
mod findings;
mod inventory;
mod kb;
mod risk;
mod sbom;
mod sqlite;

pub use error::StoreError;
pub use findings::FindingStore;
pub use inventory::{DeviceFilter, DeviceImport, ImportSummary, InventoryStore};
pub use kb::{KbSink, KbStore};
pub use risk::RiskStore;
pub use sbom::SbomStore;
pub use sqlite::{DB_FILE_NAME, SqliteStore, open_sqlite, open_sqlite_in_memory};

/// Result type of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything a medvigil backend provides. Use `Box<dyn Store>` to stay backend-neutral.
pub trait Store: InventoryStore + SbomStore + KbStore + FindingStore + RiskStore + Send {
    /// The backend's name and location, for logs and `--help` output ("sqlite:/path").
    fn describe(&self) -> String;
    /// The schema version this store is at after migrations.
    fn schema_version(&self) -> Result<u32>;
}
