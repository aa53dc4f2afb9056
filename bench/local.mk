# SPDX-License-Identifier: MIT
# bench/ringbench: ring throughput and latency beside memcpy (docs/ringbench.md).
noinst_PROGRAMS += bench/ringbench
bench_ringbench_SOURCES = bench/ringbench.c bench/ringbench_run.c \
	bench/ringbench_xcore.c bench/ringbench.h
# The hot path is what is measured: optimize it whatever CFLAGS says.
bench_ringbench_CFLAGS = $(AM_CFLAGS) -O2
bench_ringbench_LDADD = libtwinring.a util/libtwrutil.a -lm
