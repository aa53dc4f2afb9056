// SPDX-License-Identifier: MIT
/*
 * CUnit tests of twr_sd_notify() (toolstack/twr_notify.c): the datagram a
 * service manager listening on $NOTIFY_SOCKET receives, for a path and for
 * an abstract name, and what happens without a manager or with a bad name.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../twr_cunit.h"

#include "../../../toolstack/twr_notify.h"

/* A datagram socket bound to @name (a path, or '@' + an abstract name). */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)strlen(want));
	buf[n] = '\0';
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_path(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/twr-notify-%ld", (long)getpid());
	unlink(path);
	fd = listener(path);
	CU_ASSERT_FATAL(fd >= 0);
	setenv("NOTIFY_SOCKET", path, 1);
	CU_ASSERT_EQUAL(twr_sd_notify("READY=1\nSTATUS=reconciled"), 1);
	expect_datagram(fd, "READY=1\nSTATUS=reconciled");
	close(fd);
	unlink(path);
}

static void test_abstract(void)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@twr-notify-test-%ld", (long)getpid());
	fd = listener(name);
	CU_ASSERT_FATAL(fd >= 0);
	setenv("NOTIFY_SOCKET", name, 1);
	CU_ASSERT_EQUAL(twr_sd_notify("STOPPING=1"), 1);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
}

static void test_no_manager(void)
{
	unsetenv("NOTIFY_SOCKET");
	CU_ASSERT_EQUAL(twr_sd_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	CU_ASSERT_EQUAL(twr_sd_notify("READY=1"), 0);
}

static void test_bad_socket(void)
{
	/* Relative, too long, and nobody listening: errors, never a crash. */
	setenv("NOTIFY_SOCKET", "run/notify", 1);
	CU_ASSERT_EQUAL(twr_sd_notify("READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/tmp/a-very-long-name-that-does-not-fit-in-sun-path-"
	       "0123456789012345678901234567890123456789012345678901234567890123456789", 1);
	CU_ASSERT_EQUAL(twr_sd_notify("READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/tmp/twr-notify-nobody-listens", 1);
	CU_ASSERT(twr_sd_notify("READY=1") < 0);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		{ "a_path", test_path },
		{ "an_abstract_name", test_abstract },
		{ "no_service_manager", test_no_manager },
		{ "a_bad_socket", test_bad_socket },
	};

	return twr_cunit_run("toolstack_notify", NULL, NULL, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
