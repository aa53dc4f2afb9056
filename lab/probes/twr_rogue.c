// SPDX-License-Identifier: MIT
/*
 * twr-rogue: a hostile twinring frontend in user space, for the lab's
 * hostile scenario (attacks on dom0's backends from inside a PV domU).
 *
 *   twr-rogue blk-flip DEVID COUNT
 *   twr-rogue pad-laps blk|net DEVID SECONDS
 *   twr-rogue connect blk|net DEVID
 *   twr-rogue xs-storm blk|net DEVID SECONDS
 *
 * Each mode first connects one channel (queue 0) honestly to
 * device/<kind>/DEVID, as the kernel frontends do: grants from
 * /dev/xen/gntalloc (control page and ring B writable, ring A and the two
 * directory pages read-only), an unbound port from /dev/xen/evtchn, the
 * queue-0/ nodes, state Initialised, wait for the backend's Connected,
 * state Connected. The smallest ring order the kind allows is used for
 * both rings. Then:
 *
 *  blk-flip  the state-flip reconnect attack: one request record shorter
 *            than a request, wait (30 s at most) for the backend to refuse
 *            it and go Closing, then, still holding every grant and the
 *            port, write our state Initialised then Connected COUNT times
 *            and count the rounds after which the backend says Connected
 *            again (a correct backend: none; it maps only from InitWait).
 *  pad-laps  the padding-lap livelock on ring A: publish a padding record
 *            covering the whole free span up to the wrap, again each time
 *            the backend releases it, for SECONDS at most or until the
 *            backend flags the channel broken or closes. twinnet-back
 *            reads ring A only while its twr<domid>.<devid> is up.
 *  connect   connect and hold until SIGTERM or SIGINT (debugging).
 *  xs-storm  no channel: write a node under the device's frontend directory
 *            in a loop for SECONDS (the toolstack watches it), then remove
 *            it; the device may be driven by the kernel frontend
 *            (twr_rogue_storm.c).
 *
 * Every mode prints one summary line on stdout (S: the backend's xenbus
 * state at the end, -1 if unreadable; broken: TWR_F_BROKEN was seen in
 * back_flags); what it did step by step goes to stderr:
 *
 *   twr-rogue: blk-flip rounds=N backend_connected_again=K backend_state=S broken_seen=0|1
 *   twr-rogue: pad-laps kind=blk|net laps=N seconds=T backend_state=S broken_seen=0|1
 *   twr-rogue: connect kind=blk|net devid=D backend_state=S broken_seen=0|1
 *   twr-rogue: xs-storm kind=blk|net devid=D writes=N failed=F ms=T
 *
 * The lab judges the outcome from the summary and dom0's log.
 *
 * The device must not be claimed by a kernel frontend of this domain
 * (twinblk-front / twinnet-front would drive the same nodes). A backend left
 * Connected or Closing by an earlier run is first brought back to InitWait
 * the way a reloaded frontend does it (Closed, then Initialising).
 *
 * Only libc, the kernel's ioctl ABI (linux-libc-dev's <xen/gntalloc.h>,
 * <xen/evtchn.h>) and twinring's own headers (the wire ABI, the barrier
 * macros of ringbuf/twr_barrier.h): the lab's domU root has no
 * libxen* and no xenstore tools, so xenstore is spoken over /dev/xen/xenbus
 * directly (exitcost/twr_xsdev.c) and the program is linked statically.
 *
 * Exit: 0 when the mode ran to its end (whatever the backend did), 2 on a
 * setup error (stderr names the step), 3 when the backend never connected.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* <xen/evtchn.h> uses Xen's domid_t without defining it (libxen's
 * <xen/xen.h> does; we go without libxen). */
typedef uint16_t domid_t;
#include <xen/evtchn.h>
#include <xen/gntalloc.h>

#include "twinring/blk.h"
#include "twinring/net.h"
#include "twinring/ring.h"
#include "twinring/xenbus.h"
#include "twr_barrier.h"
#include "twr_rogue.h"
#include "twr_xsdev.h"

/* XenbusState values. */
#define TWR_ROGUE_ST_INITIALISING	1
#define TWR_ROGUE_ST_INITWAIT		2
#define TWR_ROGUE_ST_INITIALISED	3
#define TWR_ROGUE_ST_CONNECTED		4
#define TWR_ROGUE_ST_CLOSING		5
#define TWR_ROGUE_ST_CLOSED		6

#define TWR_ROGUE_POLL_MS	50
#define TWR_ROGUE_CONNECT_MS	60000
#define TWR_ROGUE_BREAK_MS	30000
#define TWR_ROGUE_SETTLE_MS	5000
#define TWR_ROGUE_CONS_MS	1000
#define TWR_ROGUE_CONS_POLL_US	200

volatile sig_atomic_t twr_rogue_stop;

static void twr_rogue_on_signal(int sig)
{
	(void)sig;
	twr_rogue_stop = 1;
}

static void twr_rogue_sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000u,
			       .tv_nsec = (long)(us % 1000000u) * 1000 };

	nanosleep(&ts, NULL);	/* a signal cuts it short: fine */
}

uint64_t twr_rogue_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Read an unsigned decimal node. -EINVAL if it holds anything else. */
static int twr_rogue_xs_read_uint(struct twr_rogue *r, const char *path,
				  unsigned int *val)
{
	unsigned long v;
	char buf[32], *end;
	int ret;

	ret = twr_xsdev_read(r->xs_fd, path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-' || v > 0xffffffffu)
		return -EINVAL;
	*val = (unsigned int)v;
	return 0;
}

/* Write "<fdir>/<node>" = the unsigned @val; says what failed on stderr. */
static int twr_rogue_xs_write_front(struct twr_rogue *r, const char *node,
				    unsigned int val)
{
	char path[128], value[16];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", r->fdir, node);
	snprintf(value, sizeof(value), "%u", val);
	ret = twr_xsdev_write(r->xs_fd, path, value);
	if (ret)
		fprintf(stderr, "twr-rogue: xenstore: writing %s = %s: %s\n",
			path, value, strerror(-ret));
	return ret;
}

static int twr_rogue_set_state(struct twr_rogue *r, int state)
{
	return twr_rogue_xs_write_front(r, TWR_XS_STATE, (unsigned int)state);
}

/* The backend's XenbusState, or -1 when its node cannot be read. */
static int twr_rogue_backend_state(struct twr_rogue *r)
{
	char path[sizeof(r->bdir) + 32];
	unsigned int st;

	snprintf(path, sizeof(path), "%s/%s", r->bdir, TWR_XS_STATE);
	if (twr_rogue_xs_read_uint(r, path, &st) || st > 0xff)
		return -1;
	return (int)st;
}

/* back_flags is the backend's word: one untorn read, latched in broken_seen. */
static uint32_t twr_rogue_back_flags(struct twr_rogue *r)
{
	uint32_t flags = twr_read_once(&r->cc->back_flags);

	if (flags & TWR_F_BROKEN)
		r->broken_seen = true;
	return flags;
}

static void twr_rogue_notify(struct twr_rogue *r)
{
	struct ioctl_evtchn_notify n = { .port = r->port };

	if (ioctl(r->evt_fd, IOCTL_EVTCHN_NOTIFY, &n))
		fprintf(stderr, "twr-rogue: evtchn: notify on port %u: %s\n",
			r->port, strerror(errno));
}

/* Grant @nr fresh pages to the backend domain and map them here. */
static int twr_rogue_grant(struct twr_rogue *r, struct twr_rogue_grant *g,
			   unsigned int nr, bool writable, const char *what)
{
	struct ioctl_gntalloc_alloc_gref *req;
	void *addr;
	int ret = 0;

	req = calloc(1, sizeof(*req) + nr * sizeof(req->gref_ids[0]));
	g->refs = calloc(nr, sizeof(*g->refs));
	if (!req || !g->refs) {
		fprintf(stderr, "twr-rogue: gntalloc: no memory for %s\n", what);
		ret = -ENOMEM;
		goto out;
	}
	req->domid = (uint16_t)r->backend_id;
	req->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	req->count = nr;
	if (ioctl(r->gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, req)) {
		ret = -errno;
		fprintf(stderr, "twr-rogue: gntalloc: granting %u page(s) of %s to d%u: %s (gntalloc's limit= module parameter?)\n",
			nr, what, r->backend_id, strerror(-ret));
		goto out;
	}
	g->index = req->index;
	memcpy(g->refs, req->gref_ids, nr * sizeof(*g->refs));
	addr = mmap(NULL, (size_t)nr * TWR_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, r->gnt_fd, (off_t)req->index);
	if (addr == MAP_FAILED) {
		ret = -errno;
		fprintf(stderr, "twr-rogue: gntalloc: mapping %s: %s\n", what,
			strerror(-ret));
		goto out;	/* the fd's close ends the grants */
	}
	g->addr = addr;
	g->nr = nr;
	memset(g->addr, 0, (size_t)nr * TWR_PAGE_SIZE);
out:
	free(req);
	return ret;
}

/* A directory page: the data pages' refs in order, little-endian u32. */
static void twr_rogue_fill_dir(struct twr_rogue_grant *dir,
			       const struct twr_rogue_grant *data)
{
	uint32_t le;
	unsigned int i;

	for (i = 0; i < data->nr; i++) {
		le = htole32(data->refs[i]);
		memcpy(dir->addr + i * sizeof(le), &le, sizeof(le));
	}
}

/*
 * Open the three devices, grant and lay out the channel: the control page
 * as the kernel frontend writes it (twr_ring_shared_init(.., 0) for both
 * rings), the directories filled, an unbound port for the backend.
 */
static int twr_rogue_chan_init(struct twr_rogue *r)
{
	struct ioctl_evtchn_bind_unbound_port bind = {
		.remote_domain = r->backend_id,
	};
	unsigned int pages = 1u << r->order;
	int ret;

	r->gnt_fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (r->gnt_fd < 0) {
		fprintf(stderr, "twr-rogue: gntalloc: cannot open /dev/xen/gntalloc: %s (is xen-gntalloc loaded?)\n",
			strerror(errno));
		return -1;
	}
	r->evt_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (r->evt_fd < 0) {
		fprintf(stderr, "twr-rogue: evtchn: cannot open /dev/xen/evtchn: %s (is xen-evtchn loaded?)\n",
			strerror(errno));
		return -1;
	}

	/* The rights the kernel frontend gives (twr_chan_front.c). */
	if (twr_rogue_grant(r, &r->ctl, 1, true, "the control page") ||
	    twr_rogue_grant(r, &r->a_dir, 1, false, "ring A's directory") ||
	    twr_rogue_grant(r, &r->b_dir, 1, false, "ring B's directory") ||
	    twr_rogue_grant(r, &r->a_data, pages, false, "ring A") ||
	    twr_rogue_grant(r, &r->b_data, pages, true, "ring B"))
		return -1;

	r->cc = (void *)r->ctl.addr;
	r->cc->magic = TWR_MAGIC;
	r->cc->version = TWR_VERSION;
	r->cc->a_order = (uint8_t)r->order;
	r->cc->b_order = (uint8_t)r->order;
	/* twr_ring_shared_init(.., 0) on the zeroed page: prod = cons =
	 * cons_event = 0, and the consumer wants to hear of the first record. */
	r->cc->ring_a.prod_event = 1;
	r->cc->ring_b.prod_event = 1;
	r->a_prod = 0;
	twr_rogue_fill_dir(&r->a_dir, &r->a_data);
	twr_rogue_fill_dir(&r->b_dir, &r->b_data);

	ret = ioctl(r->evt_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bind);
	if (ret < 0) {
		fprintf(stderr, "twr-rogue: evtchn: allocating a port for d%u: %s\n",
			r->backend_id, strerror(errno));
		return -1;
	}
	/* The refs reach the backend through xenstore writes (syscalls and
	 * hypercalls): nothing above can still be in flight by then. */
	r->port = (unsigned int)ret;
	return 0;
}

static void twr_rogue_chan_uninit(struct twr_rogue *r)
{
	struct twr_rogue_grant *g[] = { &r->ctl, &r->a_dir, &r->b_dir,
					&r->a_data, &r->b_data };
	size_t i;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		if (g[i]->addr)
			munmap(g[i]->addr, (size_t)g[i]->nr * TWR_PAGE_SIZE);
		free(g[i]->refs);
		memset(g[i], 0, sizeof(*g[i]));
	}
	r->cc = NULL;
	/* Closing them unbinds the port and ends the grants (gntalloc defers
	 * the end of any the backend still maps). */
	if (r->evt_fd >= 0)
		close(r->evt_fd);
	if (r->gnt_fd >= 0)
		close(r->gnt_fd);
	if (r->xs_fd >= 0)
		close(r->xs_fd);
	r->evt_fd = r->gnt_fd = r->xs_fd = -1;
}

/*
 * Wait (bounded) for the backend's InitWait, the only state it maps from.
 * A backend left Connected or Closing by an earlier run is walked back the
 * way a reloaded kernel frontend does it: our Closed (it goes Closed),
 * then our Initialising (it goes InitWait). Returns 0 or -ETIMEDOUT.
 */
static int twr_rogue_reach_initwait(struct twr_rogue *r)
{
	uint64_t end = twr_rogue_now_ms() + TWR_ROGUE_CONNECT_MS;
	int written = 0, st = -1;

	while (!twr_rogue_stop && twr_rogue_now_ms() < end) {
		st = twr_rogue_backend_state(r);
		if (st == TWR_ROGUE_ST_INITWAIT)
			return 0;
		if (st >= TWR_ROGUE_ST_INITIALISED &&
		    st <= TWR_ROGUE_ST_CLOSING &&
		    written != TWR_ROGUE_ST_CLOSED) {
			fprintf(stderr, "twr-rogue: backend %s is in state %d: closing it first\n",
				r->bdir, st);
			if (twr_rogue_set_state(r, TWR_ROGUE_ST_CLOSED))
				return -EIO;
			written = TWR_ROGUE_ST_CLOSED;
		} else if (st == TWR_ROGUE_ST_CLOSED &&
			   written != TWR_ROGUE_ST_INITIALISING) {
			if (twr_rogue_set_state(r, TWR_ROGUE_ST_INITIALISING))
				return -EIO;
			written = TWR_ROGUE_ST_INITIALISING;
		}
		twr_rogue_sleep_us(TWR_ROGUE_POLL_MS * 1000u);
	}
	fprintf(stderr, "twr-rogue: backend %s never reached InitWait (state %d after %d s)\n",
		r->bdir, st, TWR_ROGUE_CONNECT_MS / 1000);
	return -ETIMEDOUT;
}

/* The queue-0/ nodes, num-queues (and the blk version), then our
 * Initialised. */
static int twr_rogue_publish(struct twr_rogue *r)
{
	char q[16];
	const struct {
		const char *node;
		unsigned int val;
	} nodes[] = {
		{ TWR_XS_CTRL_REF, r->ctl.refs[0] },
		{ TWR_XS_RING_A_DIR_REF, r->a_dir.refs[0] },
		{ TWR_XS_RING_B_DIR_REF, r->b_dir.refs[0] },
		{ TWR_XS_RING_A_ORDER, r->order },
		{ TWR_XS_RING_B_ORDER, r->order },
		{ TWR_XS_EVENT_CHANNEL, r->port },
	};
	char node[64];
	size_t i;

	snprintf(q, sizeof(q), TWR_XS_QUEUE_FMT, 0u);
	if (twr_rogue_xs_write_front(r, TWR_XS_NUM_QUEUES, 1))
		return -1;
	/* Hostile, but not a version mismatch: the backend must connect. */
	if (!strcmp(r->kind, "blk") &&
	    twr_rogue_xs_write_front(r, TWR_XS_BLK_VERSION, TWR_BLK_VERSION))
		return -1;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(node, sizeof(node), "%s/%s", q, nodes[i].node);
		if (twr_rogue_xs_write_front(r, node, nodes[i].val))
			return -1;
	}
	return twr_rogue_set_state(r, TWR_ROGUE_ST_INITIALISED);
}

/*
 * Connect queue 0 of device/<kind>/<devid> as an honest frontend would.
 * Returns 0 when both sides are Connected, else the exit code to use.
 */
static int twr_rogue_connect(struct twr_rogue *r)
{
	char path[sizeof(r->bdir) + 32];
	unsigned int max_order;
	uint64_t end;
	int ret, st = -1;

	r->xs_fd = twr_xsdev_open();
	ret = r->xs_fd < 0 ? r->xs_fd : 0;
	if (ret) {
		fprintf(stderr, "twr-rogue: xenstore: cannot open /dev/xen/xenbus: %s (xenfs or the xenbus device missing? root?)\n",
			strerror(-ret));
		return TWR_ROGUE_EXIT_SETUP;
	}
	snprintf(path, sizeof(path), "%s/%s", r->fdir, TWR_XS_BACKEND);
	ret = twr_xsdev_read(r->xs_fd, path, r->bdir, sizeof(r->bdir));
	if (ret || r->bdir[0] != '/') {
		fprintf(stderr, "twr-rogue: xenstore: reading %s: %s (is there a %s device %u on this domain? twinctl attach)\n",
			path, ret ? strerror(-ret) : "not an absolute path",
			r->xs_kind, r->devid);
		return TWR_ROGUE_EXIT_SETUP;
	}
	snprintf(path, sizeof(path), "%s/%s", r->fdir, TWR_XS_BACKEND_ID);
	ret = twr_rogue_xs_read_uint(r, path, &r->backend_id);
	if (ret == -ENOENT)
		r->backend_id = 0;
	else if (ret || r->backend_id > 0x7fefu) {
		fprintf(stderr, "twr-rogue: xenstore: reading %s: %s\n", path,
			ret ? strerror(-ret) : "not a domain id");
		return TWR_ROGUE_EXIT_SETUP;
	}

	if (twr_rogue_chan_init(r))
		return TWR_ROGUE_EXIT_SETUP;
	ret = twr_rogue_reach_initwait(r);
	if (ret)
		return ret == -EIO ? TWR_ROGUE_EXIT_SETUP : TWR_ROGUE_EXIT_NOCONN;

	/* Written at probe, before InitWait. Absent: assume it takes ours. */
	snprintf(path, sizeof(path), "%s/%s", r->bdir, TWR_XS_MAX_RING_ORDER);
	if (!twr_rogue_xs_read_uint(r, path, &max_order) &&
	    max_order < r->order) {
		fprintf(stderr, "twr-rogue: backend %s: max-ring-order %u is below the %u a %s channel needs\n",
			r->bdir, max_order, r->order, r->kind);
		return TWR_ROGUE_EXIT_SETUP;
	}
	if (twr_rogue_publish(r))
		return TWR_ROGUE_EXIT_SETUP;

	end = twr_rogue_now_ms() + TWR_ROGUE_CONNECT_MS;
	while (!twr_rogue_stop && twr_rogue_now_ms() < end) {
		st = twr_rogue_backend_state(r);
		if (st == TWR_ROGUE_ST_CONNECTED)
			break;
		if (st == TWR_ROGUE_ST_CLOSING ||
		    st == TWR_ROGUE_ST_CLOSED) {
			fprintf(stderr, "twr-rogue: backend %s went to state %d instead of Connected: it refused the channel (dom0's log says why)\n",
				r->bdir, st);
			return TWR_ROGUE_EXIT_NOCONN;
		}
		twr_rogue_sleep_us(TWR_ROGUE_POLL_MS * 1000u);
	}
	if (st != TWR_ROGUE_ST_CONNECTED) {
		fprintf(stderr, "twr-rogue: backend %s not Connected after %d s (state %d; iotask-ready written?)\n",
			r->bdir, TWR_ROGUE_CONNECT_MS / 1000, st);
		return TWR_ROGUE_EXIT_NOCONN;
	}
	if (twr_rogue_set_state(r, TWR_ROGUE_ST_CONNECTED))
		return TWR_ROGUE_EXIT_SETUP;
	fprintf(stderr, "twr-rogue: connected %s to %s (d%u): rings of order %u, port %u, ctrl-ref %u\n",
		r->fdir, r->bdir, r->backend_id, r->order, r->port,
		r->ctl.refs[0]);
	return 0;
}

/* Publish on ring A, at our private prod, a record of @len payload bytes
 * (already written after the header, or zero). */
static void twr_rogue_ring_a_put(struct twr_rogue *r, uint32_t len,
				 uint16_t type)
{
	struct twr_rec_hdr hdr = { .len = len, .type = type, .flags = 0 };
	uint32_t off = r->a_prod & ((TWR_PAGE_SIZE << r->order) - 1);

	memcpy(r->a_data.addr + off, &hdr, sizeof(hdr));
	r->a_prod += (uint32_t)TWR_REC_SPACE(len);
	/* Header before index: pairs with the acquire (B) in the backend's
	 * twr_ring_refresh_prod(). */
	twr_store_release(&r->cc->ring_a.prod, r->a_prod);
}

/*
 * blk-flip: break the protocol once, wait for the backend to close, then
 * flip our state Initialised -> Connected @count times while holding every
 * grant and the port. A backend that maps again on such a flip (instead of
 * only from InitWait) says Connected again, or rewrites back_flags in a
 * control page it had let go of.
 */
static int twr_rogue_blk_flip(struct twr_rogue *r, unsigned long count)
{
	unsigned long rounds = 0, again = 0, rewritten = 0;
	bool cleared = false;
	uint64_t end;
	int st = -1;

	/* A request record too short to hold a request: 8 zero bytes. */
	twr_rogue_ring_a_put(r, 8, TWR_BLK_REC_REQ);
	twr_rogue_notify(r);
	fprintf(stderr, "twr-rogue: blk-flip: published a %u-byte request record, waiting for the backend to refuse it\n",
		8u);

	end = twr_rogue_now_ms() + TWR_ROGUE_BREAK_MS;
	while (!twr_rogue_stop && twr_rogue_now_ms() < end) {
		twr_rogue_back_flags(r);
		st = twr_rogue_backend_state(r);
		if (st == TWR_ROGUE_ST_CLOSING ||
		    st == TWR_ROGUE_ST_CLOSED)
			break;
		twr_rogue_sleep_us(TWR_ROGUE_POLL_MS * 1000u);
	}
	twr_rogue_back_flags(r);
	if (st != TWR_ROGUE_ST_CLOSING && st != TWR_ROGUE_ST_CLOSED) {
		fprintf(stderr, "twr-rogue: blk-flip: backend %s still in state %d after %d s (broken flag %s): flipping anyway\n",
			r->bdir, st, TWR_ROGUE_BREAK_MS / 1000,
			r->broken_seen ? "set" : "not set");
	} else {
		/* It has unmapped the control page: whatever appears in
		 * back_flags from now on comes from a new mapping. */
		twr_write_once(&r->cc->back_flags, 0u);
		cleared = true;
	}

	for (rounds = 0; rounds < count && !twr_rogue_stop; rounds++) {
		if (twr_rogue_set_state(r, TWR_ROGUE_ST_INITIALISED) ||
		    twr_rogue_set_state(r, TWR_ROGUE_ST_CONNECTED))
			return TWR_ROGUE_EXIT_SETUP;
		st = twr_rogue_backend_state(r);
		if (st == TWR_ROGUE_ST_CONNECTED)
			again++;
		if (twr_rogue_back_flags(r) && cleared) {
			rewritten++;
			twr_write_once(&r->cc->back_flags, 0u);
		}
	}
	if (rewritten)
		fprintf(stderr, "twr-rogue: blk-flip: the backend wrote back_flags again after %lu round(s): it mapped the channel again\n",
			rewritten);
	st = twr_rogue_backend_state(r);
	printf("twr-rogue: blk-flip rounds=%lu backend_connected_again=%lu backend_state=%d broken_seen=%d\n",
	       rounds, again, st, r->broken_seen);
	return TWR_ROGUE_EXIT_OK;
}

/* Has the backend closed or flagged the channel broken? Sets *@st. */
static bool twr_rogue_backend_gave_up(struct twr_rogue *r, int *st)
{
	bool broken = twr_rogue_back_flags(r) & TWR_F_BROKEN;

	*st = twr_rogue_backend_state(r);
	return broken || *st == TWR_ROGUE_ST_CLOSING ||
	       *st == TWR_ROGUE_ST_CLOSED;
}

/*
 * pad-laps: keep ring A full of nothing but padding. Each lap is one PAD
 * record from prod to the end of the data area (the whole ring from offset
 * 0), published as soon as the backend has released the previous one. An
 * honest producer pads only when the next record does not fit before the
 * wrap, so a backend must refuse a padding where a record would fit.
 */
static int twr_rogue_pad_laps(struct twr_rogue *r, unsigned long seconds)
{
	uint32_t size = TWR_PAGE_SIZE << r->order, contig, cons;
	uint64_t start = twr_rogue_now_ms(), now, next_check = 0, last_kick = 0;
	uint64_t end = start + (uint64_t)seconds * 1000u;
	unsigned long laps = 0, secs;
	bool bad_cons = false;
	int st = -1;

	while (!twr_rogue_stop && (now = twr_rogue_now_ms()) < end) {
		if (now >= next_check) {
			if (twr_rogue_backend_gave_up(r, &st))
				break;
			next_check = now + TWR_ROGUE_POLL_MS;
		}
		/* The backend's index, read once and checked before use;
		 * pairs with the release (C) in its twr_ring_release_publish(). */
		cons = twr_load_acquire(&r->cc->ring_a.cons);
		if ((cons & (TWR_REC_ALIGN - 1)) || r->a_prod - cons > size) {
			if (!bad_cons)
				fprintf(stderr, "twr-rogue: pad-laps: ring A cons %u out of range (prod %u)\n",
					cons, r->a_prod);
			bad_cons = true;
			twr_rogue_sleep_us(TWR_ROGUE_CONS_POLL_US);
			continue;
		}
		contig = size - (r->a_prod & (size - 1));
		if (size - (r->a_prod - cons) >= contig) {
			twr_rogue_ring_a_put(r, contig - TWR_REC_HDR_SIZE,
					     TWR_REC_PAD);
			/* Ask to be told when it is all released. (E) the
			 * store before the next cons load; pairs with the
			 * twr_mb() in its twr_ring_release_publish(). */
			twr_write_once(&r->cc->ring_a.cons_event, r->a_prod);
			twr_mb();
			twr_rogue_notify(r);
			last_kick = now;
			laps++;
			continue;
		}
		/* Not released yet: kick again once a second. */
		if (now - last_kick >= TWR_ROGUE_CONS_MS) {
			twr_rogue_notify(r);
			last_kick = now;
		}
		twr_rogue_sleep_us(TWR_ROGUE_CONS_POLL_US);
	}
	secs = (unsigned long)((twr_rogue_now_ms() - start) / 1000u);
	/* Flagged broken: give its Closing a moment to show in the summary. */
	end = twr_rogue_now_ms() + TWR_ROGUE_SETTLE_MS;
	while (twr_rogue_backend_gave_up(r, &st) &&
	       st == TWR_ROGUE_ST_CONNECTED && !twr_rogue_stop &&
	       twr_rogue_now_ms() < end)
		twr_rogue_sleep_us(TWR_ROGUE_POLL_MS * 1000u);
	printf("twr-rogue: pad-laps kind=%s laps=%lu seconds=%lu backend_state=%d broken_seen=%d\n",
	       r->kind, laps, secs, st, r->broken_seen);
	return TWR_ROGUE_EXIT_OK;
}

/* connect: hold the channel until SIGTERM or SIGINT. */
static int twr_rogue_hold(struct twr_rogue *r)
{
	int st;

	while (!twr_rogue_stop)
		twr_rogue_sleep_us(1000000u);	/* a signal ends it early */
	twr_rogue_backend_gave_up(r, &st);
	printf("twr-rogue: connect kind=%s devid=%u backend_state=%d broken_seen=%d\n",
	       r->kind, r->devid, st, r->broken_seen);
	return TWR_ROGUE_EXIT_OK;
}

static int twr_rogue_usage(void)
{
	fputs("usage: twr-rogue blk-flip DEVID COUNT\n"
	      "       twr-rogue pad-laps blk|net DEVID SECONDS\n"
	      "       twr-rogue connect blk|net DEVID\n"
	      "       twr-rogue xs-storm blk|net DEVID SECONDS\n"
	      "A hostile twinring frontend on device/twinblk|twinnet/DEVID of this domain\n"
	      "(lab hostile scenario); prints one \"twr-rogue:\" summary line.\n",
	      stderr);
	return TWR_ROGUE_EXIT_SETUP;
}

static int twr_rogue_parse(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *v <= max && s[0] != '-';
}

static int twr_rogue_set_kind(struct twr_rogue *r, const char *kind)
{
	if (!strcmp(kind, "blk")) {
		r->xs_kind = TWR_XS_KIND_BLK;
		r->order = TWR_BLK_RING_ORDER_MIN;
	} else if (!strcmp(kind, "net")) {
		r->xs_kind = TWR_XS_KIND_NET;
		r->order = TWR_NET_RING_ORDER_MIN;
	} else {
		return 0;
	}
	r->kind = kind;
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = twr_rogue_on_signal };
	struct twr_rogue r = { .xs_fd = -1, .gnt_fd = -1, .evt_fd = -1 };
	unsigned long devid, arg = 0;
	const char *mode;
	int ret;

	if (argc < 2)
		return twr_rogue_usage();
	mode = argv[1];
	if (!strcmp(mode, "blk-flip") && argc == 4) {
		twr_rogue_set_kind(&r, "blk");
		if (!twr_rogue_parse(argv[2], 0x7fffffff, &devid) ||
		    !twr_rogue_parse(argv[3], 100000000, &arg))
			return twr_rogue_usage();
	} else if (!strcmp(mode, "pad-laps") && argc == 5) {
		if (!twr_rogue_set_kind(&r, argv[2]) ||
		    !twr_rogue_parse(argv[3], 0x7fffffff, &devid) ||
		    !twr_rogue_parse(argv[4], 86400, &arg))
			return twr_rogue_usage();
	} else if (!strcmp(mode, "xs-storm") && argc == 5) {
		if (!twr_rogue_set_kind(&r, argv[2]) ||
		    !twr_rogue_parse(argv[3], 0x7fffffff, &devid) ||
		    !twr_rogue_parse(argv[4], 3600, &arg))
			return twr_rogue_usage();
	} else if (!strcmp(mode, "connect") && argc == 4) {
		if (!twr_rogue_set_kind(&r, argv[2]) ||
		    !twr_rogue_parse(argv[3], 0x7fffffff, &devid))
			return twr_rogue_usage();
	} else {
		return twr_rogue_usage();
	}
	r.devid = (unsigned int)devid;
	snprintf(r.fdir, sizeof(r.fdir), "device/%s/%u", r.xs_kind, r.devid);

	/* No SA_RESTART: a signal ends every wait at its next check. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(mode, "xs-storm")) {
		ret = twr_rogue_xs_storm(&r, arg);
		if (r.xs_fd >= 0)
			close(r.xs_fd);
		return ret;
	}
	ret = twr_rogue_connect(&r);
	if (!ret) {
		if (!strcmp(mode, "blk-flip"))
			ret = twr_rogue_blk_flip(&r, arg);
		else if (!strcmp(mode, "pad-laps"))
			ret = twr_rogue_pad_laps(&r, arg);
		else
			ret = twr_rogue_hold(&r);
	}
	twr_rogue_chan_uninit(&r);
	return ret;
}
