// SPDX-License-Identifier: MIT
/*
 * twr-iotask: manage the hypervisor's I/O task table by hand and probe
 * grant maps and copies (docs/iotask.md).  Run `twr-iotask` for usage.
 */
#include "twr_iotask_ctl.h"
#include "twr_iotask_tool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWR_EXIT_USAGE 64

static void twr_tool_usage(void)
{
	fputs("usage: twr-iotask COMMAND ARGS\n"
	      "in the control domain:\n"
	      "  probe                                 does the hypervisor have the table?\n"
	      "  add GRANTER ID GRANTEE REF[:rw] ...   register a task (refs read-only unless :rw)\n"
	      "  remove GRANTER ID                     remove a task (exit 1 and the count if mapped)\n"
	      "  list GRANTER                          the granter's tasks and counters\n"
	      "  enforce GRANTER GRANTEE on|off        switch enforcement for the pair\n"
	      "  map DOMID REF ro|rw                   grant map (device map, PV dom0), print GNTST\n"
	      "  gntdev-map DOMID REF ro|rw [hold]     map through /dev/xen/gntdev, print the result;\n"
	      "                                        hold: keep it mapped until SIGTERM\n"
	      "  copy DOMID REF from|to                grant copy of a few bytes, print GNTST\n"
	      "  mapbench DOMID REF COUNT              COUNT read-only maps+unmaps, print the time of one\n"
	      "(the domU side of the probes is twr-gntshare: grants to hold and map)\n"
	      "exit: 0 allowed/done, 1 denied/refused, 2 other failure, 64 usage\n", stderr);
}

static bool twr_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool twr_parse_domid(const char *s, uint16_t *out)
{
	uint32_t v;

	if (!twr_parse_u32(s, 0x7fef, &v))	/* below DOMID_FIRST_RESERVED */
		return false;
	*out = (uint16_t)v;
	return true;
}

/* "ro"/"rw", "off"/"on", "from"/"to": false for the first, true for the second. */
static bool twr_parse_choice(const char *s, const char *no, const char *yes, bool *out)
{
	if (!strcmp(s, no))
		*out = false;
	else if (!strcmp(s, yes))
		*out = true;
	else
		return false;
	return true;
}

static int twr_tool_fail(const char *what, int err)
{
	fprintf(stderr, "twr-iotask: %s: %s\n", what, twr_iotask_strerror(err));
	return err == -ENOSYS || err == -EPERM || err == -EACCES ? 2 : 1;
}

static int twr_tool_task_cmd(xc_interface *xch, int argc, char **argv)
{
	const char *cmd = argv[1];
	uint16_t granter, grantee;
	uint32_t id;
	int ret;

	if (!strcmp(cmd, "probe")) {
		ret = twr_iotask_probe(xch);
		if (ret == 0)
			printf("the hypervisor has the I/O task table\n");
		else
			printf("no I/O task table: %s\n", twr_iotask_strerror(ret));
		return ret ? 1 : 0;
	}
	if (argc < 3 || !twr_parse_domid(argv[2], &granter))
		return TWR_EXIT_USAGE;

	if (!strcmp(cmd, "add") && argc >= 6) {
		unsigned int nr = argc - 5, i;
		uint32_t *refs;

		if (!twr_parse_u32(argv[3], UINT32_MAX, &id) || !twr_parse_domid(argv[4], &grantee))
			return TWR_EXIT_USAGE;
		refs = calloc(nr, sizeof(*refs));
		if (!refs)
			return 2;
		for (i = 0; i < nr; i++) {
			char *arg = argv[5 + i], *colon = strchr(arg, ':');
			bool rw = false;

			if (colon) {
				*colon = '\0';
				if (!twr_parse_choice(colon + 1, "ro", "rw", &rw))
					goto bad_ref;
			}
			if (!twr_parse_u32(arg, TWR_IOTASK_REF_WRITABLE - 1, &refs[i]))
				goto bad_ref;
			refs[i] = twr_iotask_ref(refs[i], rw);
			continue;
bad_ref:
			free(refs);
			return TWR_EXIT_USAGE;
		}
		ret = twr_iotask_add(xch, granter, id, grantee, refs, nr);
		free(refs);
		if (ret)
			return twr_tool_fail("add", ret);
		printf("d%u task %u: %u refs for d%u\n", granter, id, nr, grantee);
		return 0;
	}
	if (!strcmp(cmd, "remove") && argc == 4) {
		unsigned int live;

		if (!twr_parse_u32(argv[3], UINT32_MAX, &id))
			return TWR_EXIT_USAGE;
		ret = twr_iotask_remove(xch, granter, id, &live);
		if (ret == -EBUSY) {
			printf("d%u task %u: revoked, %u refs still mapped: remove again once unmapped\n",
			       granter, id, live);
			return 1;
		}
		if (ret)
			return twr_tool_fail("remove", ret);
		printf("d%u task %u: removed\n", granter, id);
		return 0;
	}
	if (!strcmp(cmd, "list") && argc == 3) {
		struct twr_iotask_info info;

		for (ret = twr_iotask_query(xch, granter, 0, &info); !ret;
		     ret = info.id == UINT32_MAX ? -ENOENT :
			   twr_iotask_query(xch, granter, info.id + 1, &info))
			printf("d%u task %u grantee d%u refs %u live %u hits %llu denials %llu%s%s\n",
			       granter, info.id, info.grantee, info.nr_refs, info.live,
			       (unsigned long long)info.hits, (unsigned long long)info.denials,
			       info.enforced ? " enforced" : "", info.revoked ? " revoked" : "");
		if (ret != -ENOENT)
			return twr_tool_fail("list", ret);
		printf("d%u checks %llu denials %llu\n", granter,
		       (unsigned long long)info.table_checks, (unsigned long long)info.table_denials);
		return 0;
	}
	if (!strcmp(cmd, "enforce") && argc == 5) {
		bool on;

		if (!twr_parse_domid(argv[3], &grantee) || !twr_parse_choice(argv[4], "off", "on", &on))
			return TWR_EXIT_USAGE;
		ret = twr_iotask_set_enforce(xch, granter, grantee, on);
		if (ret)
			return twr_tool_fail("enforce", ret);
		printf("d%u -> d%u: enforcement %s\n", granter, grantee, on ? "on" : "off");
		return 0;
	}
	return TWR_EXIT_USAGE;
}

static int twr_tool_probe_cmd(int argc, char **argv)
{
	const char *cmd = argv[1];
	uint16_t domid;
	uint32_t ref, count;
	bool flag;

	if (argc < 4 || !twr_parse_domid(argv[2], &domid))
		return TWR_EXIT_USAGE;
	if (!strcmp(cmd, "gntdev-map") && argc == 6 && !strcmp(argv[5], "hold") &&
	    twr_parse_u32(argv[3], UINT32_MAX, &ref) && twr_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_gntdev_map(domid, ref, flag, true);
	if (argc != 5 || !twr_parse_u32(argv[3], UINT32_MAX, &ref))
		return TWR_EXIT_USAGE;
	if (!strcmp(cmd, "map") && twr_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_map(domid, ref, flag);
	if (!strcmp(cmd, "gntdev-map") && twr_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_gntdev_map(domid, ref, flag, false);
	if (!strcmp(cmd, "copy") && twr_parse_choice(argv[4], "from", "to", &flag))
		return twr_probe_copy(domid, ref, flag);
	if (!strcmp(cmd, "mapbench") && twr_parse_u32(argv[4], 1000000, &count) && count)
		return twr_probe_mapbench(domid, ref, count);
	return TWR_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const char *const task_cmds[] = { "probe", "add", "remove", "list", "enforce" };
	xc_interface *xch;
	unsigned int i;
	int ret;

	if (argc < 2)
		goto usage;

	for (i = 0; i < sizeof(task_cmds) / sizeof(task_cmds[0]); i++)
		if (!strcmp(argv[1], task_cmds[i]))
			break;
	if (i == sizeof(task_cmds) / sizeof(task_cmds[0])) {
		ret = twr_tool_probe_cmd(argc, argv);
		goto out;
	}

	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "twr-iotask: cannot open libxenctrl: %s (run as root in the control domain)\n",
			strerror(errno));
		return 2;
	}
	ret = twr_tool_task_cmd(xch, argc, argv);
	xc_interface_close(xch);
out:
	if (ret != TWR_EXIT_USAGE)
		return ret;
usage:
	twr_tool_usage();
	return TWR_EXIT_USAGE;
}
