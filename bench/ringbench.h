/* SPDX-License-Identifier: MIT */
/*
 * ringbench internals: the measurements (bench/ringbench_run.c) and the
 * driver that picks the ring size and prints them (bench/ringbench.c).
 */
#ifndef TWINRING_RINGBENCH_H
#define TWINRING_RINGBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct twr_bench_opts {
	int cpu_prod;			/* producer / ping side */
	int cpu_cons;			/* consumer / pong side */
	unsigned int spin;		/* polls before arming events and sleeping */
	unsigned int batch_max;		/* records per publish, at most */
	unsigned int ms;		/* measured time per throughput point */
	int xcore;			/* also measure the cross-core copy limit */
};

/* One throughput point: @rec-byte records through a @ring-byte ring. */
struct twr_bench_tput {
	uint32_t rec;
	uint32_t ring;
	uint64_t records;		/* measured window, at the consumer */
	uint64_t bytes;			/* payload bytes in the window */
	double secs;
	double gbps;			/* payload GB/s (1e9) */
	double mrps;			/* million records/s */
	double memcpy_gbps;		/* same bytes by plain memcpy, one core */
	double ratio;			/* gbps / memcpy_gbps */
	double xcore_gbps;		/* same bytes across the cores, no ring */
	uint64_t notify;		/* events sent, both directions */
	uint64_t wakeups;		/* sleeps that ended by an event, both */
};

/* One latency point: @rec-byte ping and pong, RTT percentiles. */
struct twr_bench_lat {
	uint32_t rec;
	int sleep;			/* 1: eventfd sleep each time, 0: spin */
	uint64_t samples;
	double p50_ns, p99_ns, min_ns;
	double memcpy_ns;		/* memcpy of the same bytes, both ways */
};

/* Measure one throughput point; 0, or a negative errno with a message on
 * stderr. The ring data size @ring must be 4 KiB .. 4 MiB, a power of two;
 * -EMSGSIZE if a record does not fit. */
int twr_bench_tput_run(const struct twr_bench_opts *o, uint32_t ring,
		       uint32_t rec, unsigned int ms, struct twr_bench_tput *t);

/* Measure ping-pong latency with @samples round trips. */
int twr_bench_lat_run(const struct twr_bench_opts *o, uint32_t ring,
		      uint32_t rec, int sleep, uint64_t samples,
		      struct twr_bench_lat *l);

/* The cross-core copy limit (bench/ringbench_xcore.c): @rec-byte records
 * through a @window-byte shared window between the same two cores with no
 * ring logic. Sets *@gbps; 0 or a negative errno. */
int twr_bench_xcore_run(const struct twr_bench_opts *o, uint32_t window,
			uint32_t rec, unsigned int ms, double *gbps);

/* Pin the calling thread to @cpu; 0 or a negative errno. */
int twr_bench_pin(int cpu);

/* 64-byte aligned buffer of at least @len bytes (free() it). */
void *twr_bench_alloc(size_t len);

/* Has child @pid exited (without reaping it)? */
bool twr_bench_child_gone(pid_t pid);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t twr_bench_now_ns(void);

#endif /* TWINRING_RINGBENCH_H */
