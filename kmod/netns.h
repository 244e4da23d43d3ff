/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETNS_H
#define _NKS_NETNS_H

#include <linux/types.h>
#include <net/net_namespace.h>

#include "group.h"

struct net;

/*
 * Event counters kept per netns: the family's own, then a block for each
 * counter group that asks for one (struct nks_group netns_counters),
 * which it reaches through nks_group_netns_inc() and _read().
 */
enum {
	NKS_NETNS_REQUESTS,	/* requests answered in this netns */

	NKS_NETNS_FAMILY_COUNTERS
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
void nks_netns_inc(struct net *net, unsigned int c);
u64 nks_netns_read(struct net *net, unsigned int c);

/* Counter @i of @grp's block, as nks_netns_inc() and nks_netns_read(). */
static inline void nks_group_netns_inc(struct net *net,
				       const struct nks_group *grp,
				       unsigned int i)
{
	nks_netns_inc(net, grp->netns_base + i);
}

static inline u64 nks_group_netns_read(struct net *net,
				       const struct nks_group *grp,
				       unsigned int i)
{
	return nks_netns_read(net, grp->netns_base + i);
}

#endif /* _NKS_NETNS_H */
