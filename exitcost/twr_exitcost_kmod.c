// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * twr-exitcost.ko: times, from the guest kernel, the operations user space
 * cannot reach: the null hypercall and an event-channel send. The
 * twr-exitcost tool drives it through /dev/twr-exitcost
 * (twr_exitcost_uapi.h).
 *
 * The event channel is a loopback pair in this domain: port A from
 * EVTCHNOP_alloc_unbound(DOMID_SELF, DOMID_SELF), port B from
 * EVTCHNOP_bind_interdomain(DOMID_SELF, A), B bound to a counting handler.
 * A send on A raises B. TWR_KTEST_EVTCHN_SEND sends with interrupts off, so
 * the upcall is held off until the loop ends: the hypercall alone (B stays
 * pending, Xen still does the lookup and the pending test). _UPCALL sends
 * with interrupts on: Xen delivers the upcall on the way back and the
 * handler runs before the end read, the whole local notification.
 */
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/version.h>
#include <xen/xen.h>
#include <asm/xen/hypercall.h>

#include "twr_exitcost_uapi.h"
#include "twr_tsc.h"
#include "twinring/version.h"

/* Upcalls are held off for at most this many sends at a time. */
#define TWR_IRQOFF_CHUNK	256u
/* Samples go to user space through this many at a time. */
#define TWR_SAMPLE_CHUNK	512u

struct twr_exitcost {
	evtchn_port_t port_a;	/* we send here */
	evtchn_port_t port_b;	/* the handler listens here */
	int irq;
	atomic64_t upcalls;
	struct mutex lock;	/* one measurement at a time */
	u64 buf[TWR_SAMPLE_CHUNK];
};

static struct twr_exitcost *twr_ec;

static irqreturn_t twr_exitcost_interrupt(int irq, void *dev_id)
{
	struct twr_exitcost *ec = dev_id;

	atomic64_inc(&ec->upcalls);
	return IRQ_HANDLED;
}

static int twr_exitcost_evtchn_init(struct twr_exitcost *ec)
{
	struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	struct evtchn_close close = { 0 };
	int ret;

	ret = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (ret)
		return ret;
	ec->port_a = alloc.port;
	bind.remote_port = alloc.port;
	ret = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret)
		goto out_close_a;
	ec->port_b = bind.local_port;
	ret = bind_evtchn_to_irqhandler(ec->port_b, twr_exitcost_interrupt, 0,
					"twr-exitcost", ec);
	if (ret < 0)
		goto out_close_b;
	ec->irq = ret;
	return 0;

out_close_b:
	close.port = ec->port_b;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
out_close_a:
	close.port = ec->port_a;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	return ret;
}

static void twr_exitcost_evtchn_uninit(struct twr_exitcost *ec)
{
	struct evtchn_close close = { .port = ec->port_a };

	unbind_from_irqhandler(ec->irq, ec);	/* closes port B */
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
}

/* One operation; its hypercall's return value. */
static __always_inline int twr_exitcost_op(struct twr_exitcost *ec, u32 test)
{
	struct evtchn_send send = { .port = ec->port_a };

	switch (test) {
	case TWR_KTEST_NULL_HCALL:
		return HYPERVISOR_xen_version(XENVER_version, NULL);
	case TWR_KTEST_EVTCHN_SEND:
	case TWR_KTEST_EVTCHN_UPCALL:
		return HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	default:
		barrier();
		return 0;
	}
}

/* Amortized: n operations between two TSC reads. Upcalls are held off in
 * chunks for EVTCHN_SEND; elsewhere the loop stays preemptible. */
static u64 twr_exitcost_loop(struct twr_exitcost *ec, u32 test, u64 n, int *last)
{
	unsigned long long t0, t1;
	unsigned long flags;
	u64 i = 0;

	t0 = twr_tsc_begin();
	while (i < n) {
		u64 end = min_t(u64, n, i + TWR_IRQOFF_CHUNK);

		if (test == TWR_KTEST_EVTCHN_SEND) {
			local_irq_save(flags);
			for (; i < end; i++)
				*last = twr_exitcost_op(ec, test);
			local_irq_restore(flags);
		} else {
			for (; i < end; i++)
				*last = twr_exitcost_op(ec, test);
		}
		if (!(i & 0xffff))
			cond_resched();
	}
	t1 = twr_tsc_end();
	return t1 - t0;
}

/* Per sample: each operation between its own serializing reads. */
static int twr_exitcost_samples(struct twr_exitcost *ec, u32 test, u64 n,
				u64 __user *out, int *last)
{
	unsigned long long t0;
	unsigned long flags;
	u64 i, k, chunk;

	for (i = 0; i < n; i += chunk) {
		chunk = min_t(u64, n - i, TWR_SAMPLE_CHUNK);
		for (k = 0; k < chunk; k++) {
			if (test == TWR_KTEST_EVTCHN_SEND)
				local_irq_save(flags);
			t0 = twr_tsc_begin();
			*last = twr_exitcost_op(ec, test);
			ec->buf[k] = twr_tsc_end() - t0;
			if (test == TWR_KTEST_EVTCHN_SEND)
				local_irq_restore(flags);
		}
		if (copy_to_user(out + i, ec->buf, chunk * sizeof(u64)))
			return -EFAULT;
		cond_resched();
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static long twr_exitcost_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct twr_exitcost_run __user *uarg = (void __user *)arg;
	struct twr_exitcost *ec = twr_ec;
	struct twr_exitcost_run r;
	u64 before;
	int last = 0, ret = 0;

	if (cmd != TWR_EXITCOST_IOC_RUN)
		return -ENOTTY;
	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (r.test >= TWR_KTEST_NR || r.flags || r.reserved || !r.iterations ||
	    r.iterations > TWR_EXITCOST_MAX_ITER ||
	    (r.samples && r.iterations > TWR_EXITCOST_MAX_SAMPLES))
		return -EINVAL;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;

	mutex_lock(&ec->lock);
	before = atomic64_read(&ec->upcalls);
	if (r.samples) {
		ret = twr_exitcost_samples(ec, r.test, r.iterations,
					   u64_to_user_ptr(r.samples), &last);
		r.total_tsc = 0;
	} else {
		r.total_tsc = twr_exitcost_loop(ec, r.test, r.iterations, &last);
	}
	r.upcalls = atomic64_read(&ec->upcalls) - before;
	mutex_unlock(&ec->lock);
	if (ret)
		return ret;
	r.last_ret = last;
	if (last < 0)
		pr_warn_ratelimited("test %u: hypercall returned %d\n", r.test, last);
	return copy_to_user(uarg, &r, sizeof(r)) ? -EFAULT : 0;
}

static const struct file_operations twr_exitcost_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = twr_exitcost_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice twr_exitcost_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "twr-exitcost",
	.fops = &twr_exitcost_fops,
	.mode = 0600,
};

static int __init twr_exitcost_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	twr_ec = kzalloc(sizeof(*twr_ec), GFP_KERNEL);
	if (!twr_ec)
		return -ENOMEM;
	mutex_init(&twr_ec->lock);
	ret = twr_exitcost_evtchn_init(twr_ec);
	if (ret) {
		pr_err("cannot set up the loopback event channel: %d\n", ret);
		goto out_free;
	}
	ret = misc_register(&twr_exitcost_dev);
	if (ret)
		goto out_evtchn;
	pr_info("ready: loopback event channel %u -> %u\n", twr_ec->port_a, twr_ec->port_b);
	return 0;

out_evtchn:
	twr_exitcost_evtchn_uninit(twr_ec);
out_free:
	kfree(twr_ec);
	return ret;
}

static void __exit twr_exitcost_exit(void)
{
	misc_deregister(&twr_exitcost_dev);
	twr_exitcost_evtchn_uninit(twr_ec);
	kfree(twr_ec);
}

module_init(twr_exitcost_init);
module_exit(twr_exitcost_exit);
MODULE_DESCRIPTION("twinring exit-cost measurements: null hypercall, event-channel send");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(TWR_RELEASE);
