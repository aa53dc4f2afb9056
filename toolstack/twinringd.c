// SPDX-License-Identifier: MIT
/*
 * twinringd: attaches the twinring devices a domU's xl config asks for when
 * the domain appears, follows their states, bridges their backend netdevs,
 * and removes everything when the domain dies (twinringd(8)).
 *
 * Xen 4.17's @introduceDomain/@releaseDomain watches carry no domid, so
 * every such event means "rescan": the live domains come from
 * xc_domain_getinfolist() and are diffed against the ones we know. The
 * daemon keeps no state of its own worth losing: what it did is recorded
 * in xenstore (TWR_XS_DAEMON_ROOT, written in the same transaction as each
 * device), so after a restart, or kill -9, the first rescan reconciles.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "twrd.h"	/* first of the Xen headers: xenctrl.h */
#include <libxlutil.h>
#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_dconf.h"
#include "twr_hotplug.h"
#include "twr_killpoint.h"
#include "twr_lock.h"
#include "twr_modver.h"
#include "twr_notify.h"
#include "twr_tool.h"
#include "twr_xlcfg.h"
#include "twr_xsplan.h"

#define TICK_MS		5000	/* bridge-check period */
#define FOLLOW_GAP_MS	20	/* least time between two event-driven passes */

static volatile sig_atomic_t g_stop, g_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_hup = 1;
	else
		g_stop = 1;
}

/* The daemon's own config (twr_dconf.h), over the defaults; the command
 * line wins. All or nothing: on an error nothing changes and the caller
 * decides (at start: exit; on SIGHUP: keep what runs). */
static int conf_read(struct twrd_daemon *dm)
{
	char err[TWR_TOOL_ERR_MAX];
	struct twr_dconf c;
	enum twrd_iotask_mode mode = dm->iomode;
	int ret;

	ret = twr_dconf_read(dm->conf_path, &c, err, sizeof(err));
	if (ret) {
		twrd_log(dm, LOG_ERR, "%s", err[0] ? err : strerror(-ret));
		return ret;
	}
	if (c.has_iotask && twrd_iotask_mode_parse(c.iotask, &mode))
		return -EINVAL;		/* twr_dconf took only the modes this parses */
	if (!dm->search_from_cmdline)
		snprintf(dm->search, sizeof(dm->search), "%s",
			 c.has_search ? c.search : TWR_XLCFG_SEARCH);
	if (!dm->close_from_cmdline)
		dm->close_timeout_ms = (c.has_close_timeout ? c.close_timeout_s : 10) * 1000;
	if (!dm->iomode_from_cmdline)
		dm->iomode = c.has_iotask ? mode : TWRD_IOTASK_REGISTER;
	snprintf(dm->targets, sizeof(dm->targets), "%s", c.has_targets ? c.targets : "");
	snprintf(dm->scripts_dir, sizeof(dm->scripts_dir), "%s",
		 c.has_scripts_dir ? c.scripts_dir : TWR_SCRIPTS_DIR);
	dm->tool.scripts_dir = dm->scripts_dir;
	return 0;
}

/* Logs one loaded module of another release (twr_modver.h). */
static void modver_report(void *arg, const char *name, const char *mod_version)
{
	char msg[512];

	twr_modver_message(msg, sizeof(msg), "twinringd", PACKAGE_VERSION, name, mod_version);
	twrd_log(arg, LOG_WARNING, "%s", msg);
}

/* The restart test's hook (twinringd(8), TESTING). A name that is not a
 * point is an error: a typo must not turn a crash test into a no-op. */
static int killpoint_arm(struct twrd_daemon *dm)
{
	const char *at = getenv(TWR_KILL_ENV);

	if (!at || !*at)
		return 0;
	if (!twr_killpoint_valid(at)) {
		twrd_log(dm, LOG_ERR, "%s=%s: not a kill point (%s, %s, %s or %s)", TWR_KILL_ENV,
			 at, TWR_KILL_DEVICE_HALF, TWR_KILL_BETWEEN_DEVICES, TWR_KILL_TASKS_ADDED,
			 TWR_KILL_DETACH_CLOSING);
		return 2;
	}
	dm->tool.kill_at = at;
	twrd_log(dm, LOG_WARNING, "test hook armed: SIGKILL at the first '%s'", at);
	return 0;
}

/* --- main --- */

static void usage(FILE *f)
{
	fputs("usage: twinringd [--foreground] [--once] [--config FILE] [--search-path DIRS]\n"
	      "                 [--close-timeout SECONDS] [--iotask off|register|enforce]\n"
	      "Attaches the twinring devices of each domU's xl config (twinring = [...]),\n"
	      "tears them down when the domain dies. See twinringd(8), twinring.cfg(5).\n",
	      f);
}

static int parse_args(struct twrd_daemon *dm, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "once", no_argument, NULL, '1' },
		{ "config", required_argument, NULL, 'c' },
		{ "search-path", required_argument, NULL, 's' },
		{ "close-timeout", required_argument, NULL, 't' },
		{ "iotask", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, "F1c:s:t:i:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'F':
			dm->foreground = true;
			break;
		case '1':
			dm->once = true;
			dm->foreground = true;
			break;
		case 'c':
			snprintf(dm->conf_path, sizeof(dm->conf_path), "%s", optarg);
			break;
		case 's':
			snprintf(dm->search, sizeof(dm->search), "%s", optarg);
			dm->search_from_cmdline = true;
			break;
		case 't':
			if (twr_id_parse(optarg, &v) || v > 600) {
				fprintf(stderr, "twinringd: --close-timeout %s: expected seconds, 0 to 600\n",
					optarg);
				return 2;
			}
			dm->close_timeout_ms = v * 1000;
			dm->close_from_cmdline = true;
			break;
		case 'i':
			if (twrd_iotask_mode_parse(optarg, &dm->iomode)) {
				fprintf(stderr, "twinringd: --iotask %s: expected off, register or enforce\n",
					optarg);
				return 2;
			}
			dm->iomode_from_cmdline = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("twinringd %s\n", PACKAGE_VERSION);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "twinringd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

static int watch_all(struct twrd_daemon *dm)
{
	if (!xs_watch(dm->tool.xsh, "@introduceDomain", TWRD_TOKEN_DOM) ||
	    !xs_watch(dm->tool.xsh, "@releaseDomain", TWRD_TOKEN_DOM) ||
	    !xs_watch(dm->tool.xsh, "/local/domain/0/backend/" TWR_XS_KIND_NET, TWRD_TOKEN_BE) ||
	    !xs_watch(dm->tool.xsh, "/local/domain/0/backend/" TWR_XS_KIND_BLK, TWRD_TOKEN_BE))
		return -errno;
	return 0;
}

static void run(struct twrd_daemon *dm)
{
	struct pollfd pfd = { .fd = xs_fileno(dm->tool.xsh), .events = POLLIN };
	bool need_rescan, need_follow, waiting = false;
	unsigned int n;
	char **ev;
	int ret;

	while (!g_stop) {
		ret = poll(&pfd, 1, waiting ? TWRD_RETRY_MS : TICK_MS);
		if (ret < 0 && errno != EINTR) {
			twrd_log(dm, LOG_ERR, "poll on xenstore: %s", strerror(errno));
			break;
		}
		need_rescan = false;
		need_follow = ret == 0;		/* tick: netdevs appear silently */
		if (g_hup) {
			unsigned int i;

			g_hup = 0;
			twrd_log(dm, LOG_INFO, "SIGHUP: re-reading %s; every domain's devices reconciled with the entries applied at its start (twinctl sync applies an edited file)",
			     dm->conf_path);
			if (conf_read(dm))
				twrd_log(dm, LOG_ERR, "%s is not applied: the configuration in use stays (fix the file, then reload)",
					 dm->conf_path);
			for (i = 0; i < dm->ndoms; i++)
				dm->doms[i].handled = false;
			need_rescan = true;
		}
		/* Drain what is queued: one rescan covers any number of events. */
		while (ret > 0 && poll(&pfd, 1, 0) > 0) {
			ev = xs_read_watch(dm->tool.xsh, &n);
			if (!ev)
				break;
			if (!strcmp(ev[XS_WATCH_TOKEN], TWRD_TOKEN_DOM)) {
				need_rescan = true;
			} else {
				twrd_touch_path(dm, ev[XS_WATCH_PATH]);
				need_follow = true;
			}
			free(ev);
		}
		if (need_rescan)
			twrd_rescan(dm);
		if (twrd_retry_due(dm))
			waiting = true;
		if (need_rescan || waiting) {
			waiting = twrd_apply_pending(dm);
			need_follow = true;
			dm->touch_all = true;
		}
		if (ret == 0)
			dm->touch_all = true;	/* the tick: a full pass */
		if (need_follow) {
			twrd_follow_touched(dm);
			/* A domU can write its frontend nodes in a loop: at most
			 * one pass per FOLLOW_GAP_MS, the events coalesce meanwhile. */
			if (ret > 0)
				poll(NULL, 0, FOLLOW_GAP_MS);
		}
	}
}

int main(int argc, char **argv)
{
	struct twrd_daemon dm = { .close_timeout_ms = 10000, .iomode = TWRD_IOTASK_REGISTER };
	struct sigaction sa = { .sa_handler = on_signal };
	int ret, lock_fd = -1;
	long holder;

	snprintf(dm.conf_path, sizeof(dm.conf_path), "%s", TWR_DCONF_PATH);
	snprintf(dm.search, sizeof(dm.search), "%s", TWR_XLCFG_SEARCH);
	ret = parse_args(&dm, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;
	openlog("twinringd", LOG_PID, LOG_DAEMON);
	/* Fail closed: rather no daemon than one running on defaults the
	 * administrator did not choose (iotask = "enforced" would mean no
	 * enforcement at all). */
	if (conf_read(&dm)) {
		twrd_log(&dm, LOG_ERR, "not starting: %s is not valid (twinringd(8))", dm.conf_path);
		return 1;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* One daemon per host: a second would attach and tear down too. */
	ret = twr_daemon_lock(TWR_DAEMON_LOCK, &lock_fd, &holder);
	if (ret == -EBUSY) {
		twrd_log(&dm, LOG_ERR, "another twinringd (pid %ld) is running and follows every domain already; stop it first (systemctl stop twinringd)",
			 holder);
		return 1;
	} else if (ret) {
		twrd_log(&dm, LOG_ERR, "cannot lock %s: %s (run as root in dom0)", TWR_DAEMON_LOCK,
			 strerror(-ret));
		return 1;
	}

	if (twr_tool_open(&dm.tool)) {
		twrd_log(&dm, LOG_ERR, "%s", twr_tool_error(&dm.tool));
		ret = 1;
		goto out_lock;
	}
	/* SIGTERM ends a teardown's wait for a backend to close: the next
	 * daemon sweeps what is left. */
	dm.tool.stop = &g_stop;
	dm.tool.scripts_dir = dm.scripts_dir;	/* conf_read() ran before the open */
	ret = killpoint_arm(&dm);
	if (ret)
		goto out_tool;
	dm.xch = xc_interface_open(NULL, NULL, 0);
	if (!dm.xch) {
		twrd_log(&dm, LOG_ERR, "cannot open the Xen control interface (%s): run as root in dom0",
		     strerror(errno));
		ret = 1;
		goto out_tool;
	}
	if (twrd_iotask_init(&dm.io, &dm.tool, dm.xch, dm.iomode))
		twrd_log(&dm, LOG_ERR, "%s", twr_tool_error(&dm.tool));
	twrd_log(&dm, LOG_INFO, "I/O tasks: %s%s", twrd_iotask_mode_name(dm.iomode),
	     dm.iomode == TWRD_IOTASK_OFF ? " (the go-ahead is given without tasks)" :
	     dm.io.probe == 0 ? " (the hypervisor has the task table)" :
	     " (this hypervisor has no task table: the go-ahead is given without tasks)");
	twrd_ident_init(&dm);
	if (!dm.once) {
		ret = watch_all(&dm);
		if (ret) {
			twrd_log(&dm, LOG_ERR, "cannot watch xenstore: %s", strerror(-ret));
			ret = 1;
			goto out_xc;
		}
	}
	/* Modules of another release: a warning, the daemon still runs (the
	 * backends may be in another domain, or about to be reloaded). */
	twr_modver_check(dm.tool.sysfs, PACKAGE_VERSION, modver_report, &dm);
	twrd_log(&dm, LOG_INFO, "started: configs from %s, blk targets %s%s, close timeout %u s",
		 dm.search, dm.targets[0] ? "in " : "anywhere (no targets in ",
		 dm.targets[0] ? dm.targets : TWR_DCONF_PATH ")", dm.close_timeout_ms / 1000);
	/* Reconcile with what the last run, or kill -9, left behind. */
	twrd_rescan(&dm);
	while (twrd_apply_pending(&dm) && !g_stop)
		poll(NULL, 0, TWRD_RETRY_MS);
	twrd_follow(&dm);
	/* Type=notify: what is ordered after the unit (xendomains) starts
	 * only now, when every running domain's devices are reconciled. */
	ret = twr_sd_notify("READY=1\nSTATUS=following every domain");
	if (ret < 0)
		twrd_log(&dm, LOG_WARNING, "cannot tell the service manager we are ready ($NOTIFY_SOCKET): %s",
			 strerror(-ret));
	if (!dm.once)
		run(&dm);
	twr_sd_notify("STOPPING=1");
	twrd_release_holds(&dm);
	twrd_log(&dm, LOG_INFO, "stopping: devices stay attached; a new twinringd takes them over");
	ret = 0;
out_xc:
	twrd_ident_fini(&dm);
	twrd_iotask_uninit(&dm.io);
	xc_interface_close(dm.xch);
out_tool:
	twr_tool_close(&dm.tool);
out_lock:
	close(lock_fd);
	free(dm.doms);
	free(dm.tracks);
	closelog();
	return ret;
}
