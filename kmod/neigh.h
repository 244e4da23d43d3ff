/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NEIGH_H
#define _NKS_NEIGH_H

#include <linux/types.h>

struct net;
struct nks_group;
struct sk_buff;

int nks_neigh_init(struct nks_group *grp);
void nks_neigh_exit(struct nks_group *grp);

/* 0, -EINVAL for an unknown table, -EOPNOTSUPP for one this kernel lacks */
int nks_neigh_table_check(u32 id);
/*
 * Puts one NKSTAT_A_NEIGH nest for table @id: its table-wide values if
 * @table_wide, else NKSTAT_NEIGH_A_TABLE_HIDDEN, and @net's own values.
 * Sleeps (walks the table's hash). Returns 0 or -EMSGSIZE; a table this
 * kernel lacks puts nothing.
 */
int nks_neigh_fill(struct sk_buff *msg, struct net *net, u32 id,
		   bool table_wide);

/* One device's entries, counted for a GET_NEIGH_DEV dump. */
struct nks_neigh_devrow;

#define NKS_NEIGH_DEV_BATCH 32

/*
 * Fills @rows with up to NKS_NEIGH_DEV_BATCH devices of @net whose
 * ifindex is above @after, in ifindex order, with their entries counted.
 * Returns how many, or -ENOMEM. Sleeps. The caller kfree()s *@rows.
 */
int nks_neigh_dev_collect(struct net *net, int after,
			  struct nks_neigh_devrow **rows);
int nks_neigh_devrow_ifindex(const struct nks_neigh_devrow *rows, int i);
/* Puts row @i: NKSTAT_A_IFINDEX, NKSTAT_A_IFNAME and a nest per table. */
int nks_neigh_dev_fill(struct sk_buff *msg, struct net *net,
		       const struct nks_neigh_devrow *rows, int i);

#endif /* _NKS_NEIGH_H */
