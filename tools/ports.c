// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat ports: the caller's netns in the TCP bind hash, its ephemeral
 * port range and TIME_WAIT; "ports list" dumps it per bind bucket.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nkstat.h"

#define NKS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Summary u64 values, in JSON order, with their names. */
static const struct nks_field nks_ports_fields[] = {
	{ NKSTAT_PORTS_A_BHASH_SIZE, "bhash_size" },
	{ NKSTAT_PORTS_A_BUCKETS_USED, "buckets_used" },
	{ NKSTAT_PORTS_A_BIND_BUCKETS, "bind_buckets" },
	{ NKSTAT_PORTS_A_MAX_CHAIN, "max_chain" },
	{ NKSTAT_PORTS_A_OWNERS, "owners" },
	{ NKSTAT_PORTS_A_TW_OWNERS, "tw_owners" },
	{ NKSTAT_PORTS_A_EPHEMERAL_LO, "ephemeral_lo" },
	{ NKSTAT_PORTS_A_EPHEMERAL_HI, "ephemeral_hi" },
	{ NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED, "ephemeral_ports_used" },
	{ NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL, "connect_eaddrnotavail" },
	{ NKSTAT_PORTS_A_BIND_EADDRINUSE, "bind_eaddrinuse" },
	{ NKSTAT_PORTS_A_TW_COUNT, "tw_count" },
	{ NKSTAT_PORTS_A_TW_MAX, "tw_max" },
	{ NKSTAT_PORTS_A_TW_OVERFLOWS, "tw_overflows" },
	{ NKSTAT_PORTS_A_TW_REUSE, "tw_reuse" },
};

/* 100 * @num / @den, if both are present and @den is not 0. */
static bool nks_attr_pct(struct nlattr *num, struct nlattr *den, double *pct)
{
	uint64_t n, d;

	if (!nks_attr_u64(num, &n) || !nks_attr_u64(den, &d) || !d)
		return false;
	*pct = nks_pct(n, d);
	return true;
}

bool nks_ports_ephemeral(struct nlattr **tb, uint64_t *size, uint64_t *used)
{
	uint64_t lo, hi;

	if (!nks_attr_u64(tb[NKSTAT_PORTS_A_EPHEMERAL_LO], &lo) ||
	    !nks_attr_u64(tb[NKSTAT_PORTS_A_EPHEMERAL_HI], &hi) || hi < lo)
		return false;
	*size = hi - lo + 1;
	return nks_attr_u64(tb[NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED], used);
}

/* The ephemeral range's size, and the share of it in use. */
static bool nks_ports_eph(struct nlattr **tb, uint64_t *size, double *pct)
{
	uint64_t used;

	if (!nks_ports_ephemeral(tb, size, &used))
		return false;
	*pct = nks_pct(used, *size);
	return true;
}

/* " (12.5%)", with a marker when high. */
static const char *nks_fmt_pct(bool have, double pct, char *buf, size_t len)
{
	if (!have)
		return "";
	snprintf(buf, len, " (%.1f%%%s)", pct,
		 pct >= 100.0 ? ", FULL" : pct >= NKS_NEAR_PCT ? ", HIGH" : "");
	return buf;
}

static void nks_ports_json(const struct nks_reply *r, struct nlattr **tb,
			   const struct nks_opts *opts)
{
	struct nks_json j;
	uint64_t size = 0;
	double pct = 0;
	bool have;
	size_t i;

	nks_json_init(&j, stdout, opts->pretty);
	nks_json_open(&j, '{');
	nks_json_key(&j, "ports");
	nks_json_open(&j, '{');
	for (i = 0; i < NKS_ARRAY_SIZE(nks_ports_fields); i++) {
		struct nlattr *a = tb[nks_ports_fields[i].attr];

		nks_json_ku64(&j, nks_ports_fields[i].name, a, a ? nla_get_u64(a) : 0);
	}
	have = nks_ports_eph(tb, &size, &pct);
	nks_json_ku64(&j, "ephemeral_ports", have, size);
	nks_json_kfixed1(&j, "ephemeral_utilisation_pct", have, pct);
	have = nks_attr_pct(tb[NKSTAT_PORTS_A_TW_COUNT], tb[NKSTAT_PORTS_A_TW_MAX], &pct);
	nks_json_kfixed1(&j, "tw_utilisation_pct", have, pct);
	nks_json_khist(&j, "chain_hist", tb[NKSTAT_PORTS_A_CHAIN_HIST]);
	nks_json_klossy(&j, r);
	nks_json_close(&j, '}');
	nks_json_close(&j, '}');
	nks_json_end(&j);
}

/* Lossy values are marked: "20 (lossy: lower bound)". */
static void nks_ports_text(const struct nks_reply *r, struct nlattr **tb)
{
	char a[48], b[48], c[48], p[32];
	uint64_t size = 0;
	double pct = 0;
	bool have;

	printf("tcp bind hash (this netns)\n");
	printf("  %-26s %s, %s used by this netns, longest chain %s\n",
	       "hash buckets", NKS_FMT(tb[NKSTAT_PORTS_A_BHASH_SIZE], a),
	       NKS_LFMT(r, "buckets_used", tb[NKSTAT_PORTS_A_BUCKETS_USED], b),
	       NKS_LFMT(r, "max_chain", tb[NKSTAT_PORTS_A_MAX_CHAIN], c));
	nks_text_hist("chain lengths", tb[NKSTAT_PORTS_A_CHAIN_HIST],
		      nks_lossy_mark(r, "chain_hist"));
	printf("  %-26s %s, with %s owners (%s in TIME_WAIT)\n", "bind buckets",
	       NKS_LFMT(r, "bind_buckets", tb[NKSTAT_PORTS_A_BIND_BUCKETS], a),
	       NKS_LFMT(r, "owners", tb[NKSTAT_PORTS_A_OWNERS], b),
	       NKS_LFMT(r, "tw_owners", tb[NKSTAT_PORTS_A_TW_OWNERS], c));
	have = nks_ports_eph(tb, &size, &pct);
	printf("  %-26s %s-%s: %s of %llu ports in use%s\n", "ephemeral range",
	       NKS_FMT(tb[NKSTAT_PORTS_A_EPHEMERAL_LO], a),
	       NKS_FMT(tb[NKSTAT_PORTS_A_EPHEMERAL_HI], b),
	       NKS_LFMT(r, "ephemeral_ports_used",
			tb[NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED], c),
	       (unsigned long long)size, nks_fmt_pct(have, pct, p, sizeof(p)));
	printf("  %-26s %s\n", "connect() EADDRNOTAVAIL",
	       NKS_LFMT(r, "connect_eaddrnotavail",
			tb[NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL], a));
	printf("  %-26s %s\n", "bind()/listen() EADDRINUSE",
	       NKS_LFMT(r, "bind_eaddrinuse", tb[NKSTAT_PORTS_A_BIND_EADDRINUSE], a));
	have = nks_attr_pct(tb[NKSTAT_PORTS_A_TW_COUNT], tb[NKSTAT_PORTS_A_TW_MAX], &pct);
	printf("  %-26s %s of tcp_max_tw_buckets %s%s\n", "TIME_WAIT",
	       NKS_FMT(tb[NKSTAT_PORTS_A_TW_COUNT], a),
	       NKS_FMT(tb[NKSTAT_PORTS_A_TW_MAX], b),
	       nks_fmt_pct(have, pct, p, sizeof(p)));
	printf("  %-26s %s not created at the limit, %s reused by connect()\n",
	       "", NKS_FMT(tb[NKSTAT_PORTS_A_TW_OVERFLOWS], a),
	       NKS_FMT(tb[NKSTAT_PORTS_A_TW_REUSE], b));
}

/* Summary values for Prometheus; all but bhash_size are the netns's. */
static const struct nks_prom_field nks_ports_prom[] = {
	{ NKSTAT_PORTS_A_BHASH_SIZE, "ports_bhash_size", "gauge",
	  "Buckets of the TCP bind hash, shared by every netns." },
	{ NKSTAT_PORTS_A_BUCKETS_USED, "ports_bhash_buckets_used", "gauge",
	  "Bind hash buckets holding the netns's bind buckets." },
	{ NKSTAT_PORTS_A_BIND_BUCKETS, "ports_bind_buckets", "gauge",
	  "Bind buckets (ports, per l3mdev) of the netns." },
	{ NKSTAT_PORTS_A_MAX_CHAIN, "ports_bhash_max_chain", "gauge",
	  "Most of the netns's bind buckets in one hash bucket." },
	{ NKSTAT_PORTS_A_OWNERS, "ports_owners", "gauge",
	  "Sockets bound to a port, TIME_WAIT ones included." },
	{ NKSTAT_PORTS_A_TW_OWNERS, "ports_tw_owners", "gauge",
	  "TIME_WAIT sockets bound to a port." },
	{ NKSTAT_PORTS_A_EPHEMERAL_LO, "ports_ephemeral_low", "gauge",
	  "ip_local_port_range, low end." },
	{ NKSTAT_PORTS_A_EPHEMERAL_HI, "ports_ephemeral_high", "gauge",
	  "ip_local_port_range, high end." },
	{ NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED, "ports_ephemeral_used", "gauge",
	  "Ports of ip_local_port_range with an owner." },
	{ NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL, "ports_connect_eaddrnotavail_total",
	  "counter", "TCP connect() calls that found no free local port (EADDRNOTAVAIL)." },
	{ NKSTAT_PORTS_A_BIND_EADDRINUSE, "ports_bind_eaddrinuse_total", "counter",
	  "TCP bind() and listen() calls refused with EADDRINUSE." },
	{ NKSTAT_PORTS_A_TW_COUNT, "ports_time_wait", "gauge",
	  "TIME_WAIT sockets (sockstat tw)." },
	{ NKSTAT_PORTS_A_TW_MAX, "ports_time_wait_max", "gauge",
	  "net.ipv4.tcp_max_tw_buckets." },
	{ NKSTAT_PORTS_A_TW_OVERFLOWS, "ports_time_wait_overflows_total", "counter",
	  "TIME_WAIT sockets not created at the limit (TcpExtTCPTimeWaitOverflow)." },
	{ NKSTAT_PORTS_A_TW_REUSE, "ports_time_wait_reused_total", "counter",
	  "TIME_WAIT sockets connect() took over (TcpExtTWRecycled)." },
};

static void nks_ports_prom_out(const struct nks_reply *r, struct nlattr **tb,
			       const struct nks_opts *opts)
{
	char labels[256];
	uint64_t v, size;
	double pct;
	size_t i;

	for (i = 0; i < NKS_ARRAY_SIZE(nks_ports_prom); i++) {
		if (!nks_attr_u64(tb[nks_ports_prom[i].attr], &v))
			continue;
		labels[0] = '\0';
		if (nks_ports_prom[i].attr != NKSTAT_PORTS_A_BHASH_SIZE)
			nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
		nks_prom_family(nks_ports_prom[i].name, nks_ports_prom[i].type,
				nks_ports_prom[i].help);
		nks_prom_sample(nks_ports_prom[i].name, labels, v);
	}
	if (nks_ports_eph(tb, &size, &pct)) {
		labels[0] = '\0';
		nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
		nks_prom_family("ports_ephemeral", "gauge", "Ports in ip_local_port_range.");
		nks_prom_sample("ports_ephemeral", labels, size);
	}
	labels[0] = '\0';
	nks_prom_label(labels, sizeof(labels), "netns", opts->netns);
	nks_prom_lossy(r, "ports", labels);
}

int nks_ports_print(const struct nks_reply *r, void *arg)
{
	struct nlattr *tb[NKSTAT_PORTS_A_MAX + 1] = { NULL };
	const struct nks_opts *opts = arg;

	if (r->tb[NKSTAT_A_PORTS])
		nla_parse_nested(tb, NKSTAT_PORTS_A_MAX, r->tb[NKSTAT_A_PORTS], NULL);
	if (opts->prom)
		nks_ports_prom_out(r, tb, opts);
	else if (opts->json)
		nks_ports_json(r, tb, opts);
	else
		nks_ports_text(r, tb);
	return 0;
}

/* One bind bucket of a GET_PORTS_LIST dump; -1 where absent. */
struct nks_port {
	int64_t port, l3mdev, fastreuse, fastreuseport, owners, tw_owners, addrs;
};

static void nks_port_parse(struct nlattr *nest, struct nks_port *p)
{
	struct nlattr *a;
	int rem;

	/* absent: -1, and INT64_MIN for the signed values, where -1 is one */
	*p = (struct nks_port){ -1, -1, INT64_MIN, INT64_MIN, -1, -1, -1 };
	nks_for_each_tlv(a, (struct nlattr *)((char *)nest + NLA_HDRLEN),
			 nest->nla_len - NLA_HDRLEN, rem) {
		if (a->nla_len < NLA_HDRLEN + sizeof(uint32_t))
			continue;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NKSTAT_PORT_A_PORT:
			p->port = nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_L3MDEV:
			p->l3mdev = nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_FASTREUSE:
			p->fastreuse = (int32_t)nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_FASTREUSEPORT:
			p->fastreuseport = (int32_t)nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_OWNERS:
			p->owners = nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_TW_OWNERS:
			p->tw_owners = nks_tlv_u32(a);
			break;
		case NKSTAT_PORT_A_ADDRS:
			p->addrs = nks_tlv_u32(a);
			break;
		}
	}
}

struct nks_ports_list {
	const struct nks_opts *opts;
	struct nks_json json;
	long top;		/* 0: all, in port order */
	struct nks_port *ports;
	size_t n, cap;
	bool header;		/* the text header is out */
};

/*
 * The text header, once: before the first row, or after a dump with none,
 * so that a refused dump prints nothing but its error.
 */
static void nks_ports_list_header(struct nks_ports_list *l)
{
	if (l->opts->json || l->header)
		return;
	printf("%5s %6s %7s %7s %5s %-9s %s\n", "PORT", "L3MDEV", "OWNERS",
	       "TW", "ADDRS", "REUSE", "REUSEPORT");
	l->header = true;
}

static const char *nks_reuse_name(int64_t v)
{
	switch (v) {
	case INT64_MIN:
		return "n/a";
	case -1:
		return "connect";	/* made by connect(): never shared */
	case 0:
		return "no";
	default:
		return "yes";
	}
}

static void nks_port_out(struct nks_ports_list *l, const struct nks_port *p)
{
	struct nks_json *j = &l->json;

	nks_ports_list_header(l);
	if (!l->opts->json) {
		char o[24], t[24], a[24];

		snprintf(o, sizeof(o), "%lld", (long long)p->owners);
		snprintf(t, sizeof(t), "%lld", (long long)p->tw_owners);
		snprintf(a, sizeof(a), "%lld", (long long)p->addrs);
		printf("%5lld %6lld %7s %7s %5s %-9s %s\n", (long long)p->port,
		       (long long)p->l3mdev, p->owners < 0 ? "n/a" : o,
		       p->tw_owners < 0 ? "n/a" : t, p->addrs < 0 ? "n/a" : a,
		       nks_reuse_name(p->fastreuse), nks_reuse_name(p->fastreuseport));
		return;
	}
	nks_json_open(j, '{');
	nks_json_ku64(j, "port", p->port >= 0, p->port);
	nks_json_ku64(j, "l3mdev", p->l3mdev >= 0, p->l3mdev);
	nks_json_ku64(j, "owners", p->owners >= 0, p->owners);
	nks_json_ku64(j, "tw_owners", p->tw_owners >= 0, p->tw_owners);
	nks_json_ku64(j, "addrs", p->addrs >= 0, p->addrs);
	nks_json_ki64(j, "fastreuse", p->fastreuse != INT64_MIN, p->fastreuse);
	nks_json_ki64(j, "fastreuseport", p->fastreuseport != INT64_MIN,
		      p->fastreuseport);
	nks_json_close(j, '}');
}

/* One message of the dump: a NKSTAT_A_PORT per bind bucket. */
static int nks_ports_list_rows(const struct nks_reply *r, void *arg)
{
	struct nks_ports_list *l = arg;
	struct nks_port p;
	struct nlattr *a;
	int rem;

	nks_for_each_tlv(a, r->attrs, r->len, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != NKSTAT_A_PORT)
			continue;
		nks_port_parse(a, &p);
		if (!l->top) {
			nks_port_out(l, &p);
			continue;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 1024;
			struct nks_port *ports = realloc(l->ports, cap * sizeof(*ports));

			if (!ports)
				return -ENOMEM;
			l->ports = ports;
			l->cap = cap;
		}
		l->ports[l->n++] = p;
	}
	return 0;
}

/* Most owners first, then by port. */
static int nks_port_cmp(const void *x, const void *y)
{
	const struct nks_port *a = x, *b = y;

	if (a->owners != b->owners)
		return a->owners < b->owners ? 1 : -1;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* A number in [0, @max] from @s, else -1. */
static long nks_parse_num(const char *s, long max)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return v;
}

static int nks_ports_usage(const char *what)
{
	fprintf(stderr, "nkstat: ports list: %s; usage: ports list [--top N] [--range LO-HI] [--ephemeral] [--min-owners N]\n",
		what);
	return NKS_EXIT_USAGE;
}

/* After the dump (@ret its outcome): --top's rows, the JSON's end. */
static void nks_ports_list_finish(struct nks_ports_list *l, int ret)
{
	if (!ret)
		nks_ports_list_header(l);
	if (!ret && l->top) {
		size_t k;

		if (l->n)	/* qsort() takes no NULL, even for 0 rows */
			qsort(l->ports, l->n, sizeof(*l->ports), nks_port_cmp);
		for (k = 0; k < l->n && k < (size_t)l->top; k++)
			nks_port_out(l, &l->ports[k]);
	}
	free(l->ports);
	if (l->opts->json && !ret)
		nks_json_list_end(&l->json);
}

static int nks_cmd_ports_list(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_ports_list l = { .opts = opts };
	struct nks_attr attrs[4];
	long lo = -1, hi = -1, min_owners = -1;
	int n = 0, i, ret;
	bool eph = false;
	struct nks_nl nl;
	char *dash;

	for (i = 0; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--ephemeral")) {
			eph = true;
			continue;
		}
		if (strcmp(opt, "--top") && strcmp(opt, "--range") &&
		    strcmp(opt, "--min-owners")) {
			fprintf(stderr, "nkstat: ports list: unknown argument '%s'; usage: ports list [--top N] [--range LO-HI] [--ephemeral] [--min-owners N]\n",
				opt);
			return NKS_EXIT_USAGE;
		}
		if (!val) {
			fprintf(stderr, "nkstat: ports list: %s needs a value\n", opt);
			return NKS_EXIT_USAGE;
		}
		i++;
		if (!strcmp(opt, "--top")) {
			l.top = nks_parse_num(val, INT_MAX);
			if (l.top <= 0)
				return nks_ports_usage("--top takes a positive count");
		} else if (!strcmp(opt, "--min-owners")) {
			min_owners = nks_parse_num(val, UINT32_MAX);
			if (min_owners < 0)
				return nks_ports_usage("--min-owners takes a count");
		} else {
			char buf[32];

			snprintf(buf, sizeof(buf), "%s", val);
			dash = strchr(buf, '-');
			if (dash)
				*dash = '\0';
			lo = nks_parse_num(buf, 65535);
			hi = dash ? nks_parse_num(dash + 1, 65535) : lo;
			if (lo < 0 || hi < 0)
				return nks_ports_usage("--range takes PORT or LO-HI, ports 0-65535");
			if (lo > hi)
				return nks_ports_usage("--range is inverted: LO is above HI");
		}
	}
	if (eph)
		attrs[n++] = (struct nks_attr){ NKSTAT_A_PORT_EPHEMERAL,
						NKS_ATTR_FLAG, 0 };
	if (min_owners >= 0)
		attrs[n++] = (struct nks_attr){ NKSTAT_A_PORT_MIN_OWNERS,
						NKS_ATTR_U32, (uint32_t)min_owners };
	if (lo >= 0) {
		attrs[n++] = (struct nks_attr){ NKSTAT_A_PORT_MIN, NKS_ATTR_U16,
						(uint32_t)lo };
		attrs[n++] = (struct nks_attr){ NKSTAT_A_PORT_MAX, NKS_ATTR_U16,
						(uint32_t)hi };
	}

	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	/* buffered until the end, or the first 16 KiB: a refusal prints none */
	if (opts->json)
		nks_json_list_begin(&l.json, stdout, opts->pretty, "ports_list");
	ret = nks_nl_cmd_attrs(&nl, NKSTAT_CMD_GET_PORTS_LIST, NLM_F_DUMP, attrs, n,
			       nks_ports_list_rows, &l);
	nks_nl_close(&nl);
	nks_ports_list_finish(&l, ret);
	return ret;
}

int nks_cmd_ports(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_nl nl;
	int ret;

	if (argc && !strcmp(argv[0], "list")) {
		if (opts->prom) {
			fprintf(stderr, "nkstat: ports list has no Prometheus form (a series per port); use -j\n");
			return NKS_EXIT_USAGE;
		}
		return nks_cmd_ports_list(opts, argc - 1, argv + 1);
	}
	if (argc) {
		fprintf(stderr, "nkstat: ports takes no argument but 'list' (got '%s')\n",
			argv[0]);
		return NKS_EXIT_USAGE;
	}
	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_PORTS, 0, 0, 0, nks_ports_print,
			 (void *)opts);
	nks_nl_close(&nl);
	return ret;
}
