/* SPDX-License-Identifier: MIT */
/*
 * twinring xenstore layout: the contract between the toolstack (twinctl,
 * twinringd), the frontend drivers (domU) and the backend drivers (dom0).
 *
 * Device kinds (xenbus device types): "twinnet" and "twinblk".
 *
 * Frontend directory, owned by the domU, readable by the backend domain
 * (libxl's pattern: perms "n<domU>" then "r<backend>"):
 *
 *   /local/domain/<domid>/device/<kind>/<devid>/
 *     backend             path of the backend directory       (toolstack)
 *     backend-id          backend domain id                   (toolstack)
 *     state               XenbusState                         (frontend)
 *     mac                 twinnet: MAC of the domU netdev     (toolstack)
 *     num-queues          queues (channels) actually used     (frontend)
 *     queue-<n>/          one per channel, n = 0..num-queues-1 (frontend)
 *       ctrl-ref, ring-a-dir-ref, ring-b-dir-ref,
 *       ring-a-order, ring-b-order, event-channel
 *                         (see include/twinring/ring.h)
 *
 * Backend directory, owned by the backend domain, readable by the domU
 * (perms "n<backend>" then "r<domid>"):
 *
 *   /local/domain/<backend>/backend/<kind>/<domid>/<devid>/
 *     frontend            path of the frontend directory      (toolstack)
 *     frontend-id         domU id                             (toolstack)
 *     online              "1"                                 (toolstack)
 *     iotask-ready        "1": the I/O tasks exist, map now   (toolstack;
 *                         the backend maps nothing before it: docs/iotask.md)
 *     state               XenbusState                         (backend; the
 *                         toolstack writes the initial 1)
 *     max-queues          queues the backend accepts          (toolstack)
 *     max-ring-order      largest ring order it accepts       (backend)
 *     twinnet:  bridge    bridge for twr<domid>.<devid>      (toolstack)
 *               mac       MAC of the domU netdev              (toolstack)
 *               script    absolute path of the hotplug script run
 *                         instead of the built-in bridging     (toolstack,
 *                         optional: script=, docs/toolstack.md)
 *               script-ifindex  ifindex of the netdev the script was
 *                         run for: the claim that makes it run once
 *                         per netdev, by twinctl or twinringd (toolstack)
 *               hotplug-status, hotplug-error: written by xl's scripts
 *                         (vif-common.sh), read for messages (script)
 *     twinblk:  target    file or block device path           (toolstack)
 *               mode      "r" or "w"                          (toolstack)
 *               vdev      name of the domU disk, e.g. "twa"   (toolstack)
 *               limit-iops, limit-bw: requests/s, bytes/s   (toolstack,
 *                         optional; read at each connect)
 *               sectors, sector-size, info (TWR_BLK_INFO_*),
 *               twinblk-version, max-requests                 (backend)
 *
 * The backend netdev is named twr<domid>.<devid>, as vif<domid>.<devid>.
 */
#ifndef TWINRING_XENBUS_H
#define TWINRING_XENBUS_H

#define TWR_XS_KIND_NET		"twinnet"
#define TWR_XS_KIND_BLK		"twinblk"

#define TWR_XS_BACKEND		"backend"
#define TWR_XS_BACKEND_ID	"backend-id"
#define TWR_XS_FRONTEND		"frontend"
#define TWR_XS_FRONTEND_ID	"frontend-id"
#define TWR_XS_ONLINE		"online"
#define TWR_XS_IOTASK_READY	"iotask-ready"
#define TWR_XS_STATE		"state"
#define TWR_XS_NUM_QUEUES	"num-queues"
#define TWR_XS_MAX_QUEUES	"max-queues"
#define TWR_XS_MAX_RING_ORDER	"max-ring-order"
#define TWR_XS_QUEUE_FMT	"queue-%u"

#define TWR_XS_CTRL_REF		"ctrl-ref"
#define TWR_XS_RING_A_DIR_REF	"ring-a-dir-ref"
#define TWR_XS_RING_B_DIR_REF	"ring-b-dir-ref"
#define TWR_XS_RING_A_ORDER	"ring-a-order"
#define TWR_XS_RING_B_ORDER	"ring-b-order"
#define TWR_XS_EVENT_CHANNEL	"event-channel"

#define TWR_XS_NET_BRIDGE	"bridge"
#define TWR_XS_NET_MAC		"mac"
#define TWR_XS_NET_SCRIPT	"script"
#define TWR_XS_NET_SCRIPT_IFINDEX	"script-ifindex"
#define TWR_XS_HOTPLUG_ERROR	"hotplug-error"

#define TWR_XS_BLK_TARGET	"target"
#define TWR_XS_BLK_MODE		"mode"
#define TWR_XS_BLK_VDEV		"vdev"
#define TWR_XS_BLK_SECTORS	"sectors"
#define TWR_XS_BLK_SECTOR_SIZE	"sector-size"
#define TWR_XS_BLK_INFO		"info"
#define TWR_XS_BLK_VERSION	"twinblk-version"
#define TWR_XS_BLK_MAX_REQUESTS	"max-requests"
#define TWR_XS_BLK_LIMIT_IOPS	"limit-iops"
#define TWR_XS_BLK_LIMIT_BW	"limit-bw"
/* Optional, toolstack: "writeback" for dom0's page cache; absent or "none":
 * direct I/O where the target has it (docs/blk.md). */
#define TWR_XS_BLK_CACHE	"cache"

#define TWR_NET_IFNAME_FMT	"twr%u.%u"

#endif /* TWINRING_XENBUS_H */
