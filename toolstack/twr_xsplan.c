// SPDX-License-Identifier: MIT
/*
 * xenstore layout of a twinring device as data (see twr_xsplan.h and the
 * node table in include/twinring/xenbus.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xen/io/xenbus.h>

#include "twinring/xenbus.h"
#include "twr_xsplan.h"

#define TWR_ID_MAX	0x7fffffffu

static int fmt(char *buf, size_t len, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static int fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int twr_xs_frontend_kind_dir(char *buf, size_t len, uint32_t domid,
			     enum twr_dev_kind kind)
{
	return fmt(buf, len, "/local/domain/%u/device/%s", domid,
		   twr_dev_kind_xs(kind));
}

int twr_xs_frontend_dir(char *buf, size_t len, uint32_t domid,
			enum twr_dev_kind kind, uint32_t devid)
{
	return fmt(buf, len, "/local/domain/%u/device/%s/%u", domid,
		   twr_dev_kind_xs(kind), devid);
}

int twr_xs_backend_domain_dir(char *buf, size_t len, uint32_t backend,
			      enum twr_dev_kind kind, uint32_t domid)
{
	return fmt(buf, len, "/local/domain/%u/backend/%s/%u", backend,
		   twr_dev_kind_xs(kind), domid);
}

int twr_xs_backend_dir(char *buf, size_t len, uint32_t backend,
		       enum twr_dev_kind kind, uint32_t domid, uint32_t devid)
{
	return fmt(buf, len, "/local/domain/%u/backend/%s/%u/%u", backend,
		   twr_dev_kind_xs(kind), domid, devid);
}

/* Append one node below @dir ("" for @dir itself) with owner @owner and
 * reader @reader. */
static int plan_add(struct twr_xs_plan *plan, const char *dir, const char *name,
		    uint32_t owner, uint32_t reader, const char *vfmt, ...)
	__attribute__((format(printf, 6, 7)));

static int plan_add(struct twr_xs_plan *plan, const char *dir, const char *name,
		    uint32_t owner, uint32_t reader, const char *vfmt, ...)
{
	struct twr_xs_node *node;
	va_list ap;
	int n, ret;

	if (plan->n >= TWR_XS_PLAN_MAX)
		return -ENOSPC;
	node = &plan->nodes[plan->n];
	memset(node, 0, sizeof(*node));
	if (*name)
		ret = fmt(node->path, sizeof(node->path), "%s/%s", dir, name);
	else
		ret = fmt(node->path, sizeof(node->path), "%s", dir);
	if (ret)
		return ret;
	node->perms[0].domid = owner;
	node->perms[0].mode = 'n';
	node->perms[1].domid = reader;
	node->perms[1].mode = 'r';
	if (vfmt) {
		va_start(ap, vfmt);
		n = vsnprintf(node->value, sizeof(node->value), vfmt, ap);
		va_end(ap);
		if (n < 0 || (size_t)n >= sizeof(node->value))
			return -ENAMETOOLONG;
	} else {
		node->is_dir = true;
	}
	plan->n++;
	return 0;
}

int twr_xs_plan_build(const struct twr_dev_desc *d, struct twr_xs_plan *plan)
{
	const struct twr_spec *s = &d->spec;
	const char *fe = plan->fe_dir, *be = plan->be_dir;
	uint32_t dom = d->domid, bk = d->backend;
	char mac[18];
	int ret;

	memset(plan, 0, sizeof(*plan));
	if (dom == bk || dom > TWR_ID_MAX || bk > TWR_ID_MAX || d->devid > TWR_ID_MAX)
		return -EINVAL;
	ret = twr_xs_frontend_dir(plan->fe_dir, sizeof(plan->fe_dir), dom, s->kind,
				  d->devid);
	if (!ret)
		ret = twr_xs_backend_dir(plan->be_dir, sizeof(plan->be_dir), bk,
					 s->kind, dom, d->devid);
	if (ret)
		return ret;

	/* Frontend: owned by the domU (its driver writes state and the queue
	 * nodes there), readable by the backend domain. */
	ret = plan_add(plan, fe, "", dom, bk, NULL) ?:
	      plan_add(plan, fe, TWR_XS_BACKEND, dom, bk, "%s", be) ?:
	      plan_add(plan, fe, TWR_XS_BACKEND_ID, dom, bk, "%u", bk) ?:
	      plan_add(plan, fe, TWR_XS_STATE, dom, bk, "%d", XenbusStateInitialising);
	if (!ret && s->kind == TWR_DEV_NET) {
		twr_mac_format(s->net.mac, mac, sizeof(mac));
		ret = plan_add(plan, fe, TWR_XS_NET_MAC, dom, bk, "%s", mac);
	}
	if (ret)
		return ret;

	/* Backend: owned by the backend domain, readable by the domU (its
	 * driver reads state and the limits the backend publishes). */
	ret = plan_add(plan, be, "", bk, dom, NULL) ?:
	      plan_add(plan, be, TWR_XS_FRONTEND, bk, dom, "%s", fe) ?:
	      plan_add(plan, be, TWR_XS_FRONTEND_ID, bk, dom, "%u", dom) ?:
	      plan_add(plan, be, TWR_XS_ONLINE, bk, dom, "1") ?:
	      plan_add(plan, be, TWR_XS_STATE, bk, dom, "%d", XenbusStateInitialising) ?:
	      plan_add(plan, be, TWR_XS_MAX_QUEUES, bk, dom, "%u", s->queues);
	if (!ret && d->go_ahead)
		ret = plan_add(plan, be, TWR_XS_IOTASK_READY, bk, dom, "1");
	if (ret)
		return ret;
	if (s->kind == TWR_DEV_NET) {
		ret = plan_add(plan, be, TWR_XS_NET_BRIDGE, bk, dom, "%s", s->net.bridge) ?:
		      plan_add(plan, be, TWR_XS_NET_MAC, bk, dom, "%s", mac);
		/* Where libxl puts a vif's: in the backend directory, which
		 * the domU may read but not write. */
		if (!ret && s->net.script[0])
			ret = plan_add(plan, be, TWR_XS_NET_SCRIPT, bk, dom, "%s", s->net.script);
		return ret;
	}
	ret = plan_add(plan, be, TWR_XS_BLK_TARGET, bk, dom, "%s", s->blk.target) ?:
	      plan_add(plan, be, TWR_XS_BLK_MODE, bk, dom, "%s", s->blk.writable ? "w" : "r") ?:
	      plan_add(plan, be, TWR_XS_BLK_VDEV, bk, dom, "%s", s->blk.vdev);
	if (!ret && s->blk.cache_writeback)
		ret = plan_add(plan, be, TWR_XS_BLK_CACHE, bk, dom, "%s", "writeback");
	if (!ret && s->blk.iops)
		ret = plan_add(plan, be, TWR_XS_BLK_LIMIT_IOPS, bk, dom, "%u", s->blk.iops);
	if (!ret && s->blk.bw)
		ret = plan_add(plan, be, TWR_XS_BLK_LIMIT_BW, bk, dom, "%llu",
			       (unsigned long long)s->blk.bw);
	return ret;
}

const struct twr_xs_node *twr_xs_plan_find(const struct twr_xs_plan *plan,
					   const char *path)
{
	unsigned int i;

	for (i = 0; i < plan->n; i++)
		if (!strcmp(plan->nodes[i].path, path))
			return &plan->nodes[i];
	return NULL;
}

int twr_id_parse(const char *str, uint32_t *id)
{
	uint64_t v = 0;
	const char *p = str;

	if (!*p || (p[0] == '0' && p[1]))
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > TWR_ID_MAX)
			return -EINVAL;
	}
	*id = (uint32_t)v;
	return 0;
}

int twr_xs_u32_parse(const char *v, unsigned int len, uint32_t max, uint32_t *out)
{
	uint64_t x = 0;
	unsigned int i;

	/* Every byte a digit: strtoul() would skip leading white space and
	 * stop at a NUL inside the value, so " 5", "5\0junk" and a lone NUL
	 * (as 0) got through. */
	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > max)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

long twr_devid_next(const char *const *names, unsigned int n)
{
	uint32_t id;
	long next = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!twr_id_parse(names[i], &id) && (long)id >= next)
			next = (long)id + 1;
	return next > (long)TWR_ID_MAX ? -ENOSPC : next;
}

uint32_t twr_dev_task_id(enum twr_dev_kind kind, uint32_t devid, unsigned int queue)
{
	if (devid > 0xffffu || queue > 0xffu)
		return 0;
	return ((uint32_t)kind + 1u) << 24 | devid << 8 | queue;
}
