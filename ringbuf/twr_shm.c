// SPDX-License-Identifier: MIT
/*
 * twinring user-space transport: a channel in a memfd shared by two
 * processes, with one eventfd per side standing in for the event channel.
 * See twr_shm.h for the contract.
 *
 * The eventfds are non-blocking (the flag is shared by both processes after
 * fork, so it is set once here): twr_shm_wait() first tries a read, which
 * is all it takes when an event is already pending, and polls only when it
 * must sleep. Eventfd counts accumulate, so a notification sent while the
 * peer was not sleeping is never lost, only merged with the next one.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "twr_shm.h"

static int twr_shm_check_order(unsigned int order)
{
	/* TWR_RING_ORDER_MIN is 0: only the upper bound can be crossed. */
	return order <= TWR_RING_ORDER_MAX;
}

int twr_shm_create(struct twr_shm *shm, unsigned int a_order,
		   unsigned int b_order, uint32_t start)
{
	void *map;
	int ret;

	memset(shm, 0, sizeof(*shm));
	shm->memfd = shm->efd[0] = shm->efd[1] = -1;
	if (!twr_shm_check_order(a_order) || !twr_shm_check_order(b_order))
		return -EINVAL;
	shm->a_size = TWR_PAGE_SIZE << a_order;
	shm->b_size = TWR_PAGE_SIZE << b_order;
	shm->map_len = TWR_PAGE_SIZE + (size_t)shm->a_size + shm->b_size;

	shm->memfd = memfd_create("twinring-chan", MFD_CLOEXEC);
	if (shm->memfd < 0)
		goto err_errno;
	if (ftruncate(shm->memfd, (off_t)shm->map_len) < 0)
		goto err_errno;
	map = mmap(NULL, shm->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   shm->memfd, 0);
	if (map == MAP_FAILED)
		goto err_errno;
	shm->ctl = map;
	shm->ring_a = (uint8_t *)map + TWR_PAGE_SIZE;
	shm->ring_b = shm->ring_a + shm->a_size;

	shm->efd[TWR_SHM_FRONT] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (shm->efd[TWR_SHM_FRONT] < 0)
		goto err_errno;
	shm->efd[TWR_SHM_BACK] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (shm->efd[TWR_SHM_BACK] < 0)
		goto err_errno;

	/* A fresh memfd reads as zeroes: reserved fields are already zero. */
	shm->ctl->magic = TWR_MAGIC;
	shm->ctl->version = TWR_VERSION;
	shm->ctl->a_order = (uint8_t)a_order;
	shm->ctl->b_order = (uint8_t)b_order;
	twr_ring_shared_init(&shm->ctl->ring_a, start);
	twr_ring_shared_init(&shm->ctl->ring_b, start);
	return 0;

err_errno:
	ret = -errno;
	twr_shm_destroy(shm);
	return ret;
}

void twr_shm_destroy(struct twr_shm *shm)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (shm->efd[i] >= 0)
			close(shm->efd[i]);
		shm->efd[i] = -1;
	}
	if (shm->ctl)
		munmap(shm->ctl, shm->map_len);
	shm->ctl = NULL;
	shm->ring_a = shm->ring_b = NULL;
	if (shm->memfd >= 0)
		close(shm->memfd);
	shm->memfd = -1;
}

int twr_shm_attach(struct twr_shm *shm, enum twr_shm_side side,
		   struct twr_ring *tx, struct twr_ring *rx,
		   uint32_t max_payload)
{
	struct twr_chan_ctl *ctl = shm->ctl;
	int ret;

	if (side == TWR_SHM_FRONT) {
		ret = twr_ring_attach(tx, TWR_RING_PRODUCER, &ctl->ring_a,
				      shm->ring_a, shm->a_size, max_payload);
		if (ret)
			return ret;
		return twr_ring_attach(rx, TWR_RING_CONSUMER, &ctl->ring_b,
				       shm->ring_b, shm->b_size, max_payload);
	}
	ret = twr_ring_attach(tx, TWR_RING_PRODUCER, &ctl->ring_b,
			      shm->ring_b, shm->b_size, max_payload);
	if (ret)
		return ret;
	return twr_ring_attach(rx, TWR_RING_CONSUMER, &ctl->ring_a,
			       shm->ring_a, shm->a_size, max_payload);
}

int twr_shm_notify(struct twr_shm *shm, enum twr_shm_side side)
{
	uint64_t one = 1;
	ssize_t n;

	do {
		n = write(shm->efd[side], &one, sizeof(one));
	} while (n < 0 && errno == EINTR);
	/* EAGAIN: the counter is saturated, so the peer has events pending
	 * anyway; nothing is lost. */
	if (n < 0 && errno != EAGAIN)
		return -errno;
	shm->stats.notify_sent++;
	return 0;
}

/* Consume pending events; returns 1 if there were any, 0 if none. */
static int twr_shm_drain(struct twr_shm *shm, int fd)
{
	uint64_t count;
	ssize_t n;

	do {
		n = read(fd, &count, sizeof(count));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n != sizeof(count))
		return -EIO;
	shm->stats.wakeups++;
	shm->stats.events_recv += count;
	return 1;
}

int twr_shm_wait(struct twr_shm *shm, enum twr_shm_side side, int timeout_ms)
{
	struct pollfd pfd = { .fd = shm->efd[side], .events = POLLIN };
	int ret;

	for (;;) {
		ret = twr_shm_drain(shm, pfd.fd);
		if (ret)
			return ret;
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0) {
			shm->stats.timeouts++;
			return 0;
		}
		if (pfd.revents & (POLLERR | POLLNVAL))
			return -EIO;
	}
}
