// SPDX-License-Identifier: MIT
/*
 * twr-exitcost: what a VM exit, a hypercall and an event-channel send cost
 * on this machine, seen from inside a guest (PV, PVH, HVM) or bare metal.
 *
 *   twr-exitcost [options] [test...]     run the tests (all by default)
 *   twr-exitcost --list                  name and describe the tests
 *   twr-exitcost pong [--timeout S]      the domU end of twr-xencount ping
 *
 * Each test runs its operation in a tight loop, timed two ways: amortized
 * (iterations doubled until the loop takes 2^budget TSC ticks, as
 * kvm-unit-tests' x86/vmexit.c) and per sample (serializing TSC reads around
 * each operation after a warm-up; min/p50/p95/p99 with the cost of an empty
 * timed region subtracted). Kernel-side operations go through
 * twr-exitcost.ko (/dev/twr-exitcost).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "twr_cpu.h"
#include "twr_exitcost.h"
#include "twr_exitcost_uapi.h"
#include "twr_json.h"
#include "twr_stats.h"
#include "twr_tsc.h"

struct twr_opts {
	unsigned int budget_log2;
	size_t samples, warmup;
	bool json, allow_untrusted;
	const char *json_out;		/* also write the JSON here */
};

struct twr_ctx {
	struct twr_opts o;
	struct twr_env env;
	int kfd;			/* /dev/twr-exitcost, -1 when absent */
	int kfd_errno;
	bool timing_trusted;
	char timing_why[256];
	uint64_t *buf;			/* o.samples entries */
	double user_base, kern_base;	/* amortized empty loop, per iteration */
	uint64_t user_timer, kern_timer;	/* per-sample empty region */
	unsigned long long (*tsc_end)(void);
};

static struct twr_ctx twr_ctx;

#ifndef TWR_HAVE_PONG
int twr_pong_main(int argc, char **argv)
{
	fprintf(stderr, "twr-exitcost: built without Xen's headers (libxen-dev): no pong\n");
	return 2;
}
#endif

/* The operations, each out of line so the loop calls them alike. */
static __attribute__((noinline)) void twr_op_empty(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static __attribute__((noinline)) void twr_op_cpuid0(void)
{
	uint32_t r[4];

	twr_cpuid(0, 0, r);
}

static __attribute__((noinline)) void twr_op_cpuid_xen(void)
{
	uint32_t r[4];

	if (twr_ctx.env.xen_forced)
		__asm__ __volatile__(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
				     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
				     : "a"(twr_ctx.env.xen_base), "c"(0));
	else
		twr_cpuid(twr_ctx.env.xen_base, 0, r);
}

/* Xen's HVM hypercall ABI: RAX = number (17, xen_version); from CPL 3 Xen
 * answers -EPERM (-1) without running it. */
static __attribute__((noinline)) long twr_vmcall(void)
{
	long ret;

	if (twr_ctx.env.amd)
		__asm__ __volatile__("vmmcall" : "=a"(ret) : "a"(17L), "D"(0L), "S"(0L) : "memory");
	else
		__asm__ __volatile__("vmcall" : "=a"(ret) : "a"(17L), "D"(0L), "S"(0L) : "memory");
	return ret;
}

static __attribute__((noinline)) void twr_op_vmcall(void)
{
	(void)twr_vmcall();
}

static sigjmp_buf twr_probe_jmp;

static void twr_probe_trap(int sig)
{
	siglongjmp(twr_probe_jmp, sig);
}

/* ---- applicability ---------------------------------------------------- */

static int twr_need_xen(char *why, size_t len)
{
	if (twr_ctx.env.xen_base)
		return 0;
	snprintf(why, len, "no Xen CPUID leaves (not a Xen guest)");
	return -1;
}

static int twr_need_vmcall(char *why, size_t len)
{
	struct sigaction sa = { .sa_handler = twr_probe_trap }, o_ill, o_segv;
	volatile long ret = 0;
	int sig;

	if (twr_need_xen(why, len))
		return -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, &o_ill);
	sigaction(SIGSEGV, &sa, &o_segv);
	sig = sigsetjmp(twr_probe_jmp, 1);
	if (!sig)
		ret = twr_vmcall();
	sigaction(SIGILL, &o_ill, NULL);
	sigaction(SIGSEGV, &o_segv, NULL);
	if (sig) {
		snprintf(why, len, "%s raised %s: no VM exit from user space in a %s guest",
			 twr_ctx.env.amd ? "VMMCALL" : "VMCALL", sig == SIGILL ? "SIGILL" : "SIGSEGV",
			 twr_ctx.env.guest_type[0] ? twr_ctx.env.guest_type : "non-HVM");
		return -1;
	}
	if (ret != -1) {
		snprintf(why, len, "unexpected answer %ld to a CPL-3 hypercall (Xen gives -EPERM)",
			 (long)ret);
		return -1;
	}
	return 0;
}

static int twr_need_kmod(char *why, size_t len)
{
	if (twr_ctx.kfd >= 0)
		return 0;
	snprintf(why, len, "%s: %s (load twr-exitcost.ko: insmod twr-exitcost.ko)",
		 TWR_EXITCOST_DEVICE, strerror(twr_ctx.kfd_errno));
	return -1;
}

/* ---- the two timing methods ------------------------------------------ */

static uint64_t twr_user_loop(void (*op)(void), uint64_t n)
{
	unsigned long long t0, t1;
	uint64_t i;

	t0 = twr_tsc_begin();
	for (i = 0; i < n; i++)
		op();
	t1 = twr_ctx.tsc_end();
	return t1 - t0;
}

static void twr_user_samples(void (*op)(void), uint64_t *s, size_t n, size_t warmup)
{
	unsigned long long t0;
	size_t i;

	for (i = 0; i < warmup; i++)
		op();
	for (i = 0; i < n; i++) {
		t0 = twr_tsc_begin();
		op();
		s[i] = twr_ctx.tsc_end() - t0;
	}
}

static int twr_kern_run(unsigned int test, uint64_t n, uint64_t *samples, uint64_t *ticks,
			struct twr_exitcost_run *out)
{
	struct twr_exitcost_run r = {
		.test = test, .iterations = n, .samples = (uintptr_t)samples,
	};

	if (ioctl(twr_ctx.kfd, TWR_EXITCOST_IOC_RUN, &r) < 0)
		return -errno;
	*ticks = r.total_tsc;
	if (out)
		*out = r;
	return 0;
}

static int twr_kern_samples(unsigned int test, uint64_t *s, size_t n, size_t warmup)
{
	uint64_t ticks;
	size_t done;
	int ret;

	if (warmup) {
		ret = twr_kern_run(test, warmup, NULL, &ticks, NULL);
		if (ret)
			return ret;
	}
	for (done = 0; done < n; done += TWR_EXITCOST_MAX_SAMPLES) {
		size_t chunk = n - done < TWR_EXITCOST_MAX_SAMPLES ? n - done : TWR_EXITCOST_MAX_SAMPLES;

		ret = twr_kern_run(test, chunk, s + done, &ticks, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

#define TWR_AMORTIZE_REPEAT	2

static int twr_amortize_once(const struct twr_test *t, uint64_t n, uint64_t *ticks,
			     struct twr_exitcost_run *kr)
{
	if (t->op) {
		*ticks = twr_user_loop(t->op, n);
		return 0;
	}
	return twr_kern_run(t->ktest, n, NULL, ticks, kr);
}

/* Amortized: double the iterations until the loop takes the budget. */
static int twr_amortize(const struct twr_test *t, struct twr_result *res)
{
	uint64_t n = 1, ticks = 0, again, budget = 1ull << twr_ctx.o.budget_log2;
	struct twr_exitcost_run kr = { 0 };
	unsigned int i;
	int ret;

	for (;; n *= 2) {
		ret = twr_amortize_once(t, n, &ticks, &kr);
		if (ret)
			return ret;
		if (ticks < budget && n < (1ull << 32))
			continue;
		/* One stall (preemption, the host descheduling an emulator)
		 * inside the loop that crossed the budget would be charged to
		 * every iteration: run it again and keep the fastest; if the
		 * fastest is far under the budget, the crossing was the stall,
		 * so keep doubling. */
		for (i = 0; i < TWR_AMORTIZE_REPEAT; i++) {
			ret = twr_amortize_once(t, n, &again, &kr);
			if (ret)
				return ret;
			if (again < ticks)
				ticks = again;
		}
		if (ticks >= budget / 2 || n >= (1ull << 32))
			break;
	}
	res->iterations = n;
	res->ticks = ticks;
	res->raw = (double)ticks / (double)n;
	res->upcalls = kr.upcalls;
	res->last_ret = kr.last_ret;
	return 0;
}

static int twr_run_test(const struct twr_test *t, struct twr_result *res)
{
	size_t n = twr_ctx.o.samples;
	int ret;

	memset(res, 0, sizeof(*res));
	res->test = t;
	if (t->need && t->need(res->why, sizeof(res->why))) {
		res->applicable = false;
		return 0;
	}
	res->applicable = true;
	ret = twr_amortize(t, res);
	if (ret)
		goto fail;
	if (t->op) {
		twr_user_samples(t->op, twr_ctx.buf, n, twr_ctx.o.warmup);
	} else {
		ret = twr_kern_samples(t->ktest, twr_ctx.buf, n, twr_ctx.o.warmup);
		if (ret)
			goto fail;
	}
	if (t->baseline) {
		/* the baselines define what the other tests subtract */
		res->timer = twr_stats_timer_cost(twr_ctx.buf, n);
		if (t->op) {
			twr_ctx.user_base = res->raw;
			twr_ctx.user_timer = res->timer;
		} else {
			twr_ctx.kern_base = res->raw;
			twr_ctx.kern_timer = res->timer;
		}
	}
	res->cycles = twr_stats_per_iter(res->ticks, res->iterations,
					 t->op ? twr_ctx.user_base : twr_ctx.kern_base);
	twr_stats_summarize(twr_ctx.buf, n, t->op ? twr_ctx.user_timer : twr_ctx.kern_timer,
			    &res->st);
	return 0;

fail:
	res->applicable = false;
	snprintf(res->why, sizeof(res->why), "measurement failed: %s", strerror(-ret));
	return ret;
}

/* ---- the tests -------------------------------------------------------- */

static const struct twr_test twr_tests[] = {
	{ "empty", "empty loop: a call through a pointer (user baseline)", twr_op_empty, 0, NULL, true },
	{ "cpuid0", "CPUID leaf 0 from user space", twr_op_cpuid0, 0, NULL, false },
	{ "cpuid_xen", "CPUID Xen base leaf from user space (forced-emulation prefix in PV)",
	  twr_op_cpuid_xen, 0, twr_need_xen, false },
	{ "vmcall", "VMCALL/VMMCALL from user space: Xen answers -EPERM (HVM, PVH)",
	  twr_op_vmcall, 0, twr_need_vmcall, false },
	{ "kernel_empty", "empty loop in the kernel module (kernel baseline)", NULL,
	  TWR_KTEST_EMPTY, twr_need_kmod, true },
	{ "null_hcall", "HYPERVISOR_xen_version(XENVER_version) in the kernel", NULL,
	  TWR_KTEST_NULL_HCALL, twr_need_kmod, false },
	{ "evtchn_send", "EVTCHNOP_send to a loopback port, upcalls held off", NULL,
	  TWR_KTEST_EVTCHN_SEND, twr_need_kmod, false },
	{ "evtchn_upcall", "EVTCHNOP_send to a loopback port + upcall + handler", NULL,
	  TWR_KTEST_EVTCHN_UPCALL, twr_need_kmod, false },
};
#define TWR_NTESTS	(sizeof(twr_tests) / sizeof(twr_tests[0]))

static void twr_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: twr-exitcost [--json] [--json-out FILE] [--budget-log2 N] [--samples N]\n"
		"                    [--warmup N] [--allow-untrusted-tsc] [test...]\n"
		"       twr-exitcost --list\n"
		"       twr-exitcost pong [--timeout SECONDS]   (domU end of twr-xencount ping)\n"
		"tests:\n");
	for (i = 0; i < TWR_NTESTS; i++)
		fprintf(f, "  %-14s %s\n", twr_tests[i].name, twr_tests[i].desc);
}

static int twr_parse_opts(int argc, char **argv, struct twr_opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "budget-log2", required_argument, NULL, 'b' },
		{ "samples", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "allow-untrusted-tsc", no_argument, NULL, 'a' },
		{ "json-out", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	*o = (struct twr_opts){ .budget_log2 = 30, .samples = 10000, .warmup = 1000 };
	while ((c = getopt_long(argc, argv, "jb:s:w:alho:", lo, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'o': o->json_out = optarg; break;
		case 'a': o->allow_untrusted = true; break;
		case 'l': twr_usage(stdout); exit(0);
		case 'h': twr_usage(stdout); exit(0);
		case 'b': case 's': case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || (c == 'b' && (v < 10 || v > 40)) ||
			    (c == 's' && (v < 1 || v > (1ul << 26))) || (c == 'w' && v > (1ul << 26))) {
				fprintf(stderr, "twr-exitcost: bad value '%s' for --%s (budget-log2 10..40, "
					"samples 1..2^26, warmup 0..2^26)\n", optarg,
					c == 'b' ? "budget-log2" : c == 's' ? "samples" : "warmup");
				return -EINVAL;
			}
			if (c == 'b')
				o->budget_log2 = v;
			else if (c == 's')
				o->samples = v;
			else
				o->warmup = v;
			break;
		default:
			twr_usage(stderr);
			return -EINVAL;
		}
	}
	return 0;
}

/* Marks the tests named on the command line (all when none); baselines are
 * always run because the other tests subtract them. */
static int twr_select(int argc, char **argv, bool *sel)
{
	size_t i;
	int a;

	for (i = 0; i < TWR_NTESTS; i++)
		sel[i] = argc == 0 || twr_tests[i].baseline;
	for (a = 0; a < argc; a++) {
		for (i = 0; i < TWR_NTESTS; i++)
			if (!strcmp(argv[a], twr_tests[i].name))
				break;
		if (i == TWR_NTESTS) {
			fprintf(stderr, "twr-exitcost: no test '%s' (see --list)\n", argv[a]);
			return -EINVAL;
		}
		sel[i] = true;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct twr_result res[TWR_NTESTS];
	struct twr_run_info ri;
	bool sel[TWR_NTESTS];
	size_t i, nres = 0;
	int ret, fails = 0;

	if (argc > 1 && !strcmp(argv[1], "pong"))
		return twr_pong_main(argc - 1, argv + 1);
	if (twr_parse_opts(argc, argv, &twr_ctx.o) ||
	    twr_select(argc - optind, argv + optind, sel))
		return 2;

	twr_env_detect(&twr_ctx.env);
	twr_ctx.tsc_end = twr_ctx.env.rdtscp ? twr_tsc_end : twr_tsc_end_nop;
	twr_ctx.timing_trusted = !twr_env_timing_check(&twr_ctx.env, twr_ctx.timing_why,
							sizeof(twr_ctx.timing_why));
	if (!twr_ctx.timing_trusted && !twr_ctx.o.allow_untrusted) {
		twr_print_env(stdout, &twr_ctx.env);
		fprintf(stderr, "twr-exitcost: refusing to time: %s.\n"
			"twr-exitcost: --allow-untrusted-tsc times anyway and marks every number "
			"untrusted.\n", twr_ctx.timing_why);
		return 3;
	}
	twr_ctx.kfd = open(TWR_EXITCOST_DEVICE, O_RDWR | O_CLOEXEC);
	twr_ctx.kfd_errno = errno;
	twr_ctx.buf = calloc(twr_ctx.o.samples, sizeof(*twr_ctx.buf));
	if (!twr_ctx.buf) {
		fprintf(stderr, "twr-exitcost: no memory for %zu samples\n", twr_ctx.o.samples);
		return 1;
	}
	for (i = 0; i < TWR_NTESTS; i++) {
		if (!sel[i])
			continue;
		ret = twr_run_test(&twr_tests[i], &res[nres]);
		if (ret) {
			fprintf(stderr, "twr-exitcost: %s: %s\n", twr_tests[i].name, res[nres].why);
			fails++;
		}
		nres++;
	}
	ri = (struct twr_run_info){
		.budget_log2 = twr_ctx.o.budget_log2, .samples = twr_ctx.o.samples,
		.warmup = twr_ctx.o.warmup, .timing_trusted = twr_ctx.timing_trusted,
		.timing_why = twr_ctx.timing_why,
	};
	if (twr_ctx.o.json)
		twr_print_json(stdout, &twr_ctx.env, &ri, res, nres);
	else
		twr_print_text(stdout, &twr_ctx.env, &ri, res, nres);
	if (twr_ctx.o.json_out) {
		FILE *f = fopen(twr_ctx.o.json_out, "w");

		if (f)
			twr_print_json(f, &twr_ctx.env, &ri, res, nres);
		if (!f || fclose(f)) {
			fprintf(stderr, "twr-exitcost: writing %s: %s\n", twr_ctx.o.json_out,
				strerror(errno));
			fails++;
		}
	}
	free(twr_ctx.buf);
	if (twr_ctx.kfd >= 0)
		close(twr_ctx.kfd);
	return fails ? 1 : 0;
}
