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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libxlutil.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_tool.h"
#include "twr_xlcfg.h"

#define DAEMON_CONF	"/etc/twinring/twinringd.conf"
#define TICK_MS		5000	/* bridge-check period */
#define RETRY_MS	500	/* a new domain's xenstore entries are not there yet */
#define NAME_TRIES	20	/* retries before applying a nameless domain */

static const char TOKEN_DOM[] = "dom";
static const char TOKEN_BE[] = "be";

struct dom {
	uint32_t domid;
	bool handled;		/* its config has been applied */
	unsigned int tries;
};

/* One backend device in domain 0, as last seen. */
struct track {
	enum twr_dev_kind kind;
	uint32_t domid, devid;
	int state;
	bool bridged, bridge_err;
	unsigned int gen;
};

struct daemon {
	struct twr_tool tool;
	xc_interface *xch;
	bool foreground;
	bool once;
	char conf_path[256];
	char search[1024];
	bool search_from_cmdline;
	unsigned int close_timeout_ms;
	struct dom *doms;
	unsigned int ndoms;
	struct track *tracks;
	unsigned int ntracks, gen;
};

static volatile sig_atomic_t g_stop, g_hup;

static void dlog(struct daemon *dm, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dlog(struct daemon *dm, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
	if (dm->foreground) {
		va_start(ap, fmt);
		fprintf(stderr, "twinringd: %s", prio <= LOG_ERR ? "error: " :
			prio == LOG_WARNING ? "warning: " : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_hup = 1;
	else
		g_stop = 1;
}

/* The daemon's own config, in xl syntax (twinringd(8)):
 *   search_path = "/etc/xen:/etc/xen/auto"
 *   close_timeout = 10 */
static int conf_read(struct daemon *dm)
{
	const char *sp;
	XLU_Config *xc;
	long v;
	int ret;

	if (access(dm->conf_path, F_OK))
		return 0;
	xc = xlu_cfg_init(stderr, dm->conf_path);
	if (!xc)
		return -ENOMEM;
	ret = xlu_cfg_readfile(xc, dm->conf_path);
	if (ret) {
		dlog(dm, LOG_ERR, "%s: cannot parse (%s): keeping the defaults",
		     dm->conf_path, strerror(ret));
		goto out;
	}
	if (!dm->search_from_cmdline && !xlu_cfg_get_string(xc, "search_path", &sp, 1))
		snprintf(dm->search, sizeof(dm->search), "%s", sp);
	if (!xlu_cfg_get_bounded_long(xc, "close_timeout", 0, 600, &v, 0))
		dm->close_timeout_ms = (unsigned int)v * 1000;
out:
	xlu_cfg_destroy(xc);
	return 0;
}

/* --- applying a domain's config --- */

/* Record one rejected entry, in the log and for twinctl show. */
static void report_error(struct daemon *dm, uint32_t domid, unsigned int *nerr,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_error(struct daemon *dm, uint32_t domid, unsigned int *nerr,
			 const char *fmt, ...)
{
	char msg[TWR_TOOL_ERR_MAX + 256], path[TWR_XS_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dlog(dm, LOG_ERR, "%s", msg);
	if (*nerr >= TWR_DAEMON_ERRORS_MAX)
		return;
	snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/errors/%u", domid, (*nerr)++);
	xs_write(dm->tool.xsh, XBT_NULL, path, msg, (unsigned int)strlen(msg));
}

/* Does the device a record names ("twinnet-0") still have its backend? */
static bool record_device_exists(struct daemon *dm, uint32_t domid, const char *name)
{
	char kind[16];
	enum twr_dev_kind k;
	uint32_t devid, backend;
	const char *dash = strrchr(name, '-');

	if (!dash || (size_t)(dash - name) >= sizeof(kind))
		return false;
	memcpy(kind, name, (size_t)(dash - name));
	kind[dash - name] = '\0';
	if (twr_dev_kind_parse(kind, &k) || twr_id_parse(dash + 1, &devid))
		return false;
	return !twr_dev_find_backend(&dm->tool, domid, k, devid, &backend);
}

/* The spec strings of the devices twinringd created for @domid earlier,
 * dropping the records of devices that no longer exist. */
static unsigned int records_read(struct daemon *dm, uint32_t domid, char **rec,
				 unsigned int max)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 64];
	unsigned int n = 0, i, k = 0, len;
	char **ents;

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/devices", domid);
	ents = xs_directory(dm->tool.xsh, XBT_NULL, dir, &n);
	for (i = 0; ents && i < n && k < max; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]);
		if (!record_device_exists(dm, domid, ents[i])) {
			/* Removed behind our back: the entry is to be redone. */
			xs_rm(dm->tool.xsh, XBT_NULL, path);
			continue;
		}
		rec[k] = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
		if (rec[k])
			k++;
	}
	free(ents);
	return k;
}

static void apply_entries(struct daemon *dm, uint32_t domid, const char *who,
			  const char *path, const struct twr_xlcfg *cfg,
			  unsigned int *nerr)
{
	char *rec[TWR_XLCFG_MAX_ITEMS];
	bool create[TWR_XLCFG_MAX_ITEMS];
	struct twr_spec_error serr;
	struct twr_spec spec;
	struct twr_dev_desc d;
	unsigned int m, i, todo;
	char mac[18];

	m = records_read(dm, domid, rec, TWR_XLCFG_MAX_ITEMS);
	todo = twr_reconcile((const char *const *)cfg->items, cfg->n,
			     (const char *const *)rec, m, create);
	if (cfg->n && todo < cfg->n)
		dlog(dm, LOG_INFO, "%s: %u of %u twinring entries already attached",
		     who, cfg->n - todo, cfg->n);
	for (i = 0; i < cfg->n; i++) {
		if (!cfg->items[i]) {
			report_error(dm, domid, nerr,
				     "%s: %s: twinring entry %u is not a string: write each device as 'net, bridge=...' in quotes",
				     who, path, i + 1);
			continue;
		}
		if (!create[i])
			continue;
		if (twr_spec_parse(cfg->items[i], &spec, &serr)) {
			report_error(dm, domid, nerr, "%s: %s: twinring entry %u '%s': %s",
				     who, path, i + 1, cfg->items[i], serr.msg);
			continue;
		}
		if (twr_dev_create(&dm->tool, domid, &spec, cfg->items[i], &d)) {
			report_error(dm, domid, nerr, "%s: %s: twinring entry %u '%s': %s",
				     who, path, i + 1, cfg->items[i],
				     twr_tool_error(&dm->tool));
			continue;
		}
		if (spec.kind == TWR_DEV_NET) {
			twr_mac_format(d.spec.net.mac, mac, sizeof(mac));
			dlog(dm, LOG_INFO, "%s: twinnet %u attached (bridge %s, mac %s, %u queue%s)",
			     who, d.devid, spec.net.bridge, mac, spec.queues,
			     spec.queues == 1 ? "" : "s");
		} else {
			dlog(dm, LOG_INFO, "%s: twinblk %u attached (vdev %s, target %s, %s)",
			     who, d.devid, spec.blk.vdev, spec.blk.target,
			     spec.blk.writable ? "read-write" : "read-only");
		}
	}
	for (i = 0; i < m; i++)
		free(rec[i]);
}

/* Attach what the domain's xl config asks for. Returns false if the
 * domain is not ready yet (no name) and should be retried. */
static bool domain_apply(struct daemon *dm, struct dom *dom)
{
	char name[TWR_DOMNAME_MAX], who[TWR_DOMNAME_MAX + 32], path[1024];
	char err[TWR_TOOL_ERR_MAX], dir[TWR_XS_PATH_MAX];
	struct twr_xlcfg cfg;
	unsigned int nerr = 0;
	int ret;

	/* libxl writes /local/domain/<id>/name right after creating the
	 * domain: a rescan can fall in between. */
	if (twr_domain_name(&dm->tool, dom->domid, name, sizeof(name)))
		name[0] = '\0';
	if (!name[0] && ++dom->tries < NAME_TRIES)
		return false;
	snprintf(who, sizeof(who), "domain %s (%u)", name[0] ? name : "?", dom->domid);

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/errors", dom->domid);
	xs_rm(dm->tool.xsh, XBT_NULL, dir);
	ret = name[0] ? twr_xlcfg_find(dm->search, name, path, sizeof(path)) : -ENOENT;
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/config", dom->domid);
	xs_write(dm->tool.xsh, XBT_NULL, dir, ret ? "" : path,
		 ret ? 0 : (unsigned int)strlen(path));
	if (ret == -EINVAL) {
		dlog(dm, LOG_WARNING, "%s: the name cannot be a config file name; attach devices with twinctl",
		     who);
		return true;
	}
	if (ret) {
		dlog(dm, LOG_INFO, "%s: no xl config %s.cfg or %s in %s: attach twinring devices with twinctl",
		     who, name, name, dm->search);
		return true;
	}
	ret = twr_xlcfg_read(path, &cfg, err, sizeof(err));
	if (ret) {
		report_error(dm, dom->domid, &nerr, "%s: %s", who, err);
		return true;
	}
	if (cfg.n)
		dlog(dm, LOG_INFO, "%s: %s has %u twinring entr%s", who, path, cfg.n,
		     cfg.n == 1 ? "y" : "ies");
	apply_entries(dm, dom->domid, who, path, &cfg, &nerr);
	twr_xlcfg_free(&cfg);
	return true;
}

/* --- teardown --- */

static void domain_teardown(struct daemon *dm, uint32_t domid)
{
	struct twr_dev_info *devs;
	char dir[TWR_XS_PATH_MAX];
	int n, i, ret, removed = 0;

	n = twr_dev_list(&dm->tool, domid, &devs);
	if (n < 0) {
		dlog(dm, LOG_ERR, "domain %u gone: %s", domid, twr_tool_error(&dm->tool));
		return;
	}
	for (i = 0; i < n; i++) {
		ret = twr_dev_destroy(&dm->tool, domid, devs[i].kind, devs[i].devid,
				      dm->close_timeout_ms);
		if (ret < 0)
			dlog(dm, LOG_ERR, "domain %u gone: %s", domid, twr_tool_error(&dm->tool));
		else if (ret > 0)
			dlog(dm, LOG_WARNING, "%s", twr_tool_error(&dm->tool));
		if (ret >= 0)
			removed++;
	}
	free(devs);
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u", domid);
	xs_rm(dm->tool.xsh, XBT_NULL, dir);
	if (n > 0)
		dlog(dm, LOG_INFO, "domain %u gone: %d twinring device%s removed", domid,
		     removed, removed == 1 ? "" : "s");
}

/* --- the domain table --- */

/* The live domains (not dying, not dom0), sorted; malloc'd. */
static int live_domains(struct daemon *dm, uint32_t **out)
{
	xc_domaininfo_t info[256];
	uint32_t *ids = NULL, *tmp, next = 1;
	int n, i, k = 0;

	for (;;) {
		n = xc_domain_getinfolist(dm->xch, next, 256, info);
		if (n < 0) {
			free(ids);
			return -errno;
		}
		if (n == 0)
			break;
		tmp = realloc(ids, (size_t)(k + n) * sizeof(*ids));
		if (!tmp) {
			free(ids);
			return -ENOMEM;
		}
		ids = tmp;
		for (i = 0; i < n; i++)
			if (!(info[i].flags & XEN_DOMINF_dying) && info[i].domain != 0)
				ids[k++] = info[i].domain;
		next = info[n - 1].domain + 1;
		if (n < 256)
			break;
	}
	*out = ids;
	return k;
}

static bool id_in(const uint32_t *ids, int n, uint32_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Domains that left traces (backend directories, daemon records) but are
 * no longer alive: their death happened while we were not looking. */
static void sweep_orphans(struct daemon *dm, const uint32_t *live, int nlive)
{
	static const char *const dirs[] = {
		"/local/domain/0/backend/" TWR_XS_KIND_NET,
		"/local/domain/0/backend/" TWR_XS_KIND_BLK,
		TWR_XS_DAEMON_ROOT,
	};
	unsigned int d, n, i;
	uint32_t domid;
	char **ents;

	for (d = 0; d < 3; d++) {
		ents = xs_directory(dm->tool.xsh, XBT_NULL, dirs[d], &n);
		for (i = 0; ents && i < n; i++)
			if (!twr_id_parse(ents[i], &domid) && domid != 0 &&
			    !id_in(live, nlive, domid))
				domain_teardown(dm, domid);
		free(ents);
	}
}

static void rescan(struct daemon *dm)
{
	uint32_t *live = NULL;
	struct dom *tmp;
	unsigned int i, k;
	int n, j;

	n = live_domains(dm, &live);
	if (n < 0) {
		dlog(dm, LOG_ERR, "cannot list domains (xc_domain_getinfolist: %s)", strerror(-n));
		return;
	}
	/* Gone: tear down, drop from the table. */
	for (i = 0, k = 0; i < dm->ndoms; i++) {
		if (id_in(live, n, dm->doms[i].domid))
			dm->doms[k++] = dm->doms[i];
		else
			domain_teardown(dm, dm->doms[i].domid);
	}
	dm->ndoms = k;
	/* New: add. */
	for (j = 0; j < n; j++) {
		for (i = 0; i < dm->ndoms && dm->doms[i].domid != live[j]; i++)
			;
		if (i < dm->ndoms)
			continue;
		tmp = realloc(dm->doms, (dm->ndoms + 1) * sizeof(*tmp));
		if (!tmp)
			break;
		dm->doms = tmp;
		memset(&tmp[dm->ndoms], 0, sizeof(*tmp));
		tmp[dm->ndoms++].domid = live[j];
	}
	sweep_orphans(dm, live, n);
	free(live);
}

/* Apply the configs of domains not handled yet; true if some must wait. */
static bool apply_pending(struct daemon *dm)
{
	bool waiting = false;
	unsigned int i;

	for (i = 0; i < dm->ndoms; i++) {
		if (dm->doms[i].handled)
			continue;
		dm->doms[i].handled = domain_apply(dm, &dm->doms[i]);
		waiting |= !dm->doms[i].handled;
	}
	return waiting;
}

/* --- following backend states and bridging --- */

static struct track *track_get(struct daemon *dm, enum twr_dev_kind kind,
			       uint32_t domid, uint32_t devid)
{
	struct track *t;
	unsigned int i;

	for (i = 0; i < dm->ntracks; i++) {
		t = &dm->tracks[i];
		if (t->kind == kind && t->domid == domid && t->devid == devid)
			return t;
	}
	t = realloc(dm->tracks, (dm->ntracks + 1) * sizeof(*t));
	if (!t)
		return NULL;
	dm->tracks = t;
	t = &t[dm->ntracks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->domid = domid;
	t->devid = devid;
	t->state = -1;
	return t;
}

static void follow_device(struct daemon *dm, enum twr_dev_kind kind,
			  uint32_t domid, uint32_t devid)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], *v;
	struct track *t = track_get(dm, kind, domid, devid);
	unsigned int len;
	int state = -1, ret;

	if (!t)
		return;
	t->gen = dm->gen;
	twr_xs_backend_dir(dir, sizeof(dir), 0, kind, domid, devid);
	snprintf(path, sizeof(path), "%s/state", dir);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	if (v)
		state = atoi(v);
	free(v);
	if (state != t->state) {
		dlog(dm, LOG_INFO, "domain %u %s %u: backend %s", domid, twr_dev_kind_xs(kind),
		     devid, twr_xenbus_state_name(state));
		t->state = state;
	}
	if (kind != TWR_DEV_NET)
		return;
	snprintf(path, sizeof(path), "%s/bridge", dir);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	if (!v)
		return;
	ret = twr_net_bridge(&dm->tool, domid, devid, v, 0);
	if (ret == 0 && !t->bridged) {
		dlog(dm, LOG_INFO, "domain %u: " TWR_NET_IFNAME_FMT " on bridge %s", domid,
		     domid, devid, v);
		t->bridged = true;
		t->bridge_err = false;
	} else if (ret == -ETIMEDOUT) {
		t->bridged = false;	/* no netdev (yet, or any more) */
	} else if (ret && !t->bridge_err) {
		dlog(dm, LOG_WARNING, "domain %u: %s", domid, twr_tool_error(&dm->tool));
		t->bridge_err = true;
	}
	free(v);
}

static void follow(struct daemon *dm)
{
	char dir[TWR_XS_PATH_MAX];
	unsigned int k, nd, ni, i, j;
	uint32_t domid, devid;
	char **doms, **devs;

	dm->gen++;
	for (k = 0; k < 2; k++) {
		enum twr_dev_kind kind = k ? TWR_DEV_BLK : TWR_DEV_NET;

		snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s", twr_dev_kind_xs(kind));
		doms = xs_directory(dm->tool.xsh, XBT_NULL, dir, &nd);
		for (i = 0; doms && i < nd; i++) {
			if (twr_id_parse(doms[i], &domid))
				continue;
			twr_xs_backend_domain_dir(dir, sizeof(dir), 0, kind, domid);
			devs = xs_directory(dm->tool.xsh, XBT_NULL, dir, &ni);
			for (j = 0; devs && j < ni; j++)
				if (!twr_id_parse(devs[j], &devid))
					follow_device(dm, kind, domid, devid);
			free(devs);
		}
		free(doms);
	}
	/* Forget devices that are gone. */
	for (i = 0, j = 0; i < dm->ntracks; i++) {
		struct track *t = &dm->tracks[i];

		if (t->gen == dm->gen)
			dm->tracks[j++] = *t;
		else
			dlog(dm, LOG_INFO, "domain %u %s %u: removed", t->domid,
			     twr_dev_kind_xs(t->kind), t->devid);
	}
	dm->ntracks = j;
}

/* --- main --- */

static void usage(FILE *f)
{
	fputs("usage: twinringd [--foreground] [--once] [--config FILE] [--search-path DIRS]\n"
	      "                 [--close-timeout SECONDS]\n"
	      "Attaches the twinring devices of each domU's xl config (twinring = [...]),\n"
	      "tears them down when the domain dies. See twinringd(8), twinring.cfg(5).\n",
	      f);
}

static int parse_args(struct daemon *dm, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "once", no_argument, NULL, '1' },
		{ "config", required_argument, NULL, 'c' },
		{ "search-path", required_argument, NULL, 's' },
		{ "close-timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, "F1c:s:t:hV", opts, NULL)) != -1) {
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

static int watch_all(struct daemon *dm)
{
	if (!xs_watch(dm->tool.xsh, "@introduceDomain", TOKEN_DOM) ||
	    !xs_watch(dm->tool.xsh, "@releaseDomain", TOKEN_DOM) ||
	    !xs_watch(dm->tool.xsh, "/local/domain/0/backend/" TWR_XS_KIND_NET, TOKEN_BE) ||
	    !xs_watch(dm->tool.xsh, "/local/domain/0/backend/" TWR_XS_KIND_BLK, TOKEN_BE))
		return -errno;
	return 0;
}

static void run(struct daemon *dm)
{
	struct pollfd pfd = { .fd = xs_fileno(dm->tool.xsh), .events = POLLIN };
	bool need_rescan, need_follow, waiting = false;
	unsigned int n;
	char **ev;
	int ret;

	while (!g_stop) {
		ret = poll(&pfd, 1, waiting ? RETRY_MS : TICK_MS);
		if (ret < 0 && errno != EINTR) {
			dlog(dm, LOG_ERR, "poll on xenstore: %s", strerror(errno));
			break;
		}
		need_rescan = false;
		need_follow = ret == 0;		/* tick: netdevs appear silently */
		if (g_hup) {
			unsigned int i;

			g_hup = 0;
			dlog(dm, LOG_INFO, "SIGHUP: re-reading %s and every domain's config",
			     dm->conf_path);
			conf_read(dm);
			for (i = 0; i < dm->ndoms; i++)
				dm->doms[i].handled = false;
			need_rescan = true;
		}
		/* Drain what is queued: one rescan covers any number of events. */
		while (ret > 0 && poll(&pfd, 1, 0) > 0) {
			ev = xs_read_watch(dm->tool.xsh, &n);
			if (!ev)
				break;
			if (!strcmp(ev[XS_WATCH_TOKEN], TOKEN_DOM))
				need_rescan = true;
			else
				need_follow = true;
			free(ev);
		}
		if (need_rescan)
			rescan(dm);
		if (need_rescan || waiting) {
			waiting = apply_pending(dm);
			need_follow = true;
		}
		if (need_follow)
			follow(dm);
	}
}

int main(int argc, char **argv)
{
	struct daemon dm = { .close_timeout_ms = 10000 };
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	snprintf(dm.conf_path, sizeof(dm.conf_path), "%s", DAEMON_CONF);
	snprintf(dm.search, sizeof(dm.search), "%s", TWR_XLCFG_SEARCH);
	ret = parse_args(&dm, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;
	openlog("twinringd", LOG_PID, LOG_DAEMON);
	conf_read(&dm);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (twr_tool_open(&dm.tool)) {
		dlog(&dm, LOG_ERR, "%s", twr_tool_error(&dm.tool));
		return 1;
	}
	dm.xch = xc_interface_open(NULL, NULL, 0);
	if (!dm.xch) {
		dlog(&dm, LOG_ERR, "cannot open the Xen control interface (%s): run as root in dom0",
		     strerror(errno));
		ret = 1;
		goto out_tool;
	}
	if (!dm.once) {
		ret = watch_all(&dm);
		if (ret) {
			dlog(&dm, LOG_ERR, "cannot watch xenstore: %s", strerror(-ret));
			ret = 1;
			goto out_xc;
		}
	}
	dlog(&dm, LOG_INFO, "started: configs from %s, close timeout %u s", dm.search,
	     dm.close_timeout_ms / 1000);
	/* Reconcile with what the last run, or kill -9, left behind. */
	rescan(&dm);
	while (apply_pending(&dm) && !g_stop)
		poll(NULL, 0, RETRY_MS);
	follow(&dm);
	if (!dm.once)
		run(&dm);
	dlog(&dm, LOG_INFO, "stopping: devices stay attached; a new twinringd takes them over");
	ret = 0;
out_xc:
	xc_interface_close(dm.xch);
out_tool:
	twr_tool_close(&dm.tool);
	free(dm.doms);
	free(dm.tracks);
	closelog();
	return ret;
}
