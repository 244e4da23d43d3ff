// SPDX-License-Identifier: GPL-2.0
/*
 * ports: the TCP bind hash, ephemeral ports and TIME_WAIT, per netns.
 *
 * The bind hash (bhash) is shared by every netns: each bind bucket is one
 * (netns, port, l3mdev) and lists the sockets bound to it, TIME_WAIT ones
 * included. Walks take one hash bucket's lock at a time, only to copy
 * that bucket's figures, skip empty buckets without it, and reschedule
 * between buckets. Replies are filled afterwards, with no lock held.
 *
 * Hooks count what the kernel does not, per netns, exactly:
 *  - kretprobe __inet_hash_connect: a TCP connect() that found no free
 *    local port (or, for a bound socket, no free 4-tuple) gets
 *    -EADDRNOTAVAIL from it, and only from it.
 *  - kretprobe inet_csk_get_port: a TCP bind() or listen() refused
 *    because the port is in use (or, for port 0, none is free) gets
 *    -EADDRINUSE from it, and only from it.
 * TIME_WAIT figures are the kernel's own: the count and limit of the
 * netns's death row, and its TcpExt MIB counters.
 */
#include <linux/bitmap.h>
#include <linux/kprobes.h>
#include <linux/nkstat.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/snmp.h>
#include <net/sock.h>

#include "family.h"
#include "group.h"
#include "netns.h"
#include "walk.h"

/*
 * Probed functions sleep (port scans reschedule), so during exhaustion
 * many callers are in flight at once: room for as many as the tracing
 * core allows a kretprobe (KRETPROBE_MAXACTIVE_MAX). More than that
 * miss, and the counter is then reported lossy.
 */
#define NKS_PORTS_MAXACTIVE 4096

enum { NKS_HOOK_CONNECT, NKS_HOOK_BIND, NKS_HOOK_WALK };

/* The group's per-netns counters (netns.h). */
enum {
	NKS_PORTS_CONNECT_EADDRNOTAVAIL,
	NKS_PORTS_BIND_EADDRINUSE,

	NKS_PORTS_NETNS_COUNTERS
};

static struct nks_unavail nks_ports_unavail[2];

/* Entry handlers keep the socket's netns for the return handler. */
struct nks_ports_call {
	struct net *net;
};

static int nks_ports_connect_entry(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	struct inet_timewait_death_row *dr =
		(void *)regs_get_kernel_argument(regs, 0);
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 1);
	struct nks_ports_call *call = (void *)ri->data;

	call->net = sock_net(sk);
	/* DCCP connects through here too, with a death row of its own */
	if (dr != &call->net->ipv4.tcp_death_row)
		return 1;
	/* a kernel socket of a dying netns: count nothing there */
	return check_net(call->net) ? 0 : 1;
}

static int nks_ports_connect_ret(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct nks_ports_call *call = (void *)ri->data;

	if ((int)regs_return_value(regs) == -EADDRNOTAVAIL)
		nks_group_netns_inc(call->net, &nks_group_ports,
				    NKS_PORTS_CONNECT_EADDRNOTAVAIL);
	return 0;
}

static struct kretprobe nks_ports_connect_rp = {
	.kp.symbol_name = "__inet_hash_connect",
	.entry_handler = nks_ports_connect_entry,
	.handler = nks_ports_connect_ret,
	.data_size = sizeof(struct nks_ports_call),
	.maxactive = NKS_PORTS_MAXACTIVE,
};

static int nks_ports_bind_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	struct nks_ports_call *call = (void *)ri->data;

	/* DCCP binds through here too */
	if (sk->sk_protocol != IPPROTO_TCP)
		return 1;
	call->net = sock_net(sk);
	return check_net(call->net) ? 0 : 1;
}

static int nks_ports_bind_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct nks_ports_call *call = (void *)ri->data;

	/* 0, or -EADDRINUSE for every failure */
	if ((int)regs_return_value(regs))
		nks_group_netns_inc(call->net, &nks_group_ports,
				    NKS_PORTS_BIND_EADDRINUSE);
	return 0;
}

static struct kretprobe nks_ports_bind_rp = {
	.kp.symbol_name = "inet_csk_get_port",
	.entry_handler = nks_ports_bind_entry,
	.handler = nks_ports_bind_ret,
	.data_size = sizeof(struct nks_ports_call),
	.maxactive = NKS_PORTS_MAXACTIVE,
};

static const char *const nks_ports_connect_feeds[] = { "connect_eaddrnotavail" };
static const char *const nks_ports_bind_feeds[] = { "bind_eaddrinuse" };

static struct nks_hook nks_ports_hooks[] = {
	[NKS_HOOK_CONNECT] = { "__inet_hash_connect", NKSTAT_HOOK_KIND_KRETPROBE,
			       .kp = &nks_ports_connect_rp.kp,
			       .feeds = nks_ports_connect_feeds,
			       .n_feeds = ARRAY_SIZE(nks_ports_connect_feeds) },
	[NKS_HOOK_BIND] = { "inet_csk_get_port", NKSTAT_HOOK_KIND_KRETPROBE,
			    .kp = &nks_ports_bind_rp.kp,
			    .feeds = nks_ports_bind_feeds,
			    .n_feeds = ARRAY_SIZE(nks_ports_bind_feeds) },
	[NKS_HOOK_WALK] = { "tcp bind hash", NKSTAT_HOOK_KIND_WALK },
};

static int nks_ports_init(struct nks_group *grp)
{
	struct nks_hook *h = nks_ports_hooks;

	/* Each counts on its own; the walk needs no hook. */
	h[NKS_HOOK_CONNECT].err = nks_hook_skipped(h[NKS_HOOK_CONNECT].name) ?:
				  register_kretprobe(&nks_ports_connect_rp);
	h[NKS_HOOK_BIND].err = nks_hook_skipped(h[NKS_HOOK_BIND].name) ?:
			       register_kretprobe(&nks_ports_bind_rp);

	grp->hooks = nks_ports_hooks;
	grp->n_hooks = ARRAY_SIZE(nks_ports_hooks);
	grp->unavail = nks_ports_unavail;
	grp->max_unavail = ARRAY_SIZE(nks_ports_unavail);
	if (h[NKS_HOOK_CONNECT].err)
		nks_group_unavail(grp, nks_ports_connect_feeds[0],
				  "kretprobe __inet_hash_connect did not attach");
	if (h[NKS_HOOK_BIND].err)
		nks_group_unavail(grp, nks_ports_bind_feeds[0],
				  "kretprobe inet_csk_get_port did not attach");
	return 0;
}

static void nks_ports_exit(struct nks_group *grp)
{
	if (!nks_ports_hooks[NKS_HOOK_CONNECT].err)
		unregister_kretprobe(&nks_ports_connect_rp);
	if (!nks_ports_hooks[NKS_HOOK_BIND].err)
		unregister_kretprobe(&nks_ports_bind_rp);
}

/* The netns's ephemeral range, ip_local_port_range. */
static void nks_ports_ephemeral(struct net *net, u32 *lo, u32 *hi)
{
	int low, high;

	inet_get_local_port_range(net, &low, &high);
	*lo = low;
	*hi = high;
}

/* A walk of one bhash bucket's chain, for one netns (and port). */
struct nks_ports_visit {
	struct inet_bind_hashbucket *head;
	struct net *net;
	int port;		/* only this port; -1: any */
	/*
	 * Called under the lock for each bind bucket of @net (and @port)
	 * once its owners are all counted; false stops the walk.
	 */
	bool (*fn)(const struct inet_bind_bucket *tb,
		   const struct nks_bind_owners *o, void *arg);
	void *arg;
	/* between holds: the owner to resume at, held, and its list then */
	struct sock *pin;
	const void *where;
	bool begin;		/* @pin starts a bind bucket */
	struct nks_bind_owners o;	/* the bucket being counted */
};

static bool nks_ports_ours(const struct nks_ports_visit *v,
			   const struct inet_bind_bucket *tb)
{
	return net_eq(ib_net(tb), v->net) && (v->port < 0 || tb->port == v->port);
}

/* Holds @sk for the walk to resume at; false if it is on its way out. */
static bool nks_ports_pin(struct nks_ports_visit *v, struct sock *sk,
			  bool begin)
{
	if (!sk || !refcount_inc_not_zero(&sk->sk_refcnt))
		return false;
	v->pin = sk;
	v->where = nks_bind_owner_list(sk);
	v->begin = begin;
	return true;
}

/*
 * One locked section of the walk of @v->head (nks_walk_hold_fn): a port
 * with a million owners (every accepted connection and server-side
 * TIME_WAIT socket is one) costs many short holds, never a long one.
 * Not inlined, so that a function tracer times each hold.
 */
static noinline int nks_ports_hold(void *walk)
{
	struct nks_ports_visit *v = walk;
	struct inet_bind_hashbucket *head = v->head;
	struct inet_bind_bucket *tb;
	int budget = NKS_WALK_BUDGET, ret = 0;
	struct sock *sk = v->pin;
	bool begin = true;

	v->pin = NULL;
	spin_lock_bh(&head->lock);
	if (sk) {
		if (nks_bind_owner_list(sk) != v->where) {
			ret = -EAGAIN;
			goto out;
		}
		tb = nks_bind_owner_tb(sk);
		begin = v->begin;
	} else {
		tb = hlist_entry_safe(head->chain.first, struct inet_bind_bucket,
				      node);
	}
	for (; tb; tb = hlist_entry_safe(tb->node.next, struct inet_bind_bucket,
					 node), sk = NULL, begin = true) {
		if (budget <= 0 && begin &&
		    nks_ports_pin(v, nks_bind_first_owner(tb), true)) {
			ret = 1;
			goto out;
		}
		budget--;
		if (!nks_ports_ours(v, tb))
			continue;
		if (begin)
			memset(&v->o, 0, sizeof(v->o));
		for (;;) {
			sk = nks_bind_owners_count(tb, sk, &v->o, &budget, begin);
			if (!sk)
				break;
			begin = false;
			if (nks_ports_pin(v, sk, false)) {
				ret = 1;
				goto out;
			}
			budget = 1;	/* @sk is being freed: count it */
		}
		if (!v->fn(tb, &v->o, v->arg))
			break;
	}
out:
	spin_unlock_bh(&head->lock);
	return ret;
}

/* Walks @head's chain for @v: false if it lost its place (see walk.h). */
static bool nks_ports_visit_chain(struct inet_bind_hashbucket *head,
				  struct nks_ports_visit *v,
				  void (*reset)(void *arg))
{
	if (hlist_empty(&head->chain))
		return true;
	v->head = head;
	v->pin = NULL;
	return nks_walk_bucket(nks_ports_hold, v, &v->pin, reset, v->arg);
}

struct nks_ports_summary {
	u32 bhash_size;
	u32 buckets_used;
	u32 bind_buckets;
	u32 max_chain;
	u64 chain_hist[NKSTAT_HIST_BUCKETS];
	u64 owners;
	u64 tw_owners;
	u32 eph_lo;
	u32 eph_hi;
	u32 eph_used;
	bool partial;		/* a walk lost its place: lower bounds */
	/* the hash bucket being walked */
	u32 chain;
	u64 chain_owners;
	u64 chain_tw_owners;
	unsigned long *used;	/* ports with an owner */
};

static bool nks_ports_sum_one(const struct inet_bind_bucket *tb,
			      const struct nks_bind_owners *o, void *arg)
{
	struct nks_ports_summary *s = arg;

	s->chain++;
	s->chain_owners += o->owners;
	s->chain_tw_owners += o->tw_owners;
	if (o->owners)
		__set_bit(tb->port, s->used);
	return true;
}

static void nks_ports_sum_reset(void *arg)
{
	struct nks_ports_summary *s = arg;

	s->chain = 0;
	s->chain_owners = 0;
	s->chain_tw_owners = 0;
}

/* One pass over the bind hash, for @net's bind buckets. */
static int nks_ports_walk(struct net *net, struct nks_ports_summary *s)
{
	struct inet_hashinfo *hinfo = nks_netns_tcp_hashinfo(net);
	struct nks_ports_visit v = {
		.net = net, .port = -1, .fn = nks_ports_sum_one, .arg = s,
	};
	u32 i;

	s->used = bitmap_zalloc(U16_MAX + 1, GFP_KERNEL);
	if (!s->used)
		return -ENOMEM;
	s->bhash_size = hinfo->bhash_size;
	nks_ports_ephemeral(net, &s->eph_lo, &s->eph_hi);

	for (i = 0; i < hinfo->bhash_size; i++) {
		nks_ports_sum_reset(s);
		if (!nks_ports_visit_chain(&hinfo->bhash[i], &v,
					   nks_ports_sum_reset))
			s->partial = true;
		s->chain_hist[nks_hist_bucket(s->chain)]++;
		s->bind_buckets += s->chain;
		s->buckets_used += !!s->chain;
		s->max_chain = max(s->max_chain, s->chain);
		s->owners += s->chain_owners;
		s->tw_owners += s->chain_tw_owners;
		if (!(i % 64))
			cond_resched();
	}

	if (s->eph_lo <= s->eph_hi)
		s->eph_used = bitmap_weight(s->used, s->eph_hi + 1) -
			      bitmap_weight(s->used, s->eph_lo);
	bitmap_free(s->used);
	return 0;
}

/* The figures a walk that lost its place gives only lower bounds of. */
static const char *const nks_ports_walked[] = {
	"buckets_used", "bind_buckets", "max_chain", "chain_hist", "owners",
	"tw_owners", "ephemeral_ports_used",
};

static int nks_ports_put(struct sk_buff *msg, int type, u64 v)
{
	return nla_put_u64_64bit(msg, type, v, NKSTAT_PORTS_A_PAD);
}

/*
 * Puts one NKSTAT_A_PORTS nest for @net. Sleeps (walks the bind hash).
 * Returns 0, -ENOMEM or -EMSGSIZE.
 */
static int nks_ports_fill(struct sk_buff *msg, struct net *net)
{
	struct inet_timewait_death_row *dr = &net->ipv4.tcp_death_row;
	struct nks_ports_summary *s;
	struct nlattr *nest;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = nks_ports_walk(net, s);
	if (err)
		goto out;

	err = -EMSGSIZE;
	nest = nla_nest_start(msg, NKSTAT_A_PORTS);
	if (!nest)
		goto out;
	if (nks_ports_put(msg, NKSTAT_PORTS_A_BHASH_SIZE, s->bhash_size) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_BUCKETS_USED, s->buckets_used) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_BIND_BUCKETS, s->bind_buckets) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_MAX_CHAIN, s->max_chain) ||
	    nks_nl_put_hist(msg, NKSTAT_PORTS_A_CHAIN_HIST, s->chain_hist) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_OWNERS, s->owners) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_TW_OWNERS, s->tw_owners) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_EPHEMERAL_LO, s->eph_lo) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_EPHEMERAL_HI, s->eph_hi) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED, s->eph_used) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_TW_COUNT,
			  refcount_read(&dr->tw_refcount) - 1) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_TW_MAX,
			  READ_ONCE(dr->sysctl_max_tw_buckets)) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_TW_OVERFLOWS,
			  snmp_fold_field(net->mib.net_statistics,
					  LINUX_MIB_TCPTIMEWAITOVERFLOW)) ||
	    nks_ports_put(msg, NKSTAT_PORTS_A_TW_REUSE,
			  snmp_fold_field(net->mib.net_statistics,
					  LINUX_MIB_TIMEWAITRECYCLED)))
		goto err_cancel;
	if (!nks_ports_hooks[NKS_HOOK_CONNECT].err &&
	    nks_ports_put(msg, NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL,
			  nks_group_netns_read(net, &nks_group_ports,
					       NKS_PORTS_CONNECT_EADDRNOTAVAIL)))
		goto err_cancel;
	if (!nks_ports_hooks[NKS_HOOK_BIND].err &&
	    nks_ports_put(msg, NKSTAT_PORTS_A_BIND_EADDRINUSE,
			  nks_group_netns_read(net, &nks_group_ports,
					       NKS_PORTS_BIND_EADDRINUSE)))
		goto err_cancel;
	nla_nest_end(msg, nest);
	err = s->partial ? nks_nl_put_strings(msg, NKSTAT_A_LOSSY,
					      nks_ports_walked,
					      ARRAY_SIZE(nks_ports_walked)) : 0;
	goto out;

err_cancel:
	nla_nest_cancel(msg, nest);
out:
	kfree(s);
	return err;
}

/* One bind bucket, copied under its hash bucket's lock. */
struct nks_port_row {
	struct nks_row_at at;	/* at.pos: the port, at.idx: the l3mdev */
	int l3mdev;
	s8 fastreuse;
	s8 fastreuseport;
	u32 owners;
	u32 tw_owners;
	u32 addrs;
};

/*
 * GET_PORTS_LIST's rows (struct nks_port_row), NKS_PORTS_BATCH at a time:
 * c->pos is a port, c->skip the lowest l3mdev a row of it needs (rows
 * resume by key), c->filter the fewest owners a row needs.
 */
#define NKS_PORTS_BATCH 64

/* GET_PORTS_LIST's rows of one port, in l3mdev order, from c->skip on. */
struct nks_ports_batch {
	const struct nks_rows_cursor *c;
	struct nks_port_row *rows;
	int start;		/* the port's first row */
	int n;
	bool whole;		/* every row of the port fits */
};

static bool nks_ports_row_one(const struct inet_bind_bucket *tb,
			      const struct nks_bind_owners *o, void *arg)
{
	struct nks_ports_batch *b = arg;
	u32 key = tb->l3mdev;
	int i;

	if (o->owners < b->c->filter || key < b->c->skip)
		return true;
	if (b->n == NKS_PORTS_BATCH) {
		b->whole = false;
		if (key > b->rows[b->n - 1].at.idx)
			return true;
		b->n--;		/* the highest goes to a later batch */
	}
	for (i = b->n; i > b->start && b->rows[i - 1].at.idx > key; i--)
		b->rows[i] = b->rows[i - 1];
	b->rows[i] = (struct nks_port_row) {
		.at = { .pos = tb->port, .idx = key },
		.l3mdev = tb->l3mdev,
		.fastreuse = tb->fastreuse,
		.fastreuseport = tb->fastreuseport,
		.owners = o->owners,
		.tw_owners = o->tw_owners,
		.addrs = o->addrs,
	};
	b->n++;
	return true;
}

static void nks_ports_rows_reset(void *arg)
{
	struct nks_ports_batch *b = arg;

	b->n = b->start;
	b->whole = true;
}

/*
 * Rows resume by key: a port's bind buckets are sent in l3mdev order and
 * the cursor's skip is the next l3mdev, so buckets hashed in or out
 * between two calls move no other row.
 */
static int nks_ports_collect(struct net *net, const struct nks_rows_cursor *c,
			     void *rows, u32 *done_to)
{
	struct inet_hashinfo *hinfo = nks_netns_tcp_hashinfo(net);
	struct nks_ports_batch b = { .c = c, .rows = rows };
	struct nks_rows_cursor pc = *c;
	struct nks_ports_visit v = {
		.net = net, .fn = nks_ports_row_one, .arg = &b,
	};
	u32 port;

	BUILD_BUG_ON(offsetof(struct nks_port_row, at));
	b.c = &pc;
	for (port = c->pos; port < c->end; port++) {
		v.port = port;
		b.start = b.n;
		b.whole = true;
		nks_ports_visit_chain(&hinfo->bhash[inet_bhashfn(net, port,
								 hinfo->bhash_size)],
				      &v, nks_ports_rows_reset);
		if (!b.whole)
			break;
		pc.skip = 0;
		if (!(port % 64))
			cond_resched();
		if (b.n == NKS_PORTS_BATCH) {
			port++;
			break;
		}
	}
	*done_to = port;
	return b.n;
}

/* Puts one NKSTAT_A_PORT nest. */
static int nks_ports_row_fill(struct sk_buff *msg, const void *r)
{
	struct nlattr *nest = nla_nest_start(msg, NKSTAT_A_PORT);
	const struct nks_port_row *row = r;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NKSTAT_PORT_A_PORT, row->at.pos) ||
	    nla_put_u32(msg, NKSTAT_PORT_A_L3MDEV, row->l3mdev) ||
	    nla_put_s32(msg, NKSTAT_PORT_A_FASTREUSE, row->fastreuse) ||
	    nla_put_s32(msg, NKSTAT_PORT_A_FASTREUSEPORT, row->fastreuseport) ||
	    nla_put_u32(msg, NKSTAT_PORT_A_OWNERS, row->owners) ||
	    nla_put_u32(msg, NKSTAT_PORT_A_TW_OWNERS, row->tw_owners) ||
	    nla_put_u32(msg, NKSTAT_PORT_A_ADDRS, row->addrs)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_nl_fill_ports(struct sk_buff *msg, void *net)
{
	return nks_ports_fill(msg, net) ?:
	       nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_PORTS);
}

static int nks_nl_get_ports_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_PORTS,
			   info->extack);
	if (err)
		return err;
	return nks_nl_reply(info, NKSTAT_CMD_GET_PORTS, nks_nl_fill_ports,
			    genl_info_net(info));
}

/* GET_PORTS_LIST: the port range and the fewest owners. */
static int nks_nl_ports_list_begin(struct netlink_callback *cb, struct net *net,
				   struct nks_rows_cursor *c)
{
	struct nlattr **attrs = nks_genl_dump_attrs(cb);
	u32 lo = 0, hi = U16_MAX, eph_lo, eph_hi;

	if (attrs[NKSTAT_A_PORT_MIN])
		lo = nla_get_u16(attrs[NKSTAT_A_PORT_MIN]);
	if (attrs[NKSTAT_A_PORT_MAX])
		hi = nla_get_u16(attrs[NKSTAT_A_PORT_MAX]);
	if (lo > hi) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[NKSTAT_A_PORT_MAX],
				    "port range is inverted: PORT_MAX is below PORT_MIN");
		return -EINVAL;
	}
	if (attrs[NKSTAT_A_PORT_EPHEMERAL]) {
		nks_ports_ephemeral(net, &eph_lo, &eph_hi);
		lo = max(lo, eph_lo);
		hi = min(hi, eph_hi);
	}
	/* an empty range (lo > hi) makes an empty dump */
	c->pos = lo;
	c->end = hi + 1;
	if (attrs[NKSTAT_A_PORT_MIN_OWNERS])
		c->filter = nla_get_u32(attrs[NKSTAT_A_PORT_MIN_OWNERS]);
	return 0;
}

static const struct nks_nl_rows nks_nl_ports_list_rows = {
	.group = NKSTAT_GROUP_PORTS,
	.cmd = NKSTAT_CMD_GET_PORTS_LIST,
	.row_size = sizeof(struct nks_port_row),
	.batch = NKS_PORTS_BATCH,
	.begin = nks_nl_ports_list_begin,
	.collect = nks_ports_collect,
	.fill = nks_ports_row_fill,
};

/* One NKSTAT_A_PORT per bind bucket, in port order. */
static int nks_nl_get_ports_list_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	return nks_nl_dump_rows(skb, cb, &nks_nl_ports_list_rows);
}

static const struct nla_policy nks_nl_get_ports_list_policy[NKSTAT_A_PORT_MIN_OWNERS + 1] = {
	[NKSTAT_A_PORT_MIN] = { .type = NLA_U16 },
	[NKSTAT_A_PORT_MAX] = { .type = NLA_U16 },
	[NKSTAT_A_PORT_EPHEMERAL] = { .type = NLA_FLAG },
	[NKSTAT_A_PORT_MIN_OWNERS] = { .type = NLA_U32 },
};

static const struct genl_ops nks_ports_ops[] = {
	{
		/* no policy: takes no attributes */
		.cmd = NKSTAT_CMD_GET_PORTS,
		.doit = nks_nl_get_ports_doit,
	},
	{
		.cmd = NKSTAT_CMD_GET_PORTS_LIST,
		.dumpit = nks_nl_get_ports_list_dumpit,
		.policy = nks_nl_get_ports_list_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_ports_list_policy) - 1,
	},
};

struct nks_group nks_group_ports = {
	.id = NKSTAT_GROUP_PORTS,
	.name = "ports",
	.init = nks_ports_init,
	.exit = nks_ports_exit,
	.ops = nks_ports_ops,
	.n_ops = ARRAY_SIZE(nks_ports_ops),
	.netns_counters = NKS_PORTS_NETNS_COUNTERS,
};
