// SPDX-License-Identifier: MIT
/*
 * twr_iotask_chan: read a channel's data page refs out of the frontend's
 * directory pages, from the control domain, without grant maps.
 */
#include "twr_iotask_chan.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <twinring/ring.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#define TWR_GNTTAB_V1_PER_PAGE (TWR_PAGE_SIZE / sizeof(struct grant_entry_v1))

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant table v1 entry");

/*
 * The frame @domu granted to @backend as @ref, read from @domu's shared
 * grant table (v1).  -EACCES if the entry does not grant a page to @backend.
 */
static int twr_iotask_gref_frame(xenforeignmemory_handle *fmem, uint16_t domu,
				 uint16_t backend, uint32_t ref, xen_pfn_t *frame)
{
	xenforeignmemory_resource_handle *res;
	struct grant_entry_v1 ent;
	void *table = NULL;

	res = xenforeignmemory_map_resource(fmem, domu, XENMEM_resource_grant_table,
					    XENMEM_resource_grant_table_id_shared,
					    ref / TWR_GNTTAB_V1_PER_PAGE, 1, &table, PROT_READ, 0);
	if (!res)
		return errno ? -errno : -EIO;
	/* One read: the guest may be rewriting the entry meanwhile. */
	memcpy(&ent, (const struct grant_entry_v1 *)table + ref % TWR_GNTTAB_V1_PER_PAGE,
	       sizeof(ent));
	xenforeignmemory_unmap_resource(fmem, res);

	if ((ent.flags & GTF_type_mask) != GTF_permit_access || ent.domid != backend)
		return -EACCES;
	*frame = ent.frame;
	return 0;
}

/* Append the @count data refs listed in directory @dir_ref to @refs. */
static int twr_iotask_read_dir(xenforeignmemory_handle *fmem, uint16_t domu, uint16_t backend,
			       uint32_t dir_ref, unsigned int count, bool writable,
			       uint32_t *refs)
{
	uint32_t dir[TWR_DIR_REFS_PER_PAGE];
	xen_pfn_t frame;
	unsigned int i;
	void *page;
	int err = 0, ret;

	ret = twr_iotask_gref_frame(fmem, domu, backend, dir_ref, &frame);
	if (ret)
		return ret;
	page = xenforeignmemory_map(fmem, domu, PROT_READ, 1, &frame, &err);
	if (!page)
		return errno ? -errno : -EIO;
	if (err) {
		xenforeignmemory_unmap(fmem, page, 1);
		return err < 0 ? err : -err;
	}
	/* Copy once, then validate the private copy only. */
	memcpy(dir, page, count * sizeof(dir[0]));
	xenforeignmemory_unmap(fmem, page, 1);

	for (i = 0; i < count; i++) {
		if (dir[i] < TWR_IOTASK_NR_EXEMPT_REFS || dir[i] >= TWR_IOTASK_REF_WRITABLE)
			return -EINVAL;
		refs[i] = twr_iotask_ref(dir[i], writable);
	}
	return 0;
}

int twr_iotask_chan_refs(xenforeignmemory_handle *fmem, uint16_t domu, uint16_t backend,
			 const struct twr_iotask_chan *chan, uint32_t *refs,
			 unsigned int max, unsigned int *nr)
{
	unsigned int a_count, b_count, total;
	int ret;

	*nr = 0;
	if (chan->a_order > TWR_RING_ORDER_MAX || chan->b_order > TWR_RING_ORDER_MAX)
		return -EINVAL;
	a_count = 1u << chan->a_order;
	b_count = 1u << chan->b_order;
	total = TWR_IOTASK_CHAN_REFS(chan->a_order, chan->b_order);
	if (total > max)
		return -ENOSPC;

	refs[0] = twr_iotask_ref(chan->ctrl_ref, true);
	refs[1] = twr_iotask_ref(chan->a_dir_ref, false);
	refs[2] = twr_iotask_ref(chan->b_dir_ref, false);
	ret = twr_iotask_read_dir(fmem, domu, backend, chan->a_dir_ref, a_count, false, refs + 3);
	if (ret)
		return ret;
	ret = twr_iotask_read_dir(fmem, domu, backend, chan->b_dir_ref, b_count, true,
				  refs + 3 + a_count);
	if (ret)
		return ret;
	*nr = total;
	return 0;
}
