/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETNS_H
#define _NKS_NETNS_H

#include <linux/types.h>

struct net;

/* Event counters kept per netns. */
enum nks_netns_counter {
	NKS_NETNS_REQUESTS,
	NKS_NETNS_NEIGH_ALLOC_FAILURES_ARP,
	NKS_NETNS_NEIGH_ALLOC_FAILURES_NDISC,
	NKS_NETNS_PORTS_CONNECT_EADDRNOTAVAIL,
	NKS_NETNS_PORTS_BIND_EADDRINUSE,

	NKS_NETNS_NCOUNTERS
};

int nks_netns_init(void);
void nks_netns_exit(void);

/* Safe in any context, without locks; the caller keeps @net alive. */
void nks_netns_inc(struct net *net, enum nks_netns_counter c);
u64 nks_netns_read(struct net *net, enum nks_netns_counter c);

#endif /* _NKS_NETNS_H */
