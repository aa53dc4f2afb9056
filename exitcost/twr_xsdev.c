// SPDX-License-Identifier: MIT
/*
 * A minimal xenstore client over /dev/xen/xenbus (twr_xsdev.h), for the
 * static domU tools: twr-exitcost's ping-pong and the lab's twr-rogue.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/io/xs_wire.h>

#include "twr_xsdev.h"

/* How long a reply may take, header and payload together. */
#define TWR_XSDEV_REPLY_MS	10000

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
		{ "EISDIR", EISDIR }, { "ENOMEM", ENOMEM }, { "EIO", EIO },
		{ "ENOTEMPTY", ENOTEMPTY }, { "ENOSYS", ENOSYS }, { "EROFS", EROFS },
		{ "EISCONN", EISCONN },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(s, map[i].name))
			return -map[i].val;
	return -EIO;
}

static uint64_t twr_xsdev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Read exactly @len bytes into @buf before @end (CLOCK_MONOTONIC ms). */
static int twr_xsdev_read_full(int fd, void *buf, size_t len, uint64_t end)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t *p = buf;
	uint64_t now;
	ssize_t n;
	int ret;

	while (len) {
		now = twr_xsdev_now_ms();
		if (now >= end)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)(end - now));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One request: header + path\0 + val (a write's value has no NUL), then
 * the answer into @reply, NUL-terminated and cut to @len. The answer is
 * untrusted in length: up to XENSTORE_PAYLOAD_MAX is read, the rest of a
 * longer one is an error. Returns the answer's length or -errno. */
static int twr_xsdev_call(int fd, uint32_t type, const char *path, const char *val,
			  char *reply, size_t len)
{
	struct xsd_sockmsg hdr = { .type = type, .req_id = 0x7477 };
	char msg[sizeof(hdr) + XENSTORE_PAYLOAD_MAX], ans[XENSTORE_PAYLOAD_MAX + 1];
	size_t plen = strlen(path) + 1, vlen = val ? strlen(val) : 0, keep;
	uint64_t end;
	ssize_t n;
	int ret;

	if (plen + vlen > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	hdr.len = plen + vlen;
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), path, plen);
	if (vlen)
		memcpy(msg + sizeof(hdr) + plen, val, vlen);
	do {
		n = write(fd, msg, sizeof(hdr) + hdr.len);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(sizeof(hdr) + hdr.len))
		return n < 0 ? -errno : -EIO;
	end = twr_xsdev_now_ms() + TWR_XSDEV_REPLY_MS;
	ret = twr_xsdev_read_full(fd, &hdr, sizeof(hdr), end);
	if (ret)
		return ret;
	if (hdr.len > XENSTORE_PAYLOAD_MAX)
		return -EPROTO;
	ret = twr_xsdev_read_full(fd, ans, hdr.len, end);
	if (ret)
		return ret;
	ans[hdr.len] = '\0';
	if (hdr.type == XS_ERROR)
		return twr_xsdev_errno(ans);
	if (hdr.type != type)
		return -EPROTO;
	keep = len && hdr.len >= len ? len - 1 : hdr.len;
	if (len) {
		memcpy(reply, ans, keep);
		reply[keep] = '\0';
	}
	return (int)keep;
}

int twr_xsdev_read(int fd, const char *path, char *buf, size_t len)
{
	int ret = twr_xsdev_call(fd, XS_READ, path, NULL, buf, len);

	return ret < 0 ? ret : 0;
}

int twr_xsdev_write(int fd, const char *path, const char *val)
{
	int ret = twr_xsdev_call(fd, XS_WRITE, path, val, NULL, 0);

	return ret < 0 ? ret : 0;
}

int twr_xsdev_rm(int fd, const char *path)
{
	int ret = twr_xsdev_call(fd, XS_RM, path, NULL, NULL, 0);

	return ret < 0 && ret != -ENOENT ? ret : 0;
}
