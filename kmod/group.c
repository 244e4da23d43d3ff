// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of counter groups and the state each is in on this kernel.
 * GET_INFO reports it so that a user can tell "zero" from "not available
 * here, and why".
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/nkstat.h>
#include <linux/string.h>

#include "group.h"
#include "version.h"

struct nks_group *const nks_groups[] = {
#define NKS_GROUP(name) (&nks_group_##name),
#include "groups.h"
#undef NKS_GROUP
};

static char *skip_hooks = "";
module_param(skip_hooks, charp, 0444);
MODULE_PARM_DESC(skip_hooks,
		 "hooks not to attach, comma-separated, named as GET_INFO names them");

int nks_hook_skipped(const char *name)
{
	const char *p = skip_hooks;
	size_t len = strlen(name), n;

	while (*p) {
		n = strcspn(p, ",");
		if (n == len && !strncmp(p, name, len))
			return -ECANCELED;
		p += n + !!p[n];
	}
	return 0;
}

/*
 * A kprobe's misses, and for a kretprobe also the hits that found no
 * free instance (it embeds its kprobe).
 */
u64 nks_hook_missed(const struct nks_hook *hook)
{
	u64 missed;

	if (!hook->kp || hook->err)
		return 0;
	missed = READ_ONCE(hook->kp->nmissed);
	if (hook->kind == NKSTAT_HOOK_KIND_KRETPROBE)
		missed += READ_ONCE(container_of(hook->kp, struct kretprobe,
						 kp)->nmissed);
	return missed;
}

void nks_group_unavail(struct nks_group *grp, const char *counter,
		       const char *reason)
{
	if (WARN_ON_ONCE(grp->n_unavail >= grp->max_unavail))
		return;
	grp->unavail[grp->n_unavail].counter = counter;
	grp->unavail[grp->n_unavail].reason = reason;
	grp->n_unavail++;
}

unsigned int nks_groups_netns_layout(unsigned int first)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_groups); i++) {
		nks_groups[i]->netns_base = first;
		first += nks_groups[i]->netns_counters;
	}
	return first;
}

void nks_groups_init(void)
{
	struct nks_group *grp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_groups); i++) {
		grp = nks_groups[i];
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
	unsigned int i = ARRAY_SIZE(nks_groups);
	struct nks_group *grp;

	while (i--) {
		grp = nks_groups[i];
		if (grp->state != NKSTAT_GROUP_STATE_UNAVAILABLE && grp->exit)
			grp->exit(grp);
	}
}

const struct nks_group *nks_group_find(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nks_groups); i++) {
		if (nks_groups[i]->id == id)
			return nks_groups[i];
	}
	return NULL;
}

const struct nks_group *nks_group_at(unsigned int i)
{
	return i < ARRAY_SIZE(nks_groups) ? nks_groups[i] : NULL;
}
