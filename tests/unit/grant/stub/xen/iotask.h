/* SPDX-License-Identifier: GPL-2.0-only */
/* The real header, under the name Xen gives it. */
#include "../../../../../grant/iotask.h"
