/* SPDX-License-Identifier: MIT */
/*
 * twinringd's shared state (twinringd.c: main loop and config; twrd_log.c:
 * its log; twrd_domain.c: domains come and go; twrd_ident.c: what libxl
 * says a domain is; twrd_follow.c: device states, bridging, I/O tasks).
 */
#ifndef TWINRING_TOOLSTACK_TWRD_H
#define TWINRING_TOOLSTACK_TWRD_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include "twrd_iotask.h"	/* first of the Xen headers: xenctrl.h */
#include "twr_ident.h"
#include "twr_spec.h"
#include "twr_tool.h"

#define TWRD_RETRY_MS	500	/* a new domain's xenstore entries are not there yet */
#define TWRD_NAME_TRIES	20	/* retries before applying a nameless domain */
#define TWRD_RETRIES	5	/* of entries without a bridge or target: 5 .. 80 s */
/* A backend Closed with online 0 this long with nobody removing it is an
 * interrupted detach (its twinctl died): longer than a live detach needs
 * between the backend's Closed and its own removal. */
#define TWRD_DETACH_GRACE_MS	10000

#define TWRD_TOKEN_DOM	"dom"	/* @introduceDomain, @releaseDomain */
#define TWRD_TOKEN_BE	"be"	/* a device directory changed */

struct twrd_dom {
	uint32_t domid;
	bool handled;		/* its config has been applied */
	bool held;		/* paused by us until its devices are written */
	char uuid[TWR_IDENT_UUID_LEN + 1];	/* Xen's handle: a reused domid differs */
	unsigned int retries;	/* of entries that found no bridge or target */
	uint64_t retry_at;	/* CLOCK_MONOTONIC ms of the next, 0: none */
	unsigned int tries;
};

/* One backend device in domain 0, as last seen. */
struct twrd_track {
	enum twr_dev_kind kind;
	uint32_t domid, devid;
	int state, fe_state;
	bool bridged, bridge_err;
	int ifindex;		/* the netdev bridged: never again, the admin's now */
	bool enforced;		/* enforcement switched on for its pair */
	int io_failed;		/* (fe, be) states of the last failed attempt */
	uint64_t closed_ms;	/* first seen Closed with online 0, or 0 */
	unsigned int gen;
};

struct libxl__ctx;
struct xentoollog_logger_stdiostream;

/* A device a watch event named (twrd_touch_path()). */
struct twrd_touch {
	enum twr_dev_kind kind;
	uint32_t domid, devid;
	bool backend;		/* named by dom0's backend side */
};

#define TWRD_TOUCH_MAX	32	/* more in one drain: a full pass */

struct twrd_daemon {
	struct twr_tool tool;
	xc_interface *xch;
	struct libxl__ctx *xl;		/* NULL: libxl unavailable */
	struct xentoollog_logger_stdiostream *xl_log;
	bool foreground;
	bool once;
	char conf_path[256];
	char search[1024];
	char targets[1024];	/* blk targets of xl configs: "" anywhere */
	char scripts_dir[256];	/* script= names (tool.scripts_dir points here) */
	bool search_from_cmdline;
	bool iomode_from_cmdline;
	bool close_from_cmdline;
	unsigned int close_timeout_ms;
	enum twrd_iotask_mode iomode;
	struct twrd_iotask io;
	struct twrd_dom *doms;
	unsigned int ndoms;
	struct twrd_track *tracks;
	unsigned int ntracks, gen;
	struct twrd_touch touched[TWRD_TOUCH_MAX];
	unsigned int ntouched;
	bool touch_all;		/* the next follow is a full pass */
};

/* twrd_log.c */
/* Log to syslog, and to stderr with --foreground. */
void twrd_log(struct twrd_daemon *dm, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* twrd_domain.c */
/* Diff the live domains against the table: tear down the gone ones (and
 * any leftovers of domains that died unseen), add the new ones. */
void twrd_rescan(struct twrd_daemon *dm);
/* Apply the configs of domains not handled yet; true if some must wait. */
bool twrd_apply_pending(struct twrd_daemon *dm);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t twrd_now_ms(void);
/* Release the pauses of domains still waiting for their devices (at exit). */
void twrd_release_holds(struct twrd_daemon *dm);
/* Domains whose entries that found no bridge or target are due to be tried
 * again: due for twrd_apply_pending(). True if any. */
bool twrd_retry_due(struct twrd_daemon *dm);

/* twrd_ident.c */
/* A Xen domain handle as a uuid string. */
void twrd_handle_uuid(const uint8_t h[16], char out[TWR_IDENT_UUID_LEN + 1]);
/* A libxl context for twrd_dom_ident(); without one, a warning. */
void twrd_ident_init(struct twrd_daemon *dm);
void twrd_ident_fini(struct twrd_daemon *dm);
/* Domain @domid (named @name) as libxl stored it at create: 0 with @id
 * (devs_known false when libxl is unavailable: name and uuid only),
 * -EAGAIN when libxl has not stored it (yet), or a negative errno. */
int twrd_dom_ident(struct twrd_daemon *dm, uint32_t domid, const char *name,
		   struct twr_ident *id);

/* twrd_follow.c */
/* One pass over dom0's backend directories: log state changes, bridge
 * netdevs, register and remove I/O tasks. */
void twrd_follow(struct twrd_daemon *dm);
/* Note the device a watch event's @path is under, for
 * twrd_follow_touched(); a path naming no device of dom0's backend side
 * asks for a full pass, one under a guest's own directory that names no
 * device is nothing. */
void twrd_touch_path(struct twrd_daemon *dm, const char *path);
/* Follow the devices touched since the last call -- a guest rewriting its
 * nodes costs its own device, not every device of every domain -- or do a
 * full pass if one was asked for (dm->touch_all). */
void twrd_follow_touched(struct twrd_daemon *dm);

#endif /* TWINRING_TOOLSTACK_TWRD_H */
