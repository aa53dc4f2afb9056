// SPDX-License-Identifier: MIT
/*
 * A config file held against the domain it would configure (twr_ident.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxlutil.h>

#include "twr_ident.h"

int twr_ident_add_disk(struct twr_ident *id, const char *target)
{
	char *t;

	if (id->ndisks >= TWR_IDENT_MAX_DEVS)
		return -E2BIG;
	t = strdup(target ? target : "");
	if (!t)
		return -ENOMEM;
	id->disks[id->ndisks++] = t;
	return 0;
}

int twr_ident_add_nic(struct twr_ident *id, const char *mac)
{
	if (id->nnics >= TWR_IDENT_MAX_DEVS)
		return -E2BIG;
	snprintf(id->macs[id->nnics++], sizeof(id->macs[0]), "%s", mac);
	return 0;
}

/* Is @s in the form of @pat ('x' a hex digit, any other character itself,
 * or @alt in its place)? If so, @s lower-cased with @pat's separators into
 * @out (strlen(@pat) + 1 bytes). */
static bool hex_form(const char *s, const char *pat, char alt, char *out)
{
	size_t i, n = strlen(pat);

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++) {
		if (pat[i] == 'x' ? !isxdigit((unsigned char)s[i]) :
				    s[i] != pat[i] && s[i] != alt)
			return false;
		out[i] = pat[i] == 'x' ? (char)tolower((unsigned char)s[i]) : pat[i];
	}
	out[n] = '\0';
	return true;
}

bool twr_ident_mac(const char *s, char out[TWR_IDENT_MAC_LEN + 1])
{
	/* ':' or '-' between the pairs, as xl takes. */
	return hex_form(s, "xx:xx:xx:xx:xx:xx", '-', out);
}

bool twr_ident_uuid(const char *s, char out[TWR_IDENT_UUID_LEN + 1])
{
	return hex_form(s, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", '-', out);
}

/* The mac= of one vif entry ("" without one); false on a bad value. */
static bool vif_mac(const char *spec, char mac[TWR_IDENT_MAC_LEN + 1])
{
	const char *p = spec, *end, *v;
	char val[32];
	size_t n;

	mac[0] = '\0';
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		if ((size_t)(end - p) > 4 && !strncmp(p, "mac=", 4)) {
			v = p + 4;
			n = (size_t)(end - v);
			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			if (n >= sizeof(val))
				return false;
			memcpy(val, v, n);
			val[n] = '\0';
			if (!twr_ident_mac(val, mac))
				return false;
		}
		p = *end ? end + 1 : end;
	}
	return true;
}

/* The targets of the 'disk' list, parsed as xl parses them. libxlutil
 * reports a bad spec to its config's stream: a stream of our own here. */
static int ident_disks(XLU_Config *xc, const char *name, struct twr_ident *id,
		       char *err, size_t errlen)
{
	char *report = NULL;
	size_t report_len = 0;
	XLU_ConfigList *list;
	libxl_device_disk disk;
	XLU_Config *dc;
	const char *spec;
	FILE *rf;
	int n, i, ret;

	ret = xlu_cfg_get_list(xc, "disk", &list, &n, 1);
	if (ret == ESRCH)
		return 0;
	if (ret) {
		snprintf(err, errlen, "%s: 'disk' is not a list", name);
		return -EINVAL;
	}
	rf = open_memstream(&report, &report_len);
	if (!rf)
		return -ENOMEM;
	dc = xlu_cfg_init(rf, name);
	if (!dc) {
		fclose(rf);
		free(report);
		return -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		spec = xlu_cfg_get_listitem(list, i);
		if (!spec) {
			snprintf(err, errlen, "%s: disk entry %d is not a string", name, i + 1);
			ret = -EINVAL;
			break;
		}
		libxl_device_disk_init(&disk);
		ret = xlu_disk_parse(dc, 1, &spec, &disk);
		if (ret) {
			snprintf(err, errlen, "%s: disk entry %d '%.80s': xl would refuse it",
				 name, i + 1, spec);
			ret = -EINVAL;
		} else {
			ret = twr_ident_add_disk(id, disk.pdev_path);
			if (ret == -E2BIG)
				snprintf(err, errlen, "%s: more than %u disk entries", name,
					 TWR_IDENT_MAX_DEVS);
		}
		libxl_device_disk_dispose(&disk);
	}
	xlu_cfg_destroy(dc);
	fclose(rf);
	free(report);
	return ret;
}

int twr_ident_from_xlcfg(XLU_Config *xc, const char *name, struct twr_ident *id,
			 char *err, size_t errlen)
{
	char mac[TWR_IDENT_MAC_LEN + 1];
	XLU_ConfigList *list;
	const char *s;
	int n, i, ret;

	memset(id, 0, sizeof(*id));
	id->devs_known = true;
	ret = xlu_cfg_get_string(xc, "name", &s, 1);
	if (!ret)
		snprintf(id->name, sizeof(id->name), "%s", s);
	ret = xlu_cfg_get_string(xc, "uuid", &s, 1);
	if (!ret && !twr_ident_uuid(s, id->uuid)) {
		snprintf(err, errlen, "%s: uuid '%.40s' is not a UUID", name, s);
		return -EINVAL;
	}
	ret = ident_disks(xc, name, id, err, errlen);
	if (ret) {
		twr_ident_free(id);
		return ret;
	}
	ret = xlu_cfg_get_list(xc, "vif", &list, &n, 1);
	if (ret == ESRCH)
		return 0;
	if (ret) {
		snprintf(err, errlen, "%s: 'vif' is not a list", name);
		twr_ident_free(id);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		s = xlu_cfg_get_listitem(list, i);
		if (!s || !vif_mac(s, mac)) {
			snprintf(err, errlen, "%s: vif entry %d: not a string, or a bad mac=",
				 name, i + 1);
			ret = -EINVAL;
		} else if (twr_ident_add_nic(id, mac)) {
			snprintf(err, errlen, "%s: more than %u vif entries", name,
				 TWR_IDENT_MAX_DEVS);
			ret = -E2BIG;
		}
		if (ret) {
			twr_ident_free(id);
			return ret;
		}
	}
	return 0;
}

bool twr_ident_match(const struct twr_ident *file, const struct twr_ident *dom,
		     char *why, size_t len)
{
	bool used[TWR_IDENT_MAX_DEVS] = { false };
	unsigned int i, j;

	if (!file->name[0]) {
		snprintf(why, len, "it sets no 'name' (a name given on the xl command line is not seen)");
		return false;
	}
	if (strcmp(file->name, dom->name)) {
		snprintf(why, len, "its name is '%s', the domain's is '%s'", file->name, dom->name);
		return false;
	}
	if (file->uuid[0] && strcmp(file->uuid, dom->uuid)) {
		snprintf(why, len, "its uuid is %s, the domain's is %s", file->uuid,
			 dom->uuid[0] ? dom->uuid : "unknown");
		return false;
	}
	if (!dom->devs_known)
		return true;
	for (i = 0; i < file->ndisks; i++) {
		for (j = 0; j < dom->ndisks; j++)
			if (!used[j] && !strcmp(file->disks[i], dom->disks[j]))
				break;
		if (j == dom->ndisks) {
			snprintf(why, len, "its disk %u (%s) is not one of the domain's %u disk%s",
				 i + 1, file->disks[i][0] ? file->disks[i] : "empty drive",
				 dom->ndisks, dom->ndisks == 1 ? "" : "s");
			return false;
		}
		used[j] = true;
	}
	if (file->nnics > dom->nnics) {
		snprintf(why, len, "it has %u vif%s, the domain %u", file->nnics,
			 file->nnics == 1 ? "" : "s", dom->nnics);
		return false;
	}
	memset(used, 0, sizeof(used));
	for (i = 0; i < file->nnics; i++) {
		if (!file->macs[i][0])
			continue;
		for (j = 0; j < dom->nnics; j++)
			if (!used[j] && !strcmp(file->macs[i], dom->macs[j]))
				break;
		if (j == dom->nnics) {
			snprintf(why, len, "its vif %u (mac %s) is not one of the domain's NICs",
				 i + 1, file->macs[i]);
			return false;
		}
		used[j] = true;
	}
	return true;
}

void twr_ident_free(struct twr_ident *id)
{
	unsigned int i;

	for (i = 0; i < id->ndisks; i++)
		free(id->disks[i]);
	id->ndisks = 0;
}
