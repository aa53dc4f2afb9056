/* SPDX-License-Identifier: MIT */
/*
 * A minimal JSON writer for twinctl's --json output: objects and arrays are
 * opened and closed by the caller, these helpers place the commas.
 */
#ifndef TWINRING_TOOLSTACK_JSON_H
#define TWINRING_TOOLSTACK_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct twr_json {
	FILE *f;
	unsigned int depth;
	bool need_comma[16];
};

void twr_json_init(struct twr_json *j, FILE *f);
/* Open an object or array; @key is NULL inside arrays and at top level. */
void twr_json_open(struct twr_json *j, const char *key, char bracket);
void twr_json_close(struct twr_json *j, char bracket);
void twr_json_str(struct twr_json *j, const char *key, const char *val);
void twr_json_uint(struct twr_json *j, const char *key, uint64_t val);
void twr_json_int(struct twr_json *j, const char *key, int64_t val);
void twr_json_bool(struct twr_json *j, const char *key, bool val);
void twr_json_null(struct twr_json *j, const char *key);

/* Write @s as a JSON string literal, escaped. */
void twr_json_quote(FILE *f, const char *s);

#endif /* TWINRING_TOOLSTACK_JSON_H */
