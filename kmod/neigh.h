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

#endif /* _NKS_NEIGH_H */
