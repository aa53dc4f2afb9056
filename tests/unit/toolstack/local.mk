# SPDX-License-Identifier: MIT
# CUnit tests of the toolstack's pure parts: the device spec parser and the
# xenstore layout/permission plan, twinringd's config lookup and reading
# (libxlutil parses, as in xl) and its restart reconciliation. Nothing here
# needs a running Xen.
check_PROGRAMS += tests/unit/toolstack/test_spec tests/unit/toolstack/test_xsplan \
	tests/unit/toolstack/test_domain \
	tests/unit/toolstack/test_xlcfg tests/unit/toolstack/test_host \
	tests/unit/toolstack/test_killpoint tests/unit/toolstack/test_lock \
	tests/unit/toolstack/test_notify tests/unit/toolstack/test_dconf \
	tests/unit/toolstack/test_modver \
	tests/unit/toolstack/test_hotplug
TESTS += tests/unit/toolstack/test_spec tests/unit/toolstack/test_xsplan \
	tests/unit/toolstack/test_domain \
	tests/unit/toolstack/test_xlcfg tests/unit/toolstack/test_host \
	tests/unit/toolstack/test_killpoint tests/unit/toolstack/test_lock \
	tests/unit/toolstack/test_notify tests/unit/toolstack/test_dconf \
	tests/unit/toolstack/test_modver \
	tests/unit/toolstack/test_hotplug

tests_unit_toolstack_test_spec_SOURCES = tests/unit/toolstack/test_spec.c toolstack/twr_spec.c
tests_unit_toolstack_test_spec_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_spec_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_spec_LDADD = $(CUNIT_LIBS)

tests_unit_toolstack_test_xsplan_SOURCES = tests/unit/toolstack/test_xsplan.c \
	toolstack/twr_spec.c toolstack/twr_xsplan.c
tests_unit_toolstack_test_xsplan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_xsplan_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_xsplan_LDADD = $(CUNIT_LIBS)

tests_unit_toolstack_test_xlcfg_SOURCES = tests/unit/toolstack/test_xlcfg.c toolstack/twr_xlcfg.c \
	toolstack/twr_ident.c
tests_unit_toolstack_test_xlcfg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_xlcfg_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(XLUTIL_CFLAGS)
tests_unit_toolstack_test_xlcfg_LDADD = $(CUNIT_LIBS) $(XLUTIL_LIBS)

# Host checks and statistics against a fake sysfs tree (twr_tool.sysfs).
tests_unit_toolstack_test_host_SOURCES = tests/unit/toolstack/test_host.c \
	tests/unit/toolstack/fake_tree.c tests/unit/toolstack/fake_tree.h
tests_unit_toolstack_test_host_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_host_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_host_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)
EXTRA_DIST += tests/unit/twr_cunit.h

# script= without Xen: lookup, refusals, and the runner with real scripts.
tests_unit_toolstack_test_hotplug_SOURCES = tests/unit/toolstack/test_hotplug.c
tests_unit_toolstack_test_hotplug_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_hotplug_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_hotplug_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)

# The restart test's hook: SIGKILL at the armed point only (forks).
tests_unit_toolstack_test_killpoint_SOURCES = tests/unit/toolstack/test_killpoint.c
tests_unit_toolstack_test_killpoint_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_killpoint_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_killpoint_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)

# twinringd's single-instance lock (forks: POSIX locks are per process).
tests_unit_toolstack_test_lock_SOURCES = tests/unit/toolstack/test_lock.c
tests_unit_toolstack_test_lock_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_lock_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_lock_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)

# twinringd's readiness message to systemd (Type=notify).
tests_unit_toolstack_test_notify_SOURCES = tests/unit/toolstack/test_notify.c
tests_unit_toolstack_test_notify_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_notify_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_notify_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)

# twinringd's configuration file: it fails closed.
tests_unit_toolstack_test_dconf_SOURCES = tests/unit/toolstack/test_dconf.c
tests_unit_toolstack_test_dconf_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack \
	-DTWR_SHIPPED_CONF='"$(abs_top_srcdir)/toolstack/twinringd.conf"'
tests_unit_toolstack_test_dconf_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_dconf_LDADD = toolstack/libtwrtool.a $(XLUTIL_LIBS) $(CUNIT_LIBS)

# make install DESTDIR=<tmp> installs every expected file (tests/install.sh).
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh

# twinctl check shows what a config file would attach, escapes made visible.
TESTS += tests/unit/toolstack/test_twinctl_check.sh
EXTRA_DIST += tests/unit/toolstack/test_twinctl_check.sh

# The modules-against-tools release check against a fake /sys/module, and
# its module list against the Kbuild files (read from the source tree).
tests_unit_toolstack_test_modver_SOURCES = tests/unit/toolstack/test_modver.c \
	tests/unit/toolstack/fake_tree.c tests/unit/toolstack/fake_tree.h \
	toolstack/twr_modver.c toolstack/twr_modver.h
tests_unit_toolstack_test_modver_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack \
	-DTWR_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_toolstack_test_modver_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_modver_LDADD = $(CUNIT_LIBS)

# The migration names twinringd and the MAC check go by.
tests_unit_toolstack_test_domain_SOURCES = tests/unit/toolstack/test_domain.c
tests_unit_toolstack_test_domain_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack
tests_unit_toolstack_test_domain_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_toolstack_test_domain_LDADD = toolstack/libtwrtool.a $(XENSTORE_LIBS) $(CUNIT_LIBS)
