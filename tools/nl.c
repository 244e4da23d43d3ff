// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink session: resolve the family, send one request, collect the
 * replies, and turn errors into one line that names the kernel's extack
 * message when there is one.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/nkstat.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nkstat.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nks_req {
	nks_reply_fn fn;
	void *arg;
	int err;		/* the kernel's error, negative */
	int parse_err;		/* the reply parser's first error, negative */
	char ext_msg[256];	/* the kernel's extack message, if any */
	bool done;
};

int nks_nl_open(struct nks_nl *nl)
{
	int one = 1;
	int err;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "nkstat: out of memory\n");
		return NKS_EXIT_KERNEL;
	}
	err = genl_connect(nl->sk);
	if (err) {
		fprintf(stderr, "nkstat: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto err_free;
	}
	/* ask for error strings, and do not echo our request back */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/*
	 * Read 32 KiB at a time: the kernel sizes dump skbs to the reads
	 * (up to 32 KiB), so a long dump takes 8x fewer round trips than
	 * with libnl's default of a page.
	 */
	nl_socket_set_msg_buf_size(nl->sk, 32768);

	nl->family = genl_ctrl_resolve(nl->sk, NKSTAT_GENL_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND) {
			fprintf(stderr,
				"nkstat: the nkstat kernel module is not loaded; load it with 'modprobe nkstat' (or 'insmod nkstat.ko')\n");
			nl_socket_free(nl->sk);
			nl->sk = NULL;
			return NKS_EXIT_NOMOD;
		}
		fprintf(stderr, "nkstat: cannot resolve the nkstat netlink family: %s\n",
			nl_geterror(nl->family));
		goto err_free;
	}
	return NKS_EXIT_OK;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return NKS_EXIT_KERNEL;
}

void nks_nl_close(struct nks_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static struct nl_msg *nks_nl_msg(const struct nks_nl *nl, uint8_t cmd,
				 int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, NKSTAT_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int nks_nl_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nks_req *req = arg;
	struct nks_reply reply;
	int err;

	err = genlmsg_parse(nlh, 0, reply.tb, NKSTAT_A_MAX, NULL);
	if (!err) {
		reply.attrs = genlmsg_attrdata(nlmsg_data(nlh), 0);
		reply.len = genlmsg_attrlen(nlmsg_data(nlh), 0);
		err = req->fn(&reply, req->arg);
	}
	else
		err = -EBADMSG;
	if (err && !req->parse_err)
		req->parse_err = err;
	return NL_OK;
}

/* Pulls NLMSGERR_ATTR_MSG out of an extended ack, if the kernel sent one. */
static void nks_nl_extack(const struct nlmsgerr *e, struct nks_req *req)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(req->ext_msg, sizeof(req->ext_msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int nks_nl_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
			void *arg)
{
	struct nks_req *req = arg;

	(void)nla;
	if (!req->err)
		req->err = e->error;
	nks_nl_extack(e, req);
	req->done = true;
	return NL_STOP;
}

static int nks_nl_ack(struct nl_msg *msg, void *arg)
{
	struct nks_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/*
 * The end of a dump. A dump the kernel failed part-way (or refused as it
 * began) ends with a negative errno here, and maybe an extack message.
 */
static int nks_nl_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nks_req *req = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	int err;

	req->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err >= 0)
		return NL_STOP;
	if (!req->err)
		req->err = err;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < nlh->nlmsg_len &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
		       nlh->nlmsg_len - off, NULL) && tb[NLMSGERR_ATTR_MSG])
		snprintf(req->ext_msg, sizeof(req->ext_msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

/* The object a command that walks a kernel table serves; NULL for others. */
static const char *nks_nl_object(uint8_t cmd)
{
	static const char *const objects[] = {
		[NKSTAT_CMD_GET_NEIGH] = "neigh",
		[NKSTAT_CMD_GET_NEIGH_DEV] = "neigh dev",
		[NKSTAT_CMD_GET_PORTS] = "ports",
		[NKSTAT_CMD_GET_PORTS_LIST] = "ports list",
		[NKSTAT_CMD_GET_TCP] = "tcp",
		[NKSTAT_CMD_GET_TCP_ORPHANS] = "tcp orphans",
	};

	return cmd < sizeof(objects) / sizeof(objects[0]) ? objects[cmd] : NULL;
}

int nks_nl_refused(uint8_t cmd, int err, const char *ext_msg)
{
	const char *object = nks_nl_object(cmd);

	/* the family went away between resolving and asking */
	if (err == -ENOENT && !ext_msg[0]) {
		fprintf(stderr, "nkstat: the nkstat kernel module was unloaded during the request; load it again and retry\n");
		return NKS_EXIT_NOMOD;
	}
	if (err == -EPERM && object)
		fprintf(stderr, "nkstat: %s needs CAP_NET_ADMIN over this network namespace (run as root)%s%s\n",
			object, ext_msg[0] ? ": " : "", ext_msg);
	else if (ext_msg[0])
		fprintf(stderr, "nkstat: kernel refused the request: %s (%s)\n",
			ext_msg, strerror(-err));
	else
		fprintf(stderr, "nkstat: kernel refused the request: %s\n",
			strerror(-err));
	return err == -EPERM ? NKS_EXIT_PERM : NKS_EXIT_KERNEL;
}

/* Sends @msg (consumed), a request of @cmd, and calls @fn for each reply. */
static int nks_nl_request(struct nks_nl *nl, struct nl_msg *msg, uint8_t cmd,
			  nks_reply_fn fn, void *arg)
{
	struct nks_req req = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		fprintf(stderr, "nkstat: out of memory\n");
		return NKS_EXIT_KERNEL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nks_nl_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nks_nl_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nks_nl_finish, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, nks_nl_error, &req);

	/* a dump ends with NLMSG_DONE; a do with its ack */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !req.done)
		err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);

	if (req.err)
		return nks_nl_refused(cmd, req.err, req.ext_msg);
	if (err < 0) {
		fprintf(stderr, "nkstat: netlink error: %s\n", nl_geterror(err));
		return NKS_EXIT_KERNEL;
	}
	if (req.parse_err) {
		fprintf(stderr, "nkstat: malformed reply from the kernel: %s\n",
			strerror(-req.parse_err));
		return NKS_EXIT_KERNEL;
	}
	return NKS_EXIT_OK;
}

int nks_nl_cmd_attrs(struct nks_nl *nl, uint8_t cmd, int flags,
		     const struct nks_attr *attrs, int n, nks_reply_fn fn,
		     void *arg)
{
	struct nl_msg *msg = nks_nl_msg(nl, cmd, flags);
	int i, err = !msg;

	for (i = 0; !err && i < n; i++) {
		switch (attrs[i].kind) {
		case NKS_ATTR_U16:
			err = nla_put_u16(msg, attrs[i].type, attrs[i].val);
			break;
		case NKS_ATTR_U32:
			err = nla_put_u32(msg, attrs[i].type, attrs[i].val);
			break;
		case NKS_ATTR_FLAG:
			err = nla_put_flag(msg, attrs[i].type);
			break;
		}
	}
	if (err) {
		nlmsg_free(msg);
		fprintf(stderr, "nkstat: out of memory\n");
		return NKS_EXIT_KERNEL;
	}
	return nks_nl_request(nl, msg, cmd, fn, arg);
}

int nks_nl_cmd(struct nks_nl *nl, uint8_t cmd, int flags, int attr,
	       uint32_t val, nks_reply_fn fn, void *arg)
{
	struct nks_attr a = { .type = attr, .kind = NKS_ATTR_U32, .val = val };

	return nks_nl_cmd_attrs(nl, cmd, flags, &a, attr ? 1 : 0, fn, arg);
}

bool nks_attr_u64(struct nlattr *a, uint64_t *v)
{
	/* too short to be a u64: not one the module sent, so not there */
	if (!a || nla_len(a) < (int)sizeof(uint64_t))
		return false;
	*v = nla_get_u64(a);
	return true;
}

uint32_t nks_get_u32(struct nlattr *a)
{
	uint32_t v = 0;

	if (a && nla_len(a) >= (int)sizeof(v))
		memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

const char *nks_attr_str(struct nlattr *a)
{
	if (!a || nla_len(a) < 1 || !memchr(nla_data(a), '\0', nla_len(a)))
		return NULL;
	return nla_data(a);
}

const char *nks_attr_fmt(struct nlattr *a, char *buf, size_t len)
{
	if (!a || nla_len(a) < (int)sizeof(uint64_t))
		return "n/a";
	snprintf(buf, len, "%llu", (unsigned long long)nla_get_u64(a));
	return buf;
}

struct nks_query {
	nks_reply_fn info;
	void *arg;
	bool reporting[NKSTAT_GROUP_MAX + 1];
};

/* Notes which groups report on this kernel, then passes the reply on. */
static int nks_query_info(const struct nks_reply *r, void *arg)
{
	struct nlattr *a, *tb[NKSTAT_GROUP_A_MAX + 1];
	struct nks_query *q = arg;
	int rem;

	nla_for_each_attr(a, r->attrs, r->len, rem) {
		uint32_t id;

		if (nla_type(a) != NKSTAT_A_GROUP ||
		    nla_parse_nested(tb, NKSTAT_GROUP_A_MAX, a, NULL) ||
		    !tb[NKSTAT_GROUP_A_ID] || !tb[NKSTAT_GROUP_A_STATE])
			continue;
		id = nks_get_u32(tb[NKSTAT_GROUP_A_ID]);
		if (id <= NKSTAT_GROUP_MAX)
			q->reporting[id] = nks_get_u32(tb[NKSTAT_GROUP_A_STATE]) !=
					   NKSTAT_GROUP_STATE_UNAVAILABLE;
	}
	return q->info(r, q->arg);
}

int nks_query_groups(const struct nks_group_fns *fns, void *arg)
{
	struct nks_query q = { .info = fns->info, .arg = arg };
	struct nks_nl nl;
	int ret;

	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_INFO, 0, 0, 0, nks_query_info, &q);
	if (!ret && q.reporting[NKSTAT_GROUP_NEIGH])
		ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_NEIGH, 0, 0, 0, fns->neigh, arg);
	if (!ret && q.reporting[NKSTAT_GROUP_PORTS])
		ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_PORTS, 0, 0, 0, fns->ports, arg);
	if (!ret && q.reporting[NKSTAT_GROUP_TCP])
		ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_TCP, 0, 0, 0, fns->tcp, arg);
	nks_nl_close(&nl);
	return ret;
}
