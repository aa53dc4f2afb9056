// SPDX-License-Identifier: MIT
/* The streaming JSON writer (see twr_json.h). */
#include <inttypes.h>
#include <math.h>

#include "twr_json.h"

void twr_json_init(struct twr_json *j, FILE *f, enum twr_json_style style)
{
	j->f = f;
	j->style = style;
	j->depth = 0;
	j->comma[0] = false;
}

void twr_json_finish(struct twr_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

void twr_json_quote(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
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
		case '\r':
			fputs("\\r", f);
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

static void twr_json_indent(struct twr_json *j)
{
	unsigned int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator (and, indented, newline and indent) before a value, then its
 * key if any. */
static void twr_json_lead(struct twr_json *j, const char *key)
{
	bool indent = j->style == TWR_JSON_INDENT;

	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (indent && j->depth > 0)
		twr_json_indent(j);
	if (key) {
		twr_json_quote(j->f, key);
		fputs(indent ? ": " : ":", j->f);
	}
}

static void twr_json_open(struct twr_json *j, const char *key, char c)
{
	twr_json_lead(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < TWR_JSON_DEPTH)
		j->depth++;
	j->comma[j->depth] = false;
}

static void twr_json_close(struct twr_json *j, char c)
{
	bool had = j->comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	/* An empty object stays {} on one line. */
	if (had && j->style == TWR_JSON_INDENT)
		twr_json_indent(j);
	fputc(c, j->f);
}

void twr_json_obj_begin(struct twr_json *j, const char *key)
{
	twr_json_open(j, key, '{');
}

void twr_json_obj_end(struct twr_json *j)
{
	twr_json_close(j, '}');
}

void twr_json_arr_begin(struct twr_json *j, const char *key)
{
	twr_json_open(j, key, '[');
}

void twr_json_arr_end(struct twr_json *j)
{
	twr_json_close(j, ']');
}

void twr_json_str(struct twr_json *j, const char *key, const char *val)
{
	twr_json_lead(j, key);
	if (val)
		twr_json_quote(j->f, val);
	else
		fputs("null", j->f);
}

void twr_json_u64(struct twr_json *j, const char *key, uint64_t val)
{
	twr_json_lead(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void twr_json_i64(struct twr_json *j, const char *key, int64_t val)
{
	twr_json_lead(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void twr_json_double(struct twr_json *j, const char *key, double val)
{
	twr_json_lead(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.10g", val);
	else
		fputs("null", j->f);
}

void twr_json_fixed(struct twr_json *j, const char *key, double val, int decimals)
{
	twr_json_lead(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.*f", decimals, val);
	else
		fputs("null", j->f);
}

void twr_json_bool(struct twr_json *j, const char *key, bool val)
{
	twr_json_lead(j, key);
	fputs(val ? "true" : "false", j->f);
}

void twr_json_null(struct twr_json *j, const char *key)
{
	twr_json_lead(j, key);
	fputs("null", j->f);
}
