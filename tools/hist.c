// SPDX-License-Identifier: GPL-2.0
/*
 * Histograms as the module sends them: a nest of u64, attribute i + 1
 * holding bucket i (see NKSTAT_HIST_BUCKETS in the uapi header).
 */
#include <string.h>

#include <linux/nkstat.h>
#include <netlink/attr.h>

#include "nkstat.h"

/* The bucket label of histogram bucket @i: "0", "1", "2-3", ..., "N+". */
static const char *nks_hist_label(int i, char *buf, size_t len)
{
	if (i == 0 || i == 1)
		snprintf(buf, len, "%d", i);
	else if (i == NKSTAT_HIST_BUCKETS - 1)
		snprintf(buf, len, "%llu+", 1ULL << (i - 1));
	else
		snprintf(buf, len, "%llu-%llu", 1ULL << (i - 1), (1ULL << i) - 1);
	return buf;
}

/* Reads a histogram nest into @hist; false if absent. */
static bool nks_get_hist(struct nlattr *nest, uint64_t *hist)
{
	struct nlattr *a;
	int rem;

	if (!nest)
		return false;
	memset(hist, 0, NKSTAT_HIST_BUCKETS * sizeof(*hist));
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) >= 1 && nla_type(a) <= NKSTAT_HIST_BUCKETS)
			hist[nla_type(a) - 1] = nla_get_u64(a);
	}
	return true;
}

void nks_json_khist(struct nks_json *j, const char *key, struct nlattr *nest)
{
	uint64_t hist[NKSTAT_HIST_BUCKETS];
	char buf[32];
	int i;

	nks_json_key(j, key);
	if (!nks_get_hist(nest, hist)) {
		nks_json_null(j);
		return;
	}
	/* bucket range as the key: {"0": n, "1": n, "2-3": n, ...} */
	nks_json_open(j, '{');
	for (i = 0; i < NKSTAT_HIST_BUCKETS; i++)
		nks_json_ku64(j, nks_hist_label(i, buf, sizeof(buf)), true, hist[i]);
	nks_json_close(j, '}');
}

void nks_text_hist(const char *title, struct nlattr *nest, const char *mark)
{
	uint64_t hist[NKSTAT_HIST_BUCKETS];
	bool any = false;
	char buf[32];
	int i;

	printf("  %-26s", title);
	if (!nks_get_hist(nest, hist)) {
		printf(" n/a\n");
		return;
	}
	for (i = 0; i < NKSTAT_HIST_BUCKETS; i++) {
		if (!hist[i])
			continue;
		printf(" %s:%llu", nks_hist_label(i, buf, sizeof(buf)),
		       (unsigned long long)hist[i]);
		any = true;
	}
	printf("%s%s\n", any ? "" : " none yet", mark);
}
