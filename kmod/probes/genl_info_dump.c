// SPDX-License-Identifier: GPL-2.0
/* Compile test (Kbuild): genl_info_dump(cb), 6.12 and not 6.1. */
#include <net/genetlink.h>

struct nlattr **nks_probe(struct netlink_callback *cb);
struct nlattr **nks_probe(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
