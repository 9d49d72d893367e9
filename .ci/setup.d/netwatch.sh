#!/usr/bin/env bash
# netwatch's tests capture real DICOM and HL7 peers on loopback with tcpdump, compare
# fields with tshark's dissectors, and look up MAC OUIs in Debian's ieee-data registry.
# Idempotent and quiet: installs only what is missing.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
missing=()
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
command -v tshark >/dev/null 2>&1 || missing+=(tshark)
[ -e /usr/share/ieee-data/oui.txt ] || [ -e /usr/share/ieee-data/oui.csv ] || missing+=(ieee-data)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    # tshark asks whether non-root users may capture; answer once, non-interactively.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import pynetdicom, hl7' >/dev/null 2>&1; then
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    # A Debian system Python refuses pip installs (PEP 668) unless told otherwise.
    "$PY" -m pip install -q pynetdicom hl7 2>/dev/null \
        || "$PY" -m pip install -q --break-system-packages pynetdicom hl7
fi
