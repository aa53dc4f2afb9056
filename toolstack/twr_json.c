// SPDX-License-Identifier: MIT
/* Minimal JSON writer (see twr_json.h). */
#include <inttypes.h>

#include "twr_json.h"

void twr_json_quote(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void twr_json_init(struct twr_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

static void json_key(struct twr_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		twr_json_quote(j->f, key);
		fputc(':', j->f);
	}
}

void twr_json_open(struct twr_json *j, const char *key, char bracket)
{
	json_key(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < sizeof(j->need_comma))
		j->depth++;
	j->need_comma[j->depth] = false;
}

void twr_json_close(struct twr_json *j, char bracket)
{
	fputc(bracket, j->f);
	if (j->depth)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void twr_json_str(struct twr_json *j, const char *key, const char *val)
{
	json_key(j, key);
	twr_json_quote(j->f, val);
}

void twr_json_uint(struct twr_json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void twr_json_int(struct twr_json *j, const char *key, int64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void twr_json_bool(struct twr_json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void twr_json_null(struct twr_json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}
