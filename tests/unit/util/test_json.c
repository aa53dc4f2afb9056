// SPDX-License-Identifier: MIT
/*
 * CUnit tests of util/twr_json.c in both of its styles: the compact line
 * twinctl --json prints and the indented document of the exit-cost tools and
 * ringbench. The expected strings are the tools' formats byte for byte:
 * tests and the lab parse them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "twr_json.h"
#include "../twr_cunit.h"

/* Runs @fn on a memory stream and returns what it wrote (caller frees). */
static char *json_capture(void (*fn)(struct twr_json *), enum twr_json_style style)
{
	char *buf = NULL;
	size_t len = 0;
	struct twr_json j;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	twr_json_init(&j, f, style);
	fn(&j);
	fclose(f);
	return buf;
}

/* twinctl's shape: a device list whose strings came from a domU's config. */
static void json_devices(struct twr_json *j)
{
	twr_json_obj_begin(j, NULL);
	twr_json_u64(j, "domid", 5);
	twr_json_str(j, "name", "a\"b\\c\n\x01");
	twr_json_arr_begin(j, "devices");
	twr_json_obj_begin(j, NULL);
	twr_json_bool(j, "online", true);
	twr_json_null(j, "path");
	twr_json_obj_end(j);
	twr_json_obj_begin(j, NULL);
	twr_json_i64(j, "state", -1);
	twr_json_obj_end(j);
	twr_json_arr_end(j);
	twr_json_obj_end(j);
	twr_json_finish(j);
}

static void test_compact_is_one_well_formed_line(void)
{
	char *out = json_capture(json_devices, TWR_JSON_COMPACT);

	CU_ASSERT_STRING_EQUAL(out, "{\"domid\":5,\"name\":\"a\\\"b\\\\c\\n\\u0001\","
			       "\"devices\":[{\"online\":true,\"path\":null},{\"state\":-1}]}\n");
	free(out);
}

/* The exit-cost tools' shape: every value type, NaN, an empty object. */
static void json_sample(struct twr_json *j)
{
	twr_json_obj_begin(j, NULL);
	twr_json_str(j, "s", "a\"b\\c\nd\x01");
	twr_json_u64(j, "u", 18446744073709551615ull);
	twr_json_i64(j, "i", -38);
	twr_json_double(j, "nan", NAN);
	twr_json_double(j, "d", 1.5);
	twr_json_arr_begin(j, "a");
	twr_json_bool(j, NULL, true);
	twr_json_str(j, NULL, NULL);
	twr_json_arr_end(j);
	twr_json_obj_begin(j, "empty");
	twr_json_obj_end(j);
	twr_json_obj_end(j);
	twr_json_finish(j);
}

static void test_indent_escapes_and_nests(void)
{
	char *out = json_capture(json_sample, TWR_JSON_INDENT);

	CU_ASSERT_STRING_EQUAL(out,
		"{\n"
		"  \"s\": \"a\\\"b\\\\c\\nd\\u0001\",\n"
		"  \"u\": 18446744073709551615,\n"
		"  \"i\": -38,\n"
		"  \"nan\": null,\n"
		"  \"d\": 1.5,\n"
		"  \"a\": [\n"
		"    true,\n"
		"    null\n"
		"  ],\n"
		"  \"empty\": {}\n"
		"}\n");
	free(out);
}

/* ringbench's numbers keep the precision it reports; infinities are null. */
static void json_fixed(struct twr_json *j)
{
	twr_json_arr_begin(j, NULL);
	twr_json_fixed(j, NULL, 12.345678, 4);
	twr_json_fixed(j, NULL, 1999.6, 0);
	twr_json_fixed(j, NULL, INFINITY, 2);
	twr_json_arr_end(j);
	twr_json_finish(j);
}

static void test_fixed_keeps_the_decimals_asked(void)
{
	char *out = json_capture(json_fixed, TWR_JSON_COMPACT);

	CU_ASSERT_STRING_EQUAL(out, "[12.3457,2000,null]\n");
	free(out);
}

/* A byte that is not printable ASCII cannot break the document: control
 * bytes, DEL and bytes of a non-UTF-8 name all come out as \u00XX. */
static void json_bytes(struct twr_json *j)
{
	twr_json_str(j, NULL, "\r\t\x1f\x7f\xff");
	twr_json_finish(j);
}

static void test_quote_escapes_non_ascii_bytes(void)
{
	char *out = json_capture(json_bytes, TWR_JSON_COMPACT);

	CU_ASSERT_STRING_EQUAL(out, "\"\\r\\t\\u001f\\u007f\\u00ff\"\n");
	free(out);
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
#define T(f) { #f, f }
		T(test_compact_is_one_well_formed_line),
		T(test_indent_escapes_and_nests),
		T(test_fixed_keeps_the_decimals_asked),
		T(test_quote_escapes_non_ascii_bytes),
#undef T
	};

	return twr_cunit_run("util_json", NULL, NULL, tests, sizeof(tests) / sizeof(tests[0]));
}
