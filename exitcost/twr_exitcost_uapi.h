/* SPDX-License-Identifier: MIT */
/*
 * The ioctl ABI of twr-exitcost.ko (/dev/twr-exitcost), shared by the module
 * and the twr-exitcost tool. Private to the two: the module ships with the
 * tool that talks to it, so there is no version negotiation beyond the size
 * encoded in the ioctl number.
 *
 * TWR_EXITCOST_IOC_RUN, struct twr_exitcost_run (48 bytes):
 *
 *   +0x00 test         in   enum twr_exitcost_ktest
 *   +0x04 flags        in   zero
 *   +0x08 iterations   in   loop count (1 .. TWR_EXITCOST_MAX_ITER)
 *   +0x10 samples      in   user pointer to iterations u64s, or 0
 *   +0x18 total_tsc    out  TSC ticks for the whole loop (amortized mode)
 *   +0x20 upcalls      out  event upcalls the module's handler saw
 *   +0x28 last_ret     out  return value of the last hypercall
 *   +0x2c reserved     in   zero
 *
 * With samples == 0 the module runs the operation iterations times between
 * two TSC reads and returns the total: the amortized method. Otherwise it
 * times each iteration on its own with serializing TSC reads and writes the
 * raw tick counts (timer cost included) to samples[]: the per-sample method.
 * The caller subtracts the timer cost it measured with TWR_KTEST_EMPTY.
 */
#ifndef TWINRING_EXITCOST_UAPI_H
#define TWINRING_EXITCOST_UAPI_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/types.h>
#define twr_static_assert(c, m)	static_assert(c, m)
#else
#include <assert.h>
#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#define twr_static_assert(c, m)	_Static_assert(c, m)
#endif

#define TWR_EXITCOST_DEVICE	"/dev/twr-exitcost"
#define TWR_EXITCOST_MAX_ITER	(1ull << 32)
/* Per-sample runs copy out through a bounded kernel buffer. */
#define TWR_EXITCOST_MAX_SAMPLES	(1u << 20)

enum twr_exitcost_ktest {
	TWR_KTEST_EMPTY = 0,	/* the timer and loop alone, in the kernel */
	TWR_KTEST_NULL_HCALL = 1,	/* HYPERVISOR_xen_version(XENVER_version) */
	TWR_KTEST_EVTCHN_SEND = 2,	/* EVTCHNOP_send, upcalls held off */
	TWR_KTEST_EVTCHN_UPCALL = 3,	/* EVTCHNOP_send + upcall + handler */
	TWR_KTEST_NR
};

struct twr_exitcost_run {
	__u32 test;
	__u32 flags;
	__u64 iterations;
	__u64 samples;
	__u64 total_tsc;
	__u64 upcalls;
	__s32 last_ret;
	__u32 reserved;
};

twr_static_assert(sizeof(struct twr_exitcost_run) == 48, "run size");
twr_static_assert(offsetof(struct twr_exitcost_run, iterations) == 0x08, "iterations");
twr_static_assert(offsetof(struct twr_exitcost_run, samples) == 0x10, "samples");
twr_static_assert(offsetof(struct twr_exitcost_run, total_tsc) == 0x18, "total_tsc");
twr_static_assert(offsetof(struct twr_exitcost_run, upcalls) == 0x20, "upcalls");
twr_static_assert(offsetof(struct twr_exitcost_run, last_ret) == 0x28, "last_ret");

#define TWR_EXITCOST_IOC_RUN	_IOWR('T', 0x81, struct twr_exitcost_run)

#endif /* TWINRING_EXITCOST_UAPI_H */
