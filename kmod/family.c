// SPDX-License-Identifier: GPL-2.0
/*
 * The "nkstat" generic netlink family: its registration, GET_INFO, and
 * what every group's handlers share (admission, replies, packed-row
 * dumps, attribute helpers). It names no group: each group brings its
 * own commands (struct nks_group ops), each with its own strict policy;
 * anything a command does not take is refused with an extack message.
 * Replies are filled from snapshots, never under a kernel lock.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/nkstat.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "family.h"
#include "group.h"
#include "netns.h"
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
 * The genetlink core's GENL_UNS_ADMIN_PERM would refuse without a
 * message; this says why.
 */
int nks_nl_admit(const struct sk_buff *req, struct net *net, u32 id,
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

int nks_nl_reply(struct genl_info *info, u8 cmd,
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

/* A dump of packed rows keeps its struct nks_rows_cursor in cb->args. */
enum {
	NKS_ROWS_ARG_POS,
	NKS_ROWS_ARG_SKIP,
	NKS_ROWS_ARG_END,
	NKS_ROWS_ARG_FILTER,
	NKS_ROWS_ARG_BEGUN,	/* set by the first call */
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
int nks_nl_dump_rows(struct sk_buff *skb, struct netlink_callback *cb,
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
				hdr = nks_nl_dump_put(skb, cb, ops->cmd);
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

static const struct nla_policy nks_nl_get_info_policy[NKSTAT_A_GROUP_ID + 1] = {
	[NKSTAT_A_GROUP_ID] = { .type = NLA_U32 },
};

static const struct genl_ops nks_nl_info_ops[] = {
	{
		.cmd = NKSTAT_CMD_GET_INFO,
		.doit = nks_nl_get_info_doit,
		.policy = nks_nl_get_info_policy,
		.maxattr = ARRAY_SIZE(nks_nl_get_info_policy) - 1,
	},
};

static struct genl_family nks_genl_family __ro_after_init = {
	.name = NKSTAT_GENL_NAME,
	.version = NKSTAT_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = true,
	.parallel_ops = true,
	/* .ops, .n_ops: GET_INFO's and every group's, set at init */
	/* strict header checks and policies for every command */
	.resv_start_op = NKSTAT_CMD_GET_INFO,
};

void *nks_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &nks_genl_family, NLM_F_MULTI, cmd);
}

/*
 * The family's ops: GET_INFO's, then each group's, in groups.h order.
 * Not __ro_after_init: kmemleak does not scan that part of a module, and
 * would report the table as leaked.
 */
static struct genl_ops *nks_genl_ops;

int __init nks_genl_init(void)
{
	const struct nks_group *grp;
	unsigned int i, n = ARRAY_SIZE(nks_nl_info_ops);
	int err;

	for (i = 0; (grp = nks_group_at(i)); i++)
		n += grp->n_ops;
	nks_genl_ops = kcalloc(n, sizeof(*nks_genl_ops), GFP_KERNEL);
	if (!nks_genl_ops)
		return -ENOMEM;
	memcpy(nks_genl_ops, nks_nl_info_ops, sizeof(nks_nl_info_ops));
	n = ARRAY_SIZE(nks_nl_info_ops);
	for (i = 0; (grp = nks_group_at(i)); i++) {
		memcpy(nks_genl_ops + n, grp->ops, grp->n_ops * sizeof(*grp->ops));
		n += grp->n_ops;
	}
	nks_genl_family.ops = nks_genl_ops;
	nks_genl_family.n_ops = n;

	err = genl_register_family(&nks_genl_family);
	if (err)
		kfree(nks_genl_ops);
	return err;
}

void nks_genl_exit(void)
{
	genl_unregister_family(&nks_genl_family);
	kfree(nks_genl_ops);
}
