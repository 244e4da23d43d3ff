// SPDX-License-Identifier: GPL-2.0
/*
 * tools/ports.c for the fuzz_reply harness: the whole file, so that the
 * static dump callback of "ports list" can be reached.
 */
#include "../ports.c"

#include "fuzz_tool.h"

/* nks_cmd_ports_list() from its dump on, the dump's messages being @msg. */
int fuzz_ports_list(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		    long top)
{
	struct nks_ports_list l = { .opts = opts, .top = top };
	int i, err = 0;

	if (opts->json)
		nks_json_list_begin(&l.json, stdout, opts->pretty, "ports_list");
	for (i = 0; i < nmsg; i++) {
		int e = fuzz_nl_valid(msg, nks_ports_list_rows, &l);

		err = err ? err : e;
	}
	nks_ports_list_finish(&l, err);
	return err;
}
