/* SPDX-License-Identifier: MIT */
/*
 * twr-exitcost's pieces: the test table entries, their results, and the
 * text/JSON printers (twr_exitcost_report.c, unit tested).
 */
#ifndef TWINRING_EXITCOST_H
#define TWINRING_EXITCOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "twr_cpu.h"
#include "twr_stats.h"

struct twr_test {
	const char *name;
	const char *desc;
	void (*op)(void);		/* user-space operation, or NULL: */
	unsigned int ktest;		/* the module's test (enum twr_exitcost_ktest) */
	int (*need)(char *why, size_t len);	/* 0 when applicable here */
	bool baseline;			/* its cost is what the others subtract */
};

struct twr_result {
	const struct twr_test *test;
	bool applicable;
	char why[256];			/* when not applicable or failed */
	uint64_t iterations, ticks;	/* the final amortized loop */
	double raw;			/* ticks / iterations */
	double cycles;			/* raw minus the baseline's raw */
	uint64_t timer;			/* baselines: the empty timed region */
	struct twr_stats st;		/* per sample, timer cost subtracted */
	uint64_t upcalls;		/* module tests: upcalls in the last run */
	int32_t last_ret;		/* module tests: last hypercall's answer */
};

struct twr_run_info {
	unsigned int budget_log2;
	size_t samples, warmup;
	bool timing_trusted;
	const char *timing_why;		/* "" when trusted */
};

void twr_print_env(FILE *f, const struct twr_env *e);
/* One line per test, "name cycles" ("name n/a" when not applicable), each
 * followed by a "#" line with the per-sample figures or the reason. */
void twr_print_text(FILE *f, const struct twr_env *e, const struct twr_run_info *ri,
		    const struct twr_result *res, size_t n);
void twr_print_json(FILE *f, const struct twr_env *e, const struct twr_run_info *ri,
		    const struct twr_result *res, size_t n);

/* The domU end of the dom0<->domU event-channel ping-pong (twr_pong.c). */
int twr_pong_main(int argc, char **argv);

#endif /* TWINRING_EXITCOST_H */
