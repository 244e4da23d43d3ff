/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETLINK_H
#define _NKS_NETLINK_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/nkstat.h>
#include <linux/types.h>

struct sk_buff;

int nks_genl_init(void);
void nks_genl_exit(void);

/* The histogram bucket of @v, see NKSTAT_HIST_BUCKETS. */
static inline unsigned int nks_hist_bucket(u64 v)
{
	return min_t(unsigned int, fls64(v), NKSTAT_HIST_BUCKETS - 1);
}

/* Puts a histogram nest @type: attribute i + 1 holds bucket i. */
int nks_nl_put_hist(struct sk_buff *msg, int type, const u64 *hist);

#endif /* _NKS_NETLINK_H */
