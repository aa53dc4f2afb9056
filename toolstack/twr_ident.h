/* SPDX-License-Identifier: MIT */
/*
 * Whose config is this? xl keeps no copy of a domain's config text, so
 * twinringd finds the file by the domain's name on a search path -- and a
 * file of the same name may belong to another guest (xl create
 * /srv/vm/web.cfg while /etc/xen/web.cfg exists). Before the file's
 * twinring devices are attached, what the file says about the domain is
 * held against what the domain is:
 *
 *   name   the file's 'name' equals the domain's (required);
 *   uuid   when the file sets one, the domain's equals it;
 *   disk   every 'disk' entry of the file is one of the domain's disks (its
 *          target, as libxlutil parses it for xl), when the domain's own
 *          libxl configuration can be read;
 *   vif    the domain has at least as many NICs as the file's 'vif' list,
 *          and each MAC the file gives is one of the domain's.
 *
 * Disks and NICs are compared as "the file's are among the domain's", not
 * as equal sets, so a disk or NIC hot-added with xl block-attach or
 * network-attach does not turn the domain's own file into a stranger's.
 */
#ifndef TWINRING_TOOLSTACK_IDENT_H
#define TWINRING_TOOLSTACK_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "twr_domain.h"		/* TWR_DOMNAME_MAX */

#define TWR_IDENT_MAX_DEVS	64u
#define TWR_IDENT_UUID_LEN	36u	/* 8-4-4-4-12 hex digits */
#define TWR_IDENT_MAC_LEN	17u	/* xx:xx:xx:xx:xx:xx */

struct twr_ident {
	char name[TWR_DOMNAME_MAX];		/* "" when not given */
	char uuid[TWR_IDENT_UUID_LEN + 1];	/* lower case; "" when not given */
	bool devs_known;	/* disks and NICs below are filled in */
	unsigned int ndisks, nnics;
	char *disks[TWR_IDENT_MAX_DEVS];	/* targets; "" for an empty drive */
	char macs[TWR_IDENT_MAX_DEVS][TWR_IDENT_MAC_LEN + 1];	/* "" when not given */
};

typedef struct XLU_Config XLU_Config;	/* libxlutil.h */

/* What the parsed xl config @xc says about its domain; @name is the file's
 * name for messages. Returns 0, or a negative errno with @err saying what
 * is wrong (a disk entry xl would refuse, a bad uuid or MAC, too many). */
int twr_ident_from_xlcfg(XLU_Config *xc, const char *name, struct twr_ident *id,
			 char *err, size_t errlen);

/* Add one disk target / NIC MAC to @id (the daemon fills the domain's side
 * from libxl). A NULL @target is an empty drive; @mac may be "". */
int twr_ident_add_disk(struct twr_ident *id, const char *target);
int twr_ident_add_nic(struct twr_ident *id, const char *mac);

/* Normalise a textual MAC or UUID into @out (lower case); false if @s is
 * not one. */
bool twr_ident_mac(const char *s, char out[TWR_IDENT_MAC_LEN + 1]);
bool twr_ident_uuid(const char *s, char out[TWR_IDENT_UUID_LEN + 1]);

/* Does the file's identity @file describe the domain @dom (the rules at the
 * top)? true, or false with @why saying the first difference. */
bool twr_ident_match(const struct twr_ident *file, const struct twr_ident *dom,
		     char *why, size_t len);

void twr_ident_free(struct twr_ident *id);

#endif /* TWINRING_TOOLSTACK_IDENT_H */
