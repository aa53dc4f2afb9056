// SPDX-License-Identifier: MIT
/*
 * ringbench: throughput and latency of the twinring ring between two
 * processes on two cores, each beside a plain memcpy of the same bytes.
 *
 * Without --ring it first measures a few ring sizes and takes the smallest
 * within 5% of the best as the default (the ring size is guest memory per
 * queue, so smaller wins a tie); docs/ringbench.md says how to read it.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ringbench.h"
#include "twinring/ring.h"
#include "twr_json.h"

#define MAX_SIZES	8
#define TARGET_RATIO	0.5	/* x memcpy, records >= 4 KiB */
#define TARGET_SMALL_MRPS 20.0	/* million 64 B records/s, batched */

static const uint32_t sweep_rings[] = { 64 << 10, 256 << 10, 1 << 20, 4 << 20 };
#define NR_SWEEP (sizeof(sweep_rings) / sizeof(sweep_rings[0]))

struct bench_cfg {
	struct twr_bench_opts o;
	int json;
	uint32_t ring;			/* 0: sweep and choose */
	unsigned int sweep_ms;
	unsigned int reps;		/* runs per point, the best is kept */
	uint64_t lat_samples;
	uint32_t lat_rec;
	uint32_t sizes[MAX_SIZES];
	unsigned int nr_sizes;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench [options]\n"
		"  --json            machine-readable output\n"
		"  --ring SIZE       ring data size (4K..4M, power of two); default: measure\n"
		"                    64K, 256K, 1M, 4M and take the smallest within 5%% of the best\n"
		"  --sizes LIST      record payload sizes (default 64,1500,4K,64K)\n"
		"  --time MS         measured time per throughput point (default 300)\n"
		"  --sweep-time MS   time per point of the ring-size sweep (default 100)\n"
		"  --reps N          runs per throughput point, the best kept (default 3)\n"
		"  --cpus A,B        producer and consumer cores (default: the first two allowed)\n"
		"  --spin N          polls before arming the event index and sleeping (default 2000)\n"
		"  --batch N         records per publish at most (default 64)\n"
		"  --lat-samples N   round trips per latency point (default 100000)\n"
		"  --lat-size SIZE   latency record size (default 64)\n");
}

/* "64", "4K", "1M": bytes; 0 on error. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return 0;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	return *end ? 0 : v;
}

static int parse_sizes(struct bench_cfg *c, const char *list)
{
	char buf[256], *tok, *save = NULL;
	uint64_t v;

	snprintf(buf, sizeof(buf), "%s", list);
	c->nr_sizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		v = parse_size(tok);
		if (!v || v > 65536 || c->nr_sizes == MAX_SIZES)
			return -EINVAL;
		c->sizes[c->nr_sizes++] = (uint32_t)v;
	}
	return c->nr_sizes ? 0 : -EINVAL;
}

/* The first two cores this process may run on. */
static void default_cpus(struct bench_cfg *c)
{
	cpu_set_t set;
	int cpu, found = 0;

	c->o.cpu_prod = c->o.cpu_cons = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (found++ == 0)
			c->o.cpu_prod = c->o.cpu_cons = cpu;
		else
			c->o.cpu_cons = cpu;
	}
}

static int parse_args(struct bench_cfg *c, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ring", required_argument, NULL, 'r' },
		{ "sizes", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, 't' },
		{ "sweep-time", required_argument, NULL, 'w' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "spin", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "lat-samples", required_argument, NULL, 'l' },
		{ "lat-size", required_argument, NULL, 'L' },
		{ "reps", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c->json = 1;
			break;
		case 'r':
			v = parse_size(optarg);
			if (v < TWR_PAGE_SIZE || v > (TWR_PAGE_SIZE << TWR_RING_ORDER_MAX) ||
			    (v & (v - 1))) {
				fprintf(stderr, "ringbench: --ring %s: need a power of two from 4K to 4M\n", optarg);
				return -EINVAL;
			}
			c->ring = (uint32_t)v;
			break;
		case 's':
			if (parse_sizes(c, optarg)) {
				fprintf(stderr, "ringbench: --sizes %s: need up to %d sizes of 1..64K, comma separated\n",
					optarg, MAX_SIZES);
				return -EINVAL;
			}
			break;
		case 't':
		case 'w':
			v = strtoul(optarg, NULL, 0);
			if (!v || v > 60000) {
				fprintf(stderr, "ringbench: --%s %s: need 1..60000 ms\n",
					opt == 't' ? "time" : "sweep-time", optarg);
				return -EINVAL;
			}
			*(opt == 't' ? &c->o.ms : &c->sweep_ms) = (unsigned int)v;
			break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &c->o.cpu_prod, &c->o.cpu_cons) != 2 ||
			    c->o.cpu_prod < 0 || c->o.cpu_cons < 0) {
				fprintf(stderr, "ringbench: --cpus %s: need two core numbers A,B\n", optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			c->o.spin = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			c->o.batch_max = (unsigned int)strtoul(optarg, NULL, 0);
			if (!c->o.batch_max)
				c->o.batch_max = 1;
			break;
		case 'l':
			c->lat_samples = strtoull(optarg, NULL, 0);
			if (!c->lat_samples) {
				fprintf(stderr, "ringbench: --lat-samples must be positive\n");
				return -EINVAL;
			}
			break;
		case 'L':
			v = parse_size(optarg);
			if (!v || v > 65536) {
				fprintf(stderr, "ringbench: --lat-size %s: need 1..64K\n", optarg);
				return -EINVAL;
			}
			c->lat_rec = (uint32_t)v;
			break;
		case 'R':
			c->reps = (unsigned int)strtoul(optarg, NULL, 0);
			if (!c->reps || c->reps > 100) {
				fprintf(stderr, "ringbench: --reps %s: need 1..100\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ringbench: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static const char *fmt_size(uint32_t b, char *buf, size_t len)
{
	if (b >= (1u << 20) && !(b & ((1u << 20) - 1)))
		snprintf(buf, len, "%u MiB", b >> 20);
	else if (b >= 1024 && !(b & 1023))
		snprintf(buf, len, "%u KiB", b >> 10);
	else
		snprintf(buf, len, "%u B", b);
	return buf;
}

/* Fold run @t into @best: the fastest ring run, the fastest memcpy and the
 * fastest cross-core copy. Other work on a shared machine only ever slows a
 * run down, so the fastest is the closest to what the code can do; the
 * ratio compares the two bests. */
static void tput_merge(struct twr_bench_tput *best, const struct twr_bench_tput *t)
{
	double mc = best->memcpy_gbps > t->memcpy_gbps ? best->memcpy_gbps : t->memcpy_gbps;
	double xc = best->xcore_gbps > t->xcore_gbps ? best->xcore_gbps : t->xcore_gbps;

	if (t->gbps > best->gbps)
		*best = *t;
	best->memcpy_gbps = mc;
	best->xcore_gbps = xc;
	best->ratio = mc > 0 ? best->gbps / mc : 0;
}

/* One run of every point in @pts (ring sizes @rings[i]), folded in. The
 * caller repeats it: repetitions go round robin over the points so a busy
 * spell of the machine does not land on one point only. */
static int tput_round(const struct bench_cfg *c, const struct twr_bench_opts *o,
		      const uint32_t *rings, struct twr_bench_tput *pts,
		      unsigned int n, unsigned int ms)
{
	struct twr_bench_tput t;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = twr_bench_tput_run(o, rings[i], c->sizes[i % c->nr_sizes], ms, &t);
		if (ret == -EMSGSIZE) {	/* does not fit this ring: n/a */
			pts[i].rec = t.rec;
			pts[i].ring = t.ring;
			continue;
		}
		if (ret)
			return ret;
		tput_merge(&pts[i], &t);
	}
	return 0;
}

/* Geometric mean of GB/s over the record sizes; 0 if any does not fit
 * (a ring that cannot carry a 64 KiB GSO record is no candidate). */
static double sweep_score(const struct twr_bench_tput *t, unsigned int n)
{
	double sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (t[i].gbps <= 0)
			return 0;
		sum += log(t[i].gbps);
	}
	return exp(sum / n);
}

static int run_sweep(struct bench_cfg *c, struct twr_bench_tput sw[][MAX_SIZES],
		     double *score)
{
	uint32_t rings[NR_SWEEP * MAX_SIZES];
	struct twr_bench_tput pts[NR_SWEEP * MAX_SIZES];
	struct twr_bench_opts o = c->o;
	unsigned int r, i, n = NR_SWEEP * c->nr_sizes;
	double best = 0;
	int ret;

	o.xcore = 0;	/* the sweep only compares ring sizes */
	memset(pts, 0, sizeof(pts));
	for (i = 0; i < n; i++)
		rings[i] = sweep_rings[i / c->nr_sizes];
	for (r = 0; r < c->reps; r++) {
		ret = tput_round(c, &o, rings, pts, n, c->sweep_ms);
		if (ret)
			return ret;
	}
	for (r = 0; r < NR_SWEEP; r++) {
		for (i = 0; i < c->nr_sizes; i++)
			sw[r][i] = pts[r * c->nr_sizes + i];
		score[r] = sweep_score(sw[r], c->nr_sizes);
		if (score[r] > best)
			best = score[r];
	}
	for (r = 0; r < NR_SWEEP; r++) {
		if (best > 0 && score[r] >= 0.95 * best) {
			c->ring = sweep_rings[r];
			return 0;
		}
	}
	fprintf(stderr, "ringbench: no ring size carried every record size\n");
	return -EMSGSIZE;
}

static const char *target_text(const struct twr_bench_tput *t, int *met)
{
	*met = -1;
	if (!t->records)
		return "n/a: does not fit the ring";
	if (t->rec >= 4096) {
		*met = t->ratio >= TARGET_RATIO;
		return ">= 0.5x memcpy";
	}
	if (t->rec <= 64) {
		*met = t->mrps >= TARGET_SMALL_MRPS;
		return ">= 20 Mrec/s";
	}
	return "";
}

/* The 1-minute load average: other work on the two cores is the first
 * thing to suspect when the numbers swing (docs/ringbench.md). */
static double load_avg(void)
{
	double la = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &la) != 1)
			la = -1;
		fclose(f);
	}
	return la;
}

static void print_table(const struct bench_cfg *c, int swept,
			struct twr_bench_tput sw[][MAX_SIZES], const double *score,
			const struct twr_bench_tput *tp, const struct twr_bench_lat *lat,
			unsigned int nr_lat)
{
	char a[32], b[32];
	unsigned int r, i;
	int met;

	printf("ringbench: two processes on cpus %d (producer) and %d (consumer); spin %u, batch <= %u\n",
	       c->o.cpu_prod, c->o.cpu_cons, c->o.spin, c->o.batch_max);
	printf("load average at the end %.2f on %ld cpus (other work on these cores slows every column)\n",
	       load_avg(), sysconf(_SC_NPROCESSORS_ONLN));
	if (swept) {
		printf("\nring size sweep, payload GB/s, %u ms per point, best of %u:\n  %-9s",
		       c->sweep_ms, c->reps, "ring");
		for (i = 0; i < c->nr_sizes; i++)
			printf(" %9s", fmt_size(c->sizes[i], a, sizeof(a)));
		printf("  %9s\n", "geomean");
		for (r = 0; r < NR_SWEEP; r++) {
			printf("  %-9s", fmt_size(sweep_rings[r], a, sizeof(a)));
			for (i = 0; i < c->nr_sizes; i++) {
				if (sw[r][i].gbps > 0)
					printf(" %9.2f", sw[r][i].gbps);
				else
					printf(" %9s", "n/a");
			}
			printf("  %9.2f%s\n", score[r], sweep_rings[r] == c->ring ? "  <- default" : "");
		}
		printf("  default: the smallest ring within 5%% of the best geomean\n");
	}
	printf("\nthroughput, ring %s, %u ms per point, best of %u:\n",
	       fmt_size(c->ring, a, sizeof(a)), c->o.ms, c->reps);
	printf("  %-8s %7s %7s %7s %6s %7s %6s %8s  %s\n", "record", "GB/s", "Mrec/s",
	       "memcpy", "ratio", "xcore", "/xcore", "ntf/Mrec", "target");
	for (i = 0; i < c->nr_sizes; i++) {
		const struct twr_bench_tput *t = &tp[i];
		const char *tgt = target_text(t, &met);

		if (!t->records) {
			printf("  %-8s %8s  (does not fit the ring)\n",
			       fmt_size(t->rec, a, sizeof(a)), "n/a");
			continue;
		}

		printf("  %-8s %7.2f %7.2f %7.2f %6.2f %7.2f %6.2f %8.1f  %s%s\n",
		       fmt_size(t->rec, a, sizeof(a)), t->gbps, t->mrps, t->memcpy_gbps,
		       t->ratio, t->xcore_gbps, t->xcore_gbps > 0 ? t->gbps / t->xcore_gbps : 0,
		       (double)t->notify * 1e6 / (double)t->records,
		       tgt, met < 0 ? "" : met ? ": met" : ": MISSED");
	}
	printf("  (GB/s of payload; memcpy and xcore in GB/s: one core copying the same bytes,\n"
	       "   and the same bytes copied across the two cores with no ring logic)\n");
	printf("\nlatency, one record each way (round trip), ring %s:\n", fmt_size(c->ring, a, sizeof(a)));
	printf("  %-8s %-6s %9s %9s %9s %10s %8s\n", "record", "wait", "p50 ns", "p99 ns",
	       "min ns", "memcpy ns", "p50/cpy");
	for (i = 0; i < nr_lat; i++)
		printf("  %-8s %-6s %9.0f %9.0f %9.0f %10.1f %8.0f\n",
		       fmt_size(lat[i].rec, b, sizeof(b)), lat[i].sleep ? "sleep" : "spin",
		       lat[i].p50_ns, lat[i].p99_ns, lat[i].min_ns, lat[i].memcpy_ns,
		       lat[i].memcpy_ns > 0 ? lat[i].p50_ns / lat[i].memcpy_ns : 0);
}

static void print_tput_json(struct twr_json *j, const struct twr_bench_tput *t)
{
	int met;
	const char *tgt = target_text(t, &met);

	twr_json_obj_begin(j, NULL);
	twr_json_u64(j, "record_bytes", t->rec);
	twr_json_u64(j, "ring_bytes", t->ring);
	twr_json_u64(j, "records", t->records);
	twr_json_u64(j, "bytes", t->bytes);
	twr_json_fixed(j, "seconds", t->secs, 6);
	twr_json_fixed(j, "gbps", t->gbps, 4);
	twr_json_fixed(j, "mrecords_per_s", t->mrps, 4);
	twr_json_fixed(j, "memcpy_gbps", t->memcpy_gbps, 4);
	twr_json_fixed(j, "ratio", t->ratio, 4);
	twr_json_fixed(j, "xcore_gbps", t->xcore_gbps, 4);
	twr_json_u64(j, "notifications", t->notify);
	twr_json_u64(j, "wakeups", t->wakeups);
	twr_json_str(j, "target", tgt);
	if (met < 0)
		twr_json_null(j, "target_met");
	else
		twr_json_bool(j, "target_met", met);
	twr_json_obj_end(j);
}

static void print_json(const struct bench_cfg *c, int swept,
		       struct twr_bench_tput sw[][MAX_SIZES], const double *score,
		       const struct twr_bench_tput *tp, const struct twr_bench_lat *lat,
		       unsigned int nr_lat)
{
	struct twr_json j;
	unsigned int r, i;

	twr_json_init(&j, stdout, TWR_JSON_INDENT);
	twr_json_obj_begin(&j, NULL);
	twr_json_arr_begin(&j, "cpus");
	twr_json_i64(&j, NULL, c->o.cpu_prod);
	twr_json_i64(&j, NULL, c->o.cpu_cons);
	twr_json_arr_end(&j);
	twr_json_u64(&j, "spin", c->o.spin);
	twr_json_u64(&j, "batch_max", c->o.batch_max);
	twr_json_u64(&j, "ms_per_point", c->o.ms);
	twr_json_u64(&j, "reps", c->reps);
	twr_json_fixed(&j, "loadavg_1min", load_avg(), 2);
	twr_json_i64(&j, "online_cpus", sysconf(_SC_NPROCESSORS_ONLN));
	twr_json_u64(&j, "ring_bytes", c->ring);
	twr_json_str(&j, "ring_chosen_by",
		     swept ? "sweep: smallest within 5% of the best geomean GB/s" : "--ring");
	twr_json_arr_begin(&j, "sweep");
	for (r = 0; swept && r < NR_SWEEP; r++) {
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "ring_bytes", sweep_rings[r]);
		twr_json_fixed(&j, "geomean_gbps", score[r], 4);
		twr_json_arr_begin(&j, "points");
		for (i = 0; i < c->nr_sizes; i++)
			print_tput_json(&j, &sw[r][i]);
		twr_json_arr_end(&j);
		twr_json_obj_end(&j);
	}
	twr_json_arr_end(&j);
	twr_json_arr_begin(&j, "throughput");
	for (i = 0; i < c->nr_sizes; i++)
		print_tput_json(&j, &tp[i]);
	twr_json_arr_end(&j);
	twr_json_arr_begin(&j, "latency");
	for (i = 0; i < nr_lat; i++) {
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "record_bytes", lat[i].rec);
		twr_json_str(&j, "wait", lat[i].sleep ? "sleep" : "spin");
		twr_json_u64(&j, "samples", lat[i].samples);
		twr_json_fixed(&j, "p50_ns", lat[i].p50_ns, 0);
		twr_json_fixed(&j, "p99_ns", lat[i].p99_ns, 0);
		twr_json_fixed(&j, "min_ns", lat[i].min_ns, 0);
		twr_json_fixed(&j, "memcpy_ns", lat[i].memcpy_ns, 2);
		twr_json_obj_end(&j);
	}
	twr_json_arr_end(&j);
	twr_json_obj_end(&j);
	twr_json_finish(&j);
}

int main(int argc, char **argv)
{
	static struct twr_bench_tput sw[NR_SWEEP][MAX_SIZES];
	struct bench_cfg c = {
		.o = { .spin = 2000, .batch_max = 64, .ms = 300, .xcore = 1 },
		.sweep_ms = 100,
		.reps = 3,
		.lat_samples = 100000,
		.lat_rec = 64,
		.sizes = { 64, 1500, 4096, 65536 },
		.nr_sizes = 4,
	};
	struct twr_bench_tput tp[MAX_SIZES];
	uint32_t rings[MAX_SIZES];
	struct twr_bench_lat lat[2];
	double score[NR_SWEEP] = { 0 };
	unsigned int i;
	int ret, swept = 0;

	default_cpus(&c);
	if (parse_args(&c, argc, argv))
		return 2;
	if (c.o.cpu_prod == c.o.cpu_cons)
		fprintf(stderr, "ringbench: warning: only one core; producer and consumer share it\n");
	/* Try the consumer's core first, then stay on the producer's. */
	ret = twr_bench_pin(c.o.cpu_cons);
	if (!ret)
		ret = twr_bench_pin(c.o.cpu_prod);
	if (ret) {
		fprintf(stderr, "ringbench: cannot run on cpus %d,%d: %s (see --cpus)\n",
			c.o.cpu_prod, c.o.cpu_cons, strerror(-ret));
		return 1;
	}

	if (!c.ring) {
		ret = run_sweep(&c, sw, score);
		if (ret)
			goto fail;
		swept = 1;
	}
	memset(tp, 0, sizeof(tp));
	for (i = 0; i < c.nr_sizes; i++)
		rings[i] = c.ring;
	for (i = 0; i < c.reps; i++) {
		ret = tput_round(&c, &c.o, rings, tp, c.nr_sizes, c.o.ms);
		if (ret)
			goto fail;
	}
	ret = twr_bench_lat_run(&c.o, c.ring, c.lat_rec, 0, c.lat_samples, &lat[0]);
	if (ret)
		goto fail;
	/* Sleeping round trips cost tens of microseconds: fewer of them. */
	ret = twr_bench_lat_run(&c.o, c.ring, c.lat_rec, 1,
				c.lat_samples / 5 ? c.lat_samples / 5 : 1, &lat[1]);
	if (ret)
		goto fail;

	if (c.json)
		print_json(&c, swept, sw, score, tp, lat, 2);
	else
		print_table(&c, swept, sw, score, tp, lat, 2);
	return 0;
fail:
	fprintf(stderr, "ringbench: measurement failed: %s\n",
		ret == -ECHILD ? "the peer process died" : strerror(-ret));
	return 1;
}
