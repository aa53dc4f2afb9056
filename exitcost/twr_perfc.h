/* SPDX-License-Identifier: MIT */
/*
 * Xen perf-counter snapshots (XEN_SYSCTL_perfc_op), their difference over a
 * workload window, and the names behind the array indices: hypercall
 * numbers, VMX/SVM exit reasons, exception vectors. Pure code, no Xen
 * library: twr-xencount feeds it what libxenctrl returns.
 *
 * Xen's layout (xen/common/perfc.c, 4.17): one descriptor per counter
 * {name, nr_vals}, the values concatenated in descriptor order, 32 bits
 * each. A single counter has one value per online CPU; an array counter
 * has one value per index, already summed over the CPUs. The descriptor
 * does not say which is which, so the known arrays are listed by name
 * (twr_perfc_is_array()); any other counter is reported as its total.
 */
#ifndef TWINRING_EXITCOST_PERFC_H
#define TWINRING_EXITCOST_PERFC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "twr_json.h"

#define TWR_PERFC_NAME_LEN	80
/* xen/arch/x86/include/asm/perfc_defn.h: VMEXIT_NPF_PERFC */
#define TWR_SVM_NPF_PERFC	143

/* Same layout as struct xen_sysctl_perfc_desc (checked in twr_xencount.c). */
struct twr_perfc_desc {
	char name[TWR_PERFC_NAME_LEN];
	uint32_t nr_vals;
};

struct twr_perfc_counter {
	char name[TWR_PERFC_NAME_LEN];
	uint32_t nr_vals;
	uint32_t *vals;		/* into the snapshot's storage */
};

struct twr_perfc_snap {
	uint32_t nr;
	uint32_t nr_vals;
	struct twr_perfc_counter *ctr;
	uint32_t *vals;
};

/* Copies Xen's descriptors and values into *s. Returns 0, -EINVAL when the
 * descriptors do not add up to nr_vals, -ENOMEM. */
int twr_perfc_snap_load(struct twr_perfc_snap *s, const struct twr_perfc_desc *desc,
			uint32_t nr_desc, const uint32_t *vals, uint32_t nr_vals);
void twr_perfc_snap_free(struct twr_perfc_snap *s);

/* *out = after - before, counter by counter (modulo 2^32: Xen's counters
 * wrap). The two must list the same counters in the same shape, else
 * -EINVAL; -ENOMEM. */
int twr_perfc_diff(const struct twr_perfc_snap *before, const struct twr_perfc_snap *after,
		   struct twr_perfc_snap *out);

const struct twr_perfc_counter *twr_perfc_find(const struct twr_perfc_snap *s, const char *name);
uint64_t twr_perfc_total(const struct twr_perfc_counter *c);
/* Value at index i of an array counter, 0 when out of range or absent. */
uint64_t twr_perfc_at(const struct twr_perfc_snap *s, const char *name, uint32_t i);
bool twr_perfc_is_array(const char *name);

/* State file for begin/end: "twr-perfc 1 <nr> <nr_vals>" then one line per
 * counter "<nr_vals>\t<name>\t<v0> <v1> ...". read returns -EINVAL on any
 * malformed line. */
int twr_perfc_snap_write(FILE *f, const struct twr_perfc_snap *s);
int twr_perfc_snap_read(FILE *f, struct twr_perfc_snap *s);

/* Names for array indices; NULL when the index has no name. */
const char *twr_hcall_name(unsigned int nr);
const char *twr_vmx_exit_name(unsigned int reason);
const char *twr_svm_exit_name(unsigned int code);
const char *twr_exception_name(unsigned int vector);

/* The window's report: hypercalls by type, exits by reason, the other
 * non-zero counters; per GB and per transaction where given (0 = not).
 * Xen 4.16+ counts VMX and SVM exits in one "vmexits" array indexed by the
 * vendor's own reason codes: svm says which names apply (AMD/Hygon host). */
void twr_perfc_report_json(struct twr_json *j, const struct twr_perfc_snap *d,
			   uint64_t bytes, uint64_t transactions, bool svm);
void twr_perfc_report_text(FILE *f, const struct twr_perfc_snap *d, uint64_t bytes,
			   uint64_t transactions, bool svm);

#endif /* TWINRING_EXITCOST_PERFC_H */
