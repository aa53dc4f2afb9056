/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little of Xen that grant/iotask.c uses, for compiling it in user
 * space (as Xen's tools/tests/vpci does with emul.h).  Allocations are
 * counted so the tests can see leaks, and can be made to fail.
 */
#ifndef TWR_IOTASK_HARNESS_H
#define TWR_IOTASK_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef uint16_t domid_t;

/* Live allocations made through the stubs, and how many to let succeed. */
extern long harness_live_allocs;
extern long harness_allocs_left;        /* < 0: unlimited */

static inline void *harness_zalloc(size_t size)
{
    void *p;

    if ( harness_allocs_left == 0 )
        return NULL;
    if ( harness_allocs_left > 0 )
        harness_allocs_left--;
    p = calloc(1, size);
    if ( p )
        harness_live_allocs++;
    return p;
}

static inline void harness_free(void *p)
{
    if ( p )
        harness_live_allocs--;
    free(p);
}

#define xzalloc_flex_struct(type, field, nr) \
    ((type *)harness_zalloc(offsetof(type, field) + \
                            (nr) * sizeof(((type *)NULL)->field[0])))
#define xfree(p) harness_free(p)

#endif /* TWR_IOTASK_HARNESS_H */
