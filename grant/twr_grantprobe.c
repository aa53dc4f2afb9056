// SPDX-License-Identifier: MIT
/*
 * Grant probes for the lab's iotask scenario (docs/iotask.md): make a grant
 * in a domU, and try to map or copy it from dom0, reporting the exact
 * GNTST_* status the hypervisor returned.
 */
#include "twr_iotask_tool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

int twr_probe_share(uint16_t domid, bool writable)
{
	struct sigaction sa = { .sa_handler = twr_probe_on_signal };
	xengntshr_handle *xgs;
	uint32_t ref;
	void *page;
	int fd;

	/*
	 * It outlives whoever started it (a remote shell, the lab's agent):
	 * drop inherited descriptors beyond stdio so that no connection is
	 * kept open by this process.
	 */
	for (fd = 3; fd < 1024; fd++)
		close(fd);

	xgs = xengntshr_open(NULL, 0);
	if (!xgs) {
		fprintf(stderr, "share: cannot open /dev/xen/gntalloc: %s (is xen-gntalloc loaded?)\n",
			strerror(errno));
		return 2;
	}
	page = xengntshr_share_pages(xgs, domid, 1, &ref, writable);
	if (!page) {
		fprintf(stderr, "share: granting a page to d%u failed: %s\n", domid, strerror(errno));
		xengntshr_close(xgs);
		return 2;
	}
	memcpy(page, TWR_PROBE_PATTERN, sizeof(TWR_PROBE_PATTERN));

	/* The ref on stdout, then hold the grant until told to stop. */
	printf("%u\n", ref);
	fflush(stdout);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!twr_probe_stop)
		pause();

	xengntshr_unshare(xgs, page, 1);
	xengntshr_close(xgs);
	return 0;
}

int twr_probe_map(uint16_t domid, uint32_t ref, bool writable)
{
	struct gnttab_map_grant_ref *map;
	struct gnttab_unmap_grant_ref *unmap;
	xencall_handle *xcall;
	int status, ret;

	xcall = xencall_open(NULL, 0);
	if (!xcall) {
		fprintf(stderr, "map: cannot open privcmd: %s (run as root in dom0)\n", strerror(errno));
		return 2;
	}
	map = xencall_alloc_buffer(xcall, sizeof(*map) + sizeof(*unmap));
	if (!map) {
		fprintf(stderr, "map: no hypercall buffer: %s\n", strerror(errno));
		xencall_close(xcall);
		return 2;
	}
	unmap = (struct gnttab_unmap_grant_ref *)(map + 1);

	/*
	 * A device map needs no virtual address, so user space can make it
	 * and read the hypervisor's status directly (PV dom0 only; the
	 * hypervisor refuses device maps to PVH/HVM callers).
	 */
	memset(map, 0, sizeof(*map));
	map->flags = GNTMAP_device_map | (writable ? 0 : GNTMAP_readonly);
	map->ref = ref;
	map->dom = domid;
	ret = xencall3(xcall, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
		       (uint64_t)(uintptr_t)map, 1);
	if (ret < 0) {
		fprintf(stderr, "map: hypercall failed: %s\n", strerror(errno));
		status = 2;
		goto out;
	}
	status = map->status;
	printf("map d%u ref %u %s: %s (%d)\n", domid, ref, writable ? "rw" : "ro",
	       twr_gntst_name(status), status);

	if (status == GNTST_okay) {
		memset(unmap, 0, sizeof(*unmap));
		unmap->dev_bus_addr = map->dev_bus_addr;
		unmap->handle = map->handle;
		ret = xencall3(xcall, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
			       (uint64_t)(uintptr_t)unmap, 1);
		if (ret < 0 || unmap->status != GNTST_okay)
			fprintf(stderr, "map: unmapping d%u ref %u failed (%d, %s): the grant stays pinned\n",
				domid, ref, ret < 0 ? -errno : 0, twr_gntst_name(unmap->status));
	}
	status = twr_gntst_exit(status);
out:
	xencall_free_buffer(xcall, map);
	xencall_close(xcall);
	return status;
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
