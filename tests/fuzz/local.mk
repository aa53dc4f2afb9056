# SPDX-License-Identifier: MIT
# libFuzzer targets of everything that parses peer-written memory
# (tests/fuzz.sh builds them with clang and runs them), and their seed-corpus
# replays, which every make check runs with the normal compiler.
TWR_FUZZ_COMMON = tests/fuzz/fuzz_area.c tests/fuzz/fuzz_area.h

check_PROGRAMS += tests/fuzz/replay_consumer tests/fuzz/replay_producer
TESTS += tests/fuzz/replay_consumer tests/fuzz/replay_producer

tests_fuzz_replay_consumer_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/ringbuf/fuzz_consumer.c $(TWR_FUZZ_COMMON)
tests_fuzz_replay_consumer_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_consumer"'
tests_fuzz_replay_consumer_LDADD = libtwinring.a

tests_fuzz_replay_producer_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/ringbuf/fuzz_producer.c $(TWR_FUZZ_COMMON)
tests_fuzz_replay_producer_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_producer"'
tests_fuzz_replay_producer_LDADD = libtwinring.a

if ENABLE_FUZZ
# CC must be clang; tests/fuzz.sh adds -fsanitize=fuzzer-no-link,address,
# undefined to CFLAGS so the library is instrumented too.
noinst_PROGRAMS += tests/fuzz/fuzz_consumer tests/fuzz/fuzz_producer

tests_fuzz_fuzz_consumer_SOURCES = tests/fuzz/ringbuf/fuzz_consumer.c $(TWR_FUZZ_COMMON)
tests_fuzz_fuzz_consumer_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
tests_fuzz_fuzz_consumer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_consumer_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_consumer_LDADD = libtwinring.a

tests_fuzz_fuzz_producer_SOURCES = tests/fuzz/ringbuf/fuzz_producer.c $(TWR_FUZZ_COMMON)
tests_fuzz_fuzz_producer_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
tests_fuzz_fuzz_producer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_producer_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_producer_LDADD = libtwinring.a
endif

# The blk backend's request check (backend/twr_blk_check.c) against a model.
check_PROGRAMS += tests/fuzz/replay_blk_check
TESTS += tests/fuzz/replay_blk_check
TWR_FUZZ_BLK_CHECK = tests/fuzz/backend/fuzz_blk_check.c backend/twr_blk_check.c \
	backend/twr_blk_check.h $(TWR_FUZZ_COMMON)
TWR_FUZZ_BLK_CHECK_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backend -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_blk_check_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_BLK_CHECK)
tests_fuzz_replay_blk_check_CPPFLAGS = $(TWR_FUZZ_BLK_CHECK_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_blk_check"'
tests_fuzz_replay_blk_check_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_blk_check_LDADD = libtwinring.a
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_blk_check
tests_fuzz_fuzz_blk_check_SOURCES = $(TWR_FUZZ_BLK_CHECK)
tests_fuzz_fuzz_blk_check_CPPFLAGS = $(TWR_FUZZ_BLK_CHECK_CPPFLAGS)
tests_fuzz_fuzz_blk_check_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_blk_check_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_blk_check_LDADD = libtwinring.a
endif

# The twinnet receivers' packet header check (netcore/twr_net_check.c).
check_PROGRAMS += tests/fuzz/replay_net_hdr
TESTS += tests/fuzz/replay_net_hdr
TWR_FUZZ_NET_HDR = tests/fuzz/netcore/fuzz_net_hdr.c netcore/twr_net_check.c \
	netcore/twr_net_check.h $(TWR_FUZZ_COMMON)
TWR_FUZZ_NET_HDR_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz -I$(top_srcdir)/netcore
tests_fuzz_replay_net_hdr_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_NET_HDR)
tests_fuzz_replay_net_hdr_CPPFLAGS = $(TWR_FUZZ_NET_HDR_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_net_hdr"'
tests_fuzz_replay_net_hdr_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_net_hdr_LDADD = libtwinring.a
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_net_hdr
tests_fuzz_fuzz_net_hdr_SOURCES = $(TWR_FUZZ_NET_HDR)
tests_fuzz_fuzz_net_hdr_CPPFLAGS = $(TWR_FUZZ_NET_HDR_CPPFLAGS)
tests_fuzz_fuzz_net_hdr_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_net_hdr_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_net_hdr_LDADD = libtwinring.a
endif

# twinringd's directory page parser (grant/twr_iotask_chan.c) over a fake domU.
check_PROGRAMS += tests/fuzz/replay_iotask_chan
TESTS += tests/fuzz/replay_iotask_chan
TWR_FUZZ_IOTASK_CHAN = tests/fuzz/grant/fuzz_iotask_chan.c grant/twr_iotask_chan.c \
	grant/twr_iotask_chan.h $(TWR_FUZZ_COMMON)
TWR_FUZZ_IOTASK_CHAN_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/grant -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_iotask_chan_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_IOTASK_CHAN)
tests_fuzz_replay_iotask_chan_CPPFLAGS = $(TWR_FUZZ_IOTASK_CHAN_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_iotask_chan"'
tests_fuzz_replay_iotask_chan_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS)
tests_fuzz_replay_iotask_chan_LDADD = libtwinring.a
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_iotask_chan
tests_fuzz_fuzz_iotask_chan_SOURCES = $(TWR_FUZZ_IOTASK_CHAN)
tests_fuzz_fuzz_iotask_chan_CPPFLAGS = $(TWR_FUZZ_IOTASK_CHAN_CPPFLAGS)
tests_fuzz_fuzz_iotask_chan_CFLAGS = $(AM_CFLAGS) $(XENCTRL_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_iotask_chan_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_iotask_chan_LDADD = libtwinring.a
endif

# The parsers of numbers a peer writes in xenstore (toolstack/twr_xsplan.c).
check_PROGRAMS += tests/fuzz/replay_xs_value
TESTS += tests/fuzz/replay_xs_value
TWR_FUZZ_XS_VALUE = tests/fuzz/toolstack/fuzz_xs_value.c toolstack/twr_xsplan.c \
	toolstack/twr_spec.c $(TWR_FUZZ_COMMON)
TWR_FUZZ_XS_VALUE_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_xs_value_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_XS_VALUE)
tests_fuzz_replay_xs_value_CPPFLAGS = $(TWR_FUZZ_XS_VALUE_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_xs_value"'
tests_fuzz_replay_xs_value_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_xs_value_LDADD = libtwinring.a
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_xs_value
tests_fuzz_fuzz_xs_value_SOURCES = $(TWR_FUZZ_XS_VALUE)
tests_fuzz_fuzz_xs_value_CPPFLAGS = $(TWR_FUZZ_XS_VALUE_CPPFLAGS)
tests_fuzz_fuzz_xs_value_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_xs_value_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_xs_value_LDADD = libtwinring.a
endif

# The device spec parser (toolstack/twr_spec.c): a domU config line, laid
# out in xenstore when accepted. By hand with its dictionary:
#   tests/fuzz/fuzz_spec -dict=$(top_srcdir)/tests/fuzz/toolstack/spec.dict CORPUS_COPY
check_PROGRAMS += tests/fuzz/replay_spec
TESTS += tests/fuzz/replay_spec
TWR_FUZZ_SPEC = tests/fuzz/toolstack/fuzz_spec.c toolstack/twr_spec.c \
	toolstack/twr_xsplan.c $(TWR_FUZZ_COMMON)
TWR_FUZZ_TOOLSTACK_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/toolstack -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_spec_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_SPEC)
tests_fuzz_replay_spec_CPPFLAGS = $(TWR_FUZZ_TOOLSTACK_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_spec"'
tests_fuzz_replay_spec_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_spec_LDADD = libtwinring.a
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_spec
tests_fuzz_fuzz_spec_SOURCES = $(TWR_FUZZ_SPEC)
tests_fuzz_fuzz_spec_CPPFLAGS = $(TWR_FUZZ_TOOLSTACK_CPPFLAGS)
tests_fuzz_fuzz_spec_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_spec_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_spec_LDADD = libtwinring.a
endif

# twinringd's reading of a whole xl config (toolstack/twr_xlcfg.c through
# libxlutil, not instrumented), each twinring entry through the spec parser.
check_PROGRAMS += tests/fuzz/replay_xlcfg
TESTS += tests/fuzz/replay_xlcfg
TWR_FUZZ_XLCFG = tests/fuzz/toolstack/fuzz_xlcfg.c toolstack/twr_spec.c toolstack/twr_ident.c \
	toolstack/twr_xlcfg.c $(TWR_FUZZ_COMMON)
tests_fuzz_replay_xlcfg_SOURCES = tests/fuzz/replay.c $(TWR_FUZZ_XLCFG)
tests_fuzz_replay_xlcfg_CPPFLAGS = $(TWR_FUZZ_TOOLSTACK_CPPFLAGS) \
	-DTWR_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_xlcfg"'
tests_fuzz_replay_xlcfg_CFLAGS = $(AM_CFLAGS) $(XLUTIL_CFLAGS)
tests_fuzz_replay_xlcfg_LDADD = libtwinring.a $(XLUTIL_LIBS)
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_xlcfg
tests_fuzz_fuzz_xlcfg_SOURCES = $(TWR_FUZZ_XLCFG)
tests_fuzz_fuzz_xlcfg_CPPFLAGS = $(TWR_FUZZ_TOOLSTACK_CPPFLAGS)
tests_fuzz_fuzz_xlcfg_CFLAGS = $(AM_CFLAGS) $(XLUTIL_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_xlcfg_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_xlcfg_LDADD = libtwinring.a $(XLUTIL_LIBS)
endif

EXTRA_DIST += tests/fuzz.sh tests/sanitize.sh tests/fuzz/gen_corpus.py \
	tests/fuzz/gen_corpus_checks.py \
	tests/fuzz/corpus tests/fuzz/toolstack/spec.dict
