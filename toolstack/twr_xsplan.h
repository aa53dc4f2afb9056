/* SPDX-License-Identifier: MIT */
/*
 * The xenstore nodes of one twinring device, computed as data: the paths of
 * include/twinring/xenbus.h, the value of every node the toolstack writes
 * and its permissions in libxl's pattern. Pure functions, no Xen: the unit
 * tests check the plan, and twr_dev_create() replays it in one transaction.
 */
#ifndef TWINRING_TOOLSTACK_XSPLAN_H
#define TWINRING_TOOLSTACK_XSPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twr_spec.h"

#define TWR_XS_PATH_MAX		128u
#define TWR_XS_VALUE_MAX	(TWR_SPEC_TARGET_MAX + 1)
#define TWR_XS_PLAN_MAX		16u

/* One xenstore permission entry, as xenstore-ls -p prints it: the first
 * entry names the owner (and what everyone else may do), the next ones
 * grant a domain access. */
struct twr_xs_perm {
	uint32_t domid;
	char mode;		/* 'n' none, 'r' read, 'w' write, 'b' both */
};

struct twr_xs_node {
	char path[TWR_XS_PATH_MAX];
	char value[TWR_XS_VALUE_MAX];
	bool is_dir;		/* mkdir, no value */
	struct twr_xs_perm perms[2];
};

/* Everything needed to lay out one device. */
struct twr_dev_desc {
	struct twr_spec spec;	/* net.mac must be set (generated if need be) */
	uint32_t domid;		/* the frontend (user) domain */
	uint32_t backend;	/* the backend (driver) domain */
	uint32_t devid;
	bool go_ahead;		/* write iotask-ready now: no I/O tasks wanted */
};

struct twr_xs_plan {
	char fe_dir[TWR_XS_PATH_MAX];
	char be_dir[TWR_XS_PATH_MAX];
	unsigned int n;
	struct twr_xs_node nodes[TWR_XS_PLAN_MAX];
};

/* /local/domain/<domid>/device/<kind> and .../<devid>. Return 0 or
 * -ENAMETOOLONG. */
int twr_xs_frontend_kind_dir(char *buf, size_t len, uint32_t domid,
			     enum twr_dev_kind kind);
int twr_xs_frontend_dir(char *buf, size_t len, uint32_t domid,
			enum twr_dev_kind kind, uint32_t devid);

/* /local/domain/<backend>/backend/<kind>/<domid> and .../<devid>. */
int twr_xs_backend_domain_dir(char *buf, size_t len, uint32_t backend,
			      enum twr_dev_kind kind, uint32_t domid);
int twr_xs_backend_dir(char *buf, size_t len, uint32_t backend,
		       enum twr_dev_kind kind, uint32_t domid, uint32_t devid);

/* Fill @plan with the directories and nodes of @d, in write order: the
 * frontend directory, its nodes, the backend directory, its nodes. Frontend
 * nodes are owned by the domU and readable by the backend ("n<domid>",
 * "r<backend>"); backend nodes are owned by the backend and readable by the
 * domU ("n<backend>", "r<domid>"). Returns 0, -EINVAL if @d is inconsistent
 * (same frontend and backend domain), or -ENAMETOOLONG. */
int twr_xs_plan_build(const struct twr_dev_desc *d, struct twr_xs_plan *plan);

/* The node of @plan at @path (relative to nothing: a full path), or NULL. */
const struct twr_xs_node *twr_xs_plan_find(const struct twr_xs_plan *plan,
					   const char *path);

/* The next device id for a domain given the entries already present under
 * its frontend and backend kind directories (@names, @n; entries that are
 * not plain decimal numbers are ignored): one above the highest in use, as
 * libxl does, so a devid whose teardown is still under way is not reused.
 * Returns the devid, or -ENOSPC when the id space is exhausted. */
long twr_devid_next(const char *const *names, unsigned int n);

/* The I/O task id (docs/iotask.md) of queue @queue of a device:
 * (kind + 1) << 24 | devid << 8 | queue. Never 0, unique per domU across
 * both kinds; all tasks of one device share id >> 8. Returns 0 if @devid
 * is above 0xffff or @queue above 0xff. */
uint32_t twr_dev_task_id(enum twr_dev_kind kind, uint32_t devid, unsigned int queue);

/* Parse a decimal domain or device id ("0" .. "2147483647", no sign, no
 * leading zero except "0" itself). Returns 0 or -EINVAL. */
int twr_id_parse(const char *str, uint32_t *id);

/* Parse a number a peer wrote in a xenstore node: @v as xs_read() returned
 * it (@len bytes, then a NUL), 1 to 10 decimal digits and nothing else (no
 * sign, no white space, no NUL), at most @max. Returns 0 with *@out set,
 * or -EINVAL. */
int twr_xs_u32_parse(const char *v, unsigned int len, uint32_t max, uint32_t *out);

#endif /* TWINRING_TOOLSTACK_XSPLAN_H */
