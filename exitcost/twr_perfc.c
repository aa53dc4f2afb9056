// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "twr_perfc.h"
#include "twr_stats.h"

/* Hypercall numbers: Xen public/xen.h (x86: arch_0 = mca, arch_1 =
 * paging_domctl_cont). */
static const char *const twr_hcall_names[] = {
	[0] = "set_trap_table", [1] = "mmu_update", [2] = "set_gdt",
	[3] = "stack_switch", [4] = "set_callbacks", [5] = "fpu_taskswitch",
	[6] = "sched_op_compat", [7] = "platform_op", [8] = "set_debugreg",
	[9] = "get_debugreg", [10] = "update_descriptor", [12] = "memory_op",
	[13] = "multicall", [14] = "update_va_mapping", [15] = "set_timer_op",
	[16] = "event_channel_op_compat", [17] = "xen_version", [18] = "console_io",
	[19] = "physdev_op_compat", [20] = "grant_table_op", [21] = "vm_assist",
	[22] = "update_va_mapping_otherdomain", [23] = "iret", [24] = "vcpu_op",
	[25] = "set_segment_base", [26] = "mmuext_op", [27] = "xsm_op",
	[28] = "nmi_op", [29] = "sched_op", [30] = "callback_op",
	[31] = "xenoprof_op", [32] = "event_channel_op", [33] = "physdev_op",
	[34] = "hvm_op", [35] = "sysctl", [36] = "domctl", [37] = "kexec_op",
	[38] = "tmem_op", [39] = "argo_op", [40] = "xenpmu_op", [41] = "dm_op",
	[42] = "hypfs_op", [48] = "mca", [49] = "paging_domctl_cont",
	[50] = "arch_2", [51] = "arch_3", [52] = "arch_4", [53] = "arch_5",
	[54] = "arch_6", [55] = "arch_7",
};

/* VMX basic exit reasons: Intel SDM vol. 3, appendix C. */
static const char *const twr_vmx_names[] = {
	"exception_nmi", "external_interrupt", "triple_fault", "init", "sipi",
	"io_smi", "other_smi", "pending_virt_intr", "pending_virt_nmi",
	"task_switch", "cpuid", "getsec", "hlt", "invd", "invlpg", "rdpmc",
	"rdtsc", "rsm", "vmcall", "vmclear", "vmlaunch", "vmptrld", "vmptrst",
	"vmread", "vmresume", "vmwrite", "vmxoff", "vmxon", "cr_access",
	"dr_access", "io_instruction", "msr_read", "msr_write",
	"invalid_guest_state", "msr_loading", NULL, "mwait", "monitor_trap_flag",
	NULL, "monitor", "pause", "mce_during_vmentry", NULL,
	"tpr_below_threshold", "apic_access", "eoi_induced", "gdtr_idtr",
	"ldtr_tr", "ept_violation", "ept_misconfig", "invept", "rdtscp",
	"preemption_timer", "invvpid", "wbinvd", "xsetbv", "apic_write",
	"rdrand", "invpcid", "vmfunc", "encls", "rdseed", "pml_full", "xsaves",
	"xrstors",
};

/* SVM exit codes 0x60.. : AMD APM vol. 2, appendix C. */
static const char *const twr_svm_names_60[] = {
	"intr", "nmi", "smi", "init", "vintr", "cr0_sel_write", "idtr_read",
	"gdtr_read", "ldtr_read", "tr_read", "idtr_write", "gdtr_write",
	"ldtr_write", "tr_write", "rdtsc", "rdpmc", "pushf", "popf", "cpuid",
	"rsm", "iret", "swint", "invd", "pause", "hlt", "invlpg", "invlpga",
	"ioio", "msr", "task_switch", "ferr_freeze", "shutdown", "vmrun",
	"vmmcall", "vmload", "vmsave", "stgi", "clgi", "skinit", "rdtscp",
	"icebp", "wbinvd", "monitor", "mwait", "mwait_conditional", "xsetbv",
	"rdpru",
};

static const char *const twr_exc_names[] = {
	"de", "db", "nmi", "bp", "of", "br", "ud", "nm", "df", NULL, "ts", "np",
	"ss", "gp", "pf", NULL, "mf", "ac", "mc", "xm", "ve", "cp",
};

#define TWR_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *twr_hcall_name(unsigned int nr)
{
	return nr < TWR_ARRAY_SIZE(twr_hcall_names) ? twr_hcall_names[nr] : NULL;
}

const char *twr_vmx_exit_name(unsigned int reason)
{
	return reason < TWR_ARRAY_SIZE(twr_vmx_names) ? twr_vmx_names[reason] : NULL;
}

const char *twr_svm_exit_name(unsigned int code)
{
	static const char *const cr_dr[] = { "cr_read", "cr_write", "dr_read", "dr_write" };

	if (code < 0x40)
		return cr_dr[code >> 4];
	if (code < 0x60)
		return "exception";
	if (code - 0x60 < TWR_ARRAY_SIZE(twr_svm_names_60))
		return twr_svm_names_60[code - 0x60];
	/* Xen counts nested page faults, and any code above, at this index */
	if (code == TWR_SVM_NPF_PERFC)
		return "npf_or_above";
	return NULL;
}

const char *twr_exception_name(unsigned int vector)
{
	return vector < TWR_ARRAY_SIZE(twr_exc_names) ? twr_exc_names[vector] : NULL;
}

bool twr_perfc_is_array(const char *name)
{
	static const char *const arrays[] = {
		"hypercalls", "exceptions", "vmexits", "cause vector", "SVMexits",
	};
	size_t i;

	for (i = 0; i < TWR_ARRAY_SIZE(arrays); i++)
		if (!strcmp(name, arrays[i]))
			return true;
	return false;
}

static int twr_perfc_snap_alloc(struct twr_perfc_snap *s, uint32_t nr, uint32_t nr_vals)
{
	s->nr = nr;
	s->nr_vals = nr_vals;
	s->ctr = calloc(nr ? nr : 1, sizeof(*s->ctr));
	s->vals = calloc(nr_vals ? nr_vals : 1, sizeof(*s->vals));
	if (!s->ctr || !s->vals) {
		twr_perfc_snap_free(s);
		return -ENOMEM;
	}
	return 0;
}

void twr_perfc_snap_free(struct twr_perfc_snap *s)
{
	free(s->ctr);
	free(s->vals);
	s->ctr = NULL;
	s->vals = NULL;
	s->nr = s->nr_vals = 0;
}

int twr_perfc_snap_load(struct twr_perfc_snap *s, const struct twr_perfc_desc *desc,
			uint32_t nr_desc, const uint32_t *vals, uint32_t nr_vals)
{
	uint64_t sum = 0;
	uint32_t i, v = 0;
	int ret;

	for (i = 0; i < nr_desc; i++)
		sum += desc[i].nr_vals;
	if (sum != nr_vals)
		return -EINVAL;
	ret = twr_perfc_snap_alloc(s, nr_desc, nr_vals);
	if (ret)
		return ret;
	memcpy(s->vals, vals, (size_t)nr_vals * sizeof(*vals));
	for (i = 0; i < nr_desc; i++) {
		/* Xen's name is NUL-padded; do not trust it to be terminated */
		memcpy(s->ctr[i].name, desc[i].name, TWR_PERFC_NAME_LEN - 1);
		s->ctr[i].name[TWR_PERFC_NAME_LEN - 1] = '\0';
		s->ctr[i].nr_vals = desc[i].nr_vals;
		s->ctr[i].vals = s->vals + v;
		v += desc[i].nr_vals;
	}
	return 0;
}

int twr_perfc_diff(const struct twr_perfc_snap *before, const struct twr_perfc_snap *after,
		   struct twr_perfc_snap *out)
{
	uint32_t i, k, v = 0;
	int ret;

	if (before->nr != after->nr || before->nr_vals != after->nr_vals)
		return -EINVAL;
	for (i = 0; i < after->nr; i++)
		if (before->ctr[i].nr_vals != after->ctr[i].nr_vals ||
		    strcmp(before->ctr[i].name, after->ctr[i].name))
			return -EINVAL;
	ret = twr_perfc_snap_alloc(out, after->nr, after->nr_vals);
	if (ret)
		return ret;
	for (i = 0; i < after->nr; i++) {
		out->ctr[i] = after->ctr[i];
		out->ctr[i].vals = out->vals + v;
		for (k = 0; k < after->ctr[i].nr_vals; k++)
			out->ctr[i].vals[k] = after->ctr[i].vals[k] - before->ctr[i].vals[k];
		v += after->ctr[i].nr_vals;
	}
	return 0;
}

const struct twr_perfc_counter *twr_perfc_find(const struct twr_perfc_snap *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->ctr[i].name, name))
			return &s->ctr[i];
	return NULL;
}

uint64_t twr_perfc_total(const struct twr_perfc_counter *c)
{
	uint64_t sum = 0;
	uint32_t k;

	for (k = 0; c && k < c->nr_vals; k++)
		sum += c->vals[k];
	return sum;
}

uint64_t twr_perfc_at(const struct twr_perfc_snap *s, const char *name, uint32_t i)
{
	const struct twr_perfc_counter *c = twr_perfc_find(s, name);

	return c && i < c->nr_vals ? c->vals[i] : 0;
}

int twr_perfc_snap_write(FILE *f, const struct twr_perfc_snap *s)
{
	uint32_t i, k;

	fprintf(f, "twr-perfc 1 %" PRIu32 " %" PRIu32 "\n", s->nr, s->nr_vals);
	for (i = 0; i < s->nr; i++) {
		fprintf(f, "%" PRIu32 "\t%s\t", s->ctr[i].nr_vals, s->ctr[i].name);
		for (k = 0; k < s->ctr[i].nr_vals; k++)
			fprintf(f, k ? " %" PRIu32 : "%" PRIu32, s->ctr[i].vals[k]);
		fputc('\n', f);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

/* Parses one counter line into c, whose vals has room for room values. */
static int twr_perfc_line_parse(char *line, struct twr_perfc_counter *c, uint32_t room)
{
	char *name, *p, *end;
	unsigned long n, v;
	uint32_t k;

	errno = 0;
	n = strtoul(line, &end, 10);
	if (errno || end == line || *end != '\t' || n > room)
		return -EINVAL;
	name = end + 1;
	p = strchr(name, '\t');
	if (!p || p == name || (size_t)(p - name) >= TWR_PERFC_NAME_LEN)
		return -EINVAL;
	*p++ = '\0';
	strcpy(c->name, name);
	c->nr_vals = n;
	for (k = 0; k < n; k++) {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || end == p || v > UINT32_MAX || (*end != ' ' && *end != '\n' && *end))
			return -EINVAL;
		c->vals[k] = v;
		p = end;
	}
	return *p == '\n' || !*p ? 0 : -EINVAL;
}

int twr_perfc_snap_read(FILE *f, struct twr_perfc_snap *s)
{
	unsigned int ver, nr, nr_vals;
	uint32_t i, used = 0;
	char *line = NULL;
	size_t cap = 0;
	int ret;

	if (fscanf(f, "twr-perfc %u %u %u\n", &ver, &nr, &nr_vals) != 3 || ver != 1 ||
	    nr > 4096 || nr_vals > (1u << 20))
		return -EINVAL;
	ret = twr_perfc_snap_alloc(s, nr, nr_vals);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		ret = -EINVAL;
		if (getline(&line, &cap, f) < 0)
			goto out_free;
		s->ctr[i].vals = s->vals + used;
		ret = twr_perfc_line_parse(line, &s->ctr[i], nr_vals - used);
		if (ret)
			goto out_free;
		used += s->ctr[i].nr_vals;
	}
	ret = used == nr_vals ? 0 : -EINVAL;
	if (ret)
		goto out_free;
	free(line);
	return 0;

out_free:
	free(line);
	twr_perfc_snap_free(s);
	return ret;
}

/* One named count, with its per-GB and per-transaction rates. */
static void twr_perfc_json_count(struct twr_json *j, const char *key, uint64_t count,
				 uint64_t bytes, uint64_t transactions)
{
	twr_json_obj_begin(j, key);
	twr_json_u64(j, "count", count);
	if (bytes)
		twr_json_double(j, "per_gb", twr_stats_per_gb(count, bytes));
	if (transactions)
		twr_json_double(j, "per_txn", twr_stats_per_txn(count, transactions));
	twr_json_obj_end(j);
}

typedef const char *(*twr_index_namer)(unsigned int);

/* The non-zero entries of an array counter, keyed by name (or "#<index>"). */
static void twr_perfc_json_array(struct twr_json *j, const char *key,
				 const struct twr_perfc_counter *c, twr_index_namer namer,
				 uint64_t bytes, uint64_t transactions)
{
	char buf[32];
	uint32_t k;

	twr_json_obj_begin(j, key);
	for (k = 0; c && k < c->nr_vals; k++) {
		const char *n = namer(k);

		if (!c->vals[k])
			continue;
		if (!n) {
			snprintf(buf, sizeof(buf), "#%" PRIu32, k);
			n = buf;
		}
		twr_perfc_json_count(j, n, c->vals[k], bytes, transactions);
	}
	twr_json_obj_end(j);
}

void twr_perfc_report_json(struct twr_json *j, const struct twr_perfc_snap *d,
			   uint64_t bytes, uint64_t transactions, bool svm)
{
	const struct twr_perfc_counter *hc = twr_perfc_find(d, "hypercalls");
	uint32_t i;

	if (bytes)
		twr_json_u64(j, "bytes", bytes);
	if (transactions)
		twr_json_u64(j, "transactions", transactions);
	twr_json_obj_begin(j, "hypercalls");
	twr_perfc_json_count(j, "total", twr_perfc_total(hc), bytes, transactions);
	twr_perfc_json_array(j, "by_type", hc, twr_hcall_name, bytes, transactions);
	twr_json_obj_end(j);

	twr_json_obj_begin(j, "exits");
	twr_json_str(j, "kind", svm ? "svm" : "vmx");
	twr_perfc_json_array(j, "by_reason", twr_perfc_find(d, "vmexits"),
			     svm ? twr_svm_exit_name : twr_vmx_exit_name, bytes, transactions);
	if (twr_perfc_find(d, "SVMexits"))	/* Xen before 4.16 counted SVM apart */
		twr_perfc_json_array(j, "svm_by_reason", twr_perfc_find(d, "SVMexits"),
				     twr_svm_exit_name, bytes, transactions);
	twr_perfc_json_array(j, "exceptions", twr_perfc_find(d, "exceptions"),
			     twr_exception_name, bytes, transactions);
	twr_json_obj_end(j);

	twr_json_obj_begin(j, "counters");
	for (i = 0; i < d->nr; i++) {
		uint64_t t = twr_perfc_total(&d->ctr[i]);

		if (t && !twr_perfc_is_array(d->ctr[i].name))
			twr_json_u64(j, d->ctr[i].name, t);
	}
	twr_json_obj_end(j);
}

static void twr_perfc_text_array(FILE *f, const char *title, const struct twr_perfc_counter *c,
				 twr_index_namer namer, uint64_t bytes, uint64_t transactions)
{
	uint32_t k;

	for (k = 0; c && k < c->nr_vals; k++) {
		const char *n = namer(k);

		if (!c->vals[k])
			continue;
		fprintf(f, "%-10s %-24s %12" PRIu32, title, n ? n : "?", c->vals[k]);
		if (!n)
			fprintf(f, " (#%" PRIu32 ")", k);
		if (bytes)
			fprintf(f, "  %14.1f/GB", twr_stats_per_gb(c->vals[k], bytes));
		if (transactions)
			fprintf(f, "  %10.3f/txn", twr_stats_per_txn(c->vals[k], transactions));
		fputc('\n', f);
	}
}

void twr_perfc_report_text(FILE *f, const struct twr_perfc_snap *d, uint64_t bytes,
			   uint64_t transactions, bool svm)
{
	const struct twr_perfc_counter *hc = twr_perfc_find(d, "hypercalls");

	if (!hc)
		fprintf(f, "# no 'hypercalls' perf counter: is Xen built with CONFIG_PERF_ARRAYS=y?\n");
	fprintf(f, "%-10s %-24s %12" PRIu64 "\n", "hypercall", "total", twr_perfc_total(hc));
	twr_perfc_text_array(f, "hypercall", hc, twr_hcall_name, bytes, transactions);
	twr_perfc_text_array(f, "vmexit", twr_perfc_find(d, "vmexits"),
			     svm ? twr_svm_exit_name : twr_vmx_exit_name, bytes, transactions);
	twr_perfc_text_array(f, "svmexit", twr_perfc_find(d, "SVMexits"), twr_svm_exit_name,
			     bytes, transactions);
	twr_perfc_text_array(f, "exception", twr_perfc_find(d, "exceptions"),
			     twr_exception_name, bytes, transactions);
}
