// SPDX-License-Identifier: MIT
/*
 * sd_notify(3) for twinringd (twr_notify.h): the protocol is one datagram,
 * so a few lines here spare every install a libsystemd dependency.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "twr_notify.h"

int twr_sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	ssize_t n;
	int fd, ret;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	/* An abstract name ('@' for the leading NUL) or an absolute path; the
	 * path must fit sun_path (abstract names are not NUL-terminated). */
	if ((path[0] != '@' && path[0] != '/') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/')));
	ret = n < 0 ? -errno : 1;
	close(fd);
	return ret;
}
