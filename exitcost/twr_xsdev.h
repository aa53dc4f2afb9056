/* SPDX-License-Identifier: MIT */
/*
 * A minimal xenstore client over /dev/xen/xenbus for static domU tools,
 * where no Xen library is installed (the domU end of twr-exitcost's
 * event-channel ping-pong, the lab's twr-rogue): read, write, remove, one
 * request at a time, no transactions, no watches, a reply awaited 10 s at
 * most (-ETIMEDOUT). Built as libtwrxsdev.a.
 */
#ifndef TWINRING_EXITCOST_XSDEV_H
#define TWINRING_EXITCOST_XSDEV_H

#include <stddef.h>

/* Opens the device; the fd, or -errno. */
int twr_xsdev_open(void);
/* Reads path into buf (NUL-terminated, at most len - 1 bytes). 0 or -errno
 * (-ENOENT when the node does not exist). */
int twr_xsdev_read(int fd, const char *path, char *buf, size_t len);
int twr_xsdev_write(int fd, const char *path, const char *val);
int twr_xsdev_rm(int fd, const char *path);

#endif /* TWINRING_EXITCOST_XSDEV_H */
