// SPDX-License-Identifier: MIT
/*
 * The restart test's hook (twinringd(8), TESTING): twinringd SIGKILLs
 * itself at a named point of a setup, so the lab can kill it exactly where
 * a real crash would hurt most, every run, instead of racing a kill -9
 * against the daemon. Disarmed unless TWINRINGD_TEST_KILL_AT names a point.
 */
#include <signal.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "twr_killpoint.h"
#include "twr_tool.h"

static const char *const points[] = {
	TWR_KILL_DEVICE_HALF,
	TWR_KILL_BETWEEN_DEVICES,
	TWR_KILL_TASKS_ADDED,
	TWR_KILL_DETACH_CLOSING,
};

bool twr_killpoint_valid(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (!strcmp(name, points[i]))
			return true;
	return false;
}

void twr_killpoint(const struct twr_tool *t, const char *name)
{
	if (!t->kill_at || strcmp(t->kill_at, name))
		return;
	/* syslog(3) has written the line when it returns: the log shows
	 * where the daemon died, as a crash's core would. */
	syslog(LOG_WARNING, "test hook: " TWR_KILL_ENV "=%s reached: SIGKILL", name);
	kill(getpid(), SIGKILL);
	pause();	/* not reached: SIGKILL cannot be caught */
}
