// SPDX-License-Identifier: GPL-2.0
/*
 * tools/ports.c for the fuzz_reply harness: the whole file, so that the
 * static dump callback of "ports list" can be reached.
 */
#include "../ports.c"

#include "fuzz_tool.h"

/* The end of nks_cmd_ports_list(), the dump's messages being @msg. */
int fuzz_ports_list(struct nl_msg *msg, int nmsg, const struct nks_opts *opts,
		    long top)
{
	struct nks_ports_list l = { .opts = opts, .top = top };
	int i, err = 0;
	size_t k;

	if (opts->json)
		nks_json_list_begin(&l.json, stdout, opts->pretty, "ports_list");
	for (i = 0; i < nmsg; i++) {
		int e = fuzz_nl_valid(msg, nks_ports_list_rows, &l);

		err = err ? err : e;
	}
	if (!err && l.top) {
		/*
		 * ports.c calls qsort(NULL, 0, ...) here when the dump holds no
		 * port, undefined behaviour (qsort's base is declared nonnull)
		 * that UBSan stops at: skipped here, or nothing else is fuzzed.
		 */
		if (l.n)
			qsort(l.ports, l.n, sizeof(*l.ports), nks_port_cmp);
		for (k = 0; k < l.n && k < (size_t)l.top; k++)
			nks_port_out(&l, &l.ports[k]);
	}
	free(l.ports);
	if (opts->json && !err)
		nks_json_list_end(&l.json);
	return err;
}
