# SPDX-License-Identifier: MIT
# Two-process stress test of the ring over the memfd/eventfd transport.
# TWR_STRESS_RECORDS shrinks it (the sanitizer run does); default 10 million.
check_PROGRAMS += tests/stress/test_stress
TESTS += tests/stress/test_stress
tests_stress_test_stress_SOURCES = tests/stress/test_stress.c
tests_stress_test_stress_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_stress_test_stress_LDADD = libtwinring.a $(CUNIT_LIBS)

# The transport itself: layout, sides, eventfd semantics.
check_PROGRAMS += tests/stress/test_shm
TESTS += tests/stress/test_shm
tests_stress_test_shm_SOURCES = tests/stress/test_shm.c
tests_stress_test_shm_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_stress_test_shm_LDADD = libtwinring.a $(CUNIT_LIBS)
