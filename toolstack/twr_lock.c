// SPDX-License-Identifier: MIT
/*
 * twinringd's single-instance lock (twr_lock.h). Two daemons would both
 * follow every domain, each attaching and tearing down: the second one
 * refuses to start instead. A POSIX record lock rather than flock(): the
 * kernel drops it when the holder dies, kill -9 included (so a restart never
 * finds a stale lock), and F_GETLK tells twinctl who holds it without taking
 * it, so asking can never make a starting daemon fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "twr_lock.h"

static void twr_lock_whole(struct flock *fl, short type)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;	/* l_start = l_len = 0: the whole file */
}

int twr_daemon_lock(const char *path, int *fd_out, long *holder)
{
	struct flock fl;
	char pid[24];
	int fd, len;

	*holder = 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	twr_lock_whole(&fl, F_WRLCK);
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		int err = errno;

		if (err == EACCES || err == EAGAIN) {
			twr_lock_whole(&fl, F_WRLCK);
			if (!fcntl(fd, F_GETLK, &fl) && fl.l_type != F_UNLCK)
				*holder = (long)fl.l_pid;
			err = EBUSY;
		}
		close(fd);
		return -err;
	}
	/* The pid, for people reading the file; the lock is what counts. */
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)len) != len) {
		/* Not fatal: the lock is held all the same. */
	}
	*fd_out = fd;
	return 0;
}

int twr_daemon_holder(const char *path, long *holder)
{
	struct flock fl;
	int fd, ret = 0;

	*holder = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* F_GETLK asks for a write lock's conflicts without taking anything. */
	twr_lock_whole(&fl, F_WRLCK);
	if (fcntl(fd, F_GETLK, &fl) < 0)
		ret = -errno;
	else if (fl.l_type != F_UNLCK)
		*holder = (long)fl.l_pid;
	close(fd);
	return ret;
}
