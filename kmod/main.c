// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat: counters from inside the network stack that /proc, nstat and
 * ss do not expose, reported over the generic netlink family "nkstat".
 *
 * Load order: per-netns state, then the counter groups (their hooks may
 * touch per-netns state), then the family that reports them. Unload runs
 * in reverse, so no request can see a half-torn-down module.
 *
 * There is deliberately no MODULE_ALIAS_GENL_FAMILY: with it, any process
 * resolving the family name would load the module, and so attach its
 * probes host-wide. It is loaded by modprobe or modules-load.d only.
 */
#include <linux/module.h>
#include <linux/nkstat.h>
#include <net/genetlink.h>

#include "group.h"
#include "family.h"
#include "netns.h"
#include "version.h"

static int __init nks_init(void)
{
	int err;

	err = nks_netns_init();
	if (err)
		return err;
	nks_groups_init();
	err = nks_genl_init();
	if (err)
		goto err_groups;
	return 0;

err_groups:
	nks_groups_exit();
	nks_netns_exit();
	return err;
}

static void __exit nks_exit(void)
{
	nks_genl_exit();
	nks_groups_exit();
	nks_netns_exit();
}

module_init(nks_init);
module_exit(nks_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fine-grained network stack counters over generic netlink");
MODULE_AUTHOR("The nkstat developers");
MODULE_VERSION(NKSTAT_VERSION);
