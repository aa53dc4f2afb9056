/* SPDX-License-Identifier: MIT */
/*
 * twinctl's shared state (twinctl.c: options, the device commands and the
 * error exits; twinctl_cfg.c: check and sync, the commands that read a
 * domU's xl config).
 */
#ifndef TWINRING_TOOLSTACK_TWINCTL_H
#define TWINRING_TOOLSTACK_TWINCTL_H

#include <stdbool.h>

#include "twr_tool.h"

/* Exit codes (twinctl(8)); 0 is success. */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

struct ctl {
	struct twr_tool tool;
	bool json;
	bool bridge;			/* attach net: bridge the netdev */
	bool go_ahead;			/* attach: iotask-ready at once */
	unsigned int timeout_ms;	/* detach close wait, attach bridge wait */
};

/* twinctl.c */
/* Print "twinctl: <message>" and the --help hint; returns EXIT_USAGE. */
int twinctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the tool's last error; returns EXIT_RUNTIME. */
int twinctl_runtime_error(struct ctl *c);
/* Connect to xenstore and take up the restart tests' kill point; 0, or
 * the exit code after saying what failed. */
int twinctl_open_tool(struct ctl *c);

/* twinctl_cfg.c: each returns the command's exit code. */
/* check FILE: what twinringd would attach from an xl config. */
int twinctl_cmd_check(struct ctl *c, int argc, char **argv);
/* sync DOMAIN: apply the domain's xl config as the file reads now. */
int twinctl_cmd_sync(struct ctl *c, int argc, char **argv);

#endif /* TWINRING_TOOLSTACK_TWINCTL_H */
