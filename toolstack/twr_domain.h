/* SPDX-License-Identifier: MIT */
/*
 * Domains by id or name, as xenstore lists them.
 */
#ifndef TWINRING_TOOLSTACK_DOMAIN_H
#define TWINRING_TOOLSTACK_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twr_tool.h"

#define TWR_DOMNAME_MAX		64u

/* Domain by id ("5") or name ("vm1"); a string of digits is an id, as in
 * xl. Returns 0 or -ENOENT (message names what was looked for). */
int twr_domain_resolve(struct twr_tool *t, const char *name_or_id,
		       uint32_t *domid);

/* The domain's name into @buf ("" if it has none). Returns 0 or -ENOENT. */
int twr_domain_name(struct twr_tool *t, uint32_t domid, char *buf, size_t len);

/* xl migrate names the receiving domain <name>--incoming until the
 * migration succeeds; just before, the source renames itself
 * <name>--migratedaway; then the receiving end is renamed <name>. */
#define TWR_DOM_INCOMING	"--incoming"
#define TWR_DOM_MIGRATEDAWAY	"--migratedaway"

/* Strip TWR_DOM_INCOMING from the end of @name; true if it was there. */
bool twr_domain_strip_incoming(char *name);

/* Are the domains named @dst and @src the two ends of one migration on
 * this host, at any point of it ("web--incoming" and "web", "web--incoming"
 * and "web--migratedaway", "web" and "web--migratedaway")? */
bool twr_domain_migration_pair(const char *dst, const char *src);

/* The ids of all domains xenstore knows, sorted, into a malloc'd array.
 * Returns the count or a negative errno. */
int twr_domain_list(struct twr_tool *t, uint32_t **ids);

#endif /* TWINRING_TOOLSTACK_DOMAIN_H */
