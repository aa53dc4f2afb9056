/* SPDX-License-Identifier: MIT */
/*
 * twr-rogue: a hostile twinring frontend in user space (lab only, never
 * installed). What its files share: the program's state and exit codes
 * (twr_rogue.c: the channel and the modes that use it; twr_rogue_storm.c:
 * xs-storm, the mode without a channel).
 */
#ifndef TWINRING_TWR_ROGUE_H
#define TWINRING_TWR_ROGUE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Exit codes (see the header comment of twr_rogue.c). */
#define TWR_ROGUE_EXIT_OK	0
#define TWR_ROGUE_EXIT_SETUP	2
#define TWR_ROGUE_EXIT_NOCONN	3

struct twr_chan_ctl;

/* One gntalloc allocation: @nr pages granted at once, mapped contiguously. */
struct twr_rogue_grant {
	uint8_t *addr;
	unsigned int nr;
	uint64_t index;
	uint32_t *refs;
};

struct twr_rogue {
	const char *kind;		/* "blk" or "net" */
	const char *xs_kind;		/* TWR_XS_KIND_* */
	unsigned int devid;
	unsigned int order;		/* of both rings */
	char fdir[64];			/* device/<kind>/<devid>, relative */
	char bdir[256];			/* the backend's directory */
	unsigned int backend_id;

	int xs_fd;
	int gnt_fd, evt_fd;
	unsigned int port;
	struct twr_rogue_grant ctl, a_dir, b_dir, a_data, b_data;
	struct twr_chan_ctl *cc;	/* ctl.addr */
	uint32_t a_prod;		/* our ring A producer index, private */
	bool broken_seen;
};

/* twr_rogue.c */
/* Set by SIGTERM and SIGINT: every mode's loop ends at its next check. */
extern volatile sig_atomic_t twr_rogue_stop;
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t twr_rogue_now_ms(void);

/* twr_rogue_storm.c */
/* xs-storm: write a node under @r->fdir for @secs, then remove it; prints
 * the summary line. Opens @r->xs_fd (the caller closes it); returns the
 * exit code. */
int twr_rogue_xs_storm(struct twr_rogue *r, unsigned long secs);

#endif /* TWINRING_TWR_ROGUE_H */
