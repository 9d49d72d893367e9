//! VEX readers (issue 5): CycloneDX VEX and OpenVEX 0.2 (CSAF VEX is read by the CSAF module).
