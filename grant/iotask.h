/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O task table: which grant refs of a granting domain each grantee may
 * map or copy, and how (read-only or read-write).
 *
 * One table lives in each granting domain's struct grant_table.  A task is
 * {id, grantee, the refs of one twinring channel, access per ref}; the
 * control domain adds and removes tasks through XEN_DOMCTL_iotask_op.  Once
 * enforcement is switched on for a (granter, grantee) pair, every grant map
 * and grant copy by that grantee on that granter's refs must hit an active
 * task of that grantee with enough access.
 *
 * This file is twinring's grant/iotask.h; the hypervisor patch carries an
 * identical copy as xen/include/xen/iotask.h (tests/unit/grant/patch-sync.sh
 * checks it).  The unit tests compile the same code through a stub header.
 *
 * Locking (in Xen): the table is changed only with the granter's grant
 * table write lock held and read with at least its read lock held.  The
 * counters are bumped under the read lock from many CPUs, hence atomically.
 */
#ifndef __XEN_IOTASK_H__
#define __XEN_IOTASK_H__

#include <xen/types.h>
#include <public/xen.h>

/*
 * Bounds: a toolstack bug must not exhaust Xen's memory.  A channel needs
 * at most 2 x 1024 data refs plus its control and two directory pages.
 * Worst case per granter: IOTASK_MAX_TOTAL_REFS * 4 bytes = 128 KiB of refs.
 */
#define IOTASK_MAX_TASKS        64      /* tasks per granting domain */
#define IOTASK_MAX_REFS         4096    /* refs per task */
#define IOTASK_MAX_TOTAL_REFS   32768   /* refs over all tasks of a granter */
#define IOTASK_MAX_ENFORCED     16      /* enforced grantees per granter */
#define IOTASK_NR_EXEMPT_REFS   2       /* refs 0, 1: console, xenstore */

/* A ref entry: the grant ref, and the top bit set if writes are allowed. */
#define IOTASK_REF_WRITABLE     (1U << 31)
#define IOTASK_REF_MASK         (IOTASK_REF_WRITABLE - 1)

/* iotask_check() verdicts: 0 allows, anything else denies. */
#define IOTASK_ALLOW            0   /* enforced, ref in a task with access */
#define IOTASK_UNENFORCED       1   /* allowed: pair not enforced or exempt */
#define IOTASK_DENY_NOTASK      2   /* no active task of the grantee has it */
#define IOTASK_DENY_READONLY    3   /* write wanted, the task says read-only */
#define IOTASK_DENY_REVOKED     4   /* its task is being removed */
#define iotask_denied(v)        ((v) >= IOTASK_DENY_NOTASK)

struct iotask {
    uint32_t id;
    domid_t grantee;
    bool revoked;               /* removal asked while still mapped */
    unsigned int nr_refs;
    uint64_t hits;              /* checks this task allowed */
    uint64_t denials;           /* write checks on its read-only refs */
    uint32_t refs[];            /* sorted by ref; ref | IOTASK_REF_WRITABLE */
};

struct iotask_table {
    unsigned int nr_tasks;
    unsigned int nr_refs;       /* over all tasks */
    unsigned int nr_enforced;
    domid_t enforced[IOTASK_MAX_ENFORCED];
    uint64_t checks;            /* enforced, non-exempt checks */
    uint64_t denials;
    struct iotask *tasks[IOTASK_MAX_TASKS];    /* unordered, compact */
};

/* What iotask_query() reports of one task. */
struct iotask_info {
    uint32_t id;
    domid_t grantee;
    bool revoked;
    bool enforced;              /* enforcement on for (granter, grantee) */
    unsigned int nr_refs;
    unsigned int live;          /* refs the grantee still has mapped */
    uint64_t hits;
    uint64_t denials;
};

/*
 * Whether @grantee still holds @ref mapped: supplied by the caller (Xen
 * reads the granter's active grant entries).
 */
typedef bool iotask_mapped_fn(void *ctx, domid_t grantee, uint32_t ref);

/*
 * Allocate a task able to hold @nr_refs refs; the caller fills
 * task->refs[0 .. nr_refs - 1] and then calls iotask_prepare().
 * Returns NULL with *rc = -EINVAL (id 0, no refs), -E2BIG (too many refs)
 * or -ENOMEM.
 */
struct iotask *iotask_alloc(uint32_t id, domid_t grantee,
                            unsigned int nr_refs, int *rc);
void iotask_free(struct iotask *task);

/*
 * Sort the refs and validate them: -EINVAL if one is exempt (0 or 1), has
 * bits beyond IOTASK_REF_WRITABLE|IOTASK_REF_MASK, or appears twice.
 */
int iotask_prepare(struct iotask *task);

/*
 * Add a prepared task to @t, which then owns it.  -EEXIST: the id is
 * taken, or a ref already belongs to another task of this granter (a ref
 * is granted to one domain, so it belongs to one channel); -ENOSPC: a
 * table bound would be crossed.  On error the caller still owns @task.
 */
int iotask_insert(struct iotask_table *t, struct iotask *task);

/*
 * Remove task @id.  If the grantee still has some of its refs mapped, the
 * task is only revoked (no new map or copy passes) and -EBUSY is returned
 * with the count in *live; calling again once they are unmapped removes
 * it.  -ENOENT: no such task.
 */
int iotask_remove(struct iotask_table *t, uint32_t id,
                  iotask_mapped_fn *mapped, void *ctx, unsigned int *live);

/* The task with the smallest id >= @id, in *info; -ENOENT if none. */
int iotask_query(const struct iotask_table *t, uint32_t id,
                 iotask_mapped_fn *mapped, void *ctx,
                 struct iotask_info *info);

/* The task holding @ref, whatever its grantee or state; NULL if none. */
struct iotask *iotask_lookup(const struct iotask_table *t, uint32_t ref);

/* Switch enforcement for @grantee on or off; -ENOSPC: too many grantees. */
int iotask_set_enforce(struct iotask_table *t, domid_t grantee, bool on);
bool iotask_enforced(const struct iotask_table *t, domid_t grantee);

/*
 * May @grantee map or copy @ref (for writing if @want_write)?  Returns an
 * IOTASK_* verdict and bumps the counters; cheap when the pair is not
 * enforced.
 */
unsigned int iotask_check(struct iotask_table *t, domid_t grantee,
                          uint32_t ref, bool want_write);

/* Free every task (the granter is being destroyed). */
void iotask_table_destroy(struct iotask_table *t);

#endif /* __XEN_IOTASK_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
