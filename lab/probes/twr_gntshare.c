// SPDX-License-Identifier: MIT
/*
 * twr-gntshare: the domU half of the lab's iotask scenario (docs/iotask.md).
 *
 *   twr-gntshare [-b] DOMID ro|rw [COUNT]
 *
 * grants COUNT (default 1, at most 64) pages of this domain to DOMID through
 * Linux's /dev/xen/gntalloc, fills each with a known pattern, prints the
 * refs on one line and holds the grants until SIGTERM or SIGINT. With -b the
 * holding is done by a detached child (its own session, stdio on /dev/null,
 * no other descriptor but gntalloc's) and the command returns once the refs
 * are printed: a remote shell, such as the lab's agent, gets its connection
 * back at once. The pages
 * are outside every twinring channel, so no I/O task names them: a map of
 * them by the driver domain is exactly what an enforcing hypervisor refuses.
 *
 * Only the kernel's ioctl ABI (linux-libc-dev's <xen/gntalloc.h>) and libc:
 * the lab's domU root has no libxen*, so this is linked statically.
 *
 * Exit: 0 after a clean stop, 2 when the grant could not be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/gntalloc.h>

#define TWR_GNTSHARE_MAX	64u
#define TWR_GNTSHARE_PAGE	4096u
#define TWR_PROBE_PATTERN	"twinring grant probe\n"

static volatile sig_atomic_t twr_gntshare_stop;

static void twr_gntshare_on_signal(int sig)
{
	(void)sig;
	twr_gntshare_stop = 1;
}

/*
 * -b: fork; the child leaves the caller's session and keeps no descriptor
 * of the caller's (stdio on /dev/null, everything but @keep_fd closed), so
 * nothing the caller waits on stays open. Returns 1 in the parent, 0 in the
 * child or when the fork failed (then this process holds the grants).
 */
static int twr_gntshare_detach(int keep_fd)
{
	int fd, null;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		perror("twr-gntshare: fork (holding the grants in the foreground)");
		return 0;
	}
	if (pid > 0)
		return 1;
	setsid();
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (fd = 3; fd < 1024; fd++)
		if (fd != keep_fd)
			close(fd);
	return 0;
}

static int twr_gntshare_usage(void)
{
	fputs("usage: twr-gntshare [-b] DOMID ro|rw [COUNT]\n"
	      "Grant COUNT (1..64) pages to DOMID with /dev/xen/gntalloc, print their refs\n"
	      "on one line, hold them until SIGTERM (-b: in a detached child; return now).\n",
	      stderr);
	return 2;
}

static int twr_gntshare_parse(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *v <= max && s[0] != '-';
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = twr_gntshare_on_signal };
	struct ioctl_gntalloc_alloc_gref *req;
	struct ioctl_gntalloc_dealloc_gref dealloc;
	unsigned long domid, count = 1, i;
	uint8_t *pages;
	int fd, writable, background = 0, ret = 2;

	if (argc > 1 && !strcmp(argv[1], "-b")) {
		background = 1;
		argc--;
		argv++;
	}
	if (argc < 3 || argc > 4 || !twr_gntshare_parse(argv[1], 0x7fef, &domid))
		return twr_gntshare_usage();
	if (!strcmp(argv[2], "rw"))
		writable = 1;
	else if (!strcmp(argv[2], "ro"))
		writable = 0;
	else
		return twr_gntshare_usage();
	if (argc == 4 && (!twr_gntshare_parse(argv[3], TWR_GNTSHARE_MAX, &count) || !count))
		return twr_gntshare_usage();

	/*
	 * It outlives whoever started it (a remote shell, the lab's agent):
	 * drop inherited descriptors beyond stdio so that no connection is
	 * kept open by this process.
	 */
	for (fd = 3; fd < 1024; fd++)
		close(fd);

	req = calloc(1, sizeof(*req) + count * sizeof(req->gref_ids[0]));
	if (!req) {
		perror("twr-gntshare: calloc");
		return 2;
	}
	fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "twr-gntshare: cannot open /dev/xen/gntalloc: %s (is xen-gntalloc loaded?)\n",
			strerror(errno));
		goto out_free;
	}
	req->domid = (uint16_t)domid;
	req->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	req->count = (uint32_t)count;
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, req)) {
		fprintf(stderr, "twr-gntshare: granting %lu page(s) to d%lu failed: %s\n",
			count, domid, strerror(errno));
		goto out_close;
	}
	pages = mmap(NULL, count * TWR_GNTSHARE_PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, fd, (off_t)req->index);
	if (pages == MAP_FAILED) {
		fprintf(stderr, "twr-gntshare: mmap of the granted pages failed: %s\n",
			strerror(errno));
		goto out_dealloc;
	}
	for (i = 0; i < count; i++)
		memcpy(pages + i * TWR_GNTSHARE_PAGE, TWR_PROBE_PATTERN,
		       sizeof(TWR_PROBE_PATTERN));

	/* The refs on stdout, then hold the grants until told to stop. */
	for (i = 0; i < count; i++)
		printf("%s%u", i ? " " : "", req->gref_ids[i]);
	printf("\n");
	fflush(stdout);
	if (background && twr_gntshare_detach(fd))
		_exit(0);	/* the parent: the child holds the grants */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!twr_gntshare_stop)
		pause();
	ret = 0;
	munmap(pages, count * TWR_GNTSHARE_PAGE);
out_dealloc:
	/* gntalloc ends the grants once nobody maps them any more. */
	dealloc.index = req->index;
	dealloc.count = (uint32_t)count;
	ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &dealloc);
out_close:
	close(fd);
out_free:
	free(req);
	return ret;
}
