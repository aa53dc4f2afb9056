// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The net data path shared with the frontend: one source (twinnet.h). */
#include "../frontend/twinnet_queue.c"
