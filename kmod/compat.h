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
 * Owners are counted a bounded number at a time under the lock of their
 * bhash bucket, which every writer of these lists holds too, in both
 * layouts. Between two holds the walk keeps a reference on the owner it
 * resumes at: while that owner still points to the list it was on, the
 * list and its bind bucket are alive (a bucket goes with its last owner).
 */

/* The bind bucket a bound socket @sk (full or TIME_WAIT) belongs to. */
static inline struct inet_bind_bucket *nks_bind_owner_tb(const struct sock *sk)
{
	if (sk->sk_state == TCP_TIME_WAIT)
		return inet_twsk(sk)->tw_tb;
	return inet_csk(sk)->icsk_bind_hash;
}

#ifdef NKS_HAVE_TB_BHASH2
/*
 * 6.12 (not 6.1): a bind bucket lists its bhash2 buckets, one per local
 * address, and they hold the owners, TIME_WAIT ones included.
 */

/* The owner list @sk is on: its bhash2 bucket's. */
static inline const void *nks_bind_owner_list(const struct sock *sk)
{
	if (sk->sk_state == TCP_TIME_WAIT)
		return inet_twsk(sk)->tw_tb2;
	return inet_csk(sk)->icsk_bind2_hash;
}

static inline struct sock *nks_bind_first_owner(const struct inet_bind_bucket *tb)
{
	const struct inet_bind2_bucket *tb2;

	tb2 = hlist_entry_safe(tb->bhash2.first, struct inet_bind2_bucket,
			       bhash_node);
	return tb2 ? hlist_entry_safe(tb2->owners.first, struct sock,
				      sk_bind_node) : NULL;
}

/*
 * Counts @tb's owners into @o from @sk on (NULL: the first), visiting at
 * most *@budget; @begin: @sk starts the bucket (its address is not
 * counted yet). Returns the owner to resume at, not counted, or NULL
 * when all are.
 */
static inline struct sock *nks_bind_owners_count(const struct inet_bind_bucket *tb,
						 struct sock *sk,
						 struct nks_bind_owners *o,
						 int *budget, bool begin)
{
	const struct inet_bind2_bucket *tb2;

	if (!sk) {
		tb2 = hlist_entry_safe(tb->bhash2.first,
				       struct inet_bind2_bucket, bhash_node);
		begin = true;
	} else {
		tb2 = nks_bind_owner_list(sk);
	}
	for (; tb2; tb2 = hlist_entry_safe(tb2->bhash_node.next,
					   struct inet_bind2_bucket, bhash_node)) {
		if (!sk)
			sk = hlist_entry_safe(tb2->owners.first, struct sock,
					      sk_bind_node);
		o->addrs += begin;
		begin = true;
		for (; sk; sk = hlist_entry_safe(sk->sk_bind_node.next,
						 struct sock, sk_bind_node)) {
			if (*budget <= 0)
				return sk;
			--*budget;
			o->owners++;
			o->tw_owners += sk->sk_state == TCP_TIME_WAIT;
		}
	}
	return NULL;
}
#else
/*
 * 6.1: @tb->owners holds every owner. Each points to its bhash2 bucket
 * (one per local address); an address is counted at that bucket's first
 * socket, or first TIME_WAIT socket when it has no full one. A missing
 * link counts as an address of its own.
 */

/* The owner list @sk is on: its bind bucket's. */
static inline const void *nks_bind_owner_list(const struct sock *sk)
{
	return nks_bind_owner_tb(sk);
}

static inline struct sock *nks_bind_first_owner(const struct inet_bind_bucket *tb)
{
	return hlist_entry_safe(tb->owners.first, struct sock, sk_bind_node);
}

static inline bool nks_bind_owner_first_addr(const struct sock *sk)
{
	const struct inet_timewait_sock *tw;
	const struct inet_bind2_bucket *tb2;

	if (sk->sk_state != TCP_TIME_WAIT) {
		tb2 = inet_csk(sk)->icsk_bind2_hash;
		return !tb2 || tb2->owners.first == &sk->sk_bind2_node;
	}
	tw = inet_twsk(sk);
	tb2 = tw->tw_tb2;
	return !tb2 || (hlist_empty(&tb2->owners) &&
			tb2->deathrow.first == &tw->tw_bind2_node);
}

/* As the 6.12 one; @begin needs nothing here. */
static inline struct sock *nks_bind_owners_count(const struct inet_bind_bucket *tb,
						 struct sock *sk,
						 struct nks_bind_owners *o,
						 int *budget, bool begin)
{
	if (!sk)
		sk = nks_bind_first_owner(tb);
	for (; sk; sk = hlist_entry_safe(sk->sk_bind_node.next, struct sock,
					 sk_bind_node)) {
		if (*budget <= 0)
			return sk;
		--*budget;
		o->owners++;
		o->tw_owners += sk->sk_state == TCP_TIME_WAIT;
		o->addrs += nks_bind_owner_first_addr(sk);
	}
	return NULL;
}
#endif

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

/* The TCP socket whose keepalive timer @t is, and that timer. */
static inline struct sock *nks_keepalive_sk(struct timer_list *t)
{
#ifdef NKS_HAVE_ICSK_KEEPALIVE_TIMER
	/* a timer of its own (Debian's 6.1 and 6.12, by a stable backport) */
	return &container_of(t, struct inet_connection_sock,
			     icsk_keepalive_timer)->icsk_inet.sk;
#else
	return container_of(t, struct sock, sk_timer);
#endif
}

static inline const struct timer_list *nks_keepalive_timer(const struct sock *sk)
{
#ifdef NKS_HAVE_ICSK_KEEPALIVE_TIMER
	return &inet_csk(sk)->icsk_keepalive_timer;
#else
	return &sk->sk_timer;
#endif
}

#endif /* _NKS_COMPAT_H */
