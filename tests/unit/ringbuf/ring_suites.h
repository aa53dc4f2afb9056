/* SPDX-License-Identifier: MIT */
/* The suites of test_ring kept in their own files. */
#ifndef TWR_TEST_RING_SUITES_H
#define TWR_TEST_RING_SUITES_H

void twr_test_add_wrap_suites(void);	/* test_ring_wrap.c */
void twr_test_add_notify_suites(void);	/* test_ring_notify.c */
void twr_test_add_async_suites(void);	/* test_ring_async.c */

#endif /* TWR_TEST_RING_SUITES_H */
