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
 *   twr_copy_shared(d, s, n) copy @n peer-writable bytes to private @d and
 *                            make the copy the only one the compiler may
 *                            use: it cannot re-read @s after a check of @d
 *                            (what Xen's RING_COPY_REQUEST does with a
 *                            volatile read). Headers are checked only
 *                            through such a copy.
 */
#ifndef TWINRING_BARRIER_H
#define TWINRING_BARRIER_H

#ifdef __KERNEL__
#include <asm/barrier.h>
#include <linux/compiler.h>
#include <linux/string.h>

#define twr_load_acquire(p)		virt_load_acquire(p)
#define twr_store_release(p, v)		virt_store_release(p, v)
#define twr_read_once(p)		READ_ONCE(*(p))
#define twr_write_once(p, v)		WRITE_ONCE(*(p), (v))
#define twr_mb()			virt_mb()
#define twr_compiler_barrier()		barrier()

#else /* user space: C11 atomics on the plain shared words, as liburing */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define twr_load_acquire(p) \
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_acquire)
#define twr_store_release(p, v) \
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), memory_order_release)
#define twr_read_once(p) \
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_relaxed)
#define twr_write_once(p, v) \
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), memory_order_relaxed)
#define twr_mb()			atomic_thread_fence(memory_order_seq_cst)
#define twr_compiler_barrier()		atomic_signal_fence(memory_order_seq_cst)

#endif /* __KERNEL__ */

/* After the barrier the compiler must assume @s changed, so every later
 * use of the copied values reads @d. No CPU ordering: pair it with the
 * load-acquire of the index that published @s. */
#define twr_copy_shared(d, s, n)					\
	do {								\
		memcpy((d), (s), (n));					\
		twr_compiler_barrier();					\
	} while (0)

#endif /* TWINRING_BARRIER_H */
