// SPDX-License-Identifier: MIT
/*
 * twr_iotask_ctl: XEN_DOMCTL_iotask_op through libxenctrl's xc_domctl().
 */
#include "twr_iotask_ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct twr_xen_iotask_op) <= sizeof(((struct xen_domctl *)0)->u.pad),
	       "the iotask op must fit the domctl union");

/*
 * Issue one iotask domctl on @granter; @op is sent and, as the hypervisor
 * copies it back even on failure (the -EBUSY live count), read back.
 */
static int twr_iotask_domctl(xc_interface *xch, uint16_t granter,
			     struct twr_xen_iotask_op *op)
{
	struct xen_domctl domctl;
	int ret;

	memset(&domctl, 0, sizeof(domctl));
	domctl.cmd = TWR_XEN_DOMCTL_IOTASK_OP;
	domctl.domain = granter;
	memcpy(&domctl.u, op, sizeof(*op));

	ret = xc_domctl(xch, &domctl);
	memcpy(op, &domctl.u, sizeof(*op));
	if (ret < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int twr_iotask_probe(xc_interface *xch)
{
	struct twr_xen_iotask_op op = { .op = TWR_IOTASK_OP_QUERY };
	int ret;

	/* Domain 0's own table: it exists on any patched hypervisor. */
	ret = twr_iotask_domctl(xch, 0, &op);
	return ret == -ENOENT ? 0 : ret;
}

int twr_iotask_add(xc_interface *xch, uint16_t granter, uint32_t id,
		   uint16_t grantee, const uint32_t *refs, unsigned int nr)
{
	struct twr_xen_iotask_op op = {
		.op = TWR_IOTASK_OP_ADD,
		.task_id = id,
		.grantee = grantee,
		.nr_refs = nr,
	};
	DECLARE_HYPERCALL_BUFFER(uint32_t, buf);
	int ret;

	/* Refuse early what the hypervisor would refuse anyway. */
	if (id == 0 || nr == 0 || !refs)
		return -EINVAL;
	if (nr > TWR_IOTASK_MAX_REFS)
		return -E2BIG;

	/* Xen reads the refs through a handle: hypercall-safe memory. */
	buf = xc_hypercall_buffer_alloc(xch, buf, nr * sizeof(*refs));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, refs, nr * sizeof(*refs));
	op.refs = HYPERCALL_BUFFER_AS_ARG(buf);

	ret = twr_iotask_domctl(xch, granter, &op);

	xc_hypercall_buffer_free(xch, buf);
	return ret;
}

int twr_iotask_remove(xc_interface *xch, uint16_t granter, uint32_t id,
		      unsigned int *live)
{
	struct twr_xen_iotask_op op = {
		.op = TWR_IOTASK_OP_REMOVE,
		.task_id = id,
	};
	int ret;

	ret = twr_iotask_domctl(xch, granter, &op);
	if (live)
		*live = ret == -EBUSY ? op.live : 0;
	return ret;
}

int twr_iotask_query(xc_interface *xch, uint16_t granter, uint32_t first_id,
		     struct twr_iotask_info *info)
{
	struct twr_xen_iotask_op op = {
		.op = TWR_IOTASK_OP_QUERY,
		.task_id = first_id,
	};
	int ret;

	ret = twr_iotask_domctl(xch, granter, &op);
	memset(info, 0, sizeof(*info));
	if (ret == 0 || ret == -ENOENT) {
		info->table_checks = op.table_checks;
		info->table_denials = op.table_denials;
	}
	if (ret)
		return ret;

	info->id = op.task_id;
	info->grantee = op.grantee;
	info->enforced = op.flags & TWR_IOTASK_F_ENFORCE;
	info->revoked = op.flags & TWR_IOTASK_F_REVOKED;
	info->nr_refs = op.nr_refs;
	info->live = op.live;
	info->hits = op.hits;
	info->denials = op.denials;
	return 0;
}

int twr_iotask_set_enforce(xc_interface *xch, uint16_t granter,
			   uint16_t grantee, bool on)
{
	struct twr_xen_iotask_op op = {
		.op = TWR_IOTASK_OP_SET_ENFORCE,
		.grantee = grantee,
		.flags = on ? TWR_IOTASK_F_ENFORCE : 0,
	};

	return twr_iotask_domctl(xch, granter, &op);
}

const char *twr_iotask_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case ENOSYS:
		return "this hypervisor has no I/O task table: boot the Xen built "
		       "from hypervisor-patch/, or configure twinringd to run "
		       "without enforcement";
	case EBUSY:
		return "the backend still maps pages of this task: close the "
		       "device first, then remove the task again (new maps are "
		       "already refused)";
	case EEXIST:
		return "task id already in use, or one of its grant refs belongs to "
		       "another task of this domain (a stale task? list them with "
		       "twr-iotask list <domid>)";
	case EINVAL:
		return "invalid task: id 0, no refs, ref 0 or 1 (console and "
		       "xenstore, always allowed), a ref listed twice, or a "
		       "reserved domain id";
	case E2BIG:
		return "too many grant refs for one task (at most 4096)";
	case ENOSPC:
		return "the domain's I/O task table is full (64 tasks, 32768 refs, "
		       "16 enforced backends): remove stale tasks";
	case ENOENT:
		return "no such I/O task";
	case ESRCH:
		return "no such domain";
	case ENODEV:
		return "the domain has no grant table";
	case EPERM:
		return "not permitted: only root in the control domain may manage "
		       "I/O tasks";
	case EACCES:
		return "refused: not the control domain, or libxenctrl's domctl "
		       "interface version differs from the hypervisor's";
	case EFAULT:
		return "the hypervisor could not read the ref list";
	case ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}

bool twr_iotask_parse_u32(const char *s, uint32_t max, uint32_t *out)
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

bool twr_iotask_parse_domid(const char *s, uint16_t *out)
{
	uint32_t v;

	if (!twr_iotask_parse_u32(s, 0x7fef, &v))	/* below DOMID_FIRST_RESERVED */
		return false;
	*out = (uint16_t)v;
	return true;
}

bool twr_iotask_parse_choice(const char *s, const char *no, const char *yes, bool *out)
{
	if (!strcmp(s, no))
		*out = false;
	else if (!strcmp(s, yes))
		*out = true;
	else
		return false;
	return true;
}
