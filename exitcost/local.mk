# SPDX-License-Identifier: MIT
# Exit-cost helpers (docs/exitcost.md): twr-exitcost in a guest, twr-xencount
# in dom0, twr-costreport on the lab's results. twr-exitcost.ko is built by
# Kbuild (exitcost/Kbuild) from the kernel mirror tree.
noinst_LIBRARIES += libtwrexitcost.a
libtwrexitcost_a_SOURCES = \
	exitcost/twr_cpu.c exitcost/twr_cpu.h \
	exitcost/twr_exitcost_report.c exitcost/twr_exitcost.h \
	exitcost/twr_perfc.c exitcost/twr_perfc.h

# The xenstore client of the static domU tools (twr-exitcost's ping-pong,
# the lab's twr-rogue): libxen-dev's headers only, no Xen library.
noinst_LIBRARIES += libtwrxsdev.a
libtwrxsdev_a_SOURCES = exitcost/twr_xsdev.c exitcost/twr_xsdev.h

bin_PROGRAMS += twr-exitcost
twr_exitcost_SOURCES = exitcost/twr_exitcost.c exitcost/twr_exitcost_uapi.h exitcost/twr_tsc.h
twr_exitcost_LDADD = libtwrexitcost.a util/libtwrutil.a -lm

dist_bin_SCRIPTS = exitcost/twr-costreport
dist_man_MANS += docs/man/twr-exitcost.1 docs/man/twr-costreport.1
EXTRA_DIST += exitcost/Kbuild exitcost/twr_exitcost_kmod.c

# The domU end of the ping-pong needs only libxen-dev's headers; twr-xencount
# needs its libraries. Both only when configure found them.
if HAVE_XENCOUNT
twr_exitcost_SOURCES += exitcost/twr_pong.c
twr_exitcost_CPPFLAGS = $(AM_CPPFLAGS) -DTWR_HAVE_PONG
twr_exitcost_LDADD += libtwrxsdev.a

sbin_PROGRAMS += twr-xencount
dist_man_MANS += docs/man/twr-xencount.8
twr_xencount_SOURCES = exitcost/twr_xencount.c
twr_xencount_CFLAGS = $(AM_CFLAGS) $(XENCOUNT_CFLAGS)
twr_xencount_LDADD = libtwrexitcost.a util/libtwrutil.a $(XENCOUNT_LIBS) -lm
endif
