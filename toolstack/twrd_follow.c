// SPDX-License-Identifier: MIT
/*
 * twinringd: following the devices in dom0's backend directories. Logs
 * every state change, puts backend netdevs on their bridges (again after a
 * backend reconnect), and runs the I/O task side of each connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twrd.h"	/* first of the Xen headers: xenctrl.h */
#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_dev.h"
#include "twr_devlist.h"
#include "twr_host.h"
#include "twr_hotplug.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

/* --- following backend states and bridging --- */

/* The frontend's state node of a device we follow: the only node of a
 * guest's directory we watch (as a backend driver does), so that a guest
 * writing anything else there costs us nothing. */
static void fe_state_watch(struct twrd_daemon *dm, const struct twrd_track *t, bool on)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16];

	if (dm->once)
		return;
	twr_xs_frontend_dir(dir, sizeof(dir), t->domid, t->kind, t->devid);
	snprintf(path, sizeof(path), "%s/state", dir);
	if (on)
		xs_watch(dm->tool.xsh, path, TWRD_TOKEN_BE);
	else
		xs_unwatch(dm->tool.xsh, path, TWRD_TOKEN_BE);
}

static struct twrd_track *track_get(struct twrd_daemon *dm, enum twr_dev_kind kind,
				    uint32_t domid, uint32_t devid)
{
	struct twrd_track *t;
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
	t->fe_state = -1;
	t->io_failed = -1;
	fe_state_watch(dm, t, true);
	return t;
}

/* A frontend-written state: 0 .. 8, else -1. */
static int fe_state_read(struct twrd_daemon *dm, const struct twrd_track *t)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], *v;
	unsigned int len;
	uint32_t st;
	int ret = -1;

	twr_xs_frontend_dir(dir, sizeof(dir), t->domid, t->kind, t->devid);
	snprintf(path, sizeof(path), "%s/state", dir);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	if (v && !twr_id_parse(v, &st) && st <= XenbusStateReconfigured)
		ret = (int)st;
	free(v);
	return ret;
}

/* The I/O task side of a device's life (docs/iotask.md): tasks and the
 * go-ahead once the frontend is Initialised, both gone once the backend is
 * Closed. A failed attempt is retried when a state changes, never by timer. */
static void follow_iotask(struct twrd_daemon *dm, struct twrd_track *t, const char *be_dir)
{
	char path[TWR_XS_PATH_MAX + 32], *v;
	unsigned int len, n;
	bool ready;
	int fe, key, ret;

	fe = fe_state_read(dm, t);
	if (fe != t->fe_state) {
		twrd_log(dm, LOG_INFO, "domain %u %s %u: frontend %s", t->domid,
		     twr_dev_kind_xs(t->kind), t->devid, twr_xenbus_state_name(fe));
		t->fe_state = fe;
	}
	if (!t->enforced) {
		/* Fail closed: no go-ahead while the backend could map with no
		 * enforcement; tried again at the device's next state change. */
		if (twrd_iotask_enforce(&dm->io, &dm->tool, t->domid, 0)) {
			twrd_log(dm, LOG_ERR, "domain %u %s %u: %s; no go-ahead until it succeeds",
				 t->domid, twr_dev_kind_xs(t->kind), t->devid,
				 twr_tool_error(&dm->tool));
			return;
		}
		t->enforced = true;
	}
	snprintf(path, sizeof(path), "%s/%s", be_dir, TWR_XS_IOTASK_READY);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	ready = v != NULL;
	free(v);
	key = (fe & 0xff) | (t->state & 0xff) << 8;
	if (key == t->io_failed)
		return;

	if (t->state == XenbusStateClosed && ready) {
		ret = twrd_iotask_disconnect(&dm->io, &dm->tool, t->domid, 0, t->kind, t->devid);
		if (ret) {
			twrd_log(dm, ret == -EBUSY ? LOG_WARNING : LOG_ERR, "%s", twr_tool_error(&dm->tool));
			t->io_failed = key;
		} else {
			twrd_log(dm, LOG_INFO, "domain %u %s %u: I/O tasks removed, go-ahead withdrawn",
			     t->domid, twr_dev_kind_xs(t->kind), t->devid);
		}
		return;
	}
	if (ready || (fe != XenbusStateInitialised && fe != XenbusStateConnected) ||
	    t->state == XenbusStateClosing || t->state == XenbusStateClosed)
		return;
	ret = twrd_iotask_connect(&dm->io, &dm->tool, t->domid, 0, t->kind, t->devid, &n);
	if (ret) {
		twrd_log(dm, LOG_ERR, "domain %u %s %u: no go-ahead: %s", t->domid,
		     twr_dev_kind_xs(t->kind), t->devid, twr_tool_error(&dm->tool));
		t->io_failed = key;
		return;
	}
	t->io_failed = -1;
	if (n)
		twrd_log(dm, LOG_INFO, "domain %u %s %u: %u I/O task%s registered, go-ahead given",
			 t->domid, twr_dev_kind_xs(t->kind), t->devid, n, n == 1 ? "" : "s");
	else
		twrd_log(dm, LOG_INFO, "domain %u %s %u: go-ahead given without I/O tasks",
			 t->domid, twr_dev_kind_xs(t->kind), t->devid);
}

/*
 * A backend Closed with online 0 is a detach that did not finish: only a
 * detach writes online 0, and one that completes removes the directories
 * right after the backend closed (a twinctl detach killed midway, or a
 * daemon stopped while it waited). After TWRD_DETACH_GRACE_MS of it, finish
 * it, as libxl removes a device whose backend closed for a removal, in a
 * transaction that checks both nodes again (a device re-created under the
 * same id is left alone). Returns true if it did.
 */
static bool finish_detach(struct twrd_daemon *dm, struct twrd_track *t,
			  const char *be_dir)
{
	char path[TWR_XS_PATH_MAX + 16], *v;
	unsigned int len;
	uint64_t now;
	bool removing, ran;
	int ret;

	snprintf(path, sizeof(path), "%s/online", be_dir);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	removing = v && !strcmp(v, "0");
	free(v);
	if (!removing) {
		t->closed_ms = 0;
		return false;
	}
	/* A twinctl detach running the script's "offline" (the backend is
	 * Closed meanwhile) removes the device itself once it is done; a
	 * killed one leaves a dead pid, and the device is finished here. */
	if (t->kind == TWR_DEV_NET && twr_net_hotplug_busy(&dm->tool, t->domid, t->devid))
		return false;
	/* A live detach removes the device itself a moment after Closed;
	 * only one left this way for the grace period was interrupted. */
	now = twrd_now_ms();
	if (!t->closed_ms)
		t->closed_ms = now;
	if (now - t->closed_ms < TWRD_DETACH_GRACE_MS)
		return false;
	/* The script's "offline", as the detach would have run it (nothing
	 * without a script, or if it ran already). */
	if (t->kind == TWR_DEV_NET &&
	    twr_net_hotplug(&dm->tool, t->domid, t->devid, false, TWR_SCRIPT_TIMEOUT_MS, 0, &ran))
		twrd_log(dm, LOG_WARNING, "domain %u twinnet %u: %s", t->domid, t->devid,
			 twr_tool_error(&dm->tool));
	ret = twr_dev_remove_closed(&dm->tool, t->domid, t->kind, t->devid);
	if (ret < 0) {
		twrd_log(dm, LOG_ERR, "domain %u %s %u: finishing an interrupted detach: %s",
			 t->domid, twr_dev_kind_xs(t->kind), t->devid, twr_tool_error(&dm->tool));
		return false;
	}
	if (!ret)
		return false;	/* re-created or reopened meanwhile */
	twrd_log(dm, LOG_INFO, "domain %u %s %u: backend Closed with online 0 for %u s, an interrupted detach: device removed",
		 t->domid, twr_dev_kind_xs(t->kind), t->devid,
		 (unsigned int)((now - t->closed_ms) / 1000));
	return true;
}

/*
 * A device with script=: its script sets the netdev up, once per netdev
 * (a module reload's new one runs it again), and the periodic pass never
 * second-guesses what it did. A failing script fails the device, as with
 * libxl: it is torn down (its "offline" runs first, to undo a half setup).
 */
static void hotplug_online(struct twrd_daemon *dm, struct twrd_track *t, int idx)
{
	bool ran;
	int ret;

	t->bridged = true;	/* tried: never again for this netdev */
	t->ifindex = idx;
	ret = twr_net_hotplug(&dm->tool, t->domid, t->devid, true, TWR_SCRIPT_TIMEOUT_MS, 0, &ran);
	if (!ret) {
		if (ran)
			twrd_log(dm, LOG_INFO, "domain %u: " TWR_NET_IFNAME_FMT " set up by its hotplug script",
				 t->domid, t->domid, t->devid);
		return;
	}
	twrd_log(dm, LOG_ERR, "%s: removing the device", twr_tool_error(&dm->tool));
	ret = twr_dev_destroy(&dm->tool, t->domid, t->kind, t->devid, dm->close_timeout_ms, 0);
	if (ret)	/* the message names the device */
		twrd_log(dm, ret < 0 ? LOG_ERR : LOG_WARNING, "%s", twr_tool_error(&dm->tool));
}

static void follow_device(struct twrd_daemon *dm, enum twr_dev_kind kind,
			  uint32_t domid, uint32_t devid)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], *v;
	struct twrd_track *t = track_get(dm, kind, domid, devid);
	unsigned int len;
	int state = -1, ret, idx;

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
		twrd_log(dm, LOG_INFO, "domain %u %s %u: backend %s", domid, twr_dev_kind_xs(kind),
		     devid, twr_xenbus_state_name(state));
		t->state = state;
	}
	follow_iotask(dm, t, dir);
	if (state != XenbusStateClosed)
		t->closed_ms = 0;
	else if (finish_detach(dm, t, dir))
		return;
	if (kind != TWR_DEV_NET)
		return;
	/* Each netdev is put on its bridge once: what an admin changes after
	 * (another bridge, link down) stays. A netdev re-created by a backend
	 * module reload has a new ifindex and is bridged again. */
	idx = twr_net_ifindex(&dm->tool, domid, devid);
	if (idx < 0) {
		t->bridged = false;	/* no netdev (yet, or any more) */
		return;
	}
	if (t->bridged && idx == t->ifindex)
		return;
	if (twr_net_has_script(&dm->tool, domid, devid, NULL, 0)) {
		hotplug_online(dm, t, idx);
		return;
	}
	snprintf(path, sizeof(path), "%s/bridge", dir);
	v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
	if (!v)
		return;
	ret = twr_net_bridge(&dm->tool, domid, devid, v, 0);
	if (ret == 0) {
		twrd_log(dm, LOG_INFO, "domain %u: " TWR_NET_IFNAME_FMT " on bridge %s", domid,
		     domid, devid, v);
		t->bridged = true;
		t->ifindex = idx;
		t->bridge_err = false;
	} else if (ret == -ETIMEDOUT) {
		t->bridged = false;	/* no netdev (yet, or any more) */
	} else if (ret && !t->bridge_err) {
		twrd_log(dm, LOG_WARNING, "domain %u: %s", domid, twr_tool_error(&dm->tool));
		t->bridge_err = true;
	}
	free(v);
}

void twrd_follow(struct twrd_daemon *dm)
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
		struct twrd_track *t = &dm->tracks[i];

		if (t->gen == dm->gen) {
			dm->tracks[j++] = *t;
			continue;
		}
		twrd_log(dm, LOG_INFO, "domain %u %s %u: removed", t->domid,
		     twr_dev_kind_xs(t->kind), t->devid);
		fe_state_watch(dm, t, false);
		/* Detached behind our back (twinctl detach): its tasks go too;
		 * a dead domain's table went with it. */
		if (twrd_iotask_disconnect(&dm->io, &dm->tool, t->domid, 0, t->kind, t->devid))
			twrd_log(dm, LOG_WARNING, "%s", twr_tool_error(&dm->tool));
	}
	dm->ntracks = j;
}

static bool kind_xs_parse(const char *s, enum twr_dev_kind *kind)
{
	if (!strcmp(s, twr_dev_kind_xs(TWR_DEV_NET)))
		*kind = TWR_DEV_NET;
	else if (!strcmp(s, twr_dev_kind_xs(TWR_DEV_BLK)))
		*kind = TWR_DEV_BLK;
	else
		return false;
	return true;
}

void twrd_touch_path(struct twrd_daemon *dm, const char *path)
{
	char buf[TWR_XS_PATH_MAX], *tok[7], *p, *save = NULL;
	struct twrd_touch tc = { .backend = false };
	unsigned int n = 0, i;
	uint32_t id;

	if (dm->touch_all)
		return;
	/* A guest's own paths can be long; dom0's backend ones are not. */
	if (strlen(path) >= sizeof(buf)) {
		dm->touch_all = !strncmp(path, "/local/domain/0/", 16);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, "/", &save); p && n < 7; p = strtok_r(NULL, "/", &save))
		tok[n++] = p;
	if (n < 3 || strcmp(tok[0], "local") || strcmp(tok[1], "domain") ||
	    twr_id_parse(tok[2], &id)) {
		dm->touch_all = true;
		return;
	}
	if (id == 0 && n >= 4 && !strcmp(tok[3], "backend")) {
		/* /local/domain/0/backend/<kind>/<domid>/<devid>/... */
		tc.backend = true;
		if (n < 7 || !kind_xs_parse(tok[4], &tc.kind) || twr_id_parse(tok[5], &tc.domid) ||
		    twr_id_parse(tok[6], &tc.devid)) {
			dm->touch_all = true;
			return;
		}
	} else {
		/* /local/domain/<domid>/device/<kind>/<devid>/...: the guest's */
		if (n < 6 || strcmp(tok[3], "device") || !kind_xs_parse(tok[4], &tc.kind) ||
		    twr_id_parse(tok[5], &tc.devid))
			return;
		tc.domid = id;
	}
	for (i = 0; i < dm->ntouched; i++) {
		if (dm->touched[i].kind == tc.kind && dm->touched[i].domid == tc.domid &&
		    dm->touched[i].devid == tc.devid) {
			dm->touched[i].backend |= tc.backend;
			return;
		}
	}
	if (dm->ntouched == TWRD_TOUCH_MAX) {
		dm->touch_all = true;
		return;
	}
	dm->touched[dm->ntouched++] = tc;
}

void twrd_follow_touched(struct twrd_daemon *dm)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], *v;
	const struct twrd_touch *tc;
	unsigned int i, len;

	for (i = 0; !dm->touch_all && i < dm->ntouched; i++) {
		tc = &dm->touched[i];
		twr_xs_backend_dir(dir, sizeof(dir), 0, tc->kind, tc->domid, tc->devid);
		snprintf(path, sizeof(path), "%s/frontend-id", dir);
		v = xs_read(dm->tool.xsh, XBT_NULL, path, &len);
		if (v) {
			free(v);
			follow_device(dm, tc->kind, tc->domid, tc->devid);
		} else if (tc->backend) {
			/* Removed: the full pass forgets it and drops its tasks. */
			dm->touch_all = true;
		}
		/* else a guest's node under a device that is not (or not yet)
		 * ours: nothing to follow. */
	}
	if (dm->touch_all)
		twrd_follow(dm);
	dm->ntouched = 0;
	dm->touch_all = false;
}
