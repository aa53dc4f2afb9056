// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for twinringd's view of a domU config: the whole file
 * through libxlutil (xl's parser, not instrumented here), then each
 * twinring entry through the spec parser, as twinringd does.
 *
 *   tests/fuzz.sh fuzz_xlcfg   (by hand: -dict=tests/fuzz/toolstack/spec.dict)
 */
#include <stdlib.h>
#include <string.h>

#include "twr_spec.h"
#include "twr_xlcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libxlutil 4.17 leaks a few bytes per syntax error in its parser's error
 * recovery (xlu__cfg_string_mk): not ours to fix, and it would end every
 * run, so leaks allocated inside libxlutil are suppressed; ours still count. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libxlutil.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twr_spec_error serr;
	struct twr_xlcfg cfg;
	struct twr_spec spec;
	char err[512];
	unsigned int i;

	if (size > 65536)
		return 0;
	if (twr_xlcfg_read_data("fuzz.cfg", (const char *)data, size, &cfg, err,
				sizeof(err))) {
		if (!err[0])
			abort();	/* a failure must say why */
		return 0;
	}
	if (cfg.n > TWR_XLCFG_MAX_ITEMS)
		abort();
	for (i = 0; i < cfg.n; i++)
		if (cfg.items[i])
			twr_spec_parse(cfg.items[i], &spec, &serr);
	twr_xlcfg_free(&cfg);
	return 0;
}
