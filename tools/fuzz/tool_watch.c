// SPDX-License-Identifier: GPL-2.0
/*
 * tools/watch.c for the fuzz_reply harness: the whole file, so that its
 * static sample collection and printing can be reached.
 */
#include "../watch.c"

#include "fuzz_tool.h"

static const struct nks_group_fns fuzz_watch_fns = {
	nks_info_print, nks_neigh_print, nks_ports_print, nks_tcp_print,
};

/* nks_watch_collect() answered with @msg. */
static int fuzz_watch_collect(struct nl_msg *msg, struct nks_round *r,
			      const struct nks_opts *opts)
{
	struct nks_opts o = *opts;
	int ret;

	o.prom = true;
	o.json = false;
	r->n = 0;
	r->err = 0;
	nks_prom_set_sink(nks_watch_sink, r);
	ret = fuzz_query_groups(msg, &fuzz_watch_fns, &o);
	nks_prom_set_sink(NULL, NULL);
	return ret || r->err;
}

/*
 * nks_cmd_watch() for two rounds (the second compared with the first),
 * then one round of "watch tcp".
 */
int fuzz_watch(struct nl_msg *msg, const struct nks_opts *opts)
{
	struct nks_round rounds[2] = { { 0 } }, tcp = { .group = "tcp" };
	int err;

	err = fuzz_watch_collect(msg, &rounds[1], opts);
	if (!err) {
		nks_watch_print(&rounds[1], NULL, 0, 1, false, 1);
		err = fuzz_watch_collect(msg, &rounds[0], opts);
		if (!err)
			nks_watch_print(&rounds[0], &rounds[1], 1.5, 1, false, 2);
	}
	if (!err)
		err = fuzz_watch_collect(msg, &tcp, opts);
	if (!err)
		nks_watch_print(&tcp, NULL, 0, 0.1, false, 1);
	free(rounds[0].s);
	free(rounds[1].s);
	free(tcp.s);
	return err;
}
