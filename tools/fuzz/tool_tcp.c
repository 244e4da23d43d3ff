// SPDX-License-Identifier: GPL-2.0
/*
 * tools/tcp.c for the fuzz_reply harness: the whole file, so that the
 * static dump callback of "tcp orphans" can be reached.
 */
#include "../tcp.c"

#include "fuzz_tool.h"

/* nks_cmd_tcp_orphans() from its dump on, the dump's messages being @msg. */
int fuzz_tcp_orphans(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		     bool peers)
{
	struct nks_orphans_list l = { .opts = opts };
	int i, err = 0;

	for (i = 0; i < nmsg; i++) {
		int e = fuzz_nl_valid(msg, nks_orphans_rows, &l);

		err = err ? err : e;
	}
	if (err) {
		free(l.rows);
		return err;
	}
	nks_orphans_finish(&l, peers);
	return 0;
}
