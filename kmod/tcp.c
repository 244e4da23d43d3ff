// SPDX-License-Identifier: GPL-2.0
/*
 * tcp: orphans, zero-window stalls and aborts by cause, per netns.
 *
 * The census walks the established hash, which every netns shares unless
 * it has its own: one bucket lock at a time, empty buckets skipped
 * without it, a reschedule between buckets. Replies are filled
 * afterwards, with no lock held.
 *
 * Aborts. Every timeout abort goes through tcp_write_err(), which counts
 * it in the netns's TCPAbortOnTimeout and is called only from the write
 * timer's zero-window probe, from tcp_retransmit_timer() and from the
 * keepalive timer. tcp_write_err() and the probe timer are inlined, so
 * kretprobes sit on their out-of-line callers:
 *  - tcp_retransmit_timer (from the write timer, and from the ICMP
 *    handlers' RTO revert),
 *  - tcp_write_timer_handler, only when the zero-window probe is due
 *    (its other work is tcp_retransmit_timer's, probed itself),
 *  - tcp_keepalive_timer.
 * Each runs with bottom halves disabled, so nothing else bumps this
 * CPU's MIB while it runs. The entry handler notes this CPU's
 * TCPAbortOnTimeout and, from the socket's state, the limit the
 * function will test; the return handler counts an abort under that
 * cause when the MIB moved. A cause that cannot be told (a jiffy away
 * from a TCP_USER_TIMEOUT deadline) is counted as OTHER, never guessed.
 * Aborts for memory are the kernel's TCPAbortOnMemory: it counts them
 * all, orphans killed at close() included, and no hook adds to that.
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/nkstat.h>
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/snmp.h>
#include <net/tcp.h>

#include "family.h"
#include "group.h"
#include "netns.h"
#include "walk.h"

/* Causes of a timeout abort: the group's per-netns counters (netns.h). */
enum nks_tcp_cause {
	NKS_TCP_RETRIES2,
	NKS_TCP_USER_TIMEOUT,
	NKS_TCP_ORPHAN_RETRIES,
	NKS_TCP_ORPHAN_ZERO_WINDOW,
	NKS_TCP_KEEPALIVE,
	NKS_TCP_SYN_RETRIES,
	NKS_TCP_OTHER,
	NKS_TCP_ZERO_WINDOW_RTO,

	NKS_TCP_NCAUSES
};

static const int nks_tcp_cause_attr[NKS_TCP_NCAUSES] = {
	[NKS_TCP_RETRIES2] = NKSTAT_ABORTS_A_RETRIES2,
	[NKS_TCP_USER_TIMEOUT] = NKSTAT_ABORTS_A_USER_TIMEOUT,
	[NKS_TCP_ORPHAN_RETRIES] = NKSTAT_ABORTS_A_ORPHAN_RETRIES,
	[NKS_TCP_ORPHAN_ZERO_WINDOW] = NKSTAT_ABORTS_A_ORPHAN_ZERO_WINDOW,
	[NKS_TCP_KEEPALIVE] = NKSTAT_ABORTS_A_KEEPALIVE,
	[NKS_TCP_SYN_RETRIES] = NKSTAT_ABORTS_A_SYN_RETRIES,
	[NKS_TCP_OTHER] = NKSTAT_ABORTS_A_OTHER,
	[NKS_TCP_ZERO_WINDOW_RTO] = NKSTAT_ABORTS_A_ZERO_WINDOW_RTO,
};

static const char *const nks_tcp_cause_name[NKS_TCP_NCAUSES] = {
	[NKS_TCP_RETRIES2] = "aborts.retries2",
	[NKS_TCP_USER_TIMEOUT] = "aborts.user_timeout",
	[NKS_TCP_ORPHAN_RETRIES] = "aborts.orphan_retries",
	[NKS_TCP_ORPHAN_ZERO_WINDOW] = "aborts.orphan_zero_window",
	[NKS_TCP_KEEPALIVE] = "aborts.keepalive",
	[NKS_TCP_SYN_RETRIES] = "aborts.syn_retries",
	[NKS_TCP_OTHER] = "aborts.other",
	[NKS_TCP_ZERO_WINDOW_RTO] = "aborts.zero_window_rto",
};

enum { NKS_HOOK_RTX, NKS_HOOK_PROBE0, NKS_HOOK_KEEPALIVE, NKS_HOOK_WALK };

static struct nks_unavail nks_tcp_unavail[NKS_TCP_NCAUSES];

/* An abort-path call in flight: what its entry saw. */
struct nks_tcp_call {
	struct net *net;
	unsigned long timeouts;	/* this CPU's TCPAbortOnTimeout */
	u8 cause;		/* enum nks_tcp_cause */
};

static unsigned long nks_tcp_cpu_timeouts(struct net *net)
{
	return this_cpu_read(net->mib.net_statistics->mibs[LINUX_MIB_TCPABORTONTIMEOUT]);
}

static int nks_tcp_call_begin(struct kretprobe_instance *ri,
			      const struct sock *sk, u8 cause)
{
	struct nks_tcp_call *call = (void *)ri->data;

	/*
	 * Timers of kernel sockets fire in a netns being dismantled. Skip
	 * those: entry, probed function and return all run with bottom
	 * halves off, one RCU read-side section, so a netns alive here
	 * stays alive until the return handler is done.
	 */
	if (!check_net(sock_net(sk)))
		return 1;
	call->net = sock_net(sk);
	call->timeouts = nks_tcp_cpu_timeouts(call->net);
	call->cause = cause;
	return 0;
}

static int nks_tcp_call_end(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct nks_tcp_call *call = (void *)ri->data;
	unsigned long n = nks_tcp_cpu_timeouts(call->net) - call->timeouts;

	/* one socket, one abort: any more would be beyond this model */
	if (n)
		nks_group_netns_inc(call->net, &nks_group_tcp, call->cause);
	while (n-- > 1)
		nks_group_netns_inc(call->net, &nks_group_tcp, NKS_TCP_OTHER);
	return 0;
}

/* tcp_retransmit_timer(sk): the limit tcp_write_timeout() and co test. */
static int nks_tcp_rtx_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 ut = READ_ONCE(icsk->icsk_user_timeout);
	bool dead = sock_flag(sk, SOCK_DEAD);
	u8 cause;

	if (rcu_access_pointer(tp->fastopen_rsk)) {
		/* Fast Open SYN-ACK retransmits */
		cause = NKS_TCP_SYN_RETRIES;
	} else if (!tp->packets_out) {
		return 1;	/* returns at once */
	} else if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* the retransmit count first, then any user timeout */
		cause = ut && icsk->icsk_retransmits < nks_syn_max_retransmits(sk) ?
			NKS_TCP_USER_TIMEOUT : NKS_TCP_SYN_RETRIES;
	} else if (!tp->snd_wnd && !dead) {
		/*
		 * tcp_rtx_probe0_timed_out(): 2 * TCP_RTO_MAX without an ACK,
		 * or a shorter user timeout.
		 */
		if (!ut)
			cause = NKS_TCP_ZERO_WINDOW_RTO;
		else if (msecs_to_jiffies(ut) < 2 * TCP_RTO_MAX)
			cause = NKS_TCP_USER_TIMEOUT;
		else
			cause = NKS_TCP_OTHER;
	} else if (ut) {
		/* retransmits_timed_out() tests the user timeout alone */
		cause = NKS_TCP_USER_TIMEOUT;
	} else if (dead) {
		cause = tp->snd_wnd ? NKS_TCP_ORPHAN_RETRIES :
				      NKS_TCP_ORPHAN_ZERO_WINDOW;
	} else {
		cause = NKS_TCP_RETRIES2;
	}
	return nks_tcp_call_begin(ri, sk, cause);
}

static struct kretprobe nks_tcp_rtx_rp = {
	.kp.symbol_name = "tcp_retransmit_timer",
	.entry_handler = nks_tcp_rtx_entry,
	.handler = nks_tcp_call_end,
	.data_size = sizeof(struct nks_tcp_call),
};

/*
 * tcp_probe_timer()'s test, with its types: the s32 age meets an unsigned
 * long limit, so an age "below zero" counts as expired there too.
 */
static bool nks_tcp_ut_expired(u32 since, u32 ut)
{
	return (unsigned long)(long)(s32)since >= msecs_to_jiffies(ut);
}

/* tcp_write_timer_handler(sk), when it runs the zero-window probe. */
static int nks_tcp_probe0_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u32 ut = READ_ONCE(icsk->icsk_user_timeout);
	u32 since = tcp_jiffies32 - icsk->icsk_probes_tstamp;
	u8 cause = sock_flag(sk, SOCK_DEAD) ? NKS_TCP_ORPHAN_ZERO_WINDOW :
					      NKS_TCP_RETRIES2;

	if (READ_ONCE(icsk->icsk_pending) != ICSK_TIME_PROBE0)
		return 1;
	/* tcp_probe_timer() tests the user timeout first */
	if (ut && icsk->icsk_probes_tstamp) {
		if (nks_tcp_ut_expired(since, ut))
			cause = NKS_TCP_USER_TIMEOUT;
		else if (nks_tcp_ut_expired(since + 1, ut))
			cause = NKS_TCP_OTHER;	/* a tick from the deadline */
	}
	return nks_tcp_call_begin(ri, sk, cause);
}

static struct kretprobe nks_tcp_probe0_rp = {
	.kp.symbol_name = "tcp_write_timer_handler",
	.entry_handler = nks_tcp_probe0_entry,
	.handler = nks_tcp_call_end,
	.data_size = sizeof(struct nks_tcp_call),
};

/* tcp_keepalive_timer(t): unanswered probes, or the user timeout. */
static int nks_tcp_keepalive_entry(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	struct timer_list *t = (void *)regs_get_kernel_argument(regs, 0);
	struct sock *sk = nks_keepalive_sk(t);

	return nks_tcp_call_begin(ri, sk,
				  READ_ONCE(inet_csk(sk)->icsk_user_timeout) ?
				  NKS_TCP_USER_TIMEOUT : NKS_TCP_KEEPALIVE);
}

static struct kretprobe nks_tcp_keepalive_rp = {
	.kp.symbol_name = "tcp_keepalive_timer",
	.entry_handler = nks_tcp_keepalive_entry,
	.handler = nks_tcp_call_end,
	.data_size = sizeof(struct nks_tcp_call),
};

static struct nks_hook nks_tcp_hooks[] = {
	/* an abort a hook missed is missing from one cause, unknown which */
	[NKS_HOOK_RTX] = { "tcp_retransmit_timer", NKSTAT_HOOK_KIND_KRETPROBE,
			   .kp = &nks_tcp_rtx_rp.kp,
			   .feeds = nks_tcp_cause_name,
			   .n_feeds = ARRAY_SIZE(nks_tcp_cause_name) },
	[NKS_HOOK_PROBE0] = { "tcp_write_timer_handler",
			      NKSTAT_HOOK_KIND_KRETPROBE,
			      .kp = &nks_tcp_probe0_rp.kp,
			      .feeds = nks_tcp_cause_name,
			      .n_feeds = ARRAY_SIZE(nks_tcp_cause_name) },
	[NKS_HOOK_KEEPALIVE] = { "tcp_keepalive_timer",
				 NKSTAT_HOOK_KIND_KRETPROBE,
				 .kp = &nks_tcp_keepalive_rp.kp,
				 .feeds = nks_tcp_cause_name,
				 .n_feeds = ARRAY_SIZE(nks_tcp_cause_name) },
	[NKS_HOOK_WALK] = { "tcp established hash", NKSTAT_HOOK_KIND_WALK },
};

static struct kretprobe *const nks_tcp_rps[] = {
	[NKS_HOOK_RTX] = &nks_tcp_rtx_rp,
	[NKS_HOOK_PROBE0] = &nks_tcp_probe0_rp,
	[NKS_HOOK_KEEPALIVE] = &nks_tcp_keepalive_rp,
};

/* Whether the abort causes are counted: every abort path is probed. */
static bool nks_tcp_aborts_ok __read_mostly;

static int nks_tcp_init(struct nks_group *grp)
{
	struct nks_hook *h = nks_tcp_hooks;
	const char *reason = NULL;
	unsigned int i;

	grp->hooks = nks_tcp_hooks;
	grp->n_hooks = ARRAY_SIZE(nks_tcp_hooks);
	grp->unavail = nks_tcp_unavail;
	grp->max_unavail = ARRAY_SIZE(nks_tcp_unavail);
	for (i = 0; i < ARRAY_SIZE(nks_tcp_rps); i++) {
		h[i].err = nks_hook_skipped(h[i].name) ?:
			   register_kretprobe(nks_tcp_rps[i]);
		if (h[i].err && !reason)
			reason = "a kretprobe on an abort path did not attach (see hooks)";
	}
	/* a cause seen on some paths only would mislead: all or none */
	if (reason) {
		for (i = 0; i < ARRAY_SIZE(nks_tcp_rps); i++) {
			if (h[i].err)
				continue;
			unregister_kretprobe(nks_tcp_rps[i]);
			/* detached again: say so rather than look attached */
			h[i].err = -ECANCELED;
		}
		for (i = 0; i < NKS_TCP_NCAUSES; i++)
			nks_group_unavail(grp, nks_tcp_cause_name[i], reason);
		return 0;
	}
	nks_tcp_aborts_ok = true;
	return 0;
}

static void nks_tcp_exit(struct nks_group *grp)
{
	unsigned int i;

	if (!nks_tcp_aborts_ok)
		return;
	for (i = 0; i < ARRAY_SIZE(nks_tcp_rps); i++)
		unregister_kretprobe(nks_tcp_rps[i]);
}

/* A walk of one established-hash bucket, for one netns. */
struct nks_tcp_visit {
	struct inet_hashinfo *hinfo;
	struct net *net;
	u32 bucket;
	/* each full TCP socket of @net, under the lock; false stops */
	bool (*fn)(const struct sock *sk, void *arg);
	void *arg;
	struct sock *pin;	/* between holds: where to resume, held */
};

/*
 * One locked section of the walk of @v->bucket (nks_walk_hold_fn). Not
 * inlined, so that a function tracer times each hold.
 */
static noinline int nks_tcp_hold(void *walk)
{
	struct nks_tcp_visit *v = walk;
	struct inet_ehash_bucket *head = &v->hinfo->ehash[v->bucket];
	spinlock_t *lock = inet_ehash_lockp(v->hinfo, v->bucket);
	int budget = NKS_WALK_BUDGET, ret = 0;
	const struct hlist_nulls_node *node;
	struct sock *sk = v->pin;

	v->pin = NULL;
	spin_lock_bh(lock);
	if (!sk) {
		sk = sk_nulls_head(&head->chain);
	} else if (sk_unhashed(sk) ||
		   (sk->sk_hash & v->hinfo->ehash_mask) != v->bucket) {
		ret = -EAGAIN;
		goto out;
	}
	sk_nulls_for_each_from(sk, node) {
		if (budget-- <= 0 && refcount_inc_not_zero(&sk->sk_refcnt)) {
			v->pin = sk;
			ret = 1;
			break;
		}
		if (!net_eq(sock_net(sk), v->net))
			continue;
		/* read the state before treating @sk as a full socket */
		if ((1 << inet_sk_state_load(sk)) &
		    (TCPF_TIME_WAIT | TCPF_NEW_SYN_RECV))
			continue;
		if (!v->fn(sk, v->arg))
			break;
	}
out:
	spin_unlock_bh(lock);
	return ret;
}

/*
 * Calls @fn on each full TCP socket of @net in established-hash bucket
 * @i until @fn returns false; false if the walk lost its place, @reset
 * and all (see walk.h).
 */
static bool nks_tcp_bucket(struct inet_hashinfo *hinfo, u32 i, struct net *net,
			   bool (*fn)(const struct sock *sk, void *arg),
			   void (*reset)(void *arg), void *arg)
{
	struct nks_tcp_visit v = {
		.hinfo = hinfo, .net = net, .bucket = i, .fn = fn, .arg = arg,
	};

	if (hlist_nulls_empty(&hinfo->ehash[i].chain))
		return true;
	return nks_walk_bucket(nks_tcp_hold, &v, &v.pin, reset, arg);
}

/* What stalls @sk, read without its lock as sock_diag does. */
struct nks_tcp_stall {
	bool probing;		/* zero-window probe timer pending */
	bool zero_window_rto;	/* retransmitting into a zero window */
};

static struct nks_tcp_stall nks_tcp_stall(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u8 pending = READ_ONCE(inet_csk(sk)->icsk_pending);

	return (struct nks_tcp_stall) {
		.probing = pending == ICSK_TIME_PROBE0,
		.zero_window_rto = pending == ICSK_TIME_RETRANS &&
				   !READ_ONCE(tp->snd_wnd) &&
				   READ_ONCE(tp->packets_out),
	};
}

struct nks_tcp_census {
	u64 total;
	u64 fin_wait1;
	u64 fin_wait2;
	u64 closing;
	u64 last_ack;
	u64 probing;
	u64 probes_hist[NKSTAT_HIST_BUCKETS];
	u64 max_backoff;
	u64 zero_window_rto;
	u64 stalled;
	u64 with_user_timeout;
};

static bool nks_tcp_count(const struct sock *sk, void *arg)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	struct nks_tcp_stall st = nks_tcp_stall(sk);
	struct nks_tcp_census *c = arg;

	if (!sock_flag(sk, SOCK_DEAD)) {
		if (st.probing || st.zero_window_rto) {
			c->stalled++;
			c->with_user_timeout +=
				!!READ_ONCE(icsk->icsk_user_timeout);
		}
		return true;
	}
	c->total++;
	switch (inet_sk_state_load(sk)) {
	case TCP_FIN_WAIT1:
		c->fin_wait1++;
		break;
	case TCP_FIN_WAIT2:
		c->fin_wait2++;
		break;
	case TCP_CLOSING:
		c->closing++;
		break;
	case TCP_LAST_ACK:
		c->last_ack++;
		break;
	}
	if (st.probing) {
		c->probing++;
		c->probes_hist[nks_hist_bucket(READ_ONCE(icsk->icsk_probes_out))]++;
		c->max_backoff = max_t(u64, c->max_backoff,
				       READ_ONCE(icsk->icsk_backoff));
	} else if (st.zero_window_rto) {
		c->zero_window_rto++;
	}
	return true;
}

/* The number of established hash buckets, for the cursor's end. */
static u32 nks_tcp_buckets(struct net *net)
{
	return nks_netns_tcp_hashinfo(net)->ehash_mask + 1;
}

static void nks_tcp_census_reset(void *arg)
{
	memset(arg, 0, sizeof(struct nks_tcp_census));
}

static void nks_tcp_census_add(struct nks_tcp_census *c,
			       const struct nks_tcp_census *b)
{
	unsigned int i;

	c->total += b->total;
	c->fin_wait1 += b->fin_wait1;
	c->fin_wait2 += b->fin_wait2;
	c->closing += b->closing;
	c->last_ack += b->last_ack;
	c->probing += b->probing;
	for (i = 0; i < NKSTAT_HIST_BUCKETS; i++)
		c->probes_hist[i] += b->probes_hist[i];
	c->max_backoff = max(c->max_backoff, b->max_backoff);
	c->zero_window_rto += b->zero_window_rto;
	c->stalled += b->stalled;
	c->with_user_timeout += b->with_user_timeout;
}

/*
 * Counts @net's sockets into @c, a bucket at a time. Returns false if a
 * bucket's walk kept losing its place: @c is then a lower bound.
 */
static bool nks_tcp_walk(struct net *net, struct nks_tcp_census *c)
{
	struct inet_hashinfo *hinfo = nks_netns_tcp_hashinfo(net);
	struct nks_tcp_census b;
	bool whole = true;
	u32 i;

	for (i = 0; i <= hinfo->ehash_mask; i++) {
		if (!(i % 64))
			cond_resched();
		/* nothing to gather, nor to add, from an empty bucket */
		if (hlist_nulls_empty(&hinfo->ehash[i].chain))
			continue;
		nks_tcp_census_reset(&b);
		whole &= nks_tcp_bucket(hinfo, i, net, nks_tcp_count,
					nks_tcp_census_reset, &b);
		nks_tcp_census_add(c, &b);
	}
	return whole;
}

/* The census figures, named as NKSTAT_A_LOSSY names them. */
static const char *const nks_tcp_census_names[] = {
	"orphans", "stalled_zero_window", "with_user_timeout",
};

static int nks_tcp_put(struct sk_buff *msg, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(msg, type, v, pad);
}

static unsigned long nks_tcp_mib(struct net *net, int field)
{
	return snmp_fold_field(net->mib.net_statistics, field);
}

static int nks_tcp_fill_orphans(struct sk_buff *msg,
				const struct nks_tcp_census *c)
{
	struct nlattr *nest = nla_nest_start(msg, NKSTAT_TCP_A_ORPHANS);
	const int pad = NKSTAT_ORPHANS_A_PAD;

	if (!nest)
		return -EMSGSIZE;
	if (nks_tcp_put(msg, NKSTAT_ORPHANS_A_TOTAL, c->total, pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_FIN_WAIT1, c->fin_wait1, pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_FIN_WAIT2, c->fin_wait2, pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_CLOSING, c->closing, pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_LAST_ACK, c->last_ack, pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING, c->probing,
			pad) ||
	    nks_nl_put_hist(msg, NKSTAT_ORPHANS_A_PROBES_HIST, c->probes_hist) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_MAX_BACKOFF, c->max_backoff,
			pad) ||
	    nks_tcp_put(msg, NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO,
			c->zero_window_rto, pad)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_tcp_fill_aborts(struct sk_buff *msg, struct net *net)
{
	struct nlattr *nest = nla_nest_start(msg, NKSTAT_TCP_A_ABORTS);
	const int pad = NKSTAT_ABORTS_A_PAD;
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (nks_tcp_put(msg, NKSTAT_ABORTS_A_MEMORY,
			nks_tcp_mib(net, LINUX_MIB_TCPABORTONMEMORY), pad))
		goto err_cancel;
	for (i = 0; nks_tcp_aborts_ok && i < NKS_TCP_NCAUSES; i++) {
		if (nks_tcp_put(msg, nks_tcp_cause_attr[i],
				nks_group_netns_read(net, &nks_group_tcp, i),
				pad))
			goto err_cancel;
	}
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * As tcp_orphan_count_sum() (not exported) does it: a socket orphaned on
 * one CPU and destroyed on another leaves one CPU's count "below zero",
 * so the per-CPU values add up modulo 2^32, as ints.
 */
static u64 nks_tcp_orphans_global(void)
{
	int cpu, sum = 0;

	for_each_possible_cpu(cpu)
		sum += per_cpu(tcp_orphan_count, cpu);
	return max(sum, 0);
}

/*
 * Puts one NKSTAT_A_TCP nest for @net. Sleeps (walks the established
 * hash). Returns 0, -ENOMEM or -EMSGSIZE.
 */
static int nks_tcp_fill(struct sk_buff *msg, struct net *net)
{
	struct nks_tcp_census c = {};
	const int pad = NKSTAT_TCP_A_PAD;
	struct nlattr *nest;
	bool whole;

	whole = nks_tcp_walk(net, &c);

	nest = nla_nest_start(msg, NKSTAT_A_TCP);
	if (!nest)
		return -EMSGSIZE;
	if (nks_tcp_fill_orphans(msg, &c) ||
	    nks_tcp_put(msg, NKSTAT_TCP_A_STALLED_ZERO_WINDOW, c.stalled, pad) ||
	    nks_tcp_put(msg, NKSTAT_TCP_A_WITH_USER_TIMEOUT,
			c.with_user_timeout, pad) ||
	    nks_tcp_put(msg, NKSTAT_TCP_A_ORPHANS_GLOBAL,
			nks_tcp_orphans_global(), pad) ||
	    nks_tcp_fill_aborts(msg, net) ||
	    nks_tcp_put(msg, NKSTAT_TCP_A_ABORT_ON_TIMEOUT,
			nks_tcp_mib(net, LINUX_MIB_TCPABORTONTIMEOUT), pad) ||
	    nks_tcp_put(msg, NKSTAT_TCP_A_ABORT_ON_MEMORY,
			nks_tcp_mib(net, LINUX_MIB_TCPABORTONMEMORY), pad)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return whole ? 0 : nks_nl_put_strings(msg, NKSTAT_A_LOSSY,
					      nks_tcp_census_names,
					      ARRAY_SIZE(nks_tcp_census_names));
}

/* One orphan, copied under its hash bucket's lock. */
struct nks_orphan_row {
	struct nks_row_at at;	/* at.pos: the established hash bucket */
	u16 family;
	u8 state;
	u8 timer;	/* enum nkstat_tcp_timer */
	__be16 sport;
	__be16 dport;
	u8 saddr[16];
	u8 daddr[16];
	u32 probes_out;
	u32 backoff;
	u32 snd_wnd;
	u32 packets_out;
	u32 since_progress_ms;
};

/*
 * GET_TCP_ORPHANS's rows (struct nks_orphan_row), NKS_TCP_BATCH at a time:
 * c->pos is an established hash bucket; a c->filter not 0 keeps only
 * orphans stalled on a zero window.
 */
#define NKS_TCP_BATCH 64

/* A GET_TCP_ORPHANS batch being copied from one bucket. */
struct nks_tcp_batch {
	const struct nks_rows_cursor *c;
	struct nks_orphan_row *rows;
	int n;
	u32 bucket;
	u32 idx;	/* matching rows of @bucket seen */
	u32 skip;	/* of those, already sent */
	bool whole;	/* every row of @bucket copied */
	int start;	/* @bucket's first row */
};

/* Forgets @bucket's rows: its walk starts again. */
static void nks_tcp_batch_reset(void *arg)
{
	struct nks_tcp_batch *b = arg;

	b->n = b->start;
	b->idx = 0;
	b->whole = true;
}

static u8 nks_tcp_timer(const struct sock *sk)
{
	switch (READ_ONCE(inet_csk(sk)->icsk_pending)) {
	case ICSK_TIME_RETRANS:
	case ICSK_TIME_REO_TIMEOUT:
	case ICSK_TIME_LOSS_PROBE:
		return NKSTAT_TCP_TIMER_RETRANS;
	case ICSK_TIME_PROBE0:
		return NKSTAT_TCP_TIMER_PROBE0;
	}
	return timer_pending(nks_keepalive_timer(sk)) ?
		NKSTAT_TCP_TIMER_KEEPALIVE : NKSTAT_TCP_TIMER_NONE;
}

static bool nks_tcp_copy(const struct sock *sk, void *arg)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	struct nks_tcp_stall st = nks_tcp_stall(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	struct nks_tcp_batch *b = arg;
	struct nks_orphan_row *row;
	u32 now = tcp_jiffies32, since, probes_ts;

	if (!sock_flag(sk, SOCK_DEAD))
		return true;
	if (b->c->filter && !st.probing && !st.zero_window_rto)
		return true;
	if (b->idx++ < b->skip)
		return true;
	if (b->n == NKS_TCP_BATCH) {
		b->whole = false;
		return false;
	}
	row = &b->rows[b->n++];
	memset(row, 0, sizeof(*row));
	row->at.pos = b->bucket;
	row->at.idx = b->idx - 1;
	row->family = sk->sk_family;
	row->state = inet_sk_state_load(sk);
	row->timer = nks_tcp_timer(sk);
	row->sport = htons(inet_sk(sk)->inet_num);
	row->dport = sk->sk_dport;
	if (sk->sk_family == AF_INET) {
		memcpy(row->saddr, &sk->sk_rcv_saddr, 4);
		memcpy(row->daddr, &sk->sk_daddr, 4);
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		memcpy(row->saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(row->daddr, &sk->sk_v6_daddr, 16);
#endif
	}
	row->probes_out = READ_ONCE(icsk->icsk_probes_out);
	row->backoff = READ_ONCE(icsk->icsk_backoff);
	row->snd_wnd = READ_ONCE(tp->snd_wnd);
	row->packets_out = READ_ONCE(tp->packets_out);
	probes_ts = READ_ONCE(icsk->icsk_probes_tstamp);
	if (st.probing && probes_ts)
		since = now - probes_ts;
	else
		since = now - READ_ONCE(tp->rcv_tstamp);
	row->since_progress_ms = jiffies_to_msecs(since);
	return true;
}

static int nks_tcp_collect(struct net *net, const struct nks_rows_cursor *c,
			   void *rows, u32 *done_to)
{
	struct inet_hashinfo *hinfo = nks_netns_tcp_hashinfo(net);
	struct nks_tcp_batch b = { .c = c, .rows = rows, .skip = c->skip };
	u32 i;

	BUILD_BUG_ON(offsetof(struct nks_orphan_row, at));
	for (i = c->pos; i < c->end && i <= hinfo->ehash_mask; i++) {
		b.bucket = i;
		b.start = b.n;
		nks_tcp_batch_reset(&b);
		nks_tcp_bucket(hinfo, i, net, nks_tcp_copy, nks_tcp_batch_reset,
			       &b);
		if (!b.whole)
			break;
		b.skip = 0;
		if (!(i % 64))
			cond_resched();
		if (b.n == NKS_TCP_BATCH) {
			i++;
			break;
		}
	}
	*done_to = i;
	return b.n;
}

/* Puts one NKSTAT_A_ORPHAN nest. */
static int nks_tcp_row_fill(struct sk_buff *msg, const void *r)
{
	const struct nks_orphan_row *row = r;
	struct nlattr *nest = nla_nest_start(msg, NKSTAT_A_ORPHAN);
	int alen = row->family == AF_INET ? 4 : 16;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NKSTAT_ORPHAN_A_FAMILY, row->family) ||
	    nla_put(msg, NKSTAT_ORPHAN_A_SADDR, alen, row->saddr) ||
	    nla_put(msg, NKSTAT_ORPHAN_A_DADDR, alen, row->daddr) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_SPORT, ntohs(row->sport)) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_DPORT, ntohs(row->dport)) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_STATE, row->state) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_TIMER, row->timer) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_PROBES_OUT, row->probes_out) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_BACKOFF, row->backoff) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_SND_WND, row->snd_wnd) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_PACKETS_OUT, row->packets_out) ||
	    nla_put_u32(msg, NKSTAT_ORPHAN_A_SINCE_PROGRESS_MS,
			row->since_progress_ms)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_nl_fill_tcp(struct sk_buff *msg, void *net)
{
	return nks_tcp_fill(msg, net) ?:
	       nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_TCP);
}

static int nks_nl_get_tcp_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_TCP,
			   info->extack);
	if (err)
		return err;
	return nks_nl_reply(info, NKSTAT_CMD_GET_TCP, nks_nl_fill_tcp,
			    genl_info_net(info));
}

/* GET_TCP_ORPHANS: every hash bucket; the zero-window flag. */
static int nks_nl_tcp_orphans_begin(struct netlink_callback *cb,
				    struct net *net, struct nks_rows_cursor *c)
{
	c->end = nks_tcp_buckets(net);
	c->filter = !!nks_genl_dump_attrs(cb)[NKSTAT_A_ORPHAN_ZERO_WINDOW];
	return 0;
}

static const struct nks_nl_rows nks_nl_tcp_orphans_rows = {
	.group = NKSTAT_GROUP_TCP,
	.cmd = NKSTAT_CMD_GET_TCP_ORPHANS,
	.row_size = sizeof(struct nks_orphan_row),
	.batch = NKS_TCP_BATCH,
	.begin = nks_nl_tcp_orphans_begin,
	.collect = nks_tcp_collect,
	.fill = nks_tcp_row_fill,
};

/* One NKSTAT_A_ORPHAN per orphan, in hash order. */
static int nks_nl_get_tcp_orphans_dumpit(struct sk_buff *skb,
					 struct netlink_callback *cb)
{
	return nks_nl_dump_rows(skb, cb, &nks_nl_tcp_orphans_rows);
}

static const struct nla_policy nks_nl_get_tcp_orphans_policy[NKSTAT_A_ORPHAN_ZERO_WINDOW + 1] = {
	[NKSTAT_A_ORPHAN_ZERO_WINDOW] = { .type = NLA_FLAG },
};

static const struct genl_ops nks_tcp_ops[] = {
	{
		/* no policy: takes no attributes */
		.cmd = NKSTAT_CMD_GET_TCP,
		.doit = nks_nl_get_tcp_doit,
	},
	{
		.cmd = NKSTAT_CMD_GET_TCP_ORPHANS,
		.dumpit = nks_nl_get_tcp_orphans_dumpit,
		.policy = nks_nl_get_tcp_orphans_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_tcp_orphans_policy) - 1,
	},
};

struct nks_group nks_group_tcp = {
	.id = NKSTAT_GROUP_TCP,
	.name = "tcp",
	.init = nks_tcp_init,
	.exit = nks_tcp_exit,
	.ops = nks_tcp_ops,
	.n_ops = ARRAY_SIZE(nks_tcp_ops),
	.netns_counters = NKS_TCP_NCAUSES,
};
