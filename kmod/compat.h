/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel versions differ. Force-included into every
 * object by Kbuild, which also runs the NKS_HAVE_* feature probes. The
 * rest of nkstat is written for one kernel and never tests versions.
 */
#ifndef _NKS_COMPAT_H
#define _NKS_COMPAT_H

#include <linux/types.h>
#include <net/genetlink.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

/* The attributes of a dump request, as the genetlink core parsed them. */
static inline struct nlattr **nks_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef NKS_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* A bind bucket's owners: the sockets bound to its (port, l3mdev). */
struct nks_bind_owners {
	u32 owners;		/* TIME_WAIT included */
	u32 tw_owners;
	u32 addrs;		/* distinct local addresses */
};

/*
 * Counts @tb's owners. The caller holds the lock of @tb's bhash bucket,
 * which every writer of these lists holds too, in both layouts.
 */
static inline void nks_bind_bucket_owners(const struct inet_bind_bucket *tb,
					  struct nks_bind_owners *o)
{
#ifdef NKS_HAVE_TB_BHASH2
	/*
	 * 6.12 (not 6.1): @tb lists its bhash2 buckets, one per local
	 * address, and they hold the owners, TIME_WAIT ones included.
	 */
	const struct inet_bind2_bucket *tb2;
	const struct sock *sk;

	memset(o, 0, sizeof(*o));
	hlist_for_each_entry(tb2, &tb->bhash2, bhash_node) {
		o->addrs++;
		sk_for_each_bound(sk, &tb2->owners) {
			o->owners++;
			if (sk->sk_state == TCP_TIME_WAIT)
				o->tw_owners++;
		}
	}
#else
	/*
	 * 6.1: @tb->owners holds every owner. Each points to its
	 * bhash2 bucket (one per local address); an address is counted at
	 * that bucket's first socket, or first TIME_WAIT socket when it has
	 * no full one. A missing link counts as an address of its own.
	 */
	const struct inet_timewait_sock *tw;
	const struct inet_bind2_bucket *tb2;
	const struct sock *sk;

	memset(o, 0, sizeof(*o));
	sk_for_each_bound(sk, &tb->owners) {
		o->owners++;
		if (sk->sk_state != TCP_TIME_WAIT) {
			tb2 = inet_csk(sk)->icsk_bind2_hash;
			o->addrs += !tb2 || tb2->owners.first == &sk->sk_bind2_node;
			continue;
		}
		o->tw_owners++;
		tw = inet_twsk(sk);
		tb2 = tw->tw_tb2;
		o->addrs += !tb2 || (hlist_empty(&tb2->owners) &&
				     tb2->deathrow.first == &tw->tw_bind2_node);
	}
#endif
}

/*
 * The retransmits after which a connection in SYN_SENT or SYN_RECV times
 * out, as tcp_write_timeout() computes them.
 */
static inline unsigned int nks_syn_max_retransmits(const struct sock *sk)
{
	const struct net *net = sock_net(sk);
	unsigned int n;

	n = READ_ONCE(inet_csk(sk)->icsk_syn_retries) ?:
		READ_ONCE(net->ipv4.sysctl_tcp_syn_retries);
#ifdef NKS_HAVE_SYN_LINEAR_TIMEOUTS
	/* 6.12 (not 6.1): SYN_SENT first retransmits at linear intervals */
	if (sk->sk_state == TCP_SYN_SENT)
		n += READ_ONCE(net->ipv4.sysctl_tcp_syn_linear_timeouts);
#endif
	return n;
}

#endif /* _NKS_COMPAT_H */
