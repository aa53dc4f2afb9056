// SPDX-License-Identifier: MIT
/*
 * twinctl check and sync: the two commands that read a domU's xl config.
 * check shows what twinringd would attach from a file; sync applies a
 * running domain's file as it reads now (twinctl(8)).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "twinctl.h"
#include "twr_dconf.h"
#include "twr_dev.h"
#include "twr_devlist.h"
#include "twr_domain.h"
#include "twr_host.h"
#include "twr_hotplug.h"
#include "twr_spec.h"
#include "twr_tool.h"
#include "twr_xlcfg.h"
#include "twr_xsplan.h"

/* @s with control bytes as \xNN (twr_printable()): config entries and
 * names reach a terminal. Four calls' results live at once. */
static const char *shown(const char *s)
{
	static char buf[4][TWR_SPEC_MAX_LEN * 4 + 1];
	static unsigned int k;
	char *b = buf[k++ % 4];

	twr_printable(b, sizeof(buf[0]), s);
	return b;
}

/* check's line for a net entry's script=: where it resolves to, and a
 * warning if it is not there (the attach refuses it then). */
static void check_script(const char *path, unsigned int line, unsigned int entry,
			 const char *script)
{
	static struct twr_dconf dconf;
	static bool read_conf;
	char err[TWR_TOOL_ERR_MAX], where[TWR_SPEC_SCRIPT_MAX + 1];
	struct twr_tool t = { .sysfs = "/sys" };

	if (!read_conf) {
		read_conf = true;
		if (twr_dconf_read(TWR_DCONF_PATH, &dconf, err, sizeof(err)))
			printf("%s: warning: %s: script names looked up in %s\n", path,
			       shown(err), TWR_SCRIPTS_DIR);
	}
	if (twr_script_resolve(&t, dconf.has_scripts_dir ? dconf.scripts_dir : NULL, script,
			       where, sizeof(where)))
		printf("%s:%u: entry %u: warning: %s (an attach refuses it)\n", path, line, entry,
		       shown(twr_tool_error(&t)));
	else
		printf("%s:%u: entry %u: hotplug script %s instead of the built-in bridging\n",
		       path, line, entry, shown(where));
}

/*
 * check FILE: what twinringd would attach from an xl config, as xl create
 * -n shows what xl would create. Nothing is attached and no daemon or
 * xenstore is needed; host facts (bridges, targets) are checked at attach.
 */
int twinctl_cmd_check(struct ctl *c, int argc, char **argv)
{
	char err[TWR_TOOL_ERR_MAX], mac[18];
	struct twr_spec_error serr;
	struct twr_spec spec[TWR_XLCFG_MAX_ITEMS];
	bool ok[TWR_XLCFG_MAX_ITEMS] = { false };
	const char *path;
	struct twr_xlcfg cfg;
	unsigned int i, j, line, errors = 0;

	(void)c;
	if (argc != 1)
		return twinctl_usage_error("check takes one FILE (%s)",
					   "twinctl check /etc/xen/vm1.cfg");
	path = argv[0];
	if (twr_xlcfg_read(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "twinctl: %s\n", err);
		return EXIT_RUNTIME;
	}
	printf("%s: domain %s%s%s\n", path,
	       cfg.ident.name[0] ? shown(cfg.ident.name) : "(no name: twinringd never finds this file by name)",
	       cfg.ident.uuid[0] ? ", uuid " : "", shown(cfg.ident.uuid));
	if (!cfg.has_key && cfg.near_line)
		printf("%s:%u: warning: '%s' is not '%s': no twinring devices from it\n", path,
		       cfg.near_line, shown(cfg.near_key), TWR_XLCFG_KEY);
	if (!cfg.n)
		printf("%s: no twinring devices\n", path);
	for (i = 0; i < cfg.n; i++) {
		line = cfg.lines[i];
		if (!cfg.items[i]) {
			printf("%s:%u: entry %u: error: not a string: write each device as 'net, bridge=...' in quotes\n",
			       path, line, i + 1);
			errors++;
			continue;
		}
		if (twr_spec_parse(cfg.items[i], &spec[i], &serr)) {
			printf("%s:%u: entry %u '%s': error: %s\n", path, line, i + 1,
			       shown(cfg.items[i]), shown(serr.msg));
			errors++;
			continue;
		}
		ok[i] = true;
		for (j = 0; j < i; j++) {
			if (!ok[j] || spec[j].kind != spec[i].kind)
				continue;
			if (spec[i].kind == TWR_DEV_BLK &&
			    !strcmp(spec[i].blk.vdev, spec[j].blk.vdev)) {
				printf("%s:%u: entry %u: error: vdev %s is already entry %u's\n", path,
				       line, i + 1, spec[i].blk.vdev, j + 1);
				errors++;
				ok[i] = false;
				break;
			}
			if (spec[i].kind == TWR_DEV_NET && spec[i].net.has_mac &&
			    spec[j].net.has_mac && !memcmp(spec[i].net.mac, spec[j].net.mac, 6)) {
				twr_mac_format(spec[i].net.mac, mac, sizeof(mac));
				printf("%s:%u: entry %u: error: mac %s is already entry %u's\n", path, line,
				       i + 1, mac, j + 1);
				errors++;
				ok[i] = false;
				break;
			}
		}
		if (!ok[i])
			continue;
		if (spec[i].kind == TWR_DEV_NET) {
			if (spec[i].net.has_mac)
				twr_mac_format(spec[i].net.mac, mac, sizeof(mac));
			printf("%s:%u: entry %u: twinnet on bridge %s, mac %s, %u queue%s%s%s\n", path,
			       line, i + 1, spec[i].net.bridge,
			       spec[i].net.has_mac ? mac : "generated", spec[i].queues,
			       spec[i].queues == 1 ? "" : "s", spec[i].backend[0] ? ", backend " : "",
			       spec[i].backend);
			if (spec[i].net.script[0])
				check_script(path, line, i + 1, spec[i].net.script);
		} else {
			printf("%s:%u: entry %u: twinblk %s on %s, %s, %u queue%s%s%s", path, line,
			       i + 1, spec[i].blk.vdev, spec[i].blk.target,
			       spec[i].blk.writable ? "read-write" : "read-only", spec[i].queues,
			       spec[i].queues == 1 ? "" : "s", spec[i].backend[0] ? ", backend " : "",
			       spec[i].backend);
			if (spec[i].blk.cache_writeback)
				printf(", through dom0's page cache");
			if (spec[i].blk.iops)
				printf(", at most %u requests/s", spec[i].blk.iops);
			if (spec[i].blk.bw)
				printf(", at most %llu bytes/s",
				       (unsigned long long)spec[i].blk.bw);
			printf("\n");
		}
	}
	printf("%s: %u entr%s, %u error%s\n", path, cfg.n, cfg.n == 1 ? "y" : "ies", errors,
	       errors == 1 ? "" : "s");
	twr_xlcfg_free(&cfg);
	return errors ? EXIT_RUNTIME : 0;
}

/* One of twinringd's device records: the spec text that created it. */
struct sync_rec {
	enum twr_dev_kind kind;
	uint32_t devid;
	char *text;
	bool used;
};

/* The records of @domid (devices/<kind>-<devid>); the count, at most @max. */
static unsigned int sync_records(struct ctl *c, uint32_t domid, struct sync_rec *r,
				 unsigned int max)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 64], *dash;
	unsigned int n = 0, i, k = 0, len;
	char **ents;

	snprintf(dir, sizeof(dir), TWR_XS_DAEMON_ROOT "/%u/devices", domid);
	ents = xs_directory(c->tool.xsh, XBT_NULL, dir, &n);
	for (i = 0; ents && i < n && k < max; i++) {
		dash = strrchr(ents[i], '-');
		if (!dash || twr_id_parse(dash + 1, &r[k].devid))
			continue;
		*dash = '\0';
		if (!strcmp(ents[i], twr_dev_kind_xs(TWR_DEV_NET)))
			r[k].kind = TWR_DEV_NET;
		else if (!strcmp(ents[i], twr_dev_kind_xs(TWR_DEV_BLK)))
			r[k].kind = TWR_DEV_BLK;
		else
			continue;
		*dash = '-';
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]);
		r[k].text = xs_read(c->tool.xsh, XBT_NULL, path, &len);
		r[k].used = false;
		if (r[k].text)
			k++;
	}
	free(ents);
	return k;
}

/* Record, of @old's entries, those @keep says stay. */
static int sync_record_kept(struct ctl *c, uint32_t domid, const struct twr_xlcfg *old,
			    const bool *keep)
{
	struct twr_xlcfg mid = { .n = old->n };
	unsigned int i;
	int ret;

	if (!old->n)
		return 0;
	mid.items = calloc(old->n + 1, sizeof(*mid.items));
	if (!mid.items)
		return -ENOMEM;
	for (i = 0; i < old->n; i++)
		mid.items[i] = keep[i] ? old->items[i] : NULL;
	ret = twr_entries_write(&c->tool, domid, &mid);
	free(mid.items);
	return ret;
}

/*
 * sync DOMAIN: apply the domain's xl config as the file reads now -- the
 * file twinringd used when the domain started -- where a restart or reload
 * of the daemon never does: devices of entries no longer in the file are
 * detached, entries new in it attached, and the file's entries recorded as
 * applied. Entries are matched by their text, as the daemon matches them.
 */
int twinctl_cmd_sync(struct ctl *c, int argc, char **argv)
{
	bool add[TWR_XLCFG_MAX_ITEMS], keep[TWR_XLCFG_MAX_ITEMS];
	struct sync_rec rec[2 * TWR_XLCFG_MAX_ITEMS];
	char err[TWR_TOOL_ERR_MAX], name[TWR_DOMNAME_MAX];
	struct twr_daemon_status *st = NULL;
	struct twr_xlcfg now, old;
	struct twr_dconf dconf;
	struct twr_spec_error serr;
	struct twr_spec spec;
	struct twr_dev_desc d;
	unsigned int nrec, i, j, added = 0, removed = 0, failed = 0;
	uint32_t domid;
	int ret;

	if (argc != 1)
		return twinctl_usage_error("sync takes one domain (%s)", "twinctl sync DOMAIN");
	ret = twinctl_open_tool(c);
	if (ret)
		return ret;
	if (twr_domain_resolve(&c->tool, argv[0], &domid) ||
	    twr_domain_name(&c->tool, domid, name, sizeof(name)))
		return twinctl_runtime_error(c);
	if (twr_daemon_status_read(&c->tool, domid, &st)) {
		fprintf(stderr, "twinctl: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (!st->present || !st->config[0]) {
		fprintf(stderr, "twinctl: twinringd used no config file for domain %s: attach its devices with twinctl attach\n",
			name);
		free(st);
		return EXIT_RUNTIME;
	}
	ret = twr_xlcfg_read(st->config, &now, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "twinctl: %s\n", err);
		free(st);
		return EXIT_RUNTIME;
	}
	if (strcmp(now.ident.name, name)) {
		fprintf(stderr, "twinctl: %s names domain '%s', not '%s': nothing done\n", st->config,
			now.ident.name, name);
		ret = EXIT_RUNTIME;
		goto out;
	}
	/* The daemon's allow-list for the targets of xl configs applies here
	 * too; a daemon config that does not read stops the sync. */
	if (twr_dconf_read(TWR_DCONF_PATH, &dconf, err, sizeof(err))) {
		fprintf(stderr, "twinctl: %s: nothing done\n", err);
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (dconf.has_scripts_dir)
		c->tool.scripts_dir = dconf.scripts_dir;
	if (twr_entries_read(&c->tool, domid, &old))
		memset(&old, 0, sizeof(old));
	/* What stays: entries of the old list that the file still has. */
	twr_reconcile((const char *const *)old.items, old.n, (const char *const *)now.items,
		      now.n, keep);
	for (i = 0; i < old.n; i++)
		keep[i] = old.items[i] && !keep[i];
	nrec = sync_records(c, domid, rec, sizeof(rec) / sizeof(rec[0]));
	/* The record first loses the removed entries, so that the daemon
	 * (retrying, or reloaded meanwhile) does not attach them again while
	 * their devices close; it gains the new ones last, after their
	 * devices exist: at no point does it ask for what we are undoing. */
	if (sync_record_kept(c, domid, &old, keep)) {
		fprintf(stderr, "twinctl: cannot record the entries kept: nothing done\n");
		ret = EXIT_RUNTIME;
		twr_xlcfg_free(&old);
		for (j = 0; j < nrec; j++)
			free(rec[j].text);
		goto out;
	}
	/* Removed entries first: each detaches one device it created. */
	for (i = 0; i < old.n; i++) {
		if (!old.items[i] || keep[i])
			continue;
		for (j = 0; j < nrec; j++)
			if (!rec[j].used && !strcmp(rec[j].text, old.items[i]))
				break;
		if (j == nrec)
			continue;	/* its device is gone already */
		rec[j].used = true;
		if (twr_dev_destroy(&c->tool, domid, rec[j].kind, rec[j].devid, c->timeout_ms,
				    TWR_DESTROY_IDLE) < 0) {
			fprintf(stderr, "twinctl: entry '%s': %s\n", shown(old.items[i]),
				twr_tool_error(&c->tool));
			failed++;
			continue;
		}
		printf("domain %s: removed %s %u ('%s')\n", name, twr_dev_kind_xs(rec[j].kind),
		       rec[j].devid, shown(old.items[i]));
		removed++;
	}
	/* New entries: created with their record, as the daemon does. */
	twr_reconcile((const char *const *)now.items, now.n, (const char *const *)old.items,
		      old.n, add);
	for (i = 0; i < now.n; i++) {
		if (!add[i])
			continue;
		if (twr_spec_parse(now.items[i], &spec, &serr)) {
			fprintf(stderr, "twinctl: %s:%u: entry %u '%s': %s\n", st->config,
				now.lines[i], i + 1, shown(now.items[i]), shown(serr.msg));
			failed++;
			continue;
		}
		if (spec.kind == TWR_DEV_BLK && dconf.has_targets &&
		    !twr_target_allowed(dconf.targets, spec.blk.target, err, sizeof(err))) {
			fprintf(stderr, "twinctl: %s:%u: entry %u '%s': %s in %s\n", st->config,
				now.lines[i], i + 1, shown(now.items[i]), err, TWR_DCONF_PATH);
			failed++;
			continue;
		}
		if (twr_dev_create(&c->tool, domid, &spec, now.items[i], 0, &d)) {
			fprintf(stderr, "twinctl: %s:%u: entry %u '%s': %s\n", st->config,
				now.lines[i], i + 1, shown(now.items[i]), twr_tool_error(&c->tool));
			failed++;
			continue;
		}
		printf("domain %s: added %s %u ('%s')\n", name, twr_dev_kind_xs(spec.kind), d.devid,
		       shown(now.items[i]));
		added++;
	}
	ret = twr_entries_write(&c->tool, domid, &now);
	if (ret)
		fprintf(stderr, "twinctl: cannot record the entries applied: %s\n", strerror(-ret));
	for (i = 0, j = 0; i < now.n; i++)
		j += now.items[i] && !add[i];
	printf("domain %s: %s: %u added, %u removed, %u unchanged%s\n", name, st->config, added,
	       removed, j, failed ? ", some failed (above)" : "");
	ret = failed || ret ? EXIT_RUNTIME : 0;
	twr_xlcfg_free(&old);
	for (j = 0; j < nrec; j++)
		free(rec[j].text);
out:
	twr_xlcfg_free(&now);
	free(st);
	return ret;
}
