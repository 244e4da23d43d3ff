// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat summary (and nkstat with no object): one screen over every
 * group that reports, and a one-line verdict for each limit that is
 * close: neighbour table headroom, ephemeral ports, TIME_WAIT, orphans.
 * Colour only on a terminal, and never with NO_COLOR set.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>

#include "nkstat.h"

struct nks_sum_table {
	bool present, hidden;
	uint64_t gc_entries, thresh3, refused;
	bool have_refused;
};

struct nks_summary {
	char module[64], kernel[128];
	bool reporting[NKSTAT_GROUP_MAX + 1];
	char state[NKSTAT_GROUP_MAX + 1][160];	/* "active", or why not */
	/* for JSON: each group's state name and reason, "" when none */
	char state_name[NKSTAT_GROUP_MAX + 1][32];
	char reason[NKSTAT_GROUP_MAX + 1][128];
	struct nks_sum_table neigh[NKSTAT_NEIGH_TABLE_MAX + 1];
	bool have_ports;
	uint64_t eph_size, eph_used, connect_fail, tw, tw_max;
	bool have_eph, have_connect, have_tw;
	bool have_tcp, have_probing, have_global, have_max_orphans, have_aborts;
	bool have_memory;
	uint64_t orphans, probing, orphans_global, max_orphans, aborts, memory;
};

static int nks_sum_info(const struct nks_reply *r, void *arg)
{
	struct nlattr *a, *g[NKSTAT_GROUP_A_MAX + 1];
	struct nks_summary *s = arg;
	int rem;

	if (r->tb[NKSTAT_A_MODULE_VERSION])
		snprintf(s->module, sizeof(s->module), "%s",
			 nks_attr_str(r->tb[NKSTAT_A_MODULE_VERSION]) ?: "");
	if (r->tb[NKSTAT_A_KERNEL_RELEASE])
		snprintf(s->kernel, sizeof(s->kernel), "%s",
			 nks_attr_str(r->tb[NKSTAT_A_KERNEL_RELEASE]) ?: "");
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		const char *name, *reason;
		uint32_t id, st;

		if (nla_type(a) != NKSTAT_A_GROUP ||
		    nla_parse_nested(g, NKSTAT_GROUP_A_MAX, a, NULL) ||
		    !g[NKSTAT_GROUP_A_ID] || !g[NKSTAT_GROUP_A_STATE])
			continue;
		id = nks_get_u32(g[NKSTAT_GROUP_A_ID]);
		st = nks_get_u32(g[NKSTAT_GROUP_A_STATE]);
		if (id > NKSTAT_GROUP_MAX)
			continue;
		s->reporting[id] = st != NKSTAT_GROUP_STATE_UNAVAILABLE;
		name = nks_group_state_name(st) ?: "unknown";
		reason = nks_attr_str(g[NKSTAT_GROUP_A_REASON]) ?: "";
		snprintf(s->state_name[id], sizeof(s->state_name[id]), "%s", name);
		snprintf(s->reason[id], sizeof(s->reason[id]), "%s", reason);
		snprintf(s->state[id], sizeof(s->state[id]), "%s%s%s", name,
			 *reason ? ": " : "", reason);
	}
	return 0;
}

static int nks_sum_neigh(const struct nks_reply *r, void *arg)
{
	struct nlattr *a, *tb[NKSTAT_NEIGH_A_MAX + 1];
	struct nks_summary *s = arg;
	int rem;

	nla_for_each_attr(a, r->attrs, r->len, rem) {
		struct nks_sum_table *t;
		uint32_t id;

		if (nla_type(a) != NKSTAT_A_NEIGH ||
		    nla_parse_nested(tb, NKSTAT_NEIGH_A_MAX, a, NULL) ||
		    !tb[NKSTAT_NEIGH_A_TABLE])
			continue;
		id = nks_get_u32(tb[NKSTAT_NEIGH_A_TABLE]);
		if (id < 1 || id > NKSTAT_NEIGH_TABLE_MAX)
			continue;
		t = &s->neigh[id];
		t->present = true;
		t->hidden = tb[NKSTAT_NEIGH_A_TABLE_HIDDEN];
		if (!nks_attr_u64(tb[NKSTAT_NEIGH_A_GC_ENTRIES], &t->gc_entries) ||
		    !nks_attr_u64(tb[NKSTAT_NEIGH_A_GC_THRESH3], &t->thresh3))
			t->hidden = true;
		t->have_refused = nks_attr_u64(tb[NKSTAT_NEIGH_A_ALLOC_FAILURES],
					       &t->refused);
	}
	return 0;
}

static int nks_sum_ports(const struct nks_reply *r, void *arg)
{
	struct nlattr *tb[NKSTAT_PORTS_A_MAX + 1];
	struct nks_summary *s = arg;

	if (!r->tb[NKSTAT_A_PORTS] ||
	    nla_parse_nested(tb, NKSTAT_PORTS_A_MAX, r->tb[NKSTAT_A_PORTS], NULL))
		return 0;
	s->have_ports = true;
	s->have_eph = nks_ports_ephemeral(tb, &s->eph_size, &s->eph_used);
	s->have_connect = nks_attr_u64(tb[NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL],
				       &s->connect_fail);
	s->have_tw = nks_attr_u64(tb[NKSTAT_PORTS_A_TW_COUNT], &s->tw) &&
		     nks_attr_u64(tb[NKSTAT_PORTS_A_TW_MAX], &s->tw_max) && s->tw_max;
	return 0;
}

static int nks_sum_tcp(const struct nks_reply *r, void *arg)
{
	struct nlattr *tb[NKSTAT_TCP_A_MAX + 1], *o[NKSTAT_ORPHANS_A_MAX + 1];
	struct nks_summary *s = arg;

	if (!r->tb[NKSTAT_A_TCP] ||
	    nla_parse_nested(tb, NKSTAT_TCP_A_MAX, r->tb[NKSTAT_A_TCP], NULL))
		return 0;
	s->have_tcp = tb[NKSTAT_TCP_A_ORPHANS] &&
		      !nla_parse_nested(o, NKSTAT_ORPHANS_A_MAX,
					tb[NKSTAT_TCP_A_ORPHANS], NULL) &&
		      nks_attr_u64(o[NKSTAT_ORPHANS_A_TOTAL], &s->orphans);
	s->have_probing = s->have_tcp &&
		nks_attr_u64(o[NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING], &s->probing);
	s->have_global = nks_attr_u64(tb[NKSTAT_TCP_A_ORPHANS_GLOBAL],
				      &s->orphans_global);
	s->have_max_orphans = nks_tcp_max_orphans(&s->max_orphans) &&
			      s->max_orphans;
	/*
	 * The causes the module counts (since it loaded), apart from memory,
	 * which is the kernel's TCPAbortOnMemory (since the netns was made).
	 */
	if (tb[NKSTAT_TCP_A_ABORTS]) {
		struct nlattr *a;
		uint64_t v;
		int rem;

		nla_for_each_nested(a, tb[NKSTAT_TCP_A_ABORTS], rem) {
			if (nla_type(a) == NKSTAT_ABORTS_A_MEMORY) {
				s->have_memory = nks_attr_u64(a, &s->memory);
			} else if (nla_type(a) != NKSTAT_ABORTS_A_PAD &&
				   nks_attr_u64(a, &v)) {
				s->have_aborts = true;
				s->aborts += v;
			}
		}
	}
	return 0;
}

#define NKS_SUM_VERDICTS (NKSTAT_NEIGH_TABLE_MAX + 3)

struct nks_verdict {
	const char *group, *what, *advice;
	uint64_t used, limit;
	double pct;
};

/* The verdicts of @s into @v (room for NKS_SUM_VERDICTS); returns how many. */
static int nks_sum_verdicts(const struct nks_summary *s, struct nks_verdict *v)
{
	static const char *const table_what[] = {
		[NKSTAT_NEIGH_TABLE_ARP] = "ARP table entries against gc_thresh3",
		[NKSTAT_NEIGH_TABLE_NDISC] = "NDISC table entries against gc_thresh3",
	};
	int id, n = 0;

	for (id = 1; id <= NKSTAT_NEIGH_TABLE_MAX; id++) {
		const struct nks_sum_table *t = &s->neigh[id];

		if (!t->present || t->hidden ||
		    nks_pct(t->gc_entries, t->thresh3) < NKS_NEAR_PCT)
			continue;
		v[n++] = (struct nks_verdict){ "neigh", table_what[id],
			"creations fail once gc frees nothing; raise gc_thresh3 (and 1, 2)",
			t->gc_entries, t->thresh3, nks_pct(t->gc_entries, t->thresh3) };
	}
	if (s->have_eph && nks_pct(s->eph_used, s->eph_size) >= NKS_NEAR_PCT)
		v[n++] = (struct nks_verdict){ "ports", "ephemeral ports in use",
			"connect() fails with EADDRNOTAVAIL; widen ip_local_port_range or reuse connections",
			s->eph_used, s->eph_size, nks_pct(s->eph_used, s->eph_size) };
	if (s->have_tw && nks_pct(s->tw, s->tw_max) >= NKS_NEAR_PCT)
		v[n++] = (struct nks_verdict){ "ports", "TIME_WAIT sockets against tcp_max_tw_buckets",
			"connections past the limit close without TIME_WAIT",
			s->tw, s->tw_max, nks_pct(s->tw, s->tw_max) };
	if (s->have_global && s->have_max_orphans &&
	    nks_pct(s->orphans_global, s->max_orphans) >= NKS_NEAR_PCT)
		v[n++] = (struct nks_verdict){ "tcp", "orphaned sockets (every netns) against tcp_max_orphans",
			"past it the kernel kills orphans (TCPAbortOnMemory); find who holds them: nkstat tcp orphans --peers",
			s->orphans_global, s->max_orphans,
			nks_pct(s->orphans_global, s->max_orphans) };
	return n;
}

static void nks_sum_json(const struct nks_summary *s, const struct nks_verdict *v,
			 int n, const struct nks_opts *opts)
{
	struct nks_json j;
	int i;

	nks_json_init(&j, stdout, opts->pretty);
	nks_json_open(&j, '{');
	nks_json_key(&j, "summary");
	nks_json_open(&j, '{');
	nks_json_kstr(&j, "module_version", s->module[0] ? s->module : NULL);
	nks_json_kstr(&j, "kernel_release", s->kernel[0] ? s->kernel : NULL);
	nks_json_kstr(&j, "tool_version", NKSTAT_VERSION);
	/* each group's availability, as nkstat -j info has it */
	nks_json_key(&j, "groups");
	nks_json_open(&j, '[');
	for (i = 1; i <= NKSTAT_GROUP_MAX; i++) {
		if (!s->state_name[i][0])
			continue;
		nks_json_open(&j, '{');
		nks_json_kstr(&j, "name", nks_group_name(i));
		nks_json_kstr(&j, "state", s->state_name[i]);
		nks_json_kstr(&j, "reason", s->reason[i][0] ? s->reason[i] : NULL);
		nks_json_close(&j, '}');
	}
	nks_json_close(&j, ']');
	nks_json_key(&j, "verdicts");
	nks_json_open(&j, '[');
	for (i = 0; i < n; i++) {
		nks_json_open(&j, '{');
		nks_json_kstr(&j, "group", v[i].group);
		nks_json_kstr(&j, "what", v[i].what);
		nks_json_ku64(&j, "used", true, v[i].used);
		nks_json_ku64(&j, "limit", true, v[i].limit);
		nks_json_kfixed1(&j, "pct", true, v[i].pct);
		nks_json_kstr(&j, "level", v[i].pct >= 100.0 ? "full" : "near");
		nks_json_kstr(&j, "advice", v[i].advice);
		nks_json_close(&j, '}');
	}
	nks_json_close(&j, ']');
	nks_json_close(&j, '}');
	nks_json_close(&j, '}');
	nks_json_end(&j);
}

static void nks_sum_text(const struct nks_summary *s, const struct nks_verdict *v,
			 int n)
{
	const char *env = getenv("NO_COLOR");
	bool colour = isatty(STDOUT_FILENO) && !(env && *env);
	const char *red = colour ? "\033[1;31m" : "", *yellow = colour ? "\033[1;33m" : "";
	const char *green = colour ? "\033[32m" : "", *off = colour ? "\033[0m" : "";
	int id, i;

	printf("nkstat %s, module %s, kernel %s\n\n", NKSTAT_VERSION,
	       s->module[0] ? s->module : "n/a", s->kernel[0] ? s->kernel : "n/a");
	printf("%-6s %s", "neigh", s->reporting[NKSTAT_GROUP_NEIGH] ? "" :
	       s->state[NKSTAT_GROUP_NEIGH]);
	for (id = 1; s->reporting[NKSTAT_GROUP_NEIGH] && id <= NKSTAT_NEIGH_TABLE_MAX; id++) {
		const struct nks_sum_table *t = &s->neigh[id];

		if (!t->present)
			continue;
		if (t->hidden)
			printf("%s%s: table-wide values hidden", id > 1 ? "; " : "",
			       nks_neigh_table_name(id));
		else
			printf("%s%s: %llu of gc_thresh3 %llu (%.1f%%)", id > 1 ? "; " : "",
			       nks_neigh_table_name(id), (unsigned long long)t->gc_entries,
			       (unsigned long long)t->thresh3,
			       nks_pct(t->gc_entries, t->thresh3));
		if (t->have_refused)
			printf(", %llu refused here", (unsigned long long)t->refused);
	}
	printf("\n%-6s %s", "ports", s->reporting[NKSTAT_GROUP_PORTS] ? "" :
	       s->state[NKSTAT_GROUP_PORTS]);
	if (s->reporting[NKSTAT_GROUP_PORTS] && s->have_ports) {
		if (s->have_eph)
			printf("ephemeral %llu of %llu in use (%.1f%%)",
			       (unsigned long long)s->eph_used,
			       (unsigned long long)s->eph_size,
			       nks_pct(s->eph_used, s->eph_size));
		if (s->have_connect)
			printf(", %llu connect() EADDRNOTAVAIL",
			       (unsigned long long)s->connect_fail);
		if (s->have_tw)
			printf("; TIME_WAIT %llu of %llu (%.1f%%)", (unsigned long long)s->tw,
			       (unsigned long long)s->tw_max, nks_pct(s->tw, s->tw_max));
	}
	printf("\n%-6s %s", "tcp", s->reporting[NKSTAT_GROUP_TCP] ? "" :
	       s->state[NKSTAT_GROUP_TCP][0] ? s->state[NKSTAT_GROUP_TCP] : "n/a");
	if (s->reporting[NKSTAT_GROUP_TCP] && s->have_tcp) {
		printf("orphans %llu here", (unsigned long long)s->orphans);
		if (s->have_probing)
			printf(" (%llu zero-window probing)",
			       (unsigned long long)s->probing);
		if (s->have_global && s->have_max_orphans)
			printf(", %llu of tcp_max_orphans %llu everywhere (%.1f%%)",
			       (unsigned long long)s->orphans_global,
			       (unsigned long long)s->max_orphans,
			       nks_pct(s->orphans_global, s->max_orphans));
		if (s->have_aborts)
			printf("; %llu timeout aborts since load",
			       (unsigned long long)s->aborts);
		if (s->have_memory)
			printf(", %llu for memory", (unsigned long long)s->memory);
	}
	printf("\n\n");

	if (!n)
		printf("%sno limit is close%s (verdicts from %.0f%% of a limit)\n",
		       green, off, NKS_NEAR_PCT);
	for (i = 0; i < n; i++)
		printf("%s%s%s %s: %llu of %llu (%.1f%%): %s\n",
		       v[i].pct >= 100.0 ? red : yellow,
		       v[i].pct >= 100.0 ? "FULL" : "NEAR", off, v[i].what,
		       (unsigned long long)v[i].used, (unsigned long long)v[i].limit,
		       v[i].pct, v[i].advice);
}

/* The verdicts of @s, printed. */
static void nks_sum_report(const struct nks_summary *s, const struct nks_opts *opts)
{
	struct nks_verdict v[NKS_SUM_VERDICTS];
	int n = nks_sum_verdicts(s, v);

	if (opts->json)
		nks_sum_json(s, v, n, opts);
	else
		nks_sum_text(s, v, n);
}

int nks_cmd_summary(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_summary s = { 0 };
	static const struct nks_group_fns fns = {
		nks_sum_info, nks_sum_neigh, nks_sum_ports, nks_sum_tcp,
	};
	int ret;

	(void)argv;
	if (argc) {
		fprintf(stderr, "nkstat: summary takes no arguments\n");
		return NKS_EXIT_USAGE;
	}
	if (opts->prom)
		return nks_prom_all(opts);
	ret = nks_query_groups(&fns, &s);
	if (ret)
		return ret;
	nks_sum_report(&s, opts);
	return NKS_EXIT_OK;
}
