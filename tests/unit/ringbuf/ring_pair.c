// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ring_pair.h"

struct twr_test_area g_area;
struct twr_ring g_prod, g_cons;

/* A fresh @size-byte ring at index @start with both sides attached. */
void pair_setup(uint32_t size, uint32_t max_payload, uint32_t start)
{
	twr_test_area_uninit(&g_area);
	CU_ASSERT_FATAL(twr_test_area_init(&g_area, size, start) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&g_prod, TWR_RING_PRODUCER, g_area.sh,
					g_area.data, size, max_payload) == 0);
	CU_ASSERT_FATAL(twr_ring_attach(&g_cons, TWR_RING_CONSUMER, g_area.sh,
					g_area.data, size, max_payload) == 0);
}

static uint8_t pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31u + i * 7u + 1u);
}

/* Producer: one record of @len bytes filled with pattern(@seq, i). */
int pair_produce(uint32_t len, uint16_t type, uint32_t seq)
{
	uint8_t *p;
	void *payload;
	uint32_t i;
	int ret;

	ret = twr_ring_reserve(&g_prod, len, &payload);
	if (ret)
		return ret;
	p = payload;
	if (!twr_test_in_data(&g_area, p, len))
		return -EFAULT;
	for (i = 0; i < len; i++)
		p[i] = pattern(seq, i);
	twr_ring_commit(&g_prod, len, type, (uint16_t)seq);
	return 0;
}

/* Consumer: peek one record, check it is (@len, @type, @seq), release it.
 * Returns the peek result; a mismatch is a -EBADMSG. */
/* Peek one record and check it is (@len, @type, @seq). */
static int pair_check_next(uint32_t len, uint16_t type, uint32_t seq)
{
	struct twr_rec rec;
	const uint8_t *p;
	uint32_t i;
	int ret;

	ret = twr_ring_peek(&g_cons, &rec);
	if (ret)
		return ret;
	if (rec.len != len || rec.type != type || rec.flags != (uint16_t)seq ||
	    !twr_test_in_data(&g_area, rec.data, rec.len))
		return -EBADMSG;
	p = rec.data;
	for (i = 0; i < len; i++)
		if (p[i] != pattern(seq, i))
			return -EBADMSG;
	return 0;
}

int pair_consume(uint32_t len, uint16_t type, uint32_t seq)
{
	int ret = pair_check_next(len, type, seq);

	if (!ret)
		twr_ring_release(&g_cons);
	return ret;
}

int pair_read(uint32_t len, uint16_t type, uint32_t seq, uint32_t *end)
{
	int ret = pair_check_next(len, type, seq);

	if (!ret)
		*end = twr_ring_advance(&g_cons);
	return ret;
}

const struct twr_rec_hdr *pair_hdr_at(uint32_t idx)
{
	return (const struct twr_rec_hdr *)(g_area.data + (idx & (g_area.size - 1)));
}

/* 64 records of 64 ring bytes fill a 4 KiB ring exactly. */
void pair_fill_64(void)
{
	uint32_t i;

	for (i = 0; i < SZ / 64; i++)
		CU_ASSERT_EQUAL(pair_produce(56, 1, i), 0);
}

int pair_cleanup(void)
{
	twr_test_area_uninit(&g_area);
	return 0;
}
