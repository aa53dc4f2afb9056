// SPDX-License-Identifier: MIT
/*
 * Domain lookup through xenstore: every running domain has
 * /local/domain/<id>, and xl writes its name there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "twr_domain.h"
#include "twr_tool.h"
#include "twr_xsplan.h"

int twr_domain_name(struct twr_tool *t, uint32_t domid, char *buf, size_t len)
{
	char path[64];
	unsigned int n;
	char *v;

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	v = xs_read(t->xsh, XBT_NULL, path, &n);
	if (!v) {
		snprintf(path, sizeof(path), "/local/domain/%u", domid);
		v = xs_read(t->xsh, XBT_NULL, path, &n);
		if (!v)
			return twr_tool_fail(t, -ENOENT, "domain %u does not exist (see xl list)",
					     domid);
		buf[0] = '\0';
	} else {
		snprintf(buf, len, "%s", v);
	}
	free(v);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int twr_domain_list(struct twr_tool *t, uint32_t **ids)
{
	unsigned int n, i, k = 0;
	uint32_t *out;
	char **ents;

	ents = xs_directory(t->xsh, XBT_NULL, "/local/domain", &n);
	if (!ents)
		return twr_tool_fail(t, -errno, "cannot list /local/domain in xenstore: %s",
				     strerror(errno));
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		free(ents);
		return twr_tool_fail(t, -ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		if (!twr_id_parse(ents[i], &out[k]))
			k++;
	free(ents);
	qsort(out, k, sizeof(*out), cmp_u32);
	*ids = out;
	return (int)k;
}

int twr_domain_resolve(struct twr_tool *t, const char *name_or_id,
		       uint32_t *domid)
{
	char name[TWR_DOMNAME_MAX];
	uint32_t *ids = NULL;
	int n, i, found = 0;

	if (!twr_id_parse(name_or_id, domid)) {
		if (twr_domain_name(t, *domid, name, sizeof(name)))
			return twr_tool_fail(t, -ENOENT,
					     "no domain with id %s (see xl list)", name_or_id);
		return 0;
	}
	n = twr_domain_list(t, &ids);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (twr_domain_name(t, ids[i], name, sizeof(name)) ||
		    strcmp(name, name_or_id))
			continue;
		*domid = ids[i];
		found++;
	}
	free(ids);
	if (found == 0)
		return twr_tool_fail(t, -ENOENT,
				     "no domain named '%s' (see xl list)", name_or_id);
	if (found > 1)
		return twr_tool_fail(t, -EEXIST,
				     "%d domains are named '%s': give the domain id instead",
				     found, name_or_id);
	return 0;
}

/* The length of @name before @suffix, 0 if it does not end with it (or
 * is nothing else). */
static size_t base_len(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcmp(name + n - k, suffix) ? n - k : 0;
}

bool twr_domain_strip_incoming(char *name)
{
	size_t n = base_len(name, TWR_DOM_INCOMING);

	if (n)
		name[n] = '\0';
	return n;
}

bool twr_domain_migration_pair(const char *dst, const char *src)
{
	size_t a = base_len(dst, TWR_DOM_INCOMING), b = base_len(src, TWR_DOM_MIGRATEDAWAY);
	size_t la = a ? a : strlen(dst), lb = b ? b : strlen(src);

	return (a || b) && la == lb && !strncmp(dst, src, la);
}
