// SPDX-License-Identifier: MIT
/*
 * Device spec parser (see twr_spec.h). The input is untrusted: it comes
 * from a domU's config file, which need not be written by the dom0 admin,
 * so every length is bounded and every value is checked for form before it
 * is accepted; libFuzzer drives this file (tests/fuzz/toolstack/).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "twinring/xenbus.h"
#include "twr_spec.h"

struct spec_ctx {
	struct twr_spec *spec;
	struct twr_spec_error *err;
};

static int spec_fail(struct twr_spec_error *err, enum twr_spec_errcode code,
		     unsigned int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int spec_fail(struct twr_spec_error *err, enum twr_spec_errcode code,
		     unsigned int column, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->column = column;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *twr_dev_kind_name(enum twr_dev_kind kind)
{
	return kind == TWR_DEV_NET ? "net" : "blk";
}

const char *twr_dev_kind_xs(enum twr_dev_kind kind)
{
	return kind == TWR_DEV_NET ? TWR_XS_KIND_NET : TWR_XS_KIND_BLK;
}

int twr_dev_kind_parse(const char *str, enum twr_dev_kind *kind)
{
	if (!strcmp(str, "net") || !strcmp(str, TWR_XS_KIND_NET)) {
		*kind = TWR_DEV_NET;
		return 0;
	}
	if (!strcmp(str, "blk") || !strcmp(str, TWR_XS_KIND_BLK)) {
		*kind = TWR_DEV_BLK;
		return 0;
	}
	return -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int twr_mac_parse(const char *str, uint8_t mac[6])
{
	unsigned int i;
	int hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(str[0]);
		lo = hi < 0 ? -1 : hexval(str[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		str += 2;
		if (i < 5) {
			if (*str != ':' && *str != '-')
				return -EINVAL;
			str++;
		}
	}
	return *str ? -EINVAL : 0;
}

void twr_mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool twr_vdev_valid(const char *vdev)
{
	size_t i = 0, letters = 0, digits = 0;
	const char *p;

	/* "tw", then one or more letters, then digits only. */
	for (p = vdev; *p; p++, i++) {
		char c = *p;

		if (i >= TWR_SPEC_VDEV_MAX)
			return false;
		if (i < 2) {
			if (c != "tw"[i])
				return false;
		} else if (c >= 'a' && c <= 'z' && !digits) {
			letters++;
		} else if (c >= '0' && c <= '9') {
			digits++;
		} else {
			return false;
		}
	}
	return letters > 0;
}

/* Linux's dev_valid_name(): what the kernel accepts as an interface name. */
static bool ifname_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TWR_SPEC_BRIDGE_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || isspace((unsigned char)*name) ||
		    !isprint((unsigned char)*name))
			return false;
	return true;
}

/* A domain name or id as xl accepts it, restricted to a safe alphabet. */
static bool domname_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TWR_SPEC_BACKEND_MAX)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("_.-", *name))
			return false;
	return true;
}

static bool path_valid(const char *path)
{
	if (path[0] != '/' || strlen(path) > TWR_SPEC_TARGET_MAX)
		return false;
	for (; *path; path++)
		if (!isprint((unsigned char)*path))
			return false;
	return true;
}

/* A script name: one path component of a safe alphabet, so that a name
 * from a domU's config cannot climb out of the scripts directory. */
static bool script_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TWR_SPEC_SCRIPT_MAX || name[0] == '.')
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("_.+-", *name))
			return false;
	return true;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

#define KIND_NET	(1u << TWR_DEV_NET)
#define KIND_BLK	(1u << TWR_DEV_BLK)

struct spec_key {
	const char *name;
	unsigned int kinds;
	bool required;
	/* Returns 0, or a -EINVAL from spec_fail() naming the problem. */
	int (*set)(struct spec_ctx *c, const char *val, unsigned int col);
};

static int set_queues(struct spec_ctx *c, const char *val, unsigned int col)
{
	unsigned long v;

	if (parse_uint(val, TWR_SPEC_QUEUES_MAX, &v) || v == 0)
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "queues=%s: expected a whole number from 1 to %u",
				 val, TWR_SPEC_QUEUES_MAX);
	c->spec->queues = (unsigned int)v;
	return 0;
}

static int set_backend(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!domname_valid(val))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "backend=%s: expected a domain name or id (letters, digits, '_', '.', '-', at most %u)",
				 val, TWR_SPEC_BACKEND_MAX);
	strcpy(c->spec->backend, val);
	return 0;
}

static int set_bridge(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!ifname_valid(val))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "bridge=%s: not a valid interface name (1 to %u characters, no '/', ':' or blanks)",
				 val, TWR_SPEC_BRIDGE_MAX);
	strcpy(c->spec->net.bridge, val);
	return 0;
}

static int set_mac(struct spec_ctx *c, const char *val, unsigned int col)
{
	uint8_t *mac = c->spec->net.mac;

	if (twr_mac_parse(val, mac))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "mac=%s: expected six hex bytes like 00:16:3e:12:34:56", val);
	if (mac[0] & 1)
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "mac=%s: a multicast address (lowest bit of the first byte set) cannot name a device", val);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "mac=%s: the all-zero address cannot name a device", val);
	c->spec->net.has_mac = true;
	return 0;
}

static int set_script(struct spec_ctx *c, const char *val, unsigned int col)
{
	bool ok = val[0] == '/' ? path_valid(val) && strlen(val) <= TWR_SPEC_SCRIPT_MAX &&
				  !strstr(val, "/../") && !strstr(val, "/./")
				: script_name_valid(val);

	if (!ok)
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "script=%s: expected a script name in the scripts directory (letters, digits, '_', '.', '+', '-', e.g. vif-openvswitch) or an absolute path, at most %u characters",
				 val, TWR_SPEC_SCRIPT_MAX);
	strcpy(c->spec->net.script, val);
	return 0;
}

static int set_target(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!path_valid(val))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "target=%s: expected an absolute path to a file or block device",
				 val);
	strcpy(c->spec->blk.target, val);
	return 0;
}

static int set_vdev(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!twr_vdev_valid(val))
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "vdev=%s: expected tw, lower-case letters, then optional digits, at most %u characters (e.g. twa; xvd*, sd* and vd* belong to other disk drivers)",
				 val, TWR_SPEC_VDEV_MAX);
	strcpy(c->spec->blk.vdev, val);
	return 0;
}

static int set_mode(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!strcmp(val, "w") || !strcmp(val, "rw"))
		c->spec->blk.writable = true;
	else if (!strcmp(val, "r") || !strcmp(val, "ro"))
		c->spec->blk.writable = false;
	else
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "mode=%s: expected r (read-only) or w (read-write)", val);
	return 0;
}

static int set_cache(struct spec_ctx *c, const char *val, unsigned int col)
{
	if (!strcmp(val, "none"))
		c->spec->blk.cache_writeback = false;
	else if (!strcmp(val, "writeback"))
		c->spec->blk.cache_writeback = true;
	else
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "cache=%s: expected none (direct I/O where the target has it, the default) or writeback (dom0's page cache)",
				 val);
	return 0;
}

static int set_iops(struct spec_ctx *c, const char *val, unsigned int col)
{
	unsigned long v;

	if (parse_uint(val, TWR_SPEC_IOPS_MAX, &v) || v == 0)
		return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
				 "iops=%s: expected a whole number of requests per second from 1 to %u",
				 val, TWR_SPEC_IOPS_MAX);
	c->spec->blk.iops = (uint32_t)v;
	return 0;
}

static int set_bw(struct spec_ctx *c, const char *val, unsigned int col)
{
	char num[24];
	size_t n = strlen(val);
	unsigned int shift = 0;
	unsigned long v;

	if (n && strchr("KkMmGg", val[n - 1])) {
		shift = strchr("Kk", val[n - 1]) ? 10 : strchr("Mm", val[n - 1]) ? 20 : 30;
		n--;
	}
	if (n >= sizeof(num) || !n)
		goto bad;
	memcpy(num, val, n);
	num[n] = '\0';
	if (parse_uint(num, (unsigned long)(TWR_SPEC_BW_MAX >> shift), &v) ||
	    ((uint64_t)v << shift) < TWR_SPEC_BW_MIN)
		goto bad;
	c->spec->blk.bw = (uint64_t)v << shift;
	return 0;
bad:
	return spec_fail(c->err, TWR_SPEC_BAD_VALUE, col,
			 "bw=%s: expected bytes per second, a whole number with an optional K, M or G (times 1024), from 4K to 1024G",
			 val);
}

static const struct spec_key spec_keys[] = {
	{ "queues",	KIND_NET | KIND_BLK,	false,	set_queues },
	{ "backend",	KIND_NET | KIND_BLK,	false,	set_backend },
	{ "bridge",	KIND_NET,		true,	set_bridge },
	{ "mac",	KIND_NET,		false,	set_mac },
	{ "script",	KIND_NET,		false,	set_script },
	{ "target",	KIND_BLK,		true,	set_target },
	{ "vdev",	KIND_BLK,		true,	set_vdev },
	{ "mode",	KIND_BLK,		false,	set_mode },
	{ "cache",	KIND_BLK,		false,	set_cache },
	{ "iops",	KIND_BLK,		false,	set_iops },
	{ "bw",		KIND_BLK,		false,	set_bw },
};

#define N_KEYS (sizeof(spec_keys) / sizeof(spec_keys[0]))

/* Trim blanks at both ends of [*s, *e) in place. */
static void trim(char **s, char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static int spec_item(struct spec_ctx *c, char *item, char *end,
		     unsigned int col, unsigned int *seen)
{
	const char *kind = twr_dev_kind_name(c->spec->kind);
	char *eq, *key, *val, *kend, *orig = item;
	unsigned int i;

	trim(&item, &end);
	col += (unsigned int)(item - orig);	/* point at the item, not the blank */
	if (item == end)
		return spec_fail(c->err, TWR_SPEC_MALFORMED, col,
				 "empty item at column %u (two commas in a row, or a trailing comma?)",
				 col);
	*end = '\0';
	eq = strchr(item, '=');
	if (!eq)
		return spec_fail(c->err, TWR_SPEC_MALFORMED, col,
				 "'%s' at column %u: expected key=value", item, col);
	key = item;
	kend = eq;
	val = eq + 1;
	trim(&key, &kend);
	*kend = '\0';
	if (!*key)
		return spec_fail(c->err, TWR_SPEC_MALFORMED, col,
				 "'=%s' at column %u: the key is missing", val, col);
	while (isspace((unsigned char)*val))
		val++;
	if (!*val)
		return spec_fail(c->err, TWR_SPEC_MALFORMED, col,
				 "%s= at column %u: the value is missing", key, col);

	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(key, spec_keys[i].name))
			break;
	if (i == N_KEYS || !(spec_keys[i].kinds & (1u << c->spec->kind)))
		return spec_fail(c->err, TWR_SPEC_UNKNOWN_KEY, col,
				 "unknown key '%s' for a %s device (valid: %s)", key, kind,
				 c->spec->kind == TWR_DEV_NET ?
				 "bridge, mac, script, queues, backend" :
				 "target, vdev, mode, cache, queues, iops, bw, backend");
	if (*seen & (1u << i))
		return spec_fail(c->err, TWR_SPEC_DUPLICATE_KEY, col,
				 "key '%s' given twice (again at column %u)", key, col);
	*seen |= 1u << i;
	return spec_keys[i].set(c, val, col);
}

int twr_spec_parse(const char *str, struct twr_spec *spec,
		   struct twr_spec_error *err)
{
	struct spec_ctx c = { .spec = spec, .err = err };
	char buf[TWR_SPEC_MAX_LEN + 1];
	char *p, *comma, *tend;
	unsigned int seen = 0, i;
	size_t n;
	int ret;

	if (err) {
		err->code = TWR_SPEC_OK;
		err->column = 0;
		err->msg[0] = '\0';
	}
	memset(spec, 0, sizeof(*spec));
	spec->queues = 1;

	n = strnlen(str, TWR_SPEC_MAX_LEN + 1);
	if (n > TWR_SPEC_MAX_LEN)
		return spec_fail(err, TWR_SPEC_TOO_LONG, 0,
				 "spec longer than %u characters", TWR_SPEC_MAX_LEN);
	memcpy(buf, str, n + 1);
	for (i = 0; i < n; i++)
		if (buf[i] != '\t' && !isprint((unsigned char)buf[i]))
			return spec_fail(err, TWR_SPEC_MALFORMED, i + 1,
					 "control or non-ASCII character at column %u", i + 1);

	/* The device type: a bare word before the first comma. */
	p = buf;
	comma = strchr(p, ',');
	tend = comma ? comma : p + n;
	trim(&p, &tend);
	if (p == tend && !comma)
		return spec_fail(err, TWR_SPEC_EMPTY, 0,
				 "empty spec: expected 'net, bridge=...' or 'blk, target=..., vdev=...'");
	if (p == tend)
		return spec_fail(err, TWR_SPEC_MALFORMED, 1,
				 "the device type is missing: the spec must start with net or blk");
	*tend = '\0';
	if (twr_dev_kind_parse(p, &spec->kind))
		return spec_fail(err, TWR_SPEC_UNKNOWN_TYPE, (unsigned int)(p - buf) + 1,
				 "unknown device type '%s': the spec must start with net or blk",
				 p);
	if (spec->kind == TWR_DEV_BLK) {
		spec->blk.writable = true;
		spec->queues = TWR_SPEC_BLK_QUEUES_DEFAULT;
	}

	while (comma) {
		p = comma + 1;
		comma = strchr(p, ',');
		ret = spec_item(&c, p, comma ? comma : buf + n,
				(unsigned int)(p - buf) + 1, &seen);
		if (ret)
			return ret;
	}

	for (i = 0; i < N_KEYS; i++)
		if (spec_keys[i].required && (spec_keys[i].kinds & (1u << spec->kind)) &&
		    !(seen & (1u << i)))
			return spec_fail(err, TWR_SPEC_MISSING_KEY, 0,
					 "a %s device needs %s=%s", twr_dev_kind_name(spec->kind),
					 spec_keys[i].name,
					 !strcmp(spec_keys[i].name, "bridge") ? "<bridge, e.g. xenbr0>" :
					 !strcmp(spec_keys[i].name, "target") ? "<absolute path of a file or block device>" :
					 "<disk name, e.g. twa>");
	return 0;
}

/* Control bytes of @in (a config entry may carry escape sequences that
 * would reach a terminal through the journal or twinctl show) as \xNN. */
void twr_printable(char *out, size_t len, const char *in)
{
	size_t k = 0;
	unsigned char ch;

	for (; *in && k + 5 < len; in++) {
		ch = (unsigned char)*in;
		if (ch < 0x20 || ch == 0x7f)
			k += (size_t)snprintf(out + k, len - k, "\\x%02x", ch);
		else
			out[k++] = (char)ch;
	}
	out[k] = '\0';
}
