#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets of single peer-written headers
and values (tests/fuzz/<source dir>/fuzz_*.c) into tests/fuzz/corpus/.
Each input format is at the top of its target's source. Seeds: valid
inputs and the edges of each rule. Rewrites those corpus directories."""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


REQ, READ, WRITE, FLUSH, DISCARD = 0x0b01, 0, 1, 2, 3


def blk(sectors, big, rec_len, op, nr, sector, rid=0, flags=0, rtype=REQ,
        rflags=0, reserved=0):
    return (struct.pack("<QBBHHHI", sectors, big, 0, rtype, rflags, 0, rec_len) +
            struct.pack("<HBBIQQ", rid, op, flags, nr, sector, reserved))


D = 1 << 21  # a 1 GiB disk
write("fuzz_blk_check", {
    "read-4k": blk(D, 0, 24, READ, 8, 0),
    "write-4k": blk(D, 0, 24 + 4096, WRITE, 8, 8),
    "write-fua-1m": blk(D, 0, 24 + (1 << 20), WRITE, 2048, 0, flags=1),
    "read-last-sector": blk(D, 0, 24, READ, 1, D - 1),
    "read-past-end": blk(D, 0, 24, READ, 2, D - 1),
    "read-wraps-u64": blk(D, 0, 24, READ, 8, (1 << 64) - 8),
    "flush": blk(D, 0, 24, FLUSH, 0, 0, rid=255),
    "flush-with-range": blk(D, 0, 24, FLUSH, 1, 0),
    "discard-1g": blk(D, 0, 24, DISCARD, 1 << 21, 0),
    "discard-too-big": blk(1 << 40, 0, 24, DISCARD, (1 << 21) + 8, 0),
    "read-too-big": blk(D, 0, 24, READ, 2056, 0),
    "unaligned-4k": blk(D, 1, 24, READ, 8, 4),
    "aligned-4k": blk(D, 1, 24 + 4096, WRITE, 8, 8),
    "id-256": blk(D, 0, 24, READ, 8, 0, rid=256),
    "reserved-set": blk(D, 0, 24, READ, 8, 0, reserved=1),
    "fua-on-read": blk(D, 0, 24, READ, 8, 0, flags=1),
    "write-len-short": blk(D, 0, 24 + 512, WRITE, 8, 0),
    "bad-op": blk(D, 0, 24, 4, 8, 0),
    "bad-rec-type": blk(D, 0, 24, READ, 8, 0, rtype=0x0b02),
    "empty-disk": blk(0, 0, 24, READ, 1, 0),
})


def net(rec_len, flags=0, gso=0, hdr_len=0, gso_size=0, cs=0, co=0, r0=0, r1=0):
    return struct.pack("<IBBHHHHHI", rec_len, flags, gso, hdr_len, gso_size, cs,
                       co, r0, r1)


write("fuzz_net_hdr", {
    "plain-1514": net(16 + 1514),
    "min-frame": net(16 + 14),
    "max-frame": net(16 + 65536 + 32),
    "too-short": net(16 + 13),
    "too-long": net(16 + 65536 + 33),
    "no-header": net(8),
    "csum-partial": net(16 + 1514, 1, cs=34, co=16),
    "csum-at-end": net(16 + 100, 1, cs=90, co=8),
    "csum-beyond": net(16 + 100, 1, cs=90, co=9),
    "csum-offsets-wrap": net(16 + 100, 1, cs=0xffff, co=0xffff),
    "gso-tcpv4": net(16 + 65000, 1, 1, 54, 1448, 34, 16),
    "gso-tcpv6-ecn": net(16 + 9000, 1, 0x84, 74, 1440, 54, 16),
    "gso-no-csum": net(16 + 9000, 0, 1, 54, 1448),
    "gso-size-0": net(16 + 9000, 1, 1, 54, 0, 34, 16),
    "gso-udp": net(16 + 9000, 1, 3, 42, 1472, 34, 6),
    "data-valid": net(16 + 60, 2),
    "unknown-flag": net(16 + 60, 4),
    "reserved0": net(16 + 60, r0=1),
    "reserved1": net(16 + 60, r1=1 << 31),
})


PAGE = 4096


def gt(entries):
    page = bytearray(PAGE)
    for ref, (flags, dom, frame) in entries.items():
        struct.pack_into("<HHI", page, ref * 8, flags, dom, frame)
    return bytes(page)


def frame(refs):
    page = bytearray(PAGE)
    for i, r in enumerate(refs):
        struct.pack_into("<I", page, i * 4, r)
    return bytes(page)


def chan(a, b, mx, ctrl, da, db, backend, table, f0, f1):
    return struct.pack("<BBHIIIHH", a, b, mx, ctrl, da, db, backend, 0) + table + f0 + f1


PERMIT, RO = 1, 4
ok_gt = gt({10: (PERMIT, 0, 0), 11: (PERMIT | RO, 0, 0), 12: (PERMIT | RO, 0, 1)})
dir_a = frame(range(100, 102))
dir_b = frame(range(200, 204))
write("fuzz_iotask_chan", {
    "valid-1-2": chan(1, 2, 64, 10, 11, 12, 0, ok_gt, dir_a, dir_b),
    "valid-0-0-exact-room": chan(0, 0, 5, 10, 11, 12, 0, ok_gt, dir_a, dir_b),
    "valid-max-orders": chan(10, 10, 2051, 10, 11, 12, 0, ok_gt,
                             frame(range(2, 1026)), frame(range(3000, 4024))),
    "no-room": chan(1, 2, 8, 10, 11, 12, 0, ok_gt, dir_a, dir_b),
    "order-11": chan(11, 0, 0xffff, 10, 11, 12, 0, ok_gt, dir_a, dir_b),
    "dir-ref-0": chan(1, 1, 64, 10, 11, 12, 0, ok_gt, frame([0, 5]), dir_b),
    "dir-ref-writable-bit": chan(1, 1, 64, 10, 11, 12, 0, ok_gt,
                                 dir_a, frame([5, 1 << 31])),
    "dir-granted-elsewhere": chan(1, 1, 64, 10, 11, 12, 3, ok_gt, dir_a, dir_b),
    "dir-not-granted": chan(1, 1, 64, 10, 11, 13, 0, ok_gt, dir_a, dir_b),
    "dir-ref-past-table": chan(1, 1, 64, 10, 11, 600, 0, ok_gt, dir_a, dir_b),
    "dir-bad-frame": chan(1, 1, 64, 10, 11, 12, 0,
                          gt({11: (PERMIT, 0, 0), 12: (PERMIT, 0, 9)}), dir_a, dir_b),
    "dir-transitive": chan(1, 1, 64, 10, 11, 12, 0,
                           gt({11: (3, 0, 0), 12: (PERMIT, 0, 1)}), dir_a, dir_b),
})


def xs(mx, value):
    return struct.pack("<I", mx) + value


write("fuzz_xs_value", {
    "zero": xs(10, b"0"),
    "order-10": xs(10, b"10"),
    "order-11": xs(10, b"11"),
    "ref-max": xs(0x7fffffff, b"2147483647"),
    "ref-max-plus-1": xs(0x7fffffff, b"2147483648"),
    "u32-max": xs(0xffffffff, b"4294967295"),
    "u32-overflow": xs(0xffffffff, b"4294967296"),
    "eleven-digits": xs(0xffffffff, b"00000000001"),
    "leading-zero": xs(100, b"007"),
    "minus": xs(100, b"-1"),
    "plus": xs(100, b"+1"),
    "hex": xs(100, b"0x10"),
    "trailing-space": xs(100, b"5 "),
    # strtoul() took these until fuzz_xs_value found them.
    "leading-space": xs(100, b" 5"),
    "embedded-nul": xs(100, b"5\x00x"),
    "only-nul": xs(100, b"\x00"),
    "empty": xs(100, b""),
    "state-4": xs(8, b"4"),
})
