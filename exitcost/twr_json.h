/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer for the exit-cost tools: one value per line,
 * indented, keys and strings escaped, NaN and infinities written as null
 * (JSON has no spelling for them and "not measured" must not parse as 0).
 *
 * Pass key = NULL for values inside an array (and for the top-level value).
 */
#ifndef TWINRING_EXITCOST_JSON_H
#define TWINRING_EXITCOST_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TWR_JSON_DEPTH	16

struct twr_json {
	FILE *f;
	unsigned int depth;
	bool comma[TWR_JSON_DEPTH];	/* a value was written at this depth */
};

void twr_json_init(struct twr_json *j, FILE *f);
void twr_json_obj_begin(struct twr_json *j, const char *key);
void twr_json_obj_end(struct twr_json *j);
void twr_json_arr_begin(struct twr_json *j, const char *key);
void twr_json_arr_end(struct twr_json *j);
void twr_json_str(struct twr_json *j, const char *key, const char *val);
void twr_json_u64(struct twr_json *j, const char *key, uint64_t val);
void twr_json_i64(struct twr_json *j, const char *key, int64_t val);
void twr_json_double(struct twr_json *j, const char *key, double val);
void twr_json_bool(struct twr_json *j, const char *key, bool val);
void twr_json_null(struct twr_json *j, const char *key);
/* Ends the document with a newline. */
void twr_json_finish(struct twr_json *j);

/* Writes s as a JSON string literal (quotes included) to f. */
void twr_json_quote(FILE *f, const char *s);

#endif /* TWINRING_EXITCOST_JSON_H */
