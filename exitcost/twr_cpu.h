/* SPDX-License-Identifier: MIT */
/*
 * What the exit-cost tool runs on: CPU identity, the hypervisor's CPUID
 * leaves, the guest type, and whether the TSC can be trusted as a clock.
 */
#ifndef TWINRING_EXITCOST_CPU_H
#define TWINRING_EXITCOST_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct twr_env {
	char vendor[13];
	char brand[49];
	unsigned int family, model, stepping;
	bool amd;		/* AMD or Hygon: VMMCALL rather than VMCALL */
	bool hypervisor_bit;	/* CPUID.1:ECX[31] */
	char hv_sig[13];	/* signature at 0x40000000, "" when none */
	uint32_t xen_base;	/* Xen's leaf base, 0 when not found */
	uint32_t xen_max_leaf;
	bool xen_forced;	/* Xen's leaves only through the forced-emulation prefix */
	unsigned int xen_major, xen_minor;
	int tsc_emulated;	/* Xen time leaf: 1 emulated, 0 native, -1 unknown */
	uint32_t tsc_mode, tsc_khz;
	bool invariant_tsc;	/* CPUID.80000007:EDX[8] */
	bool constant_tsc;	/* Linux's constant_tsc flag (/proc/cpuinfo) */
	bool rdtscp;		/* CPUID.80000001:EDX[27] */
	bool tcg;		/* QEMU's binary translator, not a hardware CPU */
	char guest_type[16];	/* /sys/hypervisor/guest_type, "" when absent */
	char clocksource[32];
};

void twr_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);
/* CPUID through Xen's forced-emulation prefix (ud2; "xen"; cpuid): what a PV
 * guest sees of Xen's CPUID. Returns 0, or -ENOTSUP when it faults. */
int twr_cpuid_forced(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/* Fills *e from CPUID, sysfs and procfs; never fails (unknowns stay 0/""). */
void twr_env_detect(struct twr_env *e);

/* Scan the hypervisor range for "XenVMMXenVMM" with the given CPUID
 * function; the base, or 0 when absent. */
uint32_t twr_xen_base_scan(void (*cpuid)(uint32_t, uint32_t, uint32_t[4]), uint32_t *max_leaf);

/* Whether TSC ticks measure time at a fixed rate on this machine. 0 when
 * they do; otherwise -1 with a sentence for the user in why[]. */
int twr_env_timing_check(const struct twr_env *e, char *why, size_t len);

/* True when the CPU identifies as QEMU's TCG (brand or hypervisor
 * signature); pure, for the tests. */
bool twr_env_is_tcg(const char *brand, const char *hv_sig);

#endif /* TWINRING_EXITCOST_CPU_H */
