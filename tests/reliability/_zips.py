"""Zip archives written byte by byte, for EPUBs no zip library would write: a zip bomb,
a bad CRC, an unknown compression method."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

STORED, DEFLATED = 0, 8


@dataclass(frozen=True)
class RawEntry:
    name: str
    data: bytes  # as stored in the archive (already compressed)
    size: int  # uncompressed
    crc: int
    method: int = STORED


def stored(name: str, content: bytes) -> RawEntry:
    return RawEntry(name, content, len(content), zlib.crc32(content))


def deflated(name: str, content: bytes) -> RawEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return RawEntry(name, data, len(content), zlib.crc32(content), DEFLATED)


def zeros_bomb(name: str, mebibytes: int) -> RawEntry:
    """``mebibytes`` MiB of zero bytes, deflated to about a thousandth of that.  After a
    full flush the compressor starts afresh, so one compressed MiB repeats."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return RawEntry(name, block * mebibytes + compressor.flush(), mebibytes << 20, crc, DEFLATED)


def raw_zip(entries: list[RawEntry]) -> bytes:
    local, central = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        fields = (20, 0, entry.method, 0, 0x21, entry.crc, len(entry.data), entry.size, len(name))
        central += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIH", *fields)
        central += struct.pack("<HHHHII", 0, 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<I", 0x04034B50) + struct.pack("<HHHHHIIIH", *fields) + b"\0\0"
        local += name + entry.data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      len(local), 0)  # fmt: skip
    return bytes(local + central + end)
