/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_PORTS_H
#define _NKS_PORTS_H

#include <linux/types.h>

#include "netlink.h"

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

#define NKS_PORTS_BATCH 64

/*
 * GET_PORTS_LIST's rows (struct nks_port_row), NKS_PORTS_BATCH at a time:
 * c->pos is a port, c->skip the lowest l3mdev a row of it needs (rows
 * resume by key), c->filter the fewest owners a row needs.
 */
int nks_ports_collect(struct net *net, const struct nks_rows_cursor *c,
		      void *rows, u32 *done_to);
/* Puts one NKSTAT_A_PORT nest. */
int nks_ports_row_fill(struct sk_buff *msg, const void *row);

/* The netns's ephemeral range, ip_local_port_range. */
void nks_ports_ephemeral(struct net *net, u32 *lo, u32 *hi);

#endif /* _NKS_PORTS_H */
