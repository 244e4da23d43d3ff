// SPDX-License-Identifier: GPL-2.0
/*
 * tools/complete.c for the fuzz_reply harness: the whole file, so that the
 * static reply callback listing the module's groups can be reached.
 */
#include "../complete.c"

#include "fuzz_tool.h"

int fuzz_complete_groups(struct nl_msg *msg)
{
	return fuzz_nl_valid(msg, nks_complete_groups_reply, NULL);
}
