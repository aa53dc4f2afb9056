// SPDX-License-Identifier: MIT
/*
 * ringbench reference: the cross-core copy limit. The same two processes on
 * the same two cores copy records of the same size through a shared window
 * of the ring's size, laid out as the ring lays them out (8-byte aligned,
 * header-sized gap), with none of the ring's logic: fixed slots, one
 * free-running counter each way, published every batch, polled, never slept
 * on. What the ring reaches against this is its own overhead; what this
 * reaches against memcpy is the cost of moving cache lines between cores.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ringbench.h"
#include "twinring/ring.h"

struct xcore_ctl {
	_Alignas(64) _Atomic uint64_t prod;	/* slots filled */
	_Atomic uint64_t mark;			/* measured window starts here */
	_Atomic uint64_t end;			/* producer stopped here; 0: running */
	_Alignas(64) _Atomic uint64_t cons;	/* slots emptied */
	uint64_t ns;				/* consumer: window time */
	uint64_t bytes;				/* consumer: window bytes */
};

static inline void xcore_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void xcore_consumer(struct xcore_ctl *c, uint8_t *win, uint32_t rec,
			   uint32_t step, uint64_t slots, uint64_t batch)
{
	uint8_t *dst = twr_bench_alloc(rec + 64);
	uint64_t i = 0, prod, mark = 0, t0 = 0, end;

	if (!dst)
		_exit(1);
	for (;;) {
		prod = atomic_load_explicit(&c->prod, memory_order_acquire);
		if (prod == i) {
			end = atomic_load_explicit(&c->end, memory_order_acquire);
			if (end && end == i)
				break;
			xcore_relax();
			continue;
		}
		for (; i < prod; i++) {
			memcpy(dst, win + (i % slots) * step + TWR_REC_HDR_SIZE, rec);
			if ((i + 1) % batch == 0)
				atomic_store_explicit(&c->cons, i + 1, memory_order_release);
		}
		atomic_store_explicit(&c->cons, i, memory_order_release);
		if (!t0) {
			mark = atomic_load_explicit(&c->mark, memory_order_acquire);
			if (mark && i >= mark)
				t0 = twr_bench_now_ns();
		}
	}
	c->ns = t0 ? twr_bench_now_ns() - t0 : 0;
	c->bytes = t0 ? (i - mark) * rec : 0;
	free(dst);
	_exit(0);
}

static int xcore_producer(struct xcore_ctl *c, uint8_t *win, uint32_t rec,
			  uint32_t step, uint64_t slots, uint64_t batch,
			  unsigned int ms, pid_t child)
{
	uint64_t spins = 0;
	uint8_t *src = twr_bench_alloc(rec + 64);
	unsigned int warm_ms = ms / 5 > 20 ? ms / 5 : 20;
	uint64_t i = 0, deadline, j;
	int phase;

	if (!src)
		return -ENOMEM;
	memset(src, 0x5a, rec);
	for (phase = 0; phase < 2; phase++) {
		deadline = twr_bench_now_ns() + (uint64_t)(phase ? ms : warm_ms) * 1000000ull;
		while (twr_bench_now_ns() < deadline) {
			for (j = 0; j < 64; j++, i++) {
				while (i - atomic_load_explicit(&c->cons, memory_order_acquire) >= slots) {
					xcore_relax();
					/* A dead consumer must end the run. */
					if (!(++spins & ((1u << 20) - 1)) &&
					    twr_bench_child_gone(child)) {
						free(src);
						return -ECHILD;
					}
				}
				memcpy(win + (i % slots) * step + TWR_REC_HDR_SIZE, src, rec);
				if ((i + 1) % batch == 0)
					atomic_store_explicit(&c->prod, i + 1, memory_order_release);
			}
		}
		atomic_store_explicit(&c->prod, i, memory_order_release);
		if (!phase)
			atomic_store_explicit(&c->mark, i ? i : 1, memory_order_release);
	}
	atomic_store_explicit(&c->end, i, memory_order_release);
	free(src);
	return 0;
}

int twr_bench_xcore_run(const struct twr_bench_opts *o, uint32_t window,
			uint32_t rec, unsigned int ms, double *gbps)
{
	uint32_t step = (uint32_t)TWR_REC_SPACE(rec);
	uint64_t slots, batch;
	size_t len = 4096 + (size_t)window;
	struct xcore_ctl *c;
	int ret, status;
	pid_t pid;

	*gbps = 0;
	if (step > window)
		return -EMSGSIZE;
	slots = window / step;
	/* The ring publishes every eighth of the ring at most: same here. */
	batch = slots / 8 ? slots / 8 : 1;
	if (batch > o->batch_max)
		batch = o->batch_max;
	c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return -errno;
	memset(c, 0, len);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		twr_bench_pin(o->cpu_cons);
		xcore_consumer(c, (uint8_t *)c + 4096, rec, step, slots, batch);
	}
	twr_bench_pin(o->cpu_prod);
	ret = xcore_producer(c, (uint8_t *)c + 4096, rec, step, slots, batch, ms, pid);
	if (ret)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = -ECHILD;
	if (!ret && c->ns)
		*gbps = (double)c->bytes / (double)c->ns;
out:
	munmap(c, len);
	return ret;
}
