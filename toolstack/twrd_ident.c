// SPDX-License-Identifier: MIT
/*
 * twinringd: what a domain is, as libxl stored it at create (its name,
 * uuid, disks and NICs), to hold a config file found by name against
 * (twr_ident.h has the rules).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxl.h>

#include "twrd.h"

void twrd_ident_init(struct twrd_daemon *dm)
{
	dm->xl_log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (!dm->xl_log ||
	    libxl_ctx_alloc(&dm->xl, LIBXL_VERSION, 0, (xentoollog_logger *)dm->xl_log)) {
		dm->xl = NULL;
		twrd_log(dm, LOG_WARNING,
			 "libxl is not available: config files are checked against a domain's name and uuid only");
	}
}

void twrd_ident_fini(struct twrd_daemon *dm)
{
	if (dm->xl)
		libxl_ctx_free(dm->xl);
	if (dm->xl_log)
		xtl_logger_destroy((xentoollog_logger *)dm->xl_log);
	dm->xl = NULL;
	dm->xl_log = NULL;
}

void twrd_handle_uuid(const uint8_t h[16], char out[TWR_IDENT_UUID_LEN + 1])
{
	snprintf(out, TWR_IDENT_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11],
		 h[12], h[13], h[14], h[15]);
}

/* The uuid Xen holds for @domid (the domain handle), "" if unknown. */
static void dom_uuid(struct twrd_daemon *dm, uint32_t domid, struct twr_ident *id)
{
	xc_domaininfo_t info;

	if (xc_domain_getinfolist(dm->xch, domid, 1, &info) != 1 || info.domain != domid)
		return;
	twrd_handle_uuid(info.handle, id->uuid);
}

int twrd_dom_ident(struct twrd_daemon *dm, uint32_t domid, const char *name,
		   struct twr_ident *id)
{
	libxl_domain_config dc;
	char mac[TWR_IDENT_MAC_LEN + 1];
	const uint8_t *m;
	int i, ret = 0;

	memset(id, 0, sizeof(*id));
	snprintf(id->name, sizeof(id->name), "%s", name);
	dom_uuid(dm, domid, id);
	if (!dm->xl)
		return 0;
	libxl_domain_config_init(&dc);
	/* libxl stores it right after the domain is made, before its devices:
	 * a domain seen at @introduceDomain may not have it yet. */
	if (libxl_retrieve_domain_configuration(dm->xl, domid, &dc, NULL)) {
		libxl_domain_config_dispose(&dc);
		return -EAGAIN;
	}
	for (i = 0; !ret && i < dc.num_disks; i++)
		ret = twr_ident_add_disk(id, dc.disks[i].pdev_path);
	for (i = 0; !ret && i < dc.num_nics; i++) {
		m = dc.nics[i].mac;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
		ret = twr_ident_add_nic(id, mac);
	}
	libxl_domain_config_dispose(&dc);
	if (ret) {
		twr_ident_free(id);
		return ret;
	}
	id->devs_known = true;
	return 0;
}
