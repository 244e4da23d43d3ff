/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_PORTS_H
#define _NKS_PORTS_H

#include <linux/types.h>

struct net;
struct nks_group;
struct sk_buff;

int nks_ports_init(struct nks_group *grp);
void nks_ports_exit(struct nks_group *grp);

/*
 * Puts one NKSTAT_A_PORTS nest for @net. Sleeps (walks the bind hash).
 * Returns 0, -ENOMEM or -EMSGSIZE.
 */
int nks_ports_fill(struct sk_buff *msg, struct net *net);

/* Where a GET_PORTS_LIST dump is: it resumes at row @skip of @port. */
struct nks_ports_cursor {
	u32 port;
	u32 skip;	/* rows of @port already sent */
	u32 hi;		/* the last port to report */
	u32 min_owners;
};

/* One bind bucket, copied under its hash bucket's lock. */
struct nks_port_row {
	u32 port;
	u32 idx;	/* its place among @port's bind buckets */
	int l3mdev;
	s8 fastreuse;
	s8 fastreuseport;
	u32 owners;
	u32 tw_owners;
	u32 addrs;
};

#define NKS_PORTS_BATCH 64

/*
 * Copies up to NKS_PORTS_BATCH rows of @net from @c on, in port order.
 * Every port below *@done_to has been copied whole. Sleeps.
 */
int nks_ports_collect(struct net *net, const struct nks_ports_cursor *c,
		      struct nks_port_row *rows, u32 *done_to);
/* Puts one NKSTAT_A_PORT nest. */
int nks_ports_row_fill(struct sk_buff *msg, const struct nks_port_row *row);

/* The netns's ephemeral range, ip_local_port_range. */
void nks_ports_ephemeral(struct net *net, u32 *lo, u32 *hi);

#endif /* _NKS_PORTS_H */
