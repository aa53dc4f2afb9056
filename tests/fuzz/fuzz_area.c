// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_area.h"

/* guard | data (FUZZ_AREA_MAX) | guard | indices page | guard */
#define MAP_LEN	(3u * TWR_PAGE_SIZE + FUZZ_AREA_MAX + TWR_PAGE_SIZE)

static uint8_t *twr_fuzz_map(void)
{
	static uint8_t *map;

	if (map)
		return map;
	map = mmap(NULL, MAP_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED ||
	    mprotect(map + TWR_PAGE_SIZE, FUZZ_AREA_MAX, PROT_READ | PROT_WRITE) ||
	    mprotect(map + 2 * TWR_PAGE_SIZE + FUZZ_AREA_MAX, TWR_PAGE_SIZE,
		     PROT_READ | PROT_WRITE)) {
		perror("fuzz: mmap/mprotect of the shared area");
		abort();
	}
	return map;
}

void twr_fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	abort();
}

struct twr_ring_shared *twr_fuzz_shared(void)
{
	uint8_t *page = twr_fuzz_map() + 2 * TWR_PAGE_SIZE + FUZZ_AREA_MAX;
	struct twr_ring_shared *sh = (struct twr_ring_shared *)
		(page + TWR_PAGE_SIZE - sizeof(*sh));

	memset(sh, 0, sizeof(*sh));
	return sh;
}

uint8_t *twr_fuzz_data(uint32_t size)
{
	static uint32_t cur = FUZZ_AREA_MAX;
	uint8_t *area = twr_fuzz_map() + TWR_PAGE_SIZE;
	uint8_t *data = area + FUZZ_AREA_MAX - size;

	/* Whatever precedes a smaller area is a guard too. */
	if (size != cur) {
		if (mprotect(area, FUZZ_AREA_MAX - size, PROT_NONE) ||
		    mprotect(data, size, PROT_READ | PROT_WRITE)) {
			perror("fuzz: mprotect of the data area");
			abort();
		}
		cur = size;
	}
	memset(data, 0, size);
	return data;
}

int twr_fuzz_in_data(const uint8_t *data, uint32_t size, const void *p,
		     uint64_t len)
{
	const uint8_t *b = p;

	return b >= data && b <= data + size &&
	       len <= (uint64_t)(data + size - b);
}

uint8_t twr_fuzz_u8(struct twr_fuzz_in *in)
{
	uint8_t v = 0;

	if (in->left) {
		v = *in->p++;
		in->left--;
	}
	return v;
}

uint16_t twr_fuzz_u16(struct twr_fuzz_in *in)
{
	uint16_t lo = twr_fuzz_u8(in);

	return (uint16_t)(lo | twr_fuzz_u8(in) << 8);
}

uint32_t twr_fuzz_u32(struct twr_fuzz_in *in)
{
	uint32_t lo = twr_fuzz_u16(in);

	return lo | (uint32_t)twr_fuzz_u16(in) << 16;
}
