// SPDX-License-Identifier: MIT
/*
 * The kernel modules' release against the tools' (twr_modver.h).
 */
#include "twr_modver.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *const twr_modver_modules[TWR_MODVER_NR_MODULES] = {
	"twinring_core", "twinnet_core",
	"twinring_chan_front", "twinnet_front", "twinblk_front",
	"twinring_chan_back", "twinnet_back", "twinblk_back",
	"twr_exitcost",
};

/* Longer than any version we write; a longer one is simply different. */
#define TWR_MODVER_MAX	64u

bool twr_modver_same(const char *mod_version, const char *tools_version)
{
	size_t n;

	if (!mod_version || !tools_version)
		return false;
	/* sysfs ends the value with a newline */
	n = strlen(mod_version);
	while (n && (mod_version[n - 1] == '\n' || mod_version[n - 1] == ' ' ||
		     mod_version[n - 1] == '\t'))
		n--;
	return n && n == strlen(tools_version) && !memcmp(mod_version, tools_version, n);
}

/* The module's version into @buf, trailing whitespace cut. Returns 1 when
 * it has one, 0 when it is loaded without one, -ENOENT when not loaded. */
static int twr_modver_read(const char *sysfs, const char *name, char *buf, size_t len)
{
	char path[256];
	struct stat st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/module/%s", sysfs, name);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/module/%s/version", sysfs, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return n ? 1 : 0;
}

unsigned int twr_modver_check(const char *sysfs, const char *tools_version,
			      twr_modver_report_fn *report, void *arg)
{
	char ver[TWR_MODVER_MAX];
	unsigned int i, bad = 0;
	int ret;

	for (i = 0; i < TWR_MODVER_NR_MODULES; i++) {
		ret = twr_modver_read(sysfs, twr_modver_modules[i], ver, sizeof(ver));
		if (ret < 0)
			continue;
		if (ret && twr_modver_same(ver, tools_version))
			continue;
		bad++;
		if (report)
			report(arg, twr_modver_modules[i], ret ? ver : NULL);
	}
	return bad;
}

void twr_modver_message(char *buf, size_t len, const char *tool, const char *tools_version,
			const char *name, const char *mod_version)
{
	if (mod_version)
		snprintf(buf, len, "kernel module %s is version %s, %s is %s: modules of another "
			 "release may not speak this one's protocol; load the modules of %s "
			 "(dkms status twinring; modprobe -r, then modprobe) or install the tools "
			 "of %s", name, mod_version, tool, tools_version, tools_version, mod_version);
	else
		snprintf(buf, len, "kernel module %s has no version (built before twinring "
			 "modules had one), %s is %s: load the modules of %s (dkms status twinring; "
			 "modprobe -r, then modprobe)", name, tool, tools_version, tools_version);
}
