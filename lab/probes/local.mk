# SPDX-License-Identifier: MIT
# The lab's own programs (never installed; make lab-stage puts them in the
# guests): the grant probes of the iotask scenario (docs/iotask.md).
#
# twr-grantprobe (dom0): map and copy a domU's grants, print the exact
# GNTST_* status. libxengnttab and libxencall come with libxen-dev, which
# configure already requires for libxenctrl.
noinst_PROGRAMS += lab/probes/twr-grantprobe
lab_probes_twr_grantprobe_SOURCES = lab/probes/twr_grantprobe.c lab/probes/twr_grantprobe.h
lab_probes_twr_grantprobe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/grant
lab_probes_twr_grantprobe_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS)
lab_probes_twr_grantprobe_LDADD = libtwriotask.a $(XENCTRL_LIBS) -lxengnttab -lxencall

# twr-gntshare (domU): grants to hold and map, through /dev/xen/gntalloc
# alone; static (where configure found that possible), because the lab's
# domU root has no libxen*.
noinst_PROGRAMS += lab/probes/twr-gntshare
lab_probes_twr_gntshare_SOURCES = lab/probes/twr_gntshare.c
lab_probes_twr_gntshare_LDFLAGS = $(TWR_STATIC_LDFLAGS)

# twr-rogue (domU): a hostile frontend speaking the channel ABI from user
# space (/dev/xen/gntalloc, /dev/xen/evtchn, /dev/xen/xenbus), for the lab's
# hostile scenario; static for the same reason as twr-gntshare.
noinst_PROGRAMS += lab/probes/twr-rogue
lab_probes_twr_rogue_SOURCES = lab/probes/twr_rogue.c lab/probes/twr_rogue.h \
	lab/probes/twr_rogue_storm.c
lab_probes_twr_rogue_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/exitcost
lab_probes_twr_rogue_LDADD = libtwrxsdev.a
lab_probes_twr_rogue_LDFLAGS = $(TWR_STATIC_LDFLAGS)

# twr-rogue-back (dom0): a hostile backend from user space (xenstore,
# /dev/xen/gntdev, /dev/xen/evtchn) against a domU's kernel frontend.
noinst_PROGRAMS += lab/probes/twr-rogue-back
lab_probes_twr_rogue_back_SOURCES = lab/probes/twr_rogue_back.c
lab_probes_twr_rogue_back_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ringbuf
lab_probes_twr_rogue_back_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
lab_probes_twr_rogue_back_LDADD = $(XENSTORE_LIBS) -lxengnttab -lxenevtchn
