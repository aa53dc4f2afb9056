// SPDX-License-Identifier: MIT
/*
 * CUnit tests of grant/twr_iotask_chan.c against a fake user domain: this
 * file defines the libxenforeignmemory calls over a fake grant table and
 * fake guest frames.
 */
#include "twr_iotask_chan.h"

#include "../twr_cunit.h"
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <twinring/ring.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#define DOMU		5
#define BACKEND		0
#define GT_PAGES	4
#define NR_FRAMES	8

static struct {
	struct grant_entry_v1 gt[GT_PAGES][TWR_PAGE_SIZE / 8];
	uint32_t frames[NR_FRAMES][TWR_DIR_REFS_PER_PAGE];	/* guest pages */
	int res_maps, maps;		/* live mappings */
	int fail_map_errno;
	unsigned int last_res_frame;
} fake;
static char fake_res_handle;

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
	xenforeignmemory_handle *fmem, domid_t domid, unsigned int type, unsigned int id,
	unsigned long frame, unsigned long nr_frames, void **paddr, int prot, int flags)
{
	(void)fmem;
	if (domid != DOMU || type != XENMEM_resource_grant_table ||
	    id != XENMEM_resource_grant_table_id_shared || nr_frames != 1 ||
	    frame >= GT_PAGES || prot != PROT_READ) {
		errno = EINVAL;
		return NULL;
	}
	fake.last_res_frame = frame;
	*paddr = fake.gt[frame];
	fake.res_maps++;
	return (xenforeignmemory_resource_handle *)&fake_res_handle;
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
				    xenforeignmemory_resource_handle *fres)
{
	(void)fmem;
	CU_ASSERT_PTR_EQUAL(fres, &fake_res_handle);
	fake.res_maps--;
	return 0;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot,
			   size_t pages, const xen_pfn_t arr[], int err[])
{
	(void)fmem;
	if (fake.fail_map_errno) {
		errno = fake.fail_map_errno;
		return NULL;
	}
	if (dom != DOMU || pages != 1 || prot != PROT_READ) {
		errno = EINVAL;
		return NULL;
	}
	if (arr[0] >= NR_FRAMES) {
		err[0] = -EFAULT;
		fake.maps++;
		return fake.frames[0];	/* mapped, but the frame failed */
	}
	err[0] = 0;
	fake.maps++;
	return fake.frames[arr[0]];
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	(void)fmem;
	(void)addr;
	fake.maps -= (int)pages;
	return 0;
}

static void grant(uint32_t ref, uint16_t to, uint32_t frame, bool readonly)
{
	struct grant_entry_v1 *e = &fake.gt[ref / 512][ref % 512];

	e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	e->domid = to;
	e->frame = frame;
}

/* A channel: ctrl 10, dir A 11 at frame 1, dir B 600 at frame 2. */
static struct twr_iotask_chan setup_chan(unsigned int a_order, unsigned int b_order)
{
	struct twr_iotask_chan chan = {
		.ctrl_ref = 10, .a_dir_ref = 11, .b_dir_ref = 600,
		.a_order = a_order, .b_order = b_order,
	};
	unsigned int i;

	memset(&fake, 0, sizeof(fake));
	grant(10, BACKEND, 0, false);
	grant(11, BACKEND, 1, true);
	grant(600, BACKEND, 2, true);
	for (i = 0; i < (1u << a_order); i++)
		fake.frames[1][i] = 1000 + i;
	for (i = 0; i < (1u << b_order); i++)
		fake.frames[2][i] = 5000 + i;
	return chan;
}

static uint32_t refs[TWR_IOTASK_CHAN_REFS(TWR_RING_ORDER_MAX, TWR_RING_ORDER_MAX)];

static void test_chan_refs_lists_pages_with_their_access(void)
{
	struct twr_iotask_chan chan = setup_chan(1, 2);
	unsigned int nr = 0;

	CU_ASSERT_EQUAL_FATAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), 0);
	CU_ASSERT_EQUAL_FATAL(nr, 3 + 2 + 4);
	CU_ASSERT_EQUAL(refs[0], 10u | TWR_IOTASK_REF_WRITABLE);
	CU_ASSERT_EQUAL(refs[1], 11u);
	CU_ASSERT_EQUAL(refs[2], 600u);
	CU_ASSERT_EQUAL(refs[3], 1000u);
	CU_ASSERT_EQUAL(refs[4], 1001u);
	CU_ASSERT_EQUAL(refs[5], 5000u | TWR_IOTASK_REF_WRITABLE);
	CU_ASSERT_EQUAL(refs[8], 5003u | TWR_IOTASK_REF_WRITABLE);
	/* Dir B's entry lives in the second grant table page. */
	CU_ASSERT_EQUAL(fake.last_res_frame, 1);
	CU_ASSERT_EQUAL(fake.res_maps, 0);
	CU_ASSERT_EQUAL(fake.maps, 0);
}

static void test_chan_refs_largest_rings(void)
{
	struct twr_iotask_chan chan = setup_chan(TWR_RING_ORDER_MAX, TWR_RING_ORDER_MAX);
	unsigned int nr = 0;

	CU_ASSERT_EQUAL_FATAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs,
						   sizeof(refs) / sizeof(refs[0]), &nr), 0);
	CU_ASSERT_EQUAL(nr, 3 + 1024 + 1024);
	CU_ASSERT_TRUE(nr <= TWR_IOTASK_MAX_REFS);
	CU_ASSERT_EQUAL(refs[3 + 1023], 1000u + 1023);
	CU_ASSERT_EQUAL(refs[3 + 1024 + 1023], (5000u + 1023) | TWR_IOTASK_REF_WRITABLE);
}

static void test_chan_refs_refuses_dir_granted_elsewhere(void)
{
	struct twr_iotask_chan chan = setup_chan(0, 0);
	unsigned int nr = 7;

	grant(600, 3, 2, true);		/* dir B granted to d3, not the backend */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EACCES);
	CU_ASSERT_EQUAL(nr, 0);
	CU_ASSERT_EQUAL(fake.res_maps, 0);
	CU_ASSERT_EQUAL(fake.maps, 0);
}

static void test_chan_refs_refuses_dir_not_granted(void)
{
	struct twr_iotask_chan chan = setup_chan(0, 0);
	unsigned int nr;

	fake.gt[0][11].flags = 0;
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EACCES);
}

static void test_chan_refs_refuses_exempt_ref_in_directory(void)
{
	struct twr_iotask_chan chan = setup_chan(2, 0);
	unsigned int nr;

	fake.frames[1][3] = 1;		/* the xenstore ring */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EINVAL);
	fake.frames[1][3] = 0x80000001u;	/* would alias the writable bit */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EINVAL);
	CU_ASSERT_EQUAL(fake.maps, 0);
}

static void test_chan_refs_reads_only_the_ring_size(void)
{
	struct twr_iotask_chan chan = setup_chan(0, 0);
	unsigned int nr;

	fake.frames[1][1] = 1;		/* beyond one data page: not read */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), 0);
	CU_ASSERT_EQUAL(nr, 5);
}

static void test_chan_refs_refuses_order_above_max(void)
{
	struct twr_iotask_chan chan = setup_chan(0, 0);
	unsigned int nr;

	chan.b_order = TWR_RING_ORDER_MAX + 1;
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EINVAL);
	CU_ASSERT_EQUAL(fake.res_maps + fake.maps, 0);
}

static void test_chan_refs_needs_room(void)
{
	struct twr_iotask_chan chan = setup_chan(1, 1);
	unsigned int nr;

	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 6, &nr), -ENOSPC);
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 7, &nr), 0);
}

static void test_chan_refs_reports_mapping_failures(void)
{
	struct twr_iotask_chan chan = setup_chan(0, 0);
	unsigned int nr;

	fake.fail_map_errno = EPERM;
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EPERM);
	fake.fail_map_errno = 0;
	grant(11, BACKEND, NR_FRAMES + 3, true);	/* a frame the domain lacks */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EFAULT);
	CU_ASSERT_EQUAL(fake.maps, 0);
	chan.a_dir_ref = GT_PAGES * 512;	/* beyond the grant table */
	CU_ASSERT_EQUAL(twr_iotask_chan_refs(NULL, DOMU, BACKEND, &chan, refs, 64, &nr), -EINVAL);
}

#define TEST(fn) { #fn, fn }

int main(void)
{
	static const struct twr_cunit_test tests[] = {
		TEST(test_chan_refs_lists_pages_with_their_access),
		TEST(test_chan_refs_largest_rings),
		TEST(test_chan_refs_refuses_dir_granted_elsewhere),
		TEST(test_chan_refs_refuses_dir_not_granted),
		TEST(test_chan_refs_refuses_exempt_ref_in_directory),
		TEST(test_chan_refs_reads_only_the_ring_size),
		TEST(test_chan_refs_refuses_order_above_max),
		TEST(test_chan_refs_needs_room),
		TEST(test_chan_refs_reports_mapping_failures),
	};
	return twr_cunit_run("grant/twr_iotask_chan", NULL, NULL, tests, sizeof(tests) / sizeof(tests[0]));
}
