// SPDX-License-Identifier: MIT
/* CUnit tests of the exit-cost helpers' pure parts: perf-counter
 * snapshots and their names, the environment verdicts and
 * the tool's output. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "twr_cpu.h"
#include "twr_exitcost.h"
#include "twr_json.h"
#include "twr_perfc.h"

/* ---- output capture --------------------------------------------------- */

/* Runs fn on a memory stream and returns what it wrote (caller frees). */
static char *twr_capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

/* ---- perf counters ---------------------------------------------------- */

/* A two-CPU Xen: a single counter (one value per CPU) and a hypercalls
 * array of 56 entries. */
static int twr_snap_make(struct twr_perfc_snap *s, uint32_t gnt, uint32_t evt, uint32_t cpu0)
{
	struct twr_perfc_desc d[2];
	uint32_t v[58] = { 0 };

	memset(d, 0, sizeof(d));
	strcpy(d[0].name, "calls to multicall");
	d[0].nr_vals = 2;
	strcpy(d[1].name, "hypercalls");
	d[1].nr_vals = 56;
	v[0] = cpu0;
	v[1] = 7;
	v[2 + 20] = gnt;
	v[2 + 32] = evt;
	return twr_perfc_snap_load(s, d, 2, v, 58);
}

static void test_perfc_load_rejects_miscounted_values(void)
{
	struct twr_perfc_desc d = { .name = "x", .nr_vals = 3 };
	struct twr_perfc_snap s = { 0 };
	uint32_t v[3] = { 1, 2, 3 };

	CU_ASSERT_EQUAL(twr_perfc_snap_load(&s, &d, 1, v, 2), -EINVAL);
	CU_ASSERT_EQUAL(twr_perfc_snap_load(&s, &d, 1, v, 3), 0);
	CU_ASSERT_EQUAL(twr_perfc_total(twr_perfc_find(&s, "x")), 6);
	twr_perfc_snap_free(&s);
}

static void test_perfc_diff_wraps_32bit_counters(void)
{
	struct twr_perfc_snap a = { 0 }, b = { 0 }, d = { 0 };

	CU_ASSERT_FATAL(!twr_snap_make(&a, 0xfffffff0u, 5, 100));
	CU_ASSERT_FATAL(!twr_snap_make(&b, 0x10u, 9, 130));
	CU_ASSERT_EQUAL_FATAL(twr_perfc_diff(&a, &b, &d), 0);
	CU_ASSERT_EQUAL(twr_perfc_at(&d, "hypercalls", 20), 0x20);
	CU_ASSERT_EQUAL(twr_perfc_at(&d, "hypercalls", 32), 4);
	CU_ASSERT_EQUAL(twr_perfc_at(&d, "hypercalls", 56), 0);	/* out of range */
	CU_ASSERT_EQUAL(twr_perfc_total(twr_perfc_find(&d, "calls to multicall")), 30);
	CU_ASSERT_EQUAL(twr_perfc_total(twr_perfc_find(&d, "hypercalls")), 0x24);
	twr_perfc_snap_free(&a);
	twr_perfc_snap_free(&b);
	twr_perfc_snap_free(&d);
}

static void test_perfc_diff_rejects_a_changed_layout(void)
{
	struct twr_perfc_snap a = { 0 }, b = { 0 }, d = { 0 };

	CU_ASSERT_FATAL(!twr_snap_make(&a, 1, 1, 1));
	CU_ASSERT_FATAL(!twr_snap_make(&b, 2, 2, 2));
	strcpy(b.ctr[0].name, "calls from multicall");
	CU_ASSERT_EQUAL(twr_perfc_diff(&a, &b, &d), -EINVAL);
	strcpy(b.ctr[0].name, a.ctr[0].name);
	b.ctr[0].nr_vals = 1;
	b.ctr[1].nr_vals = 57;
	CU_ASSERT_EQUAL(twr_perfc_diff(&a, &b, &d), -EINVAL);
	twr_perfc_snap_free(&a);
	twr_perfc_snap_free(&b);
}

static void test_perfc_state_file_round_trips(void)
{
	struct twr_perfc_snap a = { 0 }, b = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_FATAL(!twr_snap_make(&a, 123, 456, 4000000000u));
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(twr_perfc_snap_write(f, &a), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	CU_ASSERT_EQUAL_FATAL(twr_perfc_snap_read(f, &b), 0);
	fclose(f);
	CU_ASSERT_EQUAL(b.nr, 2);
	CU_ASSERT_EQUAL(b.nr_vals, 58);
	CU_ASSERT_STRING_EQUAL(b.ctr[0].name, "calls to multicall");
	CU_ASSERT_EQUAL(b.ctr[0].vals[0], 4000000000u);
	CU_ASSERT_EQUAL(twr_perfc_at(&b, "hypercalls", 20), 123);
	CU_ASSERT_EQUAL(twr_perfc_at(&b, "hypercalls", 32), 456);
	twr_perfc_snap_free(&a);
	twr_perfc_snap_free(&b);
	free(buf);
}

static void test_perfc_state_file_rejects_garbage(void)
{
	static const char *const bad[] = {
		"",
		"twr-perfc 2 1 1\n1\tx\t5\n",		/* version */
		"twr-perfc 1 1 1\n1\tx\t5 6\n",		/* more values than declared */
		"twr-perfc 1 1 2\n1\tx\t5\n",		/* fewer values than the header */
		"twr-perfc 1 1 1\n1\tx\t99999999999\n",	/* not 32-bit */
		"twr-perfc 1 1 1\n1\t\t5\n",		/* empty name */
		"twr-perfc 1 1 1\n1 x 5\n",		/* no tabs */
		"twr-perfc 1 2 2\n1\tx\t5\n",		/* truncated */
		"twr-perfc 1 1 1\n1\tx\t5x\n",		/* trailing junk */
	};
	struct twr_perfc_snap s = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fmemopen((void *)bad[i], strlen(bad[i]) + 1, "r");

		CU_ASSERT_EQUAL(twr_perfc_snap_read(f, &s), -EINVAL);
		CU_ASSERT_PTR_NULL(s.ctr);
		fclose(f);
	}
}

static void test_hypercall_names_match_xen_numbers(void)
{
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(20), "grant_table_op");
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(32), "event_channel_op");
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(17), "xen_version");
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(29), "sched_op");
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(23), "iret");
	CU_ASSERT_STRING_EQUAL(twr_hcall_name(0), "set_trap_table");
	CU_ASSERT_PTR_NULL(twr_hcall_name(11));
	CU_ASSERT_PTR_NULL(twr_hcall_name(56));
	CU_ASSERT_PTR_NULL(twr_hcall_name(100000));
}

static void test_exit_reason_names(void)
{
	CU_ASSERT_STRING_EQUAL(twr_vmx_exit_name(10), "cpuid");
	CU_ASSERT_STRING_EQUAL(twr_vmx_exit_name(18), "vmcall");
	CU_ASSERT_STRING_EQUAL(twr_vmx_exit_name(30), "io_instruction");
	CU_ASSERT_STRING_EQUAL(twr_vmx_exit_name(48), "ept_violation");
	CU_ASSERT_PTR_NULL(twr_vmx_exit_name(35));
	CU_ASSERT_PTR_NULL(twr_vmx_exit_name(1000));
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x03), "cr_read");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x13), "cr_write");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x4e), "exception");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x72), "cpuid");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x78), "hlt");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x7b), "ioio");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(0x81), "vmmcall");
	CU_ASSERT_STRING_EQUAL(twr_svm_exit_name(TWR_SVM_NPF_PERFC), "npf_or_above");
	CU_ASSERT_PTR_NULL(twr_svm_exit_name(0x90));
	CU_ASSERT_STRING_EQUAL(twr_exception_name(14), "pf");
	CU_ASSERT_STRING_EQUAL(twr_exception_name(13), "gp");
	CU_ASSERT_PTR_NULL(twr_exception_name(9));
	CU_ASSERT(twr_perfc_is_array("hypercalls"));
	CU_ASSERT(!twr_perfc_is_array("calls to multicall"));
}

static void twr_report_sample(FILE *f, void *arg)
{
	struct twr_json j;

	twr_json_init(&j, f, TWR_JSON_INDENT);
	twr_json_obj_begin(&j, NULL);
	twr_perfc_report_json(&j, arg, 500000000ull, 64, false);
	twr_json_obj_end(&j);
	twr_json_finish(&j);
}

static void test_perfc_report_gives_counts_per_gb(void)
{
	struct twr_perfc_snap s = { 0 };
	char *out;

	CU_ASSERT_FATAL(!twr_snap_make(&s, 512, 256, 3));
	out = twr_capture(twr_report_sample, &s);
	/* half a GB moved: per GB doubles the counts */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"grant_table_op\": {\n        \"count\": 512,\n"
					   "        \"per_gb\": 1024,\n        \"per_txn\": 8\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event_channel_op\": {\n        \"count\": 256,\n"
					   "        \"per_gb\": 512,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"total\": {\n      \"count\": 768,\n"
					   "      \"per_gb\": 1536,\n      \"per_txn\": 12\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"kind\": \"vmx\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"calls to multicall\": 10"));
	CU_ASSERT_PTR_NULL(strstr(out, "xen_version"));	/* zero entries left out */
	free(out);
	twr_perfc_snap_free(&s);
}

/* ---- environment and tool output -------------------------------------- */

static void test_tcg_is_recognised(void)
{
	CU_ASSERT(twr_env_is_tcg("QEMU TCG CPU version 2.5+", ""));
	CU_ASSERT(twr_env_is_tcg("", "TCGTCGTCGTCG"));
	CU_ASSERT(twr_env_is_tcg("QEMU Virtual CPU version 2.5+", "XenVMMXenVMM"));
	CU_ASSERT(!twr_env_is_tcg("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "XenVMMXenVMM"));
	CU_ASSERT(!twr_env_is_tcg("AMD EPYC 7302 16-Core Processor", ""));
}

static void test_timing_refused_on_emulated_or_unstable_tsc(void)
{
	struct twr_env e;
	char why[256];

	memset(&e, 0, sizeof(e));
	e.invariant_tsc = true;
	e.tsc_emulated = 0;
	CU_ASSERT_EQUAL(twr_env_timing_check(&e, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "");

	e.tsc_emulated = 1;
	CU_ASSERT_EQUAL(twr_env_timing_check(&e, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "emulates the TSC"));

	e.tsc_emulated = -1;
	e.invariant_tsc = false;
	CU_ASSERT_EQUAL(twr_env_timing_check(&e, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "invariant"));
	e.constant_tsc = true;
	CU_ASSERT_EQUAL(twr_env_timing_check(&e, why, sizeof(why)), 0);

	e.tcg = true;
	CU_ASSERT_EQUAL(twr_env_timing_check(&e, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "QEMU TCG"));
}

static const struct twr_test twr_t_empty = { .name = "empty", .op = (void (*)(void))1, .baseline = true };
static const struct twr_test twr_t_cpuid = { .name = "cpuid0", .op = (void (*)(void))1 };
static const struct twr_test twr_t_vmcall = { .name = "vmcall", .op = (void (*)(void))1 };
static const struct twr_test twr_t_hcall = { .name = "null_hcall" };

static void twr_results_fill(struct twr_result *r)
{
	memset(r, 0, 4 * sizeof(*r));
	r[0] = (struct twr_result){ .test = &twr_t_empty, .applicable = true, .raw = 2.25,
				    .cycles = 0, .iterations = 1024, .ticks = 2304 };
	r[1] = (struct twr_result){ .test = &twr_t_cpuid, .applicable = true, .raw = 102.25,
				    .cycles = 100.0, .iterations = 1 << 20 };
	r[1].st = (struct twr_stats){ .n = 10, .timer_cost = 30, .min = 90, .p50 = 95,
				      .p95 = 120, .p99 = 200, .max = 300, .mean = 101 };
	r[2] = (struct twr_result){ .test = &twr_t_vmcall, .applicable = false };
	strcpy(r[2].why, "VMCALL raised SIGILL");
	r[3] = (struct twr_result){ .test = &twr_t_hcall, .applicable = true, .cycles = 1234.5,
				    .upcalls = 0, .last_ret = 0x40011 };
}

static void twr_text_sample(FILE *f, void *arg)
{
	struct twr_run_info ri = { .budget_log2 = 20, .samples = 10, .warmup = 1,
				   .timing_trusted = false, .timing_why = "QEMU TCG" };
	struct twr_result r[4];
	struct twr_env e;

	memset(&e, 0, sizeof(e));
	strcpy(e.vendor, "AuthenticAMD");
	twr_results_fill(r);
	if (arg)
		twr_print_json(f, &e, &ri, r, 4);
	else
		twr_print_text(f, &e, &ri, r, 4);
}

static void test_text_output_is_one_line_per_test(void)
{
	char *out = twr_capture(twr_text_sample, NULL), *line, *save = NULL;
	const char *want[] = { "empty 2.2", "cpuid0 100.0", "vmcall n/a", "null_hcall 1234.5" };
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# UNTRUSTED: QEMU TCG\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "min 90 p50 95 p95 120 p99 200 (timer 30 subtracted"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "vmcall: not applicable: VMCALL raised SIGILL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "; upcalls 0, last_ret 262161\n"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		CU_ASSERT_FATAL(n < 4);
		CU_ASSERT_STRING_EQUAL(line, want[n]);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
	free(out);
}

static void test_json_output_marks_untrusted_and_not_applicable(void)
{
	char *out = twr_capture(twr_text_sample, (void *)1);

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"trusted\": false,\n    \"untrusted_reason\": \"QEMU TCG\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"name\": \"vmcall\",\n      \"where\": \"user\",\n"
					   "      \"applicable\": false,\n"
					   "      \"reason\": \"VMCALL raised SIGILL\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"name\": \"cpuid0\",\n      \"where\": \"user\",\n"
					   "      \"applicable\": true,\n      \"cycles\": 100,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"p99\": 200,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"where\": \"kernel\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"last_ret\": 262161"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"xen\": null"));
	free(out);
}

int main(void)
{
	static const struct { const char *name; CU_TestFunc fn; } tests[] = {
#define T(f) { #f, f }
		T(test_perfc_load_rejects_miscounted_values),
		T(test_perfc_diff_wraps_32bit_counters),
		T(test_perfc_diff_rejects_a_changed_layout),
		T(test_perfc_state_file_round_trips),
		T(test_perfc_state_file_rejects_garbage),
		T(test_hypercall_names_match_xen_numbers),
		T(test_exit_reason_names),
		T(test_perfc_report_gives_counts_per_gb),
		T(test_tcg_is_recognised),
		T(test_timing_refused_on_emulated_or_unstable_tsc),
		T(test_text_output_is_one_line_per_test),
		T(test_json_output_marks_untrusted_and_not_applicable),
#undef T
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	s = CU_add_suite("exitcost", NULL, NULL);
	for (i = 0; s && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
