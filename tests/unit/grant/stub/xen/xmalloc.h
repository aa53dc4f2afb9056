/* SPDX-License-Identifier: GPL-2.0-only */
/* Stub for the unit tests: see ../harness.h. */
#include "../harness.h"
