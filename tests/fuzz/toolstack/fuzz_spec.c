// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the device spec parser: a domU config line is
 * untrusted input. Every accepted spec must also lay out cleanly in
 * xenstore, and every rejected one must say why.
 *
 *   tests/fuzz.sh fuzz_spec   (builds it with clang, runs it on a corpus copy)
 *   By hand: -dict=tests/fuzz/toolstack/spec.dict, corpus tests/fuzz/corpus/fuzz_spec
 */
#include <stdlib.h>
#include <string.h>

#include "twr_spec.h"
#include "twr_xsplan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twr_xs_plan plan;
	struct twr_spec_error err;
	struct twr_dev_desc d;
	char *s;
	int ret;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&d, 0, sizeof(d));
	ret = twr_spec_parse(s, &d.spec, &err);
	if (ret) {
		/* A rejection carries a code and a message. */
		if (err.code == TWR_SPEC_OK || !err.msg[0] ||
		    strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
			abort();
	} else {
		if (d.spec.queues < 1 || d.spec.queues > TWR_SPEC_QUEUES_MAX)
			abort();
		if (d.spec.kind == TWR_DEV_BLK && !twr_vdev_valid(d.spec.blk.vdev))
			abort();
		d.domid = 1;
		d.backend = 0;
		d.devid = 7;
		if (twr_xs_plan_build(&d, &plan))
			abort();
	}
	free(s);
	return 0;
}
