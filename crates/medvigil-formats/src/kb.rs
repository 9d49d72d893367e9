//! Knowledge-base sources (issue 4): OSV, NVD CVE API 2.0, CVE JSON 5, CSAF 2.0, KEV, EPSS, openFDA recalls.
