/* SPDX-License-Identifier: MIT */
/*
 * twinringd's own configuration, /etc/twinring/twinringd.conf (twinringd(8)),
 * in xl syntax:
 *
 *   search_path = "/etc/xen:/etc/xen/auto"
 *   close_timeout = 10
 *   iotask = "register"
 *   targets = "/srv/vm:/dev/vg0"
 *   scripts_dir = "/etc/xen/scripts"
 *
 * It fails closed: a file that does not parse, an unknown or repeated key,
 * or a bad value is an error naming the file and line, never "the defaults"
 * (a typo in iotask must not switch enforcement off unseen).
 */
#ifndef TWINRING_TOOLSTACK_DCONF_H
#define TWINRING_TOOLSTACK_DCONF_H

#include <stdbool.h>
#include <stddef.h>

#define TWR_DCONF_PATH		"/etc/twinring/twinringd.conf"
#define TWR_DCONF_MAX_SIZE	(64u << 10)
#define TWR_DCONF_TIMEOUT_MAX	600u	/* close_timeout, seconds */

/* What the file sets; has_* is false for a key it does not set. */
struct twr_dconf {
	bool has_search, has_close_timeout, has_iotask, has_targets, has_scripts_dir;
	char search[1024];
	char targets[1024];	/* where xl configs' blk targets may be */
	unsigned int close_timeout_s;
	char iotask[16];	/* "off", "register" or "enforce" */
	char scripts_dir[256];	/* where script= names are looked up */
};

/* Read the file at @path into @conf (zeroed first). A missing file is no
 * error (0, nothing set: the defaults need none). Otherwise 0, or a negative
 * errno with @err saying what is wrong and where ("FILE:LINE: ..."). */
int twr_dconf_read(const char *path, struct twr_dconf *conf, char *err, size_t errlen);

/* The same from a buffer (tests); @name is used in messages. */
int twr_dconf_parse(const char *name, const char *data, size_t len,
		    struct twr_dconf *conf, char *err, size_t errlen);

#endif /* TWINRING_TOOLSTACK_DCONF_H */
