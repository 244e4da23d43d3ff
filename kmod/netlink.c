// SPDX-License-Identifier: GPL-2.0
/*
 * The "nkstat" generic netlink family. Every command has its own strict
 * policy; anything a command does not take is refused with an extack
 * message. Replies are filled from snapshots, never under a kernel lock.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/nkstat.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "group.h"
#include "neigh.h"
#include "netlink.h"
#include "netns.h"
#include "ports.h"
#include "tcp.h"
#include "version.h"

static struct genl_family nks_genl_family;

int nks_nl_put_u64_unpadded(struct sk_buff *msg, int type, u64 v)
{
	return nla_put(msg, type, sizeof(v), &v);
}

int nks_nl_put_strings(struct sk_buff *msg, int type,
		       const char *const *strs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (nla_put_string(msg, type, strs[i]))
			return -EMSGSIZE;
	}
	return 0;
}

int nks_nl_put_hist(struct sk_buff *msg, int type, const u64 *hist)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NKSTAT_HIST_BUCKETS; i++) {
		if (nks_nl_put_u64_unpadded(msg, i + 1, hist[i])) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_nl_fill_hook(struct sk_buff *msg, const struct nks_hook *hook)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NKSTAT_GROUP_A_HOOK);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, NKSTAT_HOOK_A_NAME, hook->name) ||
	    nla_put_u32(msg, NKSTAT_HOOK_A_KIND, hook->kind) ||
	    (hook->err && nla_put_u32(msg, NKSTAT_HOOK_A_ERROR, -hook->err)) ||
	    (hook->kp && !hook->err &&
	     nla_put_u64_64bit(msg, NKSTAT_HOOK_A_MISSED, nks_hook_missed(hook),
			       NKSTAT_HOOK_A_PAD)))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* Whether a hook of @grp before @hook that missed hits also feeds @counter. */
static bool nks_nl_lossy_listed(const struct nks_group *grp,
				const struct nks_hook *hook, const char *counter)
{
	const struct nks_hook *h;
	unsigned int i;

	for (h = grp->hooks; h < hook; h++) {
		if (!nks_hook_missed(h))
			continue;
		for (i = 0; i < h->n_feeds; i++) {
			if (!strcmp(h->feeds[i], counter))
				return true;
		}
	}
	return false;
}

int nks_nl_put_lossy(struct sk_buff *msg, int type, u32 group)
{
	const struct nks_group *grp = nks_group_find(group);
	const struct nks_hook *h;
	unsigned int i;

	for (h = grp->hooks; h < grp->hooks + grp->n_hooks; h++) {
		if (!nks_hook_missed(h))
			continue;
		for (i = 0; i < h->n_feeds; i++) {
			if (nks_nl_lossy_listed(grp, h, h->feeds[i]))
				continue;
			if (nla_put_string(msg, type, h->feeds[i]))
				return -EMSGSIZE;
		}
	}
	return 0;
}

static int nks_nl_fill_unavail(struct sk_buff *msg,
			       const struct nks_unavail *unavail)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NKSTAT_GROUP_A_UNAVAILABLE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, NKSTAT_UNAVAIL_A_COUNTER, unavail->counter) ||
	    nla_put_string(msg, NKSTAT_UNAVAIL_A_REASON, unavail->reason)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nks_nl_fill_group(struct sk_buff *msg, const struct nks_group *grp)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, NKSTAT_A_GROUP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NKSTAT_GROUP_A_ID, grp->id) ||
	    nla_put_string(msg, NKSTAT_GROUP_A_NAME, grp->name) ||
	    nla_put_u32(msg, NKSTAT_GROUP_A_STATE, grp->state) ||
	    (grp->reason &&
	     nla_put_string(msg, NKSTAT_GROUP_A_REASON, grp->reason)))
		goto err_cancel;
	for (i = 0; i < grp->n_hooks; i++) {
		if (nks_nl_fill_hook(msg, &grp->hooks[i]))
			goto err_cancel;
	}
	for (i = 0; i < grp->n_unavail; i++) {
		if (nks_nl_fill_unavail(msg, &grp->unavail[i]))
			goto err_cancel;
	}
	if (nks_nl_put_strings(msg, NKSTAT_GROUP_A_ESTIMATE, grp->estimates,
			       grp->n_estimates) ||
	    nks_nl_put_lossy(msg, NKSTAT_GROUP_A_LOSSY, grp->id))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * Admits request @req for group @id in @net: every command but GET_INFO
 * walks a kernel table, so its caller needs CAP_NET_ADMIN over @net
 * (-EPERM), and the group must report on this kernel (-EOPNOTSUPP).
 * The genetlink core's GENL_UNS_ADMIN_PERM would refuse without a
 * message; this says why.
 */
static int nks_nl_admit(const struct sk_buff *req, struct net *net, u32 id,
			struct netlink_ext_ack *extack)
{
	if (!netlink_ns_capable(req, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "needs CAP_NET_ADMIN over the network namespace");
		return -EPERM;
	}
	if (nks_group_find(id)->state != NKSTAT_GROUP_STATE_UNAVAILABLE)
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "this counter group is unavailable on this kernel: see GET_INFO");
	return -EOPNOTSUPP;
}

/*
 * Replies to a do request with one message of @cmd, filled by @fill from
 * @ctx. The fill runs with no lock held and may sleep.
 */
static int nks_nl_reply(struct genl_info *info, u8 cmd,
			int (*fill)(struct sk_buff *msg, void *ctx), void *ctx)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	nks_netns_inc(genl_info_net(info), NKS_NETNS_REQUESTS);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nks_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = fill(msg, ctx);
	if (err) {
		if (err == -EMSGSIZE)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "reply does not fit in a message");
		goto err_free;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

struct nks_nl_info_ctx {
	struct net *net;
	const struct nks_group *only;
};

static int nks_nl_fill_info(struct sk_buff *msg, void *ctx)
{
	const struct nks_nl_info_ctx *c = ctx;
	const struct nks_group *grp;
	unsigned int i;

	if (nla_put_string(msg, NKSTAT_A_MODULE_VERSION, NKSTAT_VERSION) ||
	    nla_put_string(msg, NKSTAT_A_KERNEL_RELEASE,
			   init_utsname()->release) ||
	    nla_put_u64_64bit(msg, NKSTAT_A_NETNS_REQUESTS,
			      nks_netns_read(c->net, NKS_NETNS_REQUESTS),
			      NKSTAT_A_PAD))
		return -EMSGSIZE;
	for (i = 0; (grp = nks_group_at(i)); i++) {
		if (c->only && grp != c->only)
			continue;
		if (nks_nl_fill_group(msg, grp))
			return -EMSGSIZE;
	}
	return 0;
}

static int nks_nl_get_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nks_nl_info_ctx ctx = { .net = genl_info_net(info) };
	struct nlattr *attr;

	attr = info->attrs[NKSTAT_A_GROUP_ID];
	if (attr) {
		ctx.only = nks_group_find(nla_get_u32(attr));
		if (!ctx.only) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "unknown counter group");
			return -EINVAL;
		}
	}
	return nks_nl_reply(info, NKSTAT_CMD_GET_INFO, nks_nl_fill_info, &ctx);
}

struct nks_nl_neigh_ctx {
	struct net *net;
	u32 only;
	bool table_wide;
};

static int nks_nl_fill_neigh(struct sk_buff *msg, void *ctx)
{
	const struct nks_nl_neigh_ctx *c = ctx;
	u32 id;
	int err;

	for (id = 1; id <= NKSTAT_NEIGH_TABLE_MAX; id++) {
		if (c->only && id != c->only)
			continue;
		err = nks_neigh_fill(msg, c->net, id, c->table_wide);
		if (err)
			return err;
	}
	return nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_NEIGH);
}

static int nks_nl_get_neigh_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nks_nl_neigh_ctx ctx = { .net = genl_info_net(info) };
	struct nlattr *attr;
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_NEIGH,
			   info->extack);
	if (err)
		return err;
	attr = info->attrs[NKSTAT_A_NEIGH_TABLE];
	if (attr) {
		ctx.only = nla_get_u32(attr);
		err = nks_neigh_table_check(ctx.only);
		if (err == -EINVAL)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "unknown neighbour table");
		else if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "this kernel has no such neighbour table");
		if (err)
			return err;
	}
	/* the tables are shared by every netns: their totals are the host's */
	ctx.table_wide = netlink_capable(skb, CAP_NET_ADMIN);
	return nks_nl_reply(info, NKSTAT_CMD_GET_NEIGH, nks_nl_fill_neigh, &ctx);
}

/*
 * One message per device, resuming after the last ifindex sent
 * (cb->args[0]). Devices are counted a batch at a time, outside any lock,
 * and the counts are put into the skb afterwards.
 */
static int nks_nl_get_neigh_dev_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct nks_neigh_devrow *rows = NULL;
	int count, i, err;
	void *hdr;

	err = nks_nl_admit(cb->skb, net, NKSTAT_GROUP_NEIGH, cb->extack);
	if (err)
		return err;
	if (!cb->args[0] && !cb->args[1]) {
		nks_netns_inc(net, NKS_NETNS_REQUESTS);
		cb->args[1] = 1;
	}
	count = nks_neigh_dev_collect(net, cb->args[0], &rows);
	for (i = 0; i < count; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nks_genl_family,
				  NLM_F_MULTI, NKSTAT_CMD_GET_NEIGH_DEV);
		if (!hdr || nks_neigh_dev_fill(skb, net, rows, i)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			/* a device that does not fit an empty skb never will */
			if (!skb->len)
				err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = nks_neigh_devrow_ifindex(rows, i);
	}
	kfree(rows);
	if (count < 0)
		return count;
	return err ?: skb->len;
}

static int nks_nl_fill_ports(struct sk_buff *msg, void *net)
{
	return nks_ports_fill(msg, net) ?:
	       nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_PORTS);
}

static int nks_nl_get_ports_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_PORTS,
			   info->extack);
	if (err)
		return err;
	return nks_nl_reply(info, NKSTAT_CMD_GET_PORTS, nks_nl_fill_ports,
			    genl_info_net(info));
}

/* A dump of packed rows keeps its struct nks_rows_cursor in cb->args. */
enum {
	NKS_ROWS_ARG_POS,
	NKS_ROWS_ARG_SKIP,
	NKS_ROWS_ARG_END,
	NKS_ROWS_ARG_FILTER,
	NKS_ROWS_ARG_BEGUN,	/* set by the first call */
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
	nks_rows_collect_fn collect;
	nks_rows_fill_fn fill;
};

/*
 * Messages packed with one nest per row, in position order. The cursor
 * moves past each row put, so a dump resumes at the first row that did
 * not fit; rows are copied a batch at a time and put outside any lock.
 *
 * The request is read on the first call, not in a .start callback:
 * errors go out with the dump's NLMSG_DONE and its extack on every
 * kernel, where a .start callback's extack is dropped by some.
 */
static int nks_nl_dump_rows(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct nks_nl_rows *ops)
{
	struct net *net = sock_net(skb->sk);
	struct nks_rows_cursor c = {};
	const struct nks_row_at *at;
	int n, i, put = 0, err;
	void *hdr = NULL, *rows;
	u32 done_to;

	err = nks_nl_admit(cb->skb, net, ops->group, cb->extack);
	if (err)
		return err;
	if (!cb->args[NKS_ROWS_ARG_BEGUN]) {
		err = ops->begin(cb, net, &c);
		if (err)
			return err;
		cb->args[NKS_ROWS_ARG_POS] = c.pos;
		cb->args[NKS_ROWS_ARG_END] = c.end;
		cb->args[NKS_ROWS_ARG_FILTER] = c.filter;
		cb->args[NKS_ROWS_ARG_BEGUN] = 1;
		nks_netns_inc(net, NKS_NETNS_REQUESTS);
	}
	c = (struct nks_rows_cursor) {
		.pos = cb->args[NKS_ROWS_ARG_POS],
		.skip = cb->args[NKS_ROWS_ARG_SKIP],
		.end = cb->args[NKS_ROWS_ARG_END],
		.filter = cb->args[NKS_ROWS_ARG_FILTER],
	};
	rows = kmalloc_array(ops->batch, ops->row_size, GFP_KERNEL);
	if (!rows)
		return -ENOMEM;
	while (c.pos < c.end) {
		n = ops->collect(net, &c, rows, &done_to);
		for (i = 0; i < n; i++) {
			at = rows + i * ops->row_size;
			if (!hdr) {
				hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						  cb->nlh->nlmsg_seq,
						  &nks_genl_family, NLM_F_MULTI,
						  ops->cmd);
				if (!hdr)
					goto out;
			}
			if (ops->fill(skb, at))
				goto out;
			put++;
			c.pos = at->pos;
			c.skip = at->idx + 1;
		}
		/* past the rows put: every position below done_to is done */
		if (!n || done_to > c.pos) {
			c.pos = done_to;
			c.skip = 0;
		}
	}
out:
	if (hdr && put)
		genlmsg_end(skb, hdr);
	else if (hdr)
		genlmsg_cancel(skb, hdr);
	/* a row that does not fit an empty skb never will */
	if (!put && c.pos < c.end && !skb->len)
		err = -EMSGSIZE;
	cb->args[NKS_ROWS_ARG_POS] = c.pos;
	cb->args[NKS_ROWS_ARG_SKIP] = c.skip;
	kfree(rows);
	return err ?: skb->len;
}

/* GET_PORTS_LIST: the port range and the fewest owners. */
static int nks_nl_ports_list_begin(struct netlink_callback *cb, struct net *net,
				   struct nks_rows_cursor *c)
{
	struct nlattr **attrs = nks_genl_dump_attrs(cb);
	u32 lo = 0, hi = U16_MAX, eph_lo, eph_hi;

	if (attrs[NKSTAT_A_PORT_MIN])
		lo = nla_get_u16(attrs[NKSTAT_A_PORT_MIN]);
	if (attrs[NKSTAT_A_PORT_MAX])
		hi = nla_get_u16(attrs[NKSTAT_A_PORT_MAX]);
	if (lo > hi) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[NKSTAT_A_PORT_MAX],
				    "port range is inverted: PORT_MAX is below PORT_MIN");
		return -EINVAL;
	}
	if (attrs[NKSTAT_A_PORT_EPHEMERAL]) {
		nks_ports_ephemeral(net, &eph_lo, &eph_hi);
		lo = max(lo, eph_lo);
		hi = min(hi, eph_hi);
	}
	/* an empty range (lo > hi) makes an empty dump */
	c->pos = lo;
	c->end = hi + 1;
	if (attrs[NKSTAT_A_PORT_MIN_OWNERS])
		c->filter = nla_get_u32(attrs[NKSTAT_A_PORT_MIN_OWNERS]);
	return 0;
}

static const struct nks_nl_rows nks_nl_ports_list_rows = {
	.group = NKSTAT_GROUP_PORTS,
	.cmd = NKSTAT_CMD_GET_PORTS_LIST,
	.row_size = sizeof(struct nks_port_row),
	.batch = NKS_PORTS_BATCH,
	.begin = nks_nl_ports_list_begin,
	.collect = nks_ports_collect,
	.fill = nks_ports_row_fill,
};

/* One NKSTAT_A_PORT per bind bucket, in port order. */
static int nks_nl_get_ports_list_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	return nks_nl_dump_rows(skb, cb, &nks_nl_ports_list_rows);
}

static int nks_nl_fill_tcp(struct sk_buff *msg, void *net)
{
	return nks_tcp_fill(msg, net) ?:
	       nks_nl_put_lossy(msg, NKSTAT_A_LOSSY, NKSTAT_GROUP_TCP);
}

static int nks_nl_get_tcp_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = nks_nl_admit(skb, genl_info_net(info), NKSTAT_GROUP_TCP,
			   info->extack);
	if (err)
		return err;
	return nks_nl_reply(info, NKSTAT_CMD_GET_TCP, nks_nl_fill_tcp,
			    genl_info_net(info));
}

/* GET_TCP_ORPHANS: every hash bucket; the zero-window flag. */
static int nks_nl_tcp_orphans_begin(struct netlink_callback *cb,
				    struct net *net, struct nks_rows_cursor *c)
{
	c->end = nks_tcp_buckets(net);
	c->filter = !!nks_genl_dump_attrs(cb)[NKSTAT_A_ORPHAN_ZERO_WINDOW];
	return 0;
}

static const struct nks_nl_rows nks_nl_tcp_orphans_rows = {
	.group = NKSTAT_GROUP_TCP,
	.cmd = NKSTAT_CMD_GET_TCP_ORPHANS,
	.row_size = sizeof(struct nks_orphan_row),
	.batch = NKS_TCP_BATCH,
	.begin = nks_nl_tcp_orphans_begin,
	.collect = nks_tcp_collect,
	.fill = nks_tcp_row_fill,
};

/* One NKSTAT_A_ORPHAN per orphan, in hash order. */
static int nks_nl_get_tcp_orphans_dumpit(struct sk_buff *skb,
					 struct netlink_callback *cb)
{
	return nks_nl_dump_rows(skb, cb, &nks_nl_tcp_orphans_rows);
}

static const struct nla_policy nks_nl_get_tcp_orphans_policy[NKSTAT_A_ORPHAN_ZERO_WINDOW + 1] = {
	[NKSTAT_A_ORPHAN_ZERO_WINDOW] = { .type = NLA_FLAG },
};

static const struct nla_policy nks_nl_get_ports_list_policy[NKSTAT_A_PORT_MIN_OWNERS + 1] = {
	[NKSTAT_A_PORT_MIN] = { .type = NLA_U16 },
	[NKSTAT_A_PORT_MAX] = { .type = NLA_U16 },
	[NKSTAT_A_PORT_EPHEMERAL] = { .type = NLA_FLAG },
	[NKSTAT_A_PORT_MIN_OWNERS] = { .type = NLA_U32 },
};

static const struct nla_policy nks_nl_get_neigh_policy[NKSTAT_A_NEIGH_TABLE + 1] = {
	[NKSTAT_A_NEIGH_TABLE] = { .type = NLA_U32 },
};

static const struct nla_policy nks_nl_get_info_policy[NKSTAT_A_GROUP_ID + 1] = {
	[NKSTAT_A_GROUP_ID] = { .type = NLA_U32 },
};

static const struct genl_ops nks_genl_ops[] = {
	{
		.cmd = NKSTAT_CMD_GET_INFO,
		.doit = nks_nl_get_info_doit,
		.policy = nks_nl_get_info_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_info_policy) - 1,
	},
	{
		.cmd = NKSTAT_CMD_GET_NEIGH,
		.doit = nks_nl_get_neigh_doit,
		.policy = nks_nl_get_neigh_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_neigh_policy) - 1,
	},
	{
		/* no policy: the dump takes no attributes */
		.cmd = NKSTAT_CMD_GET_NEIGH_DEV,
		.dumpit = nks_nl_get_neigh_dev_dumpit,
	},
	{
		/* no policy: takes no attributes */
		.cmd = NKSTAT_CMD_GET_PORTS,
		.doit = nks_nl_get_ports_doit,
	},
	{
		.cmd = NKSTAT_CMD_GET_PORTS_LIST,
		.dumpit = nks_nl_get_ports_list_dumpit,
		.policy = nks_nl_get_ports_list_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_ports_list_policy) - 1,
	},
	{
		/* no policy: takes no attributes */
		.cmd = NKSTAT_CMD_GET_TCP,
		.doit = nks_nl_get_tcp_doit,
	},
	{
		.cmd = NKSTAT_CMD_GET_TCP_ORPHANS,
		.dumpit = nks_nl_get_tcp_orphans_dumpit,
		.policy = nks_nl_get_tcp_orphans_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_tcp_orphans_policy) - 1,
	},
};

static struct genl_family nks_genl_family __ro_after_init = {
	.name = NKSTAT_GENL_NAME,
	.version = NKSTAT_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = true,
	.parallel_ops = true,
	.ops = nks_genl_ops,
	.n_ops = ARRAY_SIZE(nks_genl_ops),
	/* strict header checks and policies for every command */
	.resv_start_op = NKSTAT_CMD_GET_INFO,
};

int __init nks_genl_init(void)
{
	return genl_register_family(&nks_genl_family);
}

void nks_genl_exit(void)
{
	genl_unregister_family(&nks_genl_family);
}
