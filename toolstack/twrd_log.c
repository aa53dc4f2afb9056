// SPDX-License-Identifier: MIT
/*
 * twinringd's log (twrd.h). In a file of its own so that the daemon's other
 * files, and anything that links them, need nothing from twinringd.c, the
 * file with main().
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "twrd.h"

void twrd_log(struct twrd_daemon *dm, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
	if (dm->foreground) {
		va_start(ap, fmt);
		fprintf(stderr, "twinringd: %s", prio <= LOG_ERR ? "error: " :
			prio == LOG_WARNING ? "warning: " : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}
