// SPDX-License-Identifier: MIT
/*
 * Backend statistics, read where Linux exposes them: the backend netdev's
 * generic counters in sysfs, the driver's own counters through the ethtool
 * ioctl (what "ethtool -S" prints), and any statistics/ directory of the
 * xen-backend bus device (<kind>-<domid>-<devid>, as blkback's vbd-D-N).
 */
#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twinring/xenbus.h"
#include "twr_dev_stats.h"
#include "twr_devlist.h"
#include "twr_spec.h"
#include "twr_tool.h"

#define STATS_MAX	512u

struct stats_acc {
	struct twr_stat *v;
	unsigned int n;
};

static int stat_add(struct stats_acc *a, const char *source, const char *name,
		    uint64_t value)
{
	struct twr_stat *s;

	if (a->n >= STATS_MAX)
		return 0;
	s = realloc(a->v, (a->n + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	a->v = s;
	s = &s[a->n++];
	snprintf(s->source, sizeof(s->source), "%s", source);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->value = value;
	return 0;
}

/* Every file of @dir holding one unsigned number. */
static int stats_from_dir(struct stats_acc *a, const char *source, const char *dir)
{
	char path[512], buf[32], *end;
	unsigned long long v;
	struct dirent *de;
	int ret = 0;
	FILE *f;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			errno = 0;
			v = strtoull(buf, &end, 0);
			if (!errno && end != buf && (*end == '\n' || !*end))
				ret = stat_add(a, source, de->d_name, v);
		}
		fclose(f);
	}
	closedir(d);
	return ret;
}

/* The driver's ethtool counters of @ifname; nothing if it has none. */
static int stats_from_ethtool(struct stats_acc *a, const char *ifname)
{
	struct ethtool_gstrings *strs = NULL;
	struct ethtool_stats *vals = NULL;
	struct {
		struct ethtool_sset_info hdr;
		uint32_t buf[1];
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ull << ETH_SS_STATS } };
	struct ifreq ifr;
	unsigned int n, i;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%.*s", IFNAMSIZ - 1, ifname);
	ifr.ifr_data = (void *)&sset;
	if (ioctl(fd, SIOCETHTOOL, &ifr) || !sset.hdr.sset_mask)
		goto out;
	n = sset.hdr.data[0];
	if (n == 0 || n > STATS_MAX)
		goto out;
	strs = calloc(1, sizeof(*strs) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(uint64_t));
	if (!strs || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	strs->cmd = ETHTOOL_GSTRINGS;
	strs->string_set = ETH_SS_STATS;
	strs->len = n;
	ifr.ifr_data = (void *)strs;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		goto out;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	ifr.ifr_data = (void *)vals;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		goto out;
	for (i = 0; i < n && i < strs->len && i < vals->n_stats && !ret; i++) {
		char name[ETH_GSTRING_LEN + 1];

		memcpy(name, &strs->data[i * ETH_GSTRING_LEN], ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = '\0';
		ret = stat_add(a, "ethtool", name, vals->data[i]);
	}
out:
	free(vals);
	free(strs);
	close(fd);
	return ret;
}

int twr_dev_stats(struct twr_tool *t, const struct twr_dev_info *d,
		  struct twr_stat **out)
{
	struct stats_acc a = { 0 };
	char dir[256], busdir[256], ifname[32];
	int ret = 0;

	snprintf(busdir, sizeof(busdir), "%s/bus/xen-backend/devices/%s-%u-%u/statistics",
		 t->sysfs, twr_dev_kind_xs(d->kind), d->domid, d->devid);
	if (d->kind == TWR_DEV_NET) {
		snprintf(ifname, sizeof(ifname), TWR_NET_IFNAME_FMT, d->domid, d->devid);
		snprintf(dir, sizeof(dir), "%s/class/net/%s/statistics", t->sysfs, ifname);
		ret = stats_from_dir(&a, "netdev", dir);
		if (!ret)
			ret = stats_from_ethtool(&a, ifname);
	}
	if (!ret)
		ret = stats_from_dir(&a, "sysfs", busdir);
	if (ret) {
		free(a.v);
		return twr_tool_fail(t, ret, "out of memory reading statistics");
	}
	if (a.n == 0) {
		char where[64] = "";

		if (d->backend != 0)
			snprintf(where, sizeof(where), "; its backend runs in domain %u, look there",
				 d->backend);
		if (d->kind == TWR_DEV_NET)
			twr_tool_fail(t, 0,
				      "no statistics available: neither netdev %s nor %s exists (backend driver not loaded or device not connected%s)",
				      ifname, busdir, where);
		else
			twr_tool_fail(t, 0,
				      "no statistics available: %s does not exist (backend driver not loaded or device not connected%s)",
				      busdir, where);
	}
	*out = a.v;
	return (int)a.n;
}
