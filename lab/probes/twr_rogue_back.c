// SPDX-License-Identifier: MIT
/*
 * twr-rogue-back: a hostile twinring backend in dom0 user space, for the
 * lab's hostile scenario (issue 22): it offers a device to a domU's kernel
 * frontend, maps the frontend's control page and ring B with gntdev, binds
 * its event channel, goes Connected, and then plays padding laps on ring
 * B, the ring the frontend consumes:
 *
 *   twr-rogue-back pad-laps blk|net DOMID DEVID SECONDS
 *
 * A whole ring of padding each time the frontend moves its consumer index,
 * with an event each time: an honest consumer declares the channel broken
 * at the first ("padding where a record would fit", ring library) and
 * stays responsive. The device lives under backend/<kind>-rogue/, a type no
 * kernel backend claims. It prints one line and removes both directories:
 *
 *   twr-rogue-back: pad-laps kind=K laps=N seconds=T frontend_state=S broken_seen=0|1
 *
 * Exit 0 when the attack ran (its outcome is in the line), 1 on a setup
 * failure, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "twinring/blk.h"
#include "twinring/ring.h"
#include "twinring/xenbus.h"
#include "twr_barrier.h"

#define RB_CONNECT_MS	60000u	/* the frontend's Initialised, at most */
#define RB_POLL_US	20000u	/* index and state polling */
#define RB_KICK_MS	1000u	/* events again while nothing is released */

/* XenbusState values (xen/io/xenbus.h), spelled out for user space. */
enum { RB_ST_INITIALISING = 1, RB_ST_INITWAIT = 2, RB_ST_INITIALISED = 3,
       RB_ST_CONNECTED = 4, RB_ST_CLOSING = 5 };

struct rb {
	struct xs_handle *xs;
	xengnttab_handle *gt;
	xenevtchn_handle *xce;
	const char *kind;	/* "blk" or "net" */
	const char *xs_kind;	/* TWR_XS_KIND_* */
	unsigned int domid, devid;
	char be[128], fe[128];
	struct twr_chan_ctl *ctl;
	uint32_t *b_dir;
	uint8_t *b_data;
	uint32_t b_pages;
	evtchn_port_t port;
};

static volatile sig_atomic_t rb_stop;

static void rb_on_signal(int sig)
{
	(void)sig;
	rb_stop = 1;
}

static uint64_t rb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool rb_write(struct rb *r, const char *dir, const char *node,
		     const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	if (xs_write(r->xs, XBT_NULL, path, val, strlen(val)))
		return true;
	fprintf(stderr, "twr-rogue-back: writing %s: %s\n", path, strerror(errno));
	return false;
}

/* An unsigned node of @dir, or @def if absent or not a number. */
static unsigned long rb_read_ul(struct rb *r, const char *dir, const char *node,
				unsigned long def)
{
	char path[256], *v, *end;
	unsigned long n;
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	v = xs_read(r->xs, XBT_NULL, path, &len);
	if (!v)
		return def;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end)
		n = def;
	free(v);
	return n;
}

static bool rb_perms(struct rb *r, const char *dir, unsigned int owner,
		     unsigned int reader)
{
	struct xs_permissions p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader, .perms = XS_PERM_READ },
	};

	if (xs_set_permissions(r->xs, XBT_NULL, dir, p, 2))
		return true;
	fprintf(stderr, "twr-rogue-back: permissions of %s: %s\n", dir, strerror(errno));
	return false;
}

/* Both directories, as a toolstack would write them (libxl's pattern):
 * each created with its permissions first (a node takes its parent's when
 * created), then complete, the state nodes last. */
static bool rb_offer(struct rb *r)
{
	char v[64], ver[16];
	bool ok;

	if (!xs_mkdir(r->xs, XBT_NULL, r->be) || !xs_mkdir(r->xs, XBT_NULL, r->fe)) {
		fprintf(stderr, "twr-rogue-back: creating %s and %s: %s\n", r->be, r->fe,
			strerror(errno));
		return false;
	}
	if (!rb_perms(r, r->be, 0, r->domid) || !rb_perms(r, r->fe, r->domid, 0))
		return false;
	snprintf(v, sizeof(v), "%u", r->domid);
	ok = rb_write(r, r->be, TWR_XS_FRONTEND, r->fe) &&
	     rb_write(r, r->be, TWR_XS_FRONTEND_ID, v) &&
	     rb_write(r, r->be, TWR_XS_ONLINE, "1") &&
	     rb_write(r, r->be, TWR_XS_MAX_QUEUES, "1") &&
	     rb_write(r, r->be, TWR_XS_MAX_RING_ORDER, "10") &&
	     rb_write(r, r->fe, TWR_XS_BACKEND, r->be) &&
	     rb_write(r, r->fe, TWR_XS_BACKEND_ID, "0");
	snprintf(ver, sizeof(ver), "%u", TWR_BLK_VERSION);
	if (ok && !strcmp(r->kind, "blk"))
		ok = rb_write(r, r->be, "sectors", "2048") &&
		     rb_write(r, r->be, "sector-size", "512") &&
		     rb_write(r, r->be, "info", "2") &&
		     rb_write(r, r->be, "twinblk-version", ver) &&
		     rb_write(r, r->be, "max-requests", "64") &&
		     rb_write(r, r->be, "vdev", "twz");
	if (ok && !strcmp(r->kind, "net"))
		ok = rb_write(r, r->be, TWR_XS_NET_MAC, "00:16:3e:7a:00:0f") &&
		     rb_write(r, r->fe, TWR_XS_NET_MAC, "00:16:3e:7a:00:0f");
	return ok && rb_write(r, r->be, TWR_XS_STATE, "2") &&
	       rb_write(r, r->fe, TWR_XS_STATE, "1");
}

/* Wait for the frontend's Initialised, then map what it granted and bind
 * its event channel. */
static bool rb_attach(struct rb *r)
{
	uint64_t end = rb_now_ms() + RB_CONNECT_MS;
	char q[64];
	uint32_t ref, order;
	unsigned long st = 0, port;
	xenevtchn_port_or_error_t bound;

	while (!rb_stop && rb_now_ms() < end) {
		st = rb_read_ul(r, r->fe, TWR_XS_STATE, 0);
		if (st == RB_ST_INITIALISED || st == RB_ST_CONNECTED)
			break;
		usleep(RB_POLL_US);
	}
	if (st != RB_ST_INITIALISED && st != RB_ST_CONNECTED) {
		fprintf(stderr, "twr-rogue-back: frontend %s never Initialised (state %lu)\n",
			r->fe, st);
		return false;
	}
	snprintf(q, sizeof(q), TWR_XS_QUEUE_FMT, 0u);
	snprintf(q + strlen(q), sizeof(q) - strlen(q), "/%s", TWR_XS_CTRL_REF);
	ref = (uint32_t)rb_read_ul(r, r->fe, q, 0);
	r->ctl = xengnttab_map_grant_ref(r->gt, r->domid, ref, PROT_READ | PROT_WRITE);
	snprintf(q, sizeof(q), TWR_XS_QUEUE_FMT "/%s", 0u, TWR_XS_RING_B_DIR_REF);
	ref = (uint32_t)rb_read_ul(r, r->fe, q, 0);
	r->b_dir = xengnttab_map_grant_ref(r->gt, r->domid, ref, PROT_READ);
	snprintf(q, sizeof(q), TWR_XS_QUEUE_FMT "/%s", 0u, TWR_XS_RING_B_ORDER);
	order = (uint32_t)rb_read_ul(r, r->fe, q, 99);
	if (!r->ctl || !r->b_dir || order > TWR_RING_ORDER_MAX) {
		fprintf(stderr, "twr-rogue-back: control page or ring B directory not mappable (order %u): %s\n",
			order, strerror(errno));
		return false;
	}
	r->b_pages = 1u << order;
	r->b_data = xengnttab_map_domain_grant_refs(r->gt, r->b_pages, r->domid,
						    r->b_dir, PROT_READ | PROT_WRITE);
	snprintf(q, sizeof(q), TWR_XS_QUEUE_FMT "/%s", 0u, TWR_XS_EVENT_CHANNEL);
	port = rb_read_ul(r, r->fe, q, 0);
	if (!r->b_data) {
		fprintf(stderr, "twr-rogue-back: ring B (%u pages) not mappable: %s\n",
			r->b_pages, strerror(errno));
		return false;
	}
	r->xce = xenevtchn_open(NULL, 0);
	if (!r->xce) {
		fprintf(stderr, "twr-rogue-back: /dev/xen/evtchn: %s\n", strerror(errno));
		return false;
	}
	bound = xenevtchn_bind_interdomain(r->xce, r->domid, (evtchn_port_t)port);
	if (bound < 0) {
		fprintf(stderr, "twr-rogue-back: binding port %lu of domain %u: %s\n",
			port, r->domid, strerror(errno));
		return false;
	}
	r->port = (evtchn_port_t)bound;
	return rb_write(r, r->be, TWR_XS_STATE, "4");
}

/* The frontend gave up: broken flag, or Closing and beyond. */
static bool rb_frontend_gave_up(struct rb *r, unsigned long *st, bool *broken)
{
	*st = rb_read_ul(r, r->fe, TWR_XS_STATE, 0);
	/* A hint only: the flags word is the frontend's to write. */
	if (twr_read_once(&r->ctl->front_flags) & TWR_F_BROKEN)
		*broken = true;
	return *broken || *st >= RB_ST_CLOSING;
}

static int rb_pad_laps(struct rb *r, unsigned long seconds)
{
	uint32_t size = r->b_pages * TWR_PAGE_SIZE, prod, cons, contig;
	struct twr_ring_shared *sh = &r->ctl->ring_b;
	uint64_t start = rb_now_ms(), now, last_kick = 0, next_check = 0;
	uint64_t end = start + (uint64_t)seconds * 1000u;
	struct twr_rec_hdr pad = { .type = TWR_REC_PAD };
	unsigned long laps = 0, st = 0;
	bool broken = false;

	/* Our index: where the frontend initialised it. */
	prod = twr_read_once(&sh->prod);
	while (!rb_stop && (now = rb_now_ms()) < end) {
		if (now >= next_check) {
			if (rb_frontend_gave_up(r, &st, &broken))
				break;
			next_check = now + RB_POLL_US / 1000u;
		}
		/* The frontend's index; pairs with the release (C) in its
		 * twr_ring_release_publish(). */
		cons = twr_load_acquire(&sh->cons);
		contig = size - (prod & (size - 1));
		if (prod - cons <= size && size - (prod - cons) >= contig) {
			pad.len = contig - TWR_REC_HDR_SIZE;
			memcpy(r->b_data + (prod & (size - 1)), &pad, sizeof(pad));
			prod += contig;
			/* (A) the padding before prod; pairs with the acquire
			 * (B) in the frontend's twr_ring_refresh_prod(). */
			twr_store_release(&sh->prod, prod);
			/* (E) tell us when it is all released: pairs with the
			 * twr_mb() in its twr_ring_release_publish(). */
			twr_write_once(&sh->cons_event, prod);
			twr_mb();
			xenevtchn_notify(r->xce, r->port);
			last_kick = now;
			laps++;
			continue;
		}
		if (now - last_kick >= RB_KICK_MS) {
			xenevtchn_notify(r->xce, r->port);
			last_kick = now;
		}
		usleep(RB_POLL_US / 20u);
	}
	/* Give its Closing a moment to show in the summary. */
	end = rb_now_ms() + 3000u;
	while (!rb_stop && rb_now_ms() < end &&
	       (!rb_frontend_gave_up(r, &st, &broken) || st < RB_ST_CLOSING))
		usleep(RB_POLL_US);
	printf("twr-rogue-back: pad-laps kind=%s laps=%lu seconds=%" PRIu64 " frontend_state=%lu broken_seen=%d\n",
	       r->kind, laps, (rb_now_ms() - start) / 1000u, st, broken);
	return 0;
}

static void rb_cleanup(struct rb *r)
{
	if (r->b_data)
		xengnttab_unmap(r->gt, r->b_data, r->b_pages);
	if (r->b_dir)
		xengnttab_unmap(r->gt, r->b_dir, 1);
	if (r->ctl)
		xengnttab_unmap(r->gt, r->ctl, 1);
	if (r->xce)
		xenevtchn_close(r->xce);
	/* Closed, then gone: the domU's xenbus removes its device. */
	if (r->xs) {
		rb_write(r, r->be, TWR_XS_STATE, "6");
		usleep(500000);
		xs_rm(r->xs, XBT_NULL, r->fe);
		xs_rm(r->xs, XBT_NULL, r->be);
	}
}

static int rb_usage(void)
{
	fputs("usage: twr-rogue-back pad-laps blk|net DOMID DEVID SECONDS\n"
	      "A hostile twinring backend from dom0 user space against DOMID's kernel\n"
	      "frontend (device DEVID of backend type <kind>-rogue): padding laps on ring B.\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct rb r = { 0 };
	unsigned long secs;
	int ret = 1;

	if (argc != 6 || strcmp(argv[1], "pad-laps") ||
	    (strcmp(argv[2], "blk") && strcmp(argv[2], "net")))
		return rb_usage();
	r.kind = argv[2];
	r.xs_kind = !strcmp(r.kind, "blk") ? TWR_XS_KIND_BLK : TWR_XS_KIND_NET;
	r.domid = (unsigned int)strtoul(argv[3], NULL, 10);
	r.devid = (unsigned int)strtoul(argv[4], NULL, 10);
	secs = strtoul(argv[5], NULL, 10);
	if (!r.domid || !secs || secs > 3600)
		return rb_usage();
	signal(SIGTERM, rb_on_signal);
	signal(SIGINT, rb_on_signal);
	snprintf(r.be, sizeof(r.be), "/local/domain/0/backend/%s-rogue/%u/%u",
		 r.xs_kind, r.domid, r.devid);
	snprintf(r.fe, sizeof(r.fe), "/local/domain/%u/device/%s/%u",
		 r.domid, r.xs_kind, r.devid);

	r.xs = xs_open(0);
	r.gt = xengnttab_open(NULL, 0);
	if (!r.xs || !r.gt) {
		fprintf(stderr, "twr-rogue-back: xenstore or /dev/xen/gntdev: %s\n",
			strerror(errno));
		goto out;
	}
	if (rb_offer(&r) && rb_attach(&r))
		ret = rb_pad_laps(&r, secs);
out:
	rb_cleanup(&r);
	if (r.gt)
		xengnttab_close(r.gt);
	if (r.xs)
		xs_close(r.xs);
	return ret;
}
