// SPDX-License-Identifier: MIT
/*
 * twinringd: domains come and go. Each domain event triggers a rescan
 * (Xen 4.17's watches carry no domid); a new domain gets the devices its
 * xl config asks for, a gone one loses all its twinring devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twrd.h"	/* first of the Xen headers: xenctrl.h */
#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_dconf.h"
#include "twr_dev.h"
#include "twr_devlist.h"
#include "twr_domain.h"
#include "twr_host.h"
#include "twr_killpoint.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xlcfg.h"
#include "twr_xsplan.h"

/* --- applying a domain's config --- */

/* Record one rejected entry, in the log and for twinctl show. */
static void report_error(struct twrd_daemon *dm, uint32_t domid, unsigned int *nerr,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_error(struct twrd_daemon *dm, uint32_t domid, unsigned int *nerr,
			 const char *fmt, ...)
{
	char raw[TWR_TOOL_ERR_MAX + 256], msg[TWR_TOOL_ERR_MAX + 256], path[TWR_XS_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	twr_printable(msg, sizeof(msg), raw);
	twrd_log(dm, LOG_ERR, "%s", msg);
	if (*nerr >= TWR_DAEMON_ERRORS_MAX)
		return;
	snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/errors/%u", domid, (*nerr)++);
	xs_write(dm->tool.xsh, XBT_NULL, path, msg, (unsigned int)strlen(msg));
}

/* Does the device a record names ("twinnet-0") still have its backend? */
static bool record_device_exists(struct twrd_daemon *dm, uint32_t domid, const char *name)
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
static unsigned int records_read(struct twrd_daemon *dm, uint32_t domid, char **rec,
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

/* Does an entry after @i remain to be created? (The test hook's
 * "between-devices" point.) */
static bool more_to_create(const struct twr_xlcfg *cfg, const bool *create, unsigned int i)
{
	while (++i < cfg->n)
		if (cfg->items[i] && create[i])
			return true;
	return false;
}

/* Returns how many entries failed for want of something that may yet come
 * (a bridge, a target: -ENOENT), for a retry. */
static unsigned int apply_entries(struct twrd_daemon *dm, uint32_t domid, const char *who,
				  const char *path, const struct twr_xlcfg *cfg,
				  unsigned int *nerr)
{
	char *rec[TWR_XLCFG_MAX_ITEMS];
	bool create[TWR_XLCFG_MAX_ITEMS];
	struct twr_spec_error serr;
	struct twr_spec spec;
	struct twr_dev_desc d;
	unsigned int m, i, todo, transient = 0;
	int ret;
	char mac[18], at[24], why[TWR_TOOL_ERR_MAX];

	m = records_read(dm, domid, rec, TWR_XLCFG_MAX_ITEMS);
	todo = twr_reconcile((const char *const *)cfg->items, cfg->n,
			     (const char *const *)rec, m, create);
	if (cfg->n && todo < cfg->n)
		twrd_log(dm, LOG_INFO, "%s: %u of %u twinring entries already attached",
		     who, cfg->n - todo, cfg->n);
	for (i = 0; i < cfg->n; i++) {
		/* The entry's line in the file; recorded entries have none. */
		at[0] = '\0';
		if (cfg->lines)
			snprintf(at, sizeof(at), ":%u", cfg->lines[i]);
		if (!cfg->items[i]) {
			report_error(dm, domid, nerr,
				     "%s: %s%s: twinring entry %u is not a string: write each device as 'net, bridge=...' in quotes",
				     who, path, at, i + 1);
			continue;
		}
		if (!create[i])
			continue;
		if (twr_spec_parse(cfg->items[i], &spec, &serr)) {
			report_error(dm, domid, nerr, "%s: %s%s: twinring entry %u '%s': %s",
				     who, path, at, i + 1, cfg->items[i], serr.msg);
			continue;
		}
		if (spec.kind == TWR_DEV_BLK && dm->targets[0] &&
		    !twr_target_allowed(dm->targets, spec.blk.target, why, sizeof(why))) {
			report_error(dm, domid, nerr, "%s: %s%s: twinring entry %u '%s': %s in %s",
				     who, path, at, i + 1, cfg->items[i], why, TWR_DCONF_PATH);
			continue;
		}
		ret = twr_dev_create(&dm->tool, domid, &spec, cfg->items[i], 0, &d);
		if (ret) {
			transient += ret == -ENOENT;
			report_error(dm, domid, nerr, "%s: %s%s: twinring entry %u '%s': %s",
				     who, path, at, i + 1, cfg->items[i],
				     twr_tool_error(&dm->tool));
			continue;
		}
		if (more_to_create(cfg, create, i))
			twr_killpoint(&dm->tool, TWR_KILL_BETWEEN_DEVICES);
		if (spec.kind == TWR_DEV_NET) {
			twr_mac_format(d.spec.net.mac, mac, sizeof(mac));
			twrd_log(dm, LOG_INFO, "%s: twinnet %u attached (bridge %s, mac %s, %u queue%s)",
			     who, d.devid, spec.net.bridge, mac, spec.queues,
			     spec.queues == 1 ? "" : "s");
		} else {
			twrd_log(dm, LOG_INFO, "%s: twinblk %u attached (vdev %s, target %s, %s)",
			     who, d.devid, spec.blk.vdev, spec.blk.target,
			     spec.blk.writable ? "read-write" : "read-only");
		}
	}
	for (i = 0; i < m; i++)
		free(rec[i]);
	return transient;
}

/*
 * Is the file found by name this domain's own config (twr_ident.h)? A
 * same-named file of another guest is refused loudly, never applied.
 * Returns 1 if it is, 0 if it is refused, -EAGAIN to wait while libxl has
 * not stored the domain's configuration yet (TWRD_NAME_TRIES times; after
 * that the check falls back to name and uuid).
 */
static int domain_owns(struct twrd_daemon *dm, struct twrd_dom *dom, const char *who,
			const char *name, const char *path, const struct twr_xlcfg *cfg,
			unsigned int *nerr)
{
	char why[TWR_TOOL_ERR_MAX];
	struct twr_ident id;
	bool ok;
	int ret;

	ret = twrd_dom_ident(dm, dom->domid, name, &id);
	if (ret == -EAGAIN && ++dom->tries < TWRD_NAME_TRIES)
		return -EAGAIN;
	if (ret == -EAGAIN)
		twrd_log(dm, LOG_WARNING, "%s: libxl has no configuration of the domain: %s is checked against its name and uuid only",
			 who, path);
	else if (ret)
		twrd_log(dm, LOG_WARNING, "%s: %s: the domain's configuration: %s", who, path,
			 strerror(-ret));
	ok = twr_ident_match(&cfg->ident, &id, why, sizeof(why));
	twr_ident_free(&id);
	if (!ok)
		report_error(dm, dom->domid, nerr,
			     "%s: %s is not this domain's config: %s; no twinring devices attached from it (put the domain's own file first on the search path %s, or attach with twinctl)",
			     who, path, why, dm->search);
	return ok;
}

static void domain_teardown(struct twrd_daemon *dm, uint32_t domid);

/* Our records of @dom's domid name its uuid (Xen's handle), written when
 * the domain is first seen. */
static void record_uuid(struct twrd_daemon *dm, const struct twrd_dom *dom)
{
	char path[TWR_XS_PATH_MAX];

	snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/uuid", dom->domid);
	if (dom->uuid[0])
		xs_write(dm->tool.xsh, XBT_NULL, path, dom->uuid, (unsigned int)strlen(dom->uuid));
}

/* Are the records under @dom's domid this domain's? Records without a
 * uuid (an older daemon's) are taken as its. Records of another domain
 * (Xen reuses domids once they wrap, and the last one's died while we were
 * not running) are torn down with its leftovers: false. */
static bool records_of(struct twrd_daemon *dm, const struct twrd_dom *dom, const char *who)
{
	char path[TWR_XS_PATH_MAX], *v;
	unsigned int len;
	bool mine;

	snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/uuid", dom->domid);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	mine = !v || !dom->uuid[0] || !strcmp(v, dom->uuid);
	if (!mine) {
		twrd_log(dm, LOG_NOTICE, "%s: our records of domid %u are of another domain (uuid %s; this one is %s): its leftovers are removed, this domain's config applied",
			 who, dom->domid, v, dom->uuid);
		domain_teardown(dm, dom->domid);
	}
	free(v);
	return mine;
}

/* Nothing applied to this domain from a file: recorded as no entries, so
 * that a restart does not take a file written since (twinctl sync does). */
static void record_none(struct twrd_daemon *dm, uint32_t domid, const char *who)
{
	struct twr_xlcfg none;
	int ret;

	memset(&none, 0, sizeof(none));
	ret = twr_entries_write(&dm->tool, domid, &none);
	if (ret)
		twrd_log(dm, LOG_WARNING, "%s: cannot record that no entries were applied: %s",
			 who, strerror(-ret));
}

uint64_t twrd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * @failed entries of @dom found no bridge or no target: at boot a domain
 * may start before its bridge is up. Tried again after 5, 10, 20, 40 and
 * 80 s (twrd_retry_due()); each try reconciles, so only what is still
 * missing is created. Then SIGHUP or twinctl sync.
 */
static void retry_later(struct twrd_daemon *dm, struct twrd_dom *dom, const char *who,
			unsigned int failed)
{
	unsigned int secs;

	dom->retry_at = 0;
	if (!failed) {
		dom->retries = 0;
		return;
	}
	if (dom->retries >= TWRD_RETRIES) {
		twrd_log(dm, LOG_WARNING, "%s: %u entr%s still without a bridge or target after %u tries: a reload (SIGHUP) or twinctl sync tries again",
			 who, failed, failed == 1 ? "y" : "ies", TWRD_RETRIES);
		return;
	}
	secs = 5u << dom->retries++;
	dom->retry_at = twrd_now_ms() + secs * 1000u;
	twrd_log(dm, LOG_INFO, "%s: %u entr%s found no bridge or target: trying again in %u s (%u of %u)",
		 who, failed, failed == 1 ? "y" : "ies", secs, dom->retries, TWRD_RETRIES);
}

bool twrd_retry_due(struct twrd_daemon *dm)
{
	uint64_t now = twrd_now_ms();
	bool any = false;
	unsigned int i;

	for (i = 0; i < dm->ndoms; i++) {
		if (!dm->doms[i].retry_at || now < dm->doms[i].retry_at)
			continue;
		dm->doms[i].retry_at = 0;
		dm->doms[i].handled = false;
		any = true;
	}
	return any;
}

/* Are @a and @b the same entries, in any order? */
static bool same_entries(const struct twr_xlcfg *a, const struct twr_xlcfg *b)
{
	bool create[TWR_XLCFG_MAX_ITEMS];
	unsigned int na = 0, nb = 0, i;

	for (i = 0; i < a->n; i++)
		na += a->items[i] != NULL;
	for (i = 0; i < b->n; i++)
		nb += b->items[i] != NULL;
	return na == nb && !twr_reconcile((const char *const *)a->items, a->n,
					  (const char *const *)b->items, b->n, create);
}

/*
 * A domain seen before, at a restart or a reload: its devices follow the
 * entries applied when it was first seen (@rec), never a file edited
 * since -- edited for the next boot, or only re-spaced, it must not
 * hot-add to the running guest. A changed file gets a notice naming
 * twinctl sync, which applies it on demand.
 */
static unsigned int apply_recorded(struct twrd_daemon *dm, uint32_t domid, const char *who,
				   const char *name, const struct twr_xlcfg *rec,
				   unsigned int *nerr)
{
	unsigned int transient = 0;
	char dir[TWR_XS_PATH_MAX], err[TWR_TOOL_ERR_MAX], *path;
	struct twr_xlcfg now;
	unsigned int len;

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/config", domid);
	path = xs_read(dm->tool.xsh, XBT_NULL, dir, &len);
	if (path && *path && !twr_xlcfg_read(path, &now, err, sizeof(err))) {
		if (!same_entries(rec, &now))
			twrd_log(dm, LOG_NOTICE, "%s: %s has changed since the domain was first seen: its devices follow the %u entr%s applied then ('twinctl sync %s' applies the file)",
				 who, path, rec->n, rec->n == 1 ? "y" : "ies", name);
		twr_xlcfg_free(&now);
	}
	if (rec->n)
		transient = apply_entries(dm, domid, who,
					  path && *path ? path : "(recorded entries)", rec, nerr);
	free(path);
	return transient;
}

/*
 * A new domain whose config has twinring entries is held paused until its
 * devices are written. libxl unpauses it once its own devices are up, and a
 * guest resumed by xl restore or a migration looks for its devices at once:
 * a frontend that finds no backend then fails its resume for good (xenbus
 * "resume (talk_to_otherend) failed"). The hold is taken before the wait for
 * libxl's stored configuration (domain_owns()), which libxl writes only at
 * the end of the create, just before it unpauses. Xen counts a controller's
 * pauses, so ours never releases libxl's or an admin's (xl create -p). The
 * record "held" is written once the pause is taken, so that a daemon killed
 * before hold_release() has its pause released by the next one
 * (hold_recover()): a kill between the two leaves the domain paused, a
 * window of one xenstore write.
 */
static void held_path(char *path, size_t len, uint32_t domid)
{
	snprintf(path, len, TWR_XS_DAEMON_ROOT "/%u/held", domid);
}

static bool hold_take(struct twrd_daemon *dm, uint32_t domid, const char *who)
{
	char path[TWR_XS_PATH_MAX];

	if (xc_domain_pause(dm->xch, domid)) {
		twrd_log(dm, LOG_WARNING, "%s: cannot pause the domain while its devices are written: %s",
			 who, strerror(errno));
		return false;
	}
	held_path(path, sizeof(path), domid);
	xs_write(dm->tool.xsh, XBT_NULL, path, "1", 1);
	return true;
}

static void hold_release(struct twrd_daemon *dm, uint32_t domid, const char *who)
{
	char path[TWR_XS_PATH_MAX];

	if (xc_domain_unpause(dm->xch, domid))
		twrd_log(dm, LOG_ERR, "%s: cannot unpause the domain after writing its devices: %s (xl unpause %u)",
			 who, strerror(errno), domid);
	held_path(path, sizeof(path), domid);
	xs_rm(dm->tool.xsh, XBT_NULL, path);
}

static void hold_end(struct twrd_daemon *dm, struct twrd_dom *dom, const char *who)
{
	if (dom->held)
		hold_release(dm, dom->domid, who);
	dom->held = false;
}

void twrd_release_holds(struct twrd_daemon *dm)
{
	char who[32];
	unsigned int i;

	for (i = 0; i < dm->ndoms; i++) {
		if (!dm->doms[i].held)
			continue;
		snprintf(who, sizeof(who), "domain %u", dm->doms[i].domid);
		twrd_log(dm, LOG_NOTICE, "%s: stopping before its devices were written: unpaused",
			 who);
		hold_end(dm, &dm->doms[i], who);
	}
}

/* A pause a killed twinringd held on @domid is released. */
static void hold_recover(struct twrd_daemon *dm, uint32_t domid, const char *who)
{
	char path[TWR_XS_PATH_MAX], *v;
	unsigned int len;

	held_path(path, sizeof(path), domid);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	if (!v)
		return;
	free(v);
	twrd_log(dm, LOG_NOTICE, "%s: releasing the pause an earlier twinringd took while writing its devices",
		 who);
	hold_release(dm, domid, who);
}

/* Attach what the domain's xl config asks for. Returns false if the
 * domain is not ready yet (no name) and should be retried. */
static bool domain_apply(struct twrd_daemon *dm, struct twrd_dom *dom)
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
	if (!name[0] && ++dom->tries < TWRD_NAME_TRIES)
		return false;
	snprintf(who, sizeof(who), "domain %s (%u)", name[0] ? name : "?", dom->domid);
	if (!dom->held)
		hold_recover(dm, dom->domid, who);
	/* xl migrate's receiving end runs as soon as it is renamed and
	 * looks for its devices at once: they are attached now, from the
	 * config of the name it will have. */
	if (twr_domain_strip_incoming(name))
		twrd_log(dm, LOG_INFO, "%s: an incoming migration: the devices of %s's config",
			 who, name);

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/errors", dom->domid);
	xs_rm(dm->tool.xsh, XBT_NULL, dir);
	/* Seen before (a restart, a reload): the entries applied then --
	 * unless they were another domain's, whose domid this one reuses. */
	if (!twr_entries_read(&dm->tool, dom->domid, &cfg)) {
		if (records_of(dm, dom, who)) {
			record_uuid(dm, dom);	/* an older daemon's records have none */
			retry_later(dm, dom, who,
				    apply_recorded(dm, dom->domid, who, name, &cfg, &nerr));
			twr_xlcfg_free(&cfg);
			return true;
		}
		twr_xlcfg_free(&cfg);
	}
	record_uuid(dm, dom);
	ret = name[0] ? twr_xlcfg_find(dm->search, name, path, sizeof(path)) : -ENOENT;
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/config", dom->domid);
	xs_write(dm->tool.xsh, XBT_NULL, dir, ret ? "" : path,
		 ret ? 0 : (unsigned int)strlen(path));
	if (ret == -EINVAL) {
		twrd_log(dm, LOG_WARNING, "%s: the name cannot be a config file name; attach devices with twinctl",
		     who);
		record_none(dm, dom->domid, who);
		return true;
	}
	if (ret) {
		twrd_log(dm, LOG_INFO, "%s: no xl config %s.cfg or %s in %s: attach twinring devices with twinctl",
		     who, name, name, dm->search);
		record_none(dm, dom->domid, who);
		return true;
	}
	ret = twr_xlcfg_read(path, &cfg, err, sizeof(err));
	if (ret) {
		report_error(dm, dom->domid, &nerr, "%s: %s (once fixed: twinctl sync %s)", who, err,
			     name);
		record_none(dm, dom->domid, who);
		return true;
	}
	if (cfg.n && !dom->held)
		dom->held = hold_take(dm, dom->domid, who);
	ret = domain_owns(dm, dom, who, name, path, &cfg, &nerr);
	if (ret <= 0) {
		twr_xlcfg_free(&cfg);
		if (ret == 0) {
			record_none(dm, dom->domid, who);
			hold_end(dm, dom, who);
		}
		return ret == 0;	/* refused: done; -EAGAIN: again later */
	}
	/* Recorded before the first device: a kill in between resumes from
	 * the record, never from a file edited since. */
	ret = twr_entries_write(&dm->tool, dom->domid, &cfg);
	if (ret)
		twrd_log(dm, LOG_WARNING, "%s: cannot record the entries applied: %s (a restart reads the file again)",
			 who, strerror(-ret));
	if (cfg.n)
		twrd_log(dm, LOG_INFO, "%s: %s has %u twinring entr%s", who, path, cfg.n,
		     cfg.n == 1 ? "y" : "ies");
	else if (!cfg.has_key && cfg.near_line)
		twrd_log(dm, LOG_WARNING, "%s: %s:%u: '%s' is not '%s': no twinring devices from it",
			 who, path, cfg.near_line, cfg.near_key, TWR_XLCFG_KEY);
	retry_later(dm, dom, who, apply_entries(dm, dom->domid, who, path, &cfg, &nerr));
	hold_end(dm, dom, who);
	twr_xlcfg_free(&cfg);
	return true;
}

/* --- teardown --- */

static void domain_teardown(struct twrd_daemon *dm, uint32_t domid)
{
	struct twr_dev_info *devs;
	char dir[TWR_XS_PATH_MAX];
	int n, i, ret, removed = 0;

	n = twr_dev_list(&dm->tool, domid, &devs);
	if (n < 0) {
		twrd_log(dm, LOG_ERR, "domain %u gone: %s", domid, twr_tool_error(&dm->tool));
		return;
	}
	for (i = 0; i < n; i++) {
		ret = twr_dev_destroy(&dm->tool, domid, devs[i].kind, devs[i].devid,
				      dm->close_timeout_ms, 0);
		if (ret == -EINTR) {
			/* SIGTERM: the rest (records included) is swept by
			 * the next twinringd, as for a domain that died while
			 * none ran. */
			twrd_log(dm, LOG_INFO, "domain %u gone: %s", domid, twr_tool_error(&dm->tool));
			free(devs);
			return;
		}
		if (ret < 0)
			twrd_log(dm, LOG_ERR, "domain %u gone: %s", domid, twr_tool_error(&dm->tool));
		else if (ret > 0)
			twrd_log(dm, LOG_WARNING, "%s", twr_tool_error(&dm->tool));
		if (ret >= 0)
			removed++;
	}
	free(devs);
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u", domid);
	xs_rm(dm->tool.xsh, XBT_NULL, dir);
	if (n > 0)
		twrd_log(dm, LOG_INFO, "domain %u gone: %d twinring device%s removed", domid,
		     removed, removed == 1 ? "" : "s");
}

/* --- the domain table --- */

/* The live domains (not dying, not dom0), sorted; malloc'd. */
static int live_domains(struct twrd_daemon *dm, uint32_t **out,
			char (**uuids)[TWR_IDENT_UUID_LEN + 1])
{
	xc_domaininfo_t info[256];
	uint32_t *ids = NULL, *tmp, next = 1;
	char (*u)[TWR_IDENT_UUID_LEN + 1] = NULL, (*utmp)[TWR_IDENT_UUID_LEN + 1];
	int n, i, k = 0;

	for (;;) {
		n = xc_domain_getinfolist(dm->xch, next, 256, info);
		if (n < 0) {
			free(ids);
			free(u);
			return -errno;
		}
		if (n == 0)
			break;
		tmp = realloc(ids, (size_t)(k + n) * sizeof(*ids));
		if (tmp)
			ids = tmp;
		utmp = realloc(u, (size_t)(k + n) * sizeof(*u));
		if (utmp)
			u = utmp;
		if (!tmp || !utmp) {
			free(ids);
			free(u);
			return -ENOMEM;
		}
		for (i = 0; i < n; i++) {
			if ((info[i].flags & XEN_DOMINF_dying) || info[i].domain == 0)
				continue;
			twrd_handle_uuid(info[i].handle, u[k]);
			ids[k++] = info[i].domain;
		}
		next = info[n - 1].domain + 1;
		if (n < 256)
			break;
	}
	*out = ids;
	*uuids = u;
	return k;
}

static int id_at(const uint32_t *ids, int n, uint32_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return -1;
}

static bool id_in(const uint32_t *ids, int n, uint32_t id)
{
	return id_at(ids, n, id) >= 0;
}

/* Domains that left traces (backend directories, daemon records) but are
 * no longer alive: their death happened while we were not looking. */
static void sweep_orphans(struct twrd_daemon *dm, const uint32_t *live, int nlive)
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

void twrd_rescan(struct twrd_daemon *dm)
{
	char (*uuids)[TWR_IDENT_UUID_LEN + 1] = NULL;
	uint32_t *live = NULL;
	struct twrd_dom *tmp;
	unsigned int i, k;
	int n, j;

	n = live_domains(dm, &live, &uuids);
	if (n < 0) {
		twrd_log(dm, LOG_ERR, "cannot list domains (xc_domain_getinfolist: %s)", strerror(-n));
		return;
	}
	/* Gone: tear down, drop from the table. A domid that now names
	 * another domain (Xen reuses them once they wrap) is gone too. */
	for (i = 0, k = 0; i < dm->ndoms; i++) {
		j = id_at(live, n, dm->doms[i].domid);
		if (j >= 0 && !strcmp(uuids[j], dm->doms[i].uuid)) {
			dm->doms[k++] = dm->doms[i];
		} else {
			domain_teardown(dm, dm->doms[i].domid);
		}
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
		memcpy(tmp[dm->ndoms].uuid, uuids[j], sizeof(tmp->uuid));
		tmp[dm->ndoms++].domid = live[j];
	}
	sweep_orphans(dm, live, n);
	free(live);
	free(uuids);
}

bool twrd_apply_pending(struct twrd_daemon *dm)
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

