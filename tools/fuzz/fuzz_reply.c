// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reply: the tool's netlink reply parsers and printers.
 *
 * The input is the attribute stream of one generic netlink reply (what
 * follows the genl header). It is delivered as libnl's recvmsgs() delivers
 * a message the kernel sent: behind a nlmsghdr and a genlmsghdr, nlmsg_len
 * covering exactly the input, copied by nlmsg_convert() into a buffer of
 * that size rounded up to 4. The tool parses replies with no policy, so
 * this is all the real path guarantees: attributes are walked within the
 * message (libnl's nla_ok()), their payloads are whatever the bytes are.
 *
 * Each input goes to every reply callback of the tool, in text, JSON,
 * indented JSON and Prometheus form: info, neigh, ports, tcp, the dumps
 * of "neigh dev", "ports list [--top]" and "tcp orphans [--peers]" (two
 * messages each), summary, -o prometheus, watch and the completion's
 * group list. First, the same bytes are the payload of an NLMSG_ERROR and
 * an NLMSG_DONE, for the error and extack parsers.
 *
 * Besides the sanitizers, JSON output is checked: it must read back with
 * nks_json_flatten(), the reader of "nkstat diff".
 *
 * NKS_FUZZ_ABI=1 in the environment narrows the inputs to the replies a
 * module that keeps to include/uapi/linux/nkstat.h can send: every
 * attribute the header defines has its type's exact size (strings end in
 * their NUL), nests are walked to their last byte; attributes it does not
 * define (a newer module's) are still anything. The others are refused
 * (not added to the corpus): the printers' handling of values can then be
 * fuzzed without stopping at the tool's trust in the kernel's sizes.
 *
 * NKS_FUZZ_SHOW=1 in the environment keeps stdout, to see the output of
 * one input: ./fuzz_reply FILE.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

#include "fuzz_tool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any family id will do: the tool does not look at it. */
#define FUZZ_FAMILY 0x1d
/* nks_nl_open() reads 32 KiB at a time: no message is longer. */
#define FUZZ_MSG_MAX 32768

static bool fuzz_show, fuzz_abi;

/* --- NKS_FUZZ_ABI: the attribute types of the uapi header ---------------- */

enum { ANY, U16, U32, U64, STR, FLAG, NEST };

struct fuzz_type {
	unsigned char kind;
	const struct fuzz_set *nest;	/* NEST: what it holds */
};

struct fuzz_set {
	int max;			/* above: a newer module's, anything */
	const struct fuzz_type *types;	/* [0 .. max]; ANY where unset */
};

#define FUZZ_SET(name, max, ...)					\
	static const struct fuzz_type name##_types[(max) + 1] = { __VA_ARGS__ }; \
	static const struct fuzz_set name = { (max), name##_types }

/* nla_put_u64_64bit() pads with type 0 in histograms and NUD nests */
FUZZ_SET(fuzz_hist, NKSTAT_HIST_BUCKETS,
	 [1 ... NKSTAT_HIST_BUCKETS] = { .kind = U64 });
FUZZ_SET(fuzz_hook, NKSTAT_HOOK_A_MAX,
	 [NKSTAT_HOOK_A_NAME] = { .kind = STR }, [NKSTAT_HOOK_A_KIND] = { .kind = U32 },
	 [NKSTAT_HOOK_A_ERROR] = { .kind = U32 }, [NKSTAT_HOOK_A_MISSED] = { .kind = U64 });
FUZZ_SET(fuzz_unavail, NKSTAT_UNAVAIL_A_MAX,
	 [NKSTAT_UNAVAIL_A_COUNTER] = { .kind = STR }, [NKSTAT_UNAVAIL_A_REASON] = { .kind = STR });
FUZZ_SET(fuzz_group, NKSTAT_GROUP_A_MAX,
	 [NKSTAT_GROUP_A_ID] = { .kind = U32 }, [NKSTAT_GROUP_A_NAME] = { .kind = STR },
	 [NKSTAT_GROUP_A_STATE] = { .kind = U32 }, [NKSTAT_GROUP_A_REASON] = { .kind = STR },
	 [NKSTAT_GROUP_A_HOOK] = { .kind = NEST, .nest = &fuzz_hook },
	 [NKSTAT_GROUP_A_UNAVAILABLE] = { .kind = NEST, .nest = &fuzz_unavail },
	 [NKSTAT_GROUP_A_ESTIMATE] = { .kind = STR }, [NKSTAT_GROUP_A_LOSSY] = { .kind = STR });
FUZZ_SET(fuzz_nud, NKSTAT_NUD_A_MAX, [1 ... NKSTAT_NUD_A_MAX] = { .kind = U64 });
FUZZ_SET(fuzz_neigh, NKSTAT_NEIGH_A_MAX,
	 [NKSTAT_NEIGH_A_TABLE] = { .kind = U32 }, [NKSTAT_NEIGH_A_TABLE_HIDDEN] = { .kind = FLAG },
	 [NKSTAT_NEIGH_A_ENTRIES ... NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED] = { .kind = U64 },
	 [NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST] = { .kind = NEST, .nest = &fuzz_hist },
	 [NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST] = { .kind = NEST, .nest = &fuzz_hist },
	 [NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS ... NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS] =
		{ .kind = U64 },
	 [NKSTAT_NEIGH_A_NUD] = { .kind = NEST, .nest = &fuzz_nud },
	 [NKSTAT_NEIGH_A_ALLOC_FAILURES] = { .kind = U64 });
FUZZ_SET(fuzz_ports, NKSTAT_PORTS_A_MAX,
	 [NKSTAT_PORTS_A_BHASH_SIZE ... NKSTAT_PORTS_A_MAX_CHAIN] = { .kind = U64 },
	 [NKSTAT_PORTS_A_CHAIN_HIST] = { .kind = NEST, .nest = &fuzz_hist },
	 [NKSTAT_PORTS_A_OWNERS ... NKSTAT_PORTS_A_MAX] = { .kind = U64 });
FUZZ_SET(fuzz_port, NKSTAT_PORT_A_MAX, [1 ... NKSTAT_PORT_A_MAX] = { .kind = U32 });
FUZZ_SET(fuzz_orphans, NKSTAT_ORPHANS_A_MAX,
	 [NKSTAT_ORPHANS_A_TOTAL ... NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING] = { .kind = U64 },
	 [NKSTAT_ORPHANS_A_PROBES_HIST] = { .kind = NEST, .nest = &fuzz_hist },
	 [NKSTAT_ORPHANS_A_MAX_BACKOFF ... NKSTAT_ORPHANS_A_MAX] = { .kind = U64 });
FUZZ_SET(fuzz_aborts, NKSTAT_ABORTS_A_MAX,
	 [NKSTAT_ABORTS_A_RETRIES2 ... NKSTAT_ABORTS_A_MAX] = { .kind = U64 });
FUZZ_SET(fuzz_tcp, NKSTAT_TCP_A_MAX,
	 [NKSTAT_TCP_A_ORPHANS] = { .kind = NEST, .nest = &fuzz_orphans },
	 [NKSTAT_TCP_A_STALLED_ZERO_WINDOW ... NKSTAT_TCP_A_ORPHANS_GLOBAL] = { .kind = U64 },
	 [NKSTAT_TCP_A_ABORTS] = { .kind = NEST, .nest = &fuzz_aborts },
	 [NKSTAT_TCP_A_ABORT_ON_TIMEOUT ... NKSTAT_TCP_A_MAX] = { .kind = U64 });
/* the addresses are binary, 4 or 16 bytes: ANY */
FUZZ_SET(fuzz_orphan, NKSTAT_ORPHAN_A_MAX,
	 [NKSTAT_ORPHAN_A_FAMILY] = { .kind = U32 },
	 [NKSTAT_ORPHAN_A_SPORT ... NKSTAT_ORPHAN_A_MAX] = { .kind = U32 });
FUZZ_SET(fuzz_top, NKSTAT_A_MAX,
	 [NKSTAT_A_MODULE_VERSION] = { .kind = STR }, [NKSTAT_A_KERNEL_RELEASE] = { .kind = STR },
	 [NKSTAT_A_NETNS_REQUESTS] = { .kind = U64 }, [NKSTAT_A_GROUP_ID] = { .kind = U32 },
	 [NKSTAT_A_GROUP] = { .kind = NEST, .nest = &fuzz_group },
	 [NKSTAT_A_NEIGH_TABLE] = { .kind = U32 }, [NKSTAT_A_NEIGH] = { .kind = NEST, .nest = &fuzz_neigh },
	 [NKSTAT_A_IFINDEX] = { .kind = U32 }, [NKSTAT_A_IFNAME] = { .kind = STR },
	 [NKSTAT_A_PORTS] = { .kind = NEST, .nest = &fuzz_ports }, [NKSTAT_A_PORT] = { .kind = NEST, .nest = &fuzz_port },
	 [NKSTAT_A_PORT_MIN] = { .kind = U16 }, [NKSTAT_A_PORT_MAX] = { .kind = U16 },
	 [NKSTAT_A_PORT_EPHEMERAL] = { .kind = FLAG }, [NKSTAT_A_PORT_MIN_OWNERS] = { .kind = U32 },
	 [NKSTAT_A_TCP] = { .kind = NEST, .nest = &fuzz_tcp }, [NKSTAT_A_ORPHAN] = { .kind = NEST, .nest = &fuzz_orphan },
	 [NKSTAT_A_ORPHAN_ZERO_WINDOW] = { .kind = FLAG }, [NKSTAT_A_LOSSY] = { .kind = STR });

/* True if the @len bytes at @data are attributes of @set, as a module sends them. */
static bool fuzz_abi_ok(const uint8_t *data, size_t len, const struct fuzz_set *set,
			int depth)
{
	while (len) {
		struct nlattr a;
		const struct fuzz_type *t;
		const uint8_t *p = data + NLA_HDRLEN;
		size_t plen, total;
		int type;

		if (len < NLA_HDRLEN || depth > 8)
			return false;
		memcpy(&a, data, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return false;
		plen = a.nla_len - NLA_HDRLEN;
		total = NLA_ALIGN(a.nla_len);
		if (total > len)
			total = len;	/* the last one's padding may be cut */
		type = a.nla_type & NLA_TYPE_MASK;
		t = type <= set->max ? &set->types[type] : NULL;
		switch (t ? t->kind : ANY) {
		case U16:
			if (plen != 2)
				return false;
			break;
		case U32:
			if (plen != 4)
				return false;
			break;
		case U64:
			if (plen != 8)
				return false;
			break;
		case STR:
			if (!plen || p[plen - 1])
				return false;
			break;
		case FLAG:
			if (plen)
				return false;
			break;
		case NEST:
			if (!fuzz_abi_ok(p, plen, t->nest, depth + 1))
				return false;
			break;
		}
		data += total;
		len -= total;
	}
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fuzz_show = getenv("NKS_FUZZ_SHOW") && *getenv("NKS_FUZZ_SHOW");
	fuzz_abi = getenv("NKS_FUZZ_ABI") && *getenv("NKS_FUZZ_ABI");
	if (fuzz_show)
		return 0;
	/* printing is the tool's business, not the fuzzer's: make it cheap */
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		abort();
	close(fd);
	return 0;
}

/*
 * A message of @type and @flags carrying @hlen bytes of @hdr then the
 * input, in a buffer of exactly its length (as the kernel sent it; libnl
 * reads it into a larger one), and *@msg its nlmsg_convert() copy.
 */
static struct nlmsghdr *fuzz_msg(uint16_t type, uint16_t flags, const void *hdr,
				 size_t hlen, const uint8_t *data, size_t size,
				 struct nl_msg **msg)
{
	size_t len = NLMSG_HDRLEN + hlen + size;
	struct nlmsghdr *nlh = malloc(len);

	if (!nlh)
		abort();
	*nlh = (struct nlmsghdr){
		.nlmsg_len = len,
		.nlmsg_type = type,
		.nlmsg_flags = flags,
		.nlmsg_seq = 1,
	};
	if (hlen)
		memcpy((char *)nlh + NLMSG_HDRLEN, hdr, hlen);
	if (size)
		memcpy((char *)nlh + NLMSG_HDRLEN + hlen, data, size);
	*msg = nlmsg_convert(nlh);
	if (!*msg)
		abort();
	return nlh;
}

/* --- JSON output, read back as nkstat diff reads it ----------------------- */

static FILE *fuzz_stdout;
static char *fuzz_out;
static size_t fuzz_out_len;

static void fuzz_capture(const struct nks_opts *opts)
{
	if (!opts->json)
		return;
	fflush(stdout);
	fuzz_stdout = stdout;
	stdout = open_memstream(&fuzz_out, &fuzz_out_len);
	if (!stdout)
		abort();
}

/* @err: the command failed, its output (if any) need not be whole. */
static void fuzz_check(const struct nks_opts *opts, const char *what, int err)
{
	struct nks_flat flat;
	const char *why = NULL;

	if (!opts->json)
		return;
	fclose(stdout);
	stdout = fuzz_stdout;
	if (fuzz_show)
		fwrite(fuzz_out, 1, fuzz_out_len, stdout);
	if (!err && nks_json_flatten(fuzz_out, fuzz_out_len, &flat, &why)) {
		fprintf(stderr, "fuzz_reply: %s (%s) wrote JSON that nkstat diff cannot read: %s\n%.*s\n",
			what, opts->pretty ? "pretty" : "compact", why,
			(int)fuzz_out_len, fuzz_out);
		abort();
	}
	if (!err)
		nks_flat_free(&flat);
	free(fuzz_out);
	fuzz_out = NULL;
}

/* --- the callbacks ------------------------------------------------------- */

static const struct nks_opts fuzz_modes[] = {
	{ .netns = "4026531840" },
	{ .json = true, .netns = "4026531840" },
	{ .json = true, .pretty = true, .netns = "4026531840" },
	/* a name given with -n, with what a label must escape */
	{ .prom = true, .netns = "ns\"1\\\n" },
};

static void fuzz_printers(struct nl_msg *msg, const struct nks_opts *o)
{
	static const struct {
		const char *name;
		nks_reply_fn fn;
	} printers[] = {
		{ "info", nks_info_print },
		{ "neigh", nks_neigh_print },
		{ "ports", nks_ports_print },
		{ "tcp", nks_tcp_print },
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(printers) / sizeof(printers[0]); i++) {
		fuzz_capture(o);
		err = fuzz_nl_valid(msg, printers[i].fn, (void *)o);
		fuzz_check(o, printers[i].name, err);
	}

	fuzz_capture(o);
	err = fuzz_summary(msg, o);
	fuzz_check(o, "summary", err);
	if (o->prom)
		return;		/* the dumps have no Prometheus form */

	fuzz_capture(o);
	err = fuzz_neigh_dev(msg, 2, o);
	fuzz_check(o, "neigh dev", err);
	fuzz_capture(o);
	err = fuzz_ports_list(msg, 2, o, 0);
	fuzz_check(o, "ports list", err);
	fuzz_capture(o);
	err = fuzz_ports_list(msg, 2, o, 3);
	fuzz_check(o, "ports list --top 3", err);
	fuzz_capture(o);
	err = fuzz_tcp_orphans(msg, 2, o, false);
	fuzz_check(o, "tcp orphans", err);
	fuzz_capture(o);
	err = fuzz_tcp_orphans(msg, 2, o, true);
	fuzz_check(o, "tcp orphans --peers", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t err_flags[] = {
		0, NLM_F_ACK_TLVS, NLM_F_ACK_TLVS | NLM_F_CAPPED,
	};
	struct genlmsghdr genl = {
		.cmd = NKSTAT_CMD_GET_INFO,
		.version = NKSTAT_GENL_VERSION,
	};
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	size_t i;

	if (size > FUZZ_MSG_MAX - NLMSG_HDRLEN - GENL_HDRLEN)
		return -1;

	/* the error and extack parsers first: NKS_FUZZ_ABI does not apply */
	for (i = 0; i < sizeof(err_flags) / sizeof(err_flags[0]); i++) {
		nlh = fuzz_msg(NLMSG_ERROR, err_flags[i], NULL, 0, data, size, &msg);
		fuzz_nl_error(msg, nlh);
		nlmsg_free(msg);
		free(nlh);
		nlh = fuzz_msg(NLMSG_DONE, NLM_F_MULTI | err_flags[i], NULL, 0, data,
			       size, &msg);
		fuzz_nl_finish(msg);
		nlmsg_free(msg);
		free(nlh);
	}
	if (fuzz_abi && !fuzz_abi_ok(data, size, &fuzz_top, 0))
		return -1;

	nlh = fuzz_msg(FUZZ_FAMILY, NLM_F_MULTI, &genl, GENL_HDRLEN, data, size, &msg);
	for (i = 0; i < sizeof(fuzz_modes) / sizeof(fuzz_modes[0]); i++)
		fuzz_printers(msg, &fuzz_modes[i]);
	fuzz_watch(msg, &fuzz_modes[0]);
	fuzz_complete_groups(msg);
	nlmsg_free(msg);
	free(nlh);
	return 0;
}
