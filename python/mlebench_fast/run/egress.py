"""The egress proxy of a run: the agent's only way out of its run's internal network.

An HTTP proxy (`CONNECT host:port` for HTTPS, absolute-URI requests for plain HTTP) that
connects only outside: a name is resolved here, and a destination that is private,
loopback, link-local, shared, multicast or reserved (Docker's networks, other runs, the
cloud's metadata service) or one of the host's own addresses (`--deny`, given by the
harness) is refused with 403. It connects to the address it checked, so a name cannot
resolve to an outside address for the check and an inside one for the connection. Runs in
its own container (the validator's image, no answers mounted).

    python -m mlebench_fast.run.egress --port 3128 [--deny ADDRESS ...]
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import socket
import sys
from urllib.parse import urlsplit

MAX_HEAD = 64 * 1024  # bytes of a request's head before it is refused
CONNECT_TIMEOUT = 30.0


# Inside addresses. (The documentation ranges, 192.0.2.0/24 and the like, are not here: they
# are routed nowhere on the internet, and sandboxes give their egress such addresses.)
BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/3",
        "::/127",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)
DENIED: set[str] = set()  # the host's own addresses (--deny)


def is_outside(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip) not in DENIED and not any(ip in n for n in BLOCKED if n.version == ip.version)


async def _outside_address(host: str, port: int) -> str:
    """The first address of `host`, which must be outside (every address it resolves to is)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(is_outside(a) for a in addresses):
        raise PermissionError(f"{host} is not outside")
    return addresses[0]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except OSError:
            pass


async def _reply(writer: asyncio.StreamWriter, status: str) -> None:
    writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
    try:
        await writer.drain()
    finally:
        writer.close()


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return await _reply(writer, "400 Bad Request")
    method, target, version = parts
    if method == "CONNECT":
        host, _, port_text = target.rpartition(":")
        host = host.strip("[]")
        rest = b""
    else:
        url = urlsplit(target)
        if url.scheme != "http" or not url.hostname:
            return await _reply(writer, "400 Bad Request")
        host, port_text = url.hostname, str(url.port or 80)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        kept = [line for line in lines[1:] if line and not line.lower().startswith(("proxy-", "connection:"))]
        rest = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""]).encode("latin-1")
    if not port_text.isdigit() or not host:
        return await _reply(writer, "400 Bad Request")
    try:
        address = await _outside_address(host, int(port_text))
        up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(address, int(port_text)), CONNECT_TIMEOUT)
    except PermissionError:
        return await _reply(writer, "403 Forbidden")
    except (OSError, asyncio.TimeoutError):
        return await _reply(writer, "502 Bad Gateway")
    if method == "CONNECT":
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
    else:
        up_writer.write(rest)
        await up_writer.drain()
    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def serve(port: int) -> None:
    server = await asyncio.start_server(handle, host="0.0.0.0", port=port, limit=MAX_HEAD)
    print(f"egress proxy on port {port}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3128)
    parser.add_argument("--deny", nargs="*", default=[], metavar="ADDRESS", help="Also refuse these addresses.")
    args = parser.parse_args(argv)
    DENIED.update(str(ipaddress.ip_address(a)) for a in args.deny)
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
