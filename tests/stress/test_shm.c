// SPDX-License-Identifier: MIT
/*
 * Unit tests of the user-space transport (ringbuf/twr_shm.c) the stress test
 * and the benchmark run on: the channel layout it maps, which ring each side
 * attaches to, and the eventfd semantics the sleep/wake protocol relies on
 * (an event sent before the peer sleeps is kept, several merge into one
 * wake-up, no event means a timeout).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "twr_shm.h"

static void test_shm_create_rejects_bad_order(void)
{
	struct twr_shm shm;

	CU_ASSERT_EQUAL(twr_shm_create(&shm, TWR_RING_ORDER_MAX + 1, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(twr_shm_create(&shm, 0, TWR_RING_ORDER_MAX + 1, 0), -EINVAL);
	/* A failed create leaves nothing to destroy, and destroy is safe. */
	CU_ASSERT_PTR_NULL(shm.ctl);
	twr_shm_destroy(&shm);
}

static void test_shm_layout(void)
{
	struct twr_shm shm;
	uint32_t start = 0xfffffff8u;

	CU_ASSERT_EQUAL_FATAL(twr_shm_create(&shm, 2, 1, start), 0);
	CU_ASSERT_EQUAL(shm.ctl->magic, TWR_MAGIC);
	CU_ASSERT_EQUAL(shm.ctl->version, TWR_VERSION);
	CU_ASSERT_EQUAL(shm.ctl->a_order, 2);
	CU_ASSERT_EQUAL(shm.ctl->b_order, 1);
	CU_ASSERT_EQUAL(shm.a_size, 16384);
	CU_ASSERT_EQUAL(shm.b_size, 8192);
	/* Control page, then ring A, then ring B, back to back. */
	CU_ASSERT_PTR_EQUAL(shm.ring_a, (uint8_t *)shm.ctl + TWR_PAGE_SIZE);
	CU_ASSERT_PTR_EQUAL(shm.ring_b, shm.ring_a + shm.a_size);
	CU_ASSERT_EQUAL(shm.map_len, TWR_PAGE_SIZE + 16384 + 8192);
	CU_ASSERT_EQUAL(shm.ctl->ring_a.prod, start);
	CU_ASSERT_EQUAL(shm.ctl->ring_a.cons, start);
	CU_ASSERT_EQUAL(shm.ctl->ring_b.prod, start);
	CU_ASSERT_EQUAL(shm.ctl->front_flags, 0);
	CU_ASSERT_EQUAL(shm.ctl->back_flags, 0);
	twr_shm_destroy(&shm);
	CU_ASSERT_PTR_NULL(shm.ctl);
	CU_ASSERT_EQUAL(shm.memfd, -1);
}

/* Front produces on A and consumes B; back the reverse. */
static void test_shm_attach_sides(void)
{
	struct twr_ring ftx, frx, btx, brx;
	struct twr_shm shm;
	struct twr_rec rec;
	void *p;

	CU_ASSERT_EQUAL_FATAL(twr_shm_create(&shm, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(twr_shm_attach(&shm, TWR_SHM_FRONT, &ftx, &frx, 64), 0);
	CU_ASSERT_EQUAL(twr_shm_attach(&shm, TWR_SHM_BACK, &btx, &brx, 64), 0);
	CU_ASSERT_PTR_EQUAL(ftx.sh, &shm.ctl->ring_a);
	CU_ASSERT_PTR_EQUAL(brx.sh, &shm.ctl->ring_a);
	CU_ASSERT_PTR_EQUAL(btx.sh, &shm.ctl->ring_b);
	CU_ASSERT_PTR_EQUAL(frx.sh, &shm.ctl->ring_b);

	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&ftx, 5, &p), 0);
	memcpy(p, "hello", 5);
	twr_ring_commit(&ftx, 5, TWR_REC_TYPE_FIRST, 7);
	twr_ring_publish(&ftx);
	CU_ASSERT_EQUAL(twr_ring_peek(&frx, &rec), -EAGAIN);	/* not on B */
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&brx, &rec), 0);
	CU_ASSERT_EQUAL(rec.len, 5);
	CU_ASSERT_EQUAL(rec.flags, 7);
	CU_ASSERT_EQUAL(memcmp(rec.data, "hello", 5), 0);
	/* Too long for the attached maximum. */
	CU_ASSERT_EQUAL(twr_ring_reserve(&btx, 65, &p), -EMSGSIZE);
	twr_shm_destroy(&shm);
}

static void test_shm_wait_times_out(void)
{
	struct twr_shm shm;

	CU_ASSERT_EQUAL_FATAL(twr_shm_create(&shm, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(twr_shm_wait(&shm, TWR_SHM_BACK, 10), 0);
	CU_ASSERT_EQUAL(shm.stats.timeouts, 1);
	CU_ASSERT_EQUAL(shm.stats.wakeups, 0);
	twr_shm_destroy(&shm);
}

/* An event sent while the peer is awake is kept for its next wait; several
 * merge into one wake-up; each side has its own eventfd. */
static void test_shm_notify_kept_and_merged(void)
{
	struct twr_shm shm;

	CU_ASSERT_EQUAL_FATAL(twr_shm_create(&shm, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(twr_shm_notify(&shm, TWR_SHM_BACK), 0);
	CU_ASSERT_EQUAL(twr_shm_notify(&shm, TWR_SHM_BACK), 0);
	CU_ASSERT_EQUAL(twr_shm_notify(&shm, TWR_SHM_BACK), 0);
	CU_ASSERT_EQUAL(shm.stats.notify_sent, 3);
	CU_ASSERT_EQUAL(twr_shm_wait(&shm, TWR_SHM_FRONT, 0), 0);	/* not front's */
	CU_ASSERT_EQUAL(twr_shm_wait(&shm, TWR_SHM_BACK, 0), 1);
	CU_ASSERT_EQUAL(shm.stats.wakeups, 1);
	CU_ASSERT_EQUAL(shm.stats.events_recv, 3);
	CU_ASSERT_EQUAL(twr_shm_wait(&shm, TWR_SHM_BACK, 0), 0);	/* consumed */
	twr_shm_destroy(&shm);
}

/* The channel and the eventfds cross fork(): the child's notification wakes
 * the parent sleeping with no timeout, and the child sees the parent's
 * record. */
static void test_shm_across_fork(void)
{
	struct twr_ring tx, rx;
	struct twr_shm shm;
	struct twr_rec rec;
	int status, ret;
	pid_t pid;
	void *p;

	CU_ASSERT_EQUAL_FATAL(twr_shm_create(&shm, 0, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(twr_shm_attach(&shm, TWR_SHM_FRONT, &tx, &rx, 64), 0);
	CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&tx, 8, &p), 0);
	memcpy(p, "ping1234", 8);
	twr_ring_commit(&tx, 8, TWR_REC_TYPE_FIRST, 0);
	twr_ring_publish(&tx);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct twr_ring btx, brx;

		alarm(10);
		if (twr_shm_attach(&shm, TWR_SHM_BACK, &btx, &brx, 64) ||
		    twr_ring_peek(&brx, &rec) || rec.len != 8 ||
		    memcmp(rec.data, "ping1234", 8))
			_exit(1);
		usleep(20000);	/* let the parent go to sleep first */
		_exit(twr_shm_notify(&shm, TWR_SHM_FRONT) ? 2 : 0);
	}
	alarm(10);
	ret = twr_shm_wait(&shm, TWR_SHM_FRONT, -1);
	alarm(0);
	CU_ASSERT_EQUAL(ret, 1);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	twr_shm_destroy(&shm);
}

int main(void)
{
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	suite = CU_add_suite("twr_shm transport", NULL, NULL);
	if (!suite ||
	    !CU_add_test(suite, "test_shm_create_rejects_bad_order", test_shm_create_rejects_bad_order) ||
	    !CU_add_test(suite, "test_shm_layout", test_shm_layout) ||
	    !CU_add_test(suite, "test_shm_attach_sides", test_shm_attach_sides) ||
	    !CU_add_test(suite, "test_shm_wait_times_out", test_shm_wait_times_out) ||
	    !CU_add_test(suite, "test_shm_notify_kept_and_merged", test_shm_notify_kept_and_merged) ||
	    !CU_add_test(suite, "test_shm_across_fork", test_shm_across_fork)) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
