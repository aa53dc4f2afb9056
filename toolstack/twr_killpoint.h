/* SPDX-License-Identifier: MIT */
/*
 * The restart test's hook (twinringd(8), TESTING): the named points of a
 * setup or a detach where twinringd or twinctl SIGKILLs itself when
 * TWR_KILL_ENV names one.
 */
#ifndef TWINRING_TOOLSTACK_KILLPOINT_H
#define TWINRING_TOOLSTACK_KILLPOINT_H

#include <stdbool.h>

#include "twr_tool.h"

#define TWR_KILL_ENV		"TWINRINGD_TEST_KILL_AT"
/* Inside a device's transaction: its frontend directory written, the
 * backend's not yet (nothing is committed). */
#define TWR_KILL_DEVICE_HALF	"device-half-written"
/* A domain's device committed, another of its entries still to create. */
#define TWR_KILL_BETWEEN_DEVICES "between-devices"
/* A device's I/O tasks added, its go-ahead (iotask-ready) not written. */
#define TWR_KILL_TASKS_ADDED	"tasks-added"
/* A detach (twinctl or the daemon's) wrote online 0 and Closing, has not
 * removed the directories. */
#define TWR_KILL_DETACH_CLOSING	"detach-closing"

/* Is @name one of the points above? */
bool twr_killpoint_valid(const char *name);

/* If @t->kill_at is @name: log it to syslog and SIGKILL this process. */
void twr_killpoint(const struct twr_tool *t, const char *name);

#endif /* TWINRING_TOOLSTACK_KILLPOINT_H */
