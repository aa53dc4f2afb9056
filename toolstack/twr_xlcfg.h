/* SPDX-License-Identifier: MIT */
/*
 * The domU's xl config as twinringd sees it: found on a search path (xl
 * keeps no copy of the text anywhere a daemon can read it), parsed with
 * libxlutil (xl's own parser, so xl's syntax is accepted exactly), and only
 * its 'twinring' key is used:
 *
 *   twinring = [ 'net, bridge=xenbr0, queues=2',
 *                'blk, target=/srv/vm1-data.img, vdev=twa' ]
 */
#ifndef TWINRING_TOOLSTACK_XLCFG_H
#define TWINRING_TOOLSTACK_XLCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "twr_ident.h"

#define TWR_XLCFG_KEY		"twinring"
#define TWR_XLCFG_SEARCH	"/etc/xen:/etc/xen/auto"
#define TWR_XLCFG_MAX_ITEMS	64u
#define TWR_XLCFG_MAX_SIZE	(1u << 20)	/* xl configs are a few KiB */

struct twr_xlcfg {
	unsigned int n;		/* entries of the twinring list */
	char **items;		/* each entry, NULL where it is not a string */
	unsigned int *lines;	/* the line each entry starts on */
	bool has_key;		/* the file has a twinring key at all */
	unsigned int key_line;	/* its line, and offset in the text */
	size_t key_off;
	/* Without one, a key that looks like a misspelt "twinring" (one or
	 * two letters off; xl's lexer refuses capitals itself), and its
	 * line: worth a warning. */
	char near_key[32];
	unsigned int near_line;
	/* What the file says about its domain: name, uuid, disks, vifs. */
	struct twr_ident ident;
};

/* The settings of an xl-syntax text, in order: each "key =" that starts a
 * line. Values that span lines (lists) go on with quotes or brackets, never
 * with a bare name, so a line-start name followed by '=' is always a key.
 * Start with *@pos = 0 and *@line = 0; each call returns the next key's
 * length (0 at the end) with the key at *@key and its line (from 1) in
 * *@line. libxlutil offers no way to list the keys it read. */
size_t twr_cfg_next_key(const char *data, size_t len, size_t *pos, unsigned int *line,
			const char **key);

typedef struct XLU_Config XLU_Config;	/* libxlutil.h */

/* Parse the xl-syntax text @data with libxlutil, after refusing a NUL byte
 * (libxlutil 4.17 aborts on one) and more than @max bytes: 0 with *@xc
 * (xlu_cfg_destroy() it), or a negative errno with @err saying what is
 * wrong (libxlutil's own report, file and line, on one line); @name is used
 * in messages. */
int twr_cfg_parse(const char *name, const char *data, size_t len, size_t max,
		  XLU_Config **xc, char *err, size_t errlen);

/* Read the file at @path, at most @max + 1 bytes (so a parser can tell a
 * file over @max), into a new buffer: 0 with *@buf (free() it) and *@len,
 * or a negative errno with @err saying why (-ENOENT for a missing file). */
int twr_cfg_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		      size_t errlen);

/* Is @name usable as a file name on the search path (no '/', not starting
 * with '.', printable, at most 64 bytes)? */
bool twr_xlcfg_name_ok(const char *name);

/* Find the config of domain @name: for each directory of the colon-separated
 * @search, <dir>/<name>.cfg then <dir>/<name>, the first regular file wins
 * (xl's own lookup for "xl create <name>"). Returns 0 with the path in @path,
 * -ENOENT if there is none, -EINVAL for a name that cannot be a file name. */
int twr_xlcfg_find(const char *search, const char *name, char *path, size_t len);

/* Read the twinring key of the xl config file @path, and what the file says
 * about its domain (cfg->ident). Returns 0 (cfg->n is 0
 * if the key is absent or empty), or a negative errno with @err saying what
 * is wrong, libxlutil's own message included. The key set twice is an
 * error (xl would keep only the last list, silently dropping devices). Files with NUL bytes or over
 * TWR_XLCFG_MAX_SIZE are refused before libxlutil sees them. */
int twr_xlcfg_read(const char *path, struct twr_xlcfg *cfg, char *err, size_t errlen);

/* The same from a buffer (for tests and the fuzzer); @name is used in
 * messages. */
int twr_xlcfg_read_data(const char *name, const char *data, size_t len,
			struct twr_xlcfg *cfg, char *err, size_t errlen);

void twr_xlcfg_free(struct twr_xlcfg *cfg);

/* Restart reconciliation: which config entries still need a device, given
 * the spec strings recorded for the devices created earlier (@records).
 * Entries and records are matched as a multiset of identical strings, so a
 * reordered config creates nothing twice. Sets @create[i] for each entry
 * without a record; returns how many were set. Records matching no entry
 * are left alone (the admin may have attached them by hand). */
unsigned int twr_reconcile(const char *const *items, unsigned int n,
			   const char *const *records, unsigned int m, bool *create);

#endif /* TWINRING_TOOLSTACK_XLCFG_H */
