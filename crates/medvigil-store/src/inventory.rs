//! Inventory persistence: devices keyed by (site, asset id).

use medvigil_model::{Device, DeviceModel, Site};
use serde::Serialize;

use crate::Result;

/// One inventory import, applied in a single transaction.
#[derive(Debug, Clone, Default)]
pub struct DeviceImport {
    /// The devices, each with its site already resolved. `(site, asset_id)` must be unique.
    pub devices: Vec<Device>,
    /// Remove the inventory devices of the sites present in `devices` that the import
    /// does not mention. Discovered devices are never pruned.
    pub prune: bool,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Devices that did not exist before.
    pub added: u64,
    /// Devices that existed and differ now.
    pub updated: u64,
    /// Devices that existed with exactly the same data.
    pub unchanged: u64,
    /// Devices removed by `prune`.
    pub removed: u64,
}

/// Which devices to list.
#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    /// Only this site.
    pub site: Option<String>,
    /// Only this asset id (in any site unless `site` is set).
    pub asset_id: Option<String>,
}

/// Storage of the device inventory.
pub trait InventoryStore {
    /// Upserts devices by `(site, asset_id)` in one transaction and reports the changes.
    fn import_devices(&mut self, import: &DeviceImport) -> Result<ImportSummary>;
    /// Merges devices learned from traffic into `site`, in one transaction.
    ///
    /// Each device is matched to a stored one by MAC address, then by IP address, within
    /// the site. A match only gains what it lacks (empty fields, new addresses, new
    /// attribute keys): nothing the inventory import supplied is overwritten. Unmatched
    /// devices are added as they are (callers set `origin = Discovered` and an asset id
    /// such as `mac-001b44113ab7`). `removed` is always 0.
    fn merge_discovered(&mut self, site: &str, devices: &[Device]) -> Result<ImportSummary>;
    /// Devices matching the filter, ordered by site then asset id.
    fn list_devices(&self, filter: &DeviceFilter) -> Result<Vec<Device>>;
    /// Sites with their device counts, ordered by name.
    fn sites(&self) -> Result<Vec<Site>>;
    /// Device models (manufacturer and model as the inventory spells them) with the
    /// firmware versions seen, ordered by manufacturer then model.
    fn device_models(&self) -> Result<Vec<DeviceModel>>;
}
