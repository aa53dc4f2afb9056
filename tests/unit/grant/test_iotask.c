// SPDX-License-Identifier: GPL-2.0-only
/*
 * CUnit tests of the I/O task table: the very grant/iotask.c the
 * hypervisor patch carries, compiled through stub/harness.h.
 */
#include <xen/errno.h>
#include <xen/iotask.h>

/* The ref a task entry names (the writable flag masked off), as iotask.c
 * reads it: the tests look at entries the table sorted. */
static inline uint32_t ref_of(uint32_t ent)
{
	return ent & IOTASK_REF_MASK;
}

#include "../twr_cunit.h"
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

long harness_live_allocs;
long harness_allocs_left = -1;

#define GRANTEE		1
#define OTHER		2
#define RO(ref)		((uint32_t)(ref))
#define RW(ref)		((uint32_t)(ref) | IOTASK_REF_WRITABLE)

static struct iotask_table table;

/* The fake active grant table: which (grantee, ref) pairs are mapped. */
#define MAX_MAPPED 64
static struct {
	domid_t grantee;
	uint32_t ref;
} mapped_set[MAX_MAPPED];
static unsigned int nr_mapped;

static bool fake_mapped(void *ctx, domid_t grantee, uint32_t ref)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < nr_mapped; i++)
		if (mapped_set[i].grantee == grantee && mapped_set[i].ref == ref)
			return true;
	return false;
}

static void fake_map(domid_t grantee, uint32_t ref)
{
	CU_ASSERT_FATAL(nr_mapped < MAX_MAPPED);
	mapped_set[nr_mapped].grantee = grantee;
	mapped_set[nr_mapped].ref = ref;
	nr_mapped++;
}

static void fake_unmap_all(void)
{
	nr_mapped = 0;
}

/* Build a task from @refs the way the domctl does; returns its errno. */
static int add_task(uint32_t id, domid_t grantee, const uint32_t *refs,
		    unsigned int nr)
{
	struct iotask *task;
	int rc;

	task = iotask_alloc(id, grantee, nr, &rc);
	if (!task)
		return rc;
	memcpy(task->refs, refs, nr * sizeof(*refs));
	rc = iotask_prepare(task);
	if (!rc)
		rc = iotask_insert(&table, task);
	if (rc)
		iotask_free(task);
	return rc;
}

/* A typical channel: control page rw, two directories ro, ring A ro, B rw. */
static const uint32_t chan_refs[] = {
	RW(8), RO(9), RO(10), RO(11), RO(12), RO(13), RO(14), RW(15), RW(16),
};
#define NR_CHAN_REFS (sizeof(chan_refs) / sizeof(chan_refs[0]))

static int setup(void)
{
	return 0;
}

static void reset(void)
{
	iotask_table_destroy(&table);
	memset(&table, 0, sizeof(table));
	fake_unmap_all();
	harness_allocs_left = -1;
}

static void test_add_then_lookup_finds_task(void)
{
	struct iotask *task;

	reset();
	CU_ASSERT_EQUAL(add_task(7, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	task = iotask_lookup(&table, 12);
	CU_ASSERT_PTR_NOT_NULL_FATAL(task);
	CU_ASSERT_EQUAL(task->id, 7);
	CU_ASSERT_EQUAL(task->grantee, GRANTEE);
	CU_ASSERT_EQUAL(task->nr_refs, NR_CHAN_REFS);
	CU_ASSERT_PTR_EQUAL(iotask_lookup(&table, 8), task);
	CU_ASSERT_PTR_EQUAL(iotask_lookup(&table, 16), task);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 7));
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 17));
	CU_ASSERT_EQUAL(table.nr_tasks, 1);
	CU_ASSERT_EQUAL(table.nr_refs, NR_CHAN_REFS);
}

static void test_lookup_in_many_tasks(void)
{
	uint32_t refs[3];
	uint32_t id;

	reset();
	for (id = 1; id <= 10; id++) {
		refs[0] = RO(100 * id);
		refs[1] = RW(100 * id + 1);
		refs[2] = RO(100 * id + 50);
		CU_ASSERT_EQUAL(add_task(id, GRANTEE, refs, 3), 0);
	}
	for (id = 1; id <= 10; id++) {
		CU_ASSERT_EQUAL(iotask_lookup(&table, 100 * id)->id, id);
		CU_ASSERT_EQUAL(iotask_lookup(&table, 100 * id + 1)->id, id);
		CU_ASSERT_EQUAL(iotask_lookup(&table, 100 * id + 50)->id, id);
		CU_ASSERT_PTR_NULL(iotask_lookup(&table, 100 * id + 2));
	}
}

static void test_add_rejects_id_zero(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(0, GRANTEE, chan_refs, NR_CHAN_REFS), -EINVAL);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
}

static void test_add_rejects_empty_task(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, 0), -EINVAL);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
}

static void test_add_rejects_duplicate_id(void)
{
	static const uint32_t other[] = { RO(40), RO(41) };

	reset();
	CU_ASSERT_EQUAL(add_task(3, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(add_task(3, GRANTEE, other, 2), -EEXIST);
	CU_ASSERT_EQUAL(table.nr_tasks, 1);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 40));
}

static void test_add_rejects_duplicate_ref_in_task(void)
{
	static const uint32_t dup[] = { RO(20), RO(21), RO(20) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, dup, 3), -EINVAL);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
	CU_ASSERT_EQUAL(harness_live_allocs, 0);
}

static void test_add_rejects_ref_both_readonly_and_writable(void)
{
	static const uint32_t dup[] = { RW(30), RO(31), RO(30) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, dup, 3), -EINVAL);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 30));
}

static void test_add_rejects_ref_of_other_task(void)
{
	static const uint32_t overlap[] = { RO(50), RO(12) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(add_task(2, GRANTEE, overlap, 2), -EEXIST);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 50));
	CU_ASSERT_EQUAL(table.nr_tasks, 1);
	CU_ASSERT_EQUAL(table.nr_refs, NR_CHAN_REFS);
}

static void test_add_rejects_ref_of_other_grantees_task(void)
{
	static const uint32_t overlap[] = { RW(8) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(add_task(2, OTHER, overlap, 1), -EEXIST);
	CU_ASSERT_EQUAL(iotask_lookup(&table, 8)->grantee, GRANTEE);
}

static void test_add_rejects_exempt_refs(void)
{
	static const uint32_t ref0[] = { RO(5), RW(0) };
	static const uint32_t ref1[] = { RO(1), RO(5) };
	static const uint32_t ref2[] = { RO(2) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, ref0, 2), -EINVAL);
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, ref1, 2), -EINVAL);
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, ref2, 1), 0);
}

static void test_add_accepts_largest_ref(void)
{
	static const uint32_t big[] = { RW(IOTASK_REF_MASK), RO(IOTASK_REF_MASK - 1) };

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, big, 2), 0);
	CU_ASSERT_PTR_NOT_NULL(iotask_lookup(&table, IOTASK_REF_MASK));
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, IOTASK_REF_MASK, true),
			IOTASK_UNENFORCED);
}

static void test_limit_refs_per_task(void)
{
	static uint32_t refs[IOTASK_MAX_REFS + 1];
	unsigned int i;

	reset();
	for (i = 0; i <= IOTASK_MAX_REFS; i++)
		refs[i] = RO(i + 2);
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, refs, IOTASK_MAX_REFS + 1), -E2BIG);
	CU_ASSERT_EQUAL(harness_live_allocs, 0);
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, refs, IOTASK_MAX_REFS), 0);
	CU_ASSERT_EQUAL(table.nr_refs, IOTASK_MAX_REFS);
}

static void test_limit_tasks_per_granter(void)
{
	uint32_t ref;
	uint32_t id;

	reset();
	for (id = 1; id <= IOTASK_MAX_TASKS; id++) {
		ref = RO(id + 10);
		CU_ASSERT_EQUAL(add_task(id, GRANTEE, &ref, 1), 0);
	}
	ref = RO(5000);
	CU_ASSERT_EQUAL(add_task(id, GRANTEE, &ref, 1), -ENOSPC);
	CU_ASSERT_EQUAL(table.nr_tasks, IOTASK_MAX_TASKS);
	CU_ASSERT_EQUAL(harness_live_allocs, IOTASK_MAX_TASKS);
}

static void test_limit_refs_per_granter(void)
{
	static uint32_t refs[IOTASK_MAX_REFS];
	unsigned int per_task = IOTASK_MAX_REFS;
	unsigned int full = IOTASK_MAX_TOTAL_REFS / per_task;
	unsigned int t, i;

	reset();
	for (t = 0; t < full; t++) {
		for (i = 0; i < per_task; i++)
			refs[i] = RO(2 + t * per_task + i);
		CU_ASSERT_EQUAL(add_task(t + 1, GRANTEE, refs, per_task), 0);
	}
	CU_ASSERT_EQUAL(table.nr_refs, IOTASK_MAX_TOTAL_REFS);
	refs[0] = RO(2 + full * per_task);
	CU_ASSERT_EQUAL(add_task(full + 1, GRANTEE, refs, 1), -ENOSPC);
	/* Room comes back with a removal. */
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &i), 0);
	CU_ASSERT_EQUAL(add_task(full + 1, GRANTEE, refs, 1), 0);
}

static void test_alloc_failure_reports_enomem(void)
{
	reset();
	harness_allocs_left = 0;
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), -ENOMEM);
	harness_allocs_left = -1;
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
}

static void test_prepare_sorts_refs_keeping_access(void)
{
	static uint32_t refs[IOTASK_MAX_REFS];
	unsigned int i, j;
	struct iotask *task;

	reset();
	/* A permutation of 2 .. MAX+1, writable where the ref is odd. */
	for (i = 0; i < IOTASK_MAX_REFS; i++)
		refs[i] = i + 2;
	srand(1234);
	for (i = IOTASK_MAX_REFS - 1; i > 0; i--) {
		uint32_t tmp;

		j = (unsigned int)rand() % (i + 1);
		tmp = refs[i];
		refs[i] = refs[j];
		refs[j] = tmp;
	}
	for (i = 0; i < IOTASK_MAX_REFS; i++)
		if (refs[i] & 1)
			refs[i] |= IOTASK_REF_WRITABLE;
	CU_ASSERT_EQUAL_FATAL(add_task(1, GRANTEE, refs, IOTASK_MAX_REFS), 0);
	task = iotask_lookup(&table, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(task);
	for (i = 0; i < IOTASK_MAX_REFS; i++) {
		CU_ASSERT_EQUAL(ref_of(task->refs[i]), i + 2);
		CU_ASSERT_EQUAL(!!(task->refs[i] & IOTASK_REF_WRITABLE), (i + 2) & 1);
	}
}

static void test_remove_unknown_task_is_enoent(void)
{
	unsigned int live = 99;

	reset();
	CU_ASSERT_EQUAL(iotask_remove(&table, 5, fake_mapped, NULL, &live), -ENOENT);
	CU_ASSERT_EQUAL(live, 0);
}

static void test_remove_frees_task_and_its_refs(void)
{
	unsigned int live = 99;

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), 0);
	CU_ASSERT_EQUAL(live, 0);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
	CU_ASSERT_EQUAL(table.nr_refs, 0);
	CU_ASSERT_EQUAL(harness_live_allocs, 0);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 12));
	/* The refs are free for a new task again. */
	CU_ASSERT_EQUAL(add_task(2, OTHER, chan_refs, NR_CHAN_REFS), 0);
}

static void test_remove_keeps_other_tasks(void)
{
	static const uint32_t a[] = { RO(100) }, b[] = { RO(200) }, c[] = { RO(300) };
	unsigned int live;

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, a, 1), 0);
	CU_ASSERT_EQUAL(add_task(2, GRANTEE, b, 1), 0);
	CU_ASSERT_EQUAL(add_task(3, OTHER, c, 1), 0);
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), 0);
	CU_ASSERT_EQUAL(iotask_lookup(&table, 200)->id, 2);
	CU_ASSERT_EQUAL(iotask_lookup(&table, 300)->id, 3);
	CU_ASSERT_PTR_NULL(iotask_lookup(&table, 100));
	CU_ASSERT_EQUAL(table.nr_refs, 2);
}

static void test_remove_with_live_maps_revokes_and_counts(void)
{
	unsigned int live = 0;

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	fake_map(GRANTEE, 8);
	fake_map(GRANTEE, 15);
	fake_map(GRANTEE, 16);
	fake_map(OTHER, 9);	/* not the task's grantee: not its map */
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), -EBUSY);
	CU_ASSERT_EQUAL(live, 3);
	CU_ASSERT_EQUAL(table.nr_tasks, 1);
	CU_ASSERT_TRUE(iotask_lookup(&table, 8)->revoked);
	/* No new map passes, not even of a ref already mapped. */
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 10, false), IOTASK_DENY_REVOKED);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 8, true), IOTASK_DENY_REVOKED);
	/* Still busy while anything stays mapped. */
	nr_mapped = 1;
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), -EBUSY);
	CU_ASSERT_EQUAL(live, 1);
	fake_unmap_all();
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), 0);
	CU_ASSERT_EQUAL(live, 0);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 10, false), IOTASK_DENY_NOTASK);
}

static void test_revoked_task_still_owns_its_refs(void)
{
	unsigned int live;

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	fake_map(GRANTEE, 9);
	CU_ASSERT_EQUAL(iotask_remove(&table, 1, fake_mapped, NULL, &live), -EBUSY);
	CU_ASSERT_EQUAL(add_task(2, GRANTEE, chan_refs, NR_CHAN_REFS), -EEXIST);
}

static void test_check_unenforced_allows_anything(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 500, true), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 9, true), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, OTHER, 8, false), IOTASK_UNENFORCED);
	CU_ASSERT_FALSE(iotask_denied(IOTASK_UNENFORCED));
	CU_ASSERT_EQUAL(table.checks, 0);
	CU_ASSERT_EQUAL(table.denials, 0);
}

static void test_check_allows_task_ref_for_reading(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 9, false), IOTASK_ALLOW);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 8, false), IOTASK_ALLOW);
	CU_ASSERT_FALSE(iotask_denied(IOTASK_ALLOW));
}

static void test_check_denies_ref_outside_tasks(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 17, false), IOTASK_DENY_NOTASK);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 7, true), IOTASK_DENY_NOTASK);
	CU_ASSERT_TRUE(iotask_denied(IOTASK_DENY_NOTASK));
}

static void test_check_denies_with_no_task_at_all(void)
{
	reset();
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 2, false), IOTASK_DENY_NOTASK);
	CU_ASSERT_EQUAL(table.denials, 1);
}

static void test_check_readonly_ref_denies_write(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 11, true), IOTASK_DENY_READONLY);
	CU_ASSERT_TRUE(iotask_denied(IOTASK_DENY_READONLY));
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 11, false), IOTASK_ALLOW);
}

static void test_check_writable_ref_allows_write(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 15, true), IOTASK_ALLOW);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 16, true), IOTASK_ALLOW);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 8, true), IOTASK_ALLOW);
}

static void test_check_denies_other_grantees_task(void)
{
	reset();
	CU_ASSERT_EQUAL(add_task(1, OTHER, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 9, false), IOTASK_DENY_NOTASK);
}

static void test_check_exempt_refs_always_allowed(void)
{
	reset();
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 0, true), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 1, true), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 2, false), IOTASK_DENY_NOTASK);
	CU_ASSERT_EQUAL(table.checks, 1);
	CU_ASSERT_EQUAL(table.denials, 1);
}

static void test_enforce_is_per_grantee(void)
{
	reset();
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_TRUE(iotask_enforced(&table, GRANTEE));
	CU_ASSERT_FALSE(iotask_enforced(&table, OTHER));
	CU_ASSERT_EQUAL(iotask_check(&table, OTHER, 40, true), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 40, true), IOTASK_DENY_NOTASK);
}

static void test_enforce_off_allows_again(void)
{
	reset();
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, OTHER, true), 0);
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 40, false), IOTASK_DENY_NOTASK);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, false), 0);
	CU_ASSERT_FALSE(iotask_enforced(&table, GRANTEE));
	CU_ASSERT_TRUE(iotask_enforced(&table, OTHER));
	CU_ASSERT_EQUAL(iotask_check(&table, GRANTEE, 40, false), IOTASK_UNENFORCED);
	CU_ASSERT_EQUAL(iotask_check(&table, OTHER, 40, false), IOTASK_DENY_NOTASK);
	/* Switching off what is off is no error. */
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, false), 0);
}

static void test_enforce_on_twice_is_one_entry(void)
{
	reset();
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(table.nr_enforced, 1);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, false), 0);
	CU_ASSERT_FALSE(iotask_enforced(&table, GRANTEE));
}

static void test_limit_enforced_grantees(void)
{
	domid_t d;

	reset();
	for (d = 1; d <= IOTASK_MAX_ENFORCED; d++)
		CU_ASSERT_EQUAL(iotask_set_enforce(&table, d, true), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, d, true), -ENOSPC);
	CU_ASSERT_FALSE(iotask_enforced(&table, d));
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, 3, false), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, d, true), 0);
	CU_ASSERT_TRUE(iotask_enforced(&table, d));
	CU_ASSERT_FALSE(iotask_enforced(&table, 3));
}

static void test_counters_count_checks_and_denials(void)
{
	struct iotask *task;

	reset();
	CU_ASSERT_EQUAL(add_task(1, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	iotask_check(&table, GRANTEE, 9, false);	/* hit */
	iotask_check(&table, GRANTEE, 15, true);	/* hit */
	iotask_check(&table, GRANTEE, 9, true);		/* read-only denial */
	iotask_check(&table, GRANTEE, 99, false);	/* no task */
	iotask_check(&table, GRANTEE, 1, true);		/* exempt: not counted */
	iotask_check(&table, OTHER, 9, true);		/* unenforced: not counted */
	task = iotask_lookup(&table, 9);
	CU_ASSERT_EQUAL(table.checks, 4);
	CU_ASSERT_EQUAL(table.denials, 2);
	CU_ASSERT_EQUAL(task->hits, 2);
	CU_ASSERT_EQUAL(task->denials, 1);
}

static void test_query_reports_task(void)
{
	struct iotask_info info;

	reset();
	CU_ASSERT_EQUAL(add_task(4, GRANTEE, chan_refs, NR_CHAN_REFS), 0);
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	iotask_check(&table, GRANTEE, 8, true);
	iotask_check(&table, GRANTEE, 10, true);
	fake_map(GRANTEE, 8);
	fake_map(GRANTEE, 12);
	CU_ASSERT_EQUAL(iotask_query(&table, 4, fake_mapped, NULL, &info), 0);
	CU_ASSERT_EQUAL(info.id, 4);
	CU_ASSERT_EQUAL(info.grantee, GRANTEE);
	CU_ASSERT_EQUAL(info.nr_refs, NR_CHAN_REFS);
	CU_ASSERT_EQUAL(info.live, 2);
	CU_ASSERT_EQUAL(info.hits, 1);
	CU_ASSERT_EQUAL(info.denials, 1);
	CU_ASSERT_TRUE(info.enforced);
	CU_ASSERT_FALSE(info.revoked);
}

static void test_query_walks_tasks_in_id_order(void)
{
	static const uint32_t a[] = { RO(100) }, b[] = { RO(200) }, c[] = { RO(300) };
	struct iotask_info info;

	reset();
	CU_ASSERT_EQUAL(add_task(30, GRANTEE, c, 1), 0);
	CU_ASSERT_EQUAL(add_task(10, GRANTEE, a, 1), 0);
	CU_ASSERT_EQUAL(add_task(20, OTHER, b, 1), 0);
	CU_ASSERT_EQUAL(iotask_query(&table, 0, NULL, NULL, &info), 0);
	CU_ASSERT_EQUAL(info.id, 10);
	CU_ASSERT_EQUAL(iotask_query(&table, info.id + 1, NULL, NULL, &info), 0);
	CU_ASSERT_EQUAL(info.id, 20);
	CU_ASSERT_EQUAL(info.grantee, OTHER);
	CU_ASSERT_FALSE(info.enforced);
	CU_ASSERT_EQUAL(iotask_query(&table, info.id + 1, NULL, NULL, &info), 0);
	CU_ASSERT_EQUAL(info.id, 30);
	CU_ASSERT_EQUAL(iotask_query(&table, info.id + 1, NULL, NULL, &info), -ENOENT);
}

static void test_destroy_frees_everything(void)
{
	uint32_t ref;
	uint32_t id;

	reset();
	for (id = 1; id <= 5; id++) {
		ref = RO(id + 10);
		CU_ASSERT_EQUAL(add_task(id, GRANTEE, &ref, 1), 0);
	}
	CU_ASSERT_EQUAL(iotask_set_enforce(&table, GRANTEE, true), 0);
	CU_ASSERT_EQUAL(harness_live_allocs, 5);
	iotask_table_destroy(&table);
	CU_ASSERT_EQUAL(harness_live_allocs, 0);
	CU_ASSERT_EQUAL(table.nr_tasks, 0);
	CU_ASSERT_EQUAL(table.nr_refs, 0);
	CU_ASSERT_FALSE(iotask_enforced(&table, GRANTEE));
}

#define TEST(fn) { #fn, fn }

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		TEST(test_add_then_lookup_finds_task),
		TEST(test_lookup_in_many_tasks),
		TEST(test_add_rejects_id_zero),
		TEST(test_add_rejects_empty_task),
		TEST(test_add_rejects_duplicate_id),
		TEST(test_add_rejects_duplicate_ref_in_task),
		TEST(test_add_rejects_ref_both_readonly_and_writable),
		TEST(test_add_rejects_ref_of_other_task),
		TEST(test_add_rejects_ref_of_other_grantees_task),
		TEST(test_add_rejects_exempt_refs),
		TEST(test_add_accepts_largest_ref),
		TEST(test_limit_refs_per_task),
		TEST(test_limit_tasks_per_granter),
		TEST(test_limit_refs_per_granter),
		TEST(test_alloc_failure_reports_enomem),
		TEST(test_prepare_sorts_refs_keeping_access),
		TEST(test_remove_unknown_task_is_enoent),
		TEST(test_remove_frees_task_and_its_refs),
		TEST(test_remove_keeps_other_tasks),
		TEST(test_remove_with_live_maps_revokes_and_counts),
		TEST(test_revoked_task_still_owns_its_refs),
		TEST(test_check_unenforced_allows_anything),
		TEST(test_check_allows_task_ref_for_reading),
		TEST(test_check_denies_ref_outside_tasks),
		TEST(test_check_denies_with_no_task_at_all),
		TEST(test_check_readonly_ref_denies_write),
		TEST(test_check_writable_ref_allows_write),
		TEST(test_check_denies_other_grantees_task),
		TEST(test_check_exempt_refs_always_allowed),
		TEST(test_enforce_is_per_grantee),
		TEST(test_enforce_off_allows_again),
		TEST(test_enforce_on_twice_is_one_entry),
		TEST(test_limit_enforced_grantees),
		TEST(test_counters_count_checks_and_denials),
		TEST(test_query_reports_task),
		TEST(test_query_walks_tasks_in_id_order),
		TEST(test_destroy_frees_everything),
	};
	int ret;

	ret = twr_cunit_run("grant/iotask", setup, NULL, tests, sizeof(tests) / sizeof(tests[0]));
	reset();
	if (harness_live_allocs != 0) {
		fprintf(stderr, "leak: %ld allocations left\n", harness_live_allocs);
		ret = 1;
	}
	return ret;
}
