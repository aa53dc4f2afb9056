/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O task table: the logic behind XEN_DOMCTL_iotask_op and the grant map
 * and copy checks.  See xen/iotask.h for the model and the locking.
 *
 * This file is twinring's grant/iotask.c.  The hypervisor patch carries an
 * identical copy as xen/common/iotask.c; the unit tests in
 * tests/unit/grant/ compile this very file through a stub header.  It uses
 * nothing from Xen but xmalloc/xfree and the types, so that both hold.
 */

#include <xen/errno.h>
#include <xen/iotask.h>
#include <xen/xmalloc.h>

static inline uint32_t ref_of(uint32_t ent)
{
    return ent & IOTASK_REF_MASK;
}

/* Counters are bumped under the read lock, from any CPU. */
static inline void count(uint64_t *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static inline uint64_t count_read(const uint64_t *counter)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* Heapsort by ref: O(n log n) worst case, no recursion, no callbacks. */
static void sift_down(uint32_t *a, unsigned int root, unsigned int n)
{
    unsigned int child;
    uint32_t tmp;

    while ( (child = 2 * root + 1) < n )
    {
        if ( child + 1 < n && ref_of(a[child]) < ref_of(a[child + 1]) )
            child++;
        if ( ref_of(a[root]) >= ref_of(a[child]) )
            return;
        tmp = a[root];
        a[root] = a[child];
        a[child] = tmp;
        root = child;
    }
}

static void sort_refs(uint32_t *a, unsigned int n)
{
    unsigned int i;

    for ( i = n / 2; i-- > 0; )
        sift_down(a, i, n);
    for ( i = n; i-- > 1; )
    {
        uint32_t tmp = a[0];

        a[0] = a[i];
        a[i] = tmp;
        sift_down(a, 0, i);
    }
}

/* Index of @ref in the task's sorted refs, or -1. */
static int find_ref(const struct iotask *task, uint32_t ref)
{
    unsigned int lo = 0, hi = task->nr_refs;

    /* A channel's refs are often clustered: most tasks miss right here. */
    if ( ref < ref_of(task->refs[0]) || ref > ref_of(task->refs[hi - 1]) )
        return -1;

    while ( lo < hi )
    {
        unsigned int mid = lo + (hi - lo) / 2;
        uint32_t cur = ref_of(task->refs[mid]);

        if ( cur == ref )
            return mid;
        if ( cur < ref )
            lo = mid + 1;
        else
            hi = mid;
    }

    return -1;
}

static int find_task(const struct iotask_table *t, uint32_t id)
{
    unsigned int i;

    for ( i = 0; i < t->nr_tasks; i++ )
        if ( t->tasks[i]->id == id )
            return i;

    return -1;
}

static unsigned int count_live(const struct iotask *task,
                               iotask_mapped_fn *mapped, void *ctx)
{
    unsigned int i, live = 0;

    if ( !mapped )
        return 0;
    for ( i = 0; i < task->nr_refs; i++ )
        if ( mapped(ctx, task->grantee, ref_of(task->refs[i])) )
            live++;

    return live;
}

struct iotask *iotask_alloc(uint32_t id, domid_t grantee,
                            unsigned int nr_refs, int *rc)
{
    struct iotask *task;

    if ( id == 0 || nr_refs == 0 )
    {
        *rc = -EINVAL;
        return NULL;
    }
    if ( nr_refs > IOTASK_MAX_REFS )
    {
        *rc = -E2BIG;
        return NULL;
    }

    task = xzalloc_flex_struct(struct iotask, refs, nr_refs);
    if ( !task )
    {
        *rc = -ENOMEM;
        return NULL;
    }
    task->id = id;
    task->grantee = grantee;
    task->nr_refs = nr_refs;
    *rc = 0;

    return task;
}

void iotask_free(struct iotask *task)
{
    xfree(task);
}

int iotask_prepare(struct iotask *task)
{
    unsigned int i;

    for ( i = 0; i < task->nr_refs; i++ )
        if ( ref_of(task->refs[i]) < IOTASK_NR_EXEMPT_REFS )
            return -EINVAL;

    sort_refs(task->refs, task->nr_refs);

    /*
     * A duplicate is a toolstack bug or a frontend listing one page twice
     * (perhaps once read-only, once writable): refuse rather than guess.
     */
    for ( i = 1; i < task->nr_refs; i++ )
        if ( ref_of(task->refs[i - 1]) == ref_of(task->refs[i]) )
            return -EINVAL;

    return 0;
}

int iotask_insert(struct iotask_table *t, struct iotask *task)
{
    unsigned int i;

    if ( find_task(t, task->id) >= 0 )
        return -EEXIST;
    if ( t->nr_tasks >= IOTASK_MAX_TASKS ||
         t->nr_refs + task->nr_refs > IOTASK_MAX_TOTAL_REFS )
        return -ENOSPC;

    /* At most IOTASK_MAX_REFS x IOTASK_MAX_TASKS binary searches. */
    for ( i = 0; i < task->nr_refs; i++ )
        if ( iotask_lookup(t, ref_of(task->refs[i])) )
            return -EEXIST;

    t->tasks[t->nr_tasks++] = task;
    t->nr_refs += task->nr_refs;

    return 0;
}

int iotask_remove(struct iotask_table *t, uint32_t id,
                  iotask_mapped_fn *mapped, void *ctx, unsigned int *live)
{
    int idx = find_task(t, id);
    struct iotask *task;

    *live = 0;
    if ( idx < 0 )
        return -ENOENT;
    task = t->tasks[idx];

    /* Xen cannot revoke a live mapping: stop new ones, report the rest. */
    *live = count_live(task, mapped, ctx);
    if ( *live )
    {
        task->revoked = true;
        return -EBUSY;
    }

    t->nr_refs -= task->nr_refs;
    t->tasks[idx] = t->tasks[--t->nr_tasks];
    t->tasks[t->nr_tasks] = NULL;
    iotask_free(task);

    return 0;
}

int iotask_query(const struct iotask_table *t, uint32_t id,
                 iotask_mapped_fn *mapped, void *ctx,
                 struct iotask_info *info)
{
    const struct iotask *best = NULL;
    unsigned int i;

    for ( i = 0; i < t->nr_tasks; i++ )
    {
        const struct iotask *task = t->tasks[i];

        if ( task->id >= id && (!best || task->id < best->id) )
            best = task;
    }
    if ( !best )
        return -ENOENT;

    info->id = best->id;
    info->grantee = best->grantee;
    info->revoked = best->revoked;
    info->enforced = iotask_enforced(t, best->grantee);
    info->nr_refs = best->nr_refs;
    info->live = count_live(best, mapped, ctx);
    info->hits = count_read(&best->hits);
    info->denials = count_read(&best->denials);

    return 0;
}

/* The task holding @ref and the ref's index in it, or NULL. */
static struct iotask *lookup_ref(const struct iotask_table *t, uint32_t ref,
                                 int *idx)
{
    unsigned int i;

    for ( i = 0; i < t->nr_tasks; i++ )
        if ( (*idx = find_ref(t->tasks[i], ref)) >= 0 )
            return t->tasks[i];

    return NULL;
}

struct iotask *iotask_lookup(const struct iotask_table *t, uint32_t ref)
{
    int idx;

    return lookup_ref(t, ref, &idx);
}

bool iotask_enforced(const struct iotask_table *t, domid_t grantee)
{
    unsigned int i;

    for ( i = 0; i < t->nr_enforced; i++ )
        if ( t->enforced[i] == grantee )
            return true;

    return false;
}

int iotask_set_enforce(struct iotask_table *t, domid_t grantee, bool on)
{
    unsigned int i;

    for ( i = 0; i < t->nr_enforced; i++ )
        if ( t->enforced[i] == grantee )
            break;

    if ( on )
    {
        if ( i < t->nr_enforced )
            return 0;
        if ( t->nr_enforced >= IOTASK_MAX_ENFORCED )
            return -ENOSPC;
        t->enforced[t->nr_enforced++] = grantee;
    }
    else if ( i < t->nr_enforced )
        t->enforced[i] = t->enforced[--t->nr_enforced];

    return 0;
}

unsigned int iotask_check(struct iotask_table *t, domid_t grantee,
                          uint32_t ref, bool want_write)
{
    struct iotask *task;
    int idx;

    if ( !t->nr_enforced || !iotask_enforced(t, grantee) ||
         ref < IOTASK_NR_EXEMPT_REFS )
        return IOTASK_UNENFORCED;

    count(&t->checks);

    task = lookup_ref(t, ref, &idx);
    if ( !task || task->grantee != grantee )
    {
        count(&t->denials);
        return IOTASK_DENY_NOTASK;
    }
    if ( task->revoked )
    {
        count(&t->denials);
        return IOTASK_DENY_REVOKED;
    }

    if ( want_write && !(task->refs[idx] & IOTASK_REF_WRITABLE) )
    {
        count(&task->denials);
        count(&t->denials);
        return IOTASK_DENY_READONLY;
    }

    count(&task->hits);

    return IOTASK_ALLOW;
}

void iotask_table_destroy(struct iotask_table *t)
{
    unsigned int i;

    for ( i = 0; i < t->nr_tasks; i++ )
    {
        iotask_free(t->tasks[i]);
        t->tasks[i] = NULL;
    }
    t->nr_tasks = 0;
    t->nr_refs = 0;
    t->nr_enforced = 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
