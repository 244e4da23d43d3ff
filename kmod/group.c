// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of counter groups and the state each is in on this kernel.
 * GET_INFO reports it so that a user can tell "zero" from "not available
 * here, and why".
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/nkstat.h>

#include "group.h"
#include "neigh.h"
#include "ports.h"
#include "tcp.h"
#include "version.h"

static struct nks_group nks_groups[] = {
	{
		.id = NKSTAT_GROUP_NEIGH,
		.name = "neigh",
		.init = nks_neigh_init,
		.exit = nks_neigh_exit,
	},
	{
		.id = NKSTAT_GROUP_PORTS,
		.name = "ports",
		.init = nks_ports_init,
		.exit = nks_ports_exit,
	},
	{
		.id = NKSTAT_GROUP_TCP,
		.name = "tcp",
		.init = nks_tcp_init,
		.exit = nks_tcp_exit,
	},
};

void nks_group_unavail(struct nks_group *grp, const char *counter,
		       const char *reason)
{
	if (WARN_ON_ONCE(grp->n_unavail >= grp->max_unavail))
		return;
	grp->unavail[grp->n_unavail].counter = counter;
	grp->unavail[grp->n_unavail].reason = reason;
	grp->n_unavail++;
}

void nks_groups_init(void)
{
	struct nks_group *grp;

	for (grp = nks_groups; grp < nks_groups + ARRAY_SIZE(nks_groups); grp++) {
		if (!grp->init) {
			grp->state = NKSTAT_GROUP_STATE_UNAVAILABLE;
			grp->reason = "not implemented in nkstat " NKSTAT_VERSION;
			continue;
		}
		if (grp->init(grp)) {
			grp->state = NKSTAT_GROUP_STATE_UNAVAILABLE;
			if (!grp->reason)
				grp->reason = "initialisation failed";
			continue;
		}
		grp->state = grp->n_unavail ? NKSTAT_GROUP_STATE_PARTIAL :
					      NKSTAT_GROUP_STATE_ACTIVE;
	}
}

void nks_groups_exit(void)
{
	struct nks_group *grp = nks_groups + ARRAY_SIZE(nks_groups);

	while (grp-- > nks_groups) {
		if (grp->state != NKSTAT_GROUP_STATE_UNAVAILABLE && grp->exit)
			grp->exit(grp);
	}
}

const struct nks_group *nks_group_find(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_groups); i++) {
		if (nks_groups[i].id == id)
			return &nks_groups[i];
	}
	return NULL;
}

const struct nks_group *nks_group_at(unsigned int i)
{
	return i < ARRAY_SIZE(nks_groups) ? &nks_groups[i] : NULL;
}
