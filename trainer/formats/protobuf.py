"""Just enough protobuf reading for Anki's package metadata and note-type configs."""

from __future__ import annotations


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def fields(data: bytes) -> dict[int, list[int | bytes]]:
    """Top-level fields of a message: number -> values (ints for varints, bytes otherwise)."""
    out: dict[int, list[int | bytes]] = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def first_int(data: bytes, number: int, default: int = 0) -> int:
    """The first integer of field ``number``, or ``default`` when the message has none (a
    field left at its default is not written)."""
    values = fields(data).get(number, [])
    return values[0] if values and isinstance(values[0], int) else default


def first_str(data: bytes, number: int) -> str:
    """The first text of field ``number``, or "" when the message has none."""
    values = fields(data).get(number, [])
    return values[0].decode("utf-8") if values and isinstance(values[0], bytes) else ""
