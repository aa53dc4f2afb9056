/* SPDX-License-Identifier: MIT */
/*
 * twinringd's single-instance lock, TWR_DAEMON_LOCK: a POSIX write lock on
 * the whole file, held for the daemon's life, dropped by the kernel when it
 * exits or is killed.
 */
#ifndef TWINRING_TOOLSTACK_LOCK_H
#define TWINRING_TOOLSTACK_LOCK_H

#define TWR_DAEMON_LOCK		"/run/twinringd.lock"

/* Take the lock at @path: 0 and the open descriptor in *@fd_out (keep it
 * open), -EBUSY with the holder's pid in *@holder, or another -errno. */
int twr_daemon_lock(const char *path, int *fd_out, long *holder);

/* Who holds it, without taking it: 0 and *@holder = pid, or 0 and
 * *@holder = 0 when nobody does; a negative errno if the file cannot be
 * read. */
int twr_daemon_holder(const char *path, long *holder);

#endif /* TWINRING_TOOLSTACK_LOCK_H */
