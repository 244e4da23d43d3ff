// SPDX-License-Identifier: GPL-2.0
/*
 * tools/nl.c for the fuzz_reply harness: the whole file, so that its static
 * receive callbacks can be called as libnl's recvmsgs() calls them.
 */
#include "../nl.c"

#include "fuzz_tool.h"

int fuzz_nl_valid(struct nl_msg *msg, nks_reply_fn fn, void *arg)
{
	struct nks_req req = { .fn = fn, .arg = arg };

	nks_nl_valid(msg, &req);
	return req.parse_err;
}

void fuzz_nl_error(struct nl_msg *msg, struct nlmsghdr *nlh)
{
	struct sockaddr_nl nla = { .nl_family = AF_NETLINK };
	struct nks_req req = { 0 };
	struct nlmsgerr *e = nlmsg_data(nlh);

	/* recvmsgs() stops at a truncated error without calling back */
	if (nlh->nlmsg_len < (unsigned int)nlmsg_size(sizeof(*e)))
		return;
	if (e->error)
		nks_nl_error(&nla, e, &req);
	else
		nks_nl_ack(msg, &req);
	if (strnlen(req.ext_msg, sizeof(req.ext_msg)) == sizeof(req.ext_msg))
		abort();
}

void fuzz_nl_finish(struct nl_msg *msg)
{
	struct nks_req req = { 0 };

	nks_nl_finish(msg, &req);
	if (strnlen(req.ext_msg, sizeof(req.ext_msg)) == sizeof(req.ext_msg))
		abort();
}

/* As nks_query_groups(), each request answered with @msg. */
int fuzz_query_groups(struct nl_msg *msg, const struct nks_group_fns *fns,
		      void *arg)
{
	struct nks_query q = { .info = fns->info, .arg = arg };
	int err;

	err = fuzz_nl_valid(msg, nks_query_info, &q);
	if (!err && q.reporting[NKSTAT_GROUP_NEIGH])
		err = fuzz_nl_valid(msg, fns->neigh, arg);
	if (!err && q.reporting[NKSTAT_GROUP_PORTS])
		err = fuzz_nl_valid(msg, fns->ports, arg);
	if (!err && q.reporting[NKSTAT_GROUP_TCP])
		err = fuzz_nl_valid(msg, fns->tcp, arg);
	return err;
}
