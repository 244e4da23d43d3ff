// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat neigh: the ARP and NDISC neighbour tables. Table-wide values
 * (shared by every netns) come only to callers with CAP_NET_ADMIN in the
 * initial user namespace; everyone gets their own netns's counts.
 */
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nkstat.h"

#define NKS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const nks_table_names[] = {
	[NKSTAT_NEIGH_TABLE_ARP] = "arp",
	[NKSTAT_NEIGH_TABLE_NDISC] = "ndisc",
};

static const char *const nks_table_caches[] = {
	[NKSTAT_NEIGH_TABLE_ARP] = "arp_cache",
	[NKSTAT_NEIGH_TABLE_NDISC] = "ndisc_cache",
};

/* Table-wide u64 values, in output order, with their JSON names. */
static const struct nks_field nks_neigh_fields[] = {
	{ NKSTAT_NEIGH_A_ENTRIES, "entries" },
	{ NKSTAT_NEIGH_A_GC_ENTRIES, "gc_entries" },
	{ NKSTAT_NEIGH_A_GC_THRESH1, "gc_thresh1" },
	{ NKSTAT_NEIGH_A_GC_THRESH2, "gc_thresh2" },
	{ NKSTAT_NEIGH_A_GC_THRESH3, "gc_thresh3" },
	{ NKSTAT_NEIGH_A_GC_INTERVAL_MS, "gc_interval_ms" },
	{ NKSTAT_NEIGH_A_PERIODIC_GC_RUNS, "periodic_gc_runs" },
	{ NKSTAT_NEIGH_A_PERIODIC_GC_RECLAIMED, "periodic_gc_reclaimed" },
	{ NKSTAT_NEIGH_A_FORCED_GC_RUNS, "forced_gc_runs" },
	{ NKSTAT_NEIGH_A_FORCED_GC_FAILURES, "forced_gc_failures" },
	{ NKSTAT_NEIGH_A_FORCED_GC_RUNS_TRACED, "forced_gc_runs_traced" },
	{ NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED, "forced_gc_reclaimed" },
	{ NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS, "forced_gc_budget_hits" },
	{ NKSTAT_NEIGH_A_UNRESOLVED_DISCARDS, "unresolved_discards" },
	{ NKSTAT_NEIGH_A_RES_FAILED, "res_failed" },
	{ NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS, "last_overflow_age_ms" },
};

static const char *const nks_nud_names[] = {
	[NKSTAT_NUD_A_INCOMPLETE] = "incomplete",
	[NKSTAT_NUD_A_REACHABLE] = "reachable",
	[NKSTAT_NUD_A_STALE] = "stale",
	[NKSTAT_NUD_A_DELAY] = "delay",
	[NKSTAT_NUD_A_PROBE] = "probe",
	[NKSTAT_NUD_A_FAILED] = "failed",
	[NKSTAT_NUD_A_NOARP] = "noarp",
	[NKSTAT_NUD_A_PERMANENT] = "permanent",
	[NKSTAT_NUD_A_NONE] = "none",
};

/* NUD states in output order (NONE last: entries being set up). */
static const int nks_nud_order[] = {
	NKSTAT_NUD_A_INCOMPLETE, NKSTAT_NUD_A_REACHABLE, NKSTAT_NUD_A_STALE,
	NKSTAT_NUD_A_DELAY, NKSTAT_NUD_A_PROBE, NKSTAT_NUD_A_FAILED,
	NKSTAT_NUD_A_NOARP, NKSTAT_NUD_A_PERMANENT, NKSTAT_NUD_A_NONE,
};

const char *nks_neigh_table_name(uint32_t id)
{
	return id < NKS_ARRAY_SIZE(nks_table_names) ? nks_table_names[id] : NULL;
}

int nks_neigh_table_id(const char *name)
{
	size_t i;

	for (i = 1; i < NKS_ARRAY_SIZE(nks_table_names); i++) {
		if (!strcmp(name, nks_table_names[i]))
			return (int)i;
	}
	return -1;
}

struct nks_neigh_table {
	uint32_t id;
	struct nlattr *tb[NKSTAT_NEIGH_A_MAX + 1];
	struct nlattr *nud[NKSTAT_NUD_A_MAX + 1];
	bool hidden;
};

static void nks_neigh_parse(struct nlattr *nest, struct nks_neigh_table *t)
{
	memset(t, 0, sizeof(*t));
	nla_parse_nested(t->tb, NKSTAT_NEIGH_A_MAX, nest, NULL);
	if (t->tb[NKSTAT_NEIGH_A_TABLE])
		t->id = nks_get_u32(t->tb[NKSTAT_NEIGH_A_TABLE]);
	if (t->tb[NKSTAT_NEIGH_A_NUD])
		nla_parse_nested(t->nud, NKSTAT_NUD_A_MAX,
				 t->tb[NKSTAT_NEIGH_A_NUD], NULL);
	t->hidden = t->tb[NKSTAT_NEIGH_A_TABLE_HIDDEN];
}

/*
 * The next table in the reply attributes at *@a (*@rem bytes left),
 * parsed into @t; false at the end. Tables this tool does not know (from
 * a newer module) are skipped.
 */
static bool nks_neigh_next(struct nlattr **a, int *rem, struct nks_neigh_table *t)
{
	while (nla_ok(*a, *rem)) {
		struct nlattr *cur = *a;

		*a = nla_next(cur, rem);
		if (nla_type(cur) != NKSTAT_A_NEIGH)
			continue;
		nks_neigh_parse(cur, t);
		if (t->id >= 1 && t->id < NKS_ARRAY_SIZE(nks_table_names))
			return true;
	}
	return false;
}

static bool nks_neigh_headroom(const struct nks_neigh_table *t, int64_t *room)
{
	uint64_t thresh3, gc_entries;

	if (!nks_attr_u64(t->tb[NKSTAT_NEIGH_A_GC_THRESH3], &thresh3) ||
	    !nks_attr_u64(t->tb[NKSTAT_NEIGH_A_GC_ENTRIES], &gc_entries))
		return false;
	/* saturated: a reply is not trusted to hold sane values */
	if (thresh3 >= gc_entries)
		*room = thresh3 - gc_entries > INT64_MAX ? INT64_MAX :
			(int64_t)(thresh3 - gc_entries);
	else
		*room = gc_entries - thresh3 > INT64_MAX ? -INT64_MAX :
			-(int64_t)(gc_entries - thresh3);
	return true;
}

/* {"incomplete": n, ..., "total": n, "alloc_failures": n} of a netns or device */
static void nks_neigh_json_states(struct nks_json *j,
				  const struct nks_neigh_table *t)
{
	struct nlattr *a = t->tb[NKSTAT_NEIGH_A_ALLOC_FAILURES];
	uint64_t v = 0, total = 0;
	bool all = true;
	size_t i;

	nks_json_open(j, '{');
	for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++) {
		int s = nks_nud_order[i];
		bool have = nks_attr_u64(t->nud[s], &v);

		nks_json_ku64(j, nks_nud_names[s], have, have ? v : 0);
		if (have)
			total += v;
		else
			all = false;
	}
	nks_json_ku64(j, "total", all, total);
	nks_json_ku64(j, "alloc_failures", a, a ? nla_get_u64(a) : 0);
	nks_json_close(j, '}');
}

static void nks_neigh_json(struct nks_json *j, const struct nks_reply *r,
			   const struct nks_neigh_table *t)
{
	int64_t room = 0;
	bool have;
	size_t i;

	nks_json_open(j, '{');
	nks_json_kbool(j, "table_wide_hidden", t->hidden);
	for (i = 0; i < NKS_ARRAY_SIZE(nks_neigh_fields); i++) {
		struct nlattr *a = t->tb[nks_neigh_fields[i].attr];

		nks_json_ku64(j, nks_neigh_fields[i].name, a, a ? nla_get_u64(a) : 0);
	}
	have = nks_neigh_headroom(t, &room);
	nks_json_ki64(j, "headroom", have, room);
	nks_json_khist(j, "forced_gc_reclaim_hist",
		       t->tb[NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST]);
	nks_json_khist(j, "forced_gc_latency_hist_us",
		       t->tb[NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST]);

	nks_json_key(j, "netns");
	nks_neigh_json_states(j, t);
	nks_json_klossy(j, r);
	nks_json_close(j, '}');
}

/* Lossy values are marked: "872 (lossy: lower bound)". */
static void nks_neigh_text_table(const struct nks_reply *r,
				 const struct nks_neigh_table *t)
{
	char a[48], b[48], c[48], d[48];
	uint64_t thresh3, v;
	int64_t room;

	if (t->hidden) {
		printf("  table-wide values hidden: the table is shared by every netns;\n"
		       "  they need CAP_NET_ADMIN in the initial user namespace\n");
		return;
	}

	printf("  %-26s %s (gc_entries %s)\n", "entries",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_ENTRIES], a),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_GC_ENTRIES], b));
	printf("  %-26s %s / %s / %s, gc_interval %s ms\n", "gc_thresh1/2/3",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_GC_THRESH1], a),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_GC_THRESH2], b),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_GC_THRESH3], c),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_GC_INTERVAL_MS], d));
	if (nks_neigh_headroom(t, &room) &&
	    nks_attr_u64(t->tb[NKSTAT_NEIGH_A_GC_THRESH3], &thresh3) && thresh3)
		printf("  %-26s %lld (%.1f%% of gc_thresh3)\n", "headroom",
		       (long long)room, 100.0 * (double)room / (double)thresh3);
	else
		printf("  %-26s n/a\n", "headroom");
	printf("  %-26s %s, reclaimed %s\n", "periodic gc runs",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_PERIODIC_GC_RUNS], a),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_PERIODIC_GC_RECLAIMED], b));
	printf("  %-26s %s, failed %s, budget hits %s\n", "forced gc runs",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_FORCED_GC_RUNS], a),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_FORCED_GC_FAILURES], b),
	       NKS_LFMT(r, "forced_gc_budget_hits",
			t->tb[NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS], c));
	printf("  %-26s %s in %s traced runs (estimate)\n", "forced gc reclaimed",
	       NKS_LFMT(r, "forced_gc_reclaimed",
			t->tb[NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED], a),
	       NKS_LFMT(r, "forced_gc_runs_traced",
			t->tb[NKSTAT_NEIGH_A_FORCED_GC_RUNS_TRACED], b));
	nks_text_hist("reclaimed per forced gc",
		      t->tb[NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST],
		      nks_lossy_mark(r, "forced_gc_reclaim_hist"));
	nks_text_hist("forced gc latency (us)",
		      t->tb[NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST],
		      nks_lossy_mark(r, "forced_gc_latency_hist"));
	if (nks_attr_u64(t->tb[NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS], &v))
		printf("  %-26s %.1f s ago\n", "last overflow", v / 1000.0);
	else
		printf("  %-26s %s\n", "last overflow",
		       t->tb[NKSTAT_NEIGH_A_FORCED_GC_FAILURES] ?
		       "none since nkstat was loaded" : "n/a");
	printf("  %-26s %s, res_failed %s\n", "unresolved discards",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_UNRESOLVED_DISCARDS], a),
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_RES_FAILED], b));
}

static void nks_neigh_text(const struct nks_reply *r,
			   const struct nks_neigh_table *t)
{
	uint64_t v, total = 0;
	char a[24];
	size_t i;

	printf("%s (%s)\n", t->id < NKS_ARRAY_SIZE(nks_table_caches) ?
	       nks_table_caches[t->id] : "unknown table",
	       t->id < NKS_ARRAY_SIZE(nks_table_names) ? nks_table_names[t->id] : "?");
	nks_neigh_text_table(r, t);
	printf("  this netns:");
	for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++) {
		int s = nks_nud_order[i];

		printf(" %s %s", nks_nud_names[s], NKS_FMT(t->nud[s], a));
		if (nks_attr_u64(t->nud[s], &v))
			total += v;
	}
	printf(" (total %llu)\n", (unsigned long long)total);
	printf("  %-26s %s\n", "  refused creations",
	       NKS_FMT(t->tb[NKSTAT_NEIGH_A_ALLOC_FAILURES], a));
}

/* Table-wide values for Prometheus: name, type, help; u64 as is. */
static const struct nks_prom_field nks_neigh_prom[] = {
	{ NKSTAT_NEIGH_A_ENTRIES, "neigh_entries", "gauge",
	  "Entries in the table, all netns." },
	{ NKSTAT_NEIGH_A_GC_ENTRIES, "neigh_gc_entries", "gauge",
	  "Entries the gc thresholds count." },
	{ NKSTAT_NEIGH_A_GC_THRESH1, "neigh_gc_thresh1", "gauge", "gc_thresh1." },
	{ NKSTAT_NEIGH_A_GC_THRESH2, "neigh_gc_thresh2", "gauge", "gc_thresh2." },
	{ NKSTAT_NEIGH_A_GC_THRESH3, "neigh_gc_thresh3", "gauge",
	  "gc_thresh3: creations beyond it fail when forced gc frees nothing." },
	{ NKSTAT_NEIGH_A_PERIODIC_GC_RUNS, "neigh_periodic_gc_runs_total", "counter",
	  "Periodic gc runs." },
	{ NKSTAT_NEIGH_A_PERIODIC_GC_RECLAIMED, "neigh_periodic_gc_reclaimed_total",
	  "counter", "Entries periodic gc freed." },
	{ NKSTAT_NEIGH_A_FORCED_GC_RUNS, "neigh_forced_gc_runs_total", "counter",
	  "Forced gc runs." },
	{ NKSTAT_NEIGH_A_FORCED_GC_FAILURES, "neigh_forced_gc_failures_total", "counter",
	  "Creations refused with the table full (the neighbour table overflows)." },
	{ NKSTAT_NEIGH_A_FORCED_GC_RUNS_TRACED, "neigh_forced_gc_runs_traced_total",
	  "counter", "Forced gc runs the module traced (estimate)." },
	{ NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED, "neigh_forced_gc_reclaimed_total",
	  "counter", "Entries freed by traced forced gc runs (estimate)." },
	{ NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS, "neigh_forced_gc_budget_hits_total",
	  "counter", "Traced forced gc runs stopped by their time budget (estimate)." },
	{ NKSTAT_NEIGH_A_UNRESOLVED_DISCARDS, "neigh_unresolved_discards_total",
	  "counter", "Packets dropped while waiting for resolution." },
	{ NKSTAT_NEIGH_A_RES_FAILED, "neigh_res_failed_total", "counter",
	  "Failed resolutions." },
};

static void nks_neigh_prom_out(const struct nks_reply *r,
			       struct nks_neigh_table *tables, int n,
			       const struct nks_opts *opts)
{
	char labels[256];
	uint64_t v;
	size_t i;
	int k;

	for (i = 0; i < NKS_ARRAY_SIZE(nks_neigh_prom); i++) {
		bool family = false;

		for (k = 0; k < n; k++) {
			if (!nks_attr_u64(tables[k].tb[nks_neigh_prom[i].attr], &v))
				continue;
			if (!family)
				nks_prom_family(nks_neigh_prom[i].name, nks_neigh_prom[i].type,
						nks_neigh_prom[i].help);
			family = true;
			labels[0] = '\0';
			nks_prom_label(labels, sizeof(labels), "table",
				       nks_table_names[tables[k].id]);
			nks_prom_sample(nks_neigh_prom[i].name, labels, v);
		}
	}
	nks_prom_family("neigh_netns_entries", "gauge",
			"Entries of the netns, by NUD state.");
	for (k = 0; k < n; k++) {
		for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++) {
			int s = nks_nud_order[i];

			if (!nks_attr_u64(tables[k].nud[s], &v))
				continue;
			labels[0] = '\0';
			nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
			nks_prom_label(labels, sizeof(labels), "table",
				       nks_table_names[tables[k].id]);
			nks_prom_label(labels, sizeof(labels), "state", nks_nud_names[s]);
			nks_prom_sample("neigh_netns_entries", labels, v);
		}
	}
	nks_prom_family("neigh_alloc_failures_total", "counter",
			"Creations refused in the netns.");
	for (k = 0; k < n; k++) {
		if (!nks_attr_u64(tables[k].tb[NKSTAT_NEIGH_A_ALLOC_FAILURES], &v))
			continue;
		labels[0] = '\0';
		nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
		nks_prom_label(labels, sizeof(labels), "table",
			       nks_table_names[tables[k].id]);
		nks_prom_sample("neigh_alloc_failures_total", labels, v);
	}
	/* the table-wide values they qualify have no netns label either */
	nks_prom_lossy(r, "neigh", "");
}

int nks_neigh_print(const struct nks_reply *r, void *arg)
{
	const struct nks_opts *opts = arg;
	struct nks_neigh_table t;
	struct nks_json j;
	struct nlattr *a;
	bool first = true;
	int rem;

	if (opts->prom) {
		struct nks_neigh_table tables[NKSTAT_NEIGH_TABLE_MAX];
		int n = 0;

		a = r->attrs;
		rem = r->len;
		while (n < NKSTAT_NEIGH_TABLE_MAX && nks_neigh_next(&a, &rem, &tables[n]))
			n++;
		nks_neigh_prom_out(r, tables, n, opts);
		return 0;
	}

	if (opts->json) {
		nks_json_init(&j, stdout, opts->pretty);
		nks_json_open(&j, '{');
		nks_json_key(&j, "neigh");
		nks_json_open(&j, '{');
	}
	a = r->attrs;
	rem = r->len;
	while (nks_neigh_next(&a, &rem, &t)) {
		if (opts->json) {
			nks_json_key(&j, nks_table_names[t.id]);
			nks_neigh_json(&j, r, &t);
		} else {
			if (!first)
				putchar('\n');
			nks_neigh_text(r, &t);
		}
		first = false;
	}
	if (opts->json) {
		nks_json_close(&j, '}');
		nks_json_close(&j, '}');
		nks_json_end(&j);
	}
	return 0;
}

struct nks_neigh_dev_out {
	const struct nks_opts *opts;
	struct nks_json json;
	bool header;		/* the text header is out */
};

/*
 * The text header, once: before the first row, or after a dump with none,
 * so that a refused dump prints nothing but its error.
 */
static void nks_neigh_dev_header(struct nks_neigh_dev_out *out)
{
	size_t i;

	if (out->opts->json || out->header)
		return;
	printf("%-16s %7s %-6s %7s", "DEV", "IFINDEX", "TABLE", "TOTAL");
	for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++)
		printf(" %s", nks_nud_names[nks_nud_order[i]]);
	printf(" %7s\n", "REFUSED");
	out->header = true;
}

/* One GET_NEIGH_DEV message: one device, a nest per table. */
static int nks_neigh_dev_print(const struct nks_reply *r, void *arg)
{
	struct nks_neigh_dev_out *out = arg;
	struct nlattr *ifindex = r->tb[NKSTAT_A_IFINDEX];
	struct nlattr *ifname = r->tb[NKSTAT_A_IFNAME];
	struct nks_neigh_table t;
	struct nlattr *a;
	uint64_t v, total;
	char buf[24];
	int rem;
	size_t i;

	nks_neigh_dev_header(out);
	if (out->opts->json) {
		nks_json_open(&out->json, '{');
		nks_json_kstr(&out->json, "ifname", nks_attr_str(ifname));
		nks_json_ku64(&out->json, "ifindex", ifindex,
			      ifindex ? nks_get_u32(ifindex) : 0);
	}
	a = r->attrs;
	rem = r->len;
	while (nks_neigh_next(&a, &rem, &t)) {
		if (out->opts->json) {
			nks_json_key(&out->json, nks_table_names[t.id]);
			nks_neigh_json_states(&out->json, &t);
			continue;
		}
		total = 0;
		for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++) {
			if (nks_attr_u64(t.nud[nks_nud_order[i]], &v))
				total += v;
		}
		printf("%-16s %7u %-6s %7llu",
		       nks_attr_str(ifname) ? nks_attr_str(ifname) : "n/a",
		       ifindex ? nks_get_u32(ifindex) : 0, nks_table_names[t.id],
		       (unsigned long long)total);
		for (i = 0; i < NKS_ARRAY_SIZE(nks_nud_order); i++)
			printf(" %*s", (int)strlen(nks_nud_names[nks_nud_order[i]]),
			       NKS_FMT(t.nud[nks_nud_order[i]], buf));
		printf(" %7s\n", NKS_FMT(t.tb[NKSTAT_NEIGH_A_ALLOC_FAILURES], buf));
	}
	if (out->opts->json)
		nks_json_close(&out->json, '}');
	return 0;
}

static int nks_cmd_neigh_dev(const struct nks_opts *opts, struct nks_nl *nl)
{
	struct nks_neigh_dev_out out = { .opts = opts };
	int ret;

	/* buffered until the end, or the first 16 KiB: a refusal prints none */
	if (opts->json)
		nks_json_list_begin(&out.json, stdout, opts->pretty, "neigh_dev");
	ret = nks_nl_cmd(nl, NKSTAT_CMD_GET_NEIGH_DEV, NLM_F_DUMP, 0, 0,
			 nks_neigh_dev_print, &out);
	if (!ret)
		nks_neigh_dev_header(&out);
	if (opts->json && !ret)
		nks_json_list_end(&out.json);
	return ret;
}

int nks_cmd_neigh(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_nl nl;
	int table = 0;
	int ret;

	if (argc > 1) {
		fprintf(stderr, "nkstat: neigh takes at most one argument: arp, ndisc or dev\n");
		return NKS_EXIT_USAGE;
	}
	if (argc == 1 && strcmp(argv[0], "dev")) {
		table = nks_neigh_table_id(argv[0]);
		if (table < 0) {
			fprintf(stderr, "nkstat: unknown neighbour table '%s' (tables: arp ndisc; or dev)\n",
				argv[0]);
			return NKS_EXIT_USAGE;
		}
	}
	if (argc == 1 && !table && opts->prom) {
		fprintf(stderr, "nkstat: neigh dev has no Prometheus form (a series per device); use -j\n");
		return NKS_EXIT_USAGE;
	}
	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	if (argc == 1 && !table) {
		ret = nks_cmd_neigh_dev(opts, &nl);
		nks_nl_close(&nl);
		return ret;
	}
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_NEIGH, 0,
			 table ? NKSTAT_A_NEIGH_TABLE : 0, table,
			 nks_neigh_print, (void *)opts);
	nks_nl_close(&nl);
	return ret;
}
