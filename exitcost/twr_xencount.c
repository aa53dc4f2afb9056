// SPDX-License-Identifier: MIT
/*
 * twr-xencount (dom0): what Xen did during a workload window, from its perf
 * counters (a hypervisor built with CONFIG_PERF_COUNTERS=y and
 * CONFIG_PERF_ARRAYS=y), and the dom0 <-> domU event-channel round trip.
 *
 *   twr-xencount run [--bytes N] [--transactions N] [--json] [--reset] -- CMD...
 *   twr-xencount begin --state FILE [--reset]
 *   twr-xencount end --state FILE [--bytes N] [--transactions N] [--json]
 *   twr-xencount ping --domid D [--count N] [--warmup N] [--timeout S] [--json]
 *
 * Windows are snapshot differences, so they do not disturb anyone else's
 * counters (xenperf -r zeroes them for everybody); --reset zeroes them
 * first anyway, for a window that starts from a clean slate.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenstore.h>

#include "twr_cpu.h"
#include "twr_json.h"
#include "twr_perfc.h"
#include "twr_stats.h"

_Static_assert(sizeof(struct twr_perfc_desc) == sizeof(xen_sysctl_perfc_desc_t), "desc size");
_Static_assert(sizeof(xen_sysctl_perfc_val_t) == sizeof(uint32_t), "value size");

struct twr_xc_opts {
	uint64_t bytes, transactions;
	const char *state;
	bool json, reset;
	unsigned int domid, count, warmup, timeout;
	bool have_domid;
};

static double twr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Queries all perf counters into *s. 0 or -errno, with a message. */
static int twr_xc_snap(xc_interface *xch, struct twr_perfc_snap *s)
{
	DECLARE_HYPERCALL_BUFFER(xc_perfc_desc_t, desc);
	DECLARE_HYPERCALL_BUFFER(xc_perfc_val_t, val);
	int nr_desc, nr_val, ret;

	if (xc_perfc_query_number(xch, &nr_desc, &nr_val)) {
		ret = -errno;
		fprintf(stderr, "twr-xencount: querying the perf counters: %s (%s)\n", strerror(errno),
			errno == ENOSYS ? "Xen built without CONFIG_PERF_COUNTERS=y" : "are you root in dom0?");
		return ret;
	}
	desc = xc_hypercall_buffer_alloc(xch, desc, sizeof(*desc) * nr_desc);
	val = xc_hypercall_buffer_alloc(xch, val, sizeof(*val) * (nr_val ? nr_val : 1));
	ret = -ENOMEM;
	if (!desc || !val)
		goto out;
	if (xc_perfc_query(xch, HYPERCALL_BUFFER(desc), HYPERCALL_BUFFER(val))) {
		ret = -errno;
		fprintf(stderr, "twr-xencount: reading the perf counters: %s\n", strerror(errno));
		goto out;
	}
	ret = twr_perfc_snap_load(s, (const struct twr_perfc_desc *)desc, nr_desc, val, nr_val);
	if (ret)
		fprintf(stderr, "twr-xencount: Xen's perf counter layout does not add up\n");
out:
	xc_hypercall_buffer_free(xch, desc);
	xc_hypercall_buffer_free(xch, val);
	return ret;
}

static bool twr_host_is_svm(void)
{
	struct twr_env e;

	twr_env_detect(&e);
	return e.amd;
}

static void twr_xc_report(const struct twr_perfc_snap *before, const struct twr_perfc_snap *after,
			  const struct twr_xc_opts *o, double secs, const char *cmd, int status)
{
	struct twr_perfc_snap d = { 0 };
	bool svm = twr_host_is_svm();
	struct twr_json j;

	if (twr_perfc_diff(before, after, &d)) {
		fprintf(stderr, "twr-xencount: the counters changed shape between begin and end "
			"(different Xen?)\n");
		return;
	}
	if (o->json) {
		twr_json_init(&j, stdout, TWR_JSON_INDENT);
		twr_json_obj_begin(&j, NULL);
		twr_json_str(&j, "tool", "twr-xencount");
		twr_json_double(&j, "window_seconds", secs);
		if (cmd) {
			twr_json_str(&j, "command", cmd);
			twr_json_i64(&j, "exit_status", status);
		}
		twr_perfc_report_json(&j, &d, o->bytes, o->transactions, svm);
		twr_json_obj_end(&j);
		twr_json_finish(&j);
	} else {
		printf("# window %.3f s%s%s", secs, cmd ? ", command: " : "", cmd ? cmd : "");
		if (o->bytes)
			printf(", %" PRIu64 " bytes", o->bytes);
		if (o->transactions)
			printf(", %" PRIu64 " transactions", o->transactions);
		printf("\n");
		twr_perfc_report_text(stdout, &d, o->bytes, o->transactions, svm);
	}
	twr_perfc_snap_free(&d);
}

static int twr_xc_reset(xc_interface *xch)
{
	if (!xc_perfc_reset(xch))
		return 0;
	fprintf(stderr, "twr-xencount: resetting the perf counters: %s\n", strerror(errno));
	return -errno;
}

static int twr_cmd_run(xc_interface *xch, const struct twr_xc_opts *o, char **argv)
{
	struct twr_perfc_snap before = { 0 }, after = { 0 };
	char cmd[512] = "";
	int status = -1, ret, i;
	double t0, t1;
	pid_t pid;

	if (!argv[0]) {
		fprintf(stderr, "twr-xencount run: no command (twr-xencount run [opts] -- CMD...)\n");
		return -EINVAL;
	}
	for (i = 0; argv[i]; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", i ? " " : "", argv[i]);
	if (o->reset && (ret = twr_xc_reset(xch)))
		return ret;
	ret = twr_xc_snap(xch, &before);
	if (ret)
		return ret;
	t0 = twr_now();
	pid = fork();
	if (pid == 0) {
		if (o->json)	/* stdout carries the JSON document */
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "twr-xencount: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		ret = -errno;
		goto out;
	}
	t1 = twr_now();
	ret = twr_xc_snap(xch, &after);
	if (ret)
		goto out;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	twr_xc_report(&before, &after, o, t1 - t0, cmd, status);
	ret = status ? -ECHILD : 0;
out:
	twr_perfc_snap_free(&before);
	twr_perfc_snap_free(&after);
	return ret;
}

static int twr_cmd_begin(xc_interface *xch, const struct twr_xc_opts *o)
{
	struct twr_perfc_snap s = { 0 };
	FILE *f;
	int ret;

	if (o->reset && (ret = twr_xc_reset(xch)))
		return ret;
	ret = twr_xc_snap(xch, &s);
	if (ret)
		return ret;
	f = fopen(o->state, "w");
	if (!f) {
		ret = -errno;
		fprintf(stderr, "twr-xencount: %s: %s\n", o->state, strerror(errno));
		goto out;
	}
	/* the window's start time travels with the counters */
	fprintf(f, "%.9f\n", twr_now());
	ret = twr_perfc_snap_write(f, &s);
	if (fclose(f) && !ret)
		ret = -errno;
out:
	twr_perfc_snap_free(&s);
	return ret;
}

static int twr_cmd_end(xc_interface *xch, const struct twr_xc_opts *o)
{
	struct twr_perfc_snap before = { 0 }, after = { 0 };
	double t0 = 0, t1 = twr_now();
	FILE *f;
	int ret;

	f = fopen(o->state, "r");
	if (!f) {
		fprintf(stderr, "twr-xencount: %s: %s (run 'twr-xencount begin' first)\n", o->state,
			strerror(errno));
		return -errno;
	}
	ret = fscanf(f, "%lf\n", &t0) == 1 ? twr_perfc_snap_read(f, &before) : -EINVAL;
	fclose(f);
	if (ret) {
		fprintf(stderr, "twr-xencount: %s is not a begin state file\n", o->state);
		return ret;
	}
	ret = twr_xc_snap(xch, &after);
	if (!ret)
		twr_xc_report(&before, &after, o, t1 - t0, NULL, 0);
	twr_perfc_snap_free(&before);
	twr_perfc_snap_free(&after);
	return ret;
}

/* Waits for an event on port; 0, or -ETIMEDOUT / -errno. */
static int twr_ping_wait(xenevtchn_handle *xce, evtchn_port_t port, int timeout_ms)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
	xenevtchn_port_or_error_t p;

	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);

		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return -errno;
		p = xenevtchn_pending(xce);
		if (p < 0)
			return -errno;
		xenevtchn_unmask(xce, p);
		if ((evtchn_port_t)p == port)
			return 0;
	}
}

static int twr_cmd_ping(const struct twr_xc_opts *o)
{
	char dir[96], path[128], val[32], *s;
	unsigned int total = o->count + o->warmup, i;
	struct twr_stats st;
	xenevtchn_port_or_error_t port;
	xenevtchn_handle *xce;
	struct xs_handle *xs;
	uint64_t *ns = NULL;
	struct twr_json j;
	double t0, t1;
	int ret = -EIO;

	xs = xs_open(0);
	xce = xenevtchn_open(NULL, 0);
	ns = calloc(o->count, sizeof(*ns));
	if (!xs || !xce || !ns) {
		fprintf(stderr, "twr-xencount ping: cannot open xenstore / the event channel device "
			"(root in dom0? xen-evtchn loaded?)\n");
		goto out;
	}
	snprintf(dir, sizeof(dir), "/local/domain/%u/data/twr-exitcost", o->domid);
	xs_rm(xs, XBT_NULL, dir);
	port = xenevtchn_bind_unbound_port(xce, o->domid);
	if (port < 0) {
		fprintf(stderr, "twr-xencount ping: unbound port for domain %u: %s\n", o->domid,
			strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/count", dir);
	snprintf(val, sizeof(val), "%u", total);
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)))
		goto out_xs;
	snprintf(path, sizeof(path), "%s/dom0-port", dir);
	snprintf(val, sizeof(val), "%u", (unsigned int)port);
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)))
		goto out_xs;
	/* wait for 'twr-exitcost pong' in the domU to bind */
	snprintf(path, sizeof(path), "%s/domu-port", dir);
	t0 = twr_now();
	while (!(s = xs_read(xs, XBT_NULL, path, NULL)) && twr_now() - t0 < o->timeout)
		usleep(10000);
	if (!s) {
		fprintf(stderr, "twr-xencount ping: domain %u did not bind within %u s "
			"(is 'twr-exitcost pong' running there?)\n", o->domid, o->timeout);
		ret = -ETIMEDOUT;
		goto out_unbind;
	}
	free(s);
	/* nothing may be pending before the first ping, or it would be taken
	 * for the answer */
	while (!twr_ping_wait(xce, port, 100))
		;
	for (i = 0; i < total; i++) {
		t0 = twr_now();
		if (xenevtchn_notify(xce, port) < 0) {
			ret = -errno;
			goto out_unbind;
		}
		ret = twr_ping_wait(xce, port, o->timeout * 1000);
		t1 = twr_now();
		if (ret) {
			fprintf(stderr, "twr-xencount ping: no answer to ping %u: %s\n", i, strerror(-ret));
			goto out_unbind;
		}
		if (i >= o->warmup)
			ns[i - o->warmup] = (uint64_t)((t1 - t0) * 1e9);
	}
	twr_stats_summarize(ns, o->count, 0, &st);
	if (o->json) {
		twr_json_init(&j, stdout, TWR_JSON_INDENT);
		twr_json_obj_begin(&j, NULL);
		twr_json_str(&j, "tool", "twr-xencount");
		twr_json_str(&j, "test", "evtchn_rtt");
		twr_json_u64(&j, "domid", o->domid);
		twr_json_str(&j, "unit", "ns");
		twr_json_u64(&j, "samples", st.n);
		twr_json_u64(&j, "warmup", o->warmup);
		twr_json_u64(&j, "min", st.min);
		twr_json_u64(&j, "p50", st.p50);
		twr_json_u64(&j, "p95", st.p95);
		twr_json_u64(&j, "p99", st.p99);
		twr_json_u64(&j, "max", st.max);
		twr_json_double(&j, "mean", st.mean);
		twr_json_obj_end(&j);
		twr_json_finish(&j);
	} else {
		printf("evtchn_rtt_ns %" PRIu64 "\n#   dom0<->domain %u round trip: min %" PRIu64
		       " p50 %" PRIu64 " p95 %" PRIu64 " p99 %" PRIu64 " ns (%" PRIu64 " samples)\n",
		       st.p50, o->domid, st.min, st.p50, st.p95, st.p99, st.n);
	}
	ret = 0;
	goto out_unbind;

out_xs:
	fprintf(stderr, "twr-xencount ping: writing %s: %s\n", path, strerror(errno));
out_unbind:
	xenevtchn_unbind(xce, port);
	xs_rm(xs, XBT_NULL, dir);
out:
	free(ns);
	if (xce)
		xenevtchn_close(xce);
	if (xs)
		xs_close(xs);
	return ret;
}

static void twr_xc_usage(FILE *f)
{
	fprintf(f,
		"usage: twr-xencount run [--bytes N] [--transactions N] [--json] [--reset] -- CMD...\n"
		"       twr-xencount begin --state FILE [--reset]\n"
		"       twr-xencount end --state FILE [--bytes N] [--transactions N] [--json]\n"
		"       twr-xencount ping --domid D [--count N] [--warmup N] [--timeout S] [--json]\n");
}

static int twr_xc_parse(int argc, char **argv, struct twr_xc_opts *o)
{
	static const struct option lo[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "transactions", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "reset", no_argument, NULL, 'r' },
		{ "domid", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	char *end;
	int c;

	*o = (struct twr_xc_opts){ .count = 1000, .warmup = 100, .timeout = 30 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		if (c == 'j' || c == 'r') {
			*(c == 'j' ? &o->json : &o->reset) = true;
			continue;
		}
		if (c == 's') {
			o->state = optarg;
			continue;
		}
		if (c == '?')
			return -EINVAL;
		errno = 0;
		v = strtoull(optarg, &end, 0);
		if (errno || end == optarg || *end ||
		    (c != 'b' && c != 't' && v > 0x7fffffffull) ||
		    ((c == 'c' || c == 'T') && v == 0)) {
			fprintf(stderr, "twr-xencount: bad number '%s'\n", optarg);
			return -EINVAL;
		}
		switch (c) {
		case 'b': o->bytes = v; break;
		case 't': o->transactions = v; break;
		case 'd': o->domid = v; o->have_domid = true; break;
		case 'c': o->count = v; break;
		case 'w': o->warmup = v; break;
		case 'T': o->timeout = v; break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct twr_xc_opts o;
	xc_interface *xch;
	const char *sub;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		twr_xc_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (twr_xc_parse(argc - 1, argv + 1, &o)) {
		twr_xc_usage(stderr);
		return 2;
	}
	if (!strcmp(sub, "ping")) {
		if (!o.have_domid) {
			fprintf(stderr, "twr-xencount ping: --domid is required\n");
			return 2;
		}
		return twr_cmd_ping(&o) ? 1 : 0;
	}
	if (strcmp(sub, "run") && strcmp(sub, "begin") && strcmp(sub, "end")) {
		fprintf(stderr, "twr-xencount: unknown subcommand '%s'\n", sub);
		twr_xc_usage(stderr);
		return 2;
	}
	if (strcmp(sub, "run") && !o.state) {
		fprintf(stderr, "twr-xencount %s: --state FILE is required\n", sub);
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "twr-xencount: cannot open the Xen control interface "
			"(run as root in dom0, with xen-privcmd loaded)\n");
		return 1;
	}
	if (!strcmp(sub, "run"))
		ret = twr_cmd_run(xch, &o, argv + 1 + optind);
	else if (!strcmp(sub, "begin"))
		ret = twr_cmd_begin(xch, &o);
	else
		ret = twr_cmd_end(xch, &o);
	xc_interface_close(xch);
	return ret ? 1 : 0;
}
