/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_TCP_H
#define _NKS_TCP_H

#include <linux/types.h>

#include "netlink.h"

struct net;
struct nks_group;
struct sk_buff;

int nks_tcp_init(struct nks_group *grp);
void nks_tcp_exit(struct nks_group *grp);

/*
 * Puts one NKSTAT_A_TCP nest for @net. Sleeps (walks the established
 * hash). Returns 0, -ENOMEM or -EMSGSIZE.
 */
int nks_tcp_fill(struct sk_buff *msg, struct net *net);

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

#define NKS_TCP_BATCH 64

/*
 * GET_TCP_ORPHANS's rows (struct nks_orphan_row), NKS_TCP_BATCH at a time:
 * c->pos is an established hash bucket; a c->filter not 0 keeps only
 * orphans stalled on a zero window.
 */
int nks_tcp_collect(struct net *net, const struct nks_rows_cursor *c,
		    void *rows, u32 *done_to);
/* The number of established hash buckets, for the cursor's end. */
u32 nks_tcp_buckets(struct net *net);
/* Puts one NKSTAT_A_ORPHAN nest. */
int nks_tcp_row_fill(struct sk_buff *msg, const void *row);

#endif /* _NKS_TCP_H */
