// SPDX-License-Identifier: MIT
/*
 * CUnit tests of grant/twr_iotask_ctl.c against a fake hypervisor: this
 * file defines xc_domctl() and the hypercall buffer calls, so the library
 * is linked without libxenctrl and every domctl it sends is inspected.
 */
#include "twr_iotask_ctl.h"

#include "../twr_cunit.h"
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the fake hypervisor saw and how it answers. */
static struct {
	struct xen_domctl last;
	unsigned int calls;
	uint32_t refs_seen[16];
	unsigned int nr_refs_seen;
	int answer_errno;		/* 0: success */
	struct twr_xen_iotask_op reply;	/* copied back when reply_set */
	bool reply_set;
	unsigned int buffers_live;
	bool fail_alloc;
} fake;

int xc_domctl(xc_interface *xch, struct xen_domctl *domctl)
{
	struct twr_xen_iotask_op op;

	(void)xch;
	fake.calls++;
	fake.last = *domctl;
	memcpy(&op, &domctl->u, sizeof(op));
	if (op.op == TWR_IOTASK_OP_ADD && op.refs) {
		const uint32_t *refs = (const uint32_t *)(uintptr_t)op.refs;

		fake.nr_refs_seen = op.nr_refs < 16 ? op.nr_refs : 16;
		memcpy(fake.refs_seen, refs, fake.nr_refs_seen * sizeof(*refs));
	}
	/* Xen copies the op back whether or not it failed. */
	if (fake.reply_set)
		memcpy(&domctl->u, &fake.reply, sizeof(fake.reply));
	if (fake.answer_errno) {
		errno = fake.answer_errno;
		return -1;
	}
	return 0;
}

void *xc__hypercall_buffer_alloc(xc_interface *xch, xc_hypercall_buffer_t *b,
				 size_t size)
{
	(void)xch;
	if (fake.fail_alloc)
		return NULL;
	b->hbuf = malloc(size);
	if (b->hbuf)
		fake.buffers_live++;
	return b->hbuf;
}

void xc__hypercall_buffer_free(xc_interface *xch, xc_hypercall_buffer_t *b)
{
	(void)xch;
	if (b->hbuf) {
		fake.buffers_live--;
		free(b->hbuf);
		b->hbuf = NULL;
	}
}

static struct twr_xen_iotask_op last_op(void)
{
	struct twr_xen_iotask_op op;

	memcpy(&op, &fake.last.u, sizeof(op));
	return op;
}

static void reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

static void test_add_sends_task_and_refs(void)
{
	const uint32_t refs[] = {
		twr_iotask_ref(8, true), twr_iotask_ref(9, false), twr_iotask_ref(10, false),
	};
	struct twr_xen_iotask_op op;

	reset();
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 42, 0, refs, 3), 0);
	CU_ASSERT_EQUAL(fake.calls, 1);
	CU_ASSERT_EQUAL(fake.last.cmd, TWR_XEN_DOMCTL_IOTASK_OP);
	CU_ASSERT_EQUAL(fake.last.domain, 5);
	op = last_op();
	CU_ASSERT_EQUAL(op.op, TWR_IOTASK_OP_ADD);
	CU_ASSERT_EQUAL(op.task_id, 42);
	CU_ASSERT_EQUAL(op.grantee, 0);
	CU_ASSERT_EQUAL(op.nr_refs, 3);
	CU_ASSERT_EQUAL(op.flags, 0);
	CU_ASSERT_EQUAL(op.pad, 0);
	CU_ASSERT_EQUAL(fake.nr_refs_seen, 3);
	CU_ASSERT_EQUAL(fake.refs_seen[0], 8u | TWR_IOTASK_REF_WRITABLE);
	CU_ASSERT_EQUAL(fake.refs_seen[1], 9);
	CU_ASSERT_EQUAL(fake.refs_seen[2], 10);
	/* The refs went through hypercall-safe memory, released afterwards. */
	CU_ASSERT_NOT_EQUAL(op.refs, (uint64_t)(uintptr_t)refs);
	CU_ASSERT_EQUAL(fake.buffers_live, 0);
}

static void test_add_refuses_bad_arguments_without_hypercall(void)
{
	const uint32_t refs[] = { 8 };

	reset();
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 0, 0, refs, 1), -EINVAL);
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 1, 0, refs, 0), -EINVAL);
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 1, 0, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 1, 0, refs, TWR_IOTASK_MAX_REFS + 1), -E2BIG);
	CU_ASSERT_EQUAL(fake.calls, 0);
}

static void test_add_reports_hypervisor_error_and_frees_buffer(void)
{
	const uint32_t refs[] = { 8, 9 };

	reset();
	fake.answer_errno = EEXIST;
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 1, 0, refs, 2), -EEXIST);
	CU_ASSERT_EQUAL(fake.buffers_live, 0);
}

static void test_add_reports_enomem_when_no_buffer(void)
{
	const uint32_t refs[] = { 8 };

	reset();
	fake.fail_alloc = true;
	CU_ASSERT_EQUAL(twr_iotask_add(NULL, 5, 1, 0, refs, 1), -ENOMEM);
	CU_ASSERT_EQUAL(fake.calls, 0);
}

static void test_remove_reports_live_maps_on_ebusy(void)
{
	unsigned int live = 0;

	reset();
	fake.answer_errno = EBUSY;
	fake.reply_set = true;
	fake.reply.op = TWR_IOTASK_OP_REMOVE;
	fake.reply.live = 3;
	CU_ASSERT_EQUAL(twr_iotask_remove(NULL, 7, 11, &live), -EBUSY);
	CU_ASSERT_EQUAL(live, 3);
	CU_ASSERT_EQUAL(fake.last.domain, 7);
	CU_ASSERT_EQUAL(last_op().op, TWR_IOTASK_OP_REMOVE);
	CU_ASSERT_EQUAL(last_op().task_id, 11);
	/* A NULL @live is allowed. */
	CU_ASSERT_EQUAL(twr_iotask_remove(NULL, 7, 11, NULL), -EBUSY);
}

static void test_remove_success_has_no_live_maps(void)
{
	unsigned int live = 99;

	reset();
	CU_ASSERT_EQUAL(twr_iotask_remove(NULL, 7, 11, &live), 0);
	CU_ASSERT_EQUAL(live, 0);
}

static void test_query_fills_info(void)
{
	struct twr_iotask_info info;

	reset();
	fake.reply_set = true;
	fake.reply = (struct twr_xen_iotask_op){
		.op = TWR_IOTASK_OP_QUERY, .task_id = 12, .grantee = 3,
		.flags = TWR_IOTASK_F_ENFORCE | TWR_IOTASK_F_REVOKED,
		.nr_refs = 9, .live = 2, .hits = 100, .denials = 4,
		.table_checks = 1000, .table_denials = 40,
	};
	CU_ASSERT_EQUAL(twr_iotask_query(NULL, 7, 10, &info), 0);
	CU_ASSERT_EQUAL(last_op().task_id, 10);
	CU_ASSERT_EQUAL(info.id, 12);
	CU_ASSERT_EQUAL(info.grantee, 3);
	CU_ASSERT_TRUE(info.enforced);
	CU_ASSERT_TRUE(info.revoked);
	CU_ASSERT_EQUAL(info.nr_refs, 9);
	CU_ASSERT_EQUAL(info.live, 2);
	CU_ASSERT_EQUAL(info.hits, 100);
	CU_ASSERT_EQUAL(info.denials, 4);
	CU_ASSERT_EQUAL(info.table_checks, 1000);
	CU_ASSERT_EQUAL(info.table_denials, 40);
}

static void test_query_enoent_keeps_table_counters(void)
{
	struct twr_iotask_info info;

	reset();
	fake.answer_errno = ENOENT;
	fake.reply_set = true;
	fake.reply.task_id = 77;
	fake.reply.table_checks = 5;
	fake.reply.table_denials = 2;
	CU_ASSERT_EQUAL(twr_iotask_query(NULL, 7, 0, &info), -ENOENT);
	CU_ASSERT_EQUAL(info.id, 0);
	CU_ASSERT_EQUAL(info.table_checks, 5);
	CU_ASSERT_EQUAL(info.table_denials, 2);
}

static void test_set_enforce_sends_flag(void)
{
	reset();
	CU_ASSERT_EQUAL(twr_iotask_set_enforce(NULL, 6, 0, true), 0);
	CU_ASSERT_EQUAL(fake.last.domain, 6);
	CU_ASSERT_EQUAL(last_op().op, TWR_IOTASK_OP_SET_ENFORCE);
	CU_ASSERT_EQUAL(last_op().grantee, 0);
	CU_ASSERT_EQUAL(last_op().flags, TWR_IOTASK_F_ENFORCE);
	CU_ASSERT_EQUAL(twr_iotask_set_enforce(NULL, 6, 4, false), 0);
	CU_ASSERT_EQUAL(last_op().grantee, 4);
	CU_ASSERT_EQUAL(last_op().flags, 0);
}

static void test_probe_unpatched_hypervisor_is_enosys(void)
{
	reset();
	fake.answer_errno = ENOSYS;
	CU_ASSERT_EQUAL(twr_iotask_probe(NULL), -ENOSYS);
	CU_ASSERT_EQUAL(fake.last.cmd, TWR_XEN_DOMCTL_IOTASK_OP);
	CU_ASSERT_EQUAL(last_op().op, TWR_IOTASK_OP_QUERY);
}

static void test_probe_patched_hypervisor_is_zero(void)
{
	reset();
	fake.answer_errno = ENOENT;	/* empty table */
	CU_ASSERT_EQUAL(twr_iotask_probe(NULL), 0);
	fake.answer_errno = 0;		/* dom0 has tasks */
	CU_ASSERT_EQUAL(twr_iotask_probe(NULL), 0);
}

static void test_probe_passes_other_errors(void)
{
	reset();
	fake.answer_errno = EPERM;
	CU_ASSERT_EQUAL(twr_iotask_probe(NULL), -EPERM);
}

static void test_strerror_says_what_to_do(void)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(twr_iotask_strerror(-ENOSYS), "hypervisor-patch"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twr_iotask_strerror(-EBUSY), "close the device"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twr_iotask_strerror(-EEXIST), "another task"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twr_iotask_strerror(-ENOSPC), "full"));
	CU_ASSERT_STRING_EQUAL(twr_iotask_strerror(-EIO), strerror(EIO));
}

#define TEST(fn) { #fn, fn }

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		TEST(test_add_sends_task_and_refs),
		TEST(test_add_refuses_bad_arguments_without_hypercall),
		TEST(test_add_reports_hypervisor_error_and_frees_buffer),
		TEST(test_add_reports_enomem_when_no_buffer),
		TEST(test_remove_reports_live_maps_on_ebusy),
		TEST(test_remove_success_has_no_live_maps),
		TEST(test_query_fills_info),
		TEST(test_query_enoent_keeps_table_counters),
		TEST(test_set_enforce_sends_flag),
		TEST(test_probe_unpatched_hypervisor_is_enosys),
		TEST(test_probe_patched_hypervisor_is_zero),
		TEST(test_probe_passes_other_errors),
		TEST(test_strerror_says_what_to_do),
	};
	return twr_cunit_run("grant/twr_iotask_ctl", NULL, NULL, tests, sizeof(tests) / sizeof(tests[0]));
}
