// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (format 0.0.4), for node_exporter's textfile
 * collector: every metric family is "nkstat_<name>" with # HELP and
 * # TYPE lines before its samples, counters end in _total, and labels
 * are few (netns, table, group, state, hook, cause): no per-port,
 * per-device or per-socket series.
 */
#include <string.h>

#include "nkstat.h"

static nks_prom_sink_fn nks_sink;
static void *nks_sink_arg;
static const char *nks_family_type = "untyped";

void nks_prom_set_sink(nks_prom_sink_fn fn, void *arg)
{
	nks_sink = fn;
	nks_sink_arg = arg;
}

void nks_prom_family(const char *name, const char *type, const char *help)
{
	nks_family_type = type;
	if (!nks_sink)
		printf("# HELP nkstat_%s %s\n# TYPE nkstat_%s %s\n", name, help, name, type);
}

/*
 * Appends ,key="value" (the first without the comma), escaped. A label
 * that does not fit is left out, and a value too long is cut: the labels
 * stay well-formed either way.
 */
void nks_prom_label(char *buf, size_t len, const char *key, const char *value)
{
	size_t n = strlen(buf);
	const char *p;

	/* the key, its =", one character of value and the closing quote */
	if (n + (n ? 1 : 0) + strlen(key) + 4 >= len)
		return;
	n += snprintf(buf + n, len - n, "%s%s=\"", n ? "," : "", key);
	for (p = value; *p && n + 3 < len; p++) {
		if (*p == '\\' || *p == '"' || *p == '\n') {
			buf[n++] = '\\';
			buf[n++] = *p == '\n' ? 'n' : *p;
		} else {
			buf[n++] = *p;
		}
	}
	if (n + 1 < len) {
		buf[n++] = '"';
		buf[n] = '\0';
	}
}

void nks_prom_sample(const char *name, const char *labels, uint64_t v)
{
	if (nks_sink)
		nks_sink(name, labels, nks_family_type, v, nks_sink_arg);
	else if (*labels)
		printf("nkstat_%s{%s} %llu\n", name, labels, (unsigned long long)v);
	else
		printf("nkstat_%s %llu\n", name, (unsigned long long)v);
}

/* nkstat -o prometheus: the module, then every group that reports. */
int nks_prom_all(const struct nks_opts *opts)
{
	static const struct nks_group_fns fns = {
		nks_info_print, nks_neigh_print, nks_ports_print, nks_tcp_print,
	};

	return nks_query_groups(&fns, (void *)opts);
}
