// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the parsers of numbers a peer writes in xenstore
 * (toolstack/twr_xsplan.c): twr_xs_u32_parse(), which twinringd applies to
 * the refs and ring orders a frontend publishes, and twr_id_parse(), which
 * the toolstack applies to domain and device ids and states it lists or
 * reads. The input:
 *
 *   +0 u32  max     the bound twr_xs_u32_parse() is given
 *   +4      value   the node's bytes, any, NULs included (xs_read() hands
 *                   them over with their length and a NUL after them)
 *
 * The value is an exact-size heap copy plus the NUL (ASan catches a read
 * past it). Both verdicts must equal a model of the documented syntax:
 * twr_xs_u32_parse() 1 to 10 decimal digits and nothing else, at most max;
 * twr_id_parse() the C string of 1 to 10 digits, no leading zero, at most
 * 2^31 - 1; and an accepted value must be the number written.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_area.h"
#include "twr_xsplan.h"

/* The number in @v[0, @len) if it is 1-10 decimal digits, else -1. */
static int64_t model_digits(const char *v, size_t len)
{
	int64_t x = 0;
	size_t i;

	if (len < 1 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twr_fuzz_in in = { data, size };
	uint32_t max, out = 0xdeadbeef, id = 0xdeadbeef;
	size_t len;
	int64_t want;
	char *v;
	int ret;

	max = twr_fuzz_u32(&in);
	len = in.left;
	v = malloc(len + 1);
	if (!v)
		return 0;
	memcpy(v, in.p, len);
	v[len] = '\0';

	ret = twr_xs_u32_parse(v, (unsigned int)len, max, &out);
	want = model_digits(v, len);
	if (want > max)
		want = -1;
	FUZZ_CHECK((ret == 0) == (want >= 0));
	if (!ret)
		FUZZ_CHECK(out == (uint32_t)want);
	else
		FUZZ_CHECK(out == 0xdeadbeef);

	ret = twr_id_parse(v, &id);
	len = strlen(v);
	want = model_digits(v, len);
	if (want > 0x7fffffff || (len > 1 && v[0] == '0'))
		want = -1;
	FUZZ_CHECK((ret == 0) == (want >= 0));
	if (!ret)
		FUZZ_CHECK(id == (uint32_t)want);
	free(v);
	return 0;
}
