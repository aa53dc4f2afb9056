// SPDX-License-Identifier: MIT
/*
 * A fake tree under a temporary directory (fake_tree.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../twr_cunit.h"
#include "fake_tree.h"

void fake_tree_mk(const char *root, const char *rel, const char *text)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (!text) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}
