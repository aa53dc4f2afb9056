// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "ring_harness.h"

#define GUARD	((size_t)TWR_PAGE_SIZE)

int twr_test_area_init(struct twr_test_area *a, uint32_t size, uint32_t start)
{
	uint8_t *shpage;

	memset(a, 0, sizeof(*a));
	/* guard, indices page, guard, data, guard */
	a->map_len = 3 * GUARD + TWR_PAGE_SIZE + size;
	a->map = mmap(NULL, a->map_len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return -errno;
	}
	shpage = a->map + GUARD;
	a->data = shpage + TWR_PAGE_SIZE + GUARD;
	if (mprotect(shpage, TWR_PAGE_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(a->data, size, PROT_READ | PROT_WRITE)) {
		int ret = -errno;

		twr_test_area_uninit(a);
		return ret;
	}
	a->sh = (struct twr_ring_shared *)(shpage + TWR_PAGE_SIZE -
					   sizeof(struct twr_ring_shared));
	a->size = size;
	twr_ring_shared_init(a->sh, start);
	return 0;
}

void twr_test_area_uninit(struct twr_test_area *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	memset(a, 0, sizeof(*a));
}

int twr_test_in_data(const struct twr_test_area *a, const void *p,
		     uint64_t len)
{
	const uint8_t *b = p;

	return b >= a->data && b <= a->data + a->size &&
	       len <= (uint64_t)(a->data + a->size - b);
}

uint64_t twr_test_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void twr_test_add_suite(const char *name, const struct twr_test_entry *t,
			CU_CleanupFunc cleanup)
{
	CU_pSuite s = CU_add_suite(name, NULL, cleanup);

	for (; s && t->name; t++)
		CU_add_test(s, t->name, t->fn);
}

int twr_test_run(void)
{
	unsigned int failed;

	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit setup failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit run failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	failed = CU_get_number_of_tests_failed() +
		 CU_get_number_of_failures();
	/* A suite whose init failed runs nothing: count that as failure. */
	failed += CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	printf("\n");
	return failed ? 1 : 0;
}
