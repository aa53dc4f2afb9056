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
 * migration succeeds; then it is renamed <name>. */
#define TWR_DOM_INCOMING	"--incoming"

/* Strip TWR_DOM_INCOMING from the end of @name; true if it was there. */
bool twr_domain_strip_incoming(char *name);

/* Is the domain named @incoming the receiving end of a migration of the
 * domain named @name ("web--incoming" of "web")? */
bool twr_domain_incoming_of(const char *incoming, const char *name);

/* The ids of all domains xenstore knows, sorted, into a malloc'd array.
 * Returns the count or a negative errno. */
int twr_domain_list(struct twr_tool *t, uint32_t **ids);

#endif /* TWINRING_TOOLSTACK_DOMAIN_H */
