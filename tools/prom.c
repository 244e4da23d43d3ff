// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (format 0.0.4), for node_exporter's textfile
 * collector: every metric family is "nkstat_<name>" with # HELP and
 * # TYPE lines before its samples, counters end in _total, and labels
 * are few (netns, table, group, state, hook): no per-port or per-device
 * series.
 */
#include <string.h>

#include "nkstat.h"

void nks_prom_family(const char *name, const char *type, const char *help)
{
	printf("# HELP nkstat_%s %s\n# TYPE nkstat_%s %s\n", name, help, name, type);
}

/* Appends ,key="value" (the first without the comma), escaped. */
void nks_prom_label(char *buf, size_t len, const char *key, const char *value)
{
	size_t n = strlen(buf);
	const char *p;

	n += snprintf(buf + n, n < len ? len - n : 0, "%s%s=\"", n ? "," : "", key);
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
	if (*labels)
		printf("nkstat_%s{%s} %llu\n", name, labels, (unsigned long long)v);
	else
		printf("nkstat_%s %llu\n", name, (unsigned long long)v);
}

static int nks_prom_note_groups(const struct nks_reply *r, void *arg)
{
	bool *reporting = arg;
	struct nlattr *a, *tb[NKSTAT_GROUP_A_MAX + 1];
	int rem;

	nla_for_each_attr(a, r->attrs, r->len, rem) {
		uint32_t id;

		if (nla_type(a) != NKSTAT_A_GROUP ||
		    nla_parse_nested(tb, NKSTAT_GROUP_A_MAX, a, NULL) ||
		    !tb[NKSTAT_GROUP_A_ID] || !tb[NKSTAT_GROUP_A_STATE])
			continue;
		id = nla_get_u32(tb[NKSTAT_GROUP_A_ID]);
		if (id <= NKSTAT_GROUP_MAX)
			reporting[id] = nla_get_u32(tb[NKSTAT_GROUP_A_STATE]) !=
					NKSTAT_GROUP_STATE_UNAVAILABLE;
	}
	return 0;
}

struct nks_prom_info {
	const struct nks_opts *opts;
	bool reporting[NKSTAT_GROUP_MAX + 1];
};

static int nks_prom_info_reply(const struct nks_reply *r, void *arg)
{
	struct nks_prom_info *pi = arg;

	nks_prom_note_groups(r, pi->reporting);
	return nks_info_print(r, (void *)pi->opts);
}

/* nkstat -o prometheus: the module, then every group that reports. */
int nks_prom_all(const struct nks_opts *opts)
{
	struct nks_prom_info pi = { .opts = opts };
	struct nks_nl nl;
	int ret;

	ret = nks_nl_open(&nl);
	if (ret)
		return ret;
	ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_INFO, 0, 0, 0, nks_prom_info_reply, &pi);
	if (!ret && pi.reporting[NKSTAT_GROUP_NEIGH])
		ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_NEIGH, 0, 0, 0, nks_neigh_print,
				 (void *)opts);
	if (!ret && pi.reporting[NKSTAT_GROUP_PORTS])
		ret = nks_nl_cmd(&nl, NKSTAT_CMD_GET_PORTS, 0, 0, 0, nks_ports_print,
				 (void *)opts);
	nks_nl_close(&nl);
	return ret;
}
