/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "nkstat" generic netlink family: what a counter group's handlers
 * use. The family itself (registration, GET_INFO, the ops table built
 * from every group's) is family.c's, which includes no group.
 */
#ifndef _NKS_FAMILY_H
#define _NKS_FAMILY_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/nkstat.h>
#include <linux/types.h>

struct genl_info;
struct net;
struct netlink_callback;
struct netlink_ext_ack;
struct sk_buff;

int nks_genl_init(void);
void nks_genl_exit(void);

/* The histogram bucket of @v, see NKSTAT_HIST_BUCKETS. */
static inline unsigned int nks_hist_bucket(u64 v)
{
	return min_t(unsigned int, fls64(v), NKSTAT_HIST_BUCKETS - 1);
}

/*
 * Admits request @req for group @id in @net: a group's commands walk
 * kernel tables, so the caller needs CAP_NET_ADMIN over @net (-EPERM),
 * and the group must report on this kernel (-EOPNOTSUPP). Each refusal
 * gets an extack message.
 */
int nks_nl_admit(const struct sk_buff *req, struct net *net, u32 id,
		 struct netlink_ext_ack *extack);

/*
 * Replies to a do request with one message of @cmd, filled by @fill from
 * @ctx. The fill runs with no lock held and may sleep.
 */
int nks_nl_reply(struct genl_info *info, u8 cmd,
		 int (*fill)(struct sk_buff *msg, void *ctx), void *ctx);

/* The header of one message of dump @cb's reply, of @cmd; NULL if full. */
void *nks_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd);

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

/* A dump of many rows per message: what it reports, and how. */
struct nks_nl_rows {
	u32 group;		/* enum nkstat_group */
	u8 cmd;
	size_t row_size;	/* starting with a struct nks_row_at */
	unsigned int batch;	/* rows @collect copies at most */
	/* sets the cursor from the request, or refuses it with extack */
	int (*begin)(struct netlink_callback *cb, struct net *net,
		     struct nks_rows_cursor *c);
	/*
	 * Copies up to @batch rows of @net from @c on into @rows, in
	 * position order, and sets *@done_to below which every position
	 * was copied whole. Returns how many. Sleeps.
	 */
	int (*collect)(struct net *net, const struct nks_rows_cursor *c,
		       void *rows, u32 *done_to);
	/* Puts one row's nest; -EMSGSIZE when it does not fit. */
	int (*fill)(struct sk_buff *msg, const void *row);
};

/*
 * A dumpit of packed rows, one nest per row, in position order; it
 * resumes at the first row that did not fit.
 */
int nks_nl_dump_rows(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct nks_nl_rows *ops);

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

#endif /* _NKS_FAMILY_H */
