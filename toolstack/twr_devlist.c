// SPDX-License-Identifier: MIT
/*
 * Reading back the devices of a domain. The backend directory is the
 * record of truth (the domU cannot write it); the frontend directory is
 * read for its state and queue count only, and every value read from it is
 * bounded and checked, since the domU owns it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_devlist.h"
#include "twr_domain.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xlcfg.h"
#include "twr_xsplan.h"

const char *twr_xenbus_state_name(int state)
{
	static const char *const names[] = {
		[XenbusStateUnknown] = "Unknown",
		[XenbusStateInitialising] = "Initialising",
		[XenbusStateInitWait] = "InitWait",
		[XenbusStateInitialised] = "Initialised",
		[XenbusStateConnected] = "Connected",
		[XenbusStateClosing] = "Closing",
		[XenbusStateClosed] = "Closed",
		[XenbusStateReconfiguring] = "Reconfiguring",
		[XenbusStateReconfigured] = "Reconfigured",
	};

	if (state < 0)
		return "-";
	if ((size_t)state >= sizeof(names) / sizeof(names[0]))
		return "Invalid";
	return names[state];
}

/* Read @dir/@name into @buf (truncated, printable characters only);
 * returns false if the node is absent. */
static bool read_str(struct xs_handle *xsh, const char *dir, const char *name,
		     char *buf, size_t len)
{
	char path[TWR_XS_PATH_MAX + 32];
	unsigned int n, i;
	char *v;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	v = xs_read(xsh, XBT_NULL, path, &n);
	if (!v) {
		buf[0] = '\0';
		return false;
	}
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
	buf[i] = '\0';
	free(v);
	return true;
}

static int read_uint(struct xs_handle *xsh, const char *dir, const char *name,
		     int absent)
{
	char buf[16];
	uint32_t v;

	if (!read_str(xsh, dir, name, buf, sizeof(buf)) || twr_id_parse(buf, &v) ||
	    v > 0xffff)
		return absent;
	return (int)v;
}

int twr_dev_find_backend(struct twr_tool *t, uint32_t domid,
			 enum twr_dev_kind kind, uint32_t devid,
			 uint32_t *backend)
{
	char be[TWR_XS_PATH_MAX];
	uint32_t *ids;
	unsigned int len;
	int n, i, ret = -ENOENT;
	char *v;

	n = twr_domain_list(t, &ids);
	if (n < 0)
		return n;
	for (i = 0; i < n && ret; i++) {
		if (ids[i] == domid)
			continue;
		twr_xs_backend_dir(be, sizeof(be), ids[i], kind, domid, devid);
		v = xs_read(t->xsh, XBT_NULL, be, &len);
		if (v) {
			*backend = ids[i];
			ret = 0;
		}
		free(v);
	}
	free(ids);
	return ret;
}

static struct twr_dev_info *info_get(struct twr_dev_info **arr, int *n,
				     enum twr_dev_kind kind, uint32_t devid)
{
	struct twr_dev_info *a;
	int i;

	for (i = 0; i < *n; i++)
		if ((*arr)[i].kind == kind && (*arr)[i].devid == devid)
			return &(*arr)[i];
	a = realloc(*arr, (size_t)(*n + 1) * sizeof(*a));
	if (!a)
		return NULL;
	*arr = a;
	a = &a[(*n)++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->devid = devid;
	a->fe_state = -1;
	a->be_state = -1;
	return a;
}

static void info_read_backend(struct xs_handle *xsh, struct twr_dev_info *d)
{
	char online[4];

	d->has_backend = true;
	d->be_state = read_uint(xsh, d->be_dir, "state", -1);
	d->online = read_str(xsh, d->be_dir, "online", online, sizeof(online)) &&
		    !strcmp(online, "1");
	d->max_queues = (unsigned int)read_uint(xsh, d->be_dir, "max-queues", 0);
	d->go_ahead = read_str(xsh, d->be_dir, TWR_XS_IOTASK_READY, online, sizeof(online));
	if (d->kind == TWR_DEV_NET) {
		read_str(xsh, d->be_dir, "bridge", d->bridge, sizeof(d->bridge));
		read_str(xsh, d->be_dir, "mac", d->mac, sizeof(d->mac));
	} else {
		read_str(xsh, d->be_dir, "target", d->target, sizeof(d->target));
		read_str(xsh, d->be_dir, "vdev", d->vdev, sizeof(d->vdev));
		read_str(xsh, d->be_dir, "mode", d->mode, sizeof(d->mode));
	}
}

static int cmp_info(const void *a, const void *b)
{
	const struct twr_dev_info *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->devid < y->devid ? -1 : x->devid > y->devid;
}

static int list_kind(struct twr_tool *t, uint32_t domid, enum twr_dev_kind kind,
		     const uint32_t *doms, int ndoms,
		     struct twr_dev_info **arr, int *n)
{
	char dir[TWR_XS_PATH_MAX];
	struct twr_dev_info *d;
	unsigned int ne, j;
	uint32_t devid;
	char **ents;
	int i;

	/* Backend side, in every domain that could be a driver domain. */
	for (i = 0; i < ndoms; i++) {
		if (doms[i] == domid)
			continue;
		twr_xs_backend_domain_dir(dir, sizeof(dir), doms[i], kind, domid);
		ents = xs_directory(t->xsh, XBT_NULL, dir, &ne);
		for (j = 0; ents && j < ne; j++) {
			if (twr_id_parse(ents[j], &devid))
				continue;
			d = info_get(arr, n, kind, devid);
			if (!d) {
				free(ents);
				return -ENOMEM;
			}
			d->domid = domid;
			d->backend = doms[i];
			twr_xs_backend_dir(d->be_dir, sizeof(d->be_dir), doms[i], kind,
					   domid, devid);
			info_read_backend(t->xsh, d);
		}
		free(ents);
	}

	/* Frontend side. */
	twr_xs_frontend_kind_dir(dir, sizeof(dir), domid, kind);
	ents = xs_directory(t->xsh, XBT_NULL, dir, &ne);
	for (j = 0; ents && j < ne; j++) {
		if (twr_id_parse(ents[j], &devid))
			continue;
		d = info_get(arr, n, kind, devid);
		if (!d) {
			free(ents);
			return -ENOMEM;
		}
		d->domid = domid;
		d->has_frontend = true;
		twr_xs_frontend_dir(d->fe_dir, sizeof(d->fe_dir), domid, kind, devid);
		d->fe_state = read_uint(t->xsh, d->fe_dir, "state", -1);
		d->num_queues = (unsigned int)read_uint(t->xsh, d->fe_dir, "num-queues", 0);
	}
	free(ents);
	return 0;
}

int twr_dev_list(struct twr_tool *t, uint32_t domid, struct twr_dev_info **out)
{
	struct twr_dev_info *arr = NULL;
	uint32_t *doms;
	int ndoms, n = 0, ret;

	ndoms = twr_domain_list(t, &doms);
	if (ndoms < 0)
		return ndoms;
	ret = list_kind(t, domid, TWR_DEV_NET, doms, ndoms, &arr, &n);
	if (!ret)
		ret = list_kind(t, domid, TWR_DEV_BLK, doms, ndoms, &arr, &n);
	free(doms);
	if (ret) {
		free(arr);
		return twr_tool_fail(t, ret, "out of memory listing devices of domain %u",
				     domid);
	}
	if (n)
		qsort(arr, (size_t)n, sizeof(*arr), cmp_info);
	*out = arr;
	return n;
}

int twr_daemon_status_read(struct twr_tool *t, uint32_t domid,
			   struct twr_daemon_status **out)
{
	char dir[TWR_XS_PATH_MAX], edir[TWR_XS_PATH_MAX];
	struct twr_daemon_status *st;
	unsigned int n = 0, i;
	char **ents;

	st = calloc(1, sizeof(*st));
	if (!st)
		return twr_tool_fail(t, -ENOMEM, "out of memory");
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u", domid);
	st->present = read_str(t->xsh, dir, "config", st->config, sizeof(st->config));
	snprintf(edir, sizeof(edir), TWR_XS_DAEMON_ROOT "/%u/errors", domid);
	ents = xs_directory(t->xsh, XBT_NULL, edir, &n);
	for (i = 0; ents && i < n && st->n_errors < TWR_DAEMON_ERRORS_MAX; i++)
		if (read_str(t->xsh, edir, ents[i], st->errors[st->n_errors],
			     sizeof(st->errors[0])))
			st->n_errors++;
	free(ents);
	*out = st;
	return 0;
}

int twr_entries_read(struct twr_tool *t, uint32_t domid, struct twr_xlcfg *cfg)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], *v;
	unsigned int len, i;
	uint32_t n;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/entries", domid);
	v = xs_read(t->xsh, XBT_NULL, dir, &len);
	if (!v)
		return errno == ENOENT ? -ENOENT : -errno;
	if (twr_xs_u32_parse(v, len, TWR_XLCFG_MAX_ITEMS, &n)) {
		free(v);
		return -EINVAL;
	}
	free(v);
	cfg->items = calloc((size_t)n + 1, sizeof(*cfg->items));
	if (!cfg->items)
		return -ENOMEM;
	cfg->n = n;
	cfg->has_key = true;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%u", dir, i);
		cfg->items[i] = xs_read(t->xsh, XBT_NULL, path, &len);
	}
	return 0;
}

int twr_entries_write(struct twr_tool *t, uint32_t domid, const struct twr_xlcfg *cfg)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 16], num[16];
	xs_transaction_t tx;
	unsigned int i, tries;
	bool ok;

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/entries", domid);
	snprintf(num, sizeof(num), "%u", cfg->n);
	for (tries = 0; tries < TWR_TX_RETRIES; tries++) {
		tx = xs_transaction_start(t->xsh);
		if (tx == XBT_NULL)
			return -errno;
		xs_rm(t->xsh, tx, dir);
		ok = xs_write(t->xsh, tx, dir, num, (unsigned int)strlen(num));
		for (i = 0; ok && i < cfg->n; i++) {
			if (!cfg->items[i])
				continue;
			snprintf(path, sizeof(path), "%s/%u", dir, i);
			ok = xs_write(t->xsh, tx, path, cfg->items[i],
				      (unsigned int)strlen(cfg->items[i]));
		}
		if (!ok) {
			xs_transaction_end(t->xsh, tx, true);
			return -errno;
		}
		if (xs_transaction_end(t->xsh, tx, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}
