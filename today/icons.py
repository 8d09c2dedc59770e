"""Draws Tending's icons as PNGs with the standard library alone (no image library needed).

Two leaves rising from one stem, cream on Tending's green. `python -m today.icons` writes
them into today/static/today/; the PNGs are committed, so this runs only when they change.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

GREEN = (47, 99, 83)
CREAM = (250, 247, 242)
OUT = Path(__file__).resolve().parent / "static" / "today"


def _png(width: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 6, 0, 0, 0)  # RGBA, 8 bits
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _in_leaf(x: float, y: float, cx: float, cy: float, angle: float, length: float) -> bool:
    """A leaf: the overlap of two circles, tilted by `angle`, its base at (cx, cy)."""
    dx, dy = x - cx, y - cy
    c, s = math.cos(-angle), math.sin(-angle)
    u, v = dx * c - dy * s, dx * s + dy * c  # u along the leaf, v across it
    r = length * 0.72
    offset = math.sqrt(max(r * r - (length / 2) ** 2, 0))
    return (u - length / 2) ** 2 + (v - offset) ** 2 <= r * r and (u - length / 2) ** 2 + (
        v + offset
    ) ** 2 <= r * r


def _inside_shape(x: float, y: float) -> bool:
    """The motif in a unit square, centred, kept within the middle 60% (the maskable safe zone)."""
    stem = abs(x - 0.5) <= 0.022 and 0.42 <= y <= 0.78
    left = _in_leaf(x, y, 0.5, 0.56, math.radians(-140), 0.30)
    right = _in_leaf(x, y, 0.5, 0.46, math.radians(-40), 0.30)
    return stem or left or right


def draw(size: int, *, maskable: bool) -> bytes:
    corner = 0.0 if maskable else 0.22  # "any" icons are a rounded square; maskable full-bleed
    samples = 3  # supersampling for smooth edges
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            cover = ink = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) / size
                    y = (py + (sy + 0.5) / samples) / size
                    qx, qy = (
                        max(abs(x - 0.5) - (0.5 - corner), 0),
                        max(abs(y - 0.5) - (0.5 - corner), 0),
                    )
                    if corner and qx * qx + qy * qy > corner * corner:
                        continue
                    cover += 1
                    ink += _inside_shape(x, y)
            n = samples * samples
            if cover == 0:
                row += bytes((0, 0, 0, 0))
                continue
            t = ink / cover
            rgb = tuple(round(g * (1 - t) + c * t) for g, c in zip(GREEN, CREAM, strict=True))
            row += bytes((*rgb, round(255 * cover / n)))
        rows.append(bytes(row))
    return _png(size, rows)


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself
    "favicon-32.png": (32, False),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        (OUT / name).write_bytes(draw(size, maskable=maskable))
        sys.stdout.write(f"{name}\n")


if __name__ == "__main__":
    main()
