// SPDX-License-Identifier: MIT
/*
 * CUnit tests of the restart test's hook (toolstack/twr_killpoint.c): the
 * known points are accepted and nothing else is, a disarmed or differently
 * armed context never kills, and an armed one dies of SIGKILL exactly at
 * its point (in a forked child).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_killpoint.h"
#include "../../../toolstack/twr_tool.h"

static void test_points_valid(void)
{
	CU_ASSERT(twr_killpoint_valid(TWR_KILL_DEVICE_HALF));
	CU_ASSERT(twr_killpoint_valid(TWR_KILL_BETWEEN_DEVICES));
	CU_ASSERT(twr_killpoint_valid(TWR_KILL_TASKS_ADDED));
	CU_ASSERT(twr_killpoint_valid(TWR_KILL_DETACH_CLOSING));
	CU_ASSERT(twr_killpoint_valid("tasks-added"));
	CU_ASSERT(twr_killpoint_valid("detach-closing"));
	CU_ASSERT_FALSE(twr_killpoint_valid(""));
	CU_ASSERT_FALSE(twr_killpoint_valid("tasks_added"));
	CU_ASSERT_FALSE(twr_killpoint_valid("tasks-added "));
	CU_ASSERT_FALSE(twr_killpoint_valid("between"));
}

/* Run twr_killpoint(@armed, @reached) in a child; its wait status. */
static int child_status(const char *armed, const char *reached)
{
	struct twr_tool t;
	pid_t pid;
	int st = -1;

	memset(&t, 0, sizeof(t));
	t.kill_at = armed;
	pid = fork();
	if (pid == 0) {
		twr_killpoint(&t, reached);
		_exit(7);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void test_disarmed_never_kills(void)
{
	int st = child_status(NULL, TWR_KILL_TASKS_ADDED);

	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static void test_other_point_does_not_kill(void)
{
	int st = child_status(TWR_KILL_BETWEEN_DEVICES, TWR_KILL_TASKS_ADDED);

	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static void test_armed_point_sigkills(void)
{
	int st = child_status(TWR_KILL_DEVICE_HALF, TWR_KILL_DEVICE_HALF);

	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "test_points_valid", test_points_valid },
		{ "test_disarmed_never_kills", test_disarmed_never_kills },
		{ "test_other_point_does_not_kill", test_other_point_does_not_kill },
		{ "test_armed_point_sigkills", test_armed_point_sigkills },
	};

	return twr_cunit_run("toolstack_killpoint", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
