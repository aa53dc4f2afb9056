// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: twr_iotask_chan_refs() (grant/twr_iotask_chan.c), the
 * directory page parser: twinringd reads the refs of a channel's data pages
 * out of the two directory pages a (possibly hostile) frontend filled, via
 * that frontend's grant table. This file defines the libxenforeignmemory
 * calls over a fake user domain taken from the input:
 *
 *   +0  u8   a_order, +1 u8 b_order  (raw: above 10 must be refused)
 *   +2  u16  max          room in the caller's refs array
 *   +4  u32  ctrl_ref, +8 u32 a_dir_ref, +12 u32 b_dir_ref
 *                         (bounded to 31 bits, as twrd_iotask.c reads them)
 *   +16 u16  backend      the domain the grants must name
 *   +18 u16  reserved
 *   +20 4 KiB             grant table page 0 (refs 0-511; higher refs fail)
 *   +4116 2 x 4 KiB       guest frames 0 and 1 (higher frames fail)
 *
 * Every mapping is an exact-size heap copy freed on unmap, so ASan catches
 * a read past a page or after its unmap; the refs array is exactly @max
 * entries. Checks: on success the list is control, directories, then each
 * directory's entries in order, with the access the protocol gives them,
 * each data ref outside the exempt refs and the writable bit; a directory
 * whose grant does not name the backend is refused; on failure a known
 * errno and *nr == 0; every mapping released either way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_area.h"
#include "twr_iotask_chan.h"
#include <xen/grant_table.h>
#include <xen/memory.h>

#define DOMU		7
#define GT_ENTRIES	(TWR_PAGE_SIZE / sizeof(struct grant_entry_v1))
#define NR_FRAMES	2u
#define HDR_SIZE	20u

static struct {
	const uint8_t *gt, *frames[NR_FRAMES];	/* in the input copy */
	int res_maps, maps;
} fake;
static uint8_t image[HDR_SIZE + (1 + NR_FRAMES) * TWR_PAGE_SIZE];

/* A page of the fake domain as an exact-size heap copy. */
static void *page_copy(const uint8_t *src)
{
	void *p = malloc(TWR_PAGE_SIZE);

	if (!p)
		abort();
	memcpy(p, src, TWR_PAGE_SIZE);
	return p;
}

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
	xenforeignmemory_handle *fmem, domid_t domid, unsigned int type, unsigned int id,
	unsigned long frame, unsigned long nr_frames, void **paddr, int prot, int flags)
{
	(void)fmem;
	(void)flags;
	FUZZ_CHECK(domid == DOMU && type == XENMEM_resource_grant_table &&
		   id == XENMEM_resource_grant_table_id_shared &&
		   nr_frames == 1 && prot == PROT_READ);
	if (frame >= 1) {
		errno = EINVAL;
		return NULL;
	}
	*paddr = page_copy(fake.gt);
	fake.res_maps++;
	/* The handle is the page: unmap frees it. */
	return (xenforeignmemory_resource_handle *)*paddr;
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
				    xenforeignmemory_resource_handle *fres)
{
	(void)fmem;
	FUZZ_CHECK(fake.res_maps > 0);
	fake.res_maps--;
	free(fres);
	return 0;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot,
			   size_t pages, const xen_pfn_t arr[], int err[])
{
	(void)fmem;
	FUZZ_CHECK(dom == DOMU && pages == 1 && prot == PROT_READ);
	fake.maps++;
	if (arr[0] >= NR_FRAMES) {
		/* Mapped, but the frame failed: the page reads as garbage. */
		err[0] = -EFAULT;
		return page_copy(fake.gt);
	}
	err[0] = 0;
	return page_copy(fake.frames[arr[0]]);
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	(void)fmem;
	FUZZ_CHECK(pages == 1 && fake.maps > 0);
	fake.maps--;
	free(addr);
	return 0;
}

/* What the fake grant table says about @ref: the frame if it grants a page
 * to @backend, else -1. */
static long granted_frame(uint32_t ref, uint16_t backend)
{
	struct grant_entry_v1 e;

	if (ref >= GT_ENTRIES)
		return -1;
	memcpy(&e, fake.gt + ref * sizeof(e), sizeof(e));
	if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != backend)
		return -1;
	return (long)e.frame;
}

/* The data refs of directory @dir_ref as the protocol lists them. */
static void check_dir(const uint32_t *refs, uint32_t dir_ref, uint16_t backend,
		      unsigned int count, uint32_t access)
{
	long frame = granted_frame(dir_ref, backend);
	uint32_t want;
	unsigned int i;

	FUZZ_CHECK(frame >= 0 && frame < (long)NR_FRAMES);
	FUZZ_CHECK(count <= TWR_DIR_REFS_PER_PAGE);
	for (i = 0; i < count; i++) {
		memcpy(&want, fake.frames[frame] + i * 4u, 4);
		FUZZ_CHECK(want >= TWR_IOTASK_NR_EXEMPT_REFS &&
			   want < TWR_IOTASK_REF_WRITABLE);
		FUZZ_CHECK(refs[i] == (want | access));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twr_fuzz_in in = { data, size };
	struct twr_iotask_chan chan;
	unsigned int max, nr = 12345, i;
	uint16_t backend;
	uint32_t *refs;
	int ret;

	memset(image, 0, sizeof(image));
	memcpy(image, data, size < sizeof(image) ? size : sizeof(image));
	fake.gt = image + HDR_SIZE;
	for (i = 0; i < NR_FRAMES; i++)
		fake.frames[i] = image + HDR_SIZE + (1 + i) * TWR_PAGE_SIZE;

	chan.a_order = twr_fuzz_u8(&in);
	chan.b_order = twr_fuzz_u8(&in);
	max = twr_fuzz_u16(&in);
	chan.ctrl_ref = twr_fuzz_u32(&in) & 0x7fffffffu;
	chan.a_dir_ref = twr_fuzz_u32(&in) & 0x7fffffffu;
	chan.b_dir_ref = twr_fuzz_u32(&in) & 0x7fffffffu;
	backend = twr_fuzz_u16(&in);

	refs = malloc((max ? max : 1) * sizeof(*refs));
	if (!refs)
		return 0;
	ret = twr_iotask_chan_refs(NULL, DOMU, backend, &chan, refs, max, &nr);
	FUZZ_CHECK(fake.maps == 0 && fake.res_maps == 0);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL || ret == -ENOSPC || ret == -EACCES ||
			   ret == -EFAULT);
		FUZZ_CHECK(nr == 0);
		if (chan.a_order > TWR_RING_ORDER_MAX || chan.b_order > TWR_RING_ORDER_MAX)
			FUZZ_CHECK(ret == -EINVAL);
		/* A directory not granted to the backend is never read. */
		if (ret != -EACCES && chan.a_order <= TWR_RING_ORDER_MAX &&
		    chan.b_order <= TWR_RING_ORDER_MAX &&
		    TWR_IOTASK_CHAN_REFS(chan.a_order, chan.b_order) <= max &&
		    chan.a_dir_ref < GT_ENTRIES)
			FUZZ_CHECK(granted_frame(chan.a_dir_ref, backend) >= 0);
	} else {
		unsigned int a = 1u << chan.a_order, b = 1u << chan.b_order;

		FUZZ_CHECK(chan.a_order <= TWR_RING_ORDER_MAX &&
			   chan.b_order <= TWR_RING_ORDER_MAX);
		FUZZ_CHECK(nr == 3 + a + b && nr <= max);
		FUZZ_CHECK(refs[0] == (chan.ctrl_ref | TWR_IOTASK_REF_WRITABLE));
		FUZZ_CHECK(refs[1] == chan.a_dir_ref && refs[2] == chan.b_dir_ref);
		check_dir(refs + 3, chan.a_dir_ref, backend, a, 0);
		check_dir(refs + 3 + a, chan.b_dir_ref, backend, b,
			  TWR_IOTASK_REF_WRITABLE);
	}
	free(refs);
	return 0;
}
