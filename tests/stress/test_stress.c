// SPDX-License-Identifier: MIT
/*
 * Two-process stress test of the ring library over the user-space transport
 * (ringbuf/twr_shm.c): the parent is the front, a forked child the back.
 *
 *   front (parent, CUnit)                      back (child)
 *   generate record seq, fill, hash ──ring A──▶ verify seq, length, hash
 *   verify the echo            ◀──ring B── echo it (echo test only)
 *
 * Every record's length, type, flags and content follow from (seed, seq), so
 * the receiver knows exactly what record seq must be: a lost, repeated or
 * reordered record fails the sequence check, a damaged one the hash check.
 * Records of 16 bytes or more carry their sequence number and a 64-bit hash
 * of the rest; shorter ones are compared byte for byte.
 *
 * Both sides sleep on their eventfd with no timeout, only after arming the
 * ring's event indices, and notify only when the ring says so: a lost
 * wake-up therefore hangs, and the watchdog (alarm) turns the hang into a
 * failure that says so. No assertion depends on timing.
 *
 * Environment: TWR_STRESS_RECORDS (default 10000000, 1000000 when built
 * with AddressSanitizer), TWR_STRESS_SEED, TWR_STRESS_TIMEOUT (seconds,
 * default 300).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "twr_shm.h"

#define STRESS_A_ORDER		4		/* ring A: 64 KiB */
#define STRESS_B_ORDER		3		/* ring B: 32 KiB */
/* Over half of ring B: exercises the padding of records that cannot fit
 * behind an unlucky offset. */
#define STRESS_MAX_PAYLOAD	(24u * 1024)
/* Indices start just below 2^32 so the index wrap comes early. */
#define STRESS_START		0xfffff000u
#define STRESS_TYPE		TWR_REC_TYPE_FIRST

/* Sanitized builds run several times slower: a tenth of the records there
 * unless TWR_STRESS_RECORDS says otherwise (the plain build runs them all). */
#if defined(__SANITIZE_ADDRESS__)
#define STRESS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRESS_SANITIZED 1
#endif
#endif
#ifdef STRESS_SANITIZED
static uint64_t stress_records = 1000000;
#else
static uint64_t stress_records = 10000000;
#endif
static uint64_t stress_seed = 0x7477696e72696e67ull;	/* "twinring" */
static unsigned int stress_timeout = 300;

/* What the back reports to the front: a page of its own, not the channel. */
struct stress_result {
	uint64_t received;
	uint64_t bytes;
	struct twr_shm_stats stats;
	int failed;
	char msg[256];
};

struct stress_side {
	struct twr_shm *shm;
	enum twr_shm_side self, peer;
	struct twr_ring tx, rx;
	uint64_t rng;			/* batching and stall decisions */
	char msg[256];
};

/* Progress for the watchdog's message (signal-safe to read). */
static volatile uint64_t wd_sent, wd_echoed;
static volatile pid_t wd_child;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint64_t rng_next(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ull;
	return mix64(*s);
}

/* Payload length of record @seq: mostly small, a tail up to a few KiB, and
 * one in a thousand anywhere up to the maximum payload. */
static uint32_t rec_len(uint64_t seq)
{
	uint64_t h = mix64(stress_seed ^ (seq * 0x9e3779b97f4a7c15ull));
	uint32_t r = (uint32_t)(h >> 32), cls = (uint32_t)h % 1000;

	if (cls == 0)
		return 1 + r % STRESS_MAX_PAYLOAD;
	if (cls < 500)
		return 1 + r % 64;
	if (cls < 850)
		return 65 + r % (1500 - 64);
	return 1501 + r % (4096 - 1500);
}

static uint16_t rec_flags(uint64_t seq)
{
	return (uint16_t)(seq * 0x2545u);
}

static uint64_t hash_words(uint64_t h, const uint8_t *p, uint32_t len)
{
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, len);
	return mix64(h ^ w);
}

/* Fill @p with record @seq's content: [seq][hash][pseudo-random bytes], or
 * for short records the first @len bytes of a value derived from seq. */
static void rec_fill(uint8_t *p, uint64_t seq, uint32_t len)
{
	uint64_t s = stress_seed ^ mix64(seq), w, h;
	uint32_t i;

	if (len < 16) {
		uint8_t small[16];

		w = mix64(s);
		h = mix64(s + 1);
		memcpy(small, &w, 8);
		memcpy(small + 8, &h, 8);
		memcpy(p, small, len);
		return;
	}
	for (i = 16; i + 8 <= len; i += 8) {
		w = rng_next(&s);
		memcpy(p + i, &w, 8);
	}
	w = rng_next(&s);
	memcpy(p + i, &w, len - i);
	h = hash_words(seq ^ len, p + 16, len - 16);
	memcpy(p, &seq, 8);
	memcpy(p + 8, &h, 8);
}

/* NULL if @rec is record @seq intact, else what is wrong. The payload is
 * copied first: it is shared memory the peer could still change. */
static const char *rec_check(const struct twr_rec *rec, uint64_t seq,
			     uint8_t *buf)
{
	uint64_t got_seq, got_hash;

	if (rec->len != rec_len(seq))
		return "wrong length: record lost, duplicated or reordered";
	if (rec->type != STRESS_TYPE || rec->flags != rec_flags(seq))
		return "wrong type or flags: record lost, duplicated or reordered";
	memcpy(buf, rec->data, rec->len);
	if (rec->len < 16) {
		uint8_t want[16];

		rec_fill(want, seq, rec->len);
		return memcmp(buf, want, rec->len) ? "short record corrupted" : NULL;
	}
	memcpy(&got_seq, buf, 8);
	memcpy(&got_hash, buf + 8, 8);
	if (got_seq != seq)
		return "wrong sequence number: record lost, duplicated or reordered";
	if (got_hash != hash_words(seq ^ rec->len, buf + 16, rec->len - 16))
		return "hash mismatch: record corrupted";
	return NULL;
}

static void side_fail(struct stress_side *s, uint64_t seq, const char *what)
{
	uint32_t *flags = s->self == TWR_SHM_FRONT ? &s->shm->ctl->front_flags
						   : &s->shm->ctl->back_flags;

	if (!s->msg[0])
		snprintf(s->msg, sizeof(s->msg), "%s at record %" PRIu64 ": %s",
			 s->self == TWR_SHM_FRONT ? "front" : "back", seq, what);
	/* Tell the peer, as a driver would, so it stops instead of waiting. */
	__atomic_or_fetch(flags, TWR_F_BROKEN, __ATOMIC_RELEASE);
	twr_shm_notify(s->shm, s->peer);
}

static int peer_broken(const struct stress_side *s)
{
	const uint32_t *flags = s->self == TWR_SHM_FRONT ? &s->shm->ctl->back_flags
							 : &s->shm->ctl->front_flags;

	return __atomic_load_n(flags, __ATOMIC_ACQUIRE) & TWR_F_BROKEN;
}

/* Now and then, stall a little so each side in turn finds the other asleep
 * or the ring full or empty. */
static void maybe_stall(struct stress_side *s)
{
	if ((rng_next(&s->rng) & 4095) == 0)
		usleep(20);
}

static void notify_if(struct stress_side *s, int ask)
{
	if (ask)
		twr_shm_notify(s->shm, s->peer);
}

static int side_sleep(struct stress_side *s)
{
	int ret = twr_shm_wait(s->shm, s->self, -1);

	if (ret < 0) {
		side_fail(s, 0, strerror(-ret));
		return ret;
	}
	return peer_broken(s) ? -EPIPE : 0;
}

/* Front: produce @n records on ring A; with @echo also consume and verify
 * their echoes on ring B. Returns 0 or -1 with s->msg set. */
static int front_run(struct stress_side *s, uint64_t n, int echo,
		     uint64_t *echoed_out)
{
	uint8_t *buf = malloc(STRESS_MAX_PAYLOAD);
	uint64_t seq = 0, echoed = 0;
	unsigned int batch = 0, batch_max = 1;
	struct twr_rec rec;
	const char *bad;
	void *p;
	int ret;

	if (!buf) {
		snprintf(s->msg, sizeof(s->msg), "out of memory");
		return -1;
	}
	while (seq < n || (echo && echoed < n)) {
		int progress = 0, blocked = 0;
		uint32_t len = seq < n ? rec_len(seq) : 0;

		/* Produce a batch of random size, then publish it. */
		while (seq < n && batch < batch_max) {
			ret = twr_ring_reserve(&s->tx, len, &p);
			if (ret == -EAGAIN) {
				blocked = 1;
				break;
			}
			if (ret) {
				side_fail(s, seq, twr_ring_reason(&s->tx));
				goto fail;
			}
			rec_fill(p, seq, len);
			twr_ring_commit(&s->tx, len, STRESS_TYPE, rec_flags(seq));
			wd_sent = ++seq;
			batch++;
			progress = 1;
			maybe_stall(s);
			if (seq < n)
				len = rec_len(seq);
		}
		if (batch >= batch_max || blocked || seq == n) {
			notify_if(s, twr_ring_publish(&s->tx));
			batch = 0;
			batch_max = 1 + (rng_next(&s->rng) & 31);
		}

		/* Check the echoes that came back. */
		while (echo && (ret = twr_ring_peek(&s->rx, &rec)) == 0) {
			bad = echoed < n ? rec_check(&rec, echoed, buf) : "echo beyond the last record";
			if (bad) {
				twr_ring_mark_broken(&s->rx, bad);
				side_fail(s, echoed, bad);
				goto fail;
			}
			twr_ring_release(&s->rx);
			wd_echoed = ++echoed;
			progress = 1;
		}
		if (echo && ret != -EAGAIN) {
			side_fail(s, echoed, twr_ring_reason(&s->rx));
			goto fail;
		}
		if (echo)
			notify_if(s, twr_ring_release_publish(&s->rx));
		if (progress)
			continue;

		/* Nothing to do: arm every event we wait for, re-check, sleep. */
		if (seq < n && twr_ring_space_wait_prepare(&s->tx, len))
			continue;
		if (echo && twr_ring_final_check(&s->rx))
			continue;
		if (twr_ring_broken(&s->tx) || twr_ring_broken(&s->rx)) {
			side_fail(s, seq, "ring broken while arming events");
			goto fail;
		}
		if (side_sleep(s))
			goto fail;
	}
	free(buf);
	*echoed_out = echoed;
	return 0;
fail:
	if (!s->msg[0])
		snprintf(s->msg, sizeof(s->msg),
			 "front stopped at record %" PRIu64 ": the back reported a failure",
			 seq);
	free(buf);
	return -1;
}

/* Back: consume and verify @n records from ring A; with @echo copy each to
 * ring B. Returns 0 or -1 with s->msg set. */
static int back_run(struct stress_side *s, uint64_t n, int echo,
		    struct stress_result *res)
{
	uint8_t *buf = malloc(STRESS_MAX_PAYLOAD);
	unsigned int batch = 0, batch_max = 1;
	uint64_t seq = 0;
	struct twr_rec rec;
	const char *bad;
	void *p;
	int ret;

	if (!buf) {
		snprintf(s->msg, sizeof(s->msg), "out of memory");
		return -1;
	}
	while (seq < n) {
		ret = twr_ring_peek(&s->rx, &rec);
		if (ret == -EAGAIN) {
			notify_if(s, echo && twr_ring_publish(&s->tx));
			notify_if(s, twr_ring_release_publish(&s->rx));
			batch = 0;
			if (twr_ring_final_check(&s->rx))
				continue;
			if (twr_ring_broken(&s->rx))
				goto ring_err;
			if (side_sleep(s))
				goto fail;
			continue;
		}
		if (ret)
			goto ring_err;
		bad = rec_check(&rec, seq, buf);
		if (bad) {
			twr_ring_mark_broken(&s->rx, bad);
			side_fail(s, seq, bad);
			goto fail;
		}
		if (echo) {
			ret = twr_ring_reserve(&s->tx, rec.len, &p);
			if (ret == -EAGAIN) {
				/* Ring B full: give back what we have, then
				 * wait for the front to drain B. The record
				 * stays peeked and is checked again. */
				notify_if(s, twr_ring_publish(&s->tx));
				notify_if(s, twr_ring_release_publish(&s->rx));
				if (!twr_ring_space_wait_prepare(&s->tx, rec.len) &&
				    side_sleep(s))
					goto fail;
				continue;
			}
			if (ret) {
				side_fail(s, seq, twr_ring_reason(&s->tx));
				goto fail;
			}
			memcpy(p, buf, rec.len);
			twr_ring_commit(&s->tx, rec.len, rec.type, rec.flags);
		}
		res->bytes += rec.len;
		twr_ring_release(&s->rx);
		seq++;
		maybe_stall(s);
		if (++batch >= batch_max) {
			notify_if(s, echo && twr_ring_publish(&s->tx));
			notify_if(s, twr_ring_release_publish(&s->rx));
			batch = 0;
			batch_max = 1 + (rng_next(&s->rng) & 31);
		}
	}
	notify_if(s, echo && twr_ring_publish(&s->tx));
	notify_if(s, twr_ring_release_publish(&s->rx));
	res->received = seq;
	free(buf);
	return 0;
ring_err:
	side_fail(s, seq, twr_ring_reason(&s->rx));
fail:
	res->received = seq;
	free(buf);
	return -1;
}

static void watchdog(int sig)
{
	char msg[200];
	int len;

	(void)sig;
	len = snprintf(msg, sizeof(msg),
		       "\nstress: lost wake-up or deadlock: no completion within the watchdog "
		       "(front sent %" PRIu64 ", echoed %" PRIu64 ")\n",
		       (uint64_t)wd_sent, (uint64_t)wd_echoed);
	if (write(STDERR_FILENO, msg, (size_t)len) < 0)
		_exit(3);
	if (wd_child > 0)
		kill(wd_child, SIGKILL);
	_exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void stress_run(uint64_t n, int echo)
{
	struct stress_side front = { .self = TWR_SHM_FRONT, .peer = TWR_SHM_BACK };
	struct stress_side back = { .self = TWR_SHM_BACK, .peer = TWR_SHM_FRONT };
	struct stress_result *res;
	struct twr_shm shm;
	uint64_t echoed = 0;
	int ret, status, front_ret;
	double t0;
	pid_t pid;

	ret = twr_shm_create(&shm, STRESS_A_ORDER, STRESS_B_ORDER, STRESS_START);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CU_ASSERT_FATAL(res != MAP_FAILED);
	memset(res, 0, sizeof(*res));
	front.shm = back.shm = &shm;
	front.rng = stress_seed ^ 1;
	back.rng = stress_seed ^ 2;

	t0 = now_s();
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ret = twr_shm_attach(&shm, TWR_SHM_BACK, &back.tx, &back.rx,
				     STRESS_MAX_PAYLOAD);
		if (ret)
			snprintf(back.msg, sizeof(back.msg), "back attach: %s",
				 strerror(-ret));
		else
			ret = back_run(&back, n, echo, res);
		res->stats = shm.stats;
		res->failed = ret != 0;
		memcpy(res->msg, back.msg, sizeof(res->msg));
		_exit(ret ? 1 : 0);
	}
	wd_child = pid;
	wd_sent = wd_echoed = 0;
	signal(SIGALRM, watchdog);
	alarm(stress_timeout);

	ret = twr_shm_attach(&shm, TWR_SHM_FRONT, &front.tx, &front.rx,
			     STRESS_MAX_PAYLOAD);
	CU_ASSERT_EQUAL(ret, 0);
	front_ret = ret ? -1 : front_run(&front, n, echo, &echoed);
	if (front_ret)
		kill(pid, SIGKILL);
	ret = waitpid(pid, &status, 0);
	alarm(0);
	wd_child = 0;

	if (front_ret)
		fprintf(stderr, "\nstress: %s\n", front.msg);
	if (res->failed)
		fprintf(stderr, "\nstress: %s\n", res->msg);
	CU_ASSERT_EQUAL(front_ret, 0);
	CU_ASSERT_EQUAL(ret, pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_EQUAL(res->failed, 0);
	/* Zero loss: every record arrived (and, with echo, came back). */
	CU_ASSERT_EQUAL(res->received, n);
	if (echo)
		CU_ASSERT_EQUAL(echoed, n);
	CU_ASSERT_FALSE(twr_ring_broken(&front.tx));
	CU_ASSERT_FALSE(twr_ring_broken(&front.rx));

	printf("\n  stress %s: %" PRIu64 " records, %.2f GB payload%s, seed 0x%" PRIx64
	       ", %.2f s; notifications front sent %" PRIu64 " woke %" PRIu64
	       ", back sent %" PRIu64 " woke %" PRIu64 "\n",
	       echo ? "echo" : "one-way", res->received, (double)res->bytes / 1e9,
	       echo ? " each way" : "", stress_seed, now_s() - t0,
	       shm.stats.notify_sent, shm.stats.wakeups,
	       res->stats.notify_sent, res->stats.wakeups);
	munmap(res, sizeof(*res));
	twr_shm_destroy(&shm);
}

/* Front to back only: the full record count. */
static void test_stress_one_way(void)
{
	stress_run(stress_records, 0);
}

/* Front to back and back again: both rings, and each side is producer and
 * consumer at once, sleeping on one eventfd for either. */
static void test_stress_echo(void)
{
	stress_run(stress_records / 4 ? stress_records / 4 : 1, 1);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	char *end;
	uint64_t x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || !x) {
		fprintf(stderr, "%s=%s: not a positive number, using %" PRIu64 "\n",
			name, v, def);
		return def;
	}
	return x;
}

int main(void)
{
	CU_pSuite suite;
	unsigned int failed;

	stress_records = env_u64("TWR_STRESS_RECORDS", stress_records);
	stress_seed = env_u64("TWR_STRESS_SEED", stress_seed);
	stress_timeout = (unsigned int)env_u64("TWR_STRESS_TIMEOUT", stress_timeout);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	suite = CU_add_suite("ring stress (two processes)", NULL, NULL);
	if (!suite ||
	    !CU_add_test(suite, "test_stress_one_way", test_stress_one_way) ||
	    !CU_add_test(suite, "test_stress_echo", test_stress_echo)) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
