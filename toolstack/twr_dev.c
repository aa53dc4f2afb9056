// SPDX-License-Identifier: MIT
/*
 * Device create and destroy in xenstore.
 *
 * Create checks everything it can before it writes anything, then writes
 * the plan of twr_xs_plan_build() in one transaction, so a device is either
 * complete or absent. The devid is allocated and the vdev checked inside
 * the same transaction: two concurrent attaches cannot pick the same id,
 * xenstored makes the loser retry with EAGAIN.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "twr_dev.h"
#include "twr_devlist.h"
#include "twr_domain.h"
#include "twr_host.h"
#include "twr_hotplug.h"
#include "twr_killpoint.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"


/* Convert a plan permission to libxenstore's. */
static void perm_to_xs(const struct twr_xs_perm *p, struct xs_permissions *x)
{
	x->id = p->domid;
	switch (p->mode) {
	case 'r':
		x->perms = XS_PERM_READ;
		break;
	case 'w':
		x->perms = XS_PERM_WRITE;
		break;
	case 'b':
		x->perms = XS_PERM_READ | XS_PERM_WRITE;
		break;
	default:
		x->perms = XS_PERM_NONE;
	}
}

static int plan_write(struct twr_tool *t, xs_transaction_t tx,
		      const struct twr_xs_plan *plan, const char **failed)
{
	struct xs_handle *xsh = t->xsh;
	struct xs_permissions perms[2];
	const struct twr_xs_node *node;
	unsigned int i;
	bool ok;

	for (i = 0; i < plan->n; i++) {
		node = &plan->nodes[i];
		*failed = node->path;
		if (!strcmp(node->path, plan->be_dir))
			twr_killpoint(t, TWR_KILL_DEVICE_HALF);
		if (node->is_dir)
			ok = xs_mkdir(xsh, tx, node->path);
		else
			ok = xs_write(xsh, tx, node->path, node->value,
				      (unsigned int)strlen(node->value));
		if (!ok)
			return -errno;
		perm_to_xs(&node->perms[0], &perms[0]);
		perm_to_xs(&node->perms[1], &perms[1]);
		if (!xs_set_permissions(xsh, tx, node->path, perms, 2))
			return -errno;
	}
	return 0;
}

static bool xs_exists(struct xs_handle *xsh, xs_transaction_t tx, const char *path)
{
	unsigned int n;
	char *v = xs_read(xsh, tx, path, &n);

	free(v);
	return v != NULL;
}

/* Allocate a devid: one above every id under the frontend and the backend
 * kind directories, read inside @tx. */
static long devid_alloc(struct xs_handle *xsh, xs_transaction_t tx,
			const struct twr_dev_desc *d)
{
	char fe[TWR_XS_PATH_MAX], be[TWR_XS_PATH_MAX];
	char **fents, **bents;
	unsigned int nf = 0, nb = 0, i;
	const char **all;
	long id;

	if (twr_xs_frontend_kind_dir(fe, sizeof(fe), d->domid, d->spec.kind) ||
	    twr_xs_backend_domain_dir(be, sizeof(be), d->backend, d->spec.kind,
				      d->domid))
		return -ENAMETOOLONG;
	fents = xs_directory(xsh, tx, fe, &nf);
	if (!fents)
		nf = 0;
	bents = xs_directory(xsh, tx, be, &nb);
	if (!bents)
		nb = 0;
	all = calloc(nf + nb + 1, sizeof(*all));
	if (!all) {
		id = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < nf; i++)
		all[i] = fents[i];
	for (i = 0; i < nb; i++)
		all[nf + i] = bents[i];
	id = twr_devid_next(all, nf + nb);
	free(all);
out_free:
	free(bents);
	free(fents);
	return id;
}

/* Is @vdev already used by a twinblk device of the domain (backend side,
 * which the domU cannot rewrite)? Returns 0, or -EEXIST with the devid. */
static int vdev_check(struct twr_tool *t, xs_transaction_t tx,
		      const struct twr_dev_desc *d)
{
	char be[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 32];
	unsigned int n = 0, i, len;
	char **ents, *v;
	int ret = 0;

	twr_xs_backend_domain_dir(be, sizeof(be), d->backend, TWR_DEV_BLK, d->domid);
	ents = xs_directory(t->xsh, tx, be, &n);
	if (!ents)
		return 0;
	for (i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof(path), "%s/%s/vdev", be, ents[i]);
		v = xs_read(t->xsh, tx, path, &len);
		if (v && !strcmp(v, d->spec.blk.vdev))
			ret = twr_tool_fail(t, -EEXIST,
					    "vdev %s is already used by twinblk device %s of domain %u: pick another vdev=<name>",
					    v, ents[i], d->domid);
		free(v);
	}
	free(ents);
	return ret;
}

/* Is @domid the receiving end of a migration of domain @holder (a domid
 * string)? Until the source is gone both exist, with the same devices. */
static bool migration_source(struct twr_tool *t, uint32_t domid, const char *holder)
{
	char name[TWR_DOMNAME_MAX], src[TWR_DOMNAME_MAX];
	unsigned long h;
	char *end;

	errno = 0;
	h = strtoul(holder, &end, 10);
	if (errno || *end || end == holder || h == domid || h > UINT32_MAX)
		return false;
	return !twr_domain_name(t, domid, name, sizeof(name)) &&
	       !twr_domain_name(t, (uint32_t)h, src, sizeof(src)) &&
	       twr_domain_migration_pair(name, src);
}

/* Is the MAC of a twinnet device with mac= already given to another twinnet
 * device of this backend domain, any guest's (two ports with one address
 * on a bridge break both)? The source of a migration to this host keeps
 * its own until it is gone. Returns 0, or -EEXIST naming the holder. */
static int mac_check(struct twr_tool *t, xs_transaction_t tx, const struct twr_dev_desc *d)
{
	char top[TWR_XS_PATH_MAX], dir[TWR_XS_PATH_MAX + 16], path[TWR_XS_PATH_MAX + 48];
	unsigned int nd = 0, nv = 0, i, j, len;
	char **doms, **devs, *v;
	uint8_t mac[6];
	int ret = 0;

	snprintf(top, sizeof(top), "/local/domain/%u/backend/%s", d->backend,
		 twr_dev_kind_xs(TWR_DEV_NET));
	doms = xs_directory(t->xsh, tx, top, &nd);
	for (i = 0; doms && i < nd && !ret; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, doms[i]);
		devs = xs_directory(t->xsh, tx, dir, &nv);
		for (j = 0; devs && j < nv && !ret; j++) {
			snprintf(path, sizeof(path), "%s/%s/mac", dir, devs[j]);
			v = xs_read(t->xsh, tx, path, &len);
			if (v && !twr_mac_parse(v, mac) && !memcmp(mac, d->spec.net.mac, 6) &&
			    !migration_source(t, d->domid, doms[i]))
				ret = twr_tool_fail(t, -EEXIST,
						    "mac %s is already used by twinnet device %s of domain %s: give another mac= or none",
						    v, devs[j], doms[i]);
			free(v);
		}
		free(devs);
	}
	free(doms);
	return ret;
}

/* Everything that can be checked without a transaction. */
static int create_precheck(struct twr_tool *t, struct twr_dev_desc *d)
{
	char name[TWR_DOMNAME_MAX];
	int ret;

	if (d->domid == 0 || d->domid == d->backend)
		return twr_tool_fail(t, -EINVAL,
				     "domain %u cannot have a twinring device whose backend is domain %u: attach to a domU",
				     d->domid, d->backend);
	ret = twr_domain_name(t, d->domid, name, sizeof(name));
	if (ret)
		return ret;
	ret = twr_domain_name(t, d->backend, name, sizeof(name));
	if (ret)
		return twr_tool_fail(t, ret, "backend domain %u does not exist (see xl list)",
				     d->backend);
	if (d->backend != 0)
		return 0;	/* a driver domain checks its own resources */
	/* With a script the bridge is the script's business (an Open
	 * vSwitch bridge is no Linux bridge); the script must be there. The
	 * backend directory gets its absolute path. */
	if (d->spec.kind == TWR_DEV_NET && d->spec.net.script[0]) {
		char path[TWR_SPEC_SCRIPT_MAX + 1];

		ret = twr_script_resolve(t, t->scripts_dir, d->spec.net.script, path,
					 sizeof(path));
		if (ret)
			return ret;
		strcpy(d->spec.net.script, path);
		return 0;
	}
	if (d->spec.kind == TWR_DEV_NET)
		return twr_host_check_bridge(t, d->spec.net.bridge);
	return twr_host_check_target(t, d->spec.blk.target, d->spec.blk.writable);
}

/* twinringd's record of the device, in the device's own transaction. */
static int record_write(struct xs_handle *xsh, xs_transaction_t tx,
			const struct twr_dev_desc *d, const char *record,
			const char **failed)
{
	static char path[TWR_XS_PATH_MAX];

	snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/devices/%s-%u", d->domid,
		 twr_dev_kind_xs(d->spec.kind), d->devid);
	*failed = path;
	return xs_write(xsh, tx, path, record, (unsigned int)strlen(record)) ? 0 : -errno;
}

int twr_dev_create(struct twr_tool *t, uint32_t domid,
		   const struct twr_spec *spec, const char *record,
		   unsigned int flags, struct twr_dev_desc *d)
{
	struct twr_xs_plan *plan;
	const char *failed = "";
	xs_transaction_t tx;
	int ret, tries;
	long id;

	memset(d, 0, sizeof(*d));
	d->spec = *spec;
	d->domid = domid;
	d->go_ahead = flags & TWR_DEV_F_GO_AHEAD;
	if (spec->backend[0]) {
		ret = twr_domain_resolve(t, spec->backend, &d->backend);
		if (ret) {
			char why[TWR_TOOL_ERR_MAX];

			snprintf(why, sizeof(why), "%s", t->err);
			return twr_tool_fail(t, ret, "backend=%s: %s", spec->backend, why);
		}
	}
	ret = create_precheck(t, d);
	if (ret)
		return ret;
	if (spec->kind == TWR_DEV_NET && !spec->net.has_mac) {
		ret = twr_mac_generate(d->spec.net.mac);
		if (ret)
			return twr_tool_fail(t, ret, "cannot generate a MAC address: %s",
					     strerror(-ret));
	}
	plan = malloc(sizeof(*plan));
	if (!plan)
		return twr_tool_fail(t, -ENOMEM, "out of memory");

	for (tries = 0; tries < TWR_TX_RETRIES; tries++) {
		char fe_top[TWR_XS_PATH_MAX];

		tx = xs_transaction_start(t->xsh);
		if (tx == XBT_NULL) {
			ret = twr_tool_fail(t, -errno, "cannot start a xenstore transaction: %s",
					    strerror(errno));
			goto out_free;
		}
		/* The domain may have died since the precheck. */
		snprintf(fe_top, sizeof(fe_top), "/local/domain/%u", domid);
		if (!xs_exists(t->xsh, tx, fe_top)) {
			ret = twr_tool_fail(t, -ENOENT, "domain %u disappeared", domid);
			goto out_abort;
		}
		id = devid_alloc(t->xsh, tx, d);
		if (id < 0) {
			ret = twr_tool_fail(t, (int)id, "no free device id for domain %u",
					    domid);
			goto out_abort;
		}
		d->devid = (uint32_t)id;
		if (spec->kind == TWR_DEV_BLK)
			ret = vdev_check(t, tx, d);
		else if (spec->net.has_mac)
			ret = mac_check(t, tx, d);
		if (ret)
			goto out_abort;
		ret = twr_xs_plan_build(d, plan);
		if (ret) {
			twr_tool_fail(t, ret, "cannot lay out the xenstore nodes: %s",
				      strerror(-ret));
			goto out_abort;
		}
		ret = plan_write(t, tx, plan, &failed);
		if (!ret && record)
			ret = record_write(t->xsh, tx, d, record, &failed);
		if (ret) {
			twr_tool_fail(t, ret, "xenstore write of %s failed: %s", failed,
				      strerror(-ret));
			goto out_abort;
		}
		if (xs_transaction_end(t->xsh, tx, false)) {
			ret = 0;
			goto out_free;
		}
		if (errno != EAGAIN) {
			ret = twr_tool_fail(t, -errno, "xenstore transaction for domain %u failed: %s",
					    domid, strerror(errno));
			goto out_free;
		}
	}
	ret = twr_tool_fail(t, -EAGAIN,
			    "xenstore stayed too busy to commit the device after %d tries: retry",
			    TWR_TX_RETRIES);
	goto out_free;

out_abort:
	xs_transaction_end(t->xsh, tx, true);
out_free:
	free(plan);
	return ret;
}

/* Read an integer node; -1 if absent or not a number. */
static int xs_read_int(struct xs_handle *xsh, const char *path)
{
	unsigned int n;
	char *v = xs_read(xsh, XBT_NULL, path, &n), *end;
	long x;

	if (!v)
		return -1;
	x = strtol(v, &end, 10);
	if (end == v || *end || x < 0 || x > 1000)
		x = -1;
	free(v);
	return (int)x;
}

static unsigned int elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned int)((now.tv_sec - t0->tv_sec) * 1000 +
			      (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Wait until the backend state node says Closed or is gone; bounded. The
 * watch lives on a connection of its own: the caller's (twinringd's) has
 * watches of its own whose events must not be swallowed here. */
static bool wait_closed(const char *state_path, unsigned int timeout_ms,
			const volatile sig_atomic_t *stop)
{
	static const char token[] = "twr-close";
	struct timespec t0;
	struct xs_handle *xsh;
	struct pollfd pfd;
	unsigned int n, ms;
	bool closed = false;
	char **ev;
	int st;

	xsh = xs_open(0);
	if (!xsh)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!xs_watch(xsh, state_path, token))
		goto out_close;
	pfd.fd = xs_fileno(xsh);
	pfd.events = POLLIN;
	for (;;) {
		st = xs_read_int(xsh, state_path);
		if (st < 0 || st == XenbusStateClosed) {
			closed = true;
			break;
		}
		ms = elapsed_ms(&t0);
		if (ms >= timeout_ms || (stop && *stop))
			break;
		if (poll(&pfd, 1, (int)(timeout_ms - ms)) > 0) {
			ev = xs_read_watch(xsh, &n);
			free(ev);
		}
	}
	xs_unwatch(xsh, state_path, token);
out_close:
	xs_close(xsh);
	return closed;
}

/* Remove @path, then its parent if that became empty. */
static void rm_with_parent(struct xs_handle *xsh, xs_transaction_t tx, char *path)
{
	unsigned int n;
	char **ents, *slash;

	xs_rm(xsh, tx, path);
	slash = strrchr(path, '/');
	if (!slash)
		return;
	*slash = '\0';
	ents = xs_directory(xsh, tx, path, &n);
	if (ents && n == 0)
		xs_rm(xsh, tx, path);
	free(ents);
	*slash = '/';
}

/* Read @path in @tx and compare it with @want. */
static bool xs_tx_is(struct xs_handle *xsh, xs_transaction_t tx, const char *path,
		     const char *want)
{
	unsigned int n;
	char *v = xs_read(xsh, tx, path, &n);
	bool same = v && !strcmp(v, want);

	free(v);
	return same;
}

/*
 * Remove the frontend directory @fe, the daemon's record and the backend
 * directory @be (none if NULL) in one transaction, each with its parent if
 * that became empty. With @only_closed, only if @be still reads state
 * Closed and online 0 inside the transaction. Returns 1 if removed, 0 if
 * @only_closed found it otherwise, or a negative errno.
 */
static int remove_device(struct twr_tool *t, char *fe, char *be, uint32_t domid,
			 enum twr_dev_kind kind, uint32_t devid, bool only_closed)
{
	char path[TWR_XS_PATH_MAX + 16], closed[8];
	xs_transaction_t tx;
	int tries;

	snprintf(closed, sizeof(closed), "%d", XenbusStateClosed);
	for (tries = 0; tries < TWR_TX_RETRIES; tries++) {
		tx = xs_transaction_start(t->xsh);
		if (tx == XBT_NULL)
			return twr_tool_fail(t, -errno, "cannot start a xenstore transaction: %s",
					     strerror(errno));
		if (only_closed) {
			snprintf(path, sizeof(path), "%s/state", be);
			if (!xs_tx_is(t->xsh, tx, path, closed)) {
				xs_transaction_end(t->xsh, tx, true);
				return 0;
			}
			snprintf(path, sizeof(path), "%s/online", be);
			if (!xs_tx_is(t->xsh, tx, path, "0")) {
				xs_transaction_end(t->xsh, tx, true);
				return 0;
			}
		}
		rm_with_parent(t->xsh, tx, fe);
		snprintf(path, sizeof(path), TWR_XS_DAEMON_ROOT "/%u/devices/%s-%u", domid,
			 twr_dev_kind_xs(kind), devid);
		xs_rm(t->xsh, tx, path);
		/* backend/<kind>/<domid>/<devid>: drop <domid> if empty */
		if (be)
			rm_with_parent(t->xsh, tx, be);
		if (xs_transaction_end(t->xsh, tx, false))
			return 1;
		if (errno != EAGAIN)
			return twr_tool_fail(t, -errno, "removing %s device %u of domain %u from xenstore failed: %s",
					     twr_dev_kind_xs(kind), devid, domid, strerror(errno));
	}
	return twr_tool_fail(t, -EAGAIN, "xenstore stayed too busy to remove %s device %u of domain %u: retry",
			     twr_dev_kind_xs(kind), devid, domid);
}

int twr_dev_remove_closed(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
			  uint32_t devid)
{
	char fe[TWR_XS_PATH_MAX], be[TWR_XS_PATH_MAX];

	twr_xs_frontend_dir(fe, sizeof(fe), domid, kind, devid);
	twr_xs_backend_dir(be, sizeof(be), 0, kind, domid, devid);
	return remove_device(t, fe, be, domid, kind, devid, true);
}

/* The xenbus error node of a guest's device (xenbus_dev_error()). */
static void error_node(char *path, size_t len, uint32_t domid, enum twr_dev_kind kind,
		       uint32_t devid)
{
	snprintf(path, len, "/local/domain/%u/error/device/%s/%u/error", domid,
		 twr_dev_kind_xs(kind), devid);
}

/*
 * After a detach's wait: did the guest refuse to close, the device being in
 * use there? twinblk-front then stays Connected and writes its error node
 * (removed before the detach asked to close). Fail with -EBUSY, quoting
 * it (guest-written: made printable and cut short). A frontend that is
 * only slow or hung wrote none, and is removed as before.
 */
static int frontend_busy(struct twr_tool *t, const char *fe, uint32_t domid,
			 enum twr_dev_kind kind, uint32_t devid, unsigned int timeout_ms)
{
	char path[TWR_XS_PATH_MAX + 16], why[160];
	unsigned int n;
	char *v;

	snprintf(path, sizeof(path), "%s/state", fe);
	if (xs_read_int(t->xsh, path) != XenbusStateConnected)
		return 0;
	error_node(path, sizeof(path), domid, kind, devid);
	v = xs_read(t->xsh, XBT_NULL, path, &n);
	if (!v)
		return 0;
	twr_printable(why, sizeof(why), v);
	free(v);
	return twr_tool_fail(t, -EBUSY,
			     "%s device %u of domain %u is in use in the guest, which did not close it in %u s (it says: %s): left closing; the guest closes it when its last user lets go (umount, the process ends), and twinringd then removes it; detach -f removes it now, failing the guest's I/O on it",
			     twr_dev_kind_xs(kind), devid, domid, timeout_ms / 1000, why);
}

int twr_dev_destroy(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
		    uint32_t devid, unsigned int timeout_ms, unsigned int flags)
{
	char fe[TWR_XS_PATH_MAX], be[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16];
	char errp[TWR_XS_PATH_MAX + 16], st[8];
	char hp_err[TWR_TOOL_ERR_MAX] = "";
	bool has_be, has_fe, closed = true, ran;
	uint32_t backend;
	int ret, state;

	twr_xs_frontend_dir(fe, sizeof(fe), domid, kind, devid);
	has_fe = xs_exists(t->xsh, XBT_NULL, fe);
	has_be = !twr_dev_find_backend(t, domid, kind, devid, &backend);
	if (!has_fe && !has_be)
		return twr_tool_fail(t, -ENOENT,
				     "domain %u has no %s device %u (see twinctl show %u)",
				     domid, twr_dev_kind_xs(kind), devid, domid);

	if (has_be) {
		twr_xs_backend_dir(be, sizeof(be), backend, kind, domid, devid);
		snprintf(path, sizeof(path), "%s/%s", be, "online");
		xs_write(t->xsh, XBT_NULL, path, "0", 1);
		snprintf(path, sizeof(path), "%s/%s", be, "state");
		state = xs_read_int(t->xsh, path);
		/* A backend still Initialising never probed the device: it has
		 * mapped nothing, there is nothing to wait for. */
		if (state > XenbusStateInitialising && state != XenbusStateClosed) {
			if (flags & TWR_DESTROY_IDLE) {
				error_node(errp, sizeof(errp), domid, kind, devid);
				xs_rm(t->xsh, XBT_NULL, errp);
			}
			snprintf(st, sizeof(st), "%d", XenbusStateClosing);
			xs_write(t->xsh, XBT_NULL, path, st, (unsigned int)strlen(st));
			twr_killpoint(t, TWR_KILL_DETACH_CLOSING);
			if (!(flags & TWR_DESTROY_FORCE))
				closed = wait_closed(path, timeout_ms, t->stop);
			/* Stopping: the device stays, for the next daemon. */
			if (!closed && t->stop && *t->stop)
				return twr_tool_fail(t, -EINTR,
						     "stopping: %s device %u of domain %u left closing, for the next twinringd",
						     twr_dev_kind_xs(kind), devid, domid);
			if (!closed && (flags & TWR_DESTROY_IDLE) &&
			    frontend_busy(t, fe, domid, kind, devid, timeout_ms))
				return -EBUSY;
		}
		/* A script's "offline", as libxl runs it: once the backend
		 * closed, before its directory goes. It failing removes the
		 * device all the same. */
		if (kind == TWR_DEV_NET && backend == 0 &&
		    twr_net_hotplug(t, domid, devid, false, TWR_SCRIPT_TIMEOUT_MS, 0, &ran))
			snprintf(hp_err, sizeof(hp_err), "%s", t->err);
	}

	ret = remove_device(t, fe, has_be ? be : NULL, domid, kind, devid, false);
	if (ret < 0)
		return ret;
	if (!closed) {
		twr_tool_fail(t, 1,
			      "the backend of %s device %u of domain %u did not reach Closed within %u ms; its xenstore directories were removed anyway, which makes the backend driver drop the device",
			      twr_dev_kind_xs(kind), devid, domid, timeout_ms);
		return 1;
	}
	if (hp_err[0]) {
		twr_tool_fail(t, 1, "%s; the device was removed anyway", hp_err);
		return 1;
	}
	return 0;
}
