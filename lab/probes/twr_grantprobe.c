// SPDX-License-Identifier: MIT
/*
 * Grant probes for the lab's iotask scenario (docs/iotask.md): make a grant
 * in a domU, and try to map or copy it from dom0, reporting the exact
 * GNTST_* status the hypervisor returned.
 */
#include "twr_grantprobe.h"
#include "twr_iotask_ctl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xencall.h>
#include <xengnttab.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

#define TWR_PROBE_PATTERN "twinring grant probe\n"

static const char *const twr_gntst_names[] = {
	"GNTST_okay", "GNTST_general_error", "GNTST_bad_domain",
	"GNTST_bad_gntref", "GNTST_bad_handle", "GNTST_bad_virt_addr",
	"GNTST_bad_dev_addr", "GNTST_no_device_space",
	"GNTST_permission_denied", "GNTST_bad_page", "GNTST_bad_copy_arg",
	"GNTST_address_too_big", "GNTST_eagain", "GNTST_no_space",
};

const char *twr_gntst_name(int status)
{
	if (status <= 0 && -status < (int)(sizeof(twr_gntst_names) / sizeof(twr_gntst_names[0])))
		return twr_gntst_names[-status];
	return "GNTST_unknown";
}

/* Exit status for a GNTST value: 0 okay, 1 permission denied, 2 other. */
static int twr_gntst_exit(int status)
{
	if (status == GNTST_okay)
		return 0;
	return status == GNTST_permission_denied ? 1 : 2;
}

static volatile sig_atomic_t twr_probe_stop;

static void twr_probe_on_signal(int sig)
{
	(void)sig;
	twr_probe_stop = 1;
}

/*
 * One device map of @ref and, when it worked, its unmap. A device map needs
 * no virtual address, so user space can make it and read the hypervisor's
 * status directly (PV dom0 only; the hypervisor refuses device maps to
 * PVH/HVM callers). Returns the map's GNTST_* status, or 1 when a
 * hypercall itself failed (errno set).
 */
static int twr_probe_map_once(xencall_handle *xcall, struct gnttab_map_grant_ref *map,
			      struct gnttab_unmap_grant_ref *unmap, uint16_t domid,
			      uint32_t ref, bool writable)
{
	int status;

	memset(map, 0, sizeof(*map));
	map->flags = GNTMAP_device_map | (writable ? 0 : GNTMAP_readonly);
	map->ref = ref;
	map->dom = domid;
	if (xencall3(xcall, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
		     (uint64_t)(uintptr_t)map, 1) < 0)
		return 1;
	status = map->status;
	if (status != GNTST_okay)
		return status;
	memset(unmap, 0, sizeof(*unmap));
	unmap->dev_bus_addr = map->dev_bus_addr;
	unmap->handle = map->handle;
	if (xencall3(xcall, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
		     (uint64_t)(uintptr_t)unmap, 1) < 0 || unmap->status != GNTST_okay) {
		fprintf(stderr, "map: unmapping d%u ref %u failed (%s): the grant stays pinned\n",
			domid, ref, twr_gntst_name(unmap->status));
		return 1;
	}
	return status;
}

/* A map and an unmap buffer from privcmd's hypercall memory. */
static struct gnttab_map_grant_ref *twr_probe_map_open(const char *who, xencall_handle **xcall)
{
	struct gnttab_map_grant_ref *map;

	*xcall = xencall_open(NULL, 0);
	if (!*xcall) {
		fprintf(stderr, "%s: cannot open privcmd: %s (run as root in dom0)\n", who,
			strerror(errno));
		return NULL;
	}
	map = xencall_alloc_buffer(*xcall, sizeof(*map) + sizeof(struct gnttab_unmap_grant_ref));
	if (!map) {
		fprintf(stderr, "%s: no hypercall buffer: %s\n", who, strerror(errno));
		xencall_close(*xcall);
	}
	return map;
}

int twr_probe_map(uint16_t domid, uint32_t ref, bool writable)
{
	struct gnttab_map_grant_ref *map;
	xencall_handle *xcall;
	int status;

	map = twr_probe_map_open("map", &xcall);
	if (!map)
		return 2;
	status = twr_probe_map_once(xcall, map, (struct gnttab_unmap_grant_ref *)(map + 1),
				    domid, ref, writable);
	if (status == 1) {
		fprintf(stderr, "map: hypercall failed: %s\n", strerror(errno));
		status = 2;
	} else {
		printf("map d%u ref %u %s: %s (%d)\n", domid, ref, writable ? "rw" : "ro",
		       twr_gntst_name(status), status);
		status = twr_gntst_exit(status);
	}
	xencall_free_buffer(xcall, map);
	xencall_close(xcall);
	return status;
}

int twr_probe_mapbench(uint16_t domid, uint32_t ref, uint32_t count)
{
	struct gnttab_map_grant_ref *map;
	struct timespec t0, t1;
	xencall_handle *xcall;
	uint32_t i;
	int status = GNTST_okay;
	double ns;

	map = twr_probe_map_open("mapbench", &xcall);
	if (!map)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count && status == GNTST_okay; i++)
		status = twr_probe_map_once(xcall, map, (struct gnttab_unmap_grant_ref *)(map + 1),
					    domid, ref, false);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	if (status == GNTST_okay)
		printf("mapbench d%u ref %u: %u map+unmap, %.0f ns each\n", domid, ref, count,
		       ns / count);
	else
		fprintf(stderr, "mapbench d%u ref %u: map %u of %u: %s\n", domid, ref, i, count,
			status == 1 ? strerror(errno) : twr_gntst_name(status));
	xencall_free_buffer(xcall, map);
	xencall_close(xcall);
	return status == GNTST_okay ? 0 : status == GNTST_permission_denied ? 1 : 2;
}

int twr_probe_gntdev_map(uint16_t domid, uint32_t ref, bool writable, bool hold)
{
	struct sigaction sa = { .sa_handler = twr_probe_on_signal };
	xengnttab_handle *xgt;
	void *page;
	int ret = 0;

	xgt = xengnttab_open(NULL, 0);
	if (!xgt) {
		fprintf(stderr, "gntdev-map: cannot open /dev/xen/gntdev: %s\n", strerror(errno));
		return 2;
	}
	/* The path a user-space backend takes; gntdev reports errno only. */
	page = xengnttab_map_grant_ref(xgt, domid, ref,
				       writable ? PROT_READ | PROT_WRITE : PROT_READ);
	if (!page) {
		printf("gntdev-map d%u ref %u %s: failed: %s\n", domid, ref,
		       writable ? "rw" : "ro", strerror(errno));
		ret = 1;
	} else {
		printf("gntdev-map d%u ref %u %s: mapped, %s\n", domid, ref,
		       writable ? "rw" : "ro",
		       memcmp(page, TWR_PROBE_PATTERN, sizeof(TWR_PROBE_PATTERN)) ?
		       "content unknown" : "probe pattern seen");
		fflush(stdout);
		/* Keep the mapping live (a backend that has not closed yet). */
		if (hold) {
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGINT, &sa, NULL);
			while (!twr_probe_stop)
				pause();
		}
		xengnttab_unmap(xgt, page, 1);
	}
	xengnttab_close(xgt);
	return ret;
}

int twr_probe_copy(uint16_t domid, uint32_t ref, bool to_grant)
{
	char buf[sizeof(TWR_PROBE_PATTERN)] = TWR_PROBE_PATTERN;
	xengnttab_grant_copy_segment_t seg;
	xengnttab_handle *xgt;
	int status;

	xgt = xengnttab_open(NULL, 0);
	if (!xgt) {
		fprintf(stderr, "copy: cannot open /dev/xen/gntdev: %s\n", strerror(errno));
		return 2;
	}
	memset(&seg, 0, sizeof(seg));
	seg.len = sizeof(buf);
	if (to_grant) {
		seg.flags = GNTCOPY_dest_gref;
		seg.source.virt = buf;
		seg.dest.foreign.ref = ref;
		seg.dest.foreign.domid = domid;
	} else {
		seg.flags = GNTCOPY_source_gref;
		seg.source.foreign.ref = ref;
		seg.source.foreign.domid = domid;
		seg.dest.virt = buf;
	}
	if (xengnttab_grant_copy(xgt, 1, &seg)) {
		fprintf(stderr, "copy: ioctl failed: %s\n", strerror(errno));
		xengnttab_close(xgt);
		return 2;
	}
	status = seg.status;
	printf("copy %s d%u ref %u: %s (%d)\n", to_grant ? "to" : "from", domid, ref,
	       twr_gntst_name(status), status);
	xengnttab_close(xgt);
	return twr_gntst_exit(status);
}

#define TWR_EXIT_USAGE 64

static void twr_grantprobe_usage(void)
{
	fputs("usage: twr-grantprobe COMMAND DOMID REF ARGS (lab only, in dom0)\n"
	      "  map DOMID REF ro|rw                   grant map (device map, PV dom0), print GNTST\n"
	      "  gntdev-map DOMID REF ro|rw [hold]     map through /dev/xen/gntdev, print the result;\n"
	      "                                        hold: keep it mapped until SIGTERM\n"
	      "  copy DOMID REF from|to                grant copy of a few bytes, print GNTST\n"
	      "  mapbench DOMID REF COUNT              COUNT read-only maps+unmaps, print the time of one\n"
	      "(the domU side is twr-gntshare: grants to hold and map)\n"
	      "exit: 0 allowed, 1 denied, 2 other failure, 64 usage\n", stderr);
}

static int twr_grantprobe_cmd(int argc, char **argv)
{
	const char *cmd = argv[1];
	uint16_t domid;
	uint32_t ref, count;
	bool flag;

	if (argc < 5 || !twr_iotask_parse_domid(argv[2], &domid) ||
	    !twr_iotask_parse_u32(argv[3], UINT32_MAX, &ref))
		return TWR_EXIT_USAGE;
	if (!strcmp(cmd, "gntdev-map") && argc == 6 && !strcmp(argv[5], "hold") &&
	    twr_iotask_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_gntdev_map(domid, ref, flag, true);
	if (argc != 5)
		return TWR_EXIT_USAGE;
	if (!strcmp(cmd, "map") && twr_iotask_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_map(domid, ref, flag);
	if (!strcmp(cmd, "gntdev-map") && twr_iotask_parse_choice(argv[4], "ro", "rw", &flag))
		return twr_probe_gntdev_map(domid, ref, flag, false);
	if (!strcmp(cmd, "copy") && twr_iotask_parse_choice(argv[4], "from", "to", &flag))
		return twr_probe_copy(domid, ref, flag);
	if (!strcmp(cmd, "mapbench") && twr_iotask_parse_u32(argv[4], 1000000, &count) && count)
		return twr_probe_mapbench(domid, ref, count);
	return TWR_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int ret = argc < 2 ? TWR_EXIT_USAGE : twr_grantprobe_cmd(argc, argv);

	if (ret == TWR_EXIT_USAGE)
		twr_grantprobe_usage();
	return ret;
}
