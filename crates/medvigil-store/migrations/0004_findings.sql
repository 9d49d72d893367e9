-- Findings (issue 5): which asset a vulnerability affects, with its evidence, and the
-- VEX statements that change a finding's status.

-- One row per (asset, vulnerability, advisory). `asset` is the AssetRef as JSON; the
-- device columns are copied out so that per-device queries use an index.
CREATE TABLE finding (
    id               INTEGER PRIMARY KEY,
    asset_key        TEXT NOT NULL,
    asset            TEXT NOT NULL,
    site             TEXT,
    asset_id         TEXT,
    model            TEXT,
    version          TEXT,
    vulnerability_id TEXT NOT NULL,
    advisory_id      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL
        CHECK (status IN ('affected', 'not_affected', 'fixed', 'under_investigation')),
    matched_status   TEXT NOT NULL
        CHECK (matched_status IN ('affected', 'not_affected', 'fixed', 'under_investigation')),
    matcher          TEXT NOT NULL,
    confidence       REAL NOT NULL,
    details          TEXT NOT NULL,
    vex              TEXT,
    UNIQUE (asset_key, vulnerability_id, advisory_id)
);
CREATE INDEX finding_by_device ON finding (site, asset_id);
CREATE INDEX finding_by_advisory ON finding (advisory_id);
CREATE INDEX finding_by_vulnerability ON finding (vulnerability_id);
CREATE INDEX finding_by_status ON finding (status);

-- VEX statements as imported, one row per statement; `source` is the document and the
-- statement's position in it, so re-importing a document updates rather than duplicates.
CREATE TABLE vex_statement (
    id               INTEGER PRIMARY KEY,
    source           TEXT NOT NULL UNIQUE,
    document         TEXT NOT NULL,
    vulnerability_id TEXT NOT NULL,
    statement        TEXT NOT NULL,
    imported_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX vex_by_vulnerability ON vex_statement (vulnerability_id);
