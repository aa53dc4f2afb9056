/* SPDX-License-Identifier: MIT */
/*
 * The one JSON writer of the user-space tools (twinctl --json, the exit-cost
 * tools, ringbench --json). It streams: the caller opens and closes objects
 * and arrays, the writer places the commas, escapes keys and strings, and
 * lays the document out in one of two styles chosen at init:
 *
 *   TWR_JSON_COMPACT  {"a":1,"b":[true]}  one line; what twinctl prints
 *   TWR_JSON_INDENT   one value per line, two spaces a level, ": " after a
 *                     key; what the exit-cost tools and ringbench write
 *
 * Pass key = NULL for a value inside an array and for the top-level value.
 * Nesting deeper than TWR_JSON_DEPTH stays well-formed but loses its commas'
 * bookkeeping; no caller comes near it.
 */
#ifndef TWINRING_UTIL_JSON_H
#define TWINRING_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TWR_JSON_DEPTH	16

enum twr_json_style {
	TWR_JSON_COMPACT,
	TWR_JSON_INDENT,
};

struct twr_json {
	FILE *f;
	enum twr_json_style style;
	unsigned int depth;
	bool comma[TWR_JSON_DEPTH];	/* a value was written at this depth */
};

/* Start a document on @f in @style. Writes nothing yet. */
void twr_json_init(struct twr_json *j, FILE *f, enum twr_json_style style);
/* End the document: a newline, and @f flushed. */
void twr_json_finish(struct twr_json *j);

void twr_json_obj_begin(struct twr_json *j, const char *key);
void twr_json_obj_end(struct twr_json *j);
void twr_json_arr_begin(struct twr_json *j, const char *key);
void twr_json_arr_end(struct twr_json *j);

/* A string; @val NULL writes null. */
void twr_json_str(struct twr_json *j, const char *key, const char *val);
void twr_json_u64(struct twr_json *j, const char *key, uint64_t val);
void twr_json_i64(struct twr_json *j, const char *key, int64_t val);
/* A double with 10 significant digits; NaN and infinities are written as
 * null (JSON cannot spell them and "not measured" must not parse as 0). */
void twr_json_double(struct twr_json *j, const char *key, double val);
/* The same with exactly @decimals digits after the point ("%.*f"), for
 * numbers whose precision is part of what a tool reports. */
void twr_json_fixed(struct twr_json *j, const char *key, double val, int decimals);
void twr_json_bool(struct twr_json *j, const char *key, bool val);
void twr_json_null(struct twr_json *j, const char *key);

/* Write @s to @f as a JSON string literal, quotes included. Control bytes
 * and bytes from 0x7f up are \u00XX escapes: a string may come from a
 * domU's config and need not be UTF-8, and the document must still parse. */
void twr_json_quote(FILE *f, const char *s);

#endif /* TWINRING_UTIL_JSON_H */
