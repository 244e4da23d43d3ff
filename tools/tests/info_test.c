// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the GET_INFO reply printer. Replies are built with libnl
 * exactly as the kernel lays them out, then fed to the same code path the
 * tool uses. They check that attributes the tool does not know are
 * skipped and that missing ones print as n/a (text) or null (JSON).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "../nkstat.h"
#include "kselftest_harness.h"

#define NKS_TEST_FAMILY 0x42
#define NKS_A_FUTURE (NKSTAT_A_MAX + 7)		/* from a newer module */
#define NKS_GROUP_A_FUTURE (NKSTAT_GROUP_A_MAX + 3)

struct nks_test_reply {
	struct nl_msg *msg;
	struct nks_reply reply;
};

static struct nl_msg *nks_test_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg)
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, NKS_TEST_FAMILY, 0, 0,
			    NKSTAT_CMD_GET_INFO, NKSTAT_GENL_VERSION);
	return msg;
}

static void nks_test_group(struct nl_msg *msg, uint32_t id, const char *name,
			   uint32_t state, const char *reason, bool future)
{
	struct nlattr *grp = nla_nest_start(msg, NKSTAT_A_GROUP);

	nla_put_u32(msg, NKSTAT_GROUP_A_ID, id);
	nla_put_string(msg, NKSTAT_GROUP_A_NAME, name);
	nla_put_u32(msg, NKSTAT_GROUP_A_STATE, state);
	if (reason)
		nla_put_string(msg, NKSTAT_GROUP_A_REASON, reason);
	if (future)
		nla_put_u64(msg, NKS_GROUP_A_FUTURE, 12345);
	nla_nest_end(msg, grp);
}

static void nks_test_parse(struct nks_test_reply *t)
{
	struct nlmsghdr *nlh = nlmsg_hdr(t->msg);

	memset(&t->reply, 0, sizeof(t->reply));
	if (genlmsg_parse(nlh, 0, t->reply.tb, NKSTAT_A_MAX, NULL))
		abort();
	t->reply.attrs = genlmsg_attrdata(nlmsg_data(nlh), 0);
	t->reply.len = genlmsg_attrlen(nlmsg_data(nlh), 0);
}

/* Runs @print with stdout sent to a buffer; the caller frees it. */
static char *nks_test_print_with(struct nks_test_reply *t, bool json,
				 nks_reply_fn print)
{
	struct nks_opts opts = { .json = json };
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf;
	long len;

	if (!tmp || saved < 0)
		abort();
	nks_test_parse(t);
	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	print(&t->reply, &opts);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	len = ftell(tmp);
	buf = calloc(1, len + 1);
	rewind(tmp);
	if (!buf || fread(buf, 1, len, tmp) != (size_t)len)
		abort();
	fclose(tmp);
	return buf;
}

static char *nks_test_print(struct nks_test_reply *t, bool json)
{
	return nks_test_print_with(t, json, nks_info_print);
}

FIXTURE(reply) {
	struct nks_test_reply t;
};

FIXTURE_SETUP(reply)
{
	self->t.msg = nks_test_msg();
	ASSERT_NE(NULL, self->t.msg);
}

FIXTURE_TEARDOWN(reply)
{
	nlmsg_free(self->t.msg);
}

TEST_F(reply, full_json)
{
	struct nl_msg *msg = self->t.msg;
	struct nlattr *grp, *hook, *un;
	char *out;

	nla_put_string(msg, NKSTAT_A_MODULE_VERSION, "0.1.0");
	nla_put_string(msg, NKSTAT_A_KERNEL_RELEASE, "6.12.117+deb12-amd64");
	nla_put_u64(msg, NKSTAT_A_NETNS_REQUESTS, 7);
	nks_test_group(msg, NKSTAT_GROUP_NEIGH, "neigh",
		       NKSTAT_GROUP_STATE_UNAVAILABLE, "not implemented", false);
	grp = nla_nest_start(msg, NKSTAT_A_GROUP);
	nla_put_u32(msg, NKSTAT_GROUP_A_ID, NKSTAT_GROUP_PORTS);
	nla_put_string(msg, NKSTAT_GROUP_A_NAME, "ports");
	nla_put_u32(msg, NKSTAT_GROUP_A_STATE, NKSTAT_GROUP_STATE_PARTIAL);
	hook = nla_nest_start(msg, NKSTAT_GROUP_A_HOOK);
	nla_put_string(msg, NKSTAT_HOOK_A_NAME, "__inet_hash_connect");
	nla_put_u32(msg, NKSTAT_HOOK_A_KIND, NKSTAT_HOOK_KIND_KRETPROBE);
	nla_put_u64(msg, NKSTAT_HOOK_A_MISSED, 3);
	nla_nest_end(msg, hook);
	hook = nla_nest_start(msg, NKSTAT_GROUP_A_HOOK);
	nla_put_string(msg, NKSTAT_HOOK_A_NAME, "inet_csk_get_port");
	nla_put_u32(msg, NKSTAT_HOOK_A_KIND, NKSTAT_HOOK_KIND_KPROBE);
	nla_put_u32(msg, NKSTAT_HOOK_A_ERROR, 2);
	nla_nest_end(msg, hook);
	un = nla_nest_start(msg, NKSTAT_GROUP_A_UNAVAILABLE);
	nla_put_string(msg, NKSTAT_UNAVAIL_A_COUNTER, "bind_eaddrinuse");
	nla_put_string(msg, NKSTAT_UNAVAIL_A_REASON, "kprobe failed");
	nla_nest_end(msg, un);
	nla_put_string(msg, NKSTAT_GROUP_A_ESTIMATE, "bind_guess");
	nla_nest_end(msg, grp);

	out = nks_test_print(&self->t, true);
	EXPECT_STREQ("{\"info\":{\"tool_version\":\"" NKSTAT_VERSION "\","
		     "\"module_version\":\"0.1.0\","
		     "\"kernel_release\":\"6.12.117+deb12-amd64\","
		     "\"netns_requests\":7,\"groups\":["
		     "{\"name\":\"neigh\",\"id\":1,\"state\":\"unavailable\","
		     "\"reason\":\"not implemented\",\"hooks\":[],\"unavailable\":[],\"estimates\":[]},"
		     "{\"name\":\"ports\",\"id\":2,\"state\":\"partial\",\"reason\":null,"
		     "\"hooks\":[{\"name\":\"__inet_hash_connect\",\"kind\":\"kretprobe\",\"error\":null,"
		     "\"missed\":3},"
		     "{\"name\":\"inet_csk_get_port\",\"kind\":\"kprobe\","
		     "\"error\":\"No such file or directory\",\"missed\":null}],"
		     "\"unavailable\":[{\"counter\":\"bind_eaddrinuse\",\"reason\":\"kprobe failed\"}],"
		     "\"estimates\":[\"bind_guess\"]}"
		     "]}}\n", out);
	free(out);

	out = nks_test_print(&self->t, false);
	EXPECT_NE(NULL, strstr(out, "kernel   6.12.117+deb12-amd64\n"));
	EXPECT_NE(NULL, strstr(out, "requests 7 served in this netns\n"));
	EXPECT_NE(NULL, strstr(out, "neigh    unavailable  not implemented\n"));
	EXPECT_NE(NULL, strstr(out, "hook kprobe inet_csk_get_port: failed, No such file or directory\n"));
	EXPECT_NE(NULL, strstr(out, "hook kretprobe __inet_hash_connect (missed 3 hits"));
	EXPECT_NE(NULL, strstr(out, "n/a  bind_eaddrinuse: kprobe failed\n"));
	EXPECT_NE(NULL, strstr(out, "estimates bind_guess (the others are exact)\n"));
	free(out);
}

/* A newer module's attributes are skipped, at the top level and nested. */
TEST_F(reply, unknown_attributes_skipped)
{
	struct nks_test_reply plain = { .msg = nks_test_msg() };
	char *a, *b;

	ASSERT_NE(NULL, plain.msg);
	nla_put_string(plain.msg, NKSTAT_A_MODULE_VERSION, "0.1.0");
	nks_test_group(plain.msg, NKSTAT_GROUP_TCP, "tcp",
		       NKSTAT_GROUP_STATE_ACTIVE, NULL, false);

	nla_put_string(self->t.msg, NKSTAT_A_MODULE_VERSION, "0.1.0");
	nla_put_string(self->t.msg, NKS_A_FUTURE, "from the future");
	nks_test_group(self->t.msg, NKSTAT_GROUP_TCP, "tcp",
		       NKSTAT_GROUP_STATE_ACTIVE, NULL, true);

	a = nks_test_print(&plain, true);
	b = nks_test_print(&self->t, true);
	EXPECT_STREQ(a, b);
	free(a);
	free(b);
	a = nks_test_print(&plain, false);
	b = nks_test_print(&self->t, false);
	EXPECT_STREQ(a, b);
	free(a);
	free(b);
	nlmsg_free(plain.msg);
}

/* An older module's reply lacks attributes: n/a and null, never 0. */
TEST_F(reply, missing_attributes_not_zero)
{
	char *out;

	nks_test_group(self->t.msg, 9, "future", 77, NULL, false);

	out = nks_test_print(&self->t, true);
	EXPECT_STREQ("{\"info\":{\"tool_version\":\"" NKSTAT_VERSION "\","
		     "\"module_version\":null,\"kernel_release\":null,"
		     "\"netns_requests\":null,\"groups\":["
		     "{\"name\":\"future\",\"id\":9,\"state\":\"unknown-77\","
		     "\"reason\":null,\"hooks\":[],\"unavailable\":[],\"estimates\":[]}]}}\n", out);
	free(out);

	out = nks_test_print(&self->t, false);
	EXPECT_NE(NULL, strstr(out, "module   nkstat n/a\n"));
	EXPECT_NE(NULL, strstr(out, "kernel   n/a\n"));
	EXPECT_NE(NULL, strstr(out, "requests n/a\n"));
	EXPECT_NE(NULL, strstr(out, "future   unknown-77"));
	free(out);
}

TEST_F(reply, json_escaping)
{
	char *out;

	nks_test_group(self->t.msg, NKSTAT_GROUP_NEIGH, "neigh",
		       NKSTAT_GROUP_STATE_UNAVAILABLE,
		       "say \"no\"\\\n\ttab\x01\x7f", false);
	out = nks_test_print(&self->t, true);
	EXPECT_NE(NULL, strstr(out,
		"\"reason\":\"say \\\"no\\\"\\\\\\n\\ttab\\u0001\\u007f\""));
	free(out);
}

/*
 * A ports reply from an older module (no ephemeral use, no hooks) and a
 * newer one (an attribute this tool does not know): the missing values
 * are null and n/a, never 0, and the unknown one is skipped.
 */
TEST_F(reply, ports_missing_and_unknown)
{
	struct nl_msg *msg = self->t.msg;
	struct nlattr *ports;
	char *out;

	ports = nla_nest_start(msg, NKSTAT_A_PORTS);
	nla_put_u64(msg, NKSTAT_PORTS_A_OWNERS, 7);
	nla_put_u64(msg, NKSTAT_PORTS_A_EPHEMERAL_LO, 32768);
	nla_put_u64(msg, NKSTAT_PORTS_A_EPHEMERAL_HI, 60999);
	nla_put_u64(msg, NKSTAT_PORTS_A_MAX + 5, 424242);
	nla_nest_end(msg, ports);
	nla_put_u32(msg, NKS_A_FUTURE, 1);

	out = nks_test_print_with(&self->t, true, nks_ports_print);
	EXPECT_NE(NULL, strstr(out, "\"owners\":7,"));
	EXPECT_NE(NULL, strstr(out, "\"ephemeral_ports_used\":null,"));
	EXPECT_NE(NULL, strstr(out, "\"connect_eaddrnotavail\":null,"));
	EXPECT_NE(NULL, strstr(out, "\"ephemeral_ports\":null,"));
	EXPECT_NE(NULL, strstr(out, "\"ephemeral_utilisation_pct\":null,"));
	EXPECT_NE(NULL, strstr(out, "\"chain_hist\":null"));
	EXPECT_EQ(NULL, strstr(out, "424242"));
	free(out);

	out = nks_test_print_with(&self->t, false, nks_ports_print);
	EXPECT_NE(NULL, strstr(out, "32768-60999: n/a of 28232 ports in use\n"));
	EXPECT_NE(NULL, strstr(out, "connect() EADDRNOTAVAIL    n/a\n"));
	free(out);
}

TEST(pretty_json_indents)
{
	struct nks_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	nks_json_init(&j, f, true);
	nks_json_open(&j, '{');
	nks_json_key(&j, "a");
	nks_json_open(&j, '[');
	nks_json_u64(&j, 1);
	nks_json_u64(&j, 2);
	nks_json_close(&j, ']');
	nks_json_key(&j, "b");
	nks_json_open(&j, '{');
	nks_json_close(&j, '}');
	nks_json_close(&j, '}');
	nks_json_end(&j);
	fclose(f);
	EXPECT_STREQ("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n", buf);
	free(buf);
}

/* Numbers are written without printf: check the edges. */
TEST(json_numbers)
{
	struct nks_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	nks_json_init(&j, f, false);
	nks_json_open(&j, '{');
	nks_json_ku64(&j, "zero", true, 0);
	nks_json_ku64(&j, "max", true, UINT64_MAX);
	nks_json_ki64(&j, "neg", true, -5);
	nks_json_ki64(&j, "min", true, INT64_MIN);
	nks_json_ki64(&j, "none", false, 3);
	nks_json_kfixed1(&j, "pct", true, 99.96);
	nks_json_close(&j, '}');
	nks_json_end(&j);
	fclose(f);
	EXPECT_STREQ("{\"zero\":0,\"max\":18446744073709551615,\"neg\":-5,"
		     "\"min\":-9223372036854775808,\"none\":null,\"pct\":100.0}\n", buf);
	free(buf);
}

TEST_HARNESS_MAIN
