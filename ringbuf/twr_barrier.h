/* SPDX-License-Identifier: MIT */
/*
 * One set of memory-ordering primitives for the ring, in the kernel and in
 * user space. The peer is another domain (or another process), never only
 * another CPU of this kernel, so the kernel side uses the virt_* flavours
 * that stay barriers on a uniprocessor build, as Xen's ring.h users do.
 *
 *   twr_load_acquire(p)      read *p; later accesses are not hoisted above it
 *   twr_store_release(p, v)  write *p; earlier accesses are not sunk below it
 *   twr_read_once(p)         one untorn read, no ordering
 *   twr_write_once(p, v)     one untorn write, no ordering
 *   twr_mb()                 full barrier: orders earlier stores against
 *                            later loads (needed by the event-index checks)
 */
#ifndef TWINRING_BARRIER_H
#define TWINRING_BARRIER_H

#ifdef __KERNEL__
#include <asm/barrier.h>
#include <linux/compiler.h>

#define twr_load_acquire(p)		virt_load_acquire(p)
#define twr_store_release(p, v)		virt_store_release(p, v)
#define twr_read_once(p)		READ_ONCE(*(p))
#define twr_write_once(p, v)		WRITE_ONCE(*(p), (v))
#define twr_mb()			virt_mb()

#else /* user space: C11 atomics on the plain shared words, as liburing */
#include <stdatomic.h>
#include <stdint.h>

#define twr_load_acquire(p) \
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_acquire)
#define twr_store_release(p, v) \
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), memory_order_release)
#define twr_read_once(p) \
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_relaxed)
#define twr_write_once(p, v) \
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), memory_order_relaxed)
#define twr_mb()			atomic_thread_fence(memory_order_seq_cst)

#endif /* __KERNEL__ */
#endif /* TWINRING_BARRIER_H */
