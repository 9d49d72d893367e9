"""A pump gateway stand-in (IHE Infusion Order Consumer) built on python-hl7's asyncio
MLLP server. Prints "PORT <n>" once listening; appends each received MSH-10 to the file
named by argv[1]; answers every message with python-hl7's own ACK (MSA-1 AA)."""
import asyncio
import sys

import hl7
from hl7.mllp import start_hl7_server

LOG = sys.argv[1]


async def handle(reader, writer):
    try:
        while not writer.is_closing():
            message = await reader.readmessage()
            with open(LOG, "a") as f:
                f.write(str(message.segment("MSH")[10]) + "\n")
            writer.writemessage(message.create_ack("AA", application="PY_IOC", facility="HOSP"))
            await writer.drain()
    except asyncio.IncompleteReadError:
        if not writer.is_closing():
            writer.close()
            await writer.wait_closed()


async def main():
    async with await start_hl7_server(handle, host="127.0.0.1", port=0) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        # Bounded life: the test kills it long before this.
        await asyncio.wait_for(server.serve_forever(), timeout=120)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except asyncio.TimeoutError:
        pass
