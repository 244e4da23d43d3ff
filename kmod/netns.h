/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETNS_H
#define _NKS_NETNS_H

#include <linux/types.h>
#include <net/net_namespace.h>

struct net;

/* Event counters kept per netns. */
enum nks_netns_counter {
	NKS_NETNS_REQUESTS,
	NKS_NETNS_NEIGH_ALLOC_FAILURES_ARP,
	NKS_NETNS_NEIGH_ALLOC_FAILURES_NDISC,
	NKS_NETNS_PORTS_CONNECT_EADDRNOTAVAIL,
	NKS_NETNS_PORTS_BIND_EADDRINUSE,
	/* TCP aborts by cause, in enum nks_tcp_cause order */
	NKS_NETNS_TCP_ABORTS,
	NKS_NETNS_TCP_ABORTS_END = NKS_NETNS_TCP_ABORTS + 7,

	NKS_NETNS_NCOUNTERS
};

/* The TCP hash tables @net uses: the host's, or its own (tcp_child_ehash_entries). */
static inline struct inet_hashinfo *nks_netns_tcp_hashinfo(struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

int nks_netns_init(void);
void nks_netns_exit(void);

/*
 * Safe in any context, without locks. The caller keeps @net's memory
 * alive (a socket of @net, or an RCU read-side section begun while
 * check_net(@net) held); a dying @net is not counted.
 */
void nks_netns_inc(struct net *net, enum nks_netns_counter c);
u64 nks_netns_read(struct net *net, enum nks_netns_counter c);

#endif /* _NKS_NETNS_H */
