# SPDX-License-Identifier: MIT
# CUnit tests of the ring library (tests/sanitize.sh runs them under ASan and
# UBSan too).
check_PROGRAMS += tests/unit/ringbuf/test_ring tests/unit/ringbuf/test_hostile
TESTS += tests/unit/ringbuf/test_ring tests/unit/ringbuf/test_hostile

TWR_RING_TEST_SOURCES = \
	tests/unit/ringbuf/ring_harness.c \
	tests/unit/ringbuf/ring_harness.h

tests_unit_ringbuf_test_ring_SOURCES = tests/unit/ringbuf/test_ring.c \
	tests/unit/ringbuf/test_ring_wrap.c \
	tests/unit/ringbuf/test_ring_notify.c \
	tests/unit/ringbuf/test_ring_async.c \
	tests/unit/ringbuf/ring_suites.h \
	tests/unit/ringbuf/ring_pair.c tests/unit/ringbuf/ring_pair.h \
	$(TWR_RING_TEST_SOURCES)
tests_unit_ringbuf_test_ring_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_ringbuf_test_ring_LDADD = libtwinring.a $(CUNIT_LIBS)

tests_unit_ringbuf_test_hostile_SOURCES = tests/unit/ringbuf/test_hostile.c \
	$(TWR_RING_TEST_SOURCES)
tests_unit_ringbuf_test_hostile_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_ringbuf_test_hostile_LDADD = libtwinring.a $(CUNIT_LIBS)

# The ring's fields stay private to ringbuf/ (its accessors are the API).
TESTS += tests/unit/ringbuf/test_opaque.sh
EXTRA_DIST += tests/unit/ringbuf/test_opaque.sh
