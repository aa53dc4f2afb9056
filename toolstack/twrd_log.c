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
	char msg[2048], safe[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	twr_printable(safe, sizeof(safe), msg);
	syslog(prio, "%s", safe);
	if (dm->foreground)
		fprintf(stderr, "twinringd: %s%s\n", prio <= LOG_ERR ? "error: " :
			prio == LOG_WARNING ? "warning: " : "", safe);
}
