/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nkstat: the command-line side of the nkstat kernel module.
 */
#ifndef NKSTAT_TOOL_H
#define NKSTAT_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/attr.h>

/* Exit codes; documented in docs/nkstat.8. */
enum {
	NKS_EXIT_OK = 0,
	NKS_EXIT_USAGE = 1,	/* bad command line */
	NKS_EXIT_KERNEL = 2,	/* the kernel refused or failed a request */
	NKS_EXIT_NOMOD = 3,	/* the nkstat family is not registered */
	NKS_EXIT_PERM = 4,	/* refused for want of a privilege (EPERM) */
};

struct nks_opts {
	bool json;
	bool pretty;
	bool prom;		/* Prometheus text exposition */
	const char *netns;	/* the netns label of Prometheus series */
};

/* A netlink session with the nkstat family. */
struct nks_nl {
	struct nl_sock *sk;
	int family;
};

/*
 * One reply message. @tb indexes the top-level attributes by type, up to
 * the highest this tool knows (newer ones are skipped); repeated ones
 * (NKSTAT_A_GROUP) are walked through @attrs/@len.
 */
struct nks_reply {
	struct nlattr *tb[NKSTAT_A_MAX + 1];
	struct nlattr *attrs;
	int len;
};

/* Called once per reply message. Returns 0 or a negative errno. */
typedef int (*nks_reply_fn)(const struct nks_reply *reply, void *arg);

int nks_nl_open(struct nks_nl *nl);
void nks_nl_close(struct nks_nl *nl);
/*
 * Sends @cmd with @flags (NLM_F_DUMP for a dump), carrying the u32
 * attribute @attr = @val unless @attr is 0, and calls @fn for each reply.
 * Returns an exit code, having printed one line on failure.
 */
int nks_nl_cmd(struct nks_nl *nl, uint8_t cmd, int flags, int attr,
	       uint32_t val, nks_reply_fn fn, void *arg);
/*
 * The kernel refused @cmd with @err (negative) and the extack message
 * @ext_msg ("" if none): prints one line and returns the exit code. EPERM
 * from a command that walks a table names the object and CAP_NET_ADMIN.
 */
int nks_nl_refused(uint8_t cmd, int err, const char *ext_msg);

/* A u64 attribute of a reply and its JSON name. */
struct nks_field {
	int attr;
	const char *name;
};

/* ... and its Prometheus metric: name (after "nkstat_"), type, help. */
struct nks_prom_field {
	int attr;
	const char *name;
	const char *type;
	const char *help;
};

/* From this share of a limit up, the tool flags it (HIGH, NEAR). */
#define NKS_NEAR_PCT 80.0

/* 100 * @n / @d, or 0 when @d is 0. */
static inline double nks_pct(uint64_t n, uint64_t d)
{
	return d ? 100.0 * (double)n / (double)d : 0;
}

/* A u64 attribute's value into *@v; false if it is absent. */
bool nks_attr_u64(struct nlattr *a, uint64_t *v);
/*
 * A u32 attribute's value, 0 if absent or too short; a string attribute,
 * NULL if absent or not NUL-terminated. Replies are read only through
 * these and nks_attr_u64(): a malformed reply reads as missing values,
 * never past an attribute.
 */
uint32_t nks_get_u32(struct nlattr *a);
const char *nks_attr_str(struct nlattr *a);
/* A u64 attribute in decimal, or "n/a" if it is absent. */
const char *nks_attr_fmt(struct nlattr *a, char *buf, size_t len);
#define NKS_FMT(a, buf) nks_attr_fmt(a, buf, sizeof(buf))

/*
 * Attributes of @len bytes at @head, walked inline: a dump has thousands
 * of rows, and libnl's nla_* calls are out of line.
 */
#define nks_for_each_tlv(a, head, len, rem)					\
	for ((a) = (head), (rem) = (len);					\
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&		\
	     (a)->nla_len <= (rem);						\
	     (rem) -= NLA_ALIGN((a)->nla_len),					\
	     (a) = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

/* The u32 payload of @a, which the caller checked is long enough. */
static inline uint32_t nks_tlv_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/* An attribute of a request. */
enum { NKS_ATTR_U16, NKS_ATTR_U32, NKS_ATTR_FLAG };
struct nks_attr {
	int type;
	int kind;
	uint32_t val;
};

/* nks_nl_cmd() with the @n attributes of @attrs. */
int nks_nl_cmd_attrs(struct nks_nl *nl, uint8_t cmd, int flags,
		     const struct nks_attr *attrs, int n, nks_reply_fn fn,
		     void *arg);

/* What to call with each group's reply. */
struct nks_group_fns {
	nks_reply_fn info, neigh, ports, tcp;
};

/*
 * GET_INFO, then GET_NEIGH, GET_PORTS and GET_TCP for those groups that
 * report on this kernel: @fns get the replies, with @arg. Returns an
 * exit code, having printed one line on failure.
 */
int nks_query_groups(const struct nks_group_fns *fns, void *arg);

/* A minimal streaming JSON writer; nks_json_end() flushes it. */
struct nks_json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma;	/* a sibling was written at this depth */
	bool after_key;		/* the next value belongs to a key */
	size_t len;		/* bytes waiting in @buf */
	char buf[16384];
};

void nks_json_init(struct nks_json *j, FILE *f, bool pretty);
void nks_json_key(struct nks_json *j, const char *key);
void nks_json_open(struct nks_json *j, char bracket);
void nks_json_close(struct nks_json *j, char bracket);
void nks_json_string(struct nks_json *j, const char *s);
void nks_json_u64(struct nks_json *j, uint64_t v);
void nks_json_null(struct nks_json *j);
/* "key": "s", or "key": null when @s is NULL (not available) */
void nks_json_kstr(struct nks_json *j, const char *key, const char *s);
/* "key": v, or "key": null when the value is not @present */
void nks_json_ku64(struct nks_json *j, const char *key, bool present,
		   uint64_t v);
void nks_json_ki64(struct nks_json *j, const char *key, bool present,
		   int64_t v);
/* "key": v with one decimal, or null */
void nks_json_kfixed1(struct nks_json *j, const char *key, bool present,
		      double v);
void nks_json_kbool(struct nks_json *j, const char *key, bool v);
void nks_json_end(struct nks_json *j);
/* A document that is one list: {"KEY": [...]}, then end. */
void nks_json_list_begin(struct nks_json *j, FILE *f, bool pretty,
			 const char *key);
void nks_json_list_end(struct nks_json *j);

/* Commands. */
int nks_cmd_summary(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_info(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_neigh(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_ports(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_tcp(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_watch(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_snapshot(const struct nks_opts *opts, int argc, char **argv);
int nks_cmd_diff(const struct nks_opts *opts, int argc, char **argv);

/* A JSON document flattened: one value per leaf, named by its path. */
struct nks_flat_val {
	char *path;		/* "tcp.aborts.retries2" */
	long double v;		/* numbers, and true/false as 1/0 */
	bool null;
	bool is_str;
	char str[96];		/* a string's value, cut short */
};

struct nks_flat {
	struct nks_flat_val *v;
	size_t n, cap;
};

/*
 * Parses the JSON @text of @len bytes (no NUL needed) into @out; returns 0,
 * or -EINVAL with *@err saying what is wrong. Free @out with
 * nks_flat_free().
 */
int nks_json_flatten(const char *text, size_t len, struct nks_flat *out,
		     const char **err);
void nks_flat_free(struct nks_flat *f);
/* Print one reply as text or JSON; exposed for the tests. */
int nks_info_print(const struct nks_reply *reply, void *opts);
int nks_neigh_print(const struct nks_reply *reply, void *opts);
int nks_ports_print(const struct nks_reply *reply, void *opts);
int nks_tcp_print(const struct nks_reply *reply, void *opts);
/*
 * net.ipv4.tcp_max_orphans, a global sysctl; false if unreadable, as it
 * is from a netns other than the initial one (but see -n).
 */
bool nks_tcp_max_orphans(uint64_t *v);
/*
 * From a NKSTAT_A_PORTS nest's attributes: the ports in the ephemeral
 * range (*@size, set whenever the range is there) and those in use
 * (*@used). False unless both are known.
 */
bool nks_ports_ephemeral(struct nlattr **tb, uint64_t *size, uint64_t *used);
int nks_neigh_table_id(const char *name);

/* Histograms: JSON {"0": n, "1": n, "2-3": n, ...}, or null if absent;
 * text "  TITLE  0:n 2-3:n" on one line, non-empty buckets only, then
 * @mark (a lossy mark, or "") unless the histogram is absent.
 */
void nks_json_khist(struct nks_json *j, const char *key, struct nlattr *nest);
void nks_text_hist(const char *title, struct nlattr *nest, const char *mark);

/*
 * Lossy counters (see lossy.c): whether a reply lists @name in
 * NKSTAT_A_LOSSY; its mark, " (lossy: lower bound)" or ""; a u64 as
 * nks_attr_fmt() prints it, then its mark when present and lossy.
 */
bool nks_lossy(const struct nks_reply *r, const char *name);
const char *nks_lossy_mark(const struct nks_reply *r, const char *name);
const char *nks_lossy_fmt(const struct nks_reply *r, const char *name,
			  struct nlattr *a, char *buf, size_t len);
#define NKS_LFMT(r, name, a, buf) nks_lossy_fmt(r, name, a, buf, sizeof(buf))
/*
 * "KEY": [...], the strings of @type among the @len bytes of attributes at
 * @head (null for one that is not a string); "lossy": [...] of a reply.
 */
void nks_json_kstrings(struct nks_json *j, const char *key,
		       struct nlattr *head, int len, int type);
void nks_json_klossy(struct nks_json *j, const struct nks_reply *r);
/* nkstat_GROUP_lossy{LABELS,counter="NAME"} 1 per lossy counter of @r */
void nks_prom_lossy(const struct nks_reply *r, const char *group,
		    const char *labels);

/* Prometheus text exposition: metric "nkstat_NAME", labels "k=\"v\",..." */
void nks_prom_family(const char *name, const char *type, const char *help);
void nks_prom_label(char *buf, size_t len, const char *key, const char *value);
void nks_prom_sample(const char *name, const char *labels, uint64_t v);
int nks_prom_all(const struct nks_opts *opts);
/*
 * Sends every sample to @fn, with its family's type ("counter", "gauge"),
 * instead of printing; NULL prints again. nkstat watch reads them so.
 */
typedef void (*nks_prom_sink_fn)(const char *name, const char *labels,
				 const char *type, uint64_t v, void *arg);
void nks_prom_set_sink(nks_prom_sink_fn fn, void *arg);

/* nkstat __complete WORD...: candidates for the next word, one per line. */
int nks_complete(int argc, char **argv, const char *const *objects);

/* Shared lookups. */
const char *nks_group_name(uint32_t id);
/* These return NULL for a value this tool does not know. */
const char *nks_group_state_name(uint32_t state);
const char *nks_neigh_table_name(uint32_t id);
int nks_group_id(const char *name);
void nks_print_groups(FILE *f);

#endif /* NKSTAT_TOOL_H */
