#!/usr/bin/env python3
"""Fail unless every PNG given is a real picture: decodes, has the expected
size, and shows more than a handful of colours (a blank or single-colour
frame means the renderer drew nothing)."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"unexpected PNG format depth={depth} colour={colour}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    ok = True
    for path in sys.argv[1:]:
        try:
            width, height, bpp, rows = decode(path)
        except Exception as e:  # noqa: BLE001 - report any decoding failure
            print(f"{path}: cannot decode: {e}")
            ok = False
            continue
        colours = set()
        for row in rows[:: max(1, height // 200)]:
            for x in range(0, width * bpp, bpp * max(1, width // 400)):
                colours.add(row[x:x + 3])
        if width < 400 or height < 300 or len(colours) < 8:
            print(f"{path}: looks blank ({width}x{height}, {len(colours)} colours)")
            ok = False
        else:
            print(f"{path}: ok ({width}x{height}, {len(colours)} colours sampled)")
    sys.exit(0 if ok else 1)


main()
