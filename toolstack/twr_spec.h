/* SPDX-License-Identifier: MIT */
/*
 * One twinring device spec, the string a user writes in a domU's xl config
 * (twinring = [ '...', ... ]) or on the twinctl command line, in xl's own
 * style: a device type first, then comma-separated key=value items.
 *
 *   net, bridge=xenbr0, queues=2, mac=00:16:3e:12:34:56
 *   net, bridge=ovsbr0, script=vif-openvswitch
 *   blk, target=/srv/vm1-data.img, vdev=twa, mode=w, queues=1, iops=500, bw=50M
 *
 * The grammar and every key are documented in docs/man/twinring.cfg.5.
 * The parser is pure (no Xen, no file system): the checks that need the
 * host (does the bridge exist, is the target readable) are made by
 * twr_dev_create() right before anything is written.
 */
#ifndef TWINRING_TOOLSTACK_SPEC_H
#define TWINRING_TOOLSTACK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TWR_SPEC_MAX_LEN	1024u	/* whole spec string */
#define TWR_SPEC_BRIDGE_MAX	15u	/* IFNAMSIZ - 1 */
#define TWR_SPEC_VDEV_MAX	15u	/* a short disk name, like twa */
#define TWR_SPEC_TARGET_MAX	1023u	/* a path */
#define TWR_SPEC_BACKEND_MAX	63u	/* a domain name or id */
#define TWR_SPEC_SCRIPT_MAX	255u	/* script=: a name or an absolute path */
#define TWR_SPEC_QUEUES_MAX	64u	/* channels per device */
/* A disk without queues=: one queue per domU vCPU up to this, the most
 * twinblk-front takes by default (its max_queues). */
#define TWR_SPEC_BLK_QUEUES_DEFAULT	4u
#define TWR_SPEC_IOPS_MAX	10000000u	/* iops= */
#define TWR_SPEC_BW_MIN		4096u		/* bw=, bytes/s */
#define TWR_SPEC_BW_MAX		(1ull << 40)

enum twr_dev_kind {
	TWR_DEV_NET,
	TWR_DEV_BLK,
};

/* What is wrong with a spec: the code tests and callers can switch on. */
enum twr_spec_errcode {
	TWR_SPEC_OK = 0,
	TWR_SPEC_EMPTY,		/* nothing but blanks */
	TWR_SPEC_TOO_LONG,	/* whole string or one value too long */
	TWR_SPEC_MALFORMED,	/* an empty item, no '=', empty key or value */
	TWR_SPEC_UNKNOWN_TYPE,	/* first item is not net or blk */
	TWR_SPEC_UNKNOWN_KEY,	/* key not valid for this type */
	TWR_SPEC_DUPLICATE_KEY,	/* a key given twice */
	TWR_SPEC_BAD_VALUE,	/* a number, MAC, mode, name out of form/range */
	TWR_SPEC_MISSING_KEY,	/* a required key is absent */
};

struct twr_spec_error {
	enum twr_spec_errcode code;
	unsigned int column;	/* 1-based offset of the offending item, 0 if none */
	char msg[192];		/* names the key and what is wrong */
};

struct twr_spec {
	enum twr_dev_kind kind;
	unsigned int queues;		/* 1 .. TWR_SPEC_QUEUES_MAX */
	char backend[TWR_SPEC_BACKEND_MAX + 1];	/* domain name/id, "" = 0 */
	union {
		struct {
			char bridge[TWR_SPEC_BRIDGE_MAX + 1];
			bool has_mac;		/* else one is generated */
			uint8_t mac[6];
			/* script=: a hotplug script run instead of the
			 * built-in bridging, "" for none. A bare name (looked
			 * up in the scripts directory) or an absolute path. */
			char script[TWR_SPEC_SCRIPT_MAX + 1];
		} net;
		struct {
			char target[TWR_SPEC_TARGET_MAX + 1];
			char vdev[TWR_SPEC_VDEV_MAX + 1];
			bool writable;		/* mode=w (the default) */
			uint32_t iops;		/* iops=, 0: no limit */
			bool cache_writeback;	/* cache=writeback; none: direct */
			uint64_t bw;		/* bw= in bytes/s, 0: none */
		} blk;
	};
};

/* Parse @str into @spec. Returns 0, or -EINVAL with @err (if not NULL)
 * saying which item is wrong and why; @spec is then unspecified. */
int twr_spec_parse(const char *str, struct twr_spec *spec,
		   struct twr_spec_error *err);

/* Parse a MAC "xx:xx:xx:xx:xx:xx" (hex, ':' or '-'). Returns 0 or -EINVAL. */
int twr_mac_parse(const char *str, uint8_t mac[6]);

/* Format @mac as "xx:xx:xx:xx:xx:xx" into @buf (at least 18 bytes). */
void twr_mac_format(const uint8_t mac[6], char *buf, size_t len);

/* The user-facing name of a kind ("net", "blk") and the xenbus device type
 * ("twinnet", "twinblk"). */
const char *twr_dev_kind_name(enum twr_dev_kind kind);
const char *twr_dev_kind_xs(enum twr_dev_kind kind);

/* @in with its control bytes as \xNN, cut to @len: a config entry may
 * carry escape sequences that would reach a terminal through the journal
 * or twinctl show. */
void twr_printable(char *out, size_t len, const char *in);

/* Accept "net"/"twinnet" and "blk"/"twinblk". Returns 0 or -EINVAL. */
int twr_dev_kind_parse(const char *str, enum twr_dev_kind *kind);

/* A disk name the frontend may register: "tw", then [a-z]+, then optional
 * digits, at most TWR_SPEC_VDEV_MAX characters. The prefix keeps twinblk
 * out of other drivers' names (xvd*, sd*, vd*), as the frontend insists. */
bool twr_vdev_valid(const char *vdev);

#endif /* TWINRING_TOOLSTACK_SPEC_H */
