// SPDX-License-Identifier: GPL-2.0
/*
 * tools/watch.c for the fuzz_reply harness: the whole file, so that its
 * static sample collection and printing can be reached. Its rounds are
 * collected by its own nks_watch_collect(); only the request in it,
 * nks_query_groups(), is answered with the message under test.
 */
#include "../nkstat.h"
#include "fuzz_tool.h"

static struct nl_msg *fuzz_watch_msg;

#define nks_query_groups(fns, opts) fuzz_query_groups(fuzz_watch_msg, (fns), (opts))
#include "../watch.c"
#undef nks_query_groups

/*
 * nks_cmd_watch() for two rounds (the second compared with the first),
 * then one round of "watch tcp".
 */
int fuzz_watch(struct nl_msg *msg, const struct nks_opts *opts)
{
	struct nks_round rounds[2] = { { 0 } }, tcp = { .group = "tcp" };
	int err;

	fuzz_watch_msg = msg;
	err = nks_watch_collect(&rounds[1], opts);
	if (!err) {
		nks_watch_print(&rounds[1], NULL, 0, 1, false, 1);
		err = nks_watch_collect(&rounds[0], opts);
		if (!err)
			nks_watch_print(&rounds[0], &rounds[1], 1.5, 1, false, 2);
	}
	if (!err)
		err = nks_watch_collect(&tcp, opts);
	if (!err)
		nks_watch_print(&tcp, NULL, 0, 0.1, false, 1);
	free(rounds[0].s);
	free(rounds[1].s);
	free(tcp.s);
	return err;
}
