// SPDX-License-Identifier: MIT
/*
 * The ring facing a hostile peer. The peer's side is played by writing the
 * shared indices and the data area directly; whatever it writes, this side
 * must answer with -EPROTO and a latched, sticky broken state, and must
 * never read or write outside the data area: the area sits between
 * PROT_NONE guard pages (ring_harness.h), and tests/sanitize.sh runs this
 * under ASan and UBSan as well.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_harness.h"

#define SZ	4096u
#define MAXP	1024u
#define REC(len)	((uint32_t)TWR_REC_SPACE(len))

static struct twr_test_area g_area;
static struct twr_ring g_ring;

/* A fresh ring at index @start with this side attached in @role. */
static void setup(enum twr_ring_role role, uint32_t start)
{
	twr_test_area_uninit(&g_area);
	CU_ASSERT_FATAL(twr_test_area_init(&g_area, SZ, start) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&g_ring, role, g_area.sh, g_area.data,
					SZ, MAXP) == 0);
}

/* The peer writes a record header at ring index @idx. */
static void peer_hdr(uint32_t idx, uint32_t len, uint16_t type)
{
	struct twr_rec_hdr h = { .len = len, .type = type };

	memcpy(g_area.data + (idx & (SZ - 1)), &h, sizeof(h));
}

/* The consumer must now be broken, say why, and stay broken. */
static void assert_consumer_broken(int ret)
{
	struct twr_rec rec;

	CU_ASSERT_EQUAL(ret, -EPROTO);
	CU_ASSERT_TRUE(twr_ring_broken(&g_ring));
	CU_ASSERT_STRING_NOT_EQUAL(twr_ring_reason(&g_ring), "ok");
	CU_ASSERT_EQUAL(twr_ring_peek(&g_ring, &rec), -EPROTO);
	CU_ASSERT_TRUE(twr_ring_final_check(&g_ring));
}

/* ---- consumer facing a hostile producer ------------------------------- */

static void test_hostile_prod_goes_backwards(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0x1000);
	peer_hdr(0x1000, 56, 1);
	g_area.sh->prod = 0x1000 + 64;
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_ring, &rec), 0);
	twr_ring_release(&g_ring);
	g_area.sh->prod = 0x1000;	/* takes the record back */
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, 0x1000);
	g_area.sh->prod = 0x1000 - 64;	/* behind cons from the start */
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_prod_beyond_ring_size(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0xfffff000u);
	g_area.sh->prod = 0xfffff000u + SZ + 8;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, 0);
	g_area.sh->prod = 0x80000000u;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_prod_misaligned(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, 0, 1);
	g_area.sh->prod = 12;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_len_beyond_max_payload(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, MAXP + 1, 1);
	g_area.sh->prod = REC(MAXP + 1);	/* the bytes are even there */
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, 0xffffffffu, 1);		/* TWR_REC_SPACE overflow bait */
	g_area.sh->prod = SZ;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_record_straddles_wrap(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, SZ - 64);
	peer_hdr(SZ - 64, 100, 1);	/* 112 bytes from 64 before the end */
	g_area.sh->prod = SZ - 64 + 128;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_record_beyond_prod(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, 100, 1);
	g_area.sh->prod = 64;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_pad_with_wrong_len(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, SZ - 64);
	peer_hdr(SZ - 64, 40, TWR_REC_PAD);	/* must be exactly 56 */
	peer_hdr(0, 0, 1);
	g_area.sh->prod = SZ + 8;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, SZ - 64);
	peer_hdr(SZ - 64, 0xfffffff8u, TWR_REC_PAD);
	g_area.sh->prod = SZ + 8;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, 64);	/* padding in mid-ring */
	peer_hdr(64, 8, TWR_REC_PAD);
	g_area.sh->prod = 64 + 16;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

static void test_hostile_pad_beyond_prod(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, SZ - 64);
	peer_hdr(SZ - 64, 56, TWR_REC_PAD);
	peer_hdr(0, 0, 1);			/* bait behind the padding */
	g_area.sh->prod = SZ - 32;		/* half of the padding */
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));
}

/* Padding laps: a whole ring of padding, again each time the consumer frees
 * it, would keep the consumer looping without a record. Padding where the
 * largest record would fit is a violation; honest padding (shorter than the
 * largest record) still passes. */
static void test_hostile_pad_laps(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, SZ - 8, TWR_REC_PAD);	/* a whole lap */
	g_area.sh->prod = SZ;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, SZ - REC(MAXP));	/* the largest record fits */
	peer_hdr(SZ - REC(MAXP), REC(MAXP) - 8, TWR_REC_PAD);
	peer_hdr(0, 0, 1);
	g_area.sh->prod = SZ + 8;
	assert_consumer_broken(twr_ring_peek(&g_ring, &rec));

	setup(TWR_RING_CONSUMER, SZ - REC(MAXP) + 8);	/* it does not: honest */
	peer_hdr(SZ - REC(MAXP) + 8, REC(MAXP) - 16, TWR_REC_PAD);
	peer_hdr(0, 0, 1);
	g_area.sh->prod = SZ + 8;
	CU_ASSERT_EQUAL(twr_ring_peek(&g_ring, &rec), 0);
	CU_ASSERT_EQUAL(rec.type, 1);
}

static void test_hostile_broken_is_sticky(void)
{
	struct twr_rec rec;
	const char *reason;

	setup(TWR_RING_CONSUMER, 0);
	g_area.sh->prod = 4;
	CU_ASSERT_EQUAL(twr_ring_peek(&g_ring, &rec), -EPROTO);
	reason = twr_ring_reason(&g_ring);
	/* The peer "repairs" everything: too late. */
	peer_hdr(0, 0, 1);
	g_area.sh->prod = 8;
	CU_ASSERT_EQUAL(twr_ring_peek(&g_ring, &rec), -EPROTO);
	CU_ASSERT_PTR_EQUAL(twr_ring_reason(&g_ring), reason);
	twr_ring_release(&g_ring);
	CU_ASSERT_FALSE(twr_ring_release_publish(&g_ring));
	CU_ASSERT_EQUAL(g_area.sh->cons, 0);
	CU_ASSERT_TRUE(twr_ring_final_check(&g_ring));
	CU_ASSERT_EQUAL(g_area.sh->prod_event, 1);	/* not re-armed */
}

/* The peer rewrites a header after the consumer validated it: the consumer
 * keeps using its own copy, for the record and for the release. */
static void test_hostile_header_rewritten_after_peek(void)
{
	struct twr_rec rec;

	setup(TWR_RING_CONSUMER, 0);
	peer_hdr(0, 16, 1);
	peer_hdr(REC(16), 8, 2);
	g_area.sh->prod = REC(16) + REC(8);
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_ring, &rec), 0);
	peer_hdr(0, SZ - 8, 1);
	CU_ASSERT_EQUAL(rec.len, 16);
	twr_ring_release(&g_ring);
	CU_ASSERT_EQUAL_FATAL(twr_ring_peek(&g_ring, &rec), 0);
	CU_ASSERT_EQUAL(rec.type, 2);
	CU_ASSERT_EQUAL(rec.len, 8);
	twr_ring_release(&g_ring);
	twr_ring_release_publish(&g_ring);
	CU_ASSERT_EQUAL(g_area.sh->cons, REC(16) + REC(8));
}

static void test_hostile_attach_rejects_garbage_indices(void)
{
	uint64_t seed = 1;
	struct twr_ring r;
	uint32_t i, prod, cons, ok = 0, bad = 0;
	int ret;

	setup(TWR_RING_CONSUMER, 0);
	for (i = 0; i < 100000; i++) {
		prod = (uint32_t)twr_test_rand(&seed);
		cons = (uint32_t)twr_test_rand(&seed);
		if (i & 1) {	/* often plausible */
			cons &= ~7u;
			prod = cons + (prod % (2 * SZ));
			if (i & 4)
				prod &= ~7u;
		}
		g_area.sh->prod = prod;
		g_area.sh->cons = cons;
		ret = twr_ring_attach(&r, (enum twr_ring_role)(i & 2 ? 1 : 0),
				      g_area.sh, g_area.data, SZ, MAXP);
		if (!((prod | cons) & 7) && prod - cons <= SZ) {
			ok++;
			CU_ASSERT_EQUAL_FATAL(ret, 0);
		} else {
			bad++;
			CU_ASSERT_EQUAL_FATAL(ret, -EPROTO);
			CU_ASSERT_FATAL(twr_ring_broken(&r));
		}
	}
	CU_ASSERT_TRUE(ok > 1000 && bad > 1000);
}

/* The peer lays down a valid chain of records from @start over the whole
 * data area (padding at the wrap included); returns its record boundaries'
 * count, their indices in @ends. */
static uint32_t peer_valid_chain(uint64_t *seed, uint32_t start,
				 uint32_t *ends, uint32_t max_ends)
{
	uint32_t idx = start, n = 0, len, space, contig;
	uint64_t r;

	while (idx - start < SZ && n < max_ends) {
		r = twr_test_rand(seed);	/* one draw: a fixed sequence */
		len = (uint32_t)((r >> 1) % (r & 1 ? 64 : MAXP + 1));
		space = REC(len);
		contig = SZ - (idx & (SZ - 1));
		if (space > contig) {
			peer_hdr(idx, contig - 8, TWR_REC_PAD);
			idx += contig;
			continue;
		}
		if (idx + space - start > SZ)
			break;
		peer_hdr(idx, len, 1);
		idx += space;
		ends[n++] = idx;
	}
	return n;
}

/* Random bytes with headers now and then plausible. */
static void peer_garbage(uint64_t *seed)
{
	struct twr_rec_hdr h;
	uint32_t off;
	uint64_t r;

	for (off = 0; off < SZ; off += 8) {
		r = twr_test_rand(seed);
		memcpy(&h, &r, sizeof(h));
		if (r & (1ull << 63))
			h.len %= (r >> 40 & 1) ? SZ : 128;
		if (r & (1ull << 62))
			h.type = (r >> 41 & 3) ? 1 : TWR_REC_PAD;
		memcpy(g_area.data + off, &h, sizeof(h));
	}
}

/*
 * Random peers: either garbage in the data area or a valid chain of records
 * that the peer then corrupts here and there, and a sequence of prod values
 * (record boundaries, near misses and random words). Whatever comes, every
 * record returned lies inside the data area and within max_payload, and an
 * error is a sticky -EPROTO.
 */
static void test_hostile_random_producer_garbage(void)
{
	uint64_t seed = 0xbadc0ffee, r, sum = 0;
	uint32_t iter, step, start, n = 0, ends[SZ / 8], broken = 0, total = 0;
	uint32_t clean = 0, i, k;
	struct twr_rec rec;
	int ret;

	for (iter = 0; iter < 3000; iter++) {
		start = (uint32_t)twr_test_rand(&seed) & ~7u;
		if (iter % 3 == 0)	/* close to 2^32 */
			start = (uint32_t)(0x100000000ull - twr_test_rand(&seed) % (2 * SZ)) & ~7u;
		setup(TWR_RING_CONSUMER, start);
		k = 0;
		if (iter & 1)
			peer_garbage(&seed);
		else
			n = peer_valid_chain(&seed, start, ends, SZ / 8);
		for (step = 0; step < 16; step++) {
			r = twr_test_rand(&seed);
			/* iter % 4 == 0: an honest peer; 2: one that slips */
			if ((iter & 1) == 0 && n && ((iter & 3) == 0 || (r & 15))) {
				/* the next record boundaries, in order */
				k += (uint32_t)((r >> 8) % 3);
				g_area.sh->prod = ends[k < n ? k : n - 1];
				} else if (r & 1)
				g_area.sh->prod = start + (uint32_t)((r >> 8) % (SZ + 64)) * (r & 2 ? 8 : 1);
			else if (r & 2)
				g_area.sh->prod = g_area.sh->prod + (uint32_t)((r >> 8) % 512);
			else
				g_area.sh->prod = (uint32_t)(r >> 16);
			if ((iter & 3) && (r & 0x70) == 0x70)	/* the peer scribbles */
				g_area.data[(r >> 20) & (SZ - 1)] ^= (uint8_t)(r >> 40);
			while ((ret = twr_ring_peek(&g_ring, &rec)) == 0) {
				CU_ASSERT_FATAL(twr_test_in_data(&g_area, rec.data, rec.len));
				CU_ASSERT_FATAL(rec.len <= MAXP);
				CU_ASSERT_FATAL(rec.type != TWR_REC_PAD);
				for (i = 0; i < rec.len; i++)
					sum += ((const uint8_t *)rec.data)[i];
				twr_ring_release(&g_ring);
				/* never consumed beyond a validated prod */
				CU_ASSERT_FATAL(g_ring.cons_pvt - g_ring.cons_pub <=
						g_ring.prod_seen - g_ring.cons_pub);
				total++;
				if (r & 8)
					twr_ring_release_publish(&g_ring);
			}
			if (ret == -EAGAIN) {
				twr_ring_release_publish(&g_ring);
				twr_ring_final_check(&g_ring);
				continue;
			}
			CU_ASSERT_EQUAL_FATAL(ret, -EPROTO);
			CU_ASSERT_FATAL(twr_ring_broken(&g_ring));
			CU_ASSERT_STRING_NOT_EQUAL(twr_ring_reason(&g_ring), "ok");
			CU_ASSERT_EQUAL(twr_ring_peek(&g_ring, &rec), -EPROTO);
			broken++;
			break;
		}
		if (step == 16)
			clean++;
		/* What was given back never runs ahead of a validated prod. */
		CU_ASSERT_FATAL(g_ring.prod_seen - g_area.sh->cons <= SZ);
		CU_ASSERT_FATAL(g_ring.cons_pvt - g_area.sh->cons <=
				g_ring.prod_seen - g_area.sh->cons);
	}
	/* Both outcomes were reached, or the test tested little. */
	printf("(%u broken, %u clean, %u records, sum %llu) ", broken, clean,
	       total, (unsigned long long)sum);
	CU_ASSERT_TRUE(broken > 300);
	CU_ASSERT_TRUE(clean > 300);
	CU_ASSERT_TRUE(total > 3000);
}

/* ---- producer facing a hostile consumer ------------------------------- */

/* Fill the ring with 64-byte records and publish them: the next reserve
 * must look at the consumer's index. */
static void fill_and_publish(void)
{
	void *payload;
	uint32_t i;

	for (i = 0; i < SZ / 64; i++) {
		CU_ASSERT_EQUAL_FATAL(twr_ring_reserve(&g_ring, 56, &payload), 0);
		memset(payload, 0x77, 56);
		twr_ring_commit(&g_ring, 56, 1, 0);
	}
	twr_ring_publish(&g_ring);
}

static void assert_producer_broken(int ret)
{
	void *payload;

	CU_ASSERT_EQUAL(ret, -EPROTO);
	CU_ASSERT_TRUE(twr_ring_broken(&g_ring));
	CU_ASSERT_STRING_NOT_EQUAL(twr_ring_reason(&g_ring), "ok");
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 8, &payload), -EPROTO);
	CU_ASSERT_FALSE(twr_ring_publish(&g_ring));
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_ring, 8));
}

static void test_hostile_cons_beyond_published(void)
{
	void *payload;

	setup(TWR_RING_PRODUCER, 0x100);
	fill_and_publish();
	g_area.sh->cons = 0x100 + SZ + 64;
	assert_producer_broken(twr_ring_reserve(&g_ring, 56, &payload));
}

/* Committed but not yet published is not releasable either. */
static void test_hostile_cons_into_unpublished(void)
{
	void *payload;

	setup(TWR_RING_PRODUCER, 0);
	fill_and_publish();
	g_area.sh->cons = 64;
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 56, &payload), 0);
	twr_ring_commit(&g_ring, 56, 1, 0);	/* prod_pvt = SZ + 64 */
	g_area.sh->cons = 128;			/* > published SZ? no: valid */
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 56, &payload), 0);
	twr_ring_commit(&g_ring, 56, 1, 0);	/* prod_pvt = SZ + 128 */
	g_area.sh->cons = SZ + 64;		/* beyond published SZ */
	assert_producer_broken(twr_ring_reserve(&g_ring, 56, &payload));
}

static void test_hostile_cons_misaligned(void)
{
	void *payload;

	setup(TWR_RING_PRODUCER, 0);
	fill_and_publish();
	g_area.sh->cons = 68;
	assert_producer_broken(twr_ring_reserve(&g_ring, 56, &payload));
}

static void test_hostile_cons_goes_backwards(void)
{
	void *payload;

	setup(TWR_RING_PRODUCER, 0x1000);
	fill_and_publish();
	g_area.sh->cons = 0x1000 + 128;
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 56, &payload), 0);
	twr_ring_commit(&g_ring, 56, 1, 0);
	CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 56, &payload), 0);
	twr_ring_commit(&g_ring, 56, 1, 0);
	twr_ring_publish(&g_ring);
	g_area.sh->cons = 0x1000 + 64;	/* un-releases a record */
	assert_producer_broken(twr_ring_reserve(&g_ring, 56, &payload));
}

static void test_hostile_cons_checked_by_wait_prepare(void)
{
	setup(TWR_RING_PRODUCER, 0);
	fill_and_publish();
	g_area.sh->cons = 0xfff00000u;
	/* "Don't sleep": the caller looks and finds the error. */
	CU_ASSERT_TRUE(twr_ring_space_wait_prepare(&g_ring, 56));
	assert_producer_broken(-EPROTO);
}

/* Event indices are hints: garbage in them may cost a spurious or a missed
 * event (the final checks cover those), never correctness. */
static void test_hostile_event_indices_only_hint(void)
{
	struct twr_ring prod, cons;
	uint64_t seed = 99;
	uint32_t seq, next = 0;
	struct twr_rec rec;
	void *payload;
	int ret;

	twr_test_area_uninit(&g_area);
	CU_ASSERT_FATAL(twr_test_area_init(&g_area, SZ, 0xffff0000u) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&prod, TWR_RING_PRODUCER, g_area.sh, g_area.data, SZ, MAXP) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&cons, TWR_RING_CONSUMER, g_area.sh, g_area.data, SZ, MAXP) == 0);
	for (seq = 0; seq < 5000;) {
		g_area.sh->prod_event = (uint32_t)twr_test_rand(&seed);
		g_area.sh->cons_event = (uint32_t)twr_test_rand(&seed);
		while ((ret = twr_ring_reserve(&prod, seq % 300, &payload)) == 0) {
			memcpy(payload, &seq, seq % 300 < 4 ? seq % 300 : 4);
			twr_ring_commit(&prod, seq % 300, 1, (uint16_t)seq);
			seq++;
		}
		CU_ASSERT_EQUAL_FATAL(ret, -EAGAIN);
		twr_ring_publish(&prod);
		twr_ring_space_wait_prepare(&prod, seq % 300);
		twr_ring_final_check(&cons);
		while (twr_ring_peek(&cons, &rec) == 0) {
			CU_ASSERT_EQUAL_FATAL(rec.flags, (uint16_t)next);
			CU_ASSERT_EQUAL_FATAL(rec.len, next % 300);
			twr_ring_release(&cons);
			next++;
		}
		twr_ring_release_publish(&cons);
	}
	CU_ASSERT_FALSE(twr_ring_broken(&prod));
	CU_ASSERT_FALSE(twr_ring_broken(&cons));
	CU_ASSERT_EQUAL(next, seq);
}

/* A random consumer index each round (valid or not): the producer only
 * writes inside the data area (the guard pages catch the rest), never
 * counts more than a ring in flight, and breaks exactly on invalid values. */
static void test_hostile_random_consumer_garbage(void)
{
	uint64_t seed = 0xfeed, r;
	uint32_t iter, round, len, cons, broken = 0, ok = 0;
	void *payload;
	int ret;

	for (iter = 0; iter < 2000; iter++) {
		setup(TWR_RING_PRODUCER, (uint32_t)twr_test_rand(&seed) & ~7u);
		for (round = 0; round < 32; round++) {
			uint32_t lo = g_ring.cons_seen, hi = g_ring.prod_pub;
			bool valid;

			r = twr_test_rand(&seed);
			/* A quarter of the peers behave; the others now and then not. */
			if (iter % 4 == 0 || (r & 0x700))
				r |= 1;
			if (r & 1)	/* somewhere in [cons_seen, prod_pub], aligned */
				cons = lo + (uint32_t)(((r >> 8) % ((uint64_t)(hi - lo) + 1)) & ~7ull);
			else if (r & 2)
				cons = lo + (uint32_t)((r >> 8) % (2 * SZ));
			else
				cons = (uint32_t)(r >> 16);
			valid = !(cons & 7) && cons - lo <= hi - lo;
			g_area.sh->cons = cons;
			len = (uint32_t)((r >> 32) % (MAXP + 1));
			ret = twr_ring_reserve(&g_ring, len, &payload);
			if (ret == 0) {
				CU_ASSERT_FATAL(twr_test_in_data(&g_area, (uint8_t *)payload - 8,
								 TWR_REC_SPACE(len)));
				memset(payload, 0x5a, len);
				twr_ring_commit(&g_ring, len, 1, 0);
				CU_ASSERT_FATAL(g_ring.prod_pvt - g_ring.cons_seen <= SZ);
				if (r & (1ull << 60))
					twr_ring_publish(&g_ring);
				continue;
			}
			if (ret == -EAGAIN)
				continue;
			CU_ASSERT_EQUAL_FATAL(ret, -EPROTO);
			/* Only an invalid index may break it... */
			CU_ASSERT_FATAL(!valid);
			CU_ASSERT_TRUE(twr_ring_broken(&g_ring));
			CU_ASSERT_EQUAL(twr_ring_reserve(&g_ring, 0, &payload), -EPROTO);
			broken++;
			break;
		}
		if (!twr_ring_broken(&g_ring))
			ok++;
	}
	printf("(%u broken, %u ok) ", broken, ok);
	CU_ASSERT_TRUE(broken > 200);
	CU_ASSERT_TRUE(ok > 200);
}

/* ---------------------------------------------------------------------- */

static const struct twr_test_entry consumer_tests[] = {
	TWR_TEST(test_hostile_prod_goes_backwards),
	TWR_TEST(test_hostile_prod_beyond_ring_size),
	TWR_TEST(test_hostile_prod_misaligned),
	TWR_TEST(test_hostile_len_beyond_max_payload),
	TWR_TEST(test_hostile_record_straddles_wrap),
	TWR_TEST(test_hostile_record_beyond_prod),
	TWR_TEST(test_hostile_pad_with_wrong_len),
	TWR_TEST(test_hostile_pad_beyond_prod),
	TWR_TEST(test_hostile_pad_laps),
	TWR_TEST(test_hostile_broken_is_sticky),
	TWR_TEST(test_hostile_header_rewritten_after_peek),
	TWR_TEST(test_hostile_attach_rejects_garbage_indices),
	TWR_TEST(test_hostile_random_producer_garbage),
	{ NULL, NULL }
};

static const struct twr_test_entry producer_tests[] = {
	TWR_TEST(test_hostile_cons_beyond_published),
	TWR_TEST(test_hostile_cons_into_unpublished),
	TWR_TEST(test_hostile_cons_misaligned),
	TWR_TEST(test_hostile_cons_goes_backwards),
	TWR_TEST(test_hostile_cons_checked_by_wait_prepare),
	TWR_TEST(test_hostile_event_indices_only_hint),
	TWR_TEST(test_hostile_random_consumer_garbage),
	{ NULL, NULL }
};

static int suite_cleanup(void)
{
	twr_test_area_uninit(&g_area);
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	twr_test_add_suite("hostile_producer_peer", consumer_tests, suite_cleanup);
	twr_test_add_suite("hostile_consumer_peer", producer_tests, suite_cleanup);
	return twr_test_run();
}
