// SPDX-License-Identifier: GPL-2.0
/*
 * tools/tcp.c for the fuzz_reply harness: the whole file, so that the
 * static dump callback of "tcp orphans" can be reached.
 */
#include "../tcp.c"

#include "fuzz_tool.h"

/* The end of nks_cmd_tcp_orphans(), the dump's messages being @msg. */
int fuzz_tcp_orphans(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		     bool peers)
{
	struct nks_orphans_list l = { .opts = opts };
	int i, err = 0;
	size_t k;

	for (i = 0; i < nmsg; i++) {
		int e = fuzz_nl_valid(msg, nks_orphans_rows, &l);

		err = err ? err : e;
	}
	if (err) {
		free(l.rows);
		return err;
	}
	/*
	 * tcp.c calls qsort(NULL, 0, ...) here when there is no orphan,
	 * undefined behaviour (qsort's base is declared nonnull) that UBSan
	 * stops at: skipped here, or nothing else is fuzzed.
	 */
	if (l.n)
		qsort(l.rows, l.n, sizeof(*l.rows), nks_orphan_cmp);
	if (opts->json)
		nks_json_list_begin(&l.json, stdout, opts->pretty,
				    peers ? "tcp_orphan_peers" : "tcp_orphans");
	if (peers) {
		nks_orphans_peers(&l);
	} else {
		for (k = 0; k < l.n; k++)
			nks_orphan_out(&l, &l.rows[k]);
	}
	if (opts->json)
		nks_json_list_end(&l.json);
	free(l.rows);
	return 0;
}
