# SPDX-License-Identifier: MIT
# The toolstack: libtwrtool (shared by twinctl and twinringd) and twinctl.
noinst_LIBRARIES += toolstack/libtwrtool.a
toolstack_libtwrtool_a_SOURCES = \
	toolstack/twr_devlist.c \
	toolstack/twr_devlist.h \
	toolstack/twr_dconf.c \
	toolstack/twr_dconf.h \
	toolstack/twr_dev.c \
	toolstack/twr_dev.h \
	toolstack/twr_dev_stats.c \
	toolstack/twr_dev_stats.h \
	toolstack/twr_domain.c \
	toolstack/twr_domain.h \
	toolstack/twr_host.c \
	toolstack/twr_host.h \
	toolstack/twr_hotplug.c \
	toolstack/twr_hotplug.h \
	toolstack/twr_ident.c \
	toolstack/twr_ident.h \
	toolstack/twr_killpoint.c \
	toolstack/twr_killpoint.h \
	toolstack/twr_lock.c \
	toolstack/twr_lock.h \
	toolstack/twr_modver.c \
	toolstack/twr_modver.h \
	toolstack/twr_notify.c \
	toolstack/twr_notify.h \
	toolstack/twr_spec.c \
	toolstack/twr_spec.h \
	toolstack/twr_tool.c \
	toolstack/twr_tool.h \
	toolstack/twr_xlcfg.c \
	toolstack/twr_xlcfg.h \
	toolstack/twr_xsplan.c \
	toolstack/twr_xsplan.h
toolstack_libtwrtool_a_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XLUTIL_CFLAGS)

sbin_PROGRAMS += toolstack/twinctl
toolstack_twinctl_SOURCES = toolstack/twinctl.c toolstack/twinctl.h toolstack/twinctl_cfg.c
toolstack_twinctl_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
toolstack_twinctl_LDADD = toolstack/libtwrtool.a util/libtwrutil.a $(XENSTORE_LIBS) $(XLUTIL_LIBS)

sbin_PROGRAMS += toolstack/twinringd
toolstack_twinringd_SOURCES = toolstack/twinringd.c toolstack/twrd.h \
	toolstack/twrd_log.c toolstack/twrd_domain.c toolstack/twrd_follow.c toolstack/twrd_ident.c \
	toolstack/twrd_iotask.c toolstack/twrd_iotask.h
toolstack_twinringd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/grant
toolstack_twinringd_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XENCTRL_CFLAGS) $(XLUTIL_CFLAGS)
toolstack_twinringd_LDADD = toolstack/libtwrtool.a libtwriotask.a $(XENSTORE_LIBS) \
	$(XENCTRL_LIBS) $(XLUTIL_LIBS) -lxenforeignmemory

# systemd unit and man pages (docs/man/).
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = toolstack/twinringd.service
CLEANFILES += toolstack/twinringd.service
EXTRA_DIST += toolstack/twinringd.service.in toolstack/twinringd.conf
toolstack/twinringd.service: $(srcdir)/toolstack/twinringd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) toolstack && \
		sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/toolstack/twinringd.service.in >$@

dist_man_MANS += docs/man/twinctl.8 docs/man/twinringd.8 docs/man/twinring.cfg.5
