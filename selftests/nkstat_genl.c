// SPDX-License-Identifier: GPL-2.0
/*
 * The nkstat generic netlink family, spoken to over a raw socket so that
 * malformed requests can be built byte by byte. Needs the module loaded,
 * and root with CAP_SYS_ADMIN (for unshare, setuid) when run;
 * scripts/vm-run provides both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <grp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nkstat.h>

#include "kselftest_harness.h"

#define NKS_BUF 65536

struct nks_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[NKS_BUF];
};

struct nks_sock {
	int fd;
	uint32_t seq;
	int family;
	/* the last request's outcome */
	int error;			/* 0 or a negative errno */
	char ext_msg[256];		/* extack message, "" if none */
	char reply[NKS_BUF];		/* the data message, if any */
	int reply_len;
};

static void nks_msg_init(struct nks_msg *m, uint16_t type, uint8_t cmd)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->genl.cmd = cmd;
	m->genl.version = 1;
}

/* Appends an attribute whose header claims @claim bytes of payload. */
static void nks_attr_raw(struct nks_msg *m, uint16_t type, const void *data,
			 int len, int claim)
{
	struct nlattr *a = (void *)((char *)m + NLMSG_ALIGN(m->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + claim;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len);
}

static void nks_attr(struct nks_msg *m, uint16_t type, const void *data, int len)
{
	nks_attr_raw(m, type, data, len, len);
}

static void nks_attr_u32(struct nks_msg *m, uint16_t type, uint32_t v)
{
	nks_attr(m, type, &v, sizeof(v));
}

static int nks_open(struct nks_sock *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	return 0;
}

/* The extack message of NLMSG_ERROR @nlh into @msg, "" if none. */
static void nks_err_extack(char *msg, size_t len, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	int off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= (int)nlh->nlmsg_len) {
		a = (void *)((char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(msg, len, "%.*s", a->nla_len - NLA_HDRLEN,
				 (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

static void nks_extack(struct nks_sock *s, struct nlmsghdr *nlh)
{
	nks_err_extack(s->ext_msg, sizeof(s->ext_msg), nlh);
}

/* Sends @m and reads until its ack; fills error, ext_msg and reply. */
static int nks_xfer(struct nks_sock *s, struct nks_msg *m)
{
	static char buf[NKS_BUF * 2];
	struct nlmsghdr *nlh;
	int len;

	m->nlh.nlmsg_seq = ++s->seq;
	s->error = 0;
	s->ext_msg[0] = 0;
	s->reply_len = 0;
	if (send(s->fd, m, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(s->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != s->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				s->error = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				nks_extack(s, nlh);
				return 0;
			}
			if (nlh->nlmsg_len <= sizeof(s->reply)) {
				memcpy(s->reply, nlh, nlh->nlmsg_len);
				s->reply_len = nlh->nlmsg_len;
			}
		}
	}
}

/* The attributes of the reply (after the genl header), for nks_next(). */
static struct nlattr *nks_reply_attrs(struct nks_sock *s, int *rem)
{
	*rem = s->reply_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (void *)(s->reply + NLMSG_LENGTH(GENL_HDRLEN));
}

static struct nlattr *nks_next(struct nlattr *a, int *rem)
{
	int step = NLA_ALIGN(a->nla_len);

	*rem -= step;
	return (void *)((char *)a + step);
}

#define nks_for_each_attr(a, head, len, rem) \
	for ((a) = (head), (rem) = (len); \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && (a)->nla_len <= (rem); \
	     (a) = nks_next((a), &(rem)))

#define nks_type(a) ((a)->nla_type & NLA_TYPE_MASK)
#define nks_data(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define nks_plen(a) ((a)->nla_len - NLA_HDRLEN)
#define nks_u32(a) (*(uint32_t *)nks_data(a))

/* Looks up a top-level attribute of the reply; NULL if absent. */
static struct nlattr *nks_find(struct nks_sock *s, int type)
{
	struct nlattr *head, *a;
	int len, rem;

	head = nks_reply_attrs(s, &len);
	nks_for_each_attr(a, head, len, rem) {
		if (nks_type(a) == type)
			return a;
	}
	return NULL;
}

static struct nlattr *nks_find_nested(struct nlattr *nest, int type)
{
	struct nlattr *a;
	int rem;

	nks_for_each_attr(a, (struct nlattr *)nks_data(nest), nks_plen(nest), rem) {
		if (nks_type(a) == type)
			return a;
	}
	return NULL;
}

/*
 * The NKSTAT_GROUP_A_UNAVAILABLE nests of group @grp if each names its
 * counter and a reason (both non-empty), else -1.
 */
static int nks_unavail_ok(struct nlattr *grp)
{
	struct nlattr *a, *counter, *reason;
	int rem, n = 0;

	nks_for_each_attr(a, (struct nlattr *)nks_data(grp), nks_plen(grp), rem) {
		if (nks_type(a) != NKSTAT_GROUP_A_UNAVAILABLE)
			continue;
		counter = nks_find_nested(a, NKSTAT_UNAVAIL_A_COUNTER);
		reason = nks_find_nested(a, NKSTAT_UNAVAIL_A_REASON);
		if (!counter || !reason || !strlen(nks_data(counter)) ||
		    !strlen(nks_data(reason)))
			return -1;
		n++;
	}
	return n;
}

static int nks_resolve(struct nks_sock *s)
{
	struct nks_msg m;
	struct nlattr *a;

	nks_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	nks_attr(&m, CTRL_ATTR_FAMILY_NAME, NKSTAT_GENL_NAME,
		 sizeof(NKSTAT_GENL_NAME));
	if (nks_xfer(s, &m) || s->error)
		return s->error ? s->error : -EIO;
	a = nks_find(s, CTRL_ATTR_FAMILY_ID);
	if (!a)
		return -ENOENT;
	s->family = *(uint16_t *)nks_data(a);
	return 0;
}

FIXTURE(genl) {
	struct nks_sock s;
	struct nks_msg m;
};

FIXTURE_SETUP(genl)
{
	ASSERT_EQ(0, nks_open(&self->s));
	ASSERT_EQ(0, nks_resolve(&self->s)) {
		TH_LOG("family %s does not resolve: is the module loaded?",
		       NKSTAT_GENL_NAME);
	}
	nks_msg_init(&self->m, self->s.family, NKSTAT_CMD_GET_INFO);
}

FIXTURE_TEARDOWN(genl)
{
	close(self->s.fd);
}

/* Sends the fixture's message and expects @err with an extack message. */
#define EXPECT_REFUSED(err, msg_part) do { \
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m)); \
	EXPECT_EQ(err, self->s.error); \
	EXPECT_NE(NULL, strstr(self->s.ext_msg, msg_part)) { \
		TH_LOG("extack: '%s', want '%s'", self->s.ext_msg, msg_part); \
	} \
	EXPECT_EQ(0, self->s.reply_len); \
} while (0)

TEST_F(genl, family_resolves_with_ops)
{
	struct nlattr *ops, *op, *id, *flags;
	struct nks_msg m;
	int rem, found = 0;

	nks_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	nks_attr(&m, CTRL_ATTR_FAMILY_NAME, NKSTAT_GENL_NAME,
		 sizeof(NKSTAT_GENL_NAME));
	ASSERT_EQ(0, nks_xfer(&self->s, &m));
	ASSERT_EQ(0, self->s.error);
	EXPECT_GE(self->s.family, GENL_MIN_ID);
	ASSERT_NE(NULL, nks_find(&self->s, CTRL_ATTR_VERSION));
	EXPECT_EQ(NKSTAT_GENL_VERSION, nks_u32(nks_find(&self->s, CTRL_ATTR_VERSION)));
	ops = nks_find(&self->s, CTRL_ATTR_OPS);
	ASSERT_NE(NULL, ops);
	nks_for_each_attr(op, (struct nlattr *)nks_data(ops), nks_plen(ops), rem) {
		id = nks_find_nested(op, CTRL_ATTR_OP_ID);
		flags = nks_find_nested(op, CTRL_ATTR_OP_FLAGS);
		ASSERT_NE(NULL, id);
		ASSERT_NE(NULL, flags);
		if (nks_u32(id) != NKSTAT_CMD_GET_INFO)
			continue;
		found++;
		EXPECT_TRUE(nks_u32(flags) & GENL_CMD_CAP_DO);
		EXPECT_FALSE(nks_u32(flags) & GENL_CMD_CAP_DUMP);
		EXPECT_TRUE(nks_u32(flags) & GENL_CMD_CAP_HASPOL);
		/* no privilege needed to read the module's state */
		EXPECT_FALSE(nks_u32(flags) & GENL_ADMIN_PERM);
	}
	EXPECT_EQ(1, found);
}

TEST_F(genl, get_info_version_and_groups)
{
	static const char *const names[] = {
		[NKSTAT_GROUP_NEIGH] = "neigh",
		[NKSTAT_GROUP_PORTS] = "ports",
		[NKSTAT_GROUP_TCP] = "tcp",
	};
	struct nlattr *head, *a, *id, *name, *state, *reason;
	struct utsname u;
	int len, rem, seen = 0;

	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	ASSERT_EQ(0, self->s.error);
	ASSERT_NE(0, self->s.reply_len);

	a = nks_find(&self->s, NKSTAT_A_MODULE_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(NKSTAT_VERSION, (char *)nks_data(a));
	a = nks_find(&self->s, NKSTAT_A_KERNEL_RELEASE);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(u.release, (char *)nks_data(a));
	a = nks_find(&self->s, NKSTAT_A_NETNS_REQUESTS);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(8, nks_plen(a));

	head = nks_reply_attrs(&self->s, &len);
	nks_for_each_attr(a, head, len, rem) {
		if (nks_type(a) != NKSTAT_A_GROUP)
			continue;
		EXPECT_TRUE(a->nla_type & NLA_F_NESTED);
		id = nks_find_nested(a, NKSTAT_GROUP_A_ID);
		name = nks_find_nested(a, NKSTAT_GROUP_A_NAME);
		state = nks_find_nested(a, NKSTAT_GROUP_A_STATE);
		reason = nks_find_nested(a, NKSTAT_GROUP_A_REASON);
		ASSERT_NE(NULL, id);
		ASSERT_NE(NULL, name);
		ASSERT_NE(NULL, state);
		ASSERT_GE(nks_u32(id), 1);
		ASSERT_LE(nks_u32(id), NKSTAT_GROUP_MAX);
		/* each group once, in id order */
		EXPECT_EQ(seen + 1, nks_u32(id));
		seen++;
		EXPECT_STREQ(names[nks_u32(id)], (char *)nks_data(name));
		ASSERT_GE(nks_u32(state), NKSTAT_GROUP_STATE_ACTIVE);
		ASSERT_LE(nks_u32(state), NKSTAT_GROUP_STATE_MAX);
		/*
		 * An unavailable group says why; a partial one names each
		 * counter it lacks, with a reason; an active one lacks none.
		 */
		if (nks_u32(state) == NKSTAT_GROUP_STATE_UNAVAILABLE) {
			ASSERT_NE(NULL, reason);
			EXPECT_GT(strlen(nks_data(reason)), 0);
		} else {
			EXPECT_EQ(NULL, reason);
			EXPECT_EQ(nks_u32(state) == NKSTAT_GROUP_STATE_PARTIAL,
				  nks_unavail_ok(a) > 0);
		}
	}
	EXPECT_EQ(NKSTAT_GROUP_MAX, seen);
}

TEST_F(genl, get_info_one_group)
{
	struct nlattr *head, *a;
	int len, rem, groups = 0;

	nks_attr_u32(&self->m, NKSTAT_A_GROUP_ID, NKSTAT_GROUP_PORTS);
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	ASSERT_EQ(0, self->s.error);
	head = nks_reply_attrs(&self->s, &len);
	nks_for_each_attr(a, head, len, rem) {
		if (nks_type(a) != NKSTAT_A_GROUP)
			continue;
		groups++;
		EXPECT_EQ(NKSTAT_GROUP_PORTS,
			  nks_u32(nks_find_nested(a, NKSTAT_GROUP_A_ID)));
	}
	EXPECT_EQ(1, groups);
}

TEST_F(genl, unknown_group_id)
{
	nks_attr_u32(&self->m, NKSTAT_A_GROUP_ID, NKSTAT_GROUP_MAX + 1);
	EXPECT_REFUSED(-EINVAL, "unknown counter group");
}

TEST_F(genl, group_id_zero)
{
	nks_attr_u32(&self->m, NKSTAT_A_GROUP_ID, NKSTAT_GROUP_UNSPEC);
	EXPECT_REFUSED(-EINVAL, "unknown counter group");
}

TEST_F(genl, unknown_attribute)
{
	nks_attr_u32(&self->m, NKSTAT_A_MAX + 1, 1);
	EXPECT_REFUSED(-EINVAL, "Unknown attribute type");
}

/* An attribute the family knows but GET_INFO does not take. */
TEST_F(genl, attribute_not_taken)
{
	nks_attr(&self->m, NKSTAT_A_MODULE_VERSION, "0.0.0", 6);
	EXPECT_REFUSED(-EINVAL, "Unsupported attribute");
}

TEST_F(genl, wrong_type_u8)
{
	uint8_t v = NKSTAT_GROUP_NEIGH;

	nks_attr(&self->m, NKSTAT_A_GROUP_ID, &v, sizeof(v));
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

TEST_F(genl, wrong_type_u64)
{
	uint64_t v = NKSTAT_GROUP_NEIGH;

	nks_attr(&self->m, NKSTAT_A_GROUP_ID, &v, sizeof(v));
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

TEST_F(genl, wrong_type_string)
{
	nks_attr(&self->m, NKSTAT_A_GROUP_ID, "neigh", 6);
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

/* 60 KiB where a u32 belongs. */
TEST_F(genl, oversized_attribute)
{
	static char big[60 * 1024];

	memset(big, 0xa5, sizeof(big));
	nks_attr(&self->m, NKSTAT_A_GROUP_ID, big, sizeof(big));
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

/* An attribute header claiming more bytes than the message holds. */
TEST_F(genl, truncated_attribute)
{
	uint32_t v = NKSTAT_GROUP_NEIGH;

	nks_attr_raw(&self->m, NKSTAT_A_GROUP_ID, &v, sizeof(v), 64);
	EXPECT_REFUSED(-EINVAL, "bytes leftover after parsing attributes");
}

TEST_F(genl, reserved_header_byte)
{
	self->m.genl.reserved = 1;
	EXPECT_REFUSED(-EINVAL, "genlmsghdr.reserved field is not 0");
}

/* The genetlink core refuses these itself; it attaches no extack message. */
TEST_F(genl, unknown_command)
{
	self->m.genl.cmd = NKSTAT_CMD_MAX + 1;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
	EXPECT_EQ(0, self->s.reply_len);

	self->m.genl.cmd = 255;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

TEST_F(genl, get_info_has_no_dump)
{
	self->m.nlh.nlmsg_flags |= NLM_F_DUMP;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

/* GET_NEIGH: both tables, and bad input refused with a reason. */
static int nks_neigh_tables(struct nks_sock *s, bool *hidden, bool *entries)
{
	struct nlattr *head, *a, *t;
	int len, rem, mask = 0;

	*hidden = *entries = false;
	head = nks_reply_attrs(s, &len);
	nks_for_each_attr(a, head, len, rem) {
		if (nks_type(a) != NKSTAT_A_NEIGH)
			continue;
		t = nks_find_nested(a, NKSTAT_NEIGH_A_TABLE);
		if (t)
			mask |= 1 << nks_u32(t);
		*hidden |= !!nks_find_nested(a, NKSTAT_NEIGH_A_TABLE_HIDDEN);
		*entries |= !!nks_find_nested(a, NKSTAT_NEIGH_A_ENTRIES);
		if (!nks_find_nested(a, NKSTAT_NEIGH_A_NUD))
			return -1;
	}
	return mask;
}

TEST_F(genl, neigh_both_tables)
{
	bool hidden, entries;

	self->m.genl.cmd = NKSTAT_CMD_GET_NEIGH;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	ASSERT_EQ(0, self->s.error);
	EXPECT_EQ((1 << NKSTAT_NEIGH_TABLE_ARP) | (1 << NKSTAT_NEIGH_TABLE_NDISC),
		  nks_neigh_tables(&self->s, &hidden, &entries));
	EXPECT_FALSE(hidden);
	EXPECT_TRUE(entries);
}

TEST_F(genl, neigh_one_table)
{
	bool hidden, entries;

	self->m.genl.cmd = NKSTAT_CMD_GET_NEIGH;
	nks_attr_u32(&self->m, NKSTAT_A_NEIGH_TABLE, NKSTAT_NEIGH_TABLE_NDISC);
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	ASSERT_EQ(0, self->s.error);
	EXPECT_EQ(1 << NKSTAT_NEIGH_TABLE_NDISC,
		  nks_neigh_tables(&self->s, &hidden, &entries));
}

TEST_F(genl, neigh_unknown_table)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_NEIGH;
	nks_attr_u32(&self->m, NKSTAT_A_NEIGH_TABLE, NKSTAT_NEIGH_TABLE_MAX + 1);
	EXPECT_REFUSED(-EINVAL, "unknown neighbour table");

	nks_msg_init(&self->m, self->s.family, NKSTAT_CMD_GET_NEIGH);
	nks_attr_u32(&self->m, NKSTAT_A_NEIGH_TABLE, NKSTAT_NEIGH_TABLE_UNSPEC);
	EXPECT_REFUSED(-EINVAL, "unknown neighbour table");
}

TEST_F(genl, neigh_wrong_type)
{
	uint8_t v = NKSTAT_NEIGH_TABLE_ARP;

	self->m.genl.cmd = NKSTAT_CMD_GET_NEIGH;
	nks_attr(&self->m, NKSTAT_A_NEIGH_TABLE, &v, sizeof(v));
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

/* GET_INFO's group filter means nothing to GET_NEIGH. */
TEST_F(genl, neigh_attribute_not_taken)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_NEIGH;
	nks_attr_u32(&self->m, NKSTAT_A_GROUP_ID, NKSTAT_GROUP_NEIGH);
	EXPECT_REFUSED(-EINVAL, "Unsupported attribute");
}

TEST_F(genl, neigh_dev_takes_no_attributes)
{
	nks_msg_init(&self->m, self->s.family, NKSTAT_CMD_GET_NEIGH_DEV);
	self->m.nlh.nlmsg_flags |= NLM_F_DUMP;
	nks_attr_u32(&self->m, NKSTAT_A_NEIGH_TABLE, NKSTAT_NEIGH_TABLE_ARP);
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EINVAL, self->s.error);
	EXPECT_NE(0, strlen(self->s.ext_msg));
}

TEST_F(genl, neigh_dev_is_dump_only)
{
	nks_msg_init(&self->m, self->s.family, NKSTAT_CMD_GET_NEIGH_DEV);
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

/*
 * A caller with CAP_NET_ADMIN only in its own user namespace gets its
 * netns's counts, and the table-wide values are withheld and flagged.
 */
TEST(neigh_unprivileged_hidden)
{
	bool hidden, entries;
	struct nks_sock s;
	struct nks_msg m;

	ASSERT_EQ(0, unshare(CLONE_NEWUSER | CLONE_NEWNET));
	ASSERT_EQ(0, nks_open(&s));
	ASSERT_EQ(0, nks_resolve(&s));
	nks_msg_init(&m, s.family, NKSTAT_CMD_GET_NEIGH);
	ASSERT_EQ(0, nks_xfer(&s, &m));
	ASSERT_EQ(0, s.error);
	EXPECT_EQ((1 << NKSTAT_NEIGH_TABLE_ARP) | (1 << NKSTAT_NEIGH_TABLE_NDISC),
		  nks_neigh_tables(&s, &hidden, &entries));
	EXPECT_TRUE(hidden);
	EXPECT_FALSE(entries);
	close(s.fd);
}

static uint64_t nks_requests(struct __test_metadata *_metadata,
			     struct nks_sock *s, struct nks_msg *m)
{
	struct nlattr *a;

	ASSERT_EQ(0, nks_xfer(s, m));
	ASSERT_EQ(0, s->error);
	a = nks_find(s, NKSTAT_A_NETNS_REQUESTS);
	ASSERT_NE(NULL, a);
	return *(uint64_t *)nks_data(a);
}

/*
 * The family answers in a new netns (netnsok), and per-netns state is
 * separate: requests made there are not counted here, and vice versa.
 */
TEST(netns_separate_state)
{
	struct nks_sock host, child;
	struct nks_msg hm, cm;
	uint64_t before;
	int i;

	ASSERT_EQ(0, nks_open(&host));
	ASSERT_EQ(0, nks_resolve(&host));
	nks_msg_init(&hm, host.family, NKSTAT_CMD_GET_INFO);
	before = nks_requests(_metadata, &host, &hm);

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nks_open(&child));
	ASSERT_EQ(0, nks_resolve(&child));
	EXPECT_EQ(host.family, child.family);
	nks_msg_init(&cm, child.family, NKSTAT_CMD_GET_INFO);
	for (i = 1; i <= 5; i++)
		EXPECT_EQ(i, nks_requests(_metadata, &child, &cm));

	/* the host socket still talks to the initial netns */
	EXPECT_EQ(before + 1, nks_requests(_metadata, &host, &hm));
	close(child.fd);
	close(host.fd);
}

TEST_F(genl, ports_takes_no_attributes)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_PORTS;
	nks_attr_u32(&self->m, NKSTAT_A_PORT_MIN_OWNERS, 1);
	/* 6.1: "Unknown attribute type", 6.12: "Unsupported attribute" */
	EXPECT_REFUSED(-EINVAL, "attribute");
}

static void nks_attr_u16(struct nks_msg *m, uint16_t type, uint16_t v)
{
	nks_attr(m, type, &v, sizeof(v));
}

static void nks_ports_list_init(struct nks_msg *m, int family)
{
	nks_msg_init(m, family, NKSTAT_CMD_GET_PORTS_LIST);
	m->nlh.nlmsg_flags |= NLM_F_DUMP;
}

TEST_F(genl, ports_list_wrong_type)
{
	nks_ports_list_init(&self->m, self->s.family);
	nks_attr_u32(&self->m, NKSTAT_A_PORT_MIN, 1000);
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");

	nks_ports_list_init(&self->m, self->s.family);
	nks_attr_u16(&self->m, NKSTAT_A_PORT_MIN_OWNERS, 2);
	EXPECT_REFUSED(-EINVAL, "invalid attribute length");
}

TEST_F(genl, ports_list_attribute_not_taken)
{
	nks_ports_list_init(&self->m, self->s.family);
	nks_attr_u32(&self->m, NKSTAT_A_NEIGH_TABLE, NKSTAT_NEIGH_TABLE_ARP);
	EXPECT_REFUSED(-EINVAL, "Unsupported attribute");
}

TEST_F(genl, ports_list_is_dump_only)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_PORTS_LIST;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

/* What a dump returned; the rows are GET_PORTS_LIST's, if any. */
struct nks_dump {
	int error;			/* from NLMSG_DONE or NLMSG_ERROR */
	char ext_msg[256];
	int recvs;			/* recv() calls that returned data */
	int msgs;
	int rows;
	uint8_t seen[65536];		/* rows per port */
	uint32_t owners[65536];		/* owners of the port's last row */
};

static void nks_done_extack(char *msg, size_t len, struct nlmsghdr *nlh)
{
	int off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	struct nlattr *a;

	msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= (int)nlh->nlmsg_len) {
		a = (void *)((char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(msg, len, "%.*s", a->nla_len - NLA_HDRLEN,
				 (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Runs the dump in @m on @s, reading @bufsize bytes at a time (0: 128 KiB),
 * and tallies its rows. Each recv() returns one skb of the dump, so
 * @recvs - 1 is how often the dump resumed.
 */
static int nks_ports_dump(struct nks_sock *s, struct nks_msg *m,
			  struct nks_dump *d, size_t bufsize)
{
	static char buf[NKS_BUF * 2];
	struct nlattr *a, *port, *owners;
	struct nlmsghdr *nlh;
	int len, rem;

	memset(d, 0, sizeof(*d));
	m->nlh.nlmsg_seq = ++s->seq;
	if (send(s->fd, m, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(s->fd, buf, bufsize ?: sizeof(buf), 0);
		if (len < 0)
			return -errno;
		d->recvs++;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != s->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* a failed dump: the errno, then extack TLVs */
				d->error = *(int *)NLMSG_DATA(nlh);
				nks_done_extack(d->ext_msg, sizeof(d->ext_msg), nlh);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				/* refused before the dump began */
				d->error = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				if (d->error) {
					nks_err_extack(d->ext_msg, sizeof(d->ext_msg), nlh);
					return 0;
				}
				continue;
			}
			d->msgs++;
			nks_for_each_attr(a, (struct nlattr *)((char *)nlh +
							      NLMSG_LENGTH(GENL_HDRLEN)),
					  (int)(nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)),
					  rem) {
				if (nks_type(a) != NKSTAT_A_PORT)
					continue;
				port = nks_find_nested(a, NKSTAT_PORT_A_PORT);
				owners = nks_find_nested(a, NKSTAT_PORT_A_OWNERS);
				if (!port || !owners || nks_u32(port) > 65535)
					return -EBADMSG;
				d->rows++;
				d->seen[nks_u32(port)]++;
				d->owners[nks_u32(port)] = nks_u32(owners);
			}
		}
	}
}

/* The range is checked as the dump begins: the error ends the dump. */
TEST_F(genl, ports_list_inverted_range)
{
	static struct nks_dump d;

	nks_ports_list_init(&self->m, self->s.family);
	nks_attr_u16(&self->m, NKSTAT_A_PORT_MIN, 2000);
	nks_attr_u16(&self->m, NKSTAT_A_PORT_MAX, 1000);
	ASSERT_EQ(0, nks_ports_dump(&self->s, &self->m, &d, 0));
	EXPECT_EQ(-EINVAL, d.error);
	EXPECT_EQ(0, d.rows);
	EXPECT_NE(NULL, strstr(d.ext_msg, "port range is inverted")) {
		TH_LOG("extack: '%s'", d.ext_msg);
	}

	/* equal ends are one port */
	nks_ports_list_init(&self->m, self->s.family);
	nks_attr_u16(&self->m, NKSTAT_A_PORT_MIN, 2000);
	nks_attr_u16(&self->m, NKSTAT_A_PORT_MAX, 2000);
	ASSERT_EQ(0, nks_ports_dump(&self->s, &self->m, &d, 0));
	EXPECT_EQ(0, d.error);
}

TEST_F(genl, tcp_takes_no_attributes)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_TCP;
	nks_attr(&self->m, NKSTAT_A_ORPHAN_ZERO_WINDOW, "", 0);
	/* 6.1: "Unknown attribute type", 6.12: "Unsupported attribute" */
	EXPECT_REFUSED(-EINVAL, "attribute");
}

TEST_F(genl, tcp_is_do_only)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_TCP;
	self->m.nlh.nlmsg_flags |= NLM_F_DUMP;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

static void nks_tcp_orphans_init(struct nks_msg *m, int family)
{
	nks_msg_init(m, family, NKSTAT_CMD_GET_TCP_ORPHANS);
	m->nlh.nlmsg_flags |= NLM_F_DUMP;
}

/* A flag carries no payload. */
TEST_F(genl, tcp_orphans_flag_with_payload)
{
	nks_tcp_orphans_init(&self->m, self->s.family);
	nks_attr_u32(&self->m, NKSTAT_A_ORPHAN_ZERO_WINDOW, 1);
	/* the policy layer's errno for a malformed attribute */
	EXPECT_REFUSED(-ERANGE, "failed policy validation");
}

TEST_F(genl, tcp_orphans_attribute_not_taken)
{
	nks_tcp_orphans_init(&self->m, self->s.family);
	nks_attr(&self->m, NKSTAT_A_PORT_EPHEMERAL, "", 0);
	EXPECT_REFUSED(-EINVAL, "Unsupported attribute");
}

TEST_F(genl, tcp_orphans_is_dump_only)
{
	self->m.genl.cmd = NKSTAT_CMD_GET_TCP_ORPHANS;
	ASSERT_EQ(0, nks_xfer(&self->s, &self->m));
	EXPECT_EQ(-EOPNOTSUPP, self->s.error);
}

#define NKS_PORTS_FIRST 20000
#define NKS_PORTS_COUNT 20000

/*
 * A fixture with nothing to set up, for the timeout: binding, dumping and
 * closing 20,000 sockets took longer than the harness's default 30 s in a
 * debug kernel's guest.
 */
FIXTURE(ports20k) {
};

FIXTURE_SETUP(ports20k)
{
}

FIXTURE_TEARDOWN(ports20k)
{
}

/*
 * 20,000 ports bound in a new netns, read back through the smallest
 * receive buffer the kernel allows: the dump resumes hundreds of times
 * and returns every port exactly once. The filters select exactly the
 * ports they name.
 */
TEST_F_TIMEOUT(ports20k, list_tiny_rcvbuf, 300)
{
	struct rlimit rl = { NKS_PORTS_COUNT + 100, NKS_PORTS_COUNT + 100 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static struct nks_dump d;
	int i, fd, one = 1, tiny = 1;
	struct nks_sock s, t;
	struct nks_msg m;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < NKS_PORTS_COUNT; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, fd);
		sa.sin_port = htons(NKS_PORTS_FIRST + i);
		ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	}
	/* one port with two owners: both allow SO_REUSEADDR, neither listens */
	for (i = 0; i < 2; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
		sa.sin_port = htons(50000);
		ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	}

	ASSERT_EQ(0, nks_open(&s));
	ASSERT_EQ(0, nks_resolve(&s));
	/*
	 * A socket that never reads more than 4 KiB gets dump skbs of
	 * NLMSG_GOODSIZE, one per read, and holds one at a time.
	 */
	ASSERT_EQ(0, nks_open(&t));
	ASSERT_EQ(0, setsockopt(t.fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)));
	t.family = s.family;

	nks_ports_list_init(&m, t.family);
	ASSERT_EQ(0, nks_ports_dump(&t, &m, &d, 4096));
	ASSERT_EQ(0, d.error);
	EXPECT_EQ(NKS_PORTS_COUNT + 1, d.rows);
	for (i = 0; i < 65536; i++) {
		int want = (i >= NKS_PORTS_FIRST && i < NKS_PORTS_FIRST + NKS_PORTS_COUNT) ||
			   i == 50000;

		ASSERT_EQ(want, d.seen[i]) {
			TH_LOG("port %d seen %d times", i, d.seen[i]);
		}
	}
	EXPECT_EQ(2, d.owners[50000]);
	EXPECT_LT(200, d.recvs) {
		TH_LOG("the dump took only %d reads: it did not resume", d.recvs);
	}
	TH_LOG("%d rows in %d messages, %d reads", d.rows, d.msgs, d.recvs);

	nks_ports_list_init(&m, s.family);
	nks_attr_u16(&m, NKSTAT_A_PORT_MIN, 25000);
	nks_attr_u16(&m, NKSTAT_A_PORT_MAX, 25099);
	ASSERT_EQ(0, nks_ports_dump(&s, &m, &d, 0));
	EXPECT_EQ(100, d.rows);
	EXPECT_EQ(1, d.seen[25000]);
	EXPECT_EQ(1, d.seen[25099]);

	nks_ports_list_init(&m, s.family);
	nks_attr_u32(&m, NKSTAT_A_PORT_MIN_OWNERS, 2);
	ASSERT_EQ(0, nks_ports_dump(&s, &m, &d, 0));
	EXPECT_EQ(1, d.rows);
	EXPECT_EQ(1, d.seen[50000]);

	/* the ephemeral range is this netns's own */
	fd = open("/proc/sys/net/ipv4/ip_local_port_range", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, write(fd, "30000 30999", 11));
	close(fd);
	nks_ports_list_init(&m, s.family);
	nks_attr(&m, NKSTAT_A_PORT_EPHEMERAL, "", 0);
	ASSERT_EQ(0, nks_ports_dump(&s, &m, &d, 0));
	EXPECT_EQ(1000, d.rows);
	EXPECT_EQ(1, d.seen[30000]);
	EXPECT_EQ(1, d.seen[30999]);
	close(t.fd);
	close(s.fd);
}

/*
 * Drops to uid and gid 65534 with no supplementary groups. Without
 * SECBIT_KEEP_CAPS the kernel then clears every capability, and with
 * no_new_privs no exec can gain one back.
 */
static int nks_drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}

/* This process's effective capabilities, from /proc; ~0 if unknown. */
static unsigned long long nks_cap_eff(void)
{
	unsigned long long v = ~0ULL;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return v;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

/* The outcome of one request of a walking command. */
struct nks_walk {
	int error;
	char ext_msg[256];
	int data_msgs;		/* replies or dump messages with data */
};

/*
 * Sends command @cmd, a dump if @dump, on @s. A refused dump says so in
 * NLMSG_DONE (the first dumpit call failed) or, refused before it began,
 * in NLMSG_ERROR: both are read.
 */
static int nks_walk(struct nks_sock *s, uint8_t cmd, bool dump,
		    struct nks_walk *w)
{
	static struct nks_dump d;
	struct nks_msg m;
	int err;

	memset(w, 0, sizeof(*w));
	nks_msg_init(&m, s->family, cmd);
	if (dump) {
		m.nlh.nlmsg_flags |= NLM_F_DUMP;
		err = nks_ports_dump(s, &m, &d, 0);
		w->error = d.error;
		memcpy(w->ext_msg, d.ext_msg, sizeof(w->ext_msg));
		w->data_msgs = d.msgs;
	} else {
		err = nks_xfer(s, &m);
		w->error = s->error;
		memcpy(w->ext_msg, s->ext_msg, sizeof(w->ext_msg));
		w->data_msgs = !!s->reply_len;
	}
	return err;
}

#define EXPECT_WALK_REFUSED(w) do { \
	EXPECT_EQ(-EPERM, (w).error); \
	EXPECT_NE(NULL, strstr((w).ext_msg, "CAP_NET_ADMIN")) { \
		TH_LOG("extack: '%s'", (w).ext_msg); \
	} \
	EXPECT_EQ(0, (w).data_msgs); \
} while (0)

/*
 * Every command that walks a kernel table, asked by uid 65534 with no
 * capability (each test runs in a child process of its own): -EPERM,
 * with an extack message naming CAP_NET_ADMIN, and no data. GET_INFO is
 * still answered on the same socket.
 */
FIXTURE(unpriv) {
	struct nks_sock s;
};

FIXTURE_VARIANT(unpriv) {
	uint8_t cmd;
	bool dump;
};

FIXTURE_VARIANT_ADD(unpriv, get_neigh) { .cmd = NKSTAT_CMD_GET_NEIGH };
FIXTURE_VARIANT_ADD(unpriv, get_neigh_dev) { .cmd = NKSTAT_CMD_GET_NEIGH_DEV, .dump = true };
FIXTURE_VARIANT_ADD(unpriv, get_ports) { .cmd = NKSTAT_CMD_GET_PORTS };
FIXTURE_VARIANT_ADD(unpriv, get_ports_list) { .cmd = NKSTAT_CMD_GET_PORTS_LIST, .dump = true };
FIXTURE_VARIANT_ADD(unpriv, get_tcp) { .cmd = NKSTAT_CMD_GET_TCP };
FIXTURE_VARIANT_ADD(unpriv, get_tcp_orphans) { .cmd = NKSTAT_CMD_GET_TCP_ORPHANS, .dump = true };

FIXTURE_SETUP(unpriv)
{
	ASSERT_EQ(0, nks_drop_to_nobody());
	ASSERT_EQ(65534, getuid());
	ASSERT_EQ(0, nks_cap_eff());
	ASSERT_EQ(0, nks_open(&self->s));
	ASSERT_EQ(0, nks_resolve(&self->s));
}

FIXTURE_TEARDOWN(unpriv)
{
	close(self->s.fd);
}

TEST_F(unpriv, walk_refused)
{
	struct nks_walk w;

	ASSERT_EQ(0, nks_walk(&self->s, variant->cmd, variant->dump, &w));
	EXPECT_WALK_REFUSED(w);

	ASSERT_EQ(0, nks_walk(&self->s, NKSTAT_CMD_GET_INFO, false, &w));
	EXPECT_EQ(0, w.error);
	EXPECT_EQ(1, w.data_msgs);
}

/*
 * CAP_NET_ADMIN in a user namespace of one's own is not CAP_NET_ADMIN
 * over the initial netns, which the initial user namespace owns.
 */
TEST(walk_refused_userns_root_initial_netns)
{
	struct nks_sock s;
	struct nks_walk w;

	ASSERT_EQ(0, unshare(CLONE_NEWUSER));
	ASSERT_EQ(0, nks_open(&s));
	ASSERT_EQ(0, nks_resolve(&s));
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_PORTS, false, &w));
	EXPECT_WALK_REFUSED(w);
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_TCP_ORPHANS, true, &w));
	EXPECT_WALK_REFUSED(w);
	close(s.fd);
}

/* A socket root opened, used after root dropped its capabilities. */
TEST(walk_refused_after_dropping_caps)
{
	struct nks_sock s;
	struct nks_walk w;

	ASSERT_EQ(0, nks_open(&s));
	ASSERT_EQ(0, nks_resolve(&s));
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_TCP, false, &w));
	EXPECT_EQ(0, w.error);
	ASSERT_EQ(0, nks_drop_to_nobody());
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_TCP, false, &w));
	EXPECT_WALK_REFUSED(w);
	close(s.fd);
}

/*
 * A socket uid 65534 opened and handed to root (a confused deputy): the
 * opener's credentials count too, as netlink_ns_capable() checks them.
 */
TEST(walk_refused_socket_opened_unprivileged)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	struct nks_sock s;
	struct nks_walk w;
	int sp[2], status;
	char byte;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (nks_drop_to_nobody() || nks_open(&s))
			_exit(1);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &s.fd, sizeof(int));
		_exit(sendmsg(sp[1], &mh, 0) == 1 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	iov.iov_base = &byte;
	ASSERT_EQ(1, recvmsg(sp[0], &mh, 0));
	cm = CMSG_FIRSTHDR(&mh);
	ASSERT_NE(NULL, cm);
	ASSERT_EQ(SCM_RIGHTS, cm->cmsg_type);
	memset(&s, 0, sizeof(s));
	memcpy(&s.fd, CMSG_DATA(cm), sizeof(int));
	ASSERT_EQ(0, geteuid());
	ASSERT_EQ(0, nks_resolve(&s));
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_NEIGH, false, &w));
	EXPECT_WALK_REFUSED(w);
	ASSERT_EQ(0, nks_walk(&s, NKSTAT_CMD_GET_PORTS_LIST, true, &w));
	EXPECT_WALK_REFUSED(w);
	close(s.fd);
	close(sp[0]);
	close(sp[1]);
}

TEST_HARNESS_MAIN
