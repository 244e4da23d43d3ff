// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat info: the module, the kernel, and each counter group's state
 * with the hooks it uses and the counters this kernel cannot provide.
 */
#include <errno.h>
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nkstat.h"

#define NKS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const nks_group_names[] = {
	[NKSTAT_GROUP_NEIGH] = "neigh",
	[NKSTAT_GROUP_PORTS] = "ports",
	[NKSTAT_GROUP_TCP] = "tcp",
};

static const char *const nks_state_names[] = {
	[NKSTAT_GROUP_STATE_ACTIVE] = "active",
	[NKSTAT_GROUP_STATE_PARTIAL] = "partial",
	[NKSTAT_GROUP_STATE_UNAVAILABLE] = "unavailable",
};

static const char *const nks_hook_kind_names[] = {
	[NKSTAT_HOOK_KIND_KPROBE] = "kprobe",
	[NKSTAT_HOOK_KIND_KRETPROBE] = "kretprobe",
	[NKSTAT_HOOK_KIND_TRACEPOINT] = "tracepoint",
	[NKSTAT_HOOK_KIND_SYMBOL] = "symbol",
	[NKSTAT_HOOK_KIND_WALK] = "walk",
};

const char *nks_group_name(uint32_t id)
{
	return id < NKS_ARRAY_SIZE(nks_group_names) ? nks_group_names[id] : NULL;
}

const char *nks_group_state_name(uint32_t state)
{
	return state < NKS_ARRAY_SIZE(nks_state_names) ? nks_state_names[state] : NULL;
}

int nks_group_id(const char *name)
{
	size_t i;

	for (i = 0; i < NKS_ARRAY_SIZE(nks_group_names); i++) {
		if (nks_group_names[i] && !strcmp(name, nks_group_names[i]))
			return (int)i;
	}
	return -1;
}

void nks_print_groups(FILE *f)
{
	size_t i;

	for (i = 0; i < NKS_ARRAY_SIZE(nks_group_names); i++) {
		if (nks_group_names[i])
			fprintf(f, " %s", nks_group_names[i]);
	}
}

/*
 * The name of an enum value held by @a, "unknown-N" for a value from a
 * newer module, or NULL when @a is missing.
 */
static const char *nks_enum_attr(struct nlattr *a, const char *const *names,
				 size_t n, char *buf, size_t len)
{
	uint32_t v;

	if (!a)
		return NULL;
	v = nks_get_u32(a);
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "unknown-%u", v);
	return buf;
}

#define NKS_ENUM_ATTR(a, names, buf) \
	nks_enum_attr(a, names, NKS_ARRAY_SIZE(names), buf, sizeof(buf))

static const char *nks_str_attr(struct nlattr *a)
{
	return nks_attr_str(a);
}

static const char *nks_errno_attr(struct nlattr *a)
{
	return a ? strerror((int)nks_get_u32(a)) : NULL;
}

static const char *nks_or_na(const char *s)
{
	return s ? s : "n/a";
}

static void nks_info_json_hook(struct nks_json *j, struct nlattr *nest)
{
	struct nlattr *tb[NKSTAT_HOOK_A_MAX + 1];
	char buf[32];

	nla_parse_nested(tb, NKSTAT_HOOK_A_MAX, nest, NULL);
	nks_json_open(j, '{');
	nks_json_kstr(j, "name", nks_str_attr(tb[NKSTAT_HOOK_A_NAME]));
	nks_json_kstr(j, "kind", NKS_ENUM_ATTR(tb[NKSTAT_HOOK_A_KIND],
					       nks_hook_kind_names, buf));
	nks_json_kstr(j, "error", nks_errno_attr(tb[NKSTAT_HOOK_A_ERROR]));
	/* null for hooks that cannot miss (tracepoints, walks) */
	nks_json_ku64(j, "missed", tb[NKSTAT_HOOK_A_MISSED],
		      tb[NKSTAT_HOOK_A_MISSED] ?
		      nla_get_u64(tb[NKSTAT_HOOK_A_MISSED]) : 0);
	nks_json_close(j, '}');
}

static void nks_info_json_unavail(struct nks_json *j, struct nlattr *nest)
{
	struct nlattr *tb[NKSTAT_UNAVAIL_A_MAX + 1];

	nla_parse_nested(tb, NKSTAT_UNAVAIL_A_MAX, nest, NULL);
	nks_json_open(j, '{');
	nks_json_kstr(j, "counter", nks_str_attr(tb[NKSTAT_UNAVAIL_A_COUNTER]));
	nks_json_kstr(j, "reason", nks_str_attr(tb[NKSTAT_UNAVAIL_A_REASON]));
	nks_json_close(j, '}');
}

/* Writes the nested attributes of type @type inside @grp as a JSON array. */
static void nks_info_json_list(struct nks_json *j, struct nlattr *grp,
			       int type, const char *key,
			       void (*one)(struct nks_json *, struct nlattr *))
{
	struct nlattr *a;
	int rem;

	nks_json_key(j, key);
	nks_json_open(j, '[');
	nla_for_each_nested(a, grp, rem) {
		if (nla_type(a) == type)
			one(j, a);
	}
	nks_json_close(j, ']');
}

static void nks_info_json_group(struct nks_json *j, struct nlattr *grp)
{
	struct nlattr *tb[NKSTAT_GROUP_A_MAX + 1];
	char buf[32];

	nla_parse_nested(tb, NKSTAT_GROUP_A_MAX, grp, NULL);
	nks_json_open(j, '{');
	nks_json_kstr(j, "name", nks_str_attr(tb[NKSTAT_GROUP_A_NAME]));
	nks_json_ku64(j, "id", tb[NKSTAT_GROUP_A_ID],
		      tb[NKSTAT_GROUP_A_ID] ? nks_get_u32(tb[NKSTAT_GROUP_A_ID]) : 0);
	nks_json_kstr(j, "state", NKS_ENUM_ATTR(tb[NKSTAT_GROUP_A_STATE],
						nks_state_names, buf));
	nks_json_kstr(j, "reason", nks_str_attr(tb[NKSTAT_GROUP_A_REASON]));
	nks_info_json_list(j, grp, NKSTAT_GROUP_A_HOOK, "hooks",
			   nks_info_json_hook);
	nks_info_json_list(j, grp, NKSTAT_GROUP_A_UNAVAILABLE, "unavailable",
			   nks_info_json_unavail);
	nks_json_kstrings(j, "estimates", nla_data(grp), nla_len(grp),
			  NKSTAT_GROUP_A_ESTIMATE);
	nks_json_kstrings(j, "lossy", nla_data(grp), nla_len(grp),
			  NKSTAT_GROUP_A_LOSSY);
	nks_json_close(j, '}');
}

static void nks_info_json(const struct nks_reply *r, bool pretty)
{
	struct nks_json j;
	struct nlattr *a;
	int rem;

	nks_json_init(&j, stdout, pretty);
	nks_json_open(&j, '{');
	nks_json_key(&j, "info");
	nks_json_open(&j, '{');
	nks_json_kstr(&j, "tool_version", NKSTAT_VERSION);
	nks_json_kstr(&j, "module_version",
		      nks_str_attr(r->tb[NKSTAT_A_MODULE_VERSION]));
	nks_json_kstr(&j, "kernel_release",
		      nks_str_attr(r->tb[NKSTAT_A_KERNEL_RELEASE]));
	nks_json_ku64(&j, "netns_requests", r->tb[NKSTAT_A_NETNS_REQUESTS],
		      r->tb[NKSTAT_A_NETNS_REQUESTS] ?
		      nla_get_u64(r->tb[NKSTAT_A_NETNS_REQUESTS]) : 0);
	nks_json_key(&j, "groups");
	nks_json_open(&j, '[');
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		if (nla_type(a) == NKSTAT_A_GROUP)
			nks_info_json_group(&j, a);
	}
	nks_json_close(&j, ']');
	nks_json_close(&j, '}');
	nks_json_close(&j, '}');
	nks_json_end(&j);
}

static void nks_info_text_hook(struct nlattr *nest)
{
	struct nlattr *tb[NKSTAT_HOOK_A_MAX + 1];
	char buf[32];

	nla_parse_nested(tb, NKSTAT_HOOK_A_MAX, nest, NULL);
	printf("%-8s   hook %s %s", "",
	       nks_or_na(NKS_ENUM_ATTR(tb[NKSTAT_HOOK_A_KIND],
				       nks_hook_kind_names, buf)),
	       nks_or_na(nks_str_attr(tb[NKSTAT_HOOK_A_NAME])));
	if (tb[NKSTAT_HOOK_A_ERROR])
		printf(": failed, %s", nks_errno_attr(tb[NKSTAT_HOOK_A_ERROR]));
	/* only when it matters: its counters are short by that many */
	if (tb[NKSTAT_HOOK_A_MISSED] && nla_get_u64(tb[NKSTAT_HOOK_A_MISSED]))
		printf(" (missed %llu hits: its counters are short by as many)",
		       (unsigned long long)nla_get_u64(tb[NKSTAT_HOOK_A_MISSED]));
	putchar('\n');
}

static void nks_info_text_unavail(struct nlattr *nest)
{
	struct nlattr *tb[NKSTAT_UNAVAIL_A_MAX + 1];

	nla_parse_nested(tb, NKSTAT_UNAVAIL_A_MAX, nest, NULL);
	printf("%-8s   n/a  %s: %s\n", "",
	       nks_or_na(nks_str_attr(tb[NKSTAT_UNAVAIL_A_COUNTER])),
	       nks_or_na(nks_str_attr(tb[NKSTAT_UNAVAIL_A_REASON])));
}

/* One line naming the strings of @type in @grp: "WHAT a, b TAIL"; none: no line. */
static void nks_info_text_names(struct nlattr *grp, int type, const char *what,
				const char *tail)
{
	const char *sep = NULL;	/* before the next name; NULL: none yet */
	struct nlattr *a;
	int rem;

	nks_for_each_tlv(a, (struct nlattr *)nla_data(grp), nla_len(grp), rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != type)
			continue;
		if (!sep)
			printf("%-8s   %s ", "", what);
		printf("%s%s", sep ? sep : "", nks_or_na(nks_attr_str(a)));
		sep = ", ";
	}
	if (sep)
		printf(" %s\n", tail);
}

static void nks_info_text_group(struct nlattr *grp)
{
	struct nlattr *tb[NKSTAT_GROUP_A_MAX + 1];
	struct nlattr *a;
	char buf[32];
	int rem;

	nla_parse_nested(tb, NKSTAT_GROUP_A_MAX, grp, NULL);
	printf("%-8s %-12s %s\n", nks_or_na(nks_str_attr(tb[NKSTAT_GROUP_A_NAME])),
	       nks_or_na(NKS_ENUM_ATTR(tb[NKSTAT_GROUP_A_STATE],
				       nks_state_names, buf)),
	       tb[NKSTAT_GROUP_A_REASON] ?
	       nks_str_attr(tb[NKSTAT_GROUP_A_REASON]) : "");
	nla_for_each_nested(a, grp, rem) {
		if (nla_type(a) == NKSTAT_GROUP_A_HOOK)
			nks_info_text_hook(a);
		else if (nla_type(a) == NKSTAT_GROUP_A_UNAVAILABLE)
			nks_info_text_unavail(a);
	}
	nks_info_text_names(grp, NKSTAT_GROUP_A_ESTIMATE, "estimates",
			    "(the others are exact)");
	nks_info_text_names(grp, NKSTAT_GROUP_A_LOSSY, "lossy",
			    "(lower bounds: a hook missed hits since load)");
}

static void nks_info_text(const struct nks_reply *r)
{
	struct nlattr *a;
	int rem;

	printf("module   nkstat %s\n",
	       nks_or_na(nks_str_attr(r->tb[NKSTAT_A_MODULE_VERSION])));
	printf("kernel   %s\n",
	       nks_or_na(nks_str_attr(r->tb[NKSTAT_A_KERNEL_RELEASE])));
	printf("tool     nkstat %s\n", NKSTAT_VERSION);
	if (r->tb[NKSTAT_A_NETNS_REQUESTS])
		printf("requests %llu served in this netns\n",
		       (unsigned long long)nla_get_u64(r->tb[NKSTAT_A_NETNS_REQUESTS]));
	else
		printf("requests n/a\n");
	printf("\n%-8s %-12s %s\n", "GROUP", "STATE", "DETAIL");
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		if (nla_type(a) == NKSTAT_A_GROUP)
			nks_info_text_group(a);
	}
}

static void nks_info_prom(const struct nks_reply *r, const struct nks_opts *opts)
{
	struct nlattr *a, *h, *g[NKSTAT_GROUP_A_MAX + 1], *hk[NKSTAT_HOOK_A_MAX + 1];
	char labels[512];
	uint32_t st;
	int rem, hrem;

	nks_prom_family("info", "gauge",
			"1, labelled with the module's, kernel's and tool's versions.");
	labels[0] = '\0';
	nks_prom_label(labels, sizeof(labels), "module_version",
		       nks_or_na(nks_str_attr(r->tb[NKSTAT_A_MODULE_VERSION])));
	nks_prom_label(labels, sizeof(labels), "kernel_release",
		       nks_or_na(nks_str_attr(r->tb[NKSTAT_A_KERNEL_RELEASE])));
	nks_prom_label(labels, sizeof(labels), "tool_version", NKSTAT_VERSION);
	nks_prom_sample("info", labels, 1);

	if (r->tb[NKSTAT_A_NETNS_REQUESTS]) {
		nks_prom_family("netns_requests_total", "counter",
				"Requests the module has served in the netns.");
		labels[0] = '\0';
		nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
		nks_prom_sample("netns_requests_total", labels,
				nla_get_u64(r->tb[NKSTAT_A_NETNS_REQUESTS]));
	}

	nks_prom_family("group_state", "gauge",
			"1 for the state each counter group is in on this kernel, else 0.");
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		if (nla_type(a) != NKSTAT_A_GROUP ||
		    nla_parse_nested(g, NKSTAT_GROUP_A_MAX, a, NULL) ||
		    !g[NKSTAT_GROUP_A_NAME] || !g[NKSTAT_GROUP_A_STATE])
			continue;
		for (st = NKSTAT_GROUP_STATE_ACTIVE; st <= NKSTAT_GROUP_STATE_UNAVAILABLE; st++) {
			labels[0] = '\0';
			nks_prom_label(labels, sizeof(labels), "group",
				       nks_or_na(nks_attr_str(g[NKSTAT_GROUP_A_NAME])));
			nks_prom_label(labels, sizeof(labels), "state", nks_state_names[st]);
			nks_prom_sample("group_state", labels,
					nks_get_u32(g[NKSTAT_GROUP_A_STATE]) == st);
		}
	}

	nks_prom_family("hook_missed_total", "counter",
			"Hits a kprobe or kretprobe did not handle; the counters it feeds are short by as many.");
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		if (nla_type(a) != NKSTAT_A_GROUP ||
		    nla_parse_nested(g, NKSTAT_GROUP_A_MAX, a, NULL) ||
		    !g[NKSTAT_GROUP_A_NAME])
			continue;
		nla_for_each_nested(h, a, hrem) {
			if (nla_type(h) != NKSTAT_GROUP_A_HOOK ||
			    nla_parse_nested(hk, NKSTAT_HOOK_A_MAX, h, NULL) ||
			    !hk[NKSTAT_HOOK_A_NAME] || !hk[NKSTAT_HOOK_A_MISSED])
				continue;
			labels[0] = '\0';
			nks_prom_label(labels, sizeof(labels), "group",
				       nks_or_na(nks_attr_str(g[NKSTAT_GROUP_A_NAME])));
			nks_prom_label(labels, sizeof(labels), "hook",
				       nks_or_na(nks_attr_str(hk[NKSTAT_HOOK_A_NAME])));
			nks_prom_sample("hook_missed_total", labels,
					nla_get_u64(hk[NKSTAT_HOOK_A_MISSED]));
		}
	}
}

int nks_info_print(const struct nks_reply *reply, void *arg)
{
	const struct nks_opts *opts = arg;

	if (opts->prom)
		nks_info_prom(reply, opts);
	else if (opts->json)
		nks_info_json(reply, opts->pretty);
	else
		nks_info_text(reply);
	return 0;
}

int nks_cmd_info(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_nl nl;
	int group = 0;
	int ret;

	if (argc > 1) {
		fprintf(stderr, "nkstat: info takes at most one group; try 'nkstat help'\n");
		return NKS_EXIT_USAGE;
	}
	if (argc == 1) {
		group = nks_group_id(argv[0]);
		if (group < 0) {
			fprintf(stderr, "nkstat: unknown group '%s' (groups:", argv[0]);
			nks_print_groups(stderr);
			fprintf(stderr, ")\n");
			return NKS_EXIT_USAGE;
		}
	}

	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_INFO, 0,
			 group ? NKSTAT_A_GROUP_ID : 0, group,
			 nks_info_print, (void *)opts);
	nks_nl_close(&nl);
	return ret;
}
