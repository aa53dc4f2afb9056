/* SPDX-License-Identifier: MIT */
/*
 * Sample statistics of the measuring tools (exitcost/, bench/): percentiles
 * of timed samples with the timer's own cost subtracted, the amortized
 * per-iteration cost, and counts per GB / per transaction. No I/O, no
 * globals: unit tested as is.
 */
#ifndef TWINRING_UTIL_STATS_H
#define TWINRING_UTIL_STATS_H

#include <stddef.h>
#include <stdint.h>

struct twr_stats {
	uint64_t n;		/* samples summarized */
	uint64_t timer_cost;	/* ticks subtracted from every sample */
	uint64_t min, p50, p95, p99, max;
	double mean;
};

/* Nearest-rank percentile (pct 0..100) of n >= 1 sorted values: the
 * smallest value with at least pct% of the samples at or below it. */
uint64_t twr_stats_percentile(const uint64_t *sorted, size_t n, unsigned int pct);

/* The cost of the empty timed region: the minimum of its samples (the
 * cheapest the timer pair ever was). 0 when n == 0. */
uint64_t twr_stats_timer_cost(const uint64_t *samples, size_t n);

/* Subtract timer_cost from every sample (clamped at 0: a sample can come
 * out cheaper than the typical timer), sort them in place and fill *st.
 * Returns 0, or -EINVAL when n == 0. */
int twr_stats_summarize(uint64_t *samples, size_t n, uint64_t timer_cost,
			struct twr_stats *st);

/* Amortized cost per iteration: ticks / iterations minus the baseline's
 * per-iteration cost, clamped at 0. Returns -1.0 when iterations == 0. */
double twr_stats_per_iter(uint64_t ticks, uint64_t iterations, double baseline);

/* count per GB moved (10^9 bytes, as the lab's results.py) and per
 * transaction; NAN when the divisor is 0, so "not measured" never reads as
 * a number. */
double twr_stats_per_gb(uint64_t count, uint64_t bytes);
double twr_stats_per_txn(uint64_t count, uint64_t transactions);

#endif /* TWINRING_UTIL_STATS_H */
