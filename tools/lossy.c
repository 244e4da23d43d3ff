// SPDX-License-Identifier: GPL-2.0
/*
 * Lossy counters: those whose kprobe or kretprobe missed hits since the
 * module loaded, or that a walk which lost its place could only bound.
 * Their values are lower bounds. A GET_NEIGH, GET_PORTS or GET_TCP reply
 * names its own in top-level NKSTAT_A_LOSSY strings; a reply without any
 * (an older module's, too) has none. Each printer marks them: text after
 * the value, JSON in a "lossy" list, Prometheus as GROUP_lossy series.
 */
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/attr.h>

#include "nkstat.h"

#define NKS_LOSSY_MARK " (lossy: lower bound)"

bool nks_lossy(const struct nks_reply *r, const char *name)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, r->attrs, r->len, rem) {
		const char *s = nks_attr_str(a);

		if (nla_type(a) == NKSTAT_A_LOSSY && s && !strcmp(s, name))
			return true;
	}
	return false;
}

const char *nks_lossy_mark(const struct nks_reply *r, const char *name)
{
	return nks_lossy(r, name) ? NKS_LOSSY_MARK : "";
}

const char *nks_lossy_fmt(const struct nks_reply *r, const char *name,
			  struct nlattr *a, char *buf, size_t len)
{
	char v[24];

	snprintf(buf, len, "%s%s", NKS_FMT(a, v),
		 a ? nks_lossy_mark(r, name) : "");
	return buf;
}

void nks_json_kstrings(struct nks_json *j, const char *key,
		       struct nlattr *head, int len, int type)
{
	struct nlattr *a;
	int rem;

	nks_json_key(j, key);
	nks_json_open(j, '[');
	nla_for_each_attr(a, head, len, rem) {
		const char *s = nks_attr_str(a);

		if (nla_type(a) != type)
			continue;
		if (s)
			nks_json_string(j, s);
		else
			nks_json_null(j);
	}
	nks_json_close(j, ']');
}

void nks_json_klossy(struct nks_json *j, const struct nks_reply *r)
{
	nks_json_kstrings(j, "lossy", r->attrs, r->len, NKSTAT_A_LOSSY);
}

void nks_prom_lossy(const struct nks_reply *r, const char *group,
		    const char *labels)
{
	char name[32], l[256];
	bool family = false;
	struct nlattr *a;
	int rem;

	snprintf(name, sizeof(name), "%s_lossy", group);
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		const char *s = nks_attr_str(a);

		if (nla_type(a) != NKSTAT_A_LOSSY || !s)
			continue;
		if (!family)
			nks_prom_family(name, "gauge",
					"1 for each counter whose value is a lower bound: its hook missed hits, or its walk lost its place.");
		family = true;
		snprintf(l, sizeof(l), "%s", labels);
		nks_prom_label(l, sizeof(l), "counter", s);
		nks_prom_sample(name, l, 1);
	}
}
