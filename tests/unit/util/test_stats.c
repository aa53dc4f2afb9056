// SPDX-License-Identifier: MIT
/* CUnit tests of util/twr_stats.c, the sample statistics the exit-cost
 * tools and ringbench report: nearest-rank percentiles, the timer's own
 * cost, per-iteration, per-GB and per-transaction arithmetic. */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "twr_stats.h"
#include "../twr_cunit.h"

static void test_percentile_nearest_rank(void)
{
	uint64_t v[100];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = i + 1;
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 50), 50);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 95), 95);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 99), 99);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 100), 100);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 0), 1);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 100, 250), 100);
}

static void test_percentile_small_sample_rounds_up(void)
{
	uint64_t v[3] = { 10, 20, 30 };

	CU_ASSERT_EQUAL(twr_stats_percentile(v, 3, 50), 20);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 3, 95), 30);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 1, 99), 10);
	CU_ASSERT_EQUAL(twr_stats_percentile(v, 0, 50), 0);
}

static void test_timer_cost_is_the_cheapest_sample(void)
{
	uint64_t v[5] = { 40, 31, 33, 90, 31 };

	CU_ASSERT_EQUAL(twr_stats_timer_cost(v, 5), 31);
	CU_ASSERT_EQUAL(twr_stats_timer_cost(v, 0), 0);
}

static void test_summarize_subtracts_timer_and_clamps(void)
{
	uint64_t v[4] = { 5, 110, 60, 20 };
	struct twr_stats st;

	CU_ASSERT_EQUAL(twr_stats_summarize(v, 4, 10, &st), 0);
	CU_ASSERT_EQUAL(st.n, 4);
	CU_ASSERT_EQUAL(st.timer_cost, 10);
	CU_ASSERT_EQUAL(st.min, 0);	/* 5 - 10 clamps, never wraps */
	CU_ASSERT_EQUAL(st.max, 100);
	CU_ASSERT_EQUAL(st.p50, 10);
	CU_ASSERT_EQUAL(st.p99, 100);
	CU_ASSERT_DOUBLE_EQUAL(st.mean, 160.0 / 4, 1e-9);
	CU_ASSERT(st.p50 >= st.min && st.p95 >= st.p50 && st.p99 >= st.p95);
	/* sorted in place */
	CU_ASSERT(v[0] == 0 && v[1] == 10 && v[2] == 50 && v[3] == 100);
}

static void test_summarize_rejects_no_samples(void)
{
	struct twr_stats st;
	uint64_t v[1] = { 1 };

	CU_ASSERT_EQUAL(twr_stats_summarize(v, 0, 0, &st), -EINVAL);
}

static void test_per_iter_subtracts_baseline(void)
{
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_iter(1000, 10, 0), 100.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_iter(1000, 10, 2.5), 97.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_iter(10, 10, 3), 0.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_iter(10, 0, 0), -1.0, 1e-9);
}

static void test_per_gb_and_per_txn_math(void)
{
	/* GB = 10^9 bytes, as the lab's results */
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_gb(1000, 1000000000ull), 1000.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_gb(1000, 500000000ull), 2000.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_gb(3, 6000000000ull), 0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_gb(1, 1ull << 30), 0.931322574615, 1e-9);
	CU_ASSERT(isnan(twr_stats_per_gb(5, 0)));
	CU_ASSERT_DOUBLE_EQUAL(twr_stats_per_txn(300, 100), 3.0, 1e-9);
	CU_ASSERT(isnan(twr_stats_per_txn(5, 0)));
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
#define T(f) { #f, f }
		T(test_percentile_nearest_rank),
		T(test_percentile_small_sample_rounds_up),
		T(test_timer_cost_is_the_cheapest_sample),
		T(test_summarize_subtracts_timer_and_clamps),
		T(test_summarize_rejects_no_samples),
		T(test_per_iter_subtracts_baseline),
		T(test_per_gb_and_per_txn_math),
#undef T
	};

	return twr_cunit_run("util_stats", NULL, NULL, tests, sizeof(tests) / sizeof(tests[0]));
}
