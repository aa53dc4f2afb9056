// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O task table against a naive reference model: long random
 * sequences of add / remove / enforce / map / unmap / check (fixed seeds,
 * so every run is the same), each result compared with what the model,
 * written straight from docs/iotask.md, says it must be.
 */
#include <xen/errno.h>
#include <xen/iotask.h>

/* The ref a task entry names (the writable flag masked off), as iotask.c
 * reads it: the tests look at entries the table sorted. */
static inline uint32_t ref_of(uint32_t ent)
{
	return ent & IOTASK_REF_MASK;
}

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

long harness_live_allocs;
long harness_allocs_left = -1;

#define NR_IDS		80	/* task ids 1..NR_IDS-1, more than the table holds */
#define NR_DOMS		4	/* grantees 0..3 */
#define NR_REFS		400	/* refs 0..NR_REFS-1 */
#define MAX_TASK_REFS	24

struct model_task {
	bool present, revoked;
	domid_t grantee;
	unsigned int nr;
	uint32_t refs[MAX_TASK_REFS];
	uint64_t hits, denials;
};

static struct {
	struct model_task task[NR_IDS];
	bool enforced[NR_DOMS];
	bool mapped[NR_DOMS][NR_REFS];
	unsigned int nr_tasks, nr_refs;
	uint64_t checks, denials;
} m;

static struct iotask_table table;
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static bool model_mapped(void *ctx, domid_t grantee, uint32_t ref)
{
	(void)ctx;
	return grantee < NR_DOMS && ref < NR_REFS && m.mapped[grantee][ref];
}

/* The task holding @ref, or 0. */
static uint32_t model_owner(uint32_t ref, unsigned int *idx)
{
	uint32_t id;
	unsigned int i;

	for (id = 1; id < NR_IDS; id++) {
		if (!m.task[id].present)
			continue;
		for (i = 0; i < m.task[id].nr; i++)
			if (ref_of(m.task[id].refs[i]) == ref) {
				*idx = i;
				return id;
			}
	}
	return 0;
}

static int model_add(uint32_t id, domid_t grantee, const uint32_t *refs, unsigned int nr)
{
	unsigned int i, j, idx;

	if (id == 0 || nr == 0)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (ref_of(refs[i]) < IOTASK_NR_EXEMPT_REFS)
			return -EINVAL;
	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			if (ref_of(refs[i]) == ref_of(refs[j]))
				return -EINVAL;
	if (m.task[id].present)
		return -EEXIST;
	if (m.nr_tasks >= IOTASK_MAX_TASKS || m.nr_refs + nr > IOTASK_MAX_TOTAL_REFS)
		return -ENOSPC;
	for (i = 0; i < nr; i++)
		if (model_owner(ref_of(refs[i]), &idx))
			return -EEXIST;

	memset(&m.task[id], 0, sizeof(m.task[id]));
	m.task[id].present = true;
	m.task[id].grantee = grantee;
	m.task[id].nr = nr;
	memcpy(m.task[id].refs, refs, nr * sizeof(*refs));
	m.nr_tasks++;
	m.nr_refs += nr;
	return 0;
}

static int model_remove(uint32_t id, unsigned int *live)
{
	struct model_task *t = &m.task[id];
	unsigned int i;

	*live = 0;
	if (!t->present)
		return -ENOENT;
	for (i = 0; i < t->nr; i++)
		if (m.mapped[t->grantee][ref_of(t->refs[i])])
			(*live)++;
	if (*live) {
		t->revoked = true;
		return -EBUSY;
	}
	t->present = false;
	m.nr_tasks--;
	m.nr_refs -= t->nr;
	return 0;
}

static unsigned int model_check(domid_t grantee, uint32_t ref, bool write)
{
	unsigned int idx = 0;
	uint32_t id;

	if (!m.enforced[grantee] || ref < IOTASK_NR_EXEMPT_REFS)
		return IOTASK_UNENFORCED;
	m.checks++;
	id = model_owner(ref, &idx);
	if (!id || m.task[id].grantee != grantee) {
		m.denials++;
		return IOTASK_DENY_NOTASK;
	}
	if (m.task[id].revoked) {
		m.denials++;
		return IOTASK_DENY_REVOKED;
	}
	if (write && !(m.task[id].refs[idx] & IOTASK_REF_WRITABLE)) {
		m.task[id].denials++;
		m.denials++;
		return IOTASK_DENY_READONLY;
	}
	m.task[id].hits++;
	return IOTASK_ALLOW;
}

static int table_add(uint32_t id, domid_t grantee, const uint32_t *refs, unsigned int nr)
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

/* Compare every task's query answer with the model. */
static void compare_all(void)
{
	struct iotask_info info;
	uint32_t id, next = 0;

	for (id = 0; id < NR_IDS; id++) {
		if (id == 0 || !m.task[id].present)
			continue;
		CU_ASSERT_EQUAL_FATAL(iotask_query(&table, next, model_mapped, NULL, &info), 0);
		CU_ASSERT_EQUAL_FATAL(info.id, id);
		CU_ASSERT_EQUAL(info.grantee, m.task[id].grantee);
		CU_ASSERT_EQUAL(info.nr_refs, m.task[id].nr);
		CU_ASSERT_EQUAL(info.revoked, m.task[id].revoked);
		CU_ASSERT_EQUAL(info.enforced, m.enforced[m.task[id].grantee]);
		CU_ASSERT_EQUAL(info.hits, m.task[id].hits);
		CU_ASSERT_EQUAL(info.denials, m.task[id].denials);
		next = id + 1;
	}
	CU_ASSERT_EQUAL(iotask_query(&table, next, model_mapped, NULL, &info), -ENOENT);
	CU_ASSERT_EQUAL(table.nr_tasks, m.nr_tasks);
	CU_ASSERT_EQUAL(table.nr_refs, m.nr_refs);
	CU_ASSERT_EQUAL(table.checks, m.checks);
	CU_ASSERT_EQUAL(table.denials, m.denials);
	CU_ASSERT_EQUAL(harness_live_allocs, (long)m.nr_tasks);
}

static void run_model(uint64_t seed, unsigned int steps)
{
	unsigned int step, mismatches = 0;

	iotask_table_destroy(&table);
	memset(&table, 0, sizeof(table));
	memset(&m, 0, sizeof(m));
	rng = seed;

	for (step = 0; step < steps && !mismatches; step++) {
		uint32_t op = rnd(100), id = rnd(NR_IDS);
		domid_t d = (domid_t)rnd(NR_DOMS);
		uint32_t ref = rnd(NR_REFS);
		unsigned int live_t, live_m;
		int got, want;

		if (op < 15) {
			uint32_t refs[MAX_TASK_REFS];
			unsigned int nr = rnd(MAX_TASK_REFS + 1), i;

			for (i = 0; i < nr; i++)
				refs[i] = rnd(NR_REFS) | (rnd(2) ? IOTASK_REF_WRITABLE : 0);
			want = model_add(id, d, refs, nr);
			got = table_add(id, d, refs, nr);
			mismatches += got != want;
			CU_ASSERT_EQUAL(got, want);
		} else if (op < 25) {
			want = model_remove(id, &live_m);
			got = iotask_remove(&table, id, model_mapped, NULL, &live_t);
			mismatches += got != want || live_t != live_m;
			CU_ASSERT_EQUAL(got, want);
			CU_ASSERT_EQUAL(live_t, live_m);
		} else if (op < 30) {
			bool on = rnd(3) != 0;

			got = iotask_set_enforce(&table, d, on);
			CU_ASSERT_EQUAL(got, 0);
			m.enforced[d] = on;
		} else if (op < 34) {
			m.mapped[d][ref] = true;
		} else if (op < 37) {
			/* The backend closes everything: removals succeed again. */
			memset(m.mapped[d], 0, sizeof(m.mapped[d]));
		} else {
			bool write = rnd(2);

			/* Half the checks aim at refs some task holds. */
			if (rnd(2) && m.task[id].present) {
				ref = ref_of(m.task[id].refs[rnd(m.task[id].nr)]);
				if (rnd(4))
					d = m.task[id].grantee;
			}

			want = (int)model_check(d, ref, write);
			got = (int)iotask_check(&table, d, ref, write);
			mismatches += got != want;
			CU_ASSERT_EQUAL(got, want);
		}
		if (step % 1000 == 0)
			compare_all();
	}
	if (mismatches)
		fprintf(stderr, "seed %llu: first mismatch at step %u\n",
			(unsigned long long)seed, step - 1);
	compare_all();
}

static void test_model_small_table_many_collisions(void)
{
	run_model(0x9e3779b97f4a7c15ull, 200000);
}

static void test_model_other_seeds(void)
{
	uint64_t seed;

	for (seed = 1; seed <= 8; seed++)
		run_model(seed * 0x2545f4914f6cdd1dull, 30000);
}

int main(void)
{
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	suite = CU_add_suite("grant/iotask model", NULL, NULL);
	if (!suite ||
	    !CU_add_test(suite, "test_model_small_table_many_collisions",
			 test_model_small_table_many_collisions) ||
	    !CU_add_test(suite, "test_model_other_seeds", test_model_other_seeds)) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	iotask_table_destroy(&table);
	if (harness_live_allocs != 0) {
		fprintf(stderr, "leak: %ld allocations left\n", harness_live_allocs);
		failed++;
	}
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
