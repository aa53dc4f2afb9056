#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of the ring fuzz targets (tests/fuzz/corpus/).

The input formats are described at the top of fuzz_consumer.c and
fuzz_producer.c. Seeds are a handful of small, readable cases: honest
traffic (records, padding at the wrap, max-size records, indices near 2^32)
and each kind of peer misbehaviour, so the fuzzers start from inputs that
reach every check. Run from anywhere; rewrites the corpus directories.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PAD, HDR = 0, 8


def rec_space(n):
    return (n + HDR + 7) & ~7


class Chain:
    """A producer's data area image, laid out from ring index `start`."""

    def __init__(self, size, start):
        self.size, self.start, self.idx = size, start, start
        self.img = bytearray(size)

    def put(self, off, b):
        for i, c in enumerate(b):
            self.img[(off + i) % self.size] = c

    def rec(self, n, typ=1, flags=0, hdr_len=None):
        contig = self.size - (self.idx % self.size)
        if rec_space(n) > contig and hdr_len is None:
            self.put(self.idx - self.start, struct.pack('<IHH', contig - HDR, PAD, 0))
            self.idx += contig
        ln = n if hdr_len is None else hdr_len
        self.put(self.idx - self.start, struct.pack('<IHH', ln, typ, flags))
        self.put(self.idx - self.start + HDR, bytes((i * 7 + 1) & 0xff for i in range(n)))
        self.idx += rec_space(n)
        return self.idx

    def raw(self, off, b):
        self.put(off - self.start, b)


def consumer(order, maxp, cons, prod, steps, image):
    out = struct.pack('<BBHIII', order, len(steps), maxp, cons & 0xffffffff,
                      prod & 0xffffffff, 0)
    for value, op, poke_off, poke_val in steps:
        out += struct.pack('<IHBB', value & 0xffffffff, poke_off, poke_val, op)
    return out + bytes(image).rstrip(b'\0')


def consumer_seeds():
    s = {}
    s['empty'] = consumer(0, 1024, 0, 0, [], b'')
    c = Chain(4096, 0)
    ends = [c.rec(n) for n in (0, 13, 100)]
    s['three-records'] = consumer(0, 1024, 0, 0, [(ends[-1], 2, 0, 0)], c.img)
    c = Chain(4096, 4096 - 32)
    c.rec(100, flags=5)
    s['pad-at-wrap'] = consumer(0, 1024, c.start, c.start, [(c.idx, 1, 0, 0)], c.img)
    c = Chain(8192, 0)
    c.rec(8192 - 8)
    s['max-record-8k'] = consumer(1, 8192 - 8, 0, 0, [(c.idx, 2, 0, 0)], c.img)
    c = Chain(4096, 0xffffffc0)
    ends = [c.rec(n) for n in (40, 56, 300, 7)]
    s['wrap-2-32'] = consumer(0, 1024, c.start, c.start,
                              [(e, 1, 0, 0) for e in ends], c.img)
    c = Chain(4096, 0x1000)
    ends = [c.rec(n) for n in (64, 64, 64)]
    s['steps-batched'] = consumer(0, 1024, c.start, c.start,
                                  [(rec_space(64), 3 | 8, 0, 0),
                                   (2 * rec_space(64), 3 | 16, 0, 0)], c.img)
    # the peer misbehaves
    s['prod-beyond-size'] = consumer(0, 1024, 0, 0, [(4096 + 8, 2, 0, 0)], b'')
    s['prod-backwards'] = consumer(0, 1024, 64, 64, [(0, 1, 0, 0)], b'')
    s['prod-misaligned'] = consumer(0, 1024, 0, 0, [(12, 2, 0, 0)], b'\0' * 8)
    c = Chain(4096, 0)
    c.rec(16, hdr_len=2000)
    s['len-beyond-max'] = consumer(0, 1024, 0, 0, [(4096, 2, 0, 0)], c.img)
    c = Chain(4096, 4096 - 64)
    c.rec(100, hdr_len=100)     # no padding: straddles the wrap
    s['straddle'] = consumer(0, 1024, c.start, c.start, [(c.start + 128, 1, 0, 0)], c.img)
    c = Chain(4096, 4096 - 64)
    c.raw(c.start, struct.pack('<IHH', 40, PAD, 0))
    c.raw(4096, struct.pack('<IHH', 0, 1, 0))
    s['pad-wrong-len'] = consumer(0, 1024, c.start, c.start, [(c.start + 72, 1, 0, 0)], c.img)
    c = Chain(4096, 4096 - 64)
    c.rec(100)
    s['pad-beyond-prod'] = consumer(0, 1024, c.start, c.start, [(c.start + 32, 1, 0, 0)], c.img)
    c = Chain(4096, 0)
    end = c.rec(20)
    c.rec(20)
    s['scribble'] = consumer(0, 1024, 0, 0, [(end, 2, 0, 0), (end, 2 | 4, end % 4096, 0xff),
                                             (2 * end, 1 | 4, end % 4096 + 1, 0x7f)], c.img)
    return s


def producer(order, maxp, start, ops):
    out = struct.pack('<BBHI', order, 0, maxp, start & 0xffffffff)
    for op, arg, ln, value in ops:
        out += struct.pack('<BBHI', op, arg, ln, value & 0xffffffff)
    return out


RES, PUB, CONS, CONS_ADD, WAIT, EVENTS = range(6)


def producer_seeds():
    s = {}
    s['one-record'] = producer(0, 1024, 0, [(RES, 0, 100, 0), (PUB, 0, 0, 0)])
    ops = []
    for i in range(40):
        ops += [(RES, i % 5, 50 + 23 * i % 900, 0), (PUB, 0, 0, 0)]
        if i % 3 == 2:
            ops += [(CONS_ADD, 0, 0, 1024), (WAIT, 0, 900, 0)]
    s['fill-and-wrap'] = producer(0, 1024, 0, ops)
    s['near-2-32'] = producer(0, 1024, 0xffffff00,
                              [(RES, 0, 200, 0), (RES, 0, 200, 0), (PUB, 0, 0, 0),
                               (CONS_ADD, 0, 0, 416), (RES, 0, 1000, 0), (PUB, 0, 0, 0)])
    s['big-records-pad'] = producer(0, 4088, 0,
                                    [(RES, 0, 0, 0), (PUB, 0, 0, 0), (CONS_ADD, 0, 0, 8),
                                     (RES, 0, 4088, 0), (WAIT, 0, 4088, 0), (PUB, 0, 0, 0),
                                     (CONS_ADD, 0, 0, 4088), (WAIT, 0, 4088, 0),
                                     (RES, 0, 4088, 0), (PUB, 0, 0, 0)])
    s['cons-garbage'] = producer(1, 2000, 64,
                                 [(RES, 0, 2000, 0)] * 5 + [(PUB, 0, 0, 0), (CONS, 0, 0, 0xdeadbeef),
                                                           (RES, 0, 2000, 0)])
    s['cons-misaligned'] = producer(0, 1024, 0,
                                    [(RES, 0, 1000, 0)] * 4 + [(PUB, 0, 0, 0), (CONS, 0, 0, 12),
                                                              (WAIT, 0, 1000, 0)])
    s['events'] = producer(0, 1024, 0, [(EVENTS, 0, 0, 0x41), (RES, 0, 56, 0), (PUB, 0, 0, 0),
                                        (EVENTS, 0, 0, 0xffffffff), (RES, 0, 56, 0), (PUB, 0, 0, 0)])
    return s


def write(target, seeds):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    for name, data in seeds.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    write('fuzz_consumer', consumer_seeds())
    write('fuzz_producer', producer_seeds())
