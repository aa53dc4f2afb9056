// SPDX-License-Identifier: MIT
/*
 * twinringd and the I/O task table (see twrd_iotask.h). Everything read
 * from the frontend directory is the domU's word: bounded and checked, and
 * a bad value fails only that device's go-ahead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twrd_iotask.h"	/* first: xenctrl.h sets up Xen's headers */
#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "twinring/ring.h"
#include "twinring/xenbus.h"
#include "twr_iotask_chan.h"
#include "twr_killpoint.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

#define CHAN_REFS_MAX	TWR_IOTASK_CHAN_REFS(TWR_RING_ORDER_MAX, TWR_RING_ORDER_MAX)

int twrd_iotask_mode_parse(const char *str, enum twrd_iotask_mode *mode)
{
	if (!strcmp(str, "off"))
		*mode = TWRD_IOTASK_OFF;
	else if (!strcmp(str, "register"))
		*mode = TWRD_IOTASK_REGISTER;
	else if (!strcmp(str, "enforce"))
		*mode = TWRD_IOTASK_ENFORCE;
	else
		return -EINVAL;
	return 0;
}

const char *twrd_iotask_mode_name(enum twrd_iotask_mode mode)
{
	return mode == TWRD_IOTASK_OFF ? "off" :
	       mode == TWRD_IOTASK_REGISTER ? "register" : "enforce";
}

int twrd_iotask_init(struct twrd_iotask *io, struct twr_tool *t, xc_interface *xch,
		     enum twrd_iotask_mode mode)
{
	memset(io, 0, sizeof(*io));
	io->mode = mode;
	io->xch = xch;
	io->probe = -ENOSYS;
	if (mode == TWRD_IOTASK_OFF)
		return 0;
	io->probe = twr_iotask_probe(xch);
	if (io->probe) {
		if (mode == TWRD_IOTASK_ENFORCE)
			return twr_tool_fail(t, io->probe,
					     "iotask = enforce, but: %s; no device gets the go-ahead",
					     twr_iotask_strerror(io->probe));
		return 0;
	}
	io->fmem = xenforeignmemory_open(NULL, 0);
	io->refs = calloc(CHAN_REFS_MAX, sizeof(*io->refs));
	if (!io->fmem || !io->refs) {
		twrd_iotask_uninit(io);
		return twr_tool_fail(t, -ENOMEM,
				     "cannot open the foreign memory interface to read channel refs");
	}
	return 0;
}

void twrd_iotask_uninit(struct twrd_iotask *io)
{
	if (io->fmem)
		xenforeignmemory_close(io->fmem);
	free(io->refs);
	io->fmem = NULL;
	io->refs = NULL;
}

int twrd_iotask_enforce(struct twrd_iotask *io, struct twr_tool *t,
			uint32_t domid, uint32_t backend)
{
	int ret;

	if (io->mode != TWRD_IOTASK_ENFORCE || io->probe)
		return 0;
	ret = twr_iotask_set_enforce(io->xch, (uint16_t)domid, (uint16_t)backend, true);
	if (ret)
		return twr_tool_fail(t, ret, "cannot enforce I/O tasks for domain %u on backend %u: %s",
				     domid, backend, twr_iotask_strerror(ret));
	return 0;
}

/* Read a number the frontend wrote, at most @max. Returns 0 or -EPROTO. */
static int fe_read_u32(struct twr_tool *t, const char *dir, const char *name,
		       uint32_t max, uint32_t *out)
{
	char path[TWR_XS_PATH_MAX + 32], *v;
	unsigned int len;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	v = xs_read(t->xsh, XBT_NULL, path, &len);
	if (!v)
		return twr_tool_fail(t, -EPROTO, "the frontend wrote no %s", path);
	if (twr_xs_u32_parse(v, len, max, out))
		ret = twr_tool_fail(t, -EPROTO, "the frontend's %s is not a number up to %u",
				    path, max);
	free(v);
	return ret;
}

/* Remove every task of the device; @busy_refs sums what is still mapped. */
static int tasks_remove(struct twrd_iotask *io, uint32_t domid, enum twr_dev_kind kind,
			uint32_t devid, unsigned int *busy_refs)
{
	uint32_t first = twr_dev_task_id(kind, devid, 0);
	struct twr_iotask_info info;
	unsigned int live;
	int ret, busy = 0;

	*busy_refs = 0;
	if (!first)
		return 0;
	for (ret = twr_iotask_query(io->xch, (uint16_t)domid, first, &info);
	     !ret && (info.id >> 8) == (first >> 8);
	     ret = twr_iotask_query(io->xch, (uint16_t)domid, info.id + 1, &info)) {
		live = 0;
		ret = twr_iotask_remove(io->xch, (uint16_t)domid, info.id, &live);
		if (ret == -EBUSY) {
			busy = -EBUSY;
			*busy_refs += live;
		} else if (ret) {
			return ret;
		}
	}
	return busy ? busy : (ret == -ENOENT || ret == 0 ? 0 : ret);
}

static int ready_write(struct twr_tool *t, uint32_t backend, enum twr_dev_kind kind,
		       uint32_t domid, uint32_t devid, bool on)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 32];
	unsigned int len, tries;
	xs_transaction_t tx;
	int err;
	char *v;

	twr_xs_backend_dir(dir, sizeof(dir), backend, kind, domid, devid);
	snprintf(path, sizeof(path), "%s/%s", dir, TWR_XS_IOTASK_READY);
	if (!on) {
		xs_rm(t->xsh, XBT_NULL, path);
		return 0;
	}
	/* Only into an existing directory, checked in the write's own
	 * transaction: a detach in between must not see its device's
	 * directory resurrected (xenstore creates missing parents). */
	for (tries = 0; tries < TWR_TX_RETRIES; tries++) {
		tx = xs_transaction_start(t->xsh);
		if (tx == XBT_NULL)
			return twr_tool_fail(t, -errno, "xenstore transaction: %s", strerror(errno));
		v = xs_read(t->xsh, tx, dir, &len);
		if (!v) {
			xs_transaction_end(t->xsh, tx, true);
			return twr_tool_fail(t, -ENOENT, "%s disappeared", dir);
		}
		free(v);
		if (!xs_write(t->xsh, tx, path, "1", 1)) {
			err = errno;
			xs_transaction_end(t->xsh, tx, true);
			return twr_tool_fail(t, -err, "cannot write %s: %s", path, strerror(err));
		}
		if (xs_transaction_end(t->xsh, tx, false))
			return 0;
		if (errno != EAGAIN)
			return twr_tool_fail(t, -errno, "cannot write %s: %s", path, strerror(errno));
	}
	return twr_tool_fail(t, -EAGAIN, "cannot write %s: xenstore kept the transaction busy", path);
}

int twrd_iotask_connect(struct twrd_iotask *io, struct twr_tool *t, uint32_t domid,
			uint32_t backend, enum twr_dev_kind kind, uint32_t devid,
			unsigned int *ntasks)
{
	char fe[TWR_XS_PATH_MAX], be[TWR_XS_PATH_MAX], qdir[TWR_XS_PATH_MAX + 32];
	struct twr_iotask_chan chan;
	uint32_t nq, maxq, v, id;
	unsigned int q, nr, busy;
	int ret;

	*ntasks = 0;
	if (io->mode == TWRD_IOTASK_ENFORCE && io->probe)
		return twr_tool_fail(t, io->probe, "iotask = enforce, but: %s",
				     twr_iotask_strerror(io->probe));
	if (io->mode == TWRD_IOTASK_OFF || io->probe)
		return ready_write(t, backend, kind, domid, devid, true);

	twr_xs_frontend_dir(fe, sizeof(fe), domid, kind, devid);
	twr_xs_backend_dir(be, sizeof(be), backend, kind, domid, devid);
	ret = fe_read_u32(t, be, TWR_XS_MAX_QUEUES, TWR_SPEC_QUEUES_MAX, &maxq);
	if (!ret)
		ret = fe_read_u32(t, fe, TWR_XS_NUM_QUEUES, maxq, &nq);
	if (ret)
		return ret;
	if (nq == 0)
		return twr_tool_fail(t, -EPROTO, "the frontend's %s/num-queues is 0", fe);
	/* A reconnect, or a restart after kill -9: start from a clean slate. */
	ret = tasks_remove(io, domid, kind, devid, &busy);
	if (ret)
		return twr_tool_fail(t, ret, "old I/O tasks of %s %u are still in use (%u refs mapped): %s",
				     twr_dev_kind_xs(kind), devid, busy, twr_iotask_strerror(ret));

	for (q = 0; q < nq; q++) {
		snprintf(qdir, sizeof(qdir), "%s/" TWR_XS_QUEUE_FMT, fe, q);
		memset(&chan, 0, sizeof(chan));
		ret = fe_read_u32(t, qdir, TWR_XS_CTRL_REF, 0x7fffffff, &chan.ctrl_ref) ?:
		      fe_read_u32(t, qdir, TWR_XS_RING_A_DIR_REF, 0x7fffffff, &chan.a_dir_ref) ?:
		      fe_read_u32(t, qdir, TWR_XS_RING_B_DIR_REF, 0x7fffffff, &chan.b_dir_ref) ?:
		      fe_read_u32(t, qdir, TWR_XS_RING_A_ORDER, TWR_RING_ORDER_MAX, &v);
		if (ret)
			goto out_undo;
		chan.a_order = v;
		ret = fe_read_u32(t, qdir, TWR_XS_RING_B_ORDER, TWR_RING_ORDER_MAX, &v);
		if (ret)
			goto out_undo;
		chan.b_order = v;
		ret = twr_iotask_chan_refs(io->fmem, (uint16_t)domid, (uint16_t)backend, &chan,
					   io->refs, CHAN_REFS_MAX, &nr);
		if (ret) {
			twr_tool_fail(t, ret, "cannot read the grant refs of %s: %s%s", qdir,
				      strerror(-ret),
				      ret == -EACCES ? " (a directory ref does not grant a page to the backend)" : "");
			goto out_undo;
		}
		id = twr_dev_task_id(kind, devid, q);
		if (!id) {
			ret = twr_tool_fail(t, -ERANGE, "%s %u queue %u has no I/O task id (devid above 65535?)",
					    twr_dev_kind_xs(kind), devid, q);
			goto out_undo;
		}
		ret = twr_iotask_add(io->xch, (uint16_t)domid, id, (uint16_t)backend, io->refs, nr);
		if (ret) {
			twr_tool_fail(t, ret, "cannot register the I/O task of %s (%u refs): %s", qdir,
				      nr, twr_iotask_strerror(ret));
			goto out_undo;
		}
		(*ntasks)++;
	}
	twr_killpoint(t, TWR_KILL_TASKS_ADDED);
	ret = ready_write(t, backend, kind, domid, devid, true);
	if (!ret)
		return 0;
out_undo:
	tasks_remove(io, domid, kind, devid, &busy);
	*ntasks = 0;
	return ret;
}

int twrd_iotask_disconnect(struct twrd_iotask *io, struct twr_tool *t, uint32_t domid,
			   uint32_t backend, enum twr_dev_kind kind, uint32_t devid)
{
	unsigned int busy;
	int ret;

	/* The node first, so a reconnecting backend waits for new tasks. */
	ready_write(t, backend, kind, domid, devid, false);
	if (io->mode == TWRD_IOTASK_OFF || io->probe)
		return 0;
	ret = tasks_remove(io, domid, kind, devid, &busy);
	if (ret == -EBUSY)
		return twr_tool_fail(t, ret, "%s %u of domain %u: its backend still maps %u refs; the tasks refuse new maps and are removed at the next state change",
				     twr_dev_kind_xs(kind), devid, domid, busy);
	if (ret && ret != -ESRCH)
		return twr_tool_fail(t, ret, "removing the I/O tasks of %s %u of domain %u: %s",
				     twr_dev_kind_xs(kind), devid, domid, twr_iotask_strerror(ret));
	return 0;
}
