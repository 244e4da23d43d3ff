// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the reply printers (GET_INFO, GET_NEIGH, GET_PORTS,
 * GET_TCP). Replies are built with libnl exactly as the kernel lays them
 * out, then fed to the same code path the tool uses. They check that
 * attributes the tool does not know, from a newer module, are skipped and
 * that those an older module does not send print as n/a (text) or null
 * (JSON), never as 0.
 */
#define _GNU_SOURCE		/* asprintf(), strchrnul() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "../nkstat.h"
#include "kselftest_harness.h"

#define NKS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
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

static int nks_count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
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
	nla_put_string(msg, NKSTAT_GROUP_A_LOSSY, "connect_eaddrnotavail");
	nla_put_string(msg, NKSTAT_GROUP_A_LOSSY, "owners");
	nla_nest_end(msg, grp);

	out = nks_test_print(&self->t, true);
	EXPECT_STREQ("{\"info\":{\"tool_version\":\"" NKSTAT_VERSION "\","
		     "\"module_version\":\"0.1.0\","
		     "\"kernel_release\":\"6.12.117+deb12-amd64\","
		     "\"netns_requests\":7,\"groups\":["
		     "{\"name\":\"neigh\",\"id\":1,\"state\":\"unavailable\","
		     "\"reason\":\"not implemented\",\"hooks\":[],\"unavailable\":[],\"estimates\":[],"
		     "\"lossy\":[]},"
		     "{\"name\":\"ports\",\"id\":2,\"state\":\"partial\",\"reason\":null,"
		     "\"hooks\":[{\"name\":\"__inet_hash_connect\",\"kind\":\"kretprobe\",\"error\":null,"
		     "\"missed\":3},"
		     "{\"name\":\"inet_csk_get_port\",\"kind\":\"kprobe\","
		     "\"error\":\"No such file or directory\",\"missed\":null}],"
		     "\"unavailable\":[{\"counter\":\"bind_eaddrinuse\",\"reason\":\"kprobe failed\"}],"
		     "\"estimates\":[\"bind_guess\"],"
		     "\"lossy\":[\"connect_eaddrnotavail\",\"owners\"]}"
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
	EXPECT_NE(NULL, strstr(out, "\n           lossy connect_eaddrnotavail, owners "
			       "(lower bounds: a hook missed hits since load)\n"));
	/* the neigh group lists none: no line */
	EXPECT_EQ(1, nks_count(out, "lossy"));
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
		     "\"reason\":null,\"hooks\":[],\"unavailable\":[],\"estimates\":[],"
		     "\"lossy\":[]}]}}\n", out);
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

/*
 * Every printer against a module newer than the tool (an attribute of a
 * type above the *_MAX the tool knows, at the top level and inside every
 * nest: the output is unchanged) and an older one (attributes missing:
 * null in JSON for exactly those keys, "n/a" in text, never 0).
 */

enum nks_out { NKS_TEXT, NKS_JSON, NKS_PRETTY, NKS_PROM };

static char *nks_test_out(struct nks_test_reply *t, enum nks_out mode,
			  nks_reply_fn print)
{
	struct nks_opts opts = { .json = mode == NKS_JSON || mode == NKS_PRETTY,
				 .pretty = mode == NKS_PRETTY,
				 .prom = mode == NKS_PROM, .netns = "4026531840" };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *saved = stdout;

	if (!mem)
		abort();
	nks_test_parse(t);
	/* the printers write to stdout, the JSON ones through nks_json */
	stdout = mem;
	print(&t->reply, &opts);
	fflush(stdout);
	stdout = saved;
	fclose(mem);
	return buf;
}

/*
 * What a newer module adds to a nest or to the message: an attribute of a
 * type this tool does not know, before the known ones (@first), and a
 * nest of another unknown type after them.
 */
static void nks_future(struct nl_msg *msg, int max, bool first)
{
	struct nlattr *nest;

	if (first) {
		nla_put_u64(msg, max + 1, 0xfeedfacecafeULL);
		return;
	}
	nest = nla_nest_start(msg, max + 2);
	nla_put_u32(msg, 1, 4242);
	nla_put_string(msg, 2, "from a newer module");
	nla_nest_end(msg, nest);
}

/* A histogram nest: bucket i + 1 holds @v[i], for the @n given. */
static void nks_put_hist(struct nl_msg *msg, int type, const uint64_t *v,
			 int n, bool extra)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	int i;

	if (extra)
		nks_future(msg, NKSTAT_HIST_BUCKETS, true);
	for (i = 0; i < n; i++)
		nla_put_u64(msg, i + 1, v[i]);
	if (extra)
		nks_future(msg, NKSTAT_HIST_BUCKETS, false);
	nla_nest_end(msg, nest);
}

/* @type = @v unless the reply @lacks it */
static void nks_put_u64_unless(struct nl_msg *msg, int type, uint64_t v,
			       bool lacks)
{
	if (!lacks)
		nla_put_u64(msg, type, v);
}

/* What an older module leaves out, per printer. */
enum {
	INFO_NO_KERNEL = 1 << 0,
	INFO_NO_REQUESTS = 1 << 1,
	INFO_NO_MISSED = 1 << 2,
	INFO_NO_UNAVAIL_REASON = 1 << 3,

	/* neigh: the arp table lacks these, ndisc lacks nothing */
	NEIGH_NO_BUDGET_HITS = 1 << 0,
	NEIGH_NO_NUD_NONE = 1 << 1,
	NEIGH_NO_ALLOC_FAILURES = 1 << 2,

	PORTS_NO_CONNECT = 1 << 0,
	PORTS_NO_BIND = 1 << 1,

	TCP_NO_ABORTS = 1 << 0,
	TCP_NO_STALLED = 1 << 1,
};

static void nks_build_info(struct nl_msg *msg, bool extra, unsigned int lacks)
{
	struct nlattr *grp, *hook, *un;

	if (extra)
		nks_future(msg, NKSTAT_A_MAX, true);
	nla_put_string(msg, NKSTAT_A_MODULE_VERSION, "0.1.0");
	if (!(lacks & INFO_NO_KERNEL))
		nla_put_string(msg, NKSTAT_A_KERNEL_RELEASE, "6.1.0-56-amd64");
	nks_put_u64_unless(msg, NKSTAT_A_NETNS_REQUESTS, 41, lacks & INFO_NO_REQUESTS);
	grp = nla_nest_start(msg, NKSTAT_A_GROUP);
	if (extra)
		nks_future(msg, NKSTAT_GROUP_A_MAX, true);
	nla_put_u32(msg, NKSTAT_GROUP_A_ID, NKSTAT_GROUP_TCP);
	nla_put_string(msg, NKSTAT_GROUP_A_NAME, "tcp");
	nla_put_u32(msg, NKSTAT_GROUP_A_STATE, NKSTAT_GROUP_STATE_PARTIAL);
	hook = nla_nest_start(msg, NKSTAT_GROUP_A_HOOK);
	if (extra)
		nks_future(msg, NKSTAT_HOOK_A_MAX, true);
	nla_put_string(msg, NKSTAT_HOOK_A_NAME, "tcp_retransmit_timer");
	nla_put_u32(msg, NKSTAT_HOOK_A_KIND, NKSTAT_HOOK_KIND_KRETPROBE);
	nks_put_u64_unless(msg, NKSTAT_HOOK_A_MISSED, 6, lacks & INFO_NO_MISSED);
	if (extra)
		nks_future(msg, NKSTAT_HOOK_A_MAX, false);
	nla_nest_end(msg, hook);
	un = nla_nest_start(msg, NKSTAT_GROUP_A_UNAVAILABLE);
	if (extra)
		nks_future(msg, NKSTAT_UNAVAIL_A_MAX, true);
	nla_put_string(msg, NKSTAT_UNAVAIL_A_COUNTER, "keepalive");
	if (!(lacks & INFO_NO_UNAVAIL_REASON))
		nla_put_string(msg, NKSTAT_UNAVAIL_A_REASON, "kretprobe failed");
	if (extra)
		nks_future(msg, NKSTAT_UNAVAIL_A_MAX, false);
	nla_nest_end(msg, un);
	nla_put_string(msg, NKSTAT_GROUP_A_ESTIMATE, "forced_gc_reclaimed");
	if (extra)
		nks_future(msg, NKSTAT_GROUP_A_MAX, false);
	nla_nest_end(msg, grp);
	if (extra)
		nks_future(msg, NKSTAT_A_MAX, false);
}

static void nks_build_neigh_table(struct nl_msg *msg, uint32_t id, bool extra,
				  unsigned int lacks)
{
	static const uint64_t reclaim[] = { 1, 2, 3, 4 }, latency[] = { 0, 0, 5, 6, 7 };
	struct nlattr *nest, *nud;
	int a;

	nest = nla_nest_start(msg, NKSTAT_A_NEIGH);
	if (extra)
		nks_future(msg, NKSTAT_NEIGH_A_MAX, true);
	nla_put_u32(msg, NKSTAT_NEIGH_A_TABLE, id);
	/* ENTRIES .. RES_FAILED, then the hook values, 100 + type each */
	for (a = NKSTAT_NEIGH_A_ENTRIES; a <= NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS; a++) {
		if (a == NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST)
			nks_put_hist(msg, a, reclaim, 4, extra);
		else if (a == NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST)
			nks_put_hist(msg, a, latency, 5, extra);
		else
			nks_put_u64_unless(msg, a, a == NKSTAT_NEIGH_A_GC_THRESH3 ? 1024 : 100 + a,
					   a == NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS &&
					   (lacks & NEIGH_NO_BUDGET_HITS));
	}
	nud = nla_nest_start(msg, NKSTAT_NEIGH_A_NUD);
	if (extra)
		nks_future(msg, NKSTAT_NUD_A_MAX, true);
	for (a = NKSTAT_NUD_A_NONE; a <= NKSTAT_NUD_A_PERMANENT; a++)
		nks_put_u64_unless(msg, a, 10 * a, a == NKSTAT_NUD_A_NONE &&
				   (lacks & NEIGH_NO_NUD_NONE));
	if (extra)
		nks_future(msg, NKSTAT_NUD_A_MAX, false);
	nla_nest_end(msg, nud);
	nks_put_u64_unless(msg, NKSTAT_NEIGH_A_ALLOC_FAILURES, 3,
			   lacks & NEIGH_NO_ALLOC_FAILURES);
	if (extra)
		nks_future(msg, NKSTAT_NEIGH_A_MAX, false);
	nla_nest_end(msg, nest);
}

/* arp lacks what @lacks says; ndisc lacks nothing */
static void nks_build_neigh(struct nl_msg *msg, bool extra, unsigned int lacks)
{
	struct nlattr *nest;

	if (extra)
		nks_future(msg, NKSTAT_A_MAX, true);
	nks_build_neigh_table(msg, NKSTAT_NEIGH_TABLE_ARP, extra, lacks);
	if (extra) {
		/* a table this tool does not know: skipped */
		nest = nla_nest_start(msg, NKSTAT_A_NEIGH);
		nla_put_u32(msg, NKSTAT_NEIGH_A_TABLE, NKSTAT_NEIGH_TABLE_MAX + 1);
		nla_put_u64(msg, NKSTAT_NEIGH_A_ENTRIES, 77);
		nla_nest_end(msg, nest);
	}
	nks_build_neigh_table(msg, NKSTAT_NEIGH_TABLE_NDISC, extra, 0);
	if (extra)
		nks_future(msg, NKSTAT_A_MAX, false);
}

static void nks_build_ports(struct nl_msg *msg, bool extra, unsigned int lacks)
{
	static const uint64_t chains[] = { 4000, 90, 6 };
	struct nlattr *nest;

	if (extra)
		nks_future(msg, NKSTAT_A_MAX, true);
	nest = nla_nest_start(msg, NKSTAT_A_PORTS);
	if (extra)
		nks_future(msg, NKSTAT_PORTS_A_MAX, true);
	nla_put_u64(msg, NKSTAT_PORTS_A_BHASH_SIZE, 4096);
	nla_put_u64(msg, NKSTAT_PORTS_A_BUCKETS_USED, 96);
	nla_put_u64(msg, NKSTAT_PORTS_A_BIND_BUCKETS, 102);
	nla_put_u64(msg, NKSTAT_PORTS_A_MAX_CHAIN, 3);
	nks_put_hist(msg, NKSTAT_PORTS_A_CHAIN_HIST, chains, 3, extra);
	nla_put_u64(msg, NKSTAT_PORTS_A_OWNERS, 130);
	nla_put_u64(msg, NKSTAT_PORTS_A_TW_OWNERS, 20);
	nla_put_u64(msg, NKSTAT_PORTS_A_EPHEMERAL_LO, 40000);
	nla_put_u64(msg, NKSTAT_PORTS_A_EPHEMERAL_HI, 40099);
	nla_put_u64(msg, NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED, 85);
	nks_put_u64_unless(msg, NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL, 12,
			   lacks & PORTS_NO_CONNECT);
	nks_put_u64_unless(msg, NKSTAT_PORTS_A_BIND_EADDRINUSE, 4, lacks & PORTS_NO_BIND);
	nla_put_u64(msg, NKSTAT_PORTS_A_TW_COUNT, 20);
	nla_put_u64(msg, NKSTAT_PORTS_A_TW_MAX, 160);
	nla_put_u64(msg, NKSTAT_PORTS_A_TW_OVERFLOWS, 7);
	nla_put_u64(msg, NKSTAT_PORTS_A_TW_REUSE, 9);
	if (extra)
		nks_future(msg, NKSTAT_PORTS_A_MAX, false);
	nla_nest_end(msg, nest);
	if (extra)
		nks_future(msg, NKSTAT_A_MAX, false);
}

static void nks_build_tcp(struct nl_msg *msg, bool extra, unsigned int lacks)
{
	static const uint64_t probes[] = { 0, 1, 2 };
	struct nlattr *tcp, *nest;
	int a;

	if (extra)
		nks_future(msg, NKSTAT_A_MAX, true);
	tcp = nla_nest_start(msg, NKSTAT_A_TCP);
	if (extra)
		nks_future(msg, NKSTAT_TCP_A_MAX, true);
	nest = nla_nest_start(msg, NKSTAT_TCP_A_ORPHANS);
	if (extra)
		nks_future(msg, NKSTAT_ORPHANS_A_MAX, true);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_TOTAL, 8);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_FIN_WAIT1, 4);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_FIN_WAIT2, 2);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_CLOSING, 1);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_LAST_ACK, 1);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING, 3);
	nks_put_hist(msg, NKSTAT_ORPHANS_A_PROBES_HIST, probes, 3, extra);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_MAX_BACKOFF, 6);
	nla_put_u64(msg, NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO, 1);
	if (extra)
		nks_future(msg, NKSTAT_ORPHANS_A_MAX, false);
	nla_nest_end(msg, nest);
	nks_put_u64_unless(msg, NKSTAT_TCP_A_STALLED_ZERO_WINDOW, 5, lacks & TCP_NO_STALLED);
	nla_put_u64(msg, NKSTAT_TCP_A_WITH_USER_TIMEOUT, 2);
	nla_put_u64(msg, NKSTAT_TCP_A_ORPHANS_GLOBAL, 9);
	if (!(lacks & TCP_NO_ABORTS)) {
		nest = nla_nest_start(msg, NKSTAT_TCP_A_ABORTS);
		if (extra)
			nks_future(msg, NKSTAT_ABORTS_A_MAX, true);
		/* 10 + type each: retries2 12 ... zero_window_rto 20 */
		for (a = NKSTAT_ABORTS_A_RETRIES2; a <= NKSTAT_ABORTS_A_MAX; a++)
			nla_put_u64(msg, a, 10 + a);
		if (extra)
			nks_future(msg, NKSTAT_ABORTS_A_MAX, false);
		nla_nest_end(msg, nest);
	}
	nla_put_u64(msg, NKSTAT_TCP_A_ABORT_ON_TIMEOUT, 150);
	nla_put_u64(msg, NKSTAT_TCP_A_ABORT_ON_MEMORY, 18);
	if (extra)
		nks_future(msg, NKSTAT_TCP_A_MAX, false);
	nla_nest_end(msg, tcp);
	if (extra)
		nks_future(msg, NKSTAT_A_MAX, false);
}

typedef void (*nks_build_fn)(struct nl_msg *msg, bool extra, unsigned int lacks);

/* The printer's output for a reply that @build makes. */
static char *nks_built(nks_build_fn build, bool extra, unsigned int lacks,
		       enum nks_out mode, nks_reply_fn print)
{
	struct nks_test_reply t = { .msg = nks_test_msg() };
	char *out;

	if (!t.msg)
		abort();
	build(t.msg, extra, lacks);
	out = nks_test_out(&t, mode, print);
	nlmsg_free(t.msg);
	return out;
}

/*
 * @json with the first value of "@key" from @from on (a number, or an
 * object with what it holds) replaced by null; NULL if there is none.
 */
static char *nks_null_key(const char *json, const char *key, const char *from)
{
	char pat[64], *out;
	const char *at, *v, *end;
	int depth = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	at = strstr(from ? from : json, pat);
	if (!at)
		return NULL;
	v = at + strlen(pat);
	for (end = v; *end; end++) {
		if (*end == '{')
			depth++;
		else if (*end == '}' && depth && !--depth)
			break;
		else if (!depth && (*end == ',' || *end == '}'))
			break;
	}
	if (*v == '{')
		end++;
	if (asprintf(&out, "%.*snull%s", (int)(v - json), json, end) < 0)
		abort();
	return out;
}

/* nks_null_key() for each of @n keys in turn, each found after @after */
static char *nks_null_keys(const char *json, const char *after,
			   const char *const *keys, int n)
{
	char *cur = strdup(json), *next;
	int i;

	for (i = 0; cur && i < n; i++) {
		next = nks_null_key(cur, keys[i], after ? strstr(cur, after) : NULL);
		free(cur);
		cur = next;
	}
	return cur;
}

/* The line of @text holding @needle, without its newline, into @buf. */
static const char *nks_line(const char *text, const char *needle, char *buf,
			    size_t len)
{
	const char *at = strstr(text, needle), *start, *end;

	if (!at)
		return "";
	for (start = at; start > text && start[-1] != '\n'; start--)
		;
	end = strchrnul(at, '\n');
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	return buf;
}

struct nks_printer {
	const char *name;
	nks_build_fn build;
	nks_reply_fn print;
};

static const struct nks_printer nks_printers[] = {
	{ "info", nks_build_info, nks_info_print },
	{ "neigh", nks_build_neigh, nks_neigh_print },
	{ "ports", nks_build_ports, nks_ports_print },
	{ "tcp", nks_build_tcp, nks_tcp_print },
};

/* Each printer: a newer module's reply prints as the same reply without. */
TEST(newer_module_output_unchanged)
{
	static const enum nks_out modes[] = { NKS_TEXT, NKS_JSON, NKS_PRETTY, NKS_PROM };
	size_t i, m;

	for (i = 0; i < NKS_ARRAY_SIZE(nks_printers); i++) {
		const struct nks_printer *p = &nks_printers[i];

		for (m = 0; m < NKS_ARRAY_SIZE(modes); m++) {
			char *plain = nks_built(p->build, false, 0, modes[m], p->print);
			char *extra = nks_built(p->build, true, 0, modes[m], p->print);

			EXPECT_STREQ(plain, extra) TH_LOG("%s, mode %zu", p->name, m);
			/* and the reply had something to show */
			EXPECT_LT(40, (int)strlen(plain)) TH_LOG("%s, mode %zu", p->name, m);
			EXPECT_EQ(NULL, strstr(extra, "4242"));
			EXPECT_EQ(NULL, strstr(extra, "newer module"));
			free(plain);
			free(extra);
		}
	}
}

/*
 * An older module's reply, from each printer: JSON is the full reply's
 * with exactly the missing keys null; text has "n/a" exactly there.
 */
TEST(older_module_info)
{
	static const char *const keys[] = { "kernel_release", "netns_requests", "missed",
					    "reason" };
	unsigned int lacks = INFO_NO_KERNEL | INFO_NO_REQUESTS | INFO_NO_MISSED |
			     INFO_NO_UNAVAIL_REASON;
	char *full, *old, *want, *with, line[256];

	full = nks_built(nks_build_info, false, 0, NKS_JSON, nks_info_print);
	old = nks_built(nks_build_info, false, lacks, NKS_JSON, nks_info_print);
	/* "reason": the unavailable counter's, not the group's (null in both) */
	with = nks_null_keys(full, NULL, keys, 3);
	ASSERT_NE(NULL, with);
	want = nks_null_key(with, keys[3], strstr(with, "\"unavailable\":"));
	EXPECT_STREQ(want, old);
	free(with);
	free(want);
	/* the group's reason and the hook's error are null in both */
	EXPECT_EQ(2, nks_count(full, "null"));
	EXPECT_EQ(6, nks_count(old, "null"));
	free(full);
	free(old);

	full = nks_built(nks_build_info, false, 0, NKS_TEXT, nks_info_print);
	old = nks_built(nks_build_info, false, lacks, NKS_TEXT, nks_info_print);
	EXPECT_STREQ("kernel   n/a", nks_line(old, "kernel ", line, sizeof(line)));
	EXPECT_STREQ("requests n/a", nks_line(old, "requests", line, sizeof(line)));
	EXPECT_NE(NULL, strstr(old, "n/a  keepalive: n/a\n"));
	EXPECT_NE(NULL, strstr(full, "(missed 6 hits"));
	EXPECT_EQ(NULL, strstr(old, "missed"));
	EXPECT_EQ(nks_count(full, "n/a") + 3, nks_count(old, "n/a"));
	free(full);
	free(old);
}

TEST(older_module_neigh)
{
	/* total: the states' sum, null when one of them is */
	static const char *const keys[] = { "forced_gc_budget_hits", "none", "total",
					    "alloc_failures" };
	unsigned int lacks = NEIGH_NO_BUDGET_HITS | NEIGH_NO_NUD_NONE |
			     NEIGH_NO_ALLOC_FAILURES;
	char *full, *old, *want, line[256];
	const char *ndisc;

	full = nks_built(nks_build_neigh, false, 0, NKS_JSON, nks_neigh_print);
	old = nks_built(nks_build_neigh, false, lacks, NKS_JSON, nks_neigh_print);
	want = nks_null_keys(full, NULL, keys, 4);
	EXPECT_STREQ(want, old);
	/* ndisc lacks nothing: its values are all there */
	ndisc = strstr(old, "\"ndisc\":");
	ASSERT_NE(NULL, ndisc);
	EXPECT_EQ(NULL, strstr(ndisc, "null"));
	EXPECT_EQ(4, nks_count(old, "null"));
	free(want);
	free(full);
	free(old);

	full = nks_built(nks_build_neigh, false, 0, NKS_TEXT, nks_neigh_print);
	old = nks_built(nks_build_neigh, false, lacks, NKS_TEXT, nks_neigh_print);
	EXPECT_NE(NULL, strstr(nks_line(old, "forced gc runs", line, sizeof(line)),
			       ", budget hits n/a"));
	EXPECT_NE(NULL, strstr(nks_line(old, "this netns:", line, sizeof(line)),
			       " none n/a ("));
	EXPECT_STREQ("    refused creations        n/a",
		     nks_line(old, "refused creations", line, sizeof(line)));
	EXPECT_EQ(nks_count(full, "n/a") + 3, nks_count(old, "n/a"));
	free(full);
	free(old);
}

TEST(older_module_ports)
{
	static const char *const keys[] = { "connect_eaddrnotavail", "bind_eaddrinuse" };
	unsigned int lacks = PORTS_NO_CONNECT | PORTS_NO_BIND;
	char *full, *old, *want, line[256];

	full = nks_built(nks_build_ports, false, 0, NKS_JSON, nks_ports_print);
	old = nks_built(nks_build_ports, false, lacks, NKS_JSON, nks_ports_print);
	want = nks_null_keys(full, NULL, keys, 2);
	EXPECT_STREQ(want, old);
	EXPECT_EQ(2, nks_count(old, "null"));
	free(want);
	free(full);
	free(old);

	full = nks_built(nks_build_ports, false, 0, NKS_TEXT, nks_ports_print);
	old = nks_built(nks_build_ports, false, lacks, NKS_TEXT, nks_ports_print);
	EXPECT_STREQ("  connect() EADDRNOTAVAIL    n/a",
		     nks_line(old, "connect()", line, sizeof(line)));
	EXPECT_STREQ("  bind()/listen() EADDRINUSE n/a",
		     nks_line(old, "bind()", line, sizeof(line)));
	EXPECT_EQ(0, nks_count(full, "n/a"));
	EXPECT_EQ(2, nks_count(old, "n/a"));
	free(full);
	free(old);
}

TEST(older_module_tcp)
{
	static const char *const keys[] = { "stalled_zero_window", "aborts" };
	unsigned int lacks = TCP_NO_ABORTS | TCP_NO_STALLED;
	char *full, *old, *want, line[256];
	uint64_t max_orphans;
	int null_before;

	full = nks_built(nks_build_tcp, false, 0, NKS_JSON, nks_tcp_print);
	old = nks_built(nks_build_tcp, false, lacks, NKS_JSON, nks_tcp_print);
	want = nks_null_keys(full, NULL, keys, 2);
	EXPECT_STREQ(want, old);
	/* max_orphans is the host's: null (and its share) if unreadable here */
	null_before = nks_tcp_max_orphans(&max_orphans) ? 0 : 2;
	EXPECT_EQ(null_before, nks_count(full, "null"));
	EXPECT_EQ(null_before + 2, nks_count(old, "null"));
	EXPECT_NE(NULL, strstr(old, "\"aborts\":null,\"kernel\":{\"abort_on_timeout\":150,"));
	free(want);
	free(full);
	free(old);

	full = nks_built(nks_build_tcp, false, 0, NKS_TEXT, nks_tcp_print);
	old = nks_built(nks_build_tcp, false, lacks, NKS_TEXT, nks_tcp_print);
	EXPECT_STREQ("  stalled, not orphans       n/a, 2 of them with TCP_USER_TIMEOUT",
		     nks_line(old, "stalled, not orphans", line, sizeof(line)));
	EXPECT_STREQ("  retries2                   n/a",
		     nks_line(old, "retries2", line, sizeof(line)));
	EXPECT_STREQ("  other                      n/a",
		     nks_line(old, "  other", line, sizeof(line)));
	/* no sum of causes it does not have; the kernel's totals are there */
	EXPECT_NE(NULL, strstr(full, "(causes but memory: "));
	EXPECT_EQ(NULL, strstr(old, "(causes but memory: "));
	EXPECT_NE(NULL, strstr(old, "TcpExtTCPAbortOnTimeout    150\n"));
	EXPECT_EQ(0, nks_count(full, "n/a"));
	/* stalled, and the 8 causes but memory (a line of its own, from the kernel) */
	EXPECT_EQ(9, nks_count(old, "n/a"));
	free(full);
	free(old);
}

/*
 * Lossy counters: a reply's top-level NKSTAT_A_LOSSY strings. Each
 * printer marks those it shows, lists them all in JSON ("lossy", [] when
 * the reply has none, as an older module's) and gives each a
 * GROUP_lossy series in Prometheus, after the series it has without.
 */

#define NKS_MARK " (lossy: lower bound)"

/* The printer's output for @build's reply, with @names listed lossy. */
static char *nks_built_lossy(nks_build_fn build, const char *const *names,
			     int n, enum nks_out mode, nks_reply_fn print)
{
	struct nks_test_reply t = { .msg = nks_test_msg() };
	char *out;
	int i;

	if (!t.msg)
		abort();
	build(t.msg, false, 0);
	for (i = 0; i < n; i++)
		nla_put_string(t.msg, NKSTAT_A_LOSSY, names[i]);
	out = nks_test_out(&t, mode, print);
	nlmsg_free(t.msg);
	return out;
}

/*
 * What a reply listing @names lossy should add for @group: the JSON list,
 * and the Prometheus family, each sample labelled @labels then counter.
 */
static void nks_lossy_want(const char *group, const char *labels,
			   const char *const *names, int n, char **json,
			   char **prom)
{
	size_t jlen = 0, plen = 0;
	FILE *j = open_memstream(json, &jlen), *p = open_memstream(prom, &plen);
	int i;

	if (!j || !p)
		abort();
	fprintf(p, "# HELP nkstat_%s_lossy 1 for each counter whose value is a lower "
		"bound: its hook missed hits, or its walk lost its place.\n"
		"# TYPE nkstat_%s_lossy gauge\n", group, group);
	for (i = 0; i < n; i++) {
		fprintf(j, "%s\"%s\"", i ? "," : "\"lossy\":[", names[i]);
		fprintf(p, "nkstat_%s_lossy{%scounter=\"%s\"} 1\n", group, labels,
			names[i]);
	}
	fputc(']', j);
	fclose(j);
	fclose(p);
}

/*
 * @p's JSON for a reply listing @names lossy is the plain reply's with
 * each of its @lists "lossy":[] holding them; text marks @marks values;
 * Prometheus adds the group's family (samples labelled @labels) after the
 * plain reply's series.
 */
static void nks_check_lossy(struct __test_metadata *_metadata,
			    const struct nks_printer *p, const char *labels,
			    const char *const *names, int n, int lists, int marks)
{
	char *plain, *lossy, *cur, *next, *list, *prom;
	int i;

	nks_lossy_want(p->name, labels, names, n, &list, &prom);
	plain = nks_built(p->build, false, 0, NKS_JSON, p->print);
	lossy = nks_built_lossy(p->build, names, n, NKS_JSON, p->print);
	EXPECT_EQ(lists, nks_count(plain, "\"lossy\":[]")) TH_LOG("%s", p->name);
	cur = strdup(plain);
	for (i = 0; cur && i < lists; i++) {
		const char *at = strstr(cur, "\"lossy\":[]");

		if (!at || asprintf(&next, "%.*s%s%s", (int)(at - cur), cur, list,
				    at + strlen("\"lossy\":[]")) < 0)
			abort();
		free(cur);
		cur = next;
	}
	EXPECT_STREQ(cur, lossy) TH_LOG("%s", p->name);
	free(cur);
	free(plain);
	free(lossy);

	plain = nks_built(p->build, false, 0, NKS_TEXT, p->print);
	lossy = nks_built_lossy(p->build, names, n, NKS_TEXT, p->print);
	EXPECT_EQ(0, nks_count(plain, "lossy")) TH_LOG("%s", p->name);
	EXPECT_EQ(marks, nks_count(lossy, NKS_MARK)) TH_LOG("%s", p->name);
	free(plain);
	free(lossy);

	plain = nks_built(p->build, false, 0, NKS_PROM, p->print);
	lossy = nks_built_lossy(p->build, names, n, NKS_PROM, p->print);
	EXPECT_EQ(NULL, strstr(plain, "lossy")) TH_LOG("%s", p->name);
	EXPECT_EQ(0, strncmp(plain, lossy, strlen(plain))) TH_LOG("%s", p->name);
	EXPECT_STREQ(prom, lossy + strlen(plain)) TH_LOG("%s", p->name);
	free(plain);
	free(lossy);
	free(list);
	free(prom);
}

#define NKS_NETNS_LABEL "netns=\"4026531840\","

/* A line of text output: the first that holds @needle is @want. */
struct nks_want_line {
	const char *needle, *want;
};

/* @p's text for a reply listing @names lossy has each of the @n @lines. */
static void nks_check_lines(struct __test_metadata *_metadata,
			    const struct nks_printer *p, const char *const *names,
			    int nnames, const struct nks_want_line *lines, int n)
{
	char *out = nks_built_lossy(p->build, names, nnames, NKS_TEXT, p->print);
	char line[256];
	int i;

	for (i = 0; i < n; i++)
		EXPECT_STREQ(lines[i].want, nks_line(out, lines[i].needle, line,
						     sizeof(line))) TH_LOG("%s", p->name);
	free(out);
}

TEST(lossy_ports)
{
	/* two values text marks, a histogram, and one this tool does not know */
	static const char *const names[] = { "connect_eaddrnotavail", "owners",
					     "chain_hist", "from_the_future" };
	static const struct nks_want_line lines[] = {
		{ "connect()", "  connect() EADDRNOTAVAIL    12" NKS_MARK },
		{ "bind()", "  bind()/listen() EADDRINUSE 4" },
		{ "bind buckets", "  bind buckets               102, with 130" NKS_MARK
				  " owners (20 in TIME_WAIT)" },
		{ "chain lengths", "  chain lengths              0:4000 1:90 2-3:6" NKS_MARK },
	};

	nks_check_lossy(_metadata, &nks_printers[2], NKS_NETNS_LABEL, names, 4, 1, 3);
	nks_check_lines(_metadata, &nks_printers[2], names, 4, lines, 4);
}

TEST(lossy_tcp)
{
	static const char *const names[] = { "aborts.retries2", "aborts.other",
					     "orphans", "with_user_timeout" };
	static const struct nks_want_line lines[] = {
		{ "retries2", "  retries2                   12" NKS_MARK },
		{ "user_timeout", "  user_timeout               13" },
		{ "stalled, not orphans", "  stalled, not orphans       5, 2" NKS_MARK
					  " of them with TCP_USER_TIMEOUT" },
		{ "orphans  ", "  orphans                    8: FIN-WAIT-1 4, FIN-WAIT-2 2, "
			       "CLOSING 1, LAST-ACK 1" NKS_MARK },
		/* a lossy cause makes their sum a lower bound too */
		{ "TcpExtTCPAbortOnTimeout", "  TcpExtTCPAbortOnTimeout    150  "
					     "(causes but memory: 126, a lower bound)" },
	};

	/* retries2, other, with_user_timeout and the census's 4 lines */
	nks_check_lossy(_metadata, &nks_printers[3], NKS_NETNS_LABEL, names, 4, 1, 7);
	nks_check_lines(_metadata, &nks_printers[3], names, 4, lines, 5);
}

TEST(lossy_neigh)
{
	static const char *const names[] = { "forced_gc_reclaimed",
					     "forced_gc_latency_hist" };
	static const struct nks_want_line lines[] = {
		{ "forced gc reclaimed", "  forced gc reclaimed        116" NKS_MARK
					 " in 115 traced runs (estimate)" },
		{ "forced gc latency", "  forced gc latency (us)     2-3:5 4-7:6 8-15:7" NKS_MARK },
		{ "reclaimed per", "  reclaimed per forced gc    0:1 1:2 2-3:3 4-7:4" },
	};

	/* the reply's list in each table, each marking two values; no netns */
	nks_check_lossy(_metadata, &nks_printers[1], "", names, 2, 2, 4);
	nks_check_lines(_metadata, &nks_printers[1], names, 2, lines, 3);
}

/* A counter an older module does not send is n/a, and never marked. */
TEST(lossy_absent_value_unmarked)
{
	static const char *const names[] = { "connect_eaddrnotavail" };
	struct nks_test_reply t = { .msg = nks_test_msg() };
	char *out, line[256];

	ASSERT_NE(NULL, t.msg);
	nks_build_ports(t.msg, false, PORTS_NO_CONNECT);
	nla_put_string(t.msg, NKSTAT_A_LOSSY, names[0]);
	out = nks_test_out(&t, NKS_TEXT, nks_ports_print);
	EXPECT_STREQ("  connect() EADDRNOTAVAIL    n/a",
		     nks_line(out, "connect()", line, sizeof(line)));
	free(out);
	nlmsg_free(t.msg);
}

/* The kernel's refusal, as nks_nl_request() reports it: one line on stderr. */
static char *nks_refused(uint8_t cmd, int err, const char *ext_msg, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *saved = stderr;

	if (!mem)
		abort();
	stderr = mem;
	*ret = nks_nl_refused(cmd, err, ext_msg);
	stderr = saved;
	fclose(mem);
	return buf;
}

TEST(eperm_names_object_and_capability)
{
	static const struct {
		uint8_t cmd;
		const char *object;
	} walks[] = {
		{ NKSTAT_CMD_GET_NEIGH, "neigh" },
		{ NKSTAT_CMD_GET_NEIGH_DEV, "neigh dev" },
		{ NKSTAT_CMD_GET_PORTS, "ports" },
		{ NKSTAT_CMD_GET_PORTS_LIST, "ports list" },
		{ NKSTAT_CMD_GET_TCP, "tcp" },
		{ NKSTAT_CMD_GET_TCP_ORPHANS, "tcp orphans" },
	};
	const char *ext = "nkstat: needs CAP_NET_ADMIN over the network namespace";
	char *out, *want;
	size_t i;
	int ret;

	for (i = 0; i < NKS_ARRAY_SIZE(walks); i++) {
		out = nks_refused(walks[i].cmd, -EPERM, ext, &ret);
		if (asprintf(&want, "nkstat: %s needs CAP_NET_ADMIN over this network "
			     "namespace (run as root): %s\n", walks[i].object, ext) < 0)
			abort();
		EXPECT_EQ(NKS_EXIT_PERM, ret);
		EXPECT_STREQ(want, out);
		free(want);
		free(out);
	}
	/* no extack message: the line ends with the advice */
	out = nks_refused(NKSTAT_CMD_GET_PORTS, -EPERM, "", &ret);
	EXPECT_EQ(NKS_EXIT_PERM, ret);
	EXPECT_STREQ("nkstat: ports needs CAP_NET_ADMIN over this network namespace "
		     "(run as root)\n", out);
	free(out);
}

TEST(other_refusals)
{
	char *out;
	int ret;

	/* GET_INFO needs no privilege: an EPERM is not blamed on one */
	out = nks_refused(NKSTAT_CMD_GET_INFO, -EPERM, "", &ret);
	EXPECT_EQ(NKS_EXIT_PERM, ret);
	EXPECT_STREQ("nkstat: kernel refused the request: Operation not permitted\n", out);
	free(out);
	out = nks_refused(NKSTAT_CMD_GET_TCP, -EOPNOTSUPP,
			  "nkstat: this counter group is unavailable on this kernel: see GET_INFO",
			  &ret);
	EXPECT_EQ(NKS_EXIT_KERNEL, ret);
	EXPECT_STREQ("nkstat: kernel refused the request: nkstat: this counter group is "
		     "unavailable on this kernel: see GET_INFO (Operation not supported)\n", out);
	free(out);
	out = nks_refused(NKSTAT_CMD_GET_PORTS, -ENOENT, "", &ret);
	EXPECT_EQ(NKS_EXIT_NOMOD, ret);
	EXPECT_NE(NULL, strstr(out, "unloaded during the request"));
	free(out);
}

TEST_HARNESS_MAIN
