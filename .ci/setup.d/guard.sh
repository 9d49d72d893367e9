#!/usr/bin/env bash
# medvigil-guard tests drive python-hl7 (PyPI `hl7`): its MLLPClient as a sender and
# its asyncio MLLP server as the pump gateway.
set -euo pipefail
if ! python3 -c 'import hl7.client, hl7.mllp' 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check 'hl7>=0.4.5,<0.5'
fi
