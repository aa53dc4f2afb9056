// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/io/xs_wire.h>

#include "twr_xsdev.h"

int twr_xsdev_open(void)
{
	int fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Maps xenstored's error strings ("ENOENT") back to errno values. */
static int twr_xsdev_errno(const char *s)
{
	static const struct { const char *name; int val; } map[] = {
		{ "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EINVAL", EINVAL },
		{ "EEXIST", EEXIST }, { "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC },
		{ "E2BIG", E2BIG }, { "EPERM", EPERM }, { "EBUSY", EBUSY },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(s, map[i].name))
			return -map[i].val;
	return -EIO;
}

/* One request: header + path\0 + val, then the answer into reply. The
 * answer is untrusted in length: anything beyond reply is drained. */
static int twr_xsdev_call(int fd, uint32_t type, const char *path, const char *val,
			  char *reply, size_t len)
{
	struct xsd_sockmsg hdr = { .type = type, .req_id = 0x7477 };
	char msg[sizeof(hdr) + XENSTORE_PAYLOAD_MAX], drop[256];
	size_t plen = strlen(path) + 1, vlen = val ? strlen(val) : 0;
	uint32_t got;
	ssize_t n;

	if (plen + vlen > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	hdr.len = plen + vlen;
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), path, plen);
	if (vlen)
		memcpy(msg + sizeof(hdr) + plen, val, vlen);
	if (write(fd, msg, sizeof(hdr) + hdr.len) != (ssize_t)(sizeof(hdr) + hdr.len))
		return -EIO;
	if (read(fd, &hdr, sizeof(hdr)) != sizeof(hdr) || hdr.len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	got = 0;
	while (got < hdr.len) {
		char *dst = got < len ? reply + got : drop;
		size_t room = got < len ? len - got : sizeof(drop);

		if (room > hdr.len - got)
			room = hdr.len - got;
		n = read(fd, dst, room);
		if (n <= 0)
			return -EIO;
		got += n;
	}
	if (len)
		reply[hdr.len < len ? hdr.len : len - 1] = '\0';
	if (hdr.type == XS_ERROR)
		return twr_xsdev_errno(reply);
	return hdr.type == type ? (int)(hdr.len < len ? hdr.len : len - 1) : -EIO;
}

int twr_xsdev_read(int fd, const char *path, char *buf, size_t len)
{
	int ret = twr_xsdev_call(fd, XS_READ, path, NULL, buf, len);

	return ret < 0 ? ret : 0;
}

int twr_xsdev_write(int fd, const char *path, const char *val)
{
	char reply[64];
	int ret = twr_xsdev_call(fd, XS_WRITE, path, val, reply, sizeof(reply));

	return ret < 0 ? ret : 0;
}

int twr_xsdev_rm(int fd, const char *path)
{
	char reply[64];
	int ret = twr_xsdev_call(fd, XS_RM, path, NULL, reply, sizeof(reply));

	return ret < 0 && ret != -ENOENT ? ret : 0;
}
