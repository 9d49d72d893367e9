"""Sends HL7 messages (a JSON list of strings on stdin, segments separated by CR)
through python-hl7's MLLPClient, one connection, and prints one JSON object per reply:
MSA-1, MSA-2, ERR-5.1 and the sending application of the ACK."""
import json
import socket
import sys

import hl7
from hl7.client import MLLPClient

host, port = sys.argv[1], int(sys.argv[2])
messages = json.load(sys.stdin)
with MLLPClient(host, port) as client:
    client.socket.settimeout(10)
    for text in messages:
        raw = client.send_message(text)
        # Strip the MLLP envelope: <VT> ... <FS><CR>.
        body = raw.decode("utf-8").strip("\x0b\x1c\r\n")
        ack = hl7.parse(body)
        msa = ack.segment("MSA")
        try:
            err5 = str(ack.segment("ERR")[5][0][0])
        except KeyError:
            err5 = None
        print(json.dumps({
            "msa1": str(msa[1]),
            "msa2": str(msa[2]),
            "err5": err5,
            "from": str(ack.segment("MSH")[3]),
        }), flush=True)
