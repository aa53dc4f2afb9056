// SPDX-License-Identifier: MIT
/*
 * ringbench measurements: two processes on a twr_shm channel, each pinned to
 * its own core, running the ring library exactly as a driver would.
 *
 * Throughput: the producer copies each record in from a source buffer and
 * publishes every batch_max records; the consumer copies each record out to
 * a destination buffer and gives the space back every batch_max records.
 * Both poll for up to `spin` rounds before they arm the event index and
 * sleep on their eventfd, so a notification is sent only when the peer
 * asked for it. A MARK record opens the measured window after a warm-up, a
 * STOP record closes it; the consumer times the window.
 *
 * Latency: one record on ring A, the same bytes back on ring B, timed
 * round trip by the ping side, either polling (spin) or sleeping on the
 * eventfd every time (sleep: the notification path).
 *
 * Each is put beside a plain memcpy of the same bytes on the producer's
 * core in the same run: the limit of a ring that copies data through.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ringbench.h"
#include "twr_shm.h"
#include "twr_stats.h"

#define REC_DATA	TWR_REC_TYPE_FIRST
#define REC_MARK	(TWR_REC_TYPE_FIRST + 1)
#define REC_STOP	(TWR_REC_TYPE_FIRST + 2)

/* A stuck peer (a bug, or a dead child) ends the run instead of hanging. */
#define BENCH_TIMEOUT_S	60

struct bench_side {
	struct twr_shm *shm;
	enum twr_shm_side self, peer;
	struct twr_ring tx, rx;
	unsigned int spin;
	pid_t child;			/* parent side: the peer's pid */
};

/* What the child reports back: an anonymous shared page, not the channel. */
struct bench_child_res {
	uint64_t records, bytes, ns;
	struct twr_shm_stats stats;
	int err;
	char msg[160];
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

uint64_t twr_bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void *twr_bench_alloc(size_t len)
{
	/* C11: the size must be a multiple of the alignment. */
	return aligned_alloc(64, (len + 63) & ~(size_t)63);
}

bool twr_bench_child_gone(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	/* WNOWAIT: look, but leave the child for waitpid() to reap. */
	return pid > 0 && !waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == pid;
}

int twr_bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void bench_notify_if(struct bench_side *s, bool ask)
{
	if (ask)
		twr_shm_notify(s->shm, s->peer);
}

/* Sleep until notified. The parent wakes up every second to make sure the
 * child is still there: a crashed peer must end the run, not hang it. */
static int bench_sleep(struct bench_side *s)
{
	int ret;

	for (;;) {
		ret = twr_shm_wait(s->shm, s->self, s->child ? 1000 : -1);
		if (ret)
			return ret < 0 ? ret : 0;
		if (twr_bench_child_gone(s->child))
			return -ECHILD;
	}
}

/* Producer: reserve @len bytes, publishing what is pending, polling, then
 * sleeping until the consumer makes room. */
static int bench_reserve(struct bench_side *s, uint32_t len, void **p)
{
	unsigned int spins = 0;
	int ret;

	while ((ret = twr_ring_reserve(&s->tx, len, p)) == -EAGAIN) {
		/* The consumer can only free what it was shown (this also
		 * publishes wrap padding reserve may have written). */
		if (!spins)
			bench_notify_if(s, twr_ring_publish(&s->tx));
		if (spins++ < s->spin) {
			cpu_relax();
			continue;
		}
		bench_notify_if(s, twr_ring_publish(&s->tx));
		if (!twr_ring_space_wait_prepare(&s->tx, len)) {
			ret = bench_sleep(s);
			if (ret)
				return ret;
		}
		spins = 0;
	}
	return ret;
}

/* Consumer: the next record, giving back released space, polling, then
 * sleeping until the producer publishes. */
static int bench_peek(struct bench_side *s, struct twr_rec *rec)
{
	unsigned int spins = 0;
	int ret;

	while ((ret = twr_ring_peek(&s->rx, rec)) == -EAGAIN) {
		if (!spins)
			bench_notify_if(s, twr_ring_release_publish(&s->rx));
		if (spins++ < s->spin) {
			cpu_relax();
			continue;
		}
		if (!twr_ring_final_check(&s->rx)) {
			ret = bench_sleep(s);
			if (ret)
				return ret;
		}
		spins = 0;
	}
	return ret;
}

/* Producer: one record of @len bytes copied from @src. */
static int bench_send(struct bench_side *s, const void *src, uint32_t len,
		      uint16_t type)
{
	void *p;
	int ret = bench_reserve(s, len, &p);

	if (ret)
		return ret;
	memcpy(p, src, len);
	twr_ring_commit(&s->tx, len, type, 0);
	return 0;
}

static void bench_timeout(int sig)
{
	static const char msg[] = "ringbench: a run did not finish in time (lost wake-up?)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

/* Child side: report and leave without returning into the caller. */
static void bench_child_exit(struct bench_side *s, struct bench_child_res *res,
			     int ret)
{
	res->stats = s->shm->stats;
	res->err = ret;
	if (ret)
		snprintf(res->msg, sizeof(res->msg), "%s (ring: %s)",
			 strerror(-ret), twr_ring_reason(&s->rx));
	_exit(ret ? 1 : 0);
}

/* Set up a channel with two @ring-byte rings and fork; the child returns
 * with *child = 1 after pinning to the consumer's core. */
static int bench_start(const struct twr_bench_opts *o, uint32_t ring,
		       uint32_t max_payload, struct twr_shm *shm,
		       struct bench_side *s, struct bench_child_res **res,
		       pid_t *pid)
{
	unsigned int order = 0;
	int ret;

	*pid = -1;
	while ((TWR_PAGE_SIZE << order) < ring)
		order++;
	ret = twr_shm_create(shm, order, order, 0);
	if (ret)
		return ret;
	*res = mmap(NULL, sizeof(**res), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (*res == MAP_FAILED) {
		ret = -errno;
		goto err_shm;
	}
	memset(*res, 0, sizeof(**res));
	*pid = fork();
	if (*pid < 0) {
		ret = -errno;
		goto err_res;
	}
	memset(s, 0, sizeof(*s));
	s->shm = shm;
	s->spin = o->spin;
	s->self = *pid ? TWR_SHM_FRONT : TWR_SHM_BACK;
	s->peer = *pid ? TWR_SHM_BACK : TWR_SHM_FRONT;
	s->child = *pid;
	signal(SIGALRM, bench_timeout);
	alarm(BENCH_TIMEOUT_S);
	if (*pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	twr_bench_pin(*pid ? o->cpu_prod : o->cpu_cons);
	ret = twr_shm_attach(shm, s->self, &s->tx, &s->rx, max_payload);
	if (ret && *pid == 0)
		bench_child_exit(s, *res, ret);		/* no return */
	return ret;

err_res:
	munmap(*res, sizeof(**res));
err_shm:
	twr_shm_destroy(shm);
	return ret;
}

/* Parent side: reap the child, tear down, merge its result. */
static int bench_finish(struct twr_shm *shm, struct bench_child_res *res,
			pid_t pid, int ret)
{
	int status;

	if (ret)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	alarm(0);
	if (!ret && res->err) {
		fprintf(stderr, "ringbench: peer failed: %s\n", res->msg);
		ret = res->err;
	} else if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		fprintf(stderr, "ringbench: peer died (status 0x%x)\n", status);
		ret = -ECHILD;
	}
	twr_shm_destroy(shm);
	return ret;
}

static unsigned int bench_batch(const struct twr_bench_opts *o, uint32_t ring,
				uint32_t rec)
{
	/* Publish at least every eighth of the ring so the consumer always
	 * has something to chew on while the producer fills the rest. */
	uint64_t n = (ring / 8) / TWR_REC_SPACE(rec);

	if (n > o->batch_max)
		n = o->batch_max;
	return n ? (unsigned int)n : 1;
}

static void tput_consumer(struct bench_side *s, struct bench_child_res *res,
			  uint32_t rec_max, unsigned int batch_max)
{
	uint8_t *dst = twr_bench_alloc(rec_max + 64);
	uint64_t t0 = 0, records = 0, bytes = 0;
	unsigned int batch = 0;
	struct twr_rec rec;
	int ret, measuring = 0;

	if (!dst)
		bench_child_exit(s, res, -ENOMEM);
	for (;;) {
		ret = bench_peek(s, &rec);
		if (ret)
			bench_child_exit(s, res, ret);
		if (rec.len > rec_max)
			bench_child_exit(s, res, twr_ring_mark_broken(&s->rx, "record too long"));
		memcpy(dst, rec.data, rec.len);
		if (rec.type == REC_STOP)
			break;
		if (rec.type == REC_MARK) {
			t0 = twr_bench_now_ns();
			measuring = 1;
		} else if (measuring) {
			records++;
			bytes += rec.len;
		}
		twr_ring_release(&s->rx);
		if (++batch >= batch_max) {
			bench_notify_if(s, twr_ring_release_publish(&s->rx));
			batch = 0;
		}
	}
	res->ns = twr_bench_now_ns() - t0;
	twr_ring_release(&s->rx);
	bench_notify_if(s, twr_ring_release_publish(&s->rx));
	res->records = records;
	res->bytes = bytes;
	free(dst);
	bench_child_exit(s, res, 0);
}

static int tput_producer(struct bench_side *s, uint32_t rec, unsigned int ms,
			 unsigned int batch_max)
{
	uint8_t *src = twr_bench_alloc(rec + 64);
	unsigned int warm_ms = ms / 5 > 20 ? ms / 5 : 20, batch = 0, i;
	uint64_t deadline;
	int ret = 0, phase;

	if (!src)
		return -ENOMEM;
	memset(src, 0x5a, rec);
	for (phase = 0; phase < 2 && !ret; phase++) {
		deadline = twr_bench_now_ns() + (uint64_t)(phase ? ms : warm_ms) * 1000000ull;
		while (!ret && twr_bench_now_ns() < deadline) {
			for (i = 0; i < 64 && !ret; i++) {
				ret = bench_send(s, src, rec, REC_DATA);
				if (!ret && ++batch >= batch_max) {
					bench_notify_if(s, twr_ring_publish(&s->tx));
					batch = 0;
				}
			}
		}
		if (!ret)
			ret = bench_send(s, src, 0, phase ? REC_STOP : REC_MARK);
		bench_notify_if(s, twr_ring_publish(&s->tx));
		batch = 0;
	}
	free(src);
	return ret;
}

/* One core copying the same bytes in the same pattern: @rec-byte records
 * from one source buffer into a @window-byte destination, 8-byte aligned
 * records one after the other as in the ring. */
static double memcpy_gbps(uint32_t rec, uint32_t window, uint64_t bytes)
{
	uint8_t *src, *dst;
	uint64_t done = 0, t0, t1;
	uint32_t off = 0, step = (uint32_t)TWR_REC_SPACE(rec);

	if (window < step)
		window = step;
	src = twr_bench_alloc(rec + 64);
	dst = twr_bench_alloc(window);
	if (!src || !dst) {
		free(src);
		free(dst);
		return 0;
	}
	memset(src, 0x5a, rec);
	memset(dst, 0, window);	/* fault it in, as the ring is */
	t0 = twr_bench_now_ns();
	while (done < bytes) {
		memcpy(dst + off + TWR_REC_HDR_SIZE, src, rec);
		/* Keep the copy: the compiler must not elide it. */
		__asm__ __volatile__("" : : "r"(dst) : "memory");
		off += step;
		if (off + step > window)
			off = 0;
		done += rec;
	}
	t1 = twr_bench_now_ns();
	free(src);
	free(dst);
	return (double)bytes / (double)(t1 - t0);
}

int twr_bench_tput_run(const struct twr_bench_opts *o, uint32_t ring,
		       uint32_t rec, unsigned int ms, struct twr_bench_tput *t)
{
	uint32_t max_payload = ring - TWR_REC_HDR_SIZE;
	unsigned int batch_max = bench_batch(o, ring, rec);
	struct bench_child_res *res;
	struct bench_side s;
	struct twr_shm shm;
	pid_t pid;
	int ret;

	memset(t, 0, sizeof(*t));
	t->rec = rec;
	t->ring = ring;
	if (max_payload > 65536)
		max_payload = 65536;
	if (rec > max_payload)
		return -EMSGSIZE;
	ret = bench_start(o, ring, max_payload, &shm, &s, &res, &pid);
	if (ret && pid > 0) {
		bench_finish(&shm, res, pid, ret);
		munmap(res, sizeof(*res));
	}
	if (ret)
		return ret;
	if (pid == 0)
		tput_consumer(&s, res, max_payload, batch_max);	/* no return */
	ret = tput_producer(&s, rec, ms, batch_max);
	t->notify = shm.stats.notify_sent;
	t->wakeups = shm.stats.wakeups;
	ret = bench_finish(&shm, res, pid, ret);
	if (!ret) {
		t->records = res->records;
		t->bytes = res->bytes;
		t->secs = (double)res->ns / 1e9;
		t->notify += res->stats.notify_sent;
		t->wakeups += res->stats.wakeups;
		t->gbps = (double)res->bytes / (double)res->ns;
		t->mrps = (double)res->records / (double)res->ns * 1e3;
		t->memcpy_gbps = memcpy_gbps(rec, ring, res->bytes);
		t->ratio = t->memcpy_gbps > 0 ? t->gbps / t->memcpy_gbps : 0;
		if (o->xcore)
			ret = twr_bench_xcore_run(o, ring, rec, ms, &t->xcore_gbps);
	}
	munmap(res, sizeof(*res));
	return ret;
}

static void lat_pong(struct bench_side *s, struct bench_child_res *res,
		     uint32_t rec_max)
{
	uint8_t *buf = twr_bench_alloc(rec_max + 64);
	struct twr_rec rec;
	uint32_t len;
	int ret;

	if (!buf)
		bench_child_exit(s, res, -ENOMEM);
	for (;;) {
		ret = bench_peek(s, &rec);
		if (ret)
			bench_child_exit(s, res, ret);
		if (rec.type == REC_STOP)
			break;
		len = rec.len < rec_max ? rec.len : rec_max;
		memcpy(buf, rec.data, len);
		twr_ring_release(&s->rx);
		bench_notify_if(s, twr_ring_release_publish(&s->rx));
		ret = bench_send(s, buf, len, REC_DATA);
		if (ret)
			bench_child_exit(s, res, ret);
		bench_notify_if(s, twr_ring_publish(&s->tx));
		res->records++;
	}
	free(buf);
	bench_child_exit(s, res, 0);
}

static int lat_ping(struct bench_side *s, uint32_t len, uint64_t samples,
		    uint64_t *rtt)
{
	uint8_t *src = twr_bench_alloc(len + 64), *dst = twr_bench_alloc(len + 64);
	uint64_t i, warm = samples / 10 + 10, t0;
	struct twr_rec rec;
	int ret = -ENOMEM;

	if (!src || !dst)
		goto out;
	memset(src, 0xa5, len);
	for (i = 0; i < warm + samples; i++) {
		t0 = twr_bench_now_ns();
		ret = bench_send(s, src, len, REC_DATA);
		if (ret)
			goto out;
		bench_notify_if(s, twr_ring_publish(&s->tx));
		ret = bench_peek(s, &rec);
		if (ret)
			goto out;
		if (rec.len != len) {
			ret = twr_ring_mark_broken(&s->rx, "pong of the wrong length");
			goto out;
		}
		memcpy(dst, rec.data, len);
		twr_ring_release(&s->rx);
		bench_notify_if(s, twr_ring_release_publish(&s->rx));
		if (i >= warm)
			rtt[i - warm] = twr_bench_now_ns() - t0;
	}
	ret = bench_send(s, src, 0, REC_STOP);
	bench_notify_if(s, twr_ring_publish(&s->tx));
out:
	free(src);
	free(dst);
	return ret;
}

/* memcpy of @len bytes there and back, averaged over many rounds. */
static double memcpy_rtt_ns(uint32_t len)
{
	uint8_t *a = twr_bench_alloc(len + 64), *b = twr_bench_alloc(len + 64);
	uint64_t t0, i, rounds = 200000;
	double ns;

	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	memset(a, 1, len);
	memset(b, 2, len);
	t0 = twr_bench_now_ns();
	for (i = 0; i < rounds; i++) {
		memcpy(b, a, len);
		__asm__ __volatile__("" : : "r"(b) : "memory");
		memcpy(a, b, len);
		__asm__ __volatile__("" : : "r"(a) : "memory");
	}
	ns = (double)(twr_bench_now_ns() - t0) / (double)rounds;
	free(a);
	free(b);
	return ns;
}

int twr_bench_lat_run(const struct twr_bench_opts *o, uint32_t ring,
		      uint32_t rec, int sleep, uint64_t samples,
		      struct twr_bench_lat *l)
{
	uint32_t max_payload = ring - TWR_REC_HDR_SIZE;
	struct twr_bench_opts lo = *o;
	struct bench_child_res *res;
	struct bench_side s;
	struct twr_stats st;
	struct twr_shm shm;
	uint64_t *rtt;
	pid_t pid;
	int ret;

	memset(l, 0, sizeof(*l));
	l->rec = rec;
	l->sleep = sleep;
	if (max_payload > 65536)
		max_payload = 65536;
	if (rec > max_payload || !samples)
		return -EINVAL;
	rtt = calloc(samples, sizeof(*rtt));
	if (!rtt)
		return -ENOMEM;
	if (sleep)
		lo.spin = 0;
	else if (lo.spin < 1000000)
		lo.spin = 1000000;	/* poll: never sleep between pings */
	ret = bench_start(&lo, ring, max_payload, &shm, &s, &res, &pid);
	if (ret && pid > 0) {
		bench_finish(&shm, res, pid, ret);
		munmap(res, sizeof(*res));
	}
	if (ret) {
		free(rtt);
		return ret;
	}
	if (pid == 0)
		lat_pong(&s, res, max_payload);	/* no return */
	ret = lat_ping(&s, rec, samples, rtt);
	ret = bench_finish(&shm, res, pid, ret);
	/* Nearest-rank percentiles, the same definition the exit-cost tools
	 * report; the clock's own cost is not subtracted (0). */
	if (!ret)
		ret = twr_stats_summarize(rtt, samples, 0, &st);
	if (!ret) {
		l->samples = samples;
		l->min_ns = (double)st.min;
		l->p50_ns = (double)st.p50;
		l->p99_ns = (double)st.p99;
		l->memcpy_ns = memcpy_rtt_ns(rec);
	}
	munmap(res, sizeof(*res));
	free(rtt);
	return ret;
}
