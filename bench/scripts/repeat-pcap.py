#!/usr/bin/env python3
"""repeat-pcap.py IN.pcap OUT.pcap N: writes IN's records N times, each copy shifted later in time by the
capture's own span (+1 s), so OUT is one long, time-ordered capture for throughput runs on big files."""
import struct, sys

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
magic = data[:4]
endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
nano = magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
unit = 1_000_000_000 if nano else 1_000_000
records, off = [], 24
while off + 16 <= len(data):
    sec, frac, incl, orig = struct.unpack(endian + 'IIII', data[off:off + 16])
    records.append((sec * unit + frac, data[off + 8:off + 16 + incl]))
    off += 16 + incl
span = records[-1][0] - records[0][0] + unit
with open(dst, 'wb') as out:
    out.write(data[:24])
    for i in range(n):
        for t, rest in records:
            t += i * span
            out.write(struct.pack(endian + 'II', t // unit, t % unit) + rest)
