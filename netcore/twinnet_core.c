// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twinnet-core.ko: the net data path of both twinnet drivers, one module
 * that twinnet-front.ko (domU) and twinnet-back.ko (driver domain) load by
 * symbol: the netdev and its queues (twinnet_netdev.c) and the conversion
 * between sk_buffs and net records (twinnet_rec.c). It has no devices of its
 * own; each driver brings its channels and xenbus handshake (twinnet.h).
 */
#include <linux/module.h>

#include "twinring/version.h"

MODULE_DESCRIPTION("twinring network data path shared by twinnet-front and twinnet-back");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
