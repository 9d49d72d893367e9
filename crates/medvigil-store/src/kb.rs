//! Knowledge-base persistence (issue 4): vulnerabilities, advisories, KEV, EPSS, recalls.
//!
//! Writes go through [`KbStore::import_kb`], which runs a caller's closure inside one
//! transaction and hands it a [`KbSink`] to pour batches into. The caller can parse and
//! stream as much as it likes (250,000 NVD records need not sit in memory at once) and
//! still get all-or-nothing: the closure returning `Ok(false)` or an error rolls back.
//!
//! Re-import rules, per record: identical → unchanged; older `modified` than the stored
//! copy → stale (the stored copy stays); otherwise → updated. KEV entries and recalls have
//! no `modified` of their own, so any difference is an update; EPSS scores with an older
//! `score_date` are stale.

use std::collections::HashMap;

use medvigil_model::vuln::{
    Advisory, EpssScore, KbBatch, KbCounts, KbRecords, KbSource, KbStats, KevEntry, Recall,
    Vulnerability,
};

use crate::Result;

/// Where [`KbStore::import_kb`]'s closure puts records.
pub trait KbSink {
    /// Writes a batch (inside the import's transaction) and counts what it changed.
    fn put(&mut self, batch: KbBatch) -> Result<()>;
    /// The counts so far.
    fn counts(&self) -> &KbCounts;
}

/// Storage of the vulnerability knowledge base.
pub trait KbStore {
    /// Runs `fill` in one transaction. `fill` returns `Ok(true)` to commit; `Ok(false)`
    /// or an error rolls everything back. Returns what the batches changed (or would
    /// have changed, when rolled back).
    fn import_kb(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn KbSink) -> Result<bool>,
    ) -> Result<KbCounts>;

    /// Writes one batch in its own transaction.
    fn upsert_kb(&mut self, batch: KbBatch) -> Result<KbCounts> {
        let mut batch = Some(batch);
        self.import_kb(&mut |sink| {
            if let Some(b) = batch.take() {
                sink.put(b)?;
            }
            Ok(true)
        })
    }

    /// Everything stored under `id`: any vulnerability id or alias (CVE, GHSA, PYSEC,
    /// GO, RUSTSEC ...), advisory id, or recall number / 510(k) number. Case-insensitive.
    fn kb_lookup(&self, id: &str) -> Result<KbRecords>;

    /// Counts of what the knowledge base holds.
    fn kb_stats(&self) -> Result<KbStats>;

    /// Streams every vulnerability record (of one source, or all), ordered by source
    /// then id, without holding them all in memory.
    fn kb_each_vulnerability(
        &self,
        source: Option<KbSource>,
        each: &mut dyn FnMut(Vulnerability) -> Result<()>,
    ) -> Result<()>;

    /// Every vulnerability record of one source (or all), ordered by source then id.
    fn kb_vulnerabilities(&self, source: Option<KbSource>) -> Result<Vec<Vulnerability>> {
        let mut out = Vec::new();
        self.kb_each_vulnerability(source, &mut |v| {
            out.push(v);
            Ok(())
        })?;
        Ok(out)
    }

    /// Every advisory with its products and affected rules, ordered by id.
    fn kb_advisories(&self) -> Result<Vec<Advisory>>;

    /// The KEV catalog keyed by CVE id.
    fn kb_kev(&self) -> Result<HashMap<String, KevEntry>>;

    /// EPSS scores keyed by CVE id.
    fn kb_epss(&self) -> Result<HashMap<String, EpssScore>>;

    /// Every recall, ordered by recall number.
    fn kb_recalls(&self) -> Result<Vec<Recall>>;
}
