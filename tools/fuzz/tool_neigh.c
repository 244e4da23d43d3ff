// SPDX-License-Identifier: GPL-2.0
/*
 * tools/neigh.c for the fuzz_reply harness: the whole file, so that the
 * static dump callback of "neigh dev" can be reached.
 */
#include "../neigh.c"

#include "fuzz_tool.h"

/* nks_cmd_neigh_dev(), the dump's messages being @msg. */
int fuzz_neigh_dev(struct nl_msg *msg, int nmsg, const struct nks_opts *opts)
{
	struct nks_neigh_dev_out out = { .opts = opts };
	int i, err = 0;

	if (opts->json)
		nks_json_list_begin(&out.json, stdout, opts->pretty, "neigh_dev");
	for (i = 0; i < nmsg; i++) {
		int e = fuzz_nl_valid(msg, nks_neigh_dev_print, &out);

		err = err ? err : e;
	}
	if (opts->json && !err)
		nks_json_list_end(&out.json);
	return err;
}
