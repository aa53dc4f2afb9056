// SPDX-License-Identifier: MIT
/* twr-exitcost's output: the environment, then one line per test. */
#include <inttypes.h>

#include "twr_exitcost.h"
#include "twr_json.h"

static const char *twr_tsc_emul_str(int v)
{
	return v == 1 ? "emulated by Xen" : v == 0 ? "native" : "unknown";
}

void twr_print_env(FILE *f, const struct twr_env *e)
{
	fprintf(f, "# cpu: %s family %u model %u stepping %u \"%s\"%s\n", e->vendor, e->family,
		e->model, e->stepping, e->brand, e->tcg ? " (QEMU TCG: emulated, not hardware)" : "");
	if (e->xen_base)
		fprintf(f, "# hypervisor: Xen %u.%u, CPUID base 0x%08x (max leaf 0x%08x%s), "
			"guest type %s\n", e->xen_major, e->xen_minor, e->xen_base, e->xen_max_leaf,
			e->xen_forced ? ", via the forced-emulation prefix" : "",
			e->guest_type[0] ? e->guest_type : "unknown");
	else
		fprintf(f, "# hypervisor: %s%s%s\n", e->hypervisor_bit ? "present, signature \"" : "none",
			e->hypervisor_bit ? e->hv_sig : "", e->hypervisor_bit ? "\", not Xen" : "");
	fprintf(f, "# tsc: %s, invariant %s, constant_tsc %s, rdtscp %s, tsc_mode %u, %u kHz, "
		"clocksource %s\n", twr_tsc_emul_str(e->tsc_emulated), e->invariant_tsc ? "yes" : "no",
		e->constant_tsc ? "yes" : "no", e->rdtscp ? "yes" : "no", e->tsc_mode, e->tsc_khz,
		e->clocksource[0] ? e->clocksource : "?");
}

void twr_print_text(FILE *f, const struct twr_env *e, const struct twr_run_info *ri,
		    const struct twr_result *res, size_t n)
{
	size_t i;

	twr_print_env(f, e);
	fprintf(f, "# timing: amortized over >= 2^%u TSC ticks; per sample: %zu after %zu "
		"warm-up, timer cost subtracted; unit: TSC ticks\n", ri->budget_log2, ri->samples,
		ri->warmup);
	if (!ri->timing_trusted)
		fprintf(f, "# UNTRUSTED: %s\n", ri->timing_why);
	for (i = 0; i < n; i++) {
		const struct twr_result *r = &res[i];

		if (!r->applicable) {
			fprintf(f, "%s n/a\n#   %s: not applicable: %s\n", r->test->name,
				r->test->name, r->why);
			continue;
		}
		fprintf(f, "%s %.1f\n", r->test->name, r->test->baseline ? r->raw : r->cycles);
		fprintf(f, "#   %s per-sample: min %" PRIu64 " p50 %" PRIu64 " p95 %" PRIu64
			" p99 %" PRIu64 " (timer %" PRIu64 " subtracted, %" PRIu64 " samples); "
			"amortized %.1f raw over %" PRIu64 " iterations", r->test->name, r->st.min,
			r->st.p50, r->st.p95, r->st.p99, r->st.timer_cost, r->st.n, r->raw,
			r->iterations);
		if (!r->test->op)
			fprintf(f, "; upcalls %" PRIu64 ", last_ret %" PRId32, r->upcalls,
				r->last_ret);
		fputc('\n', f);
	}
}

static void twr_json_env(struct twr_json *j, const struct twr_env *e)
{
	twr_json_obj_begin(j, "env");
	twr_json_str(j, "vendor", e->vendor);
	twr_json_str(j, "brand", e->brand);
	twr_json_u64(j, "family", e->family);
	twr_json_u64(j, "model", e->model);
	twr_json_u64(j, "stepping", e->stepping);
	twr_json_bool(j, "tcg", e->tcg);
	twr_json_str(j, "hypervisor_signature", e->hv_sig);
	if (e->xen_base) {
		twr_json_obj_begin(j, "xen");
		twr_json_u64(j, "cpuid_base", e->xen_base);
		twr_json_u64(j, "cpuid_max_leaf", e->xen_max_leaf);
		twr_json_bool(j, "forced_emulation_prefix", e->xen_forced);
		twr_json_u64(j, "major", e->xen_major);
		twr_json_u64(j, "minor", e->xen_minor);
		twr_json_obj_end(j);
	} else {
		twr_json_null(j, "xen");
	}
	twr_json_str(j, "guest_type", e->guest_type[0] ? e->guest_type : NULL);
	twr_json_obj_begin(j, "tsc");
	if (e->tsc_emulated < 0)
		twr_json_null(j, "emulated");
	else
		twr_json_bool(j, "emulated", e->tsc_emulated);
	twr_json_u64(j, "tsc_mode", e->tsc_mode);
	twr_json_u64(j, "khz", e->tsc_khz);
	twr_json_bool(j, "invariant", e->invariant_tsc);
	twr_json_bool(j, "constant", e->constant_tsc);
	twr_json_bool(j, "rdtscp", e->rdtscp);
	twr_json_str(j, "clocksource", e->clocksource);
	twr_json_obj_end(j);
	twr_json_obj_end(j);
}

static void twr_json_result(struct twr_json *j, const struct twr_result *r)
{
	twr_json_obj_begin(j, NULL);
	twr_json_str(j, "name", r->test->name);
	twr_json_str(j, "where", r->test->op ? "user" : "kernel");
	twr_json_bool(j, "applicable", r->applicable);
	if (!r->applicable) {
		twr_json_str(j, "reason", r->why);
		twr_json_obj_end(j);
		return;
	}
	twr_json_double(j, "cycles", r->test->baseline ? r->raw : r->cycles);
	twr_json_obj_begin(j, "amortized");
	twr_json_double(j, "cycles", r->test->baseline ? r->raw : r->cycles);
	twr_json_double(j, "raw_cycles", r->raw);
	twr_json_u64(j, "iterations", r->iterations);
	twr_json_u64(j, "ticks", r->ticks);
	twr_json_obj_end(j);
	twr_json_obj_begin(j, "per_sample");
	twr_json_u64(j, "samples", r->st.n);
	twr_json_u64(j, "timer_cost", r->st.timer_cost);
	twr_json_u64(j, "min", r->st.min);
	twr_json_u64(j, "p50", r->st.p50);
	twr_json_u64(j, "p95", r->st.p95);
	twr_json_u64(j, "p99", r->st.p99);
	twr_json_u64(j, "max", r->st.max);
	twr_json_double(j, "mean", r->st.mean);
	twr_json_obj_end(j);
	if (!r->test->op) {
		twr_json_u64(j, "upcalls", r->upcalls);
		twr_json_i64(j, "last_ret", r->last_ret);
	}
	twr_json_obj_end(j);
}

void twr_print_json(FILE *f, const struct twr_env *e, const struct twr_run_info *ri,
		    const struct twr_result *res, size_t n)
{
	struct twr_json j;
	size_t i;

	twr_json_init(&j, f, TWR_JSON_INDENT);
	twr_json_obj_begin(&j, NULL);
	twr_json_str(&j, "tool", "twr-exitcost");
	twr_json_str(&j, "unit", "tsc_ticks");
	twr_json_env(&j, e);
	twr_json_obj_begin(&j, "timing");
	twr_json_bool(&j, "trusted", ri->timing_trusted);
	twr_json_str(&j, "untrusted_reason", ri->timing_trusted ? NULL : ri->timing_why);
	twr_json_u64(&j, "budget_log2", ri->budget_log2);
	twr_json_u64(&j, "samples", ri->samples);
	twr_json_u64(&j, "warmup", ri->warmup);
	twr_json_obj_end(&j);
	twr_json_arr_begin(&j, "tests");
	for (i = 0; i < n; i++)
		twr_json_result(&j, &res[i]);
	twr_json_arr_end(&j);
	twr_json_obj_end(&j);
	twr_json_finish(&j);
}
