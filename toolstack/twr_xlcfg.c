// SPDX-License-Identifier: MIT
/*
 * Finding and reading a domU's xl config (see twr_xlcfg.h). libxlutil does
 * the parsing; its messages go to a memory stream so they can be logged with
 * the domain's name instead of landing on the daemon's stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxlutil.h>

#include "twr_xlcfg.h"

bool twr_xlcfg_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return false;
	for (; *name; name++)
		if (*name == '/' || !isgraph((unsigned char)*name))
			return false;
	return true;
}

int twr_xlcfg_find(const char *search, const char *name, char *path, size_t len)
{
	static const char *const suffix[] = { ".cfg", "" };
	const char *dir = search, *end;
	struct stat st;
	unsigned int i;
	int n;

	if (!twr_xlcfg_name_ok(name))
		return -EINVAL;
	while (*dir) {
		end = strchr(dir, ':');
		if (!end)
			end = dir + strlen(dir);
		for (i = 0; end > dir && i < 2; i++) {
			n = snprintf(path, len, "%.*s/%s%s", (int)(end - dir), dir, name,
				     suffix[i]);
			if (n < 0 || (size_t)n >= len)
				continue;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		}
		dir = *end ? end + 1 : end;
	}
	path[0] = '\0';
	return -ENOENT;
}

void twr_xlcfg_free(struct twr_xlcfg *cfg)
{
	unsigned int i;

	for (i = 0; cfg->items && i < cfg->n; i++)
		free(cfg->items[i]);
	free(cfg->items);
	free(cfg->lines);
	cfg->items = NULL;
	cfg->lines = NULL;
	cfg->n = 0;
	twr_ident_free(&cfg->ident);
}

size_t twr_cfg_next_key(const char *data, size_t len, size_t *pos, unsigned int *line,
			const char **key)
{
	const char *p, *end = data + len, *eol, *k;
	size_t klen;

	for (p = data + *pos; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		(*line)++;
		*pos = (size_t)(eol - data) + 1;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol || !(isalpha((unsigned char)*p) || *p == '_'))
			continue;
		k = p;
		while (p < eol && (isalnum((unsigned char)*p) || *p == '_'))
			p++;
		klen = (size_t)(p - k);
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p < eol && *p == '=') {
			*key = k;
			return klen;
		}
	}
	*pos = len;
	return 0;
}

/* Edit distance of @a (length @n) and @b, at most 3 (anything more is 3):
 * "twinrings", "twin_ring", "twinrng" are within 2 of "twinring". */
static unsigned int distance(const char *a, size_t n, const char *b)
{
	unsigned int row[34], prev, cur, i, j, m = (unsigned int)strlen(b);

	if (n > 32 || m > 32)
		return 3;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= m; j++) {
			cur = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) == b[j - 1] ? prev :
				 1 + (prev < row[j - 1] ? (prev < row[j] ? prev : row[j]) :
				      (row[j - 1] < row[j] ? row[j - 1] : row[j]));
			prev = cur;
		}
	}
	return row[m] > 3 ? 3 : row[m];
}

/* The twinring key once at most; remember a near miss for a warning. */
static int scan_keys(const char *name, const char *data, size_t len, struct twr_xlcfg *cfg,
		     char *err, size_t errlen)
{
	size_t pos = 0, klen, want = strlen(TWR_XLCFG_KEY);
	unsigned int line = 0, first = 0;
	const char *k;

	while ((klen = twr_cfg_next_key(data, len, &pos, &line, &k))) {
		if (klen == want && !memcmp(k, TWR_XLCFG_KEY, want)) {
			if (first) {
				snprintf(err, errlen,
					 "%s:%u: '%s' is set again (first on line %u): xl keeps only the last list; put every entry in one",
					 name, line, TWR_XLCFG_KEY, first);
				return -EINVAL;
			}
			first = line;
			cfg->key_line = line;
			cfg->key_off = (size_t)(k - data);
		} else if (!cfg->near_line && distance(k, klen, TWR_XLCFG_KEY) <= 2) {
			snprintf(cfg->near_key, sizeof(cfg->near_key), "%.*s",
				 (int)(klen < sizeof(cfg->near_key) ? klen : sizeof(cfg->near_key) - 1), k);
			cfg->near_line = line;
		}
	}
	return 0;
}

/* Copy libxlutil's report into @err as one line. */
static void report_to_err(char *err, size_t errlen, char *report)
{
	size_t i;

	for (i = 0; report[i]; i++)
		if (report[i] == '\n')
			report[i] = ' ';
	while (i > 0 && report[i - 1] == ' ')
		report[--i] = '\0';
	snprintf(err, errlen, "%s", report);
}

/* Pull the twinring list out of a parsed config. */
static int cfg_extract(XLU_Config *xc, const char *name, struct twr_xlcfg *cfg,
		       char *err, size_t errlen)
{
	XLU_ConfigList *list;
	const char *item;
	int n, i, ret;

	ret = xlu_cfg_get_list(xc, TWR_XLCFG_KEY, &list, &n, 1);
	if (ret == ESRCH)
		return 0;	/* no twinring key: no devices */
	if (ret) {
		snprintf(err, errlen,
			 "%s: '%s' must be a list of strings, e.g. %s = [ 'net, bridge=xenbr0' ]",
			 name, TWR_XLCFG_KEY, TWR_XLCFG_KEY);
		return -EINVAL;
	}
	cfg->has_key = true;
	if ((unsigned int)n > TWR_XLCFG_MAX_ITEMS) {
		snprintf(err, errlen, "%s: '%s' has %d entries, at most %u are accepted",
			 name, TWR_XLCFG_KEY, n, TWR_XLCFG_MAX_ITEMS);
		return -E2BIG;
	}
	cfg->items = calloc((size_t)n + 1, sizeof(*cfg->items));
	if (!cfg->items)
		return -ENOMEM;
	cfg->n = (unsigned int)n;
	for (i = 0; i < n; i++) {
		item = xlu_cfg_get_listitem(list, i);
		if (!item)
			continue;	/* a nested list: reported per entry */
		cfg->items[i] = strdup(item);
		if (!cfg->items[i]) {
			twr_xlcfg_free(cfg);
			return -ENOMEM;
		}
	}
	return 0;
}

int twr_cfg_parse(const char *name, const char *data, size_t len, size_t max,
		  XLU_Config **xcp, char *err, size_t errlen)
{
	const char *nul = memchr(data, '\0', len);
	char *report = NULL;
	size_t report_len = 0;
	XLU_Config *xc;
	FILE *rf;
	int ret;

	*xcp = NULL;
	/* libxlutil 4.17 asserts (aborts the daemon) on a NUL inside a quoted
	 * string, found by tests/fuzz/toolstack/fuzz_xlcfg.c: no text config has one. */
	if (nul) {
		snprintf(err, errlen, "%s: a NUL byte at offset %zu: not a text file",
			 name, (size_t)(nul - data));
		return -EINVAL;
	}
	if (len > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", name, max);
		return -EFBIG;
	}
	rf = open_memstream(&report, &report_len);
	if (!rf)
		return -ENOMEM;
	xc = xlu_cfg_init(rf, name);
	if (!xc) {
		ret = -ENOMEM;
		goto out_report;
	}
	ret = xlu_cfg_readdata(xc, data, (int)len);
	if (ret) {
		/* libxlutil's report names the file and line already. */
		fflush(rf);
		if (report && *report)
			report_to_err(err, errlen, report);
		else
			snprintf(err, errlen, "%s: cannot read: %s", name, strerror(ret));
		xlu_cfg_destroy(xc);
		ret = -ret;
		goto out_report;
	}
	*xcp = xc;
out_report:
	fclose(rf);
	free(report);
	return ret;
}

/* The line each entry of the twinring list starts on (twr_xlcfg.lines),
 * by a scan of the text from the key: an entry starts with a quote or, for
 * a nested list, '[' at depth 1; strings (with backslash escapes) and '#'
 * comments are skipped. Entries it cannot place keep the key's line. */
static int item_lines(const char *data, size_t len, struct twr_xlcfg *cfg)
{
	const char *p = data + cfg->key_off, *end = data + len;
	unsigned int line = cfg->key_line, depth = 0, idx = 0, i;
	char q;

	cfg->lines = calloc((size_t)cfg->n + 1, sizeof(*cfg->lines));
	if (!cfg->lines)
		return -ENOMEM;
	for (i = 0; i < cfg->n; i++)
		cfg->lines[i] = cfg->key_line;
	for (; p < end; p++) {
		if (*p == '\n') {
			line++;
		} else if (*p == '#') {
			while (p + 1 < end && p[1] != '\n')
				p++;
		} else if (*p == '\'' || *p == '"') {
			if (depth == 1 && idx < cfg->n)
				cfg->lines[idx++] = line;
			for (q = *p++; p < end && *p != q; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if (*p == '\n')
					line++;
			}
		} else if (*p == '[') {
			if (depth == 1 && idx < cfg->n)
				cfg->lines[idx++] = line;
			depth++;
		} else if (*p == ']') {
			if (depth <= 1)
				break;
			depth--;
		}
	}
	return 0;
}

int twr_xlcfg_read_data(const char *name, const char *data, size_t len,
			struct twr_xlcfg *cfg, char *err, size_t errlen)
{
	XLU_Config *xc;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	ret = twr_cfg_parse(name, data, len, TWR_XLCFG_MAX_SIZE, &xc, err, errlen);
	if (ret)
		return ret;
	ret = scan_keys(name, data, len, cfg, err, errlen);
	if (!ret)
		ret = cfg_extract(xc, name, cfg, err, errlen);
	if (!ret && cfg->n)
		ret = item_lines(data, len, cfg);
	if (!ret) {
		ret = twr_ident_from_xlcfg(xc, name, &cfg->ident, err, errlen);
		if (ret)
			twr_xlcfg_free(cfg);
	}
	xlu_cfg_destroy(xc);
	return ret;
}

int twr_cfg_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		      size_t errlen)
{
	FILE *f;
	int ret = 0;

	*buf = NULL;
	*len = 0;
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return ret;
	}
	*buf = malloc(max + 1);
	if (!*buf) {
		fclose(f);
		return -ENOMEM;
	}
	/* Read it ourselves, once: the checks and the parse see the same bytes. */
	*len = fread(*buf, 1, max + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(EIO));
		free(*buf);
		*buf = NULL;
		ret = -EIO;
	}
	fclose(f);
	return ret;
}

int twr_xlcfg_read(const char *path, struct twr_xlcfg *cfg, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = twr_cfg_read_file(path, TWR_XLCFG_MAX_SIZE, &buf, &n, err, errlen);
	if (ret)
		return ret;
	ret = twr_xlcfg_read_data(path, buf, n, cfg, err, errlen);
	free(buf);
	return ret;
}

unsigned int twr_reconcile(const char *const *items, unsigned int n,
			   const char *const *records, unsigned int m, bool *create)
{
	bool used[TWR_XLCFG_MAX_ITEMS] = { false };
	unsigned int i, j, count = 0;

	if (m > TWR_XLCFG_MAX_ITEMS)
		m = TWR_XLCFG_MAX_ITEMS;
	for (i = 0; i < n; i++) {
		create[i] = items[i] != NULL;
		for (j = 0; create[i] && j < m; j++) {
			if (!used[j] && records[j] && !strcmp(items[i], records[j])) {
				used[j] = true;
				create[i] = false;
			}
		}
		count += create[i];
	}
	return count;
}
