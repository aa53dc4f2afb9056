// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The net record code shared with the frontend: one source (twinnet.h). */
#include "../frontend/twinnet_rec.c"
