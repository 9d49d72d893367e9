-- Clinical risk (issue 6).
--
-- Rubric answers: the medical-device CVSS rubric's yes/no answers per device model, and
-- per vulnerability where a question depends on the flaw. vulnerability = '' means the
-- answer holds for every vulnerability of the model (NULL would defeat the UNIQUE key).
CREATE TABLE rubric_answer (
    id            INTEGER PRIMARY KEY,
    manufacturer  TEXT NOT NULL,
    model         TEXT NOT NULL,
    vulnerability TEXT NOT NULL DEFAULT '',
    question      TEXT NOT NULL,
    answer        INTEGER NOT NULL CHECK (answer IN (0, 1)),
    note          TEXT,
    answered_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (manufacturer, model, vulnerability, question)
);

-- Clinical profile overrides: what a clinical engineer stated about a model (all its
-- devices) or about one device, including its compensating controls. The patch is a
-- JSON ClinicalProfilePatch, read and written whole. Device overrides are layered over
-- model overrides, which are layered over what the inventory says.
CREATE TABLE model_profile (
    manufacturer TEXT NOT NULL,
    model        TEXT NOT NULL,
    patch        TEXT NOT NULL,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (manufacturer, model)
);

CREATE TABLE device_profile (
    site       TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    patch      TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (site, asset_id)
);
