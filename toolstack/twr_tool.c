// SPDX-License-Identifier: MIT
/*
 * libtwrtool's context (twr_tool.h): the xenstore connection every
 * operation uses, and the one message that says why the last one failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xenstore.h>

#include "twr_tool.h"

int twr_tool_fail(struct twr_tool *t, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return err;
}

int twr_tool_open(struct twr_tool *t)
{
	memset(t, 0, sizeof(*t));
	t->sysfs = "/sys";
	t->xsh = xs_open(0);
	if (!t->xsh)
		return twr_tool_fail(t, errno ? -errno : -EIO,
				     "cannot connect to xenstore (%s): is this a Xen dom0 with xenstored running, and are you root?",
				     strerror(errno));
	return 0;
}

void twr_tool_close(struct twr_tool *t)
{
	if (t->xsh)
		xs_close(t->xsh);
	t->xsh = NULL;
}
