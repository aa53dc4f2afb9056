/* SPDX-License-Identifier: MIT */
/*
 * Serializing TSC reads for the exit-cost measurements, shared by the
 * twr-exitcost tool and module (x86-64 only).
 *
 * A timed region is  t0 = twr_tsc_begin(); <op>; t1 = twr_tsc_end();
 *  - begin: LFENCE first so earlier instructions have completed before the
 *    read, LFENCE after so <op> does not start before it (Intel SDM "RDTSC",
 *    AMD with the LFENCE-serializing MSR bit Linux sets);
 *  - end: RDTSCP waits for <op> to complete before reading, the LFENCE
 *    after keeps later instructions (the next sample) out of the window.
 * twr_tsc_end_nop() is the end read for CPUs without RDTSCP.
 * The cost of the pair itself is measured (an empty region) and subtracted
 * by the caller, never assumed.
 */
#ifndef TWINRING_EXITCOST_TSC_H
#define TWINRING_EXITCOST_TSC_H

static inline unsigned long long twr_tsc_begin(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

static inline unsigned long long twr_tsc_end(void)
{
	unsigned int lo, hi, aux;

	__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

static inline unsigned long long twr_tsc_end_nop(void)
{
	return twr_tsc_begin();
}

#endif /* TWINRING_EXITCOST_TSC_H */
