// SPDX-License-Identifier: MIT
/*
 * twr-iotask: the hypervisor's I/O task table by hand, for an administrator
 * looking at the tasks twinringd registered (docs/iotask.md).  Run
 * `twr-iotask` for usage.  The lab's grant probes are lab/probes/.
 */
#include "twr_iotask_ctl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWR_EXIT_USAGE 64

static void twr_iotask_usage(FILE *f)
{
	fputs("usage: twr-iotask COMMAND ARGS\n"
	      "in the control domain:\n"
	      "  probe                                 does the hypervisor have the table?\n"
	      "  add GRANTER ID GRANTEE REF[:rw] ...   register a task (refs read-only unless :rw)\n"
	      "  remove GRANTER ID                     remove a task (exit 1 and the count if mapped)\n"
	      "  list GRANTER                          the granter's tasks and counters\n"
	      "  enforce GRANTER GRANTEE on|off        switch enforcement for the pair\n"
	      "exit: 0 done, 1 refused, 2 other failure, 64 usage\n", f);
}

static int twr_iotask_fail(const char *what, int err)
{
	fprintf(stderr, "twr-iotask: %s: %s\n", what, twr_iotask_strerror(err));
	return err == -ENOSYS || err == -EPERM || err == -EACCES ? 2 : 1;
}

static int twr_iotask_task_cmd(xc_interface *xch, int argc, char **argv)
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
	if (argc < 3 || !twr_iotask_parse_domid(argv[2], &granter))
		return TWR_EXIT_USAGE;

	if (!strcmp(cmd, "add") && argc >= 6) {
		unsigned int nr = argc - 5, i;
		uint32_t *refs;

		if (!twr_iotask_parse_u32(argv[3], UINT32_MAX, &id) || !twr_iotask_parse_domid(argv[4], &grantee))
			return TWR_EXIT_USAGE;
		refs = calloc(nr, sizeof(*refs));
		if (!refs)
			return 2;
		for (i = 0; i < nr; i++) {
			char *arg = argv[5 + i], *colon = strchr(arg, ':');
			bool rw = false;

			if (colon) {
				*colon = '\0';
				if (!twr_iotask_parse_choice(colon + 1, "ro", "rw", &rw))
					goto bad_ref;
			}
			if (!twr_iotask_parse_u32(arg, TWR_IOTASK_REF_WRITABLE - 1, &refs[i]))
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
			return twr_iotask_fail("add", ret);
		printf("d%u task %u: %u refs for d%u\n", granter, id, nr, grantee);
		return 0;
	}
	if (!strcmp(cmd, "remove") && argc == 4) {
		unsigned int live;

		if (!twr_iotask_parse_u32(argv[3], UINT32_MAX, &id))
			return TWR_EXIT_USAGE;
		ret = twr_iotask_remove(xch, granter, id, &live);
		if (ret == -EBUSY) {
			printf("d%u task %u: revoked, %u refs still mapped: remove again once unmapped\n",
			       granter, id, live);
			return 1;
		}
		if (ret)
			return twr_iotask_fail("remove", ret);
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
			return twr_iotask_fail("list", ret);
		printf("d%u checks %llu denials %llu\n", granter,
		       (unsigned long long)info.table_checks, (unsigned long long)info.table_denials);
		return 0;
	}
	if (!strcmp(cmd, "enforce") && argc == 5) {
		bool on;

		if (!twr_iotask_parse_domid(argv[3], &grantee) || !twr_iotask_parse_choice(argv[4], "off", "on", &on))
			return TWR_EXIT_USAGE;
		ret = twr_iotask_set_enforce(xch, granter, grantee, on);
		if (ret)
			return twr_iotask_fail("enforce", ret);
		printf("d%u -> d%u: enforcement %s\n", granter, grantee, on ? "on" : "off");
		return 0;
	}
	return TWR_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	xc_interface *xch;
	int ret;

	if (argc < 2)
		goto usage;
	/* before libxenctrl: the usage must not need the control domain */
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		twr_iotask_usage(stdout);
		return 0;
	}

	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "twr-iotask: cannot open libxenctrl: %s (run as root in the control domain)\n",
			strerror(errno));
		return 2;
	}
	ret = twr_iotask_task_cmd(xch, argc, argv);
	xc_interface_close(xch);
	if (ret != TWR_EXIT_USAGE)
		return ret;
usage:
	twr_iotask_usage(stderr);
	return TWR_EXIT_USAGE;
}
