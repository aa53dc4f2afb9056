/* SPDX-License-Identifier: MIT */
/*
 * twr_iotask_ctl: the toolstack's handle on the hypervisor's I/O task table
 * (hypervisor-patch/, docs/iotask.md), through XEN_DOMCTL_iotask_op.
 *
 * The domctl is not in Debian's libxen-dev headers: its layout is defined
 * here exactly as the patch's xen/include/public/domctl.h defines it, and
 * pinned on both sides with static asserts.  Calls go through libxenctrl's
 * xc_domctl() (privcmd), so the caller must be root in the control domain.
 *
 * Every function returns 0 or a negative errno; twr_iotask_strerror() says
 * what a user should do about it.  The ones to expect:
 *   -ENOSYS  the running hypervisor has no I/O task table (not patched)
 *   -EBUSY   twr_iotask_remove(): the backend still maps pages of the task
 *   -EEXIST  id taken, or a ref already in another task of the granter
 */
#ifndef TWINRING_TWR_IOTASK_CTL_H
#define TWINRING_TWR_IOTASK_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>

/* The domctl command: far above upstream's, interface version unchanged. */
#define TWR_XEN_DOMCTL_IOTASK_OP	0x7477u

#define TWR_IOTASK_OP_ADD		1u
#define TWR_IOTASK_OP_REMOVE		2u
#define TWR_IOTASK_OP_QUERY		3u
#define TWR_IOTASK_OP_SET_ENFORCE	4u

#define TWR_IOTASK_REF_WRITABLE		(1u << 31)
#define TWR_IOTASK_F_ENFORCE		(1u << 0)
#define TWR_IOTASK_F_REVOKED		(1u << 1)

/* The hypervisor's bounds (xen/include/xen/iotask.h). */
#define TWR_IOTASK_MAX_TASKS		64u
#define TWR_IOTASK_MAX_REFS		4096u
#define TWR_IOTASK_MAX_TOTAL_REFS	32768u
#define TWR_IOTASK_MAX_ENFORCED		16u
#define TWR_IOTASK_NR_EXEMPT_REFS	2u

/* struct xen_domctl_iotask_op, byte for byte. */
struct twr_xen_iotask_op {
	uint32_t op;
	uint32_t task_id;
	uint16_t grantee;
	uint16_t flags;
	uint32_t nr_refs;
	uint64_t refs;		/* XEN_GUEST_HANDLE_64(uint32) */
	uint32_t live;
	uint32_t pad;
	uint64_t hits;
	uint64_t denials;
	uint64_t table_checks;
	uint64_t table_denials;
};

_Static_assert(sizeof(struct twr_xen_iotask_op) == 64, "iotask op size");
_Static_assert(offsetof(struct twr_xen_iotask_op, op) == 0, "op");
_Static_assert(offsetof(struct twr_xen_iotask_op, task_id) == 4, "task_id");
_Static_assert(offsetof(struct twr_xen_iotask_op, grantee) == 8, "grantee");
_Static_assert(offsetof(struct twr_xen_iotask_op, flags) == 10, "flags");
_Static_assert(offsetof(struct twr_xen_iotask_op, nr_refs) == 12, "nr_refs");
_Static_assert(offsetof(struct twr_xen_iotask_op, refs) == 16, "refs");
_Static_assert(offsetof(struct twr_xen_iotask_op, live) == 24, "live");
_Static_assert(offsetof(struct twr_xen_iotask_op, pad) == 28, "pad");
_Static_assert(offsetof(struct twr_xen_iotask_op, hits) == 32, "hits");
_Static_assert(offsetof(struct twr_xen_iotask_op, denials) == 40, "denials");
_Static_assert(offsetof(struct twr_xen_iotask_op, table_checks) == 48, "table_checks");
_Static_assert(offsetof(struct twr_xen_iotask_op, table_denials) == 56, "table_denials");

/* One task as twr_iotask_query() reports it. */
struct twr_iotask_info {
	uint32_t id;
	uint16_t grantee;
	bool enforced;		/* enforcement on for (granter, grantee) */
	bool revoked;		/* removal pending: refuses new maps */
	uint32_t nr_refs;
	uint32_t live;		/* refs the grantee still maps */
	uint64_t hits;		/* maps and copies the task allowed */
	uint64_t denials;	/* writes refused on its read-only refs */
	uint64_t table_checks;	/* all enforced checks on the granter */
	uint64_t table_denials;	/* all denials on the granter */
};

/* A ref entry for twr_iotask_add(). */
static inline uint32_t twr_iotask_ref(uint32_t ref, bool writable)
{
	return ref | (writable ? TWR_IOTASK_REF_WRITABLE : 0);
}

/*
 * Does the running hypervisor have the I/O task table?  0: yes; -ENOSYS:
 * no (unpatched Xen); other negative errno: the probe itself failed
 * (e.g. -EPERM when not run in the control domain).
 */
int twr_iotask_probe(xc_interface *xch);

/*
 * Register task @id of @granter: @grantee may map or copy the @nr refs in
 * @refs (twr_iotask_ref() entries) and nothing else once enforcement is on.
 */
int twr_iotask_add(xc_interface *xch, uint16_t granter, uint32_t id,
		   uint16_t grantee, const uint32_t *refs, unsigned int nr);

/*
 * Remove task @id of @granter.  -EBUSY: the grantee still maps *@live of
 * its refs; the task now refuses new maps; remove again once they are
 * unmapped.  @live may be NULL.
 */
int twr_iotask_remove(xc_interface *xch, uint16_t granter, uint32_t id,
		      unsigned int *live);

/*
 * The task of @granter with the smallest id >= @first_id, in *@info;
 * -ENOENT when there is none (the table counters are filled in anyway).
 * Walk all tasks with first_id = 0, then info->id + 1.
 */
int twr_iotask_query(xc_interface *xch, uint16_t granter, uint32_t first_id,
		     struct twr_iotask_info *info);

/* Switch enforcement on or off for (@granter, @grantee). */
int twr_iotask_set_enforce(xc_interface *xch, uint16_t granter,
			   uint16_t grantee, bool on);

/* What a negative errno from these functions means to a user. */
const char *twr_iotask_strerror(int err);

/*
 * Command-line arguments as twr-iotask and the lab's twr-grantprobe take
 * them: false (and *@out untouched) unless @s is a whole number in range.
 * A domid must be below DOMID_FIRST_RESERVED.
 */
bool twr_iotask_parse_u32(const char *s, uint32_t max, uint32_t *out);
bool twr_iotask_parse_domid(const char *s, uint16_t *out);
/* "ro"/"rw", "off"/"on", "from"/"to": *@out false for @no, true for @yes. */
bool twr_iotask_parse_choice(const char *s, const char *no, const char *yes, bool *out);

#endif /* TWINRING_TWR_IOTASK_CTL_H */
