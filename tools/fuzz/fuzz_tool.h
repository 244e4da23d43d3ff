/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz harnesses reach of the tool beyond nkstat.h: the static
 * reply callbacks of nl.c, ports.c, tcp.c, neigh.c, summary.c, watch.c and
 * complete.c, through the tool_*.c files that compile those sources whole.
 * Each fuzz_* function replays what the tool does with the replies of one
 * request, the netlink socket replaced by @msg, delivered @nmsg times.
 */
#ifndef NKS_FUZZ_TOOL_H
#define NKS_FUZZ_TOOL_H

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "../nkstat.h"

/* tool_nl.c: the receive callbacks nks_nl_request() installs. */
/* NL_CB_VALID: returns the reply parser's error, as nks_nl_request() sees it. */
int fuzz_nl_valid(struct nl_msg *msg, nks_reply_fn fn, void *arg);
/* NLMSG_ERROR, as libnl's recvmsgs() hands it to the error callback or the ack one. */
void fuzz_nl_error(struct nl_msg *msg, struct nlmsghdr *nlh);
/* NLMSG_DONE: NL_CB_FINISH. */
void fuzz_nl_finish(struct nl_msg *msg);
/* nks_query_groups() with @msg as the reply to each of its requests. */
int fuzz_query_groups(struct nl_msg *msg, const struct nks_group_fns *fns,
		      void *arg);

/* The functions below return 0, or the error that fails the command. */
/* tool_ports.c: nkstat ports list [--top N]. */
int fuzz_ports_list(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		    long top);
/* tool_tcp.c: nkstat tcp orphans [--peers]. */
int fuzz_tcp_orphans(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		     bool peers);
/* tool_neigh.c: nkstat neigh dev. */
int fuzz_neigh_dev(struct nl_msg *msg, int nmsg, const struct nks_opts *opts);
/* tool_summary.c: nkstat summary (and nkstat -o prometheus). */
int fuzz_summary(struct nl_msg *msg, const struct nks_opts *opts);
/* tool_watch.c: two rounds of nkstat watch. */
int fuzz_watch(struct nl_msg *msg, const struct nks_opts *opts);
/* tool_complete.c: nkstat __complete info, with the module's groups. */
int fuzz_complete_groups(struct nl_msg *msg);

#endif /* NKS_FUZZ_TOOL_H */
