-- Inventory: devices keyed by (site, asset_id). Lists and free attributes are JSON text:
-- they are read and written whole with the device, never queried piecemeal.
CREATE TABLE device (
    id                INTEGER PRIMARY KEY,
    site              TEXT NOT NULL,
    asset_id          TEXT NOT NULL,
    manufacturer      TEXT,
    model             TEXT,
    version           TEXT,
    serial            TEXT,
    department        TEXT,
    ips               TEXT NOT NULL DEFAULT '[]',
    macs              TEXT NOT NULL DEFAULT '[]',
    device_class      TEXT,
    clinical_function TEXT,
    network_zone      TEXT,
    attributes        TEXT NOT NULL DEFAULT '{}',
    origin            TEXT NOT NULL DEFAULT 'inventory',
    UNIQUE (site, asset_id)
);
CREATE INDEX device_asset_id ON device (asset_id);
CREATE INDEX device_model_name ON device (manufacturer, model);
