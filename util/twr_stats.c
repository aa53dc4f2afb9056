// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "twr_stats.h"

static int twr_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t twr_stats_percentile(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	/* rank = ceil(pct/100 * n), in integers so 95% of 100 is exactly 95 */
	rank = ((size_t)pct * n + 99) / 100;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

uint64_t twr_stats_timer_cost(const uint64_t *samples, size_t n)
{
	uint64_t m;
	size_t i;

	if (n == 0)
		return 0;
	m = samples[0];
	for (i = 1; i < n; i++)
		if (samples[i] < m)
			m = samples[i];
	return m;
}

int twr_stats_summarize(uint64_t *samples, size_t n, uint64_t timer_cost,
			struct twr_stats *st)
{
	long double sum = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		samples[i] = samples[i] > timer_cost ? samples[i] - timer_cost : 0;
		sum += samples[i];
	}
	qsort(samples, n, sizeof(*samples), twr_u64_cmp);
	st->n = n;
	st->timer_cost = timer_cost;
	st->min = samples[0];
	st->max = samples[n - 1];
	st->p50 = twr_stats_percentile(samples, n, 50);
	st->p95 = twr_stats_percentile(samples, n, 95);
	st->p99 = twr_stats_percentile(samples, n, 99);
	st->mean = (double)(sum / n);
	return 0;
}

double twr_stats_per_iter(uint64_t ticks, uint64_t iterations, double baseline)
{
	double v;

	if (iterations == 0)
		return -1.0;
	v = (double)ticks / (double)iterations - baseline;
	return v > 0 ? v : 0;
}

double twr_stats_per_gb(uint64_t count, uint64_t bytes)
{
	if (bytes == 0)
		return NAN;
	return (double)count * 1e9 / (double)bytes;
}

double twr_stats_per_txn(uint64_t count, uint64_t transactions)
{
	if (transactions == 0)
		return NAN;
	return (double)count / (double)transactions;
}
