/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETLINK_H
#define _NKS_NETLINK_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/nkstat.h>
#include <linux/types.h>

struct net;
struct sk_buff;

int nks_genl_init(void);
void nks_genl_exit(void);

/* The histogram bucket of @v, see NKSTAT_HIST_BUCKETS. */
static inline unsigned int nks_hist_bucket(u64 v)
{
	return min_t(unsigned int, fls64(v), NKSTAT_HIST_BUCKETS - 1);
}

/*
 * Where a dump of packed rows is: at position @pos (a port, a hash
 * bucket), from its rows whose idx is @skip or more (struct nks_row_at);
 * positions from @end on are left out. @filter is the dump's own (a
 * minimum, a flag).
 */
struct nks_rows_cursor {
	u32 pos;
	u32 skip;
	u32 end;
	u32 filter;
};

/* The start of every row of such a dump: where the row is. */
struct nks_row_at {
	u32 pos;
	u32 idx;	/* its key, or place, among the rows of @pos */
};

/*
 * Copies up to a batch of rows of @net from @c on into @rows, in position
 * order, and sets *@done_to below which every position was copied whole.
 * Returns how many. Sleeps.
 */
typedef int (*nks_rows_collect_fn)(struct net *net,
				   const struct nks_rows_cursor *c,
				   void *rows, u32 *done_to);
/* Puts one row's nest; -EMSGSIZE when it does not fit. */
typedef int (*nks_rows_fill_fn)(struct sk_buff *msg, const void *row);

/* Puts @n strings @strs, each as attribute @type. */
int nks_nl_put_strings(struct sk_buff *msg, int type,
		       const char *const *strs, unsigned int n);

/*
 * Puts a string @type per counter of @group that is lossy (a hook feeding
 * it missed hits), each once.
 */
int nks_nl_put_lossy(struct sk_buff *msg, int type, u32 group);

/*
 * Puts a u64 without a pad attribute before it, for nests whose every
 * type is a value (histograms, NUD states): readers copy the value out,
 * so it need not be 8-byte aligned.
 */
int nks_nl_put_u64_unpadded(struct sk_buff *msg, int type, u64 v);

/* Puts a histogram nest @type: attribute i + 1 holds bucket i. */
int nks_nl_put_hist(struct sk_buff *msg, int type, const u64 *hist);

#endif /* _NKS_NETLINK_H */
