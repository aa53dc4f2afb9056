// SPDX-License-Identifier: MIT
/*
 * twinringd's configuration file (twr_dconf.h). libxlutil parses the values,
 * as for a domU's config; the key check is ours (twr_cfg_next_key()),
 * because libxlutil keeps what it does not know without a word.
 */
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "twr_dconf.h"
#include "twr_xlcfg.h"

static const char *const known_keys[] = { "search_path", "close_timeout", "iotask", "targets",
					  "scripts_dir" };
static const char *const iotask_modes[] = { "off", "register", "enforce" };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int find(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return (int)i;
	return -1;
}

/* Every setting must be a known key, set once. */
static int check_keys(const char *name, const char *data, size_t len, char *err, size_t errlen)
{
	unsigned int line = 0, seen_line[ARRAY_LEN(known_keys)] = { 0 };
	size_t pos = 0, klen;
	const char *k;
	int i;

	while ((klen = twr_cfg_next_key(data, len, &pos, &line, &k))) {
		i = find(known_keys, ARRAY_LEN(known_keys), k, klen);
		if (i < 0) {
			snprintf(err, errlen,
				 "%s:%u: unknown key '%.*s' (known: search_path, close_timeout, iotask, targets, scripts_dir)",
				 name, line, (int)(klen > 64 ? 64 : klen), k);
			return -EINVAL;
		}
		if (seen_line[i]) {
			snprintf(err, errlen, "%s:%u: '%s' is set again (first on line %u)", name, line,
				 known_keys[i], seen_line[i]);
			return -EINVAL;
		}
		seen_line[i] = line;
	}
	return 0;
}

/* Absolute directories, colon-separated, none empty: a relative one would
 * depend on the daemon's working directory. */
static bool search_ok(const char *s)
{
	for (;;) {
		if (*s != '/')
			return false;
		s = strchr(s, ':');
		if (!s)
			return true;
		s++;
	}
}

static int get_values(XLU_Config *xc, const char *name, struct twr_dconf *conf, char *err,
		      size_t errlen)
{
	const char *s;
	long v;
	int ret;

	ret = xlu_cfg_get_string(xc, "search_path", &s, 1);
	if (!ret) {
		if (!*s || strlen(s) >= sizeof(conf->search)) {
			snprintf(err, errlen, "%s: search_path must be 1 to %zu characters", name,
				 sizeof(conf->search) - 1);
			return -EINVAL;
		}
		if (!search_ok(s)) {
			snprintf(err, errlen,
				 "%s: search_path = \"%.64s\": expected absolute directories separated by ':'",
				 name, s);
			return -EINVAL;
		}
		snprintf(conf->search, sizeof(conf->search), "%s", s);
		conf->has_search = true;
	} else if (ret != ESRCH) {
		snprintf(err, errlen, "%s: search_path must be a string, e.g. \"/etc/xen:/srv/vm\"",
			 name);
		return -EINVAL;
	}
	ret = xlu_cfg_get_string(xc, "targets", &s, 1);
	if (!ret) {
		if (!*s || strlen(s) >= sizeof(conf->targets) || !search_ok(s)) {
			snprintf(err, errlen,
				 "%s: targets = \"%.64s\": expected absolute directories separated by ':'",
				 name, s);
			return -EINVAL;
		}
		snprintf(conf->targets, sizeof(conf->targets), "%s", s);
		conf->has_targets = true;
	} else if (ret != ESRCH) {
		snprintf(err, errlen, "%s: targets must be a string, e.g. \"/srv/vm:/dev/vg0\"", name);
		return -EINVAL;
	}
	ret = xlu_cfg_get_string(xc, "scripts_dir", &s, 1);
	if (!ret) {
		if (!*s || strlen(s) >= sizeof(conf->scripts_dir) || !search_ok(s) ||
		    strchr(s, ':')) {
			snprintf(err, errlen,
				 "%s: scripts_dir = \"%.64s\": expected one absolute directory, at most %zu characters",
				 name, s, sizeof(conf->scripts_dir) - 1);
			return -EINVAL;
		}
		snprintf(conf->scripts_dir, sizeof(conf->scripts_dir), "%s", s);
		conf->has_scripts_dir = true;
	} else if (ret != ESRCH) {
		snprintf(err, errlen, "%s: scripts_dir must be a string, e.g. \"/etc/xen/scripts\"",
			 name);
		return -EINVAL;
	}
	ret = xlu_cfg_get_bounded_long(xc, "close_timeout", 0, TWR_DCONF_TIMEOUT_MAX, &v, 1);
	if (!ret) {
		conf->close_timeout_s = (unsigned int)v;
		conf->has_close_timeout = true;
	} else if (ret != ESRCH) {
		snprintf(err, errlen, "%s: close_timeout must be seconds, 0 to %u", name,
			 TWR_DCONF_TIMEOUT_MAX);
		return -EINVAL;
	}
	ret = xlu_cfg_get_string(xc, "iotask", &s, 1);
	if (!ret) {
		if (find(iotask_modes, ARRAY_LEN(iotask_modes), s, strlen(s)) < 0) {
			snprintf(err, errlen, "%s: iotask = \"%.32s\": expected off, register or enforce",
				 name, s);
			return -EINVAL;
		}
		snprintf(conf->iotask, sizeof(conf->iotask), "%s", s);
		conf->has_iotask = true;
	} else if (ret != ESRCH) {
		snprintf(err, errlen, "%s: iotask must be a string: \"off\", \"register\" or \"enforce\"",
			 name);
		return -EINVAL;
	}
	return 0;
}

int twr_dconf_parse(const char *name, const char *data, size_t len,
		    struct twr_dconf *conf, char *err, size_t errlen)
{
	XLU_Config *xc;
	int ret;

	memset(conf, 0, sizeof(*conf));
	err[0] = '\0';
	ret = twr_cfg_parse(name, data, len, TWR_DCONF_MAX_SIZE, &xc, err, errlen);
	if (ret)
		return ret == -EFBIG ? ret : -EINVAL;
	ret = check_keys(name, data, len, err, errlen);
	if (!ret)
		ret = get_values(xc, name, conf, err, errlen);
	if (ret)
		memset(conf, 0, sizeof(*conf));
	xlu_cfg_destroy(xc);
	return ret;
}

int twr_dconf_read(const char *path, struct twr_dconf *conf, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int ret;

	memset(conf, 0, sizeof(*conf));
	err[0] = '\0';
	ret = twr_cfg_read_file(path, TWR_DCONF_MAX_SIZE, &buf, &n, err, errlen);
	if (ret == -ENOENT) {
		err[0] = '\0';
		return 0;	/* no file: the defaults */
	}
	if (ret)
		return ret;
	ret = twr_dconf_parse(path, buf, n, conf, err, errlen);
	free(buf);
	return ret;
}
