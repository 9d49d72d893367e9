-- SBOMs (issue 3), stored against a device model and one of its firmware versions.
--
-- Device models and firmware versions are keyed case-insensitively (NOCASE), the way
-- inventory devices link to them: device.manufacturer / model / version match
-- device_model.manufacturer / model and firmware_version.version ignoring ASCII case
-- (view device_firmware below).

CREATE TABLE device_model (
    id           INTEGER PRIMARY KEY,
    manufacturer TEXT NOT NULL COLLATE NOCASE,
    model        TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (manufacturer, model)
);

-- A model has many firmware versions.
CREATE TABLE firmware_version (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES device_model (id) ON DELETE CASCADE,
    version  TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (model_id, version)
);

-- One imported SBOM document. Lists (authors, tools) are JSON text, read whole.
-- AUTOINCREMENT: an id is never reused after a replaced SBOM is deleted, so findings
-- that name "sbom:ID" cannot silently point at another document.
CREATE TABLE sbom (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    firmware_id      INTEGER NOT NULL REFERENCES firmware_version (id) ON DELETE CASCADE,
    format           TEXT NOT NULL,
    spec_version     TEXT NOT NULL,
    serial           TEXT,
    revision         INTEGER,
    name             TEXT,
    timestamp        TEXT,
    authors          TEXT NOT NULL DEFAULT '[]',
    tools            TEXT NOT NULL DEFAULT '[]',
    subject          TEXT,
    source           TEXT,
    imported_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX sbom_firmware ON sbom (firmware_id);

-- Components in document order (ordinal). Identifier lists and hashes are JSON text;
-- purls and CPEs are also in component_identifier for lookups by identifier.
CREATE TABLE component (
    id             INTEGER PRIMARY KEY,
    sbom_id        INTEGER NOT NULL REFERENCES sbom (id) ON DELETE CASCADE,
    ordinal        INTEGER NOT NULL,
    reference      TEXT NOT NULL,
    name           TEXT NOT NULL,
    version        TEXT,
    grp            TEXT,
    kind           TEXT NOT NULL,
    supplier       TEXT,
    author         TEXT,
    purls          TEXT NOT NULL DEFAULT '[]',
    cpes           TEXT NOT NULL DEFAULT '[]',
    other_ids      TEXT NOT NULL DEFAULT '[]',
    hashes         TEXT NOT NULL DEFAULT '[]',
    licenses       TEXT NOT NULL DEFAULT '[]',
    support_level  TEXT,
    end_of_support TEXT,
    parent         TEXT,
    UNIQUE (sbom_id, reference),
    UNIQUE (sbom_id, ordinal)
);

-- purl / CPE of each component, for the matching engine's lookups.
CREATE TABLE component_identifier (
    component_id INTEGER NOT NULL REFERENCES component (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('purl', 'cpe')),
    value        TEXT NOT NULL,
    PRIMARY KEY (component_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX component_identifier_value ON component_identifier (kind, value);

-- Dependency edges by component reference, in document order.
CREATE TABLE sbom_dependency (
    sbom_id  INTEGER NOT NULL REFERENCES sbom (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    from_ref TEXT NOT NULL,
    to_ref   TEXT NOT NULL,
    PRIMARY KEY (sbom_id, from_ref, to_ref)
) WITHOUT ROWID;

-- Inventory devices and the firmware version (with SBOMs) they run.
CREATE VIEW device_firmware AS
SELECT d.id AS device_id, d.site, d.asset_id, f.id AS firmware_id, m.id AS model_id
FROM device d
JOIN device_model m
  ON d.manufacturer = m.manufacturer COLLATE NOCASE AND d.model = m.model COLLATE NOCASE
JOIN firmware_version f
  ON f.model_id = m.id AND d.version = f.version COLLATE NOCASE;
