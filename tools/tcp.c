// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat tcp: the caller's netns's orphans and zero-window stalls, and
 * its aborts by cause beside the kernel's own totals; "tcp orphans"
 * dumps the orphans, by peer.
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nkstat.h"

#define NKS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct nks_field nks_orphans_fields[] = {
	{ NKSTAT_ORPHANS_A_TOTAL, "total" },
	{ NKSTAT_ORPHANS_A_FIN_WAIT1, "fin_wait1" },
	{ NKSTAT_ORPHANS_A_FIN_WAIT2, "fin_wait2" },
	{ NKSTAT_ORPHANS_A_CLOSING, "closing" },
	{ NKSTAT_ORPHANS_A_LAST_ACK, "last_ack" },
	{ NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING, "zero_window_probing" },
	{ NKSTAT_ORPHANS_A_MAX_BACKOFF, "max_backoff" },
	{ NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO, "zero_window_rto" },
};

/* Abort causes, in the order people read them; memory last but other. */
static const struct nks_field nks_aborts_fields[] = {
	{ NKSTAT_ABORTS_A_RETRIES2, "retries2" },
	{ NKSTAT_ABORTS_A_USER_TIMEOUT, "user_timeout" },
	{ NKSTAT_ABORTS_A_ORPHAN_RETRIES, "orphan_retries" },
	{ NKSTAT_ABORTS_A_ORPHAN_ZERO_WINDOW, "orphan_zero_window" },
	{ NKSTAT_ABORTS_A_KEEPALIVE, "keepalive" },
	{ NKSTAT_ABORTS_A_SYN_RETRIES, "syn_retries" },
	{ NKSTAT_ABORTS_A_ZERO_WINDOW_RTO, "zero_window_rto" },
	{ NKSTAT_ABORTS_A_MEMORY, "memory" },
	{ NKSTAT_ABORTS_A_OTHER, "other" },
};

/* A reply's three levels: NKSTAT_A_TCP, its orphans and aborts nests. */
struct nks_tcp {
	const struct nks_reply *r;	/* for its lossy counters */
	struct nlattr *tb[NKSTAT_TCP_A_MAX + 1];
	struct nlattr *orph[NKSTAT_ORPHANS_A_MAX + 1];
	struct nlattr *ab[NKSTAT_ABORTS_A_MAX + 1];
	uint64_t max_orphans;
	bool have_max_orphans;
};

/*
 * A global sysctl that only the initial netns shows under /proc/sys: read
 * once, which main() does before -n moves the tool into another netns.
 */
bool nks_tcp_max_orphans(uint64_t *v)
{
	static unsigned long long n;
	static int state;	/* 0 not read yet, 1 read, -1 unreadable */
	FILE *f;

	if (!state) {
		f = fopen("/proc/sys/net/ipv4/tcp_max_orphans", "re");
		state = f && fscanf(f, "%llu", &n) == 1 ? 1 : -1;
		if (f)
			fclose(f);
	}
	*v = n;
	return state > 0;
}

static void nks_tcp_parse(const struct nks_reply *r, struct nks_tcp *t)
{
	memset(t, 0, sizeof(*t));
	t->r = r;
	if (r->tb[NKSTAT_A_TCP])
		nla_parse_nested(t->tb, NKSTAT_TCP_A_MAX, r->tb[NKSTAT_A_TCP], NULL);
	if (t->tb[NKSTAT_TCP_A_ORPHANS])
		nla_parse_nested(t->orph, NKSTAT_ORPHANS_A_MAX,
				 t->tb[NKSTAT_TCP_A_ORPHANS], NULL);
	if (t->tb[NKSTAT_TCP_A_ABORTS])
		nla_parse_nested(t->ab, NKSTAT_ABORTS_A_MAX,
				 t->tb[NKSTAT_TCP_A_ABORTS], NULL);
	t->have_max_orphans = nks_tcp_max_orphans(&t->max_orphans);
}

/* The sum of the abort causes other than memory; false if any is missing. */
static bool nks_tcp_timeouts(const struct nks_tcp *t, uint64_t *sum)
{
	uint64_t v;
	size_t i;

	*sum = 0;
	for (i = 0; i < NKS_ARRAY_SIZE(nks_aborts_fields); i++) {
		if (nks_aborts_fields[i].attr == NKSTAT_ABORTS_A_MEMORY)
			continue;
		if (!nks_attr_u64(t->ab[nks_aborts_fields[i].attr], &v))
			return false;
		*sum += v;
	}
	return true;
}

static void nks_json_fields(struct nks_json *j, const struct nks_field *f,
			    size_t n, struct nlattr **tb)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		bool have = nks_attr_u64(tb[f[i].attr], &v);

		nks_json_ku64(j, f[i].name, have, v);
	}
}

static void nks_tcp_json(const struct nks_tcp *t, const struct nks_opts *opts)
{
	uint64_t v, g;
	struct nks_json j;
	bool have;

	nks_json_init(&j, stdout, opts->pretty);
	nks_json_open(&j, '{');
	nks_json_key(&j, "tcp");
	nks_json_open(&j, '{');
	nks_json_key(&j, "orphans");
	if (t->tb[NKSTAT_TCP_A_ORPHANS]) {
		nks_json_open(&j, '{');
		nks_json_fields(&j, nks_orphans_fields,
				NKS_ARRAY_SIZE(nks_orphans_fields),
				(struct nlattr **)t->orph);
		nks_json_khist(&j, "probes_hist", t->orph[NKSTAT_ORPHANS_A_PROBES_HIST]);
		nks_json_close(&j, '}');
	} else {
		nks_json_null(&j);
	}
	have = nks_attr_u64(t->tb[NKSTAT_TCP_A_STALLED_ZERO_WINDOW], &v);
	nks_json_ku64(&j, "stalled_zero_window", have, v);
	have = nks_attr_u64(t->tb[NKSTAT_TCP_A_WITH_USER_TIMEOUT], &v);
	nks_json_ku64(&j, "with_user_timeout", have, v);
	have = nks_attr_u64(t->tb[NKSTAT_TCP_A_ORPHANS_GLOBAL], &g);
	nks_json_ku64(&j, "orphans_global", have, g);
	nks_json_ku64(&j, "max_orphans", t->have_max_orphans, t->max_orphans);
	nks_json_kfixed1(&j, "orphans_global_pct",
			 have && t->have_max_orphans && t->max_orphans,
			 nks_pct(g, t->max_orphans));
	nks_json_key(&j, "aborts");
	if (t->tb[NKSTAT_TCP_A_ABORTS]) {
		nks_json_open(&j, '{');
		nks_json_fields(&j, nks_aborts_fields,
				NKS_ARRAY_SIZE(nks_aborts_fields),
				(struct nlattr **)t->ab);
		nks_json_close(&j, '}');
	} else {
		nks_json_null(&j);
	}
	nks_json_key(&j, "kernel");
	nks_json_open(&j, '{');
	have = nks_attr_u64(t->tb[NKSTAT_TCP_A_ABORT_ON_TIMEOUT], &v);
	nks_json_ku64(&j, "abort_on_timeout", have, v);
	have = nks_attr_u64(t->tb[NKSTAT_TCP_A_ABORT_ON_MEMORY], &v);
	nks_json_ku64(&j, "abort_on_memory", have, v);
	nks_json_close(&j, '}');
	nks_json_klossy(&j, t->r);
	nks_json_close(&j, '}');
	nks_json_close(&j, '}');
	nks_json_end(&j);
}

/* Lossy counters are marked: "40 (lossy: lower bound)". */
static void nks_tcp_text_census(const struct nks_tcp *t)
{
	/* "orphans": the whole census, every value of the next lines */
	const char *m = t->tb[NKSTAT_TCP_A_ORPHANS] ?
			nks_lossy_mark(t->r, "orphans") : "";
	char a[24], b[24], c[24], d[24], e[24];
	struct nlattr *const *o = t->orph;

	printf("tcp orphans (this netns)\n");
	printf("  %-26s %s: FIN-WAIT-1 %s, FIN-WAIT-2 %s, CLOSING %s, LAST-ACK %s%s\n",
	       "orphans", NKS_FMT(o[NKSTAT_ORPHANS_A_TOTAL], a),
	       NKS_FMT(o[NKSTAT_ORPHANS_A_FIN_WAIT1], b),
	       NKS_FMT(o[NKSTAT_ORPHANS_A_FIN_WAIT2], c),
	       NKS_FMT(o[NKSTAT_ORPHANS_A_CLOSING], d),
	       NKS_FMT(o[NKSTAT_ORPHANS_A_LAST_ACK], e), m);
	printf("  %-26s %s, highest backoff %s%s\n", "zero-window probing",
	       NKS_FMT(o[NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING], a),
	       NKS_FMT(o[NKSTAT_ORPHANS_A_MAX_BACKOFF], b), m);
	nks_text_hist("  by probes out", o[NKSTAT_ORPHANS_A_PROBES_HIST], m);
	printf("  %-26s %s%s\n", "zero-window retransmits",
	       NKS_FMT(o[NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO], a), m);
}

static void nks_tcp_text(const struct nks_tcp *t)
{
	char a[48], b[48], name[48];
	bool lossy = false;
	uint64_t g, sum;
	size_t i;

	nks_tcp_text_census(t);
	printf("  %-26s %s, %s of them with TCP_USER_TIMEOUT\n", "stalled, not orphans",
	       NKS_LFMT(t->r, "stalled_zero_window",
			t->tb[NKSTAT_TCP_A_STALLED_ZERO_WINDOW], a),
	       NKS_LFMT(t->r, "with_user_timeout",
			t->tb[NKSTAT_TCP_A_WITH_USER_TIMEOUT], b));
	printf("  %-26s %s", "orphans, every netns",
	       NKS_FMT(t->tb[NKSTAT_TCP_A_ORPHANS_GLOBAL], a));
	if (t->have_max_orphans) {
		bool have = nks_attr_u64(t->tb[NKSTAT_TCP_A_ORPHANS_GLOBAL], &g);
		double pct = nks_pct(g, t->max_orphans);

		printf(" of tcp_max_orphans %llu", (unsigned long long)t->max_orphans);
		if (have && t->max_orphans)
			printf(" (%.1f%%%s)", pct, pct >= 100.0 ? ", FULL" :
			       pct >= NKS_NEAR_PCT ? ", HIGH" : "");
	}
	printf("\n\ntcp aborts by cause (this netns, since the module loaded)\n");
	for (i = 0; i < NKS_ARRAY_SIZE(nks_aborts_fields); i++) {
		if (nks_aborts_fields[i].attr == NKSTAT_ABORTS_A_MEMORY)
			continue;
		/* named as GET_INFO names the causes: "aborts.retries2" */
		snprintf(name, sizeof(name), "aborts.%s", nks_aborts_fields[i].name);
		printf("  %-26s %s\n", nks_aborts_fields[i].name,
		       NKS_LFMT(t->r, name, t->ab[nks_aborts_fields[i].attr], a));
		lossy = lossy || nks_lossy(t->r, name);
	}
	printf("the kernel's totals (this netns, since it was made)\n");
	printf("  %-26s %s", "TcpExtTCPAbortOnTimeout",
	       NKS_FMT(t->tb[NKSTAT_TCP_A_ABORT_ON_TIMEOUT], a));
	if (nks_tcp_timeouts(t, &sum))
		printf("  (causes but memory: %llu%s)", (unsigned long long)sum,
		       lossy ? ", a lower bound" : "");
	/* the memory cause is this counter itself */
	printf("\n  %-26s %s  (cause memory)\n", "TcpExtTCPAbortOnMemory",
	       NKS_FMT(t->tb[NKSTAT_TCP_A_ABORT_ON_MEMORY], a));
}

static const struct nks_prom_field nks_orphans_prom[] = {
	{ NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING, "tcp_orphans_zero_window_probing", "gauge",
	  "Orphans of the netns with the zero-window probe timer pending." },
	{ NKSTAT_ORPHANS_A_MAX_BACKOFF, "tcp_orphans_zero_window_max_backoff", "gauge",
	  "Highest backoff among the netns's zero-window probing orphans." },
	{ NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO, "tcp_orphans_zero_window_rto", "gauge",
	  "Orphans of the netns retransmitting into a zero window." },
};

static void nks_tcp_prom(const struct nks_tcp *t, const struct nks_opts *opts)
{
	static const struct nks_field states[] = {
		{ NKSTAT_ORPHANS_A_FIN_WAIT1, "fin_wait1" },
		{ NKSTAT_ORPHANS_A_FIN_WAIT2, "fin_wait2" },
		{ NKSTAT_ORPHANS_A_CLOSING, "closing" },
		{ NKSTAT_ORPHANS_A_LAST_ACK, "last_ack" },
	};
	char ns[160], labels[256];
	uint64_t v, total = 0, named = 0;
	bool family = false;
	size_t i;

	ns[0] = '\0';
	nks_prom_label(ns, sizeof(ns), "netns", opts->netns);
	/* every state, the rest as "other": the samples sum to the total */
	for (i = 0; i < NKS_ARRAY_SIZE(states); i++) {
		if (!nks_attr_u64(t->orph[states[i].attr], &v))
			continue;
		if (!family)
			nks_prom_family("tcp_orphans", "gauge",
					"Orphaned TCP sockets of the netns, by state.");
		family = true;
		snprintf(labels, sizeof(labels), "%s", ns);
		nks_prom_label(labels, sizeof(labels), "state", states[i].name);
		nks_prom_sample("tcp_orphans", labels, v);
		named += v;
	}
	if (family && nks_attr_u64(t->orph[NKSTAT_ORPHANS_A_TOTAL], &total)) {
		snprintf(labels, sizeof(labels), "%s", ns);
		nks_prom_label(labels, sizeof(labels), "state", "other");
		nks_prom_sample("tcp_orphans", labels, total - named);
	}
	for (i = 0; i < NKS_ARRAY_SIZE(nks_orphans_prom); i++) {
		if (!nks_attr_u64(t->orph[nks_orphans_prom[i].attr], &v))
			continue;
		nks_prom_family(nks_orphans_prom[i].name, nks_orphans_prom[i].type,
				nks_orphans_prom[i].help);
		nks_prom_sample(nks_orphans_prom[i].name, ns, v);
	}
	if (nks_attr_u64(t->tb[NKSTAT_TCP_A_STALLED_ZERO_WINDOW], &v)) {
		nks_prom_family("tcp_stalled_zero_window", "gauge",
				"Sockets of the netns, not orphans, stalled on a zero window.");
		nks_prom_sample("tcp_stalled_zero_window", ns, v);
	}
	if (nks_attr_u64(t->tb[NKSTAT_TCP_A_WITH_USER_TIMEOUT], &v)) {
		nks_prom_family("tcp_stalled_zero_window_user_timeout", "gauge",
				"Of those, sockets with TCP_USER_TIMEOUT set.");
		nks_prom_sample("tcp_stalled_zero_window_user_timeout", ns, v);
	}
	if (nks_attr_u64(t->tb[NKSTAT_TCP_A_ORPHANS_GLOBAL], &v)) {
		nks_prom_family("tcp_orphans_global", "gauge",
				"Orphaned TCP sockets of every netns (sockstat orphan).");
		nks_prom_sample("tcp_orphans_global", "", v);
	}
	if (t->have_max_orphans) {
		nks_prom_family("tcp_max_orphans", "gauge", "net.ipv4.tcp_max_orphans.");
		nks_prom_sample("tcp_max_orphans", "", t->max_orphans);
	}
	family = false;
	for (i = 0; i < NKS_ARRAY_SIZE(nks_aborts_fields); i++) {
		if (!nks_attr_u64(t->ab[nks_aborts_fields[i].attr], &v))
			continue;
		if (!family)
			nks_prom_family("tcp_aborts_total", "counter",
					"TCP connections of the netns the kernel aborted, by cause.");
		family = true;
		snprintf(labels, sizeof(labels), "%s", ns);
		nks_prom_label(labels, sizeof(labels), "cause", nks_aborts_fields[i].name);
		nks_prom_sample("tcp_aborts_total", labels, v);
	}
	nks_prom_lossy(t->r, "tcp", ns);
}

int nks_tcp_print(const struct nks_reply *r, void *arg)
{
	const struct nks_opts *opts = arg;
	struct nks_tcp t;

	nks_tcp_parse(r, &t);
	if (opts->prom)
		nks_tcp_prom(&t, opts);
	else if (opts->json)
		nks_tcp_json(&t, opts);
	else
		nks_tcp_text(&t);
	return 0;
}

/* One orphan of a GET_TCP_ORPHANS dump; -1 where absent. */
struct nks_orphan {
	int family;
	unsigned char saddr[16], daddr[16];
	int alen;		/* of both addresses: 4, 16, or 0 if absent */
	int64_t sport, dport, state, timer, probes_out, backoff, snd_wnd,
		packets_out, since_ms;
};

static void nks_orphan_parse(struct nlattr *nest, struct nks_orphan *o)
{
	int64_t *const u32s[] = {
		[NKSTAT_ORPHAN_A_SPORT] = &o->sport,
		[NKSTAT_ORPHAN_A_DPORT] = &o->dport,
		[NKSTAT_ORPHAN_A_STATE] = &o->state,
		[NKSTAT_ORPHAN_A_TIMER] = &o->timer,
		[NKSTAT_ORPHAN_A_PROBES_OUT] = &o->probes_out,
		[NKSTAT_ORPHAN_A_BACKOFF] = &o->backoff,
		[NKSTAT_ORPHAN_A_SND_WND] = &o->snd_wnd,
		[NKSTAT_ORPHAN_A_PACKETS_OUT] = &o->packets_out,
		[NKSTAT_ORPHAN_A_SINCE_PROGRESS_MS] = &o->since_ms,
	};
	int salen = -1, dalen = -1;
	struct nlattr *a;
	size_t i;
	int rem;

	memset(o, 0, sizeof(*o));
	o->family = -1;
	for (i = 0; i < NKS_ARRAY_SIZE(u32s); i++) {
		if (u32s[i])
			*u32s[i] = -1;
	}
	nks_for_each_tlv(a, (struct nlattr *)((char *)nest + NLA_HDRLEN),
			 nest->nla_len - NLA_HDRLEN, rem) {
		int type = a->nla_type & NLA_TYPE_MASK;
		int len = a->nla_len - NLA_HDRLEN;

		if (type == NKSTAT_ORPHAN_A_SADDR && (len == 4 || len == 16)) {
			memcpy(o->saddr, (char *)a + NLA_HDRLEN, len);
			salen = len;
		} else if (type == NKSTAT_ORPHAN_A_DADDR && (len == 4 || len == 16)) {
			memcpy(o->daddr, (char *)a + NLA_HDRLEN, len);
			dalen = len;
		} else if (len >= 4 && type == NKSTAT_ORPHAN_A_FAMILY) {
			o->family = nks_tlv_u32(a);
		} else if (len >= 4 && type < (int)NKS_ARRAY_SIZE(u32s) && u32s[type]) {
			*u32s[type] = nks_tlv_u32(a);
		}
	}
	o->alen = salen == dalen && salen > 0 ? salen : 0;
}

/* The state's name as ss prints it, or NULL if this tool does not know it. */
static const char *nks_tcp_state_name(int64_t state, bool json)
{
	static const char *const ss[] = {
		[TCP_FIN_WAIT1] = "FIN-WAIT-1", [TCP_FIN_WAIT2] = "FIN-WAIT-2",
		[TCP_CLOSING] = "CLOSING", [TCP_LAST_ACK] = "LAST-ACK",
		[TCP_SYN_RECV] = "SYN-RECV", [TCP_ESTABLISHED] = "ESTAB",
		[TCP_CLOSE_WAIT] = "CLOSE-WAIT", [TCP_CLOSE] = "UNCONN",
	};
	static const char *const js[] = {
		[TCP_FIN_WAIT1] = "fin_wait1", [TCP_FIN_WAIT2] = "fin_wait2",
		[TCP_CLOSING] = "closing", [TCP_LAST_ACK] = "last_ack",
		[TCP_SYN_RECV] = "syn_recv", [TCP_ESTABLISHED] = "established",
		[TCP_CLOSE_WAIT] = "close_wait", [TCP_CLOSE] = "close",
	};

	if (state < 0 || state >= (int64_t)NKS_ARRAY_SIZE(ss))
		return NULL;
	return json ? js[state] : ss[state];
}

static const char *nks_tcp_timer_name(int64_t timer)
{
	static const char *const names[] = {
		[NKSTAT_TCP_TIMER_NONE] = "off",
		[NKSTAT_TCP_TIMER_RETRANS] = "on",
		[NKSTAT_TCP_TIMER_PROBE0] = "persist",
		[NKSTAT_TCP_TIMER_KEEPALIVE] = "keepalive",
	};

	if (timer < 0 || timer >= (int64_t)NKS_ARRAY_SIZE(names))
		return NULL;
	return names[timer];
}

/* An address in its usual text form; "n/a" when absent. */
static const char *nks_orphan_addr(const struct nks_orphan *o, bool peer,
				   char *buf, size_t len)
{
	const void *addr = peer ? o->daddr : o->saddr;

	if (!o->alen ||
	    !inet_ntop(o->alen == 4 ? AF_INET : AF_INET6, addr, buf, len))
		return "n/a";
	return buf;
}

struct nks_orphans_list {
	const struct nks_opts *opts;
	struct nks_json json;
	struct nks_orphan *rows;
	size_t n, cap;
};

static int nks_orphans_rows(const struct nks_reply *r, void *arg)
{
	struct nks_orphans_list *l = arg;
	struct nlattr *a;
	int rem;

	nks_for_each_tlv(a, r->attrs, r->len, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != NKSTAT_A_ORPHAN)
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 256;
			struct nks_orphan *rows = realloc(l->rows, cap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			l->rows = rows;
			l->cap = cap;
		}
		nks_orphan_parse(a, &l->rows[l->n++]);
	}
	return 0;
}

/* By peer address, then peer port, then local port. */
static int nks_orphan_cmp(const void *x, const void *y)
{
	const struct nks_orphan *a = x, *b = y;
	int c;

	if (a->alen != b->alen)
		return a->alen - b->alen;
	c = memcmp(a->daddr, b->daddr, a->alen);
	if (c)
		return c;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	return a->sport < b->sport ? -1 : a->sport > b->sport;
}

static void nks_orphan_out(struct nks_orphans_list *l, const struct nks_orphan *o)
{
	char la[INET6_ADDRSTRLEN], pa[INET6_ADDRSTRLEN];
	struct nks_json *j = &l->json;
	const char *state, *timer = nks_tcp_timer_name(o->timer);

	if (!l->opts->json) {
		char lp[64], pp[64];
		char n[5][24];
		const int64_t v[5] = { o->probes_out, o->backoff, o->snd_wnd,
				       o->packets_out, o->since_ms };
		int i;

		for (i = 0; i < 5; i++) {
			if (v[i] < 0)
				snprintf(n[i], sizeof(n[i]), "n/a");
			else if (i == 4)
				snprintf(n[i], sizeof(n[i]), "%.1fs", v[i] / 1000.0);
			else
				snprintf(n[i], sizeof(n[i]), "%lld", (long long)v[i]);
		}
		state = nks_tcp_state_name(o->state, false);
		snprintf(lp, sizeof(lp), o->alen == 16 ? "[%s]:%lld" : "%s:%lld",
			 nks_orphan_addr(o, false, la, sizeof(la)), (long long)o->sport);
		snprintf(pp, sizeof(pp), o->alen == 16 ? "[%s]:%lld" : "%s:%lld",
			 nks_orphan_addr(o, true, pa, sizeof(pa)), (long long)o->dport);
		printf("%-10s %-23s %-23s %-9s %6s %7s %7s %7s %8s\n",
		       state ? state : "n/a", lp, pp, timer ? timer : "n/a", n[0],
		       n[1], n[2], n[3], n[4]);
		return;
	}
	state = nks_tcp_state_name(o->state, true);
	nks_json_open(j, '{');
	nks_json_kstr(j, "local", o->alen ? nks_orphan_addr(o, false, la, sizeof(la)) : NULL);
	nks_json_ku64(j, "local_port", o->sport >= 0, o->sport);
	nks_json_kstr(j, "peer", o->alen ? nks_orphan_addr(o, true, pa, sizeof(pa)) : NULL);
	nks_json_ku64(j, "peer_port", o->dport >= 0, o->dport);
	nks_json_kstr(j, "state", state);
	nks_json_kstr(j, "timer", timer);
	nks_json_ku64(j, "probes_out", o->probes_out >= 0, o->probes_out);
	nks_json_ku64(j, "backoff", o->backoff >= 0, o->backoff);
	nks_json_ku64(j, "snd_wnd", o->snd_wnd >= 0, o->snd_wnd);
	nks_json_ku64(j, "packets_out", o->packets_out >= 0, o->packets_out);
	nks_json_ku64(j, "since_progress_ms", o->since_ms >= 0, o->since_ms);
	nks_json_close(j, '}');
}

/* --peers: one row per peer address, most orphans first. */
struct nks_peer {
	const struct nks_orphan *first;
	uint64_t orphans, zero_window;
	int64_t oldest_ms;
};

static int nks_peer_cmp(const void *x, const void *y)
{
	const struct nks_peer *a = x, *b = y;

	if (a->orphans != b->orphans)
		return a->orphans < b->orphans ? 1 : -1;
	return nks_orphan_cmp(a->first, b->first);
}

static void nks_orphans_peers(struct nks_orphans_list *l)
{
	struct nks_peer *peers = calloc(l->n ? l->n : 1, sizeof(*peers));
	char buf[INET6_ADDRSTRLEN];
	size_t i, n = 0;

	if (!peers) {
		fprintf(stderr, "nkstat: tcp orphans: out of memory\n");
		return;
	}
	/* rows are sorted by peer: each peer's rows are adjacent */
	for (i = 0; i < l->n; i++) {
		const struct nks_orphan *o = &l->rows[i];
		struct nks_peer *p = n ? &peers[n - 1] : NULL;

		if (!p || p->first->alen != o->alen ||
		    memcmp(p->first->daddr, o->daddr, o->alen)) {
			p = &peers[n++];
			p->first = o;
			p->oldest_ms = -1;
		}
		p->orphans++;
		p->zero_window += o->timer == NKSTAT_TCP_TIMER_PROBE0 ||
				  (o->snd_wnd == 0 && o->packets_out > 0);
		if (o->since_ms > p->oldest_ms)
			p->oldest_ms = o->since_ms;
	}
	qsort(peers, n, sizeof(*peers), nks_peer_cmp);
	if (!l->opts->json)
		printf("%-39s %7s %11s %10s\n", "PEER", "ORPHANS", "ZERO-WINDOW",
		       "OLDEST");
	for (i = 0; i < n; i++) {
		const char *addr = nks_orphan_addr(peers[i].first, true, buf, sizeof(buf));

		if (l->opts->json) {
			nks_json_open(&l->json, '{');
			nks_json_kstr(&l->json, "peer", peers[i].first->alen ? addr : NULL);
			nks_json_ku64(&l->json, "orphans", true, peers[i].orphans);
			nks_json_ku64(&l->json, "zero_window", true, peers[i].zero_window);
			nks_json_ku64(&l->json, "max_since_progress_ms",
				      peers[i].oldest_ms >= 0, peers[i].oldest_ms);
			nks_json_close(&l->json, '}');
		} else {
			printf("%-39s %7llu %11llu %9.1fs\n", addr,
			       (unsigned long long)peers[i].orphans,
			       (unsigned long long)peers[i].zero_window,
			       peers[i].oldest_ms < 0 ? 0.0 : peers[i].oldest_ms / 1000.0);
		}
	}
	free(peers);
}

/* After the dump: the rows sorted by peer, or one per peer, and freed. */
static void nks_orphans_finish(struct nks_orphans_list *l, bool peers)
{
	if (l->n)	/* qsort() takes no NULL, even for 0 rows */
		qsort(l->rows, l->n, sizeof(*l->rows), nks_orphan_cmp);
	if (l->opts->json)
		nks_json_list_begin(&l->json, stdout, l->opts->pretty,
				    peers ? "tcp_orphan_peers" : "tcp_orphans");
	if (peers) {
		nks_orphans_peers(l);
	} else {
		size_t i;

		if (!l->opts->json)
			printf("%-10s %-23s %-23s %-9s %6s %7s %7s %7s %8s\n", "STATE",
			       "LOCAL", "PEER", "TIMER", "PROBES", "BACKOFF",
			       "SND_WND", "UNACKED", "STALLED");
		for (i = 0; i < l->n; i++)
			nks_orphan_out(l, &l->rows[i]);
	}
	if (l->opts->json)
		nks_json_list_end(&l->json);
	free(l->rows);
}

static int nks_cmd_tcp_orphans(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_orphans_list l = { .opts = opts };
	bool zero_window = false, peers = false;
	struct nks_attr attr = { NKSTAT_A_ORPHAN_ZERO_WINDOW, NKS_ATTR_FLAG, 0 };
	struct nks_nl nl;
	size_t i;
	int ret;

	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--zero-window")) {
			zero_window = true;
		} else if (!strcmp(argv[i], "--peers")) {
			peers = true;
		} else {
			fprintf(stderr, "nkstat: tcp orphans: unknown argument '%s'; usage: tcp orphans [--zero-window] [--peers]\n",
				argv[i]);
			return NKS_EXIT_USAGE;
		}
	}
	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd_attrs(&nl, NKSTAT_CMD_GET_TCP_ORPHANS, NLM_F_DUMP, &attr,
			       zero_window, nks_orphans_rows, &l);
	nks_nl_close(&nl);
	if (ret) {
		free(l.rows);
		return ret;
	}
	nks_orphans_finish(&l, peers);
	return NKS_EXIT_OK;
}

int nks_cmd_tcp(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_nl nl;
	int ret;

	if (argc && !strcmp(argv[0], "orphans")) {
		if (opts->prom) {
			fprintf(stderr, "nkstat: tcp orphans has no Prometheus form (a series per socket); use -j\n");
			return NKS_EXIT_USAGE;
		}
		return nks_cmd_tcp_orphans(opts, argc - 1, argv + 1);
	}
	if (argc) {
		fprintf(stderr, "nkstat: tcp takes no argument but 'orphans' (got '%s')\n",
			argv[0]);
		return NKS_EXIT_USAGE;
	}
	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_TCP, 0, 0, 0, nks_tcp_print, (void *)opts);
	nks_nl_close(&nl);
	return ret;
}
