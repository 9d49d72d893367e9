-- The vulnerability knowledge base (issue 4).
--
-- Records are stored whole as JSON (they are read whole, and their shape belongs to
-- medvigil-model), with the columns queries need beside them: ids, aliases, CVEs and
-- `modified` (normalized by medvigil_model::vuln::timestamp_key so it orders as text).

-- One row per (source, record id): an OSV entry, an NVD CVE, a CVE 5 record.
-- Rowid tables (not WITHOUT ROWID) for the tables holding whole records: their rows are
-- kilobytes, which WITHOUT ROWID B-trees handle poorly.
CREATE TABLE kb_vuln (
    source   TEXT NOT NULL,
    id       TEXT NOT NULL,
    modified TEXT,
    record   TEXT NOT NULL,
    UNIQUE (source, id)
);

-- Every id and alias of every record (the record's own id included), for lookups by
-- any alias. NOCASE: people type ghsa-... and cve-... too.
CREATE TABLE kb_alias (
    alias  TEXT NOT NULL COLLATE NOCASE,
    source TEXT NOT NULL,
    id     TEXT NOT NULL,
    PRIMARY KEY (alias, source, id)
) WITHOUT ROWID;
CREATE INDEX kb_alias_by_record ON kb_alias (source, id);

-- Advisories (CSAF), keyed by document.tracking.id.
CREATE TABLE kb_advisory (
    id       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category TEXT NOT NULL,
    modified TEXT NOT NULL,
    record   TEXT NOT NULL
);

CREATE TABLE kb_advisory_cve (
    cve         TEXT NOT NULL COLLATE NOCASE,
    advisory_id TEXT NOT NULL,
    PRIMARY KEY (cve, advisory_id)
) WITHOUT ROWID;
CREATE INDEX kb_advisory_cve_by_advisory ON kb_advisory_cve (advisory_id);

CREATE TABLE kb_kev (
    cve    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    record TEXT NOT NULL
);

CREATE TABLE kb_epss (
    cve           TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    epss          REAL NOT NULL,
    percentile    REAL NOT NULL,
    model_version TEXT,
    score_date    TEXT
) WITHOUT ROWID;

-- Recalls, keyed by recall number; kb_recall_key indexes the other ways to find one
-- (event id, product code, 510(k) and PMA numbers).
CREATE TABLE kb_recall (
    recall_number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    record        TEXT NOT NULL
);

CREATE TABLE kb_recall_key (
    key           TEXT NOT NULL COLLATE NOCASE,
    recall_number TEXT NOT NULL,
    PRIMARY KEY (key, recall_number)
) WITHOUT ROWID;
CREATE INDEX kb_recall_key_by_recall ON kb_recall_key (recall_number);
