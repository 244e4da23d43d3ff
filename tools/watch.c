// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat watch [-i SECONDS] [-c COUNT] [GROUP]: every interval, each
 * counter with its change and rate per second, and each gauge with its
 * value, as nstat and vmstat show them. On a terminal the screen is
 * redrawn in place; otherwise one block per interval. Ctrl-C stops it
 * with status 0.
 *
 * The values are those of -o prometheus, gathered through a sink, so a
 * counter is whatever the Prometheus output calls one.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nkstat.h"

struct nks_sample {
	char key[192];		/* name{labels}, without the netns label */
	bool counter;
	uint64_t v;
};

struct nks_round {
	struct nks_sample *s;
	size_t n, cap;
	const char *group;	/* only metrics of this group, or NULL */
	int err;
};

static volatile sig_atomic_t nks_stop;

static void nks_on_signal(int sig)
{
	(void)sig;
	nks_stop = 1;
}

/* @labels without netns="...": watch shows one netns, the caller's. */
static void nks_strip_netns(const char *labels, char *out, size_t len)
{
	const char *p = strstr(labels, "netns=\"");
	const char *end;

	if (!p) {
		snprintf(out, len, "%s", labels);
		return;
	}
	end = strchr(p + 7, '"');
	end = end ? end + 1 : p + strlen(p);
	if (*end == ',')
		end++;
	else if (p > labels && p[-1] == ',')
		p--;
	snprintf(out, len, "%.*s%s", (int)(p - labels), labels, end);
}

static void nks_watch_sink(const char *name, const char *labels,
			   const char *type, uint64_t v, void *arg)
{
	struct nks_round *r = arg;
	size_t glen = r->group ? strlen(r->group) : 0;
	struct nks_sample *smp;
	char l[160];

	/* the module's identity and group states do not move */
	if (!strcmp(name, "info") || !strcmp(name, "group_state"))
		return;
	if (r->group && (strncmp(name, r->group, glen) || name[glen] != '_'))
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 128;

		smp = realloc(r->s, cap * sizeof(*smp));
		if (!smp) {
			r->err = -ENOMEM;
			return;
		}
		r->s = smp;
		r->cap = cap;
	}
	smp = &r->s[r->n++];
	nks_strip_netns(labels, l, sizeof(l));
	snprintf(smp->key, sizeof(smp->key), *l ? "%s{%s}" : "%s", name, l);
	smp->counter = !strcmp(type, "counter");
	smp->v = v;
}

static int nks_watch_collect(struct nks_round *r, const struct nks_opts *opts)
{
	static const struct nks_group_fns fns = {
		nks_info_print, nks_neigh_print, nks_ports_print, nks_tcp_print,
	};
	struct nks_opts o = *opts;
	int ret;

	o.prom = true;
	o.json = false;
	r->n = 0;
	r->err = 0;
	nks_prom_set_sink(nks_watch_sink, r);
	ret = nks_query_groups(&fns, &o);
	nks_prom_set_sink(NULL, NULL);
	if (!ret && r->err) {
		fprintf(stderr, "nkstat: watch: out of memory\n");
		ret = NKS_EXIT_KERNEL;
	}
	return ret;
}

static const struct nks_sample *nks_find_sample(const struct nks_round *r,
						const char *key, size_t hint)
{
	size_t i;

	/* the order is the same each round: try the same place first */
	if (hint < r->n && !strcmp(r->s[hint].key, key))
		return &r->s[hint];
	for (i = 0; i < r->n; i++) {
		if (!strcmp(r->s[i].key, key))
			return &r->s[i];
	}
	return NULL;
}

static double nks_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nks_watch_print(const struct nks_round *cur,
			    const struct nks_round *prev, double secs,
			    double interval, bool tty, unsigned long round)
{
	char when[32], delta[32], rate[32];
	time_t t = time(NULL);
	size_t i;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	if (tty)
		printf("\033[H\033[2J");
	printf("nkstat watch, every %g s: %s, round %lu%s\n", interval, when, round,
	       tty ? " (Ctrl-C stops)" : "");
	printf("%-60s %14s %12s %10s\n", "METRIC", "VALUE", "CHANGE", "PER SEC");
	for (i = 0; i < cur->n; i++) {
		const struct nks_sample *s = &cur->s[i];
		const struct nks_sample *p = prev ? nks_find_sample(prev, s->key, i) : NULL;

		delta[0] = rate[0] = '\0';
		if (p && s->counter && s->v < p->v) {
			snprintf(delta, sizeof(delta), "reset");
		} else if (p) {
			snprintf(delta, sizeof(delta), "%+lld",
				 (long long)(s->v - p->v));
			if (s->counter && secs > 0)
				snprintf(rate, sizeof(rate), "%.1f",
					 (double)(s->v - p->v) / secs);
		}
		printf("%-60s %14llu %12s %10s\n", s->key, (unsigned long long)s->v,
		       delta, s->counter ? rate : "gauge");
	}
	if (!tty)
		printf("\n");
	fflush(stdout);
}

static int nks_watch_usage(const char *what)
{
	fprintf(stderr, "nkstat: watch: %s; usage: watch [-i SECONDS] [-c COUNT] [GROUP]\n",
		what);
	return NKS_EXIT_USAGE;
}

int nks_cmd_watch(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_round rounds[2] = { { 0 } }, *cur, *prev = NULL;
	struct sigaction sa = { .sa_handler = nks_on_signal };
	double interval = 1, t0 = 0;
	bool tty = isatty(STDOUT_FILENO);
	const char *group = NULL;
	unsigned long n, count = 0;
	struct timespec ts;
	int i, ret = 0;
	char *end;

	if (opts->json || opts->prom)
		return nks_watch_usage("prints text only; for JSON take snapshots and diff them");
	for (i = 0; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-c")) {
			if (!val)
				return nks_watch_usage("-i and -c need a value");
			errno = 0;
			if (argv[i][1] == 'i') {
				interval = strtod(val, &end);
				if (errno || *end || !(interval >= 0.1 && interval <= 86400))
					return nks_watch_usage("-i takes seconds from 0.1 to 86400");
			} else {
				count = strtoul(val, &end, 10);
				if (errno || *end || !count || *val == '-')
					return nks_watch_usage("-c takes a positive count");
			}
			i++;
		} else if (!group && argv[i][0] != '-' && nks_group_id(argv[i]) > 0) {
			group = argv[i];
		} else {
			fprintf(stderr, "nkstat: watch: unknown argument '%s' (groups: neigh ports tcp)\n",
				argv[i]);
			return NKS_EXIT_USAGE;
		}
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (n = 1; !nks_stop && (!count || n <= count); n++) {
		double t1;

		cur = &rounds[n % 2];
		cur->group = group;
		ret = nks_watch_collect(cur, opts);
		if (ret)
			break;
		t1 = nks_now();
		nks_watch_print(cur, prev, prev ? t1 - t0 : 0, interval, tty, n);
		prev = cur;
		t0 = t1;
		if (count && n == count)
			break;
		ts.tv_sec = (time_t)interval;
		ts.tv_nsec = (long)((interval - ts.tv_sec) * 1e9);
		/* a signal ends the sleep early: no SA_RESTART */
		while (!nks_stop && nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	free(rounds[0].s);
	free(rounds[1].s);
	return ret;
}
