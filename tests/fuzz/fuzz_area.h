/* SPDX-License-Identifier: MIT */
/*
 * Shared-memory stand-in for the fuzz targets: the shared indices and a data
 * area of up to FUZZ_AREA_MAX bytes, each ending right before a PROT_NONE
 * guard page (and the data area starting right after one), so an
 * out-of-bounds access faults even where ASan's redzones do not reach.
 */
#ifndef TWR_FUZZ_AREA_H
#define TWR_FUZZ_AREA_H

#include <stddef.h>
#include <stdint.h>

#include "twr_ring.h"

#define FUZZ_AREA_MAX	(2u * TWR_PAGE_SIZE)

/* Abort (a crash libFuzzer reports) when an invariant does not hold. */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : twr_fuzz_fail(__FILE__, __LINE__, #cond))

void twr_fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

/* The shared indices, zeroed. */
struct twr_ring_shared *twr_fuzz_shared(void);

/* A data area of @size bytes (power of two, <= FUZZ_AREA_MAX), zeroed,
 * whose last byte is followed by a guard page. */
uint8_t *twr_fuzz_data(uint32_t size);

/* Is [p, p + len) inside @data of @size bytes? */
int twr_fuzz_in_data(const uint8_t *data, uint32_t size, const void *p,
		     uint64_t len);

/* Little-endian reads of the input, zero past its end. */
struct twr_fuzz_in {
	const uint8_t *p;
	size_t left;
};

uint32_t twr_fuzz_u32(struct twr_fuzz_in *in);
uint16_t twr_fuzz_u16(struct twr_fuzz_in *in);
uint8_t twr_fuzz_u8(struct twr_fuzz_in *in);

/* The libFuzzer entry point of each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* TWR_FUZZ_AREA_H */
