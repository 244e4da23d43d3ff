// SPDX-License-Identifier: GPL-2.0
/*
 * neigh: the neighbour tables, ARP (arp_cache) and NDISC (ndisc_cache).
 *
 * Exact values are copied from the kernel: each table's per-CPU
 * statistics, its entry counts and thresholds, and per-netns counts by
 * NUD state from a lockless RCU walk of its hash (nks_neigh_walk()).
 *
 * Hooks add what the kernel does not count:
 *  - tracepoint neigh_create fires right after neigh_alloc(); a NULL
 *    entry is a refused creation, counted per netns (exact) and
 *    timestamped (the last overflow).
 *  - neigh_alloc() and the forced gc it runs are inlined into
 *    ___neigh_create(). A kprobe on ___neigh_create() opens a record on
 *    this CPU for this context; tracepoint neigh_cleanup_and_release
 *    counts the entries released while it is open, and neigh_create
 *    closes it. If the CPU's forced_gc_runs moved meanwhile, a forced gc
 *    ran: the released entries are what it reclaimed, the time between
 *    (gc plus the allocation after it) is its latency. A gc that ends
 *    its pass writes jiffies to last_flush; one stopped by its 1 ms
 *    budget does not. So last_flush unchanged, and older than the jiffy
 *    the kprobe saw, proves a budget stop; a stop right after another
 *    gc in the same jiffies cannot be told and is not counted, which
 *    makes budget_hits a lower bound.
 *    This is an attribution: exact unless the task migrates between the
 *    kprobe and the gc, which does not happen on a kernel without forced
 *    preemption. forced_gc_runs_traced says how many runs it saw.
 *  - an entry released by the table's own gc work is periodic gc's
 *    (exact).
 *
 * Refused creations are also counted per device: a netdevice notifier
 * keeps, per netns, an xarray from ifindex to per-CPU counters, set up
 * when a device registers, so that the probe only looks one up.
 */
#include <linux/bsearch.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <linux/nkstat.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/arp.h>
#include <net/ipv6_stubs.h>
#include <net/neighbour.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <trace/events/neigh.h>

#include "family.h"
#include "group.h"
#include "netns.h"

struct nks_neigh_pcpu {
	u64 runs_traced;
	u64 reclaimed;
	u64 budget_hits;
	u64 periodic_reclaimed;
	u64 reclaim_hist[NKSTAT_HIST_BUCKETS];
	u64 latency_hist[NKSTAT_HIST_BUCKETS];
};

struct nks_neigh_tbl {
	u32 id;				/* enum nkstat_neigh_table */
	unsigned int alloc_failures;	/* in the group's netns block */
	struct neigh_table *tbl;	/* NULL: not on this kernel */
	struct nks_neigh_pcpu __percpu *pcpu;
	u64 last_overflow_ns;		/* ktime_get_ns(); 0: none seen */
};

static struct nks_neigh_tbl nks_neigh_tbls[] = {
	{ NKSTAT_NEIGH_TABLE_ARP, 0 },
	{ NKSTAT_NEIGH_TABLE_NDISC, 1 },
};

/* An open ___neigh_create() on this CPU: [0] task context, [1] softirq. */
struct nks_neigh_slot {
	struct nks_neigh_tbl *t;	/* NULL: closed */
	struct task_struct *task;
	u64 t0;
	unsigned long last_flush;
	unsigned long j0;		/* jiffies at entry */
	unsigned long gc_runs;		/* this CPU's forced_gc_runs at entry */
	unsigned int reclaimed;
};

static DEFINE_PER_CPU(struct nks_neigh_slot, nks_neigh_slots[2]);

enum { NKS_HOOK_CREATE_KP, NKS_HOOK_CREATE_TP, NKS_HOOK_RELEASE_TP, NKS_HOOK_WALK };

static struct kprobe nks_neigh_kp;

/* Attributed to a forced gc run by the module, see the top of this file. */
static const char *const nks_neigh_estimates[] = {
	"forced_gc_runs_traced", "forced_gc_reclaimed", "forced_gc_reclaim_hist",
	"forced_gc_latency_hist", "forced_gc_budget_hits",
};

static struct nks_hook nks_neigh_hooks[] = {
	[NKS_HOOK_CREATE_KP] = { "___neigh_create", NKSTAT_HOOK_KIND_KPROBE,
				 .kp = &nks_neigh_kp,
				 .feeds = nks_neigh_estimates,
				 .n_feeds = ARRAY_SIZE(nks_neigh_estimates) },
	[NKS_HOOK_CREATE_TP] = { "neigh_create", NKSTAT_HOOK_KIND_TRACEPOINT },
	[NKS_HOOK_RELEASE_TP] = { "neigh_cleanup_and_release",
				  NKSTAT_HOOK_KIND_TRACEPOINT },
	[NKS_HOOK_WALK] = { "neigh hash tables", NKSTAT_HOOK_KIND_WALK },
};

/* Fed by tracepoint neigh_create alone. */
static const char *const nks_neigh_create_counters[] = {
	"alloc_failures", "last_overflow_age_ms",
};

/*
 * At most: the counters of each hook that can fail, plus
 * periodic_gc_reclaimed (tracepoint neigh_cleanup_and_release) and the
 * NDISC table.
 */
static struct nks_unavail nks_neigh_unavail[ARRAY_SIZE(nks_neigh_create_counters) +
					    ARRAY_SIZE(nks_neigh_estimates) + 2];

static struct tracepoint *nks_neigh_tp_create, *nks_neigh_tp_release;

/* Refused creations per device, indexed like nks_neigh_tbls. */
struct nks_neigh_dev_pcpu {
	u64 refused[ARRAY_SIZE(nks_neigh_tbls)];
};

struct nks_neigh_dev {
	struct rcu_head rcu;
	struct nks_neigh_dev_pcpu __percpu *pcpu;
};

struct nks_neigh_net {
	struct xarray devs;		/* ifindex -> struct nks_neigh_dev */
};

static unsigned int nks_neigh_net_id __read_mostly;

static struct nks_neigh_net *nks_neigh_net(struct net *net)
{
	return net_generic(net, nks_neigh_net_id);
}

static void nks_neigh_dev_free(struct rcu_head *head)
{
	struct nks_neigh_dev *d = container_of(head, struct nks_neigh_dev, rcu);

	free_percpu(d->pcpu);
	kfree(d);
}

static void nks_neigh_dev_add(struct net_device *dev)
{
	struct nks_neigh_net *nn = nks_neigh_net(dev_net(dev));
	struct nks_neigh_dev *d, *old;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return;		/* the device's refusals go uncounted (absent) */
	d->pcpu = alloc_percpu(struct nks_neigh_dev_pcpu);
	old = d->pcpu ? xa_store(&nn->devs, dev->ifindex, d, GFP_KERNEL) : NULL;
	if (!d->pcpu || xa_is_err(old)) {
		free_percpu(d->pcpu);
		kfree(d);
		return;
	}
	if (old)
		call_rcu(&old->rcu, nks_neigh_dev_free);
}

static void nks_neigh_dev_del(struct net_device *dev)
{
	struct nks_neigh_dev *d;

	d = xa_erase(&nks_neigh_net(dev_net(dev))->devs, dev->ifindex);
	if (d)
		call_rcu(&d->rcu, nks_neigh_dev_free);
}

static int nks_neigh_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_REGISTER)
		nks_neigh_dev_add(dev);
	else if (event == NETDEV_UNREGISTER)
		nks_neigh_dev_del(dev);
	return NOTIFY_DONE;
}

static struct notifier_block nks_neigh_netdev_nb = {
	.notifier_call = nks_neigh_netdev_event,
};

static int __net_init nks_neigh_net_init(struct net *net)
{
	xa_init(&nks_neigh_net(net)->devs);
	return 0;
}

static void __net_exit nks_neigh_net_exit(struct net *net)
{
	struct nks_neigh_net *nn = nks_neigh_net(net);
	struct nks_neigh_dev *d;
	unsigned long i;

	/* empty unless the notifier missed an unregister */
	xa_for_each(&nn->devs, i, d) {
		xa_erase(&nn->devs, i);
		call_rcu(&d->rcu, nks_neigh_dev_free);
	}
	xa_destroy(&nn->devs);
}

static struct pernet_operations nks_neigh_net_ops = {
	.init = nks_neigh_net_init,
	.exit = nks_neigh_net_exit,
	.id = &nks_neigh_net_id,
	.size = sizeof(struct nks_neigh_net),
};

/* The counters of device @ifindex of @net, or NULL; under RCU. */
static struct nks_neigh_dev *nks_neigh_dev(struct net *net, int ifindex)
{
	return xa_load(&nks_neigh_net(net)->devs, ifindex);
}

/* Sum of @dev's refused creations in table @t; false if not counted. */
static bool nks_neigh_dev_refused(struct net *net, int ifindex,
				  const struct nks_neigh_tbl *t, u64 *sum)
{
	unsigned int ti = t - nks_neigh_tbls;
	struct nks_neigh_dev *d;
	u64 total = 0;
	int cpu;

	rcu_read_lock();
	d = nks_neigh_dev(net, ifindex);
	if (d) {
		for_each_possible_cpu(cpu)
			total += READ_ONCE(per_cpu_ptr(d->pcpu, cpu)->refused[ti]);
	}
	rcu_read_unlock();
	*sum = total;
	return d;
}

static struct nks_neigh_tbl *nks_neigh_find(const struct neigh_table *tbl)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_neigh_tbls); i++) {
		if (nks_neigh_tbls[i].tbl == tbl)
			return &nks_neigh_tbls[i];
	}
	return NULL;
}

static bool nks_neigh_forced_gc_traced(void)
{
	return !nks_neigh_hooks[NKS_HOOK_CREATE_KP].err &&
	       !nks_neigh_hooks[NKS_HOOK_CREATE_TP].err &&
	       !nks_neigh_hooks[NKS_HOOK_RELEASE_TP].err;
}

/*
 * The slot of this context: softirq or task. Keyed on softirq, not on
 * in_task(): an int3-based kprobe handler runs as an NMI, where in_task()
 * is false for a task, while the tracepoints it pairs with see a task.
 */
static bool nks_neigh_in_softirq(void)
{
	return in_serving_softirq();
}

static struct nks_neigh_slot *nks_neigh_slot(void)
{
	return this_cpu_ptr(&nks_neigh_slots[nks_neigh_in_softirq()]);
}

static int nks_neigh_create_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct neigh_table *tbl = (void *)regs_get_kernel_argument(regs, 0);
	struct nks_neigh_tbl *t = nks_neigh_find(tbl);
	struct nks_neigh_slot *s;

	if (!t)
		return 0;
	s = nks_neigh_slot();
	s->t = t;
	s->task = current;
	s->t0 = ktime_get_ns();
	s->last_flush = READ_ONCE(tbl->last_flush);
	s->j0 = jiffies;
	s->gc_runs = READ_ONCE(this_cpu_ptr(tbl->stats)->forced_gc_runs);
	s->reclaimed = 0;
	return 0;
}

static struct kprobe nks_neigh_kp = {
	.symbol_name = "___neigh_create",
	.pre_handler = nks_neigh_create_entry,
};

static void nks_neigh_released(void *data, struct neighbour *n, int rc)
{
	struct nks_neigh_tbl *t = nks_neigh_find(n->tbl);
	struct nks_neigh_slot *s;

	if (!t)
		return;
	if (!nks_neigh_in_softirq() && current_work() == &n->tbl->gc_work.work) {
		this_cpu_inc(t->pcpu->periodic_reclaimed);
		return;
	}
	s = nks_neigh_slot();
	if (s->t == t && (nks_neigh_in_softirq() || s->task == current))
		s->reclaimed++;
}

static void nks_neigh_created(void *data, struct neigh_table *tbl,
			      struct net_device *dev, const void *pkey,
			      const struct neighbour *n, bool exempt_from_gc)
{
	struct nks_neigh_tbl *t = nks_neigh_find(tbl);
	struct nks_neigh_slot *s;
	u64 elapsed;

	if (!t)
		return;
	/* tracepoints run under RCU: a netns alive here stays so (netns.c) */
	if (!n && check_net(dev_net(dev))) {
		struct nks_neigh_dev *d;

		nks_group_netns_inc(dev_net(dev), &nks_group_neigh,
				    t->alloc_failures);
		WRITE_ONCE(t->last_overflow_ns, ktime_get_ns());
		rcu_read_lock();
		d = nks_neigh_dev(dev_net(dev), dev->ifindex);
		if (d)
			this_cpu_inc(d->pcpu->refused[t - nks_neigh_tbls]);
		rcu_read_unlock();
	}

	s = nks_neigh_slot();
	if (s->t != t || (!nks_neigh_in_softirq() && s->task != current))
		return;
	s->t = NULL;
	if (READ_ONCE(this_cpu_ptr(tbl->stats)->forced_gc_runs) == s->gc_runs)
		return;		/* no forced gc in this creation */

	/* the clock is read only for creations that ran a forced gc */
	elapsed = ktime_get_ns() - s->t0;
	this_cpu_inc(t->pcpu->runs_traced);
	this_cpu_add(t->pcpu->reclaimed, s->reclaimed);
	this_cpu_inc(t->pcpu->reclaim_hist[nks_hist_bucket(s->reclaimed)]);
	this_cpu_inc(t->pcpu->latency_hist[nks_hist_bucket(div_u64(elapsed,
								   NSEC_PER_USEC))]);
	if (READ_ONCE(tbl->last_flush) == s->last_flush &&
	    !time_in_range(s->last_flush, s->j0, jiffies))
		this_cpu_inc(t->pcpu->budget_hits);
}

static void nks_neigh_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "neigh_create"))
		nks_neigh_tp_create = tp;
	else if (!strcmp(tp->name, "neigh_cleanup_and_release"))
		nks_neigh_tp_release = tp;
}

static int nks_neigh_tp_register(struct tracepoint *tp, void *probe)
{
	return tp ? tracepoint_probe_register(tp, probe, NULL) : -ENOENT;
}

static void nks_neigh_unhook(void)
{
	if (!nks_neigh_hooks[NKS_HOOK_CREATE_TP].err)
		tracepoint_probe_unregister(nks_neigh_tp_create,
					    nks_neigh_created, NULL);
	if (!nks_neigh_hooks[NKS_HOOK_RELEASE_TP].err)
		tracepoint_probe_unregister(nks_neigh_tp_release,
					    nks_neigh_released, NULL);
	tracepoint_synchronize_unregister();
	if (!nks_neigh_hooks[NKS_HOOK_CREATE_KP].err)
		unregister_kprobe(&nks_neigh_kp);
}

static void nks_neigh_free(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_neigh_tbls); i++) {
		free_percpu(nks_neigh_tbls[i].pcpu);
		nks_neigh_tbls[i].pcpu = NULL;
	}
}

static int nks_neigh_init(struct nks_group *grp)
{
	struct nks_hook *h = nks_neigh_hooks;
	unsigned int i;
	int err;

	/* compile-time checks of the probes against the tracepoints */
	check_trace_callback_type_neigh_create(nks_neigh_created);
	check_trace_callback_type_neigh_cleanup_and_release(nks_neigh_released);

	nks_neigh_tbls[0].tbl = &arp_tbl;
	/* NULL when IPv6 is disabled (ipv6.disable=1) */
	nks_neigh_tbls[1].tbl = ipv6_stub->nd_tbl;
	for (i = 0; i < ARRAY_SIZE(nks_neigh_tbls); i++) {
		if (!nks_neigh_tbls[i].tbl)
			continue;
		nks_neigh_tbls[i].pcpu = alloc_percpu(struct nks_neigh_pcpu);
		if (!nks_neigh_tbls[i].pcpu) {
			nks_neigh_free();
			grp->reason = "out of memory";
			return -ENOMEM;
		}
	}

	err = register_pernet_subsys(&nks_neigh_net_ops);
	if (!err) {
		err = register_netdevice_notifier(&nks_neigh_netdev_nb);
		if (err)
			unregister_pernet_subsys(&nks_neigh_net_ops);
	}
	if (err) {
		nks_neigh_free();
		grp->reason = "cannot set up per-device state";
		return err;
	}

	for_each_kernel_tracepoint(nks_neigh_find_tp, NULL);
	/* The probes only count; each may attach without the others. */
	h[NKS_HOOK_CREATE_TP].err = nks_hook_skipped(h[NKS_HOOK_CREATE_TP].name) ?:
		nks_neigh_tp_register(nks_neigh_tp_create, nks_neigh_created);
	h[NKS_HOOK_RELEASE_TP].err = nks_hook_skipped(h[NKS_HOOK_RELEASE_TP].name) ?:
		nks_neigh_tp_register(nks_neigh_tp_release, nks_neigh_released);
	h[NKS_HOOK_CREATE_KP].err = nks_hook_skipped(h[NKS_HOOK_CREATE_KP].name) ?:
		register_kprobe(&nks_neigh_kp);

	grp->estimates = nks_neigh_estimates;
	grp->n_estimates = nks_neigh_forced_gc_traced() ?
			   ARRAY_SIZE(nks_neigh_estimates) : 0;
	grp->hooks = nks_neigh_hooks;
	grp->n_hooks = ARRAY_SIZE(nks_neigh_hooks);
	grp->unavail = nks_neigh_unavail;
	grp->max_unavail = ARRAY_SIZE(nks_neigh_unavail);
	for (i = 0; i < ARRAY_SIZE(nks_neigh_create_counters); i++) {
		if (h[NKS_HOOK_CREATE_TP].err)
			nks_group_unavail(grp, nks_neigh_create_counters[i],
					  "tracepoint neigh_create did not attach");
	}
	if (!nks_neigh_forced_gc_traced()) {
		for (i = 0; i < ARRAY_SIZE(nks_neigh_estimates); i++)
			nks_group_unavail(grp, nks_neigh_estimates[i],
					  "needs kprobe ___neigh_create and tracepoints neigh_create and neigh_cleanup_and_release");
	}
	if (h[NKS_HOOK_RELEASE_TP].err)
		nks_group_unavail(grp, "periodic_gc_reclaimed",
				  "tracepoint neigh_cleanup_and_release did not attach");
	if (!nks_neigh_tbls[1].tbl)
		nks_group_unavail(grp, "ndisc",
				  "IPv6 is disabled: there is no NDISC table");
	return 0;
}

static void nks_neigh_exit(struct nks_group *grp)
{
	nks_neigh_unhook();
	unregister_netdevice_notifier(&nks_neigh_netdev_nb);
	unregister_pernet_subsys(&nks_neigh_net_ops);
	/* nks_neigh_dev_free() callbacks run module code */
	rcu_barrier();
	nks_neigh_free();
}

/* 0, -EINVAL for an unknown table, -EOPNOTSUPP for one this kernel lacks */
static int nks_neigh_table_check(u32 id)
{
	if (id < 1 || id > ARRAY_SIZE(nks_neigh_tbls))
		return -EINVAL;
	return nks_neigh_tbls[id - 1].tbl ? 0 : -EOPNOTSUPP;
}

/* The enum nkstat_nud_attr slot of a NUD state: one state bit, or none. */
static unsigned int nks_nud_index(u8 state)
{
	return state ? NKSTAT_NUD_A_NONE + ffs(state) : NKSTAT_NUD_A_NONE;
}

/* Hash buckets walked per RCU read-side section. */
#define NKS_NEIGH_WALK_CHUNK 64

/*
 * Calls @fn for each entry of @net in @tbl under RCU, a chunk of hash
 * buckets at a time with a reschedule point between chunks; no lock is
 * taken. A resize between chunks may skip or repeat a few entries, which
 * counters can bear.
 */
static void nks_neigh_walk(struct neigh_table *tbl, struct net *net,
			   void (*fn)(struct neighbour *n, void *arg), void *arg)
{
	struct neigh_hash_table *nht;
	struct neighbour *n;
	unsigned int h = 0, end;

	for (;;) {
		rcu_read_lock();
		nht = rcu_dereference(tbl->nht);
		end = min(h + NKS_NEIGH_WALK_CHUNK, 1U << nht->hash_shift);
		for (; h < end; h++) {
			for (n = rcu_dereference(nht->hash_buckets[h]); n;
			     n = rcu_dereference(n->next)) {
				if (net_eq(dev_net(n->dev), net))
					fn(n, arg);
			}
		}
		end = 1U << nht->hash_shift;
		rcu_read_unlock();
		if (h >= end)
			break;
		cond_resched();
	}
}

static void nks_neigh_count_one(struct neighbour *n, void *nud)
{
	((u64 *)nud)[nks_nud_index(READ_ONCE(n->nud_state))]++;
}

static int nks_put_u64(struct sk_buff *msg, int type, u64 v)
{
	return nla_put_u64_64bit(msg, type, v, NKSTAT_NEIGH_A_PAD);
}

/* NKSTAT_NEIGH_A_NUD from counts indexed by enum nkstat_nud_attr */
static int nks_put_nud(struct sk_buff *msg, const u64 *nud)
{
	struct nlattr *nest = nla_nest_start(msg, NKSTAT_NEIGH_A_NUD);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = NKSTAT_NUD_A_NONE; i <= NKSTAT_NUD_A_MAX; i++) {
		if (nks_nl_put_u64_unpadded(msg, i, nud[i])) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_neigh_fill_table(struct sk_buff *msg,
				const struct nks_neigh_tbl *t)
{
	struct neigh_table *tbl = t->tbl;
	struct neigh_statistics st = {};
	struct nks_neigh_pcpu hk = {};
	u64 last;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct neigh_statistics *s = per_cpu_ptr(tbl->stats, cpu);
		const struct nks_neigh_pcpu *p = per_cpu_ptr(t->pcpu, cpu);

		st.periodic_gc_runs += READ_ONCE(s->periodic_gc_runs);
		st.forced_gc_runs += READ_ONCE(s->forced_gc_runs);
		st.table_fulls += READ_ONCE(s->table_fulls);
		st.unres_discards += READ_ONCE(s->unres_discards);
		st.res_failed += READ_ONCE(s->res_failed);
		hk.runs_traced += READ_ONCE(p->runs_traced);
		hk.reclaimed += READ_ONCE(p->reclaimed);
		hk.budget_hits += READ_ONCE(p->budget_hits);
		hk.periodic_reclaimed += READ_ONCE(p->periodic_reclaimed);
		for (i = 0; i < NKSTAT_HIST_BUCKETS; i++) {
			hk.reclaim_hist[i] += READ_ONCE(p->reclaim_hist[i]);
			hk.latency_hist[i] += READ_ONCE(p->latency_hist[i]);
		}
	}

	if (nks_put_u64(msg, NKSTAT_NEIGH_A_ENTRIES, atomic_read(&tbl->entries)) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_GC_ENTRIES,
			atomic_read(&tbl->gc_entries)) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_GC_THRESH1, READ_ONCE(tbl->gc_thresh1)) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_GC_THRESH2, READ_ONCE(tbl->gc_thresh2)) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_GC_THRESH3, READ_ONCE(tbl->gc_thresh3)) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_GC_INTERVAL_MS,
			jiffies_to_msecs(READ_ONCE(tbl->gc_interval))) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_PERIODIC_GC_RUNS, st.periodic_gc_runs) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_FORCED_GC_RUNS, st.forced_gc_runs) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_FORCED_GC_FAILURES, st.table_fulls) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_UNRESOLVED_DISCARDS, st.unres_discards) ||
	    nks_put_u64(msg, NKSTAT_NEIGH_A_RES_FAILED, st.res_failed))
		return -EMSGSIZE;

	if (nks_neigh_forced_gc_traced() &&
	    (nks_put_u64(msg, NKSTAT_NEIGH_A_FORCED_GC_RUNS_TRACED, hk.runs_traced) ||
	     nks_put_u64(msg, NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED, hk.reclaimed) ||
	     nks_nl_put_hist(msg, NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST,
			     hk.reclaim_hist) ||
	     nks_nl_put_hist(msg, NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST,
			     hk.latency_hist) ||
	     nks_put_u64(msg, NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS, hk.budget_hits)))
		return -EMSGSIZE;
	if (!nks_neigh_hooks[NKS_HOOK_RELEASE_TP].err &&
	    nks_put_u64(msg, NKSTAT_NEIGH_A_PERIODIC_GC_RECLAIMED,
			hk.periodic_reclaimed))
		return -EMSGSIZE;
	/* absent until the first overflow: there is no age to report */
	last = READ_ONCE(t->last_overflow_ns);
	if (!nks_neigh_hooks[NKS_HOOK_CREATE_TP].err && last &&
	    nks_put_u64(msg, NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS,
			div_u64(ktime_get_ns() - last, NSEC_PER_MSEC)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Puts one NKSTAT_A_NEIGH nest for table @id: its table-wide values if
 * @table_wide, else NKSTAT_NEIGH_A_TABLE_HIDDEN, and @net's own values.
 * Sleeps (walks the table's hash). Returns 0 or -EMSGSIZE; a table this
 * kernel lacks puts nothing.
 */
static int nks_neigh_fill(struct sk_buff *msg, struct net *net, u32 id,
			  bool table_wide)
{
	const struct nks_neigh_tbl *t = &nks_neigh_tbls[id - 1];
	u64 nud[NKSTAT_NUD_A_MAX + 1] = {};
	struct nlattr *nest;

	if (!t->tbl)
		return 0;
	nks_neigh_walk(t->tbl, net, nks_neigh_count_one, nud);

	nest = nla_nest_start(msg, NKSTAT_A_NEIGH);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NKSTAT_NEIGH_A_TABLE, id))
		goto err_cancel;
	if (table_wide ? nks_neigh_fill_table(msg, t) :
			 nla_put_flag(msg, NKSTAT_NEIGH_A_TABLE_HIDDEN))
		goto err_cancel;

	if (nks_put_nud(msg, nud))
		goto err_cancel;
	if (!nks_neigh_hooks[NKS_HOOK_CREATE_TP].err &&
	    nks_put_u64(msg, NKSTAT_NEIGH_A_ALLOC_FAILURES,
			nks_group_netns_read(net, &nks_group_neigh,
					     t->alloc_failures)))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* One device's entries, counted for a GET_NEIGH_DEV dump. */
struct nks_neigh_devrow {
	int ifindex;
	char name[IFNAMSIZ];
	u64 nud[ARRAY_SIZE(nks_neigh_tbls)][NKSTAT_NUD_A_MAX + 1];
};

#define NKS_NEIGH_DEV_BATCH 32

static int nks_neigh_devrow_cmp(const void *key, const void *elt)
{
	const struct nks_neigh_devrow *row = elt;

	return *(const int *)key - row->ifindex;
}

struct nks_neigh_batch {
	struct nks_neigh_devrow *rows;
	int count;
	unsigned int table;
};

static void nks_neigh_count_dev(struct neighbour *n, void *arg)
{
	struct nks_neigh_batch *b = arg;
	struct nks_neigh_devrow *row;

	row = bsearch(&n->dev->ifindex, b->rows, b->count, sizeof(*row),
		      nks_neigh_devrow_cmp);
	if (row)
		row->nud[b->table][nks_nud_index(READ_ONCE(n->nud_state))]++;
}

/*
 * Fills *@rowsp with up to NKS_NEIGH_DEV_BATCH devices of @net whose
 * ifindex is above @after, in ifindex order, with their entries counted.
 * Returns how many, or -ENOMEM. Sleeps. The caller kfree()s *@rowsp.
 */
static int nks_neigh_dev_collect(struct net *net, int after,
				 struct nks_neigh_devrow **rowsp)
{
	struct nks_neigh_devrow *rows;
	struct net_device *dev;
	int count = 0, i;
	unsigned int t;

	rows = kcalloc(NKS_NEIGH_DEV_BATCH, sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return -ENOMEM;
	*rowsp = rows;

	/* the NKS_NEIGH_DEV_BATCH lowest ifindexes above @after, sorted */
	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (dev->ifindex <= after)
			continue;
		for (i = count; i > 0 && rows[i - 1].ifindex > dev->ifindex; i--) {
			if (i < NKS_NEIGH_DEV_BATCH)
				rows[i] = rows[i - 1];
		}
		if (i >= NKS_NEIGH_DEV_BATCH)
			continue;
		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].ifindex = dev->ifindex;
		strscpy(rows[i].name, dev->name, sizeof(rows[i].name));
		if (count < NKS_NEIGH_DEV_BATCH)
			count++;
	}
	rcu_read_unlock();
	if (!count)
		return 0;

	/* one walk per table counts every device of the batch */
	for (t = 0; t < ARRAY_SIZE(nks_neigh_tbls); t++) {
		struct nks_neigh_batch b = { rows, count, t };

		if (nks_neigh_tbls[t].tbl)
			nks_neigh_walk(nks_neigh_tbls[t].tbl, net,
				       nks_neigh_count_dev, &b);
	}
	return count;
}

/* Puts row @i: NKSTAT_A_IFINDEX, NKSTAT_A_IFNAME and a nest per table. */
static int nks_neigh_dev_fill(struct sk_buff *msg, struct net *net,
			      const struct nks_neigh_devrow *rows, int i)
{
	const struct nks_neigh_devrow *row = &rows[i];
	struct nlattr *nest;
	unsigned int t;
	u64 refused;

	if (nla_put_u32(msg, NKSTAT_A_IFINDEX, row->ifindex) ||
	    nla_put_string(msg, NKSTAT_A_IFNAME, row->name))
		return -EMSGSIZE;
	for (t = 0; t < ARRAY_SIZE(nks_neigh_tbls); t++) {
		if (!nks_neigh_tbls[t].tbl)
			continue;
		nest = nla_nest_start(msg, NKSTAT_A_NEIGH);
		if (!nest ||
		    nla_put_u32(msg, NKSTAT_NEIGH_A_TABLE, nks_neigh_tbls[t].id) ||
		    nks_put_nud(msg, row->nud[t]) ||
		    (nks_neigh_dev_refused(net, row->ifindex, &nks_neigh_tbls[t],
					   &refused) &&
		     !nks_neigh_hooks[NKS_HOOK_CREATE_TP].err &&
		     nks_put_u64(msg, NKSTAT_NEIGH_A_ALLOC_FAILURES, refused)))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

struct nks_nl_neigh_ctx {
	struct net *net;
	u32 only;
	bool table_wide;
};

static int nks_nl_fill_neigh(struct sk_buff *msg, void *ctx)
{
	const struct nks_nl_neigh_ctx *c = ctx;
	u32 id;
	int err;

	for (id = 1; id <= NKSTAT_NEIGH_TABLE_MAX; id++) {
		if (c->only && id != c->only)
			continue;
		err = nks_neigh_fill(msg, c->net, id, c->table_wide);
		if (err)
			return err;
	}
	return nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_NEIGH);
}

static int nks_nl_get_neigh_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nks_nl_neigh_ctx ctx = { .net = genl_info_net(info) };
	struct nlattr *attr;
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_NEIGH,
			   info->extack);
	if (err)
		return err;
	attr = info->attrs[NKSTAT_A_NEIGH_TABLE];
	if (attr) {
		ctx.only = nla_get_u32(attr);
		err = nks_neigh_table_check(ctx.only);
		if (err == -EINVAL)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "unknown neighbour table");
		else if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "this kernel has no such neighbour table");
		if (err)
			return err;
	}
	/* the tables are shared by every netns: their totals are the host's */
	ctx.table_wide = netlink_capable(skb, CAP_NET_ADMIN);
	return nks_nl_reply(info, NKSTAT_CMD_GET_NEIGH, nks_nl_fill_neigh, &ctx);
}

/*
 * One message per device, resuming after the last ifindex sent
 * (cb->args[0]). Devices are counted a batch at a time, outside any lock,
 * and the counts are put into the skb afterwards.
 */
static int nks_nl_get_neigh_dev_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct nks_neigh_devrow *rows = NULL;
	int count, i, err;
	void *hdr;

	err = nks_nl_admit(cb->skb, net, NKSTAT_GROUP_NEIGH, cb->extack);
	if (err)
		return err;
	if (!cb->args[0] && !cb->args[1]) {
		nks_netns_inc(net, NKS_NETNS_REQUESTS);
		cb->args[1] = 1;
	}
	count = nks_neigh_dev_collect(net, cb->args[0], &rows);
	for (i = 0; i < count; i++) {
		hdr = nks_nl_dump_put(skb, cb, NKSTAT_CMD_GET_NEIGH_DEV);
		if (!hdr || nks_neigh_dev_fill(skb, net, rows, i)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			/* a device that does not fit an empty skb never will */
			if (!skb->len)
				err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = rows[i].ifindex;
	}
	kfree(rows);
	if (count < 0)
		return count;
	return err ?: skb->len;
}

static const struct nla_policy nks_nl_get_neigh_policy[NKSTAT_A_NEIGH_TABLE + 1] = {
	[NKSTAT_A_NEIGH_TABLE] = { .type = NLA_U32 },
};

static const struct genl_ops nks_neigh_ops[] = {
	{
		.cmd = NKSTAT_CMD_GET_NEIGH,
		.doit = nks_nl_get_neigh_doit,
		.policy = nks_nl_get_neigh_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_neigh_policy) - 1,
	},
	{
		/* no policy: the dump takes no attributes */
		.cmd = NKSTAT_CMD_GET_NEIGH_DEV,
		.dumpit = nks_nl_get_neigh_dev_dumpit,
	},
};

struct nks_group nks_group_neigh = {
	.id = NKSTAT_GROUP_NEIGH,
	.name = "neigh",
	.init = nks_neigh_init,
	.exit = nks_neigh_exit,
	.ops = nks_neigh_ops,
	.n_ops = ARRAY_SIZE(nks_neigh_ops),
	/* refused creations, per table (struct nks_neigh_tbl alloc_failures) */
	.netns_counters = ARRAY_SIZE(nks_neigh_tbls),
};
