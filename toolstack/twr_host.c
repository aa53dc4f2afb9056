// SPDX-License-Identifier: MIT
/*
 * Checks and actions on the backend domain's own resources: bridges,
 * target files, MAC addresses, and putting a backend netdev on its bridge.
 *
 * Bridging runs ip(8) (iproute2, always present on a Xen dom0) rather than
 * speaking rtnetlink: it is two short commands per device, its errors are
 * the ones admins know, and it needs no netlink code to maintain. It is run
 * with execvp and an argument vector, never through a shell.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twinring/xenbus.h"
#include "twr_host.h"
#include "twr_tool.h"

int twr_host_check_bridge(struct twr_tool *t, const char *bridge)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/class/net/%s/bridge", t->sysfs, bridge);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "%s/class/net/%s", t->sysfs, bridge);
	if (stat(path, &st) == 0)
		return twr_tool_fail(t, -ENOTDIR,
				     "interface '%s' exists but is not a Linux bridge: pick a bridge with bridge=<name> (see 'ip -d link show type bridge')",
				     bridge);
	return twr_tool_fail(t, -ENOENT,
			     "bridge '%s' does not exist in dom0: create it (e.g. 'ip link add %s type bridge', or in /etc/network/interfaces) or pick another with bridge=<name>",
			     bridge, bridge);
}

int twr_host_check_target(struct twr_tool *t, const char *target, bool writable)
{
	struct stat st;
	int fd;

	if (stat(target, &st))
		return twr_tool_fail(t, -errno,
				     "target %s: %s: give an existing file or block device with target=<path>",
				     target, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return twr_tool_fail(t, -EINVAL,
				     "target %s is neither a regular file nor a block device",
				     target);
	/* open() rather than access(): it also catches read-only file systems
	 * and devices that refuse to be opened for writing. */
	fd = open(target, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return twr_tool_fail(t, -errno,
				     "target %s cannot be opened for %s: %s%s", target,
				     writable ? "reading and writing" : "reading",
				     strerror(errno),
				     writable ? " (use mode=r for a read-only disk)" : "");
	close(fd);
	return 0;
}

int twr_mac_generate(uint8_t mac[6])
{
	uint8_t r[3];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -errno;
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	/* Like xl, keep the upper half of Xen's OUI space for admins. */
	mac[3] = r[0] & 0x7f;
	mac[4] = r[1];
	mac[5] = r[2];
	return 0;
}

/* Run argv[0] with @argv; returns its exit status, or a negative errno. */
static int run_cmd(char *const argv[])
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -EINTR;
}

/* Is @ifname already up and enslaved to @bridge? */
static bool net_on_bridge(struct twr_tool *t, const char *ifname, const char *bridge)
{
	char path[256], link[256], flags[32];
	unsigned long f = 0;
	const char *base;
	ssize_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/class/net/%s/master", t->sysfs, ifname);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (strcmp(base, bridge))
		return false;
	snprintf(path, sizeof(path), "%s/class/net/%s/flags", t->sysfs, ifname);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	if (fgets(flags, sizeof(flags), fp))
		f = strtoul(flags, NULL, 16);
	fclose(fp);
	return f & 1;	/* IFF_UP */
}

int twr_net_bridge(struct twr_tool *t, uint32_t domid, uint32_t devid,
		   const char *bridge, unsigned int timeout_ms)
{
	char ifname[32], path[256];
	unsigned int waited = 0;
	struct stat st;
	int ret;

	snprintf(ifname, sizeof(ifname), TWR_NET_IFNAME_FMT, domid, devid);
	snprintf(path, sizeof(path), "%s/class/net/%s", t->sysfs, ifname);
	/* The backend driver creates the netdev when it sees the device; that
	 * is its own business and no xenstore node announces it, so look for
	 * it at a modest rate (this runs once per attach, bounded). */
	while (stat(path, &st)) {
		if (waited >= timeout_ms)
			return twr_tool_fail(t, -ETIMEDOUT,
					     "backend netdev %s did not appear within %u ms: is the twinring netback module loaded in dom0 (lsmod | grep twinring)? The device stays configured; bridge it later with 'ip link set dev %s master %s up'",
					     ifname, timeout_ms, ifname, bridge);
		poll(NULL, 0, 100);
		waited += 100;
	}

	if (net_on_bridge(t, ifname, bridge))
		return 0;
	{
		char *argv[] = { "ip", "link", "set", "dev", ifname, "master",
				 (char *)bridge, "up", NULL };

		ret = run_cmd(argv);
	}
	if (ret == 127)
		return twr_tool_fail(t, -ENOENT,
				     "cannot run ip(8) to bridge %s: install iproute2", ifname);
	if (ret)
		return twr_tool_fail(t, ret < 0 ? ret : -EIO,
				     "'ip link set dev %s master %s up' failed (exit %d): check that bridge %s exists and is up",
				     ifname, bridge, ret, bridge);
	return 0;
}

int twr_net_ifindex(struct twr_tool *t, uint32_t domid, uint32_t devid)
{
	char ifname[32], path[256], buf[32];
	long idx = -1;
	FILE *fp;

	snprintf(ifname, sizeof(ifname), TWR_NET_IFNAME_FMT, domid, devid);
	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", t->sysfs, ifname);
	fp = fopen(path, "re");
	if (!fp)
		return -ENOENT;
	if (fgets(buf, sizeof(buf), fp))
		idx = strtol(buf, NULL, 10);
	fclose(fp);
	return idx > 0 && idx <= 0x7fffffff ? (int)idx : -ENOENT;
}

bool twr_target_allowed(const char *targets, const char *target, char *why, size_t len)
{
	char real[PATH_MAX], dir[PATH_MAX], rdir[PATH_MAX];
	const char *p = targets, *end;
	size_t n;

	if (!realpath(target, real)) {
		/* Not there: the attach's own check says so, and refuses. */
		if (errno == ENOENT)
			return true;
		snprintf(why, len, "target %s: %s", target, strerror(errno));
		return false;
	}
	while (*p) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n && n < sizeof(dir)) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			/* A directory that does not exist holds nothing. */
			if (realpath(dir, rdir)) {
				n = strlen(rdir);
				if (!strcmp(rdir, "/") ||
				    (!strncmp(real, rdir, n) && real[n] == '/'))
					return true;
			}
		}
		p = *end ? end + 1 : end;
	}
	snprintf(why, len, "target %s (%s) is outside the targets allowed (%s)", target, real,
		 targets);
	return false;
}
