// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "twr_cpu.h"

void twr_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(subleaf));
}

static sigjmp_buf twr_cpu_jmp;

static void twr_cpu_trap(int sig)
{
	siglongjmp(twr_cpu_jmp, sig);
}

int twr_cpuid_forced(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	struct sigaction sa = { .sa_handler = twr_cpu_trap }, old_ill, old_segv;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, &old_ill);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(twr_cpu_jmp, 1) == 0)
		__asm__ __volatile__(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"	/* ud2; "xen" */
				     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
				     : "a"(leaf), "c"(subleaf));
	else
		ret = -ENOTSUP;
	sigaction(SIGILL, &old_ill, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return ret;
}

static void twr_cpuid_forced_void(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	if (twr_cpuid_forced(leaf, subleaf, r))
		memset(r, 0, 4 * sizeof(*r));
}

static void twr_sig_copy(char out[13], const uint32_t r[4])
{
	memcpy(out, &r[1], 4);
	memcpy(out + 4, &r[2], 4);
	memcpy(out + 8, &r[3], 4);
	out[12] = '\0';
}

uint32_t twr_xen_base_scan(void (*cpuid)(uint32_t, uint32_t, uint32_t[4]), uint32_t *max_leaf)
{
	uint32_t base, r[4];
	char sig[13];

	/* Xen moves its leaves up by 0x100 when it also offers Viridian */
	for (base = 0x40000000; base < 0x40010000; base += 0x100) {
		cpuid(base, 0, r);
		twr_sig_copy(sig, r);
		if (!strcmp(sig, "XenVMMXenVMM") && r[0] - base >= 2) {
			*max_leaf = r[0];
			return base;
		}
	}
	return 0;
}

bool twr_env_is_tcg(const char *brand, const char *hv_sig)
{
	return strstr(brand, "QEMU TCG") || strstr(brand, "QEMU Virtual CPU") ||
	       !strcmp(hv_sig, "TCGTCGTCGTCG");
}

/* First line of a small sysfs/procfs file into buf, newline stripped. */
static void twr_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool twr_cpuinfo_has_flag(const char *flag)
{
	char line[4096], pat[64];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	snprintf(pat, sizeof(pat), " %s ", flag);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		found = strstr(line, pat) != NULL;
		break;
	}
	fclose(f);
	return found;
}

static void twr_env_xen(struct twr_env *e)
{
	void (*cpuid)(uint32_t, uint32_t, uint32_t[4]) = twr_cpuid;
	uint32_t r[4];

	e->xen_base = twr_xen_base_scan(twr_cpuid, &e->xen_max_leaf);
	if (!e->xen_base && !strcmp(e->guest_type, "PV")) {
		/* a PV guest's plain CPUID reaches the hardware, not Xen */
		e->xen_base = twr_xen_base_scan(twr_cpuid_forced_void, &e->xen_max_leaf);
		e->xen_forced = e->xen_base != 0;
		cpuid = twr_cpuid_forced_void;
	}
	if (!e->xen_base)
		return;
	cpuid(e->xen_base + 1, 0, r);
	e->xen_major = r[0] >> 16;
	e->xen_minor = r[0] & 0xffff;
	if (e->xen_max_leaf >= e->xen_base + 3) {
		/* time leaf, subleaf 0: EAX[0] vtsc, EBX tsc_mode, ECX kHz */
		cpuid(e->xen_base + 3, 0, r);
		e->tsc_emulated = r[0] & 1;
		e->tsc_mode = r[1];
		e->tsc_khz = r[2];
	}
}

void twr_env_detect(struct twr_env *e)
{
	uint32_t r[4], max_ext;
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->tsc_emulated = -1;
	twr_cpuid(0, 0, r);
	memcpy(e->vendor, &r[1], 4);
	memcpy(e->vendor + 4, &r[3], 4);
	memcpy(e->vendor + 8, &r[2], 4);
	e->amd = !strcmp(e->vendor, "AuthenticAMD") || !strcmp(e->vendor, "HygonGenuine");
	twr_cpuid(1, 0, r);
	e->stepping = r[0] & 0xf;
	e->family = (r[0] >> 8) & 0xf;
	e->model = (r[0] >> 4) & 0xf;
	if (e->family == 0xf)
		e->family += (r[0] >> 20) & 0xff;
	if (e->family >= 6)
		e->model |= ((r[0] >> 16) & 0xf) << 4;
	e->hypervisor_bit = r[2] >> 31;
	twr_cpuid(0x80000000, 0, r);
	max_ext = r[0];
	if (max_ext >= 0x80000004) {
		for (i = 0; i < 3; i++) {
			twr_cpuid(0x80000002 + i, 0, r);
			memcpy(e->brand + 16 * i, r, 16);
		}
		e->brand[48] = '\0';
	}
	if (max_ext >= 0x80000001) {
		twr_cpuid(0x80000001, 0, r);
		e->rdtscp = (r[3] >> 27) & 1;
	}
	if (max_ext >= 0x80000007) {
		twr_cpuid(0x80000007, 0, r);
		e->invariant_tsc = (r[3] >> 8) & 1;
	}
	if (e->hypervisor_bit) {
		twr_cpuid(0x40000000, 0, r);
		twr_sig_copy(e->hv_sig, r);
		for (i = 0; i < 12; i++)
			if (e->hv_sig[i] && (e->hv_sig[i] < 0x20 || e->hv_sig[i] > 0x7e))
				e->hv_sig[i] = '?';
	}
	e->constant_tsc = twr_cpuinfo_has_flag("constant_tsc");
	twr_read_line("/sys/hypervisor/guest_type", e->guest_type, sizeof(e->guest_type));
	twr_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		      e->clocksource, sizeof(e->clocksource));
	twr_env_xen(e);
	e->tcg = twr_env_is_tcg(e->brand, e->hv_sig);
}

int twr_env_timing_check(const struct twr_env *e, char *why, size_t len)
{
	if (e->tsc_emulated == 1) {
		snprintf(why, len,
			 "Xen emulates the TSC for this domain (tsc_mode %u): every TSC read traps "
			 "into Xen, so TSC deltas include that trap%s",
			 e->tsc_mode, e->tcg ? "; and the CPU is QEMU TCG, not hardware" : "");
		return -1;
	}
	if (!e->invariant_tsc && !e->constant_tsc) {
		snprintf(why, len,
			 "the TSC is not advertised as invariant (CPUID 80000007:EDX[8]) nor "
			 "constant-rate (constant_tsc): ticks may not be cycles at a fixed rate%s",
			 e->tcg ? "; the CPU is QEMU TCG: ticks are the emulator's host time, "
				  "not cycles of any hardware" : "");
		return -1;
	}
	if (e->tcg) {
		snprintf(why, len,
			 "the CPU is QEMU TCG (binary translation): ticks are the emulator's host "
			 "time, not cycles of any hardware");
		return -1;
	}
	why[0] = '\0';
	return 0;
}
