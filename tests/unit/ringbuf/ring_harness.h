/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the ring unit tests: a ring laid out in memory so that
 * any out-of-bounds access faults, a seeded PRNG, and the CUnit main.
 *
 *   [guard][page ending in struct twr_ring_shared][guard][data ... ][guard]
 *
 * The guard pages are PROT_NONE: a read or write one byte past the shared
 * indices or either end of the data area is a SIGSEGV (and an ASan report
 * under tests/sanitize.sh), not a silent pass.
 */
#ifndef TWR_TEST_RING_HARNESS_H
#define TWR_TEST_RING_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "twr_ring.h"

struct twr_test_area {
	uint8_t *map;
	size_t map_len;
	struct twr_ring_shared *sh;
	uint8_t *data;
	uint32_t size;
};

/* Map an area with a @size-byte data area; indices set to @start.
 * Returns 0 or -errno. */
int twr_test_area_init(struct twr_test_area *a, uint32_t size, uint32_t start);
void twr_test_area_uninit(struct twr_test_area *a);

/* Is [p, p + len) inside the data area? */
int twr_test_in_data(const struct twr_test_area *a, const void *p,
		     uint64_t len);

/* splitmix64: deterministic, so a failure reproduces from its seed. */
uint64_t twr_test_rand(uint64_t *state);

/* One test of a suite table, terminated by { NULL, NULL }. */
struct twr_test_entry {
	const char *name;
	CU_TestFunc fn;
};

#define TWR_TEST(fn)	{ #fn, fn }

/* Register suite @name with the tests of @t and the suite cleanup
 * @cleanup (may be NULL). CUnit errors surface in twr_test_run(). */
void twr_test_add_suite(const char *name, const struct twr_test_entry *t,
			CU_CleanupFunc cleanup);

/* Register the suites (twr_test_add_suite) before calling.
 * Runs them with the basic runner (verbose), prints the summary and returns
 * the process exit status: 0 only if every test passed. */
int twr_test_run(void);

#endif /* TWR_TEST_RING_HARNESS_H */
