// SPDX-License-Identifier: MIT
/*
 * twinctl: attach, detach and inspect twinring devices (twinctl(8)); the
 * commands that read xl configs, check and sync, are in twinctl_cfg.c.
 *
 * Exit codes: 0 success, 1 runtime error (the message says what to check),
 * 2 usage error (bad command line or device spec).
 */
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twinctl.h"
#include "twinring/xenbus.h"
#include "twr_dconf.h"
#include "twr_dev.h"
#include "twr_dev_stats.h"
#include "twr_devlist.h"
#include "twr_domain.h"
#include "twr_host.h"
#include "twr_hotplug.h"
#include "twr_json.h"
#include "twr_killpoint.h"
#include "twr_lock.h"
#include "twr_modver.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

static void usage(FILE *f)
{
	fputs("usage: twinctl [--json] [--timeout SECONDS] [--no-bridge] [--go-ahead] COMMAND ...\n"
	      "\n"
	      "  attach DOMAIN net bridge=BRIDGE [queues=N] [mac=MAC] [script=SCRIPT] [backend=DOM]\n"
	      "  attach DOMAIN blk target=PATH vdev=NAME [mode=r|w] [cache=none|writeback] [queues=N] [iops=N] [bw=N[KMG]] [backend=DOM]\n"
	      "  detach [-f] DOMAIN net|blk DEVID\n"
	      "  list                      all twinring devices of all domains\n"
	      "  show DOMAIN               the devices of one domain, in detail\n"
	      "  stats DOMAIN              the backend's counters of its devices\n"
	      "  check FILE                what twinringd would attach from an xl config\n"
	      "  sync DOMAIN               apply the domain's xl config as the file reads now\n"
	      "\n"
	      "DOMAIN is a name or an id. --json applies to list, show, stats, attach and detach.\n"
	      "twinctl COMMAND --help: that command's usage.\n"
	      "--go-ahead: write iotask-ready with the device (no twinringd, no I/O tasks).\n"
	      "Exit codes: 0 ok, 1 runtime error, 2 usage. See twinctl(8), twinring.cfg(5).\n",
	      f);
}

int twinctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("twinctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(twinctl --help for usage)\n", stderr);
	return EXIT_USAGE;
}

/* The usage lines of one command (twinctl COMMAND --help). */
static int command_usage(const char *cmd)
{
	static const struct {
		const char *cmd, *text;
	} help[] = {
		{ "attach",
		  "usage: twinctl [--json] [--timeout SECONDS] [--no-bridge] [--go-ahead] attach DOMAIN net bridge=BRIDGE [queues=N] [mac=MAC] [script=SCRIPT] [backend=DOM]\n"
		  "       twinctl [--json] [--go-ahead] attach DOMAIN blk target=PATH vdev=NAME [mode=r|w] [cache=none|writeback] [queues=N] [iops=N] [bw=N[KMG]] [backend=DOM]\n"
		  "Attach one device; the keys are those of an xl config entry (twinring.cfg(5)).\n"
		  "--timeout: how long to wait for the backend netdev to bridge (default 10 s).\n"
		  "script=: run that hotplug script (xl's conventions) instead of bridging;\n"
		  "a failing script detaches the device again.\n" },
		{ "detach",
		  "usage: twinctl [--json] [--timeout SECONDS] detach [-f|--force] DOMAIN net|blk DEVID\n"
		  "Close the device (online 0, Closing), wait --timeout (default 10 s) for the\n"
		  "backend's Closed, then remove both directories. A disk in use in the guest\n"
		  "(mounted, held open) is not closed: it stays, closing, until its last user\n"
		  "lets go, and detach fails saying so. -f removes the device at once, whatever\n"
		  "holds it (the guest's I/O on it fails).\n" },
		{ "list", "usage: twinctl [--json] list\nEvery twinring device of every domain, one line each.\n" },
		{ "show",
		  "usage: twinctl [--json] show DOMAIN\n"
		  "One domain's devices in detail, and what twinringd recorded: its config file, its errors.\n" },
		{ "stats", "usage: twinctl [--json] stats DOMAIN\nThe backend's counters of each device.\n" },
		{ "check",
		  "usage: twinctl check FILE\n"
		  "What twinringd would attach from the xl config FILE, each entry with its line;\n"
		  "exit 1 when an entry is wrong. Nothing is attached.\n" },
		{ "sync",
		  "usage: twinctl [--timeout SECONDS] sync DOMAIN\n"
		  "Apply the domain's xl config as the file reads now: detach the devices of entries\n"
		  "gone from it, attach new ones. twinringd's restarts and reloads never do this.\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
		if (!strcmp(cmd, help[i].cmd)) {
			fputs(help[i].text, stdout);
			fputs("Exit codes: 0 ok, 1 runtime error, 2 usage. See twinctl(8).\n", stdout);
			return 0;
		}
	}
	return twinctl_usage_error("unknown command '%s'", cmd);
}

int twinctl_runtime_error(struct ctl *c)
{
	fprintf(stderr, "twinctl: %s\n", twr_tool_error(&c->tool));
	return EXIT_RUNTIME;
}

int twinctl_open_tool(struct ctl *c)
{
	const char *at = getenv(TWR_KILL_ENV);

	if (twr_tool_open(&c->tool))
		return twinctl_runtime_error(c);
	/* The restart tests' hook (twinringd(8), TESTING): a typo must not
	 * turn a crash test into a no-op. */
	if (at && *at) {
		if (!twr_killpoint_valid(at))
			return twinctl_usage_error("%s=%s: not a kill point (twinringd(8), TESTING)",
						   TWR_KILL_ENV, at);
		c->tool.kill_at = at;
	}
	return 0;
}

static void twinctl_modver_report(void *arg, const char *name, const char *mod_version)
{
	char msg[512];

	twr_modver_message(msg, sizeof(msg), "twinctl", PACKAGE_VERSION, name, mod_version);
	fprintf(stderr, "twinctl: warning: %s\n", msg);
}

/* Warn (on stderr, whatever the output format) about each loaded module of
 * another release; attach and list, the commands that meet the drivers. */
static void twinctl_modver_warn(struct ctl *c)
{
	twr_modver_check(c->tool.sysfs, PACKAGE_VERSION, twinctl_modver_report, NULL);
}

/*
 * Run a new device's script= (twr_hotplug.h): wait up to --timeout for its
 * backend netdev, then "online". A script that fails fails the attach, as
 * with xl: the device is detached again. Returns 0 or an exit code.
 */
static int attach_script(struct ctl *c, uint32_t domid, const struct twr_dev_desc *d)
{
	char why[TWR_TOOL_ERR_MAX];
	unsigned int waited = 0;
	bool ran;
	int ret;

	while (twr_net_ifindex(&c->tool, domid, d->devid) < 0) {
		if (waited >= c->timeout_ms) {
			fprintf(stderr, "twinctl: warning: backend netdev " TWR_NET_IFNAME_FMT " did not appear within %u ms: twinringd runs %s when it does (is the twinring netback module loaded?)\n",
				domid, d->devid, c->timeout_ms, d->spec.net.script);
			return 0;
		}
		poll(NULL, 0, 100);
		waited += 100;
	}
	ret = twr_net_hotplug(&c->tool, domid, d->devid, true, TWR_SCRIPT_TIMEOUT_MS,
			      TWR_HOTPLUG_WAIT, &ran);
	if (!ret)
		return 0;
	snprintf(why, sizeof(why), "%s", twr_tool_error(&c->tool));
	fprintf(stderr, "twinctl: %s: detaching the device\n", why);
	if (twr_dev_destroy(&c->tool, domid, TWR_DEV_NET, d->devid, c->timeout_ms, 0))
		fprintf(stderr, "twinctl: %s\n", twr_tool_error(&c->tool));
	return EXIT_RUNTIME;
}

static int cmd_attach(struct ctl *c, int argc, char **argv)
{
	char spec_str[TWR_SPEC_MAX_LEN + 1], mac[18], name[TWR_DOMNAME_MAX];
	struct twr_spec_error err;
	struct twr_dconf dconf;
	struct twr_spec spec;
	struct twr_dev_desc d;
	uint32_t domid;
	size_t len = 0;
	bool bridged = false;
	long holder;
	int i, ret;

	if (argc < 2)
		return twinctl_usage_error("attach needs a domain and a device type (%s)",
					   "twinctl attach DOMAIN net|blk key=value ...");
	/* "net bridge=x queues=2" and "net, bridge=x" both become xl's form. */
	spec_str[0] = '\0';
	for (i = 1; i < argc; i++) {
		int n = snprintf(spec_str + len, sizeof(spec_str) - len, "%s%s",
				 i > 1 ? "," : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(spec_str) - len)
			return twinctl_usage_error("device spec too long (%s)",
						   "at most 1024 characters");
		len += (size_t)n;
	}
	/* Tolerate the commas of a spec given as separate words. */
	for (i = 0; spec_str[i]; i++)
		if (spec_str[i] == ',' && spec_str[i + 1] == ',')
			memmove(&spec_str[i], &spec_str[i + 1], strlen(&spec_str[i]));
	if (twr_spec_parse(spec_str, &spec, &err))
		return twinctl_usage_error("bad device spec: %s", err.msg);

	ret = twinctl_open_tool(c);
	if (ret)
		return ret;
	twinctl_modver_warn(c);
	/* A script name is looked up where twinringd looks it up. */
	if (spec.kind == TWR_DEV_NET && spec.net.script[0] && spec.net.script[0] != '/') {
		char cerr[TWR_TOOL_ERR_MAX];

		if (twr_dconf_read(TWR_DCONF_PATH, &dconf, cerr, sizeof(cerr))) {
			fprintf(stderr, "twinctl: %s\n", cerr);
			return EXIT_RUNTIME;
		}
		if (dconf.has_scripts_dir)
			c->tool.scripts_dir = dconf.scripts_dir;
	}
	if (twr_domain_resolve(&c->tool, argv[0], &domid) ||
	    twr_dev_create(&c->tool, domid, &spec, NULL,
			   c->go_ahead ? TWR_DEV_F_GO_AHEAD : 0, &d))
		return twinctl_runtime_error(c);
	twr_domain_name(&c->tool, domid, name, sizeof(name));

	if (!c->json) {
		if (d.spec.kind == TWR_DEV_NET) {
			twr_mac_format(d.spec.net.mac, mac, sizeof(mac));
			printf("domain %s (%u): attached twinnet device %u, mac %s, bridge %s, backend netdev " TWR_NET_IFNAME_FMT "\n",
			       name, domid, d.devid, mac, d.spec.net.bridge, domid, d.devid);
		} else {
			printf("domain %s (%u): attached twinblk device %u, vdev %s, target %s (%s)\n",
			       name, domid, d.devid, d.spec.blk.vdev, d.spec.blk.target,
			       d.spec.blk.writable ? "read-write" : "read-only");
		}
		fflush(stdout);
	}
	if (!c->go_ahead && d.backend == 0 &&
	    !twr_daemon_holder(TWR_DAEMON_LOCK, &holder) && !holder)
		fprintf(stderr, "twinctl: note: twinringd is not running, so nobody gives this device its go-ahead:\n"
			"  the backend maps nothing until %s exists (docs/iotask.md). Start twinringd,\n"
			"  or detach and attach again with --go-ahead (only without I/O task enforcement).\n",
			TWR_XS_IOTASK_READY);
	if (d.spec.kind == TWR_DEV_NET && c->bridge && d.backend == 0 && d.spec.net.script[0]) {
		ret = attach_script(c, domid, &d);
		if (ret)
			return ret;
		bridged = true;
	} else if (d.spec.kind == TWR_DEV_NET && c->bridge && d.backend == 0) {
		ret = twr_net_bridge(&c->tool, domid, d.devid, d.spec.net.bridge,
				     c->timeout_ms);
		if (ret)
			fprintf(stderr, "twinctl: warning: %s\n", twr_tool_error(&c->tool));
		else
			bridged = true;
	}
	if (c->json) {
		struct twr_json j;

		twr_json_init(&j, stdout, TWR_JSON_COMPACT);
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "domid", domid);
		twr_json_str(&j, "domain", name);
		twr_json_str(&j, "kind", twr_dev_kind_xs(d.spec.kind));
		twr_json_u64(&j, "devid", d.devid);
		twr_json_u64(&j, "backend", d.backend);
		if (d.spec.kind == TWR_DEV_NET) {
			twr_mac_format(d.spec.net.mac, mac, sizeof(mac));
			twr_json_str(&j, "mac", mac);
			twr_json_str(&j, "bridge", d.spec.net.bridge);
			twr_json_bool(&j, "bridged", bridged);
		} else {
			twr_json_str(&j, "vdev", d.spec.blk.vdev);
			twr_json_str(&j, "target", d.spec.blk.target);
			twr_json_str(&j, "mode", d.spec.blk.writable ? "w" : "r");
		}
		twr_json_obj_end(&j);
		twr_json_finish(&j);
	} else if (bridged && d.spec.net.script[0]) {
		printf("domain %s (%u): " TWR_NET_IFNAME_FMT " set up by %s\n",
		       name, domid, domid, d.devid, d.spec.net.script);
	} else if (bridged) {
		printf("domain %s (%u): " TWR_NET_IFNAME_FMT " is on bridge %s\n",
		       name, domid, domid, d.devid, d.spec.net.bridge);
	}
	return 0;
}

static int cmd_detach(struct ctl *c, int argc, char **argv)
{
	unsigned int flags = TWR_DESTROY_IDLE;
	enum twr_dev_kind kind;
	uint32_t domid, devid;
	int ret;

	if (argc > 0 && (!strcmp(argv[0], "-f") || !strcmp(argv[0], "--force"))) {
		flags = TWR_DESTROY_FORCE;
		argc--;
		argv++;
	}
	if (argc != 3)
		return twinctl_usage_error("detach needs a domain, a kind and a device id (%s)",
					   "twinctl detach [-f] DOMAIN net|blk DEVID");
	if (twr_dev_kind_parse(argv[1], &kind))
		return twinctl_usage_error("unknown device kind '%s': use net or blk", argv[1]);
	if (twr_id_parse(argv[2], &devid))
		return twinctl_usage_error("bad device id '%s': a number, see twinctl show",
					   argv[2]);
	ret = twinctl_open_tool(c);
	if (ret)
		return ret;
	if (twr_domain_resolve(&c->tool, argv[0], &domid))
		return twinctl_runtime_error(c);
	ret = twr_dev_destroy(&c->tool, domid, kind, devid, c->timeout_ms, flags);
	if (ret < 0)
		return twinctl_runtime_error(c);
	if (ret > 0)
		fprintf(stderr, "twinctl: warning: %s\n", twr_tool_error(&c->tool));
	if (c->json) {
		struct twr_json j;

		twr_json_init(&j, stdout, TWR_JSON_COMPACT);
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "domid", domid);
		twr_json_str(&j, "domain", argv[0]);
		twr_json_str(&j, "kind", twr_dev_kind_xs(kind));
		twr_json_u64(&j, "devid", devid);
		/* false: removed after --timeout without the backend's Closed */
		twr_json_bool(&j, "closed_in_time", ret == 0);
		twr_json_obj_end(&j);
		twr_json_finish(&j);
	} else {
		printf("domain %s: detached %s device %u\n", argv[0],
		       twr_dev_kind_xs(kind), devid);
	}
	return 0;
}

static const char *dev_detail(const struct twr_dev_info *d, char *buf, size_t len)
{
	if (!d->has_backend)
		snprintf(buf, len, "(no backend directory)");
	else if (d->kind == TWR_DEV_NET)
		snprintf(buf, len, "bridge=%s mac=%s", d->bridge, d->mac);
	else
		snprintf(buf, len, "vdev=%s mode=%s target=%s", d->vdev, d->mode, d->target);
	return buf;
}

static void json_dev(struct twr_json *j, const struct twr_dev_info *d)
{
	twr_json_str(j, "kind", twr_dev_kind_xs(d->kind));
	twr_json_u64(j, "devid", d->devid);
	twr_json_u64(j, "backend", d->backend);
	twr_json_str(j, "frontend_state", twr_xenbus_state_name(d->fe_state));
	twr_json_str(j, "backend_state", twr_xenbus_state_name(d->be_state));
	twr_json_bool(j, "online", d->online);
	twr_json_bool(j, "iotask_ready", d->go_ahead);
	twr_json_u64(j, "max_queues", d->max_queues);
	twr_json_u64(j, "num_queues", d->num_queues);
	if (d->kind == TWR_DEV_NET) {
		twr_json_str(j, "bridge", d->bridge);
		twr_json_str(j, "mac", d->mac);
	} else {
		twr_json_str(j, "vdev", d->vdev);
		twr_json_str(j, "target", d->target);
		twr_json_str(j, "mode", d->mode);
	}
	if (d->has_frontend)
		twr_json_str(j, "frontend_path", d->fe_dir);
	else
		twr_json_null(j, "frontend_path");
	if (d->has_backend)
		twr_json_str(j, "backend_path", d->be_dir);
	else
		twr_json_null(j, "backend_path");
}

static int cmd_list(struct ctl *c, int argc, char **argv)
{
	char name[TWR_DOMNAME_MAX], detail[TWR_SPEC_TARGET_MAX + 64];
	struct twr_dev_info *devs;
	struct twr_json j;
	uint32_t *doms;
	int ndoms, n, i, k, total = 0;

	if (argc)
		return twinctl_usage_error("list takes no arguments (got '%s')", argv[0]);
	if (twinctl_open_tool(c))
		return EXIT_RUNTIME;
	twinctl_modver_warn(c);
	ndoms = twr_domain_list(&c->tool, &doms);
	if (ndoms < 0)
		return twinctl_runtime_error(c);
	if (c->json) {
		twr_json_init(&j, stdout, TWR_JSON_COMPACT);
		twr_json_arr_begin(&j, NULL);
	}
	for (i = 0; i < ndoms; i++) {
		n = twr_dev_list(&c->tool, doms[i], &devs);
		if (n < 0) {
			free(doms);
			return twinctl_runtime_error(c);
		}
		if (twr_domain_name(&c->tool, doms[i], name, sizeof(name)))
			name[0] = '\0';
		for (k = 0; k < n; k++, total++) {
			const struct twr_dev_info *d = &devs[k];

			if (c->json) {
				twr_json_obj_begin(&j, NULL);
				twr_json_u64(&j, "domid", d->domid);
				twr_json_str(&j, "domain", name);
				json_dev(&j, d);
				twr_json_obj_end(&j);
				continue;
			}
			if (total == 0)
				printf("%-16s %5s %-7s %5s %7s %-13s %-13s %s\n", "DOMAIN", "ID",
				       "KIND", "DEVID", "BACKEND", "FRONTEND", "BACKEND-STATE",
				       "DETAIL");
			printf("%-16s %5u %-7s %5u %7u %-13s %-13s %s\n", name, d->domid,
			       twr_dev_kind_xs(d->kind), d->devid, d->backend,
			       twr_xenbus_state_name(d->fe_state),
			       twr_xenbus_state_name(d->be_state),
			       dev_detail(d, detail, sizeof(detail)));
		}
		free(devs);
	}
	free(doms);
	if (c->json) {
		twr_json_arr_end(&j);
		twr_json_finish(&j);
	} else if (total == 0) {
		printf("no twinring devices\n");
	}
	return 0;
}

static int cmd_show(struct ctl *c, int argc, char **argv)
{
	struct twr_daemon_status *ds;
	char name[TWR_DOMNAME_MAX], ifname[32];
	struct twr_dev_info *devs;
	struct twr_json j;
	uint32_t domid;
	int n, k;

	if (argc != 1)
		return twinctl_usage_error("show needs exactly one domain (%s)",
					   "twinctl show DOMAIN");
	if (twinctl_open_tool(c))
		return EXIT_RUNTIME;
	if (twr_domain_resolve(&c->tool, argv[0], &domid))
		return twinctl_runtime_error(c);
	twr_domain_name(&c->tool, domid, name, sizeof(name));
	n = twr_dev_list(&c->tool, domid, &devs);
	if (n < 0)
		return twinctl_runtime_error(c);
	if (twr_daemon_status_read(&c->tool, domid, &ds)) {
		free(devs);
		return twinctl_runtime_error(c);
	}
	if (c->json) {
		twr_json_init(&j, stdout, TWR_JSON_COMPACT);
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "domid", domid);
		twr_json_str(&j, "domain", name);
		twr_json_obj_begin(&j, "twinringd");
		twr_json_bool(&j, "handled", ds->present);
		twr_json_str(&j, "config", ds->config);
		twr_json_arr_begin(&j, "errors");
		for (k = 0; k < (int)ds->n_errors; k++)
			twr_json_str(&j, NULL, ds->errors[k]);
		twr_json_arr_end(&j);
		twr_json_obj_end(&j);
		twr_json_arr_begin(&j, "devices");
		for (k = 0; k < n; k++) {
			twr_json_obj_begin(&j, NULL);
			json_dev(&j, &devs[k]);
			twr_json_obj_end(&j);
		}
		twr_json_arr_end(&j);
		twr_json_obj_end(&j);
		twr_json_finish(&j);
		free(ds);
		free(devs);
		return 0;
	}
	printf("domain %s (%u): %d twinring device%s\n", name, domid, n, n == 1 ? "" : "s");
	if (ds->present)
		printf("twinringd: config %s\n", ds->config[0] ? ds->config : "(none found)");
	for (k = 0; k < (int)ds->n_errors; k++)
		printf("twinringd: error: %s\n", ds->errors[k]);
	free(ds);
	for (k = 0; k < n; k++) {
		const struct twr_dev_info *d = &devs[k];

		printf("\n%s %u  (backend domain %u)\n", twr_dev_kind_xs(d->kind), d->devid,
		       d->backend);
		printf("  state      frontend %s, backend %s%s\n",
		       twr_xenbus_state_name(d->fe_state), twr_xenbus_state_name(d->be_state),
		       d->has_backend && !d->online ? " (offline)" : "");
		printf("  queues     %u used of %u allowed\n", d->num_queues, d->max_queues);
		printf("  go-ahead   %s\n", d->go_ahead ? "yes (iotask-ready)" :
		       "not yet (the backend maps nothing before iotask-ready)");
		if (d->kind == TWR_DEV_NET) {
			snprintf(ifname, sizeof(ifname), TWR_NET_IFNAME_FMT, d->domid, d->devid);
			printf("  mac        %s\n  bridge     %s\n  netdev     %s\n", d->mac,
			       d->bridge, ifname);
		} else {
			printf("  vdev       %s\n  target     %s\n  mode       %s\n", d->vdev,
			       d->target, !strcmp(d->mode, "r") ? "read-only" : "read-write");
		}
		printf("  frontend   %s\n  backend    %s\n",
		       d->has_frontend ? d->fe_dir : "(missing)",
		       d->has_backend ? d->be_dir : "(missing)");
	}
	free(devs);
	return 0;
}

static int cmd_stats(struct ctl *c, int argc, char **argv)
{
	struct twr_dev_info *devs;
	struct twr_stat *st;
	struct twr_json j;
	uint32_t domid;
	int n, k, m, s;

	if (argc != 1)
		return twinctl_usage_error("stats needs exactly one domain (%s)",
					   "twinctl stats DOMAIN");
	if (twinctl_open_tool(c))
		return EXIT_RUNTIME;
	if (twr_domain_resolve(&c->tool, argv[0], &domid))
		return twinctl_runtime_error(c);
	n = twr_dev_list(&c->tool, domid, &devs);
	if (n < 0)
		return twinctl_runtime_error(c);
	if (c->json) {
		twr_json_init(&j, stdout, TWR_JSON_COMPACT);
		twr_json_obj_begin(&j, NULL);
		twr_json_u64(&j, "domid", domid);
		twr_json_arr_begin(&j, "devices");
	} else if (n == 0) {
		printf("domain %s has no twinring devices\n", argv[0]);
	}
	for (k = 0; k < n; k++) {
		m = twr_dev_stats(&c->tool, &devs[k], &st);
		if (m < 0) {
			free(devs);
			return twinctl_runtime_error(c);
		}
		if (c->json) {
			twr_json_obj_begin(&j, NULL);
			twr_json_str(&j, "kind", twr_dev_kind_xs(devs[k].kind));
			twr_json_u64(&j, "devid", devs[k].devid);
			twr_json_bool(&j, "available", m > 0);
			if (m == 0)
				twr_json_str(&j, "reason", twr_tool_error(&c->tool));
			twr_json_arr_begin(&j, "counters");
			for (s = 0; s < m; s++) {
				twr_json_obj_begin(&j, NULL);
				twr_json_str(&j, "source", st[s].source);
				twr_json_str(&j, "name", st[s].name);
				twr_json_u64(&j, "value", st[s].value);
				twr_json_obj_end(&j);
			}
			twr_json_arr_end(&j);
			twr_json_obj_end(&j);
		} else {
			printf("%s %u:\n", twr_dev_kind_xs(devs[k].kind), devs[k].devid);
			if (m == 0)
				printf("  %s\n", twr_tool_error(&c->tool));
			for (s = 0; s < m; s++)
				printf("  %-8s %-32s %llu\n", st[s].source, st[s].name,
				       (unsigned long long)st[s].value);
		}
		free(st);
	}
	if (c->json) {
		twr_json_arr_end(&j);
		twr_json_obj_end(&j);
		twr_json_finish(&j);
	}
	free(devs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-bridge", no_argument, NULL, 'B' },
		{ "go-ahead", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .bridge = true, .timeout_ms = 10000 };
	const char *cmd;
	uint32_t secs;
	int opt, ret;

	/* '+': options end at the command, so "key=value" words pass through. */
	while ((opt = getopt_long(argc, argv, "+jt:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 't':
			if (twr_id_parse(optarg, &secs) || secs > 3600)
				return twinctl_usage_error("--timeout %s: expected seconds, 0 to 3600",
							   optarg);
			c.timeout_ms = secs * 1000;
			break;
		case 'B':
			c.bridge = false;
			break;
		case 'G':
			c.go_ahead = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("twinctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	/* "twinctl attach --help": that command's lines of the usage. */
	for (opt = 0; opt < argc; opt++)
		if (!strcmp(argv[opt], "--help") || !strcmp(argv[opt], "-h"))
			return command_usage(cmd);
	/* Accept --json after the command too: "twinctl list --json". */
	for (opt = 0; opt < argc; opt++) {
		if (strcmp(argv[opt], "--json") && strcmp(argv[opt], "-j"))
			continue;
		c.json = true;
		memmove(&argv[opt], &argv[opt + 1], (size_t)(argc - opt) * sizeof(*argv));
		argc--;
		opt--;
	}

	if (!strcmp(cmd, "check"))
		ret = twinctl_cmd_check(&c, argc, argv);
	else if (!strcmp(cmd, "sync"))
		ret = twinctl_cmd_sync(&c, argc, argv);
	else if (!strcmp(cmd, "attach"))
		ret = cmd_attach(&c, argc, argv);
	else if (!strcmp(cmd, "detach"))
		ret = cmd_detach(&c, argc, argv);
	else if (!strcmp(cmd, "list"))
		ret = cmd_list(&c, argc, argv);
	else if (!strcmp(cmd, "show"))
		ret = cmd_show(&c, argc, argv);
	else if (!strcmp(cmd, "stats"))
		ret = cmd_stats(&c, argc, argv);
	else
		ret = twinctl_usage_error("unknown command '%s'", cmd);
	twr_tool_close(&c.tool);
	return ret;
}
