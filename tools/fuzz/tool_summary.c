// SPDX-License-Identifier: GPL-2.0
/*
 * tools/summary.c for the fuzz_reply harness: the whole file, so that its
 * static reply callbacks can be reached.
 */
#include "../summary.c"

#include "fuzz_tool.h"

/* nks_cmd_summary(), every request answered with @msg. */
int fuzz_summary(struct nl_msg *msg, const struct nks_opts *opts)
{
	static const struct nks_group_fns sum = {
		nks_sum_info, nks_sum_neigh, nks_sum_ports, nks_sum_tcp,
	};
	static const struct nks_group_fns prom = {
		nks_info_print, nks_neigh_print, nks_ports_print, nks_tcp_print,
	};
	struct nks_summary s = { 0 };
	int err;

	/* nks_prom_all() */
	if (opts->prom)
		return fuzz_query_groups(msg, &prom, (void *)opts);
	err = fuzz_query_groups(msg, &sum, &s);
	if (err)
		return err;
	nks_sum_report(&s, opts);
	return 0;
}
