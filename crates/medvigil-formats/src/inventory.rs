//! Device inventories: CMMS CSV exports and FHIR R4 `Device` resources.
