// SPDX-License-Identifier: MIT
/*
 * CUnit tests of twinringd's single-instance lock (toolstack/twr_lock.c):
 * a second taker is refused and told the holder's pid, asking who holds it
 * takes nothing, and the lock goes with its holder, SIGKILL included. POSIX
 * locks do not conflict within one process, so the other side is a forked
 * child each time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_lock.h"

static char g_path[64];

static int suite_init(void)
{
	int fd;

	snprintf(g_path, sizeof(g_path), "/tmp/twr-lock-XXXXXX");
	fd = mkstemp(g_path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(g_path);
	return 0;
}

static int suite_cleanup(void)
{
	unlink(g_path);
	return 0;
}

/* In a child: twr_daemon_lock() then, when it worked, hold it until killed
 * (@hold) or exit at once. Exit status: 0 locked, 1 -EBUSY naming
 * @want_holder, 2 anything else. */
static pid_t child_lock(long want_holder, int hold, int ready_fd)
{
	pid_t pid = fork();
	long holder;
	int fd, ret;

	if (pid)
		return pid;
	ret = twr_daemon_lock(g_path, &fd, &holder);
	if (ready_fd >= 0) {
		if (write(ready_fd, "x", 1) != 1)
			_exit(2);
	}
	if (!ret && hold)
		for (;;)
			pause();
	if (!ret)
		_exit(0);
	_exit(ret == -EBUSY && holder == want_holder ? 1 : 2);
}

static int child_exit(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void test_no_file_no_holder(void)
{
	long holder = 99;

	CU_ASSERT_EQUAL(twr_daemon_holder(g_path, &holder), 0);
	CU_ASSERT_EQUAL(holder, 0);
}

static void test_second_taker_is_refused_with_holder(void)
{
	long holder = -1;
	int fd = -1;

	CU_ASSERT_EQUAL_FATAL(twr_daemon_lock(g_path, &fd, &holder), 0);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(child_exit(child_lock((long)getpid(), 0, -1)), 1);
	close(fd);
	/* Released: the next taker gets it. */
	CU_ASSERT_EQUAL(child_exit(child_lock(0, 0, -1)), 0);
}

static void test_holder_names_pid_without_taking(void)
{
	long holder = -1;
	int fd = -1;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(twr_daemon_lock(g_path, &fd, &holder), 0);
	pid = fork();
	if (pid == 0) {
		long h = 0;

		/* Asked twice: asking must not have taken it. */
		if (twr_daemon_holder(g_path, &h) || h != (long)getppid())
			_exit(2);
		if (twr_daemon_holder(g_path, &h) || h != (long)getppid())
			_exit(3);
		_exit(0);
	}
	CU_ASSERT_EQUAL(child_exit(pid), 0);
	close(fd);
}

static void test_sigkill_releases_the_lock(void)
{
	long holder = -1;
	int p[2], fd = -1, st;
	char c;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	pid = child_lock(0, 1, p[1]);
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
	CU_ASSERT_EQUAL(twr_daemon_holder(g_path, &holder), 0);
	CU_ASSERT_EQUAL(holder, (long)pid);
	CU_ASSERT_EQUAL(twr_daemon_lock(g_path, &fd, &holder), -EBUSY);
	CU_ASSERT_EQUAL(holder, (long)pid);
	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(twr_daemon_holder(g_path, &holder), 0);
	CU_ASSERT_EQUAL(holder, 0);
	CU_ASSERT_EQUAL(twr_daemon_lock(g_path, &fd, &holder), 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "no_file_no_holder", test_no_file_no_holder },
		{ "second_taker_is_refused_with_holder", test_second_taker_is_refused_with_holder },
		{ "holder_names_pid_without_taking", test_holder_names_pid_without_taking },
		{ "sigkill_releases_the_lock", test_sigkill_releases_the_lock },
	};

	return twr_cunit_run("toolstack_lock", suite_init, suite_cleanup, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
