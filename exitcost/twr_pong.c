// SPDX-License-Identifier: MIT
/*
 * twr-exitcost pong: the domU end of the dom0 <-> domU event-channel round
 * trip (twr-xencount ping is the dom0 end). Rendezvous in the domU's own
 * xenstore directory, data/twr-exitcost/ (relative to /local/domain/<id>):
 *
 *   dom0: rm dir; write count; write dom0-port (an unbound port for us)
 *   domU: bind to dom0-port; write domu-port
 *   dom0: ping -> domU: pong, count times (+ warm-up, also in count)
 *
 * Uses /dev/xen/evtchn and /dev/xen/xenbus directly: the lab's domU has no
 * Xen libraries. Dom0 is trusted here (it is the measuring side), but its
 * numbers are still parsed strictly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>
#include <xen/xen.h>	/* domid_t, for evtchn.h */
#include <xen/sys/evtchn.h>

#include "twr_exitcost.h"
#include "twr_xsdev.h"

#define TWR_PONG_DIR	"data/twr-exitcost"

static int twr_pong_read_u32(int xs, const char *node, unsigned int *out)
{
	char path[128], buf[32], *end;
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path), TWR_PONG_DIR "/%s", node);
	ret = twr_xsdev_read(xs, path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || v > 0xffffffffu)
		return -EINVAL;
	*out = v;
	return 0;
}

static double twr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Consume and unmask whatever arrives within ms milliseconds. */
static void twr_pong_drain(int ev, int ms)
{
	struct pollfd pfd = { .fd = ev, .events = POLLIN };
	unsigned int p;

	while (poll(&pfd, 1, ms) > 0 && read(ev, &p, sizeof(p)) == sizeof(p))
		if (write(ev, &p, sizeof(p)) != sizeof(p))
			break;
}

/* Echo count events on port, each within timeout seconds of the last. */
static int twr_pong_loop(int ev, unsigned int port, unsigned int count, int timeout_s)
{
	struct ioctl_evtchn_notify nt = { .port = port };
	struct pollfd pfd = { .fd = ev, .events = POLLIN };
	unsigned int done = 0, p;

	while (done < count) {
		int r = poll(&pfd, 1, timeout_s * 1000);

		if (r <= 0) {
			fprintf(stderr, "twr-exitcost pong: %s after %u of %u events\n",
				r ? strerror(errno) : "timed out", done, count);
			return -ETIMEDOUT;
		}
		if (read(ev, &p, sizeof(p)) != sizeof(p))
			return -EIO;
		/* unmask, then answer: the next ping may only come after */
		if (write(ev, &p, sizeof(p)) != sizeof(p))
			return -EIO;
		if (p != port)
			continue;
		if (ioctl(ev, IOCTL_EVTCHN_NOTIFY, &nt) < 0)
			return -errno;
		done++;
	}
	return 0;
}

int twr_pong_main(int argc, char **argv)
{
	/* --timeout as twr-exitcost's usage and twr-xencount ping spell it */
	static const struct option lo[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = 0 };
	unsigned int dom0_port, count, port;
	int timeout_s = 60, xs, ev, ret, c;
	char val[16];
	double t0;

	while ((c = getopt_long(argc, argv, "t:", lo, NULL)) != -1) {
		if (c != 't' || (timeout_s = atoi(optarg)) <= 0) {
			fprintf(stderr, "usage: twr-exitcost pong [-t|--timeout SECONDS]\n");
			return 2;
		}
	}
	xs = twr_xsdev_open();
	if (xs < 0) {
		fprintf(stderr, "twr-exitcost pong: /dev/xen/xenbus: %s (not a Xen domU?)\n",
			strerror(-xs));
		return 1;
	}
	ev = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (ev < 0) {
		ret = -errno;
		fprintf(stderr, "twr-exitcost pong: /dev/xen/evtchn: %s (modprobe xen-evtchn)\n",
			strerror(errno));
		goto out_xs;
	}
	twr_xsdev_rm(xs, TWR_PONG_DIR "/domu-port");
	/* wait for dom0 to offer its port */
	t0 = twr_now();
	while ((ret = twr_pong_read_u32(xs, "dom0-port", &dom0_port)) == -ENOENT &&
	       twr_now() - t0 < timeout_s)
		usleep(10000);
	if (!ret)
		ret = twr_pong_read_u32(xs, "count", &count);
	if (ret) {
		fprintf(stderr, "twr-exitcost pong: no usable %s/dom0-port and count from dom0: %s\n",
			TWR_PONG_DIR, strerror(-ret));
		goto out_ev;
	}
	bind.remote_port = dom0_port;
	c = ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (c < 0) {
		ret = -errno;
		fprintf(stderr, "twr-exitcost pong: binding dom0's port %u: %s\n", dom0_port,
			strerror(errno));
		goto out_ev;
	}
	port = c;
	/* Xen raises the new port once at bind time (lost-notification
	 * fix-up): consume it here, or every echo would answer the ping
	 * before the one it belongs to. */
	twr_pong_drain(ev, 200);
	snprintf(val, sizeof(val), "%u", port);
	ret = twr_xsdev_write(xs, TWR_PONG_DIR "/domu-port", val);
	if (ret) {
		fprintf(stderr, "twr-exitcost pong: writing domu-port: %s\n", strerror(-ret));
		goto out_ev;
	}
	ret = twr_pong_loop(ev, port, count, timeout_s);
	if (!ret)
		printf("pong: echoed %u events on port %u (dom0 port %u)\n", count, port, dom0_port);

out_ev:
	close(ev);
out_xs:
	close(xs);
	return ret ? 1 : 0;
}
